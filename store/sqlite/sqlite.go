// Package sqlite is the embedded default store: one SQLite file in WAL
// mode, through github.com/mattn/go-sqlite3. Nothing to install or run.
//
// Durability: every transaction is committed to the write-ahead log before
// Commit returns, so a committed change survives the process being killed
// at any point (kill -9). With Options.Sync set it also survives a power
// failure, at the price of an fsync per commit.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers "sqlite3"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

var _ store.Store = (*DB)(nil)

// driverName is go-sqlite3's driver.
const driverName = "sqlite3"

// writerMmap is how much of the database file the writing connection
// reads through a memory map, rather than a system call and a copy per
// page (SQLite caps it at its compile-time maximum, 2 GiB in go-sqlite3).
// The writer alone: a connection that finds the log changed since its last
// transaction (another connection committed) empties its page cache and
// unmaps the whole file, then faults every page in again, and under a
// stream of writes that is every reader's every read. At 100k records
// under bench --serve, reading connections without the map read 4,619 and
// 5,374 entities a second alone, with it 3,122 and 3,302; uploads by four
// clients went from 1,353–3,578 to 4,120–4,590 records a second.
const writerMmap = 1 << 31

// schemaVersion is the layout this package writes, kept in PRAGMA user_version.
const schemaVersion = 3

const schema = `
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS records(
	id INTEGER PRIMARY KEY,
	source TEXT NOT NULL,
	rid TEXT NOT NULL,
	entity TEXT NOT NULL,
	data BLOB NOT NULL,
	keys BLOB NOT NULL,
	UNIQUE(source, rid));
CREATE INDEX IF NOT EXISTS records_entity ON records(entity);
CREATE TABLE IF NOT EXISTS links(a INTEGER NOT NULL, b INTEGER NOT NULL, weight REAL NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS links_b ON links(b);
CREATE TABLE IF NOT EXISTS reviews(a INTEGER NOT NULL, b INTEGER NOT NULL, weight REAL NOT NULL,
	reason TEXT NOT NULL, rule TEXT NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reviews_b ON reviews(b);
CREATE INDEX IF NOT EXISTS reviews_weight ON reviews(weight);
CREATE INDEX IF NOT EXISTS reviews_certainty ON reviews(abs(weight));
CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
	entity TEXT NOT NULL, others TEXT NOT NULL, source TEXT NOT NULL, rid TEXT NOT NULL, actor TEXT NOT NULL DEFAULT '',
	why TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS events_record ON events(source, rid);
CREATE TABLE IF NOT EXISTS changes(seq INTEGER PRIMARY KEY, keys BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS decisions(a_source TEXT NOT NULL, a_rid TEXT NOT NULL, b_source TEXT NOT NULL, b_rid TEXT NOT NULL,
	verdict TEXT NOT NULL, reviewer TEXT NOT NULL, comment TEXT NOT NULL, at INTEGER NOT NULL,
	PRIMARY KEY(a_source, a_rid, b_source, b_rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS decisions_b ON decisions(b_source, b_rid);
CREATE TABLE IF NOT EXISTS audit(seq INTEGER PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_entities(entity TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(entity, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rejects(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, scope TEXT NOT NULL, source TEXT NOT NULL,
	rid TEXT NOT NULL, line INTEGER NOT NULL, field TEXT NOT NULL, reason TEXT NOT NULL, class TEXT NOT NULL, raw TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rejects_record ON rejects(source, rid);
CREATE TABLE IF NOT EXISTS backlog(at INTEGER NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS backlog_at ON backlog(at);
CREATE TABLE IF NOT EXISTS web_sessions(id TEXT PRIMARY KEY, principal TEXT NOT NULL, purpose TEXT NOT NULL, csrf TEXT NOT NULL,
	key_hash TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS web_sessions_expires ON web_sessions(expires);
CREATE TABLE IF NOT EXISTS login_flows(id TEXT PRIMARY KEY, binder TEXT NOT NULL, nonce TEXT NOT NULL, verifier TEXT NOT NULL,
	expires INTEGER NOT NULL);
`

// Options configure Open.
type Options struct {
	// Sync makes every commit wait for the disk (synchronous=FULL), so it
	// survives power loss as well as a killed process.
	Sync bool
	// Now returns the time stamped on events; nil is time.Now.
	Now func() time.Time
	// ReadOnly opens an existing store for reading alone, as an auditor
	// opens a write-protected copy: nothing is created, migrated or
	// checkpointed, the file is taken as immutable, and a write
	// transaction is ErrReadOnly.
	ReadOnly bool
	// CheckpointEvery is how often a background goroutine copies the
	// write-ahead log into the database file; 0 = 250ms. Commits never
	// checkpoint (SQLite's wal_autocheckpoint is off), and the log is
	// started again from its beginning by the same goroutine (see
	// restartPages).
	CheckpointEvery time.Duration
}

// restartPages is the log size, in pages, from which the checkpointer
// starts the log again from its beginning (restartLog). SQLite itself
// starts it again only when a write transaction begins with all of it
// copied and no reader in it; under a steady stream of readers and
// writers that seldom happens, and the log would grow without end.
// Starting it again holds the writers while it copies the last pages and
// syncs the database file: 24–143 ms in four holds at a million records
// under bench --serve's uploads (docs/serve.md), nearly all of it the
// sync, whatever the log's size. A larger log pays it less often: 2^18
// pages (1 GiB of 4-KiB pages, PostgreSQL's default bound of its
// write-ahead log) fill in about 26 s of uploads at 3,000 records a
// second, where 2^16 filled in 7 and put a hold in every 10-s phase. The
// file is not cut (a TRUNCATE checkpoint): freeing and allocating again
// the blocks of a file of 64 MB cost the writers another 70–130 ms on
// ext4. A variable for the tests.
var restartPages = 1 << 18

// restartLeft is how many pages of the log restartLog leaves to copy with
// the writers held, and restartCopies how many times at most it copies
// without them first.
const (
	restartLeft   = 256
	restartCopies = 50
)

// restartWait bounds how long starting the log again waits for the
// readers still in it, writers held meanwhile; if they are not out in
// time, it is tried again on the next tick, waiting twice as long, up to
// restartWaitMax: readers slowed down (a loaded machine) would otherwise
// keep it from ever succeeding while the log grew.
const (
	restartWait    = 25 * time.Millisecond
	restartWaitMax = 200 * time.Millisecond
)

// DB is a store in one SQLite file.
type DB struct {
	path  string
	write *sql.DB
	wconn *sql.Conn // the one writing connection; wmu serialises its transactions
	wmu   sync.Mutex
	read  *sql.DB
	ckpt  *sql.DB   // the background checkpointer's pool of one
	cconn *sql.Conn // and its connection, under cmu
	cmu   sync.Mutex
	stop  chan struct{}
	done  chan struct{}
	now   func() time.Time
	stmts map[string]*sql.Stmt // prepared on wconn, used under wmu
	// rowChanges is set on a read-only store of schema version 2, whose
	// change log is a row a key: ChangedSince reads it as not reaching
	// back (the reader reads the whole store again).
	rowChanges bool
	// reviewIndexes is set when the review queue's indexes of weights
	// (reviews_weight, reviews_certainty) exist, as a writer makes them:
	// a read-only open of a store an older build wrote may lack them.
	reviewIndexes bool
	// readers are the reading connections not in use, under rmu.
	rmu     sync.Mutex
	readers []*reader
}

// Open opens or creates the store at path.
func Open(path string, opt Options) (*DB, error) {
	if strings.Contains(path, "://") {
		return nil, fmt.Errorf("store %s: only a file path is supported (the embedded SQLite store)", path)
	}
	sync := "NORMAL"
	if opt.Sync {
		sync = "FULL"
	}
	// Deleted records' values are overwritten, not left in free pages.
	dsn := func(lock string) string {
		return "file:" + (&url.URL{Path: path}).EscapedPath() + "?_journal_mode=WAL&_synchronous=" + sync +
			"&_busy_timeout=10000&_foreign_keys=0&_cache_size=-131072&_secure_delete=on&_txlock=" + lock
	}
	if opt.ReadOnly {
		return openReadOnly(path, opt)
	}
	// The store holds personal data: a new one is readable by its owner
	// alone, and SQLite gives its WAL and shared-memory files the same
	// permissions.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	w, err := sql.Open(driverName, dsn("immediate"))
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{path: path, write: w, now: opt.Now, stmts: map[string]*sql.Stmt{}, reviewIndexes: true}
	if db.now == nil {
		db.now = time.Now
	}
	if err := db.migrate(); err != nil {
		w.Close()
		return nil, err
	}
	if db.wconn, err = w.Conn(context.Background()); err != nil {
		w.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	r, err := sql.Open(driverName, dsn("deferred")+"&mode=ro")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	keepReaders(r)
	db.read = r
	if _, err := db.wconn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA mmap_size = %d", int64(writerMmap))); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	if _, err := db.wconn.ExecContext(context.Background(), "PRAGMA wal_autocheckpoint = 0"); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	if db.ckpt, err = sql.Open(driverName, dsn("deferred")); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	db.ckpt.SetMaxOpenConns(1)
	db.cconn, err = db.ckpt.Conn(context.Background())
	if err == nil {
		// The checkpointer never sleeps in SQLite's busy handler, whose
		// waits grow from 1 to 100 ms: a checkpoint that finds readers in
		// the way says so at once, and the caller tries again soon.
		_, err = db.cconn.ExecContext(context.Background(), "PRAGMA busy_timeout = 0")
	}
	if err != nil {
		db.ckpt.Close()
		db.ckpt = nil
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	every := opt.CheckpointEvery
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	db.stop, db.done = make(chan struct{}), make(chan struct{})
	go db.checkpoints(every)
	return db, nil
}

// idleReaders is how many reading connections the pool keeps open when
// idle. database/sql keeps two by default: with more concurrent readers
// than that (a server's), every other read would open a connection, read
// the schema and prepare its statements again, and start with an empty
// page cache.
const idleReaders = 32

func keepReaders(r *sql.DB) {
	r.SetMaxIdleConns(idleReaders)
	r.SetConnMaxIdleTime(5 * time.Minute)
}

// ErrReadOnly is returned for a write transaction on a store opened
// read-only.
var ErrReadOnly = store.ErrReadOnly

// openReadOnly opens an existing store for reading, without creating,
// migrating or checkpointing anything. It reads as SQLite's read-only
// mode does, seeing what writers commit meanwhile; where that cannot be
// (a write-protected copy in a directory it may not write, with no
// shared-memory file beside it), it takes the file as immutable.
func openReadOnly(path string, opt Options) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_busy_timeout=10000&_txlock=deferred"
	var r *sql.DB
	var v int
	var err error
	for _, dsn := range []string{base, base + "&immutable=1"} {
		if r, err = sql.Open(driverName, dsn); err != nil {
			return nil, fmt.Errorf("store %s: %w", path, err)
		}
		if err = r.QueryRow("PRAGMA user_version").Scan(&v); err == nil {
			err = r.QueryRow("SELECT count(*) FROM meta").Scan(new(int))
		}
		if err == nil {
			break
		}
		r.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	// Version 2 differs only in its change log, which a reader of a
	// write-protected copy need not read.
	if v != schemaVersion && v != 2 {
		r.Close()
		return nil, fmt.Errorf("store %s: schema version %d, this build reads version %d (and 2)", path, v, schemaVersion)
	}
	var indexes int
	if err := r.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('reviews_weight', 'reviews_certainty')").Scan(&indexes); err != nil {
		r.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	keepReaders(r)
	db := &DB{path: path, read: r, now: opt.Now, stmts: map[string]*sql.Stmt{}, rowChanges: v == 2, reviewIndexes: indexes == 2}
	if db.now == nil {
		db.now = time.Now
	}
	return db, nil
}

// checkpoints copies the write-ahead log into the database file now and
// then, without blocking writers (PASSIVE), until Close; once the log has
// grown past restartPages, it starts it again (restartLog).
func (db *DB) checkpoints(every time.Duration) {
	defer close(db.done)
	t := time.NewTicker(every)
	defer t.Stop()
	wait := restartWait
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
			// Errors (a busy database) are retried on the next tick.
			if _, logged, _, err := db.checkpoint("PASSIVE"); err == nil && logged >= restartPages {
				if db.restartLog(wait) {
					wait = restartWait
				} else {
					wait = min(2*wait, restartWaitMax)
				}
			}
		}
	}
}

// restartLog starts the write-ahead log again from its beginning. It
// copies the log into the database file without holding writers until
// little is left (restartLeft pages: readers in the log keep a copy from
// passing the point where they began), then holds them while it copies
// the rest and waits, at most wait, for the readers still in the log to
// leave; the next commit writes from the log's start. It reports whether
// the log was started again (or the store closed); a failure is tried
// again on the next tick.
func (db *DB) restartLog(wait time.Duration) bool {
	for range restartCopies {
		_, logged, copied, err := db.checkpoint("PASSIVE")
		if err != nil {
			return false
		}
		if logged-copied <= restartLeft {
			break
		}
		time.Sleep(time.Millisecond)
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if db.wconn == nil {
		return true // closed
	}
	deadline := time.Now().Add(wait)
	for {
		busy, _, _, err := db.checkpoint("RESTART")
		switch {
		case err != nil:
			return false
		case !busy:
			return true
		case time.Now().After(deadline):
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// Checkpoint copies all of the write-ahead log into the database file and
// empties it, writers held meanwhile, once no reader is in it: as after
// an import, which leaves the whole store in the log.
func (db *DB) Checkpoint(ctx context.Context) error {
	if db.cconn == nil {
		return nil // read-only: nothing to fold in
	}
	for {
		db.wmu.Lock()
		if db.wconn == nil {
			db.wmu.Unlock()
			return fmt.Errorf("store %s: closed", db.path)
		}
		busy, _, _, err := db.checkpoint("TRUNCATE")
		db.wmu.Unlock()
		switch {
		case err != nil:
			return fmt.Errorf("store %s: checkpoint: %w", db.path, err)
		case !busy:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("store %s: checkpoint: readers still in the log: %w", db.path, ctx.Err())
		}
		time.Sleep(time.Millisecond)
	}
}

// checkpoint runs a checkpoint of the given mode on the checkpointer's
// connection: whether readers or writers kept it from finishing, the
// log's size in pages, and how many of them are in the database file.
func (db *DB) checkpoint(mode string) (busy bool, logged, copied int, err error) {
	db.cmu.Lock()
	defer db.cmu.Unlock()
	err = db.cconn.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logged, &copied)
	return busy, logged, copied, err
}

func (db *DB) migrate() error {
	var v int
	if err := db.write.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("store %s: %w", db.path, err)
	}
	if v > schemaVersion {
		return fmt.Errorf("store %s: schema version %d, this build knows version %d", db.path, v, schemaVersion)
	}
	if v == 1 || v == 2 {
		// Version 3: the change log holds a row a transaction, its keys in
		// one value, where it held a row a key and an index of their
		// sequence numbers. The schema makes it anew: a process behind it
		// reads the whole store again, as one behind its window does.
		if _, err := db.write.Exec("DROP TABLE IF EXISTS changes"); err != nil {
			return fmt.Errorf("store %s: migrate to schema version 3: %w", db.path, err)
		}
	}
	if _, err := db.write.Exec(schema); err != nil {
		return fmt.Errorf("store %s: create schema: %w", db.path, err)
	}
	if v == 1 { // version 2: events name their actor and a reviewer's reason
		if _, err := db.write.Exec("ALTER TABLE events ADD COLUMN actor TEXT NOT NULL DEFAULT ''; ALTER TABLE events ADD COLUMN why TEXT NOT NULL DEFAULT ''"); err != nil {
			return fmt.Errorf("store %s: migrate to schema version 2: %w", db.path, err)
		}
	}
	if _, err := db.write.Exec(fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("store %s: %w", db.path, err)
	}
	return nil
}

// reader is a connection of the reading pool that read transactions run
// on by hand (BEGIN … ROLLBACK), with the statements prepared on it. A
// database/sql transaction would watch its context from a goroutine of
// its own, and every query's rows from another: a scheduler round trip
// per query, a good part of a small read's time.
type reader struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

// takeReader returns a reading connection not in use, opening one when
// none is free.
func (db *DB) takeReader() (*reader, error) {
	db.rmu.Lock()
	if n := len(db.readers); n > 0 {
		r := db.readers[n-1]
		db.readers = db.readers[:n-1]
		db.rmu.Unlock()
		return r, nil
	}
	db.rmu.Unlock()
	c, err := db.read.Conn(context.Background())
	if err != nil {
		return nil, err
	}
	return &reader{conn: c, stmts: map[string]*sql.Stmt{}}, nil
}

// giveReader keeps a reading connection for the next read transaction,
// up to idleReaders of them, or closes it.
func (db *DB) giveReader(r *reader) {
	db.rmu.Lock()
	if len(db.readers) < idleReaders {
		db.readers = append(db.readers, r)
		r = nil
	}
	db.rmu.Unlock()
	if r != nil {
		r.close()
	}
}

func (r *reader) close() error {
	for _, s := range r.stmts {
		s.Close()
	}
	return r.conn.Close()
}

// stmt returns q prepared on r, preparing it once.
func (r *reader) stmt(q string) (*sql.Stmt, error) {
	s, ok := r.stmts[q]
	if !ok {
		var err error
		if s, err = r.conn.PrepareContext(context.Background(), q); err != nil {
			return nil, err
		}
		r.stmts[q] = s
	}
	return s, nil
}

// exec runs q, prepared once on r: BEGIN and ROLLBACK run on every read,
// and preparing and finalising them each time cost an entity read 5% of
// its time (BenchmarkEntity).
func (r *reader) exec(q string) error {
	s, err := r.stmt(q)
	if err == nil {
		_, err = s.ExecContext(context.Background())
	}
	return err
}

// Close closes the store.
func (db *DB) Close() error {
	if db.stop != nil {
		close(db.stop)
		<-db.done
		db.stop = nil
		db.cconn.Close()
		db.ckpt.Close()
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	for q, s := range db.stmts {
		s.Close()
		delete(db.stmts, q)
	}
	var errs []error
	db.rmu.Lock()
	for _, r := range db.readers {
		errs = append(errs, r.close())
	}
	db.readers = nil
	db.rmu.Unlock()
	if db.wconn != nil {
		errs = append(errs, db.wconn.Close())
		db.wconn = nil
	}
	for _, d := range []*sql.DB{db.read, db.write} {
		if d != nil {
			errs = append(errs, d.Close())
		}
	}
	return errors.Join(errs...)
}

// Begin starts a transaction.
func (db *DB) Begin(ctx context.Context, write bool) (store.Tx, error) {
	if !write {
		// Not bound to ctx (see reader): queries check it themselves
		// (query, each), and callers roll back.
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("store %s: begin: %w", db.path, err)
		}
		r, err := db.takeReader()
		if err == nil {
			if err = r.exec("BEGIN"); err != nil {
				r.close()
			}
		}
		if err != nil {
			return nil, fmt.Errorf("store %s: begin: %w", db.path, err)
		}
		return &Tx{db: db, r: r}, nil
	}
	if db.write == nil {
		return nil, fmt.Errorf("store %s: %w", db.path, ErrReadOnly)
	}
	db.wmu.Lock()
	if db.wconn == nil {
		db.wmu.Unlock()
		return nil, fmt.Errorf("store %s: closed", db.path)
	}
	// Write transactions run on the writing connection by hand, so that
	// statements prepared once on it are used as they are.
	if _, err := db.wconn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		db.wmu.Unlock()
		return nil, fmt.Errorf("store %s: begin: %w", db.path, err)
	}
	return &Tx{db: db, write: true}, nil
}

// Tx is a transaction on a DB: a database/sql transaction for reading, or
// BEGIN IMMEDIATE … COMMIT on the writing connection.
type Tx struct {
	db    *DB
	r     *reader // read transactions only
	write bool
	done  bool
	// head is the audit head AppendAudit moved to, encoded and written
	// to meta once at Commit rather than once an entry (a transaction
	// that commits several callers' changes appends dozens); nil when
	// unmoved.
	head *audit.Head
	// audits are the entries AppendAudit took (sequence number, then
	// encoded entry), written at Commit, or before the log is read, in
	// statements of many rows (execRows).
	audits []any
}

var errReadOnly = errors.New("write in a read-only transaction")

// stmt returns the prepared statement for q in this transaction. Write
// transactions reuse statements prepared once on the writing connection
// (they hold wmu); read transactions, statements prepared once on the
// reading pool.
func (t *Tx) stmt(q string) (*sql.Stmt, error) {
	if !t.write {
		return t.r.stmt(q)
	}
	s, ok := t.db.stmts[q]
	if !ok {
		var err error
		if s, err = t.db.wconn.PrepareContext(context.Background(), q); err != nil {
			return nil, err
		}
		t.db.stmts[q] = s
	}
	return s, nil
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if !t.write {
		return nil, errReadOnly
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	s, err := t.stmt(q)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	res, err := s.Exec(args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return res, nil
}

// query runs q. Statements check ctx before they run and iterations at
// every row, rather than handing ctx to the driver, which would watch it
// from a goroutine of its own per statement.
func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	s, err := t.stmt(q)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	rows, err := s.Query(args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return rows, nil
}

func (t *Tx) queryRow(ctx context.Context, q string, args []any, dest ...any) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return store.ErrNotFound
	}
	if err := rows.Scan(dest...); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// each runs q and calls row for every row until it returns false or an
// error.
func each(ctx context.Context, t *Tx, q string, args []any, row func(*sql.Rows) (bool, error)) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
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
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// sqlLimit is a LIMIT: SQLite reads -1 as none.
func sqlLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

// collect runs q and returns every row as scan reads it.
func collect[T any](ctx context.Context, t *Tx, q string, args []any, scan func(*sql.Rows) (T, error)) ([]T, error) {
	var out []T
	err := each(ctx, t, q, args, func(rows *sql.Rows) (bool, error) {
		v, err := scan(rows)
		out = append(out, v)
		return true, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// end marks the transaction finished and lets the next writer in.
func (t *Tx) end() {
	t.done = true
	if t.write {
		t.db.wmu.Unlock()
	}
}

// Commit commits the transaction.
func (t *Tx) Commit() error {
	if t.done {
		return fmt.Errorf("store %s: commit of a finished transaction", t.db.path)
	}
	if !t.write {
		return t.endRead("COMMIT")
	}
	if err := t.writeAudits(context.Background()); err != nil {
		t.Rollback()
		return fmt.Errorf("store %s: commit: %w", t.db.path, err)
	}
	if t.head != nil {
		if _, err := t.exec(context.Background(), setMetaSQL, store.MetaAuditHead, store.EncodeAuditHead(*t.head)); err != nil {
			t.Rollback()
			return fmt.Errorf("store %s: commit: %w", t.db.path, err)
		}
	}
	if _, err := t.db.wconn.ExecContext(context.Background(), "COMMIT"); err != nil {
		t.Rollback()
		return fmt.Errorf("store %s: commit: %w", t.db.path, err)
	}
	t.end()
	return nil
}

// Rollback abandons the transaction; after Commit it does nothing.
func (t *Tx) Rollback() error {
	if t.done {
		return nil
	}
	if !t.write {
		return t.endRead("ROLLBACK")
	}
	defer t.end()
	_, err := t.db.wconn.ExecContext(context.Background(), "ROLLBACK")
	return err
}

// endRead ends a read transaction and hands its connection back; a
// connection whose transaction did not end cleanly is closed.
func (t *Tx) endRead(how string) error {
	t.end()
	if err := t.r.exec(how); err != nil {
		t.r.close()
		return fmt.Errorf("store %s: %s: %w", t.db.path, strings.ToLower(how), err)
	}
	t.db.giveReader(t.r)
	return nil
}

// Meta returns the value stored under key.
func (t *Tx) Meta(ctx context.Context, key string) ([]byte, error) {
	if key == store.MetaAuditHead && t.head != nil {
		return store.EncodeAuditHead(*t.head), nil
	}
	var v []byte
	if err := t.queryRow(ctx, "SELECT v FROM meta WHERE k = ?", []any{key}, &v); err != nil {
		return nil, fmt.Errorf("meta %q: %w", key, err)
	}
	return v, nil
}

// SetMeta stores value under key.
func (t *Tx) SetMeta(ctx context.Context, key string, value []byte) error {
	if key == store.MetaAuditHead {
		t.head = nil // set here, not by AppendAudit
	}
	_, err := t.exec(ctx, setMetaSQL, key, value)
	return err
}

const setMetaSQL = "INSERT INTO meta(k, v) VALUES(?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v"

// id returns the row id of a record.
func (t *Tx) id(ctx context.Context, key record.Key) (int64, error) {
	var id int64
	if err := t.queryRow(ctx, "SELECT id FROM records WHERE source = ? AND rid = ?", []any{key.Source, key.ID}, &id); err != nil {
		return 0, fmt.Errorf("record %s: %w", key, err)
	}
	return id, nil
}

// Record returns a stored record.
func (t *Tx) Record(ctx context.Context, key record.Key) (store.Record, error) {
	r := store.Record{Key: key}
	var ent string
	var keys []byte
	if err := t.queryRow(ctx, "SELECT entity, data, keys FROM records WHERE source = ? AND rid = ?",
		[]any{key.Source, key.ID}, &ent, &r.Data, &keys); err != nil {
		return r, fmt.Errorf("record %s: %w", key, err)
	}
	r.Entity = record.EntityID(ent)
	r.Keys = store.DecodeKeys(keys)
	return r, nil
}

// PutRecord inserts or replaces a record, its keys and entity.
//
// A replacement that keeps its entity (the usual update: an address
// changed) sets the data and keys alone. SQLite rewrites an index entry
// whenever an UPDATE sets a column of the index, whatever the value, so
// setting entity to the value it holds would dirty a page of
// records_entity for every update: about half the pages an update of a
// record writes to the log. A record that moves entity takes a second
// statement.
func (t *Tx) PutRecord(ctx context.Context, r store.Record) error {
	keys := store.EncodeKeys(r.Keys)
	res, err := t.exec(ctx, `INSERT INTO records(source, rid, entity, data, keys) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(source, rid) DO UPDATE SET data = excluded.data, keys = excluded.keys WHERE entity = excluded.entity`,
		r.Key.Source, r.Key.ID, string(r.Entity), r.Data, keys)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = t.exec(ctx, "UPDATE records SET entity = ?, data = ?, keys = ? WHERE source = ? AND rid = ?",
		string(r.Entity), r.Data, keys, r.Key.Source, r.Key.ID)
	return err
}

// DeleteRecord removes a record with its keys, links and reviews.
func (t *Tx) DeleteRecord(ctx context.Context, key record.Key) error {
	id, err := t.id(ctx, key)
	if err != nil {
		return err
	}
	if err := t.dropVersion(ctx, id, key); err != nil {
		return err
	}
	for _, q := range []string{"DELETE FROM links WHERE a = ?", "DELETE FROM links WHERE b = ?", "DELETE FROM records WHERE id = ?"} {
		if _, err := t.exec(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// Supersede drops the pairs for review that name a record, and its
// rejects, before PutRecord replaces it; its links stay.
func (t *Tx) Supersede(ctx context.Context, key record.Key) error {
	id, err := t.id(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return t.dropVersion(ctx, id, key)
}

// dropVersion deletes what belongs to a stored record's version alone —
// the pairs for review that name it (record id) and its rejects — for
// Supersede and DeleteRecord.
func (t *Tx) dropVersion(ctx context.Context, id int64, key record.Key) error {
	for _, q := range []string{"DELETE FROM reviews WHERE a = ?", "DELETE FROM reviews WHERE b = ?"} {
		if _, err := t.exec(ctx, q, id); err != nil {
			return err
		}
	}
	return t.DropRejects(ctx, key)
}

// DropRejects drops a record's rejects.
func (t *Tx) DropRejects(ctx context.Context, key record.Key) error {
	_, err := t.exec(ctx, "DELETE FROM rejects WHERE source = ? AND rid = ?", key.Source, key.ID)
	return err
}

// SetEntity moves a record to another entity.
func (t *Tx) SetEntity(ctx context.Context, key record.Key, entity record.EntityID) error {
	res, err := t.exec(ctx, "UPDATE records SET entity = ? WHERE source = ? AND rid = ?", string(entity), key.Source, key.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("record %s: %w", key, store.ErrNotFound)
	}
	return nil
}

// Records calls fn for every record in key order. fn must not use t.
func (t *Tx) Records(ctx context.Context, fn func(store.Record) bool) error {
	return t.records(ctx, "SELECT source, rid, entity, data, keys FROM records ORDER BY source, rid", nil, fn)
}

// SourceRecords calls fn for the first records of a source in id order,
// at most limit of them, until fn returns false.
func (t *Tx) SourceRecords(ctx context.Context, source string, limit int, fn func(store.Record) bool) error {
	return t.records(ctx, "SELECT source, rid, entity, data, keys FROM records WHERE source = ? ORDER BY rid LIMIT ?", []any{source, limit}, fn)
}

func (t *Tx) records(ctx context.Context, q string, args []any, fn func(store.Record) bool) error {
	return each(ctx, t, q, args,
		func(rows *sql.Rows) (bool, error) {
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
	err := each(ctx, t, "SELECT source, count(*) FROM records GROUP BY source", nil, func(rows *sql.Rows) (bool, error) {
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
		func(rows *sql.Rows) (c store.PairCount, err error) {
			err = rows.Scan(&c.A, &c.B, &c.N)
			return c, err
		})
	return store.SumPairCounts(rows), err
}

// AddBacklog notes the pairs in review at a time, per pair of sources.
func (t *Tx) AddBacklog(ctx context.Context, at time.Time, counts []store.PairCount) error {
	for _, c := range counts {
		if _, err := t.exec(ctx, "INSERT INTO backlog(at, a, b, n) VALUES(?, ?, ?, ?)", at.UnixMilli(), c.A, c.B, c.N); err != nil {
			return err
		}
	}
	_, err := t.exec(ctx, "DELETE FROM backlog WHERE at < ?", at.AddDate(0, 0, -store.BacklogDays).UnixMilli())
	return err
}

// Backlog returns the notes of the review backlog since a time.
func (t *Tx) Backlog(ctx context.Context, since time.Time) ([]store.BacklogNote, error) {
	return collect(ctx, t, "SELECT at, a, b, n FROM backlog WHERE at >= ? ORDER BY at, a, b", []any{since.UnixMilli()},
		func(rows *sql.Rows) (n store.BacklogNote, err error) {
			var at int64
			err = rows.Scan(&at, &n.A, &n.B, &n.N)
			n.At = time.UnixMilli(at).UTC()
			return n, err
		})
}

// PutWebSession stores or replaces a workbench session, dropping the
// sessions expired at now.
func (t *Tx) PutWebSession(ctx context.Context, s store.WebSession, now time.Time) error {
	if _, err := t.exec(ctx, "DELETE FROM web_sessions WHERE expires <= ?", now.UnixMilli()); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO web_sessions(id, principal, purpose, csrf, key_hash, expires) VALUES(?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET principal = excluded.principal, purpose = excluded.purpose, csrf = excluded.csrf,
		key_hash = excluded.key_hash, expires = excluded.expires`, s.ID, s.Principal, s.Purpose, s.CSRF, s.KeyHash, s.Expires.UnixMilli())
	return err
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
	err := t.queryRow(ctx, "SELECT principal, purpose, csrf, key_hash, expires FROM web_sessions WHERE id = ?", []any{id}, &s.Principal, &s.Purpose, &s.CSRF, &s.KeyHash, &expires)
	s.Expires = time.UnixMilli(expires).UTC()
	return s, err
}

// DeleteWebSession ends a workbench session.
func (t *Tx) DeleteWebSession(ctx context.Context, id string) error {
	_, err := t.exec(ctx, "DELETE FROM web_sessions WHERE id = ?", id)
	return err
}

// PutLoginFlow stores a log-in under way, dropping those expired at now.
func (t *Tx) PutLoginFlow(ctx context.Context, f store.LoginFlow, now time.Time) error {
	if _, err := t.exec(ctx, "DELETE FROM login_flows WHERE expires <= ?", now.UnixMilli()); err != nil {
		return err
	}
	_, err := t.exec(ctx, "INSERT INTO login_flows(id, binder, nonce, verifier, expires) VALUES(?, ?, ?, ?, ?)", f.ID, f.Binder, f.Nonce, f.Verifier, f.Expires.UnixMilli())
	return err
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
	if err := t.queryRow(ctx, "SELECT binder, nonce, verifier, expires FROM login_flows WHERE id = ?", []any{id}, &f.Binder, &f.Nonce, &f.Verifier, &expires); err != nil {
		return f, err
	}
	f.Expires = time.UnixMilli(expires).UTC()
	_, err := t.exec(ctx, "DELETE FROM login_flows WHERE id = ?", id)
	return f, err
}

// PutRejects keeps rejects, the newest store.MaxRejects of them.
func (t *Tx) PutRejects(ctx context.Context, rs []store.Reject) error {
	for _, r := range rs {
		r = store.BoundReject(r)
		if _, err := t.exec(ctx, `INSERT INTO rejects(at, scope, source, rid, line, field, reason, class, raw) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.At.UnixMilli(), r.Scope, r.Source, r.ID, r.Line, r.Field, r.Reason, store.RejectClass(r.Reason), r.Raw); err != nil {
			return err
		}
	}
	if len(rs) == 0 {
		return nil
	}
	_, err := t.exec(ctx, "DELETE FROM rejects WHERE id <= (SELECT max(id) FROM rejects) - ?", store.MaxRejects)
	return err
}

// RejectCounts counts the kept rejects by source, scope, field and class.
func (t *Tx) RejectCounts(ctx context.Context) ([]store.RejectCount, error) {
	return collect(ctx, t, "SELECT source, scope, field, class, count(*) FROM rejects GROUP BY source, scope, field, class ORDER BY source, scope, field, class", nil,
		func(rows *sql.Rows) (c store.RejectCount, err error) {
			err = rows.Scan(&c.Source, &c.Scope, &c.Field, &c.Class, &c.N)
			return c, err
		})
}

// RejectsOf returns the kept rejects of records, oldest first.
func (t *Tx) RejectsOf(ctx context.Context, keys []record.Key) ([]store.Reject, error) {
	var out []store.Reject
	for _, k := range keys {
		rs, err := collect(ctx, t, "SELECT at, scope, line, field, reason, raw FROM rejects WHERE source = ? AND rid = ? ORDER BY id", []any{k.Source, k.ID},
			func(rows *sql.Rows) (r store.Reject, err error) {
				var at int64
				err = rows.Scan(&at, &r.Scope, &r.Line, &r.Field, &r.Reason, &r.Raw)
				r.At, r.Source, r.ID = time.UnixMilli(at).UTC(), k.Source, k.ID
				return r, err
			})
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	store.SortRejects(out)
	return out, nil
}

// WeightCounts counts the stored links and reviews by the sources of
// their records and their weight rounded down to whole bits.
func (t *Tx) WeightCounts(ctx context.Context) ([]store.WeightCount, error) {
	const q = `SELECT ra.source, rb.source, p.bits, sum(p.link), sum(1 - p.link) FROM (
		SELECT a, b, CAST(weight + 4096 AS INTEGER) - 4096 AS bits, 1 AS link FROM links
		UNION ALL SELECT a, b, CAST(weight + 4096 AS INTEGER) - 4096, 0 FROM reviews) p
	JOIN records ra ON ra.id = p.a JOIN records rb ON rb.id = p.b
	GROUP BY ra.source, rb.source, p.bits`
	var rows []store.WeightCount
	err := each(ctx, t, q, nil, func(r *sql.Rows) (bool, error) {
		var c store.WeightCount
		err := r.Scan(&c.A, &c.B, &c.Bits, &c.Links, &c.Reviews)
		rows = append(rows, c)
		return true, err
	})
	return store.SumWeightCounts(rows), err
}

func (t *Tx) keys(ctx context.Context, q string, args ...any) ([]record.Key, error) {
	return collect(ctx, t, q, args, func(rows *sql.Rows) (k record.Key, err error) {
		err = rows.Scan(&k.Source, &k.ID)
		return k, err
	})
}

// Members returns the records of an entity in key order.
func (t *Tx) Members(ctx context.Context, entity record.EntityID) ([]record.Key, error) {
	keys, err := t.keys(ctx, "SELECT source, rid FROM records WHERE entity = ? ORDER BY source, rid", string(entity))
	if err == nil && len(keys) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("entity %s: %w", entity, err)
	}
	return keys, nil
}

// pairIDs returns the row ids of a pair's records.
func (t *Tx) pairIDs(ctx context.Context, a, b record.Key) (int64, int64, error) {
	ia, err := t.id(ctx, a)
	if err != nil {
		return 0, 0, err
	}
	ib, err := t.id(ctx, b)
	return ia, ib, err
}

// MemberRecords returns an entity's records in key order and the links
// that name them.
func (t *Tx) MemberRecords(ctx context.Context, entity record.EntityID) ([]store.Record, []record.Link, error) {
	key := map[int64]record.Key{} // members by id, then the far ends of their links
	recs, err := collect(ctx, t, "SELECT id, source, rid, data, keys FROM records WHERE entity = ?1 ORDER BY source, rid", []any{string(entity)},
		func(rows *sql.Rows) (r store.Record, err error) {
			var id int64
			var keys []byte
			err = rows.Scan(&id, &r.Key.Source, &r.Key.ID, &r.Data, &keys)
			r.Entity, r.Keys = entity, store.DecodeKeys(keys)
			key[id] = r.Key
			return r, err
		})
	if err == nil && len(recs) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("entity %s: %w", entity, err)
	}
	// The links by record ids, each side by its own index; the keys of
	// the far ends outside the entity looked up one by one (few: links
	// mostly join records of one entity). Joining the records table for
	// every end instead costs a read of a wide row each, and was most of
	// an entity page's time at a million records.
	type idLink struct {
		a, b int64
		w    float64
	}
	ids, err := collect(ctx, t, `SELECT l.a, l.b, l.weight FROM records r JOIN links l ON l.a = r.id WHERE r.entity = ?1 UNION ALL
		SELECT l.a, l.b, l.weight FROM records r JOIN links l ON l.b = r.id WHERE r.entity = ?1`, []any{string(entity)},
		func(rows *sql.Rows) (l idLink, err error) {
			err = rows.Scan(&l.a, &l.b, &l.w)
			return l, err
		})
	if err != nil {
		return nil, nil, fmt.Errorf("entity %s: %w", entity, err)
	}
	seen := make(map[[2]int64]bool, len(ids))
	links := make([]record.Link, 0, len(ids))
	for _, l := range ids {
		if seen[[2]int64{l.a, l.b}] {
			continue // a link within the entity comes from both sides
		}
		seen[[2]int64{l.a, l.b}] = true
		for _, id := range []int64{l.a, l.b} {
			if _, ok := key[id]; !ok {
				var k record.Key
				if err := t.queryRow(ctx, "SELECT source, rid FROM records WHERE id = ?", []any{id}, &k.Source, &k.ID); err != nil {
					return nil, nil, fmt.Errorf("entity %s: link to record %d: %w", entity, id, err)
				}
				key[id] = k
			}
		}
		links = append(links, record.Link{A: key[l.a], B: key[l.b], Weight: l.w})
	}
	slices.SortFunc(links, func(x, y record.Link) int {
		return cmp.Or(cmp.Compare(x.A.Source, y.A.Source), cmp.Compare(x.A.ID, y.A.ID), cmp.Compare(x.B.Source, y.B.Source), cmp.Compare(x.B.ID, y.B.ID))
	})
	return recs, links, nil
}

// PutLink stores or replaces a link.
func (t *Tx) PutLink(ctx context.Context, l record.Link) error {
	p := record.NewPair(l.A, l.B)
	res, err := t.exec(ctx, `INSERT INTO links(a, b, weight)
		SELECT ra.id, rb.id, ? FROM records ra, records rb WHERE ra.source = ? AND ra.rid = ? AND rb.source = ? AND rb.rid = ?
		ON CONFLICT(a, b) DO UPDATE SET weight = excluded.weight`, l.Weight, p.A.Source, p.A.ID, p.B.Source, p.B.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("link %s–%s: %w", p.A, p.B, store.ErrNotFound)
	}
	return nil
}

// DeleteLink removes the link between two records.
func (t *Tx) DeleteLink(ctx context.Context, a, b record.Key) error {
	p := record.NewPair(a, b)
	res, err := t.exec(ctx, `DELETE FROM links WHERE a = (SELECT id FROM records WHERE source = ? AND rid = ?)
		AND b = (SELECT id FROM records WHERE source = ? AND rid = ?)`, p.A.Source, p.A.ID, p.B.Source, p.B.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("link %s–%s: %w", p.A, p.B, store.ErrNotFound)
	}
	return nil
}

// Links returns the links that name key.
func (t *Tx) Links(ctx context.Context, key record.Key) ([]record.Link, error) {
	id, err := t.id(ctx, key)
	if err != nil {
		return nil, err
	}
	return collect(ctx, t, linksQuery+" WHERE l.a = ?1 OR l.b = ?1", []any{id}, scanLink)
}

const linksQuery = `SELECT ra.source, ra.rid, rb.source, rb.rid, l.weight FROM links l
	JOIN records ra ON ra.id = l.a JOIN records rb ON rb.id = l.b`

func scanLink(rows *sql.Rows) (l record.Link, err error) {
	err = rows.Scan(&l.A.Source, &l.A.ID, &l.B.Source, &l.B.ID, &l.Weight)
	return l, err
}

// EachLink calls fn for every link. fn must not use t.
func (t *Tx) EachLink(ctx context.Context, fn func(record.Link) bool) error {
	return each(ctx, t, linksQuery, nil, func(rows *sql.Rows) (bool, error) {
		l, err := scanLink(rows)
		return err == nil && fn(l), err
	})
}

// PutReview stores or replaces a pair for review.
func (t *Tx) PutReview(ctx context.Context, r record.Review) error {
	p := record.NewPair(r.A, r.B)
	a, b, err := t.pairIDs(ctx, p.A, p.B)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO reviews(a, b, weight, reason, rule) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(a, b) DO UPDATE SET weight = excluded.weight, reason = excluded.reason, rule = excluded.rule`, a, b, r.Weight, r.Reason, r.Rule)
	return err
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
		FROM (SELECT * FROM reviews WHERE a = ?1 UNION ALL SELECT * FROM reviews WHERE b = ?1 AND a != ?1) v
		JOIN records ra ON ra.id = v.a JOIN records rb ON rb.id = v.b WHERE true`
	args := []any{id}
	q, args = reviewsAfter(q, args, after, false)
	args = append(args, sqlLimit(limit))
	return collect(ctx, t, q+" ORDER BY v.weight DESC, ra.source, ra.rid, rb.source, rb.rid LIMIT ?", args, scanReview)
}

// ReviewQueue returns a page of the review queue, strongest first or
// nearest even odds first, by the index of the weights or of their sizes.
func (t *Tx) ReviewQueue(ctx context.Context, rq store.ReviewQuery) ([]record.Review, error) {
	index, order := "reviews_weight", "v.weight DESC"
	if rq.Uncertain {
		index, order = "reviews_certainty", "abs(v.weight)"
	}
	q := `SELECT ra.source, ra.rid, rb.source, rb.rid, v.weight, v.reason, v.rule FROM reviews v` + t.db.reviewIndex(index) + `
		JOIN records ra ON ra.id = v.a JOIN records rb ON rb.id = v.b WHERE true`
	if rq.Apart {
		q += " AND ra.entity != rb.entity"
	}
	q, args := reviewsAfter(q, nil, rq.After, rq.Uncertain)
	args = append(args, sqlLimit(rq.Limit))
	return collect(ctx, t, q+" ORDER BY "+order+", ra.source, ra.rid, rb.source, rb.rid LIMIT ?", args, scanReview)
}

// reviewsAfter adds to a query of pairs for review (v, its records ra
// and rb) the pairs after the pair after (nil: none), strongest first or,
// uncertain, nearest even odds first. The bound on the weight (or its
// size) comes first, so that the index reads from there; the other terms'
// + keeps SQLite from reading the OR's sides by two searches of the index,
// which loses its order (86 ms for a page halfway down 50,000 pairs,
// against 0.5 ms).
func reviewsAfter(q string, args []any, after *record.Review, uncertain bool) (string, []any) {
	if after == nil {
		return q, args
	}
	p := record.NewPair(after.A, after.B)
	size, within, past, w := "v.weight", "<=", "<", after.Weight
	if uncertain {
		size, within, past, w = "abs(v.weight)", ">=", ">", math.Abs(after.Weight)
	}
	q += fmt.Sprintf(" AND %[1]s %[2]s ? AND (+%[1]s %[3]s ? OR (+%[1]s = ? AND (ra.source, ra.rid, rb.source, rb.rid) > (?, ?, ?, ?)))", size, within, past)
	return q, append(args, w, w, w, p.A.Source, p.A.ID, p.B.Source, p.B.ID)
}

// reviewIndex returns the clause that reads the review queue by the
// index name, when the store has its indexes, else "". SQLite's planner,
// without statistics, reads the queue by another index and sorts all of
// it for a page (100 ms for a page of 100 at 50,000 pairs, against 6 ms
// by the index: BenchmarkReviewQueueOnLoad).
func (db *DB) reviewIndex(name string) string {
	if !db.reviewIndexes {
		return ""
	}
	return " INDEXED BY " + name
}

// scanReview reads a pair for review as Reviews and ReviewQueue select
// it.
func scanReview(rows *sql.Rows) (r record.Review, err error) {
	err = rows.Scan(&r.A.Source, &r.A.ID, &r.B.Source, &r.B.ID, &r.Weight, &r.Reason, &r.Rule)
	return r, err
}

// ReviewedRecords returns the records some pair for review names.
func (t *Tx) ReviewedRecords(ctx context.Context) ([]record.Key, error) {
	return collect(ctx, t, "SELECT source, rid FROM records WHERE id IN (SELECT a FROM reviews UNION SELECT b FROM reviews)", nil,
		func(rows *sql.Rows) (k record.Key, err error) {
			err = rows.Scan(&k.Source, &k.ID)
			return k, err
		})
}

// PutDecision stores a decision, replacing an earlier one on the pair.
func (t *Tx) PutDecision(ctx context.Context, d record.Decision) error {
	p := record.NewPair(d.A, d.B)
	if d.Time.IsZero() {
		d.Time = t.db.now()
	}
	_, err := t.exec(ctx, `INSERT INTO decisions(a_source, a_rid, b_source, b_rid, verdict, reviewer, comment, at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(a_source, a_rid, b_source, b_rid) DO UPDATE SET verdict = excluded.verdict, reviewer = excluded.reviewer,
		comment = excluded.comment, at = excluded.at`,
		p.A.Source, p.A.ID, p.B.Source, p.B.ID, d.Verdict, d.Reviewer, d.Comment, d.Time.UnixNano())
	return err
}

// Decisions returns the decisions naming key, or all of them.
func (t *Tx) Decisions(ctx context.Context, key record.Key) ([]record.Decision, error) {
	q := "SELECT a_source, a_rid, b_source, b_rid, verdict, reviewer, comment, at FROM decisions"
	var args []any
	if key != (record.Key{}) {
		q += " WHERE (a_source = ?1 AND a_rid = ?2) OR (b_source = ?1 AND b_rid = ?2)"
		args = append(args, key.Source, key.ID)
	}
	return collect(ctx, t, q+" ORDER BY a_source, a_rid, b_source, b_rid", args, func(rows *sql.Rows) (d record.Decision, err error) {
		var at int64
		err = rows.Scan(&d.A.Source, &d.A.ID, &d.B.Source, &d.B.ID, &d.Verdict, &d.Reviewer, &d.Comment, &at)
		d.Time = time.Unix(0, at).UTC()
		return d, err
	})
}

// DeleteDecisions removes the decisions naming key.
func (t *Tx) DeleteDecisions(ctx context.Context, key record.Key) error {
	_, err := t.exec(ctx, "DELETE FROM decisions WHERE (a_source = ?1 AND a_rid = ?2) OR (b_source = ?1 AND b_rid = ?2)", key.Source, key.ID)
	return err
}

// DeleteReview takes a pair off the review queue.
func (t *Tx) DeleteReview(ctx context.Context, a, b record.Key) error {
	p := record.NewPair(a, b)
	_, err := t.exec(ctx, `DELETE FROM reviews WHERE a = (SELECT id FROM records WHERE source = ? AND rid = ?)
		AND b = (SELECT id FROM records WHERE source = ? AND rid = ?)`, p.A.Source, p.A.ID, p.B.Source, p.B.ID)
	return err
}

// AppendAudit appends a chained entry and makes it the head (stored at
// Commit).
func (t *Tx) AppendAudit(ctx context.Context, e audit.Entry) error {
	entry, err := store.EncodeAudit(e)
	if err != nil {
		return err
	}
	if !t.write {
		return errReadOnly
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	t.audits = append(t.audits, e.Seq, entry)
	head := audit.HeadOf(e)
	t.head = &head
	return nil
}

// appendAuditSQL are the statements that write audit entries.
var appendAuditSQL = rowsSQL("INSERT INTO audit(seq, entry) VALUES", 2)

// writeAudits writes the audit entries AppendAudit took.
func (t *Tx) writeAudits(ctx context.Context) error {
	err := t.execRows(ctx, &appendAuditSQL, 2, t.audits)
	t.audits = nil
	return err
}

// maxRows bounds the rows of one statement of execRows (SQLite takes at
// most 32,766 arguments a statement).
const maxRows = 64

// rowsSQL returns, for each n from 1 to maxRows, insert followed by n rows
// of cols parameters each.
func rowsSQL(insert string, cols int) (q [maxRows + 1]string) {
	row := "(?" + strings.Repeat(", ?", cols-1) + ")"
	for n := 1; n <= maxRows; n++ {
		q[n] = insert + row + strings.Repeat(", "+row, n-1)
	}
	return q
}

// execRows inserts rows of cols values each, args holding them one row
// after another, with the statements of rowsSQL: up to maxRows rows a
// statement, where a transaction that commits several callers' changes
// writes dozens.
func (t *Tx) execRows(ctx context.Context, stmts *[maxRows + 1]string, cols int, args []any) error {
	for len(args) > 0 {
		n := min(len(args)/cols, maxRows)
		if _, err := t.exec(ctx, stmts[n], args[:cols*n]...); err != nil {
			return err
		}
		args = args[cols*n:]
	}
	return nil
}

// AuditHead returns the head of the audit log.
func (t *Tx) AuditHead(ctx context.Context) (audit.Head, error) {
	return store.DecodeAuditHead(t.Meta(ctx, store.MetaAuditHead))
}

// AuditEntries calls fn for every audit entry in stored order.
func (t *Tx) AuditEntries(ctx context.Context, after int64, fn func(audit.Entry) bool) error {
	if err := t.writeAudits(ctx); err != nil {
		return err
	}
	return each(ctx, t, "SELECT seq, entry FROM audit WHERE seq > ? ORDER BY seq", []any{after}, func(rows *sql.Rows) (bool, error) {
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
	if e.Time.IsZero() {
		e.Time = t.db.now()
	}
	res, err := t.exec(ctx, "INSERT INTO events(at, kind, entity, others, source, rid, actor, why) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
		e.Time.UnixNano(), e.Kind, string(e.Entity), store.JoinEntities(e.Others), e.Record.Source, e.Record.ID, e.Actor, e.Why)
	if err != nil {
		return e, err
	}
	if e.Seq, err = res.LastInsertId(); err != nil {
		return e, fmt.Errorf("store: %w", err)
	}
	for _, ent := range append([]record.EntityID{e.Entity}, e.Others...) {
		if _, err := t.exec(ctx, "INSERT OR IGNORE INTO event_entities(entity, seq) VALUES(?, ?)", string(ent), e.Seq); err != nil {
			return e, err
		}
	}
	return e, nil
}

// ForgetRecord replaces the record's id in the lineage by "~" and digest.
func (t *Tx) ForgetRecord(ctx context.Context, key record.Key, digest string) error {
	_, err := t.exec(ctx, "UPDATE events SET rid = ? WHERE source = ? AND rid = ?", "~"+digest, key.Source, key.ID)
	return err
}

// changeWindow is how many audit sequence numbers the change log keeps;
// a process further behind reads the whole store again.
const changeWindow = 100000

// NoteChanges records the keys a transaction changed under seq; with no
// keys, a row that marks seq as noted. The keys are one value of the
// row (appendChangeKeys), so that a transaction appends to the log's
// last page and no index. Now and then it forgets what is older than the
// window.
func (t *Tx) NoteChanges(ctx context.Context, seq int64, keys []record.Key) error {
	if seq%1000 == 0 && seq > changeWindow {
		if _, err := t.exec(ctx, "DELETE FROM changes WHERE seq <= ?", seq-changeWindow); err != nil {
			return err
		}
	}
	// Noted twice under one sequence number, the keys are both notes'.
	_, err := t.exec(ctx, `INSERT INTO changes(seq, keys) VALUES(?1, ?2)
		ON CONFLICT(seq) DO UPDATE SET keys = CAST(changes.keys || excluded.keys AS BLOB)`, seq, appendChangeKeys(make([]byte, 0, 24*len(keys)), keys))
	return err
}

// appendChangeKeys appends keys to b as the change log holds them: each
// key's source and id, each after its length (an unsigned varint).
func appendChangeKeys(b []byte, keys []record.Key) []byte {
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k.Source)))
		b = append(b, k.Source...)
		b = binary.AppendUvarint(b, uint64(len(k.ID)))
		b = append(b, k.ID...)
	}
	return b
}

// eachChangeKey calls fn with each key appendChangeKeys wrote in b.
func eachChangeKey(b []byte, fn func(record.Key)) error {
	next := func() (string, error) {
		n, w := binary.Uvarint(b)
		if w <= 0 || n > uint64(len(b)-w) {
			return "", errors.New("a key's length runs past the value")
		}
		s := string(b[w : w+int(n)])
		b = b[w+int(n):]
		return s, nil
	}
	for len(b) > 0 {
		source, err := next()
		if err != nil {
			return err
		}
		id, err := next()
		if err != nil {
			return err
		}
		fn(record.Key{Source: source, ID: id})
	}
	return nil
}

// ChangedSince returns the keys noted after seq, and whether the log of
// changes reaches head.
func (t *Tx) ChangedSince(ctx context.Context, seq, head int64) ([]record.Key, bool, error) {
	if head-seq >= changeWindow/2 || t.db.rowChanges {
		return nil, false, nil // further back than the log surely reaches, or a log of schema version 2
	}
	var last sql.NullInt64
	if err := t.queryRow(ctx, "SELECT max(seq) FROM changes", nil, &last); err != nil {
		return nil, false, err
	}
	if !last.Valid || last.Int64 != head {
		return nil, false, nil
	}
	seen := map[record.Key]bool{}
	var keys []record.Key
	err := each(ctx, t, "SELECT seq, keys FROM changes WHERE seq > ?", []any{seq}, func(rows *sql.Rows) (bool, error) {
		var at int64
		var b []byte
		if err := rows.Scan(&at, &b); err != nil {
			return false, err
		}
		err := eachChangeKey(b, func(k record.Key) {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		})
		if err != nil {
			return false, fmt.Errorf("change log, sequence number %d: %w", at, err)
		}
		return true, nil
	})
	return keys, err == nil, err
}

// Events returns the events naming entity, oldest first.
func (t *Tx) Events(ctx context.Context, entity record.EntityID, after int64, limit int) ([]record.Event, error) {
	q, args := `SELECT e.seq, e.at, e.kind, e.entity, e.others, e.source, e.rid, e.actor, e.why FROM event_entities x
		JOIN events e ON e.seq = x.seq WHERE x.entity = ? AND x.seq > ? ORDER BY x.seq`, []any{string(entity), after}
	if entity == "" {
		q, args = `SELECT seq, at, kind, entity, others, source, rid, actor, why FROM events WHERE seq > ? ORDER BY seq`, []any{after}
	}
	// No limit, no LIMIT clause: SQLite runs an entity's lineage query
	// about twice as fast without a bound LIMIT -1 (measured at a million
	// records), and every entity read asks for the whole lineage.
	if limit > 0 {
		q, args = q+" LIMIT ?", append(args, limit)
	}
	return collect(ctx, t, q, args,
		func(rows *sql.Rows) (e record.Event, err error) {
			var at int64
			var ent, others string
			if err := rows.Scan(&e.Seq, &at, &e.Kind, &ent, &others, &e.Record.Source, &e.Record.ID, &e.Actor, &e.Why); err != nil {
				return e, err
			}
			e.Time, e.Entity = time.Unix(0, at).UTC(), record.EntityID(ent)
			e.Others = store.SplitEntities(others)
			return e, nil
		})
}

// EntityUsed reports whether an entity id was ever used.
func (t *Tx) EntityUsed(ctx context.Context, entity record.EntityID) (bool, error) {
	var one int
	err := t.queryRow(ctx, "SELECT 1 FROM event_entities WHERE entity = ? LIMIT 1", []any{string(entity)}, &one)
	if errors.Is(err, store.ErrNotFound) {
		err = t.queryRow(ctx, "SELECT 1 FROM records WHERE entity = ? LIMIT 1", []any{string(entity)}, &one)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// Path returns the file of the store.
func (db *DB) Path() string { return db.path }
