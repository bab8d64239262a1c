package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/explain"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/postgres"
	"github.com/concord-er/concord/store/postgres/pgtest"
)

func sourced(src, id, name, phone string) record.Record {
	r := textRecord(id, name, phone)
	r.Key.Source = src
	return r
}

// Every read goes through the reader's view: records of a source it is
// not cleared for are not found and leave no trace in any answer —
// links, reviews, lineage, explanations, the change feed, screening — and
// masked features show no values.
func TestViews(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	// pub/a and sec/b share a name, sec/b and sec/c a phone: one entity.
	for _, r := range []record.Record{sourced("pub", "a", "ann", "111"), sourced("sec", "b", "ann", "999222"), sourced("sec", "c", "cyrus", "999222"), sourced("sec", "d", "dora", "555")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	policy, err := access.NewPolicy([]string{"restricted", "secret"}, map[string]access.Source{
		"pub": {}, "sec": {Label: "restricted", Sensitive: []string{"phone"}}})
	if err != nil {
		t.Fatal(err)
	}
	outsider := policy.View(access.Principal{ID: "o", Roles: []access.Role{access.RoleViewer}}, "")
	cleared := policy.View(access.Principal{ID: "c", Roles: []access.Role{access.RoleViewer}, Clearance: "restricted"}, "case 1")
	a, b := record.Key{Source: "pub", ID: "a"}, record.Key{Source: "sec", ID: "b"}
	whole, err := l.Record(ctx, a, access.Everything)
	if err != nil || len(whole.Links) != 1 {
		t.Fatalf("record a as the operator sees it: %+v, %v", whole, err)
	}
	entity := whole.Entity
	dora, err := l.Record(ctx, record.Key{Source: "sec", ID: "d"}, access.Everything)
	if err != nil {
		t.Fatal(err)
	}

	// What the outsider gets, each answer checked for any trace of sec.
	var answers []any
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want not found", what, err)
		}
	}
	_, err = l.Record(ctx, b, outsider)
	notFound("record sec/b", err)
	_, err = l.ExplainPair(ctx, a, b, outsider)
	notFound("explain pub/a sec/b", err)
	_, err = l.Entity(ctx, dora.Entity, outsider)
	notFound("an entity of sec records only", err)
	_, err = l.How(ctx, dora.Entity, outsider)
	notFound("how of an entity of sec records only", err)
	ra, err := l.Record(ctx, a, outsider)
	if err != nil || len(ra.Links) != 0 {
		t.Errorf("record pub/a: %d links (to sec), %v", len(ra.Links), err)
	}
	ev, err := l.Entity(ctx, entity, outsider)
	if err != nil || len(ev.Records) != 1 {
		t.Fatalf("entity as the outsider sees it: %+v, %v", ev, err)
	}
	how, err := l.How(ctx, entity, outsider)
	if err != nil || len(how.Records) != 1 || len(how.Steps) != 0 {
		t.Errorf("how as the outsider sees it: %+v, %v", how, err)
	}
	reviews, err := l.Reviews(ctx, outsider)
	changes, next, err2 := l.Changes(ctx, outsider, 0, 0)
	decisions, err3 := l.Decisions(ctx, outsider)
	if err := errors.Join(err, err2, err3); err != nil {
		t.Fatal(err)
	}
	for _, e := range changes {
		if e.Record.Source != "pub" {
			t.Errorf("change feed shows an event caused by %s", e.Record)
		}
	}
	// The feed resumes past the events the outsider may not see.
	all, last, _ := l.Changes(ctx, access.Everything, 0, 0)
	if next != last || next != all[len(all)-1].Seq || len(changes) >= len(all) {
		t.Errorf("the outsider's feed resumes after %d, the whole feed ends at %d", next, last)
	}
	// A page of one visible event stops at it, not past the hidden ones.
	if one, at, err := l.Changes(ctx, outsider, 0, 1); err != nil || len(one) != 1 || at != one[0].Seq {
		t.Errorf("a page of one: %v, resume after %d, %v", one, at, err)
	}
	matches, err := l.Match(ctx, sourced("query", "q", "ann", "999222"), outsider, 10)
	if err != nil || len(matches) != 1 || matches[0].Record != a {
		t.Errorf("screening as the outsider: %+v, %v", matches, err)
	}
	answers = append(answers, ra, ev, how, reviews, changes, decisions, matches)
	for _, ans := range answers {
		data, _ := json.Marshal(ans)
		for _, secret := range []string{`"sec"`, "cyrus", "dora", "sec/"} {
			if strings.Contains(string(data), secret) {
				t.Errorf("an answer to the outsider holds %s: %s", secret, data)
			}
		}
	}

	// The cleared reader sees sec, its phone masked (not the highest
	// clearance); the operator sees it all.
	rb, err := l.Record(ctx, b, cleared)
	if err != nil {
		t.Fatal(err)
	}
	if f := rb.Record.Feature("phone"); f == nil || f.Raw[0] != access.Mask || f.Values != nil {
		t.Errorf("cleared reader sees the phone: %+v", f)
	}
	w, err := l.ExplainPair(ctx, a, b, cleared)
	if err != nil {
		t.Fatal(err)
	}
	full, err := l.ExplainPair(ctx, a, b, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if w.Weight != full.Weight {
		t.Errorf("masking changed the score: %v vs %v", w.Weight, full.Weight)
	}
	for _, bar := range w.Bars {
		if bar.Name == "phone" && (bar.B != access.Mask || bar.A != "111") {
			t.Errorf("phone bar as the cleared reader sees it: %+v", bar)
		}
	}
	if data, _ := json.Marshal(w); strings.Contains(string(data), "999222") {
		t.Errorf("a masked value in the explanation: %s", data)
	}
	if ev, err := l.Entity(ctx, entity, cleared); err != nil || len(ev.Records) != 3 {
		t.Errorf("entity as the cleared reader sees it: %d records, %v", len(ev.Records), err)
	}
}

// Changes made through a principal are the principal's in the audit log;
// reads are recorded with RecordAccess.
func TestActorAndAccessLog(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	changed := l.Changed()
	if _, err := l.Upsert(live.WithActor(ctx, "svc-ingest"), textRecord("a", "ann", "1")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	default:
		t.Error("Changed was not signalled by a commit")
	}
	if err := l.RecordAccess(ctx, []audit.Entry{{Actor: "principal:alice", Action: "read", Detail: "GET /v1/entities/{id} purpose=case 1"}}); err != nil {
		t.Fatal(err)
	}
	log, head, err := l.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := len(log)
	if log[n-2].Actor != "principal:svc-ingest" || log[n-2].Action != "upsert" || log[n-1].Actor != "principal:alice" || log[n-1].Action != "read" {
		t.Errorf("audit log ends %+v, %+v", log[n-2], log[n-1])
	}
	if err := audit.Verify(log, &head); err != nil {
		t.Error(err)
	}
}

// The pairs in review among records, as a view sees them: none with a
// record of a source it hides, each once.
func TestReviewsAmong(t *testing.T) {
	ctx := context.Background()
	m := bridgeModel()
	m.Thresholds.Match = 0.9 // a name or a phone alone: review
	l := openLive(t, openStore(t), m)
	for _, r := range []record.Record{sourced("pub", "a", "ann", "111"), sourced("pub", "b", "ann", "222"), sourced("sec", "c", "cyrus", "111")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	policy, err := access.NewPolicy([]string{"restricted"}, map[string]access.Source{"pub": {}, "sec": {Label: "restricted"}})
	if err != nil {
		t.Fatal(err)
	}
	outsider := policy.View(access.Principal{ID: "o", Roles: []access.Role{access.RoleViewer}}, "")
	keys := []record.Key{{Source: "pub", ID: "a"}, {Source: "pub", ID: "b"}, {Source: "sec", ID: "c"}}
	all, err := l.ReviewsAmong(ctx, keys, access.Everything)
	if err != nil || len(all) != 2 {
		t.Fatalf("reviews among a, b, c: %+v, %v; want a–b (name) and a–c (phone)", all, err)
	}
	seen, err := l.ReviewsAmong(ctx, keys, outsider)
	if err != nil || len(seen) != 1 || seen[0].A.Source != "pub" || seen[0].B.Source != "pub" {
		t.Errorf("reviews among them for the outsider: %+v, %v; want a–b alone", seen, err)
	}
	if two, _ := l.ReviewsAmong(ctx, keys[1:], access.Everything); len(two) != 0 {
		t.Errorf("reviews among b and c: %+v, want none", two)
	}
}

// A payment party with no town of its own is compared by the town its
// address line ends with, after a reload as before; its explanation says
// where the town was read from, and a reader who may not see the address
// sees the town masked with it.
func TestDerivedTownView(t *testing.T) {
	ctx := context.Background()
	exact := func(feature string, kind record.Kind) model.Comparison {
		return model.Comparison{Name: feature, Feature: feature, Kind: kind, Levels: []model.Level{
			{LevelSpec: compare.LevelSpec{Label: "exact", Method: compare.MethodExact}, M: 0.9, U: 0.001},
			{LevelSpec: compare.LevelSpec{Label: "else", Method: compare.MethodElse}, M: 0.1, U: 0.999},
		}}
	}
	m := &model.Model{Version: model.Version, Prior: 0.01, Thresholds: model.Thresholds{Match: 0.95, Review: 0.5},
		Blocking:    [][]string{{"name"}},
		Comparisons: []model.Comparison{exact("name", record.KindText), exact("city", record.KindCity)}}
	feature := func(name string, kind record.Kind, raw string) record.Feature {
		v, err := normalize.Value(kind, raw, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return record.Feature{Name: name, Kind: kind, Raw: []string{raw}, Values: []record.Value{v}}
	}
	kyc := record.Record{Key: record.Key{Source: "kyc", ID: "k"}, Features: []record.Feature{
		feature("name", record.KindText, "Ann Lee"), feature("city", record.KindCity, "Springfield")}}
	here := record.Record{Key: record.Key{Source: "pay", ID: "p"}, Features: []record.Feature{
		feature("name", record.KindText, "ANN LEE"), feature("address", record.KindAddress, "1 MAIN ST, SPRINGFIELD")}}
	there := record.Record{Key: record.Key{Source: "pay", ID: "q"}, Features: []record.Feature{
		feature("name", record.KindText, "ANN LEE"), feature("address", record.KindAddress, "2 ELM ST, SHELBYVILLE")}}
	st := openStore(t)
	l := openLive(t, st, m)
	var last live.Change
	for _, r := range []record.Record{kyc, here, there} {
		var err error
		if last, err = l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// The memory copy compares as the scorer does: a name alone, the towns
	// read from address lines disagreeing as if missing, goes to review
	// (3.2 bits) with both others; counted as disagreeing it would not.
	if last.Reviews != 2 || last.Links != 0 {
		t.Errorf("upserting pay/q: %d links, %d reviews; want 0 and 2", last.Links, last.Reviews)
	}
	cityBar := func(l *live.Live, b record.Key, v access.View) explain.Bar {
		t.Helper()
		w, err := l.ExplainPair(ctx, kyc.Key, b, v)
		if err != nil {
			t.Fatal(err)
		}
		for _, bar := range w.Bars {
			if bar.Name == "city" {
				return bar
			}
		}
		t.Fatalf("no city bar explaining %s: %+v", b, w.Bars)
		return explain.Bar{}
	}
	for _, l := range []*live.Live{l, openLive(t, st, m)} { // and read again from the store
		if bar := cityBar(l, here.Key, access.Everything); bar.LevelIndex != 1 || bar.A != "springfield" || bar.B != "springfield" || bar.BFrom != "address" || bar.AFrom != "" {
			t.Errorf("the town read from the address line: %+v, want exact, springfield, from address", bar)
		}
		if bar := cityBar(l, there.Key, access.Everything); bar.LevelIndex != 0 {
			t.Errorf("a town read from the address line that disagrees: %+v, want it as missing (level 0)", bar)
		}
	}
	policy, err := access.NewPolicy([]string{"restricted"}, map[string]access.Source{"kyc": {}, "pay": {Sensitive: []string{"address"}}})
	if err != nil {
		t.Fatal(err)
	}
	viewer := policy.View(access.Principal{ID: "v", Roles: []access.Role{access.RoleViewer}}, "")
	if !viewer.Masked("pay", "address") {
		t.Fatal("the viewer sees pay's address: the test needs it masked")
	}
	if bar := cityBar(l, here.Key, viewer); bar.B != access.Mask || bar.A != "springfield" {
		t.Errorf("as a reader who may not see pay's address: %+v, want its town masked, the other's shown", bar)
	}
}

// The audit log as a view shows it: the digests of records of sources it
// does not hold, and the ids of entities it holds no record of, are left
// out of the entries that name them, which say they were redacted; a
// view of every source sees the log as it is, a deleted record's entries
// included. A problem the verification finds with a record of a hidden
// source is told without its digest.
func TestAuditView(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		st := openStore(t)
		testAuditView(t, st, openLive(t, st, bridgeModel()))
	})
	// Shared mode keeps no memory copy: the digests' sources are read
	// from the store.
	t.Run("shared", func(t *testing.T) {
		db, err := postgres.Open(context.Background(), pgtest.Schema(t), postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		l, err := live.Open(context.Background(), db, live.Options{Model: bridgeModel(), Shared: true})
		if err != nil {
			t.Fatal(err)
		}
		testAuditView(t, db, l)
	})
}

func testAuditView(t *testing.T, st store.Store, l *live.Live) {
	ctx := context.Background()
	policy, err := access.NewPolicy([]string{"restricted"}, map[string]access.Source{"pub": {}, "sec": {Label: "restricted"}})
	if err != nil {
		t.Fatal(err)
	}
	outsider := policy.View(access.Principal{ID: "o", Roles: []access.Role{access.RoleAdmin}}, "")
	cleared := policy.View(access.Principal{ID: "c", Roles: []access.Role{access.RoleAdmin}, Clearance: "restricted"}, "case 1")
	upsert := func(recs ...record.Record) {
		t.Helper()
		for _, r := range recs {
			if _, err := l.Upsert(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	// pub/a and sec/b share a name (one entity); sec/d is alone.
	upsert(sourced("pub", "a", "ann", "111"), sourced("sec", "b", "ann", "999222"), sourced("sec", "d", "dora", "555"))
	if _, err := l.AuditPage(ctx, outsider, 0, 0); err != nil { // the digests' sources read
		t.Fatal(err)
	}
	upsert(sourced("sec", "c", "cyrus", "777"))
	if _, err := l.Delete(ctx, record.Key{Source: "sec", ID: "c"}); err != nil {
		t.Fatal(err)
	}
	salt := func() []byte {
		tx, err := st.Begin(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		s, err := tx.Meta(ctx, "audit_salt")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()
	digest := func(src, id string) string { return audit.KeyDigest(salt, record.Key{Source: src, ID: id}) }
	a, b, c, d := digest("pub", "a"), digest("sec", "b"), digest("sec", "c"), digest("sec", "d")
	dora, err := l.Record(ctx, record.Key{Source: "sec", ID: "d"}, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := l.AuditPage(ctx, access.Everything, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := func(entries []live.AuditEntry) (records, entities map[string]int, redacted int) {
		records, entities = map[string]int{}, map[string]int{}
		for _, e := range entries {
			for _, r := range e.Records {
				records[r]++
			}
			for _, id := range e.Entities {
				entities[id]++
			}
			if e.Redacted {
				redacted++
				if e.Evidence != "" || e.Content != "" {
					t.Errorf("entry %d is redacted but shows the digests of its evidence or content", e.Seq)
				}
			}
		}
		return records, entities, redacted
	}
	records, entities, redacted := names(whole)
	if redacted != 0 || records[a] == 0 || records[b] == 0 || records[c] != 2 || entities[string(dora.Entity)] == 0 {
		t.Fatalf("the whole log: records %v, entities %v, %d redacted", records, entities, redacted)
	}
	seen, err := l.AuditPage(ctx, cleared, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(seen, whole, func(x, y live.AuditEntry) bool {
		return x.Hash == y.Hash && !x.Redacted && slices.Equal(x.Records, y.Records)
	}) {
		t.Errorf("a view of every source sees the log otherwise: %+v", seen)
	}
	seen, err = l.AuditPage(ctx, outsider, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	records, entities, redacted = names(seen)
	if len(seen) != len(whole) || records[a] == 0 || records[b]+records[c]+records[d] != 0 || entities[string(dora.Entity)] != 0 || redacted == 0 {
		t.Errorf("the outsider's log: %d entries of %d, records %v, entities %v, %d redacted", len(seen), len(whole), records, entities, redacted)
	}
	for _, e := range seen {
		if len(e.Records) == 1 && e.Records[0] == a && e.Action == "upsert" && e.Redacted {
			t.Errorf("pub/a's own upsert is redacted: %+v", e)
		}
	}
	data, err := json.Marshal(seen)
	if err != nil || !strings.Contains(string(data), `"redacted":true`) {
		t.Errorf("the outsider's log as JSON: %.300s, %v", data, err)
	}

	// A record written around the log: a problem for every reader, its
	// digest shown only to who holds its source.
	tx, err := st.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.PutRecord(ctx, store.Record{Key: record.Key{Source: "sec", ID: "x"}, Data: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	x := digest("sec", "x")
	for _, tc := range []struct {
		v     access.View
		shown bool
	}{{access.Everything, true}, {cleared, true}, {outsider, false}} {
		ver, err := l.VerifyAs(ctx, tc.v)
		if err != nil || ver.OK() || len(ver.State) != 1 || strings.Contains(ver.State[0].Detail, x) != tc.shown {
			t.Errorf("verification, digest shown %v: %+v, %v", tc.shown, ver, err)
		}
	}
}

// An entity read gives each record as it was upserted, whether its stored
// form is read with strings shared (record.DecodeShared) or, holding an
// escape (&, <, a quote, a backslash, a control character), by the JSON
// decoder.
func TestEntityReadsRecordsAsStored(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	upserted := map[record.Key]record.Record{}
	for i, name := range []string{"ann plain", "Smith & Sons <Ltd>", `ann "the" o\neil`, "ann\ttab", "Åsa Ñúñez"} {
		r := textRecord(strings.Repeat("r", i+1), name, "")
		r.Line = i + 2
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
		upserted[r.Key] = r
	}
	for k, want := range upserted {
		got, err := l.Record(ctx, k, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		e, err := l.Entity(ctx, got.Entity, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(e.Records, func(s live.StoredRecord) bool { return s.Record.Key == k })
		if i < 0 {
			t.Fatalf("entity %s lacks %v", got.Entity, k)
		}
		for _, read := range []record.Record{got.Record, e.Records[i].Record} {
			a, _ := json.Marshal(read)
			b, _ := json.Marshal(want)
			if string(a) != string(b) {
				t.Errorf("%v read back as\n%s\nwant\n%s", k, a, b)
			}
		}
	}
}
