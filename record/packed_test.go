package record

import (
	"reflect"
	"strings"
	"testing"
)

func packCases() map[string][][]Value {
	return map[string][][]Value{
		"nil":                       nil,
		"no comparisons":            {},
		"comparison without values": {nil, {}},
		"one value":                 {{{Norm: "1980-02-03", Facets: MakeFacets("year", "1980")}}},
		"several": {
			{{Norm: "maria garcia", Tokens: []string{"maria", "garcia"}, Facets: MakeFacets("phonetic", "MR KRS", "sorted", "garcia maria")},
				{Norm: "m garcia", Tokens: []string{"m", "garcia"}}},
			nil,
			{{Norm: "+573001234567", Tokens: []string{}, Facets: Facets{}}},
			{{Norm: ""}, {Norm: "ß, 東京", Tokens: []string{"ß", "東京"}}},
		},
		"long text":                {{{Norm: strings.Repeat("x", 300), Tokens: []string{strings.Repeat("y", 200)}}}},
		"derived, its facet first": {{{Norm: "caracas", Tokens: []string{"caracas"}, Facets: Facets{{Name: FacetDerived, Value: "address"}}}}},
	}
}

func TestPackValues(t *testing.T) {
	for name, in := range packCases() {
		t.Run(name, func(t *testing.T) {
			p := PackValues(in)
			if got := p.Unpack(nil); !reflect.DeepEqual(got, in) {
				t.Fatalf("Unpack(PackValues(v)) = %#v, want %#v", got, in)
			}
		})
	}
}

// Unpacking into one Unpacked after another gives each record's values
// whole, whether the arrays grow or are reused; facet names are the
// strings FacetName keeps.
func TestUnpackReuses(t *testing.T) {
	var u Unpacked
	for range 2 {
		for name, in := range packCases() {
			got := PackValues(in).Unpack(&u)
			if !reflect.DeepEqual(got, in) {
				t.Fatalf("%s: unpacked into a used Unpacked: %#v, want %#v", name, got, in)
			}
		}
	}
	got := PackValues([][]Value{{{Norm: "a", Facets: MakeFacets("phonetic", "A")}}}).Unpack(&u)
	if name := got[0][0].Facets[0].Name; name != FacetName("phonetic") {
		t.Fatalf("facet name %q", name)
	}
	in := [][]Value{{{Norm: "a", Tokens: []string{"a"}}, {Norm: "b", Tokens: []string{"b"}}}}
	got = PackValues(in).Unpack(&u)
	_ = append(got[0][0].Tokens, "overwrite")
	_ = append(got[0], Value{Norm: "overwrite"})
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("an append to one unpacked slice wrote into the next: %#v", got)
	}
}

func TestUnpackDamaged(t *testing.T) {
	p := PackValues(packCases()["several"])
	for i := range len(p) {
		if got := p[:i].Unpack(nil); got != nil && i > 0 {
			t.Errorf("Unpack of the first %d bytes of %d = %#v, want nil", i, len(p), got)
		}
	}
	for _, bad := range []PackedValues{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "\x01\x02\x05ab", "\x01\x02\x00\x01\x02\x7f\x00"} {
		if got := bad.Unpack(nil); got != nil {
			t.Errorf("Unpack(%q) = %#v, want nil", bad, got)
		}
	}
}

func FuzzUnpack(f *testing.F) {
	for _, in := range packCases() {
		f.Add(string(PackValues(in)))
	}
	f.Fuzz(func(t *testing.T, s string) {
		var u Unpacked
		got := PackedValues(s).Unpack(&u)
		if got == nil {
			return
		}
		// Whatever unpacks packs back to values that unpack the same.
		if again := PackValues(got).Unpack(nil); !reflect.DeepEqual(again, got) {
			t.Fatalf("%q: unpacked %#v, packed again and unpacked %#v", s, got, again)
		}
	})
}

func BenchmarkUnpack(b *testing.B) {
	p := PackValues([][]Value{
		{{Norm: "maria garcia lopez", Tokens: []string{"maria", "garcia", "lopez"}, Facets: MakeFacets("phonetic", "MR KRS LPS", "sorted", "garcia lopez maria")}},
		{{Norm: "1980-02-03", Facets: MakeFacets("year", "1980", "month", "02")}},
		{{Norm: "+573001234567", Facets: MakeFacets("country", "CO")}},
	})
	var u Unpacked
	b.ReportAllocs()
	for b.Loop() {
		p.Unpack(&u)
	}
}
