package live_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/postgres"
	"github.com/concord-er/concord/store/postgres/pgtest"
	"github.com/concord-er/concord/store/sqlite"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestCatchUp: two processes share a store, a file or a PostgreSQL
// database. What one writes, the other reads from the change log alone —
// the records that changed, not the whole store — and it ends up as a
// fresh open of the store would be.
func TestCatchUp(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "concord.db")
		testCatchUp(t, func() (store.Store, error) { return sqlite.Open(path, sqlite.Options{}) })
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.Schema(t)
		testCatchUp(t, func() (store.Store, error) { return postgres.Open(context.Background(), dsn, postgres.Options{}) })
	})
}

func testCatchUp(t *testing.T, openStore func() (store.Store, error)) {
	ctx := context.Background()
	open := func() (store.Store, *live.Live) {
		db, err := openStore()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db, openLive(t, db, bridgeModel())
	}
	_, a := open()
	_, b := open()
	for _, r := range []string{"a1", "a2"} {
		if _, err := a.Upsert(ctx, textRecord(r, "Ana "+r, "555")); err != nil {
			t.Fatal(err)
		}
	}
	reloads := b.Reloads()
	// B reads A's records: it catches up.
	if _, err := b.Record(ctx, key("a2"), access.Everything); err != nil {
		t.Fatalf("B does not see A's record: %v", err)
	}
	// B writes: a record linking to A's (the same phone), a decision, a
	// delete of one of A's records.
	if _, err := b.Upsert(ctx, textRecord("b1", "Bea", "555")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Decide(ctx, record.Decision{A: key("a1"), B: key("b1"), Verdict: record.VerdictDifferent, Reviewer: "rev"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Delete(ctx, key("a2")); err != nil {
		t.Fatal(err)
	}
	// A catches up with all of that before its own next change.
	if _, err := a.Upsert(ctx, textRecord("a3", "Ana a3", "556")); err != nil {
		t.Fatal(err)
	}
	if b.Reloads() != reloads || a.CatchUps() == 0 || b.CatchUps() == 0 {
		t.Errorf("reloads of B %d → %d; catch-ups A %d, B %d: want catch-ups and no reload", reloads, b.Reloads(), a.CatchUps(), b.CatchUps())
	}
	// Both agree with each other and with a fresh open of the store.
	_, fresh := open()
	want, err := fresh.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*live.Live{"A": a, "B": b} {
		if _, err := l.Record(ctx, key("b1"), access.Everything); err != nil { // catch up with the last change
			t.Fatal(err)
		}
		if err := l.Check(ctx); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		got, err := l.Entities(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s holds %d records, a fresh open %d", name, len(got), len(want))
		}
		for k, e := range want {
			if got[k] != e {
				t.Errorf("%s: record %s in %s, a fresh open says %s", name, k, got[k], e)
			}
		}
	}
	if ea, eb := entityOf(t, a, "a1"), entityOf(t, a, "b1"); ea == eb {
		t.Error("the reviewer's different, made by B, did not keep a1 and b1 apart in A")
	}
}
