package record

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	gojson "github.com/goccy/go-json"
)

// sharedSamples are records in every shape the stored form takes: fields
// left out and present, empty and nil lists, relations with attributes,
// text beyond ASCII.
func sharedSamples() []Record {
	officer := sampleRecord()
	officer.Key, officer.Label, officer.Line = Key{Source: "registry.officer", ID: "r-9"}, "restricted", 0
	officer.Relations = []Relation{
		{Type: "officer_of", To: Key{Source: "registry", ID: "r-9"}},
		{Type: "paid", To: Key{Source: "wires.beneficiary", ID: "w-1"}, Attributes: map[string]string{"amount": "120.50", "value_date": "2026-01-12"}},
	}
	org := Record{Key: Key{Source: "wires.beneficiary", ID: "W0000000"}, Line: 2, Kind: EntityOrganization, Features: []Feature{
		{Name: "name", Kind: KindParty, Raw: []string{"ANCHOR HOLDINGS"}, Values: []Value{{Norm: "anchor holdings", Tokens: []string{"anchor", "holdings"},
			Facets: MakeFacets("sorted", "anchor holdings", "party", "organization")}}},
		{Name: "country", Kind: KindCountry, Raw: []string{"GB"}, Values: []Value{{Norm: "GB"}}},
		{Name: "id_number", Kind: KindIdentifier},
		{Name: "aliases", Kind: KindName, Raw: []string{}, Values: []Value{}},
	}}
	return []Record{sampleRecord(), officer, org, {Key: Key{Source: "s", ID: "1"}}, {Key: Key{Source: "s", ID: "2"}, Features: []Feature{}}}
}

// Every shape the store writes decodes to what a JSON decoder makes of it.
func TestDecodeShared(t *testing.T) {
	for _, r := range sharedSamples() {
		data, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		var got, want Record
		if !DecodeShared(data, &got) {
			t.Fatalf("DecodeShared refused the stored form %s", data)
		}
		if err := gojson.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", data, got, want)
		}
	}
}

// The strings decoded share one copy of the data (which is why the result
// is for records read and let go), not the data's own bytes.
func TestDecodeSharedCopies(t *testing.T) {
	orig := `{"key":{"source":"kyc","id":"c-1"},"features":[{"name":"n","kind":"name","raw":["Ana"],"values":null}]}`
	data := []byte(orig)
	var r Record
	if !DecodeShared(data, &r) {
		t.Fatal("refused")
	}
	copy(data, strings.Repeat("x", len(data)))
	if r.Key.ID != "c-1" || r.Features[0].Raw[0] != "Ana" {
		t.Fatalf("the strings changed with the data: %+v", r)
	}
	// The text starts where the source's string starts, less its offset.
	base := uintptr(unsafe.Pointer(unsafe.StringData(r.Key.Source))) - uintptr(strings.Index(orig, "kyc"))
	if got := uintptr(unsafe.Pointer(unsafe.StringData(r.Features[0].Raw[0]))) - base; got != uintptr(strings.Index(orig, "Ana")) {
		t.Errorf("the raw value is at %d of the source's copy, want %d: not one copy", got, strings.Index(orig, "Ana"))
	}
}

// What the store does not write is left to the JSON decoder.
func TestDecodeSharedRefuses(t *testing.T) {
	for _, data := range []string{
		``,
		`null`,
		`{"key":{"source":"kyc","id":"c-1"},"features":null} `,                           // a space after
		`{"key":{"source":"kyc","id":"c-1"}, "features":null}`,                           // a space within
		`{"features":null,"key":{"source":"kyc","id":"c-1"}}`,                            // another order
		`{"key":{"id":"c-1","source":"kyc"},"features":null}`,                            // the key's fields in another order
		`{"key":{"source":"kyc","id":"c-1"},"features":null,"extra":1}`,                  // a field it does not know
		`{"key":{"source":"kyc","id":"c-1"}}`,                                            // no features
		`{"key":{"source":"kyc","id":"c\u002d1"},"features":null}`,                       // an escape
		`{"key":{"source":"kyc","id":"c-1"},"line":07,"features":null}`,                  // a leading zero
		`{"key":{"source":"kyc","id":"c-1"},"line":1e3,"features":null}`,                 // not an integer
		`{"key":{"source":"kyc","id":"c-1"},"line":1234567890123456789,"features":null}`, // too long
		"{\"key\":{\"source\":\"k\xffc\",\"id\":\"c-1\"},\"features\":null}",             // not UTF-8
		`{"key":{"source":"kyc","id":"c-1"},"features":[{"name":"n","kind":"name","raw":["A"],"values":[{"norm":"a","facets":{"x":1}}]}]}`,
		`{"key":{"source":"kyc","id":"c-1"},"features":[{"name":"n","kind":"name","raw":["A",],"values":null}]}`,
		`{"key":{"source":"kyc","id":"c-1"},"features":[]`,
	} {
		var r Record
		if DecodeShared([]byte(data), &r) {
			t.Errorf("DecodeShared accepted %s as %+v", data, r)
		}
	}
}

// Whatever DecodeShared accepts, a JSON decoder reads the same.
func FuzzDecodeShared(f *testing.F) {
	for _, r := range sharedSamples() {
		data, _ := json.Marshal(&r)
		f.Add(data)
	}
	f.Add([]byte(`{"key":{"source":"a","id":"b"},"line":-3,"features":null,"relations":[{"type":"t","to":{"source":"a","id":"c"},"attributes":{"x":"1","x":"2"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Record
		if !DecodeShared(data, &got) {
			return
		}
		var want Record
		if err := gojson.Unmarshal(data, &want); err != nil {
			t.Fatalf("DecodeShared accepted %q, which the decoder refuses: %v", data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", data, got, want)
		}
	})
}

func BenchmarkDecodeShared(b *testing.B) {
	bank := Record{Key: Key{Source: "bank", ID: "C100001"}, Line: 287, Kind: EntityPerson, Features: []Feature{
		{Name: "name", Kind: KindParty, Raw: []string{"Megan Barnes"}, Values: []Value{{Norm: "megan barnes", Tokens: []string{"megan", "barnes"},
			Facets: MakeFacets("given", "megan", "given_phonetic", "MKN", "surname", "barnes", "surname_phonetic", "PRNS", "surnames", "barnes",
				"first", "megan", "last", "barnes", "initials", "mb", "sorted", "barnes megan", "phonetic", "MKN PRNS", "party", "person")}}},
		{Name: "dob", Kind: KindDate, Raw: []string{"08/11/1954"}, Values: []Value{{Norm: "1954-11-08",
			Facets: MakeFacets("year", "1954", "precision", "day", "month", "1954-11", "day", "1954-11-08", "monthday", "11-08")}}},
		{Name: "address", Kind: KindAddress, Raw: []string{"75 Station Road"}, Values: []Value{{Norm: "75 station road", Tokens: []string{"station", "road"},
			Facets: MakeFacets("number", "75", "street", "station road", "start", "75 station road")}}},
		{Name: "city", Kind: KindCity, Raw: []string{"Sheffield"}, Values: []Value{{Norm: "sheffield", Tokens: []string{"sheffield"}}}},
		{Name: "postcode", Kind: KindPostcode, Raw: []string{"S14 9EG"}, Values: []Value{{Norm: "S149EG"}}},
		{Name: "phone", Kind: KindPhone, Raw: []string{"+44 1612653154"}, Values: []Value{{Norm: "+441612653154",
			Facets: MakeFacets("national", "1612653154", "country", "44", "valid", "true")}}},
		{Name: "email", Kind: KindEmail, Raw: []string{"megan.barnes62@hotmail.co.uk"}, Values: []Value{{Norm: "megan.barnes62@hotmail.co.uk",
			Facets: MakeFacets("full", "megan.barnes62@hotmail.co.uk", "local", "megan.barnes62", "domain", "hotmail.co.uk")}}},
		{Name: "country", Kind: KindCountry, Raw: []string{"GB"}, Values: []Value{{Norm: "GB"}}},
		{Name: "id_number", Kind: KindIdentifier},
	}}
	for _, c := range []struct {
		name string
		r    Record
	}{{"small", sampleRecord()}, {"customer", bank}} {
		data, _ := json.Marshal(&c.r)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var out Record
				if !DecodeShared(data, &out) {
					b.Fatal("refused")
				}
			}
		})
		b.Run(c.name+"/decoder", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var out Record
				if err := gojson.Unmarshal(data, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
