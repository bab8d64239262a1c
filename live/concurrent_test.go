package live_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/postgres"
	"github.com/concord-er/concord/store/postgres/pgtest"
)

// TestLiveConcurrent: one Live used from several goroutines at once —
// writers upserting, deleting and deciding, readers reading records and
// entities, explaining pairs and entities — stays consistent, and (under
// -race, as CI runs it) shares no memory unguarded.
func TestLiveConcurrent(t *testing.T) {
	ctx := context.Background()
	l := openLive(t, openStore(t), bridgeModel())
	const n = 60
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	for w := range 2 { // writers: records sharing phones, so they link
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				id := fmt.Sprintf("w%d-%d", w, i)
				if _, err := l.Upsert(ctx, textRecord(id, fmt.Sprintf("name%d", i), fmt.Sprintf("%d", i%7))); err != nil {
					fail(err)
					return
				}
				if i%5 == 4 {
					if _, err := l.Delete(ctx, key(fmt.Sprintf("w%d-%d", w, i-1))); err != nil {
						fail(err)
						return
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // a reviewer
		defer wg.Done()
		for i := range n {
			a, b := key(fmt.Sprintf("w0-%d", i)), key(fmt.Sprintf("w1-%d", i))
			_, err := l.Decide(ctx, record.Decision{A: a, B: b, Verdict: record.VerdictDifferent, Reviewer: "rev"})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				fail(err)
				return
			}
			// Merge two entities read a moment before: the merge decides
			// from the entities as they are when it runs.
			ra, errA := l.Record(ctx, key(fmt.Sprintf("w0-%d", i/2)), access.Everything)
			rb, errB := l.Record(ctx, key(fmt.Sprintf("w1-%d", i/3)), access.Everything)
			if errA == nil && errB == nil {
				_, err := l.Merge(ctx, ra.Entity, rb.Entity, "rev", "same person")
				if err != nil && !errors.Is(err, live.ErrBadDecision) && !errors.Is(err, store.ErrNotFound) {
					fail(err)
					return
				}
			}
		}
	}()
	for range 2 { // readers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				k := key(fmt.Sprintf("w%d-%d", i%2, i))
				r, err := l.Record(ctx, k, access.Everything)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					fail(err)
					return
				}
				for _, call := range []func() error{
					func() error { _, err := l.Entity(ctx, r.Entity, access.Everything); return err },
					func() error { _, err := l.How(ctx, r.Entity, access.Everything); return err },
					func() error {
						_, err := l.ExplainPair(ctx, k, key(fmt.Sprintf("w%d-%d", 1-i%2, i)), access.Everything)
						return err
					},
					func() error { _, err := l.Reviews(ctx, access.Everything); return err },
				} {
					// Another goroutine may delete or move the record meanwhile.
					if err := call(); err != nil && !errors.Is(err, store.ErrNotFound) {
						fail(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatalf("after concurrent use: %v", err)
	}
	log, head, err := l.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Verify(log, &head); err != nil || len(log) < 2*n {
		t.Errorf("audit log of %d entries: %v", len(log), err)
	}
}

// TestLiveConcurrentBatchPartition: eight goroutines share one Live and
// mix every operation — upserts, deletes and re-upserts, reviewers'
// decisions, merges and splits, and reads — in an interleaving the
// scheduler picks. The partition they leave is the one batch Resolve
// gives for the same records and the same decisions: pairwise F1 1.0.
func TestLiveConcurrentBatchPartition(t *testing.T) {
	cfg, _ := fixture.Synth(t, 250)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	st := openStore(t)
	l := openLive(t, st, res.Model)
	testBatchPartition(t, cfg, res, st, l)
}

// Two processes on one PostgreSQL database, four goroutines each, mixing
// every operation: they write one at a time, each catching up on the
// other's changes, and leave the batch partition.
func TestTwoProcessesOnePostgres(t *testing.T) {
	cfg, _ := fixture.Synth(t, 250)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	dsn := pgtest.Schema(t)
	var lives []*live.Live
	var first store.Store
	for range 2 {
		st, err := postgres.Open(context.Background(), dsn, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if first == nil {
			first = st
		}
		lives = append(lives, openLive(t, st, res.Model))
	}
	testBatchPartition(t, cfg, res, first, lives...)
}

// testBatchPartition runs eight goroutines over the Lives given, in turn,
// and checks that the partition they leave is batch's.
func testBatchPartition(t *testing.T, cfg *config.Config, res *engine.Resolution, st store.Store, lives ...*live.Live) {
	ctx := context.Background()
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			var mine []int
			for i := w; i < len(res.Records); i += workers {
				mine = append(mine, i)
			}
			rng.Shuffle(len(mine), func(a, b int) { mine[a], mine[b] = mine[b], mine[a] })
			l := lives[w%len(lives)]
			for n, i := range mine {
				if err := mixedOp(ctx, l, res, i, n, rng); err != nil {
					errs <- fmt.Errorf("worker %d, record %s: %w", w, res.Records[i].Key, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	l := lives[0]
	if _, err := l.Stored(ctx, []record.Key{res.Records[0].Key}); err != nil { // catch up with the others' last changes
		t.Fatal(err)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatalf("after concurrent use: %v", err)
	}
	got, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	decisions, err := live.ReadDecisions(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(decisions) == 0 {
		t.Fatal("no decision survived: the test exercised nothing")
	}
	batch := fixture.Resolve(t, cfg, engine.ResolveOptions{Decisions: decisions})
	want := map[record.Key]record.EntityID{}
	for i, r := range batch.Records {
		want[r.Key] = batch.Entities[i]
	}
	if len(got) != len(want) {
		t.Fatalf("%d records stored, batch has %d", len(got), len(want))
	}
	m := agreement(want, got)
	t.Logf("%d decisions; pairwise F1 against batch %.4f (P %.4f R %.4f)", len(decisions), m.PairwiseF1, m.PairwisePrecision, m.PairwiseRecall)
	if m.PairwiseF1 != 1 {
		t.Errorf("pairwise F1 against batch = %.4f, want 1", m.PairwiseF1)
	}
}

// mixedOp upserts record i of res and, by turn n, also deletes and
// re-upserts it, decides about it, merges or splits its entity, or reads
// around it. Errors a concurrent change can cause (a record deleted or
// moved meanwhile) are not failures.
func mixedOp(ctx context.Context, l *live.Live, res *engine.Resolution, i, n int, rng *rand.Rand) error {
	rec := res.Records[i]
	if _, err := l.Upsert(ctx, rec); err != nil {
		return err
	}
	other := res.Records[rng.IntN(len(res.Records))].Key
	benign := func(err error) error {
		if err == nil || errors.Is(err, store.ErrNotFound) || errors.Is(err, live.ErrBadDecision) {
			return nil
		}
		return err
	}
	var err error
	switch n % 6 {
	case 0: // delete and add again
		if _, err = l.Delete(ctx, rec.Key); err == nil {
			_, err = l.Upsert(ctx, rec)
		}
	case 1:
		verdict := record.VerdictDifferent
		if rng.IntN(2) == 0 {
			verdict = record.VerdictSame
		}
		_, err = l.Decide(ctx, record.Decision{A: rec.Key, B: other, Verdict: verdict, Reviewer: "rev"})
	case 2:
		a, errA := l.Record(ctx, rec.Key, access.Everything)
		b, errB := l.Record(ctx, other, access.Everything)
		if err = errors.Join(errA, errB); err == nil {
			_, err = l.Merge(ctx, a.Entity, b.Entity, "rev", "same person")
		}
	case 3:
		var r live.StoredRecord
		if r, err = l.Record(ctx, rec.Key, access.Everything); err == nil {
			_, err = l.Split(ctx, r.Entity, []record.Key{rec.Key}, "rev", "not the same")
		}
	case 4:
		var r live.StoredRecord
		if r, err = l.Record(ctx, rec.Key, access.Everything); err == nil {
			if _, err = l.How(ctx, r.Entity, access.Everything); benign(err) == nil {
				_, err = l.Entity(ctx, r.Entity, access.Everything)
			}
		}
	case 5:
		if _, err = l.ExplainPair(ctx, rec.Key, other, access.Everything); benign(err) == nil {
			_, err = l.Reviews(ctx, access.Everything)
		}
	}
	return benign(err)
}

// Shared mode: four resolvers that keep no copy of the store, each with
// its own connections as separate processes would have, take eight
// goroutines of mixed changes in shuffled order on one PostgreSQL
// database, and leave the partition of one batch run.
func TestSharedResolversOnePostgres(t *testing.T) {
	cfg, _ := fixture.Synth(t, 250)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	var lives []*live.Live
	dsn := ""
	for range 4 {
		var l *live.Live
		l, dsn = openShared(t, dsn, live.Options{Model: res.Model})
		lives = append(lives, l)
	}
	first := stores[lives[0]]
	testBatchPartition(t, cfg, res, first, lives...)
	var conflicts int64
	for _, l := range lives {
		conflicts += l.Conflicts()
	}
	t.Logf("%d changes ran again after a conflict", conflicts)
	// The log chains every change, and the lineage's sequence numbers
	// follow it.
	v, err := lives[1].Verify(context.Background())
	if err != nil || !v.OK() {
		t.Errorf("verify after shared changes: %+v, %v", v, err)
	}
}

// openShared opens a resolver in shared mode, with its own connections,
// on a PostgreSQL schema (dsn "" makes one of its own).
func openShared(t *testing.T, dsn string, opt live.Options) (*live.Live, string) {
	t.Helper()
	if dsn == "" {
		dsn = pgtest.Schema(t)
	}
	st, err := postgres.Open(context.Background(), dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opt.Shared = true
	l, err := live.Open(context.Background(), st, opt)
	if err != nil {
		t.Fatal(err)
	}
	stores[l] = st
	return l, dsn
}

// Shared mode names and keeps entities as the memory-resident mode does.
func TestSharedMergeSplitLineage(t *testing.T) {
	l, _ := openShared(t, "", live.Options{Model: bridgeModel()})
	testMergeSplitLineage(t, l)
}

// A mark moved by another resolver refuses the change untouched; the
// position read again lets it through.
func TestSharedMarksAfter(t *testing.T) {
	ctx := context.Background()
	a, dsn := openShared(t, "", live.Options{Model: bridgeModel()})
	b, _ := openShared(t, dsn, live.Options{Model: bridgeModel()})
	rec := textRecord("a", "ana", "111")
	if _, err := a.ApplyMarkedAfter(ctx, []live.Op{{Record: rec}}, map[string][]byte{"p0": []byte("1")}, map[string][]byte{"p0": nil}); err != nil {
		t.Fatal(err)
	}
	// b read the position before a moved it.
	_, err := b.ApplyMarkedAfter(ctx, []live.Op{{Record: rec}}, map[string][]byte{"p0": []byte("1")}, map[string][]byte{"p0": nil})
	if !errors.Is(err, live.ErrMarkMoved) {
		t.Fatalf("a change after a moved mark: %v, want ErrMarkMoved", err)
	}
	log, _, err := live.ReadAudit(ctx, stores[b])
	if err != nil {
		t.Fatal(err)
	}
	upserts := 0
	for _, e := range log {
		if e.Action == "upsert" {
			upserts++
		}
	}
	if upserts != 1 {
		t.Errorf("%d upserts in the log, want the one applied", upserts)
	}
	if _, err := b.ApplyMarkedAfter(ctx, []live.Op{{Record: textRecord("b", "bea", "2")}}, map[string][]byte{"p0": []byte("2")}, map[string][]byte{"p0": []byte("1")}); err != nil {
		t.Errorf("a change after the mark as it is: %v", err)
	}
	if v, ok, err := a.Mark(ctx, "p0"); err != nil || !ok || string(v) != "2" {
		t.Errorf("mark p0 = %q, %v, %v; want 2", v, ok, err)
	}
	// Marks alone (a relay's): the same condition, beside other changes.
	if _, err := a.ApplyMarkedAfter(ctx, nil, map[string][]byte{"r": []byte("5")}, map[string][]byte{"r": nil}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ApplyMarkedAfter(ctx, nil, map[string][]byte{"r": []byte("3")}, map[string][]byte{"r": nil}); !errors.Is(err, live.ErrMarkMoved) {
		t.Errorf("a mark alone after it moved: %v, want ErrMarkMoved", err)
	}
	if v, _, _ := b.Mark(ctx, "r"); string(v) != "5" {
		t.Errorf("mark r = %q, want 5", v)
	}
}

// Two resolvers upsert, at the same moment, two records that must merge
// (they share a name): whichever comes second sees the first, every time.
func TestSharedRacingMerges(t *testing.T) {
	ctx := context.Background()
	a, dsn := openShared(t, "", live.Options{Model: bridgeModel()})
	b, _ := openShared(t, dsn, live.Options{Model: bridgeModel()})
	const pairs = 40
	for i := range pairs {
		x := textRecord(fmt.Sprintf("x-%d", i), fmt.Sprintf("name %d", i), fmt.Sprintf("a-%d", i))
		y := textRecord(fmt.Sprintf("y-%d", i), fmt.Sprintf("name %d", i), fmt.Sprintf("b-%d", i))
		start := make(chan struct{})
		errs := make(chan error, 2)
		for _, w := range []struct {
			l *live.Live
			r record.Record
		}{{a, x}, {b, y}} {
			go func() {
				<-start
				_, err := w.l.Upsert(ctx, w.r)
				errs <- err
			}()
		}
		close(start)
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		rx, errX := a.Record(ctx, x.Key, access.Everything)
		ry, errY := b.Record(ctx, y.Key, access.Everything)
		if err := errors.Join(errX, errY); err != nil || rx.Entity != ry.Entity {
			t.Fatalf("pair %d: entities %s and %s (%v), want one", i, rx.Entity, ry.Entity, err)
		}
	}
}

// A signed log stays signed in shared mode: each change signs the head it
// leaves, and a resolver without the key is refused.
func TestSharedSignedLog(t *testing.T) {
	ctx := context.Background()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signer, dsn := openShared(t, "", live.Options{Model: bridgeModel(), AuditKey: key})
	for _, id := range []string{"a", "b"} {
		if _, err := signer.Upsert(ctx, textRecord(id, "ana", "1")); err != nil {
			t.Fatal(err)
		}
	}
	log, head, err := live.ReadAudit(ctx, stores[signer])
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.CheckSignature(log, head, key.Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("the head after shared changes: %v", err)
	}
	unsigned, _ := openShared(t, dsn, live.Options{Model: bridgeModel()})
	if _, err := unsigned.Upsert(ctx, textRecord("c", "bea", "2")); !errors.Is(err, live.ErrUnsignedWrite) {
		t.Errorf("a change without the key: %v, want ErrUnsignedWrite", err)
	}
}

// One shared-mode process runs its changes side by side (each on a copy
// of its own): eight goroutines on one resolver leave the batch partition.
func TestSharedOneProcessConcurrent(t *testing.T) {
	cfg, _ := fixture.Synth(t, 250)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	l, _ := openShared(t, "", live.Options{Model: res.Model, SharedChanges: 8})
	testBatchPartition(t, cfg, res, stores[l], l)
	t.Logf("%d changes ran again after a conflict", l.Conflicts())
}

// countingShared counts the calls a shared-mode resolver makes that read
// around records one at a time.
type countingShared struct {
	*postgres.DB
	around, used atomic.Int64
	mu           sync.Mutex
	asked        []int // ids asked by each EntitiesUsed
}

func (c *countingShared) BeginShared(ctx context.Context) (store.SharedTx, error) {
	tx, err := c.DB.BeginShared(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{SharedTx: tx, c: c}, nil
}

type countingTx struct {
	store.SharedTx
	c *countingShared
}

func (t *countingTx) LockAround(ctx context.Context, ids []uint64, entities []record.EntityID, keys []record.Key) (store.Around, error) {
	t.c.around.Add(1)
	return t.SharedTx.LockAround(ctx, ids, entities, keys)
}

func (t *countingTx) EntitiesUsed(ctx context.Context, ids []record.EntityID) ([]record.EntityID, error) {
	t.c.mu.Lock()
	t.c.asked = append(t.c.asked, len(ids))
	t.c.mu.Unlock()
	return t.SharedTx.EntitiesUsed(ctx, ids)
}

func (t *countingTx) EntityUsed(ctx context.Context, entity record.EntityID) (bool, error) {
	t.c.used.Add(1)
	return t.SharedTx.EntityUsed(ctx, entity)
}

// A group of upserts in shared mode reads the entities around the records
// it is about to link to in one go, and knows which ids its new records
// would name their entities with, rather than asking record by record;
// and leaves the partition of batch.
func TestSharedGroupReadsOnce(t *testing.T) {
	ctx := context.Background()
	cfg, _ := fixture.Synth(t, 250)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	db, err := postgres.Open(ctx, pgtest.Schema(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := &countingShared{DB: db}
	l, err := live.Open(ctx, st, live.Options{Model: res.Model, Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Import(ctx, res); err != nil {
		t.Fatal(err)
	}
	var dels, ups []live.Op
	for i := 0; i < len(res.Records); i += 6 {
		dels = append(dels, live.Op{Record: record.Record{Key: res.Records[i].Key}, Delete: true})
		ups = append(ups, live.Op{Record: res.Records[i]})
	}
	// Each round stores the records again after a delete: a record alone
	// names its entity after the ids it had before, more each round.
	for round := range 6 {
		if _, err := l.Apply(ctx, dels); err != nil {
			t.Fatal(err)
		}
		st.around.Store(0)
		st.used.Store(0)
		st.asked = nil
		chs, err := l.Apply(ctx, ups)
		if err != nil {
			t.Fatal(err)
		}
		linked := 0
		for _, ch := range chs {
			if ch.Links > 0 {
				linked++
			}
		}
		if linked < len(ups)/4 {
			t.Fatalf("%d of %d upserts linked: the test exercises too little", linked, len(ups))
		}
		if n := st.around.Load(); n > 2 {
			t.Errorf("round %d: a group of %d upserts (%d linking) read around records %d times, want at most 2", round, len(ups), linked, n)
		}
		if n := st.used.Load(); n != 0 {
			t.Errorf("round %d: a group of %d upserts asked %d times whether an entity id was used, want 0", round, len(ups), n)
		}
		// A record stored for the m-th time has used at most m ids, its
		// first; finding the next free one asks fewer than 2m + 2 (here
		// m ≤ round + 1). The first question asks one id of each record.
		if len(st.asked) == 0 {
			t.Fatalf("round %d: no record asked which ids are used", round)
		}
		if asked, most := sum(st.asked), st.asked[0]*(2*round+3); asked > most {
			t.Errorf("round %d: %d records alone asked about %d entity ids (%v), want at most %d", round, st.asked[0], asked, st.asked, most)
		}
	}
	got, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[record.Key]record.EntityID{}
	for i, r := range res.Records {
		want[r.Key] = res.Entities[i]
	}
	if m := agreement(want, got); m.PairwiseF1 != 1 {
		t.Errorf("after the group: pairwise F1 against batch = %.4f, want 1", m.PairwiseF1)
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
