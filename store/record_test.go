package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/concord-er/concord/record"
)

// tricky holds strings encoding/json escapes: HTML characters, line and
// paragraph separators, control characters, invalid UTF-8, quotes.
var tricky = []string{"", "<a&b>", "line\u2028sep\u2029", "tab\there\x01\x1f", "bad \xff\xfe utf8", `"quoted" \ back`, "José Álvarez 山田"}

func sampleRecord() record.Record {
	return record.Record{Key: record.Key{Source: "kyc", ID: "c-17"}, Line: 18, Kind: record.EntityPerson, Features: []record.Feature{
		{Name: "full_name", Kind: record.KindName, Raw: []string{"José  Álvarez"}, Values: []record.Value{{Norm: "jose alvarez", Tokens: []string{"jose", "alvarez"},
			Facets: record.MakeFacets("phonetic", "ALFRS", "initials", "ja", "surname", "alvarez")}}},
		{Name: "dob", Kind: record.KindDate, Raw: []string{"01/02/1980"}, Values: []record.Value{{Norm: "1980-02-01", Facets: record.MakeFacets("year", "1980")}}},
		{Name: "phone", Kind: record.KindPhone, Raw: []string{""}},
	}}
}

func codecRecords() []record.Record {
	out := []record.Record{sampleRecord(), {Key: record.Key{Source: "s", ID: "1"}}}
	for _, s := range tricky {
		out = append(out, record.Record{Key: record.Key{Source: s, ID: s}, Label: s, Kind: record.EntityOrganization, Line: 7,
			Features:  []record.Feature{{Name: s, Kind: record.KindOrgName, Raw: []string{s, s}, Values: []record.Value{{Norm: s, Tokens: []string{s}, Facets: record.MakeFacets(s, s, "x", s+"y")}}}},
			Relations: []record.Relation{{Type: s, To: record.Key{Source: s, ID: "2"}, Attributes: map[string]string{"z": s, "a": s, s: "m"}}}})
	}
	return out
}

// EncodeRecord writes what encoding/json writes, and DecodeRecord reads it back as
// encoding/json does.
func TestRecordCodecMatchesStd(t *testing.T) {
	for i, r := range codecRecords() {
		checkCodec(t, i, r)
	}
	legacy := `{"Key":{"source":"kyc","id":"c-17"},"Line":18,"Label":"","Kind":"person","Features":[` +
		`{"Name":"dob","Kind":"date","Raw":["01/02/1980"],"Values":[{"Norm":"1980-02-01","Tokens":null,"Facets":[{"Name":"year","Value":"1980"}]}]}]}`
	var got, want record.Record
	if err := DecodeRecord([]byte(legacy), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(legacy), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("legacy record:\n got %+v\nwant %+v", got, want)
	}
}

func checkCodec(t *testing.T, i int, r record.Record) {
	t.Helper()
	want, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := EncodeRecord(&r)
	if err != nil {
		t.Fatalf("record %d: %v", i, err)
	}
	if string(got) != string(want) {
		t.Fatalf("record %d:\nEncode        %s\nencoding/json %s", i, got, want)
	}
	var a, b record.Record
	if err := DecodeRecord(want, &a); err != nil {
		t.Fatalf("record %d: Decode: %v", i, err)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("record %d: Decode\n got %+v\nwant %+v", i, a, b)
	}
}

// Bad stored data is an error, never a panic.
func TestDecodeRecordErrors(t *testing.T) {
	for _, in := range []string{``, `{`, `{"key":1}`, `{"features":[{"values":[{"facets":12}]}]}`, `[]`, `{"line":"x"}`, `{"key":{"source":"a"}}x`} {
		var r record.Record
		if err := DecodeRecord([]byte(in), &r); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzRecordCodec(f *testing.F) {
	for _, s := range tricky {
		f.Add(s, s+"x", 3)
	}
	f.Fuzz(func(t *testing.T, a, b string, line int) {
		r := record.Record{Key: record.Key{Source: a, ID: b}, Line: line, Label: b, Features: []record.Feature{{Name: a, Kind: record.Kind(b), Raw: []string{a, b},
			Values: []record.Value{{Norm: b, Tokens: []string{a, b}, Facets: record.Facets{{Name: a, Value: b}, {Name: b, Value: a}}}}}},
			Relations: []record.Relation{{Type: a, To: record.Key{Source: b}, Attributes: map[string]string{a: b, b: a}}}}
		checkCodec(t, 0, r)
	})
}

// FuzzDecodeRecord: whatever encoding/json reads, DecodeRecord reads the same; no
// input panics.
func FuzzDecodeRecord(f *testing.F) {
	for _, r := range codecRecords() {
		data, _ := json.Marshal(&r)
		f.Add(data)
	}
	f.Add([]byte(`{"Key":{"source":"kyc","id":"c-17"},"Features":[{"Values":[{"Facets":[{"Name":"year","Value":"1980"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want record.Record
		gerr := DecodeRecord(data, &got)
		if err := json.Unmarshal(data, &want); err != nil {
			return
		}
		if gerr != nil {
			t.Fatalf("%q: encoding/json reads it, Decode: %v", data, gerr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\nDecode        %+v\nencoding/json %+v", data, got, want)
		}
	})
}
