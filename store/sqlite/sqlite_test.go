package sqlite_test

import (
	"path/filepath"
	"strings"
	"testing"

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
