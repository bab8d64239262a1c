package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

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

// parquetTyped is a row of a database's columnar export: numbers as
// DECIMALs (a national id, an account, a wide NUMBER column, one in a
// group), a UUID, a TIME, an INT96 timestamp as older writers store them,
// and bytes of no type.
type (
	parquetBranch struct {
		Code int64 `parquet:"code,decimal(0:18)"`
	}
	parquetTyped struct {
		ID      int64            `parquet:"id"`
		NatID   int32            `parquet:"nat_id,decimal(0:9)"`
		Account int64            `parquet:"account,decimal(2:18)"`
		Wide    [16]byte         `parquet:"wide,decimal(10:38)"`
		Owed    int64            `parquet:"owed,decimal(2:18)"`
		Branch  parquetBranch    `parquet:"branch"`
		Ref     [16]byte         `parquet:"ref,uuid"`
		Opens   int32            `parquet:"opens,time(millisecond)"`
		Seen    deprecated.Int96 `parquet:"seen"`
		Tag     [4]byte          `parquet:"tag"`
		Code    [4]byte          `parquet:"code"`
	}
)

// TestParquetValues: each Parquet type is read as its values are written
// where the data came from: a DECIMAL's digits exactly (the reader's own
// float32 reads a national id of nine digits as another number, and its
// float64 an account of eighteen), a UUID as its text, a TIME as a clock,
// an INT96 as its timestamp, bytes of no type as text or hexadecimal.
func TestParquetValues(t *testing.T) {
	want := map[string]string{
		"nat_id": "123456789", "account": "1234567890123456.78", "wide": "12345678", "owed": "-0.05",
		"branch.code": "987654321098765432", "ref": "123e4567-e89b-12d3-a456-426614174000",
		"opens": "13:45:00.5", "seen": "2001-02-03T04:05:06Z", "tag": "ff001080", "code": "AB12",
	}
	r, err := ingest.Open(bytes.NewReader(parquetExport(t)), parquetExportOptions())
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(rejects) != 0 || len(recs) != 1 {
		t.Fatalf("%d records, rejects %v; want 1", len(recs), rejects)
	}
	for column, value := range want {
		if f := recs[0].Feature(column); f == nil || !reflect.DeepEqual(f.Raw, []string{value}) {
			t.Errorf("%s read as %v, want %q", column, f, value)
		}
	}
}

// parquetExportOptions maps every column of parquetExport's file as text.
func parquetExportOptions() ingest.Options {
	var fields []ingest.Field
	for _, column := range []string{"nat_id", "account", "wide", "owed", "branch.code", "ref", "opens", "seen", "tag", "code"} {
		fields = append(fields, ingest.Field{Name: column, Kind: record.KindText, Column: column})
	}
	return ingest.Options{Source: "s", File: "export.parquet", Format: ingest.FormatParquet, ID: "id", Fields: fields}
}

// parquetExport writes a row of parquetTyped as Parquet.
func parquetExport(t testing.TB) []byte {
	t.Helper()
	seen := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	nanos := uint64(seen.Sub(seen.Truncate(24 * time.Hour)))
	var wide [16]byte
	new(big.Int).Mul(big.NewInt(12345678), new(big.Int).Exp(big.NewInt(10), big.NewInt(10), nil)).FillBytes(wide[:])
	row := parquetTyped{ID: 1, NatID: 123456789, Account: 123456789012345678, Wide: wide, Owed: -5,
		Branch: parquetBranch{Code: 987654321098765432},
		Ref:    [16]byte{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00},
		Opens:  int32((13*time.Hour + 45*time.Minute + 500*time.Millisecond) / time.Millisecond),
		Seen:   deprecated.Int96{uint32(nanos), uint32(nanos >> 32), uint32(seen.Unix()/86400 + 2440588)},
		Tag:    [4]byte{0xff, 0x00, 0x10, 0x80}, Code: [4]byte{'A', 'B', '1', '2'}}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetTyped](&buf)
	if _, err := w.Write([]parquetTyped{row}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestParquetDecimalBounds: a DECIMAL column whose scale is more than its
// precision (the reader would compute ten to the power of it) fails the
// source, naming the column.
func TestParquetDecimalBounds(t *testing.T) {
	type row struct {
		ID  int64 `parquet:"id"`
		Bad int32 `parquet:"amount,decimal(12:9)"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf)
	if _, err := w.Write([]row{{ID: 1, Bad: 5}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := ingest.Open(bytes.NewReader(buf.Bytes()), ingest.Options{Source: "s", File: "x.parquet", Format: ingest.FormatParquet, ID: "id",
		Fields: []ingest.Field{{Name: "amount", Kind: record.KindText, Column: "amount"}}})
	if err == nil || !strings.Contains(err.Error(), "amount") || !strings.Contains(err.Error(), "DECIMAL") {
		t.Errorf("a DECIMAL of scale 12 and precision 9: err %v", err)
	}
}

// TestParquetPageClaims: a page whose header says it holds more than the
// file has, or more values than are read, fails the source before the
// reader allocates what it says (a fuzzed file of 5 KB had it allocate
// 1.9 GB for a page); the file as written opens.
func TestParquetPageClaims(t *testing.T) {
	data := parquetExport(t)
	md, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	at := md.Metadata().RowGroups[0].Columns[1].MetaData.DataPageOffset
	for name, edit := range map[string]func(*format.PageHeader){
		"as written":  func(*format.PageHeader) {},
		"a GiB":       func(h *format.PageHeader) { h.CompressedPageSize = 1 << 30 },
		"1.5 GiB out": func(h *format.PageHeader) { h.UncompressedPageSize = 3 << 29 },
		"2^25 values": func(h *format.PageHeader) {
			h.DataPageHeader.V.NumValues, h.DataPageHeaderV2.V.NumValues = 1<<25, 1<<25
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := (&thrift.CompactProtocol{}).NewReaderFromBytes(data[at:])
			var h format.PageHeader
			if err := thrift.NewDecoder(r).Decode(&h); err != nil || !h.DataPageHeader.Valid && !h.DataPageHeaderV2.Valid {
				t.Fatalf("the page at %d: %v", at, err)
			}
			size := r.(interface{ BytesRead() int }).BytesRead()
			edit(&h)
			header, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
			if err != nil {
				t.Fatal(err)
			}
			in := slices.Concat(data[:at], header, data[at+int64(size):])
			_, err = ingest.Open(bytes.NewReader(in), parquetExportOptions())
			if name == "as written" {
				if err != nil {
					t.Errorf("the file as written: %v", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), "says it holds") {
				t.Errorf("err %v, want the page's claim refused", err)
			}
		})
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
	export := parquetExport(f)
	f.Add(export)
	f.Add(export[:len(export)-10])
	listed := parquetListedFile(f)
	f.Add(listed)
	f.Add(listed[:len(listed)-10])
	list := ingest.Options{Source: "s", File: "f.parquet", Format: ingest.FormatParquet, ID: "id",
		Fields: []ingest.Field{{Name: "name", Kind: record.KindName, Column: "name"}}}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, opt := range []ingest.Options{list, parquetExportOptions(), parquetListedOptions()} {
			r, err := ingest.Open(bytes.NewReader(in), opt)
			if err != nil {
				continue
			}
			readAll(t, r)
		}
	})
}

// parquetListed is a row whose DECIMALs sit inside lists: a list of
// numbers, a list of identity documents whose number is a DECIMAL (one
// of them null), and a field written repeated (no LIST annotation).
type (
	parquetDocument struct {
		Type   string `parquet:"type"`
		Number *int32 `parquet:"number,optional,decimal(0:9)"`
	}
	parquetListed struct {
		ID       int64             `parquet:"id"`
		Accounts []int64           `parquet:"accounts,list"`
		Docs     []parquetDocument `parquet:"docs,list"`
		Older    []int32           `parquet:"older,decimal(0:9)"`
	}
)

// parquetListedFile writes two rows of parquetListed as Parquet: the
// first with DECIMALs in each list (a document without its number among
// them), the second with one document alone and no other list.
func parquetListedFile(t testing.TB) []byte {
	t.Helper()
	n1, n2 := int32(123456789), int32(987654321)
	rows := []parquetListed{
		{ID: 1, Accounts: []int64{123456789012345678, -5},
			Docs:  []parquetDocument{{Type: "passport", Number: &n1}, {Type: "visa"}, {Type: "national_id", Number: &n2}},
			Older: []int32{111111119, 222222229}},
		{ID: 2, Docs: []parquetDocument{{Type: "passport", Number: &n2}}},
	}
	// A list's elements cannot be tagged DECIMAL: its schema says so.
	schema := parquet.NewSchema("row", parquet.Group{
		"id":       parquet.Int(64),
		"accounts": parquet.List(parquet.Decimal(2, 18, parquet.Int64Type)),
		"docs": parquet.List(parquet.Group{
			"type":   parquet.String(),
			"number": parquet.Optional(parquet.Decimal(0, 9, parquet.Int32Type)),
		}),
		"older": parquet.Repeated(parquet.Decimal(0, 9, parquet.Int32Type)),
	})
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetListed](&buf, schema)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parquetListedOptions maps parquetListedFile's lists as text, a
// document's number by a filter on its type.
func parquetListedOptions() ingest.Options {
	return ingest.Options{Source: "s", File: "listed.parquet", Format: ingest.FormatParquet, ID: "id", Fields: []ingest.Field{
		{Name: "accounts", Kind: record.KindText, Column: "accounts"},
		{Name: "passport", Kind: record.KindText, Column: "docs[type=passport].number"},
		{Name: "national_id", Kind: record.KindText, Column: "docs[type=national_id].number"},
		{Name: "older", Kind: record.KindText, Column: "older"},
	}}
}

// TestParquetDecimalsInLists: a DECIMAL inside a list is read as its
// digits too, each in its place (a null among them, an empty list), not
// as the reader's float (123456789 as 123456790).
func TestParquetDecimalsInLists(t *testing.T) {
	r, err := ingest.Open(bytes.NewReader(parquetListedFile(t)), parquetListedOptions())
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(rejects) != 0 || len(recs) != 2 {
		t.Fatalf("%d records, rejects %v; want 2", len(recs), rejects)
	}
	want := []map[string][]string{
		{"accounts": {"1234567890123456.78", "-0.05"}, "passport": {"123456789"}, "national_id": {"987654321"}, "older": {"111111119", "222222229"}},
		{"passport": {"987654321"}},
	}
	for i, w := range want {
		for _, f := range []string{"accounts", "passport", "national_id", "older"} {
			var got []string
			if ft := recs[i].Feature(f); ft != nil {
				got = ft.Raw
			}
			if !reflect.DeepEqual(got, w[f]) {
				t.Errorf("row %d: %s read as %q, want %q", i+1, f, got, w[f])
			}
		}
	}
}

// TestParquetMap: a MAP's values are read as their type says too: a
// DECIMAL's digits where its scale puts the point (the reader gives a
// MAP's DECIMAL unscaled: 12.34 as 1234), a DATE as ISO text.
func TestParquetMap(t *testing.T) {
	type row struct {
		ID     int64            `parquet:"id"`
		Limits map[string]int64 `parquet:"limits"`
		Dates  map[string]int32 `parquet:"dates"`
	}
	schema := parquet.NewSchema("row", parquet.Group{
		"id":     parquet.Int(64),
		"limits": parquet.Map(parquet.String(), parquet.Decimal(2, 18, parquet.Int64Type)),
		"dates":  parquet.Map(parquet.String(), parquet.Date()),
	})
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf, schema)
	if _, err := w.Write([]row{{ID: 1, Limits: map[string]int64{"daily": 123456789012345678, "single": -1234}, Dates: map[string]int32{"opened": 11323}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := ingest.Open(bytes.NewReader(buf.Bytes()), ingest.Options{Source: "s", File: "map.parquet", Format: ingest.FormatParquet, ID: "id", Fields: []ingest.Field{
		{Name: "daily", Kind: record.KindText, Column: "limits.daily"},
		{Name: "single", Kind: record.KindText, Column: "limits.single"},
		{Name: "opened", Kind: record.KindText, Column: "dates.opened"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(rejects) != 0 || len(recs) != 1 {
		t.Fatalf("%d records, rejects %v; want 1", len(recs), rejects)
	}
	for field, want := range map[string]string{"daily": "1234567890123456.78", "single": "-12.34", "opened": "2001-01-01"} {
		if f := recs[0].Feature(field); f == nil || !reflect.DeepEqual(f.Raw, []string{want}) {
			t.Errorf("%s read as %v, want %q", field, f, want)
		}
	}
}

// parquetListFile writes a watch list of n rows (a name, a passport, a
// time listed) as a Parquet file, written with opts, and returns its path
// and size.
func parquetListFile(t testing.TB, n int, opts ...parquet.WriterOption) (string, int64) {
	t.Helper()
	rows := make([]parquetEntry, n)
	for i := range rows {
		rows[i] = parquetEntry{ID: int64(i + 1), Name: fmt.Sprintf("Person %d of a long list", i), Listed: int64(i),
			IDs: []parquetID{{"passport", fmt.Sprint(i * 7)}}}
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetEntry](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "list.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, int64(buf.Len())
}

// TestParquetFileInPlace: a Parquet file of its own is read in place,
// its pages as rows need them, not read into memory whole when opened:
// after a first row much of it is still unread, and a context done while
// its rows are read stops them with the context's error (a reject would
// say the file is bad).
func TestParquetFileInPlace(t *testing.T) {
	rows := 20000
	path, _ := parquetListFile(t, rows, parquet.PageBufferSize(4<<10), parquet.MaxRowsPerRowGroup(2000))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := ingest.OpenFile(ctx, path, ingest.Options{Source: "s", Format: ingest.FormatParquet, ID: "id",
		Fields: []ingest.Field{{Name: "name", Kind: record.KindName, Column: "name"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rec, err := f.Next(); err != nil || rec.Key.ID != "1" {
		t.Fatalf("first record %v, err %v", rec.Key, err)
	}
	if read, size := f.Progress(); read > size/2 {
		t.Errorf("%d of the file's %d bytes read for its first row: it was read whole, not in place", read, size)
	}
	cancel()
	n := 1
	for ; n <= rows; n++ {
		_, err := f.Next()
		if err == nil {
			continue // a row its pages read before held
		}
		var re *ingest.RowError
		if !errors.Is(err, context.Canceled) || errors.As(err, &re) {
			t.Fatalf("after %d rows, the context done: err %v, want its error", n, err)
		}
		break
	}
	if n > rows {
		t.Errorf("every row read after the context was done")
	}
}

// BenchmarkParquetFile reads a Parquet file of 50,000 rows of a watch
// list (a name, a list of typed ids, a date) in place, from its file, as
// a source's: each row's name and passport number by a filter.
func BenchmarkParquetFile(b *testing.B) {
	rows := 50000
	path, size := parquetListFile(b, rows)
	opt := ingest.Options{Source: "s", Format: ingest.FormatParquet, ID: "id", Fields: []ingest.Field{
		{Name: "name", Kind: record.KindName, Column: "name"}, {Name: "passport", Kind: record.KindIdentifier, Column: "ids[type=passport].number"}}}
	b.SetBytes(size)
	for b.Loop() {
		f, err := ingest.OpenFile(context.Background(), path, opt)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			if _, err := f.Next(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		if n != rows {
			b.Fatalf("%d records, want %d", n, rows)
		}
	}
}
