package live

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/explain"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// Candidate is an entity a query record may be: the member that scored
// best against it, and the explanation of that pair.
type Candidate struct {
	Entity      record.EntityID   `json:"entity"`
	Record      record.Key        `json:"record"`
	Weight      float64           `json:"weight"`
	Probability float64           `json:"probability"`
	Outcome     string            `json:"outcome"`
	Explanation explain.Waterfall `json:"explanation"`
}

// MaxMatches bounds the candidates Match returns.
const MaxMatches = 100

// Match screens a query record — normalised, never stored — against the
// stored records it shares a blocking key with, as the view sees them,
// and returns the entities it may be: those whose best pair reaches the
// review threshold, best first, at most limit (0: 10). The query's source
// picks the prior (a source the model does not know takes the global
// one). It reads the memory copy's blocking index, so it waits for a
// change in progress, then scores and explains outside the lock.
func (l *Live) Match(ctx context.Context, q record.Record, v access.View, limit int) ([]Candidate, error) {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxMatches)
	if l.placeholder != nil {
		// The query's values that are placeholders are left out, as its
		// source's records were resolved without them (a query that names
		// no source: those of any source).
		engine.DropPlaceholders(&q, l.exclusive, l.placeholder)
	}
	type cand struct {
		key    record.Key
		entity record.EntityID
		values [][]record.Value
		packed record.PackedValues // in place of values, from the memory copy
	}
	var cands []cand
	keys := slices.Concat(block.Keys(&q, l.rules, 0)...)
	if l.opt.Shared {
		// No memory copy: the candidates from the store's index.
		err := l.read(ctx, func(tx store.Tx) error {
			f, ok := tx.(store.Finder)
			if !ok {
				return errors.New("match: the store cannot find records by blocking key")
			}
			recs, _, err := f.Holders(ctx, keys, l.opt.MaxBlock+1)
			if err != nil {
				return fmt.Errorf("match: %w", err)
			}
			for _, r := range recs {
				if !v.Record(r.Key) {
					continue
				}
				d, err := l.decoded.get(r, l.decode)
				if err != nil {
					return err
				}
				if q.Kind.Compatible(d.kind) {
					cands = append(cands, cand{key: r.Key, entity: r.Entity, values: d.values})
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		l.lock()
		seen := map[int32]bool{}
		var one [1]int32
		for _, k := range keys {
			held := l.mem.index.held(k, &one)
			held, ok := l.mem.toCompare(held, l.opt.MaxBlock, record.Key{})
			if !ok {
				continue
			}
			for _, s := range held {
				r := &l.mem.recs[s]
				if seen[s] || !v.Record(r.key) || !q.Kind.Compatible(r.kind) {
					continue
				}
				seen[s] = true
				cands = append(cands, cand{key: r.key, entity: r.entity, values: r.values, packed: r.packed})
			}
		}
		l.unlock()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prepared := l.scorer.NewQuery(l.scorer.Values(&q))
	levels := make([]uint8, len(l.scorer.Comps))
	best := map[record.EntityID]Candidate{}
	var unpacked record.Unpacked
	for _, c := range cands {
		w := l.scorer.CompareQuery(q.Key.Source, c.key.Source, prepared, valuesOr(c.values, c.packed, &unpacked), levels, nil)
		out := l.scorer.Decide(w, levels)
		if out == model.NonMatch {
			continue
		}
		if b, ok := best[c.entity]; !ok || w > b.Weight || (w == b.Weight && c.key.Less(b.Record)) {
			best[c.entity] = Candidate{Entity: c.entity, Record: c.key, Weight: w, Probability: model.Probability(w), Outcome: out.String()}
		}
	}
	ranked := make([]Candidate, 0, len(best))
	for _, c := range best {
		ranked = append(ranked, c)
	}
	slices.SortFunc(ranked, func(a, b Candidate) int {
		switch {
		case a.Weight != b.Weight && a.Weight > b.Weight:
			return -1
		case a.Weight != b.Weight:
			return 1
		}
		return a.Record.Compare(b.Record)
	})
	if len(ranked) > limit {
		ranked = ranked[:limit]
	}
	// Explanations read the stored records: one snapshot.
	// A record deleted meanwhile drops out.
	out := ranked[:0]
	err := l.read(ctx, func(tx store.Tx) error {
		for _, c := range ranked {
			recs, err := l.records(ctx, tx, c.Record)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("match: %w", err)
			}
			c.Explanation = l.maskedWaterfall(&q, &recs[0], v, false)
			out = append(out, c)
		}
		return nil
	})
	return out, err
}
