package record

import (
	"encoding/json"
	"reflect"
	"testing"
)

// tricky holds strings encoding/json escapes: HTML characters, line and
// paragraph separators, control characters, invalid UTF-8, quotes.
var tricky = []string{"", "<a&b>", "line\u2028sep\u2029", "tab\there\x01\x1f", "bad \xff\xfe utf8", `"quoted" \ back`, "José Álvarez 山田"}

func codecRecords() []Record {
	out := []Record{sampleRecord(), {Key: Key{Source: "s", ID: "1"}}}
	for _, s := range tricky {
		out = append(out, Record{Key: Key{Source: s, ID: s}, Label: s, Kind: EntityOrganization, Line: 7,
			Features:  []Feature{{Name: s, Kind: KindOrgName, Raw: []string{s, s}, Values: []Value{{Norm: s, Tokens: []string{s}, Facets: MakeFacets(s, s, "x", s+"y")}}}},
			Relations: []Relation{{Type: s, To: Key{Source: s, ID: "2"}, Attributes: map[string]string{"z": s, "a": s, s: "m"}}}})
	}
	return out
}

// Encode writes what encoding/json writes, and Decode reads it back as
// encoding/json does.
func TestCodecMatchesStd(t *testing.T) {
	for i, r := range codecRecords() {
		checkCodec(t, i, r)
	}
	legacy := `{"Key":{"source":"kyc","id":"c-17"},"Line":18,"Label":"","Kind":"person","Features":[` +
		`{"Name":"dob","Kind":"date","Raw":["01/02/1980"],"Values":[{"Norm":"1980-02-01","Tokens":null,"Facets":[{"Name":"year","Value":"1980"}]}]}]}`
	var got, want Record
	if err := Decode([]byte(legacy), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(legacy), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("legacy record:\n got %+v\nwant %+v", got, want)
	}
}

func checkCodec(t *testing.T, i int, r Record) {
	t.Helper()
	want, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Encode(&r)
	if err != nil {
		t.Fatalf("record %d: %v", i, err)
	}
	if string(got) != string(want) {
		t.Fatalf("record %d:\nEncode        %s\nencoding/json %s", i, got, want)
	}
	var a, b Record
	if err := Decode(want, &a); err != nil {
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
func TestDecodeErrors(t *testing.T) {
	for _, in := range []string{``, `{`, `{"key":1}`, `{"features":[{"values":[{"facets":12}]}]}`, `[]`, `{"line":"x"}`, `{"key":{"source":"a"}}x`} {
		var r Record
		if err := Decode([]byte(in), &r); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzCodec(f *testing.F) {
	for _, s := range tricky {
		f.Add(s, s+"x", 3)
	}
	f.Fuzz(func(t *testing.T, a, b string, line int) {
		r := Record{Key: Key{Source: a, ID: b}, Line: line, Label: b, Features: []Feature{{Name: a, Kind: Kind(b), Raw: []string{a, b},
			Values: []Value{{Norm: b, Tokens: []string{a, b}, Facets: Facets{{Name: a, Value: b}, {Name: b, Value: a}}}}}},
			Relations: []Relation{{Type: a, To: Key{Source: b}, Attributes: map[string]string{a: b, b: a}}}}
		checkCodec(t, 0, r)
	})
}

// FuzzDecode: whatever encoding/json reads, Decode reads the same; no
// input panics.
func FuzzDecode(f *testing.F) {
	for _, r := range codecRecords() {
		data, _ := json.Marshal(&r)
		f.Add(data)
	}
	f.Add([]byte(`{"Key":{"source":"kyc","id":"c-17"},"Features":[{"Values":[{"Facets":[{"Name":"year","Value":"1980"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want Record
		gerr := Decode(data, &got)
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

// appendString escapes as encoding/json does.
func FuzzAppendString(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: appendString %s, encoding/json %s", s, got, want)
		}
	})
}
