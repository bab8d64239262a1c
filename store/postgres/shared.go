package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

var (
	_ store.Shared   = (*DB)(nil)
	_ store.SharedTx = (*Tx)(nil)
	_ store.Finder   = (*Tx)(nil)
)

// lockSlots bounds the lock table: lock names fold into this many rows.
// Two names that fold to one row only make their transactions wait for
// each other; the table never grows past it.
const lockSlots = 1 << 22

// wrap wraps a database error; a lost race (a deadlock, a serialisation
// failure, a lock not available at once) also wraps store.ErrConflict.
func wrap(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40P01", "40001", "55P03":
			return fmt.Errorf("store: %w: %w", store.ErrConflict, err)
		}
	}
	return fmt.Errorf("store: %w", err)
}

// BeginShared starts a shared write transaction (READ COMMITTED: each
// statement reads what is committed when it starts, so what a change
// reads after taking its locks is current). It shares the writers' lock
// with the other shared transactions; a Begin(write) holds it alone.
func (db *DB) BeginShared(ctx context.Context) (store.SharedTx, error) {
	if db.readOnly {
		return nil, fmt.Errorf("store %s: %w", db.name, store.ErrReadOnly)
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return nil, fmt.Errorf("store %s: begin: %w", db.name, wrap(err))
	}
	// Writes wait for the next read, lock or commit, and go with it in
	// one round trip: the writers' lock, shared, goes first.
	t := &Tx{db: db, tx: tx, write: true, behind: &pgx.Batch{}}
	if err := t.put(ctx, nil, "SELECT id FROM writer WHERE id = 1 FOR SHARE"); err != nil {
		t.Rollback()
		return nil, fmt.Errorf("store %s: begin: %w", db.name, err)
	}
	return t, nil
}

// AddEvents appends events to the lineage, numbered in order: one round
// trip for their numbers, the rows sent with the next one (or at once,
// outside shared mode). AddEvent is AddEvents of one.
func (t *Tx) AddEvents(ctx context.Context, events []record.Event) ([]record.Event, error) {
	if !t.write {
		return nil, errReadOnly
	}
	if len(events) == 0 {
		return nil, nil
	}
	seqs, err := collect(ctx, t, "SELECT nextval(pg_get_serial_sequence('events', 'seq')) FROM generate_series(1, $1)", []any{len(events)},
		func(rows pgx.Rows) (n int64, err error) {
			err = rows.Scan(&n)
			return n, err
		})
	if err != nil {
		return nil, err
	}
	slices.Sort(seqs)
	out := slices.Clone(events)
	var (
		seq, at                                       []int64
		kind, entity, others, source, rid, actor, why []string
		entSeq                                        []int64
		ents                                          []string
	)
	for i := range out {
		e := &out[i]
		if e.Time.IsZero() {
			e.Time = t.db.now()
		}
		e.Seq = seqs[i]
		seq, at = append(seq, e.Seq), append(at, e.Time.UnixNano())
		kind, entity, others = append(kind, string(e.Kind)), append(entity, string(e.Entity)), append(others, store.JoinEntities(e.Others))
		source, rid, actor, why = append(source, e.Record.Source), append(rid, e.Record.ID), append(actor, e.Actor), append(why, e.Why)
		for _, x := range append([]record.EntityID{e.Entity}, e.Others...) {
			entSeq, ents = append(entSeq, e.Seq), append(ents, string(x))
		}
	}
	if err := t.put(ctx, nil, `INSERT INTO events(seq, at, kind, entity, others, source, rid, actor, why)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
		seq, at, kind, entity, others, source, rid, actor, why); err != nil {
		return nil, err
	}
	return out, t.put(ctx, nil, "INSERT INTO event_entities(entity, seq) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING", ents, entSeq)
}

// lockRows remembers which rows of the lock table exist, so that most
// Lock calls insert nothing.
type lockRows struct {
	mu   sync.Mutex
	bits []uint64
}

func (r *lockRows) missing(slots []int64) []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bits == nil {
		r.bits = make([]uint64, lockSlots/64)
	}
	var out []int64
	for _, s := range slots {
		if r.bits[s/64]&(1<<(s%64)) == 0 {
			out = append(out, s)
		}
	}
	return out
}

func (r *lockRows) forget(slots []int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range slots {
		r.bits[s/64] &^= 1 << (s % 64)
	}
}

func (r *lockRows) add(slots []int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range slots {
		r.bits[s/64] |= 1 << (s % 64)
	}
}

// Lock takes the row locks of ids (folded into the lock table) in
// increasing order. A row that does not exist yet is inserted first, in a
// statement of its own that commits at once, so that no transaction waits
// on another's insert.
func (t *Tx) Lock(ctx context.Context, ids []uint64, wait bool) error {
	if !t.write {
		return errReadOnly
	}
	slots, err := t.lockRows(ctx, ids)
	if err != nil || len(slots) == 0 {
		return err
	}
	n, err := t.exec(ctx, lockQuery(wait), slots)
	if err != nil {
		return err
	}
	return t.checkLocked(n, slots)
}

// lockRows folds lock ids into the rows of the lock table, sorted, and
// makes sure those rows exist.
func (t *Tx) lockRows(ctx context.Context, ids []uint64) ([]int64, error) {
	slots := make([]int64, len(ids))
	for i, id := range ids {
		slots[i] = int64(id % lockSlots)
	}
	slices.Sort(slots)
	slots = slices.Compact(slots)
	if miss := t.db.locks.missing(slots); len(miss) > 0 {
		if _, err := t.db.lockPool.Exec(ctx, "INSERT INTO locks(id) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING", miss); err != nil {
			return nil, wrap(err)
		}
		t.db.locks.add(miss)
	}
	return slots, nil
}

func lockQuery(wait bool) string {
	if wait {
		return "SELECT id FROM locks WHERE id = ANY($1) ORDER BY id FOR UPDATE"
	}
	return "SELECT id FROM locks WHERE id = ANY($1) ORDER BY id FOR UPDATE NOWAIT"
}

// checkLocked checks that every lock row was there to lock. One that
// was not had been made by a commit the server lost (a crash with
// asynchronous commit, a replica promoted behind): it is forgotten, to be
// made again, and the transaction is a conflict, to run again.
func (t *Tx) checkLocked(n int64, slots []int64) error {
	if n != int64(len(slots)) {
		t.db.locks.forget(slots)
		return fmt.Errorf("store: %w: %d of %d lock rows missing; they are made again", store.ErrConflict, int64(len(slots))-n, len(slots))
	}
	return nil
}

// LockAround sends the writes held back, the locks and the three reads in
// one round trip.
func (t *Tx) LockAround(ctx context.Context, ids []uint64, entities []record.EntityID, keys []record.Key) (store.Around, error) {
	var out store.Around
	if !t.write {
		return out, errReadOnly
	}
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("store: %w", err)
	}
	slots, err := t.lockRows(ctx, ids)
	if err != nil {
		return out, err
	}
	b, checks := t.takeBehind()
	ents := entityStrings(entities)
	src, rid := keyArrays(keys)
	if len(slots) > 0 {
		b.Queue(lockQuery(false), slots)
	}
	b.Queue("SELECT "+recordColumns+" FROM records r WHERE r.entity = ANY($1) ORDER BY r.source, r.rid", ents)
	named := `(SELECT r.id FROM records r WHERE r.entity = ANY($1) UNION
		SELECT r.id FROM records r JOIN unnest($2::text[], $3::text[]) AS q(s, i) ON r.source = q.s AND r.rid = q.i)`
	b.Queue(linksQuery+" WHERE l.a IN "+named+" UNION "+linksQuery+" WHERE l.b IN "+named, ents, src, rid)
	const cols = "SELECT a_source, a_rid, b_source, b_rid, verdict, reviewer, comment, at FROM decisions"
	pairs := "(SELECT r.source, r.rid FROM records r WHERE r.entity = ANY($1) UNION SELECT * FROM unnest($2::text[], $3::text[]))"
	b.Queue(cols+" WHERE (a_source, a_rid) IN "+pairs+" UNION "+cols+" WHERE (b_source, b_rid) IN "+pairs+" ORDER BY 1, 2, 3, 4", ents, src, rid)
	br := t.tx.SendBatch(ctx, b)
	defer br.Close()
	if err := sendChecks(br, checks); err != nil {
		return out, err
	}
	if len(slots) > 0 {
		tag, err := br.Exec()
		if err != nil {
			return out, wrap(err)
		}
		if err := t.checkLocked(tag.RowsAffected(), slots); err != nil {
			return out, err
		}
	}
	if out.Members, err = batchRows(br, scanRecord); err != nil {
		return out, err
	}
	if out.Links, err = batchRows(br, scanLink); err != nil {
		return out, err
	}
	if out.Decisions, err = batchRows(br, scanDecision); err != nil {
		return out, err
	}
	return out, wrap0(br.Close())
}

// batchRows reads the rows of the next query of a batch.
func batchRows[T any](br pgx.BatchResults, scan func(pgx.Rows) (T, error)) ([]T, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(err)
		}
		out = append(out, v)
	}
	return out, wrap0(rows.Err())
}

// wrap0 is wrap that leaves nil alone.
func wrap0(err error) error {
	if err == nil {
		return nil
	}
	return wrap(err)
}

// LockHead waits for the audit head's row, and then reads the head and
// its signature: the writes held back, the lock and the read (a statement
// of its own, whose snapshot is taken once the lock is held) go in one
// round trip.
func (t *Tx) LockHead(ctx context.Context) (audit.Head, error) {
	if err := ctx.Err(); err != nil {
		return audit.Head{}, fmt.Errorf("store: %w", err)
	}
	b, checks := t.takeBehind()
	b.Queue("SELECT id FROM writer WHERE id = 2 FOR UPDATE")
	b.Queue("SELECT (SELECT v FROM meta WHERE k = $1), (SELECT v FROM meta WHERE k = $2)", store.MetaAuditHead, store.MetaAuditHeadSig)
	br := t.tx.SendBatch(ctx, b)
	defer br.Close()
	if err := sendChecks(br, checks); err != nil {
		return audit.Head{}, err
	}
	if _, err := br.Exec(); err != nil {
		return audit.Head{}, wrap(err)
	}
	var head, sig []byte
	if err := br.QueryRow().Scan(&head, &sig); err != nil {
		return audit.Head{}, wrap(err)
	}
	h := audit.Head{}
	if head != nil { // else an empty log
		var err error
		if h, err = store.DecodeAuditHead(head, nil); err != nil {
			return h, err
		}
	}
	h.Sig = string(sig)
	return h, wrap0(br.Close())
}

// sendChecks reads the results of the writes held back that a batch
// begins with, and checks their row counts.
func sendChecks(br pgx.BatchResults, checks []func(int64) error) error {
	for _, check := range checks {
		tag, err := br.Exec()
		if err != nil {
			return wrap(err)
		}
		if check != nil {
			if err := check(tag.RowsAffected()); err != nil {
				return err
			}
		}
	}
	return nil
}

// recordColumns are what the finders read of a record.
const recordColumns = "r.source, r.rid, r.entity, r.data, r.keys"

func scanRecord(rows pgx.Rows) (r store.Record, err error) {
	var ent string
	var keys []byte
	err = rows.Scan(&r.Key.Source, &r.Key.ID, &ent, &r.Data, &keys)
	r.Entity, r.Keys = record.EntityID(ent), store.DecodeKeys(keys)
	return r, err
}

// Holders returns the records holding any of keys; keys held by limit
// records or more are capped, counted no further than limit. One query:
// the capped keys come as rows without a record.
func (t *Tx) Holders(ctx context.Context, keys []uint64, limit int) ([]store.Record, []uint64, error) {
	if len(keys) == 0 {
		return nil, nil, nil
	}
	var recs []store.Record
	var capped []uint64
	// Each key's holders are read once, at most limit of them: a key that
	// has limit is capped.
	err := each(ctx, t, `WITH h AS (SELECT q.k, x.rec FROM (SELECT DISTINCT k FROM unnest($1::bigint[]) AS u(k)) q
			CROSS JOIN LATERAL (SELECT rec FROM record_keys WHERE record_keys.k = q.k LIMIT $2) x),
		c AS (SELECT k FROM h GROUP BY k HAVING count(*) >= $2)
		SELECT r.source, r.rid, r.entity, r.data, r.keys, NULL::bigint FROM records r
			WHERE r.id IN (SELECT rec FROM h WHERE k NOT IN (SELECT k FROM c))
		UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, k FROM c`,
		[]any{signedKeys(keys), limit}, func(rows pgx.Rows) (bool, error) {
			var src, rid, ent *string
			var data, ks []byte
			var k *int64
			if err := rows.Scan(&src, &rid, &ent, &data, &ks, &k); err != nil {
				return false, err
			}
			if k != nil {
				capped = append(capped, uint64(*k))
				return true, nil
			}
			recs = append(recs, store.Record{Key: record.Key{Source: *src, ID: *rid}, Entity: record.EntityID(*ent), Data: data, Keys: store.DecodeKeys(ks)})
			return true, nil
		})
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(recs, func(a, b store.Record) int {
		switch {
		case a.Key.Less(b.Key):
			return -1
		case b.Key.Less(a.Key):
			return 1
		}
		return 0
	})
	slices.Sort(capped)
	return recs, capped, nil
}

// keyArrays are keys as two parallel arrays, for unnest.
func keyArrays(keys []record.Key) (sources, ids []string) {
	sources, ids = make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		sources[i], ids[i] = k.Source, k.ID
	}
	return sources, ids
}

// RecordsOf returns the stored records among keys, in key order.
func (t *Tx) RecordsOf(ctx context.Context, keys []record.Key) ([]store.Record, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	s, i := keyArrays(keys)
	return collect(ctx, t, "SELECT "+recordColumns+` FROM records r
		JOIN unnest($1::text[], $2::text[]) AS q(s, i) ON r.source = q.s AND r.rid = q.i ORDER BY r.source, r.rid`, []any{s, i}, scanRecord)
}

// MembersOf returns the records of the entities, in key order.
func (t *Tx) MembersOf(ctx context.Context, entities []record.EntityID) ([]store.Record, error) {
	if len(entities) == 0 {
		return nil, nil
	}
	return collect(ctx, t, "SELECT "+recordColumns+" FROM records r WHERE r.entity = ANY($1) ORDER BY r.source, r.rid", []any{entityStrings(entities)}, scanRecord)
}

// entityStrings are entity ids as strings, for a text array.
func entityStrings(ids []record.EntityID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}
