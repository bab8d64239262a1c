// Package storetest is the conformance suite every store backend must
// pass: Run(t, open) checks each method of store.Tx against the contract
// written in package store.
package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// Open returns a new, empty store; Reopen opens the same store again after
// it was closed (for persistence checks).
type Open func(t *testing.T) (s store.Store, reopen func() store.Store)

// Run runs the suite.
func Run(t *testing.T, open Open) {
	ctx := context.Background()
	k1, k2, k3 := record.Key{Source: "a", ID: "1"}, record.Key{Source: "a", ID: "2"}, record.Key{Source: "b", ID: "1"}

	write := func(t *testing.T, s store.Store, fn func(tx store.Tx)) {
		t.Helper()
		tx, err := s.Begin(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		fn(tx)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	read := func(t *testing.T, s store.Store, fn func(tx store.Tx)) {
		t.Helper()
		tx, err := s.Begin(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		fn(tx)
	}
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	put := func(t *testing.T, tx store.Tx, k record.Key, e record.EntityID, keys ...uint64) {
		t.Helper()
		must(t, tx.PutRecord(ctx, store.Record{Key: k, Entity: e, Data: []byte("data of " + k.String()), Keys: keys}))
	}

	t.Run("Meta", func(t *testing.T) {
		s, _ := open(t)
		read(t, s, func(tx store.Tx) {
			if _, err := tx.Meta(ctx, "model"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Meta(missing) error = %v, want ErrNotFound", err)
			}
		})
		write(t, s, func(tx store.Tx) {
			must(t, tx.SetMeta(ctx, "model", []byte("v1")))
			must(t, tx.SetMeta(ctx, "model", []byte("v2")))
		})
		read(t, s, func(tx store.Tx) {
			if got, err := tx.Meta(ctx, "model"); err != nil || string(got) != "v2" {
				t.Fatalf("Meta = %q, %v, want v2", got, err)
			}
		})
	})

	t.Run("RecordRoundTripAndReplace", func(t *testing.T) {
		s, _ := open(t)
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1", 10, 20)
			put(t, tx, k2, "E1", 10)
		})
		read(t, s, func(tx store.Tx) {
			r, err := tx.Record(ctx, k1)
			must(t, err)
			if r.Entity != "E1" || string(r.Data) != "data of a/1" || !slices.Equal(r.Keys, []uint64{10, 20}) {
				t.Fatalf("Record = %+v", r)
			}
			if _, err := tx.Record(ctx, k3); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Record(missing) error = %v, want ErrNotFound", err)
			}
		})
		// Replacing a record replaces its keys, data and entity.
		write(t, s, func(tx store.Tx) {
			must(t, tx.PutRecord(ctx, store.Record{Key: k1, Entity: "E2", Data: []byte("new"), Keys: []uint64{30}}))
		})
		read(t, s, func(tx store.Tx) {
			r, err := tx.Record(ctx, k1)
			must(t, err)
			if r.Entity != "E2" || string(r.Data) != "new" || !slices.Equal(r.Keys, []uint64{30}) {
				t.Fatalf("after replace Record = %+v", r)
			}
			if n, err := tx.CountRecords(ctx); err != nil || n != 2 {
				t.Fatalf("CountRecords = %d, %v, want 2", n, err)
			}
		})
		// Counts per source: k1 and k2 are both of source a.
		write(t, s, func(tx store.Tx) { put(t, tx, k3, "E3") })
		read(t, s, func(tx store.Tx) {
			if n, err := tx.CountBySource(ctx); err != nil || !maps.Equal(n, map[string]int64{"a": 2, "b": 1}) {
				t.Fatalf("CountBySource = %v, %v, want a 2, b 1", n, err)
			}
			var got []record.Key
			must(t, tx.SourceRecords(ctx, "a", 1, func(r store.Record) bool { got = append(got, r.Key); return true }))
			if !slices.Equal(got, []record.Key{k1}) {
				t.Fatalf("SourceRecords(a, 1) = %v, want k1", got)
			}
			got = nil
			must(t, tx.SourceRecords(ctx, "a", 10, func(r store.Record) bool { got = append(got, r.Key); return true }))
			if !slices.Equal(got, []record.Key{k1, k2}) {
				t.Fatalf("SourceRecords(a, 10) = %v, want k1, k2", got)
			}
		})
	})

	t.Run("Rejects", func(t *testing.T) {
		s, _ := open(t)
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		long := strings.Repeat("é", store.MaxRejectRaw) // 2 bytes a character
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1", 1)
			put(t, tx, k3, "E3", 1)
			must(t, tx.PutRejects(ctx, []store.Reject{
				{At: at, Scope: "value", Source: k1.Source, ID: k1.ID, Line: 2, Field: "dob", Reason: `invalid value: day 31 of "31/04/1982" does not exist`, Raw: "31/04/1982"},
				{At: at.Add(time.Second), Scope: "value", Source: k3.Source, ID: k3.ID, Line: 3, Field: "dob", Reason: `invalid value: day 30 of "30/02/2001" does not exist`, Raw: "30/02/2001"},
				{At: at.Add(2 * time.Second), Scope: "row", Source: k1.Source, Line: 9, Reason: "row has 7 fields, header has 8", Raw: long},
			}))
		})
		read(t, s, func(tx store.Tx) {
			counts, err := tx.RejectCounts(ctx)
			must(t, err)
			want := []store.RejectCount{
				{Source: k1.Source, Scope: "row", Class: "row has N fields, header has N", N: 1},
				{Source: k1.Source, Scope: "value", Field: "dob", Class: "invalid value: day N of … does not exist", N: 1},
				{Source: k3.Source, Scope: "value", Field: "dob", Class: "invalid value: day N of … does not exist", N: 1},
			}
			if !slices.Equal(counts, want) {
				t.Fatalf("RejectCounts = %+v, want %+v", counts, want)
			}
			rs, err := tx.RejectsOf(ctx, []record.Key{k3, k1})
			must(t, err)
			if len(rs) != 2 || rs[0].ID != k1.ID || rs[0].Raw != "31/04/1982" || !rs[0].At.Equal(at) || rs[1].ID != k3.ID || rs[1].Line != 3 {
				t.Fatalf("RejectsOf = %+v, want k1's then k3's", rs)
			}
		})
		write(t, s, func(tx store.Tx) { must(t, tx.DeleteRecord(ctx, k1)) })
		read(t, s, func(tx store.Tx) {
			if rs, _ := tx.RejectsOf(ctx, []record.Key{k1}); len(rs) != 0 {
				t.Fatalf("rejects of a deleted record: %+v", rs)
			}
			counts, err := tx.RejectCounts(ctx)
			must(t, err)
			if len(counts) != 2 || counts[0].Scope != "row" {
				t.Fatalf("RejectCounts after delete = %+v, want the row and k3's", counts)
			}
		})
	})

	t.Run("Backlog", func(t *testing.T) {
		s, _ := open(t)
		t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		t1, late := t0.Add(time.Hour), t0.AddDate(0, 0, store.BacklogDays).Add(30*time.Minute)
		write(t, s, func(tx store.Tx) {
			must(t, tx.AddBacklog(ctx, t0, []store.PairCount{{A: "a", B: "b", N: 3}, {A: "a", B: "a", N: 1}}))
			must(t, tx.AddBacklog(ctx, t1, []store.PairCount{{A: "a", B: "b", N: 2}}))
		})
		read(t, s, func(tx store.Tx) {
			notes, err := tx.Backlog(ctx, t0.Add(time.Minute))
			must(t, err)
			if len(notes) != 1 || !notes[0].At.Equal(t1) || notes[0].PairCount != (store.PairCount{A: "a", B: "b", N: 2}) {
				t.Fatalf("Backlog since after t0 = %+v, want t1's note", notes)
			}
			if notes, _ := tx.Backlog(ctx, t0); len(notes) != 3 || notes[0].B != "a" {
				t.Fatalf("Backlog since t0 = %+v, want three, ordered", notes)
			}
		})
		// A note BacklogDays later drops those older than that.
		write(t, s, func(tx store.Tx) { must(t, tx.AddBacklog(ctx, late, nil)) })
		read(t, s, func(tx store.Tx) {
			if notes, _ := tx.Backlog(ctx, t0); len(notes) != 1 || !notes[0].At.Equal(t1) {
				t.Fatalf("Backlog after %d days = %+v, want t1's alone", store.BacklogDays, notes)
			}
		})
	})

	t.Run("WebSessions", func(t *testing.T) {
		s, _ := open(t)
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		ann := store.WebSession{ID: "d1", Principal: "ann", CSRF: "c1", KeyHash: "k1", Expires: now.Add(8 * time.Hour)}
		old := store.WebSession{ID: "d0", Principal: "bob", CSRF: "c0", Expires: now.Add(time.Hour)}
		write(t, s, func(tx store.Tx) {
			must(t, tx.PutWebSession(ctx, old, now))
			must(t, tx.PutWebSession(ctx, ann, now))
		})
		read(t, s, func(tx store.Tx) {
			got, err := tx.WebSession(ctx, "d1")
			must(t, err)
			if got != ann {
				t.Fatalf("WebSession = %+v, want %+v", got, ann)
			}
			if _, err := tx.WebSession(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a session not stored: %v, want ErrNotFound", err)
			}
		})
		// A purpose stated replaces the session; bob's, expired by then, goes.
		ann.Purpose = "case 1"
		write(t, s, func(tx store.Tx) { must(t, tx.PutWebSession(ctx, ann, now.Add(2*time.Hour))) })
		read(t, s, func(tx store.Tx) {
			if got, _ := tx.WebSession(ctx, "d1"); got.Purpose != "case 1" {
				t.Fatalf("purpose after replace: %+v", got)
			}
			if n, err := tx.CountWebSessions(ctx); err != nil || n != 1 {
				t.Fatalf("%d sessions (%v), want ann's alone", n, err)
			}
		})
		write(t, s, func(tx store.Tx) { must(t, tx.DeleteWebSession(ctx, "d1")) })
		read(t, s, func(tx store.Tx) {
			if _, err := tx.WebSession(ctx, "d1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a session ended: %v, want ErrNotFound", err)
			}
		})
	})

	t.Run("LoginFlows", func(t *testing.T) {
		s, _ := open(t)
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		f := store.LoginFlow{ID: "s1", Binder: "b1", Nonce: "n1", Verifier: "v1", Expires: now.Add(10 * time.Minute)}
		write(t, s, func(tx store.Tx) {
			must(t, tx.PutLoginFlow(ctx, store.LoginFlow{ID: "s0", Expires: now.Add(time.Minute)}, now))
			must(t, tx.PutLoginFlow(ctx, f, now.Add(2*time.Minute))) // s0 has expired by then
			if n, err := tx.CountLoginFlows(ctx); err != nil || n != 1 {
				t.Fatalf("%d flows (%v), want s1's alone", n, err)
			}
			got, err := tx.TakeLoginFlow(ctx, "s1")
			must(t, err)
			if got != f {
				t.Fatalf("TakeLoginFlow = %+v, want %+v", got, f)
			}
			if _, err := tx.TakeLoginFlow(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a flow taken twice: %v, want ErrNotFound", err)
			}
		})
	})

	t.Run("KeysUseAllBits", func(t *testing.T) {
		s, _ := open(t)
		big := uint64(1<<63 + 12345)
		write(t, s, func(tx store.Tx) { put(t, tx, k1, "E1", big) })
		read(t, s, func(tx store.Tx) {
			if r, _ := tx.Record(ctx, k1); !slices.Equal(r.Keys, []uint64{big}) {
				t.Fatalf("Keys with the high bit = %v", r.Keys)
			}
		})
	})

	t.Run("MembersAndEntities", func(t *testing.T) {
		s, _ := open(t)
		write(t, s, func(tx store.Tx) {
			put(t, tx, k2, "E1")
			put(t, tx, k1, "E1")
			put(t, tx, k3, "E2")
			must(t, tx.SetEntity(ctx, k3, "E1"))
			if err := tx.SetEntity(ctx, record.Key{Source: "x", ID: "y"}, "E1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("SetEntity(missing) error = %v, want ErrNotFound", err)
			}
		})
		read(t, s, func(tx store.Tx) {
			got, err := tx.Members(ctx, "E1")
			must(t, err)
			if !slices.Equal(got, []record.Key{k1, k2, k3}) {
				t.Fatalf("Members = %v, want key order", got)
			}
			if _, err := tx.Members(ctx, "E2"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Members(empty) error = %v, want ErrNotFound", err)
			}
			var all []record.Key
			must(t, tx.Records(ctx, func(r store.Record) bool { all = append(all, r.Key); return true }))
			if !slices.Equal(all, []record.Key{k1, k2, k3}) {
				t.Fatalf("Records = %v", all)
			}
			if used, err := tx.EntityUsed(ctx, "E1"); err != nil || !used {
				t.Fatalf("EntityUsed(E1) = %v, %v", used, err)
			}
			if used, err := tx.EntityUsed(ctx, "E9"); err != nil || used {
				t.Fatalf("EntityUsed(E9) = %v, %v", used, err)
			}
		})
	})

	t.Run("LinksReviewsAndDelete", func(t *testing.T) {
		s, _ := open(t)
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1", 1)
			put(t, tx, k2, "E1", 1)
			put(t, tx, k3, "E3", 1)
			must(t, tx.PutLink(ctx, record.Link{A: k2, B: k1, Weight: 10}))
			must(t, tx.PutLink(ctx, record.Link{A: k1, B: k2, Weight: 12})) // replaces
			must(t, tx.PutReview(ctx, record.Review{A: k3, B: k1, Weight: 1.5, Reason: "review band", Rule: "[dob]"}))
			must(t, tx.PutReview(ctx, record.Review{A: k2, B: k3, Weight: -0.5, Reason: "ambiguous"}))
			if err := tx.PutLink(ctx, record.Link{A: k1, B: record.Key{Source: "x", ID: "y"}}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("PutLink(missing record) error = %v, want ErrNotFound", err)
			}
		})
		read(t, s, func(tx store.Tx) {
			got, err := tx.Links(ctx, k2)
			must(t, err)
			if len(got) != 1 || got[0] != (record.Link{A: k1, B: k2, Weight: 12}) {
				t.Fatalf("Links = %+v, want one, ordered, weight 12", got)
			}
			var all []record.Link
			must(t, tx.EachLink(ctx, func(l record.Link) bool { all = append(all, l); return true }))
			if len(all) != 1 || all[0] != got[0] {
				t.Fatalf("EachLink = %+v", all)
			}
			rv, err := tx.Reviews(ctx, record.Key{}, nil, 0)
			must(t, err)
			if len(rv) != 2 || rv[0].A != k1 || rv[0].B != k3 || rv[0].Reason != "review band" || rv[0].Rule != "[dob]" {
				t.Fatalf("Reviews = %+v", rv)
			}
			reviewed := func(want ...record.Key) {
				t.Helper()
				got, err := tx.ReviewedRecords(ctx)
				must(t, err)
				sortKeys(got)
				sortKeys(want)
				if !slices.Equal(got, want) {
					t.Fatalf("ReviewedRecords = %v, want %v, each once", got, want)
				}
			}
			reviewed(k1, k2, k3)
			// Weights by sources, rounded down: -0.5 is in the bin from -1.
			wc, err := tx.WeightCounts(ctx)
			must(t, err)
			want := []store.WeightCount{{A: "a", B: "a", Bits: 12, Links: 1}, {A: "a", B: "b", Bits: -1, Reviews: 1}, {A: "a", B: "b", Bits: 1, Reviews: 1}}
			if !slices.Equal(wc, want) {
				t.Fatalf("WeightCounts = %+v, want %+v", wc, want)
			}
			rc, err := tx.ReviewCounts(ctx)
			must(t, err)
			if want := []store.PairCount{{A: "a", B: "b", N: 2}}; !slices.Equal(rc, want) {
				t.Fatalf("ReviewCounts = %+v, want %+v", rc, want)
			}
		})
		write(t, s, func(tx store.Tx) { must(t, tx.DeleteRecord(ctx, k1)) })
		read(t, s, func(tx store.Tx) {
			if got, _ := tx.Links(ctx, k2); len(got) != 0 {
				t.Fatalf("links after delete = %+v", got)
			}
			if got, _ := tx.Reviews(ctx, k3, nil, 0); len(got) != 1 || got[0].A != k2 {
				t.Fatalf("reviews after delete = %+v, want only k2–k3's", got)
			}
			if got, _ := tx.ReviewedRecords(ctx); len(got) != 2 || slices.Contains(got, k1) {
				t.Fatalf("ReviewedRecords after delete = %v, want %v and %v", got, k2, k3)
			}
			if n, _ := tx.CountRecords(ctx); n != 2 {
				t.Fatalf("records after delete = %d, want 2", n)
			}
			if _, err := tx.Record(ctx, k1); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted record error = %v", err)
			}
		})
		write(t, s, func(tx store.Tx) {
			if err := tx.DeleteRecord(ctx, k1); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("second delete error = %v, want ErrNotFound", err)
			}
		})
	})

	// An update supersedes a record in place: its reviews and rejects go,
	// its links stay until deleted one by one.
	t.Run("SupersedeAndDeleteLink", func(t *testing.T) {
		s, _ := open(t)
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1", 1)
			put(t, tx, k2, "E1", 1)
			put(t, tx, k3, "E3", 1)
			must(t, tx.PutLink(ctx, record.Link{A: k1, B: k2, Weight: 12}))
			must(t, tx.PutLink(ctx, record.Link{A: k3, B: k2, Weight: 9}))
			must(t, tx.PutReview(ctx, record.Review{A: k1, B: k3, Weight: 1.5, Reason: "review band"}))
			must(t, tx.PutReview(ctx, record.Review{A: k3, B: k2, Weight: 0.5, Reason: "review band"}))
			must(t, tx.PutRejects(ctx, []store.Reject{
				{At: at, Scope: "value", Source: k2.Source, ID: k2.ID, Line: 2, Field: "dob", Reason: "invalid value", Raw: "31/04/1982"},
				{At: at, Scope: "value", Source: k1.Source, ID: k1.ID, Line: 3, Field: "dob", Reason: "invalid value", Raw: "30/02/2001"},
			}))
		})
		write(t, s, func(tx store.Tx) {
			must(t, tx.Supersede(ctx, k2))
			must(t, tx.Supersede(ctx, record.Key{Source: "x", ID: "not stored"}))
			must(t, tx.PutRecord(ctx, store.Record{Key: k2, Entity: "E1", Data: []byte(`{"v":2}`), Keys: []uint64{7}}))
			must(t, tx.DeleteLink(ctx, k2, k3)) // either order
			if err := tx.DeleteLink(ctx, k2, k3); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("DeleteLink twice error = %v, want ErrNotFound", err)
			}
		})
		read(t, s, func(tx store.Tx) {
			if got, _ := tx.Links(ctx, k2); len(got) != 1 || got[0] != (record.Link{A: k1, B: k2, Weight: 12}) {
				t.Fatalf("links after supersede = %+v, want k1–k2's kept", got)
			}
			if got, _ := tx.Links(ctx, k3); len(got) != 0 {
				t.Fatalf("links of k3 after DeleteLink = %+v", got)
			}
			if got, _ := tx.Reviews(ctx, record.Key{}, nil, 0); len(got) != 1 || got[0].A != k1 || got[0].B != k3 {
				t.Fatalf("reviews after supersede = %+v, want k1–k3's alone", got)
			}
			if rs, _ := tx.RejectsOf(ctx, []record.Key{k1, k2}); len(rs) != 1 || rs[0].ID != k1.ID {
				t.Fatalf("rejects after supersede = %+v, want k1's alone", rs)
			}
			r, err := tx.Record(ctx, k2)
			must(t, err)
			if string(r.Data) != `{"v":2}` || r.Entity != "E1" || !slices.Equal(r.Keys, []uint64{7}) {
				t.Fatalf("superseded record = %+v", r)
			}
			if got, _ := tx.Members(ctx, "E1"); !slices.Equal(got, []record.Key{k1, k2}) {
				t.Fatalf("members after supersede = %v", got)
			}
		})
		// DropRejects takes a record's rejects alone: its pairs for review stay.
		write(t, s, func(tx store.Tx) {
			must(t, tx.DropRejects(ctx, k1))
			must(t, tx.DropRejects(ctx, record.Key{Source: "x", ID: "not stored"}))
		})
		read(t, s, func(tx store.Tx) {
			if rs, _ := tx.RejectsOf(ctx, []record.Key{k1, k2}); len(rs) != 0 {
				t.Fatalf("rejects after DropRejects = %+v, want none", rs)
			}
			if got, _ := tx.Reviews(ctx, record.Key{}, nil, 0); len(got) != 1 || got[0].A != k1 || got[0].B != k3 {
				t.Fatalf("reviews after DropRejects = %+v, want k1–k3's", got)
			}
		})
	})

	t.Run("Events", func(t *testing.T) {
		s, _ := open(t)
		var seqs []int64
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1")
			for _, e := range []record.Event{
				{Kind: record.EventCreated, Entity: "E1", Record: k1},
				{Kind: record.EventCreated, Entity: "E2", Record: k2},
				{Kind: record.EventMerged, Entity: "E1", Others: []record.EntityID{"E2"}, Record: k3, Actor: "reviewer:ann", Why: "same customer"},
			} {
				got, err := tx.AddEvent(ctx, e)
				must(t, err)
				if got.Time.IsZero() {
					t.Fatal("AddEvent did not stamp the time")
				}
				seqs = append(seqs, got.Seq)
			}
		})
		if !slices.IsSorted(seqs) || seqs[0] == seqs[1] {
			t.Fatalf("sequence numbers %v, want increasing", seqs)
		}
		read(t, s, func(tx store.Tx) {
			got, err := tx.Events(ctx, "E2", 0, 0)
			must(t, err)
			if len(got) != 2 || got[0].Kind != record.EventCreated || got[1].Kind != record.EventMerged ||
				!slices.Equal(got[1].Others, []record.EntityID{"E2"}) || got[1].Record != k3 || got[1].Actor != "reviewer:ann" || got[1].Why != "same customer" || got[0].Actor != "" {
				t.Fatalf("Events(E2) = %+v", got)
			}
			if used, _ := tx.EntityUsed(ctx, "E2"); !used {
				t.Fatal("EntityUsed(E2) = false after events named it")
			}
		})
		// A record forgotten is named in the lineage by its digest alone.
		write(t, s, func(tx store.Tx) { must(t, tx.ForgetRecord(ctx, k3, "d1g")) })
		read(t, s, func(tx store.Tx) {
			got, err := tx.Events(ctx, "E2", 0, 0)
			must(t, err)
			if len(got) != 2 || got[1].Record != (record.Key{Source: k3.Source, ID: "~d1g"}) || got[0].Record != k2 {
				t.Fatalf("after ForgetRecord(%v): Events(E2) = %+v", k3, got)
			}
		})
	})

	t.Run("ChangeLog", func(t *testing.T) {
		s, _ := open(t)
		readChanges := func(t *testing.T, s store.Store, since, head int64) (keys []record.Key, complete bool, err error) {
			read(t, s, func(tx store.Tx) { keys, complete, err = tx.ChangedSince(ctx, since, head) })
			return keys, complete, err
		}
		if _, complete, err := readChanges(t, s, 0, 3); complete || err != nil {
			t.Fatalf("an empty change log is complete (%v)", err)
		}
		write(t, s, func(tx store.Tx) {
			must(t, tx.NoteChanges(ctx, 1, nil))
			must(t, tx.NoteChanges(ctx, 2, []record.Key{k1, k2}))
			must(t, tx.NoteChanges(ctx, 3, []record.Key{k2, k3}))
		})
		keys, complete, err := readChanges(t, s, 1, 3)
		must(t, err)
		if !complete || len(keys) != 3 || !slices.Contains(keys, k1) || !slices.Contains(keys, k3) {
			t.Fatalf("ChangedSince(1, 3) = %v, %v", keys, complete)
		}
		if keys, complete, _ := readChanges(t, s, 2, 3); !complete || len(keys) != 2 || slices.Contains(keys, k1) {
			t.Fatalf("ChangedSince(2, 3) = %v, %v", keys, complete)
		}
		if _, complete, _ := readChanges(t, s, 2, 4); complete {
			t.Fatal("a head past the log's last entry is complete")
		}
		// A transaction that commits many callers' changes notes many keys.
		many := make([]record.Key, 150)
		for i := range many {
			many[i] = record.Key{Source: "m", ID: fmt.Sprint(i)}
		}
		write(t, s, func(tx store.Tx) { must(t, tx.NoteChanges(ctx, 4, many)) })
		keys, complete, err = readChanges(t, s, 3, 4)
		must(t, err)
		sortKeys(keys)
		want := slices.Clone(many)
		sortKeys(want)
		if !complete || !slices.Equal(keys, want) {
			t.Fatalf("ChangedSince(3, 4) = %d keys, %v; want the %d noted", len(keys), complete, len(many))
		}
		// Noted twice under one sequence number, both notes' keys count.
		write(t, s, func(tx store.Tx) {
			must(t, tx.NoteChanges(ctx, 5, []record.Key{k1}))
			must(t, tx.NoteChanges(ctx, 5, []record.Key{k3}))
		})
		if keys, complete, err := readChanges(t, s, 4, 5); err != nil || !complete || len(keys) != 2 || !slices.Contains(keys, k1) || !slices.Contains(keys, k3) {
			t.Fatalf("ChangedSince(4, 5) = %v, %v, %v; want %v and %v", keys, complete, err, k1, k3)
		}
	})

	t.Run("Decisions", func(t *testing.T) {
		s, _ := open(t)
		write(t, s, func(tx store.Tx) {
			must(t, tx.PutDecision(ctx, record.Decision{A: k2, B: k1, Verdict: record.VerdictUnsure, Reviewer: "ana", Comment: "look again"}))
			must(t, tx.PutDecision(ctx, record.Decision{A: k1, B: k2, Verdict: record.VerdictSame, Reviewer: "bea", Comment: "same passport"}))
			must(t, tx.PutDecision(ctx, record.Decision{A: k3, B: k1, Verdict: record.VerdictDifferent, Reviewer: "bea"}))
		})
		read(t, s, func(tx store.Tx) {
			all, err := tx.Decisions(ctx, record.Key{})
			must(t, err)
			if len(all) != 2 || all[0].A != k1 || all[0].B != k2 || all[0].Verdict != record.VerdictSame || all[0].Reviewer != "bea" ||
				all[0].Comment != "same passport" || all[0].Time.IsZero() {
				t.Fatalf("Decisions = %+v", all)
			}
			mine, err := tx.Decisions(ctx, k3)
			must(t, err)
			if len(mine) != 1 || mine[0].Verdict != record.VerdictDifferent || mine[0].A != k1 {
				t.Fatalf("Decisions(k3) = %+v", mine)
			}
		})
		write(t, s, func(tx store.Tx) { must(t, tx.DeleteDecisions(ctx, k1)) })
		read(t, s, func(tx store.Tx) {
			if all, _ := tx.Decisions(ctx, record.Key{}); len(all) != 0 {
				t.Fatalf("after DeleteDecisions: %+v", all)
			}
		})
	})

	t.Run("DeleteReview", func(t *testing.T) {
		s, _ := open(t)
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1")
			put(t, tx, k2, "E2")
			must(t, tx.PutReview(ctx, record.Review{A: k1, B: k2, Weight: 1, Reason: "review band"}))
			must(t, tx.DeleteReview(ctx, k2, k1))
		})
		read(t, s, func(tx store.Tx) {
			if rv, _ := tx.Reviews(ctx, record.Key{}, nil, 0); len(rv) != 0 {
				t.Fatalf("reviews after DeleteReview: %+v", rv)
			}
		})
	})

	t.Run("Audit", func(t *testing.T) {
		s, reopen := open(t)
		var want []audit.Entry
		write(t, s, func(tx store.Tx) {
			h, err := tx.AuditHead(ctx)
			must(t, err)
			if h != (audit.Head{}) {
				t.Fatalf("empty log head = %+v", h)
			}
			// More entries than one statement of a store may write.
			for i := range 150 {
				e := audit.Next(h, audit.Entry{Actor: audit.ActorModel, Action: "upsert", Detail: fmt.Sprint(i)})
				must(t, tx.AppendAudit(ctx, e))
				want = append(want, e)
				h = audit.HeadOf(e)
				// The transaction reads its own head back, however the
				// store defers writing it.
				if got, err := tx.AuditHead(ctx); err != nil || got != h {
					t.Fatalf("head inside the transaction after entry %d = %+v, %v; want %+v", i, got, err, h)
				}
				if got, err := store.DecodeAuditHead(tx.Meta(ctx, store.MetaAuditHead)); err != nil || got != h {
					t.Fatalf("meta %s inside the transaction = %+v, %v; want %+v", store.MetaAuditHead, got, err, h)
				}
			}
			// And its own entries.
			var got []audit.Entry
			must(t, tx.AuditEntries(ctx, 0, func(e audit.Entry) bool { got = append(got, e); return true }))
			if err := audit.Verify(got, &h); err != nil || len(got) != len(want) {
				t.Fatalf("%d entries read inside the transaction, want %d: %v", len(got), len(want), err)
			}
		})
		last := want[len(want)-1]
		// An entry rolled back leaves the head where the last commit put it.
		tx, err := s.Begin(ctx, true)
		must(t, err)
		must(t, tx.AppendAudit(ctx, audit.Next(audit.HeadOf(last), audit.Entry{Actor: audit.ActorModel, Action: "upsert", Detail: "rolled back"})))
		must(t, tx.Rollback())
		must(t, s.Close())
		s = reopen()
		defer s.Close()
		read(t, s, func(tx store.Tx) {
			var got []audit.Entry
			must(t, tx.AuditEntries(ctx, 0, func(e audit.Entry) bool { got = append(got, e); return true }))
			h, err := tx.AuditHead(ctx)
			must(t, err)
			if len(got) != len(want) || got[len(got)-1].Hash != last.Hash || h != audit.HeadOf(last) {
				t.Fatalf("audit read back: %d entries, head %+v", len(got), h)
			}
			if err := audit.Verify(got, &h); err != nil {
				t.Fatal(err)
			}
		})
	})

	t.Run("RollbackKeepsNothing", func(t *testing.T) {
		s, _ := open(t)
		tx, err := s.Begin(ctx, true)
		must(t, err)
		put(t, tx, k1, "E1", 5)
		must(t, tx.Rollback())
		read(t, s, func(tx store.Tx) {
			if n, _ := tx.CountRecords(ctx); n != 0 {
				t.Fatalf("records after rollback = %d", n)
			}
		})
	})

	t.Run("ReadOnlyRefusesWrites", func(t *testing.T) {
		s, _ := open(t)
		read(t, s, func(tx store.Tx) {
			if err := tx.SetMeta(ctx, "k", []byte("v")); err == nil {
				t.Fatal("SetMeta in a read transaction succeeded")
			}
		})
	})

	t.Run("Persists", func(t *testing.T) {
		s, reopen := open(t)
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1", 7)
			must(t, tx.SetMeta(ctx, "model", []byte("m")))
		})
		must(t, s.Close())
		s = reopen()
		defer s.Close()
		read(t, s, func(tx store.Tx) {
			if r, err := tx.Record(ctx, k1); err != nil || r.Entity != "E1" {
				t.Fatalf("after reopen Record = %+v, %v", r, err)
			}
			if r, _ := tx.Record(ctx, k1); !slices.Equal(r.Keys, []uint64{7}) {
				t.Fatalf("after reopen Keys = %v", r.Keys)
			}
		})
	})

	t.Run("Paging", func(t *testing.T) {
		s, _ := open(t)
		var keys []record.Key
		entity := map[record.Key]record.EntityID{} // three entities: some pairs in one, some apart
		write(t, s, func(tx store.Tx) {
			for i := range 12 {
				k := record.Key{Source: "p", ID: fmt.Sprintf("%02d", i)}
				keys = append(keys, k)
				entity[k] = record.EntityID(fmt.Sprint("E", i%3))
				put(t, tx, k, entity[k])
			}
			// 30 pairs; weights repeat, so the order falls back on the
			// pair, and some are as far from even odds as others on the
			// other side of them (−1.5 and 1.5).
			for i := range 30 {
				a, b := keys[i%12], keys[(i*5+1)%12]
				if a == b {
					b = keys[(i+1)%12]
				}
				must(t, tx.PutReview(ctx, record.Review{A: a, B: b, Weight: float64(i%4) - 1.5 + float64(i%3)/2, Reason: "r"}))
			}
			h := audit.Head{}
			for i := range 9 {
				e := audit.Next(h, audit.Entry{Actor: audit.ActorModel, Action: "upsert", Detail: fmt.Sprint(i)})
				must(t, tx.AppendAudit(ctx, e))
				h = audit.HeadOf(e)
			}
			for i := range 11 {
				_, err := tx.AddEvent(ctx, record.Event{Kind: record.EventMerged, Entity: "E1", Others: []record.EntityID{record.EntityID(fmt.Sprint("X", i))}, Record: keys[0]})
				must(t, err)
			}
		})
		read(t, s, func(tx store.Tx) {
			all, err := tx.Reviews(ctx, record.Key{}, nil, 0)
			must(t, err)
			for i := 1; i < len(all); i++ {
				if all[i].Weight > all[i-1].Weight {
					t.Fatalf("review queue not strongest first at %d: %v", i, all)
				}
			}
			// Nearest even odds first: every pair, by the size of its
			// weight, then by pair.
			uncertain, err := tx.ReviewQueue(ctx, store.ReviewQuery{Uncertain: true})
			must(t, err)
			want := slices.Clone(all)
			slices.SortFunc(want, func(a, b record.Review) int {
				pa, pb := record.NewPair(a.A, a.B), record.NewPair(b.A, b.B)
				return cmp.Or(cmp.Compare(math.Abs(a.Weight), math.Abs(b.Weight)), pa.A.Compare(pb.A), pa.B.Compare(pb.B))
			})
			if !slices.Equal(uncertain, want) {
				t.Fatalf("review queue nearest even odds first:\n got %v\nwant %v", uncertain, want)
			}
			// Apart: the pairs whose records are in two entities, in
			// either order.
			apart := func(rs []record.Review) []record.Review {
				return slices.DeleteFunc(slices.Clone(rs), func(r record.Review) bool { return entity[r.A] == entity[r.B] })
			}
			if len(apart(all)) == 0 || len(apart(all)) == len(all) {
				t.Fatalf("%d pairs of %d apart: the filter is not tested", len(apart(all)), len(all))
			}
			queue := func(q store.ReviewQuery) func(after *record.Review, limit int) ([]record.Review, error) {
				return func(after *record.Review, limit int) ([]record.Review, error) {
					q.After, q.Limit = after, limit
					return tx.ReviewQueue(ctx, q)
				}
			}
			for _, q := range []struct {
				name string
				read func(after *record.Review, limit int) ([]record.Review, error)
				all  []record.Review
			}{
				{"strongest first", func(after *record.Review, limit int) ([]record.Review, error) {
					return tx.Reviews(ctx, record.Key{}, after, limit)
				}, all},
				{"strongest first, queue", queue(store.ReviewQuery{}), all},
				{"nearest even odds first", queue(store.ReviewQuery{Uncertain: true}), want},
				{"strongest first, apart", queue(store.ReviewQuery{Apart: true}), apart(all)},
				{"nearest even odds first, apart", queue(store.ReviewQuery{Uncertain: true, Apart: true}), apart(want)},
			} {
				for _, size := range []int{1, 4, 7, len(all)} {
					var got []record.Review
					var after *record.Review
					for pages := 0; ; pages++ {
						page, err := q.read(after, size)
						must(t, err)
						if len(page) > size || pages > len(all) {
							t.Fatalf("%s: page of %d for a limit of %d", q.name, len(page), size)
						}
						if len(page) == 0 {
							break
						}
						got = append(got, page...)
						after = &page[len(page)-1]
					}
					if !slices.Equal(got, q.all) {
						t.Fatalf("reviews %s in pages of %d:\n got %v\nwant %v", q.name, size, got, q.all)
					}
				}
			}
			// A record's reviews page too.
			mine, err := tx.Reviews(ctx, keys[0], nil, 0)
			must(t, err)
			first, err := tx.Reviews(ctx, keys[0], nil, 1)
			must(t, err)
			rest, err := tx.Reviews(ctx, keys[0], &first[0], 0)
			must(t, err)
			if !slices.Equal(append(first, rest...), mine) {
				t.Fatalf("a record's reviews in two pages: %v + %v, want %v", first, rest, mine)
			}

			var seqs []int64
			must(t, tx.AuditEntries(ctx, 4, func(e audit.Entry) bool { seqs = append(seqs, e.Seq); return len(seqs) < 3 }))
			if !slices.Equal(seqs, []int64{5, 6, 7}) {
				t.Fatalf("audit entries after 4, three of them: %v", seqs)
			}

			var events []record.Event
			var after int64
			for {
				page, err := tx.Events(ctx, "E1", after, 4)
				must(t, err)
				if len(page) == 0 {
					break
				}
				events = append(events, page...)
				after = page[len(page)-1].Seq
			}
			whole, err := tx.Events(ctx, "E1", 0, 0)
			must(t, err)
			if len(events) != 11 || !slices.EqualFunc(events, whole, func(a, b record.Event) bool { return a.Seq == b.Seq }) {
				t.Fatalf("lineage in pages of 4: %d events, whole %d", len(events), len(whole))
			}
			if every, err := tx.Events(ctx, "", events[3].Seq, 2); err != nil || len(every) != 2 || every[0].Seq != events[4].Seq {
				t.Fatalf("every event after %d, two: %v, %v", events[3].Seq, every, err)
			}
			if one, err := tx.Events(ctx, "X3", 0, 0); err != nil || len(one) != 1 {
				t.Fatalf("events naming X3 among Others: %v, %v", one, err)
			}
		})
	})

	t.Run("ContextCancelled", func(t *testing.T) {
		s, _ := open(t)
		write(t, s, func(tx store.Tx) {
			for i := range 50 {
				put(t, tx, record.Key{Source: "c", ID: fmt.Sprint(i)}, "E1")
			}
		})
		if _, err := s.Begin(cancelled(), false); !errors.Is(err, context.Canceled) {
			t.Errorf("Begin with a cancelled context: %v, want context.Canceled", err)
		}
		// A context cancelled in the middle of a transaction stops its
		// next call, and an iteration at its next row.
		for _, write := range []bool{false, true} {
			cctx, cancel := context.WithCancel(ctx)
			tx, err := s.Begin(cctx, write)
			must(t, err)
			n := 0
			err = tx.Records(cctx, func(store.Record) bool {
				if n++; n == 10 {
					cancel()
				}
				return true
			})
			if !errors.Is(err, context.Canceled) || n >= 50 {
				t.Errorf("write %v: Records after cancel: %v after %d records, want context.Canceled before the end", write, err, n)
			}
			if _, err := tx.Record(cctx, record.Key{Source: "c", ID: "1"}); !errors.Is(err, context.Canceled) {
				t.Errorf("write %v: Record after cancel: %v, want context.Canceled", write, err)
			}
			if write {
				if err := tx.PutRecord(cctx, store.Record{Key: record.Key{Source: "c", ID: "new"}, Entity: "E2"}); !errors.Is(err, context.Canceled) {
					t.Errorf("PutRecord after cancel: %v, want context.Canceled", err)
				}
			}
			tx.Rollback()
		}
		read(t, s, func(tx store.Tx) {
			if n, err := tx.CountRecords(ctx); err != nil || n != 50 {
				t.Fatalf("after cancelled transactions: %d records, %v", n, err)
			}
		})
	})

	t.Run("SerialisedWriters", func(t *testing.T) {
		// Writers that read a counter and write it back, from several
		// goroutines at once, lose no increment: write transactions run
		// one after the other.
		s, _ := open(t)
		const writers, each = 4, 25
		errs := make(chan error, writers)
		for range writers {
			go func() {
				errs <- func() error {
					for range each {
						tx, err := s.Begin(ctx, true)
						if err != nil {
							return err
						}
						n := 0
						switch v, err := tx.Meta(ctx, "counter"); {
						case err == nil:
							fmt.Sscan(string(v), &n)
						case !errors.Is(err, store.ErrNotFound):
							tx.Rollback()
							return err
						}
						if err := tx.SetMeta(ctx, "counter", []byte(fmt.Sprint(n+1))); err != nil {
							tx.Rollback()
							return err
						}
						if err := tx.Commit(); err != nil {
							return err
						}
					}
					return nil
				}()
			}()
		}
		for range writers {
			must(t, <-errs)
		}
		read(t, s, func(tx store.Tx) {
			v, err := tx.Meta(ctx, "counter")
			must(t, err)
			if string(v) != fmt.Sprint(writers*each) {
				t.Fatalf("counter %s after %d increments", v, writers*each)
			}
		})
	})

	t.Run("Isolation", func(t *testing.T) {
		// A reader sees a change whole or not at all: not before it
		// commits, and a read transaction reads one snapshot, so a change
		// committed while it runs stays out of it entirely.
		s, _ := open(t)
		a, b := record.Key{Source: "i", ID: "a"}, record.Key{Source: "i", ID: "b"}
		w, err := s.Begin(ctx, true)
		must(t, err)
		defer w.Rollback()
		put(t, w, a, "E1")
		r1, err := s.Begin(ctx, false)
		must(t, err)
		defer r1.Rollback()
		if _, err := r1.Record(ctx, a); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a reader sees an uncommitted record: %v", err)
		}
		put(t, w, b, "E1")
		must(t, w.Commit())
		if _, err := r1.Record(ctx, b); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a read transaction begun before the commit sees half of it: %v", err)
		}
		if n, err := r1.CountRecords(ctx); err != nil || n != 0 {
			t.Fatalf("a read transaction begun before the commit counts %d records (%v)", n, err)
		}
		read(t, s, func(tx store.Tx) {
			if n, err := tx.CountRecords(ctx); err != nil || n != 2 {
				t.Fatalf("after the commit: %d records (%v), want both", n, err)
			}
		})
	})

	t.Run("MemberRecords", func(t *testing.T) {
		s, _ := open(t)
		k4 := record.Key{Source: "c", ID: "1"}
		write(t, s, func(tx store.Tx) {
			put(t, tx, k3, "E1", 3)
			put(t, tx, k1, "E1", 1, 1<<63)
			put(t, tx, k2, "E2")
			put(t, tx, k4, "E1")
			must(t, tx.PutLink(ctx, record.Link{A: k1, B: k3, Weight: 5})) // within E1
			must(t, tx.PutLink(ctx, record.Link{A: k2, B: k1, Weight: 2})) // E2 to E1
			must(t, tx.PutLink(ctx, record.Link{A: k2, B: k2, Weight: 1})) // within E2 alone
		})
		read(t, s, func(tx store.Tx) {
			recs, links, err := tx.MemberRecords(ctx, "E1")
			must(t, err)
			var keys []record.Key
			for _, r := range recs {
				keys = append(keys, r.Key)
				if r.Entity != "E1" || string(r.Data) != "data of "+r.Key.String() {
					t.Errorf("member %+v", r)
				}
			}
			if !slices.Equal(keys, []record.Key{k1, k3, k4}) || !slices.Equal(recs[0].Keys, []uint64{1, 1 << 63}) {
				t.Errorf("members %v, keys of the first %v", keys, recs[0].Keys)
			}
			pairs := map[record.Pair]float64{}
			for _, l := range links {
				pairs[record.NewPair(l.A, l.B)] += l.Weight
			}
			want := map[record.Pair]float64{record.NewPair(k1, k3): 5, record.NewPair(k1, k2): 2}
			if len(links) != 2 || !maps.Equal(pairs, want) {
				t.Errorf("links %+v, want each of %v once", links, want)
			}
			if _, _, err := tx.MemberRecords(ctx, "E9"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("an entity without records: %v", err)
			}
		})
	})

	// A backend that loads in bulk stores what the row methods would.
	t.Run("Bulk", func(t *testing.T) {
		s, _ := open(t)
		tx, err := s.Begin(ctx, true)
		must(t, err)
		defer tx.Rollback()
		bulk, ok := tx.(store.BulkTx)
		if !ok {
			t.Skip("the backend loads a row at a time (no store.BulkTx)")
		}
		recs := []store.Record{{Key: k1, Entity: "E1", Data: []byte("one"), Keys: []uint64{1, 1 << 63}},
			{Key: k2, Entity: "E1", Data: []byte("two")}, {Key: k3, Entity: "E2", Data: []byte("three"), Keys: []uint64{7}}}
		must(t, bulk.PutRecords(ctx, recs))
		must(t, bulk.PutLinks(ctx, []record.Link{{A: k2, B: k1, Weight: 9.5}}))
		if err := bulk.PutLinks(ctx, []record.Link{{A: k1, B: record.Key{Source: "z", ID: "9"}, Weight: 1}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a link to a record not stored: %v, want ErrNotFound", err)
		}
		tx.Rollback()
		tx, err = s.Begin(ctx, true)
		must(t, err)
		bulk = tx.(store.BulkTx)
		must(t, bulk.PutRecords(ctx, recs))
		must(t, bulk.PutLinks(ctx, []record.Link{{A: k2, B: k1, Weight: 9.5}}))
		must(t, bulk.PutReviews(ctx, []record.Review{{A: k3, B: k1, Weight: 1.5, Reason: "review band", Rule: "[dob]"}}))
		if err := bulk.PutReviews(ctx, []record.Review{{A: k1, B: record.Key{Source: "z", ID: "9"}}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a review of a record not stored: %v, want ErrNotFound", err)
		}
		evs, err := bulk.AddEvents(ctx, []record.Event{{Kind: record.EventCreated, Entity: "E1", Record: k1}, {Kind: record.EventCreated, Entity: "E2", Record: k3}})
		must(t, err)
		if len(evs) != 2 || evs[0].Seq <= 0 || evs[1].Seq <= evs[0].Seq {
			t.Errorf("AddEvents = %+v", evs)
		}
		must(t, tx.Commit())
		read(t, s, func(tx store.Tx) {
			for _, want := range recs {
				got, err := tx.Record(ctx, want.Key)
				must(t, err)
				if string(got.Data) != string(want.Data) || got.Entity != want.Entity || !slices.Equal(got.Keys, want.Keys) {
					t.Errorf("record %s = %+v, want %+v", want.Key, got, want)
				}
			}
			if m, err := tx.Members(ctx, "E1"); err != nil || !slices.Equal(m, []record.Key{k1, k2}) {
				t.Errorf("members of E1: %v (%v)", m, err)
			}
			if ls, err := tx.Links(ctx, k2); err != nil || len(ls) != 1 || ls[0].Weight != 9.5 || record.NewPair(ls[0].A, ls[0].B) != record.NewPair(k1, k2) {
				t.Errorf("links of %s: %+v (%v)", k2, ls, err)
			}
			if rv, err := tx.Reviews(ctx, k3, nil, 0); err != nil || len(rv) != 1 || rv[0].A != k1 || rv[0].Reason != "review band" || rv[0].Rule != "[dob]" || rv[0].Weight != 1.5 {
				t.Errorf("reviews of %s: %+v (%v)", k3, rv, err)
			}
			if evs, err := tx.Events(ctx, "E2", 0, 0); err != nil || len(evs) != 1 || evs[0].Record != k3 || evs[0].Kind != record.EventCreated {
				t.Errorf("events of E2: %+v (%v)", evs, err)
			}
		})
	})

	t.Run("Shared", func(t *testing.T) { runShared(t, open) })
}

// runShared checks the shared mode of a store that has it.
func runShared(t *testing.T, open Open) {
	ctx := context.Background()
	k1, k2, k3 := record.Key{Source: "a", ID: "1"}, record.Key{Source: "a", ID: "2"}, record.Key{Source: "b", ID: "1"}
	s, _ := open(t)
	sh, ok := s.(store.Shared)
	if !ok {
		t.Skip("the backend has no shared mode (no store.Shared)")
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	keysOf := func(rs []store.Record) []record.Key {
		var out []record.Key
		for _, r := range rs {
			out = append(out, r.Key)
		}
		return out
	}
	tx, err := sh.BeginShared(ctx)
	must(err)
	must(tx.PutRecord(ctx, store.Record{Key: k1, Entity: "E1", Data: []byte("one"), Keys: []uint64{10, 1 << 63}}))
	must(tx.PutRecord(ctx, store.Record{Key: k2, Entity: "E1", Data: []byte("two"), Keys: []uint64{10, 20}}))
	must(tx.PutRecord(ctx, store.Record{Key: k3, Entity: "E2", Data: []byte("three"), Keys: []uint64{20}}))
	must(tx.PutLink(ctx, record.Link{A: k1, B: k2, Weight: 3}))
	must(tx.PutLink(ctx, record.Link{A: k2, B: k3, Weight: 1}))
	must(tx.PutDecision(ctx, record.Decision{A: k3, B: k1, Verdict: record.VerdictDifferent, Reviewer: "r"}))
	// A shared transaction reads what it wrote.
	recs, capped, err := tx.Holders(ctx, []uint64{10, 1 << 63, 99}, 3)
	must(err)
	if got := keysOf(recs); !slices.Equal(got, []record.Key{k1, k2}) || len(capped) != 0 || string(recs[0].Data) != "one" || recs[0].Entity != "E1" || !slices.Equal(recs[0].Keys, []uint64{10, 1 << 63}) {
		t.Errorf("Holders = %+v, capped %v", recs, capped)
	}
	must(tx.Commit())

	tx, err = sh.BeginShared(ctx)
	must(err)
	defer tx.Rollback()
	// A key held by limit records or more is capped, its holders not read.
	recs, capped, err = tx.Holders(ctx, []uint64{10, 20, 1 << 63}, 2)
	must(err)
	if got := keysOf(recs); !slices.Equal(got, []record.Key{k1}) || !slices.Equal(capped, []uint64{10, 20}) {
		t.Errorf("Holders with limit 2 = %v, capped %v; want %v, capped [10 20]", got, capped, k1)
	}
	// Replacing a record replaces its keys; deleting it removes them.
	must(tx.PutRecord(ctx, store.Record{Key: k1, Entity: "E1", Data: []byte("one"), Keys: []uint64{30}}))
	recs, _, err = tx.Holders(ctx, []uint64{1 << 63}, 10)
	must(err)
	if len(recs) != 0 {
		t.Errorf("a replaced record is still found by its old key: %v", keysOf(recs))
	}
	recs, err = tx.RecordsOf(ctx, []record.Key{k3, {Source: "z", ID: "9"}, k1})
	must(err)
	if got := keysOf(recs); !slices.Equal(got, []record.Key{k1, k3}) {
		t.Errorf("RecordsOf = %v, want %v %v", got, k1, k3)
	}
	recs, err = tx.MembersOf(ctx, []record.EntityID{"E1", "E9"})
	must(err)
	if got := keysOf(recs); !slices.Equal(got, []record.Key{k1, k2}) {
		t.Errorf("MembersOf(E1, E9) = %v", got)
	}
	// LockAround: the members of E2, and the links and decisions of them
	// and of k1, each once.
	around, err := tx.LockAround(ctx, []uint64{77}, []record.EntityID{"E2"}, []record.Key{k1})
	must(err)
	if got := keysOf(around.Members); !slices.Equal(got, []record.Key{k3}) {
		t.Errorf("LockAround members = %v, want %v", got, k3)
	}
	pairs := map[record.Pair]float64{}
	for _, l := range around.Links {
		pairs[record.NewPair(l.A, l.B)] = l.Weight
	}
	if want := map[record.Pair]float64{record.NewPair(k1, k2): 3, record.NewPair(k2, k3): 1}; len(around.Links) != 2 || !maps.Equal(pairs, want) {
		t.Errorf("LockAround links = %+v, want each of %v once", around.Links, want)
	}
	if ds := around.Decisions; len(ds) != 1 || ds[0].Verdict != record.VerdictDifferent || record.NewPair(ds[0].A, ds[0].B) != record.NewPair(k1, k3) {
		t.Errorf("LockAround decisions = %+v", ds)
	}
	// EntitiesUsed: ids held by records now, or named by an event, in the
	// order asked; E9 never was.
	_, err = tx.AddEvents(ctx, []record.Event{{Kind: record.EventRemoved, Entity: "E5", Record: k1}})
	must(err)
	used, err := tx.EntitiesUsed(ctx, []record.EntityID{"E9", "E2", "E5", "E1"})
	must(err)
	if want := []record.EntityID{"E2", "E5", "E1"}; !slices.Equal(used, want) {
		t.Errorf("EntitiesUsed(E9, E2, E5, E1) = %v, want %v", used, want)
	}
	must(tx.DeleteRecord(ctx, k2))
	recs, _, err = tx.Holders(ctx, []uint64{10, 20}, 10)
	must(err)
	if got := keysOf(recs); !slices.Equal(got, []record.Key{k3}) {
		t.Errorf("Holders after a delete = %v", got)
	}

	// Locks: held to the end of the transaction; without waiting, one
	// held elsewhere is a conflict and takes nothing.
	must(tx.Lock(ctx, []uint64{9, 5, 9}, true))
	other, err := sh.BeginShared(ctx)
	must(err)
	defer other.Rollback()
	if err := other.Lock(ctx, []uint64{6, 9}, false); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a lock held by another transaction: %v, want ErrConflict", err)
	}
	other.Rollback()
	other, err = sh.BeginShared(ctx)
	must(err)
	if _, err := other.LockAround(ctx, []uint64{77}, nil, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("LockAround of a lock held by another transaction: %v, want ErrConflict", err)
	}
	other.Rollback()
	other, err = sh.BeginShared(ctx)
	must(err)
	must(other.Lock(ctx, []uint64{6}, false))
	// A waiting lock is granted when the holder ends.
	got := make(chan error, 1)
	go func() { got <- other.Lock(ctx, []uint64{5}, true) }()
	select {
	case err := <-got:
		t.Fatalf("a held lock was granted before its holder ended (%v)", err)
	case <-time.After(100 * time.Millisecond):
	}
	must(tx.Rollback())
	must(<-got)
	must(other.SetMeta(ctx, store.MetaAuditHeadSig, []byte("sig")))
	head, err := other.AuditHead(ctx)
	must(err)
	head.Sig = "sig"
	if locked, err := other.LockHead(ctx); err != nil || locked != head {
		t.Fatalf("LockHead = %+v, %v; want the head %+v with its signature", locked, err, head)
	}
	// Events added together are numbered in order, found by every entity
	// they name.
	added, err := other.AddEvents(ctx, []record.Event{{Kind: record.EventCreated, Entity: "E7", Record: k1},
		{Kind: record.EventMerged, Entity: "E7", Others: []record.EntityID{"E8"}, Record: k3}})
	must(err)
	if len(added) != 2 || added[0].Seq <= 0 || added[1].Seq <= added[0].Seq || added[0].Time.IsZero() {
		t.Fatalf("AddEvents = %+v", added)
	}
	must(other.Commit())
	rtx, err := s.Begin(ctx, false)
	must(err)
	for _, c := range []struct {
		entity record.EntityID
		want   int
	}{{"E7", 2}, {"E8", 1}} {
		evs, err := rtx.Events(ctx, c.entity, 0, 0)
		must(err)
		if len(evs) != c.want || evs[len(evs)-1].Seq != added[1].Seq || evs[len(evs)-1].Record != k3 {
			t.Errorf("events of %s: %+v", c.entity, evs)
		}
	}
	rtx.Rollback()

	// Writes keep their order, whatever a backend sends together: a move
	// after a record is stored moves it; a record stored again is the
	// second, in its own entity; a link or a pair for review added again
	// is the second; a record deleted takes its links along.
	ka, kb, kc := record.Key{Source: "o", ID: "1"}, record.Key{Source: "o", ID: "2"}, record.Key{Source: "o", ID: "3"}
	tx, err = sh.BeginShared(ctx)
	must(err)
	must(tx.PutRecord(ctx, store.Record{Key: ka, Entity: "A1", Data: []byte("a1"), Keys: []uint64{501}}))
	must(tx.SetEntity(ctx, ka, "A2"))
	must(tx.PutRecord(ctx, store.Record{Key: kb, Entity: "B1", Data: []byte("b1"), Keys: []uint64{502}}))
	must(tx.SetEntity(ctx, kb, "B2"))
	must(tx.PutRecord(ctx, store.Record{Key: kb, Entity: "B3", Data: []byte("b3"), Keys: []uint64{503}}))
	must(tx.PutLink(ctx, record.Link{A: ka, B: kb, Weight: 1}))
	must(tx.PutLink(ctx, record.Link{A: kb, B: ka, Weight: 2}))
	must(tx.PutReview(ctx, record.Review{A: ka, B: kb, Weight: 1, Reason: "first", Rule: "r"}))
	must(tx.PutReview(ctx, record.Review{A: kb, B: ka, Weight: 5, Reason: "second", Rule: "r"}))
	must(tx.PutRecord(ctx, store.Record{Key: kc, Entity: "C1", Data: []byte("c"), Keys: []uint64{501}}))
	must(tx.PutLink(ctx, record.Link{A: ka, B: kc, Weight: 4}))
	must(tx.DeleteRecord(ctx, kc))
	recs, err = tx.RecordsOf(ctx, []record.Key{ka, kb, kc})
	must(err)
	if len(recs) != 2 || recs[0].Entity != "A2" || string(recs[0].Data) != "a1" ||
		recs[1].Entity != "B3" || string(recs[1].Data) != "b3" || !slices.Equal(recs[1].Keys, []uint64{503}) {
		t.Errorf("records written in turn: %+v", recs)
	}
	recs, _, err = tx.Holders(ctx, []uint64{501, 502, 503}, 10)
	must(err)
	if got := keysOf(recs); !slices.Equal(got, []record.Key{ka, kb}) {
		t.Errorf("Holders of the keys written in turn = %v, want %v %v", got, ka, kb)
	}
	links, err := tx.Links(ctx, ka)
	must(err)
	if len(links) != 1 || links[0].Weight != 2 || record.NewPair(links[0].A, links[0].B) != record.NewPair(ka, kb) {
		t.Errorf("links written in turn: %+v", links)
	}
	revs, err := tx.Reviews(ctx, ka, nil, 0)
	must(err)
	if len(revs) != 1 || revs[0].Weight != 5 || revs[0].Reason != "second" {
		t.Errorf("pairs for review written in turn: %+v", revs)
	}
	// A move of a record not stored fails, then or at the next read.
	err = tx.SetEntity(ctx, record.Key{Source: "o", ID: "9"}, "X")
	if err == nil {
		_, err = tx.RecordsOf(ctx, []record.Key{ka})
	}
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("moving a record not stored: %v, want ErrNotFound", err)
	}
	tx.Rollback()

	// An exclusive writer waits for the shared transactions (from their
	// first statement), and they for it.
	tx, err = sh.BeginShared(ctx)
	must(err)
	if _, err := tx.CountRecords(ctx); err != nil {
		t.Fatal(err)
	}
	begun := make(chan store.Tx, 1)
	go func() {
		w, err := s.Begin(ctx, true)
		if err != nil {
			t.Error(err)
		}
		begun <- w
	}()
	select {
	case <-begun:
		t.Fatal("a writer began beside a shared transaction")
	case <-time.After(100 * time.Millisecond):
	}
	must(tx.Commit())
	w := <-begun
	if w != nil {
		w.Rollback()
	}
}

// cancelled returns a context already cancelled.
func cancelled() context.Context {
	c, cancel := context.WithCancel(context.Background())
	cancel()
	return c
}

// sortKeys sorts keys by source, then id.
func sortKeys(keys []record.Key) {
	slices.SortFunc(keys, record.Key.Compare)
}
