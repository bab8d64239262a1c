package live

import (
	"context"
	"errors"
	"slices"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// noting is a write transaction that notes the records it changes — their
// rows, entities, links and decisions — so that the change can be noted in
// the store's change log (store.Tx.NoteChanges) for other processes to
// catch up from.
type noting struct {
	store.Tx
	keys map[record.Key]bool
}

func newNoting(tx store.Tx) *noting { return &noting{Tx: tx, keys: map[record.Key]bool{}} }

// bulk returns the transaction's bulk loader, noting what it loads, or
// nil when the backend has none.
func (n *noting) bulk() *notingBulk {
	if b, ok := n.Tx.(store.BulkTx); ok {
		return &notingBulk{n: n, b: b}
	}
	return nil
}

// notingBulk is a BulkTx that notes the records it loads.
type notingBulk struct {
	n *noting
	b store.BulkTx
}

func (nb *notingBulk) PutRecords(ctx context.Context, rs []store.Record) error {
	for i := range rs {
		nb.n.note(rs[i].Key)
	}
	return nb.b.PutRecords(ctx, rs)
}

func (nb *notingBulk) AddEvents(ctx context.Context, events []record.Event) ([]record.Event, error) {
	return nb.b.AddEvents(ctx, events)
}

func (nb *notingBulk) PutLinks(ctx context.Context, ls []record.Link) error {
	for _, l := range ls {
		nb.n.note(l.A, l.B)
	}
	return nb.b.PutLinks(ctx, ls)
}

// PutReviews notes nothing, as noting's PutReview does not.
func (nb *notingBulk) PutReviews(ctx context.Context, rs []record.Review) error {
	return nb.b.PutReviews(ctx, rs)
}

func (n *noting) note(keys ...record.Key) {
	for _, k := range keys {
		n.keys[k] = true
	}
}

func (n *noting) PutRecord(ctx context.Context, r store.Record) error {
	n.note(r.Key)
	return n.Tx.PutRecord(ctx, r)
}
func (n *noting) DeleteRecord(ctx context.Context, k record.Key) error {
	n.note(k)
	return n.Tx.DeleteRecord(ctx, k)
}
func (n *noting) Supersede(ctx context.Context, k record.Key) error {
	n.note(k)
	return n.Tx.Supersede(ctx, k)
}
func (n *noting) DropRejects(ctx context.Context, k record.Key) error {
	n.note(k)
	return n.Tx.DropRejects(ctx, k)
}
func (n *noting) DeleteLink(ctx context.Context, a, b record.Key) error {
	n.note(a, b)
	return n.Tx.DeleteLink(ctx, a, b)
}
func (n *noting) SetEntity(ctx context.Context, k record.Key, e record.EntityID) error {
	n.note(k)
	return n.Tx.SetEntity(ctx, k, e)
}
func (n *noting) PutLink(ctx context.Context, l record.Link) error {
	n.note(l.A, l.B)
	return n.Tx.PutLink(ctx, l)
}
func (n *noting) PutDecision(ctx context.Context, d record.Decision) error {
	n.note(d.A, d.B)
	return n.Tx.PutDecision(ctx, d)
}
func (n *noting) DeleteDecisions(ctx context.Context, k record.Key) error {
	n.note(k)
	return n.Tx.DeleteDecisions(ctx, k)
}

// noted returns the keys noted, in key order.
func (n *noting) noted() []record.Key {
	keys := make([]record.Key, 0, len(n.keys))
	for k := range n.keys {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, record.Key.Compare)
	return keys
}

// catchUp brings the memory copy up to head, the audit head another
// process left: it reads again only the records the change log says
// changed since this process last saw the store, in time proportional to
// the changes. When the log does not reach back (a writer that kept none)
// or the changes are many, it reads everything again.
func (l *Live) catchUp(ctx context.Context, tx store.Tx, head int64) error {
	keys, complete, err := tx.ChangedSince(ctx, l.seen, head)
	if err != nil {
		return err
	}
	if !complete || len(keys) > max(len(l.mem.slot)/4, 1000) {
		return l.reload(ctx)
	}
	l.catchUps.Add(1)
	// Its changes may have put pairs for review naming any record.
	if l.mem.unreviewed++; l.mem.unreviewed == 0 {
		l.mem.unreviewed = 1
	}
	for _, k := range keys {
		if err := l.refresh(ctx, tx, k); err != nil {
			return err
		}
	}
	l.seen = head
	return nil
}

// refresh reads one record again from tx into the memory copy: its row
// (or its absence), entity, links and decisions.
func (l *Live) refresh(ctx context.Context, tx store.Tx, key record.Key) error {
	mem := l.mem
	if s, ok := mem.slot[key]; ok {
		mem.remove(s)
	}
	for _, p := range slices.Clone(mem.partners[key]) {
		mem.setVerdict(record.NewPair(key, p), "")
	}
	r, err := tx.Record(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted
	}
	if err != nil {
		return err
	}
	rec, err := decodeRecord(r)
	if err != nil {
		return err
	}
	s := mem.add(key, rec.Kind, r.Entity, l.scorer.Values(&rec), r.Keys, len(rec.Relations) > 0)
	links, err := tx.Links(ctx, key)
	if err != nil {
		return err
	}
	for _, lk := range links {
		other := lk.A
		if other == key {
			other = lk.B
		}
		if o, ok := mem.slot[other]; ok {
			mem.link(s, o, lk.Weight)
		}
	}
	ds, err := tx.Decisions(ctx, key)
	if err != nil {
		return err
	}
	for _, d := range ds {
		mem.setVerdict(record.NewPair(d.A, d.B), d.Verdict)
	}
	return nil
}
