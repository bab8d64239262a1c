package relate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func key(s, id string) record.Key { return record.Key{Source: s, ID: id} }

// network is a hand-built network:
//
//	C1 ←officer_of─ P1 ─shares_phone─ P2 ─shares_account─ P3 ─paid→ P4
//	                                  P2 ─possibly_same (0.05)─ P4
//	                                  P2 ─possibly_same (0.7)── P5
//	Q1..Q4 share one phone, more holders than allowed: no edges.
//	P1 states a relation to a record nobody gave: dangling.
func network(hide ...record.Key) *relate.Graph {
	b := relate.NewBuilder(relate.Options{MaxHolders: 3})
	recs := []relate.Record{
		{Key: key("registry", "f1"), Entity: "C1", Kind: record.EntityOrganization, Name: "Acme Ltd"},
		{Key: key("registry.officer", "f1"), Entity: "P1", Kind: record.EntityPerson, Name: "Ann Lee",
			Relations: []record.Relation{{Type: "officer_of", To: key("registry", "f1")}, {Type: "officer_of", To: key("registry", "gone")}}},
		{Key: key("kyc", "k1"), Entity: "P1", Kind: record.EntityPerson, Name: "Lee, Ann", Shared: []relate.Value{{"phone", "+15550001"}}},
		{Key: key("kyc", "k2"), Entity: "P2", Kind: record.EntityPerson, Name: "Bo Chan",
			Shared: []relate.Value{{"phone", "+15550001"}, {"account", "A-9"}}},
		{Key: key("payments.originator", "p1"), Entity: "P3", Name: "CHAN/BO MR", Shared: []relate.Value{{"account", "A-9"}},
			Relations: []record.Relation{{Type: "paid", To: key("payments.beneficiary", "p1"), Attributes: map[string]string{"amount": "100", "date": "2024-03-01"}}}},
		{Key: key("payments.beneficiary", "p1"), Entity: "P4", Name: "DOE/JO"},
		{Key: key("kyc", "k5"), Entity: "P5", Kind: record.EntityPerson, Name: "Bo Chang"},
	}
	for i := range 4 {
		recs = append(recs, relate.Record{Key: key("kyc", "q"+string(rune('1'+i))), Entity: record.EntityID("Q" + string(rune('1'+i))),
			Shared: []relate.Value{{"phone", "+18005550000"}}})
	}
	for _, r := range recs {
		if !slices.Contains(hide, r.Key) {
			b.Add(r)
		}
	}
	b.Possible(key("kyc", "k2"), key("payments.beneficiary", "p1"), 0.05)
	b.Possible(key("kyc", "k2"), key("kyc", "k5"), 0.7)
	return b.Build()
}

func entities(nodes []relate.Node) []record.EntityID {
	var out []record.EntityID
	for _, n := range nodes {
		out = append(out, n.Entity)
	}
	return out
}

func types(edges []relate.Edge) []string {
	var out []string
	for _, e := range edges {
		out = append(out, e.Type)
	}
	return out
}

func TestBuildStats(t *testing.T) {
	g := network()
	want := relate.Stats{Records: 11, Entities: 10, Edges: 6, Disclosed: 3, Dangling: 1, Crowded: 1}
	if got := g.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
	if n, ok := g.Node("P1"); !ok || n.Records != 2 || n.Name != "Ann Lee" || n.Kind != record.EntityPerson {
		t.Errorf("P1 = %+v, want 2 records named Ann Lee (the least of its names), a person", n)
	}
	if want := []string{"officer_of", "paid", "possibly_same", "shares_account", "shares_phone"}; !slices.Equal(g.Types(), want) {
		t.Errorf("types %q, want %q", g.Types(), want)
	}
}

func TestNeighbours(t *testing.T) {
	g := network()
	tests := []struct {
		name   string
		from   record.EntityID
		depth  int
		filter relate.Filter
		nodes  []record.EntityID
		depths []int
		edges  []string
	}{
		{"one hop", "C1", 1, relate.Filter{}, []record.EntityID{"C1", "P1"}, []int{0, 1}, []string{"officer_of"}},
		{"two hops", "C1", 2, relate.Filter{}, []record.EntityID{"C1", "P1", "P2"}, []int{0, 1, 2}, []string{"officer_of", "shares_phone"}},
		{"officers only", "C1", 3, relate.Filter{Types: []string{"officer_of"}}, []record.EntityID{"C1", "P1"}, []int{0, 1}, []string{"officer_of"}},
		// (edges come in the order they were made: disclosed, then shared
		// values by feature and value, then pairs in review)
		{"shares prefix", "P2", 1, relate.Filter{Types: []string{"shares_*"}}, []record.EntityID{"P2", "P3", "P1"}, []int{0, 1, 1}, []string{"shares_account", "shares_phone"}},
		{"strong only", "P2", 1, relate.Filter{MinWeight: 0.5}, []record.EntityID{"P2", "P3", "P1", "P5"}, []int{0, 1, 1, 1}, []string{"shares_account", "shares_phone", "possibly_same"}},
		// the edge between P3 and P4 is among the nodes found: it is given
		{"edges among the found", "P2", 1, relate.Filter{}, []record.EntityID{"P2", "P3", "P1", "P4", "P5"}, []int{0, 1, 1, 1, 1},
			[]string{"shares_account", "shares_phone", "possibly_same", "possibly_same", "paid"}},
		{"dated out", "P3", 1, relate.Filter{Since: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}, []record.EntityID{"P3", "P2"}, []int{0, 1}, []string{"shares_account"}},
		{"dated in", "P3", 1, relate.Filter{Until: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}, []record.EntityID{"P3", "P4", "P2"}, []int{0, 1, 1},
			[]string{"paid", "shares_account", "possibly_same"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := g.Neighbours(tt.from, tt.depth, 0, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(entities(n.Nodes), tt.nodes) || !slices.Equal(n.Depth, tt.depths) {
				t.Errorf("nodes %v at %v, want %v at %v", entities(n.Nodes), n.Depth, tt.nodes, tt.depths)
			}
			if !slices.Equal(types(n.Edges), tt.edges) {
				t.Errorf("edges %q, want %q", types(n.Edges), tt.edges)
			}
		})
	}
	n, _ := g.Neighbours("C1", 1, 0, relate.Filter{})
	e := n.Edges[0]
	if e.From != "P1" || e.To != "C1" || !e.Directed || e.Weight != 1 || len(e.Evidence) != 1 ||
		e.Evidence[0].From != key("registry.officer", "f1") || e.Evidence[0].To != key("registry", "f1") {
		t.Errorf("officer edge %+v: want P1 → C1, stated by the officer record", e)
	}
	if n, _ := g.Neighbours("P2", 1, 2, relate.Filter{}); len(n.Nodes) != 2 || !n.Truncated {
		t.Errorf("at most 2 nodes: %d nodes, truncated %v", len(n.Nodes), n.Truncated)
	}
	// A hub of 30 neighbours all tied to each other: at most 20 edges a node.
	b := relate.NewBuilder(relate.Options{})
	for i := range 31 {
		r := relate.Record{Key: key("h", fmt.Sprint(i)), Entity: record.EntityID(fmt.Sprint("H", i))}
		for j := range 31 {
			if j != i {
				r.Relations = append(r.Relations, record.Relation{Type: "t", To: key("h", fmt.Sprint(j))})
			}
		}
		b.Add(r)
	}
	// (31 nodes, 930 edges among them: cut at 31 × 20)
	hub := b.Build()
	if n, err := hub.Neighbours("H0", 1, 31, relate.Filter{}); err != nil || len(n.Nodes) != 31 || len(n.Edges) != 31*relate.EdgesPerNode || !n.Truncated {
		t.Errorf("a dense hub: %d nodes, %d edges, truncated %v, %v; want 31, %d, true", len(n.Nodes), len(n.Edges), n.Truncated, err, 31*relate.EdgesPerNode)
	}
	if n, err := hub.All(31, relate.Filter{}); err != nil || len(n.Edges) != 31*relate.EdgesPerNode || !n.Truncated {
		t.Errorf("the whole dense hub, at most 31 nodes: %d edges, truncated %v, %v", len(n.Edges), n.Truncated, err)
	}
	if n, err := hub.All(0, relate.Filter{}); err != nil || len(n.Edges) != 31*30 || n.Truncated {
		t.Errorf("the whole dense hub, unbounded: %d edges, truncated %v, %v; want 930", len(n.Edges), n.Truncated, err)
	}
	if _, err := g.Neighbours("nobody", 1, 0, relate.Filter{}); !errors.Is(err, relate.ErrNotFound) {
		t.Errorf("unknown entity: %v", err)
	}
	for _, bad := range []struct {
		depth, nodes int
		f            relate.Filter
	}{{depth: relate.MaxDepth + 1}, {depth: -1}, {nodes: relate.MaxNodes + 1}, {f: relate.Filter{MinWeight: 2}},
		{f: relate.Filter{Since: time.Now(), Until: time.Now().Add(-48 * time.Hour)}}} {
		if _, err := g.Neighbours("C1", bad.depth, bad.nodes, bad.f); !errors.Is(err, relate.ErrBadQuery) {
			t.Errorf("Neighbours(depth %d, nodes %d, %+v) succeeded, want an error", bad.depth, bad.nodes, bad.f)
		}
	}
}

func TestEdgesOf(t *testing.T) {
	g := network()
	edges, more, err := g.EdgesOf("P2", 0, relate.Filter{})
	if err != nil || more != 0 {
		t.Fatal(err, more)
	}
	// P2's own ties, strongest first: account and phone (1), then P5 (0.7),
	// then P4 (0.05); not the payment between P3 and P4.
	if got := types(edges); !slices.Equal(got, []string{"shares_account", "shares_phone", "possibly_same", "possibly_same"}) || edges[2].Weight != 0.7 {
		t.Errorf("P2's edges %q (%v), want its four, strongest first", got, edges)
	}
	if edges, more, _ := g.EdgesOf("P2", 1, relate.Filter{Types: []string{"possibly_same"}}); len(edges) != 1 || more != 1 || edges[0].Weight != 0.7 {
		t.Errorf("P2's strongest pair in review: %v, %d more", edges, more)
	}
	if _, _, err := g.EdgesOf("nobody", 0, relate.Filter{}); !errors.Is(err, relate.ErrNotFound) {
		t.Errorf("an unknown entity: %v", err)
	}
}

func TestPaths(t *testing.T) {
	g := network()
	p, err := g.ShortestPath("C1", "P3", 0, relate.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []record.EntityID{"C1", "P1", "P2", "P3"}; !slices.Equal(entities(p.Nodes), want) {
		t.Errorf("shortest C1→P3 %v, want %v", entities(p.Nodes), want)
	}
	if want := []string{"officer_of", "shares_phone", "shares_account"}; !slices.Equal(types(p.Edges), want) {
		t.Errorf("its edges %q, want %q", types(p.Edges), want)
	}
	if _, err := g.ShortestPath("C1", "P3", 2, relate.Filter{}); !errors.Is(err, relate.ErrNoPath) {
		t.Errorf("within 2 hops: %v, want ErrNoPath", err)
	}
	if _, err := g.ShortestPath("C1", "Q1", 0, relate.Filter{}); !errors.Is(err, relate.ErrNoPath) {
		t.Errorf("to a crowded phone's holder: %v, want ErrNoPath", err)
	}
	// P2 → P4: one weak hop (possibly same, 0.05), or two strong ones
	// (a shared account, then a payment).
	short, err := g.ShortestPath("P2", "P4", 0, relate.Filter{})
	if err != nil || len(short.Edges) != 1 || short.Weight != 0.05 {
		t.Errorf("shortest P2→P4: %v edges of weight %v, %v; want the one weak hop", types(short.Edges), short.Weight, err)
	}
	strong, err := g.StrongestPath("P2", "P4", 0, relate.Filter{})
	if err != nil || !slices.Equal(types(strong.Edges), []string{"shares_account", "paid"}) || strong.Weight != 1 {
		t.Errorf("strongest P2→P4: %q of weight %v, %v; want the account and the payment", types(strong.Edges), strong.Weight, err)
	}
	if p, err := g.StrongestPath("P2", "P4", 1, relate.Filter{}); err != nil || len(p.Edges) != 1 {
		t.Errorf("strongest P2→P4 in one hop: %q, %v", types(p.Edges), err)
	}
	dated, err := g.StrongestPath("P2", "P4", 0, relate.Filter{Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || !slices.Equal(types(dated.Edges), []string{"possibly_same"}) {
		t.Errorf("strongest P2→P4 since 2025 (the payment is of 2024): %q, %v", types(dated.Edges), err)
	}
	if p, err := g.ShortestPath("P1", "P1", 0, relate.Filter{}); err != nil || len(p.Nodes) != 1 || len(p.Edges) != 0 {
		t.Errorf("a path to itself: %+v, %v", p, err)
	}
	if _, err := g.StrongestPath("P1", "nobody", 0, relate.Filter{}); !errors.Is(err, relate.ErrNotFound) {
		t.Errorf("to an unknown entity: %v", err)
	}
}

func TestGroups(t *testing.T) {
	g := network()
	groups, err := g.Groups(2, 0, relate.Filter{Types: []string{"shares_*"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 {
		t.Fatalf("groups %+v, want one ring (the crowded phone links none)", groups)
	}
	r := groups[0]
	if r.Size != 3 || r.Edges != 2 || r.Density != 2.0/3 || !slices.Equal(r.Members, []record.EntityID{"P1", "P2", "P3"}) ||
		r.Types["shares_phone"] != 1 || r.Types["shares_account"] != 1 {
		t.Errorf("ring %+v, want P1, P2, P3 joined by a phone and an account", r)
	}
	all, err := g.Groups(0, 0, relate.Filter{})
	if err != nil || len(all) != 1 || all[0].Size != 6 {
		t.Errorf("every edge: %+v, %v; want one group of 6", all, err)
	}
	if _, err := g.Groups(1, 0, relate.Filter{}); err == nil {
		t.Error("groups of 1: want an error")
	}
	// A chain longer than a group may list: its first members, truncated.
	b := relate.NewBuilder(relate.Options{})
	n := relate.MaxGroupMembers + 5
	for i := range n {
		r := relate.Record{Key: key("c", fmt.Sprint(i)), Entity: record.EntityID(fmt.Sprintf("C%06d", i))}
		if i > 0 {
			r.Relations = []record.Relation{{Type: "next", To: key("c", fmt.Sprint(i-1))}}
		}
		b.Add(r)
	}
	chain, err := b.Build().Groups(2, 0, relate.Filter{})
	if err != nil || len(chain) != 1 || chain[0].Size != n || len(chain[0].Members) != relate.MaxGroupMembers || !chain[0].Truncated {
		t.Errorf("a chain of %d: %d groups, size %d, %d members listed, truncated %v, %v", n, len(chain), chain[0].Size, len(chain[0].Members), chain[0].Truncated, err)
	}
}

// TestHiddenRecords: a graph built without a record the reader may not see
// has no edge it states or a value it alone holds, and no path through it.
func TestHiddenRecords(t *testing.T) {
	g := network(key("payments.originator", "p1"))
	if _, ok := g.Node("P3"); ok {
		t.Error("P3, whose only record is hidden, is in the graph")
	}
	if slices.Contains(g.Types(), "paid") || slices.Contains(g.Types(), "shares_account") {
		t.Errorf("types %q: the hidden record's payment and account are there", g.Types())
	}
	if p, err := g.StrongestPath("P2", "P4", 0, relate.Filter{}); err != nil || !slices.Equal(types(p.Edges), []string{"possibly_same"}) {
		t.Errorf("P2→P4 without the hidden record: %q, %v", types(p.Edges), err)
	}
	g = network(key("registry", "f1"))
	if g.Stats().Dangling != 2 {
		t.Errorf("an officer of a hidden company: %d dangling, want 2", g.Stats().Dangling)
	}
}

func TestExportGolden(t *testing.T) {
	n, err := network().Neighbours("P2", 2, 0, relate.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range relate.Formats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := relate.Write(&buf, n, format); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "network."+format)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./relate -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s export differs from %s:\n%s", format, golden, buf.Bytes())
			}
		})
	}
	var back relate.Network
	var buf bytes.Buffer
	if err := relate.Write(&buf, n, relate.FormatJSON); err != nil || json.Unmarshal(buf.Bytes(), &back) != nil || len(back.Edges) != len(n.Edges) {
		t.Errorf("JSON does not read back: %v", err)
	}
	if err := relate.Write(&buf, n, "dot"); err == nil {
		t.Error("an unknown format: want an error")
	}
}

func TestParseDay(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		ok   bool
	}{{"2024-03-01", "2024-03-01", true}, {" 20240301 ", "2024-03-01", true}, {"01/03/2024", "2024-03-01", true},
		{"2024-03-01T10:00:00Z", "2024-03-01", true}, {"March 1", "", false}, {"", "", false}, {"2024-02-30", "", false}, {"2024-13-01", "", false}, {"2024-0a-01", "", false}} {
		got, ok := relate.ParseDay(tt.in)
		if ok != tt.ok || (ok && got.Format(time.DateOnly) != tt.want) {
			t.Errorf("ParseDay(%q) = %v, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2024-03-01", "20240301", "01/03/2024", "2024/03/01", "2024-03-01T10:00:00+02:00", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := relate.ParseDay(s)
		if ok && d.Location() != time.UTC {
			t.Errorf("ParseDay(%q) = %v, not in UTC", s, d)
		}
		if !ok && !d.IsZero() {
			t.Errorf("ParseDay(%q) failed but gave %v", s, d)
		}
	})
}

// TestPathsAgainstExhaustive: on small random networks, the shortest path
// has as few hops, and the strongest as great a weight, as a search of
// every path of at most the hops allowed finds.
func TestPathsAgainstExhaustive(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 9))
		n := 6 + r.IntN(8)
		b := relate.NewBuilder(relate.Options{})
		type arc struct {
			to int
			w  float64
		}
		adj := make([][]arc, n)
		for i := range n {
			rec := relate.Record{Key: key("s", fmt.Sprint(i)), Entity: record.EntityID(fmt.Sprint("E", i))}
			for range r.IntN(3) {
				j := r.IntN(n)
				if j == i {
					continue
				}
				rec.Relations = append(rec.Relations, record.Relation{Type: "t", To: key("s", fmt.Sprint(j))})
			}
			b.Add(rec)
			for _, rel := range rec.Relations {
				var j int
				fmt.Sscan(rel.To.ID, &j)
				adj[i] = append(adj[i], arc{j, 1})
				adj[j] = append(adj[j], arc{i, 1})
			}
		}
		// pairs in review give weights below 1
		for range n {
			i, j := r.IntN(n), r.IntN(n)
			if i == j {
				continue
			}
			p := 0.05 + 0.9*r.Float64()
			b.Possible(key("s", fmt.Sprint(i)), key("s", fmt.Sprint(j)), p)
			adj[i] = append(adj[i], arc{j, p})
			adj[j] = append(adj[j], arc{i, p})
		}
		g := b.Build()
		for range 10 {
			s, d, hops := r.IntN(n), r.IntN(n), 1+r.IntN(5)
			// exhaustive: best product and fewest hops over walks of ≤ hops
			// (an edge of several reasons counts once, at its combined weight:
			// compare through the graph's own edges below instead)
			fewest, best := -1, 0.0
			var walk func(at, depth int, w float64)
			walk = func(at, depth int, w float64) {
				if at == d && depth > 0 {
					if fewest < 0 || depth < fewest {
						fewest = depth
					}
				}
				if depth == hops {
					return
				}
				for _, a := range adj[at] {
					walk(a.to, depth+1, w*a.w)
				}
			}
			walk(s, 0, 1)
			if s == d {
				continue
			}
			sp, err := g.ShortestPath(record.EntityID(fmt.Sprint("E", s)), record.EntityID(fmt.Sprint("E", d)), hops, relate.Filter{})
			if (err == nil) != (fewest > 0) || (err == nil && len(sp.Edges) != fewest) {
				t.Fatalf("seed %d: shortest E%d→E%d in %d hops: %d edges, %v; exhaustive %d", seed, s, d, hops, len(sp.Edges), err, fewest)
			}
			strong, err := g.StrongestPath(record.EntityID(fmt.Sprint("E", s)), record.EntityID(fmt.Sprint("E", d)), hops, relate.Filter{})
			if (err == nil) != (fewest > 0) {
				t.Fatalf("seed %d: strongest E%d→E%d: %v, exhaustive found %v", seed, s, d, err, fewest > 0)
			}
			if err != nil {
				continue
			}
			// the best over the graph's own edges (combined weights), by
			// exhaustive search on the graph
			best = exhaustiveBest(g, record.EntityID(fmt.Sprint("E", s)), record.EntityID(fmt.Sprint("E", d)), hops)
			if math.Abs(strong.Weight-best) > 1e-9 || len(strong.Edges) > hops {
				t.Fatalf("seed %d: strongest E%d→E%d in %d hops: weight %v over %d edges, exhaustive %v", seed, s, d, hops, strong.Weight, len(strong.Edges), best)
			}
		}
	}
}

// exhaustiveBest is the greatest product of edge weights over walks of at
// most hops hops from a to b, through the graph's edges.
func exhaustiveBest(g *relate.Graph, a, b record.EntityID, hops int) float64 {
	best := 0.0
	var walk func(at record.EntityID, depth int, w float64)
	walk = func(at record.EntityID, depth int, w float64) {
		if at == b && depth > 0 && w > best {
			best = w
		}
		if depth == hops {
			return
		}
		n, err := g.Neighbours(at, 1, relate.MaxNodes, relate.Filter{})
		if err != nil {
			return
		}
		for _, e := range n.Edges {
			if e.From == at {
				walk(e.To, depth+1, w*e.Weight)
			} else if e.To == at {
				walk(e.From, depth+1, w*e.Weight)
			}
		}
	}
	walk(a, 0, 1)
	return best
}
