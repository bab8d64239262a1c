package compare_test

import (
	"testing"

	"github.com/concord-er/concord/compare"
)

// refEdit is the full dynamic programme for Levenshtein (and, with
// transpose, optimal string alignment).
func refEdit(a, b string, transpose bool) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if transpose && i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

var metricSeeds = [][2]string{
	{"martha", "marhta"}, {"dwayne", "duane"}, {"dixon", "dicksonx"}, {"abc", "bca"},
	{"aab", "aba"}, {"19900517", "19900571"}, {"juan carlos garcia", "carlos garcia juan"},
	{"john.smith1970@example.org", "jon.smith1907@example.org"}, {"", "a"},
	{"p0q1r2s3", "0p1q2r3s"}, {"ñandú", "nandu"},
	{"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm", "bacdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"},
}

func checkJaro(t *testing.T, a, b string) {
	if got, rev := compare.Jaro(a, b), compare.Jaro(b, a); got != rev || got < 0 || got > 1 {
		t.Fatalf("Jaro(%q, %q) = %v, reversed %v", a, b, got, rev)
	}
	if got, rev := compare.JaroWinkler(a, b), compare.JaroWinkler(b, a); got != rev {
		t.Fatalf("JaroWinkler(%q, %q) = %v but %v reversed", a, b, got, rev)
	}
}

func checkEdit(t *testing.T, a, b string) {
	lev, dam := refEdit(a, b, false), refEdit(a, b, true)
	if got := compare.Levenshtein(a, b); got != lev {
		t.Fatalf("Levenshtein(%q, %q) = %d, reference %d", a, b, got, lev)
	}
	if got := compare.Damerau(a, b); got != dam {
		t.Fatalf("Damerau(%q, %q) = %d, reference %d", a, b, got, dam)
	}
	for k := 0; k <= 4; k++ {
		if got, want := compare.LevenshteinWithin(a, b, k), min(lev, k+1); got != want {
			t.Fatalf("LevenshteinWithin(%q, %q, %d) = %d, want %d", a, b, k, got, want)
		}
		if got, want := compare.DamerauWithin(a, b, k), min(dam, k+1); got != want {
			t.Fatalf("DamerauWithin(%q, %q, %d) = %d, want %d", a, b, k, got, want)
		}
	}
}

func TestMetricsAgreeWithReference(t *testing.T) {
	words := []string{"", "a", "ab", "ba", "abc", "acb", "martha", "marhta", "catherine", "kathryn",
		"garcia", "gracia", "garcya", "19900517", "19905017", "19900571", "smith", "smyth", "schmidt",
		"aaaaaaaa", "aaaaaaab", "baaaaaaa", "abababab", "babababa"}
	for _, s := range metricSeeds {
		words = append(words, s[0], s[1])
	}
	for _, a := range words {
		for _, b := range words {
			checkJaro(t, a, b)
			checkEdit(t, a, b)
		}
	}
}

func FuzzJaro(f *testing.F) {
	for _, s := range metricSeeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(checkJaro)
}

func FuzzEditDistance(f *testing.F) {
	for _, s := range metricSeeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 200 || len(b) > 200 {
			return // the reference is quadratic in memory
		}
		checkEdit(t, a, b)
	})
}

func FuzzMongeElkan(f *testing.F) {
	f.Add("juan carlos garcia", "garcia juan")
	f.Add("a b c d e f g h i", "i h g")
	f.Fuzz(func(t *testing.T, a, b string) {
		ta, tb := splitTokens(a), splitTokens(b)
		got := compare.MongeElkan(ta, tb)
		if got < 0 || got > 1 {
			t.Fatalf("MongeElkan(%q, %q) = %v, outside [0, 1]", ta, tb, got)
		}
		if rev := compare.MongeElkan(tb, ta); rev != got {
			t.Fatalf("MongeElkan(%q, %q) = %v but %v reversed", ta, tb, got, rev)
		}
		if len(ta) > 0 && len(tb) > 0 {
			if want := refMongeElkan(ta, tb); got != want {
				t.Fatalf("MongeElkan(%q, %q) = %v, reference %v", ta, tb, got, want)
			}
		}
	})
}

func refMongeElkan(a, b []string) float64 {
	dir := func(a, b []string) float64 {
		sum := 0.0
		for _, x := range a {
			best := 0.0
			for _, y := range b {
				best = max(best, compare.JaroWinkler(x, y))
			}
			sum += best
		}
		return sum / float64(len(a))
	}
	return min(dir(a, b), dir(b, a))
}

func splitTokens(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if start >= 0 {
				out = append(out, s[start:i])
			}
			start = -1
		} else if start < 0 {
			start = i
		}
	}
	return out
}
