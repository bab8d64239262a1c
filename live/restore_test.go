package live_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

var errInjected = errors.New("injected store failure")

// failing is a store whose write transactions fail at one named method
// when armed: a full disk, a lost connection, in the middle of a change.
type failing struct {
	store.Store
	at atomic.Pointer[string]
}

func (f *failing) arm(method string) { f.at.Store(&method) }
func (f *failing) disarm()           { f.at.Store(nil) }
func (f *failing) fails(method string) error {
	if at := f.at.Load(); at != nil && *at == method {
		return errInjected
	}
	return nil
}

func (f *failing) Begin(ctx context.Context, write bool) (store.Tx, error) {
	tx, err := f.Store.Begin(ctx, write)
	if err != nil || !write {
		return tx, err
	}
	return &failingTx{Tx: tx, f: f}, nil
}

type failingTx struct {
	store.Tx
	f *failing
}

func (t *failingTx) PutRecord(ctx context.Context, r store.Record) error {
	return errors.Join(t.f.fails("PutRecord"), t.Tx.PutRecord(ctx, r))
}
func (t *failingTx) PutLink(ctx context.Context, l record.Link) error {
	if err := t.f.fails("PutLink"); err != nil {
		return err
	}
	return t.Tx.PutLink(ctx, l)
}
func (t *failingTx) Supersede(ctx context.Context, k record.Key) error {
	return errors.Join(t.f.fails("Supersede"), t.Tx.Supersede(ctx, k))
}
func (t *failingTx) DropRejects(ctx context.Context, k record.Key) error {
	return errors.Join(t.f.fails("DropRejects"), t.Tx.DropRejects(ctx, k))
}
func (t *failingTx) DeleteLink(ctx context.Context, a, b record.Key) error {
	return errors.Join(t.f.fails("DeleteLink"), t.Tx.DeleteLink(ctx, a, b))
}
func (t *failingTx) SetEntity(ctx context.Context, k record.Key, e record.EntityID) error {
	if err := t.f.fails("SetEntity"); err != nil {
		return err
	}
	return t.Tx.SetEntity(ctx, k, e)
}
func (t *failingTx) AddEvent(ctx context.Context, e record.Event) (record.Event, error) {
	if err := t.f.fails("AddEvent"); err != nil {
		return e, err
	}
	return t.Tx.AddEvent(ctx, e)
}
func (t *failingTx) AppendAudit(ctx context.Context, e audit.Entry) error {
	if err := t.f.fails("AppendAudit"); err != nil {
		return err
	}
	return t.Tx.AppendAudit(ctx, e)
}
func (t *failingTx) Commit() error {
	if err := t.f.fails("Commit"); err != nil {
		return err
	}
	return t.Tx.Commit()
}

// A change that fails after it began to write — at any step, up to the
// commit — leaves the store as it was, and the memory copy is restored
// from it record by record: no full reload, and the next change runs as
// if the failed one never happened.
func TestFailedChangeRestores(t *testing.T) {
	ctx := context.Background()
	ops := map[string]func(l *live.Live) error{
		"upsert": func(l *live.Live) error { _, err := l.Upsert(ctx, textRecord("d", "ann", "333")); return err },
		"update": func(l *live.Live) error { _, err := l.Upsert(ctx, textRecord("b", "bob", "222")); return err },
		// b updated before (below), with no pair for review: its update
		// looks for its rejects alone.
		"update again": func(l *live.Live) error { _, err := l.Upsert(ctx, textRecord("b", "bob", "223")); return err },
		"delete":       func(l *live.Live) error { _, err := l.Delete(ctx, key("b")); return err },
		"decide": func(l *live.Live) error {
			_, err := l.Decide(ctx, record.Decision{A: key("a"), B: key("b"), Verdict: record.VerdictDifferent, Reviewer: "rev"})
			return err
		},
		"decide all": func(l *live.Live) error {
			_, err := l.DecideAll(ctx, []record.Decision{
				{A: key("a"), B: key("b"), Verdict: record.VerdictDifferent, Reviewer: "rev"},
				{A: key("b"), B: key("c"), Verdict: record.VerdictDifferent, Reviewer: "rev"},
			})
			return err
		},
	}
	// The store methods each change calls, where it may fail.
	calls := map[string][]string{
		"upsert":       {"PutRecord", "PutLink", "SetEntity", "AppendAudit", "Commit"},
		"update":       {"Supersede", "PutRecord", "DeleteLink", "SetEntity", "AddEvent", "AppendAudit", "Commit"},
		"update again": {"DropRejects", "PutRecord", "DeleteLink", "SetEntity", "AddEvent", "AppendAudit", "Commit"},
		"delete":       {"SetEntity", "AddEvent", "AppendAudit", "Commit"},
		"decide":       {"SetEntity", "AddEvent", "AppendAudit", "Commit"},
		"decide all":   {"SetEntity", "AddEvent", "AppendAudit", "Commit"},
	}
	for name, methods := range calls {
		for _, method := range methods {
			op := ops[name]
			t.Run(method+"/"+name, func(t *testing.T) {
				f := &failing{Store: openStore(t)}
				l := openLive(t, f, bridgeModel())
				// a and b link on name, b and c on phone: one entity.
				for _, r := range []record.Record{textRecord("a", "ann", "111"), textRecord("b", "ann", "222"), textRecord("c", "cy", "222")} {
					if _, err := l.Upsert(ctx, r); err != nil {
						t.Fatal(err)
					}
				}
				if name == "update again" {
					if err := ops["update"](l); err != nil {
						t.Fatal(err)
					}
				}
				before, err := l.Entities(ctx)
				if err != nil {
					t.Fatal(err)
				}
				reloads := l.Reloads()
				f.arm(method)
				err = op(l)
				f.disarm()
				if !errors.Is(err, errInjected) {
					t.Fatalf("error %v, want the injected one", err)
				}
				if l.Reloads() != reloads || l.Restores() != 1 {
					t.Errorf("reloads %d → %d, restores %d: want a restore and no reload", reloads, l.Reloads(), l.Restores())
				}
				if err := l.Check(ctx); err != nil {
					t.Fatalf("memory copy after the failed change: %v", err)
				}
				after, err := l.Entities(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if m := agreement(before, after); m.PairwiseF1 != 1 || len(after) != len(before) {
					t.Errorf("the failed change changed the store: %d records, F1 %.4f", len(after), m.PairwiseF1)
				}
				if ds, err := l.Decisions(ctx, access.Everything); err != nil || len(ds) != 0 {
					t.Errorf("the failed change stored %d decisions (%v)", len(ds), err)
				}
				if err := op(l); err != nil {
					t.Fatalf("the change again, unarmed: %v", err)
				}
				if err := l.Check(ctx); err != nil {
					t.Fatalf("after the change succeeded: %v", err)
				}
			})
		}
	}
}
