package live_test

import (
	"context"
	"math"
	"testing"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// LabelledPairs: each decided pair once, by its latest verdict, scored as
// the model scores it now; counted afresh after a decision; a pair one of
// whose records is deleted is gone with its decisions.
func TestLabelledPairs(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	for _, r := range []record.Record{textRecord("a", "ana", "111"), textRecord("b", "ana", "222"), textRecord("c", "cy", "222")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	labelled := func() map[string]live.LabelledPair {
		t.Helper()
		ps, err := l.LabelledPairs(ctx, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]live.LabelledPair{}
		for _, p := range ps {
			out[p.A.ID+p.B.ID] = p
		}
		return out
	}
	if got := labelled(); len(got) != 0 {
		t.Fatalf("before any decision: %v", got)
	}
	for _, d := range []record.Decision{
		{A: key("a"), B: key("b"), Verdict: record.VerdictSame},
		{A: key("b"), B: key("a"), Verdict: record.VerdictDifferent},
		{A: key("b"), B: key("c"), Verdict: record.VerdictUnsure},
	} {
		d.Reviewer = "rev"
		if _, err := l.Decide(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	got := labelled()
	ab, bc := got["ab"], got["bc"]
	if ab.A == (record.Key{}) {
		ab = got["ba"]
	}
	if len(got) != 2 || ab.Verdict != record.VerdictDifferent || bc.Verdict != record.VerdictUnsure {
		t.Fatalf("labelled pairs %+v: want a–b different (the latest verdict), b–c unsure", got)
	}
	wf, err := l.ExplainPair(ctx, key("a"), key("b"), access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ab.Weight-wf.Weight) > 1e-9 {
		t.Errorf("a–b weighs %v, its waterfall %v", ab.Weight, wf.Weight)
	}
	if _, err := l.Delete(ctx, key("c")); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Decide(ctx, record.Decision{A: key("a"), B: key("b"), Verdict: record.VerdictDifferent, Reviewer: "rev"}); err != nil {
		t.Fatal(err)
	}
	if got := labelled(); len(got) != 1 {
		t.Errorf("after c's deletion: %+v, want a–b alone", got)
	}
}
