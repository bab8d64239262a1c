package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
	"github.com/concord-er/concord/store"
)

// withAccount adds an identifier feature (not compared by bridgeModel)
// and relations to a record.
func withAccount(r record.Record, account string, rels ...record.Relation) record.Record {
	r.Features = append(r.Features, record.Feature{Name: "account", Kind: record.KindIdentifier, Raw: []string{account},
		Values: []record.Value{{Norm: account}}})
	r.Relations = rels
	return r
}

func edgeTypes(t *testing.T, g *relate.Graph, from record.EntityID) []string {
	t.Helper()
	n, err := g.Neighbours(from, 1, 0, relate.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range n.Edges {
		out = append(out, e.Type)
	}
	slices.Sort(out)
	return out
}

// TestNetwork: the network is read from the store as the reader may see
// it — a hidden record's relations and identifiers are not in it — and a
// relationship's end follows its record into a merged entity.
func TestNetwork(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	officer := record.Relation{Type: "officer_of", To: record.Key{Source: "pub", ID: "co2"}}
	recs := []record.Record{
		withAccount(sourced("pub", "a", "ann", "111"), "ACC1", officer),
		withAccount(sourced("pub", "co", "acme", "900"), "R1"),
		withAccount(sourced("pub", "co2", "acme two", "901"), "R2"),
		withAccount(sourced("sec", "c", "cyrus", "999"), "ACC1"),
		withAccount(sourced("pub", "d", "dora", "555"), "R3", record.Relation{Type: "paid", To: record.Key{Source: "sec", ID: "c"}}),
	}
	entity := map[string]record.EntityID{}
	for _, r := range recs {
		ch, err := l.Upsert(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		entity[r.Key.ID] = ch.Entity
	}
	all, err := l.Network(ctx, access.Everything, relate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := edgeTypes(t, all, entity["a"]); !slices.Equal(got, []string{"officer_of", "shares_account"}) {
		t.Errorf("ann's edges %q: want officer_of and shares_account (with cyrus)", got)
	}
	if p, err := all.ShortestPath(entity["d"], entity["a"], 0, relate.Filter{}); err != nil || len(p.Edges) != 2 {
		t.Errorf("dora to ann: %+v, %v; want paid then shares_account", p, err)
	}

	policy, err := access.NewPolicy([]string{"restricted"}, map[string]access.Source{"pub": {}, "sec": {Label: "restricted"}})
	if err != nil {
		t.Fatal(err)
	}
	outsider := policy.View(access.Principal{ID: "o", Roles: []access.Role{access.RoleViewer}}, "")
	seen, err := l.Network(ctx, outsider, relate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := seen.Node(entity["c"]); ok {
		t.Error("the outsider's network holds cyrus, a record of a source it may not see")
	}
	if got := edgeTypes(t, seen, entity["a"]); !slices.Equal(got, []string{"officer_of"}) {
		t.Errorf("ann's edges for the outsider %q: want officer_of alone (the account is shared with a hidden record)", got)
	}
	if _, err := seen.ShortestPath(entity["d"], entity["a"], 0, relate.Filter{}); err == nil {
		t.Error("the outsider has a path from dora to ann: it crosses a hidden record")
	}
	if st := seen.Stats(); st.Dangling != 1 || st.Records != 4 {
		t.Errorf("outsider stats %+v: want 4 records, dora's payment dangling", st)
	}

	// acme three agrees with acme on name and with acme two on phone: the
	// two merge, and ann's officer_of follows acme two into the merged
	// entity.
	ch, err := l.Upsert(ctx, withAccount(sourced("pub", "co3", "acme", "901"), "R4"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := l.Network(ctx, access.Everything, relate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := after.Neighbours(entity["a"], 1, 0, relate.Filter{Types: []string{"officer_of"}})
	if err != nil || len(n.Edges) != 1 || n.Edges[0].To != ch.Entity {
		t.Fatalf("ann's officer_of after the merge: %+v, %v; want it to end at %s", n.Edges, err, ch.Entity)
	}
	if node, _ := after.Node(ch.Entity); node.Records != 3 {
		t.Errorf("the merged company has %d records, want 3", node.Records)
	}

	// A reviewer splits acme two off: the edge follows it.
	if _, err := l.Split(ctx, ch.Entity, []record.Key{{Source: "pub", ID: "co2"}}, "rev", "two companies"); err != nil {
		t.Fatal(err)
	}
	co2, err := l.Record(ctx, record.Key{Source: "pub", ID: "co2"}, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	split, err := l.Network(ctx, access.Everything, relate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, err = split.Neighbours(entity["a"], 1, 0, relate.Filter{Types: []string{"officer_of"}})
	if err != nil || len(n.Edges) != 1 || n.Edges[0].To != co2.Entity || co2.Entity == ch.Entity {
		t.Fatalf("ann's officer_of after the split: %+v, %v; want it to end at acme two's entity %s", n.Edges, err, co2.Entity)
	}

	// An upsert without the relation takes it away.
	if _, err := l.Upsert(ctx, withAccount(sourced("pub", "a", "ann", "111"), "ACC1")); err != nil {
		t.Fatal(err)
	}
	again, err := l.Network(ctx, access.Everything, relate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := edgeTypes(t, again, entity["a"]); slices.Contains(got, "officer_of") {
		t.Errorf("ann's edges after her record lost the relation: %q", got)
	}
}

// TestNetworkOf: a served network is built once per view and reused; a
// change that commits is in it once a recheck has built it again in the
// background, and views never share one.
func TestNetworkOf(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	l, err := live.Open(ctx, st, live.Options{Model: bridgeModel(), NetworkRecheck: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	a := withAccount(sourced("pub", "a", "ann", "111"), "ACC1")
	c := withAccount(sourced("sec", "c", "cyrus", "999"), "ACC1")
	var ents []record.EntityID
	for _, r := range []record.Record{a, c} {
		ch, err := l.Upsert(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		ents = append(ents, ch.Entity)
	}
	policy, err := access.NewPolicy([]string{"restricted"}, map[string]access.Source{"pub": {}, "sec": {Label: "restricted"}})
	if err != nil {
		t.Fatal(err)
	}
	outsider := policy.View(access.Principal{ID: "o", Roles: []access.Role{access.RoleViewer}}, "")
	if _, _, ok := l.NetworkIfBuilt(ctx, outsider); ok {
		t.Fatal("NetworkIfBuilt: built before anything asked for it")
	}
	for start := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		g, _, ok := l.NetworkIfBuilt(ctx, outsider)
		if ok {
			if g.Stats().Records != 1 {
				t.Errorf("the outsider's network built in the background holds %d records, want 1", g.Stats().Records)
			}
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("NetworkIfBuilt never built the network")
		}
	}
	// A caller that stops waiting leaves the first build to run for the
	// next.
	cleared := policy.View(access.Principal{ID: "c", Roles: []access.Role{access.RoleViewer}, Clearance: "restricted"}, "case")
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := l.NetworkOf(gone, cleared); !errors.Is(err, context.Canceled) {
		t.Errorf("NetworkOf with its context done: %v", err)
	}
	if g, _, err := l.NetworkOf(ctx, cleared); err != nil || g.Stats().Records != 2 {
		t.Errorf("the cleared reader's network: %v, %v", g, err)
	}
	g1, seq1, err := l.NetworkOf(ctx, access.Everything)
	if err != nil || g1.Stats().Edges != 1 {
		t.Fatalf("everything: %+v, %v; want the shared account", g1.Stats(), err)
	}
	g2, _, err := l.NetworkOf(ctx, outsider)
	if err != nil || g2.Stats().Edges != 0 || g2.Stats().Records != 1 {
		t.Fatalf("the outsider: %+v, %v; want ann alone, no edge", g2.Stats(), err)
	}
	if _, err := l.Upsert(ctx, withAccount(sourced("pub", "d", "dora", "555"), "ACC1")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, seq, err := l.NetworkOf(ctx, outsider)
		if err != nil {
			t.Fatal(err)
		}
		if g.Stats().Edges == 1 {
			if seq <= seq1 {
				t.Errorf("the rebuilt network is as of %d, not after %d", seq, seq1)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the upsert of dora never reached the outsider's network")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n, _ := g2.Node(ents[1]); n.Entity != "" {
		t.Error("the outsider's network holds cyrus")
	}
}

// TestRelatedEvents: a change to a record that states relationships, or
// did, is in the change feed as a related event naming the entities at
// the other ends; other changes note none.
func TestRelatedEvents(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	co, err := l.Upsert(ctx, sourced("pub", "co", "acme", "900"))
	if err != nil {
		t.Fatal(err)
	}
	related := func(ch live.Change) []record.Event {
		var out []record.Event
		for _, e := range ch.Events {
			if e.Kind == record.EventRelated {
				out = append(out, e)
			}
		}
		return out
	}
	if evs := related(co); len(evs) != 0 {
		t.Errorf("a record without relations noted %+v", evs)
	}
	officer := record.Relation{Type: "officer_of", To: record.Key{Source: "pub", ID: "co"}}
	a := withAccount(sourced("pub", "a", "ann", "111"), "ACC1", officer)
	ch, err := l.Upsert(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if evs := related(ch); len(evs) != 1 || evs[0].Entity != ch.Entity || !slices.Equal(evs[0].Others, []record.EntityID{co.Entity}) {
		t.Errorf("ann's officer_of: %+v, want one related event from %s to %s", evs, ch.Entity, co.Entity)
	}
	// Her record again without it: the relation is gone, and said so.
	ch, err = l.Upsert(ctx, withAccount(sourced("pub", "a", "ann", "111"), "ACC1"))
	if err != nil {
		t.Fatal(err)
	}
	if evs := related(ch); len(evs) != 1 || len(evs[0].Others) != 0 {
		t.Errorf("ann without her relation: %+v, want one related event with no other end", evs)
	}
	ch, err = l.Upsert(ctx, withAccount(sourced("pub", "a", "ann", "111"), "ACC1"))
	if err != nil {
		t.Fatal(err)
	}
	if evs := related(ch); len(evs) != 0 {
		t.Errorf("a change to a record that never stated any: %+v", evs)
	}
	if _, err := l.Upsert(ctx, a); err != nil {
		t.Fatal(err)
	}
	del, err := l.Delete(ctx, a.Key)
	if err != nil {
		t.Fatal(err)
	}
	if evs := related(del); len(evs) != 1 {
		t.Errorf("deleting a record that stated a relation: %+v, want a related event", evs)
	}
	feed, _, err := l.Changes(ctx, access.Everything, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range feed {
		if e.Kind == record.EventRelated {
			n++
		}
	}
	if n != 4 {
		t.Errorf("the change feed holds %d related events, want 4", n)
	}
}

// TestNetworkRefresh: a served network brought up to date from the change
// log equals the network read whole, after every batch of random upserts,
// deletes and merges; and reads noted in the access log, which move the
// audit head, build nothing.
func TestNetworkRefresh(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	l, err := live.Open(ctx, st, live.Options{Model: bridgeModel(), NetworkRecheck: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	names := []string{"ann", "bo", "cy", "di", "ed", "flo"}
	randomRecord := func() record.Record {
		id := fmt.Sprint(r.IntN(30))
		rec := withAccount(sourced("pub", id, names[r.IntN(len(names))], fmt.Sprint(100+r.IntN(8))), fmt.Sprint("ACC", r.IntN(12)))
		if r.IntN(3) == 0 {
			rec.Relations = []record.Relation{{Type: "paid", To: record.Key{Source: "pub", ID: fmt.Sprint(r.IntN(30))},
				Attributes: map[string]string{"date": fmt.Sprintf("2024-0%d-01", 1+r.IntN(9))}}}
		}
		return rec
	}
	canonical := func(g *relate.Graph) string {
		n, err := g.All(0, relate.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(n)
		return string(b)
	}
	// upToDate waits for the served network to reach the store's head and
	// returns it with the network read whole.
	upToDate := func() (served, whole *relate.Graph) {
		t.Helper()
		for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(2 * time.Millisecond) {
			g, seq, err := l.NetworkOf(ctx, access.Everything)
			if err != nil {
				t.Fatal(err)
			}
			full, head, err := live.ReadNetwork(ctx, st, access.Everything, relate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if seq == head {
				return g, full
			}
		}
		t.Fatal("the served network never reached the store's head")
		return nil, nil
	}
	for round := range 12 {
		for range 1 + r.IntN(6) {
			switch op := r.IntN(10); {
			case op < 7:
				if _, err := l.Upsert(ctx, randomRecord()); err != nil {
					t.Fatal(err)
				}
			case op < 9:
				if _, err := l.Delete(ctx, record.Key{Source: "pub", ID: fmt.Sprint(r.IntN(30))}); err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Fatal(err)
				}
			default:
				ents, err := l.Entities(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var ids []record.EntityID
				for _, e := range ents {
					if !slices.Contains(ids, e) {
						ids = append(ids, e)
					}
				}
				slices.Sort(ids)
				if len(ids) >= 2 {
					a, b := ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]
					if a != b {
						if _, err := l.Merge(ctx, a, b, "rev", "test"); err != nil && !errors.Is(err, live.ErrBadDecision) {
							t.Fatal(err)
						}
					}
				}
			}
		}
		served, whole := upToDate()
		if got, want := canonical(served), canonical(whole); got != want {
			t.Fatalf("round %d: the refreshed network differs from the one read whole:\n%s\n%s", round, got, want)
		}
	}
	// Reads noted in the access log move the head; the network stays.
	before, _ := upToDate()
	if err := l.RecordAccess(ctx, []audit.Entry{{Actor: "reader", Action: "read", Detail: "entity"}}); err != nil {
		t.Fatal(err)
	}
	after, _ := upToDate()
	if after != before {
		t.Error("a read noted in the access log built the network again")
	}
}
