package live_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/store"
)

// TestGroupCommit: changes of several callers that wait for the writers'
// turn together are committed in one transaction, each caller gets its
// own changes back, and a caller's mistake (a delete of a record that is
// not there) fails that caller alone: the others' changes are committed
// all the same, and the memory copy agrees with the store.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	l := openLive(t, st, bridgeModel())
	// The first change is followed by a note of the review backlog, a
	// change of its own: made here, before transactions are counted.
	if _, err := l.Upsert(ctx, textRecord("first", "first", "")); err != nil {
		t.Fatal(err)
	}
	// waitAll starts each call, in order, while the turn is held, so that
	// all of them wait for it together, then lets them run.
	waitAll := func(calls []func() error) []error {
		t.Helper()
		release := l.HoldTurn()
		errs := make([]error, len(calls))
		var wg sync.WaitGroup
		for i, call := range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = call()
			}()
			for deadline := time.Now().Add(10 * time.Second); l.Waiting() < i+1; {
				if time.Now().After(deadline) {
					t.Fatalf("%d of %d changes waiting", l.Waiting(), i+1)
				}
				time.Sleep(time.Millisecond)
			}
		}
		release()
		wg.Wait()
		return errs
	}
	upsert := func(id, name, phone string, into *live.Change) func() error {
		return func() (err error) {
			*into, err = l.Upsert(ctx, textRecord(id, name, phone))
			return err
		}
	}

	const n = 8
	chs := make([]live.Change, n)
	var calls []func() error
	for i := range n {
		// Pairs of records that share a phone: each links to the other
		// whatever the order the group runs them in.
		calls = append(calls, upsert(fmt.Sprint("a", i), fmt.Sprint("name", i), fmt.Sprint(i/2), &chs[i]))
	}
	before := l.Commits()
	for i, err := range waitAll(calls) {
		if err != nil {
			t.Fatalf("upsert %d: %v", i, err)
		}
		if chs[i].Record != key(fmt.Sprint("a", i)) {
			t.Errorf("upsert %d got the change of %s", i, chs[i].Record)
		}
	}
	if got := l.Commits() - before; got != 1 {
		t.Errorf("%d changes waiting together took %d transactions, want 1", n, got)
	}
	for i := 0; i < n; i += 2 {
		if a, b := entityOf(t, l, fmt.Sprint("a", i)), entityOf(t, l, fmt.Sprint("a", i+1)); a != b {
			t.Errorf("a%d and a%d share a phone but are in %s and %s", i, i+1, a, b)
		}
	}

	// A delete of a missing record after them fails alone: the group's
	// transaction is rolled back, the records its changes touched in
	// memory are read again, and each change is committed alone.
	calls = calls[:0]
	for i := range n {
		calls = append(calls, upsert(fmt.Sprint("b", i), fmt.Sprint("other", i), fmt.Sprint(i/2), &chs[i]))
	}
	calls = append(calls, func() error {
		_, err := l.Delete(ctx, key("missing"))
		return err
	})
	restores := l.Restores()
	errs := waitAll(calls)
	for i, err := range errs[:n] {
		if err != nil {
			t.Errorf("upsert %d failed beside a bad delete: %v", i, err)
		}
	}
	if !errors.Is(errs[n], store.ErrNotFound) {
		t.Errorf("delete of a missing record: %v, want store.ErrNotFound", errs[n])
	}
	if got := l.Restores() - restores; got != 1 {
		t.Errorf("the failed group read its records again %d times, want 1", got)
	}
	inMemory, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(inMemory) != 2*n+1 {
		t.Errorf("%d records in memory, want %d", len(inMemory), 2*n+1)
	}
	reopened := openLive(t, st, bridgeModel())
	inStore, err := reopened.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(inMemory, inStore) {
		t.Errorf("the memory copy differs from the store read again:\n%v\n%v", inMemory, inStore)
	}
}
