package relate_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
	"github.com/concord-er/concord/relate/relatetest"
)

// benchGraph is a synthetic network of 100,000 entities and 500,000
// relationships, the ratio of the target at a tenth of its size
// (concord bench --network measures the full size).
var benchGraph = sync.OnceValue(func() *relate.Graph {
	g, _ := relatetest.Build(relatetest.Options{Entities: 100_000, Relationships: 500_000, Seed: 1})
	return g
})

func entity(i int) record.EntityID { return record.EntityID(fmt.Sprintf("E%07d", i)) }

func BenchmarkBuild(b *testing.B) {
	recs, _ := relatetest.Records(relatetest.Options{Entities: 100_000, Relationships: 500_000, Seed: 1})
	for b.Loop() {
		relatetest.BuildFrom(recs)
	}
}

func BenchmarkNeighbours(b *testing.B) {
	g := benchGraph()
	r := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		if _, err := g.Neighbours(entity(r.IntN(100_000)), 2, 0, relate.Filter{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShortestPath(b *testing.B) {
	g := benchGraph()
	r := rand.New(rand.NewPCG(1, 3))
	for b.Loop() {
		_, err := g.ShortestPath(entity(r.IntN(100_000)), entity(r.IntN(100_000)), 6, relate.Filter{})
		if err != nil && err != relate.ErrNoPath {
			b.Fatal(err)
		}
	}
}

func BenchmarkStrongestPath(b *testing.B) {
	g := benchGraph()
	r := rand.New(rand.NewPCG(1, 4))
	for b.Loop() {
		_, err := g.StrongestPath(entity(r.IntN(100_000)), entity(r.IntN(100_000)), 6, relate.Filter{})
		if err != nil && err != relate.ErrNoPath {
			b.Fatal(err)
		}
	}
}

func BenchmarkGroupsShared(b *testing.B) {
	g := benchGraph()
	for b.Loop() {
		if _, err := g.Groups(3, 100, relate.Filter{Types: []string{"shares_*"}}); err != nil {
			b.Fatal(err)
		}
	}
}
