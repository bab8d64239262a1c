package model

import (
	"math"
	"slices"
	"strings"
)

// Patterns counts comparison vectors: the key is the vector's levels as
// bytes. EM and u estimation work on these counts, never on single pairs.
type Patterns map[string]int64

// Counter counts comparison vectors into Patterns. It makes a key only
// for a vector it has not counted yet, where incrementing a Patterns'
// count by string(levels) makes a new string for every vector: training's
// sessions and sample of u count millions of pairs of a few thousand
// distinct vectors.
type Counter map[string]*int64

// Add counts one vector.
func (c Counter) Add(levels []uint8) {
	if n, ok := c[string(levels)]; ok {
		*n++
		return
	}
	n := int64(1)
	c[string(levels)] = &n
}

// Patterns returns the counts.
func (c Counter) Patterns() Patterns {
	p := make(Patterns, len(c))
	for k, n := range c {
		p[k] = *n
	}
	return p
}

// Total returns the number of pairs counted.
func (p Patterns) Total() int64 {
	var n int64
	for _, c := range p {
		n += c
	}
	return n
}

// smoothing is the pseudo-count added to every level when estimating
// probabilities, so that no level has probability zero.
const smoothing = 0.5

// EstimateU returns u probabilities from the patterns of random pairs: for
// each comparison, the share of non-null pairs at each level. numLevels
// gives each comparison's level count, null included.
func EstimateU(p Patterns, numLevels []int) [][]float64 {
	counts := make([][]float64, len(numLevels))
	for i, n := range numLevels {
		counts[i] = make([]float64, n)
	}
	for key, n := range p {
		for i := range numLevels {
			counts[i][key[i]] += float64(n)
		}
	}
	u := make([][]float64, len(numLevels))
	for i, c := range counts {
		u[i] = normalise(c[1:], smoothing)
	}
	return u
}

// EMResult is the outcome of one EM run.
type EMResult struct {
	M          [][]float64 // per comparison, per level (null excluded); nil for inactive ones
	Lambda     float64     // share of the pairs that match
	Iterations int
	Converged  bool
	// Step is the most a parameter (λ or an m) moved in the last
	// iteration: under the tolerance when Converged.
	Step float64
}

// EM estimates m (for the active comparisons) and the match share λ of a
// set of pairs by expectation–maximisation over their pattern counts, with
// u fixed. m0 gives the starting m for every comparison (null excluded).
func EM(p Patterns, m0, u [][]float64, active []bool, lambda0 float64, maxIter int) EMResult {
	type pat struct {
		levels string
		n      float64
	}
	// Sorted, so that sums run in one order and results are reproducible
	// to the last bit.
	pats := make([]pat, 0, len(p))
	for k, n := range p {
		pats = append(pats, pat{k, float64(n)})
	}
	slices.SortFunc(pats, func(a, b pat) int { return strings.Compare(a.levels, b.levels) })
	m := make([][]float64, len(m0))
	for i := range m0 {
		m[i] = append([]float64(nil), m0[i]...)
	}
	lambda := lambda0
	res := EMResult{}
	for it := 1; it <= maxIter; it++ {
		mc := make([][]float64, len(m))
		for i := range m {
			mc[i] = make([]float64, len(m[i]))
		}
		var sumW, sumN float64
		for _, pt := range pats {
			pm, pu := lambda, 1-lambda
			for i := range m {
				l := pt.levels[i]
				if !active[i] || l == 0 {
					continue
				}
				pm *= m[i][l-1]
				pu *= u[i][l-1]
			}
			w := 0.0
			if pm+pu > 0 {
				w = pm / (pm + pu)
			}
			sumW += w * pt.n
			sumN += pt.n
			for i := range m {
				if l := pt.levels[i]; active[i] && l != 0 {
					mc[i][l-1] += w * pt.n
				}
			}
		}
		newLambda := sumW / sumN
		delta := math.Abs(newLambda - lambda)
		for i := range m {
			if !active[i] {
				continue
			}
			nm := normalise(mc[i], smoothing*1e-3)
			for j := range nm {
				delta = max(delta, math.Abs(nm[j]-m[i][j]))
			}
			m[i] = nm
		}
		lambda = min(max(newLambda, 1e-9), 1-1e-9)
		res.Iterations, res.Step = it, delta
		if delta < 1e-6 {
			res.Converged = true
			break
		}
	}
	res.Lambda = lambda
	res.M = make([][]float64, len(m))
	for i := range m {
		if active[i] {
			res.M[i] = m[i]
		}
	}
	return res
}

// StartM returns a starting m for a comparison with n levels (null
// excluded): most mass on the first level, decreasing after it.
func StartM(n int) []float64 {
	m := make([]float64, n)
	m[0] = 0.8
	rest := 0.2
	for j := 1; j < n; j++ {
		share := rest / 2
		if j == n-1 {
			share = rest
		}
		m[j] = share
		rest -= share
	}
	return m
}

func normalise(c []float64, pseudo float64) []float64 {
	var total float64
	for _, x := range c {
		total += x + pseudo
	}
	out := make([]float64, len(c))
	for j, x := range c {
		if total > 0 {
			out[j] = (x + pseudo) / total
		} else {
			out[j] = 1 / float64(len(c))
		}
	}
	return out
}

// RemoveMatches returns u without the matches that random pairs hold: a
// share lambda of random pairs are matches, and they fall into the levels
// as matches do (m), so the levels' shares among non-matches are
// (u − λm)/(1 − λ). On small data with many duplicates, random pairs
// agree on a name or a date of birth as often because they are the same
// person as by chance; left in, those matches make agreement look
// commoner than it is. A level's share is kept at floor or more (the
// smoothing of a level seen in no random pair), and the shares sum to 1.
func RemoveMatches(u, m []float64, lambda, floor float64) []float64 {
	out := make([]float64, len(u))
	var total float64
	for j := range u {
		out[j] = max(u[j]-lambda*m[j], floor)
		total += out[j]
	}
	for j := range out {
		out[j] /= total
	}
	return out
}

// Monotone returns m adjusted so that a level's weight, log2(m/u), is
// never above the weight of the level before it: levels run from the
// closest agreement to the farthest, and a closer one must not count for
// less (one edit of an identifier outweighing the identifier itself is EM
// fitting noise in a sparse level). Adjacent levels that break the order
// are pooled, as isotonic regression of the likelihood ratio does: each
// takes the pooled ratio Σm/Σu times its own u, so that m still sums to 1
// and a sparse level moves, not a well-estimated one.
func Monotone(m, u []float64) []float64 {
	type block struct {
		lo, hi int
		m, u   float64
	}
	var blocks []block
	for j := range m {
		blocks = append(blocks, block{j, j + 1, m[j], u[j]})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.m*b.u >= b.m*a.u { // ratio(a) ≥ ratio(b): in order
				break
			}
			blocks = append(blocks[:len(blocks)-2], block{a.lo, b.hi, a.m + b.m, a.u + b.u})
		}
	}
	out := make([]float64, len(m))
	for _, b := range blocks {
		for j := b.lo; j < b.hi; j++ {
			out[j] = b.m * u[j] / b.u
		}
	}
	return out
}

// CapLast returns m with its last level (else) at most max, the mass
// taken off spread over the other levels in proportion: for exclusive
// comparisons (date of birth, national id), among true matches a value
// that differs outright is a mistake, a few in a hundred, and EM, fitting
// households and namesakes as matches, would otherwise learn far more.
func CapLast(m []float64, max float64) []float64 {
	return setLast(m, max, func(last float64) bool { return last <= max })
}

// FloorLast raises the last (else) level's m to at least min, scaling the
// other levels down to keep the sum: a feature matches may disagree on
// however rarely one dataset shows it (people move, change phones).
func FloorLast(m []float64, min float64) []float64 {
	return setLast(m, min, func(last float64) bool { return last >= min })
}

// setLast sets the last level's m to to, scaling the others to keep the
// sum, unless keep says the last is fine as it is.
func setLast(m []float64, to float64, keep func(last float64) bool) []float64 {
	out := append([]float64(nil), m...)
	last := len(out) - 1
	if last < 1 || keep(out[last]) || out[last] >= 1 {
		return out
	}
	scale := (1 - to) / (1 - out[last])
	for j := range out[:last] {
		out[j] *= scale
	}
	out[last] = to
	return out
}
