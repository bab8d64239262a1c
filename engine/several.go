package engine

import (
	"fmt"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/record"
)

// An identifier is exclusive by default: one holder has one value, and
// two records that hold different ones (and agree on no other) are kept
// apart. Some identifiers are not so: a customer file that writes a row
// per account gives one customer several accounts, and a person renews a
// passport under a new number. An identifier comparison is taken to be
// one whose holders hold several values when, of at least minSeveralPairs
// candidate pairs that are one holder by other means and both hold it, at
// least minSeveralDisagreeing of them disagree on it outright. Pairs are
// one holder that agree exactly on another exclusive identifier (the same
// national id or tax number), or on a name and a date of birth known to
// the day. Exclusive values disagree among matches for typos alone, which
// the one-edit level takes; a tenth disagreeing outright is no typo.
const (
	minSeveralPairs       = 20
	minSeveralDisagreeing = 0.1
)

// SeveralHeld is an identifier comparison the data shows one holder to
// hold several values of (see minSeveralPairs): it is weighed as any
// other comparison, and its disagreement keeps no records apart.
type SeveralHeld struct {
	Comparison string `json:"comparison"`
	// Pairs are the candidate pairs that are one holder by other means
	// and both hold the identifier; Disagreeing those of them that
	// disagree on it outright.
	Pairs       int `json:"pairs"`
	Disagreeing int `json:"disagreeing"`
}

// findSeveralHeld returns the exclusive identifier comparisons of the
// candidates (levels lv) whose holders the data shows to hold several
// values, in the order of the comparisons. Records that are copies of
// another (counted false) do not count.
func findSeveralHeld(recs []record.Record, comps []*compare.Comparison, cands []candidate, lv []uint8, counted func(int32) bool) []SeveralHeld {
	nC := len(comps)
	names, days, ids := holderComparisons(comps)
	if len(ids) == 0 {
		return nil
	}
	exactDay := func(r int32, i int) bool {
		f := recs[r].Feature(comps[i].Spec.Feature)
		return f != nil && len(f.Values) == 1 && f.Values[0].Facet("precision") == "day"
	}
	type count struct{ pairs, disagreeing int }
	counts := make([]count, len(ids))
	for k, p := range cands {
		if !counted(p.A) || !counted(p.B) {
			continue
		}
		v := lv[k*nC : (k+1)*nC]
		// byPerson: one by name and day of birth; exact: how many
		// identifiers it agrees on exactly.
		byPerson := false
		for _, n := range names {
			if v[n] != 1 {
				continue
			}
			for _, d := range days {
				byPerson = byPerson || v[d] == 1 && exactDay(p.A, d) && exactDay(p.B, d)
			}
		}
		exact := 0
		for _, i := range ids {
			if v[i] == 1 {
				exact++
			}
		}
		for j, i := range ids {
			if v[i] == 0 || !byPerson && (exact == 0 || exact == 1 && v[i] == 1) {
				continue // not held by both, or one holder by nothing but itself
			}
			counts[j].pairs++
			if int(v[i]) == comps[i].Else() {
				counts[j].disagreeing++
			}
		}
	}
	var out []SeveralHeld
	for j, i := range ids {
		c := counts[j]
		if c.pairs >= minSeveralPairs && float64(c.disagreeing) >= minSeveralDisagreeing*float64(c.pairs) {
			out = append(out, SeveralHeld{Comparison: comps[i].Spec.Name, Pairs: c.pairs, Disagreeing: c.disagreeing})
		}
	}
	return out
}

// severalHeldWarning says what findSeveralHeld found of one comparison,
// for summary.json.
func severalHeldWarning(s SeveralHeld) string {
	return fmt.Sprintf("%s disagrees on %d of the %d pairs of records that are one holder by another identifier, or by name and date of birth: its holders hold several (a row per account, a passport renewed), so it is weighed as evidence, and a different value keeps no records apart; a source whose values are one holder's alone may map it to a feature of its own",
		s.Comparison, s.Disagreeing, s.Pairs)
}
