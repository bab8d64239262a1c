package cli_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

func clustersOf(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range readCSV(t, path)[1:] {
		out[r[0]+"/"+r[1]] = r[2]
	}
	return out
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("concord %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// The review loop end to end: a reviewer's "different" keeps a linked
// pair apart in the store, after upserts that would join them, and when
// resolve runs again; explain shows why; the audit log verifies, and an
// edited export fails at the exact entry.
func TestReviewExplainAudit(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	write(t, filepath.Join(dir, "people.ndjson"), `{"id": "a", "name": "Ana", "phone": "111"}
{"id": "b", "name": "Ana", "phone": "222"}
`)
	out1 := filepath.Join(dir, "out1")
	mustRun(t, "resolve", "--config", cfg, "--out", out1, "--model", modelPath)
	if c := clustersOf(t, filepath.Join(out1, "clusters.csv")); c["people/a"] != c["people/b"] {
		t.Fatalf("before review resolve keeps a and b apart: %v", c)
	}
	mustRun(t, "upsert", "--config", cfg, "--model", modelPath, filepath.Join(dir, "people.ndjson"))
	text := mustRun(t, "explain", "--config", cfg, "--pair", "people/a", "people/b")
	for _, want := range []string{"people/a ↔ people/b", "prior", "name: exact", "phone: else", "outcome: match"} {
		if !strings.Contains(text, want) {
			t.Errorf("explain --pair lacks %q:\n%s", want, text)
		}
	}
	var ch live.Change
	out := mustRun(t, "review", "--config", cfg, "--decide", "different", "--reviewer", "rev", "--comment", "two sisters", "people/a", "people/b")
	if err := json.Unmarshal([]byte(out), &ch); err != nil || len(ch.Events) != 1 || ch.Events[0].Kind != "split" {
		t.Fatalf("decide printed %s (%v)", out, err)
	}
	if list := mustRun(t, "review", "--config", cfg, "--decisions"); !strings.Contains(list, "different") || !strings.Contains(list, "two sisters") {
		t.Errorf("decisions list:\n%s", list)
	}
	// An upsert that agrees with both on everything would join them.
	write(t, filepath.Join(dir, "more.ndjson"), `{"id": "c", "name": "Ana", "phone": "111"}
{"id": "d", "name": "Ana", "phone": "222"}
`)
	mustRun(t, "upsert", "--config", cfg, filepath.Join(dir, "more.ndjson"))
	var ra, rb live.StoredRecord
	json.Unmarshal([]byte(mustRun(t, "record", "--config", cfg, "people", "a")), &ra)
	json.Unmarshal([]byte(mustRun(t, "record", "--config", cfg, "people", "b")), &rb)
	if ra.Entity == "" || ra.Entity == rb.Entity {
		t.Fatalf("after bridging upserts a is in %q and b in %q", ra.Entity, rb.Entity)
	}
	why := mustRun(t, "explain", "--config", cfg, "--why-not", string(ra.Entity), string(rb.Entity))
	if !strings.Contains(why, "a reviewer decided people/a and people/b are different") {
		t.Errorf("why-not:\n%s", why)
	}
	how := mustRun(t, "explain", "--config", cfg, "--entity", string(ra.Entity), "--json")
	var h struct{ Steps []struct{ By string } }
	if err := json.Unmarshal([]byte(how), &h); err != nil || len(h.Steps) == 0 {
		t.Errorf("explain --entity --json: %s", how)
	}
	// An entity may be named by one of its records, as SOURCE/ID; the
	// id a batch run's clusters.csv gives is not the store's, and saying
	// so is part of the error.
	if byKey := mustRun(t, "explain", "--config", cfg, "--why-not", "people/a", "people/b"); byKey != why {
		t.Errorf("why-not by records:\n%s\nby entity ids:\n%s", byKey, why)
	}
	if byKey := mustRun(t, "explain", "--config", cfg, "--entity", "people/a", "--json"); byKey != how {
		t.Errorf("explain --entity people/a:\n%s\nby id:\n%s", byKey, how)
	}
	var ev live.EntityView
	if err := json.Unmarshal([]byte(mustRun(t, "entity", "--config", cfg, "people/b")), &ev); err != nil || ev.ID != rb.Entity {
		t.Errorf("entity people/b: %+v (%v), want entity %s", ev, err, rb.Entity)
	}
	batchID := clustersOf(t, filepath.Join(out1, "clusters.csv"))["people/a"]
	for _, args := range [][]string{{"explain", "--entity", batchID}, {"entity", batchID}, {"explain", "--why-not", batchID, "people/b"}} {
		code, _, errs := run(t, append(args, "--config", cfg)...)
		if code != 1 || !strings.Contains(errs, "not found") || !strings.Contains(errs, "name an entity by one of its records, SOURCE/ID") {
			t.Errorf("%v with a batch run's id: exit %d, %s", args, code, errs)
		}
	}
	for _, args := range [][]string{{"explain", "--entity", "people/nosuch"}, {"entity", "people/nosuch"}} {
		code, _, errs := run(t, append(args, "--config", cfg)...)
		if code != 1 || !strings.Contains(errs, "people/nosuch") || strings.Contains(errs, "SOURCE/ID") {
			t.Errorf("%v: exit %d, %s", args, code, errs)
		}
	}
	if code, _, errs := run(t, "explain", "--config", cfg, "--entity", "/a"); code != 2 || !strings.Contains(errs, "write it as SOURCE/ID") {
		t.Errorf("explain --entity /a: exit %d, %s", code, errs)
	}
	// Resolve again, from scratch: the decision holds.
	out2 := filepath.Join(dir, "out2")
	mustRun(t, "resolve", "--config", cfg, "--out", out2, "--model", modelPath)
	if c := clustersOf(t, filepath.Join(out2, "clusters.csv")); c["people/a"] == c["people/b"] {
		t.Fatalf("re-run resolve joined the pair a reviewer decided is different: %v", c)
	}
	var sum struct{ Decisions, Audit int }
	data, _ := os.ReadFile(filepath.Join(out2, "summary.json"))
	if err := json.Unmarshal(data, &sum); err != nil || sum.Decisions != 1 || sum.Audit == 0 {
		t.Fatalf("summary of the second resolve: %+v (%v), want 1 decision and an audit entry", sum, err)
	}
	// The audit log verifies; an edited export fails at that entry.
	if v := mustRun(t, "audit", "verify", "--config", cfg); !strings.Contains(v, "verifies") {
		t.Errorf("audit verify: %s", v)
	}
	export := filepath.Join(dir, "audit.ndjson")
	mustRun(t, "audit", "export", "--config", cfg, "--out", export)
	data, _ = os.ReadFile(export)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 5 {
		t.Fatalf("%d audit entries, want the model, 2 upserts, the decision and 2 more upserts", len(lines))
	}
	// The batch run names its model as the real-time entries do.
	models := map[string]string{}
	for _, line := range lines {
		var e struct{ Action, Model string }
		json.Unmarshal([]byte(line), &e)
		models[e.Action] = e.Model
	}
	if models["resolve"] == "" || models["resolve"] != models["upsert"] {
		t.Errorf("resolve's audit entry names model %q, upserts name %q", models["resolve"], models["upsert"])
	}
	lines[3] = strings.Replace(lines[3], `"actor":"reviewer:rev"`, `"actor":"reviewer:someone"`, 1)
	write(t, export, strings.Join(lines, "\n")+"\n")
	code, vout, _ := run(t, "audit", "verify", "--config", cfg, "--file", export)
	if code != 1 || !strings.Contains(vout, "entry 4 (seq 4): edited") {
		t.Fatalf("tampered export: exit %d, %s", code, vout)
	}
	if code, _, errs := run(t, "review", "--config", cfg, "--decide", "same", "people/a", "people/b"); code != 2 || !strings.Contains(errs, "--reviewer") {
		t.Fatalf("decide without reviewer: exit %d %s", code, errs)
	}
	if code, _, errs := run(t, "review", "--config", cfg, "--reason", "maybe"); code != 2 || !strings.Contains(errs, "band, conflict, ambiguous or refused") {
		t.Fatalf("review --reason maybe: exit %d %s", code, errs)
	}
	for _, args := range [][]string{{"--source", "nosuch"}, {"--apart", "--reason", "conflict", "--json"}} {
		if out := mustRun(t, append([]string{"review", "--config", cfg}, args...)...); strings.Contains(out, "people/") {
			t.Errorf("review %v lists pairs:\n%s", args, out)
		}
	}
}

// A reviewer merges two entities and splits a record out again naming
// them by their records (SOURCE/ID), as by their ids.
func TestReviewMergeSplitByRecord(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	write(t, filepath.Join(dir, "people.ndjson"), `{"id": "a", "name": "Ana", "phone": "111"}
{"id": "b", "name": "Bea", "phone": "222"}
{"id": "c", "name": "Cruz", "phone": "333"}
`)
	mustRun(t, "upsert", "--config", cfg, "--model", modelPath, filepath.Join(dir, "people.ndjson"))
	entity := func(id string) record.EntityID {
		t.Helper()
		var r live.StoredRecord
		if err := json.Unmarshal([]byte(mustRun(t, "record", "--config", cfg, "people", id)), &r); err != nil {
			t.Fatal(err)
		}
		return r.Entity
	}
	if entity("a") == entity("b") {
		t.Fatal("a and b are one entity before the merge")
	}
	var ch live.Change
	out := mustRun(t, "review", "--config", cfg, "--merge", "--reviewer", "rev", "--comment", "one client, two files", "people/a", "people/b")
	if err := json.Unmarshal([]byte(out), &ch); err != nil || len(ch.Events) == 0 || ch.Events[0].Kind != record.EventMerged {
		t.Fatalf("merge by records printed %s (%v)", out, err)
	}
	if entity("a") != entity("b") {
		t.Fatal("a and b are apart after the merge")
	}
	// The third entity, by id, into the merged one, by a record.
	mustRun(t, "review", "--config", cfg, "--merge", "--reviewer", "rev", "--comment", "the same client", string(entity("c")), "people/b")
	if entity("c") != entity("a") {
		t.Fatal("c is apart after the merge")
	}
	out = mustRun(t, "review", "--config", cfg, "--split", "people/a", "--reviewer", "rev", "--comment", "Cruz is another client", "people/c")
	if err := json.Unmarshal([]byte(out), &ch); err != nil || len(ch.Events) == 0 || ch.Events[0].Kind != record.EventSplit {
		t.Fatalf("split by a record printed %s (%v)", out, err)
	}
	if entity("c") == entity("a") || entity("a") != entity("b") {
		t.Fatal("after the split c should be alone and a with b")
	}
	code, _, errs := run(t, "review", "--config", cfg, "--merge", "--reviewer", "rev", "--comment", "x", "people/nosuch", "people/a")
	if code != 1 || !strings.Contains(errs, "people/nosuch") {
		t.Errorf("merge naming a record not stored: exit %d, %s", code, errs)
	}
	code, _, errs = run(t, "review", "--config", cfg, "--merge", "--reviewer", "rev", "--comment", "x", "Enosuch", "people/a")
	if code != 1 || !strings.Contains(errs, "Enosuch") {
		t.Errorf("merge naming an entity id not stored: exit %d, %s", code, errs)
	}
}

// reviewQueueStore returns a directory and the config of a store whose
// review queue is two pairs: people/b with people/a (a name) and with
// people/c (a phone).
func reviewQueueStore(t *testing.T) (dir, cfg string) {
	t.Helper()
	dir, cfg, modelPath := liveSetup(t)
	edit(t, modelPath, `"match": 0.8`, `"match": 0.9`) // one agreement (p 0.82) goes to review
	write(t, filepath.Join(dir, "people.ndjson"), `{"id": "a", "name": "Ana", "phone": "111"}
{"id": "b", "name": "Ana", "phone": "222"}
{"id": "c", "name": "Cy", "phone": "222"}
`)
	mustRun(t, "upsert", "--config", cfg, "--model", modelPath, filepath.Join(dir, "people.ndjson"))
	return dir, cfg
}

// review --by-record lists the queue grouped by the record it holds in
// doubt: people/b, in review with people/a (a name) and people/c (a
// phone), is one group of two pairs.
func TestReviewByRecord(t *testing.T) {
	_, cfg := reviewQueueStore(t)
	text := mustRun(t, "review", "--config", cfg, "--by-record")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "people/b") || strings.HasPrefix(lines[2], "people/") ||
		!strings.Contains(text, "records in doubt: 1, pairs for review: 2") {
		t.Errorf("review --by-record:\n%s", text)
	}
	var groups []live.ReviewGroup
	if err := json.Unmarshal([]byte(mustRun(t, "review", "--config", cfg, "--by-record", "--json")), &groups); err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].Record.String() != "people/b" || len(groups[0].Pairs) != 2 {
		t.Errorf("review --by-record --json: %+v", groups)
	}
	if code, _, errs := run(t, "review", "--config", cfg, "--by-record", "--decisions"); code != 2 || !strings.Contains(errs, "--by-record") {
		t.Errorf("review --by-record --decisions: exit %d %s", code, errs)
	}
}

// review --uncertain lists the queue nearest even odds first: people/b
// and people/c, who share a phone that weighs less than a name, before
// people/a and people/b, who come first strongest first.
func TestReviewUncertain(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	edit(t, modelPath, `"match": 0.8`, `"match": 0.9`)
	edit(t, modelPath, `"feature": "phone", "kind": "text", "levels": [
      {"label": "exact", "method": "exact", "m": 0.9, "u": 0.001}`, `"feature": "phone", "kind": "text", "levels": [
      {"label": "exact", "method": "exact", "m": 0.9, "u": 0.003}`)
	write(t, filepath.Join(dir, "people.ndjson"), `{"id": "a", "name": "Ana", "phone": "111"}
{"id": "b", "name": "Ana", "phone": "222"}
{"id": "c", "name": "Cy", "phone": "222"}
`)
	mustRun(t, "upsert", "--config", cfg, "--model", modelPath, filepath.Join(dir, "people.ndjson"))
	for _, c := range []struct {
		args  []string
		first string
	}{{nil, "people/a"}, {[]string{"--uncertain"}, "people/b"}} {
		var q []record.Review
		if err := json.Unmarshal([]byte(mustRun(t, append([]string{"review", "--config", cfg, "--json"}, c.args...)...)), &q); err != nil {
			t.Fatal(err)
		}
		if len(q) != 2 || q[0].A.String() != c.first || q[0].Weight == q[1].Weight {
			t.Errorf("review %v: %+v, want %s's pair first", c.args, q, c.first)
		}
	}
	if code, _, errs := run(t, "review", "--config", cfg, "--uncertain", "--by-record"); code != 2 || !strings.Contains(errs, "--uncertain") {
		t.Errorf("review --uncertain --by-record: exit %d %s", code, errs)
	}
}

// The queue decided in a spreadsheet: review --csv lists it with empty
// verdict and comment columns; a file with some filled in, saved with
// semicolons and gzipped, is decided by --decide-file, the rows left
// empty stay in review; a file with a bad row decides nothing.
func TestReviewDecideFile(t *testing.T) {
	dir, cfg := reviewQueueStore(t)
	rows, err := csv.NewReader(strings.NewReader(mustRun(t, "review", "--config", cfg, "--csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != "source_a,record_id_a,source_b,record_id_b,probability,match_weight,reason,match_key,verdict,comment" {
		t.Fatalf("review --csv: %q", rows)
	}
	pairOf := func(row []string) string { return row[0] + "/" + row[1] + " " + row[2] + "/" + row[3] }
	// A bad row (a record not stored) decides nothing, the good row neither.
	bad := filepath.Join(dir, "bad.csv")
	write(t, bad, "source_a,record_id_a,source_b,record_id_b,verdict\n"+strings.Join(rows[1][:4], ",")+",same\npeople,a,people,zz,same\n")
	if code, _, errs := run(t, "review", "--config", cfg, "--decide-file", bad, "--reviewer", "rev"); code == 0 || !strings.Contains(errs, "bad.csv:3: record_id_b: record people/zz is not in the store") {
		t.Fatalf("a file with a missing record: exit %d %s", code, errs)
	}
	if list := mustRun(t, "review", "--config", cfg, "--decisions"); strings.Contains(list, "same") {
		t.Fatalf("the refused file decided: %s", list)
	}
	// The first pair same, with a comment of its own; the second left.
	var b strings.Builder
	for i, row := range rows {
		if i == 1 {
			row[8], row[9] = "Same", "one phone; one person"
		}
		w := csv.NewWriter(&b)
		w.Comma = ';'
		w.Write(row)
		w.Flush()
	}
	good := filepath.Join(dir, "decided.csv.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(b.String()))
	zw.Close()
	write(t, good, gz.String())
	// Checked alone: what it would decide, nothing decided.
	var checked struct {
		Decided  int            `json:"decided"`
		Checked  bool           `json:"checked_only"`
		Verdicts map[string]int `json:"verdicts"`
		Left     int            `json:"left_in_review"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "review", "--config", cfg, "--decide-file", good, "--reviewer", "rev", "--check")), &checked); err != nil {
		t.Fatal(err)
	}
	if !checked.Checked || checked.Decided != 0 || checked.Verdicts["same"] != 1 || checked.Left != 1 {
		t.Errorf("--check printed %+v", checked)
	}
	if list := mustRun(t, "review", "--config", cfg, "--decisions"); strings.Contains(list, "same") {
		t.Fatalf("--check decided: %s", list)
	}
	var out struct {
		Decided  int            `json:"decided"`
		Verdicts map[string]int `json:"verdicts"`
		Left     int            `json:"left_in_review"`
		Audit    [2]int64       `json:"audit"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "review", "--config", cfg, "--decide-file", good, "--reviewer", "rev", "--comment", "from the sheet")), &out); err != nil {
		t.Fatal(err)
	}
	if out.Decided != 1 || out.Verdicts["same"] != 1 || out.Left != 1 || out.Audit[0] == 0 || out.Audit[0] != out.Audit[1] {
		t.Errorf("decide-file printed %+v", out)
	}
	var ds []record.Decision
	if err := json.Unmarshal([]byte(mustRun(t, "review", "--config", cfg, "--decisions", "--json")), &ds); err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].A.String()+" "+ds[0].B.String() != pairOf(rows[1]) || ds[0].Verdict != record.VerdictSame || ds[0].Comment != "one phone; one person" || ds[0].Reviewer != "rev" {
		t.Errorf("decisions: %+v", ds)
	}
	left, err := csv.NewReader(strings.NewReader(mustRun(t, "review", "--config", cfg, "--csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || pairOf(left[1]) != pairOf(rows[2]) {
		t.Errorf("the queue after: %q", left)
	}
	// By record: the record in doubt in a first column, which a file
	// decided ignores.
	grouped, err := csv.NewReader(strings.NewReader(mustRun(t, "review", "--config", cfg, "--csv", "--by-record"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(grouped) != 2 || grouped[0][0] != "record_in_doubt" || grouped[1][0] != "people/b" || pairOf(grouped[1][1:]) != pairOf(rows[2]) {
		t.Fatalf("review --csv --by-record: %q", grouped)
	}
	grouped[1][9] = "different"
	var gb strings.Builder
	w := csv.NewWriter(&gb)
	w.WriteAll(grouped)
	last := filepath.Join(dir, "grouped.csv")
	write(t, last, gb.String())
	mustRun(t, "review", "--config", cfg, "--decide-file", last, "--reviewer", "rev")
	if q := mustRun(t, "review", "--config", cfg, "--csv"); strings.Count(q, "\n") != 1 {
		t.Errorf("the queue after both files: %q", q)
	}
	if code, _, errs := run(t, "review", "--config", cfg, "--csv", "--json"); code != 2 || !strings.Contains(errs, "--csv") {
		t.Errorf("review --csv --json: exit %d %s", code, errs)
	}
}
