// Package storetest is the conformance suite every store backend must
// pass: Run(t, open) checks each method of store.Tx against the contract
// written in package store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

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
		must(t, tx.PutRecord(store.Record{Key: k, Entity: e, Data: []byte("data of " + k.String()), Keys: keys}))
	}

	t.Run("Meta", func(t *testing.T) {
		s, _ := open(t)
		read(t, s, func(tx store.Tx) {
			if _, err := tx.Meta("model"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Meta(missing) error = %v, want ErrNotFound", err)
			}
		})
		write(t, s, func(tx store.Tx) {
			must(t, tx.SetMeta("model", []byte("v1")))
			must(t, tx.SetMeta("model", []byte("v2")))
		})
		read(t, s, func(tx store.Tx) {
			if got, err := tx.Meta("model"); err != nil || string(got) != "v2" {
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
			r, err := tx.Record(k1)
			must(t, err)
			if r.Entity != "E1" || string(r.Data) != "data of a/1" || !slices.Equal(r.Keys, []uint64{10, 20}) {
				t.Fatalf("Record = %+v", r)
			}
			if _, err := tx.Record(k3); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Record(missing) error = %v, want ErrNotFound", err)
			}
		})
		// Replacing a record replaces its keys, data and entity.
		write(t, s, func(tx store.Tx) {
			must(t, tx.PutRecord(store.Record{Key: k1, Entity: "E2", Data: []byte("new"), Keys: []uint64{30}}))
		})
		read(t, s, func(tx store.Tx) {
			r, err := tx.Record(k1)
			must(t, err)
			if r.Entity != "E2" || string(r.Data) != "new" || !slices.Equal(r.Keys, []uint64{30}) {
				t.Fatalf("after replace Record = %+v", r)
			}
			if n, err := tx.CountRecords(); err != nil || n != 2 {
				t.Fatalf("CountRecords = %d, %v, want 2", n, err)
			}
		})
	})

	t.Run("KeysUseAllBits", func(t *testing.T) {
		s, _ := open(t)
		big := uint64(1<<63 + 12345)
		write(t, s, func(tx store.Tx) { put(t, tx, k1, "E1", big) })
		read(t, s, func(tx store.Tx) {
			if r, _ := tx.Record(k1); !slices.Equal(r.Keys, []uint64{big}) {
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
			must(t, tx.SetEntity(k3, "E1"))
			if err := tx.SetEntity(record.Key{Source: "x", ID: "y"}, "E1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("SetEntity(missing) error = %v, want ErrNotFound", err)
			}
		})
		read(t, s, func(tx store.Tx) {
			got, err := tx.Members("E1")
			must(t, err)
			if !slices.Equal(got, []record.Key{k1, k2, k3}) {
				t.Fatalf("Members = %v, want key order", got)
			}
			if _, err := tx.Members("E2"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Members(empty) error = %v, want ErrNotFound", err)
			}
			var all []record.Key
			must(t, tx.Records(func(r store.Record) bool { all = append(all, r.Key); return true }))
			if !slices.Equal(all, []record.Key{k1, k2, k3}) {
				t.Fatalf("Records = %v", all)
			}
			if used, err := tx.EntityUsed("E1"); err != nil || !used {
				t.Fatalf("EntityUsed(E1) = %v, %v", used, err)
			}
			if used, err := tx.EntityUsed("E9"); err != nil || used {
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
			must(t, tx.PutLink(record.Link{A: k2, B: k1, Weight: 10}))
			must(t, tx.PutLink(record.Link{A: k1, B: k2, Weight: 12})) // replaces
			must(t, tx.PutReview(record.Review{A: k3, B: k1, Weight: 1.5, Reason: "review band", Rule: "[dob]"}))
			if err := tx.PutLink(record.Link{A: k1, B: record.Key{Source: "x", ID: "y"}}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("PutLink(missing record) error = %v, want ErrNotFound", err)
			}
		})
		read(t, s, func(tx store.Tx) {
			got, err := tx.Links(k2)
			must(t, err)
			if len(got) != 1 || got[0] != (record.Link{A: k1, B: k2, Weight: 12}) {
				t.Fatalf("Links = %+v, want one, ordered, weight 12", got)
			}
			var all []record.Link
			must(t, tx.EachLink(func(l record.Link) bool { all = append(all, l); return true }))
			if len(all) != 1 || all[0] != got[0] {
				t.Fatalf("EachLink = %+v", all)
			}
			rv, err := tx.Reviews(record.Key{})
			must(t, err)
			if len(rv) != 1 || rv[0].A != k1 || rv[0].B != k3 || rv[0].Reason != "review band" || rv[0].Rule != "[dob]" {
				t.Fatalf("Reviews = %+v", rv)
			}
		})
		write(t, s, func(tx store.Tx) { must(t, tx.DeleteRecord(k1)) })
		read(t, s, func(tx store.Tx) {
			if got, _ := tx.Links(k2); len(got) != 0 {
				t.Fatalf("links after delete = %+v", got)
			}
			if got, _ := tx.Reviews(k3); len(got) != 0 {
				t.Fatalf("reviews after delete = %+v", got)
			}
			if n, _ := tx.CountRecords(); n != 2 {
				t.Fatalf("records after delete = %d, want 2", n)
			}
			if _, err := tx.Record(k1); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted record error = %v", err)
			}
		})
		write(t, s, func(tx store.Tx) {
			if err := tx.DeleteRecord(k1); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("second delete error = %v, want ErrNotFound", err)
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
				{Kind: record.EventMerged, Entity: "E1", Others: []record.EntityID{"E2"}, Record: k3},
			} {
				got, err := tx.AddEvent(e)
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
			got, err := tx.Events("E2")
			must(t, err)
			if len(got) != 2 || got[0].Kind != record.EventCreated || got[1].Kind != record.EventMerged ||
				!slices.Equal(got[1].Others, []record.EntityID{"E2"}) || got[1].Record != k3 {
				t.Fatalf("Events(E2) = %+v", got)
			}
			if used, _ := tx.EntityUsed("E2"); !used {
				t.Fatal("EntityUsed(E2) = false after events named it")
			}
		})
		// A record forgotten is named in the lineage by its digest alone.
		write(t, s, func(tx store.Tx) { must(t, tx.ForgetRecord(k3, "d1g")) })
		read(t, s, func(tx store.Tx) {
			got, err := tx.Events("E2")
			must(t, err)
			if len(got) != 2 || got[1].Record != (record.Key{Source: k3.Source, ID: "~d1g"}) || got[0].Record != k2 {
				t.Fatalf("after ForgetRecord(%v): Events(E2) = %+v", k3, got)
			}
		})
	})

	t.Run("ChangeLog", func(t *testing.T) {
		s, _ := open(t)
		readChanges := func(t *testing.T, s store.Store, since, head int64) (keys []record.Key, complete bool, err error) {
			read(t, s, func(tx store.Tx) { keys, complete, err = tx.ChangedSince(since, head) })
			return keys, complete, err
		}
		if _, complete, err := readChanges(t, s, 0, 3); complete || err != nil {
			t.Fatalf("an empty change log is complete (%v)", err)
		}
		write(t, s, func(tx store.Tx) {
			must(t, tx.NoteChanges(1, nil))
			must(t, tx.NoteChanges(2, []record.Key{k1, k2}))
			must(t, tx.NoteChanges(3, []record.Key{k2, k3}))
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
	})

	t.Run("Decisions", func(t *testing.T) {
		s, _ := open(t)
		write(t, s, func(tx store.Tx) {
			must(t, tx.PutDecision(record.Decision{A: k2, B: k1, Verdict: record.VerdictUnsure, Reviewer: "ana", Comment: "look again"}))
			must(t, tx.PutDecision(record.Decision{A: k1, B: k2, Verdict: record.VerdictSame, Reviewer: "bea", Comment: "same passport"}))
			must(t, tx.PutDecision(record.Decision{A: k3, B: k1, Verdict: record.VerdictDifferent, Reviewer: "bea"}))
		})
		read(t, s, func(tx store.Tx) {
			all, err := tx.Decisions(record.Key{})
			must(t, err)
			if len(all) != 2 || all[0].A != k1 || all[0].B != k2 || all[0].Verdict != record.VerdictSame || all[0].Reviewer != "bea" ||
				all[0].Comment != "same passport" || all[0].Time.IsZero() {
				t.Fatalf("Decisions = %+v", all)
			}
			mine, err := tx.Decisions(k3)
			must(t, err)
			if len(mine) != 1 || mine[0].Verdict != record.VerdictDifferent || mine[0].A != k1 {
				t.Fatalf("Decisions(k3) = %+v", mine)
			}
		})
		write(t, s, func(tx store.Tx) { must(t, tx.DeleteDecisions(k1)) })
		read(t, s, func(tx store.Tx) {
			if all, _ := tx.Decisions(record.Key{}); len(all) != 0 {
				t.Fatalf("after DeleteDecisions: %+v", all)
			}
		})
	})

	t.Run("DeleteReview", func(t *testing.T) {
		s, _ := open(t)
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1")
			put(t, tx, k2, "E2")
			must(t, tx.PutReview(record.Review{A: k1, B: k2, Weight: 1, Reason: "review band"}))
			must(t, tx.DeleteReview(k2, k1))
		})
		read(t, s, func(tx store.Tx) {
			if rv, _ := tx.Reviews(record.Key{}); len(rv) != 0 {
				t.Fatalf("reviews after DeleteReview: %+v", rv)
			}
		})
	})

	t.Run("Audit", func(t *testing.T) {
		s, reopen := open(t)
		var want []audit.Entry
		write(t, s, func(tx store.Tx) {
			h, err := tx.AuditHead()
			must(t, err)
			if h != (audit.Head{}) {
				t.Fatalf("empty log head = %+v", h)
			}
			for i := range 3 {
				e := audit.Next(h, audit.Entry{Actor: audit.ActorModel, Action: "upsert", Detail: fmt.Sprint(i)})
				must(t, tx.AppendAudit(e))
				want = append(want, e)
				h = audit.HeadOf(e)
			}
		})
		must(t, s.Close())
		s = reopen()
		defer s.Close()
		read(t, s, func(tx store.Tx) {
			var got []audit.Entry
			must(t, tx.AuditEntries(func(e audit.Entry) bool { got = append(got, e); return true }))
			h, err := tx.AuditHead()
			must(t, err)
			if len(got) != 3 || got[2].Hash != want[2].Hash || h != audit.HeadOf(want[2]) {
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
			if n, _ := tx.CountRecords(); n != 0 {
				t.Fatalf("records after rollback = %d", n)
			}
		})
	})

	t.Run("ReadOnlyRefusesWrites", func(t *testing.T) {
		s, _ := open(t)
		read(t, s, func(tx store.Tx) {
			if err := tx.SetMeta("k", []byte("v")); err == nil {
				t.Fatal("SetMeta in a read transaction succeeded")
			}
		})
	})

	t.Run("Persists", func(t *testing.T) {
		s, reopen := open(t)
		write(t, s, func(tx store.Tx) {
			put(t, tx, k1, "E1", 7)
			must(t, tx.SetMeta("model", []byte("m")))
		})
		must(t, s.Close())
		s = reopen()
		defer s.Close()
		read(t, s, func(tx store.Tx) {
			if r, err := tx.Record(k1); err != nil || r.Entity != "E1" {
				t.Fatalf("after reopen Record = %+v, %v", r, err)
			}
			if r, _ := tx.Record(k1); !slices.Equal(r.Keys, []uint64{7}) {
				t.Fatalf("after reopen Keys = %v", r.Keys)
			}
		})
	})
}
