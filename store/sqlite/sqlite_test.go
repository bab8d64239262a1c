package sqlite_test

import (
	"context"
	"database/sql"
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
	path := filepath.Join(t.TempDir(), "concord.db")
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("ALTER TABLE events DROP COLUMN actor; ALTER TABLE events DROP COLUMN why; DROP TABLE rejects; DROP TABLE backlog; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := sqlite.Open(path, sqlite.Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "schema version 1") {
		t.Errorf("a read-only open of version 1: %v", err)
	}
	db, err = sqlite.Open(path, sqlite.Options{})
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
