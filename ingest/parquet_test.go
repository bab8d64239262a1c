package ingest_test

import (
	"bytes"
	"compress/gzip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/record"
)

// parquetID and parquetEntry are a watch list's rows as a columnar
// export writes them.
type (
	parquetID struct {
		Type   string `parquet:"type"`
		Number string `parquet:"number"`
	}
	parquetEntry struct {
		ID     int64       `parquet:"id"`
		Name   string      `parquet:"name"`
		Alias  []string    `parquet:"alias,list"`
		IDs    []parquetID `parquet:"ids,list"`
		DOB    *int32      `parquet:"dob,optional,date"`
		Listed int64       `parquet:"listed,timestamp(millisecond)"`
		Score  *float64    `parquet:"score,optional"`
	}
)

// parquetList writes a small watch list as Parquet, as a columnar export
// would: a row's id, name, list of aliases, list of typed ids, date of
// birth (a Parquet DATE), the time it was listed (a TIMESTAMP) and a
// score; the second row's aliases and ids empty, its date and score null.
func parquetList(t testing.TB) []byte {
	t.Helper()
	dob := int32(time.Date(1960, 1, 2, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	score := 0.5
	listed := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetEntry](&buf)
	rows := []parquetEntry{
		{ID: 1, Name: "Juan Pérez", Alias: []string{"Juanito", "J. Perez"}, IDs: []parquetID{{"passport", "X123"}, {"national_id", "V-1.234.567"}}, DOB: &dob, Listed: listed, Score: &score},
		{ID: 2, Name: "Ana García", Listed: listed},
	}
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestParquet: a Parquet file's rows read as JSON objects, their lists
// and nested groups by paths and filters, its dates as ISO dates, a row
// numbered where a text file's line would be; gzipped too.
func TestParquet(t *testing.T) {
	data := parquetList(t)
	opt := ingest.Options{Source: "s", File: "list.parquet", Format: ingest.FormatParquet, ID: "id",
		Fields: []ingest.Field{
			{Name: "name", Kind: record.KindName, Column: "name"},
			{Name: "aliases", Kind: record.KindName, Column: "alias"},
			{Name: "passport", Kind: record.KindIdentifier, Column: "ids[type=passport].number"},
			{Name: "dob", Kind: record.KindDate, Column: "dob"},
			{Name: "listed", Kind: record.KindText, Column: "listed"},
		}}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	for name, in := range map[string][]byte{"plain": data, "gzipped": gz.Bytes()} {
		t.Run(name, func(t *testing.T) {
			r, err := ingest.Open(bytes.NewReader(in), opt)
			if err != nil {
				t.Fatal(err)
			}
			recs, rejects := readAll(t, r)
			if len(rejects) != 0 || len(recs) != 2 {
				t.Fatalf("%d records, rejects %v; want 2", len(recs), rejects)
			}
			if got := flat(recs); !reflect.DeepEqual(got, []string{"1|Juan Pérez|Juanito,J. Perez|1", "2|Ana García||2"}) {
				t.Errorf("records = %q", got)
			}
			raw := func(r record.Record, f string) []string {
				if ft := r.Feature(f); ft != nil {
					return ft.Raw
				}
				return nil
			}
			if got := raw(recs[0], "passport"); !reflect.DeepEqual(got, []string{"X123"}) {
				t.Errorf("passport = %q, want X123", got)
			}
			if got := raw(recs[0], "dob"); !reflect.DeepEqual(got, []string{"1960-01-02"}) {
				t.Errorf("dob = %q, want 1960-01-02 (a Parquet DATE as an ISO date)", got)
			}
			if got := raw(recs[1], "dob"); len(got) != 0 {
				t.Errorf("a null date read as %q", got)
			}
			if got := raw(recs[0], "listed"); len(got) != 1 || !strings.HasPrefix(got[0], "2024-03-01") {
				t.Errorf("listed = %q, want the timestamp's ISO text", got)
			}
		})
	}
	// A column the mapping names that the file has not stops the source
	// up front, naming the columns it has.
	bad := opt
	bad.Fields = append(bad.Fields[:1:1], ingest.Field{Name: "phone", Kind: record.KindPhone, Column: "telefono"})
	if _, err := ingest.Open(bytes.NewReader(data), bad); err == nil || !strings.Contains(err.Error(), "telefono") {
		t.Errorf("a column the file has not: err %v", err)
	}
	// What is not Parquet fails the source; a file cut short too.
	for _, in := range [][]byte{[]byte("id,name\n1,Ana\n"), data[:len(data)/2], nil} {
		if _, err := ingest.Open(bytes.NewReader(in), opt); err == nil || !strings.Contains(err.Error(), "Parquet") {
			t.Errorf("%d bytes of no Parquet file: err %v", len(in), err)
		}
	}
}

// FuzzParquet: whatever bytes a Parquet source holds, reading it neither
// panics nor loses a row without saying so: each row is a record or a
// reject, or the source fails to open.
func FuzzParquet(f *testing.F) {
	data := parquetList(f)
	f.Add(data)
	f.Add(data[:len(data)-10])
	f.Add([]byte("PAR1PAR1"))
	opt := ingest.Options{Source: "s", File: "f.parquet", Format: ingest.FormatParquet, ID: "id",
		Fields: []ingest.Field{{Name: "name", Kind: record.KindName, Column: "name"}}}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ingest.Open(bytes.NewReader(in), opt)
		if err != nil {
			return
		}
		readAll(t, r)
	})
}
