package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputSet: files appear in the output directory only on commit,
// private; an aborted set leaves the directory as it was.
func TestOutputSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	set, err := newOutputSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := writePrivate(set.path("a.csv"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.csv"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	set.abort()
	entries, _ := os.ReadDir(dir)
	if data, _ := os.ReadFile(filepath.Join(dir, "a.csv")); string(data) != "old" || len(entries) != 1 {
		t.Fatalf("after abort: a.csv = %q, %d entries; want the old file alone", data, len(entries))
	}
	set, err = newOutputSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.csv", "b.json"} {
		if err := writePrivate(set.path(n), []byte("new")); err != nil {
			t.Fatal(err)
		}
	}
	if err := set.commit(); err != nil {
		t.Fatal(err)
	}
	set.abort() // after commit: nothing to undo
	entries, _ = os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("after commit: %d entries, want a.csv and b.json", len(entries))
	}
	for _, n := range []string{"a.csv", "b.json"} {
		st, err := os.Stat(filepath.Join(dir, n))
		data, _ := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 || string(data) != "new" {
			t.Errorf("%s: mode %v, %q; want 0600 and the new content", n, st.Mode().Perm(), data)
		}
	}
	// A file that existed with wider permissions is narrowed when rewritten.
	wide := filepath.Join(dir, "wide")
	os.WriteFile(wide, nil, 0o644)
	if err := writePrivate(wide, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(wide); st.Mode().Perm() != 0o600 {
		t.Errorf("rewritten file mode %v, want 0600", st.Mode().Perm())
	}
}

// TestPanicIsABug: a command that panics exits with ExitBug and the stack,
// not with the runtime's 2, which means a usage error.
func TestPanicIsABug(t *testing.T) {
	commands["zz-panic"] = command{"panics", func(context.Context, Env, []string) error { panic("boom") }}
	defer delete(commands, "zz-panic")
	var stderr bytes.Buffer
	code := Run(context.Background(), []string{"zz-panic"}, nil, io.Discard, &stderr)
	if code != ExitBug || !strings.Contains(stderr.String(), "internal error") || !strings.Contains(stderr.String(), "boom") ||
		!strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// TestBenchWriteKeepsProse checks what bench --write keeps of the file it
// writes: the prose outside its measured markers, and the network section
// of a file written whole, once, never twice.
func TestBenchWriteKeepsProse(t *testing.T) {
	network := networkBegin + "\nneighbours p99 6 ms\n" + networkEnd
	marked := measuredBegin + "\nold table\n" + measuredEnd + "\n\nhistory, by hand\n\n" + network + "\n"
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	if err := os.WriteFile(path, []byte(marked), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeMeasured(path, keepNetwork("new table\n", marked)); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := measuredBegin + "\nnew table\n" + measuredEnd + "\n\nhistory, by hand\n\n" + network + "\n"
	if string(got) != want {
		t.Errorf("with markers:\n%s\nwant:\n%s", got, want)
	}
	whole := "old table\n\n" + network + "\n"
	if err := os.WriteFile(path, []byte(whole), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeMeasured(path, keepNetwork("new table\n", whole)); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	if want := "new table\n\n" + network + "\n"; string(got) != want {
		t.Errorf("written whole:\n%s\nwant:\n%s", got, want)
	}
}
