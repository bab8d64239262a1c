//go:build unix

package sqlite_test

import (
	"context"
	"errors"
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
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "concord.db")
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.PutRecord(ctx, store.Record{Key: record.Key{Source: "s", ID: "1"}, Data: []byte(`{}`)}); err != nil {
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

// TestReadOnly: a store opened read-only reads what was committed, refuses
// to write, and changes nothing on disk; a store that does not exist is
// not created. Where the directory cannot be written (as for a
// write-protected evidence copy), it is read as immutable.
func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "concord.db")
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tx, _ := db.Begin(ctx, true)
	tx.PutRecord(ctx, store.Record{Key: record.Key{Source: "s", ID: "1"}, Data: []byte(`{}`)})
	tx.SetMeta(ctx, "k", []byte("v"))
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)

	check := func(name string) {
		t.Helper()
		ro, err := sqlite.Open(path, sqlite.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer ro.Close()
		if _, err := ro.Begin(ctx, true); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("%s: a write transaction: %v, want ErrReadOnly", name, err)
		}
		rtx, err := ro.Begin(ctx, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer rtx.Rollback()
		if v, err := rtx.Meta(ctx, "k"); err != nil || string(v) != "v" {
			t.Errorf("%s: meta = %q, %v", name, v, err)
		}
		if n, err := rtx.CountRecords(ctx); err != nil || n != 1 {
			t.Errorf("%s: %d records, %v", name, n, err)
		}
	}
	check("read-only")
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("a read-only open changed the file")
	}
	// A shared-memory file that cannot be opened (a directory in its
	// place) makes SQLite's read-only mode fail: the store is then read
	// as immutable.
	os.Remove(path + "-shm")
	if err := os.Mkdir(path+"-shm", 0o700); err != nil {
		t.Fatal(err)
	}
	check("no shared memory")
	os.Remove(path + "-shm")
	if os.Geteuid() != 0 { // root writes anywhere: the protection cannot be tried
		os.Chmod(path, 0o400)
		os.Chmod(dir, 0o500)
		check("write-protected")
		os.Chmod(dir, 0o700)
	}
	if _, err := sqlite.Open(filepath.Join(dir, "none.db"), sqlite.Options{ReadOnly: true}); err == nil {
		t.Error("a read-only open of a missing store succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("a read-only open created a store")
	}
}
