package live

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"

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
	g, _, err := ReadNetwork(ctx, l.st, v, opt)
	return g, err
}

// ReadNetwork builds the network v sees (Live.Network) from one snapshot
// of st, without a Live (the command line's concord network), and gives
// the audit sequence it is as of.
func ReadNetwork(ctx context.Context, st store.Store, v access.View, opt relate.Options) (*relate.Graph, int64, error) {
	g, in, err := readNetwork(ctx, st, v, opt)
	return g, in.seq, err
}

// networkInputs are what a network is built from: the records a view
// sees, as relate needs them, as of an audit sequence.
type networkInputs struct {
	recs map[record.Key]relate.Record
	seq  int64
}

// readNetwork reads every record v sees and builds the network.
func readNetwork(ctx context.Context, st store.Store, v access.View, opt relate.Options) (*relate.Graph, networkInputs, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, networkInputs{}, err
	}
	defer tx.Rollback()
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return nil, networkInputs{}, err
	}
	in := networkInputs{recs: map[record.Key]relate.Record{}, seq: head.Seq}
	err = eachDecoded(ctx, tx, func(sr store.Record) bool { return !v.Record(sr.Key) },
		func(sr store.Record, rec record.Record) relate.Record { return networkRecord(rec, sr.Entity, v) },
		func(_ store.Record, r relate.Record) { in.recs[r.Key] = r })
	if err != nil {
		return nil, networkInputs{}, err
	}
	g, err := buildNetwork(ctx, tx, v, in.recs, opt)
	return g, in, err
}

// refreshNetwork brings in up to the store's head by reading again only
// the records the change log names since in.seq, and builds the network
// from them — or, when nothing committed since or none of them is one v
// sees, builds nothing (nil):
// the audit head moves with every read noted in the access log, and the
// network stays as it was. It reports false, having changed nothing, when
// the log does not reach back that far.
func refreshNetwork(ctx context.Context, st store.Store, v access.View, in *networkInputs, opt relate.Options) (*relate.Graph, bool, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return nil, false, err
	}
	if head.Seq == in.seq {
		return nil, true, nil // nothing committed since
	}
	keys, complete, err := tx.ChangedSince(ctx, in.seq, head.Seq)
	if err != nil || !complete {
		return nil, false, err
	}
	keys = slices.DeleteFunc(keys, func(k record.Key) bool { return !v.Record(k) })
	if len(keys) == 0 {
		in.seq = head.Seq
		return nil, true, nil
	}
	for _, k := range keys {
		sr, err := tx.Record(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			delete(in.recs, k)
			continue
		}
		if err != nil {
			return nil, false, err
		}
		rec, err := decodeRecord(sr)
		if err != nil {
			return nil, false, err
		}
		in.recs[k] = networkRecord(rec, sr.Entity, v)
	}
	in.seq = head.Seq
	g, err := buildNetwork(ctx, tx, v, in.recs, opt)
	return g, true, err
}

// buildNetwork builds the network of recs, in key order (the same network
// whichever way they were read), with the pairs in review tx holds.
func buildNetwork(ctx context.Context, tx store.Tx, v access.View, recs map[record.Key]relate.Record, opt relate.Options) (*relate.Graph, error) {
	b := relate.NewBuilder(opt)
	for _, k := range slices.SortedFunc(maps.Keys(recs), record.Key.Compare) {
		b.Add(recs[k])
	}
	var after *record.Review
	for {
		page, err := tx.Reviews(ctx, record.Key{}, after, reviewPage)
		if err != nil {
			return nil, err
		}
		for _, r := range page {
			if v.Record(r.A) && v.Record(r.B) {
				b.Possible(r.A, r.B, model.Probability(r.Weight))
			}
		}
		if len(page) < reviewPage {
			return b.Build(), nil
		}
		after = &page[len(page)-1]
	}
}

// DefaultNetworkRecheck is how often a served network checks the store
// for changes (Options.NetworkRecheck).
const DefaultNetworkRecheck = 2 * time.Second

// maxNetworks bounds the networks kept at once, one per distinct view
// (readers of one clearance, with or without a stated purpose, share
// one); the one read longest ago goes first. A network of a million
// entities and five million relationships holds about 2.3 GiB.
const maxNetworks = 8

// networkBuild bounds building a network in the background.
const networkBuild = 10 * time.Minute

// networkCache keeps the network of each view, for serving: building one
// reads every record the view shows, so it is built once and reused.
type networkCache struct {
	mu     sync.Mutex
	byView map[string]*networkEntry
}

type networkEntry struct {
	mu       sync.Mutex
	g        *relate.Graph
	seq      int64     // the audit sequence it was built at
	checked  time.Time // when the store was last found at seq
	read     time.Time // when it was last asked for (guarded by networkCache.mu)
	building bool      // a rebuild runs
	// first is closed when the first build ends; firstErr is its error
	// (and first is then forgotten, so the next call tries again).
	first    chan struct{}
	firstErr error
	// inputs are what g was built from, read again in part for the next
	// build (refreshNetwork); only the build under way touches them.
	inputs networkInputs
}

// NetworkOf returns the network v sees (Network), kept between calls: the
// first call builds it; later calls get it at once, and, once it is
// Options.NetworkRecheck old, one of them checks the store and builds it
// again in the background if a change has committed since. A change is
// thus in the network a few seconds after it commits, with the time of a
// build added. seq is the audit sequence the network is as of. The first
// build runs on its own: a caller that stops waiting (ctx done) leaves it
// running for the next.
func (l *Live) NetworkOf(ctx context.Context, v access.View) (g *relate.Graph, seq int64, err error) {
	e := l.networks.entry(v.Key(), l.now())
	e.mu.Lock()
	if e.g == nil {
		first := l.buildFirst(ctx, e, v)
		e.mu.Unlock()
		select {
		case <-first:
		case <-ctx.Done():
		}
		// A caller gone is told so even when the build ended as it
		// left: select picks either of two ready cases.
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		e.mu.Lock()
		if e.g == nil {
			err := e.firstErr
			e.mu.Unlock()
			return nil, 0, err
		}
	}
	defer e.mu.Unlock()
	l.recheck(ctx, e, v)
	return e.g, e.seq, nil
}

// NetworkIfBuilt is NetworkOf without waiting: it returns the network v
// sees when one is built (ok), and otherwise starts building it in the
// background and returns at once — for a page that must not wait a minute
// for the network of a million entities.
func (l *Live) NetworkIfBuilt(ctx context.Context, v access.View) (g *relate.Graph, seq int64, ok bool) {
	e := l.networks.entry(v.Key(), l.now())
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.g == nil {
		l.buildFirst(ctx, e, v)
		return nil, 0, false
	}
	l.recheck(ctx, e, v)
	return e.g, e.seq, true
}

// buildFirst starts e's first build unless one runs, and returns the
// channel closed when it ends. e.mu is held.
func (l *Live) buildFirst(ctx context.Context, e *networkEntry, v access.View) <-chan struct{} {
	if e.first != nil {
		return e.first
	}
	first := make(chan struct{})
	e.first = first
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), networkBuild)
		defer cancel()
		g, in, err := readNetwork(ctx, l.st, v, relate.Options{})
		e.mu.Lock()
		defer e.mu.Unlock()
		if err != nil {
			e.firstErr, e.first = err, nil
			if log := l.opt.Logger; log != nil {
				log.Warn("the network was not built", "error", err)
			}
		} else {
			e.g, e.seq, e.inputs, e.checked, e.firstErr = g, in.seq, in, l.now(), nil
		}
		close(first)
	}()
	return first
}

// recheck starts a rebuild of e in the background when it was last
// checked Options.NetworkRecheck ago. e.mu is held.
func (l *Live) recheck(ctx context.Context, e *networkEntry, v access.View) {
	recheck := l.opt.NetworkRecheck
	if recheck <= 0 {
		recheck = DefaultNetworkRecheck
	}
	if !e.building && l.now().Sub(e.checked) >= recheck {
		e.building = true
		go l.rebuild(context.WithoutCancel(ctx), e, v)
	}
}

// rebuild builds e's network again if the store changed since e's seq:
// from its inputs with the records changed since read again, or, when the
// change log does not reach back, from every record.
func (l *Live) rebuild(ctx context.Context, e *networkEntry, v access.View) {
	ctx, cancel := context.WithTimeout(ctx, networkBuild)
	defer cancel()
	e.mu.Lock()
	in := e.inputs
	e.mu.Unlock()
	g, ok, err := refreshNetwork(ctx, l.st, v, &in, relate.Options{})
	if err == nil && !ok {
		g, in, err = readNetwork(ctx, l.st, v, relate.Options{})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.building = false
	if err != nil {
		if log := l.opt.Logger; log != nil {
			log.Warn("the network was not built again", "error", err)
		}
		// The last network stays; its inputs may be half read again, which
		// the next rebuild reads again from the same sequence.
		return
	}
	if g != nil {
		e.g = g
	}
	e.seq, e.inputs, e.checked = in.seq, in, l.now()
}

// entry returns the entry of a view, made if need be.
func (c *networkCache) entry(key string, now time.Time) *networkEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byView[key]
	if !ok {
		if len(c.byView) == maxNetworks {
			var oldest string
			for k, x := range c.byView {
				if oldest == "" || x.read.Before(c.byView[oldest].read) {
					oldest = k
				}
			}
			delete(c.byView, oldest)
		}
		e = &networkEntry{}
		c.byView[key] = e
	}
	e.read = now
	return e
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
