package engine

import (
	"fmt"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// An identifier feature of two sources is taken to hold numbers of
// different kinds for some of the same people (a national id in one, a
// passport in the other, mapped onto one feature) when, of at least
// minMixedPairs pairs of their records that agree exactly on a name and on
// a date of birth known to the day and both hold the identifier, at least
// minMixedDisagreeing of them disagree on it outright: people who are one
// by name and birthday are one person, and one person's one number agrees
// with itself but for typos, which the one-edit level takes.
const (
	minMixedPairs       = 8
	minMixedDisagreeing = 0.2
)

// findMixed finds the identifier comparisons of the candidates (levels lv)
// that disagree between two sources on pairs that are one person by name
// and date of birth (see minMixedPairs), in the order of the comparisons
// and the sources' first records.
func findMixed(recs []record.Record, comps []*compare.Comparison, cands []candidate, lv []uint8) []model.MixedIdentifier {
	nC := len(comps)
	names, days, ids := holderComparisons(comps)
	if len(names) == 0 || len(days) == 0 || len(ids) == 0 {
		return nil
	}
	src, srcNames := sourceIndexes(recs)
	nS := len(srcNames)
	type count struct{ pairs, disagreeing int }
	counts := make([][]count, len(ids)) // id comparison → source pair → count
	for j := range counts {
		counts[j] = make([]count, nS*nS)
	}
	exactDay := func(r int32, i int) bool {
		f := recs[r].Feature(comps[i].Spec.Feature)
		return f != nil && len(f.Values) == 1 && f.Values[0].Facet("precision") == "day"
	}
	for k, p := range cands {
		sa, sb := src[p.A], src[p.B]
		if sa == sb {
			continue
		}
		v := lv[k*nC : (k+1)*nC]
		one := false
		for _, i := range names {
			one = one || v[i] == 1
		}
		if !one {
			continue
		}
		one = false
		for _, i := range days {
			one = one || v[i] == 1 && exactDay(p.A, i) && exactDay(p.B, i)
		}
		if !one {
			continue
		}
		for j, i := range ids {
			if v[i] == 0 {
				continue
			}
			c := &counts[j][int(min(sa, sb))*nS+int(max(sa, sb))]
			c.pairs++
			if int(v[i]) == comps[i].Else() {
				c.disagreeing++
			}
		}
	}
	var out []model.MixedIdentifier
	for j, i := range ids {
		for a := range nS {
			for b := a + 1; b < nS; b++ {
				c := counts[j][a*nS+b]
				if c.pairs >= minMixedPairs && float64(c.disagreeing) >= minMixedDisagreeing*float64(c.pairs) {
					out = append(out, model.MixedIdentifier{A: srcNames[a], B: srcNames[b], Comparison: comps[i].Spec.Name,
						Pairs: c.pairs, Agreeing: c.pairs - c.disagreeing})
				}
			}
		}
	}
	return out
}

// holderComparisons returns the indexes of the comparisons that tell a
// holder: of names, of exclusive dates and of exclusive identifiers.
func holderComparisons(comps []*compare.Comparison) (names, days, ids []int) {
	for i, c := range comps {
		switch {
		case c.Spec.Kind.IsName():
			names = append(names, i)
		case c.Spec.Kind == record.KindDate && c.Spec.Exclusive:
			days = append(days, i)
		case c.Spec.Kind == record.KindIdentifier && c.Spec.Exclusive:
			ids = append(ids, i)
		}
	}
	return names, days, ids
}

// mixedWarnings says what findMixed found, for summary.json.
func mixedWarnings(mixed []model.MixedIdentifier) []string {
	var out []string
	for _, x := range mixed {
		out = append(out, fmt.Sprintf("%s of sources %s and %s disagrees on %d of the %d pairs of their records that are one person by name and date of birth: they hold numbers of different kinds under it (a national id, a passport), so a disagreement between them is read as a missing value, not a different person; map each kind of number to a feature of its own",
			x.Comparison, x.A, x.B, x.Pairs-x.Agreeing, x.Pairs))
	}
	return out
}

// setMixed makes the value table read the disagreements of comparisons
// model.Mixed names as missing (the null level), and sets that level in
// lv, the levels of cands, when given.
func (t *valueTable) setMixed(mixed []model.MixedIdentifier, cands []candidate, lv []uint8) {
	if len(mixed) == 0 {
		return
	}
	nS, nC := len(t.srcNames), len(t.comps)
	at := map[string]int{}
	for i, n := range t.srcNames {
		at[n] = i
	}
	t.mixed = make([][]bool, nC)
	for _, x := range mixed {
		a, okA := at[x.A]
		b, okB := at[x.B]
		for i, c := range t.comps {
			if !okA || !okB || c.Spec.Name != x.Comparison {
				continue
			}
			if t.mixed[i] == nil {
				t.mixed[i] = make([]bool, nS*nS)
			}
			t.mixed[i][a*nS+b], t.mixed[i][b*nS+a] = true, true
		}
	}
	for k, p := range cands {
		for i := range t.mixed {
			lv[k*nC+i] = uint8(t.unmixed(i, p.A, p.B, int(lv[k*nC+i])))
		}
	}
}

// unmixed returns level l of comparison i for records a and b, or the
// null level when it is a disagreement setMixed reads as missing.
func (t *valueTable) unmixed(i int, a, b int32, l int) int {
	if t.mixed != nil && t.mixed[i] != nil && l == t.comps[i].Else() && t.mixed[i][int(t.src[a])*len(t.srcNames)+int(t.src[b])] {
		return 0
	}
	return l
}
