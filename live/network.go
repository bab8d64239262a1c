package live

import (
	"context"
	"slices"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
	"github.com/concord-er/concord/store"
)

// SharedKinds are the kinds of feature whose values, held by two entities
// that are not one, link them (relate: shares_<feature>): values that
// point at one holder, or one household.
var SharedKinds = []record.Kind{record.KindPhone, record.KindEmail, record.KindIdentifier, record.KindAddress}

// reviewPage is how many pairs in review one read takes.
const reviewPage = 10_000

// Network builds the network of the entities v may see from one snapshot
// of the store: the relationships their records state, the identifying
// values they share, and the pairs in review between them. Only records v
// shows are read into it, and only features v shows unmasked are compared,
// so an edge stated by a hidden record, or a value only a hidden or masked
// field holds, is not in it, and no path crosses one.
func (l *Live) Network(ctx context.Context, v access.View, opt relate.Options) (*relate.Graph, error) {
	b := relate.NewBuilder(opt)
	err := l.read(ctx, func(tx store.Tx) error {
		var bad error
		err := tx.Records(ctx, func(sr store.Record) bool {
			if !v.Record(sr.Key) {
				return true
			}
			rec, err := decodeRecord(sr)
			if err != nil {
				bad = err
				return false
			}
			b.Add(networkRecord(rec, sr.Entity, v))
			return true
		})
		if err != nil {
			return err
		}
		if bad != nil {
			return bad
		}
		var after *record.Review
		for {
			page, err := tx.Reviews(ctx, record.Key{}, after, reviewPage)
			if err != nil {
				return err
			}
			for _, r := range page {
				if v.Record(r.A) && v.Record(r.B) {
					b.Possible(r.A, r.B, model.Probability(r.Weight))
				}
			}
			if len(page) < reviewPage {
				return nil
			}
			after = &page[len(page)-1]
		}
	})
	if err != nil {
		return nil, err
	}
	return b.Build(), nil
}

// networkRecord is what the network needs of a record v shows.
func networkRecord(rec record.Record, e record.EntityID, v access.View) relate.Record {
	out := relate.Record{Key: rec.Key, Entity: e, Kind: rec.Kind, Relations: rec.Relations}
	for _, f := range rec.Features {
		masked := v.Masked(rec.Key.Source, f.Name)
		switch {
		case f.Kind == record.KindName || f.Kind == record.KindOrgName || f.Kind == record.KindParty:
			if out.Name == "" && len(f.Raw) > 0 {
				out.Name = f.Raw[0]
				if masked {
					out.Name = access.Mask
				}
			}
		case masked:
		case slices.Contains(SharedKinds, f.Kind):
			for _, val := range f.Values {
				if val.Norm != "" {
					out.Shared = append(out.Shared, relate.Value{Feature: f.Name, Value: val.Norm})
				}
			}
		}
	}
	return out
}
