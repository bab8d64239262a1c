package live_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// TestGroupReviews: each pair goes to the record of the two that more
// pairs hold in doubt (the smaller key of two that as many hold), its
// pairs strongest first, the groups of more pairs first.
func TestGroupReviews(t *testing.T) {
	k := func(s string) record.Key { return record.Key{Source: "s", ID: s} }
	rv := func(a, b string, w float64) record.Review { return record.Review{A: k(a), B: k(b), Weight: w} }
	for _, c := range []struct {
		name  string
		items []record.Review
		want  []string // each group as "record: other other …"
	}{
		{"none", nil, nil},
		{"a payment that may be either of two customers, and a pair alone",
			[]record.Review{rv("c1", "p", 1), rv("x", "y", 2), rv("c2", "p", 3)},
			[]string{"s/p: s/c2 s/c1", "s/x: s/y"}},
		{"a customer with three payments in doubt, one of them another's too",
			[]record.Review{rv("c", "p1", 1), rv("c", "p2", 2), rv("c", "p3", 3), rv("c2", "p1", 4)},
			[]string{"s/c: s/p3 s/p2 s/p1", "s/p1: s/c2"}},
		{"as many pairs each: the smaller key's",
			[]record.Review{rv("b", "a", 1), rv("d", "c", 1), rv("d", "e", 1), rv("c", "e", 1)},
			[]string{"s/c: s/d s/e", "s/a: s/b", "s/d: s/e"}},
	} {
		var got []string
		pairs := 0
		for _, g := range live.GroupReviews(c.items) {
			var others []string
			for _, p := range g.Pairs {
				if p.A != g.Record && p.B != g.Record {
					t.Errorf("%s: group %s holds pair %s–%s", c.name, g.Record, p.A, p.B)
				}
				others = append(others, g.Other(p).String())
				pairs++
			}
			got = append(got, fmt.Sprintf("%s: %s", g.Record, strings.Join(others, " ")))
		}
		if !reflect.DeepEqual(got, c.want) || pairs != len(c.items) {
			t.Errorf("%s: groups %q (%d pairs), want %q (%d)", c.name, got, pairs, c.want, len(c.items))
		}
		// The same groups as a list: each pair beside its record in doubt.
		var listed []string
		list, doubt := live.ByRecordInDoubt(c.items)
		for i, p := range list {
			if n := len(listed); n == 0 || !strings.HasPrefix(listed[n-1], doubt[i].String()+":") {
				listed = append(listed, doubt[i].String()+":")
			}
			other := p.A
			if other == doubt[i] {
				other = p.B
			}
			listed[len(listed)-1] += " " + other.String()
		}
		if len(list) != len(doubt) || !reflect.DeepEqual(listed, c.want) {
			t.Errorf("%s: by record in doubt %q, want %q", c.name, listed, c.want)
		}
	}
}
