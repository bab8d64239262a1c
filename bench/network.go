package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
	"github.com/concord-er/concord/relate/relatetest"
)

// NetworkOptions configure MeasureNetwork.
type NetworkOptions struct {
	// Entities and Relationships size the network; 0 = 1,000,000 and
	// 5,000,000 (the size).
	Entities, Relationships int
	// Queries per kind; 0 = 1000 (100 for the strongest path).
	Queries int
	Seed    uint64
	Log     io.Writer
}

// NetworkResult is what MeasureNetwork measured.
type NetworkResult struct {
	Entities, Relationships, Edges, Crowded int
	Generate, Build                         time.Duration
	HeapGiB                                 float64 // live heap with the graph built
	Neighbours, NeighboursFiltered          Latency
	NeighbourNodes                          float64 // mean entities within 2 hops (at most 500)
	Shortest, Strongest                     Latency
	Hops                                    [relate.DefaultHops + 1]int // shortest paths by hops
	NoPath                                  int
	Groups, GroupsAll                       time.Duration
	GroupCount, LargestGroup                int
}

// MeasureNetwork generates a synthetic network (relatetest: hubs, rings of
// shared phones, call centres, dated payments), builds its graph, and
// times the queries of the workbench and the API on it: neighbours to
// depth 2, shortest and strongest paths between entities up to 6 hops
// apart, and groups over the whole graph.
func MeasureNetwork(ctx context.Context, opt NetworkOptions) (NetworkResult, error) {
	if opt.Entities <= 0 {
		opt.Entities = 1_000_000
	}
	if opt.Relationships <= 0 {
		opt.Relationships = 5_000_000
	}
	if opt.Queries <= 0 {
		opt.Queries = 1000
	}
	res := NetworkResult{Entities: opt.Entities, Relationships: opt.Relationships}
	t0 := time.Now()
	recs, _ := relatetest.Records(relatetest.Options{Entities: opt.Entities, Relationships: opt.Relationships, Seed: opt.Seed})
	res.Generate = time.Since(t0)
	logf(opt.Log, "network: %d entities, %d relationships generated in %.1fs", opt.Entities, opt.Relationships, res.Generate.Seconds())
	t0 = time.Now()
	g := relatetest.BuildFrom(recs)
	res.Build = time.Since(t0)
	recs = nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapGiB = float64(ms.HeapAlloc) / (1 << 30)
	st := g.Stats()
	res.Edges, res.Crowded = st.Edges, st.Crowded
	logf(opt.Log, "network: built in %.1fs: %d edges, heap %.2f GiB", res.Build.Seconds(), res.Edges, res.HeapGiB)

	r := rand.New(rand.NewPCG(opt.Seed, 17))
	entity := func(i int) record.EntityID { return record.EntityID(fmt.Sprintf("E%07d", i)) }
	var times []time.Duration
	var nodes int
	timed := func(fn func() error) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := time.Now()
		err := fn()
		times = append(times, time.Since(t))
		return err
	}
	for range opt.Queries {
		if err := timed(func() error {
			n, err := g.Neighbours(entity(r.IntN(opt.Entities)), 2, 0, relate.Filter{})
			nodes += len(n.Nodes)
			return err
		}); err != nil {
			return res, err
		}
	}
	res.Neighbours, res.NeighbourNodes, times = latency(times), float64(nodes)/float64(opt.Queries), nil
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for range opt.Queries {
		if err := timed(func() error {
			_, err := g.Neighbours(entity(r.IntN(opt.Entities)), 2, 0, relate.Filter{Types: []string{"paid", "officer_of"}, Since: since})
			return err
		}); err != nil {
			return res, err
		}
	}
	res.NeighboursFiltered, times = latency(times), nil

	// Pairs up to 6 hops apart: half of them at random (most are several
	// hops apart, some too far), half at the end of a walk of 1 to 6 steps
	// from a random entity.
	pairs := make([][2]record.EntityID, 0, opt.Queries)
	for len(pairs) < opt.Queries {
		from := entity(r.IntN(opt.Entities))
		if len(pairs)%2 == 0 {
			if to := entity(r.IntN(opt.Entities)); to != from {
				pairs = append(pairs, [2]record.EntityID{from, to})
			}
			continue
		}
		at := from
		for range 1 + r.IntN(relate.DefaultHops) {
			n, err := g.Neighbours(at, 1, 0, relate.Filter{})
			if err != nil || len(n.Nodes) < 2 {
				break
			}
			at = n.Nodes[1+r.IntN(len(n.Nodes)-1)].Entity
		}
		if at != from {
			pairs = append(pairs, [2]record.EntityID{from, at})
		}
	}
	for _, p := range pairs {
		if err := timed(func() error {
			path, err := g.ShortestPath(p[0], p[1], relate.DefaultHops, relate.Filter{})
			if errors.Is(err, relate.ErrNoPath) {
				res.NoPath++
				return nil
			}
			res.Hops[len(path.Edges)]++
			return err
		}); err != nil {
			return res, err
		}
	}
	res.Shortest, times = latency(times), nil
	for _, p := range pairs[:max(1, len(pairs)/10)] {
		if err := timed(func() error {
			_, err := g.StrongestPath(p[0], p[1], relate.DefaultHops, relate.Filter{})
			if errors.Is(err, relate.ErrNoPath) {
				return nil
			}
			return err
		}); err != nil {
			return res, err
		}
	}
	res.Strongest = latency(times)
	logf(opt.Log, "network: neighbours p99 %.2f ms, shortest path p99 %.2f ms, strongest p99 %.2f ms",
		res.Neighbours.P99, res.Shortest.P99, res.Strongest.P99)

	t0 = time.Now()
	groups, err := g.Groups(3, relate.DefaultGroups, relate.Filter{Types: []string{relate.SharesPrefix + "*"}})
	if err != nil {
		return res, err
	}
	res.Groups = time.Since(t0)
	res.GroupCount = len(groups)
	t0 = time.Now()
	all, err := g.Groups(3, relate.DefaultGroups, relate.Filter{})
	if err != nil {
		return res, err
	}
	res.GroupsAll = time.Since(t0)
	if len(all) > 0 {
		res.LargestGroup = all[0].Size
	}
	logf(opt.Log, "network: groups over shared identifiers %.2fs, over every edge %.2fs", res.Groups.Seconds(), res.GroupsAll.Seconds())
	runtime.KeepAlive(g)
	return res, nil
}

// NetworkMarkdown reports a MeasureNetwork run against the targets.
func NetworkMarkdown(res NetworkResult, machine, command string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Network queries\n\n")
	fmt.Fprintf(&b, "A synthetic network (relate/relatetest): %d entities, one record each, a third of them\n", res.Entities)
	fmt.Fprintf(&b, "companies; %d disclosed relationships (70%% payments dated 2020–2025, officers,\n", res.Relationships)
	fmt.Fprintf(&b, "associates, family), a fifth of their ends at the first hundredth of the entities (hubs);\n")
	fmt.Fprintf(&b, "phones shared in small rings and at call centres. Built into one graph of %d edges\n", res.Edges)
	fmt.Fprintf(&b, "(%d call-centre values linked nothing) in %.1f s (generated in %.1f s), %.2f GiB of heap.\n\n",
		res.Crowded, res.Build.Seconds(), res.Generate.Seconds(), res.HeapGiB)
	fmt.Fprintf(&b, "Machine: %s. Regenerate with:\n\n    %s\n\n", machine, command)
	b.WriteString("| query | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|\n")
	row := func(name string, l Latency) {
		fmt.Fprintf(&b, "| %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms |\n", name, l.P50, l.P90, l.P99, l.Max)
	}
	row(fmt.Sprintf("neighbours, depth 2 (%.0f entities on average, at most 500)", res.NeighbourNodes), res.Neighbours)
	row("neighbours, depth 2, payments and officers since 2024", res.NeighboursFiltered)
	row("shortest path, up to 6 hops", res.Shortest)
	row("strongest path, up to 6 hops (the first tenth of the pairs)", res.Strongest)
	fmt.Fprintf(&b, "\nShortest paths by hops:")
	for h, n := range res.Hops {
		if n > 0 {
			fmt.Fprintf(&b, " %d: %d;", h, n)
		}
	}
	fmt.Fprintf(&b, " none within 6: %d.\n\n", res.NoPath)
	fmt.Fprintf(&b, "Groups over shared identifiers (rings): %.2f s, %d groups of 3 or more listed. Over every\n", res.Groups.Seconds(), res.GroupCount)
	fmt.Fprintf(&b, "edge: %.2f s (the largest group holds %d entities).\n\n", res.GroupsAll.Seconds(), res.LargestGroup)
	b.WriteString("| target | measured | |\n|---|---:|---|\n")
	fmt.Fprintf(&b, "| neighbours to depth 2, p99 ≤ 20 ms | %.2f ms | %s |\n", res.Neighbours.P99, met(res.Neighbours.P99 <= 20))
	fmt.Fprintf(&b, "| path up to 6 hops, p99 ≤ 100 ms | %.2f ms (shortest), %.2f ms (strongest) | %s |\n", res.Shortest.P99, res.Strongest.P99, met(res.Shortest.P99 <= 100))
	fmt.Fprintf(&b, "| ring detection over the whole graph ≤ 60 s | %.2f s | %s |\n", max(res.Groups, res.GroupsAll).Seconds(), met(max(res.Groups, res.GroupsAll) <= time.Minute))
	return b.String()
}
