// Package postgres is a store in a PostgreSQL database, for data that
// outgrows one file and for stores several processes share. It keeps what
// the embedded SQLite store keeps, in the same tables, and passes the same
// conformance suite (storetest).
//
// Write transactions are serialised by a row lock on a one-row table
// (SELECT … FOR UPDATE), taken first: a writer in another process waits
// for it as a writer in this one does, and the lock goes with the
// transaction, whatever ends it. Read transactions are REPEATABLE READ and
// READ ONLY: one snapshot for the whole transaction.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

var (
	_ store.Store  = (*DB)(nil)
	_ store.BulkTx = (*Tx)(nil)
)

// schemaVersion is the layout this package writes, kept in
// concord_schema: version 1 (schema) and, added by version 2 (schema2),
// the index of blocking keys and the lock table of shared mode, by
// version 3 (schema3) rejects and the review backlog, by version 4
// (schema4) the review queue's indexes of weights. A read-only open reads
// version 3 too, which lacks those indexes alone.
const schemaVersion = 4

// schema creates version 1. Texts that order records compare bytes
// (COLLATE "C"), as record.Key.Less does, whatever the database's locale.
const schema = `
CREATE TABLE IF NOT EXISTS meta(k TEXT COLLATE "C" PRIMARY KEY, v BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS writer(id INTEGER PRIMARY KEY);
INSERT INTO writer(id) VALUES(1) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS records(
	id BIGSERIAL PRIMARY KEY,
	source TEXT COLLATE "C" NOT NULL,
	rid TEXT COLLATE "C" NOT NULL,
	entity TEXT COLLATE "C" NOT NULL,
	data BYTEA NOT NULL,
	keys BYTEA NOT NULL,
	UNIQUE(source, rid));
CREATE INDEX IF NOT EXISTS records_entity ON records(entity);
CREATE TABLE IF NOT EXISTS links(a BIGINT NOT NULL, b BIGINT NOT NULL, weight DOUBLE PRECISION NOT NULL, PRIMARY KEY(a, b));
CREATE INDEX IF NOT EXISTS links_b ON links(b);
CREATE TABLE IF NOT EXISTS reviews(a BIGINT NOT NULL, b BIGINT NOT NULL, weight DOUBLE PRECISION NOT NULL,
	reason TEXT NOT NULL, rule TEXT NOT NULL, PRIMARY KEY(a, b));
CREATE INDEX IF NOT EXISTS reviews_b ON reviews(b);
CREATE TABLE IF NOT EXISTS events(seq BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, kind TEXT NOT NULL,
	entity TEXT COLLATE "C" NOT NULL, others TEXT NOT NULL, source TEXT COLLATE "C" NOT NULL, rid TEXT COLLATE "C" NOT NULL);
CREATE INDEX IF NOT EXISTS events_record ON events(source, rid);
CREATE TABLE IF NOT EXISTS changes(seq BIGINT NOT NULL, source TEXT COLLATE "C" NOT NULL, rid TEXT COLLATE "C" NOT NULL);
CREATE INDEX IF NOT EXISTS changes_seq ON changes(seq);
CREATE TABLE IF NOT EXISTS decisions(a_source TEXT COLLATE "C" NOT NULL, a_rid TEXT COLLATE "C" NOT NULL,
	b_source TEXT COLLATE "C" NOT NULL, b_rid TEXT COLLATE "C" NOT NULL,
	verdict TEXT NOT NULL, reviewer TEXT NOT NULL, comment TEXT NOT NULL, at BIGINT NOT NULL,
	PRIMARY KEY(a_source, a_rid, b_source, b_rid));
CREATE INDEX IF NOT EXISTS decisions_b ON decisions(b_source, b_rid);
CREATE TABLE IF NOT EXISTS audit(seq BIGINT PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_entities(entity TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY(entity, seq));
`

// schema2 is what version 2 adds: every record's blocking keys, indexed,
// so that a resolver reads a record's candidates without holding the
// store in memory; the rows that shared-mode transactions lock (locks);
// and the writer row of the audit head (id 2; id 1 is the writers' lock).
const schema2 = `
CREATE TABLE IF NOT EXISTS record_keys(k BIGINT NOT NULL, rec BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS record_keys_k ON record_keys(k, rec);
CREATE INDEX IF NOT EXISTS record_keys_rec ON record_keys(rec);
CREATE TABLE IF NOT EXISTS locks(id BIGINT PRIMARY KEY);
INSERT INTO writer(id) VALUES(2) ON CONFLICT DO NOTHING;
`

// schema3 keeps rejects and notes of the review backlog, and names the
// actor of events and a reviewer's reason (version 3).
const schema3 = `
CREATE TABLE IF NOT EXISTS rejects(id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, scope TEXT NOT NULL, source TEXT NOT NULL,
	rid TEXT NOT NULL, line INTEGER NOT NULL, field TEXT NOT NULL, reason TEXT NOT NULL, class TEXT NOT NULL, raw TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rejects_record ON rejects(source, rid);
CREATE TABLE IF NOT EXISTS backlog(at BIGINT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, n BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS backlog_at ON backlog(at);
CREATE TABLE IF NOT EXISTS web_sessions(id TEXT PRIMARY KEY, principal TEXT NOT NULL, purpose TEXT NOT NULL, csrf TEXT NOT NULL,
	key_hash TEXT NOT NULL, expires BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS web_sessions_expires ON web_sessions(expires);
CREATE TABLE IF NOT EXISTS login_flows(id TEXT PRIMARY KEY, binder TEXT NOT NULL, nonce TEXT NOT NULL, verifier TEXT NOT NULL,
	expires BIGINT NOT NULL);
ALTER TABLE events ADD COLUMN IF NOT EXISTS actor TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN IF NOT EXISTS why TEXT NOT NULL DEFAULT '';
`

// schema4 reads the review queue strongest first, and nearest even odds
// first, by indexes (version 4): a page of a large queue no longer sorts
// all of it.
const schema4 = `
CREATE INDEX IF NOT EXISTS reviews_weight ON reviews(weight DESC);
CREATE INDEX IF NOT EXISTS reviews_certainty ON reviews((abs(weight)));
`

// migrationLock is the advisory lock key that keeps two processes from
// creating the schema at once (the one advisory lock used, and only while
// opening).
const migrationLock = 0x636f6e636f7264 // "concord"

// Options configure Open.
type Options struct {
	// ReadOnly opens an existing store for reading alone: nothing is
	// created or migrated, and a write transaction is ErrReadOnly.
	ReadOnly bool
	// Now returns the time stamped on events; nil is time.Now.
	Now func() time.Time
}

// DB is a store in a PostgreSQL database.
type DB struct {
	name     string // the URL without credentials or parameters, for messages
	pool     *pgxpool.Pool
	lockPool *pgxpool.Pool // makes the lock table's rows (shared.go)
	readOnly bool
	now      func() time.Time
	locks    lockRows // the rows of the lock table known to exist
}

// IsURL reports whether a store setting names a PostgreSQL database.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database a postgres:// URL names and creates or
// migrates the schema (in the schema its search_path names). The password
// does not belong in the URL, which sits in a config file: it comes from
// PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass), as for psql.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil || !IsURL(dsn) {
		return nil, fmt.Errorf("store: not a postgres:// URL")
	}
	// Messages name the database without credentials or parameters.
	name := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	if _, set := u.User.Password(); set || u.Query().Has("password") {
		return nil, fmt.Errorf("store %s: the URL holds a password: give it in PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass), not in the config", name)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", name, err)
	}
	if !u.Query().Has("pool_max_conns") {
		// Changes in shared mode hold a connection each while readers
		// read: more than pgx's default (the number of CPUs, at least 4).
		cfg.MaxConns = max(cfg.MaxConns, 12)
	}
	// The rows of the lock table are made through connections of their
	// own, so that making one never waits for a connection a transaction
	// that waits for the row holds.
	lockCfg := cfg.Copy()
	lockCfg.MaxConns, lockCfg.MinConns = 2, 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", name, err)
	}
	lockPool, err := pgxpool.NewWithConfig(ctx, lockCfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("store %s: %w", name, err)
	}
	db := &DB{name: name, pool: pool, lockPool: lockPool, readOnly: opt.ReadOnly, now: opt.Now}
	if db.now == nil {
		db.now = time.Now
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// migrate creates the schema, or checks it when read-only.
func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store %s: %w", db.name, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass('concord_schema') IS NOT NULL").Scan(&exists); err != nil {
		return fmt.Errorf("store %s: %w", db.name, err)
	}
	v := 0
	if exists {
		if err := tx.QueryRow(ctx, "SELECT version FROM concord_schema").Scan(&v); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store %s: %w", db.name, err)
		}
	}
	switch {
	case v > schemaVersion:
		return fmt.Errorf("store %s: schema version %d, this build knows version %d", db.name, v, schemaVersion)
	case db.readOnly && v != schemaVersion && v != 3:
		return fmt.Errorf("store %s: schema version %d, this build reads version %d (and 3)", db.name, v, schemaVersion)
	case db.readOnly || v == schemaVersion:
		return nil
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
		return fmt.Errorf("store %s: %w", db.name, err)
	}
	// Read again under the lock: another process may have migrated.
	if err := tx.QueryRow(ctx, "SELECT to_regclass('concord_schema') IS NOT NULL").Scan(&exists); err != nil {
		return fmt.Errorf("store %s: %w", db.name, err)
	}
	if exists {
		if err := tx.QueryRow(ctx, "SELECT version FROM concord_schema").Scan(&v); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store %s: %w", db.name, err)
		}
	}
	if v == schemaVersion {
		return nil
	}
	if v < 1 {
		if _, err := tx.Exec(ctx, schema+`
CREATE TABLE IF NOT EXISTS concord_schema(version INTEGER NOT NULL);`); err != nil {
			return fmt.Errorf("store %s: create schema: %w", db.name, err)
		}
	}
	if v < 2 {
		if _, err := tx.Exec(ctx, schema2); err != nil {
			return fmt.Errorf("store %s: migrate to schema version 2: %w", db.name, err)
		}
		if err := indexKeys(ctx, tx); err != nil {
			return fmt.Errorf("store %s: migrate to schema version 2: %w", db.name, err)
		}
	}
	if v < 3 {
		if _, err := tx.Exec(ctx, schema3); err != nil {
			return fmt.Errorf("store %s: migrate to schema version 3: %w", db.name, err)
		}
	}
	if v < 4 {
		if _, err := tx.Exec(ctx, schema4); err != nil {
			return fmt.Errorf("store %s: migrate to schema version 4: %w", db.name, err)
		}
	}
	if _, err := tx.Exec(ctx, "DELETE FROM concord_schema"); err != nil {
		return fmt.Errorf("store %s: %w", db.name, err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO concord_schema(version) VALUES($1)", schemaVersion); err != nil {
		return fmt.Errorf("store %s: %w", db.name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("store %s: create schema: %w", db.name, err)
	}
	return nil
}

// indexKeys fills record_keys from the keys every record row holds (a
// store of version 1).
func indexKeys(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, "SELECT id, keys FROM records")
	if err != nil {
		return err
	}
	var in [][]any
	for rows.Next() {
		var id int64
		var keys []byte
		if err := rows.Scan(&id, &keys); err != nil {
			rows.Close()
			return err
		}
		for _, k := range store.DecodeKeys(keys) {
			in = append(in, []any{int64(k), id})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"record_keys"}, []string{"k", "rec"}, pgx.CopyFromRows(in))
	return err
}

// Close closes the connections.
func (db *DB) Close() error {
	db.pool.Close()
	db.lockPool.Close()
	return nil
}

// Name returns the store's URL without credentials or parameters.
func (db *DB) Name() string { return db.name }

// Begin starts a transaction: a write transaction waits for the writer
// lock.
func (db *DB) Begin(ctx context.Context, write bool) (store.Tx, error) {
	if write && db.readOnly {
		return nil, fmt.Errorf("store %s: %w", db.name, store.ErrReadOnly)
	}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	if write {
		opts = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
	}
	tx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store %s: begin: %w", db.name, err)
	}
	t := &Tx{db: db, tx: tx, write: write}
	if write {
		// Serialised writers: the row lock is held to the end of the
		// transaction.
		if _, err := tx.Exec(ctx, "SELECT id FROM writer WHERE id = 1 FOR UPDATE"); err != nil {
			t.Rollback()
			return nil, fmt.Errorf("store %s: begin: %w", db.name, err)
		}
	}
	return t, nil
}

// Tx is a transaction on a DB.
type Tx struct {
	db    *DB
	tx    pgx.Tx
	write bool
	done  bool
	// behind holds a shared transaction's writes not sent yet: they go in
	// one round trip before its next read, lock or commit (or once they
	// are maxBehind), with the check of each one's row count. A write's
	// error then comes from that call.
	behind *pgx.Batch
	checks []func(n int64) error
	// pend are writes held back further, to go as one statement per kind
	// at the end of the next batch (pending.go).
	pend pending
	// bulk is set once rows were loaded with COPY: the planner's
	// statistics are brought up to date before the commit.
	bulk bool
}

// put runs a write whose result is only its row count, checked by want
// (nil: any count); a shared transaction sends it with the next read.
func (t *Tx) put(ctx context.Context, want func(n int64) error, q string, args ...any) error {
	if !t.write {
		return errReadOnly
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if t.behind == nil {
		tag, err := t.tx.Exec(ctx, q, args...)
		if err != nil {
			return wrap(err)
		}
		if want != nil {
			return want(tag.RowsAffected())
		}
		return nil
	}
	t.queuePending() // they go first: this write may not commute with them
	t.behind.Queue(q, args...)
	t.checks = append(t.checks, want)
	if t.behind.Len() >= maxBehind {
		return t.flush(ctx)
	}
	return nil
}

// maxBehind bounds the writes held back: a longer run is sent at once.
const maxBehind = 1000

// takeBehind returns the writes held back as a batch to send, with their
// checks, and starts holding afresh; with none held back, an empty batch.
func (t *Tx) takeBehind() (*pgx.Batch, []func(int64) error) {
	if t.behind == nil {
		return &pgx.Batch{}, nil
	}
	t.queuePending()
	b, checks := t.behind, t.checks
	t.behind, t.checks = &pgx.Batch{}, nil
	return b, checks
}

// flush sends the writes held back, in one round trip, and checks them.
func (t *Tx) flush(ctx context.Context) error {
	if t.behind == nil || t.behind.Len()+t.pend.rows() == 0 {
		return nil
	}
	b, checks := t.takeBehind()
	br := t.tx.SendBatch(ctx, b)
	first := sendChecks(br, checks)
	if err := br.Close(); err != nil && first == nil {
		first = wrap(err)
	}
	return first
}

var errReadOnly = errors.New("write in a read-only transaction")

// exec runs a statement that changes the store.
func (t *Tx) exec(ctx context.Context, q string, args ...any) (int64, error) {
	if !t.write {
		return 0, errReadOnly
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	if err := t.flush(ctx); err != nil {
		return 0, err
	}
	tag, err := t.tx.Exec(ctx, q, args...)
	if err != nil {
		return 0, wrap(err)
	}
	return tag.RowsAffected(), nil
}

// queryRow reads one row into dest; no row is store.ErrNotFound.
func (t *Tx) queryRow(ctx context.Context, q string, args []any, dest ...any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	err := t.tx.QueryRow(ctx, q, args...).Scan(dest...)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return wrap(err)
	}
	return nil
}

// each runs q and calls row for every row until it returns false or an
// error, checking ctx at every row.
func each(ctx context.Context, t *Tx, q string, args []any, row func(pgx.Rows) (bool, error)) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	rows, err := t.tx.Query(ctx, q, args...)
	if err != nil {
		return wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		more, err := row(rows)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if !more {
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrap(err)
	}
	return nil
}

// collect runs q and returns every row as scan reads it.
func collect[T any](ctx context.Context, t *Tx, q string, args []any, scan func(pgx.Rows) (T, error)) ([]T, error) {
	var out []T
	err := each(ctx, t, q, args, func(rows pgx.Rows) (bool, error) {
		v, err := scan(rows)
		out = append(out, v)
		return true, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sqlLimit is a LIMIT: PostgreSQL reads NULL as none.
func sqlLimit(limit int) any {
	if limit <= 0 {
		return nil
	}
	return limit
}

// Commit commits the transaction.
func (t *Tx) Commit() error {
	if t.done {
		return fmt.Errorf("store %s: commit of a finished transaction", t.db.name)
	}
	if err := t.flush(context.Background()); err != nil {
		t.Rollback()
		return fmt.Errorf("store %s: commit: %w", t.db.name, err)
	}
	if t.bulk {
		// Plans made for the tables as they were (nearly empty) would
		// scan them whole from now on.
		if _, err := t.tx.Exec(context.Background(), "ANALYZE records, record_keys, links"); err != nil {
			t.Rollback()
			return fmt.Errorf("store %s: commit: %w", t.db.name, wrap(err))
		}
	}
	t.done = true
	if err := t.tx.Commit(context.Background()); err != nil {
		return fmt.Errorf("store %s: commit: %w", t.db.name, wrap(err))
	}
	return nil
}

// Rollback abandons the transaction; after Commit it does nothing.
func (t *Tx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	if err := t.tx.Rollback(context.Background()); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		return fmt.Errorf("store %s: rollback: %w", t.db.name, err)
	}
	return nil
}

// Meta returns the value stored under key.
func (t *Tx) Meta(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	if err := t.queryRow(ctx, "SELECT v FROM meta WHERE k = $1", []any{key}, &v); err != nil {
		return nil, fmt.Errorf("meta %q: %w", key, err)
	}
	return v, nil
}

// SetMeta stores value under key.
func (t *Tx) SetMeta(ctx context.Context, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	return t.put(ctx, nil, metaWrite, key, value)
}

// id returns the row id of a record.
func (t *Tx) id(ctx context.Context, key record.Key) (int64, error) {
	var id int64
	if err := t.queryRow(ctx, "SELECT id FROM records WHERE source = $1 AND rid = $2", []any{key.Source, key.ID}, &id); err != nil {
		return 0, fmt.Errorf("record %s: %w", key, err)
	}
	return id, nil
}

// Record returns a stored record.
func (t *Tx) Record(ctx context.Context, key record.Key) (store.Record, error) {
	r := store.Record{Key: key}
	var ent string
	var keys []byte
	if err := t.queryRow(ctx, "SELECT entity, data, keys FROM records WHERE source = $1 AND rid = $2",
		[]any{key.Source, key.ID}, &ent, &r.Data, &keys); err != nil {
		return r, fmt.Errorf("record %s: %w", key, err)
	}
	r.Entity, r.Keys = record.EntityID(ent), store.DecodeKeys(keys)
	return r, nil
}

// PutRecord inserts or replaces a record, its keys and entity.
func (t *Tx) PutRecord(ctx context.Context, r store.Record) error {
	if t.behind != nil {
		return t.putRecord(ctx, r)
	}
	q, args := recordsWrite([]store.Record{r})
	return t.put(ctx, nil, q, args...)
}

// signedKeys are blocking keys as PostgreSQL's BIGINT holds them (the
// same bits).
func signedKeys(keys []uint64) []int64 {
	out := make([]int64, len(keys))
	for i, k := range keys {
		out[i] = int64(k)
	}
	return out
}

// PutRecords adds records with COPY; none may be stored already.
func (t *Tx) PutRecords(ctx context.Context, rs []store.Record) error {
	if !t.write {
		return errReadOnly
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	t.bulk = true
	// The rows' ids are taken from the sequence first, so that the keys'
	// index is copied with them, without looking the records up again.
	ids, err := collect(ctx, t, "SELECT nextval(pg_get_serial_sequence('records', 'id')) FROM generate_series(1, $1)", []any{len(rs)},
		func(rows pgx.Rows) (id int64, err error) {
			err = rows.Scan(&id)
			return id, err
		})
	if err != nil {
		return err
	}
	_, err = t.tx.CopyFrom(ctx, pgx.Identifier{"records"}, []string{"id", "source", "rid", "entity", "data", "keys"},
		pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) {
			r := &rs[i]
			data := r.Data
			if data == nil {
				data = []byte{}
			}
			return []any{ids[i], r.Key.Source, r.Key.ID, string(r.Entity), data, store.EncodeKeys(r.Keys)}, nil
		}))
	if err != nil {
		return fmt.Errorf("store: copy records: %w", wrap(err))
	}
	var keys [][]any
	for i := range rs {
		for _, k := range rs[i].Keys {
			keys = append(keys, []any{int64(k), ids[i]})
		}
	}
	if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"record_keys"}, []string{"k", "rec"}, pgx.CopyFromRows(keys)); err != nil {
		return fmt.Errorf("store: copy keys: %w", wrap(err))
	}
	return nil
}

// PutLinks adds links with COPY, through a table of the transaction's
// own that names records by key; none may be stored already.
func (t *Tx) PutLinks(ctx context.Context, ls []record.Link) error {
	return t.copyPairs(ctx, "links", "weight DOUBLE PRECISION", []string{"weight"}, len(ls), func(i int) (record.Pair, []any) {
		return record.NewPair(ls[i].A, ls[i].B), []any{ls[i].Weight}
	})
}

// PutReviews adds pairs for review between stored records; none may be
// stored already.
func (t *Tx) PutReviews(ctx context.Context, rs []record.Review) error {
	return t.copyPairs(ctx, "reviews", "weight DOUBLE PRECISION, reason TEXT, rule TEXT", []string{"weight", "reason", "rule"}, len(rs),
		func(i int) (record.Pair, []any) {
			return record.NewPair(rs[i].A, rs[i].B), []any{rs[i].Weight, rs[i].Reason, rs[i].Rule}
		})
}

// copyPairs adds n rows to table (links or reviews), each a pair of
// stored records with the columns cols (declared as decl): COPY into a
// temporary table by the records' keys, then one INSERT that finds their
// ids. A pair naming a record not stored is ErrNotFound.
func (t *Tx) copyPairs(ctx context.Context, table, decl string, cols []string, n int, row func(i int) (record.Pair, []any)) error {
	in := table + "_in"
	if _, err := t.exec(ctx, `CREATE TEMPORARY TABLE `+in+`(a_source TEXT COLLATE "C", a_rid TEXT COLLATE "C",
		b_source TEXT COLLATE "C", b_rid TEXT COLLATE "C", `+decl+`) ON COMMIT DROP`); err != nil {
		return err
	}
	_, err := t.tx.CopyFrom(ctx, pgx.Identifier{in}, append([]string{"a_source", "a_rid", "b_source", "b_rid"}, cols...),
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			p, rest := row(i)
			return append([]any{p.A.Source, p.A.ID, p.B.Source, p.B.ID}, rest...), nil
		}))
	if err != nil {
		return fmt.Errorf("store: copy %s: %w", table, err)
	}
	list := "p." + strings.Join(cols, ", p.")
	added, err := t.exec(ctx, `INSERT INTO `+table+`(a, b, `+strings.Join(cols, ", ")+`) SELECT ra.id, rb.id, `+list+` FROM `+in+` p
		JOIN records ra ON ra.source = p.a_source AND ra.rid = p.a_rid JOIN records rb ON rb.source = p.b_source AND rb.rid = p.b_rid`)
	if err != nil {
		return err
	}
	if added != int64(n) {
		return fmt.Errorf("store: %d of %d %s name records that are not stored: %w", int64(n)-added, n, table, store.ErrNotFound)
	}
	_, err = t.exec(ctx, "DROP TABLE "+in)
	return err
}

// DeleteRecord removes a record with its keys, links and reviews.
func (t *Tx) DeleteRecord(ctx context.Context, key record.Key) error {
	if err := t.Supersede(ctx, key); err != nil {
		return err
	}
	for _, q := range []string{
		"DELETE FROM links WHERE a = " + recordID, "DELETE FROM links WHERE b = " + recordID,
		"DELETE FROM record_keys WHERE rec = " + recordID,
	} {
		if err := t.put(ctx, nil, q, key.Source, key.ID); err != nil {
			return err
		}
	}
	return t.put(ctx, notFoundUnless(1, "record %s", key), "DELETE FROM records WHERE source = $1 AND rid = $2", key.Source, key.ID)
}

// recordID is the id of the record named by $1 (source) and $2 (id).
const recordID = "(SELECT id FROM records WHERE source = $1 AND rid = $2)"

// notFoundUnless checks that a write touched n rows: fewer is the thing
// named not found.
func notFoundUnless(n int64, what string, args ...any) func(int64) error {
	return func(got int64) error {
		if got < n {
			return fmt.Errorf("%s: %w", fmt.Sprintf(what, args...), store.ErrNotFound)
		}
		return nil
	}
}

// Supersede drops the pairs for review that name a record, and its
// rejects, before PutRecord replaces it; its links stay.
func (t *Tx) Supersede(ctx context.Context, key record.Key) error {
	for _, q := range []string{"DELETE FROM reviews WHERE a = " + recordID, "DELETE FROM reviews WHERE b = " + recordID} {
		if err := t.put(ctx, nil, q, key.Source, key.ID); err != nil {
			return err
		}
	}
	return t.DropRejects(ctx, key)
}

// DropRejects drops a record's rejects.
func (t *Tx) DropRejects(ctx context.Context, key record.Key) error {
	return t.put(ctx, nil, "DELETE FROM rejects WHERE source = $1 AND rid = $2", key.Source, key.ID)
}

// SetEntity moves a record to another entity.
func (t *Tx) SetEntity(ctx context.Context, key record.Key, entity record.EntityID) error {
	if t.behind != nil {
		return t.setEntity(ctx, key, entity)
	}
	q, args := movesWrite([]record.Key{key}, []record.EntityID{entity})
	return t.put(ctx, notFoundUnless(1, "record %s", key), q, args...)
}

// Records calls fn for every record in key order. fn must not use t.
func (t *Tx) Records(ctx context.Context, fn func(store.Record) bool) error {
	return t.records(ctx, "SELECT source, rid, entity, data, keys FROM records ORDER BY source, rid", nil, fn)
}

// SourceRecords calls fn for the first records of a source in id order,
// at most limit of them, until fn returns false.
func (t *Tx) SourceRecords(ctx context.Context, source string, limit int, fn func(store.Record) bool) error {
	return t.records(ctx, "SELECT source, rid, entity, data, keys FROM records WHERE source = $1 ORDER BY rid LIMIT $2", []any{source, limit}, fn)
}

func (t *Tx) records(ctx context.Context, q string, args []any, fn func(store.Record) bool) error {
	return each(ctx, t, q, args,
		func(rows pgx.Rows) (bool, error) {
			var r store.Record
			var ent string
			var keys []byte
			if err := rows.Scan(&r.Key.Source, &r.Key.ID, &ent, &r.Data, &keys); err != nil {
				return false, err
			}
			r.Entity, r.Keys = record.EntityID(ent), store.DecodeKeys(keys)
			return fn(r), nil
		})
}

// CountRecords returns how many records are stored.
func (t *Tx) CountRecords(ctx context.Context) (int64, error) {
	var n int64
	err := t.queryRow(ctx, "SELECT count(*) FROM records", nil, &n)
	return n, err
}

// CountBySource returns how many records each source has stored.
func (t *Tx) CountBySource(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := each(ctx, t, "SELECT source, count(*) FROM records GROUP BY source", nil, func(rows pgx.Rows) (bool, error) {
		var src string
		var n int64
		err := rows.Scan(&src, &n)
		out[src] = n
		return true, err
	})
	return out, err
}

// ReviewCounts counts the pairs in review per pair of sources.
func (t *Tx) ReviewCounts(ctx context.Context) ([]store.PairCount, error) {
	rows, err := collect(ctx, t, `SELECT ra.source, rb.source, count(*) FROM reviews r
		JOIN records ra ON ra.id = r.a JOIN records rb ON rb.id = r.b GROUP BY ra.source, rb.source`, nil,
		func(rows pgx.Rows) (c store.PairCount, err error) {
			err = rows.Scan(&c.A, &c.B, &c.N)
			return c, err
		})
	return store.SumPairCounts(rows), err
}

// AddBacklog notes the pairs in review at a time, per pair of sources.
func (t *Tx) AddBacklog(ctx context.Context, at time.Time, counts []store.PairCount) error {
	for _, c := range counts {
		if err := t.put(ctx, nil, "INSERT INTO backlog(at, a, b, n) VALUES($1, $2, $3, $4)", at.UnixMilli(), c.A, c.B, c.N); err != nil {
			return err
		}
	}
	return t.put(ctx, nil, "DELETE FROM backlog WHERE at < $1", at.AddDate(0, 0, -store.BacklogDays).UnixMilli())
}

// Backlog returns the notes of the review backlog since a time.
func (t *Tx) Backlog(ctx context.Context, since time.Time) ([]store.BacklogNote, error) {
	return collect(ctx, t, "SELECT at, a, b, n FROM backlog WHERE at >= $1 ORDER BY at, a, b", []any{since.UnixMilli()},
		func(rows pgx.Rows) (n store.BacklogNote, err error) {
			var at int64
			err = rows.Scan(&at, &n.A, &n.B, &n.N)
			n.At = time.UnixMilli(at).UTC()
			return n, err
		})
}

// PutWebSession stores or replaces a workbench session, dropping the
// sessions expired at now.
func (t *Tx) PutWebSession(ctx context.Context, s store.WebSession, now time.Time) error {
	if err := t.put(ctx, nil, "DELETE FROM web_sessions WHERE expires <= $1", now.UnixMilli()); err != nil {
		return err
	}
	return t.put(ctx, nil, `INSERT INTO web_sessions(id, principal, purpose, csrf, key_hash, expires) VALUES($1, $2, $3, $4, $5, $6)
		ON CONFLICT(id) DO UPDATE SET principal = excluded.principal, purpose = excluded.purpose, csrf = excluded.csrf,
		key_hash = excluded.key_hash, expires = excluded.expires`, s.ID, s.Principal, s.Purpose, s.CSRF, s.KeyHash, s.Expires.UnixMilli())
}

// CountWebSessions counts the workbench sessions stored.
func (t *Tx) CountWebSessions(ctx context.Context) (int64, error) {
	var n int64
	err := t.queryRow(ctx, "SELECT count(*) FROM web_sessions", nil, &n)
	return n, err
}

// WebSession reads a workbench session.
func (t *Tx) WebSession(ctx context.Context, id string) (store.WebSession, error) {
	s := store.WebSession{ID: id}
	var expires int64
	err := t.queryRow(ctx, "SELECT principal, purpose, csrf, key_hash, expires FROM web_sessions WHERE id = $1", []any{id}, &s.Principal, &s.Purpose, &s.CSRF, &s.KeyHash, &expires)
	s.Expires = time.UnixMilli(expires).UTC()
	return s, err
}

// DeleteWebSession ends a workbench session.
func (t *Tx) DeleteWebSession(ctx context.Context, id string) error {
	return t.put(ctx, nil, "DELETE FROM web_sessions WHERE id = $1", id)
}

// PutLoginFlow stores a log-in under way, dropping those expired at now.
func (t *Tx) PutLoginFlow(ctx context.Context, f store.LoginFlow, now time.Time) error {
	if err := t.put(ctx, nil, "DELETE FROM login_flows WHERE expires <= $1", now.UnixMilli()); err != nil {
		return err
	}
	return t.put(ctx, nil, "INSERT INTO login_flows(id, binder, nonce, verifier, expires) VALUES($1, $2, $3, $4, $5)", f.ID, f.Binder, f.Nonce, f.Verifier, f.Expires.UnixMilli())
}

// CountLoginFlows counts the log-ins under way stored.
func (t *Tx) CountLoginFlows(ctx context.Context) (int64, error) {
	var n int64
	err := t.queryRow(ctx, "SELECT count(*) FROM login_flows", nil, &n)
	return n, err
}

// TakeLoginFlow reads a log-in under way and deletes it.
func (t *Tx) TakeLoginFlow(ctx context.Context, id string) (store.LoginFlow, error) {
	f := store.LoginFlow{ID: id}
	var expires int64
	if err := t.queryRow(ctx, "SELECT binder, nonce, verifier, expires FROM login_flows WHERE id = $1", []any{id}, &f.Binder, &f.Nonce, &f.Verifier, &expires); err != nil {
		return f, err
	}
	f.Expires = time.UnixMilli(expires).UTC()
	return f, t.put(ctx, nil, "DELETE FROM login_flows WHERE id = $1", id)
}

// PutRejects keeps rejects, the newest store.MaxRejects of them.
func (t *Tx) PutRejects(ctx context.Context, rs []store.Reject) error {
	for _, r := range rs {
		r = store.BoundReject(r)
		if err := t.put(ctx, nil, `INSERT INTO rejects(at, scope, source, rid, line, field, reason, class, raw) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			r.At.UnixMilli(), r.Scope, r.Source, r.ID, r.Line, r.Field, r.Reason, store.RejectClass(r.Reason), r.Raw); err != nil {
			return err
		}
	}
	if len(rs) == 0 {
		return nil
	}
	return t.put(ctx, nil, "DELETE FROM rejects WHERE id <= (SELECT max(id) FROM rejects) - $1", store.MaxRejects)
}

// RejectCounts counts the kept rejects by source, scope, field and class.
func (t *Tx) RejectCounts(ctx context.Context) ([]store.RejectCount, error) {
	return collect(ctx, t, "SELECT source, scope, field, class, count(*) FROM rejects GROUP BY source, scope, field, class ORDER BY source, scope, field, class", nil,
		func(rows pgx.Rows) (c store.RejectCount, err error) {
			err = rows.Scan(&c.Source, &c.Scope, &c.Field, &c.Class, &c.N)
			return c, err
		})
}

// RejectsOf returns the kept rejects of records, oldest first.
func (t *Tx) RejectsOf(ctx context.Context, keys []record.Key) ([]store.Reject, error) {
	sources, ids := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		sources[i], ids[i] = k.Source, k.ID
	}
	out, err := collect(ctx, t, `SELECT at, scope, r.source, r.rid, line, field, reason, raw FROM rejects r
		JOIN unnest($1::text[], $2::text[]) AS k(source, rid) ON r.source = k.source AND r.rid = k.rid ORDER BY r.id`, []any{sources, ids},
		func(rows pgx.Rows) (r store.Reject, err error) {
			var at int64
			err = rows.Scan(&at, &r.Scope, &r.Source, &r.ID, &r.Line, &r.Field, &r.Reason, &r.Raw)
			r.At = time.UnixMilli(at).UTC()
			return r, err
		})
	store.SortRejects(out)
	return out, err
}

// WeightCounts counts the stored links and reviews by the sources of
// their records and their weight rounded down to whole bits.
func (t *Tx) WeightCounts(ctx context.Context) ([]store.WeightCount, error) {
	const q = `SELECT ra.source, rb.source, p.bits, sum(p.link), sum(1 - p.link) FROM (
		SELECT a, b, floor(weight)::int AS bits, 1 AS link FROM links
		UNION ALL SELECT a, b, floor(weight)::int, 0 FROM reviews) p
	JOIN records ra ON ra.id = p.a JOIN records rb ON rb.id = p.b
	GROUP BY ra.source, rb.source, p.bits`
	var rows []store.WeightCount
	err := each(ctx, t, q, nil, func(r pgx.Rows) (bool, error) {
		var c store.WeightCount
		err := r.Scan(&c.A, &c.B, &c.Bits, &c.Links, &c.Reviews)
		rows = append(rows, c)
		return true, err
	})
	return store.SumWeightCounts(rows), err
}

// Members returns the records of an entity in key order.
func (t *Tx) Members(ctx context.Context, entity record.EntityID) ([]record.Key, error) {
	keys, err := collect(ctx, t, "SELECT source, rid FROM records WHERE entity = $1 ORDER BY source, rid", []any{string(entity)},
		func(rows pgx.Rows) (k record.Key, err error) {
			err = rows.Scan(&k.Source, &k.ID)
			return k, err
		})
	if err == nil && len(keys) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("entity %s: %w", entity, err)
	}
	return keys, nil
}

// MemberRecords returns an entity's records in key order and the links
// that name them.
func (t *Tx) MemberRecords(ctx context.Context, entity record.EntityID) ([]store.Record, []record.Link, error) {
	recs, err := collect(ctx, t, "SELECT source, rid, data, keys FROM records WHERE entity = $1 ORDER BY source, rid", []any{string(entity)},
		func(rows pgx.Rows) (r store.Record, err error) {
			var keys []byte
			err = rows.Scan(&r.Key.Source, &r.Key.ID, &r.Data, &keys)
			r.Entity, r.Keys = entity, store.DecodeKeys(keys)
			return r, err
		})
	if err == nil && len(recs) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("entity %s: %w", entity, err)
	}
	// Each side by its own index; a link within the entity comes once.
	links, err := collect(ctx, t, linksQuery+" WHERE l.a IN (SELECT id FROM records WHERE entity = $1) UNION ALL "+
		linksQuery+" WHERE l.b IN (SELECT id FROM records WHERE entity = $1) AND ra.entity != $1", []any{string(entity)}, scanLink)
	if err != nil {
		return nil, nil, fmt.Errorf("entity %s: %w", entity, err)
	}
	return recs, links, nil
}

// PutLink stores or replaces a link.
func (t *Tx) PutLink(ctx context.Context, l record.Link) error {
	if t.behind != nil {
		return t.putLink(ctx, l)
	}
	p := record.NewPair(l.A, l.B)
	q, args := linksWrite([]record.Link{l})
	return t.put(ctx, notFoundUnless(1, "link %s–%s", p.A, p.B), q, args...)
}

const linksQuery = `SELECT ra.source, ra.rid, rb.source, rb.rid, l.weight FROM links l
	JOIN records ra ON ra.id = l.a JOIN records rb ON rb.id = l.b`

func scanLink(rows pgx.Rows) (l record.Link, err error) {
	err = rows.Scan(&l.A.Source, &l.A.ID, &l.B.Source, &l.B.ID, &l.Weight)
	return l, err
}

// DeleteLink removes the link between two records.
func (t *Tx) DeleteLink(ctx context.Context, a, b record.Key) error {
	p := record.NewPair(a, b)
	return t.put(ctx, notFoundUnless(1, "link %s–%s", p.A, p.B), `DELETE FROM links
		WHERE a = (SELECT id FROM records WHERE source = $1 AND rid = $2) AND b = (SELECT id FROM records WHERE source = $3 AND rid = $4)`,
		p.A.Source, p.A.ID, p.B.Source, p.B.ID)
}

// Links returns the links that name key.
func (t *Tx) Links(ctx context.Context, key record.Key) ([]record.Link, error) {
	id, err := t.id(ctx, key)
	if err != nil {
		return nil, err
	}
	return collect(ctx, t, linksQuery+" WHERE l.a = $1 OR l.b = $1", []any{id}, scanLink)
}

// EachLink calls fn for every link. fn must not use t.
func (t *Tx) EachLink(ctx context.Context, fn func(record.Link) bool) error {
	return each(ctx, t, linksQuery, nil, func(rows pgx.Rows) (bool, error) {
		l, err := scanLink(rows)
		return err == nil && fn(l), err
	})
}

// PutReview stores or replaces a pair for review.
func (t *Tx) PutReview(ctx context.Context, r record.Review) error {
	if t.behind != nil {
		return t.putReview(ctx, r)
	}
	p := record.NewPair(r.A, r.B)
	q, args := reviewsWrite([]record.Review{r})
	return t.put(ctx, notFoundUnless(1, "review %s–%s", p.A, p.B), q, args...)
}

// ReviewedRecords returns the records some pair for review names.
func (t *Tx) ReviewedRecords(ctx context.Context) ([]record.Key, error) {
	return collect(ctx, t, "SELECT source, rid FROM records WHERE id IN (SELECT a FROM reviews UNION SELECT b FROM reviews)", nil,
		func(rows pgx.Rows) (k record.Key, err error) {
			err = rows.Scan(&k.Source, &k.ID)
			return k, err
		})
}

// Reviews returns the pairs for review naming key, or all of them.
func (t *Tx) Reviews(ctx context.Context, key record.Key, after *record.Review, limit int) ([]record.Review, error) {
	if key == (record.Key{}) {
		return t.ReviewQueue(ctx, store.ReviewQuery{After: after, Limit: limit})
	}
	id, err := t.id(ctx, key)
	if err != nil {
		return nil, err
	}
	// Each side by its own index.
	q := `SELECT ra.source, ra.rid, rb.source, rb.rid, v.weight, v.reason, v.rule
		FROM (SELECT * FROM reviews WHERE a = $1 UNION ALL SELECT * FROM reviews WHERE b = $1 AND a != $1) v
		JOIN records ra ON ra.id = v.a JOIN records rb ON rb.id = v.b WHERE true`
	q, args := reviewsAfter(q, []any{id}, after, false)
	args = append(args, sqlLimit(limit))
	q += fmt.Sprintf(" ORDER BY v.weight DESC, ra.source, ra.rid, rb.source, rb.rid LIMIT $%d", len(args))
	return collect(ctx, t, q, args, scanReview)
}

// ReviewQueue returns a page of the review queue, strongest first or
// nearest even odds first, by the index of the weights or of their sizes.
func (t *Tx) ReviewQueue(ctx context.Context, rq store.ReviewQuery) ([]record.Review, error) {
	order := "v.weight DESC"
	if rq.Uncertain {
		order = "abs(v.weight)"
	}
	q := `SELECT ra.source, ra.rid, rb.source, rb.rid, v.weight, v.reason, v.rule FROM reviews v
		JOIN records ra ON ra.id = v.a JOIN records rb ON rb.id = v.b WHERE true`
	if rq.Apart {
		q += " AND ra.entity != rb.entity"
	}
	q, args := reviewsAfter(q, nil, rq.After, rq.Uncertain)
	args = append(args, sqlLimit(rq.Limit))
	q += fmt.Sprintf(" ORDER BY %s, ra.source, ra.rid, rb.source, rb.rid LIMIT $%d", order, len(args))
	return collect(ctx, t, q, args, scanReview)
}

// reviewsAfter adds to a query of pairs for review (v, its records ra
// and rb) whose parameters are args the pairs after the pair after (nil:
// none), strongest first or, uncertain, nearest even odds first: the bound
// on the weight (or its size) first, so that the index reads from there.
func reviewsAfter(q string, args []any, after *record.Review, uncertain bool) (string, []any) {
	if after == nil {
		return q, args
	}
	p := record.NewPair(after.A, after.B)
	size, within, past, w := "v.weight", "<=", "<", after.Weight
	if uncertain {
		size, within, past, w = "abs(v.weight)", ">=", ">", math.Abs(after.Weight)
	}
	n := len(args)
	q += fmt.Sprintf(" AND %[1]s %[2]s $%[4]d AND (%[1]s %[3]s $%[4]d OR (%[1]s = $%[4]d AND (ra.source, ra.rid, rb.source, rb.rid) > ($%[5]d, $%[6]d, $%[7]d, $%[8]d)))",
		size, within, past, n+1, n+2, n+3, n+4, n+5)
	return q, append(args, w, p.A.Source, p.A.ID, p.B.Source, p.B.ID)
}

// scanReview reads a pair for review as Reviews and ReviewQueue select
// it.
func scanReview(rows pgx.Rows) (r record.Review, err error) {
	err = rows.Scan(&r.A.Source, &r.A.ID, &r.B.Source, &r.B.ID, &r.Weight, &r.Reason, &r.Rule)
	return r, err
}

// PutDecision stores a decision, replacing an earlier one on the pair.
func (t *Tx) PutDecision(ctx context.Context, d record.Decision) error {
	p := record.NewPair(d.A, d.B)
	if d.Time.IsZero() {
		d.Time = t.db.now()
	}
	return t.put(ctx, nil, `INSERT INTO decisions(a_source, a_rid, b_source, b_rid, verdict, reviewer, comment, at) VALUES($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT(a_source, a_rid, b_source, b_rid) DO UPDATE SET verdict = excluded.verdict, reviewer = excluded.reviewer,
		comment = excluded.comment, at = excluded.at`,
		p.A.Source, p.A.ID, p.B.Source, p.B.ID, string(d.Verdict), d.Reviewer, d.Comment, d.Time.UnixNano())
}

// Decisions returns the decisions naming key, or all of them.
func (t *Tx) Decisions(ctx context.Context, key record.Key) ([]record.Decision, error) {
	q := "SELECT a_source, a_rid, b_source, b_rid, verdict, reviewer, comment, at FROM decisions"
	var args []any
	if key != (record.Key{}) {
		q += " WHERE (a_source = $1 AND a_rid = $2) OR (b_source = $1 AND b_rid = $2)"
		args = append(args, key.Source, key.ID)
	}
	return collect(ctx, t, q+" ORDER BY a_source, a_rid, b_source, b_rid", args, scanDecision)
}

func scanDecision(rows pgx.Rows) (d record.Decision, err error) {
	var at int64
	var verdict string
	err = rows.Scan(&d.A.Source, &d.A.ID, &d.B.Source, &d.B.ID, &verdict, &d.Reviewer, &d.Comment, &at)
	d.Verdict, d.Time = record.Verdict(verdict), time.Unix(0, at).UTC()
	return d, err
}

// DeleteDecisions removes the decisions naming key.
func (t *Tx) DeleteDecisions(ctx context.Context, key record.Key) error {
	return t.put(ctx, nil, "DELETE FROM decisions WHERE (a_source = $1 AND a_rid = $2) OR (b_source = $1 AND b_rid = $2)", key.Source, key.ID)
}

// DeleteReview takes a pair off the review queue.
func (t *Tx) DeleteReview(ctx context.Context, a, b record.Key) error {
	p := record.NewPair(a, b)
	return t.put(ctx, nil, `DELETE FROM reviews WHERE a = (SELECT id FROM records WHERE source = $1 AND rid = $2)
		AND b = (SELECT id FROM records WHERE source = $3 AND rid = $4)`, p.A.Source, p.A.ID, p.B.Source, p.B.ID)
}

// AppendAudit appends a chained entry and makes it the head.
func (t *Tx) AppendAudit(ctx context.Context, e audit.Entry) error {
	entry, err := store.EncodeAudit(e)
	if err != nil {
		return err
	}
	if t.behind != nil {
		return t.appendAudit(ctx, e.Seq, entry, audit.HeadOf(e))
	}
	if err := t.put(ctx, nil, auditWrite, []int64{e.Seq}, []string{entry}); err != nil {
		return err
	}
	return t.SetMeta(ctx, store.MetaAuditHead, store.EncodeAuditHead(audit.HeadOf(e)))
}

// AuditHead returns the head of the audit log.
func (t *Tx) AuditHead(ctx context.Context) (audit.Head, error) {
	return store.DecodeAuditHead(t.Meta(ctx, store.MetaAuditHead))
}

// AuditEntries calls fn for every audit entry after sequence number after.
func (t *Tx) AuditEntries(ctx context.Context, after int64, fn func(audit.Entry) bool) error {
	return each(ctx, t, "SELECT seq, entry FROM audit WHERE seq > $1 ORDER BY seq", []any{after}, func(rows pgx.Rows) (bool, error) {
		var seq int64
		var data string
		if err := rows.Scan(&seq, &data); err != nil {
			return false, err
		}
		e, err := store.DecodeAudit(seq, data)
		if err != nil {
			return false, err
		}
		return fn(e), nil
	})
}

// AddEvent appends an event to the lineage.
func (t *Tx) AddEvent(ctx context.Context, e record.Event) (record.Event, error) {
	out, err := t.AddEvents(ctx, []record.Event{e})
	if err != nil {
		return e, err
	}
	return out[0], nil
}

// ForgetRecord replaces the record's id in the lineage by "~" and digest.
func (t *Tx) ForgetRecord(ctx context.Context, key record.Key, digest string) error {
	return t.put(ctx, nil, "UPDATE events SET rid = $1 WHERE source = $2 AND rid = $3", "~"+digest, key.Source, key.ID)
}

// changeWindow is how many audit sequence numbers the change log keeps;
// a process further behind reads the whole store again.
const changeWindow = 100000

// NoteChanges records the keys a transaction changed under seq; with no
// keys, a row that marks seq as noted. Now and then it forgets what is
// older than the window.
func (t *Tx) NoteChanges(ctx context.Context, seq int64, keys []record.Key) error {
	if seq%1000 == 0 && seq > changeWindow {
		if err := t.put(ctx, nil, "DELETE FROM changes WHERE seq <= $1", seq-changeWindow); err != nil {
			return err
		}
	}
	if len(keys) == 0 {
		return t.put(ctx, nil, "INSERT INTO changes(seq, source, rid) VALUES($1, '', '')", seq)
	}
	sources, ids := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		sources[i], ids[i] = k.Source, k.ID
	}
	return t.put(ctx, nil, "INSERT INTO changes(seq, source, rid) SELECT $1, s, r FROM unnest($2::text[], $3::text[]) AS k(s, r)", seq, sources, ids)
}

// ChangedSince returns the keys noted after seq, and whether the log of
// changes reaches head.
func (t *Tx) ChangedSince(ctx context.Context, seq, head int64) ([]record.Key, bool, error) {
	if head-seq >= changeWindow/2 {
		return nil, false, nil // further back than the log surely reaches
	}
	var last *int64
	if err := t.queryRow(ctx, "SELECT max(seq) FROM changes", nil, &last); err != nil {
		return nil, false, err
	}
	if last == nil || *last != head {
		return nil, false, nil
	}
	seen := map[record.Key]bool{}
	var keys []record.Key
	err := each(ctx, t, "SELECT source, rid FROM changes WHERE seq > $1", []any{seq}, func(rows pgx.Rows) (bool, error) {
		var k record.Key
		if err := rows.Scan(&k.Source, &k.ID); err != nil {
			return false, err
		}
		if k.Source != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
		return true, nil
	})
	return keys, err == nil, err
}

// Events returns the events naming entity, oldest first.
func (t *Tx) Events(ctx context.Context, entity record.EntityID, after int64, limit int) ([]record.Event, error) {
	q, args := `SELECT e.seq, e.at, e.kind, e.entity, e.others, e.source, e.rid, e.actor, e.why FROM event_entities x
		JOIN events e ON e.seq = x.seq WHERE x.entity = $1 AND x.seq > $2 ORDER BY x.seq LIMIT $3`, []any{string(entity), after, sqlLimit(limit)}
	if entity == "" {
		q, args = `SELECT seq, at, kind, entity, others, source, rid, actor, why FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, []any{after, sqlLimit(limit)}
	}
	return collect(ctx, t, q, args, func(rows pgx.Rows) (e record.Event, err error) {
		var at int64
		var kind, ent, others string
		if err := rows.Scan(&e.Seq, &at, &kind, &ent, &others, &e.Record.Source, &e.Record.ID, &e.Actor, &e.Why); err != nil {
			return e, err
		}
		e.Time, e.Kind, e.Entity = time.Unix(0, at).UTC(), record.EventKind(kind), record.EntityID(ent)
		e.Others = store.SplitEntities(others)
		return e, nil
	})
}

// EntityUsed reports whether an entity id was ever used.
func (t *Tx) EntityUsed(ctx context.Context, entity record.EntityID) (bool, error) {
	used, err := t.EntitiesUsed(ctx, []record.EntityID{entity})
	return len(used) > 0, err
}

// EntitiesUsed returns those of ids that were ever used, in their order.
func (t *Tx) EntitiesUsed(ctx context.Context, ids []record.EntityID) ([]record.EntityID, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return collect(ctx, t, `SELECT q.id FROM unnest($1::text[]) WITH ORDINALITY AS q(id, n)
		WHERE EXISTS(SELECT 1 FROM event_entities WHERE entity = q.id) OR EXISTS(SELECT 1 FROM records WHERE entity = q.id) ORDER BY q.n`,
		[]any{entityStrings(ids)}, func(rows pgx.Rows) (record.EntityID, error) {
			var id string
			err := rows.Scan(&id)
			return record.EntityID(id), err
		})
}
