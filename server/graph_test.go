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
