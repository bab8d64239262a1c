package cli_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/internal/cli"
	"github.com/concord-er/concord/internal/synth"
)

// run calls the CLI in-process and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, m)
	}
	return out
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "demo", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"3 synthetic sources", "28 records → ", "rows rejected 3, values rejected 8",
		"GARCÍA LÓPEZ, Juan Carlos", "Juan García", "Juan Carlos García López", // one entity
		"Pairs for human review", "duplicate record id (first seen at line 2)", "could be day/month or month/day",
		"Real time: 28 records upserted", "outcome: review (between the review threshold", "concord audit verify --config",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	clusters := map[string]string{}
	rows := strings.Split(strings.TrimSpace(readFile(t, filepath.Join(dir, "clusters.csv"))), "\n")[1:]
	for _, r := range rows {
		f := strings.Split(r, ",")
		clusters[f[0]+"/"+f[1]] = f[2]
	}
	// The watchlist's WL-007 writes its name as an object: kept without
	// it (a value reject), as its nationality Narnia is.
	if len(rows) != 28 {
		t.Errorf("clusters.csv has %d records, want 28 (23 rows' and the registry's 5 representatives)", len(rows))
	}
	if e := clusters["bank_kyc/C-1001"]; e == "" || clusters["bank_kyc/C-1008"] != e || clusters["watchlist/WL-001"] != e || clusters["registry.representative/J-30123456-7"] != e {
		t.Errorf("Juan Carlos García's four records (a representative of a company among them) are not one entity: %v", clusters)
	}
	if clusters["registry/J-30123456-7"] == clusters["bank_kyc/C-1001"] {
		t.Error("a company merged with its representative")
	}
	rels := strings.Split(strings.TrimSpace(readFile(t, filepath.Join(dir, "relationships.csv"))), "\n")[1:]
	if len(rels) != 5 || !slices.ContainsFunc(rels, func(r string) bool {
		return strings.HasPrefix(r, "represents,registry.representative,J-30123456-7,"+clusters["bank_kyc/C-1001"]+",registry,J-30123456-7,")
	}) {
		t.Errorf("relationships.csv: %q, want the 5 representatives', Juan Carlos García's to his company", rels)
	}
	if clusters["bank_kyc/C-1001"] == clusters["bank_kyc/C-1002"] {
		t.Error("different people merged")
	}
	rejects := readLines(t, filepath.Join(dir, "rejects.ndjson"))
	rowRejects := 0
	for _, r := range rejects {
		if r["scope"] == "row" {
			rowRejects++
			if r["raw"] == "" || r["line"] == nil || r["reason"] == "" {
				t.Errorf("row reject lacks raw, line or reason: %v", r)
			}
		}
	}
	if len(rows)-len(rels)+rowRejects != 26 {
		t.Errorf("records %d (of them %d representatives) + row rejects %d != 26 rows: a row was lost", len(rows), len(rels), rowRejects)
	}
	var sum cli.ResolveSummary
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "summary.json"))), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Stats.Load.Records != 28 || sum.Stats.Load.RejectedRows != 3 || sum.Stats.Load.RejectedValues != 8 { // 555-1234 has no area code
		t.Errorf("summary load = %+v", sum.Stats.Load)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestIngestMappingErrorStopsBeforeWork(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("id,nombre\n1,Ana\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.csv"), []byte("id,name\n1,Bo\n"), 0o644)
	cfg := filepath.Join(dir, "concord.yaml")
	os.WriteFile(cfg, []byte(`sources:
  - {name: a, path: a.csv, id: id, fields: {full_name: {column: name, type: name}}}
  - {name: b, path: b.csv, id: id, fields: {full_name: {column: name, type: name}}}
`), 0o644)
	out := filepath.Join(dir, "out")
	code, _, errs := run(t, "ingest", "--config", cfg, "--out", out)
	if code != cli.ExitError {
		t.Fatalf("exit %d, want %d", code, cli.ExitError)
	}
	for _, want := range []string{"source a", `full_name ("name")`, "available columns: id, nombre"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q lacks %q", errs, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "records.ndjson")); err == nil {
		t.Error("records.ndjson written despite the mapping error")
	}
}

func TestIngestConfigError(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "concord.yaml")
	os.WriteFile(cfg, []byte("sources:\n  - {name: a, path: a.csv, id: id, fields: {n: {column: n, type: nam}}}\n"), 0o644)
	code, _, errs := run(t, "ingest", "--config", cfg, "--out", dir)
	if code != cli.ExitError || !strings.Contains(errs, `concord.yaml:2: sources[0].fields.n.type: unknown type "nam"`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// TestIngestFebrl ingests every Febrl file through examples/febrl/febrl.yaml
// and checks that every row is a record or a reject.
func TestIngestFebrl(t *testing.T) {
	if _, err := os.Stat("../../../shared/data/febrl/dataset1.csv"); err != nil {
		t.Skip("Febrl data not found in ../shared/data/febrl; skipping")
	}
	dir := t.TempDir()
	code, _, errs := run(t, "ingest", "--config", "../../examples/febrl/febrl.yaml", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	var sum cli.Summary
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"dataset1": 1000, "dataset2": 5000, "dataset3": 5000, "dataset4a": 5000, "dataset4b": 5000}
	for _, s := range sum.Load.Sources {
		if s.Rows != want[s.Name] || s.Records+s.RejectedRows != s.Rows {
			t.Errorf("%s: rows %d (want %d), records %d + rejected %d", s.Name, s.Rows, want[s.Name], s.Records, s.RejectedRows)
		}
		if s.Fields["surname"].Present == 0 || s.Fields["dob"].Present == 0 {
			t.Errorf("%s: fields not normalised: %+v", s.Name, s.Fields)
		}
	}
	values := 0
	for _, r := range readLines(t, filepath.Join(dir, "rejects.ndjson")) {
		if r["scope"] == "value" {
			values++
		}
	}
	if int64(values) != sum.Load.RejectedValues {
		t.Errorf("rejects.ndjson has %d value rejects, summary says %d", values, sum.Load.RejectedValues)
	}
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	// The truth gzipped, as sources may be: eval reads both forms.
	truth := filepath.Join(dir, "truth.csv.gz")
	clusters := filepath.Join(dir, "clusters.csv")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("source,record_id,entity_id\ns,1,a\ns,2,a\ns,3,b\n"))
	zw.Close()
	os.WriteFile(truth, gz.Bytes(), 0o644)
	os.WriteFile(clusters, []byte("source,record_id,entity_id\ns,1,x\ns,2,x\ns,3,x\n"), 0o644)
	code, out, errs := run(t, "eval", "--truth", truth, "--clusters", clusters)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_precision", "bcubed_recall", "bcubed_f1", "true_clusters", "predicted_clusters"} {
		if _, ok := m[k]; !ok {
			t.Errorf("eval output lacks %s", k)
		}
	}
	if m["pairwise_recall"] != 1.0 || m["true_clusters"] != 2.0 || m["predicted_clusters"] != 1.0 {
		t.Errorf("eval = %v", m)
	}
}

func TestNormalizeCommand(t *testing.T) {
	code, out, errs := run(t, "normalize", "--kind", "date", "--format", "DD/MM/YYYY", "05/06/1990", "nonsense")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"norm":"1990-06-05"`) || !strings.Contains(lines[1], `"error"`) {
		t.Errorf("output = %q", out)
	}
	// A cell of a name and its alias: a line for each, as ingest reads it.
	code, out, errs = run(t, "normalize", "--kind", "party", "JOHN SMITH T/A SMITH PLUMBING", "JANE DOE")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"part":"JOHN SMITH"`) ||
		!strings.Contains(lines[1], `"norm":"smith plumbing"`) || strings.Contains(lines[2], `"part"`) {
		t.Errorf("output = %q", out)
	}
	// A name with an umlaut: a line for its other spelling.
	code, out, errs = run(t, "normalize", "--kind", "name", "Jürgen Müller")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"norm":"jurgen muller"`) ||
		!strings.Contains(lines[1], `"spelling":"Juergen Mueller"`) || !strings.Contains(lines[1], `"norm":"juergen mueller"`) {
		t.Errorf("output = %q", out)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, cli.ExitUsage, "usage: concord <command>"},
		{[]string{"help"}, cli.ExitOK, "commands:"},
		{[]string{"frobnicate"}, cli.ExitUsage, `unknown command "frobnicate"`},
		{[]string{"ingest"}, cli.ExitUsage, "--config and --out are required"},
		{[]string{"resolve", "--config", "x"}, cli.ExitUsage, "--config and --out are required"},
		{[]string{"bench", "--sizes", "10,x"}, cli.ExitUsage, "bad size"},
		{[]string{"bench", "--runs", "0"}, cli.ExitUsage, "--runs must be at least 1"},
		{[]string{"resolve", "--config", "x", "--out", "y", "--memory-limit", "lots"}, cli.ExitUsage, "bad --memory-limit"},
		{[]string{"resolve", "--config", "x", "--out", "y", "--memory-limit", "NaN"}, cli.ExitUsage, "bad --memory-limit"},
		{[]string{"resolve", "--config", "x", "--out", "y", "--memory-limit", "1e30GiB"}, cli.ExitUsage, "bad --memory-limit"},
		{[]string{"resolve", "--config", "x", "--out", "y", "--workers", "-1"}, cli.ExitUsage, "bad --workers -1"},
		{[]string{"resolve", "--config", "x", "--out", "y", "--workers", "1000000"}, cli.ExitUsage, "bad --workers 1000000"},
		{[]string{"eval", "--truth", "x"}, cli.ExitUsage, "--truth and --clusters are required"},
		{[]string{"ingest", "--bogus"}, cli.ExitUsage, "flag provided but not defined"},
		{[]string{"normalize", "--kind", "shoe"}, cli.ExitUsage, "a valid --kind"},
		{[]string{"demo", "--log-level", "loud"}, cli.ExitUsage, "bad --log-level"},
		{[]string{"eval", "--truth", "/nonexistent", "--clusters", "/nonexistent"}, cli.ExitError, "no such file"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := run(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d (want %d), stderr %q lacks %q", code, tt.code, errs, tt.want)
			}
		})
	}
}

func TestResolveCommand(t *testing.T) {
	dir := t.TempDir()
	cfgPath, truthPath, err := synth.Write(filepath.Join(dir, "in"), synth.Options{Seed: 9, People: 400})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, errs := run(t, "resolve", "--config", cfgPath, "--out", out, "--truth", truthPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "accuracy: pairwise") {
		t.Errorf("stdout lacks accuracy: %s", stdout)
	}
	// Every output is private, and nothing else is left in the directory.
	entries, _ := os.ReadDir(out)
	if len(entries) != 5 {
		t.Errorf("output directory holds %d entries, want the 5 outputs", len(entries))
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("output directory: %v %v, want mode 0700", st, err)
	}
	for _, f := range []string{"clusters.csv", "model.json", "review.csv", "rejects.ndjson", "summary.json"} {
		st, err := os.Stat(filepath.Join(out, f))
		if err != nil {
			t.Errorf("missing %s: %v", f, err)
			continue
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	// model.json holds no values in clear: term-frequency tables are keyed
	// by salted digests.
	var mj struct {
		TFSalt      string `json:"tf_salt"`
		Comparisons []struct {
			TFTable map[string]float64 `json:"tf_table"`
		} `json:"comparisons"`
	}
	data, _ := os.ReadFile(filepath.Join(out, "model.json"))
	if err := json.Unmarshal(data, &mj); err != nil || len(mj.TFSalt) != 32 {
		t.Fatalf("model.json: tf_salt %q (%v)", mj.TFSalt, err)
	}
	keyed := 0
	for _, c := range mj.Comparisons {
		for k := range c.TFTable {
			if len(k) != 32 || strings.Trim(k, "0123456789abcdef") != "" {
				t.Fatalf("a term-frequency key in clear: %q", k)
			}
			keyed++
		}
	}
	if keyed == 0 {
		t.Error("no term-frequency table in model.json: the check proved nothing")
	}
	clusters, _ := os.ReadFile(filepath.Join(out, "clusters.csv"))
	if !strings.HasPrefix(string(clusters), "source,record_id,entity_id\n") {
		t.Errorf("clusters.csv header = %q", strings.SplitN(string(clusters), "\n", 2)[0])
	}
	var sum cli.ResolveSummary
	data, _ = os.ReadFile(filepath.Join(out, "summary.json"))
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Accuracy == nil || sum.Accuracy.PairwiseF1 < 0.95 || sum.Stats.Blocking.PairCompleteness == nil {
		t.Errorf("summary accuracy = %+v", sum.Accuracy)
	}
	// eval on the written clusters agrees with the summary.
	code, evalOut, errs := run(t, "eval", "--truth", truthPath, "--clusters", filepath.Join(out, "clusters.csv"))
	if code != 0 {
		t.Fatalf("eval exit %d: %s", code, errs)
	}
	var m map[string]float64
	json.Unmarshal([]byte(evalOut), &m)
	if m["pairwise_f1"] != sum.Accuracy.PairwiseF1 {
		t.Errorf("eval F1 %v != summary F1 %v", m["pairwise_f1"], sum.Accuracy.PairwiseF1)
	}
	// Reusing the model gives the same clusters.
	out2 := filepath.Join(dir, "out2")
	code, _, errs = run(t, "resolve", "--config", cfgPath, "--out", out2, "--model", filepath.Join(out, "model.json"))
	if code != 0 {
		t.Fatalf("resolve --model exit %d: %s", code, errs)
	}
	clusters2, _ := os.ReadFile(filepath.Join(out2, "clusters.csv"))
	if !bytes.Equal(clusters, clusters2) {
		t.Error("resolve --model wrote different clusters")
	}
	code, _, errs = run(t, "resolve", "--config", cfgPath, "--out", out2, "--model", filepath.Join(out, "summary.json"))
	if code != cli.ExitError || !strings.Contains(errs, "summary.json") {
		t.Errorf("resolve with a bad model: exit %d, %s", code, errs)
	}
}

// TestResolveNamesInTwoScripts: a customer file that writes a name in
// Latin letters and in Chinese ones in one cell (PETER CHAN 陳大文) is
// found by a list that writes the Chinese name alone and by a payment
// that writes the Latin one, SURNAME/GIVEN; before names in two scripts
// were read as two names, the Chinese syllables were read as one more
// given name and none of them was found.
func TestResolveNamesInTwoScripts(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"kyc.csv":  "id,name,dob,country\nk1,PETER CHAN 陳大文,1970-03-04,HK\nk2,MARY WONG 黃美玲,1982-11-20,HK\nk3,JOHN LEE,1965-01-01,HK\n",
		"list.csv": "id,name,dob,country\nl1,陳大文,1970-03-04,HK\nl2,黃美玲,1982-11-20,HK\n",
		"pay.csv":  "id,name,country\np1,CHAN/PETER,HK\np2,WONG/MARY,HK\n",
	}
	var cfg strings.Builder
	cfg.WriteString("sources:\n")
	for _, src := range []string{"kyc", "list", "pay"} {
		fmt.Fprintf(&cfg, "  - name: %s\n    path: %s.csv\n    id: id\n    kind: person\n    fields:\n      name: {column: name, type: name}\n      country: {column: country, type: country}\n", src, src)
		if src != "pay" {
			cfg.WriteString("      dob: {column: dob, type: date}\n")
		}
	}
	files["concord.yaml"] = cfg.String()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	if code, _, errs := run(t, "resolve", "--config", filepath.Join(dir, "concord.yaml"), "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(filepath.Join(out, "clusters.csv"))
	if err != nil {
		t.Fatal(err)
	}
	entity := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(line, ",")
		entity[f[0]+"/"+f[1]] = f[2]
	}
	for _, group := range [][]string{{"kyc/k1", "list/l1", "pay/p1"}, {"kyc/k2", "list/l2", "pay/p2"}} {
		for _, k := range group[1:] {
			if entity[k] == "" || entity[k] != entity[group[0]] {
				t.Errorf("%s in entity %q, %s in %q: want one entity\n%s", k, entity[k], group[0], entity[group[0]], data)
			}
		}
	}
	if entity["kyc/k1"] == entity["kyc/k2"] || entity["kyc/k3"] == entity["kyc/k1"] || entity["kyc/k3"] == entity["kyc/k2"] {
		t.Errorf("two people in one entity:\n%s", data)
	}
}
