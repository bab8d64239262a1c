package live

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// Shared mode (Options.Shared): many resolvers, in as many processes, on
// one database. A resolver holds no copy of the store: each change reads
// what it needs — the record's candidates by their blocking keys, the
// entities around it — into a memory copy of its own, under locks, and
// resolves it there with the same code as the memory-resident mode.
//
// The locks, taken in this order, make every interleaving equal to some
// serial order:
//  1. the records the change writes and the blocking keys they will hold
//     (waiting, in increasing order), then the keys the stored ones hold
//     now: two records that share a key are resolved one after the
//     other, and the later one reads the earlier as a candidate;
//  2. every entity it reads or moves, as it finds them (without waiting:
//     one held elsewhere is a conflict, and the change runs again from the
//     start, so that no two changes wait for each other in a circle);
//  3. the audit head, last, while it appends its lineage events and audit
//     entries: their sequence numbers follow the order of commits.
//
// A record enters the change's memory copy only under a lock that keeps it
// still: as a holder of a locked key (its values), or as a member of a
// locked entity (its values, entity, links and decisions).

// sharedRetries bounds how many times a change that lost a race runs again.
const sharedRetries = 50

// partial is where a shared-mode change's memory copy comes from, and what
// of it is complete.
type partial struct {
	tx store.SharedTx
	// locked are the entities this change holds; closed, the records whose
	// links and decisions are loaded.
	locked map[record.EntityID]bool
	closed map[record.Key]bool
	// held are the blocking keys whose holders are all loaded (or capped).
	held map[uint64]bool
	// moved are loaded records seen to have left the entity they were
	// loaded in, their entity to be asked again.
	moved map[record.Key]bool
	// absent are records this change holds the lock of and found not
	// stored: none but this change can store them, so nothing stored
	// names them but reviewers' decisions.
	absent map[record.Key]bool
	// named are entity ids known to be used (true) or free (false).
	named map[record.EntityID]bool
}

// lockID names a lock: blocking keys name themselves (their rule is in
// their bits); records and entities hash their names with a tag.
func lockID(tag byte, s ...string) uint64 {
	h := fnv.New64a()
	h.Write([]byte{tag})
	for _, x := range s {
		h.Write([]byte(x))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func recordLock(k record.Key) uint64      { return lockID('r', k.Source, k.ID) }
func entityLock(e record.EntityID) uint64 { return lockID('e', string(e)) }

// changeShared runs a change in a shared transaction on a copy of l of
// its own (its own memory copy), again from the start when it loses a
// race. At most Options.SharedChanges run at once in a process.
func (l *Live) changeShared(ctx context.Context, fn func(w *Live, tx store.Tx) ([]toAudit, error)) error {
	select {
	case l.running <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l.running }()
	for attempt := 1; ; attempt++ {
		w := new(Live)
		*w = *l // shares the process; mem is the change's own
		err := w.sharedOnce(ctx, fn)
		if err == nil || !errors.Is(err, store.ErrConflict) || attempt >= sharedRetries {
			return err
		}
		l.conflicts.Add(1)
		// Back off for a random while that grows with the attempts.
		wait := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 6)))
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// Conflicts counts the shared-mode changes that lost a race with another
// resolver and ran again.
func (l *Live) Conflicts() int64 { return l.conflicts.Load() }

// sharedOnce runs a change once, on w, a copy of the Live of its own.
func (w *Live) sharedOnce(ctx context.Context, fn func(w *Live, tx store.Tx) ([]toAudit, error)) (err error) {
	stx, err := w.st.(store.Shared).BeginShared(ctx)
	if err != nil {
		return err
	}
	defer stx.Rollback()
	w.mem = newMirror()
	w.mem.capped = map[uint64]bool{}
	w.mem.src = &partial{tx: stx, locked: map[record.EntityID]bool{}, closed: map[record.Key]bool{}, held: map[uint64]bool{},
		moved: map[record.Key]bool{}, absent: map[record.Key]bool{}, named: map[record.EntityID]bool{}}
	bt := &deferredEvents{SharedTx: stx}
	nt := newNoting(bt)
	list, err := fn(w, nt)
	if err != nil {
		return err
	}
	list, taken := w.takeAccess(list)
	defer func() {
		if err != nil {
			w.giveBackAccess(taken)
		}
	}()
	head, err := stx.LockHead(ctx)
	if err != nil {
		return err
	}
	signed := head.Sig != ""
	head.Sig = ""
	if err := bt.flush(ctx, list); err != nil {
		return err
	}
	if head, err = w.appendAudits(ctx, stx, head, list); err != nil {
		return err
	}
	if err := stx.NoteChanges(ctx, head.Seq, nt.noted()); err != nil {
		return err
	}
	// The head as locked says whether the log is signed.
	switch {
	case w.opt.AuditKey != nil:
		if err := stx.SetMeta(ctx, metaHeadSig, []byte(audit.SignHead(w.opt.AuditKey, head))); err != nil {
			return err
		}
	case signed:
		return ErrUnsignedWrite
	}
	if err := stx.Commit(); err != nil {
		return err
	}
	w.notify()
	return nil
}

// deferredEvents keeps a shared change's lineage events until it holds the
// audit head, so that their sequence numbers follow the order of commits.
// Until then an event carries a stand-in sequence number: minus its place.
type deferredEvents struct {
	store.SharedTx
	events []record.Event
}

func (d *deferredEvents) AddEvent(_ context.Context, e record.Event) (record.Event, error) {
	d.events = append(d.events, e)
	e.Seq = -int64(len(d.events))
	return e, nil
}

// EntityUsed counts the entities of the events kept back, too.
func (d *deferredEvents) EntityUsed(ctx context.Context, entity record.EntityID) (bool, error) {
	for _, e := range d.events {
		if e.Entity == entity || slices.Contains(e.Others, entity) {
			return true, nil
		}
	}
	return d.SharedTx.EntityUsed(ctx, entity)
}

// ForgetRecord forgets the record in the events kept back, too.
func (d *deferredEvents) ForgetRecord(ctx context.Context, key record.Key, digest string) error {
	for i := range d.events {
		if d.events[i].Record == key {
			d.events[i].Record.ID = "~" + digest
		}
	}
	return d.SharedTx.ForgetRecord(ctx, key, digest)
}

// flush writes the events kept back and gives the changes of list their
// sequence numbers, in place of the stand-ins, and times.
func (d *deferredEvents) flush(ctx context.Context, list []toAudit) error {
	stored, err := d.SharedTx.AddEvents(ctx, d.events)
	if err != nil {
		return err
	}
	for _, a := range list {
		if a.ch == nil {
			continue
		}
		for i, e := range a.ch.Events {
			if e.Seq < 0 {
				s := stored[-e.Seq-1]
				a.ch.Events[i].Seq, a.ch.Events[i].Time = s.Seq, s.Time
			}
		}
	}
	return nil
}

// toLoad names what a reviewer's change works on: records, or entities.
type toLoad struct {
	records  []record.Key
	entities []record.EntityID
}

// loadFor loads into a shared change's memory copy the records and
// entities a reviewer's change names, with everything around them.
func (l *Live) loadFor(ctx context.Context, load toLoad) error {
	p := l.mem.src
	if p == nil {
		return nil
	}
	if len(load.entities) > 0 {
		if err := l.lockEntities(ctx, load.entities); err != nil {
			return err
		}
		recs, err := p.tx.MembersOf(ctx, load.entities)
		if err != nil {
			return err
		}
		if err := l.place(recs); err != nil {
			return err
		}
		for _, r := range recs {
			load.records = append(load.records, r.Key)
		}
	}
	return l.closeOver(ctx, load.records)
}

// loadOps loads into a shared change's memory copy what a batch of
// upserts and deletes reads: each record as stored, with everything around
// it, every holder of the blocking keys of the records upserted, and the
// entities around the records they are about to link to — in a few round
// trips for the whole batch, not a few for each record.
func (l *Live) loadOps(ctx context.Context, ops []Op, preps []upsertPrep) error {
	p := l.mem.src
	if p == nil {
		return nil
	}
	// The records and the keys they will hold, in one go (the usual
	// upsert of a new record takes no other lock before it resolves)…
	keys := make([]record.Key, len(ops))
	var ids []uint64
	for i, op := range ops {
		keys[i] = op.Record.Key
		ids = append(ids, recordLock(op.Record.Key))
	}
	var bk []uint64
	for i := range preps {
		for _, ks := range preps[i].perRule {
			bk = append(bk, ks...)
		}
	}
	if err := p.tx.Lock(ctx, append(ids, bk...), true); err != nil {
		return err
	}
	// …then the keys that records stored hold now (taken out of order:
	// a deadlock this may make is a conflict, and the change runs again).
	stored, err := p.tx.RecordsOf(ctx, keys)
	if err != nil {
		return err
	}
	have := make(map[uint64]bool, len(bk))
	for _, k := range bk {
		have[k] = true
	}
	var old []uint64
	isStored := make(map[record.Key]bool, len(stored))
	for _, r := range stored {
		isStored[r.Key] = true
		for _, k := range r.Keys {
			if !have[k] {
				have[k] = true
				old = append(old, k)
			}
		}
	}
	if err := p.tx.Lock(ctx, old, true); err != nil {
		return err
	}
	for _, k := range keys {
		if !isStored[k] {
			p.absent[k] = true
		}
	}
	if err := l.hold(ctx, append(bk, old...)); err != nil {
		return err
	}
	targets, alone := l.predictLinks(ops, preps)
	if err := l.knowNames(ctx, ops, alone); err != nil {
		return err
	}
	return l.closeOver(ctx, append(keys, targets...))
}

// predictLinks returns the records the upserts of ops would link to if
// each ran alone now, so that the entities around them all are read in
// one go (what an upsert then finds otherwise is read as it runs); and
// which upserts would link to none.
func (l *Live) predictLinks(ops []Op, preps []upsertPrep) (targets []record.Key, alone []bool) {
	mem := l.mem
	alone = make([]bool, len(ops))
	levels := make([]uint8, len(l.scorer.Comps))
	var unpacked record.Unpacked
	for i := range ops {
		if ops[i].Delete {
			continue
		}
		alone[i] = true
		rec := &ops[i].Record
		cands, _, _ := l.candidates(rec, preps[i].perRule)
		q := l.scorer.NewQuery(preps[i].values)
		for _, c := range cands {
			cr := &mem.recs[c]
			w := l.scorer.CompareQuery(rec.Key.Source, cr.key.Source, q, mem.valuesOf(c, &unpacked), levels, nil)
			if l.scorer.Decide(w, levels) == model.Match {
				targets = append(targets, cr.key)
				alone[i] = false
			}
		}
	}
	return targets, alone
}

// knowNames finds out which of the entity ids that the new records of
// ops about to be alone would name their entity with (newEntityID) are
// used: the first id of each in one round trip; after a record stored
// before (and deleted), the next 2, then the next 4, and so on, until one
// is free. A record's used ids are always its first few (an id once used
// stays used, and newEntityID takes the first free one), so a record
// stored again for the m-th time has its free id found among at most
// 2m + 1 asked (each a probe of two indexes: most of what a group asks of
// the store when records come back often). Only new records: no other
// change can name an entity after a record that this one holds the lock
// of and that is not stored.
func (l *Live) knowNames(ctx context.Context, ops []Op, alone []bool) error {
	p := l.mem.src
	var keys []record.Key
	for i, op := range ops {
		if alone[i] && p.absent[op.Record.Key] {
			keys = append(keys, op.Record.Key)
		}
	}
	for from, to := 0, 1; len(keys) > 0; from, to = to, 2*to+1 {
		var ask []record.EntityID
		for _, k := range keys {
			for n := from; n < to; n++ {
				ask = append(ask, record.KeyedEntityID(l.salt, k, n))
			}
		}
		used, err := p.tx.EntitiesUsed(ctx, ask)
		if err != nil {
			return err
		}
		for _, id := range ask {
			p.named[id] = false
		}
		for _, id := range used {
			p.named[id] = true
		}
		// Ask further only after keys whose ids asked are all used.
		var next []record.Key
		for i, k := range keys {
			if allUsed(p.named, ask[i*(to-from):(i+1)*(to-from)]) {
				next = append(next, k)
			}
		}
		keys = next
	}
	return nil
}

// allUsed reports whether named holds every id of ids as used.
func allUsed(named map[record.EntityID]bool, ids []record.EntityID) bool {
	for _, id := range ids {
		if !named[id] {
			return false
		}
	}
	return true
}

// hold loads every holder of keys not loaded yet, and marks the keys held
// by too many records capped.
func (l *Live) hold(ctx context.Context, keys []uint64) error {
	p := l.mem.src
	var ask []uint64
	for _, k := range keys {
		if !p.held[k] {
			p.held[k] = true
			ask = append(ask, k)
		}
	}
	if len(ask) == 0 {
		return nil
	}
	recs, capped, err := p.tx.Holders(ctx, ask, l.opt.MaxBlock)
	if err != nil {
		return err
	}
	for _, k := range capped {
		l.mem.capped[k] = true
	}
	return l.place(recs)
}

// place adds stored records to the memory copy, those not in it yet.
func (l *Live) place(recs []store.Record) error {
	for _, r := range recs {
		if _, ok := l.mem.slot[r.Key]; ok {
			continue
		}
		d, err := l.decoded.get(r, l.decode)
		if err != nil {
			return err
		}
		l.mem.add(r.Key, d.kind, r.Entity, d.values, r.Keys, d.relates)
	}
	return nil
}

// lockEntities locks entities not held yet, without waiting.
func (l *Live) lockEntities(ctx context.Context, es []record.EntityID) error {
	p := l.mem.src
	var ids []uint64
	for _, e := range es {
		if e != "" && !p.locked[e] {
			ids = append(ids, entityLock(e))
		}
	}
	if err := p.tx.Lock(ctx, ids, false); err != nil {
		return err
	}
	for _, e := range es {
		p.locked[e] = true
	}
	return nil
}

// closeOver loads what re-clustering around keys reads: the entities of
// the records and every record reachable from them over entities, links
// and reviewers' must-links, each entity locked, each record with its
// links and decisions — at most Options.MaxComponent records.
func (l *Live) closeOver(ctx context.Context, keys []record.Key) error {
	p, mem := l.mem.src, l.mem
	pending := dedupeKeys(keys, p.closed)
	for round := 0; len(pending) > 0 && len(p.closed) < l.opt.MaxComponent; round++ {
		if round > maxRounds {
			return fmt.Errorf("shared change: %w: records kept moving while being read", store.ErrConflict)
		}
		// Which entity each record is in: as loaded, or asked of the store
		// for a record not loaded or seen to move (what a record holds may
		// change until its entity is locked, so it is not loaded yet).
		var ask []record.Key
		entityOf := map[record.Key]record.EntityID{}
		for _, k := range pending {
			if s, ok := mem.slot[k]; ok && !p.moved[k] {
				entityOf[k] = mem.recs[s].entity
			} else if !ok && p.absent[k] {
				continue // not stored, and held still by this change
			} else {
				ask = append(ask, k)
			}
		}
		peeked, err := p.tx.RecordsOf(ctx, ask)
		if err != nil {
			return err
		}
		for _, r := range peeked {
			entityOf[r.Key] = r.Entity
			if s, ok := mem.slot[r.Key]; ok {
				mem.setEntity(s, r.Entity)
				delete(p.moved, r.Key)
			} else if p.locked[r.Entity] {
				// In an entity this change holds: it stays as read.
				if err := l.place([]store.Record{r}); err != nil {
					return err
				}
			}
		}
		var ents []record.EntityID
		for _, e := range entityOf {
			if e != "" && !p.locked[e] && !slices.Contains(ents, e) {
				ents = append(ents, e)
			}
		}
		slices.Sort(ents)
		// The records to close whatever the entities just locked hold:
		// those loaded in an entity this change holds already, or in none
		// (written by this change).
		var next, toClose []record.Key
		for _, k := range pending {
			s, ok := mem.slot[k]
			switch {
			case !ok && p.absent[k]:
				toClose = append(toClose, k) // its decisions, if any
			case !ok:
				if e, stored := entityOf[k]; stored && !slices.Contains(ents, e) {
					next = append(next, k) // stored: moved between two reads
				}
			case p.moved[k]:
				next = append(next, k)
			case mem.recs[s].entity == "" || p.locked[mem.recs[s].entity]:
				toClose = append(toClose, k)
			case !slices.Contains(ents, mem.recs[s].entity):
				next = append(next, k)
			}
		}
		toClose = dedupeKeys(toClose, p.closed)
		if len(ents) == 0 && len(toClose) == 0 {
			pending = dedupeKeys(next, p.closed)
			continue
		}
		// Lock the entities, and read their members as they are, with the
		// links and decisions of every record to close.
		ids := make([]uint64, len(ents))
		for i, e := range ents {
			ids[i] = entityLock(e)
		}
		around, err := p.tx.LockAround(ctx, ids, ents, toClose)
		if err != nil {
			return err
		}
		for _, e := range ents {
			p.locked[e] = true
		}
		fresh := around.Members
		inFresh := map[record.Key]bool{}
		for _, r := range fresh {
			inFresh[r.Key] = true
			if s, ok := mem.slot[r.Key]; ok {
				mem.setEntity(s, r.Entity)
				delete(p.moved, r.Key)
			}
			toClose = append(toClose, r.Key)
		}
		if err := l.place(fresh); err != nil {
			return err
		}
		// A record loaded before its entity was locked may have moved
		// since: out of that entity, and asked again next round.
		for _, e := range ents {
			for _, s := range slices.Clone(mem.members[e]) {
				if k := mem.recs[s].key; !inFresh[k] {
					mem.setEntity(s, "")
					p.moved[k] = true
					next = append(next, k)
				}
			}
		}
		for _, k := range pending {
			if e, stored := entityOf[k]; stored && slices.Contains(ents, e) && !inFresh[k] {
				next = append(next, k) // left the entity before it was locked
			}
		}
		toClose = dedupeKeys(toClose, p.closed)
		for _, k := range toClose {
			p.closed[k] = true
		}
		for _, lk := range around.Links {
			a, okA := mem.slot[lk.A]
			b, okB := mem.slot[lk.B]
			switch {
			case okA && okB:
				// Linked when both ends are loaded; a far end not loaded
				// yet is closed later, and its links read then.
				if !hasLink(mem, a, b) {
					mem.link(a, b, lk.Weight)
				}
			case okA:
				next = append(next, lk.B)
			case okB:
				next = append(next, lk.A)
			}
		}
		for _, d := range around.Decisions {
			pair := record.NewPair(d.A, d.B)
			if v, ok := mem.verdicts[pair]; !ok || v != d.Verdict {
				mem.setVerdict(pair, d.Verdict)
			}
			if d.Verdict == record.VerdictSame {
				next = append(next, d.A, d.B)
			}
		}
		for _, k := range toClose {
			if s, ok := mem.slot[k]; ok {
				for _, lk := range mem.recs[s].links {
					next = append(next, mem.recs[lk.to].key)
				}
			}
		}
		pending = dedupeKeys(next, p.closed)
	}
	return nil
}

// maxRounds bounds the rounds of closeOver that find nothing new to
// close: records that keep moving are a race lost.
const maxRounds = 1000

// hasLink reports whether the memory copy links a and b.
func hasLink(mem *mirror, a, b int32) bool {
	return slices.ContainsFunc(mem.recs[a].links, func(x liveLink) bool { return x.to == b })
}

// dedupeKeys returns keys once each, leaving out the closed ones.
func dedupeKeys(keys []record.Key, closed map[record.Key]bool) []record.Key {
	seen := map[record.Key]bool{}
	var out []record.Key
	for _, k := range keys {
		if !closed[k] && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// expand, in shared mode, loads what re-clustering around seeds reads
// (closeOver); the memory-resident mode holds it all already.
func (l *Live) expand(ctx context.Context, seeds []int32) error {
	if l.mem.src == nil {
		return nil
	}
	keys := make([]record.Key, 0, len(seeds))
	for _, s := range seeds {
		keys = append(keys, l.mem.recs[s].key)
	}
	return l.closeOver(ctx, keys)
}

// sharedStore returns the store as a shared one, for Options.Shared.
func sharedStore(st store.Store) (store.Shared, error) {
	sh, ok := st.(store.Shared)
	if !ok {
		return nil, errors.New("shared mode needs a store many resolvers can write at once (PostgreSQL)")
	}
	return sh, nil
}
