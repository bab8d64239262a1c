package live

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/record"
)

// StreamGroup is the most records one transaction of a stream takes;
// SharedStreamGroup in shared mode, where a transaction holds the locks
// of its records' blocking keys until it commits and smaller ones let
// other resolvers in sooner (measured: two resolvers take a third more
// records per second in groups of 64 than of 256; docs/scale.md).
const (
	StreamGroup       = 256
	SharedStreamGroup = 64
)

// RecordSource gives records one at a time, as an ingest.Reader does: Next
// returns io.EOF after the last, an *ingest.RowError for a row that could
// not be read (the stream goes on after it), and any other error ends the
// stream.
type RecordSource interface {
	Next() (record.Record, error)
}

// Records is a RecordSource over records in memory.
func Records(recs []record.Record) RecordSource { return &sliceSource{recs: recs} }

type sliceSource struct {
	recs []record.Record
	next int
}

func (s *sliceSource) Next() (record.Record, error) {
	if s.next == len(s.recs) {
		return record.Record{}, io.EOF
	}
	s.next++
	return s.recs[s.next-1], nil
}

// StreamOptions configure Live.Stream.
type StreamOptions struct {
	// Source is the source the records come from: it says how to
	// normalise their raw values (with Limits), and names rejects.
	Source config.Source
	// Parts are more sources whose records the same rows make (the sources
	// of Source's groups, ingest.Options.Parts): each record is normalised
	// as its own source says. A delete of a group's record that is not
	// stored is no reject: a row need not make a record of every group.
	Parts  []config.Source
	Limits config.Limits
	// Normalized says the records carry their values already (as Load
	// gives them): they are applied as they are.
	Normalized bool
	// Delete makes every record a delete of the stored record with its key.
	Delete bool
	// File names the input in rejects.
	File string
	// Reject receives every row and value that could not be used; it must
	// be set: nothing is dropped silently.
	Reject func(engine.Reject) error
	// Committed, when set, receives the changes of each transaction once
	// it has committed: what may be acknowledged.
	Committed func([]Change) error
}

// StreamStats count what a stream did.
type StreamStats struct {
	Changes      int64 // records upserted or deleted
	RowRejects   int64 // rows that could not be read, or deletes of records not stored
	ValueRejects int64 // values that could not be normalised (their records were kept)
}

// Stream applies the records of src in groups, as they arrive: a reader
// goroutine reads ahead, and each transaction takes the records that have
// arrived, up to StreamGroup, so that a lone record commits at once and a
// fast stream commits in groups (group commit). Bad rows, values and
// deletes of records that are not stored go to opt.Reject; the stream goes
// on. It ends at the end of src, on an error, or when ctx is done — even
// while src waits for input — and then returns ctx's error; what was
// committed stays, and was passed to opt.Committed.
func (l *Live) Stream(ctx context.Context, src RecordSource, opt StreamOptions) (StreamStats, error) {
	var st StreamStats
	if opt.Reject == nil {
		return st, errors.New("stream: no engine.Reject: rejected rows would be lost")
	}
	// Rejects go to opt.Reject at once, and to the store (KeepRejects)
	// after each group, for the data view and the entity pages.
	var kept []engine.Reject
	reject := func(r engine.Reject) error {
		kept = append(kept, r)
		return opt.Reject(r)
	}
	norms := map[string]*engine.Normalizer{opt.Source.Name: engine.NewNormalizer(opt.Source, opt.Limits)}
	groups := map[string]bool{}
	for _, p := range opt.Parts {
		norms[p.Name] = engine.NewNormalizer(p, opt.Limits)
		groups[p.Name] = p.Of != ""
	}
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading() // on an error, the reader stops too
	items := readAhead(readCtx, src)
	for {
		group, more := nextGroup(ctx, items, l.streamGroup())
		var ops []Op
		deleting := map[record.Key]bool{}
		var stored map[record.Key]bool // of the records the group deletes
		if opt.Delete {
			var keys []record.Key
			for _, it := range group {
				if it.err == nil {
					keys = append(keys, it.rec.Key)
				}
			}
			var err error
			if stored, err = l.Stored(ctx, keys); err != nil {
				return st, err
			}
		}
		for _, it := range group {
			switch {
			case it.err != nil:
				var re *ingest.RowError
				if !errors.As(it.err, &re) {
					return st, fmt.Errorf("%s: %w", opt.File, it.err)
				}
				st.RowRejects++
				if err := reject(engine.Reject{Scope: engine.ScopeRow, Source: re.Source, File: re.File, Line: re.Line,
					RecordID: re.RecordID, Field: re.Field, Reason: re.Reason, Raw: re.Raw}); err != nil {
					return st, err
				}
			case opt.Delete:
				if !stored[it.rec.Key] && groups[it.rec.Key.Source] {
					continue
				}
				if deleting[it.rec.Key] || !stored[it.rec.Key] {
					st.RowRejects++
					if err := reject(engine.Reject{Scope: engine.ScopeRow, Source: it.rec.Key.Source, File: opt.File, Line: it.rec.Line,
						RecordID: it.rec.Key.ID, Reason: "delete: no such record in the store"}); err != nil {
						return st, err
					}
					continue
				}
				deleting[it.rec.Key] = true
				ops = append(ops, Op{Record: it.rec, Delete: true})
			default:
				rec := it.rec
				for _, p := range it.unread {
					st.ValueRejects++
					p.File = opt.File
					if err := reject(p); err != nil {
						return st, err
					}
				}
				if !opt.Normalized {
					norm, ok := norms[rec.Key.Source]
					if !ok {
						return st, fmt.Errorf("%s: a record of source %s, not one the stream reads", opt.File, rec.Key.Source)
					}
					for _, p := range norm.Record(&rec) {
						st.ValueRejects++
						p.File = opt.File
						if err := reject(p); err != nil {
							return st, err
						}
					}
				}
				ops = append(ops, Op{Record: rec})
			}
		}
		if len(ops) > 0 {
			chs, err := l.Apply(ctx, ops)
			if err != nil {
				return st, err
			}
			st.Changes += int64(len(chs))
			if opt.Committed != nil {
				if err := opt.Committed(chs); err != nil {
					return st, err
				}
			}
		}
		if err := l.KeepRejects(ctx, kept); err != nil {
			return st, fmt.Errorf("keep rejects: %w", err)
		}
		kept = kept[:0]
		if !more {
			return st, ctx.Err() // nil at the end of the input
		}
	}
}

// streamItem is a record read ahead, or the error reading it.
type streamItem struct {
	rec record.Record
	err error
	// unread are the value rejects of a record read without the fields
	// whose keys held objects (engine.KeptOut): it is kept, and err nil.
	unread []engine.Reject
}

// readAhead reads records in the background, so that those that arrive
// while a transaction commits form the next group.
func readAhead(ctx context.Context, src RecordSource) <-chan streamItem {
	ch := make(chan streamItem, StreamGroup)
	go func() {
		defer close(ch)
		for {
			rec, err := src.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			unread, kept := engine.KeptOut(err)
			if kept {
				err = nil
			}
			select {
			case ch <- streamItem{rec, err, unread}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				var re *ingest.RowError // here, not above: it escapes, and a row read well allocates none
				if !errors.As(err, &re) {
					return
				}
			}
		}
	}()
	return ch
}

// streamGroup is the most records one transaction of a stream takes.
func (l *Live) streamGroup() int {
	if l.opt.Shared {
		return SharedStreamGroup
	}
	return StreamGroup
}

// nextGroup waits for one item, then takes those already waiting, up to
// most. more is false once the input has ended or ctx is done.
func nextGroup(ctx context.Context, items <-chan streamItem, most int) (group []streamItem, more bool) {
	var it streamItem
	var ok bool
	select {
	case it, ok = <-items:
		if !ok {
			return nil, false
		}
	case <-ctx.Done(): // interrupted while the input is idle
		return nil, false
	}
	group = append(group, it)
	for len(group) < most {
		select {
		case it, ok := <-items:
			if !ok {
				return group, false
			}
			group = append(group, it)
		default:
			return group, true
		}
	}
	return group, true
}
