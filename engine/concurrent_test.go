package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/store"
)

// TestLiveConcurrent: one Live used from several goroutines at once —
// writers upserting, deleting and deciding, readers reading records and
// entities, explaining pairs and entities — stays consistent, and (under
// -race, as CI runs it) shares no memory unguarded.
func TestLiveConcurrent(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	const n = 60
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	for w := range 2 { // writers: records sharing phones, so they link
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				id := fmt.Sprintf("w%d-%d", w, i)
				if _, err := l.Upsert(ctx, textRecord(id, fmt.Sprintf("name%d", i), fmt.Sprintf("%d", i%7))); err != nil {
					fail(err)
					return
				}
				if i%5 == 4 {
					if _, err := l.Delete(ctx, key(fmt.Sprintf("w%d-%d", w, i-1))); err != nil {
						fail(err)
						return
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // a reviewer
		defer wg.Done()
		for i := range n {
			a, b := key(fmt.Sprintf("w0-%d", i)), key(fmt.Sprintf("w1-%d", i))
			_, err := l.Decide(ctx, engine.Decision{A: a, B: b, Verdict: store.VerdictDifferent, Reviewer: "rev"})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				fail(err)
				return
			}
			// Merge two entities read a moment before: the merge decides
			// from the entities as they are when it runs.
			ra, errA := l.Record(ctx, key(fmt.Sprintf("w0-%d", i/2)))
			rb, errB := l.Record(ctx, key(fmt.Sprintf("w1-%d", i/3)))
			if errA == nil && errB == nil {
				_, err := l.Merge(ctx, ra.Entity, rb.Entity, "rev", "same person")
				if err != nil && !errors.Is(err, engine.ErrBadDecision) && !errors.Is(err, store.ErrNotFound) {
					fail(err)
					return
				}
			}
		}
	}()
	for range 2 { // readers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				k := key(fmt.Sprintf("w%d-%d", i%2, i))
				r, err := l.Record(ctx, k)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					fail(err)
					return
				}
				for _, call := range []func() error{
					func() error { _, err := l.Entity(ctx, r.Entity); return err },
					func() error { _, err := l.How(ctx, r.Entity); return err },
					func() error { _, err := l.ExplainPair(ctx, k, key(fmt.Sprintf("w%d-%d", 1-i%2, i))); return err },
					func() error { _, err := l.Reviews(ctx); return err },
				} {
					// Another goroutine may delete or move the record meanwhile.
					if err := call(); err != nil && !errors.Is(err, store.ErrNotFound) {
						fail(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatalf("after concurrent use: %v", err)
	}
	log, head, err := l.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Verify(log, &head); err != nil || len(log) < 2*n {
		t.Errorf("audit log of %d entries: %v", len(log), err)
	}
}
