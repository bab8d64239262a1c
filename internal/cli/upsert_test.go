package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"

	"github.com/concord-er/concord/internal/cli"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store/sqlite"
)

// liveSetup writes a config with one NDJSON source of people (name,
// phone) and a model linking records that agree on name or on phone.
func liveSetup(t *testing.T) (dir, cfg, modelPath string) {
	t.Helper()
	dir = t.TempDir()
	cfg = filepath.Join(dir, "concord.yaml")
	write(t, cfg, `store: live.db
sources:
  - name: people
    path: people.ndjson
    id: id
    fields:
      name:  {column: name, type: text}
      phone: {column: phone, type: text}
`)
	modelPath = filepath.Join(dir, "model.json")
	write(t, modelPath, `{"version": 1, "prior": 0.01, "thresholds": {"match": 0.8, "review": 0.5},
  "blocking": [["name"], ["phone"]],
  "comparisons": [
    {"name": "name", "feature": "name", "kind": "text", "levels": [
      {"label": "exact", "method": "exact", "m": 0.9, "u": 0.001}, {"label": "else", "method": "else", "m": 0.5, "u": 0.99}]},
    {"name": "phone", "feature": "phone", "kind": "text", "levels": [
      {"label": "exact", "method": "exact", "m": 0.9, "u": 0.001}, {"label": "else", "method": "else", "m": 0.5, "u": 0.99}]}]}`)
	return dir, cfg, modelPath
}

// edit replaces the first old in the file at path with new.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, strings.Replace(string(b), old, new, 1))
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func acks(t *testing.T, out string) []live.Change {
	t.Helper()
	var chs []live.Change
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ch live.Change
		if err := json.Unmarshal([]byte(line), &ch); err != nil {
			t.Fatalf("ack %q: %v", line, err)
		}
		chs = append(chs, ch)
	}
	return chs
}

func TestUpsertEntityRecord(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	in := filepath.Join(dir, "batch1.ndjson")
	write(t, in, `{"id": "a", "name": "Ana", "phone": "111"}
{"id": "b", "name": "Bea", "phone": "222"}
{"name": "no id"}
{"id": "c", "name": "ana", "phone": "222"}
`)
	if code, _, errs := run(t, "upsert", "--config", cfg, in); code != 1 || !strings.Contains(errs, "no model") {
		t.Fatalf("upsert without a model: exit %d, %s", code, errs)
	}
	code, out, errs := run(t, "upsert", "--config", cfg, "--model", modelPath, in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	chs := acks(t, out)
	if len(chs) != 3 || chs[2].Links != 2 || len(chs[2].Events) != 1 || chs[2].Events[0].Kind != "merged" {
		t.Fatalf("acks %+v", chs)
	}
	if !strings.Contains(errs, "3 records upserted; 1 rows and 0 values rejected") {
		t.Errorf("summary line: %s", errs)
	}
	// The store and the rejects are private (store/sqlite checks the WAL).
	for _, f := range []string{"rejects.ndjson", "live.db"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
		} else if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	rejects := readLines(t, filepath.Join(dir, "rejects.ndjson"))
	if len(rejects) != 1 || rejects[0]["line"] != float64(3) || rejects[0]["file"] != in {
		t.Errorf("rejects %v", rejects)
	}
	entity := chs[2].Entity
	code, out, errs = run(t, "entity", "--config", cfg, string(entity))
	if code != 0 {
		t.Fatalf("entity: exit %d: %s", code, errs)
	}
	var v live.EntityView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Records) != 3 || len(v.Lineage) != 2 || v.Records[0].Record.Features[0].Raw[0] != "Ana" {
		t.Fatalf("entity view: %d records, lineage %+v", len(v.Records), v.Lineage)
	}
	// A second run needs no model: the store keeps it. Deleting the bridge
	// splits the entity.
	del := filepath.Join(dir, "del.ndjson")
	write(t, del, `{"id": "c"}
{"id": "zz"}
`)
	code, out, errs = run(t, "upsert", "--config", cfg, "--delete", del)
	if code != 0 {
		t.Fatalf("delete: exit %d: %s", code, errs)
	}
	if chs := acks(t, out); len(chs) != 1 || chs[0].Op != "delete" || len(chs[0].Events) != 1 || chs[0].Events[0].Kind != "split" {
		t.Fatalf("delete acks %+v", chs)
	}
	code, out, _ = run(t, "record", "--config", cfg, "people", "b")
	var r live.StoredRecord
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Entity == entity || r.Entity == "" {
		t.Fatalf("record b after the split: exit %d, %s", code, out)
	}
	if code, _, errs := run(t, "record", "--config", cfg, "people", "c"); code != 1 || !strings.Contains(errs, "not found") {
		t.Fatalf("deleted record: exit %d, %s", code, errs)
	}
	if code, _, _ := run(t, "entity", "--config", cfg); code != 2 {
		t.Fatalf("entity without an ID: exit %d, want 2", code)
	}
}

// TestUpsertChild is the child process of TestUpsertSurvivesKill.
func TestUpsertChild(t *testing.T) {
	args := os.Getenv("CONCORD_UPSERT_CHILD")
	if args == "" {
		t.Skip("run by TestUpsertSurvivesKill and TestUpsertInterrupted")
	}
	os.Exit(cli.Main(strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
}

// TestUpsertInterrupted: SIGINT stops an upsert that waits on an idle
// standard input, once what it acknowledged is committed: it exits with
// ExitSignal, saying so, and the acknowledged record is stored.
func TestUpsertInterrupted(t *testing.T) {
	_, cfg, modelPath := liveSetup(t)
	var stderr bytes.Buffer
	cmd, stdin, stdout := startUpsertChild(t, cfg, modelPath, &stderr)
	defer stdin.Close()
	fmt.Fprintln(stdin, `{"id": "r1", "name": "Ana", "phone": "1"}`)
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatalf("no acknowledgement: %s", stderr.String())
	}
	// Acknowledged; the input stays open and idle.
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("upsert did not stop on SIGINT while its input was idle")
	}
	if code := cmd.ProcessState.ExitCode(); code != cli.ExitSignal || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want %d and interrupted", code, stderr.String(), cli.ExitSignal)
	}
	if code, out, errs := run(t, "record", "--config", cfg, "people", "r1"); code != 0 || !strings.Contains(out, "r1") {
		t.Errorf("the acknowledged record: exit %d %s %s", code, out, errs)
	}
}

// startUpsertChild starts this test binary as a child running
// "concord upsert -" from a pipe the caller feeds (TestUpsertChild).
func startUpsertChild(t *testing.T, cfg, modelPath string, stderr io.Writer) (*exec.Cmd, io.WriteCloser, io.ReadCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestUpsertChild$")
	cmd.Env = append(os.Environ(), "CONCORD_UPSERT_CHILD="+strings.Join([]string{"upsert", "--config", cfg, "--model", modelPath, "--source", "people", "-"}, "\x1f"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, stdout
}

// An acknowledged upsert survives kill -9: a child upserts from stdin and
// acknowledges each record; the parent kills it mid-stream and checks
// that every acknowledged record is in the store and the store is
// consistent.
func TestUpsertSurvivesKill(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	// The child reads records from stdin, which the parent keeps feeding.
	cmd, stdin, stdout := startUpsertChild(t, cfg, modelPath, os.Stderr)
	const total, killAfter = 5000, 400
	go func() {
		for i := range total {
			if _, err := fmt.Fprintf(stdin, `{"id": "r%d", "name": "n%d", "phone": "p%d"}`+"\n", i, i/3, i/3); err != nil {
				return // the child is gone
			}
		}
		stdin.Close()
	}()
	acked := map[record.Key]bool{}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var ch live.Change
		if err := json.Unmarshal(sc.Bytes(), &ch); err != nil {
			t.Fatalf("ack %q: %v", sc.Text(), err)
		}
		acked[ch.Record] = true
		if len(acked) == killAfter {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			break
		}
	}
	cmd.Wait()
	if len(acked) != killAfter {
		t.Fatalf("child acknowledged %d records before ending, want %d", len(acked), killAfter)
	}
	db, err := sqlite.Open(filepath.Join(dir, "live.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := live.Open(context.Background(), db, live.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Check(context.Background()); err != nil {
		t.Fatalf("store inconsistent after kill -9: %v", err)
	}
	stored, err := l.Entities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k := range acked {
		if _, ok := stored[k]; !ok {
			t.Errorf("acknowledged record %s lost", k)
		}
	}
	// Groups commit in input order, whole or not at all: what is stored
	// is the first records sent, at least every acknowledged one.
	for i := range len(stored) {
		if _, ok := stored[record.Key{Source: "people", ID: fmt.Sprintf("r%d", i)}]; !ok {
			t.Fatalf("%d records stored, but not r%d: not a prefix of the input", len(stored), i)
		}
	}
}

// upsertLearned upserts row (NDJSON) into liveSetup's store, its source
// with more fields (YAML lines) and its model with key (a JSON field of
// model.json) set to value, and returns the record as stored.
func upsertLearned(t *testing.T, fields, key, value, row string) live.StoredRecord {
	t.Helper()
	dir, cfg, modelPath := liveSetup(t)
	edit(t, cfg, "      phone: {column: phone, type: text}\n", "      phone: {column: phone, type: text}\n"+fields)
	edit(t, modelPath, `"comparisons"`, `"`+key+`": `+value+`, "comparisons"`)
	in := filepath.Join(dir, "rows.ndjson")
	write(t, in, row+"\n")
	if code, _, errs := run(t, "upsert", "--config", cfg, "--model", modelPath, in); code != 0 {
		t.Fatalf("upsert: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "record", "--config", cfg, "people", "a")
	var r live.StoredRecord
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("record: exit %d: %s %s", code, out, errs)
	}
	return r
}

// TestUpsertReadsDatesAsTrained: rows upserted read a date both orders
// of day and month read (03/08/1999) in the order the model found in the
// source's dates; without one it is rejected as ambiguous.
func TestUpsertReadsDatesAsTrained(t *testing.T) {
	for _, tt := range []struct {
		orders string // the model's date_orders
		want   string // the stored date; "" none
	}{
		{`[{"source": "people", "field": "dob", "order": "day_first", "day_first_only": 40, "month_first_only": 0}]`, "1999-08-03"},
		{`[{"source": "people", "field": "dob", "order": "month_first", "day_first_only": 0, "month_first_only": 40}]`, "1999-03-08"},
		{`[]`, ""},
	} {
		r := upsertLearned(t, "      dob:   {column: dob, type: date}\n", "date_orders", tt.orders,
			`{"id": "a", "name": "Ana", "phone": "111", "dob": "03/08/1999"}`)
		got := ""
		if f := r.Record.Feature("dob"); f != nil && len(f.Values) > 0 {
			got = f.Values[0].Norm
		}
		if got != tt.want {
			t.Errorf("date orders %s: 03/08/1999 stored as %q, want %q", tt.orders, got, tt.want)
		}
	}
}

// TestUpsertReadsPartyNamesAsTrained: a source without a kind whose names
// the model read as party names (its first rows held companies' names
// too) reads an upserted row's so: a company named there is an
// organisation; without the model saying so, a person, as typed (two
// names typed people's: neither is read as party names by itself).
func TestUpsertReadsPartyNamesAsTrained(t *testing.T) {
	for _, tt := range []struct {
		parties string // the model's party_names
		want    record.EntityKind
	}{
		{`[{"source": "people", "field": "full", "records": 200, "organisations": 20}]`, record.EntityOrganization},
		{`[]`, record.EntityPerson},
	} {
		r := upsertLearned(t, "      full:  {column: full, type: name}\n      alias: {column: alias, type: name}\n", "party_names", tt.parties,
			`{"id": "a", "name": "Acme", "phone": "111", "full": "Acme Trading Ltd", "alias": "Acme"}`)
		if r.Record.Kind != tt.want {
			t.Errorf("party names %s: the record is a %s, want a %s", tt.parties, r.Record.Kind, tt.want)
		}
	}
}

// TestUpsertReadsAliasesAsTrained: a field the model reads as another
// feature (field_aliases) is read so in an upserted row: renamed where its
// source has no field of that name, its values added to that field's
// where it has; without the model saying so, as mapped.
func TestUpsertReadsAliasesAsTrained(t *testing.T) {
	for _, tt := range []struct {
		aliases string // the model's field_aliases
		want    []string
	}{
		{`[{"source": "people", "field": "pp2", "as": "passport", "with": "list", "shared": 9}]`, []string{"passport=P1|P2"}},
		{`[{"source": "people", "field": "passport", "as": "documento", "with": "list", "shared": 9}]`, []string{"documento=P1", "pp2=P2"}},
		{`[]`, []string{"passport=P1", "pp2=P2"}},
	} {
		r := upsertLearned(t, "      passport: {column: passport, type: identifier}\n      pp2: {column: pp2, type: identifier}\n", "field_aliases", tt.aliases,
			`{"id": "a", "name": "Ana", "phone": "111", "passport": "P1", "pp2": "P2"}`)
		var got []string
		for _, f := range r.Record.Features {
			if f.Kind != record.KindIdentifier {
				continue
			}
			var vs []string
			for _, v := range f.Values {
				vs = append(vs, v.Norm)
			}
			got = append(got, f.Name+"="+strings.Join(vs, "|"))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("aliases %s: identifiers stored %q, want %q", tt.aliases, got, tt.want)
		}
	}
}

// TestUpsertReadsNameJoinsAsTrained: fields the model read as one name
// (name_joins) are read so in an upserted row: one feature of their
// columns joined, as training read them (a source's one name of no
// declared kind: read as a party's).
func TestUpsertReadsNameJoinsAsTrained(t *testing.T) {
	for _, tt := range []struct {
		joins string // the model's name_joins
		want  []string
	}{
		{`[{"source": "people", "fields": ["given", "surname"], "as": "whole", "rows": 50, "given": [0.9, 0], "one_word": [1, 0.4]}]`, []string{"whole=Juan Garcia Lopez"}},
		{`[]`, []string{"surname=Garcia Lopez", "given=Juan"}},
	} {
		r := upsertLearned(t, "      surname: {column: surname, type: name}\n      given: {column: given, type: name}\n", "name_joins", tt.joins,
			`{"id": "a", "name": "Ana", "phone": "111", "surname": "Garcia Lopez", "given": "Juan"}`)
		var got []string
		for _, f := range r.Record.Features {
			if f.Kind.IsName() {
				got = append(got, f.Name+"="+strings.Join(f.Raw, "|"))
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("name joins %s: names stored %q, want %q", tt.joins, got, tt.want)
		}
	}
}

// TestUpsertReadsNameUnionsAsTrained: fields of names the model read as
// one field (name_unions) are read so in an upserted row: a company's
// name in its own column is the record's party name, read as an
// organisation's.
func TestUpsertReadsNameUnionsAsTrained(t *testing.T) {
	for _, tt := range []struct {
		unions string // the model's name_unions
		want   []string
	}{
		{`[{"source": "people", "fields": ["person", "firm"], "as": "whole", "kind": "party", "rows": 50, "together": 0}]`, []string{"whole party=Acme Trading Ltd organization"}},
		{`[]`, []string{"firm org_name=Acme Trading Ltd organization"}},
	} {
		r := upsertLearned(t, "      person: {column: person, type: name}\n      firm: {column: firm, type: org_name}\n", "name_unions", tt.unions,
			`{"id": "a", "name": "Ana", "phone": "111", "person": "", "firm": "Acme Trading Ltd"}`)
		var got []string
		for _, f := range r.Record.Features {
			if f.Kind.IsName() && len(f.Raw) > 0 {
				got = append(got, fmt.Sprintf("%s %s=%s %s", f.Name, f.Kind, strings.Join(f.Raw, "|"), r.Record.Kind))
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("name unions %s: names stored %q, want %q", tt.unions, got, tt.want)
		}
	}
}

// TestUpsertFindsPatternSource: a file upserted without --source belongs
// to the source whose path, a pattern, matches it.
func TestUpsertFindsPatternSource(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	edit(t, cfg, "sources:\n", "sources:\n  - name: daily\n    path: daily/*.ndjson\n    id: id\n    fields:\n      name:  {column: name, type: text}\n      phone: {column: phone, type: text}\n")
	if err := os.MkdirAll(filepath.Join(dir, "daily"), 0o700); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "daily", "2026-12-06.ndjson")
	write(t, in, `{"id": "d1", "name": "Ana", "phone": "111"}`+"\n")
	upsertShows(t, cfg, modelPath, in, "1 records upserted", "daily", "d1", "d1")
}

// TestUpsertWorkbook: an Excel workbook upserted into a source is read as
// one, by its extension, whatever format the source's own file has.
func TestUpsertWorkbook(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{{"id", "name", "phone"}, {"w1", "Ana", "111"}, {"w2", "Bea", 222}} {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	in := filepath.Join(dir, "more.xlsx")
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	upsertShows(t, cfg, modelPath, in, "2 records upserted", "people", "w2", "222")
}

// upsertShows upserts in, checks the summary line says upserted, and that
// the stored record source/id shows want.
func upsertShows(t *testing.T, cfg, modelPath, in, upserted, source, id, want string) {
	t.Helper()
	code, _, errs := run(t, "upsert", "--config", cfg, "--model", modelPath, in)
	if code != 0 || !strings.Contains(errs, upserted) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, out, errs := run(t, "record", "--config", cfg, source, id); code != 0 || !strings.Contains(out, want) {
		t.Errorf("record %s %s: exit %d: %s %s", source, id, code, out, errs)
	}
}

// TestUpsertParquet: a Parquet file upserted into a source is read as one,
// by its extension.
func TestUpsertParquet(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	type row struct {
		ID    string `parquet:"id"`
		Name  string `parquet:"name"`
		Phone int64  `parquet:"phone"`
	}
	in := filepath.Join(dir, "more.parquet")
	if err := parquet.WriteFile(in, []row{{"p1", "Ana", 111}, {"p2", "Bea", 222}}); err != nil {
		t.Fatal(err)
	}
	upsertShows(t, cfg, modelPath, in, "2 records upserted", "people", "p2", "222")
}
