package live_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

func reads(n int, who string) []audit.Entry {
	out := make([]audit.Entry, n)
	for i := range out {
		out[i] = audit.Entry{Actor: "principal:" + who, Action: "read", Detail: fmt.Sprintf("GET /v1/entities/{id} %d", i)}
	}
	return out
}

// readsIn counts the entries of the audit log read by who, and checks
// the log's chain.
func readsIn(t *testing.T, l *live.Live, who string) (n int, seq int64) {
	t.Helper()
	log, head, err := l.AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Verify(log, &head); err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Actor == "principal:"+who && e.Action == "read" {
			n++
		}
	}
	return n, head.Seq
}

// Queued reads are appended by the next change, whoever makes it, and a
// flush then has nothing to do; a change that fails leaves them queued
// for the next.
func TestAccessRidesOnChanges(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	if err := l.QueueAccess(ctx, reads(2, "alice")); err != nil {
		t.Fatal(err)
	}
	if n, _ := readsIn(t, l, "alice"); n != 0 {
		t.Fatalf("%d reads in the log before any change", n)
	}
	if _, err := l.Upsert(ctx, textRecord("a", "ann", "1")); err != nil {
		t.Fatal(err)
	}
	n, seq := readsIn(t, l, "alice")
	if n != 2 {
		t.Fatalf("%d reads in the log after an upsert, want the 2 queued", n)
	}
	if err := l.FlushAccess(ctx); err != nil {
		t.Fatal(err)
	}
	if _, again := readsIn(t, l, "alice"); again != seq {
		t.Errorf("a flush with nothing queued moved the log from %d to %d", seq, again)
	}

	if err := l.QueueAccess(ctx, reads(3, "bob")); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Delete(ctx, record.Key{Source: "s", ID: "missing"}); err == nil {
		t.Fatal("deleting a missing record succeeded")
	}
	if n, _ := readsIn(t, l, "bob"); n != 0 {
		t.Fatalf("a failed change wrote %d reads", n)
	}
	if err := l.FlushAccess(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := readsIn(t, l, "bob"); n != 3 {
		t.Errorf("%d reads in the log after a failed change and a flush, want 3", n)
	}
}

// Queueing reads does not wait for the store's writers; a flush does, and
// a queue that is full makes its caller wait for room.
func TestAccessDoesNotWaitForWriters(t *testing.T) {
	defer live.SetMaxAccessWaiting(100)()
	ctx := context.Background()
	st := openStore(t)
	l := openLive(t, st, bridgeModel())
	held, err := st.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	queued := make(chan error, 1)
	go func() { queued <- l.QueueAccess(ctx, reads(100, "carol")) }()
	select {
	case err := <-queued:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("queueing reads waited for the store's writers")
	}
	full, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := l.QueueAccess(full, reads(1, "carol")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("queueing past the bound: %v, want to wait for room until the context ends", err)
	}
	flushed := make(chan error, 1)
	go func() { flushed <- l.FlushAccess(ctx) }()
	select {
	case err := <-flushed:
		t.Fatalf("a flush ran while another writer held the store: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	held.Rollback()
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if n, _ := readsIn(t, l, "carol"); n != 100 {
		t.Errorf("%d reads in the log, want 100", n)
	}
}

// A read-only Live has no log to write reads to: queueing them is refused
// at once, not left to fill a queue no change will empty.
func TestAccessReadOnly(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	openLive(t, st, bridgeModel())
	ro, err := live.Open(ctx, st, live.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.QueueAccess(ctx, reads(1, "dan")); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("queueing reads in a read-only Live: %v, want store.ErrReadOnly", err)
	}
}
