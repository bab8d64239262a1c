package live

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// A count is read by its first reader, reused for a minute, then given
// as it was while it is read again in the background.
func TestCounted(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	var reads atomic.Int64
	done := make(chan struct{}, 1)
	read := func(context.Context) (int64, error) {
		n := reads.Add(1)
		if n > 1 {
			defer func() { done <- struct{}{} }()
		}
		return n, nil
	}
	var c counted[int64]
	if _, err := c.get(ctx, now, func(context.Context) (int64, error) { return 0, errors.New("store down") }); err == nil {
		t.Fatal("a first read that failed gave no error")
	}
	for range 3 {
		if v, err := c.get(ctx, now, read); err != nil || v != 1 {
			t.Fatalf("within the minute: %d, %v; want the first count", v, err)
		}
	}
	clock = clock.Add(countsFor)
	if v, _ := c.get(ctx, now, read); v != 1 {
		t.Fatalf("a minute later: %d, want the last count at once", v)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the count was not read again")
	}
	// The refresh stores its count after read returns; wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v, _ := c.get(ctx, now, read); v == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the count read again is not given")
		}
		time.Sleep(time.Millisecond)
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d reads, want 2", n)
	}
}
