package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/sqlite"
	"github.com/concord-er/concord/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (store.Store, func() store.Store) {
		path := filepath.Join(t.TempDir(), "concord.db")
		open := func() store.Store {
			db, err := sqlite.Open(path, sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		return open(), open
	})
}

func TestOpenRefusesURL(t *testing.T) {
	_, err := sqlite.Open("postgres://db/concord", sqlite.Options{})
	if err == nil || !strings.Contains(err.Error(), "only a file path") {
		t.Fatalf("Open(url) error = %v", err)
	}
}

// A store of schema version 1 (no rejects, no backlog, events without
// their actor) is migrated when a writer opens it.
func TestMigrateFromVersion1(t *testing.T) {
	path := olderStore(t, "ALTER TABLE events DROP COLUMN actor; ALTER TABLE events DROP COLUMN why; DROP TABLE rejects; DROP TABLE backlog; PRAGMA user_version = 1")
	if _, err := sqlite.Open(path, sqlite.Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "schema version 1") {
		t.Errorf("a read-only open of version 1: %v", err)
	}
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	tx, err := db.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.AddEvent(ctx, record.Event{Kind: record.EventCreated, Entity: "E1", Actor: "reviewer:ann", Why: "one person"}); err != nil {
		t.Fatal(err)
	}
	evs, err := tx.Events(ctx, "E1", 0, 0)
	if err != nil || len(evs) != 1 || evs[0].Actor != "reviewer:ann" || evs[0].Why != "one person" {
		t.Errorf("events after migration: %+v, %v", evs, err)
	}
	if _, err := tx.RejectCounts(ctx); err != nil {
		t.Errorf("rejects after migration: %v", err)
	}
	if _, err := tx.Backlog(ctx, time.Time{}); err != nil {
		t.Errorf("backlog after migration: %v", err)
	}
}

// A store of schema version 2 (the change log a row a key, with an index
// of their sequence numbers) is migrated when a writer opens it: the log
// starts afresh, so that a process behind it reads the whole store again.
func TestMigrateFromVersion2(t *testing.T) {
	path := olderStore(t, `DROP TABLE changes; CREATE TABLE changes(seq INTEGER NOT NULL, source TEXT NOT NULL, rid TEXT NOT NULL);
		CREATE INDEX changes_seq ON changes(seq); INSERT INTO changes VALUES(7, 'kyc', 'k1'); PRAGMA user_version = 2`)
	ctx := context.Background()
	// A write-protected copy of version 2 reads, its change log taken as
	// not reaching back.
	ro, err := sqlite.Open(path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a read-only open of version 2: %v", err)
	}
	rtx, err := ro.Begin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, complete, err := rtx.ChangedSince(ctx, 6, 7); complete || err != nil {
		t.Errorf("read-only ChangedSince(6, 7) of version 2: complete %v, %v", complete, err)
	}
	rtx.Rollback()
	ro.Close()
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, complete, err := tx.ChangedSince(ctx, 6, 7); complete || err != nil {
		t.Errorf("ChangedSince(6, 7) after migration: complete %v, %v; want the old log gone", complete, err)
	}
	k := record.Key{Source: "kyc", ID: "k2"}
	if err := tx.NoteChanges(ctx, 8, []record.Key{k}); err != nil {
		t.Fatal(err)
	}
	if keys, complete, err := tx.ChangedSince(ctx, 7, 8); !complete || err != nil || len(keys) != 1 || keys[0] != k {
		t.Errorf("ChangedSince(7, 8) after migration = %v, %v, %v", keys, complete, err)
	}
}

// TestChangeLogDamaged: a change-log value that does not read is an error
// that names its sequence number, not a panic or keys made up.
func TestChangeLogDamaged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "concord.db")
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := rawDB(t, path)
	if _, err := raw.Exec("INSERT INTO changes(seq, keys) VALUES(9, x'03616263056b2d31')"); err != nil { // "abc", then 5 bytes of 3
		t.Fatal(err)
	}
	ctx := context.Background()
	tx, err := db.Begin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if keys, complete, err := tx.ChangedSince(ctx, 8, 9); err == nil || !strings.Contains(err.Error(), "sequence number 9") || complete || len(keys) != 0 {
		t.Errorf("ChangedSince over a damaged value = %v, %v, %v; want an error naming sequence number 9", keys, complete, err)
	}
}

// TestUpdateKeepingEntityWritesItsRow: replacing records that stay in
// their entities (an address changed) writes about one page a record to
// the log, the row's; setting the entity column to the value it holds
// would make SQLite rewrite each record's entry in records_entity too,
// another page each.
func TestUpdateKeepingEntityWritesItsRow(t *testing.T) {
	ctx := context.Background()
	db, path := openUncheckpointed(t)
	const records, updated = 4000, 60
	rec := func(i int, data string) store.Record {
		return store.Record{Key: record.Key{Source: "s", ID: fmt.Sprintf("%06d", i)},
			Entity: record.EntityID(fmt.Sprintf("E%016x", uint64(i)*0x9e3779b97f4a7c15)),
			Data:   []byte(strings.Repeat(data, 600)), Keys: []uint64{uint64(i)}}
	}
	write := func(from, to, step int, data string) {
		t.Helper()
		tx, err := db.Begin(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for i := from; i < to; i += step {
			if err := tx.PutRecord(ctx, rec(i, data)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	write(0, records, 1, "a")
	frames := logFrames(t, path)
	frames("TRUNCATE") // the log empty: what follows writes from its start
	write(0, records, records/updated, "b")
	if n := frames("PASSIVE"); n < updated*3/4 || n > updated+updated/10 {
		t.Errorf("updating %d records of %d, each in its entity, wrote %d pages to the log, want about one a record", updated, records, n)
	}
	tx, err := db.Begin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	got, err := tx.Record(ctx, rec(records/updated, "").Key)
	if err != nil || string(got.Data) != strings.Repeat("b", 600) || got.Entity != rec(records/updated, "").Entity {
		t.Errorf("record after update = %+v, %v", got, err)
	}
}

// openUncheckpointed opens a store in a new file whose log the background
// checkpointer leaves alone for the length of a test, and returns it with
// the file's path.
// TestChangeLogPages: a transaction's note of the keys it changed appends
// to the change log's last page, not to a table's page and its index's.
func TestChangeLogPages(t *testing.T) {
	ctx := context.Background()
	db, path := openUncheckpointed(t)
	seq := int64(0)
	note := func(txs int) {
		t.Helper()
		for range txs {
			seq++
			tx, err := db.Begin(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			keys := make([]record.Key, 32)
			for i := range keys {
				keys[i] = record.Key{Source: "kyc", ID: fmt.Sprintf("k-%07d", seq*32+int64(i))}
			}
			if err := tx.NoteChanges(ctx, seq, keys); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	}
	note(500)
	frames := logFrames(t, path)
	frames("TRUNCATE")
	const txs = 40
	note(txs)
	// Each commit writes the log's last page again; every few, a new one
	// (and page 1, as the file grows). A row a key and an index of their
	// sequence numbers wrote 146.
	if n := frames("PASSIVE"); n > txs*3/2 {
		t.Errorf("%d transactions noting 32 keys each wrote %d pages to the log, want at most %d", txs, n, txs*3/2)
	}
}

// olderStore makes a store, turns it into one of an older schema version
// with the statements given, and returns its path.
func olderStore(t testing.TB, older string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "concord.db")
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw := rawDB(t, path)
	if _, err := raw.Exec(older); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	return path
}

// rawDB opens the store's file with database/sql alone, closed when the
// test ends.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// logFrames returns a function that checkpoints the store's log in a
// mode (PASSIVE, TRUNCATE) and returns the pages the log held.
func logFrames(t testing.TB, path string) func(mode string) int {
	raw := rawDB(t, path)
	return func(mode string) (log int) {
		t.Helper()
		var busy, done int
		if err := raw.QueryRow("PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done); err != nil || busy != 0 {
			t.Fatalf("checkpoint %s: busy %d, %v", mode, busy, err)
		}
		return log
	}
}

func openUncheckpointed(t testing.TB) (*sqlite.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "concord.db")
	db, err := sqlite.Open(path, sqlite.Options{CheckpointEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// FuzzChangeKeys: the change log's keys read back as written, and any
// other value is an error, not a panic or a key read past its end.
func FuzzChangeKeys(f *testing.F) {
	f.Add([]byte{}, "kyc", "k-1")
	f.Add([]byte{3, 'k', 'y', 'c', 200}, "", "")
	f.Add([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, "a\x00b", "ü")
	f.Fuzz(func(t *testing.T, raw []byte, source, id string) {
		n := 0
		_ = sqlite.EachChangeKey(raw, func(record.Key) { n++ })
		if n > len(raw)/2 { // each key takes two lengths at least
			t.Fatalf("%d keys read from %d bytes", n, len(raw))
		}
		keys := []record.Key{{Source: source, ID: id}, {Source: id, ID: source}}
		var got []record.Key
		if err := sqlite.EachChangeKey(sqlite.AppendChangeKeys(nil, keys), func(k record.Key) { got = append(got, k) }); err != nil || len(got) != 2 || got[0] != keys[0] || got[1] != keys[1] {
			t.Fatalf("keys %q read back as %q, %v", keys, got, err)
		}
	})
}
