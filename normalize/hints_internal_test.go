package normalize

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMayHold: mayHold finds a hint wherever it is, of one byte or more,
// whatever the case of the value's ASCII letters, and nothing else; checked
// against a plain search of every hint over random values.
func TestMayHold(t *testing.T) {
	h := hintsOf("(", "c/o", "attn", " and ", "n\u00e9e")
	for _, c := range []struct {
		raw  string
		want bool
	}{
		{"JANE DOE C/O ACME", true}, {"ACME LTD ATTN: J SMITH", true}, {"John (Johnny) Smith", true},
		{"JOHN AND JANE", true}, {"Jane Smith n\u00e9e Brown", true}, {"JOHN SMITH", false}, {"C/", false},
		{"ATT", false}, {"", false}, {"JOHNAND JANE", false},
	} {
		if got := mayHold(c.raw, h); got != c.want {
			t.Errorf("mayHold(%q) = %v, want %v", c.raw, got, c.want)
		}
	}
	words := []string{"c/o", "attn", " and ", "n\u00e9e", "("}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "A", "n", "N", "d", "D", " ", "c", "C", "/", "o", "O", "t", "T", "(", "\u00e9", "x"}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		raw := b.String()
		lower := bytes.Map(func(c rune) rune {
			if c >= 'A' && c <= 'Z' {
				return c + 'a' - 'A'
			}
			return c
		}, []byte(raw))
		want := false
		for _, w := range words {
			want = want || bytes.Contains(lower, []byte(w))
		}
		if got := mayHold(raw, h); got != want {
			t.Fatalf("mayHold(%q) = %v, a search of every hint says %v", raw, got, want)
		}
	}
}
