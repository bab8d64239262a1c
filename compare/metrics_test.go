package compare_test

import (
	"math"
	"strings"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/record"
)

func TestJaroWinkler(t *testing.T) {
	// Reference values from Winkler (1990) and the usual test pairs.
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.961},
		{"dwayne", "duane", 0.840},
		{"dixon", "dicksonx", 0.813},
		{"jellyfish", "smellyfish", 0.896},
		{"abc", "abc", 1},
		{"", "", 0},
		{"abc", "", 0},
		{"abc", "xyz", 0},
	}
	for _, tt := range tests {
		if got := compare.JaroWinkler(tt.a, tt.b); math.Abs(got-tt.want) > 0.001 {
			t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
		}
		if got, rev := compare.JaroWinkler(tt.a, tt.b), compare.JaroWinkler(tt.b, tt.a); math.Abs(got-rev) > 1e-9 && tt.a != "" {
			// JW is symmetric except for ties in matching; the pairs above have none.
			t.Errorf("JaroWinkler not symmetric for %q, %q: %v vs %v", tt.a, tt.b, got, rev)
		}
	}
}

func TestEditDistances(t *testing.T) {
	tests := []struct {
		a, b         string
		lev, damerau int
	}{
		{"kitten", "sitting", 3, 3},
		{"ca", "ac", 2, 1},
		{"19900517", "19900571", 2, 1},
		{"smith", "smyth", 1, 1},
		{"", "abc", 3, 3},
		{"abc", "abc", 0, 0},
		{"flaw", "lawn", 2, 2},
	}
	for _, tt := range tests {
		if got := compare.Levenshtein(tt.a, tt.b); got != tt.lev {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.lev)
		}
		if got := compare.Damerau(tt.a, tt.b); got != tt.damerau {
			t.Errorf("Damerau(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.damerau)
		}
	}
	long := string(make([]byte, 100))
	if got := compare.Levenshtein(long, long+"x"); got != 1 {
		t.Errorf("Levenshtein on 100-byte strings = %d, want 1", got)
	}
}

func TestTokenMetrics(t *testing.T) {
	if got := compare.Jaccard([]string{"a", "b", "c"}, []string{"b", "c", "d"}); got != 0.5 {
		t.Errorf("Jaccard = %v, want 0.5", got)
	}
	if got := compare.Jaccard([]string{"a", "a"}, []string{"a"}); got != 1 {
		t.Errorf("Jaccard with duplicates = %v, want 1", got)
	}
	// Padded bigrams: ^n ni ig gh ht t$ and ^n na ac ch ht t$ share ^n, ht, t$.
	if got := compare.QGram("night", "nacht"); math.Abs(got-2.0*3/12) > 1e-9 {
		t.Errorf("QGram(night, nacht) = %v, want %v", got, 2.0*3/12)
	}
	if !compare.TokenSubset([]string{"juan", "garcia"}, []string{"juan", "garcia", "lopez"}) {
		t.Error("TokenSubset(juan garcia ⊂ juan garcia lopez) = false")
	}
	if !compare.TokenSubset([]string{"j", "garcia"}, []string{"juan", "garcia", "lopez"}) {
		t.Error("TokenSubset with an initial = false")
	}
	if compare.TokenSubset([]string{"pedro", "garcia"}, []string{"juan", "garcia", "lopez"}) {
		t.Error("TokenSubset(pedro garcia, juan garcia lopez) = true")
	}
	if got := compare.MongeElkan([]string{"john", "smith"}, []string{"smith", "jon"}); got < 0.9 {
		t.Errorf("MongeElkan reordered = %v, want ≥ 0.9", got)
	}
}

func BenchmarkJaroWinkler(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		compare.JaroWinkler("catherine", "kathryn")
	}
}

func BenchmarkDamerau(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		compare.Damerau("19900517", "19900571")
	}
}

func BenchmarkNameLevel(b *testing.B) {
	c := compare.MustCompile(compare.DefaultSpec("n", "name"))
	x := []record.Value{{Norm: "juan carlos garcia lopez", Tokens: []string{"juan", "carlos", "garcia", "lopez"},
		Facets: record.MakeFacets("sorted", "carlos garcia juan lopez", "phonetic", "JN KRLS KRS LPS")}}
	y := []record.Value{{Norm: "pedro alvarez", Tokens: []string{"pedro", "alvarez"},
		Facets: record.MakeFacets("sorted", "alvarez pedro", "phonetic", "PTR ALFRS")}}
	b.ReportAllocs()
	for range b.N {
		c.Level(x, y)
	}
}

// jaroPairs are pairs of the lengths the default comparisons meet: name
// tokens, whole names, e-mail addresses.
var jaroPairs = []struct{ name, a, b string }{
	{"token", "catherine", "kathryn"},
	{"name", "juan carlos garcia lopez", "pedro alvarez"},
	{"email", "juan.garcia1970@example.org", "j.garcia70@example.com"},
}

func BenchmarkJaro(b *testing.B) {
	for _, p := range jaroPairs {
		b.Run(p.name, func(b *testing.B) {
			for range b.N {
				compare.Jaro(p.a, p.b)
			}
		})
	}
}

// TestJaroWinklerBounded: Jaro-Winkler reads at most maxMetricBytes of
// each value, so two huge values compare as their starts do.
func TestJaroWinklerBounded(t *testing.T) {
	a, b := strings.Repeat("ab", 300)+"x", strings.Repeat("ab", 300)+"y"
	if got, want := compare.JaroWinkler(a, b), compare.JaroWinkler(a[:256], b[:256]); got != want || got != 1 {
		t.Errorf("JaroWinkler of two 601-byte values = %v, of their first 256 bytes %v; want both 1", got, want)
	}
}
