package record

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func sampleRecord() Record {
	return Record{Key: Key{Source: "kyc", ID: "c-17"}, Line: 18, Kind: EntityPerson, Features: []Feature{
		{Name: "full_name", Kind: KindName, Raw: []string{"José  Álvarez"}, Values: []Value{{Norm: "jose alvarez", Tokens: []string{"jose", "alvarez"},
			Facets: MakeFacets("phonetic", "ALFRS", "initials", "ja", "surname", "alvarez")}}},
		{Name: "dob", Kind: KindDate, Raw: []string{"01/02/1980"}, Values: []Value{{Norm: "1980-02-01", Facets: MakeFacets("year", "1980")}}},
		{Name: "phone", Kind: KindPhone, Raw: []string{""}},
	}}
}

// The JSON shape of a record: lower-case names, the key as an object,
// facets as an object in their order; it reads back equal.
func TestRecordJSON(t *testing.T) {
	r := sampleRecord()
	data, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"key":{"source":"kyc","id":"c-17"}`, `"line":18`, `"kind":"person"`,
		`"facets":{"phonetic":"ALFRS","initials":"ja","surname":"alvarez"}`, `"tokens":["jose","alvarez"]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s:\n%s", want, data)
		}
	}
	var back Record
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, r)
	}
}

// Records stored before the JSON shape was settled (Go field names,
// facets as a list) read as they were written.
func TestRecordJSONLegacy(t *testing.T) {
	legacy := `{"Key":{"source":"kyc","id":"c-17"},"Line":18,"Label":"","Kind":"person","Features":[` +
		`{"Name":"full_name","Kind":"name","Raw":["José  Álvarez"],"Values":[{"Norm":"jose alvarez","Tokens":["jose","alvarez"],` +
		`"Facets":[{"Name":"phonetic","Value":"ALFRS"},{"Name":"initials","Value":"ja"},{"Name":"surname","Value":"alvarez"}]}]},` +
		`{"Name":"dob","Kind":"date","Raw":["01/02/1980"],"Values":[{"Norm":"1980-02-01","Tokens":null,"Facets":[{"Name":"year","Value":"1980"}]}]},` +
		`{"Name":"phone","Kind":"phone","Raw":[""],"Values":null}]}`
	var r Record
	if err := json.Unmarshal([]byte(legacy), &r); err != nil {
		t.Fatal(err)
	}
	if want := sampleRecord(); !reflect.DeepEqual(r, want) {
		t.Errorf("legacy record:\n got %+v\nwant %+v", r, want)
	}
}

func TestFacetsJSONErrors(t *testing.T) {
	for _, in := range []string{`{"a":1}`, `"x"`, `{"a":"b"`, `{"a" "b"}`, `[{"name":1}]`, `{`, `12`} {
		var f Facets
		if err := json.Unmarshal([]byte(in), &f); err == nil {
			t.Errorf("%s: read as %v, want an error", in, f)
		}
	}
}

// FuzzFacetsJSON: whatever the input, reading facets never panics, and
// facets read back from their own encoding are the same.
func FuzzFacetsJSON(f *testing.F) {
	for _, s := range []string{`{"phonetic":"SMT","year":"1980"}`, `[{"name":"a","value":"b"}]`, `null`, `{}`, `{"a":"\u00e9"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var fs Facets
		if json.Unmarshal([]byte(in), &fs) != nil {
			return
		}
		data, err := json.Marshal(fs)
		if err != nil {
			t.Fatalf("%q: marshal: %v", in, err)
		}
		var back Facets
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%q → %s: %v", in, data, err)
		}
		if !reflect.DeepEqual(back, fs) && !(len(back) == 0 && len(fs) == 0) {
			t.Fatalf("%q: %v read back as %v", in, fs, back)
		}
	})
}

// FuzzPlainFacets: where the fast reader takes an object, it reads what
// the decoder reads.
func FuzzPlainFacets(f *testing.F) {
	for _, s := range []string{`{"phonetic":"SMT","year":"1980"}`, `{}`, ` { "a" : "b" , "c":"" } `, `{"a":"\u00e9"}`, `{"a":"b",}`, `{"a":1}`, `{"a":"b"}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := plainFacets([]byte(in))
		if !ok {
			return
		}
		want, err := decodeFacets([]byte(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast %v, decoder %v (%v)", in, got, want, err)
		}
	})
}

func BenchmarkRecordDecode(b *testing.B) {
	r := sampleRecord()
	data, _ := json.Marshal(&r)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var out Record
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}
