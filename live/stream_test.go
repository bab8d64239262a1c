package live_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// scripted is a RecordSource that gives its items, then blocks until its
// context is done (an idle input) when hang is set, else ends.
type scripted struct {
	items []any // record.Record or error
	hang  context.Context
}

func (s *scripted) Next() (record.Record, error) {
	if len(s.items) == 0 {
		if s.hang != nil {
			<-s.hang.Done()
		}
		return record.Record{}, io.EOF
	}
	it := s.items[0]
	s.items = s.items[1:]
	switch x := it.(type) {
	case error:
		return record.Record{}, x
	case keptRecord:
		return x.rec, x.err
	}
	return it.(record.Record), nil
}

// keptRecord is a record read with fields that could not be.
type keptRecord struct {
	rec record.Record
	err *ingest.FieldErrors
}

// TestStream: a stream applies its records, rejects bad rows and deletes
// of records not stored, applies a record read without fields whose keys
// held objects and rejects those as values, passes each commit to
// Committed, and stops when its context is done while the input is idle,
// keeping what it committed.
func TestStream(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	var rejects []engine.Reject
	reject := func(r engine.Reject) error { rejects = append(rejects, r); return nil }
	var committed int
	src := &scripted{items: []any{
		textRecord("a", "Ana", "1"),
		&ingest.RowError{Source: "s", File: "f", Line: 3, Reason: "malformed CSV"},
		textRecord("b", "Bea", "2"),
		keptRecord{textRecord("d", "Di", "4"), &ingest.FieldErrors{Source: "s", File: "f", Line: 5, RecordID: "d",
			Fields: []ingest.FieldError{{Field: "doc", Reason: `key "ids" holds objects (keys number, type)`, Raw: `[{"number":"P1"}]`}}}},
	}}
	st, err := l.Stream(ctx, src, live.StreamOptions{Normalized: true, File: "f", Reject: reject,
		Committed: func(chs []live.Change) error { committed += len(chs); return nil }})
	if err != nil || st.Changes != 3 || st.RowRejects != 1 || st.ValueRejects != 1 || committed != 3 || len(rejects) != 2 || rejects[0].Line != 3 ||
		rejects[1] != (engine.Reject{Scope: engine.ScopeValue, Source: "s", File: "f", Line: 5, RecordID: "d", Field: "doc", Reason: `key "ids" holds objects (keys number, type)`, Raw: `[{"number":"P1"}]`}) {
		t.Fatalf("stream: %+v, %v; committed %d, rejects %+v", st, err, committed, rejects)
	}
	if _, err := l.Record(ctx, key("d"), access.Everything); err != nil {
		t.Errorf("the record read without a field was not applied: %v", err)
	}
	// Rejects are kept in the store too, counted by what went wrong.
	counts, err := l.RejectCounts(ctx, access.Everything)
	if want := []store.RejectCount{{Source: "s", Scope: "row", Class: "malformed CSV", N: 1}, {Source: "s", Scope: "value", Field: "doc", Class: "key … holds objects", N: 1}}; err != nil || !slices.Equal(counts, want) {
		t.Fatalf("kept rejects %+v, %v, want %+v", counts, err, want)
	}
	// Deletes: a record not stored is a reject, the others go.
	st, err = l.Stream(ctx, live.Records([]record.Record{{Key: key("a")}, {Key: key("zz")}}),
		live.StreamOptions{Delete: true, Source: config.Source{Name: "s"}, Reject: reject})
	if err != nil || st.Changes != 1 || st.RowRejects != 1 {
		t.Fatalf("deletes: %+v, %v", st, err)
	}
	if _, err := l.Record(ctx, key("a"), access.Everything); err == nil {
		t.Error("the deleted record is still stored")
	}
	// An idle input: cancelling stops the stream; what came is committed.
	cctx, cancel := context.WithCancel(ctx)
	idle := &scripted{items: []any{textRecord("c", "Cy", "3")}, hang: cctx}
	done := make(chan error, 1)
	go func() {
		_, err := l.Stream(cctx, idle, live.StreamOptions{Normalized: true, Reject: reject})
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := l.Record(ctx, key("c"), access.Everything); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the record before the idle input was not committed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("stream ended with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not stop when its context was cancelled")
	}
	if _, err := l.Stream(ctx, live.Records(nil), live.StreamOptions{}); err == nil {
		t.Error("a stream without Reject ran")
	}
}
