package live_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// commitHook is a store whose write transactions call hook before they
// commit: a commit held, or slowed as a busy disk slows it.
type commitHook struct {
	store.Store
	hook func()
}

func (h *commitHook) Begin(ctx context.Context, write bool) (store.Tx, error) {
	tx, err := h.Store.Begin(ctx, write)
	if err != nil || !write {
		return tx, err
	}
	return &hookedTx{Tx: tx, hook: h.hook}, nil
}

type hookedTx struct {
	store.Tx
	hook func()
}

func (t *hookedTx) Commit() error {
	t.hook()
	return t.Tx.Commit()
}

// An upsert scores its candidates ahead of its turn while another
// change's commit waits for the disk: it does not wait for that commit,
// and it finds the record the change added (it checks every score again
// at its turn). The held change then commits, and the upsert, at its
// turn, compares all three records.
func TestPrescoreDuringCommit(t *testing.T) {
	ctx := context.Background()
	// The next commit, once armed, is held until released.
	var armed atomic.Bool
	entered, held := make(chan struct{}), make(chan struct{})
	h := &commitHook{Store: openStore(t), hook: func() {
		if armed.CompareAndSwap(true, false) {
			close(entered)
			<-held
		}
	}}
	release := sync.OnceFunc(func() { close(held) })
	t.Cleanup(release)
	l := openLive(t, h, bridgeModel())
	for _, r := range []record.Record{textRecord("a", "ann", "111"), textRecord("b", "ann", "222")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	armed.Store(true)
	done := make(chan error, 1)
	go func() {
		_, err := l.Upsert(ctx, textRecord("c", "ann", "333"))
		done <- err
	}()
	<-entered
	type result struct {
		keys []record.Key
		err  error
	}
	scored := make(chan result, 1)
	go func() {
		keys, err := l.Prescored(textRecord("d", "ann", "444"))
		scored <- result{keys, err}
	}()
	select {
	case got := <-scored:
		if got.err != nil {
			t.Fatal(got.err)
		}
		if want := []record.Key{key("a"), key("b"), key("c")}; !slices.Equal(got.keys, want) {
			t.Errorf("scored ahead %v, want %v", got.keys, want)
		}
	case <-time.After(time.Minute):
		t.Fatal("scoring ahead waited for another change's commit")
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ch, err := l.Upsert(ctx, textRecord("d", "ann", "444"))
	if err != nil {
		t.Fatal(err)
	}
	if ch.Compared != 3 {
		t.Errorf("the upsert after compared %d records, want 3", ch.Compared)
	}
}
