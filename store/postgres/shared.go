package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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
	t := &Tx{db: db, tx: tx, write: true}
	if _, err := tx.Exec(ctx, "SELECT id FROM writer WHERE id = 1 FOR SHARE"); err != nil {
		t.Rollback()
		return nil, fmt.Errorf("store %s: begin: %w", db.name, wrap(err))
	}
	return t, nil
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
	slots := make([]int64, len(ids))
	for i, id := range ids {
		slots[i] = int64(id % lockSlots)
	}
	slices.Sort(slots)
	slots = slices.Compact(slots)
	if len(slots) == 0 {
		return nil
	}
	if miss := t.db.locks.missing(slots); len(miss) > 0 {
		if _, err := t.db.pool.Exec(ctx, "INSERT INTO locks(id) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING", miss); err != nil {
			return wrap(err)
		}
		t.db.locks.add(miss)
	}
	q := "SELECT id FROM locks WHERE id = ANY($1) ORDER BY id FOR UPDATE"
	if !wait {
		q += " NOWAIT"
	}
	n, err := t.exec(ctx, q, slots)
	if err != nil {
		return err
	}
	if n != int64(len(slots)) {
		return fmt.Errorf("store: %d of %d lock rows missing", int64(len(slots))-n, len(slots))
	}
	return nil
}

// LockHead waits for the audit head's row.
func (t *Tx) LockHead(ctx context.Context) error {
	_, err := t.exec(ctx, "SELECT id FROM writer WHERE id = 2 FOR UPDATE")
	return err
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
// records or more are capped, counted no further than limit.
func (t *Tx) Holders(ctx context.Context, keys []uint64, limit int) ([]store.Record, []uint64, error) {
	if len(keys) == 0 {
		return nil, nil, nil
	}
	capped, err := collect(ctx, t, `SELECT q.k FROM unnest($1::bigint[]) AS q(k)
		WHERE (SELECT count(*) FROM (SELECT 1 FROM record_keys x WHERE x.k = q.k LIMIT $2) s) >= $2`,
		[]any{signedKeys(keys), limit}, func(rows pgx.Rows) (k int64, err error) {
			err = rows.Scan(&k)
			return k, err
		})
	if err != nil {
		return nil, nil, err
	}
	var out []uint64
	var ask []int64
	for _, k := range keys {
		if slices.Contains(capped, int64(k)) {
			out = append(out, k)
		} else {
			ask = append(ask, int64(k))
		}
	}
	if len(ask) == 0 {
		return nil, out, nil
	}
	recs, err := collect(ctx, t, "SELECT "+recordColumns+` FROM records r
		WHERE r.id IN (SELECT rec FROM record_keys WHERE k = ANY($1)) ORDER BY r.source, r.rid`, []any{ask}, scanRecord)
	return recs, out, err
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
	ids := make([]string, len(entities))
	for i, e := range entities {
		ids[i] = string(e)
	}
	return collect(ctx, t, "SELECT "+recordColumns+" FROM records r WHERE r.entity = ANY($1) ORDER BY r.source, r.rid", []any{ids}, scanRecord)
}

// LinksOf returns the links naming any of keys, each side by its own
// index.
func (t *Tx) LinksOf(ctx context.Context, keys []record.Key) ([]record.Link, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	s, i := keyArrays(keys)
	ids := "(SELECT r.id FROM records r JOIN unnest($1::text[], $2::text[]) AS q(s, i) ON r.source = q.s AND r.rid = q.i)"
	return collect(ctx, t, linksQuery+" WHERE l.a IN "+ids+" UNION "+linksQuery+" WHERE l.b IN "+ids, []any{s, i}, scanLink)
}

// DecisionsOf returns the decisions naming any of keys, in pair order.
func (t *Tx) DecisionsOf(ctx context.Context, keys []record.Key) ([]record.Decision, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	s, i := keyArrays(keys)
	const cols = "SELECT a_source, a_rid, b_source, b_rid, verdict, reviewer, comment, at FROM decisions"
	q := "(SELECT * FROM unnest($1::text[], $2::text[]))"
	return collect(ctx, t, cols+" WHERE (a_source, a_rid) IN "+q+" UNION "+cols+" WHERE (b_source, b_rid) IN "+q+
		" ORDER BY 1, 2, 3, 4", []any{s, i}, scanDecision)
}
