package server

import (
	"strings"
	"testing"

	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// An entity's graph draws each pair once: a reviewer's decision over a
// pair in review over a link; links strong at or above the threshold.
func TestGraphOf(t *testing.T) {
	k := func(id string) record.Key { return record.Key{Source: "s", ID: id} }
	recs := []live.StoredRecord{
		{Record: record.Record{Key: k("a")}, Links: []record.Link{{A: k("a"), B: k("b"), Weight: 20}, {A: k("a"), B: k("c"), Weight: 2}}},
		{Record: record.Record{Key: k("b")}, Links: []record.Link{{A: k("a"), B: k("b"), Weight: 20}, {A: k("b"), B: k("d"), Weight: 9}}},
		{Record: record.Record{Key: k("c")}},
		{Record: record.Record{Key: k("d")}},
	}
	decisions := []record.Decision{{A: k("b"), B: k("d"), Verdict: record.VerdictDifferent, Reviewer: "ann"}}
	reviews := []record.Review{{A: k("a"), B: k("c"), Weight: 2, Reason: "conflict"}, {A: k("c"), B: k("d"), Weight: 1, Reason: "review band"}}
	g := graphOf(recs, decisions, reviews, 10)
	got := map[string]string{}
	for _, e := range g.Edges {
		pair := e.Label[:strings.Index(e.Label, ":")]
		if _, twice := got[pair]; twice {
			t.Errorf("%s drawn twice", pair)
		}
		got[pair] = e.Class
	}
	want := map[string]string{
		"s/a · s/b": "s3 strong",    // a link above the threshold
		"s/b · s/d": "different s2", // the decision, not the link
		"s/a · s/c": "review s2",    // in review, not the weak link
		"s/c · s/d": "review s2",
	}
	if len(got) != len(want) {
		t.Errorf("edges %v, want %v", got, want)
	}
	for p, c := range want {
		if got[p] != c {
			t.Errorf("%s: class %q, want %q", p, got[p], c)
		}
	}
	if graphOf(recs[:1], nil, nil, 10) != nil {
		t.Error("a graph of one record")
	}
}

// A network page draws one line to each neighbour for all the edges
// between them, styled by the strongest kind, the strongest first, at most
// maxNetworkDrawn.
func TestNetworkGraph(t *testing.T) {
	edges := []networkEdgeView{
		{Type: "shares_phone", Arrow: "—", Other: "B", Weight: 0.25},
		{Type: "paid", Arrow: "→", Other: "B", Weight: 1},
		{Type: "possibly_same", Arrow: "—", Other: "C", Weight: 0.7, OtherName: "Cy Vale"},
		{Type: "shares_phone", Arrow: "—", Other: "D", Weight: 0.1},
	}
	g := networkGraph("A", edges)
	if len(g.Nodes) != 4 || len(g.Edges) != 3 {
		t.Fatalf("%d nodes, %d edges; want the entity, its 3 neighbours, a line to each", len(g.Nodes), len(g.Edges))
	}
	if g.Nodes[0].Label != "A" || g.Nodes[2].Label != "Cy Vale" {
		t.Errorf("labels %q and %q: want the entity, then its neighbours by name when they have one", g.Nodes[0].Label, g.Nodes[2].Label)
	}
	for i, want := range []struct{ class, label string }{
		{"s4 strong", "B: — shares_phone (0.25), → paid (1.00)"},
		{"s3 review", "C: — possibly_same (0.70)"},
		{"s1 shared", "D: — shares_phone (0.10)"},
	} {
		if e := g.Edges[i]; e.Class != want.class || e.Label != want.label {
			t.Errorf("edge %d: %q %q, want %q %q", i, e.Class, e.Label, want.class, want.label)
		}
	}
	var many []networkEdgeView
	for i := range maxNetworkDrawn + 5 {
		many = append(many, networkEdgeView{Type: "t", Arrow: "→", Other: record.EntityID(string(rune('a' + i))), Weight: 1})
	}
	if g := networkGraph("A", many); len(g.Edges) != maxNetworkDrawn {
		t.Errorf("%d neighbours drawn, want at most %d", len(g.Edges), maxNetworkDrawn)
	}
	if networkGraph("A", nil) != nil {
		t.Error("an entity without edges draws a graph")
	}
}
