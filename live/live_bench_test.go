package live_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/live"
)

// BenchmarkUpsert re-upserts records of a synthetic store of about 10,000
// records, one committed transaction each: the real-time hot path.
// concord bench --live measures the same at up to a million records.
func BenchmarkUpsert(b *testing.B) {
	ctx := context.Background()
	cfg, _ := fixture.Synth(b, 6300)
	res, err := engine.Resolve(ctx, cfg, func(engine.Reject) error { return nil }, engine.ResolveOptions{})
	if err != nil {
		b.Fatal(err)
	}
	st := openStore(b)
	l, err := live.Open(ctx, st, live.Options{Model: res.Model})
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Import(ctx, res); err != nil {
		b.Fatal(err)
	}
	order := rand.New(rand.NewPCG(1, 1)).Perm(len(res.Records))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := l.Upsert(ctx, res.Records[order[i%len(order)]]); err != nil {
			b.Fatal(err)
		}
	}
}
