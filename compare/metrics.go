// Package compare turns pairs of feature values into comparison levels.
//
// A Spec is plain data (JSON in model.json): an ordered list of levels, each
// a method with a threshold. Compile turns it into a Comparison whose Level
// method returns the first level two values satisfy, scanning from the most
// specific (exact) to else. The string metrics here are written for the hot
// loop: no allocation for strings of up to 64 bytes.
package compare

import "strings"

// JaroWinkler returns the Jaro-Winkler similarity of a and b in [0, 1],
// with the standard prefix scale 0.1 over at most 4 characters. It works
// on bytes: values reaching it are folded to ASCII.
func JaroWinkler(a, b string) float64 {
	j := Jaro(a, b)
	if j <= 0.7 {
		return j
	}
	l := 0
	for l < 4 && l < len(a) && l < len(b) && a[l] == b[l] {
		l++
	}
	return j + float64(l)*0.1*(1-j)
}

// Jaro returns the Jaro similarity of a and b in [0, 1].
func Jaro(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	if la > lb {
		a, b, la, lb = b, a, lb, la
	}
	window := lb/2 - 1
	if window < 0 {
		window = 0
	}
	var bufA, bufB [64]bool
	var ma, mb []bool
	if lb <= 64 {
		ma, mb = bufA[:la], bufB[:lb]
	} else {
		ma, mb = make([]bool, la), make([]bool, lb)
	}
	matches := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		for k := lo; k < hi; k++ {
			if !mb[k] && a[i] == b[k] {
				ma[i], mb[k] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	trans, k := 0, 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			trans++
		}
		k++
	}
	m := float64(matches)
	return (m/float64(la) + m/float64(lb) + (m-float64(trans/2))/m) / 3
}

// Levenshtein returns the edit distance between a and b (insertions,
// deletions, substitutions), over bytes.
func Levenshtein(a, b string) int {
	return editDistance(a, b, false)
}

// Damerau returns the optimal-string-alignment distance: Levenshtein plus
// transpositions of adjacent characters counted as one edit.
func Damerau(a, b string) int {
	return editDistance(a, b, true)
}

func editDistance(a, b string, transpose bool) int {
	if a == b {
		return 0
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return len(a)
	}
	n := len(b) + 1
	var buf [3 * 65]int
	var prev2, prev, cur []int
	if n <= 65 {
		prev2, prev, cur = buf[:n], buf[65:65+n], buf[130:130+n]
	} else {
		prev2, prev, cur = make([]int, n), make([]int, n), make([]int, n)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j < n; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if transpose && i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[n-1]
}

// Jaccard returns |A∩B| / |A∪B| of two token lists taken as sets.
func Jaccard(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for i, x := range a {
		if indexOf(a[:i], x) >= 0 {
			continue // duplicate in a
		}
		if indexOf(b, x) >= 0 {
			inter++
		}
	}
	union := distinct(a) + distinct(b) - inter
	return float64(inter) / float64(union)
}

func distinct(s []string) int {
	n := 0
	for i, x := range s {
		if indexOf(s[:i], x) < 0 {
			n++
		}
	}
	return n
}

func indexOf(s []string, x string) int {
	for i, y := range s {
		if y == x {
			return i
		}
	}
	return -1
}

// QGram returns the Dice coefficient of the character bigrams of a and b,
// padded so that first and last letters count: 2|A∩B| / (|A|+|B|).
func QGram(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	ga, gb := bigrams(a), bigrams(b)
	used := make([]bool, len(gb))
	inter := 0
	for _, g := range ga {
		for k, h := range gb {
			if !used[k] && g == h {
				used[k] = true
				inter++
				break
			}
		}
	}
	return 2 * float64(inter) / float64(len(ga)+len(gb))
}

func bigrams(s string) []uint16 {
	out := make([]uint16, 0, len(s)+1)
	prev := byte('^')
	for i := 0; i < len(s); i++ {
		out = append(out, uint16(prev)<<8|uint16(s[i]))
		prev = s[i]
	}
	return append(out, uint16(prev)<<8|'$')
}

// MongeElkan returns the symmetric Monge-Elkan similarity of two token
// lists: for each token, the best Jaro-Winkler against the other list,
// averaged, taking the lower of the two directions.
func MongeElkan(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return min(mongeElkan(a, b), mongeElkan(b, a))
}

func mongeElkan(a, b []string) float64 {
	sum := 0.0
	for _, x := range a {
		best := 0.0
		for _, y := range b {
			best = max(best, JaroWinkler(x, y))
		}
		sum += best
	}
	return sum / float64(len(a))
}

// TokenSubset reports whether every token of the shorter list appears in
// the longer one (exactly, or as an initial of a token that starts with it).
func TokenSubset(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y || (len(x) == 1 && strings.HasPrefix(y, x)) || (len(y) == 1 && strings.HasPrefix(x, y)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
