package engine

import (
	"math"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/model"
)

// Two organisations' names that agree exactly and both write a legal form
// are weighed by whether the forms agree (model.Comparison.MFormsAgree):
// Andina Caballero Pacific C.A. and Andina Caballero Pacific S.R.L. are two
// companies of one name, and a payment to ANDINA CABALLERO PACIFIC C.A. is
// the first's, not a choice between them for a person to make.
const (
	// minFormsNames is the fewest organisations' names written with a
	// legal form that formsAgreeU estimates from.
	minFormsNames = 50
	// minFormsDisagree bounds from below the share of matches whose
	// forms disagree (1 − MFormsAgree): a company changes its form (an AG
	// becomes an SE, an OAO a PAO) and a source goes on writing the old
	// one, which data of a few years may not show.
	minFormsDisagree = 0.05
)

// formsAgreeU returns the share of pairs of organisations' names of
// comparison i, drawn at random among those that write a legal form, whose
// forms agree (compare.LegalFormsAgree): u of forms that agree; and for
// each form, the share of those names whose form agrees with it. It
// returns 0 and nil when fewer than minFormsNames write one, or when every
// pair agrees (one form for all: it tells nothing). The table has marked
// its organisations' names (orgNameKeys). It counts once per comparison:
// refineM asks again in each round.
func (t *valueTable) formsAgreeU(i int) (float64, map[string]float64) {
	if t.formsU == nil {
		t.formsU = make([]*formsShares, len(t.comps))
	}
	if t.formsU[i] == nil {
		u, of := t.countFormsAgree(i)
		t.formsU[i] = &formsShares{u: u, of: of}
	}
	return t.formsU[i].u, t.formsU[i].of
}

// formsShares is what formsAgreeU returns.
type formsShares struct {
	u  float64
	of map[string]float64
}

// countFormsAgree is formsAgreeU, counted.
func (t *valueTable) countFormsAgree(i int) (float64, map[string]float64) {
	counts := map[string]int{}
	n := 0
	for x := range t.cols[i].vals {
		if t.orgVals[i][x/64]&(1<<(x%64)) == 0 {
			continue
		}
		if f := t.cols[i].vals[x].Value().Facet("legal_form"); f != "" {
			counts[f]++
			n++
		}
	}
	if n < minFormsNames {
		return 0, nil
	}
	of := make(map[string]float64, len(counts))
	agree := 0.0
	for f, cf := range counts {
		with := 0
		for g, cg := range counts {
			if compare.LegalFormsAgree(f, g) {
				with += cg
			}
		}
		of[f] = float64(with) / float64(n)
		agree += float64(cf) * of[f]
	}
	u := agree / float64(n)
	if u >= 1 {
		return 0, nil
	}
	return u, of
}

// formsAgreeM returns m of forms that agree (model.Comparison.MFormsAgree)
// from the expected matches whose forms agree and disagree, smoothed as
// refineM smooths m and bounded by minFormsDisagree, or 0 when fewer than
// minRefineMatches write forms on both sides, or when matches agree on
// their forms no more often than random pairs do (u): then forms tell
// nothing.
func formsAgreeM(agree, disagree, u float64) float64 {
	total := agree + disagree
	if total < minRefineMatches || u <= 0 {
		return 0
	}
	m := min((agree+refineSmoothing)/(total+2*refineSmoothing), 1-minFormsDisagree)
	if m <= u {
		return 0
	}
	return m
}

// setFormsAgree sets m and u of the legal forms of comparison c
// (formsAgreeM; of: each form's u, formsAgreeU) and returns how far m
// moved, in bits: set for the first time, by the most forms that agree or
// disagree then weigh.
func setFormsAgree(c *model.Comparison, agree, disagree, u float64, of map[string]float64) float64 {
	m := formsAgreeM(agree, disagree, u)
	moved := 0.0
	switch {
	case m > 0 && c.MFormsAgree > 0:
		moved = math.Abs(math.Log2(m / c.MFormsAgree))
	case m > 0:
		moved = max(math.Abs(math.Log2(m/u)), math.Abs(math.Log2((1-m)/(1-u))))
	}
	c.MFormsAgree, c.UFormsAgree, c.UFormsAgreeOf = m, u, of
	if m == 0 {
		c.UFormsAgree, c.UFormsAgreeOf = 0, nil
	}
	return moved
}
