package model_test

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// BenchmarkCompareQuery scores records of a resolved heterogeneous set
// against others as an upsert or a screening query scores its candidates:
// each record prepared once (NewQuery), then compared with up to 30
// records whose first name holds a word of its own (as blocking on name
// words finds them) and the records it linked to. b.N counts comparisons.
func BenchmarkCompareQuery(b *testing.B) {
	res := fixture.Resolve(b, fixture.Hetero(b, 2000), engine.ResolveOptions{})
	s, err := res.Model.Compile()
	if err != nil {
		b.Fatal(err)
	}
	values := make([][][]record.Value, len(res.Records))
	for i := range res.Records {
		values[i] = s.Values(&res.Records[i])
	}
	name := slices.IndexFunc(s.Comps, func(c *compare.Comparison) bool { return c.Spec.Kind.IsName() })
	holders := map[string][]int32{} // by a word of a record's first name
	for i, v := range values {
		if len(v[name]) > 0 {
			for _, tok := range v[name][0].Tokens {
				holders[tok] = append(holders[tok], int32(i))
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	others := map[int32][]int32{}
	for _, e := range res.Links {
		if others[e.A] == nil && len(values[e.A][name]) > 0 {
			toks := values[e.A][name][0].Tokens
			for range 30 {
				h := holders[toks[r.IntN(len(toks))]]
				others[e.A] = append(others[e.A], h[r.IntN(len(h))])
			}
		}
		others[e.A] = append(others[e.A], e.B)
	}
	// The comparisons in order, a query's together.
	type pair struct{ a, b int32 }
	var pairs []pair
	for _, a := range slices.Sorted(maps.Keys(others)) {
		for _, o := range others[a] {
			pairs = append(pairs, pair{a, o})
		}
	}
	levels := make([]uint8, len(s.Comps))
	var q *model.Query
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		if i%len(pairs) == 0 || pairs[i%len(pairs)-1].a != p.a {
			q = s.NewQuery(values[p.a])
		}
		s.CompareQuery(res.Records[p.a].Key.Source, res.Records[p.b].Key.Source, q, values[p.b], levels, nil)
	}
}
