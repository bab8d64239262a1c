package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concord-er/concord/internal/cli"
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
		"26 rows from 3 sources: 22 records, 4 rows rejected, 5 values rejected",
		"juan carlos garcia lopez", "+584125551234", "vladimir petrovich smirnov", "muhammad bin khalid al haddad",
		"duplicate record id (first seen at line 2)", "could be day/month or month/day",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	recs := readLines(t, filepath.Join(dir, "records.ndjson"))
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
	if len(recs)+rowRejects != 26 {
		t.Errorf("records %d + row rejects %d != 26 rows: a row was lost", len(recs), rowRejects)
	}
	var sum cli.Summary
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Load.Records != 22 || sum.Load.RejectedRows != 4 || sum.Load.RejectedValues != 5 {
		t.Errorf("summary load = %+v", sum.Load)
	}
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
	truth := filepath.Join(dir, "truth.csv")
	clusters := filepath.Join(dir, "clusters.csv")
	os.WriteFile(truth, []byte("source,record_id,entity_id\ns,1,a\ns,2,a\ns,3,b\n"), 0o644)
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
