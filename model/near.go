package model

import (
	"slices"

	"github.com/concord-er/concord/compare"
)

// nearSimilarity is the least name similarity of a level whose pairs are
// weighed by the frequency of the names (NearLevels): one letter mistyped
// in a name of two words or more.
const nearSimilarity = 0.9

// NearLevels returns, for a comparison of names with term frequencies,
// which of its levels (1-based, as Scorer's levels count) are near
// levels: a name similarity of nearSimilarity or more after the subset
// level, or a name cut short by a field (compare.MethodTruncated); nil for
// other comparisons. A pair of people's names at a near level is adjusted
// by the frequency of the commoner of its two names (NearNameTF), as
// Splink adjusts fuzzy levels: JAMES KENNETH JAAKSON is as rare as the
// James Kenneth Jackson it is a typo of, and a level's own weight is that
// of the average name near another, which common names make.
func NearLevels(c *compare.Comparison) []bool {
	if !c.Spec.TF || !c.Spec.Kind.IsName() {
		return nil
	}
	var near []bool
	for j, l := range c.Spec.Levels {
		if j == 0 || j < SubsetLevel(c) {
			continue
		}
		if (l.Method == compare.MethodNameSim && l.Threshold >= nearSimilarity) || l.Method == compare.MethodTruncated {
			if near == nil {
				near = make([]bool, c.NumLevels())
			}
			near[j+1] = true
		}
	}
	return near
}

// NearNameTF is the term-frequency adjustment of names at near level l
// (NearLevels), for the scorer and the batch's tables alike: over the
// pairs of values of a and b at level l that are both people's names, the
// largest of the lesser of their exact matches' adjustments (adj): the
// commoner name is the likelier one, the other its typo or its cut. Only
// names that are one name slipped (oneSlip) are adjusted; others keep
// their level's weight (0): Maria and Mario Garcia Lopez are a sister and
// a brother as often as one typo, and what tells a typo of a common name
// from a different rare one is not the commoner's frequency.
// Organisations' names are left at their level's weight too: near names
// are what two companies of one group write. 0 when no pair counts.
func NearNameTF(c *compare.Comparison, l int, a, b []compare.Prepared, adj func(*compare.Prepared) float64) float64 {
	best, found := 0.0, false
	for x := range a {
		for y := range b {
			pa, pb := &a[x], &b[y]
			if OrgName(pa.Value()) || OrgName(pb.Value()) || !oneSlip(pa, pb) {
				continue
			}
			if (len(a) > 1 || len(b) > 1) && c.PairLevel(pa, pb) != l {
				continue
			}
			if t := min(adj(pa), adj(pb)); !found || t > best {
				best, found = t, true
			}
		}
	}
	return best
}

// oneSlip reports whether two people's names are one name written with
// one slip: both of two words or more with the same first given name, and
// one the other cut short by a field (compare.Truncated), or the same
// words but one on each side, a letter apart (one substituted, dropped,
// added, or two swapped) and neither an initial.
func oneSlip(a, b *compare.Prepared) bool {
	ta, tb := a.Tokens(), b.Tokens()
	if len(ta) < 2 || len(tb) < 2 {
		return false
	}
	if g := a.Value().Facet("given"); g == "" || g != b.Value().Facet("given") {
		return false
	}
	if compare.Truncated(ta, tb) {
		return true
	}
	if len(ta) != len(tb) {
		return false
	}
	restB, restA := slices.Clone(tb), []string(nil) // the words of each the other has not
	for _, t := range ta {
		if j := slices.Index(restB, t); j >= 0 {
			restB = slices.Delete(restB, j, j+1)
		} else {
			restA = append(restA, t)
		}
	}
	if len(restA) != 1 || len(restB) != 1 {
		return false
	}
	x, y := restA[0], restB[0]
	return len(x) > 1 && len(y) > 1 && compare.DamerauWithin(x, y, 1) <= 1
}
