package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/explain"
	"github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/sqlite"
)

func key(id string) record.Key { return record.Key{Source: "s", ID: id} }

func entityOf(t *testing.T, l *live.Live, id string) record.EntityID {
	t.Helper()
	r, err := l.Record(context.Background(), key(id), access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	return r.Entity
}

// A reviewer's "different" keeps two records apart against their own link
// and against later upserts that would join them; "same" joins records
// the model keeps apart.
func TestDecisionsHoldInRealTime(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	for _, r := range []record.Record{textRecord("cust-0001", "ana", "111"), textRecord("cust-0002", "ana", "222")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if entityOf(t, l, "cust-0001") != entityOf(t, l, "cust-0002") {
		t.Fatal("records agreeing on name did not link")
	}
	ch, err := l.Decide(ctx, record.Decision{A: key("cust-0002"), B: key("cust-0001"), Verdict: record.VerdictDifferent, Reviewer: "rev", Comment: "different passports"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Events) != 1 || ch.Events[0].Kind != record.EventSplit {
		t.Fatalf("decision change %+v, want a split", ch)
	}
	apart := func(when string) {
		t.Helper()
		if entityOf(t, l, "cust-0001") == entityOf(t, l, "cust-0002") {
			t.Fatalf("%s: the records a reviewer decided are different share an entity", when)
		}
	}
	apart("after the decision")
	// A record linking to both would bridge them.
	if _, err := l.Upsert(ctx, textRecord("cust-0003", "ana", "222")); err != nil {
		t.Fatal(err)
	}
	apart("after a bridging upsert")
	if _, err := l.Upsert(ctx, textRecord("cust-0002", "ana", "111")); err != nil { // now agrees on everything
		t.Fatal(err)
	}
	apart("after an update that agrees on everything")
	// A restart keeps the decision.
	l2, err := live.Open(ctx, storeOf(t, l), live.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l2.Upsert(ctx, textRecord("cust-0004", "ana", "111")); err != nil {
		t.Fatal(err)
	}
	if entityOf(t, l2, "cust-0001") == entityOf(t, l2, "cust-0002") {
		t.Fatal("after reopening, the decided pair shares an entity")
	}
	// "same" joins records that nothing links.
	if _, err := l2.Upsert(ctx, textRecord("cust-0009", "zed", "999")); err != nil {
		t.Fatal(err)
	}
	if _, err := l2.Decide(ctx, record.Decision{A: key("cust-0009"), B: key("cust-0001"), Verdict: record.VerdictSame, Reviewer: "rev"}); err != nil {
		t.Fatal(err)
	}
	if entityOf(t, l2, "cust-0009") != entityOf(t, l2, "cust-0001") {
		t.Fatal("a must-link did not join its records")
	}
	if _, err := l2.Decide(ctx, record.Decision{A: key("cust-0009"), B: key("nope"), Verdict: record.VerdictSame, Reviewer: "rev"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("decision on a missing record: %v", err)
	}
	if _, err := l2.Decide(ctx, record.Decision{A: key("cust-0009"), B: key("cust-0001"), Verdict: "maybe", Reviewer: "rev"}); !errors.Is(err, live.ErrBadDecision) {
		t.Fatalf("bad verdict: %v", err)
	}
	// Reviewers' names and comments reach terminals and the audit log:
	// control characters and floods are refused; line breaks in a
	// comment are not.
	for _, d := range []record.Decision{
		{Reviewer: "rev\x1b[2J"}, {Reviewer: "rev\nAPPROVED"}, {Reviewer: "rev\u202e"}, {Reviewer: strings.Repeat("r", 201)},
		{Reviewer: "rev", Comment: "ok\routcome: APPROVED"}, {Reviewer: "rev", Comment: strings.Repeat("c", 10001)},
		{Reviewer: "rev", Comment: "\xff"},
	} {
		d.A, d.B, d.Verdict = key("cust-0009"), key("cust-0001"), record.VerdictDifferent
		if _, err := l2.Decide(ctx, d); !errors.Is(err, live.ErrBadDecision) {
			t.Errorf("reviewer %q, comment of %d bytes: error %v, want ErrBadDecision", d.Reviewer, len(d.Comment), err)
		}
	}
	if _, err := l2.Decide(ctx, record.Decision{A: key("cust-0009"), B: key("cust-0001"), Verdict: record.VerdictSame, Reviewer: "Ana Pérez", Comment: "same person:\n\tsame passport"}); err != nil {
		t.Errorf("a comment with a line break and a tab: %v", err)
	}
	if err := l2.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

var stores = map[*live.Live]store.Store{}

// storeOf returns the store a Live of openLiveStore was opened on.
func storeOf(t *testing.T, l *live.Live) store.Store {
	t.Helper()
	st, ok := stores[l]
	if !ok {
		t.Fatal("storeOf: Live not opened by openLive")
	}
	return st
}

func TestManualMergeSplitHowWhyNot(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	for _, r := range []record.Record{textRecord("a", "ana", "111"), textRecord("c", "ana", "222"), textRecord("z", "zed", "999")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	ea, ez := entityOf(t, l, "a"), entityOf(t, l, "z")
	// How: one step, the model's link, weighing what the waterfall says.
	how, err := l.How(ctx, ea, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := l.Record(ctx, key("a"), access.Everything)
	if len(how.Steps) != 1 || how.Steps[0].By != "model" || len(stored.Links) != 1 ||
		math.Abs(how.Steps[0].Waterfall.Weight-stored.Links[0].Weight) > 1e-9 || how.Steps[0].Joined != [2]int{1, 1} {
		t.Fatalf("how = %+v, links %+v", how, stored.Links)
	}
	// Why not: the best pair is far below the review threshold.
	why, err := l.WhyNot(ctx, ea, ez, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if why.Pairs != 2 || why.Best == nil || !strings.Contains(why.Reason, "below the review threshold") {
		t.Fatalf("why not = %+v", why)
	}
	// A manual merge joins them; How names the reviewer.
	ch, err := l.Merge(ctx, ea, ez, "rev", "same customer, new surname")
	if err != nil {
		t.Fatal(err)
	}
	if entityOf(t, l, "z") != ea || ch.Op != "merge" {
		t.Fatalf("after merge z is in %s, want %s; change %+v", entityOf(t, l, "z"), ea, ch)
	}
	how, _ = l.How(ctx, ea, access.Everything)
	if len(how.Steps) != 2 || how.Steps[0].By != "reviewer rev" || how.Steps[0].Comment != "same customer, new surname" {
		t.Fatalf("how after merge = %+v", how.Steps)
	}
	// The lineage names who made each change; the change feed does not.
	ev, err := l.Entity(ctx, ea, access.Everything)
	if last := len(ev.Lineage) - 1; err != nil || last < 0 || ev.Lineage[last].Actor != "reviewer:rev" || ev.Lineage[last].Why != "same customer, new surname" ||
		ev.Lineage[0].Actor != "model" || ev.Lineage[0].Why != "" {
		t.Fatalf("lineage actors: %+v, %v", ev.Lineage, err)
	}
	feed, _, err := l.Changes(ctx, access.Everything, 0, 0)
	if err != nil || len(feed) == 0 || slices.ContainsFunc(feed, func(e record.Event) bool { return e.Actor != "" || e.Why != "" }) {
		t.Fatalf("the change feed names actors: %+v, %v", feed, err)
	}
	// A manual split takes z out again; the larger part keeps the id.
	if _, err := l.Split(ctx, ea, []record.Key{key("z")}, "rev", "merged by mistake"); err != nil {
		t.Fatal(err)
	}
	if entityOf(t, l, "a") != ea || entityOf(t, l, "z") == ea {
		t.Fatalf("after split: a in %s, z in %s", entityOf(t, l, "a"), entityOf(t, l, "z"))
	}
	why, _ = l.WhyNot(ctx, ea, entityOf(t, l, "z"), access.Everything)
	if !strings.Contains(why.Reason, "a reviewer decided") {
		t.Fatalf("why not after split: %q", why.Reason)
	}
	if _, err := l.Split(ctx, ea, []record.Key{key("a"), key("c")}, "rev", "all of it"); !errors.Is(err, live.ErrBadDecision) {
		t.Fatalf("split of every record: %v", err)
	}
	if _, err := l.Merge(ctx, ea, ea, "rev", ""); !errors.Is(err, live.ErrBadDecision) {
		t.Fatalf("merge with itself: %v", err)
	}
}

// Every change is in the audit log, the log verifies, and a record
// deleted for privacy leaves nothing readable of it there.
func TestAuditLog(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	var seqs []int64
	for _, r := range []record.Record{textRecord("cust-0001", "Anastasia", "5550101"), textRecord("cust-0002", "Anastasia", "5550202")} {
		ch, err := l.Upsert(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, ch.Audit)
	}
	ch, err := l.Decide(ctx, record.Decision{A: key("cust-0001"), B: key("cust-0002"), Verdict: record.VerdictDifferent, Reviewer: "rev", Comment: "Anastasia's twin"})
	if err != nil {
		t.Fatal(err)
	}
	seqs = append(seqs, ch.Audit)
	if ch, err = l.Delete(ctx, key("cust-0001")); err != nil {
		t.Fatal(err)
	}
	seqs = append(seqs, ch.Audit)
	log, head, err := l.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Verify(log, &head); err != nil {
		t.Fatal(err)
	}
	// The model, two upserts, the decision, the delete.
	wantActions := []string{"model", "upsert", "upsert", "decide", "delete"}
	if len(log) != len(wantActions) {
		t.Fatalf("%d entries, want %d", len(log), len(wantActions))
	}
	for i, e := range log {
		if e.Action != wantActions[i] {
			t.Errorf("entry %d action %q, want %q", i+1, e.Action, wantActions[i])
		}
	}
	if log[3].Actor != "reviewer:rev" || log[3].Detail != "decide different" || len(log[3].Records) != 2 {
		t.Errorf("decision entry %+v", log[3])
	}
	for i, s := range seqs {
		if s != log[i+1].Seq {
			t.Errorf("change %d acknowledged audit seq %d, the log has %d", i, s, log[i+1].Seq)
		}
	}
	data, _ := json.Marshal(log)
	for _, secret := range []string{"cust-0001", "Anastasia", "anastasia", "5550101", "twin"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the audit log contains %q", secret)
		}
	}
	// Nor does the lineage of the entities it was in.
	tx, err := storeOf(t, l).Begin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, e := range log {
		for _, id := range e.Entities {
			evs, err := tx.Events(ctx, record.EntityID(id), 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if ev.Record.ID == "cust-0001" {
					t.Errorf("the lineage of %s names the deleted record: %+v", id, ev)
				}
			}
		}
	}
}

// DecideAll takes decisions in their order, each a change with its own
// audit entry, in one transaction: a mistake in any stores none of them.
func TestDecideAll(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	// a and b link on name, b and c on phone; d stands alone.
	for _, r := range []record.Record{textRecord("a", "ann", "111"), textRecord("b", "ann", "222"), textRecord("c", "cy", "222"), textRecord("d", "di", "444")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	countDecisions := func() int {
		t.Helper()
		ds, err := l.Decisions(ctx, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		return len(ds)
	}
	reloads := l.Reloads()
	for _, ds := range [][]record.Decision{
		nil,
		make([]record.Decision, live.MaxDecisions+1),
		{{A: key("c"), B: key("d"), Verdict: record.VerdictSame, Reviewer: "rev"}, {A: key("a"), B: key("nope"), Verdict: record.VerdictSame, Reviewer: "rev"}},
		{{A: key("c"), B: key("d"), Verdict: record.VerdictSame, Reviewer: "rev"}, {A: key("a"), B: key("b"), Verdict: "maybe", Reviewer: "rev"}},
		{{A: key("c"), B: key("d"), Verdict: record.VerdictSame, Reviewer: "rev"}, {A: key("a"), B: key("b"), Verdict: record.VerdictSame, Reviewer: "rev\x1b[2J"}},
	} {
		if _, err := l.DecideAll(ctx, ds); err == nil {
			t.Errorf("%d decisions, one of them a mistake: accepted", len(ds))
		}
	}
	if n := countDecisions(); n != 0 || entityOf(t, l, "c") == entityOf(t, l, "d") {
		t.Fatalf("refused batches stored %d decisions", n)
	}
	if l.Reloads() != reloads {
		t.Errorf("mistakes reloaded the store")
	}
	chs, err := l.DecideAll(ctx, []record.Decision{
		{A: key("a"), B: key("b"), Verdict: record.VerdictDifferent, Reviewer: "rev", Comment: "twins"},
		{A: key("d"), B: key("c"), Verdict: record.VerdictSame, Reviewer: "rev2"},
		{A: key("a"), B: key("c"), Verdict: record.VerdictUnsure, Reviewer: "rev"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 3 {
		t.Fatalf("%d changes for 3 decisions", len(chs))
	}
	if entityOf(t, l, "a") == entityOf(t, l, "b") || entityOf(t, l, "c") != entityOf(t, l, "d") {
		t.Error("the decisions did not hold: a and b apart, c and d together")
	}
	if chs[0].Record != key("a") || chs[1].Record != key("d") || chs[1].Entity != entityOf(t, l, "d") {
		t.Errorf("changes %+v", chs)
	}
	if n := countDecisions(); n != 3 {
		t.Errorf("%d decisions stored, want 3", n)
	}
	log, head, err := l.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Verify(log, &head); err != nil {
		t.Fatal(err)
	}
	want := []struct{ actor, detail string }{{"reviewer:rev", "decide different"}, {"reviewer:rev2", "decide same"}, {"reviewer:rev", "decide unsure"}}
	tail := log[len(log)-3:]
	for i, e := range tail {
		if e.Action != "decide" || e.Actor != want[i].actor || e.Detail != want[i].detail || e.Seq != chs[i].Audit {
			t.Errorf("entry %d: %s %s %q seq %d, want decide %s %q seq %d", i, e.Action, e.Actor, e.Detail, e.Seq, want[i].actor, want[i].detail, chs[i].Audit)
		}
	}
	// DecideMany: more than MaxDecisions in batches; a batch that fails
	// is not taken, the ones before it are, and the changes say where.
	many := make([]record.Decision, live.MaxDecisions+2)
	for i := range many {
		many[i] = record.Decision{A: key("b"), B: key("d"), Verdict: record.VerdictUnsure, Reviewer: "rev"}
	}
	many[live.MaxDecisions+1].B = key("nope")
	var told []int
	chs, err = l.DecideMany(ctx, many, func(taken int) { told = append(told, taken) })
	if !errors.Is(err, store.ErrNotFound) || len(chs) != live.MaxDecisions || !slices.Equal(told, []int{live.MaxDecisions}) {
		t.Errorf("DecideMany with a bad decision in its second batch: %d taken, progress %v, error %v", len(chs), told, err)
	}
	after, _, err := l.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(after) - len(log); n != live.MaxDecisions || chs[len(chs)-1].Audit != after[len(after)-1].Seq {
		t.Errorf("%d decisions audited, want the first batch's %d", n, live.MaxDecisions)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestMistakesReloadNothing: a client's mistake — deleting a record that is
// not there, in a batch or alone, a bad verdict, a decision on a missing
// record — is refused without reading the whole store again, and the
// store is as it was.
func TestMistakesReloadNothing(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	for _, r := range []record.Record{textRecord("a", "Ana", "1"), textRecord("b", "Bea", "2")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	before := l.Reloads()
	if _, err := l.Delete(ctx, key("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete of a missing record: %v", err)
	}
	if _, err := l.Apply(ctx, []live.Op{{Record: textRecord("c", "Cy", "3")}, {Record: record.Record{Key: key("nope")}, Delete: true}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a batch deleting a missing record: %v", err)
	}
	if _, err := l.Apply(ctx, []live.Op{{Record: textRecord("d", "Di", "4")}, {Record: record.Record{Key: key("d")}, Delete: true}}); err != nil {
		t.Errorf("a batch that upserts and then deletes a record: %v", err)
	}
	for _, d := range []record.Decision{
		{A: key("a"), B: key("b"), Verdict: "maybe", Reviewer: "rev"},
		{A: key("a"), B: key("nope"), Verdict: record.VerdictSame, Reviewer: "rev"},
		{A: key("a"), B: key("a"), Verdict: record.VerdictSame, Reviewer: "rev"},
	} {
		if _, err := l.Decide(ctx, d); err == nil {
			t.Errorf("decision %+v accepted", d)
		}
	}
	if got := l.Reloads(); got != before {
		t.Errorf("mistakes reloaded the store %d times", got-before)
	}
	if _, err := l.Record(ctx, key("c"), access.Everything); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused batch stored its upsert: %v", err)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// The review queue, the lineage and the audit log read in pages give the
// whole list, in order.
func TestPages(t *testing.T) {
	ctx := context.Background()
	// Pairs agreeing on name and phone link; on one of them (p 0.82),
	// they go to review.
	m := bridgeModel()
	m.Thresholds.Match = 0.9
	l := openLive(t, openStore(t), m)
	for i := range 8 {
		if _, err := l.Upsert(ctx, textRecord(fmt.Sprint("r", i), fmt.Sprint("n", i%3), fmt.Sprint(i%2))); err != nil {
			t.Fatal(err)
		}
	}
	all, err := l.Reviews(ctx, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	var got []record.Review
	var after *record.Review
	for pages := 0; ; pages++ {
		page, next, err := l.ReviewPage(ctx, access.Everything, live.ReviewFilter{}, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if next == nil {
			break
		}
		if len(page) != 3 || pages > len(all) {
			t.Fatalf("page %d: %d pairs with more to come", pages, len(page))
		}
		after = next
	}
	if len(all) < 4 || !slices.Equal(got, all) {
		t.Fatalf("review queue in pages of 3: %d pairs, whole %d", len(got), len(all))
	}
	log, _, err := l.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page, err := l.AuditPage(ctx, access.Everything, log[2].Seq, 2)
	if err != nil || len(page) != 2 || page[0].Seq != log[3].Seq || page[1].Seq != log[4].Seq {
		t.Fatalf("audit page after %d: %v, %v", log[2].Seq, page, err)
	}
	r, err := l.Record(ctx, key("r0"), access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Merge(ctx, r.Entity, entityOf(t, l, "r1"), "rev", "one person"); err != nil {
		t.Fatal(err)
	}
	whole, _, err := l.Lineage(ctx, r.Entity, access.Everything, 0, 0)
	if err != nil || len(whole) < 2 {
		t.Fatalf("lineage of %s: %v, %v", r.Entity, whole, err)
	}
	rest, next, err := l.Lineage(ctx, r.Entity, access.Everything, whole[0].Seq, 1)
	if err != nil || len(rest) != 1 || rest[0].Seq != whole[1].Seq || next != rest[0].Seq {
		t.Fatalf("lineage after %d: %v, %v", whole[0].Seq, rest, err)
	}
}

// The review backlog is noted with the first change of each hour and read
// back a point a day — a day's last note — counting only the pairs a view
// shows both records of.
func TestBacklog(t *testing.T) {
	ctx := context.Background()
	m := bridgeModel()
	m.Thresholds.Match = 0.9 // name or phone alone: review
	clock := time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC)
	l, err := live.Open(ctx, openStore(t), live.Options{Model: m, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	var atMidnight int
	for i := range 6 {
		if _, err := l.Upsert(ctx, textRecord(fmt.Sprint("r", i), fmt.Sprint("n", i%3), fmt.Sprint(i%2))); err != nil {
			t.Fatal(err)
		}
		if clock.Hour() == 23 {
			all, err := l.Reviews(ctx, access.Everything)
			if err != nil {
				t.Fatal(err)
			}
			atMidnight = len(all)
		}
		clock = clock.Add(time.Hour)
	}
	all, err := l.Reviews(ctx, access.Everything)
	if err != nil || len(all) <= atMidnight || atMidnight == 0 {
		t.Fatalf("%d reviews in all, %d on the first day (%v): the test needs both to grow", len(all), atMidnight, err)
	}
	days, err := l.Backlog(ctx, 7, access.Everything)
	want := []live.BacklogDay{{Day: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Pending: int64(atMidnight)},
		{Day: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Pending: int64(len(all))}}
	if err != nil || !slices.Equal(days, want) {
		t.Errorf("backlog %+v, %v, want %+v", days, err, want)
	}
	// Within the hour, no new note.
	clock = clock.Add(-30 * time.Minute)
	if _, err := l.Upsert(ctx, textRecord("late", "n0", "0")); err != nil {
		t.Fatal(err)
	}
	if again, _ := l.Backlog(ctx, 7, access.Everything); !slices.Equal(again, want) {
		t.Errorf("a change within the hour noted the backlog: %+v", again)
	}
	// A view without source s sees no pairs in review.
	hidden, err := access.NewPolicy([]string{"restricted"}, map[string]access.Source{"s": {Label: "restricted"}})
	if err != nil {
		t.Fatal(err)
	}
	days, err = l.Backlog(ctx, 7, hidden.View(access.Principal{ID: "o", Roles: []access.Role{access.RoleViewer}}, ""))
	if err != nil || len(days) != 2 || days[0].Pending != 0 || days[1].Pending != 0 {
		t.Errorf("backlog for a view without s: %+v, %v", days, err)
	}
}

// Why two entities are apart when their best pair matches: a link held
// back as ambiguous (the record links as strongly to one that cannot be
// one entity with the other), its third record named only to a reader
// who sees its source; or a pair no blocking rule brought together.
func TestWhyNotHeldAndUnlinked(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	// x fits the person p and the organisation o alike, which can never
	// be one entity: neither link is followed.
	for _, r := range []record.Record{
		kindedRecord("pay", "x", "ann lee", "111", record.EntityUnknown),
		kindedRecord("kyc", "p", "ann lee", "111", record.EntityPerson),
		kindedRecord("reg", "o", "ann lee", "111", record.EntityOrganization),
	} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	ent := func(src, id string) record.EntityID {
		s, err := l.Record(ctx, record.Key{Source: src, ID: id}, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		return s.Entity
	}
	ex, ep := ent("pay", "x"), ent("kyc", "p")
	if ex == ep || ex == ent("reg", "o") {
		t.Fatalf("the ambiguous record joined an entity: x %s, p %s", ex, ep)
	}
	why, err := l.WhyNot(ctx, ex, ep, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if why.Best == nil || why.Best.Outcome != explain.OutcomeMatch || len(why.Separations) != 1 || why.Separations[0].Kind != "review" ||
		!strings.Contains(why.Reason, "held") || !strings.Contains(why.Reason, "reg/o") {
		t.Fatalf("why not, held: %+v", why)
	}
	// The person's entity and the organisation's are apart by their
	// kinds, whatever their names score.
	why, err = l.WhyNot(ctx, ep, ent("reg", "o"), access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(why.Separations, func(s explain.Separation) bool { return s.Kind == explain.SeparationKinds }) ||
		!strings.Contains(why.Reason, "kyc/p is a person's record, reg/o an organisation's") || !strings.Contains(why.Reason, "never compared") {
		t.Fatalf("why not, a person and an organisation: %+v", why)
	}
	// A reader who does not see the registry reads the same, without o.
	pol, err := access.NewPolicy([]string{"secret"}, map[string]access.Source{"pay": {}, "kyc": {}, "reg": {Label: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	v := pol.View(access.Principal{ID: "ann", Roles: []access.Role{access.RoleViewer}}, "case 1")
	why, err = l.WhyNot(ctx, ex, ep, v)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(why.Reason, "held") || strings.Contains(why.Reason, "reg/o") || !strings.Contains(why.Reason, "another record") {
		t.Fatalf("why not, held, as a reader who does not see reg: %q", why.Reason)
	}
	// Both links held back are in the review queue, as a batch run puts
	// them, each with its reason; the reader who does not see reg sees
	// the one it may, without o's key.
	x, p, o := record.Key{Source: "pay", ID: "x"}, record.Key{Source: "kyc", ID: "p"}, record.Key{Source: "reg", ID: "o"}
	all, _, err := l.ReviewPage(ctx, access.Everything, live.ReviewFilter{}, nil, 10)
	if err != nil || len(all) != 2 || !slices.ContainsFunc(all, func(r record.Review) bool {
		return r.Reason == engine.AmbiguousReason(o, x) || r.Reason == engine.AmbiguousReason(o, p)
	}) {
		t.Fatalf("review queue after an ambiguous link: %+v, %v", all, err)
	}
	page, _, err := l.ReviewPage(ctx, v, live.ReviewFilter{}, nil, 10)
	if err != nil || len(page) != 1 || strings.Contains(page[0].Reason, "reg/o") || !strings.Contains(page[0].Reason, "another record") {
		t.Fatalf("review queue as a reader who does not see reg: %+v, %v", page, err)
	}
	stored, err := l.Record(ctx, p, v)
	if err != nil || len(stored.Reviews) != 1 || strings.Contains(stored.Reviews[0].Reason, "reg/o") {
		t.Fatalf("the record's reviews as a reader who does not see reg: %+v, %v", stored.Reviews, err)
	}
	// Without o, x fits p alone: they join, and the pair leaves the queue.
	if _, err := l.Delete(ctx, o); err != nil {
		t.Fatal(err)
	}
	if ent("pay", "x") != ent("kyc", "p") {
		t.Fatal("x did not join p once o was gone")
	}
	if all, _, err := l.ReviewPage(ctx, access.Everything, live.ReviewFilter{}, nil, 10); err != nil || len(all) != 0 {
		t.Fatalf("review queue once the ambiguity is gone: %+v, %v", all, err)
	}
	// Two records whose names match, where the model blocks on phones
	// alone, were never compared.
	m := bridgeModel()
	m.Blocking = [][]string{{"phone"}}
	l2 := openLive(t, openStore(t), m)
	for _, r := range []record.Record{textRecord("y", "bo", ""), textRecord("q", "bo", "")} {
		if _, err := l2.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	ey, eq := entityOf(t, l2, "y"), entityOf(t, l2, "q")
	if ey == eq {
		t.Fatal("records that share no blocking key joined")
	}
	why, err = l2.WhyNot(ctx, ey, eq, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if why.Best == nil || why.Best.Outcome != explain.OutcomeMatch || !why.Unlinked || !strings.Contains(why.Reason, "never linked") {
		t.Fatalf("why not, never compared: %+v", why)
	}
}

// TestUpdateDropsOutdatedReviews: an update drops the pairs for review
// that named the record's previous version, whoever put them there — its
// own upsert, another record's, another process's — also after an update
// that left none (which this process remembers, to look for none).
func TestUpdateDropsOutdatedReviews(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "concord.db")
	m := bridgeModel()
	m.Thresholds.Match = 0.9 // one agreement alone: review
	open := func() *live.Live {
		db, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return openLive(t, db, m)
	}
	a, b := open(), open()
	upsert := func(l *live.Live, id, name, phone string) {
		t.Helper()
		if _, err := l.Upsert(ctx, textRecord(id, name, phone)); err != nil {
			t.Fatal(err)
		}
	}
	pending := func(want ...record.Pair) {
		t.Helper()
		all, err := a.Reviews(ctx, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		var got []record.Pair
		for _, r := range all {
			got = append(got, record.NewPair(r.A, r.B))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pairs for review %v, want %v", got, want)
		}
	}
	upsert(a, "x", "ann", "1")
	upsert(a, "x", "ann", "2") // an update that leaves no pair for review
	pending()
	upsert(a, "z", "ann", "9") // another record's upsert puts x in review
	pending(record.NewPair(key("x"), key("z")))
	upsert(a, "x", "carl", "2")
	pending()
	upsert(a, "x", "carl", "3")
	upsert(b, "w", "carl", "8") // another process puts x in review
	pending(record.NewPair(key("w"), key("x")))
	upsert(a, "x", "dora", "3")
	pending()
	upsert(a, "x", "dora", "9") // x's own upsert puts it in review, with z
	pending(record.NewPair(key("x"), key("z")))
	upsert(a, "x", "eve", "4")
	pending()
	// A process that reads the store anew knows which records pairs for
	// review name, and which none do.
	upsert(a, "x", "eve", "9")
	upsert(a, "y", "fay", "5")
	pending(record.NewPair(key("x"), key("z")))
	c := open()
	upsert(c, "y", "fay", "6")
	upsert(c, "x", "gil", "4")
	pending()
}

// TestImportedReviewsDropped: after a batch run is imported, an update of
// a record a pair for review names drops that pair, as after any upsert.
func TestImportedReviewsDropped(t *testing.T) {
	ctx := context.Background()
	cfg, _ := fixture.Synth(t, 300)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	// A pair for review of two records of different entities, as a batch
	// run with a review band finds them (this one has none of its own).
	i := slices.IndexFunc(res.Entities, func(e record.EntityID) bool { return e != res.Entities[0] })
	res.Review = append(res.Review, engine.ReviewPair{A: res.Records[0].Key, B: res.Records[i].Key, Weight: 1, Reason: engine.ReasonBand})
	l := openLive(t, openStore(t), res.Model)
	if err := l.Import(ctx, res); err != nil {
		t.Fatal(err)
	}
	for _, k := range []record.Key{res.Review[0].A, res.Review[0].B} {
		// The record now holds nothing to compare: no pair may name it.
		if _, err := l.Upsert(ctx, record.Record{Key: k}); err != nil {
			t.Fatal(err)
		}
		if n := reviewsNaming(t, l, k); n != 0 {
			t.Fatalf("after %s was updated, %d pairs for review still name it", k, n)
		}
	}
}

// TestUpdateDropsRefusedPairs: a pair for review that clustering put for
// a link it held back (ambiguous) names records that an update must look
// at again, though the upsert that put it compared neither with the other.
func TestUpdateDropsRefusedPairs(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	x := record.Key{Source: "pay", ID: "x"}
	for _, r := range []record.Record{
		kindedRecord("pay", "x", "ann lee", "999", record.EntityUnknown),
		kindedRecord("pay", "x", "ann lee", "111", record.EntityUnknown), // an update that leaves no pair
		kindedRecord("kyc", "p", "ann lee", "111", record.EntityPerson),
		kindedRecord("reg", "o", "ann lee", "111", record.EntityOrganization), // x now fits p and o alike
	} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if n := reviewsNaming(t, l, x); n != 2 {
		t.Fatalf("%d pairs for review name x, want its two links held back", n)
	}
	if _, err := l.Upsert(ctx, kindedRecord("pay", "x", "zed", "555", record.EntityUnknown)); err != nil {
		t.Fatal(err)
	}
	if n := reviewsNaming(t, l, x); n != 0 {
		t.Fatalf("after x no longer fits p or o, %d pairs for review still name it", n)
	}
}

// reviewsNaming counts the pairs for review that name k.
func reviewsNaming(t *testing.T, l *live.Live, k record.Key) int {
	t.Helper()
	all, err := l.Reviews(context.Background(), access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range all {
		if r.A == k || r.B == k {
			n++
		}
	}
	return n
}

// kindedRecord is textRecord of source src, of the kind given.
func kindedRecord(src, id, name, phone string, kind record.EntityKind) record.Record {
	r := textRecord(id, name, phone)
	r.Key.Source, r.Kind = src, kind
	return r
}

// The review queue narrowed: by source, reason, probability, and to the
// pairs whose records are in two entities.
func TestReviewFilter(t *testing.T) {
	ctx := context.Background()
	m := bridgeModel()
	m.Thresholds.Match = 0.9 // a name or a phone alone: review (p 0.82)
	l := openLive(t, openStore(t), m)
	other := textRecord("d", "n2", "p1")
	other.Key.Source = "t"
	for _, r := range []record.Record{textRecord("a", "n1", "p1"), textRecord("b", "n1", "p2"), textRecord("c", "n1", "p3"), other} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// A reviewer puts a, b and c in one entity pair by pair: a–c stays in
	// the queue, in the review band, with both records in one entity.
	for _, p := range [][2]string{{"a", "b"}, {"b", "c"}} {
		if _, err := l.Decide(ctx, record.Decision{A: key(p[0]), B: key(p[1]), Verdict: record.VerdictSame, Reviewer: "rev"}); err != nil {
			t.Fatal(err)
		}
	}
	d := record.Key{Source: "t", ID: "d"}
	pairs := func(f live.ReviewFilter) []record.Pair {
		t.Helper()
		rs, _, err := l.ReviewPage(ctx, access.Everything, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []record.Pair
		for _, r := range rs {
			out = append(out, record.NewPair(r.A, r.B))
		}
		slices.SortFunc(out, func(x, y record.Pair) int {
			return strings.Compare(x.A.String()+x.B.String(), y.A.String()+y.B.String())
		})
		return out
	}
	ac, ad := record.NewPair(key("a"), key("c")), record.NewPair(key("a"), d)
	for _, c := range []struct {
		name string
		f    live.ReviewFilter
		want []record.Pair
	}{
		{"all", live.ReviewFilter{}, []record.Pair{ac, ad}},
		{"apart", live.ReviewFilter{Apart: true}, []record.Pair{ad}},
		{"source t", live.ReviewFilter{Source: "t"}, []record.Pair{ad}},
		{"source u", live.ReviewFilter{Source: "u"}, nil},
		{"band", live.ReviewFilter{Kind: engine.KindBand}, []record.Pair{ac, ad}},
		{"conflict", live.ReviewFilter{Kind: engine.KindConflict}, nil},
		{"at most 0.85", live.ReviewFilter{MaxProbability: 0.85}, []record.Pair{ac, ad}},
		{"at least 0.85", live.ReviewFilter{MinProbability: 0.85}, nil},
	} {
		if got := pairs(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// Filtered in pages of one, the queue reads on past the pairs left out.
	rs, next, err := l.ReviewPage(ctx, access.Everything, live.ReviewFilter{Apart: true}, nil, 1)
	if err != nil || len(rs) != 1 || record.NewPair(rs[0].A, rs[0].B) != ad {
		t.Fatalf("first page of one, apart: %+v, %v", rs, err)
	}
	if next != nil {
		if rest, _, err := l.ReviewPage(ctx, access.Everything, live.ReviewFilter{Apart: true}, next, 1); err != nil || len(rest) != 0 {
			t.Fatalf("second page of one, apart: %+v, %v", rest, err)
		}
	}
}
