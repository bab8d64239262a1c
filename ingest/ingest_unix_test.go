//go:build unix

package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/concord-er/concord/ingest"
)

// TestOnlyRegularFiles: a device is refused (it could be read forever);
// a cancelled context stops a file being read.
func TestOnlyRegularFiles(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	_, err := ingest.OpenFile(context.Background(), "/dev/zero", people(ingest.FormatCSV))
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("OpenFile(/dev/zero) error = %v", err)
	}
	// Unless asked for: a FIFO a writer feeds and then closes reads.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		go func() {
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err == nil {
				w.Write([]byte("id,name,alias\n1,Ana,\n"))
				w.Close()
			}
		}()
		opt := people(ingest.FormatCSV)
		opt.AllowSpecial = true
		f, err := ingest.OpenFile(context.Background(), fifo, opt)
		if err != nil {
			t.Fatalf("a FIFO allowed: %v", err)
		}
		recs, _ := readAll(t, f.Reader)
		f.Close()
		if len(recs) != 1 {
			t.Errorf("from the FIFO: %d records, want 1", len(recs))
		}
	}
	path := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(path, []byte("id,name,alias\n1,Ana,\n2,Bo,\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ingest.OpenFile(ctx, path, people(ingest.FormatCSV)); !errors.Is(err, context.Canceled) {
		t.Errorf("OpenFile with a cancelled context: error = %v, want context.Canceled", err)
	}
}
