//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/sqlite"
)

// TestPrivateFiles: a new store and its write-ahead log are readable by
// their owner alone, whatever the umask.
func TestPrivateFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "concord.db")
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.PutRecord(store.Record{Key: record.Key{Source: "s", ID: "1"}, Data: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal"} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(f), st.Mode().Perm())
		}
	}
}
