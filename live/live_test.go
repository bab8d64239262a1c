package live_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/eval"
	"github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/sqlite"
)

func openStore(t testing.TB) store.Store {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "concord.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openLive(t *testing.T, st store.Store, m *model.Model) *live.Live {
	t.Helper()
	l, err := live.Open(context.Background(), st, live.Options{Model: m})
	if err != nil {
		t.Fatal(err)
	}
	stores[l] = st
	return l
}

// agreement returns the pairwise F1 of partition b against partition a.
func agreement[E ~string](a map[record.Key]E, b map[record.Key]record.EntityID) eval.Metrics {
	ta, tb := eval.NewAssignments(), eval.NewAssignments()
	for k, e := range a {
		ta.Add(k.Source, k.ID, string(e))
	}
	for k, e := range b {
		tb.Add(k.Source, k.ID, string(e))
	}
	return eval.Evaluate(ta, tb)
}

// Upserting the records of a batch run, in any order, gives the batch
// partition.
func TestLiveOrderIndependent(t *testing.T) {
	cfg, _ := fixture.Synth(t, 400)
	checkOrderIndependent(t, fixture.Resolve(t, cfg, engine.ResolveOptions{}))
}

func TestLiveOrderIndependentFebrl3(t *testing.T) {
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "data", "febrl", "dataset3.csv")); err != nil {
		t.Skip("Febrl data not found in ../shared/data/febrl: skipped")
	}
	cfg, err := config.Load(filepath.Join("..", "examples", "febrl", "febrl3.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	checkOrderIndependent(t, fixture.Resolve(t, cfg, engine.ResolveOptions{}))
}

// The heterogeneous set, whose links clustering holds back (ambiguous
// namesakes, relatives an entity would join), whose companies' legal
// forms weigh and whose names meet in other spellings, streams to the
// batch partition too.
func TestLiveOrderIndependentHetero(t *testing.T) {
	checkOrderIndependent(t, fixture.Resolve(t, fixture.Hetero(t, 1000), engine.ResolveOptions{}))
}

func checkOrderIndependent(t *testing.T, res *engine.Resolution) {
	batch := batchEntities(res)
	for seed := range uint64(3) {
		t.Run("order", func(t *testing.T) {
			l := openLive(t, openStore(t), res.Model)
			order := rand.New(rand.NewPCG(seed, 7)).Perm(len(res.Records))
			for _, i := range order {
				if _, err := l.Upsert(context.Background(), res.Records[i]); err != nil {
					t.Fatal(err)
				}
			}
			got, err := l.Entities(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(batch) {
				t.Fatalf("%d records stored, want %d", len(got), len(batch))
			}
			m := agreement(batch, got)
			t.Logf("seed %d: pairwise F1 against batch %.4f (P %.4f R %.4f)", seed, m.PairwiseF1, m.PairwisePrecision, m.PairwiseRecall)
			if m.PairwiseF1 < 0.99 {
				t.Errorf("pairwise F1 against batch = %.4f, want ≥ 0.99", m.PairwiseF1)
			}
		})
	}
}

// bridgeModel links two records that agree on name or on phone, and no
// others: one agreement and one disagreement weigh -6.63 + 9.81 - 0.99 =
// 2.19 bits, p = 0.82; two disagreements -8.6 bits.
func bridgeModel() *model.Model {
	exact := func(feature string, kind record.Kind) model.Comparison {
		return model.Comparison{Name: feature, Feature: feature, Kind: kind, Levels: []model.Level{
			{LevelSpec: compare.LevelSpec{Label: "exact", Method: compare.MethodExact}, M: 0.9, U: 0.001},
			{LevelSpec: compare.LevelSpec{Label: "else", Method: compare.MethodElse}, M: 0.5, U: 0.99},
		}}
	}
	return &model.Model{Version: model.Version, Prior: 0.01,
		Thresholds:  model.Thresholds{Match: 0.8, Review: 0.5},
		Blocking:    [][]string{{"name"}, {"phone"}},
		Comparisons: []model.Comparison{exact("name", record.KindText), exact("phone", record.KindText)}}
}

func textRecord(id, name, phone string) record.Record {
	r := record.Record{Key: record.Key{Source: "s", ID: id}}
	for _, f := range [][2]string{{"name", name}, {"phone", phone}} {
		feat := record.Feature{Name: f[0], Kind: record.KindText, Raw: []string{f[1]}}
		if f[1] != "" {
			v, err := normalize.Value(record.KindText, f[1], normalize.Options{})
			if err != nil {
				panic(err)
			}
			feat.Values = []record.Value{v}
		}
		r.Features = append(r.Features, feat)
	}
	return r
}

func kinds(ch live.Change) []record.EventKind {
	var out []record.EventKind
	for _, e := range ch.Events {
		out = append(out, e.Kind)
	}
	return out
}

func TestLiveMergeSplitLineage(t *testing.T) {
	testMergeSplitLineage(t, openLive(t, openStore(t), bridgeModel()))
}

func testMergeSplitLineage(t *testing.T, l *live.Live) {
	ctx := context.Background()
	upsert := func(r record.Record) live.Change {
		t.Helper()
		ch, err := l.Upsert(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	a := upsert(textRecord("a", "ana", "111"))
	b := upsert(textRecord("b", "bea", "222"))
	if !slices.Equal(kinds(a), []record.EventKind{record.EventCreated}) || !slices.Equal(kinds(b), []record.EventKind{record.EventCreated}) || a.Entity == b.Entity {
		t.Fatalf("two unrelated records: %+v %+v", a, b)
	}
	// The events a change returns are those stored: numbered and timed, by
	// the model.
	if e := a.Events[0]; e.Seq <= 0 || e.Time.IsZero() || e.Actor != "model" {
		t.Errorf("event of a change: %+v, want a sequence number, a time and the model as actor", e)
	}
	// c agrees with a on name and with b on phone: it bridges them.
	c := upsert(textRecord("c", "ana", "222"))
	if c.Links != 2 || !slices.Equal(kinds(c), []record.EventKind{record.EventMerged}) {
		t.Fatalf("bridge: links %d, events %+v", c.Links, c.Events)
	}
	survivor, absorbed := c.Entity, c.Events[0].Others
	if (survivor != a.Entity && survivor != b.Entity) || len(absorbed) != 1 || absorbed[0] == survivor {
		t.Fatalf("merge kept %s and absorbed %v; want one of %s, %s each", survivor, absorbed, a.Entity, b.Entity)
	}
	// An update of c that removes the evidence for b splits b off again.
	c2 := upsert(textRecord("c", "ana", "999"))
	if c2.Entity != survivor || c2.Previous != survivor || !slices.Equal(kinds(c2), []record.EventKind{record.EventSplit}) {
		t.Fatalf("update removing the bridge: %+v", c2)
	}
	if c2.Events[0].Entity != survivor || len(c2.Events[0].Others) != 1 || c2.Events[0].Others[0] == survivor {
		t.Fatalf("split event %+v", c2.Events[0])
	}
	rb, err := l.Record(ctx, record.Key{Source: "s", ID: "b"}, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if rb.Entity != c2.Events[0].Others[0] {
		t.Fatalf("b is in %s, the split event names %s", rb.Entity, c2.Events[0].Others[0])
	}
	ra, _ := l.Record(ctx, record.Key{Source: "s", ID: "a"}, access.Everything)
	if ra.Entity != survivor {
		t.Fatalf("a moved to %s; the larger part (a, c) keeps %s", ra.Entity, survivor)
	}
	// Deleting c leaves a, alone, with the id.
	d, err := l.Delete(ctx, record.Key{Source: "s", ID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	ra, _ = l.Record(ctx, record.Key{Source: "s", ID: "a"}, access.Everything)
	if ra.Entity != survivor || len(d.Events) != 0 || d.Entity != "" {
		t.Fatalf("delete of c: %+v, a in %s", d, ra.Entity)
	}
	// Deleting a removes the entity; its lineage stays readable.
	d, err = l.Delete(ctx, record.Key{Source: "s", ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kinds(d), []record.EventKind{record.EventRemoved}) || d.Events[0].Entity != survivor {
		t.Fatalf("delete of the last record: %+v", d)
	}
	v, err := l.Entity(ctx, survivor, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	var lineage []record.EventKind
	for _, e := range v.Lineage {
		lineage = append(lineage, e.Kind)
	}
	if len(v.Records) != 0 || !slices.Equal(lineage, []record.EventKind{record.EventCreated, record.EventMerged, record.EventSplit, record.EventRemoved}) {
		t.Fatalf("lineage of %s: %v, %d records", survivor, lineage, len(v.Records))
	}
	if _, err := l.Delete(ctx, record.Key{Source: "s", ID: "a"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting a deleted record: %v, want ErrNotFound", err)
	}
	if _, err := l.Entity(ctx, "Enever", access.Everything); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown entity: %v, want ErrNotFound", err)
	}
	// A record re-added after its entity was removed gets a fresh id.
	again := upsert(textRecord("a", "ana", "111"))
	if again.Entity == survivor && survivor == a.Entity {
		t.Fatalf("re-added record reused the removed id %s", survivor)
	}
}

// An update rewrites only what changed: a link whose weight changes is
// stored with its new weight, a link the update no longer makes is
// deleted, and the record keeps its entity's id; Check compares every
// link, with its weight, in memory and in the store.
func TestLiveUpdateLinks(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	for _, r := range []record.Record{textRecord("a", "ana", "111"), textRecord("b", "ana", "222"), textRecord("c", "cy", "222")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	weightAB := func() float64 { // as stored
		t.Helper()
		r, err := l.Record(ctx, record.Key{Source: "s", ID: "a"}, access.Everything)
		if err != nil || len(r.Links) != 1 {
			t.Fatalf("a: %+v, %v; want one link", r.Links, err)
		}
		return r.Links[0].Weight
	}
	before := weightAB()
	for i, step := range []struct {
		rec            record.Record
		linksA, linksB int
	}{
		{textRecord("b", "ana", "111"), 1, 1}, // a–b stronger (name and phone), b–c gone
		{textRecord("b", "ana", "111"), 1, 1}, // the same again: nothing to rewrite
		{textRecord("b", "bea", "222"), 0, 1}, // a–b gone, b–c back
	} {
		prev, err := l.Record(ctx, step.rec.Key, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		ch, err := l.Upsert(ctx, step.rec)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Check(ctx); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		for k, want := range map[string]int{"a": step.linksA, "b": step.linksB} {
			r, err := l.Record(ctx, record.Key{Source: "s", ID: k}, access.Everything)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Links) != want {
				t.Errorf("step %d: %s has links %+v, want %d", i, k, r.Links, want)
			}
		}
		if i == 0 {
			if w := weightAB(); w <= before {
				t.Errorf("a–b weight %.2f after the update, %.2f before: want it stronger", w, before)
			}
			if ch.Entity != prev.Entity || ch.Previous != prev.Entity {
				t.Errorf("update in place: entity %s, previous %s, want %s kept", ch.Entity, ch.Previous, prev.Entity)
			}
		}
	}
}

// A restart resumes from the store: no model given, same entities.
func TestLiveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "concord.db")
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := openLive(t, db, bridgeModel())
	first, _ := l.Upsert(ctx, textRecord("a", "ana", "111"))
	db.Close()
	if _, err := live.Open(ctx, openStore(t), live.Options{}); !errors.Is(err, live.ErrNoModel) {
		t.Fatalf("Open of an empty store without a model: %v, want ErrNoModel", err)
	}
	db, err = sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err = live.Open(ctx, db, live.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := l.Upsert(ctx, textRecord("b", "ana", "333"))
	if err != nil {
		t.Fatal(err)
	}
	if ch.Entity != first.Entity || ch.Links != 1 {
		t.Fatalf("after reopen the new record went to %s (links %d), want %s", ch.Entity, ch.Links, first.Entity)
	}
	other := bridgeModel()
	other.Prior = 0.02
	if _, err := live.Open(ctx, db, live.Options{Model: other}); err == nil {
		t.Fatal("Open with a different model than the stored one succeeded")
	}
}

// typoModel compares a name and a phone (exact or else) and a date of
// birth (exact, one edit, else): a name and a date one edit apart link;
// two dates two edits apart conflict.
func typoModel() *model.Model {
	name := model.FromSpec(compare.Spec{Name: "name", Feature: "name", Kind: record.KindText, Levels: []compare.LevelSpec{
		{Label: "exact", Method: compare.MethodExact}, {Label: "else", Method: compare.MethodElse}}})
	name.Levels[0].M, name.Levels[0].U = 0.9, 0.001
	name.Levels[1].M, name.Levels[1].U = 0.1, 0.999
	dob := model.FromSpec(compare.Spec{Name: "dob", Feature: "dob", Kind: record.KindDate, Exclusive: true, Levels: []compare.LevelSpec{
		{Label: "exact", Method: compare.MethodExact}, {Label: "one edit", Method: compare.MethodDateEdit}, {Label: "else", Method: compare.MethodElse}}})
	dob.Levels[0].M, dob.Levels[0].U = 0.7, 0.0001
	dob.Levels[1].M, dob.Levels[1].U = 0.2, 0.002
	dob.Levels[2].M, dob.Levels[2].U = 0.1, 0.9979
	phone := model.FromSpec(compare.Spec{Name: "phone", Feature: "phone", Kind: record.KindText, Levels: []compare.LevelSpec{
		{Label: "exact", Method: compare.MethodExact}, {Label: "else", Method: compare.MethodElse}}})
	phone.Levels[0].M, phone.Levels[0].U = 0.8, 0.001
	phone.Levels[1].M, phone.Levels[1].U = 0.2, 0.999
	return &model.Model{Version: model.Version, Normalizer: normalize.Version, Prior: 0.001,
		Thresholds: model.Thresholds{Match: 0.9, Review: 0.6}, Blocking: [][]string{{"name"}},
		Comparisons: []model.Comparison{name, dob, phone}}
}

func personRecord(t *testing.T, id, name, phone, dob string) record.Record {
	t.Helper()
	r := textRecord(id, name, phone)
	v, err := normalize.Value(record.KindDate, dob, normalize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.Features = append(r.Features, record.Feature{Name: "dob", Kind: record.KindDate, Raw: []string{dob}, Values: []record.Value{v}})
	return r
}

// TestLiveTyposOfOneDate: two records of one person, each a typo of the
// date the person's other records agree on and two edits and a
// generation from each other, join that entity in every order of
// arrival, as in batch; a father and his son of one name and phone, each
// with records that agree on their own date, stay two.
func TestLiveTyposOfOneDate(t *testing.T) {
	// w4 shares the phone w5 does not give: it links the stronger, so
	// that w1 to w3 do not link to w4 and w5 alike (ambiguous, held).
	recs := []record.Record{
		personRecord(t, "w1", "william macconnachie", "111", "1848-03-10"),
		personRecord(t, "w2", "william macconnachie", "111", "1848-03-10"),
		personRecord(t, "w3", "william macconnachie", "111", "1848-03-10"),
		personRecord(t, "w4", "william macconnachie", "111", "1818-03-10"),
		personRecord(t, "w5", "william macconnachie", "", "1848-08-10"),
		personRecord(t, "p1", "john smith", "222", "1950-06-18"),
		personRecord(t, "p2", "john smith", "222", "1950-06-18"),
		personRecord(t, "j1", "john smith", "222", "1975-02-11"),
		personRecord(t, "j2", "john smith", "222", "1975-02-11"),
	}
	for seed := range uint64(4) {
		l := openLive(t, openStore(t), typoModel())
		for _, i := range rand.New(rand.NewPCG(seed, 3)).Perm(len(recs)) {
			if _, err := l.Upsert(context.Background(), recs[i]); err != nil {
				t.Fatal(err)
			}
		}
		got, err := l.Entities(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		e := func(id string) record.EntityID { return got[record.Key{Source: "s", ID: id}] }
		for _, id := range []string{"w2", "w3", "w4", "w5"} {
			if e(id) != e("w1") {
				t.Errorf("order %d: %s is apart from w1", seed, id)
			}
		}
		if e("p1") != e("p2") || e("j1") != e("j2") || e("p1") == e("j1") {
			t.Errorf("order %d: father %s %s, son %s %s: want two entities", seed, e("p1"), e("p2"), e("j1"), e("j2"))
		}
		// How the entity formed says which conflict was excused.
		how, err := l.How(context.Background(), e("w1"), access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		var excused [][2]record.Key
		for _, st := range how.Steps {
			excused = append(excused, st.Excused...)
		}
		w4, w5 := record.Key{Source: "s", ID: "w4"}, record.Key{Source: "s", ID: "w5"}
		if len(excused) != 1 || excused[0] != [2]record.Key{w4, w5} && excused[0] != [2]record.Key{w5, w4} || !strings.Contains(how.Text(), "excused") {
			t.Errorf("order %d: excused %v, want w4 and w5 once, and the text to say so:\n%s", seed, excused, how.Text())
		}
	}
}

// TestLiveWhyNotExcuses: why-not lists a conflict between two entities'
// records only when joining them would not excuse it as two typos of the
// value most of their records hold, and says why it would not.
func TestLiveWhyNotExcuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		recs []record.Record
		a, b string // a record of each entity
		want string // in the conflict's detail; "" for no conflict listed
	}{
		{"father and son, two records each", []record.Record{
			personRecord(t, "p1", "john smith", "222", "1950-06-18"), personRecord(t, "p2", "john smith", "222", "1950-06-18"),
			personRecord(t, "j1", "john smith", "222", "1975-02-11"), personRecord(t, "j2", "john smith", "222", "1975-02-11"),
		}, "p1", "j1", "no value of dob is held by more of their records than any other"},
		{"a son far from his father's date", []record.Record{
			personRecord(t, "p1", "john smith", "222", "1950-06-18"), personRecord(t, "p2", "john smith", "222", "1950-06-18"),
			personRecord(t, "p3", "john smith", "222", "1950-06-18"), personRecord(t, "j1", "john smith", "222", "1975-02-11"),
		}, "p1", "j1", "s/j1 agrees, even nearly, with none of the 3 records that hold the value of dob"},
		// w5 is a typo of the date w1 to w3 hold, as w4 is: their conflict
		// is excused; w5's name keeps it apart.
		{"two typos of one date", []record.Record{
			personRecord(t, "w1", "william macconnachie", "111", "1848-03-10"), personRecord(t, "w2", "william macconnachie", "111", "1848-03-10"),
			personRecord(t, "w3", "william macconnachie", "111", "1848-03-10"), personRecord(t, "w4", "william macconnachie", "111", "1818-03-10"),
			personRecord(t, "w5", "w macconnachie", "", "1848-08-10"),
		}, "w1", "w5", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			l := openLive(t, openStore(t), typoModel())
			for _, r := range tt.recs {
				if _, err := l.Upsert(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			got, err := l.Entities(ctx)
			if err != nil {
				t.Fatal(err)
			}
			a, b := got[record.Key{Source: "s", ID: tt.a}], got[record.Key{Source: "s", ID: tt.b}]
			if a == b {
				t.Fatalf("%s and %s are one entity", tt.a, tt.b)
			}
			w, err := l.WhyNot(ctx, a, b, access.Everything)
			if err != nil {
				t.Fatal(err)
			}
			var conflicts []string
			for _, s := range w.Separations {
				if s.Kind == "conflict" {
					conflicts = append(conflicts, s.Detail)
				}
			}
			switch {
			case tt.want == "" && len(conflicts) > 0:
				t.Errorf("conflicts listed that joining would excuse: %q", conflicts)
			case tt.want != "" && (len(conflicts) == 0 || !strings.Contains(conflicts[0], tt.want)):
				t.Errorf("conflicts %q, want the first to say %q\n%s", conflicts, tt.want, w.Text())
			}
		})
	}
}

// TestLiveWarnsOfStaleModel: a store whose model was trained on values
// another version of the normalisers read, or by a build that made
// blocking keys otherwise (its records keep that build's keys), is warned
// of at Open, in the log and in Warnings; one of this build's is not.
func TestLiveWarnsOfStaleModel(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		normalizer, keys int
		warn             string // in the warning and the log; "": none
	}{
		{0, block.KeysVersion, "normalis"},
		{normalize.Version + 1, block.KeysVersion, "normalis"},
		{normalize.Version, 0, "blocking keys"},
		{normalize.Version, block.KeysVersion - 1, "blocking keys"},
		{normalize.Version, block.KeysVersion, ""},
	} {
		m := bridgeModel()
		m.Normalizer, m.BlockKeys = tt.normalizer, tt.keys
		var logged bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))
		l, err := live.Open(ctx, openStore(t), live.Options{Model: m, Options: engine.Options{Logger: log}})
		if err != nil {
			t.Fatal(err)
		}
		got, want := l.Warnings(), 0
		if tt.warn != "" {
			want = 1
		}
		if len(got) != want || want == 1 && (!strings.Contains(got[0], tt.warn) || !strings.Contains(got[0], "resolve again and import")) {
			t.Errorf("versions %d, %d: warnings %q, want one of %q", tt.normalizer, tt.keys, got, tt.warn)
		}
		if tt.warn != "" && !strings.Contains(logged.String(), tt.warn) || tt.warn == "" && logged.Len() > 0 {
			t.Errorf("versions %d, %d: logged %q, want %q", tt.normalizer, tt.keys, logged.String(), tt.warn)
		}
	}
}

// A batch run imported into the store keeps its partition, with keyed
// entity ids, and leaves the store's log empty (folded into the database
// file, not left for a server to fold in); deleting and re-upserting
// records afterwards gives the batch partition back.
func TestLiveImport(t *testing.T) {
	ctx := context.Background()
	cfg, _ := fixture.Synth(t, 300)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	path := filepath.Join(t.TempDir(), "concord.db")
	db, err := sqlite.Open(path, sqlite.Options{CheckpointEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := openLive(t, db, res.Model)
	if err := l.Import(ctx, res); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() != 0 {
		t.Errorf("after the import the log is not empty: %v, %v", st.Size(), err)
	}
	got, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The partition is batch's; each entity is renamed with the store's
	// keyed id of its smallest record, which differs from batch's.
	batchOf := map[record.Key]record.EntityID{}
	smallest := map[record.EntityID]record.Key{}
	for i, r := range res.Records {
		batchOf[r.Key] = res.Entities[i]
		if s, ok := smallest[got[r.Key]]; !ok || r.Key.Less(s) {
			smallest[got[r.Key]] = r.Key
		}
	}
	if m := agreement(batchOf, got); m.PairwiseF1 != 1 {
		t.Fatalf("imported partition against batch: F1 %.4f", m.PairwiseF1)
	}
	for id, k := range smallest {
		if id == record.NewEntityID(k, 0) || !strings.HasPrefix(string(id), "E") || len(id) != 17 {
			t.Fatalf("entity %s of %s is not a keyed id", id, k)
		}
	}
	if err := l.Import(ctx, res); err == nil {
		t.Fatal("a second import into a full store succeeded")
	}
	order := rand.New(rand.NewPCG(1, 2)).Perm(len(res.Records))[:60]
	for _, i := range order {
		if _, err := l.Delete(ctx, res.Records[i].Key); err != nil {
			t.Fatal(err)
		}
	}
	for _, i := range order {
		if _, err := l.Upsert(ctx, res.Records[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Check(ctx); err != nil {
		t.Fatal(err)
	}
	got, err = l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	batch := batchEntities(res)
	if m := agreement(batch, got); m.PairwiseF1 < 0.999 {
		t.Fatalf("after deleting and re-upserting 60 records, pairwise F1 against batch = %.4f", m.PairwiseF1)
	}
}

// A group of changes in one transaction ends as the same changes one by
// one; a group that fails leaves the store and the memory copy as they
// were.
func TestLiveApplyGroup(t *testing.T) {
	ctx := context.Background()
	cfg, _ := fixture.Synth(t, 200)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	one := openLive(t, openStore(t), res.Model)
	group := openLive(t, openStore(t), res.Model)
	var ops []live.Op
	for _, r := range res.Records {
		if _, err := one.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
		ops = append(ops, live.Op{Record: r})
	}
	for lo := 0; lo < len(ops); lo += 40 {
		chs, err := group.Apply(ctx, ops[lo:min(lo+40, len(ops))])
		if err != nil {
			t.Fatal(err)
		}
		if len(chs) != min(40, len(ops)-lo) {
			t.Fatalf("%d changes for %d ops", len(chs), min(40, len(ops)-lo))
		}
	}
	a, _ := one.Entities(ctx)
	b, _ := group.Entities(ctx)
	if len(a) != len(b) {
		t.Fatalf("%d records one by one, %d in groups", len(a), len(b))
	}
	// Each store names entities with its own secret: the partitions,
	// not the ids, are compared.
	if m := agreement(a, b); m.PairwiseF1 != 1 {
		t.Fatalf("groups against one by one: pairwise F1 %.4f", m.PairwiseF1)
	}
	// A group whose last op fails commits nothing.
	before, _ := group.Entities(ctx)
	bad := []live.Op{{Record: res.Records[0], Delete: true}, {Record: record.Record{Key: record.Key{Source: "x", ID: "missing"}}, Delete: true}}
	if _, err := group.Apply(ctx, bad); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("group with a missing delete: %v, want ErrNotFound", err)
	}
	if has, err := group.Stored(ctx, []record.Key{res.Records[0].Key}); err != nil || !has[res.Records[0].Key] {
		t.Fatal("the failed group's first delete stayed in memory")
	}
	after, _ := group.Entities(ctx)
	if len(after) != len(before) {
		t.Fatalf("failed group changed the store: %d records, was %d", len(after), len(before))
	}
	if err := group.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// An upsert scores its candidates before its turn comes (prescore.go);
// a candidate changed by a change that commits first is scored again at
// the turn, not linked with the weight its old values had: the links are
// those of the same changes made one after another.
func TestScoredAheadOfTurn(t *testing.T) {
	ctx := context.Background()
	first := []record.Record{textRecord("a", "ann", "111"), textRecord("b", "bea", "222")}
	// b's name changes first; c, scored while that waits, shares b's old
	// name and its phone.
	then := []record.Record{textRecord("b", "bob", "222"), textRecord("c", "bea", "222")}
	links := func(l *live.Live) []record.Link {
		t.Helper()
		r, err := l.Record(ctx, record.Key{Source: "s", ID: "c"}, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Check(ctx); err != nil {
			t.Fatal(err)
		}
		return r.Links
	}
	one := openLive(t, openStore(t), bridgeModel())
	for _, r := range slices.Concat(first, then) {
		if _, err := one.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	want := links(one)
	if len(want) != 1 {
		t.Fatalf("one by one, c links %+v, want b alone", want)
	}

	l := openLive(t, openStore(t), bridgeModel())
	for _, r := range first {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	release := l.HoldTurn()
	done := make(chan error, len(then))
	for i, r := range then {
		go func() {
			_, err := l.Upsert(ctx, r)
			done <- err
		}()
		for l.Waiting() <= i {
			time.Sleep(time.Millisecond)
		}
	}
	release()
	for range then {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got := links(l); !slices.Equal(got, want) {
		t.Errorf("c links %+v, want %+v as one by one: b's name changed before c's turn", got, want)
	}
}

// A change around more linked records than MaxComponent says so.
func TestLiveTruncatedComponent(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	l, err := live.Open(ctx, st, live.Options{Model: bridgeModel(), MaxComponent: 3})
	if err != nil {
		t.Fatal(err)
	}
	var last live.Change
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		if last, err = l.Upsert(ctx, textRecord(id, "ana", "p"+id)); err != nil {
			t.Fatal(err)
		}
	}
	if !last.Truncated {
		t.Fatalf("five linked records with MaxComponent 3: change %+v not marked truncated", last)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// Two processes on one store: each sees the other's changes before making
// its own.
func TestLiveTwoWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "concord.db")
	open := func() *live.Live {
		db, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		l, err := live.Open(ctx, db, live.Options{Model: bridgeModel()})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	one, two := open(), open()
	a, err := one.Upsert(ctx, textRecord("a", "ana", "111"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := two.Upsert(ctx, textRecord("b", "ana", "222"))
	if err != nil {
		t.Fatal(err)
	}
	if b.Entity != a.Entity || b.Links != 1 {
		t.Fatalf("the second writer did not see the first's record: %+v, want entity %s", b, a.Entity)
	}
	if _, err := one.Delete(ctx, key("b")); err != nil {
		t.Fatalf("the first writer cannot delete the second's record: %v", err)
	}
	for _, l := range []*live.Live{one, two} {
		if err := l.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// A change waiting for the store's writers' lock (held here by another
// writer, as by a second process or the checkpointer emptying the log)
// does not hold up screening, which reads the memory copy; and it goes on
// once the lock is free.
func TestWaitingWriterDoesNotBlockMatch(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	l := openLive(t, st, bridgeModel())
	if _, err := l.Upsert(ctx, textRecord("a", "ann", "111")); err != nil {
		t.Fatal(err)
	}
	held, err := st.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	upserted := make(chan error, 1)
	go func() {
		_, err := l.Upsert(ctx, textRecord("b", "ann", "222"))
		upserted <- err
	}()
	time.Sleep(50 * time.Millisecond) // the upsert waits for the lock
	matched := make(chan error, 1)
	go func() {
		got, err := l.Match(ctx, textRecord("q", "ann", "111"), access.Everything, 10)
		if err == nil && (len(got) != 1 || got[0].Record.ID != "a") {
			err = fmt.Errorf("matched %+v, want record a", got)
		}
		matched <- err
	}()
	waited := false
	select {
	case err := <-matched:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		waited = true
		t.Error("screening waited for a change that waits for the store's writers' lock")
	}
	select {
	case err := <-upserted:
		t.Fatalf("the upsert ran while another writer held the store: %v", err)
	default:
	}
	held.Rollback()
	if err := <-upserted; err != nil {
		t.Fatal(err)
	}
	if waited {
		<-matched
	}
}

// Links that clustering holds back go to the review queue in real time as
// in batch: upserting a batch run's records, shuffled, leaves about the
// same held pairs in review (each side may hold a few the other does not:
// a greedy order over the whole set against one per component).
func TestLiveHeldLinksAsBatch(t *testing.T) {
	res := fixture.Resolve(t, fixture.Hetero(t, 1500), engine.ResolveOptions{})
	held := func(reason string) bool {
		return strings.HasPrefix(reason, "ambiguous:") || strings.HasPrefix(reason, "matches, but joining") || strings.HasPrefix(reason, "matches, but not as one entity")
	}
	batch := map[record.Pair]bool{}
	for _, r := range res.Review {
		if held(r.Reason) {
			batch[record.NewPair(r.A, r.B)] = true
		}
	}
	l := openLive(t, openStore(t), res.Model)
	for _, i := range rand.New(rand.NewPCG(1, 7)).Perm(len(res.Records)) {
		if _, err := l.Upsert(context.Background(), res.Records[i]); err != nil {
			t.Fatal(err)
		}
	}
	queue, err := l.Reviews(context.Background(), access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	both, live := 0, 0
	for _, r := range queue {
		if held(r.Reason) {
			live++
			if batch[record.NewPair(r.A, r.B)] {
				both++
			}
		}
	}
	t.Logf("held links in review: batch %d, real time %d, both %d", len(batch), live, both)
	if len(batch) < 10 || float64(both) < 0.9*float64(len(batch)) || float64(both) < 0.9*float64(live) {
		t.Errorf("held links in review: batch %d, real time %d, both %d; want nine in ten of each in both", len(batch), live, both)
	}
}

// A party named alike in more records than a block holds (a payee in
// every payment of an account) is read as copies, as in batch: each new
// copy, and a record that links to them, joins the one entity, and
// screening finds it; before, every copy past the cap stayed alone.
func TestLiveCopiesOverTheCap(t *testing.T) {
	ctx := context.Background()
	l, err := live.Open(ctx, openStore(t), live.Options{Model: bridgeModel(), MaxBlock: 10})
	if err != nil {
		t.Fatal(err)
	}
	const copies = 30
	for i := range copies {
		ch, err := l.Upsert(ctx, textRecord(fmt.Sprint("c", i), "acme", "p1"))
		if err != nil {
			t.Fatal(err)
		}
		if ch.CappedKeys != 0 {
			t.Fatalf("copy %d: %d keys left out as too common", i, ch.CappedKeys)
		}
	}
	// Another record of the party, with another phone: it links to the
	// copies by name, through the first of them.
	if _, err := l.Upsert(ctx, textRecord("other", "acme", "p2")); err != nil {
		t.Fatal(err)
	}
	ents, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := ents[record.Key{Source: "s", ID: "c0"}]
	for k, e := range ents {
		if e != want {
			t.Errorf("%s in %s, c0 in %s", k, e, want)
		}
	}
	got, err := l.Match(ctx, textRecord("q", "acme", "p1"), access.Everything, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Entity != want {
		t.Errorf("screening found %+v, want %s first", got, want)
	}
	// The first copies, which the others link to, leave: deleted, updated
	// alike, updated to other values. The rest stay one entity.
	if _, err := l.Delete(ctx, record.Key{Source: "s", ID: "c0"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []record.Record{textRecord("c1", "acme", "p1"), textRecord("c2", "acme", "p9"), textRecord("c3", "acme", "p1")} {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Delete(ctx, record.Key{Source: "s", ID: "c1"}); err != nil {
		t.Fatal(err)
	}
	if ents, err = l.Entities(ctx); err != nil {
		t.Fatal(err)
	}
	want = ents[record.Key{Source: "s", ID: "c4"}]
	if len(ents) != copies-1 { // and "other", less c0 and c1
		t.Fatalf("%d records stored, want %d", len(ents), copies-1)
	}
	for k, e := range ents {
		if e != want {
			t.Errorf("after the first copies left: %s in %s, c4 in %s", k, e, want)
		}
	}
	if err := l.Check(ctx); err != nil {
		t.Fatal(err)
	}
	// Copies of more distinct records than the cap are still left out.
	for i := range 12 {
		if _, err := l.Upsert(ctx, textRecord(fmt.Sprint("d", i), "acme", fmt.Sprint("q", i))); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := l.Upsert(ctx, textRecord("last", "acme", "p1"))
	if err != nil {
		t.Fatal(err)
	}
	if ch.CappedKeys != 1 {
		t.Errorf("a name held by more distinct records than the cap: %d keys left out, want 1", ch.CappedKeys)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// Upserting a batch run's records, copies over the cap among them, in any
// order gives the batch partition: both read the copies' blocks alike.
func TestLiveCopiesAsBatch(t *testing.T) {
	cfg, original, copyKeys := fixture.HeteroCopies(t, 200, 80)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{MaxBlock: 40})
	batch := batchEntities(res)
	ctx := context.Background()
	l, err := live.Open(ctx, openStore(t), live.Options{Model: res.Model, MaxBlock: 40})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range rand.New(rand.NewPCG(1, 7)).Perm(len(res.Records)) {
		if _, err := l.Upsert(ctx, res.Records[i]); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range copyKeys {
		if got[k] != got[original] {
			t.Fatalf("%s in %s, the payment it copies in %s", k, got[k], got[original])
		}
	}
	// Apart from the copies, whose pairs would outweigh all others.
	for _, k := range copyKeys {
		delete(batch, k)
		delete(got, k)
	}
	if m := agreement(batch, got); m.PairwiseF1 < 0.99 {
		t.Errorf("pairwise F1 against batch = %.4f (P %.4f R %.4f), want ≥ 0.99", m.PairwiseF1, m.PairwisePrecision, m.PairwiseRecall)
	}
}

// batchRun returns the entity of each record of a batch run (res) of cfg,
// and cfg's records as read, to upsert one by one.
func batchRun(t *testing.T, cfg *config.Config, res *engine.Resolution) (map[record.Key]record.EntityID, []record.Record) {
	t.Helper()
	batch := batchEntities(res)
	var recs []record.Record
	if _, err := engine.Load(context.Background(), cfg, func(r record.Record) error { recs = append(recs, r); return nil },
		func(engine.Reject) error { return nil }, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	return batch, recs
}

// TestLivePlaceholders upserts, one by one, the records of a set whose KYC
// rows write "SEE FILE" for a missing national id, into a store whose
// model (trained on that set) found it a placeholder: each is stored
// without it, and the entities are the batch run's.
func TestLivePlaceholders(t *testing.T) {
	cfg, _ := fixture.HeteroFilled(t, 500, "SEE FILE")
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	if len(res.Model.Placeholders) != 1 {
		t.Fatalf("model placeholders %+v, want SEE FILE's", res.Model.Placeholders)
	}
	batch, recs := batchRun(t, cfg, res) // recs as read, the placeholder in them
	ctx := context.Background()
	l, err := live.Open(ctx, openStore(t), live.Options{Model: res.Model})
	if err != nil {
		t.Fatal(err)
	}
	filled := 0
	for _, r := range recs {
		if ft := r.Feature("id_number"); ft != nil && len(ft.Values) == 1 && ft.Values[0].Norm == "SEEFILE" {
			filled++
		}
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if filled == 0 {
		t.Fatal("no record read with the placeholder")
	}
	for _, r := range recs {
		got, err := l.Record(ctx, r.Key, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		if ft := got.Record.Feature("id_number"); ft != nil && slices.ContainsFunc(ft.Values, func(v record.Value) bool { return v.Norm == "SEEFILE" }) {
			t.Fatalf("%s stored with the placeholder", r.Key)
		}
	}
	got, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m := agreement(batch, got); m.PairwiseF1 < 0.99 {
		t.Errorf("pairwise F1 against batch = %.4f (P %.4f R %.4f), want ≥ 0.99", m.PairwiseF1, m.PairwisePrecision, m.PairwiseRecall)
	}
	// Screened, a query of a record's values scores as the same query
	// without its placeholder, whichever source it names: of records
	// whose entity has a record with a real id.
	withID := map[record.EntityID]bool{}
	for i, r := range res.Records {
		if ft := r.Feature("id_number"); ft != nil && len(ft.Values) > 0 {
			withID[res.Entities[i]] = true
		}
	}
	screened := 0
	for _, r := range recs {
		if ft := r.Feature("id_number"); ft == nil || len(ft.Values) != 1 || ft.Values[0].Norm != "SEEFILE" || !withID[batch[r.Key]] {
			continue
		}
		for _, source := range []string{"", "kyc"} {
			with := record.Record{Key: record.Key{Source: source, ID: "query"}, Kind: r.Kind, Features: slices.Clone(r.Features)}
			without := record.Record{Key: with.Key, Kind: r.Kind}
			for _, ft := range r.Features {
				if ft.Name != "id_number" {
					without.Features = append(without.Features, ft)
				}
			}
			a, err := l.Match(ctx, with, access.Everything, 5)
			if err != nil {
				t.Fatal(err)
			}
			b, err := l.Match(ctx, without, access.Everything, 5)
			if err != nil {
				t.Fatal(err)
			}
			same := len(a) == len(b)
			for i := 0; same && i < len(a); i++ {
				same = a[i].Record == b[i].Record && a[i].Weight == b[i].Weight
			}
			if !same {
				t.Fatalf("screening %s (source %q): %d candidates; without the placeholder %d, or other weights", r.Key, source, len(a), len(b))
			}
		}
		if screened++; screened == 20 {
			break
		}
	}
	if screened == 0 {
		t.Fatal("no record with the placeholder whose entity has a real id")
	}
}

// TestLiveMixedIdentifiers: in real time, with a model that reads the
// disagreements of the KYC file's and the list's id_number as missing
// (model.Mixed), the KYC and listed records of one person join one entity
// as in batch: clustering's check of the entity a link makes reads them so
// too.
func TestLiveMixedIdentifiers(t *testing.T) {
	cfg, _ := fixture.HeteroPassportsOnly(t, 1000)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	if len(res.Model.Mixed) != 1 {
		t.Fatalf("mixed identifiers %+v, want the KYC file's and the list's", res.Model.Mixed)
	}
	batch, recs := batchRun(t, cfg, res)
	ctx := context.Background()
	l, err := live.Open(ctx, openStore(t), live.Options{Model: res.Model})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if _, err := l.Upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// KYC and listed records together, in batch and in real time.
	if b, r := pairsTogether(batch, "kyc", "sanctions"), pairsTogether(got, "kyc", "sanctions"); 20*r < 19*b {
		t.Errorf("%d pairs of KYC and listed records together in real time, %d in batch", r, b)
	}
	if m := agreement(batch, got); m.PairwiseF1 < 0.99 {
		t.Errorf("pairwise F1 against batch = %.4f (P %.4f R %.4f), want ≥ 0.99", m.PairwiseF1, m.PairwisePrecision, m.PairwiseRecall)
	}
}

// Companies of a register named in wires link in real time as in batch,
// where two organisations' names weigh by the frequency of organisations'
// names (model.Comparison.TFOrgOnce), whichever comes first.
func TestLiveOrgNames(t *testing.T) {
	cfgPath, _, err := synth.WriteUK(t.TempDir(), synth.UKOptions{Seed: 5, People: 800})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	if !slices.ContainsFunc(res.Model.Comparisons, func(c model.Comparison) bool { return c.TFOrgOnce > 0 }) {
		t.Fatal("the model has no frequency of organisations' names")
	}
	batch := batchEntities(res)
	for _, order := range []string{"wires first", "register first"} {
		l := openLive(t, openStore(t), res.Model)
		recs := slices.Clone(res.Records)
		slices.SortStableFunc(recs, func(a, b record.Record) int {
			wa, wb := strings.HasPrefix(a.Key.Source, "wires"), strings.HasPrefix(b.Key.Source, "wires")
			if wa == wb {
				return 0
			}
			if wa == (order == "wires first") {
				return -1
			}
			return 1
		})
		for _, r := range recs {
			if _, err := l.Upsert(context.Background(), r); err != nil {
				t.Fatal(err)
			}
		}
		got, err := l.Entities(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b, live := pairsTogether(batch, "companies", "wires.beneficiary"), pairsTogether(got, "companies", "wires.beneficiary")
		t.Logf("%s: register–wire pairs linked: batch %d, real time %d", order, b, live)
		if b < 500 || float64(live) < 0.95*float64(b) {
			t.Errorf("%s: register–wire pairs linked: batch %d, real time %d; want at least 500, and 95%% of batch's in real time", order, b, live)
		}
	}
}

// pairsTogether counts the pairs of a record of source a and one of source
// b that entities put in one entity.
func pairsTogether[E comparable](entities map[record.Key]E, a, b string) int {
	n := map[E][2]int{}
	for k, e := range entities {
		c := n[e]
		switch k.Source {
		case a:
			c[0]++
		case b:
			c[1]++
		}
		n[e] = c
	}
	total := 0
	for _, c := range n {
		total += c[0] * c[1]
	}
	return total
}

// batchEntities returns the entity a batch run put each record in.
func batchEntities(res *engine.Resolution) map[record.Key]record.EntityID {
	batch := make(map[record.Key]record.EntityID, len(res.Records))
	for i, r := range res.Records {
		batch[r.Key] = res.Entities[i]
	}
	return batch
}
