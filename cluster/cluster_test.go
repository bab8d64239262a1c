package cluster_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/concord-er/concord/cluster"
)

func TestGreedyComponents(t *testing.T) {
	edges := []cluster.Edge{{0, 1, 10}, {1, 2, 8}, {3, 4, 12}, {2, 3, -5}, {5, 6, 0}}
	res := cluster.Greedy(7, edges, cluster.Options{Threshold: 0})
	if want := []int32{0, 0, 0, 3, 3, 5, 5}; !reflect.DeepEqual(res.Labels, want) {
		t.Errorf("labels = %v, want %v", res.Labels, want)
	}
	if res.Merges != 4 {
		t.Errorf("merges = %d, want 4", res.Merges)
	}
}

// TestBridgeRefused: record 1 (a parent's partial record) matches both 0
// (father) and 2 (son), who conflict: the weaker edge is refused, so the
// family is not chained into one entity.
func TestBridgeRefused(t *testing.T) {
	edges := []cluster.Edge{{0, 1, 9}, {1, 2, 7}}
	conflicts := map[[2]int32]bool{{0, 2}: true}
	res := cluster.Greedy(3, edges, cluster.Options{Conflict: func(a, b int32) bool {
		if a > b {
			a, b = b, a
		}
		return conflicts[[2]int32{a, b}]
	}})
	if want := []int32{0, 0, 2}; !reflect.DeepEqual(res.Labels, want) {
		t.Errorf("labels = %v, want %v", res.Labels, want)
	}
	if len(res.Refused) != 1 || res.Refused[0].Edge != edges[1] || res.Refused[0].With != [2]int32{0, 2} {
		t.Errorf("refused = %+v", res.Refused)
	}
}

// TestExcuse: records 0 and 1 conflict (two typos of one date) but both
// agree with 2, 3 and 4: an excused conflict lets them join; one not
// excused refuses the merge, and a person's cannot-link is never
// excused. The excuse is asked with the members of both groups.
func TestExcuse(t *testing.T) {
	edges := []cluster.Edge{{2, 3, 20}, {3, 4, 19}, {0, 2, 15}, {1, 4, 14}}
	var asked [][]int32
	excuse := func(ok bool) func(ga, gb []int32) func(x, y int32) bool {
		return func(ga, gb []int32) func(x, y int32) bool {
			asked = append(asked, slices.Sorted(slices.Values(slices.Concat(ga, gb))))
			return func(x, y int32) bool { return ok }
		}
	}
	for _, tt := range []struct {
		name   string
		opt    cluster.Options
		merged bool // 1 with 0
		asked  [][]int32
	}{
		{"excused", cluster.Options{Conflict: pairSet([2]int32{0, 1}), Excuse: excuse(true)}, true, [][]int32{{0, 1, 2, 3, 4}}},
		// Refused, then tried once more after the pass (nothing merged).
		{"not excused", cluster.Options{Conflict: pairSet([2]int32{0, 1}), Excuse: excuse(false)}, false, [][]int32{{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}}},
		{"a cannot-link", cluster.Options{CannotLink: pairSet([2]int32{0, 1}), Excuse: excuse(true)}, false, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			asked = nil
			tt.opt.Steps = true
			res := cluster.Greedy(5, edges, tt.opt)
			var excused [][2]int32
			for _, st := range res.Steps {
				excused = append(excused, st.Excused...)
			}
			if want := tt.merged && tt.opt.Conflict != nil; (len(excused) == 1 && excused[0] == [2]int32{1, 0}) != want {
				t.Errorf("steps excused %v, want [1 0]: %v", excused, want)
			}
			// 0 joins 2, 3, 4 first (weight 15); 1's link (14) then meets
			// the conflict with 0.
			if merged := res.Labels[1] == res.Labels[0]; merged != tt.merged {
				t.Errorf("labels = %v: 1 with 0 %v, want %v", res.Labels, merged, tt.merged)
			}
			if !reflect.DeepEqual(asked, tt.asked) {
				t.Errorf("excuse asked of %v, want %v", asked, tt.asked)
			}
		})
	}
}

// TestExcuseRetried: a merge refused for a conflict that the excuse does
// not lift while the entity is small is tried again after the pass, when
// more of its records have joined: 0 and 1 conflict; 1 joins 0's group
// (2) before 3 and 4, which hold the value that excuses it, have joined.
func TestExcuseRetried(t *testing.T) {
	edges := []cluster.Edge{{0, 2, 30}, {1, 2, 25}, {2, 3, 20}, {3, 4, 19}}
	excuse := func(ga, gb []int32) func(x, y int32) bool {
		n := len(ga) + len(gb)
		return func(x, y int32) bool { return n >= 5 } // excused once all five would be one
	}
	res := cluster.Greedy(5, edges, cluster.Options{Conflict: pairSet([2]int32{0, 1}), Excuse: excuse})
	if want := []int32{0, 0, 0, 0, 0}; !reflect.DeepEqual(res.Labels, want) {
		t.Errorf("labels = %v, want %v", res.Labels, want)
	}
	if len(res.Refused) != 0 {
		t.Errorf("refused %+v, want none left", res.Refused)
	}
	res = cluster.Greedy(5, edges, cluster.Options{Conflict: pairSet([2]int32{0, 1}), Excuse: func(ga, gb []int32) func(x, y int32) bool {
		return func(x, y int32) bool { return false }
	}})
	if len(res.Refused) != 1 || res.Refused[0].Edge != edges[1] || res.Refused[0].With != [2]int32{1, 0} {
		t.Errorf("never excused: refused %+v, want the link 1-2 once, for 1 and 0", res.Refused)
	}
}

func TestStrongestFirst(t *testing.T) {
	// 1 matches 0 weakly and 2 strongly; 0 and 2 conflict. 1 must go with 2.
	edges := []cluster.Edge{{0, 1, 3}, {1, 2, 20}}
	res := cluster.Greedy(3, edges, cluster.Options{Conflict: func(a, b int32) bool { return a+b == 2 && a != b }})
	if want := []int32{0, 1, 1}; !reflect.DeepEqual(res.Labels, want) {
		t.Errorf("labels = %v, want %v", res.Labels, want)
	}
}

func TestTooLargeToCheck(t *testing.T) {
	edges := []cluster.Edge{{0, 1, 5}, {2, 3, 5}, {1, 2, 4}}
	res := cluster.Greedy(4, edges, cluster.Options{MaxChecks: 3, Conflict: func(a, b int32) bool { return false }})
	if len(res.Refused) != 1 || !res.Refused[0].TooLarge {
		t.Errorf("refused = %+v, want one too-large refusal", res.Refused)
	}
}

func TestDeterministic(t *testing.T) {
	edges := []cluster.Edge{{2, 3, 5}, {0, 1, 5}, {1, 2, 5}}
	a := cluster.Greedy(4, edges, cluster.Options{})
	b := cluster.Greedy(4, []cluster.Edge{edges[2], edges[0], edges[1]}, cluster.Options{})
	if !reflect.DeepEqual(a.Labels, b.Labels) {
		t.Errorf("edge order changed the result: %v vs %v", a.Labels, b.Labels)
	}
}

func pairSet(pairs ...[2]int32) func(a, b int32) bool {
	set := map[[2]int32]bool{}
	for _, p := range pairs {
		set[p] = true
	}
	return func(a, b int32) bool {
		if a > b {
			a, b = b, a
		}
		return set[[2]int32{a, b}]
	}
}

// A person's decisions: a forced edge joins records the model keeps apart
// (it overrides Conflict) and even below the threshold; a cannot-link
// keeps apart records the model would join, and holds against forced
// edges too.
func TestDecisions(t *testing.T) {
	tests := []struct {
		name   string
		edges  []cluster.Edge
		opt    cluster.Options
		labels []int32
	}{
		{"forced overrides conflict", []cluster.Edge{{0, 1, cluster.Forced}},
			cluster.Options{Threshold: 5, Conflict: pairSet([2]int32{0, 1})}, []int32{0, 0, 2}},
		{"cannot-link splits a strong pair", []cluster.Edge{{0, 1, 30}},
			cluster.Options{Threshold: 5, CannotLink: pairSet([2]int32{0, 1})}, []int32{0, 1, 2}},
		{"cannot-link blocks a chain", []cluster.Edge{{0, 1, 30}, {1, 2, 20}},
			cluster.Options{Threshold: 5, CannotLink: pairSet([2]int32{0, 2})}, []int32{0, 0, 2}},
		{"cannot-link beats forced", []cluster.Edge{{0, 1, cluster.Forced}},
			cluster.Options{Threshold: 5, CannotLink: pairSet([2]int32{0, 1})}, []int32{0, 1, 2}},
		{"forced first", []cluster.Edge{{0, 1, 30}, {1, 2, cluster.Forced}},
			cluster.Options{Threshold: 5, Conflict: pairSet([2]int32{0, 2})}, []int32{0, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := cluster.Greedy(3, tt.edges, tt.opt)
			if !reflect.DeepEqual(res.Labels, tt.labels) {
				t.Errorf("labels = %v, want %v", res.Labels, tt.labels)
			}
		})
	}
}

func TestSteps(t *testing.T) {
	edges := []cluster.Edge{{1, 2, 8}, {0, 1, 10}, {3, 4, 1}}
	res := cluster.Greedy(5, edges, cluster.Options{Threshold: 5, Steps: true})
	want := []cluster.Step{{Edge: edges[1], Sizes: [2]int{1, 1}}, {Edge: edges[0], Sizes: [2]int{2, 1}}}
	if !reflect.DeepEqual(res.Steps, want) {
		t.Errorf("steps = %+v, want %+v", res.Steps, want)
	}
}

// TestAmbiguousHeldBack: record 1 (a payment naming a father and a son at
// one address) links to 0 and 2, who conflict. With Ambiguity, links whose
// weights are closer than the margin are both held back, whatever their
// order; a link stronger by the margin is followed; an unrelated link of
// the same record stays.
func excuseIf(ok bool) func(ga, gb []int32) func(x, y int32) bool {
	return func(ga, gb []int32) func(x, y int32) bool { return func(x, y int32) bool { return ok } }
}

// TestAmbiguityExcuseReadsNeighbours: the excuse of two records a record
// links to alike is asked with the record, those it links to, and the
// copies of each.
func TestAmbiguityExcuseReadsNeighbours(t *testing.T) {
	var asked [][]int32
	opt := cluster.Options{Threshold: 4, Ambiguity: 4, Conflict: pairSet([2]int32{0, 2}),
		Copies: []int32{0, 1, 2, 1, 4}, // 3 is a copy of 1
		Excuse: func(ga, gb []int32) func(x, y int32) bool {
			asked = append(asked, slices.Sorted(slices.Values(slices.Concat(ga, gb))))
			return func(x, y int32) bool { return false }
		}}
	cluster.Greedy(5, []cluster.Edge{{0, 1, 8}, {1, 2, 8}, {1, 4, 20}}, opt)
	if want := []int32{0, 1, 2, 3, 4}; len(asked) == 0 || !slices.Equal(asked[0], want) {
		t.Errorf("excuse asked of %v first, want %v", asked, want)
	}
}

func TestAmbiguousHeldBack(t *testing.T) {
	conflict := func(a, b int32) bool { return a+b == 2 && a != b } // 0 and 2
	tests := []struct {
		name    string
		edges   []cluster.Edge
		labels  []int32
		held    int
		options cluster.Options
	}{
		{"tied: neither", []cluster.Edge{{0, 1, 8}, {1, 2, 8}, {1, 3, 20}}, []int32{0, 1, 2, 1}, 2,
			cluster.Options{Threshold: 4, Ambiguity: 4, Conflict: conflict}},
		{"within the margin: neither", []cluster.Edge{{0, 1, 10}, {1, 2, 7}}, []int32{0, 1, 2}, 2,
			cluster.Options{Threshold: 4, Ambiguity: 4, Conflict: conflict}},
		{"beyond the margin: the stronger", []cluster.Edge{{0, 1, 12}, {1, 2, 7}}, []int32{0, 0, 2}, 0,
			cluster.Options{Threshold: 4, Ambiguity: 4, Conflict: conflict}},
		{"off: greedy takes the first", []cluster.Edge{{0, 1, 8}, {1, 2, 8}}, []int32{0, 0, 2}, 0,
			cluster.Options{Threshold: 4, Conflict: conflict}},
		{"a forced edge is never held", []cluster.Edge{{0, 1, cluster.Forced}, {1, 2, 8}}, []int32{0, 0, 2}, 0,
			cluster.Options{Threshold: 4, Ambiguity: 4, Conflict: conflict}},
		// 0 and 2 are two typos of 1's value: no choice, and one entity.
		{"tied but excused: both", []cluster.Edge{{0, 1, 8}, {1, 2, 8}}, []int32{0, 0, 0}, 0,
			cluster.Options{Threshold: 4, Ambiguity: 4, Conflict: conflict, Excuse: excuseIf(true)}},
		{"tied, not excused: neither", []cluster.Edge{{0, 1, 8}, {1, 2, 8}}, []int32{0, 1, 2}, 2,
			cluster.Options{Threshold: 4, Ambiguity: 4, Conflict: conflict, Excuse: excuseIf(false)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := cluster.Greedy(len(tt.labels), tt.edges, tt.options)
			if !reflect.DeepEqual(res.Labels, tt.labels) {
				t.Errorf("labels = %v, want %v", res.Labels, tt.labels)
			}
			held := 0
			for _, r := range res.Refused {
				if r.Ambiguous {
					held++
					if !conflict(r.With[0], r.With[1]) {
						t.Errorf("held %+v: With is not the conflicting pair", r)
					}
				}
			}
			if held != tt.held {
				t.Errorf("held back %d edges, want %d (refused %+v)", held, tt.held, res.Refused)
			}
		})
	}
}

// TestAdmit: a merge Admit refuses leaves the groups apart, as a weak
// refusal naming what Admit named; a forced edge is not asked; Admit sees
// the groups as they are when the link comes.
func TestAdmit(t *testing.T) {
	// 0–1 strong (one account), 1–2 weaker (a name): 2 may not join the
	// group of 0 and 1, since 0 and 2 disagree.
	var asked [][2]int
	admit := func(ga, gb []int32, e cluster.Edge) ([2]int32, []int, bool) {
		asked = append(asked, [2]int{len(ga), len(gb)})
		for _, x := range ga {
			for _, y := range gb {
				if x+y == 2 && x != y {
					return [2]int32{x, y}, []int{7}, false
				}
			}
		}
		return [2]int32{}, nil, true
	}
	res := cluster.Greedy(4, []cluster.Edge{{0, 1, 20}, {1, 2, 8}, {2, 3, 9}}, cluster.Options{Threshold: 4, Admit: admit})
	if want := []int32{0, 0, 2, 2}; !slices.Equal(res.Labels, want) {
		t.Errorf("labels %v, want %v", res.Labels, want)
	}
	if len(res.Refused) != 1 || !res.Refused[0].Weak || res.Refused[0].With != [2]int32{0, 2} || !slices.Equal(res.Refused[0].Detail, []int{7}) ||
		res.Refused[0].Edge != (cluster.Edge{A: 1, B: 2, Weight: 8}) {
		t.Errorf("refused %+v, want the link 1–2, weak, with 0 and 2, detail [7]", res.Refused)
	}
	if want := [][2]int{{1, 1}, {1, 1}, {2, 2}}; !slices.Equal(asked, want) {
		t.Errorf("Admit asked of groups %v, want %v", asked, want)
	}
	// A forced edge (a person's decision) joins 0 and 1 without asking;
	// the model's link of 2 to that group is asked, and refused.
	asked = nil
	res = cluster.Greedy(3, []cluster.Edge{{0, 1, cluster.Forced}, {1, 2, 20}}, cluster.Options{Threshold: 4, Admit: admit})
	if want := []int32{0, 0, 2}; !slices.Equal(res.Labels, want) || len(res.Refused) != 1 || len(asked) != 1 {
		t.Errorf("with a forced edge: labels %v, refused %v, asked %v; want %v, the model's link refused, asked once", res.Labels, res.Refused, asked, want)
	}
}

// TestConflictAskedOnce: in a clique of copies (a party in every payment
// of one account), each pair's conflict is asked once, however many
// records link to both and however often their groups meet, and the
// answers still count: the two records that conflict end apart.
func TestConflictAskedOnce(t *testing.T) {
	const n = 60
	var edges []cluster.Edge
	for a := range int32(n) {
		for b := a + 1; b < n; b++ {
			edges = append(edges, cluster.Edge{A: a, B: b, Weight: 20})
		}
	}
	asked := map[[2]int32]int{}
	res := cluster.Greedy(n, edges, cluster.Options{Threshold: 10, Ambiguity: 5, Conflict: func(a, b int32) bool {
		asked[[2]int32{min(a, b), max(a, b)}]++
		return min(a, b) == 3 && max(a, b) == 7
	}})
	for p, k := range asked {
		if k > 1 {
			t.Errorf("conflict of %v asked %d times", p, k)
		}
	}
	if len(asked) == 0 {
		t.Fatal("no conflict asked")
	}
	if res.Labels[3] == res.Labels[7] {
		t.Errorf("records 3 and 7 conflict but ended in one entity: labels %v", res.Labels)
	}
}

// With Copies, merges are checked over one member of each set of copies:
// a payee in 3,000 payments joins its entity with a check or two a merge,
// not with up to 3,000 (4.5 million in all), and groups of copies join when all their members together would
// be too many to check; a conflict of a record with one copy is a
// conflict with all of them.
func TestCopies(t *testing.T) {
	const n = 3000
	// 0..n-1: copies of 0; n..n+199: copies of n; n+200: the registry's
	// record of the company; n+201: a record that conflicts with it.
	copies := make([]int32, n+202)
	var edges []cluster.Edge
	for i := range copies {
		switch {
		case i < n:
			copies[i] = 0
		case i < n+200:
			copies[i] = n
		default:
			copies[i] = int32(i)
		}
		if i != int(copies[i]) {
			edges = append(edges, cluster.Edge{A: copies[i], B: int32(i), Weight: 30})
		}
	}
	edges = append(edges, cluster.Edge{A: 0, B: n, Weight: 20}, cluster.Edge{A: n, B: n + 200, Weight: 15},
		cluster.Edge{A: 5, B: n + 201, Weight: 12})
	asked := 0
	conflictOf := func(a, b int32) bool {
		asked++
		// n+201 conflicts with the registry's record, and so with
		// every copy, as alike values would.
		x, y := copies[min(a, b)], copies[max(a, b)]
		return x == n && y == n+201 || x == 0 && y == n+201
	}
	for _, tc := range []struct {
		name       string
		copies     []int32
		maxAsked   int
		labelOf201 int32
		tooLarge   bool
	}{
		{"with copies", copies, 2 * len(copies), n + 201, false},
		{"without", nil, 1 << 30, 0, true},
	} {
		asked = 0
		res := cluster.Greedy(len(copies), edges, cluster.Options{Conflict: conflictOf, Copies: tc.copies, MaxChecks: 250000})
		if asked > tc.maxAsked {
			t.Errorf("%s: %d conflict checks, want at most %d", tc.name, asked, tc.maxAsked)
		}
		tooLarge := slices.ContainsFunc(res.Refused, func(r cluster.Refusal) bool { return r.TooLarge })
		if tooLarge != tc.tooLarge {
			t.Errorf("%s: refused as too large %v, want %v (%+v)", tc.name, tooLarge, tc.tooLarge, res.Refused)
		}
		if tc.copies == nil {
			continue
		}
		for i, l := range res.Labels[:n+201] {
			if l != 0 {
				t.Fatalf("%s: record %d in %d, want all copies and the registry's record in 0", tc.name, i, l)
			}
		}
		if l := res.Labels[n+201]; l != tc.labelOf201 {
			t.Errorf("%s: the conflicting record in %d, want %d", tc.name, l, tc.labelOf201)
		}
	}
}

// A record's links to its own copies are no choice between entities: its
// two links to records that conflict, about as strong, are still held
// back however many copies it links to first.
func TestCopiesAmbiguity(t *testing.T) {
	const copiesN = 100
	first := make([]int32, copiesN+3)
	var edges []cluster.Edge
	for i := range first {
		if i < copiesN {
			first[i] = 0
			if i > 0 {
				edges = append(edges, cluster.Edge{A: 0, B: int32(i), Weight: 40})
			}
		} else {
			first[i] = int32(i)
		}
	}
	father, son := int32(copiesN+1), int32(copiesN+2)
	edges = append(edges, cluster.Edge{A: 0, B: father, Weight: 20}, cluster.Edge{A: 0, B: son, Weight: 19.5})
	conflictOf := func(a, b int32) bool { return min(a, b) == father && max(a, b) == son }
	res := cluster.Greedy(len(first), edges, cluster.Options{Threshold: 5, Conflict: conflictOf, Ambiguity: 5, Copies: first})
	if res.Labels[father] != father || res.Labels[son] != son {
		t.Errorf("labels of father, son = %d, %d: want each alone", res.Labels[father], res.Labels[son])
	}
	held := 0
	for _, r := range res.Refused {
		if r.Ambiguous {
			held++
		}
	}
	if held != 2 {
		t.Errorf("held back as ambiguous: %d, want 2 (%+v)", held, res.Refused)
	}
}

// BenchmarkGreedy clusters a batch-sized graph: 200,000 records, most
// linked to one or two others as a batch run's matches are, with
// conflicts between records of different "birth years", ambiguity held
// back and one record in fifty a copy of the one before it.
func BenchmarkGreedy(b *testing.B) {
	const n = 200000
	rng := rand.New(rand.NewPCG(1, 2))
	var edges []cluster.Edge
	for a := int32(1); a < n; a++ {
		for range rng.IntN(3) {
			b := max(0, a-1-int32(rng.IntN(8)))
			edges = append(edges, cluster.Edge{A: b, B: a, Weight: 4 + 20*rng.Float64()})
		}
	}
	year := func(r int32) int32 { return r / 3 % 7 }
	copies := make([]int32, n)
	for i := range copies {
		copies[i] = int32(i)
		if i%50 == 1 {
			copies[i] = int32(i - 1)
		}
	}
	opt := cluster.Options{Threshold: 4, Ambiguity: 2, Copies: copies,
		Conflict: func(a, b int32) bool { return year(a) != year(b) && year(a) == 0 }}
	b.ReportAllocs()
	for b.Loop() {
		if res := cluster.Greedy(n, edges, opt); res.Merges == 0 {
			b.Fatal("no merges")
		}
	}
}
