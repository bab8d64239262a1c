// Package compare turns pairs of feature values into comparison levels.
//
// A Spec is plain data (JSON in model.json): an ordered list of levels, each
// a method with a threshold. Compile turns it into a Comparison whose Level
// method returns the first level two values satisfy, scanning from the most
// specific (exact) to else. The string metrics here are written for the hot
// loop: no allocation for strings of up to 64 bytes.
package compare

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// JaroWinkler returns the Jaro-Winkler similarity of a and b in [0, 1],
// with the standard prefix scale 0.1 over at most 4 characters. It works
// on bytes: values reaching it are folded to ASCII.
func JaroWinkler(a, b string) float64 { return jaroWinklerFloor(a, b, 0) }

// maxMetricBytes bounds the bytes of a value Jaro-Winkler reads, whose
// cost grows with the square of the length: names are shorter by far, and
// a hostile one cannot stall comparing.
const maxMetricBytes = 256

// jaroWinklerFloor is JaroWinkler for a caller that only tells values of
// at least floor apart: once too few characters are left to match for the
// pair to reach floor, it stops and returns 0.
func jaroWinklerFloor(a, b string, floor float64) float64 {
	a, b = a[:min(len(a), maxMetricBytes)], b[:min(len(b), maxMetricBytes)]
	l := 0
	for l < 4 && l < len(a) && l < len(b) && a[l] == b[l] {
		l++
	}
	need := 0
	if floor > 0 && len(a) > 0 && len(b) > 0 {
		// Jaro-Winkler is at most j + 0.1·l·(1-j), and Jaro with m matches
		// at most (m/la + m/lb + 1)/3: solve both for the fewest matches
		// that could reach floor, a hair low so that rounding never
		// stops a pair that would have reached it.
		jt := (floor - 0.1*float64(l)) / (1 - 0.1*float64(l))
		m := (3*jt - 1) / (1/float64(len(a)) + 1/float64(len(b)))
		need = int(math.Ceil(m - 1e-6))
	}
	j := jaro(a, b, need)
	if j <= 0.7 {
		return j
	}
	return j + float64(l)*0.1*(1-j)
}

// Jaro returns the Jaro similarity of a and b in [0, 1].
//
// Each character of the shorter string matches the first unmatched equal
// character of the longer one within the window, as in the textbook
// definition. For strings of up to 64 bytes the search is bit-parallel:
// one 64-bit mask per character class holds the positions of the longer
// string, so a match is a mask AND and a trailing-zero count rather than a
// scan of the window.
func Jaro(a, b string) float64 { return jaro(a, b, 0) }

// jaro is Jaro, returning 0 as soon as fewer than need characters can
// still match.
func jaro(a, b string, need int) float64 {
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
	// The shorter string, or the smaller of two of a length, leads, so
	// that Jaro(a, b) = Jaro(b, a) even where greedy matching has ties.
	if la > lb || (la == lb && a > b) {
		a, b, la, lb = b, a, lb, la
	}
	if lb > 64 {
		return jaroScan(a, b)
	}
	return jaroBits(a, b, need)
}

// jaroBits is jaro for len(a) ≤ len(b) ≤ 64, both non-empty.
func jaroBits(a, b string, need int) float64 {
	la, lb := len(a), len(b)
	window := max(lb/2-1, 0)
	// Positions of b by the low five bits of their byte: letters fall in
	// distinct classes; a class shared by other bytes is checked below.
	var pos [32]uint64
	for k := 0; k < lb; k++ {
		pos[b[k]&31] |= 1 << k
	}
	var matchedA, matchedB uint64
	matches := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		cand := pos[a[i]&31] & (^uint64(0) >> (64 - hi)) >> lo << lo &^ matchedB
		for cand != 0 {
			k := bits.TrailingZeros64(cand)
			if b[k] == a[i] {
				matchedA |= 1 << i
				matchedB |= 1 << k
				matches++
				break
			}
			cand &= cand - 1
		}
		if matches+la-1-i < need {
			return 0
		}
	}
	if matches == 0 {
		return 0
	}
	trans := 0
	for ma, mb := matchedA, matchedB; ma != 0; ma, mb = ma&(ma-1), mb&(mb-1) {
		if a[bits.TrailingZeros64(ma)] != b[bits.TrailingZeros64(mb)] {
			trans++
		}
	}
	return jaroScore(matches, trans, la, lb)
}

// jaroScore is the Jaro formula; both implementations share it so that
// they round alike.
func jaroScore(matches, trans, la, lb int) float64 {
	m := float64(matches)
	return (m/float64(la) + m/float64(lb) + (m-float64(trans/2))/m) / 3
}

// jaroScan is Jaro by scanning the window, as the textbook does, for
// non-empty strings with len(a) ≤ len(b) of any length.
func jaroScan(a, b string) float64 {
	la, lb := len(a), len(b)
	window := max(lb/2-1, 0)
	ma, mb := make([]bool, la), make([]bool, lb)
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
	return jaroScore(matches, trans, la, lb)
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

// LevenshteinWithin returns Levenshtein(a, b) when it is at most k, and
// k+1 otherwise, at a cost that grows with k rather than with len(b).
func LevenshteinWithin(a, b string, k int) int {
	return editWithin(a, b, k, false)
}

// DamerauWithin returns Damerau(a, b) when it is at most k, and k+1
// otherwise.
func DamerauWithin(a, b string, k int) int {
	return editWithin(a, b, k, true)
}

// within1 is editWithin for k = 1, len(a) ≥ len(b) ≥ len(a)-1 and a ≠ b:
// one edit apart means equal but for one substitution, one deleted byte,
// or (with transpose) two adjacent bytes swapped.
func within1(a, b string, transpose bool) int {
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if len(a) != len(b) { // a deletion at i
		if a[i+1:] == b[i:] {
			return 1
		}
		return 2
	}
	if a[i+1:] == b[i+1:] { // a substitution at i
		return 1
	}
	if transpose && i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] {
		return 1
	}
	return 2
}

// editWithin runs the edit-distance recurrence only on the band of cells
// within k of the diagonal (the others exceed k), capped at k+1, and
// stops at the first row whose band exceeds k.
func editWithin(a, b string, k int, transpose bool) int {
	if k < 0 {
		return 0
	}
	if a == b {
		return 0
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	la, lb := len(a), len(b)
	if la-lb > k {
		return k + 1
	}
	if lb == 0 {
		return la
	}
	if k == 1 {
		return within1(a, b, transpose)
	}
	if 2*k+1 >= lb || lb > 64 {
		return min(editDistance(a, b, transpose), k+1)
	}
	inf := k + 1
	var buf [3 * 65]int
	prev2, prev, cur := buf[:lb+1], buf[65:65+lb+1], buf[130:130+lb+1]
	for j := range prev {
		prev[j] = min(j, inf)
		prev2[j], cur[j] = inf, inf
	}
	for i := 1; i <= la; i++ {
		jlo, jhi := max(1, i-k), min(lb, i+k)
		cur[0] = min(i, inf)
		if jlo > 1 {
			cur[jlo-1] = inf
		}
		best := inf
		for j := jlo; j <= jhi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, inf)
			if transpose && i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if jhi < lb {
			cur[jhi+1] = inf
		}
		if best > k {
			return inf
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
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
// averaged, taking the lower of the two directions. Jaro-Winkler is
// symmetric, so each pair of tokens is compared once for both directions.
func MongeElkan(a, b []string) float64 { return mongeElkanFloor(a, b, 0) }

// mongeElkanFloor is MongeElkan, except that once the result is sure to
// be below floor it stops and returns some value below floor.
func mongeElkanFloor(a, b []string, floor float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > 8 || len(b) > 8 {
		return min(mongeElkan(a, b), mongeElkan(b, a))
	}
	var bestB [8]float64
	sumA := 0.0
	for i, x := range a {
		best := 0.0
		for j, y := range b {
			s := JaroWinkler(x, y)
			best = max(best, s)
			bestB[j] = max(bestB[j], s)
		}
		sumA += best
		// Even if every remaining token matched perfectly, this
		// direction, and so the minimum of both, stays below floor.
		if rest := float64(len(a) - i - 1); (sumA+rest)/float64(len(a)) < floor {
			return (sumA + rest) / float64(len(a))
		}
	}
	sumB := 0.0
	for _, s := range bestB[:len(b)] {
		sumB += s
	}
	return min(sumA/float64(len(a)), sumB/float64(len(b)))
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
// the longer one (exactly, or as an initial of a token that starts with
// it), each token of the longer matched once: Maria Maria is no part of
// Maria Lopez, and of two lists as long, each must match the other's
// (M 0 0 and Maria Mar Ma are no subset either way). Exact matches are
// made first, initials after.
func TokenSubset(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b) > 64 {
		return false // no name has so many words; nothing is bounded past them
	}
	var used, exact uint64 // tokens of b matched; tokens of a matched exactly
	for i, x := range a {
		if k := IndexUnused(b, used, x); k >= 0 {
			used |= 1 << k
			exact |= 1 << i
		} else if !slices.ContainsFunc(b, func(y string) bool { return initialOf(x, y) }) {
			return false // most pairs end here, at their first word the other lacks
		}
	}
	for i, x := range a {
		if exact&(1<<i) != 0 {
			continue
		}
		found := false
		for k, y := range b {
			if used&(1<<k) == 0 && initialOf(x, y) {
				used |= 1 << k
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

// NameParts reports whether two person names, read into parts (the first
// given name, the middle names, the surnames separated by "|", as
// normalize writes them), are one person's name with parts left out of
// one or of each: the same first given name and first surname, a second
// surname equal where both have one, and the middle names of one among
// the other's where both have some. One source drops the middle name,
// another the maternal surname: Adriana Isabel López and Adriana López
// Pérez, neither a subset of the other.
func NameParts(givenA, middleA, surnamesA, givenB, middleB, surnamesB string) bool {
	if givenA == "" || givenA != givenB {
		return false
	}
	firstA, secondA, _ := strings.Cut(surnamesA, "|")
	firstB, secondB, _ := strings.Cut(surnamesB, "|")
	if firstA == "" || firstA != firstB {
		return false
	}
	if secondA != "" && secondB != "" && secondA != secondB {
		return false
	}
	ma, mb := strings.Fields(middleA), strings.Fields(middleB)
	return wordsWithin(ma, mb) || wordsWithin(mb, ma)
}

// wordsWithin reports whether every word of a is a word of b.
func wordsWithin(a, b []string) bool {
	for _, w := range a {
		if !slices.Contains(b, w) {
			return false
		}
	}
	return true
}

// Truncated reports whether the name with fewer characters was cut short
// from the other, as a fixed-length field cuts it: it has at least two
// tokens, and every one of them is a token of the other but one, the cut
// one, which is the start of a token of the other. Tokens may come in any
// order, since a name read as "SURNAME/GIVEN" is reordered and its cut
// token is no longer last ("GARCIA LOPEZ/JOSE MA" against José María
// García López).
//
// Each token of the other is matched once, so that the name cut short has
// fewer characters; two names as long are never one the other cut.
func Truncated(a, b []string) bool {
	la, lb := TokensLen(a), TokensLen(b)
	if la > lb {
		a, b = b, a
	}
	if la == lb || len(a) < 2 || len(b) < len(a) || len(b) > 64 {
		return false
	}
	var used uint64
	cut := -1
	for i, x := range a {
		if k := IndexUnused(b, used, x); k >= 0 {
			used |= 1 << k
			continue
		}
		if cut >= 0 {
			return false
		}
		cut = i
	}
	if cut < 0 {
		return false
	}
	x := a[cut]
	for k, y := range b {
		if used&(1<<k) == 0 && len(y) > len(x) && strings.HasPrefix(y, x) {
			return true
		}
	}
	return false
}

// givenApart reports whether a person's first given name is like no word
// of another name: not equal to one, not an initial of one or one's
// initial, not a nickname of one, and not similar to one (Jaro-Winkler
// below 0.85).
func givenApart(given string, other []string) bool {
	for _, t := range other {
		if t == given || (len(t) == 1 || len(given) == 1) && t[0] == given[0] ||
			JaroWinkler(given, t) >= 0.85 || Nicknames([]string{given}, []string{t}) {
			return false
		}
	}
	return true
}

// Joined reports whether two token lists hold the same words but for some
// written together in one and apart in the other, in any order: "cho ji
// hoon" and "jihoon cho", "maria jose" and "mariajose". Each token of the
// list with fewer must be the concatenation of adjacent tokens of the
// other, every token of the other used once. Lists of equal length are not
// joined (an exact or reordered level takes those).
func Joined(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == len(b) || len(a) == 0 || len(b) > 16 || TokensLen(a) != TokensLen(b) {
		return false
	}
	var used uint16
	var match func(i int) bool
	match = func(i int) bool {
		if i == len(a) {
			return used == 1<<len(b)-1
		}
		for start := range b {
			rest, bits := a[i], used
			for j := start; j < len(b) && bits&(1<<j) == 0 && strings.HasPrefix(rest, b[j]); j++ {
				rest, bits = rest[len(b[j]):], bits|1<<j
				if rest == "" {
					saved := used
					used = bits
					if match(i + 1) {
						return true
					}
					used = saved
					break
				}
			}
		}
		return false
	}
	return match(0)
}

// Contained reports whether the token list with fewer tokens is all in the
// other, as when one source writes the city or a district into its address
// line and another keeps them apart, or a fixed-length field cut the line
// short: it has at least minTokens tokens (and two), and every one of them
// is a token of the other but at most one, which is the start of a longer
// token of the other that no other token is, and not a number (a house
// number cut short is another house). Equal token sets are contained too;
// an exact level before this one takes those.
func Contained(a, b []string, minTokens int) bool { return contained(a, b, minTokens, false) }

// ContainedTypo is Contained with the one token of the shorter list that
// is not in the other a single edit (a typo, two letters swapped) from
// one that is not in the shorter, or cut short: a street's name mistyped
// (5516 S Mapplewood Ave, 5516 S Maplewood). The mistyped token has at
// least five letters and no digit: High and Hugh Street are two streets as
// likely as one.
func ContainedTypo(a, b []string, minTokens int) bool { return contained(a, b, minTokens, true) }

// contained matches each token of the other list once, so that 1 0 0 and
// 1 0 1 are not contained either way round; the mistyped token and the
// one it is a typo of both have five letters or more and no digit.
func contained(a, b []string, minTokens int, typo bool) bool {
	if len(a) > len(b) || len(a) == len(b) && TokensLen(a) > TokensLen(b) {
		a, b = b, a
	}
	if len(a) < max(minTokens, 2) || len(b) > 64 {
		return false
	}
	var used uint64
	odd := false // the one token of a not in b
	for _, x := range a {
		if k := IndexUnused(b, used, x); k >= 0 {
			used |= 1 << k
			continue
		}
		if odd || isDigits(x) {
			return false
		}
		found := false
		for k, y := range b {
			if used&(1<<k) != 0 || slices.Contains(a, y) {
				continue
			}
			if len(y) > len(x) && strings.HasPrefix(y, x) ||
				typo && len(x) >= 5 && len(y) >= 5 && !strings.ContainsAny(x, "0123456789") && !strings.ContainsAny(y, "0123456789") && DamerauWithin(x, y, 1) <= 1 {
				used |= 1 << k
				found = true
				break
			}
		}
		if !found {
			return false
		}
		odd = true
	}
	return true
}

// initialOf reports whether one of two tokens is the other's initial.
func initialOf(x, y string) bool {
	return len(x) == 1 && strings.HasPrefix(y, x) || len(y) == 1 && strings.HasPrefix(x, y)
}

// IndexUnused returns the position of the first token of b equal to x
// that used (a bit a position, the first 64) does not mark, or -1.
func IndexUnused(b []string, used uint64, x string) int {
	for k, y := range b {
		if used&(1<<k) == 0 && y == x {
			return k
		}
	}
	return -1
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// TokensLen returns how many bytes a name's tokens hold, spaces aside:
// which of two names is the shorter (Truncated).
func TokensLen(t []string) int {
	n := 0
	for _, x := range t {
		n += len(x)
	}
	return n
}

// SubsetTypo reports whether every token of the list with fewer is a
// token of the other, each a different one, but for one token a single
// edit (a typo, two letters swapped) away from its match: a misspelt
// name with a part left out ("Beaariz Castillo Núñez", "Beatriz
// Castillo"), which neither the subset level nor the similarity of the
// whole names reaches. The edited token has at least four letters, and
// at least one other token matches exactly.
func SubsetTypo(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 2 || len(b) > 16 {
		return false
	}
	var used uint16
	edited := -1
	for i, x := range a {
		j := slices.Index(b, x)
		for j >= 0 && used&(1<<j) != 0 {
			k := slices.Index(b[j+1:], x)
			if k < 0 {
				j = -1
				break
			}
			j += 1 + k
		}
		if j >= 0 {
			used |= 1 << j
			continue
		}
		if edited >= 0 {
			return false
		}
		edited = i
	}
	if edited < 0 {
		return false
	}
	x := a[edited]
	for j, y := range b {
		if used&(1<<j) == 0 && Typo(x, y) {
			return true
		}
	}
	return false
}

// Typo reports whether one word is a typo of another: both of four
// letters or more, a single edit apart (one substituted, dropped, added,
// or two swapped), not in their ending (endingApart: Mario and Maria are
// two names).
func Typo(x, y string) bool {
	return x != y && len(x) >= 4 && len(y) >= 4 && DamerauWithin(x, y, 1) <= 1 && !endingApart(x, y)
}

// endingApart reports whether two words differ as a man's and a woman's
// form of one name do, not as a typo: in a last vowel (Mario, Maria;
// Giulio, Giulia), by a vowel added at the end (Daniel, Daniela; Louis,
// Louise), or as Spanish -és and -ea (Andrés, Andrea). A consonant
// mistyped, added or dropped at the end is a typo (Alfred, Alfree;
// Frederic, Frederick; Francis, Francia).
func endingApart(x, y string) bool {
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) == 0 {
		return false
	}
	a, b := x[len(x)-1], y[len(y)-1]
	if len(x) == len(y) {
		return x[:len(x)-1] == y[:len(y)-1] && (endVowel(a) && endVowel(b) || a == 's' && b == 'a' || a == 'a' && b == 's')
	}
	return x == y[:len(y)-1] && endVowel(b)
}

// endVowel reports whether c is a vowel a name's gender ending may be
// (y too: Mary, Mara).
func endVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// Acronym reports whether one of two organisations' names is the other's
// acronym: one written short, one word or initials alone (PDVSA, or
// P.D.V.S.A. read as p d v), and the other in full (Petróleos de Venezuela
// S.A.), sharing a word of their facets "acronyms" (normalize.Acronyms:
// what a short name is written as, what a full one may be shortened to).
// ta and tb are the names' tokens, aa and ab their acronyms. Two names
// both short, or both in full, are no acronym of each other: their other
// levels compare them.
func Acronym(ta []string, aa string, tb []string, ab string) bool {
	if aa == "" || ab == "" {
		return false
	}
	sa, sb := shortForm(ta), shortForm(tb)
	if sa == sb {
		return false
	}
	if sb {
		aa, ab = ab, aa
	}
	for w := range strings.FieldsSeq(aa) {
		for o := range strings.FieldsSeq(ab) {
			if o == w {
				return true
			}
		}
	}
	return false
}

// shortForm reports whether a name of tokens toks is written as an
// acronym may be: one word, or initials alone.
func shortForm(toks []string) bool {
	if len(toks) == 1 {
		return true
	}
	for _, t := range toks {
		if len(t) != 1 {
			return false
		}
	}
	return len(toks) > 1
}

// OneWordApart returns the one word of each of two lists of words as
// long as each other that the other has not, each word matched once;
// false when they differ in more or fewer.
func OneWordApart(ta, tb []string) (x, y string, ok bool) {
	if len(ta) != len(tb) || len(ta) > 16 {
		return "", "", false
	}
	var used uint64
	rest := 0
	for _, t := range ta {
		if j := IndexUnused(tb, used, t); j >= 0 {
			used |= 1 << j
			continue
		}
		if rest++; rest > 1 {
			return "", "", false
		}
		x = t
	}
	if rest != 1 {
		return "", "", false
	}
	for j := range tb {
		if used&(1<<j) == 0 {
			y = tb[j]
		}
	}
	return x, y, true
}

// minOrgTypoLetters is the fewest letters of the words of an
// organisation's name that OrgTypo takes one letter of for a slip: in
// shorter ones a letter makes another word (Alfa and Alta, Agro and Argo).
const minOrgTypoLetters = 5

// OrgTypo reports whether two organisations' names, as words, are one
// name with a letter slipped in one word (one substituted, dropped, added,
// or two swapped): of two words or more, the same but one on each side,
// both of minOrgTypoLetters letters or more and neither with a digit
// (Industrial Parverde and Industrilal Parverde; not Fondo 10000 and
// Fondo 10001, two funds). Companies of one group, and companies named
// alike, differ in whole words (Parverde Holdings, Parverde Trading).
func OrgTypo(ta, tb []string) bool {
	if len(ta) < 2 {
		return false
	}
	x, y, ok := OneWordApart(ta, tb)
	return ok && orgTypoWord(x) && orgTypoWord(y) && DamerauWithin(x, y, 1) <= 1
}

// orgTypoWord reports whether w is a word OrgTypo takes a slip in.
func orgTypoWord(w string) bool {
	return utf8.RuneCountInString(w) >= minOrgTypoLetters && !strings.ContainsAny(w, "0123456789")
}

// minNameTypoLetters is the fewest letters of the words of a person's
// name that NameTypo takes a typo in: shorter ones are syllables another
// name is a letter from (Hu Chun-ming, Hu Chun-ping; Joen for John).
const minNameTypoLetters = 5

// NameTypo reports whether two people's names, as words, are one name
// with a typo (Typo: a letter substituted, dropped, added or two swapped,
// not another ending) in one word of minNameTypoLetters letters or more:
// of two words or more, the same but that one on each side (Bsarbara
// Wesera, Barbara Wesera).
func NameTypo(ta, tb []string) bool {
	if len(ta) < 2 {
		return false
	}
	x, y, ok := OneWordApart(ta, tb)
	return ok && len(x) >= minNameTypoLetters && len(y) >= minNameTypoLetters && Typo(x, y)
}
