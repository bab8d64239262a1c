package relate

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/concord-er/concord/record"
)

// Filter selects the edges a query follows.
type Filter struct {
	// Types are the edge types followed; empty follows all. A type ending
	// in * is a prefix: shares_* follows every shared identifier.
	Types []string
	// MinWeight leaves out edges that weigh less.
	MinWeight float64
	// Since and Until, when set, leave out dated edges (a payment with a
	// date) whose every date falls outside them; undated edges (an
	// officer, a shared phone) stay.
	Since, Until time.Time
}

// Bounds of queries.
const (
	DefaultDepth    = 2
	MaxDepth        = 6
	DefaultNodes    = 500
	MaxNodes        = 100_000
	DefaultHops     = 6
	MaxHops         = 12
	DefaultGroups   = 100
	MaxGroupMembers = 10_000
	// MaxListedMembers bounds the members one Groups answer lists in all.
	MaxListedMembers = 100_000
)

// compiled is a Filter ready to test edges with.
type compiled struct {
	all        bool
	types      []bool // by type index
	min        float64
	since, til int32
	dated      bool
}

func (g *Graph) compile(f Filter) (compiled, error) {
	c := compiled{all: len(f.Types) == 0, min: f.MinWeight, since: math.MinInt32, til: math.MaxInt32}
	if f.MinWeight < 0 || f.MinWeight > 1 || math.IsNaN(f.MinWeight) {
		return c, fmt.Errorf("%w: minimum weight %v: want a number from 0 to 1", ErrBadQuery, f.MinWeight)
	}
	if !c.all {
		c.types = make([]bool, len(g.types))
		for _, t := range f.Types {
			prefix, wild := strings.CutSuffix(t, "*")
			for i, have := range g.types {
				if have == t || (wild && strings.HasPrefix(have, prefix)) {
					c.types[i] = true
				}
			}
		}
	}
	if !f.Since.IsZero() {
		c.since, c.dated = int32(f.Since.Unix()/86400), true
	}
	if !f.Until.IsZero() {
		c.til, c.dated = int32(f.Until.Unix()/86400), true
	}
	if c.since > c.til {
		return c, fmt.Errorf("%w: since %s is after until %s", ErrBadQuery, f.Since.Format(time.DateOnly), f.Until.Format(time.DateOnly))
	}
	return c, nil
}

func (c *compiled) keep(e *edge) bool {
	if !c.all && !c.types[e.typ] {
		return false
	}
	if e.weight < c.min {
		return false
	}
	if c.dated && e.dmin <= e.dmax && (e.dmax < c.since || e.dmin > c.til) {
		return false
	}
	return true
}

// Network is a part of the graph: entities and the edges among them.
type Network struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
	// Depth is each node's distance in hops from the entity asked about
	// (Neighbours), by the order of Nodes.
	Depth []int `json:"depth,omitempty"`
	// Truncated says a bound cut the answer: more nodes were in reach.
	Truncated bool `json:"truncated,omitempty"`
}

// Neighbours returns the entities within depth hops of e over the edges f
// keeps (at most maxNodes of them, nearest first), and every kept edge
// among them. depth 0 means DefaultDepth, maxNodes 0 DefaultNodes.
func (g *Graph) Neighbours(e record.EntityID, depth, maxNodes int, f Filter) (Network, error) {
	depth = cmp.Or(depth, DefaultDepth)
	maxNodes = cmp.Or(maxNodes, DefaultNodes)
	if depth < 1 || depth > MaxDepth {
		return Network{}, fmt.Errorf("%w: depth %d: want 1 to %d", ErrBadQuery, depth, MaxDepth)
	}
	if maxNodes < 1 || maxNodes > MaxNodes {
		return Network{}, fmt.Errorf("%w: at most %d nodes: want 1 to %d", ErrBadQuery, maxNodes, MaxNodes)
	}
	start, ok := g.index[e]
	if !ok {
		return Network{}, ErrNotFound
	}
	c, err := g.compile(f)
	if err != nil {
		return Network{}, err
	}
	pos := map[int32]int{start: 0} // node → its place in order
	order, depths := []int32{start}, []int{0}
	truncated := false
	for head := 0; head < len(order); head++ {
		i := order[head]
		if depths[head] == depth {
			continue
		}
		for _, j := range g.adj[g.off[i]:g.off[i+1]] {
			if !c.keep(&g.edges[j]) {
				continue
			}
			o := g.other(j, i)
			if _, seen := pos[o]; seen {
				continue
			}
			if len(order) == maxNodes {
				truncated = true
				continue
			}
			pos[o] = len(order)
			order, depths = append(order, o), append(depths, depths[head]+1)
		}
	}
	out := Network{Truncated: truncated, Depth: depths}
	maxEdges := maxNodes * EdgesPerNode
	for k, i := range order {
		out.Nodes = append(out.Nodes, g.nodes[i])
		for _, j := range g.adj[g.off[i]:g.off[i+1]] {
			// each edge once: at its end listed first
			if p, in := pos[g.other(j, i)]; in && p > k && c.keep(&g.edges[j]) {
				if len(out.Edges) == maxEdges {
					out.Truncated = true
					break
				}
				out.Edges = append(out.Edges, g.public(j))
			}
		}
	}
	return out, nil
}

// EdgesPerNode bounds the edges a Network answer holds: at most this many
// times its nodes.
const EdgesPerNode = 20

// EdgesOf returns the edges f keeps at entity e, strongest first, at most
// limit (0: DefaultNodes), and how many more there are: an entity's own
// ties, without the edges among its neighbours.
func (g *Graph) EdgesOf(e record.EntityID, limit int, f Filter) ([]Edge, int, error) {
	limit = cmp.Or(limit, DefaultNodes)
	if limit < 1 || limit > MaxNodes {
		return nil, 0, fmt.Errorf("%w: at most %d edges: want 1 to %d", ErrBadQuery, limit, MaxNodes)
	}
	i, ok := g.index[e]
	if !ok {
		return nil, 0, ErrNotFound
	}
	c, err := g.compile(f)
	if err != nil {
		return nil, 0, err
	}
	var kept []int32
	for _, j := range g.adj[g.off[i]:g.off[i+1]] {
		if c.keep(&g.edges[j]) {
			kept = append(kept, j)
		}
	}
	slices.SortStableFunc(kept, func(a, b int32) int { return cmp.Compare(g.edges[b].weight, g.edges[a].weight) })
	more := max(0, len(kept)-limit)
	kept = kept[:len(kept)-more]
	out := make([]Edge, len(kept))
	for k, j := range kept {
		out[k] = g.public(j)
	}
	return out, more, nil
}

// Path is a chain of edges from one entity to another.
type Path struct {
	Nodes []Node `json:"nodes"` // from the first entity to the last
	Edges []Edge `json:"edges"` // Edges[i] joins Nodes[i] and Nodes[i+1]
	// Weight is the product of the edges' weights: how strong the chain
	// is as a whole.
	Weight float64 `json:"weight"`
}

// ErrBadQuery is returned (wrapped) for a query out of bounds: a depth,
// a number of hops or nodes, a weight or dates that cannot be.
var ErrBadQuery = errors.New("bad network query")

// ErrNoPath is returned when no chain of kept edges within the bound of
// hops joins the two entities.
var ErrNoPath = errors.New("no path")

// ShortestPath returns a path of the fewest hops from a to b over the edges
// f keeps, of at most maxHops (0: DefaultHops). Among the shortest, it is
// the first found searching from both ends at once.
func (g *Graph) ShortestPath(a, b record.EntityID, maxHops int, f Filter) (Path, error) {
	s, t, c, maxHops, err := g.pathArgs(a, b, maxHops, f)
	if err != nil || s == t {
		return g.pathOf([]int32{s}, nil), err
	}
	return g.shortest(s, t, &c, maxHops)
}

// shortest is ShortestPath between two nodes, s ≠ t.
func (g *Graph) shortest(s, t int32, c *compiled, maxHops int) (Path, error) {
	// Bidirectional breadth-first search: grow the smaller frontier.
	prev := [2]map[int32]int32{{s: -1}, {t: -1}} // node → edge that reached it
	frontier := [2][]int32{{s}, {t}}
	for hops := 0; hops < maxHops; hops++ {
		side := 0
		if len(frontier[1]) < len(frontier[0]) {
			side = 1
		}
		if len(frontier[side]) == 0 {
			break
		}
		var next []int32
		for _, i := range frontier[side] {
			for _, j := range g.adj[g.off[i]:g.off[i+1]] {
				if !c.keep(&g.edges[j]) {
					continue
				}
				o := g.other(j, i)
				if _, seen := prev[side][o]; seen {
					continue
				}
				prev[side][o] = j
				if _, met := prev[1-side][o]; met {
					return g.joinPath(prev, o), nil
				}
				next = append(next, o)
			}
		}
		frontier[side] = next
	}
	return Path{}, ErrNoPath
}

// joinPath makes the path through the node m both searches reached.
func (g *Graph) joinPath(prev [2]map[int32]int32, m int32) Path {
	var nodes, edges []int32
	for i := m; ; { // back to s
		nodes = append(nodes, i)
		j := prev[0][i]
		if j < 0 {
			break
		}
		edges = append(edges, j)
		i = g.other(j, i)
	}
	slices.Reverse(nodes)
	slices.Reverse(edges)
	for i := m; ; { // on to t
		j := prev[1][i]
		if j < 0 {
			break
		}
		edges = append(edges, j)
		i = g.other(j, i)
		nodes = append(nodes, i)
	}
	return g.pathOf(nodes, edges)
}

// StrongestPath returns the path from a to b whose product of edge
// weights is greatest, over the edges f keeps, of at most maxHops hops
// (0: DefaultHops): the chain of the strongest evidence, not the
// shortest. Ties go to the path of fewer hops.
//
// It searches from both ends at once, each to half the hops: from a, the
// cheapest cost (−ln weight) of reaching each node in at most ⌈maxHops/2⌉
// hops, by rounds that relax only the nodes the last round improved
// (Bellman–Ford bounded by hops); from b the same for the rest; the path
// meets at the node where the two costs add up least. Any path of at most
// maxHops hops has such a middle node, so the best is found, while each
// side reads only its own neighbourhood. The shortest path bounds the
// search: no part of a path at least as costly is followed, and when no
// path is cheaper, the shortest is the answer (of as little cost, and the
// fewest hops).
func (g *Graph) StrongestPath(a, b record.EntityID, maxHops int, f Filter) (Path, error) {
	s, t, c, maxHops, err := g.pathArgs(a, b, maxHops, f)
	if err != nil || s == t {
		return g.pathOf([]int32{s}, nil), err
	}
	short, err := g.shortest(s, t, &c, maxHops)
	if err != nil {
		return short, err
	}
	bound := -math.Log(short.Weight)
	if bound <= 0 {
		return short, nil // every edge of weight 1: none is stronger
	}
	hs := (maxHops + 1) / 2
	fromS, bestS := g.rounds(s, hs, &c, bound)
	fromT, bestT := g.rounds(t, maxHops-hs, &c, bound)
	meet, cost, hops := int32(-1), bound, 0
	for m, ls := range bestS {
		lt, ok := bestT[m]
		if !ok {
			continue
		}
		total := fromS[ls][m].cost + fromT[lt][m].cost
		h := int(ls) + int(lt)
		if total < cost || (total == cost && (h < hops || (h == hops && m < meet))) {
			meet, cost, hops = m, total, h
		}
	}
	if meet < 0 {
		return short, nil // none cheaper than the shortest
	}
	var nodes, edges []int32
	for m, l := meet, bestS[meet]; m >= 0; { // back to s
		st := fromS[l][m]
		nodes = append(nodes, m)
		if st.edge >= 0 {
			edges = append(edges, st.edge)
		}
		m, l = st.prev, l-1
	}
	slices.Reverse(nodes)
	slices.Reverse(edges)
	for m, l := meet, bestT[meet]; ; { // on to t
		st := fromT[l][m]
		if st.edge < 0 {
			break
		}
		edges = append(edges, st.edge)
		nodes = append(nodes, st.prev)
		m, l = st.prev, l-1
	}
	return g.pathOf(nodes, edges), nil
}

// step is how a round reached a node: at what cost, by which edge, from
// which node (reached in the round before).
type step struct {
	cost float64
	edge int32
	prev int32
}

// rounds finds the cheapest cost of reaching each node from src in at
// most hops hops, of those that cost less than bound: rounds[k] holds the
// nodes round k improved, and best the round of each node's cheapest
// cost. A node improved in round k−1 is relaxed in round k; no other is,
// as its costs were relaxed already.
func (g *Graph) rounds(src int32, hops int, c *compiled, bound float64) ([]map[int32]step, map[int32]int8) {
	rounds := []map[int32]step{{src: {0, -1, -1}}}
	best := map[int32]int8{src: 0}
	cost := map[int32]float64{src: 0}
	for k := 1; k <= hops && len(rounds[k-1]) > 0; k++ {
		next := map[int32]step{}
		for o, st := range rounds[k-1] {
			for _, j := range g.adj[g.off[o]:g.off[o+1]] {
				e := &g.edges[j]
				if !c.keep(e) {
					continue
				}
				n := g.other(j, o)
				w := st.cost - math.Log(e.weight)
				if w >= bound {
					continue
				}
				if have, ok := cost[n]; ok && have <= w {
					continue
				}
				cost[n] = w
				next[n] = step{w, j, o}
				best[n] = int8(k)
			}
		}
		rounds = append(rounds, next)
	}
	return rounds, best
}

func (g *Graph) pathArgs(a, b record.EntityID, maxHops int, f Filter) (s, t int32, c compiled, hops int, err error) {
	hops = cmp.Or(maxHops, DefaultHops)
	if hops < 1 || hops > MaxHops {
		return 0, 0, c, 0, fmt.Errorf("%w: at most %d hops: want 1 to %d", ErrBadQuery, hops, MaxHops)
	}
	var ok bool
	if s, ok = g.index[a]; !ok {
		return 0, 0, c, 0, fmt.Errorf("%s: %w", a, ErrNotFound)
	}
	if t, ok = g.index[b]; !ok {
		return 0, 0, c, 0, fmt.Errorf("%s: %w", b, ErrNotFound)
	}
	c, err = g.compile(f)
	return s, t, c, hops, err
}

func (g *Graph) pathOf(nodes, edges []int32) Path {
	p := Path{Weight: 1}
	for _, i := range nodes {
		p.Nodes = append(p.Nodes, g.nodes[i])
	}
	for _, j := range edges {
		e := g.public(j)
		p.Edges = append(p.Edges, e)
		p.Weight *= e.Weight
	}
	return p
}

// Group is a set of entities joined by kept edges: a connected component.
type Group struct {
	Size  int `json:"size"`  // entities
	Edges int `json:"edges"` // kept edges among them
	// Density is Edges over the pairs the entities make: 1 when every two
	// are linked.
	Density float64 `json:"density"`
	// Types counts its edges by type.
	Types map[string]int `json:"types"`
	// Members are its entities, at most MaxGroupMembers, and within
	// MaxListedMembers for all the groups of an answer (Truncated says
	// there were more).
	Members   []record.EntityID `json:"members"`
	Truncated bool              `json:"truncated,omitempty"`
}

// Groups returns the groups of at least minSize entities (0: 3) that the
// edges f keeps join, largest first, then densest, at most limit (0:
// DefaultGroups): rings of people and companies tied by shared phones and
// accounts, for f following shares_* edges.
func (g *Graph) Groups(minSize, limit int, f Filter) ([]Group, error) {
	minSize, limit = cmp.Or(minSize, 3), cmp.Or(limit, DefaultGroups)
	if minSize < 2 || limit < 1 {
		return nil, fmt.Errorf("%w: groups of at least %d entities, %d of them: want at least 2, and 1", ErrBadQuery, minSize, limit)
	}
	c, err := g.compile(f)
	if err != nil {
		return nil, err
	}
	parent := make([]int32, len(g.nodes))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for j := range g.edges {
		if e := &g.edges[j]; c.keep(e) {
			if x, y := find(e.from), find(e.to); x != y {
				if x < y {
					x, y = y, x
				}
				parent[x] = y
			}
		}
	}
	size := map[int32]int{}
	for i := range parent {
		size[find(int32(i))]++
	}
	type comp struct {
		root  int32
		size  int
		edges int
		types map[string]int
	}
	comps := map[int32]*comp{}
	for r, n := range size {
		if n >= minSize {
			comps[r] = &comp{root: r, size: n, types: map[string]int{}}
		}
	}
	for j := range g.edges {
		e := &g.edges[j]
		if !c.keep(e) {
			continue
		}
		if cp, ok := comps[find(e.from)]; ok {
			cp.edges++
			cp.types[g.types[e.typ]]++
		}
	}
	list := make([]*comp, 0, len(comps))
	for _, cp := range comps {
		list = append(list, cp)
	}
	density := func(cp *comp) float64 { return float64(cp.edges) / (float64(cp.size) * float64(cp.size-1) / 2) }
	slices.SortFunc(list, func(x, y *comp) int {
		if x.size != y.size {
			return y.size - x.size
		}
		if dx, dy := density(x), density(y); dx != dy {
			return cmp.Compare(dy, dx)
		}
		return strings.Compare(string(g.nodes[x.root].Entity), string(g.nodes[y.root].Entity))
	})
	list = list[:min(len(list), limit)]
	out := make([]Group, len(list))
	pos := map[int32]int{}
	for k, cp := range list {
		out[k] = Group{Size: cp.size, Edges: cp.edges, Density: density(cp), Types: cp.types}
		pos[cp.root] = k
	}
	// Each group lists at most MaxGroupMembers, and all of them at most
	// MaxListedMembers, the largest groups first.
	room := MaxListedMembers
	quota := make([]int, len(out))
	for k := range out {
		quota[k] = min(out[k].Size, MaxGroupMembers, room)
		room -= quota[k]
		out[k].Truncated = quota[k] < out[k].Size
	}
	for i := range g.nodes {
		if k, ok := pos[find(int32(i))]; ok && len(out[k].Members) < quota[k] {
			out[k].Members = append(out[k].Members, g.nodes[i].Entity)
		}
	}
	for k := range out {
		slices.Sort(out[k].Members)
	}
	return out, nil
}

// All returns the whole graph as a Network, or its first maxNodes nodes
// (0: every node, every edge), and the edges f keeps among them — at most
// EdgesPerNode times maxNodes: what an export writes.
func (g *Graph) All(maxNodes int, f Filter) (Network, error) {
	c, err := g.compile(f)
	if err != nil {
		return Network{}, err
	}
	n := len(g.nodes)
	if maxNodes > 0 && maxNodes < n {
		n = maxNodes
	}
	out := Network{Nodes: slices.Clone(g.nodes[:n]), Truncated: n < len(g.nodes)}
	for j := range g.edges {
		if e := &g.edges[j]; int(e.from) < n && int(e.to) < n && c.keep(e) {
			if maxNodes > 0 && len(out.Edges) == maxNodes*EdgesPerNode {
				out.Truncated = true
				break
			}
			out.Edges = append(out.Edges, g.public(int32(j)))
		}
	}
	return out, nil
}
