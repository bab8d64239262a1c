package accuracy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// heteroTarget is the pairwise F1 the heterogeneous set must keep: the
// issue's goal.
const heteroTarget = 0.95

// heteroLargeTarget is the pairwise F1 the large heterogeneous set must
// keep: the held-out set's goal (0.80) with a margin for what it has that
// the generator does not.
const heteroLargeTarget = 0.90

// ukTarget is the UK-style set's floor: a little under what it measures
// (0.825 on 3 December 2026, with the match threshold 0.9; 0.866 since
// organisations' names weigh by their own frequency, 4 December), so that
// a change that costs it fails.
const ukTarget = 0.85

// messySet is the heterogeneous set with values written as many systems
// write them (synth.HeteroOptions.Messy); its pairwise F1 may be at most
// messyCost below the plain set's. Read as written (the code of 3
// December), they cost 0.075, F1 0.9042: a KYC row's "N/A" national id
// read as disagreeing with the customer's number, "C.I. V-12.345.678" as
// a number other than V-12.345.678, a payment's account read as a word of
// its party's name. Without the placeholders found by their number of
// holders ("SEE FILE", 01/01/1970), 0.0020 (before the accounts).
const (
	messySet  = "Heterogeneous, messy values"
	messyCost = 0.002
)

// heteroBreakdown holds the figures of the heterogeneous set that the test
// checks.
type heteroBreakdown struct {
	personOrg int // predicted entities that hold a person and an organisation
	// datedRelatives is the share of relatives (households, juniors) with
	// dated records on both sides where two dated records were merged.
	datedRelatives float64
	// originGap is the largest difference in recall between name
	// origins; distinctiveGap the same over pairs of distinctive names.
	originGap, distinctiveGap float64
}

// largeSummary writes the figures of the large heterogeneous set that
// the seed-1 set's tables give in detail: its recall by name origin
// rests on six times the pairs, so that a gap of a point or two is
// more than one draw's chance.
func largeSummary(b heteroBreakdown) string {
	return fmt.Sprintf("\n## Heterogeneous set, large\n\nThe same figures of the large set (seed 7, 36,000 people), whose recall by name origin rests\n"+
		"on six times the pairs: at 6,000 people the gaps move by several points from one seed to\n"+
		"another (seeds 1 to 4, 3 December 2026: 1.9 to 6.5 points over all pairs, 1.0 to 3.8 over\n"+
		"pairs of distinctive names).\n\n"+
		"Largest recall gap between name origins: %.1f points over all pairs, %.1f over pairs of\n"+
		"distinctive names. Relatives with dates of birth on both sides merged: %.4f.\n"+
		"Predicted entities holding both a person and an organisation: %d.\n",
		100*b.originGap, 100*b.distinctiveGap, b.datedRelatives, b.personOrg)
}

// heteroReport measures, from the generator's metadata: recall of true
// pairs by the variation a record carries and by name origin, the rate of
// hard-negative pairs of entities merged, and entities that mix people and
// organisations. pred gives the predicted entity of every record.
func heteroReport(set *synth.HeteroSet, pred map[record.Key]string) (string, heteroBreakdown) {
	byEntity := map[string][]synth.HeteroRecord{}
	for _, r := range set.Records {
		byEntity[r.Entity] = append(byEntity[r.Entity], r)
	}
	entityOf := func(r synth.HeteroRecord) string { return pred[record.Key{Source: r.Source, ID: r.ID}] }
	type tally struct{ found, total int }
	variation, origin, distinctive := map[string]*tally{}, map[string]*tally{}, map[string]*tally{}
	// A person's record writes a distinctive name when no record of
	// another entity writes the same (as normalised: case, accents, order
	// and "SURNAME/GIVEN" aside). A record that names someone no other
	// record could be is what recall by origin measures the engine on;
	// a name many people share (a payment naming one of three Tatiana
	// Sokolovs) is rightly not linked on a name alone.
	holders := map[string]map[string]bool{}
	nameKey := func(r synth.HeteroRecord) string {
		if r.Kind != synth.KindPerson {
			return ""
		}
		raw := r.Fields["nombre"] + r.Fields["name"]
		if n, ok := r.Nested["name"].(string); ok {
			raw = n
		}
		n, err := normalize.ParseName(raw)
		if err != nil {
			return ""
		}
		return n.Sorted
	}
	for _, r := range set.Records {
		if k := nameKey(r); k != "" {
			if holders[k] == nil {
				holders[k] = map[string]bool{}
			}
			holders[k][r.Entity] = true
		}
	}
	distinct := func(r synth.HeteroRecord) bool { k := nameKey(r); return k != "" && len(holders[k]) == 1 }
	count := func(m map[string]*tally, k string, ok bool) {
		if m[k] == nil {
			m[k] = &tally{}
		}
		m[k].total++
		if ok {
			m[k].found++
		}
	}
	for _, recs := range byEntity {
		for i := range recs {
			for j := i + 1; j < len(recs); j++ {
				a, b := recs[i], recs[j]
				ok := entityOf(a) == entityOf(b)
				var tags []string
				for _, v := range append(slices.Clone(a.Variations), b.Variations...) {
					if !slices.Contains(tags, v) {
						tags = append(tags, v)
					}
				}
				if len(tags) == 0 {
					tags = []string{"none"}
				}
				for _, v := range tags {
					count(variation, v, ok)
				}
				if a.Kind == synth.KindPerson {
					count(origin, a.Origin, ok)
					if distinct(a) && distinct(b) {
						count(distinctive, a.Origin, ok)
					}
				} else {
					count(origin, "organisations", ok)
				}
			}
		}
	}
	// A hard negative counts as merged when any record of one entity is
	// put with any of the other's. Where both entities have records with
	// a date of birth it also counts, apart, whether two such records were
	// merged: a payment without one that names a parent and a junior at
	// one address alike can be told apart by nothing in the data.
	negatives, dated := map[string]*tally{}, map[string]*tally{}
	// undatedSide counts, of the hard negatives merged, those where one
	// entity has no record with a date of birth at all: nothing in the
	// data says it is not the other.
	undatedSide := map[string]int{}
	for _, n := range set.Negatives {
		merged, datedMerged, datedBoth := false, false, [2]bool{}
		for _, a := range byEntity[n.A] {
			datedBoth[0] = datedBoth[0] || a.HasBirthDate()
			for _, b := range byEntity[n.B] {
				datedBoth[1] = datedBoth[1] || b.HasBirthDate()
				same := entityOf(a) == entityOf(b)
				merged = merged || same
				datedMerged = datedMerged || same && a.HasBirthDate() && b.HasBirthDate()
			}
		}
		count(negatives, n.Kind, merged)
		if datedBoth[0] && datedBoth[1] {
			count(dated, n.Kind, datedMerged)
		} else if merged {
			undatedSide[n.Kind]++
		}
	}
	kinds := map[string]map[string]bool{}
	for _, r := range set.Records {
		e := entityOf(r)
		if kinds[e] == nil {
			kinds[e] = map[string]bool{}
		}
		kinds[e][r.Kind] = true
	}
	var bd heteroBreakdown
	if h, j := dated[synth.NegHousehold], dated[synth.NegJunior]; h != nil && j != nil {
		bd.datedRelatives = float64(h.found+j.found) / float64(max(h.total+j.total, 1))
	}
	for _, k := range kinds {
		if len(k) > 1 {
			bd.personOrg++
		}
	}
	var b strings.Builder
	table := func(title, what string, m map[string]*tally) {
		fmt.Fprintf(&b, "\n%s\n\n| %s | pairs | %s |\n|---|---:|---:|\n", title, what, "share")
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "| %s | %d | %.4f |\n", k, m[k].total, float64(m[k].found)/float64(max(m[k].total, 1)))
		}
	}
	b.WriteString("\n## Heterogeneous set, in detail\n\nFrom `synth.GenerateHetero` (seed 1, 6,000 people): what the generator knows of each record.\n")
	table("Recall of true pairs by the variation either record carries (a pair counts under each):", "variation", variation)
	b.WriteString("\nRecall of true pairs by name origin, of all pairs and of the pairs whose two records write distinctive names (no other entity's record writes the same name):\n\n" +
		"| origin | pairs | recall | distinctive pairs | recall |\n|---|---:|---:|---:|---:|\n")
	share := func(t *tally) float64 {
		if t == nil {
			return 0
		}
		return float64(t.found) / float64(max(t.total, 1))
	}
	for _, o := range append(slices.Clone(synth.Origins), "organisations") {
		if t := origin[o]; t != nil {
			fmt.Fprintf(&b, "| %s | %d | %.4f | ", o, t.total, share(t))
			if d := distinctive[o]; d != nil {
				fmt.Fprintf(&b, "%d | %.4f |\n", d.total, share(d))
			} else {
				b.WriteString("| |\n")
			}
		}
	}
	for _, g := range []struct {
		what string
		m    map[string]*tally
	}{{"all pairs", origin}, {"pairs of distinctive names", distinctive}} {
		lo, hi := "", ""
		for _, o := range synth.Origins {
			if g.m[o] == nil {
				continue
			}
			if lo == "" || share(g.m[o]) < share(g.m[lo]) {
				lo = o
			}
			if hi == "" || share(g.m[o]) > share(g.m[hi]) {
				hi = o
			}
		}
		if lo != "" {
			gap := share(g.m[hi]) - share(g.m[lo])
			fmt.Fprintf(&b, "\nLargest recall gap between name origins, %s: %.1f points (%s lowest, %s highest).\n", g.what, 100*gap, lo, hi)
			if g.what == "all pairs" {
				bd.originGap = gap
			} else {
				bd.distinctiveGap = gap
			}
		}
	}
	b.WriteString("\nThe generator draws half of the Russian and Arabic family names, and half of the East Asian\n" +
		"given names, from short lists of the commonest (Russian given names from a list of twelve),\n" +
		"so that many of their records write a name another person writes too: a payment that\n" +
		"names one of three Tatiana Sokolovs, with nothing else to go by, is rightly left for\n" +
		"review, not linked. Over pairs of distinctive names the gap measures how the engine reads\n" +
		"names of each origin (transliterations, name order, dropped surnames and nicknames)\n" +
		"rather than how often the generator repeats them.\n")
	table("False merges: share of hard-negative pairs of entities put in one entity:", "hard negative", negatives)
	table("False merges of records that both carry a date of birth: share of hard-negative pairs of entities, each with such records, where two of them were put in one entity:", "hard negative", dated)
	if j, d := negatives[synth.NegJunior], dated[synth.NegJunior]; j != nil && d != nil && j.found > 0 && d.found == 0 {
		fmt.Fprintf(&b, "\nThe juniors merged all went by records without a date of birth. Of the %d, %d are a parent\n"+
			"and a junior one of whom has no dated record at all (payments alone, or rows without a\n"+
			"date), with the other's name and address: nothing in the data tells that\n"+
			"person from the other, and a record that fits one entity alone is put with it. In the\n"+
			"other %d, each has a dated record, kept apart, and a payment that fits both was put with\n"+
			"the one it agrees with better (the ambiguity rule holds it back only when the two fit\n"+
			"about equally).\n", j.found, undatedSide[synth.NegJunior], j.found-undatedSide[synth.NegJunior])
	}
	fmt.Fprintf(&b, "\nPredicted entities holding both a person and an organisation: %d.\n", bd.personOrg)
	return b.String(), bd
}
