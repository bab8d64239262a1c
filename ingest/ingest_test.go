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
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"

	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/record"
)

// readAll drains r, returning records and row errors separately.
func readAll(t *testing.T, r *ingest.Reader) ([]record.Record, []*ingest.RowError) {
	t.Helper()
	var recs []record.Record
	var rejects []*ingest.RowError
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs, rejects
		}
		var re *ingest.RowError
		if errors.As(err, &re) {
			rejects = append(rejects, re)
			continue
		}
		// A record kept without fields whose keys held objects: the
		// record, and each field as a reject of its line.
		var fe *ingest.FieldErrors
		if errors.As(err, &fe) {
			for _, f := range fe.Fields {
				rejects = append(rejects, &ingest.RowError{Source: fe.Source, File: fe.File, Line: fe.Line,
					RecordID: fe.RecordID, Field: f.Field, Reason: f.Reason, Raw: f.Raw})
			}
		} else if err != nil {
			t.Fatalf("Next: %v", err)
		}
		recs = append(recs, rec)
	}
}

func people(format string) ingest.Options {
	return ingest.Options{
		Source: "s", File: "in", Format: format, ID: "id",
		Fields: []ingest.Field{
			{Name: "name", Kind: record.KindName, Column: "name"},
			{Name: "aliases", Kind: record.KindName, Column: "alias", Split: ";"},
		},
	}
}

// checkRead reads r to its end and checks its records (flat) and rejects.
func checkRead(t *testing.T, r *ingest.Reader, want, wantRejects []string) {
	t.Helper()
	recs, rejects := readAll(t, r)
	if got := flat(recs); !reflect.DeepEqual(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
	checkRejects(t, rejects, wantRejects)
}

// flat renders records as "id|name|alias1,alias2|line" for comparison.
func flat(recs []record.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Key.ID+"|"+strings.Join(r.Features[0].Raw, ",")+"|"+strings.Join(r.Features[1].Raw, ",")+"|"+strconv.Itoa(r.Line))
	}
	return out
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		opt     func(*ingest.Options)
		want    []string
		rejects []string // "line:reason substring"
	}{
		{"Comma", "id,name,alias\n1,Ana,\n2,Bo,B;Bob\n", nil,
			[]string{"1|Ana||2", "2|Bo|B,Bob|3"}, nil},
		{"Semicolon", "id;name;alias\n1;Ana García;A\n", nil, []string{"1|Ana García|A|2"}, nil},
		{"Tab", "id\tname\talias\n1\tAna\tx\n", nil, []string{"1|Ana|x|2"}, nil},
		{"Pipe", "id|name|alias\n1|Ana|\n", nil, []string{"1|Ana||2"}, nil},
		{"Declared", "id;name;alias;c,d,e,f\n1;Ana, Bo;x;c,d,e,f\n", func(o *ingest.Options) { o.Delimiter = ';' },
			[]string{"1|Ana, Bo|x|2"}, nil},
		{"Quoted", "id,name,alias\n1,\"García, Ana\",\"x;y\"\n2,\"say \"\"hi\"\"\",\n", nil,
			[]string{"1|García, Ana|x,y|2", "2|say \"hi\"||3"}, nil},
		{"QuotedNewline", "id,name,alias\n1,\"Ana\nMaría\",\n2,Bo,\n", nil,
			[]string{"1|Ana\nMaría||2", "2|Bo||4"}, nil},
		{"SpacesAfterDelimiter", "id, name, alias\n1, Ana , b\n", nil, []string{"1|Ana|b|2"}, nil},
		{"CRLF", "id,name,alias\r\n1,Ana,\r\n2,Bo,\r\n", nil, []string{"1|Ana||2", "2|Bo||3"}, nil},
		{"BOM", "\xEF\xBB\xBFid,name,alias\n1,Ana,\n", nil, []string{"1|Ana||2"}, nil},
		{"BlankLinesSkipped", "id,name,alias\n\n1,Ana,\n\n2,Bo,\n", nil, []string{"1|Ana||3", "2|Bo||5"}, nil},
		{"WrongFieldCount", "id,name,alias\n1,Ana\n2,Bo,\n3,a,b,c\n", nil, []string{"2|Bo||3"},
			[]string{"2:row has 2 fields, header has 3", "4:row has 4 fields, header has 3"}},
		{"BareQuote", "id,name,alias\n1,O\"Brien,\n2,Bo,\n", nil, []string{"2|Bo||3"},
			[]string{"2:malformed CSV"}},
		{"MissingID", "id,name,alias\n,Ana,\n2,Bo,\n", nil, []string{"2|Bo||3"},
			[]string{"2:missing record id"}},
		{"DuplicateID", "id,name,alias\n1,Ana,\n1,Bo,\n", nil, []string{"1|Ana||2"},
			[]string{"3:duplicate record id (first seen at line 2)"}},
		{"ControlInID", "id,name,alias\n\"1\x1b[2J\",Ana,\n\"2\n2\",Bo,\n3,Cy,\n", nil, []string{"3|Cy||5"},
			[]string{"2:holds a control character", "3:holds a control character"}},
		{"LongID", "id,name,alias\n" + strings.Repeat("9", 300) + ",Ana,\n3,Cy,\n", nil, []string{"3|Cy||3"},
			[]string{"2:longer than 256"}},
		{"InvalidUTF8", "id,name,alias\n1,Garc\xeda,\n2,Bo,\n", func(o *ingest.Options) { o.Encoding = "utf-8" }, []string{"2|Bo||3"},
			[]string{"2:not valid UTF-8"}},
		{"UndeclaredLegacy", "id,name,alias\n1,Garc\xeda,\n2,\x93Bo\x94,\n", nil, []string{"1|García||2", "2|\u201cBo\u201d||3"}, nil},
		{"Latin1", "id,name,alias\n1,Garc\xeda,\n", func(o *ingest.Options) { o.Encoding = "latin1" },
			[]string{"1|García||2"}, nil},
		// A quote left open does not swallow the rows after it: the row
		// that opened it is rejected when the next line is a row of its
		// own; a quoted field that really holds a line break still reads;
		// a quote never closed before the end rejects its row alone.
		{"OpenQuoteThenRows", "id,name,alias\n1,\"John Smith,x\n2,Bo,\n3,Cy,\n", nil, []string{"2|Bo||3", "3|Cy||4"},
			[]string{"2:not closed at the end of its line"}},
		{"LineBreakInQuotes", "id,name,alias\n1,\"Ana\nMaría\",\n2,Bo,\n", nil, []string{"1|Ana\nMaría||2", "2|Bo||4"}, nil},
		{"OpenAtEnd", "id,name,alias\n1,Ana,\n2,\"Bo\n", nil, []string{"1|Ana||2"},
			[]string{"3:not closed before the end of the file"}},
		{"QuoteAfterQuotedField", "id,name,alias\n1,\"Ana\"x,\n2,Bo,\n", nil, []string{"2|Bo||3"},
			[]string{"2:malformed CSV"}},
		{"Windows1252", "id,name,alias\n1,\x93Ana\x94,\n", func(o *ingest.Options) { o.Encoding = "windows-1252" },
			[]string{"1|\u201cAna\u201d||2"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := people(ingest.FormatCSV)
			if tt.opt != nil {
				tt.opt(&opt)
			}
			r, err := ingest.Open(strings.NewReader(tt.in), opt)
			if err != nil {
				t.Fatal(err)
			}
			checkRead(t, r, tt.want, tt.rejects)
		})
	}
}

func checkRejects(t *testing.T, got []*ingest.RowError, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rejects = %v, want %v", got, want)
	}
	for i, w := range want {
		line, reason, _ := strings.Cut(w, ":")
		if strconv.Itoa(got[i].Line) != line {
			t.Errorf("reject %d line = %d, want %s", i, got[i].Line, line)
		}
		if !strings.Contains(got[i].Reason, reason) {
			t.Errorf("reject %d reason = %q, want it to contain %q", i, got[i].Reason, reason)
		}
		if got[i].Source != "s" || got[i].File != "in" || got[i].Raw == "" {
			t.Errorf("reject %d = %+v: want source, file and raw row", i, got[i])
		}
	}
}

func TestRejectKeepsRawRow(t *testing.T) {
	in := "id,name,alias\n1,\"Ana\nMaría\",x,extra\n2,Bo,\n"
	r, err := ingest.Open(strings.NewReader(in), people(ingest.FormatCSV))
	if err != nil {
		t.Fatal(err)
	}
	_, rejects := readAll(t, r)
	if len(rejects) != 1 {
		t.Fatalf("rejects = %v", rejects)
	}
	if got, want := rejects[0].Raw, "1,\"Ana\nMaría\",x,extra"; got != want {
		t.Errorf("raw = %q, want %q", got, want)
	}
	if got, want := rejects[0].Error(), "in:2: row has 4 fields, header has 3"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestNDJSON(t *testing.T) {
	in := `{"id": 1, "name": "Ana", "alias": "A;An"}
{"id": "2", "name": null}

{"id": 3, "name": ["Bo", "Bob"], "alias": ["x", "y;z"]}
not json
[1,2]
{"id": 4, "name": {"first": "x"}}
{"id": 5, "name": "Cy"} trailing
{"id": 12345678901234567890, "name": "Big"}
{"name": "no id"}
`
	r, err := ingest.Open(strings.NewReader(in), people(ingest.FormatNDJSON))
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	// Line 7's name holds an object: its record is kept without it.
	want := []string{"1|Ana|A,An|1", "2|||2", "3|Bo,Bob|x,y,z|4", "4|||7", "12345678901234567890|Big||9"}
	if got := flat(recs); !reflect.DeepEqual(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
	checkRejects(t, rejects, []string{"5:invalid JSON", "6:must be a JSON object", `7:key "name" holds objects (keys first)`, "8:data after the object", "10:missing record id"})
}

// TestJSONArray reads a file that is one JSON array of rows, as exports
// and APIs write a list, element by element with the line each starts on:
// strings holding brackets and escaped quotes, bad elements rejected with
// their line, an element too long cut short, a file cut short mid-element.
func TestJSONArray(t *testing.T) {
	long := strings.Repeat("x", ingest.MaxRowBytes+10)
	for _, tt := range []struct {
		name, in string
		want     []string
		rejects  []string
	}{
		{"pretty", "\n[\n  {\"id\": 1, \"name\": \"Ana\", \"alias\": \"A;An\"},\n  {\"id\": \"2\",\n   \"name\": \"B \\\"]} [{\"},\n  \"text\",\n  [1, 2],\n  {\"id\": 3, \"name\": [\"Bo\", \"Bob\"]}\n]\n",
			[]string{"1|Ana|A,An|3", "2|B \"]} [{||4", "3|Bo,Bob||8"}, []string{"6:must be a JSON object", "7:must be a JSON object"}},
		{"one line", `[{"id":"1","name":"Ana","alias":"A"},{"id":"2","name":"Bo"}]`, []string{"1|Ana|A|1", "2|Bo||1"}, nil},
		{"too long", `[{"id":"2","name":"Bo","alias":"B"},{"id":"1","name":"` + long + `"}]`, []string{"2|Bo|B|1"}, []string{"1:row longer than"}},
		{"cut short", "[{\"id\":\"1\",\"name\":\"Ana\",\"alias\":\"A\"},\n{\"id\":\"2\",\"na", []string{"1|Ana|A|1"}, []string{"2:invalid JSON"}},
		{"empty", "[]", nil, nil}, // a source of no records (TestNoRows)
		// A row after the array, or a file of one array a line: each line after the first is a row.
		{"after", "[{\"id\":\"1\",\"name\":\"Ana\",\"alias\":\"A\"}] x\n{\"id\":\"2\",\"name\":\"Bo\"}\n[3]\n", []string{"1|Ana|A|1", "2|Bo||2"}, []string{"1:invalid JSON", "3:must be a JSON object"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ingest.Open(strings.NewReader(tt.in), people(ingest.FormatNDJSON))
			if err != nil {
				t.Fatal(err)
			}
			checkRead(t, r, tt.want, tt.rejects)
		})
	}
}

// TestJSONDocument reads a JSON document that wraps its list of records
// ({"total": 2, "results": […]}, as APIs and exports write one): the first
// list among its keys whose first object holds the id's key (lists of
// values, of other objects, such as the sources a document describes,
// objects and scalars before it passed over; keys after it not read), or
// the list records names, nested too; and a file of objects written over several lines one
// after another, as jq writes them, each a row, though one holds a list of
// objects of its own. A path that names no list stops the source, naming
// the keys there.
func TestJSONDocument(t *testing.T) {
	for _, tt := range []struct {
		name, records, in string
		want              []string
		rejects           []string
		err               string
	}{
		{"wrapped", "", "{\n  \"total\": 2,\n  \"sources\": [\"a\", \"b]\"],\n  \"meta\": {\"x\": [{\"id\": \"no\"}]},\n  \"results\": [\n    {\"id\": \"1\", \"name\": \"Ana\", \"alias\": \"A\"},\n    {\"id\": 2,\n     \"name\": \"Bo\"},\n    7\n  ],\n  \"after\": [{\"id\": \"3\"}]\n}\n",
			[]string{"1|Ana|A|6", "2|Bo||7"}, []string{"9:must be a JSON object"}, ""},
		{"named", "data.items", "{\"other\": [{\"id\": \"x\"}],\n \"data\": {\"count\": 1, \"items\": [{\"id\": \"1\", \"name\": \"Ana\", \"alias\": \"A\"}]}}\n",
			[]string{"1|Ana|A|2"}, nil, ""},
		{"one line", "results", `{"results":[{"id":"1","name":"Ana"},{"id":"2","name":"Bo","alias":"B"}]}`, []string{"1|Ana||1", "2|Bo|B|1"}, nil, ""},
		{"jq", "", "{\n  \"id\": \"1\",\n  \"name\": \"Ana\",\n  \"ids\": [{\"type\": \"passport\"}]\n}\n{\n  \"id\": \"2\",\n  \"name\": \"Bo\", \"alias\": \"B\"\n}\n",
			[]string{"1|Ana||1", "2|Bo|B|6"}, nil, ""},
		{"jq, one", "", "{\n  \"id\": \"1\", \"name\": \"Ana\", \"alias\": \"A\",\n  \"ids\": [{\"type\": \"passport\"}]\n}\n", []string{"1|Ana|A|1"}, nil, ""},
		{"sources first", "", "{\n  \"sources\": [{\"name\": \"OFAC\"}],\n  \"results\": [\n    {\"id\": \"1\", \"name\": \"Ana\", \"alias\": \"A\"}\n  ]\n}\n",
			[]string{"1|Ana|A|4"}, nil, ""},
		{"no list of records", "", "{\n  \"sources\": [{\"name\": \"OFAC\"}]\n}\n", nil, nil, `no list of objects with key "id" among its keys (sources)`},
		{"no such list", "data.rows", "{\"data\": {\"count\": 1, \"items\": []}}", nil, nil, `no list at "data.rows" (keys there: count, items)`},
		{"not a document", "results", `[{"id":"1"}]`, nil, nil, "no JSON document"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opt := people(ingest.FormatNDJSON)
			opt.Records = tt.records
			r, err := ingest.Open(strings.NewReader(tt.in), opt)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkRead(t, r, tt.want, tt.rejects)
		})
	}
}

// TestXML reads the elements at a records path of an XML file as rows,
// as sanctions lists ship: attributes and child elements by their local
// names (a default namespace and namespaced attributes aside; HTML's
// named entities read as their characters), a child written twice a list, the text of an element with attributes read where
// a path ends at it (ids.id[type=passport]); the path's parents tell its
// elements from others of their name (an entity's names are no
// individual's); an element too long, or too deep, is rejected alone, and
// XML not well formed ends the file with a reject at its line. Without
// records the source stops, naming the elements the file repeats.
func TestXML(t *testing.T) {
	list := `<?xml version="1.0" encoding="UTF-8"?>
<LIST xmlns="urn:list" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:list list.xsd">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <id>1</id><name>Ana</name>
      <ids><id type="passport">P1</id><id type="national">N1</id></ids>
      <aka><alias>A</alias><alias>An</alias></aka>
    </INDIVIDUAL>
    <INDIVIDUAL id="2"><name>Bo &amp; Co&eacute;</name></INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES><ENTITY><id>9</id><name>Acme</name></ENTITY></ENTITIES>
</LIST>
`
	opt := func(records string) ingest.Options {
		o := people(ingest.FormatXML)
		o.Records = records
		o.Fields = append(o.Fields[:1], ingest.Field{Name: "aliases", Kind: record.KindName, Column: "aka.alias"},
			ingest.Field{Name: "passport", Kind: record.KindIdentifier, Column: "ids.id[type=passport]"})
		return o
	}
	r, err := ingest.Open(strings.NewReader(list), opt("INDIVIDUALS.INDIVIDUAL"))
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(rejects) != 0 || len(recs) != 2 {
		t.Fatalf("%d records, rejects %v; want 2 individuals", len(recs), rejects)
	}
	if got := flat(recs); !reflect.DeepEqual(got, []string{"1|Ana|A,An|4", "2|Bo & Coé||9"}) {
		t.Errorf("records = %q", got)
	}
	if p := recs[0].Features[2].Raw; !reflect.DeepEqual(p, []string{"P1"}) {
		t.Errorf("passport = %q, want P1", p)
	}

	long := strings.Repeat("x", ingest.MaxRowBytes+10)
	deep := strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70)
	for _, tt := range []struct {
		name, in string
		want     []string
		rejects  []string
	}{
		{"too long", "<L><R><id>1</id><name>" + long + "</name></R><R><id>2</id><name>Bo</name><alias>B</alias></R></L>", []string{"2|Bo|B|1"}, []string{"1:row longer than"}},
		{"too deep", "<L><R><id>1</id>" + deep + "</R>\n<R><id>2</id><name>Bo</name><alias>B</alias></R></L>", []string{"2|Bo|B|2"}, []string{"1:nested deeper than 64"}},
		{"token too long", "<L><R><id>1</id><name>Ana</name><alias>A</alias></R>\n<R><id>2</id><name>" + strings.Repeat(long, 4) + "</name></R><R><id>3</id></R></L>", []string{"1|Ana|A|1"}, []string{"2:a tag or text longer than"}},
		{"not well formed", "<L>\n<R><id>1</id><name>Ana</name><alias>A</alias></R>\n<R><id>2</id><name>Bo</R>\n<R><id>3</id></R></L>", []string{"1|Ana|A|2"}, []string{"3:XML not well formed"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := people(ingest.FormatXML)
			o.Records = "R"
			r, err := ingest.Open(strings.NewReader(tt.in), o)
			if err != nil {
				t.Fatal(err)
			}
			checkRead(t, r, tt.want, tt.rejects)
		})
	}
	// A file whose declaration names Latin-1 is read so, without the
	// warning of a file that declares nothing.
	o := people(ingest.FormatXML)
	o.Records = "R"
	r, err = ingest.Open(strings.NewReader("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<L><R><id>1</id><name>P\xc9REZ</name><alias>A</alias></R></L>"), o)
	if err != nil {
		t.Fatal(err)
	}
	checkRead(t, r, []string{"1|PÉREZ|A|2"}, nil)
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("warnings %q of a file that declares its encoding", w)
	}
	if _, err := ingest.Open(strings.NewReader(list), opt("")); err == nil || !strings.Contains(err.Error(), "needs records") || !strings.Contains(err.Error(), "INDIVIDUALS.INDIVIDUAL") {
		t.Errorf("no records: err = %v, want one naming INDIVIDUALS.INDIVIDUAL", err)
	}
}

// TestNDJSONKeyAfterPeek: a mapped key that the rows read ahead do not
// hold, in a file longer than them (a list's companies after its people),
// is read from the rows that hold it; one no row holds is warned of. A key
// missing from a file read ahead whole still stops the run.
func TestNDJSONKeyAfterPeek(t *testing.T) {
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, `{"id": "p%d", "name": "Person %d"}`+"\n", i, i)
	}
	b.WriteString(`{"id": "c1", "name": "Acme", "alias": "Acme Ltd"}` + "\n")
	opt := people(ingest.FormatNDJSON)
	opt.Fields = append(opt.Fields, ingest.Field{Name: "reg", Kind: record.KindIdentifier, Column: "reg_no"})
	r, err := ingest.Open(strings.NewReader(b.String()), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(recs) != 151 || len(rejects) != 0 || !slices.Equal(recs[150].Features[1].Raw, []string{"Acme Ltd"}) {
		t.Fatalf("%d records, %d rejects; last %v", len(recs), len(rejects), recs[len(recs)-1].Features)
	}
	if w := r.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "no row read held reg_no") || strings.Contains(w[0], "alias") {
		t.Errorf("warnings %q, want one of reg_no, which no row held (the caller names the source)", w)
	}
	// Read ahead whole: a typo.
	if _, err := ingest.Open(strings.NewReader(`{"id": "1", "name": "Ana"}`+"\n"), opt); err == nil || !strings.Contains(err.Error(), "column not found") {
		t.Errorf("err = %v, want the columns not found", err)
	}
}

// TestNoRows: a file with no rows is a source of no records, read without
// a mapping error (an NDJSON file has no keys to check one against; a CSV
// file still needs its header, TestEmptyFile), and warned of once its end
// is reached; a file whose one row is bad is not empty.
func TestNoRows(t *testing.T) {
	for _, tc := range []struct {
		name, format, in string
		rejects          int
		empty            bool
	}{
		{"ndjson", ingest.FormatNDJSON, "", 0, true},
		{"ndjson blank lines", ingest.FormatNDJSON, "\n  \n", 0, true},
		{"json array", ingest.FormatNDJSON, "[ ]\n", 0, true},
		{"csv header", ingest.FormatCSV, "id,name,alias\n", 0, true},
		{"ndjson bad row", ingest.FormatNDJSON, "{nope\n", 1, false},
		{"csv one row", ingest.FormatCSV, "id,name,alias\n1,Ana,\n", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ingest.Open(strings.NewReader(tc.in), people(tc.format))
			if err != nil {
				t.Fatal(err)
			}
			if w := r.Warnings(); len(w) != 0 {
				t.Errorf("warnings before the end: %q", w)
			}
			recs, rejects := readAll(t, r)
			if tc.empty && len(recs) != 0 || len(rejects) != tc.rejects {
				t.Fatalf("%d records, %d rejects", len(recs), len(rejects))
			}
			w := r.Warnings()
			if got := slices.ContainsFunc(w, func(s string) bool { return strings.Contains(s, "holds no rows") }); got != tc.empty {
				t.Errorf("warnings %q: empty file warned of %v, want %v", w, got, tc.empty)
			}
			if tc.empty && len(w) != 1 {
				t.Errorf("warnings %q, want the empty file's alone", w)
			}
		})
	}
}

func TestNDJSONNested(t *testing.T) {
	in := `{"uid": "a", "person": {"name": "Ana", "birth": {"date": "1990"}}}` + "\n"
	opt := ingest.Options{Source: "s", Format: ingest.FormatNDJSON, ID: "uid", Fields: []ingest.Field{
		{Name: "n", Kind: record.KindName, Column: "person.name"},
		{Name: "d", Kind: record.KindDate, Column: "person.birth.date"},
	}}
	r, err := ingest.Open(strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Features[0].Raw; !reflect.DeepEqual(got, []string{"Ana"}) {
		t.Errorf("person.name = %q", got)
	}
	if got := rec.Features[1].Raw; !reflect.DeepEqual(got, []string{"1990"}) {
		t.Errorf("person.birth.date = %q", got)
	}
}

func TestNDJSONListsKindsAndAliases(t *testing.T) {
	in := `{"id": "1", "schema": "Person", "name": "Ana Ruiz", "aliases": ["Anita Ruiz", "A. Ruiz"], "ids": [{"type": "passport", "number": "P1"}, {"type": "national_id", "number": "V9"}, {"type": "passport", "number": "P2"}]}
{"id": "2", "schema": "Company", "name": "Acme SA", "ids": [{"type": "registration", "number": "J5"}]}
{"id": "3", "schema": "Vessel", "name": "Sea Star"}
`
	opt := ingest.Options{Source: "s", Format: ingest.FormatNDJSON, ID: "id",
		KindColumn: "schema", KindValues: map[string]record.EntityKind{"Person": record.EntityPerson, "company": record.EntityOrganization},
		Fields: []ingest.Field{
			{Name: "name", Kind: record.KindParty, Column: "name", Also: []ingest.Alias{{Column: "aliases"}}},
			{Name: "passport", Kind: record.KindIdentifier, Column: "ids[type=passport].number"},
			{Name: "any_id", Kind: record.KindIdentifier, Column: "ids.number"},
			{Name: "jsonpath", Kind: record.KindIdentifier, Column: "$.ids[*].number"}, // as JSONPath writes it
			{Name: "brackets", Kind: record.KindIdentifier, Column: "ids[].number"},
		}}
	r, err := ingest.Open(strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(rejects) > 0 || len(recs) != 3 {
		t.Fatalf("records %d, rejects %v", len(recs), rejects)
	}
	tests := []struct {
		rec     int
		kind    record.EntityKind
		feature int
		want    []string
	}{
		{0, record.EntityPerson, 0, []string{"Ana Ruiz", "Anita Ruiz", "A. Ruiz"}},
		{0, record.EntityPerson, 1, []string{"P1", "P2"}},
		{0, record.EntityPerson, 2, []string{"P1", "V9", "P2"}},
		{0, record.EntityPerson, 3, []string{"P1", "V9", "P2"}},
		{0, record.EntityPerson, 4, []string{"P1", "V9", "P2"}},
		{1, record.EntityOrganization, 1, nil}, // case-insensitive kind value; no passport
		{1, record.EntityOrganization, 2, []string{"J5"}},
		{2, record.EntityUnknown, 0, []string{"Sea Star"}}, // an unmapped kind value
	}
	for _, tt := range tests {
		rec := recs[tt.rec]
		if rec.Kind != tt.kind {
			t.Errorf("record %s kind = %q, want %q", rec.Key.ID, rec.Kind, tt.kind)
		}
		if got := rec.Features[tt.feature].Raw; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("record %s %s = %q, want %q", rec.Key.ID, rec.Features[tt.feature].Name, got, tt.want)
		}
	}
}

// TestNDJSONKeyHoldsObjects: a field whose key holds objects (a list of
// typed ids mapped whole, an object where a value was meant) leaves the
// row's record without that field, kept with its other fields; the
// reason names the objects' keys and a path that reads one, filtered by
// a key such as type when they have one; Raw holds what the key holds.
// Lists in a list too. A record with nothing else is rejected as a row.
func TestNDJSONKeyHoldsObjects(t *testing.T) {
	for _, tt := range []struct {
		name, row, column string
		reason, raw       string // reason wanted (substring), raw wanted
	}{
		{"typed list", `{"id": "1", "name": "Ana", "ids": [{"type": "passport", "number": "P1"}, {"type": "national_id", "number": "V9", "issued": "2001"}]}`, "ids",
			`key "ids" holds objects (keys issued, number, type), want a value or a list of values: read one of their keys with a path, such as "ids[type=…].number"`,
			`[{"number":"P1","type":"passport"},{"issued":"2001","number":"V9","type":"national_id"}]`},
		{"object", `{"id": "1", "name": "Ana", "doc": {"passport": "P1", "country": "VE"}}`, "doc",
			`key "doc" holds objects (keys country, passport), want a value or a list of values: read one of their keys with a path, such as "doc.country"`,
			`{"country":"VE","passport":"P1"}`},
		{"filtered path short", `{"id": "1", "name": "Ana", "ids": [{"scheme": "passport", "value": "P1"}]}`, "ids[scheme=passport]",
			`such as "ids[scheme=passport].value"`, `{"scheme":"passport","value":"P1"}`},
		{"lists in a list", `{"id": "1", "name": "Ana", "ids": [["P1", "P2"], ["V9"]]}`, "ids",
			`key "ids" holds lists in a list, want a value or a list of values`, `[["P1","P2"],["V9"]]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opt := ingest.Options{Source: "s", File: "in", Format: ingest.FormatNDJSON, ID: "id", Fields: []ingest.Field{
				{Name: "name", Kind: record.KindName, Column: "name"},
				{Name: "doc", Kind: record.KindIdentifier, Column: tt.column},
			}}
			r, err := ingest.Open(strings.NewReader(tt.row+"\n"), opt)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := r.Next()
			var fe *ingest.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("Next = %v, want *FieldErrors", err)
			}
			if rec.Key.ID != "1" || !reflect.DeepEqual(rec.Features[0].Raw, []string{"Ana"}) || len(rec.Features[1].Raw) != 0 {
				t.Errorf("record = %+v, want id 1, name Ana, no doc", rec)
			}
			if len(fe.Fields) != 1 || fe.Fields[0].Field != "doc" || !strings.Contains(fe.Fields[0].Reason, tt.reason) || fe.Fields[0].Raw != tt.raw {
				t.Errorf("fields = %+v\nwant doc, reason with %q, raw %s", fe.Fields, tt.reason, tt.raw)
			}
			if fe.Line != 1 || fe.RecordID != "1" || fe.Source != "s" || fe.File != "in" {
				t.Errorf("FieldErrors = %+v, want line 1 of s (in), record 1", fe)
			}
			if _, err := r.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("after the row: %v, want EOF", err)
			}
		})
	}
	// A record with no other value, in a source that skips empty ones
	// (a group's part): the row is the reject, not passed over.
	opt := ingest.Options{Source: "s", File: "in", Format: ingest.FormatNDJSON, ID: "id", SkipEmpty: true, Fields: []ingest.Field{
		{Name: "doc", Kind: record.KindIdentifier, Column: "ids"},
	}}
	r, err := ingest.Open(strings.NewReader(`{"id": "1", "ids": [{"number": "P1"}]}`+"\n"), opt)
	if err != nil {
		t.Fatal(err)
	}
	_, rejects := readAll(t, r)
	checkRejects(t, rejects, []string{`1:key "ids" holds objects (keys number)`})
}

// TestKindValuesUnmapped: the values of a kind column that its map does
// not name are warned of, counted, the commonest first, naming only codes
// three rows or more hold (a column of names mapped as the kind's puts
// none in a warning); a column whose values the map names all (in any
// case), or leaves empty, is not.
func TestKindValuesUnmapped(t *testing.T) {
	kinds := map[string]record.EntityKind{"N": record.EntityPerson, "J": record.EntityOrganization}
	// names writes n rows whose kind column holds a person's name.
	names := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%d;Person %d;Ana\n", i, i)
		}
		return b.String()
	}
	for _, tt := range []struct {
		name, rows string
		want       string // in a warning; "" for none
	}{
		{"all mapped", "1;N;Ana\n2;j;Acme C.A.\n3;;Luis\n", ""},
		{"others", "1;PN;Ana\n2;PJ;Acme C.A.\n3;PN;Luis\n4;PN;Eva\n5;PJ;Zeta SA\n6;PJ;Beta SA\n7;PN;Ines\n8;N;Eva\n9;X;Ana\n",
			`8 rows hold a value of the kind column tipo that its values: map does not name ("PN" 4, "PJ" 3): their records' kinds`},
		{"the names' column", names(40), `40 rows hold a value of the kind column tipo that its values: map does not name (more than 32 values: is it the column meant?)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opt := ingest.Options{Source: "s", Format: ingest.FormatCSV, Delimiter: ';', ID: "id", KindColumn: "tipo", KindValues: kinds,
				Fields: []ingest.Field{{Name: "name", Kind: record.KindParty, Column: "nombre"}}}
			r, err := ingest.Open(strings.NewReader("id;tipo;nombre\n"+tt.rows), opt)
			if err != nil {
				t.Fatal(err)
			}
			recs, rejects := readAll(t, r)
			if len(rejects) > 0 || len(recs) != strings.Count(tt.rows, "\n") {
				t.Fatalf("records %d, rejects %v", len(recs), rejects)
			}
			warned := slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, "values: map does not name") })
			if warned != (tt.want != "") || warned && !slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, tt.want) }) {
				t.Errorf("warnings %q, want %q", r.Warnings(), tt.want)
			}
			if slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, `"X"`) || strings.Contains(w, "Person 1") }) {
				t.Errorf("warnings %q name a value held by too few rows to be a code", r.Warnings())
			}
		})
	}
}

func TestColumnsJoined(t *testing.T) {
	in := "id,num,street,town\n1,12,High St,Leeds\n2,,Low Rd,\n3,,,\n"
	opt := ingest.Options{Source: "s", Format: ingest.FormatCSV, ID: "id", Fields: []ingest.Field{
		{Name: "addr", Kind: record.KindAddress, Columns: []string{"num", "street", "town"}},
	}}
	r, err := ingest.Open(strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := readAll(t, r)
	var got [][]string
	for _, rec := range recs {
		got = append(got, rec.Features[0].Raw)
	}
	if want := [][]string{{"12 High St Leeds"}, {"Low Rd"}, nil}; !reflect.DeepEqual(got, want) {
		t.Errorf("joined = %q, want %q", got, want)
	}
	opt.Fields[0].Columns = []string{"num", "stret"}
	if _, err := ingest.Open(strings.NewReader(in), opt); err == nil || !strings.Contains(err.Error(), `addr ("stret")`) {
		t.Errorf("missing second column: err = %v", err)
	}
}

// TestColumnsJoinedWithoutMissing checks that a cell Field.Missing
// reports is left out of a join of columns as an empty one is, and that a
// field of one column keeps it (its normaliser rejects it with a reason).
func TestColumnsJoinedWithoutMissing(t *testing.T) {
	in := "id,first,middle,last,note\n1,FRANK,NA,MUELLER,NA\n2,NA,NA,NA,x\n3,ANNA,NAN,NA,y\n"
	missing := func(cell string) bool { return cell == "NA" }
	opt := ingest.Options{Source: "s", Format: ingest.FormatCSV, ID: "id", Fields: []ingest.Field{
		{Name: "name", Kind: record.KindName, Columns: []string{"first", "middle", "last"}, Missing: missing},
		{Name: "note", Kind: record.KindText, Column: "note", Missing: missing},
	}}
	r, err := ingest.Open(strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(recs) != 3 || len(rejects) != 0 {
		t.Fatalf("%d records, %d rejects; want 3 and none", len(recs), len(rejects))
	}
	for i, want := range [][2][]string{
		{{"FRANK MUELLER"}, {"NA"}},
		{nil, {"x"}},
		{{"ANNA NAN"}, {"y"}},
	} {
		if got := recs[i].Features[0].Raw; !reflect.DeepEqual(got, want[0]) {
			t.Errorf("record %d name = %q, want %q", i, got, want[0])
		}
		if got := recs[i].Features[1].Raw; !reflect.DeepEqual(got, want[1]) {
			t.Errorf("record %d note = %q, want %q", i, got, want[1])
		}
	}
}

func TestMappingError(t *testing.T) {
	tests := []struct {
		name, format, in string
		want             []string
	}{
		{"CSVMissing", ingest.FormatCSV, "id,Name,other\n1,a,b\n",
			[]string{`source s (in): column not found for name ("name"), aliases ("alias")`, "available columns: id, Name, other", `did you mean "Name"?`}},
		{"CSVDuplicateHeader", ingest.FormatCSV, "id,name,name,alias\n",
			[]string{`column "name" appears more than once`}},
		{"NDJSONMissing", ingest.FormatNDJSON, `{"id":1,"nom":"a"}` + "\n",
			[]string{`name ("name")`, "available columns:"}},
		{"NoID", ingest.FormatCSV, "key,name,alias\n", []string{`id ("id")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ingest.Open(strings.NewReader(tt.in), people(tt.format))
			var me *ingest.MappingError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want *MappingError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestSepLine reads a spreadsheet export's "sep=;" first line as the
// delimiter it names, not as the header, and counts lines from it.
func TestSepLine(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		delim    rune
	}{
		{"sniffed", "sep=;\r\nid;name;alias\r\n1;Ana, María;A\r\n", 0},
		{"declared", "sep=;\nid;name;alias\n1;Ana, María;A\n", ';'},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opt := people(ingest.FormatCSV)
			opt.Delimiter = tt.delim
			r, err := ingest.Open(strings.NewReader(tt.in), opt)
			if err != nil {
				t.Fatal(err)
			}
			recs, rejects := readAll(t, r)
			if got, want := flat(recs), []string{"1|Ana, María|A|3"}; !slices.Equal(got, want) || len(rejects) > 0 {
				t.Errorf("records %v, rejects %v; want %v", got, rejects, want)
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	if _, err := ingest.Open(strings.NewReader(""), people(ingest.FormatCSV)); err == nil || !strings.Contains(err.Error(), "header line is required") {
		t.Errorf("err = %v, want header required", err)
	}
}

func TestGzipFile(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.WriteString(zw, "\xEF\xBB\xBFid;name;alias\n1;Ana;\n2;Bo;\n")
	zw.Close()
	path := filepath.Join(t.TempDir(), "x.csv.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := ingest.OpenFile(context.Background(), path, people(ingest.FormatCSV))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, rejects := readAll(t, f.Reader)
	if len(recs) != 2 || len(rejects) != 0 {
		t.Fatalf("records %d rejects %d, want 2 and 0", len(recs), len(rejects))
	}
	if read, size := f.Progress(); read != size || size != int64(buf.Len()) {
		t.Errorf("Progress = %d/%d, want %d/%d", read, size, buf.Len(), buf.Len())
	}
}

// TestFebrlLosesNoRow ingests every Febrl file and checks that each data row
// is either a record or a reject.
func TestFebrlLosesNoRow(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "febrl")
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) == 0 {
		t.Skipf("Febrl data not found in %s; skipping", dir)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rows := strings.Count(strings.TrimRight(string(data), "\n"), "\n") // lines after the header
			opt := ingest.Options{Source: "febrl", Format: ingest.FormatCSV, ID: "rec_id", Fields: []ingest.Field{
				{Name: "given", Kind: record.KindName, Column: "given_name"},
				{Name: "surname", Kind: record.KindName, Column: "surname"},
				{Name: "dob", Kind: record.KindDate, Column: "date_of_birth"},
				{Name: "ssn", Kind: record.KindIdentifier, Column: "soc_sec_id"},
			}}
			f, err := ingest.OpenFile(context.Background(), path, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, rejects := readAll(t, f.Reader)
			if got := len(recs) + len(rejects); got != rows {
				t.Errorf("records %d + rejects %d = %d, want %d rows", len(recs), len(rejects), got, rows)
			}
			if len(rejects) != 0 {
				t.Errorf("unexpected rejects: %v", rejects[0])
			}
		})
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"id,name,alias\n1,Ana,\n", "id;name;alias\n1;\"a\"\"b\";x;y\n", "id,name,alias\n1,\"unterminated\n",
		"\xEF\xBB\xBFid\tname\talias\n\t\t\n", "id,name,alias\n1,a,b,c\n1,a,b\n", "id,name,alias\r\n\"\r\n\"",
	} {
		f.Add([]byte(s))
	}
	// The same bytes read as a file without a header line, its columns
	// named by the config, too.
	headerless := people(ingest.FormatCSV)
	headerless.Header = []string{"id", "name", "alias"}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsStream(t, data, people(ingest.FormatCSV))
		for _, opt := range []ingest.Options{people(ingest.FormatCSV), headerless} {
			r, err := ingest.Open(bytes.NewReader(data), opt)
			if err != nil {
				continue
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for i := 0; ; i++ {
				if i > lines+1 {
					t.Fatalf("more rows than lines: %d", i)
				}
				rec, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				var re *ingest.RowError
				if errors.As(err, &re) {
					if re.Line <= 0 || re.Reason == "" {
						t.Fatalf("row error without line or reason: %+v", re)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if rec.Key.ID == "" || rec.Line <= 0 {
					t.Fatalf("record without id or line: %+v", rec)
				}
			}
		}
	})
}

func FuzzNDJSON(f *testing.F) {
	for _, s := range []string{`{"id":1,"name":"a","alias":["b","c"]}`, `{"id":"x"}` + "\n" + `[]`, `{"id":2,"name":[{"x":"y"},["z"]],"alias":[[1]]}`, `{"id":{"a":1}}`, "{\"id\":1}\n\n\n{", "[{\"id\":1,\"name\":\"a\",\"alias\":\"b\"},\n \"x\", [1, {\"y\": \"]\\\"\"}] z",
		"{\n \"n\": 2, \"l\": [\"]\"], \"results\": [{\"id\": 1, \"name\": \"a\"}, 5]\n}", "{\n \"id\": 1,\n \"ids\": [{\"t\": 1}]\n}\n{\"id\": 2}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkJSONRows(t, data, people(ingest.FormatNDJSON)) })
}

// FuzzJSONDocument reads a JSON document's list of records at a path.
func FuzzJSONDocument(f *testing.F) {
	for _, s := range []string{`{"data": {"results": [{"id": 1, "name": "a"}]}}`, "{\"data\": {\"n\": [\"]\"], \"results\": [\n{\"id\": 2}, 3]}, \"x\": 1}", `{"data": [1]}`, `[{"id": 1}]`} {
		f.Add([]byte(s))
	}
	opt := people(ingest.FormatNDJSON)
	opt.Records = "data.results"
	f.Fuzz(func(t *testing.T, data []byte) { checkJSONRows(t, data, opt) })
}

// FuzzXML reads the elements of an XML file at a records path.
func FuzzXML(f *testing.F) {
	for _, s := range []string{`<L><R id="1"><name>a</name><alias x="1">b</alias><alias>c</alias></R></L>`, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<L xmlns=\"u\"><R><id>2</id></R><R><id>3</R></L>",
		`<L><R><id>4</id><a><a><a/></a></a></R>`, `<R><id>5</id></R><R><id>6</id></R>`} {
		f.Add([]byte(s))
	}
	opt := people(ingest.FormatXML)
	opt.Records = "R"
	f.Fuzz(func(t *testing.T, data []byte) { checkJSONRows(t, data, opt) })
}

// checkJSONRows reads data as a JSON source of opt, as a file and as a
// stream alike, and checks what each row gives: a record with an id, or
// errors with a line and a reason.
func checkJSONRows(t *testing.T, data []byte, opt ingest.Options) {
	sameAsStream(t, data, opt)
	r, err := ingest.Open(bytes.NewReader(data), opt)
	if err != nil {
		return
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		var re *ingest.RowError
		if errors.As(err, &re) {
			if re.Line <= 0 || re.Reason == "" {
				t.Fatalf("row error without line or reason: %+v", re)
			}
			continue
		}
		// A record kept without a field: each named, with a reason
		// and what its key held, bounded.
		var fe *ingest.FieldErrors
		if errors.As(err, &fe) {
			if fe.Line <= 0 || fe.RecordID != rec.Key.ID || len(fe.Fields) == 0 {
				t.Fatalf("field errors %+v of record %+v", fe, rec)
			}
			for _, f := range fe.Fields {
				if f.Field == "" || f.Reason == "" || len(f.Raw) > 1024 || !utf8.ValidString(f.Raw) {
					t.Fatalf("field error %+v", f)
				}
			}
		} else if err != nil {
			t.Fatal(err)
		}
		if rec.Key.ID == "" {
			t.Fatalf("record without id: %+v", rec)
		}
	}
}

// TestStrayQuoteManyRows: ten thousand good rows after a quote left open
// are all read, not rejected as one.
func TestStrayQuoteManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,alias\n0,\"John Smith,1980\n")
	for i := 1; i <= 10000; i++ {
		fmt.Fprintf(&b, "%d,Name %d,\n", i, i)
	}
	r, err := ingest.Open(strings.NewReader(b.String()), people(ingest.FormatCSV))
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(recs) != 10000 || len(rejects) != 1 || rejects[0].Line != 2 {
		t.Errorf("%d records, rejects %v; want 10000 records and line 2 rejected", len(recs), rejects)
	}
}

// TestRowTooLong: a line longer than MaxRowBytes is rejected, cut short,
// and the rows after it are read; a quote never closed stops at the bound;
// a rejected row spanning many lines leaves a warning.
func TestRowTooLong(t *testing.T) {
	long := strings.Repeat("x", ingest.MaxRowBytes+10)
	for _, format := range []string{ingest.FormatCSV, ingest.FormatNDJSON} {
		in := "id,name,alias\n1," + long + ",\n2,Bo,\n"
		if format == ingest.FormatNDJSON {
			in = `{"id":"1","name":"` + long + "\"}\n" + `{"id":"2","name":"Bo","alias":"B"}` + "\n"
		}
		r, err := ingest.Open(strings.NewReader(in), people(format))
		if err != nil {
			t.Fatal(err)
		}
		recs, rejects := readAll(t, r)
		if len(recs) != 1 || len(rejects) != 1 || !strings.Contains(rejects[0].Reason, "row longer than") || len(rejects[0].Raw) > ingest.MaxRowBytes {
			t.Errorf("%s: %d records, %d rejects (%v)", format, len(recs), len(rejects), len(rejects) > 0 && strings.Contains(rejects[0].Reason, "longer"))
		}
	}
	// A quote opened and then many lines that are not rows on their own:
	// the row they make has too many fields.
	in := "id,name,alias\n1,\"a\n" + strings.Repeat("x\n", 20) + "\",y,extra\n2,Bo,\n"
	r, err := ingest.Open(strings.NewReader(in), people(ingest.FormatCSV))
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if len(recs) != 1 || len(rejects) != 1 {
		t.Fatalf("%d records, rejects %v", len(recs), rejects)
	}
	if w := r.Warnings(); len(w) != 1 || !strings.Contains(w[0], "spans 22 lines") {
		t.Errorf("warnings = %q", w)
	}
}

// A reader that says how much it holds (rows in memory) is read through a
// buffer of that size, not 64 KiB: the records and rejects are those of
// the same bytes read from a stream, whose buffer is full-sized, however
// long the rows (longer than the smallest buffer, longer than the row
// bound, a CSV row spanning lines).
func TestSmallInputBuffer(t *testing.T) {
	long := strings.Repeat("Ana María ", 80) // 800 bytes
	tests := []struct{ format, in string }{
		{ingest.FormatNDJSON, `{"id":"1","name":"Ana","alias":""}` + "\n" + `{"id":"2","name":"` + long + `","alias":"A"}` + "\n" + `{"id":3` + "\n"},
		{ingest.FormatNDJSON, `{"id":"1","name":"` + strings.Repeat("x", 3000) + `","alias":""}` + "\n" + `{"id":"2","name":"Bo","alias":""}`},
		{ingest.FormatCSV, "id,name,alias\n1,Ana,\n2,\"" + long + "\n" + long + "\",x\n3,\"Bo\n"},
		{ingest.FormatCSV, "id,name,alias\n1," + strings.Repeat("y", 3000) + ",\n2,Bo,"},
	}
	for _, tc := range tests {
		opt := people(tc.format)
		opt.MaxRowBytes = 2048
		if n := sameAsStream(t, []byte(tc.in), opt); n == 0 {
			t.Errorf("%s: no records read from %q", tc.format, tc.in)
		}
	}
}

// sameAsStream checks that data read from memory (from each kind of
// reader that says how much it holds), through a buffer sized to it,
// gives the records and rejects it gives read as a stream; it returns how
// many records that is.
func sameAsStream(t *testing.T, data []byte, opt ingest.Options) int {
	t.Helper()
	type stream struct{ io.Reader } // no Len: read as a stream is
	read := func(r io.Reader) (recs, rejects []string, openErr error) {
		rd, err := ingest.Open(r, opt)
		if err != nil {
			return nil, nil, err
		}
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return recs, rejects, nil
			}
			if err != nil {
				rejects = append(rejects, err.Error())
				if fe := (*ingest.FieldErrors)(nil); !errors.As(err, &fe) {
					continue
				}
			}
			recs = append(recs, fmt.Sprintf("%s %d %q", rec.Key.ID, rec.Line, rec.Features))
		}
	}
	wantRecs, wantRejects, wantErr := read(stream{bytes.NewReader(data)})
	for _, r := range []io.Reader{bytes.NewReader(data), bytes.NewBuffer(slices.Clone(data)), strings.NewReader(string(data))} {
		recs, rejects, err := read(r)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !slices.Equal(recs, wantRecs) || !slices.Equal(rejects, wantRejects) {
			t.Fatalf("from a %T: %q, rejects %q, %v; as a stream: %q, rejects %q, %v", r, recs, rejects, err, wantRecs, wantRejects, wantErr)
		}
	}
	return len(wantRecs)
}

// BenchmarkSmallNDJSON reads 32 rows given in memory, as an HTTP upload's
// rows of one source are (engine.MapRows).
func BenchmarkSmallNDJSON(b *testing.B) {
	var sb strings.Builder
	for i := range 32 {
		fmt.Fprintf(&sb, `{"id":"%d","name":"García López, Ana María %d","alias":"AM;Ana"}`+"\n", i, i)
	}
	in := sb.String()
	opt := people(ingest.FormatNDJSON)
	opt.Stream = true
	b.ReportAllocs()
	for b.Loop() {
		r, err := ingest.Open(strings.NewReader(in), opt)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); errors.Is(err, io.EOF) {
				break
			}
		}
	}
}

// BenchmarkCSV reads 10,000 rows of a quoted, comma-separated file.
func BenchmarkCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,name,alias\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "%d,\"García López, Ana María %d\",AM;Ana\n", i, i)
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r, err := ingest.Open(strings.NewReader(in), people(ingest.FormatCSV))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); errors.Is(err, io.EOF) {
				break
			}
		}
	}
}

// BenchmarkJSONRows reads 10,000 rows of one source written as NDJSON, as
// a JSON document's list ({"total": …, "results": [...]}) and as XML
// elements, each with a list of objects inside: what each form costs
// beside the others (and BenchmarkCSV).
func BenchmarkJSONRows(b *testing.B) {
	var nd, doc, xm strings.Builder
	doc.WriteString("{\n  \"total\": 10000,\n  \"results\": [\n")
	xm.WriteString("<?xml version=\"1.0\"?>\n<list>\n")
	for i := range 10000 {
		row := fmt.Sprintf(`{"id":"%d","name":"García López, Ana María %d","alias":["AM","Ana"],"ids":[{"type":"passport","number":"P%d"}]}`, i, i, i)
		nd.WriteString(row + "\n")
		if i > 0 {
			doc.WriteString(",\n")
		}
		doc.WriteString("    " + row)
		fmt.Fprintf(&xm, "  <entry><id>%d</id><name>García López, Ana María %d</name><alias>AM</alias><alias>Ana</alias><ids><id type=\"passport\">P%d</id></ids></entry>\n", i, i, i)
	}
	doc.WriteString("\n  ]\n}\n")
	xm.WriteString("</list>\n")
	var pq bytes.Buffer
	w := parquet.NewGenericWriter[parquetEntry](&pq)
	for i := range 10000 {
		if _, err := w.Write([]parquetEntry{{ID: int64(i), Name: fmt.Sprintf("García López, Ana María %d", i), Alias: []string{"AM", "Ana"}, IDs: []parquetID{{"passport", fmt.Sprintf("P%d", i)}}}}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name, format, records, in string
	}{
		{"ndjson", ingest.FormatNDJSON, "", nd.String()},
		{"document", ingest.FormatNDJSON, "", doc.String()},
		{"xml", ingest.FormatXML, "entry", xm.String()},
		{"parquet", ingest.FormatParquet, "", pq.String()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			opt := people(tc.format)
			opt.Records = tc.records
			b.SetBytes(int64(len(tc.in)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := ingest.Open(strings.NewReader(tc.in), opt)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, err := r.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 10000 {
					b.Fatalf("%d records, want 10000", n)
				}
			}
		})
	}
}

// TestStream: from an input that arrives over time, the first row is read
// as soon as it is there, for NDJSON and for CSV without a declared
// delimiter, and a cancelled context stops the reading.
func TestStream(t *testing.T) {
	for _, format := range []string{ingest.FormatNDJSON, ingest.FormatCSV} {
		pr, pw := io.Pipe()
		go func() {
			if format == ingest.FormatCSV {
				pw.Write([]byte("id;name;alias\n"))
			}
			pw.Write([]byte(map[string]string{ingest.FormatNDJSON: `{"id":"1","name":"Ana"}` + "\n", ingest.FormatCSV: "1;Ana;\n"}[format]))
			// ... and nothing more for now: the pipe stays open.
		}()
		opt := people(format)
		opt.Stream = true
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			r, err := ingest.Open(ingest.ContextReader(ctx, pr), opt)
			if err != nil {
				done <- err
				return
			}
			rec, err := r.Next()
			if err == nil && rec.Key.ID != "1" {
				err = fmt.Errorf("record %v", rec.Key)
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: %v", format, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the first row was not read while the input stayed open", format)
		}
		cancel()
		pw.Close()
	}
}

func TestGroupRowsAndRelations(t *testing.T) {
	in := "filing,company,officer,amount,date\n" +
		"f1,Acme Ltd,Ann Lee,100,2024-01-02\n" +
		"f2,Beta SA,,,\n" +
		"f3,Gamma BV,  ,5,\n" +
		"f4,Delta AG,Bo Chan,7,2024-03-04\n"
	opt := ingest.Options{Source: "registry.officer", File: "registry.csv", Format: ingest.FormatCSV, ID: "filing",
		Fields:    []ingest.Field{{Name: "name", Kind: record.KindName, Column: "officer"}},
		SkipEmpty: true,
		Relations: []ingest.Relation{{Type: "officer_of", To: "registry", Attributes: []string{"amount", "date"}}},
	}
	rd, err := ingest.Open(strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, rd)
	if len(rejects) != 0 {
		t.Fatalf("rejects %v", rejects)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Key.ID)
	}
	if want := []string{"f1", "f4"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("records %q, want %q: a row with no officer makes no officer record", ids, want)
	}
	if rd.Skipped() != 2 {
		t.Errorf("Skipped = %d, want 2", rd.Skipped())
	}
	want := []record.Relation{{Type: "officer_of", To: record.Key{Source: "registry", ID: "f1"},
		Attributes: map[string]string{"amount": "100", "date": "2024-01-02"}}}
	if !reflect.DeepEqual(recs[0].Relations, want) {
		t.Errorf("relations %+v, want %+v", recs[0].Relations, want)
	}

	opt.Relations[0].Attributes = []string{"amount", "when"}
	_, err = ingest.Open(strings.NewReader(in), opt)
	var me *ingest.MappingError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), `officer_of attribute ("when")`) {
		t.Errorf("a missing attribute column: %v, want a mapping error naming it", err)
	}
}

func TestRelationsToIDs(t *testing.T) {
	in := `{"id":"a","name":"Ann","associates":["b","c","b",""]}` + "\n" + `{"id":"b","name":"Bo"}` + "\n"
	opt := ingest.Options{Source: "sanctions", File: "s.ndjson", Format: ingest.FormatNDJSON, ID: "id",
		Fields:    []ingest.Field{{Name: "name", Kind: record.KindName, Column: "name"}},
		Relations: []ingest.Relation{{Type: "associate_of", To: "sanctions", Column: "associates"}},
	}
	rd, err := ingest.Open(strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, rd)
	if len(rejects) != 0 || len(recs) != 2 {
		t.Fatalf("records %d, rejects %v", len(recs), rejects)
	}
	want := []record.Relation{{Type: "associate_of", To: record.Key{Source: "sanctions", ID: "b"}}, {Type: "associate_of", To: record.Key{Source: "sanctions", ID: "c"}}}
	if !reflect.DeepEqual(recs[0].Relations, want) {
		t.Errorf("a's relations %+v, want %+v (each id once, blanks left out)", recs[0].Relations, want)
	}
	if len(recs[1].Relations) != 0 {
		t.Errorf("b, with no associates, states %+v", recs[1].Relations)
	}
	csv := "id;name;parents\nf1;Acme;f2| f3\n"
	opt = ingest.Options{Source: "registry", File: "r.csv", Format: ingest.FormatCSV, ID: "id",
		Fields:    []ingest.Field{{Name: "name", Kind: record.KindOrgName, Column: "name"}},
		Relations: []ingest.Relation{{Type: "subsidiary_of", To: "registry", Column: "parents", Split: "|"}},
	}
	rd, err = ingest.Open(strings.NewReader(csv), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ = readAll(t, rd)
	if len(recs) != 1 || len(recs[0].Relations) != 2 || recs[0].Relations[1].To.ID != "f3" {
		t.Errorf("split ids: %+v", recs)
	}
}

// A file of no declared encoding whose start is not UTF-8 is read as
// Windows-1252, and says so; one that is UTF-8 (a character cut where the
// look ahead ends included) is read as UTF-8 and says nothing, and a
// legacy byte past the look ahead rejects its row, as declared UTF-8 does.
func TestUndeclaredEncoding(t *testing.T) {
	const ahead = 1 << 20
	var long strings.Builder
	long.WriteString("id,name,alias\n")
	for i := 0; long.Len() < ahead+100; i++ {
		fmt.Fprintf(&long, "%d,Ana,\n", i)
	}
	cut := "id,name,alias\n1,"
	cut += strings.Repeat("a", ahead-len(cut)-1) + "é,\n" // é's two bytes either side of the look ahead's end
	for _, c := range []struct {
		name, in   string
		warned     bool
		rejected   int
		firstValue string
	}{
		{"latin1", "id,name,alias\n1,Garc\xeda,\n", true, 0, "García"},
		{"utf-8", "id,name,alias\n1,García,\n", false, 0, "García"},
		{"utf-8 cut at the look ahead", cut, false, 0, strings.Repeat("a", ahead-len("id,name,alias\n1,")-1) + "é"},
		{"legacy past the look ahead", long.String() + "x,Garc\xeda,\n", false, 1, "Ana"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ingest.Open(strings.NewReader(c.in), people(ingest.FormatCSV))
			if err != nil {
				t.Fatal(err)
			}
			recs, rejects := readAll(t, r)
			warned := slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, "read as windows-1252") })
			if warned != c.warned {
				t.Errorf("warnings %q, want the guess named: %v", r.Warnings(), c.warned)
			}
			if len(rejects) != c.rejected {
				t.Errorf("%d rejects (%v), want %d", len(rejects), rejects, c.rejected)
			}
			if len(recs) == 0 || recs[0].Features[0].Raw[0] != c.firstValue {
				t.Errorf("first record %+v, want name %.20q…", recs[:min(1, len(recs))], c.firstValue)
			}
		})
	}
}

// TestDeclaredLatin1ReadsUTF8 checks that a file declared Latin-1 or
// Windows-1252 whose first bytes are UTF-8 with characters beyond ASCII is
// read as UTF-8, with a warning that says so; one that is Latin-1, or all
// ASCII, is read as declared.
func TestDeclaredLatin1ReadsUTF8(t *testing.T) {
	for _, c := range []struct {
		name, encoding, in string
		warned             bool
		firstValue         string
	}{
		{"utf-8 declared latin1", "latin1", "id,name,alias\n1,García,\n", true, "García"},
		{"utf-8 with a BOM declared windows-1252", "windows-1252", "\xef\xbb\xbfid,name,alias\n1,Núñez,\n", true, "Núñez"},
		{"latin1 declared latin1", "latin1", "id,name,alias\n1,Garc\xeda,\n", false, "García"},
		{"ascii declared latin1", "latin1", "id,name,alias\n1,Garcia,\n", false, "Garcia"},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs, rejects := readEncoded(t, c.in, c.encoding, "it is read as UTF-8", c.warned)
			if len(rejects) != 0 || len(recs) != 1 || recs[0].Features[0].Raw[0] != c.firstValue {
				t.Errorf("records %+v, rejects %v, want one named %q", recs, rejects, c.firstValue)
			}
		})
	}
}

// TestUTF16 checks that a file that starts with a UTF-16 byte-order mark
// (a spreadsheet's Unicode text, tab-separated) is read as UTF-16 of
// either byte order, gzipped or not, and that a declared encoding it
// overrides is warned of.
func TestUTF16(t *testing.T) {
	utf16 := func(s string, big bool) string {
		var b []byte
		if big {
			b = append(b, 0xFE, 0xFF)
		} else {
			b = append(b, 0xFF, 0xFE)
		}
		for _, r := range s { // the test's text is of the Basic Multilingual Plane
			if big {
				b = append(b, byte(r>>8), byte(r))
			} else {
				b = append(b, byte(r), byte(r>>8))
			}
		}
		return string(b)
	}
	gz := func(s string) string {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		_, _ = w.Write([]byte(s))
		_ = w.Close()
		return buf.String()
	}
	text := "id\tname\talias\n1\tNúñez\t\n2\tJosé Pérez\tPepe\n"
	for _, c := range []struct {
		name, encoding, in string
		warned             bool
	}{
		{"little-endian", "", utf16(text, false), false},
		{"big-endian", "", utf16(text, true), false},
		{"gzipped", "", gz(utf16(text, false)), false},
		{"declared latin1", "latin1", utf16(text, false), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs, rejects := readEncoded(t, c.in, c.encoding, "it is read as UTF-16", c.warned)
			if len(rejects) != 0 || len(recs) != 2 || recs[0].Features[0].Raw[0] != "Núñez" || recs[1].Features[0].Raw[0] != "José Pérez" {
				t.Errorf("records %+v, rejects %v, want Núñez and José Pérez", recs, rejects)
			}
		})
	}
}

// readEncoded reads in, a CSV of people, declared of encoding (or none),
// and checks that a warning holds reading exactly when warned.
func readEncoded(t *testing.T, in, encoding, reading string, warned bool) ([]record.Record, []*ingest.RowError) {
	t.Helper()
	opt := people(ingest.FormatCSV)
	opt.Encoding = encoding
	r, err := ingest.Open(strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if got := slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, reading) }); got != warned {
		t.Errorf("warnings %q, want %q said: %v", r.Warnings(), reading, warned)
	}
	return recs, rejects
}

// TestCSVHeaderless: a file written without a header line (OFAC's sdn.csv)
// is read with its columns named by Options.Header: its first line is a
// row, the delimiter sniffed from it; a row of another number of fields
// is rejected; a file of no rows has no records.
func TestCSVHeaderless(t *testing.T) {
	sdn := "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- \n" +
		"173,\"PEREZ GARCIA, Juan\",\"individual\",\"SDNTK\",-0- \n" +
		"174,\"BAD ROW\"\n"
	opt := ingest.Options{Source: "sdn", File: "sdn.csv", Format: ingest.FormatCSV, ID: "ent_num",
		Header: []string{"ent_num", "SDN_Name", "SDN_Type", "Program", "Title"},
		Fields: []ingest.Field{{Name: "name", Kind: record.KindParty, Column: "SDN_Name"}, {Name: "type", Kind: record.KindText, Column: "SDN_Type"}}}
	r, err := ingest.Open(strings.NewReader(sdn), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if got, want := flat(recs), []string{"36|AEROCARIBBEAN AIRLINES|-0-|1", "173|PEREZ GARCIA, Juan|individual|2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("records %q, want %q", got, want)
	}
	if len(rejects) != 1 || rejects[0].Line != 3 || !strings.Contains(rejects[0].Reason, "row has 2 fields, header has 5") {
		t.Errorf("rejects %v, want line 3's of 2 fields", rejects)
	}
	r, err = ingest.Open(strings.NewReader(""), opt)
	if err != nil {
		t.Fatalf("an empty file with its columns named: %v", err)
	}
	if recs, rejects := readAll(t, r); len(recs)+len(rejects) != 0 {
		t.Errorf("an empty file: %d records, %d rejects", len(recs), len(rejects))
	}
}

// TestCSVTitleAboveHeader: a spreadsheet's export with a title, a date
// and a blank line above its header: the header is the first line that
// names the id column, its delimiter sniffed from it, the lines above it
// passed over with a warning; without a line that names it, the first
// line is the header, as before, and the mapping's error lists it.
func TestCSVTitleAboveHeader(t *testing.T) {
	in := "Clientes del banco\nal 30/11/2026\n\nid;name;alias\n1;Ana Gómez;\n2;Juan Pérez;JP\n"
	r, err := ingest.Open(strings.NewReader(in), people(ingest.FormatCSV))
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	if got, want := flat(recs), []string{"1|Ana Gómez||5", "2|Juan Pérez|JP|6"}; len(rejects) != 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("records %q, rejects %v; want %q", got, rejects, want)
	}
	if w := r.Warnings(); len(w) != 1 || !strings.Contains(w[0], "lines 1 to 2, above the header line") {
		t.Errorf("warnings %q, want lines 1 to 2 passed over", w)
	}
	noID := people(ingest.FormatCSV)
	noID.ID = "customer"
	if _, err := ingest.Open(strings.NewReader(in), noID); err == nil || !strings.Contains(err.Error(), "available columns: Clientes del banco") {
		t.Errorf("no line names the id: err %v, want the first line's columns listed", err)
	}
}
