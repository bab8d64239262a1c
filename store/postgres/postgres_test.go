package postgres_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/postgres"
	"github.com/concord-er/concord/store/postgres/pgtest"
	"github.com/concord-er/concord/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (store.Store, func() store.Store) {
		dsn := pgtest.Schema(t)
		open := func() store.Store {
			db, err := postgres.Open(context.Background(), dsn, postgres.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		return open(), open
	})
}

// A password never sits in the URL, which sits in a config file.
func TestOpenRefusesPassword(t *testing.T) {
	for _, dsn := range []string{"postgres://concord:s3cret@db/concord", "postgres://db/concord?password=s3cret"} {
		_, err := postgres.Open(context.Background(), dsn, postgres.Options{})
		if err == nil || !strings.Contains(err.Error(), "PGPASSWORD") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q) error = %v", dsn, err)
		}
	}
	if _, err := postgres.Open(context.Background(), "concord.db", postgres.Options{}); err == nil {
		t.Error("Open of a file path did not fail")
	}
}

// A read-only store creates nothing and refuses writes; a newer schema
// than this build knows is refused.
func TestReadOnlyAndVersion(t *testing.T) {
	dsn := pgtest.Schema(t)
	ctx := context.Background()
	if _, err := postgres.Open(ctx, dsn, postgres.Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "schema version 0") {
		t.Fatalf("read-only open of an empty schema: %v", err)
	}
	db, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := postgres.Open(ctx, dsn, postgres.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Begin(ctx, true); err == nil {
		t.Error("a write transaction on a read-only store")
	}
	ro.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "UPDATE concord_schema SET version = 99"); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(ctx, dsn, postgres.Options{}); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Errorf("open of a newer schema: %v", err)
	}
}

// Two stores on one database are two processes: the second writer waits
// for the first's commit.
func TestWritersAcrossConnections(t *testing.T) {
	dsn := pgtest.Schema(t)
	ctx := context.Background()
	a, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ta, err := a.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := ta.SetMeta(ctx, "k", []byte("a")); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		tb, err := b.Begin(ctx, true)
		if err != nil {
			got <- err.Error()
			return
		}
		defer tb.Rollback()
		v, err := tb.Meta(ctx, "k")
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(v)
	}()
	select {
	case v := <-got:
		t.Fatalf("the second writer did not wait: read %q", v)
	case <-time.After(200 * time.Millisecond):
	}
	if err := ta.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-got:
		if v != "a" {
			t.Errorf("the second writer read %q, want the first's commit", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second writer never began")
	}
}

// A store of schema version 1 (no index of blocking keys, no rejects) is
// migrated on open: its records' keys are indexed from their rows.
func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	k := record.Key{Source: "a", ID: "1"}
	// Version 1 as it was.
	dsn, conn := olderStore(t, "DROP TABLE record_keys; DROP TABLE locks; DROP TABLE rejects; DROP INDEX reviews_weight; DROP INDEX reviews_certainty; DELETE FROM writer WHERE id = 2; UPDATE concord_schema SET version = 1",
		func(tx store.Tx) error {
			return tx.PutRecord(ctx, store.Record{Key: k, Entity: "E1", Data: []byte("x"), Keys: []uint64{7, 1 << 63}})
		})
	if _, err := postgres.Open(ctx, dsn, postgres.Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "schema version 1") {
		t.Errorf("a read-only open of version 1: %v", err)
	}
	db, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sh, err := db.BeginShared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Rollback()
	for _, key := range []uint64{7, 1 << 63} {
		recs, _, err := sh.Holders(ctx, []uint64{key}, 10)
		if err != nil || len(recs) != 1 || recs[0].Key != k {
			t.Errorf("Holders(%d) after migration = %+v, %v", key, recs, err)
		}
	}
	if _, err := sh.LockHead(ctx); err != nil {
		t.Errorf("the audit head's row after migration: %v", err)
	}
	if rs, err := sh.RejectsOf(ctx, []record.Key{k}); err != nil || len(rs) != 0 {
		t.Errorf("rejects after migration: %+v, %v", rs, err)
	}
	var v int
	if err := conn.QueryRow(ctx, "SELECT version FROM concord_schema").Scan(&v); err != nil || v != 4 {
		t.Errorf("schema version %d (%v), want 4", v, err)
	}
	if !hasIndex(t, conn, "reviews_weight") || !hasIndex(t, conn, "reviews_certainty") {
		t.Error("no indexes of the review queue's weights after migration")
	}
}

// A store of schema version 3 (no indexes of the review queue's weights)
// is read as it is by a read-only open, and given them by a writer's.
func TestMigrateFromVersion3(t *testing.T) {
	ctx := context.Background()
	dsn, conn := olderStore(t, "DROP INDEX reviews_weight; DROP INDEX reviews_certainty; UPDATE concord_schema SET version = 3", nil)
	ro, err := postgres.Open(ctx, dsn, postgres.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a read-only open of version 3: %v", err)
	}
	tx, err := ro.Begin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := tx.Reviews(ctx, record.Key{}, nil, 10); err != nil || len(rs) != 0 {
		t.Errorf("the review queue of version 3: %v, %v", rs, err)
	}
	tx.Rollback()
	ro.Close()
	if hasIndex(t, conn, "reviews_weight") {
		t.Fatal("a read-only open made an index")
	}
	db, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if !hasIndex(t, conn, "reviews_weight") || !hasIndex(t, conn, "reviews_certainty") {
		t.Error("no indexes of the review queue's weights after a writer's open")
	}
}

// olderStore makes a store of this build's schema in a schema of its own,
// writes in it what fill writes (nil: nothing), and makes it an older
// version's by the statements older; it returns the store's URL and a
// connection to its database.
func olderStore(t *testing.T, older string, fill func(store.Tx) error) (string, *pgx.Conn) {
	t.Helper()
	dsn := pgtest.Schema(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fill != nil {
		tx, err := db.Begin(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := fill(tx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if _, err := conn.Exec(ctx, older); err != nil {
		t.Fatal(err)
	}
	return dsn, conn
}

// hasIndex reports whether the schema the connection's search_path
// names first holds an index of this name.
func hasIndex(t *testing.T, conn *pgx.Conn, name string) bool {
	t.Helper()
	var ok bool
	if err := conn.QueryRow(context.Background(), "SELECT to_regclass($1) IS NOT NULL", name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// A lock row the server lost (a crash with asynchronous commit) is a
// conflict once, and made again for the next try.
func TestLockRowsLost(t *testing.T) {
	dsn := pgtest.Schema(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock := func() error {
		tx, err := db.BeginShared(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := tx.Lock(ctx, []uint64{5, 9}, true); err != nil {
			return err
		}
		return tx.Commit()
	}
	if err := lock(); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DELETE FROM locks"); err != nil {
		t.Fatal(err)
	}
	if err := lock(); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("locks whose rows were lost: %v, want ErrConflict", err)
	}
	if err := lock(); err != nil {
		t.Errorf("the next try: %v", err)
	}
}
