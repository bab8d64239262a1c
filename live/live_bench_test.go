package live_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// BenchmarkUpsert re-upserts records of a synthetic store of about 10,000
// records, one committed transaction each: the real-time hot path.
// concord bench --live measures the same at up to a million records.
func BenchmarkUpsert(b *testing.B) {
	ctx := context.Background()
	l, res := importedLive(b)
	order := rand.New(rand.NewPCG(1, 1)).Perm(len(res.Records))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := l.Upsert(ctx, res.Records[order[i%len(order)]]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEntity reads entities of a synthetic store of about 10,000
// records as a reader of everything: the read path of GET
// /v1/entities/{id} without HTTP (concord bench --serve measures it with).
func BenchmarkEntity(b *testing.B) {
	ctx := context.Background()
	l, _ := importedLive(b)
	byKey, err := l.Entities(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var ids []record.EntityID
	for _, e := range byKey {
		ids = append(ids, e)
	}
	slices.Sort(ids)
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := l.Entity(ctx, ids[r.IntN(len(ids))], access.Everything); err != nil {
			b.Fatal(err)
		}
	}
}

// importedLive resolves a synthetic set of about 10,000 records and
// imports it into a store of its own.
func importedLive(b *testing.B) (*live.Live, *engine.Resolution) {
	return importedLiveOn(b, openStore(b))
}

// importedLiveOn is importedLive into the store st.
func importedLiveOn(b *testing.B, st store.Store) (*live.Live, *engine.Resolution) {
	ctx := context.Background()
	cfg, _ := fixture.Synth(b, 6300)
	res, err := engine.Resolve(ctx, cfg, func(engine.Reject) error { return nil }, engine.ResolveOptions{})
	if err != nil {
		b.Fatal(err)
	}
	l, err := live.Open(ctx, st, live.Options{Model: res.Model})
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Import(ctx, res); err != nil {
		b.Fatal(err)
	}
	return l, res
}

// BenchmarkApply re-upserts records of a synthetic store of about 10,000
// records in transactions of 32, as an HTTP upload of 32 rows commits them.
// b.N counts records.
func BenchmarkApply(b *testing.B) {
	ctx := context.Background()
	l, res := importedLive(b)
	order := rand.New(rand.NewPCG(1, 1)).Perm(len(res.Records))
	const group = 32
	ops := make([]live.Op, 0, group)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ops = append(ops, live.Op{Record: res.Records[order[i%len(order)]]})
		if len(ops) == group {
			if _, err := l.Apply(ctx, ops); err != nil {
				b.Fatal(err)
			}
			ops = ops[:0]
		}
	}
}

// BenchmarkApplyConcurrent is BenchmarkApply from eight callers at once,
// as concurrent HTTP uploads make it: callers that wait for the writer
// together share a transaction (group commit). b.N counts records.
func BenchmarkApplyConcurrent(b *testing.B) {
	l, res := importedLive(b)
	applyConcurrently(b, l, res)
}

// BenchmarkApplySlowDisk is BenchmarkApplyConcurrent on a store whose
// every commit takes 5 ms longer, as a disk busy writing back makes some
// (26–70 ms now and then, at a million records under bench --serve): the
// callers score their candidates ahead meanwhile, and are ready for the
// next turn when it comes. It reports the 99th percentile of an Apply's
// latency (p99-ms).
func BenchmarkApplySlowDisk(b *testing.B) {
	l, res := importedLiveOn(b, &commitHook{Store: openStore(b), hook: func() { time.Sleep(5 * time.Millisecond) }})
	applyConcurrently(b, l, res)
}

// applyConcurrently re-upserts the records of res in l from eight callers,
// in transactions of 32, and reports the 99th percentile of an Apply's
// latency.
func applyConcurrently(b *testing.B, l *live.Live, res *engine.Resolution) {
	ctx := context.Background()
	const group = 32
	var next atomic.Int64
	var mu sync.Mutex
	var took []time.Duration
	b.ReportAllocs()
	b.SetParallelism(4) // with GOMAXPROCS 2: eight callers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ops := make([]live.Op, 0, group)
		var mine []time.Duration
		for pb.Next() {
			i := int(next.Add(1))
			ops = append(ops, live.Op{Record: res.Records[(i*7919)%len(res.Records)]})
			if len(ops) == group {
				start := time.Now()
				if _, err := l.Apply(ctx, ops); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(start))
				ops = ops[:0]
			}
		}
		mu.Lock()
		took = append(took, mine...)
		mu.Unlock()
	})
	if len(took) > 0 {
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)*99/100])/float64(time.Millisecond), "p99-ms")
	}
}

// BenchmarkUpsertBusy adds a record to an entity of n copies of one
// record, all linked with each other (a party named alike in every
// payment of one account), and takes it out again: the cost of a change
// to a busy entity. b.N counts upserts; each is followed by a delete.
func BenchmarkUpsertBusy(b *testing.B) {
	for _, n := range []int{100, 400, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			l, res := importedLive(b)
			copyOf := func(id string) record.Record {
				r := res.Records[0]
				r.Key.ID = id
				return r
			}
			var ops []live.Op
			for i := range n {
				ops = append(ops, live.Op{Record: copyOf(fmt.Sprintf("busy-%d", i))})
			}
			if _, err := l.Apply(ctx, ops); err != nil {
				b.Fatal(err)
			}
			extra := copyOf("busy-extra")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				ch, err := l.Upsert(ctx, extra)
				if err != nil {
					b.Fatal(err)
				}
				if ch.Entity == "" {
					b.Fatal("the copy was not given an entity")
				}
				if _, err := l.Delete(ctx, extra.Key); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMirrorCollection times a garbage collection with a memory copy
// of about 10,000 records live and nothing else of note: what the memory
// copy adds to every collection of a serving process (at a million records
// a collection marks for seconds under load, docs/serve.md). It reports the
// heap's objects (objects).
func BenchmarkMirrorCollection(b *testing.B) {
	l, _ := importedLive(b)
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
	}
	b.ReportMetric(float64(m.HeapObjects), "objects")
	runtime.KeepAlive(l)
}
