package server

import (
	"math"
	"reflect"
	"testing"

	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// TestVerdictBands: each decided pair counts in the band of the model's
// probabilities its weight falls in, bounded by the fixed edges and the
// thresholds (a band's lower bound in it, 1 in the last); empty bands are
// left out; the share judged the same leaves the unsure out.
func TestVerdictBands(t *testing.T) {
	at := func(p float64, v record.Verdict) live.LabelledPair {
		return live.LabelledPair{Weight: math.Log2(p / (1 - p)), Verdict: v}
	}
	pairs := []live.LabelledPair{
		at(0.3, record.VerdictDifferent),
		at(0.75, record.VerdictSame), at(0.75, record.VerdictDifferent), at(0.72, record.VerdictDifferent), at(0.71, record.VerdictDifferent), at(0.78, record.VerdictUnsure),
		at(0.85, record.VerdictUnsure),
		{Weight: math.Inf(1), Verdict: record.VerdictSame},
	}
	got := verdictBands(pairs, 0.65, 0.9)
	want := []verdictBand{
		{From: 0, To: 0.5, Different: 1},
		{From: 0.7, To: 0.8, Same: 1, Different: 3, Unsure: 1, Review: true},
		{From: 0.8, To: 0.9, Unsure: 1, Review: true},
		{From: 0.99, To: 1, Same: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bands\n%+v\nwant\n%+v", got, want)
	}
	for i, share := range []string{"0%", "25%", "—", "100%"} {
		if i < len(got) && got[i].SameShare() != share {
			t.Errorf("band %v: share %s, want %s", got[i], got[i].SameShare(), share)
		}
	}
	if b := verdictBands(nil, 0.6, 0.9); len(b) != 0 {
		t.Errorf("no pairs: bands %v", b)
	}
}
