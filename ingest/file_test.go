package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/record"
)

// TestOpenFiles: the files of one source read one after another, each with
// a header of its own (its columns in an order of its own), records
// numbered by their file's lines; an id an earlier file holds rejected,
// naming where it was first; a file of no rows warned of by its name; the
// bytes read, at the end, the files' sizes.
func TestOpenFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"2026-01.csv": "id,name,alias\n1,Ana Gómez,\n2,Juan Pérez,JP\n",
		"2026-02.csv": "alias,name,id\n,Luis Mora,3\n,Ana Gomez,1\n",
		"2026-03.csv": "id,name,alias\n",
	}
	var paths, names []string
	var size int64
	for _, name := range []string{"2026-01.csv", "2026-02.csv", "2026-03.csv"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(files[name]), 0o600); err != nil {
			t.Fatal(err)
		}
		paths, names, size = append(paths, p), append(names, name), size+int64(len(files[name]))
	}
	f, err := ingest.OpenFiles(context.Background(), paths, names, people(ingest.FormatCSV))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got, rejects []string
	for {
		rec, err := f.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *ingest.RowError
		if errors.As(err, &re) {
			rejects = append(rejects, re.File+":"+re.Reason)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s@%d", rec.Key.ID, rec.Line))
	}
	if want := []string{"1@2", "2@3", "3@2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("records %q, want %q (id@line)", got, want)
	}
	if len(rejects) != 1 || !strings.HasPrefix(rejects[0], "2026-02.csv:") || !strings.Contains(rejects[0], "first seen in 2026-01.csv at line 2") {
		t.Errorf("rejects %q, want 1 of 2026-02.csv first seen in 2026-01.csv at line 2", rejects)
	}
	if w := f.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "2026-03.csv: the file holds no rows") {
		t.Errorf("warnings %q, want 2026-03.csv's of no rows", w)
	}
	if read, total := f.Progress(); read != size || total != size {
		t.Errorf("progress %d of %d, want %d of %d", read, total, size, size)
	}
	// A later file the mapping does not fit fails the source before a row
	// is read, naming the file.
	bad := filepath.Join(dir, "2026-04.csv")
	if err := os.WriteFile(bad, []byte("id,nombre\n4,Eva\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.OpenFiles(context.Background(), append(paths, bad), append(names, "2026-04.csv"), people(ingest.FormatCSV)); err == nil || !strings.Contains(err.Error(), "2026-04.csv") {
		t.Errorf("a file without the name column: err %v, want it named", err)
	}
}

// TestInMemory: a file says whether it was read whole into memory when
// opened (a workbook, a gzipped Parquet file), which engine.Load holds
// one of at a time; a Parquet file of its own is read in place, and text
// as a stream.
func TestInMemory(t *testing.T) {
	dir := t.TempDir()
	pq, _ := parquetListFile(t, 10)
	data, err := os.ReadFile(pq)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	parquetOpt := ingest.Options{Source: "s", Format: ingest.FormatParquet, ID: "id", Fields: []ingest.Field{{Name: "name", Kind: record.KindName, Column: "name"}}}
	for _, c := range []struct {
		name string
		data []byte
		opt  ingest.Options
		want bool
	}{
		{"list.parquet", data, parquetOpt, false},
		{"list.parquet.gz", gz.Bytes(), parquetOpt, true},
		{"book.xlsx", xlsxBook(t), xlsxOptions(), true},
		{"people.csv", []byte("id,name,alias\n1,Ana,\n"), people(ingest.FormatCSV), false},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		c.opt.File = ""
		f, err := ingest.OpenFile(context.Background(), path, c.opt)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := f.InMemory(); got != c.want {
			t.Errorf("%s: in memory %v, want %v", c.name, got, c.want)
		}
		f.Close()
	}
}
