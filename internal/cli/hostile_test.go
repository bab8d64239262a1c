package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHostileInput runs the hostile-input corpus (testdata/hostile): each
// case must end in a clear error or in rejects that name the file, line
// and reason, with the good rows read, in bounded time.
func TestHostileInput(t *testing.T) {
	dir := t.TempDir()
	entries, err := os.ReadDir("testdata/hostile")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/hostile", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, e.Name()), string(data))
	}
	write(t, filepath.Join(dir, "long_value.csv"), "id,name,dob\n1,"+strings.Repeat("Ana ", 500)+",1990-02-03\n2,Bo Chan,1985-04-05\n")
	write(t, filepath.Join(dir, "long_row.csv"), "id,name,dob\n1,"+strings.Repeat("x", 2<<20)+",1990-02-03\n2,Bo Chan,1985-04-05\n")

	// Configs that must be refused, quickly, with a clear message.
	for name, want := range map[string]string{
		"merge_self.yaml":    "merge key refers to a mapping that contains it",
		"merge_fanout.yaml":  "merge keys bring in more than 10000 entries",
		"nan_threshold.yaml": "must be a finite number",
	} {
		start := time.Now()
		code, _, errs := run(t, "ingest", "--config", filepath.Join(dir, name), "--out", filepath.Join(dir, "out-"+name))
		if code == 0 || !strings.Contains(errs, want) {
			t.Errorf("%s: exit %d, stderr %q; want a failure saying %q", name, code, errs, want)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %v", name, d)
		}
		if _, err := os.Stat(filepath.Join(dir, "out-"+name, "summary.json")); err == nil {
			t.Errorf("%s: a refused config left outputs", name)
		}
	}

	// Data: every bad row a reject naming its line and reason; good rows read.
	out := filepath.Join(dir, "out")
	if code, _, errs := run(t, "ingest", "--config", filepath.Join(dir, "hostile.yaml"), "--out", out); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	rejects := readLines(t, filepath.Join(out, "rejects.ndjson"))
	type want struct {
		source string
		line   float64
		reason string
	}
	wants := []want{
		{"stray_quote", 2, "quoted field is not closed"},
		{"control_id", 2, "control character"},
		{"control_id", 3, "control character"},
		{"long_value", 2, "longer than the 1000"},
		{"long_row", 2, "row longer than"},
	}
	for _, w := range wants {
		found := false
		for _, r := range rejects {
			if r["source"] == w.source && r["line"] == w.line && strings.Contains(r["reason"].(string), w.reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("no reject %s:%v %q in %v", w.source, w.line, w.reason, rejects)
		}
	}
	records := readLines(t, filepath.Join(out, "records.ndjson"))
	perSource := map[string]int{}
	for _, r := range records {
		perSource[r["key"].(map[string]any)["source"].(string)]++
	}
	// stray_quote: rows 2 and 3 after the bad one; control_id: row 3;
	// long_value: both rows (the long name is a value reject); long_row:
	// the row after it.
	for src, n := range map[string]int{"stray_quote": 2, "control_id": 1, "long_value": 2, "long_row": 1} {
		if perSource[src] != n {
			t.Errorf("%s: %d records, want %d", src, perSource[src], n)
		}
	}
	for _, r := range rejects {
		if raw, _ := r["raw"].(string); len(raw) > 1<<20 {
			t.Errorf("a reject keeps %d bytes of raw text", len(raw))
		}
	}
}

// TestLimitsConfigured: limits in the config bound rows and values below
// the defaults, for batch ingest and for upsert alike.
func TestLimitsConfigured(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "p.csv"), "id,name,dob\n1,Ana Lopez,1990-02-03\n2,"+strings.Repeat("x", 150)+",1990-02-03\n3,Bartholomew Montgomery Fitzgerald,1985-04-05\n")
	cfg := filepath.Join(dir, "c.yaml")
	write(t, cfg, "sources:\n  - {name: p, path: p.csv, id: id, fields: {name: {column: name, type: name}, dob: {column: dob, type: date}}}\n"+
		"limits: {row_bytes: 100, value_bytes: {name: 20}}\n")
	out := filepath.Join(dir, "out")
	if code, _, errs := run(t, "ingest", "--config", cfg, "--out", out); code != 0 {
		t.Fatalf("ingest: %s", errs)
	}
	rejects := readLines(t, filepath.Join(out, "rejects.ndjson"))
	if len(rejects) != 2 || rejects[0]["line"] != 3.0 || !strings.Contains(rejects[0]["reason"].(string), "row longer than 100") ||
		rejects[1]["line"] != 4.0 || !strings.Contains(rejects[1]["reason"].(string), "longer than the 20") {
		t.Errorf("rejects %v; want row 3 over 100 bytes and row 4's name over 20", rejects)
	}
}
