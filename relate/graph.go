// Package relate builds the network of entities: the relationships records
// disclose (an officer of a company, a payment's parties), the identifiers
// entities share without being one (a phone, an account, an address), and
// the pairs a reviewer has yet to decide; and answers questions about it —
// the neighbours of an entity, the path between two, the groups they form —
// with the evidence of every edge.
//
// The package is pure: it is given the records a reader may see, with
// their entities, and builds a Graph of them. What the reader may not see
// is never given, so an edge stated by a hidden record, or an identifier
// only a hidden record holds, does not exist in the reader's graph and no
// path crosses it.
package relate

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/concord-er/concord/record"
)

// Edge types the graph derives; disclosed relationships keep the type
// their config gives them.
const (
	// SharesPrefix begins the type of an edge between entities that hold
	// the same value of an identifying feature: shares_phone.
	SharesPrefix = "shares_"
	// PossiblySame links entities with records a reviewer has yet to
	// decide about: they may be one.
	PossiblySame = "possibly_same"
)

// Record is what the graph needs of one record the reader may see.
type Record struct {
	Key    record.Key
	Entity record.EntityID
	Kind   record.EntityKind
	Name   string // a name to show, as written
	// Relations are the relationships the record states (record.Relation).
	Relations []record.Relation
	// Shared are its values of identifying features, normalised: two
	// entities holding one are linked shares_<feature>.
	Shared []Value
}

// Value is a normalised value of one feature.
type Value struct{ Feature, Value string }

// Node is an entity of the network.
type Node struct {
	Entity  record.EntityID   `json:"entity"`
	Kind    record.EntityKind `json:"kind,omitempty"`
	Name    string            `json:"name,omitempty"`
	Records int               `json:"records"` // its records the reader may see
}

// Evidence is one reason for an edge: a record that states it, a value two
// records share, a pair in review.
type Evidence struct {
	From record.Key `json:"from"` // the record at the edge's From end
	To   record.Key `json:"to"`
	// Attributes are a disclosed relationship's, as its row gave them.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Value is the shared value of a shares_ edge, and Holders how many
	// entities hold it.
	Value   string `json:"value,omitempty"`
	Holders int    `json:"holders,omitempty"`
	// Probability is a pair in review's match probability.
	Probability float64 `json:"probability,omitempty"`
}

// Text says the evidence in a line: its two records, and the value they
// share, the pair's probability, or the relationship's attributes.
func (e Evidence) Text() string {
	line := e.From.String() + " — " + e.To.String()
	switch {
	case e.Value != "":
		return line + fmt.Sprintf(": %s, held by %d entities", e.Value, e.Holders)
	case e.Probability > 0:
		return line + fmt.Sprintf(": in review, match probability %.3g", e.Probability)
	case len(e.Attributes) > 0:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(e.Attributes)) {
			parts = append(parts, k+" "+e.Attributes[k])
		}
		return line + ": " + strings.Join(parts, ", ")
	}
	return line
}

// Edge is a relationship between two entities, with its evidence.
type Edge struct {
	From     record.EntityID `json:"from"`
	To       record.EntityID `json:"to"`
	Type     string          `json:"type"`
	Directed bool            `json:"directed"` // disclosed: from states it of to
	// Weight is in (0, 1]: 1 for a disclosed relationship; for a shared
	// value, 1/(holders−1), so a value two entities hold weighs 1 and a
	// call centre's number next to nothing (several values: 1−∏(1−w));
	// for a pair in review, its match probability.
	Weight   float64    `json:"weight"`
	Evidence []Evidence `json:"evidence"`
}

// Options bound what a graph is built from.
type Options struct {
	// MaxHolders is the most entities a shared value may link: one held by
	// more (a call centre, a registered agent's address) makes no edges,
	// and Stats.Crowded counts it. 0 means DefaultMaxHolders.
	MaxHolders int
	// MaxEvidence bounds the evidence kept on one edge (the rest counted
	// in the edge's weight only). 0 means DefaultMaxEvidence.
	MaxEvidence int
}

// Defaults of Options.
const (
	DefaultMaxHolders  = 50
	DefaultMaxEvidence = 20
)

// Stats count what a build found.
type Stats struct {
	Records   int `json:"records"`
	Entities  int `json:"entities"`
	Edges     int `json:"edges"`
	Disclosed int `json:"disclosed"` // relations stated by the records
	// Dangling are relations whose other record the reader may not see,
	// or that is not stored (a row without a beneficiary).
	Dangling int `json:"dangling"`
	// Within are relations, and pairs in review, between records of one
	// entity: no edge.
	Within int `json:"within"`
	// Crowded are values held by more than MaxHolders entities.
	Crowded int `json:"crowded"`
}

// edge is an edge as the graph keeps it: ends as node indexes.
type edge struct {
	from, to   int32
	typ        int32 // index into Graph.types
	directed   bool
	weight     float64
	dmin, dmax int32 // days since 1970 of its dated evidence; dmin > dmax: undated
	evidence   []Evidence
}

// Graph is the network of entities one reader may see. It is immutable
// once built, and safe for concurrent queries.
type Graph struct {
	nodes []Node
	index map[record.EntityID]int32
	types []string
	edges []edge
	// adj lists, for node i, the edges at it: adj[off[i]:off[i+1]].
	off   []int32
	adj   []int32
	stats Stats
}

// Stats returns what the build found.
func (g *Graph) Stats() Stats { return g.stats }

// Node returns the node of an entity.
func (g *Graph) Node(e record.EntityID) (Node, bool) {
	i, ok := g.index[e]
	if !ok {
		return Node{}, false
	}
	return g.nodes[i], true
}

// Types returns the edge types the graph holds, sorted.
func (g *Graph) Types() []string {
	out := slices.Clone(g.types)
	slices.Sort(out)
	return out
}

// Builder gathers records and pairs in review into a Graph.
type Builder struct {
	opt     Options
	records []Record
	keys    map[record.Key]int32 // record → its entity's node
	nodes   []Node
	index   map[record.EntityID]int32
	pending []pendingPair
}

type pendingPair struct {
	a, b record.Key
	p    float64
}

// NewBuilder returns an empty builder.
func NewBuilder(opt Options) *Builder {
	if opt.MaxHolders <= 0 {
		opt.MaxHolders = DefaultMaxHolders
	}
	if opt.MaxEvidence <= 0 {
		opt.MaxEvidence = DefaultMaxEvidence
	}
	return &Builder{opt: opt, keys: map[record.Key]int32{}, index: map[record.EntityID]int32{}}
}

// Add adds a record the reader may see. A record without an entity is
// left out.
func (b *Builder) Add(r Record) {
	if r.Entity == "" {
		return
	}
	i, ok := b.index[r.Entity]
	if !ok {
		i = int32(len(b.nodes))
		b.index[r.Entity] = i
		b.nodes = append(b.nodes, Node{Entity: r.Entity, Kind: r.Kind})
	}
	n := &b.nodes[i]
	n.Records++
	if n.Kind == record.EntityUnknown {
		n.Kind = r.Kind
	}
	if n.Name == "" || (r.Name != "" && r.Name < n.Name) {
		n.Name = r.Name // the same name whatever the order records come in
	}
	b.keys[r.Key] = i
	r.Name = ""
	b.records = append(b.records, r)
}

// Possible adds a pair of records in review, with its match probability.
// A pair whose records are not both added makes no edge.
func (b *Builder) Possible(x, y record.Key, p float64) {
	b.pending = append(b.pending, pendingPair{x, y, p})
}

// edgeKey names an edge while building: its ends and type (an index
// into Graph.types).
type edgeKey struct{ from, to, typ int32 }

// Build makes the graph. The builder is spent.
func (b *Builder) Build() *Graph {
	g := &Graph{nodes: b.nodes, index: b.index}
	g.stats.Records, g.stats.Entities = len(b.records), len(b.nodes)
	disclosed := 0
	for _, r := range b.records {
		disclosed += len(r.Relations)
	}
	at := make(map[edgeKey]int, disclosed) // → index in g.edges
	g.edges = make([]edge, 0, disclosed)
	typeIndex := map[string]int32{}
	typeOf := func(name string) int32 {
		t, ok := typeIndex[name]
		if !ok {
			t = int32(len(g.types))
			typeIndex[name] = t
			g.types = append(g.types, name)
		}
		return t
	}
	add := func(k edgeKey, directed bool, w float64, ev Evidence) {
		if !directed && k.from > k.to {
			k.from, k.to = k.to, k.from
			ev.From, ev.To = ev.To, ev.From
		}
		j, ok := at[k]
		if !ok {
			j = len(g.edges)
			at[k] = j
			g.edges = append(g.edges, edge{from: k.from, to: k.to, typ: k.typ, directed: directed, dmin: math.MaxInt32, dmax: math.MinInt32})
		}
		e := &g.edges[j]
		if len(e.evidence) == 0 {
			e.weight = w
		} else {
			e.weight = 1 - (1-e.weight)*(1-w) // several reasons: stronger together
		}
		if len(e.evidence) < b.opt.MaxEvidence {
			e.evidence = append(e.evidence, ev)
		}
		if d, ok := evidenceDay(ev.Attributes); ok {
			e.dmin, e.dmax = min(e.dmin, d), max(e.dmax, d)
		}
	}
	// Disclosed relationships.
	for _, r := range b.records {
		from := b.keys[r.Key]
		for _, rel := range r.Relations {
			g.stats.Disclosed++
			to, ok := b.keys[rel.To]
			switch {
			case !ok:
				g.stats.Dangling++
			case to == from:
				g.stats.Within++
			default:
				add(edgeKey{from, to, typeOf(rel.Type)}, true, 1, Evidence{From: r.Key, To: rel.To, Attributes: rel.Attributes})
			}
		}
	}
	// Shared values: the entities holding each, with one record each.
	type holder struct {
		node int32
		key  record.Key
	}
	holders := map[Value][]holder{}
	for _, r := range b.records {
		n := b.keys[r.Key]
		for _, v := range r.Shared {
			hs := holders[v]
			if slices.ContainsFunc(hs, func(h holder) bool { return h.node == n }) {
				continue
			}
			if len(hs) > b.opt.MaxHolders { // crowded already: stop growing
				continue
			}
			holders[v] = append(hs, holder{n, r.Key})
		}
	}
	var values []Value // held by several entities
	for v, hs := range holders {
		if len(hs) > 1 {
			values = append(values, v)
		}
	}
	slices.SortFunc(values, func(x, y Value) int {
		return cmpStrings(x.Feature, y.Feature, x.Value, y.Value)
	})
	for _, v := range values {
		hs := holders[v]
		switch {
		case len(hs) > b.opt.MaxHolders:
			g.stats.Crowded++
			continue
		}
		w, t := 1/float64(len(hs)-1), typeOf(SharesPrefix+v.Feature)
		for i := range hs {
			for j := i + 1; j < len(hs); j++ {
				add(edgeKey{hs[i].node, hs[j].node, t}, false, w,
					Evidence{From: hs[i].key, To: hs[j].key, Value: v.Value, Holders: len(hs)})
			}
		}
	}
	// Pairs in review.
	for _, p := range b.pending {
		x, okx := b.keys[p.a]
		y, oky := b.keys[p.b]
		if !okx || !oky {
			continue
		}
		if x == y {
			g.stats.Within++
			continue
		}
		add(edgeKey{x, y, typeOf(PossiblySame)}, false, min(max(p.p, 1e-9), 1), Evidence{From: p.a, To: p.b, Probability: p.p})
	}
	g.stats.Edges = len(g.edges)
	g.index = b.index
	g.link()
	*b = Builder{}
	return g
}

// link makes the adjacency lists.
func (g *Graph) link() {
	g.off = make([]int32, len(g.nodes)+1)
	for _, e := range g.edges {
		g.off[e.from+1]++
		g.off[e.to+1]++
	}
	for i := 1; i < len(g.off); i++ {
		g.off[i] += g.off[i-1]
	}
	g.adj = make([]int32, 2*len(g.edges))
	fill := slices.Clone(g.off[:len(g.nodes)])
	for j, e := range g.edges {
		g.adj[fill[e.from]] = int32(j)
		fill[e.from]++
		g.adj[fill[e.to]] = int32(j)
		fill[e.to]++
	}
}

// other returns the end of edge j that is not node i.
func (g *Graph) other(j, i int32) int32 {
	if e := &g.edges[j]; e.from != i {
		return e.from
	}
	return g.edges[j].to
}

// public returns edge j as callers see it.
func (g *Graph) public(j int32) Edge {
	e := &g.edges[j]
	return Edge{From: g.nodes[e.from].Entity, To: g.nodes[e.to].Entity, Type: g.types[e.typ],
		Directed: e.directed, Weight: e.weight, Evidence: e.evidence}
}

// evidenceDay reads the day of a relationship from its attributes: the
// first attribute named date, or ending in _date or date, that reads as
// a date.
func evidenceDay(attrs map[string]string) (int32, bool) {
	if len(attrs) == 0 {
		return 0, false
	}
	if v, ok := attrs["date"]; ok { // the usual name, without sorting names
		if d, ok := isoDays(v); ok {
			return d, true
		}
		if t, ok := ParseDay(v); ok {
			return int32(t.Unix() / 86400), true
		}
	}
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		if strings.HasSuffix(strings.ToLower(k), "date") {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		if t, ok := ParseDay(attrs[k]); ok {
			return int32(t.Unix() / 86400), true
		}
	}
	return 0, false
}

// dayLayouts are the date forms ParseDay reads.
var dayLayouts = []string{"2006-01-02", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05", "20060102", "02/01/2006", "2006/01/02"}

// ParseDay reads a date as relationships' attributes and filters give it:
// ISO 8601 (2024-03-01, with a time or not), 20240301, 01/03/2024 (day
// first) or 2024/03/01.
func ParseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, ok := isoDay(s); ok {
		return t, true
	}
	for _, l := range dayLayouts[1:] {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isoDays reads YYYY-MM-DD as days since 1970-01-01 without making a
// time.Time: every payment's date is read when a network is built.
func isoDays(s string) (int32, bool) {
	y, m, d, ok := isoParts(s)
	if !ok {
		return 0, false
	}
	// days from civil (Howard Hinnant's algorithm)
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468), true
}

// isoParts reads YYYY-MM-DD into a valid date's parts.
func isoParts(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	num := func(part string) int {
		n := 0
		for _, c := range []byte(part) {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d = num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// isoDay reads YYYY-MM-DD as a time (isoParts).
func isoDay(s string) (time.Time, bool) {
	y, m, d, ok := isoParts(s)
	if !ok {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

func cmpStrings(a1, b1, a2, b2 string) int {
	if c := strings.Compare(a1, b1); c != 0 {
		return c
	}
	return strings.Compare(a2, b2)
}

// ErrNotFound is returned for an entity the graph does not hold: none of
// its records is visible, or it has none.
var ErrNotFound = errors.New("entity not in the network")
