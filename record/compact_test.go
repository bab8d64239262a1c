package record

import (
	"reflect"
	"testing"
)

func TestCompactValues(t *testing.T) {
	name := Value{Norm: "maria garcia", Tokens: []string{"maria", "garcia"},
		Facets: MakeFacets("phonetic", "MR KRS", "sorted", "garcia maria")}
	tests := []struct {
		name string
		in   [][]Value
	}{
		{"nil", nil},
		{"no comparisons", [][]Value{}},
		{"comparison without values", [][]Value{nil, {}}},
		{"one value", [][]Value{{{Norm: "1980-02-03", Facets: MakeFacets("year", "1980")}}}},
		{"several", [][]Value{
			{name, {Norm: "m garcia", Tokens: []string{"m", "garcia"}}},
			nil,
			{{Norm: "+573001234567", Tokens: []string{}, Facets: Facets{}}},
			{{Norm: ""}, {Norm: "ß, 東京", Tokens: []string{"ß", "東京"}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CompactValues(tt.in)
			if !reflect.DeepEqual(got, tt.in) {
				t.Fatalf("CompactValues = %#v, want %#v", got, tt.in)
			}
		})
	}
}

// An append to one compacted slice must not write into the next value's.
func TestCompactValuesCapped(t *testing.T) {
	in := [][]Value{
		{{Norm: "a", Tokens: []string{"a"}, Facets: MakeFacets("x", "1")}, {Norm: "b", Tokens: []string{"b"}, Facets: MakeFacets("x", "2")}},
		{{Norm: "c", Tokens: []string{"c"}}},
	}
	got := CompactValues(in)
	_ = append(got[0], Value{Norm: "overwrite"})
	_ = append(got[0][0].Tokens, "overwrite")
	_ = append(got[0][0].Facets, Facet{Name: "x", Value: "overwrite"})
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("after appends the copy is %#v, want %#v", got, in)
	}
}

// The copy shares nothing with its input: changing the input's slices
// leaves it as it was.
func TestCompactValuesCopies(t *testing.T) {
	in := [][]Value{{{Norm: "a", Tokens: []string{"a"}, Facets: MakeFacets("x", "1")}}}
	got := CompactValues(in)
	in[0][0].Tokens[0], in[0][0].Facets[0].Value, in[0][0].Norm = "z", "9", "z"
	want := [][]Value{{{Norm: "a", Tokens: []string{"a"}, Facets: MakeFacets("x", "1")}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("copy changed with its input: %#v", got)
	}
}

func BenchmarkCompactValues(b *testing.B) {
	in := [][]Value{
		{{Norm: "maria garcia lopez", Tokens: []string{"maria", "garcia", "lopez"}, Facets: MakeFacets("phonetic", "MR KRS LPS", "sorted", "garcia lopez maria")}},
		{{Norm: "1980-02-03", Facets: MakeFacets("year", "1980", "month", "02")}},
		{{Norm: "+573001234567", Facets: MakeFacets("country", "CO")}},
	}
	b.ReportAllocs()
	for b.Loop() {
		CompactValues(in)
	}
}
