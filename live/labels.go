package live

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// LabelledPair is a pair of records reviewers decided: its latest
// verdict, and its match weight under the installed model.
type LabelledPair struct {
	A       record.Key     `json:"a"`
	B       record.Key     `json:"b"`
	Verdict record.Verdict `json:"verdict"`
	Weight  float64        `json:"weight"`
}

// maxLabelled bounds the pairs LabelledPairs scores: the latest decided.
const maxLabelled = 20_000

// LabelledPairs returns the pairs reviewers decided both of whose records
// v shows, each with its latest verdict and scored by the installed
// model: what the reviewers' verdicts say of the model's probabilities.
// At most maxLabelled pairs, the latest decided; read again once a
// reviewer of this process decides, or when a minute old (another's).
func (l *Live) LabelledPairs(ctx context.Context, v access.View) ([]LabelledPair, error) {
	all, err := l.labelled.get(ctx, l.now, l.readLabelled)
	if err != nil {
		return nil, err
	}
	out := make([]LabelledPair, 0, len(all))
	for _, p := range all {
		if v.Record(p.A) && v.Record(p.B) {
			out = append(out, p)
		}
	}
	return out, nil
}

// readLabelled reads every decision, keeps each pair's latest, and scores
// the latest maxLabelled pairs.
func (l *Live) readLabelled(ctx context.Context) ([]LabelledPair, error) {
	var out []LabelledPair
	err := l.read(ctx, func(tx store.Tx) error {
		ds, err := tx.Decisions(ctx, record.Key{})
		if err != nil {
			return err
		}
		latest := map[record.Pair]record.Decision{}
		for _, d := range ds {
			p := record.NewPair(d.A, d.B)
			if cur, ok := latest[p]; !ok || !d.Time.Before(cur.Time) {
				latest[p] = d
			}
		}
		pairs := make([]record.Decision, 0, len(latest))
		for _, d := range latest {
			pairs = append(pairs, d)
		}
		slices.SortFunc(pairs, func(x, y record.Decision) int {
			return cmp.Or(y.Time.Compare(x.Time), cmp.Compare(x.A.String(), y.A.String()), cmp.Compare(x.B.String(), y.B.String()))
		})
		for _, d := range pairs[:min(len(pairs), maxLabelled)] {
			recs, err := l.records(ctx, tx, d.A, d.B)
			if errors.Is(err, store.ErrNotFound) {
				continue // deleted meanwhile
			}
			if err != nil {
				return err
			}
			out = append(out, LabelledPair{A: d.A, B: d.B, Verdict: d.Verdict, Weight: l.scorer.Score(&recs[0], &recs[1]).Weight})
		}
		return nil
	})
	return out, err
}
