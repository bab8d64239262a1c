// Package cluster groups records into entities from scored pairs.
//
// Edges are taken strongest first. Two groups join only if no pair across
// them conflicts (for example two different dates of birth where the pair
// does not match on its own), so a record that matches two people only
// partially cannot chain them into one entity. A record that matches two
// conflicting records about equally is joined to neither
// (Options.Ambiguity).
package cluster

import (
	"cmp"
	"math"
	"slices"
)

// Edge is a scored pair of record indexes.
type Edge struct {
	A, B   int32
	Weight float64 // match weight in bits; higher is stronger
}

// Options configure Greedy.
type Options struct {
	// Threshold is the weight at or above which an edge links its records.
	Threshold float64
	// Conflict reports whether two records must not be in one entity. Nil
	// means no conflicts. It must not depend on the order of a and b:
	// Greedy may remember its answer for the pair.
	Conflict func(a, b int32) bool
	// CannotLink reports a person's decision that two records are
	// different entities. Unlike Conflict it also holds against forced
	// edges.
	CannotLink func(a, b int32) bool
	// MaxChecks bounds the cross pairs checked for conflicts per merge;
	// beyond it the merge is refused as unsafe. Default 250000.
	MaxChecks int
	// Ambiguity, when above 0, holds back ambiguous links: when a record
	// links to two records that conflict (a payment naming a father and a
	// son at one address equally well) and the two links' weights are
	// less than Ambiguity bits apart, so that neither is the better by
	// the margin a match needs, neither is followed. Greedy would
	// otherwise follow whichever came first.
	Ambiguity float64
	// Copies, when set, gives for each record the first record of its
	// copies (itself when it has none; block.CopiesOf): records whose
	// values are all alike, so that they conflict with nothing among
	// themselves and alike with any other record. Merges are then checked
	// (Conflict, CannotLink, Admit, MaxChecks) over one member of each set
	// of copies a group holds, and a record's links to its own copies are
	// no choice between entities (Ambiguity). A record under a person's
	// decision must be the first of its own copies.
	Copies []int32
	// Steps records every merge in Result.Steps.
	Steps bool
	// Excuse, when set, is asked, before a merge that Conflict forbids,
	// for a test of the conflicts between the groups' records (ga and gb,
	// every member, copies too: they count in what most of them hold): a
	// conflict it excuses does not forbid the merge (two mistyped readings
	// of the value the entity's other records agree on: model.Scorer.
	// Excuses), nor make a record's two links a choice (Ambiguity). A
	// person's cannot-link is never excused.
	Excuse func(ga, gb []int32) func(x, y int32) bool
	// Admit, when set, is asked before a merge by a model's link (not a
	// person's, and only after the conflicts are checked) whether the
	// entity it would form holds together as a whole (model.Scorer.
	// Admits); when it does not, it names a pair of records across the
	// groups and what they disagree on (Refusal.With, Refusal.Detail).
	Admit func(ga, gb []int32, e Edge) (with [2]int32, detail []int, ok bool)
}

// Refusal is a link edge that was not followed, and why.
type Refusal struct {
	Edge
	// With is the pair whose conflict blocked the merge (the edge itself,
	// or two other records of the groups it would join).
	With [2]int32
	// TooLarge is set when the groups were too large to check.
	TooLarge bool
	// Ambiguous is set when the edge was held back because one of its
	// records links about as strongly to With[1], which conflicts with
	// the edge's other record With[0] (see Options.Ambiguity).
	Ambiguous bool
	// Weak is set when Options.Admit refused the merge; Detail is what
	// it said With disagree on.
	Weak   bool
	Detail []int
}

// Forced is the weight of an edge a person decided (must-link): it is
// followed first and joins its groups whatever the model's conflicts,
// unless CannotLink forbids it.
var Forced = math.Inf(1)

// Step is one merge, in the order they happened.
type Step struct {
	Edge
	Sizes [2]int // sizes of the groups joined, A's side first
	// Excused are pairs across the groups that conflict and that
	// Options.Excuse excused, the first maxExcusedShown.
	Excused [][2]int32
}

// maxExcusedShown bounds the excused conflicts a Step lists.
const maxExcusedShown = 3

// maxRetries bounds the passes over merges refused for conflicts that an
// excuse may lift once their entities have grown.
const maxRetries = 3

// Result is a clustering.
type Result struct {
	Labels  []int32 // per record: the smallest record index of its cluster
	Refused []Refusal
	Merges  int
	Steps   []Step // set when Options.Steps
}

// Greedy clusters n records from edges. It does not modify edges.
func Greedy(n int, edges []Edge, opt Options) Result {
	if opt.MaxChecks <= 0 {
		opt.MaxChecks = 250000
	}
	order := make([]int, 0, len(edges))
	for i, e := range edges {
		if e.Weight >= opt.Threshold {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := edges[i], edges[j]
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		if c := cmp.Compare(a.A, b.A); c != 0 {
			return c
		}
		return cmp.Compare(a.B, b.B)
	})
	var res Result
	if opt.Conflict != nil {
		opt.Conflict = remembered(n, opt.Conflict)
	}
	if opt.Ambiguity > 0 && opt.Conflict != nil {
		order, res.Refused = holdAmbiguous(n, edges, order, opt)
	}
	parent := make([]int32, n)
	members := make([][]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	// A record alone is its own group: a slice of one element of self,
	// capped, so that nothing appends into its neighbours.
	self := make([]int32, n)
	for i := range self {
		self[i] = int32(i)
	}
	group := func(r int32) []int32 {
		if members[r] == nil {
			return self[r : r+1 : r+1]
		}
		return members[r]
	}
	// checked gives the members of a group that merges are checked over:
	// all of them, or with Copies one of each set of copies, in the order
	// of their first copies.
	// A group none of whose members has a copy keeps no list of its own
	// (no entry in distinct): its members are the list.
	var distinct map[int32][]int32 // by group, of the groups that hold copies
	var copied []bool              // per record: it has copies, or is one
	checked := group
	if opt.Copies != nil {
		distinct, copied = map[int32][]int32{}, make([]bool, n)
		for i, f := range opt.Copies {
			if f != int32(i) {
				copied[i], copied[f] = true, true
			}
		}
		checked = func(r int32) []int32 {
			if d, ok := distinct[r]; ok {
				return d
			}
			return group(r)
		}
	}
	// The checks before a merge: people's cannot-links and the model's
	// conflicts, or for a forced edge the cannot-links alone.
	var excused [][2]int32 // of the merge checked
	// attempt merges the groups of e's records, or says why not: nil when
	// they merged or were one already. conflicted is set for a refusal by
	// the model's conflicts, which an excuse may lift once the groups
	// have grown.
	attempt := func(e Edge) (refusal *Refusal, conflicted bool) {
		ra, rb := find(e.A), find(e.B)
		if ra == rb {
			return nil, false
		}
		ca, cb := checked(ra), checked(rb)
		excused = excused[:0]
		model := opt.Conflict
		if e.Weight == Forced {
			model = nil // a person's decision overrides the model's conflicts
		}
		if opt.CannotLink != nil || model != nil {
			if len(ca)*len(cb) > opt.MaxChecks {
				return &Refusal{Edge: e, TooLarge: true}, false
			}
			var excuse func() func(x, y int32) bool
			if opt.Excuse != nil {
				excuse = func() func(x, y int32) bool { return opt.Excuse(group(ra), group(rb)) }
			}
			if x, y, bad, byModel := conflict(ca, cb, opt.CannotLink, model, excuse, &excused); bad {
				return &Refusal{Edge: e, With: [2]int32{x, y}}, byModel
			}
		}
		if opt.Admit != nil && e.Weight != Forced {
			if len(ca)*len(cb) > opt.MaxChecks {
				return &Refusal{Edge: e, TooLarge: true}, false
			}
			if with, detail, ok := opt.Admit(ca, cb, e); !ok {
				return &Refusal{Edge: e, With: with, Weak: true, Detail: detail}, false
			}
		}
		ga, gb := group(ra), group(rb)
		if opt.Steps {
			res.Steps = append(res.Steps, Step{Edge: e, Sizes: [2]int{len(ga), len(gb)}, Excused: slices.Clone(excused)})
		}
		if len(ga) < len(gb) {
			ra, rb, ga, gb, ca, cb = rb, ra, gb, ga, cb, ca
		}
		parent[rb] = ra
		members[ra] = append(append(make([]int32, 0, len(ga)+len(gb)), ga...), gb...)
		members[rb] = nil
		if distinct != nil {
			if copied[ra] || copied[rb] {
				sa, sb := ca, cb
				if _, ok := distinct[ra]; !ok { // its members, in no order
					sa = slices.Sorted(slices.Values(ca))
				}
				if _, ok := distinct[rb]; !ok {
					sb = slices.Sorted(slices.Values(cb))
				}
				distinct[ra], copied[ra] = unionCopies(sa, sb, opt.Copies), true
			}
			delete(distinct, rb)
		}
		res.Merges++
		return nil, false
	}
	var retry []int // positions in res.Refused of refusals an excuse may lift
	for _, i := range order {
		if r, conflicted := attempt(edges[i]); r != nil {
			if conflicted && opt.Excuse != nil {
				retry = append(retry, len(res.Refused))
			}
			res.Refused = append(res.Refused, *r)
		}
	}
	// A merge refused for a conflict between two mistyped readings of a
	// value may be excused once more of the entity's records are joined
	// and hold that value: the refused links are tried again, strongest
	// first, while a pass merges any (at most maxRetries passes).
	var lifted []bool // by position in res.Refused
	for pass := 0; pass < maxRetries && len(retry) > 0; pass++ {
		var still []int
		merged := false
		for _, k := range retry {
			r, conflicted := attempt(res.Refused[k].Edge)
			switch {
			case r == nil:
				if lifted == nil {
					lifted = make([]bool, len(res.Refused))
				}
				lifted[k], merged = true, true
			default:
				res.Refused[k] = *r
				if conflicted {
					still = append(still, k)
				}
			}
		}
		retry = still
		if !merged {
			break
		}
	}
	if lifted != nil {
		kept := res.Refused[:0]
		for k, r := range res.Refused {
			if !lifted[k] {
				kept = append(kept, r)
			}
		}
		res.Refused = kept
	}
	// A cluster's label is its smallest record: the first met in order.
	res.Labels = make([]int32, n)
	smallest := make([]int32, n) // by root: its smallest record + 1, 0 before any
	for i := range int32(n) {
		r := find(i)
		if smallest[r] == 0 {
			smallest[r] = i + 1
		}
		res.Labels[i] = smallest[r] - 1
	}
	return res
}

// maxRemembered is the most records whose conflicts Greedy remembers: two
// bits for each of the n² pairs. Larger graphs (a whole batch) seldom ask
// twice, and there remembering costs more than it saves.
const maxRemembered = 2048

// remembered returns f (a symmetric test of two of n records) remembering
// its answers when n is at most maxRemembered: in a busy entity (copies of
// one party in every payment of an account, re-clustered at each change
// in real time) each pair of records is checked for ambiguity once per
// record that links to both, and groups refused a merge are checked again
// at each of their links.
func remembered(n int, f func(a, b int32) bool) func(a, b int32) bool {
	if n > maxRemembered {
		return f
	}
	known, value := make([]uint64, (n*n+63)/64), make([]uint64, (n*n+63)/64)
	return func(a, b int32) bool {
		i := int(min(a, b))*n + int(max(a, b))
		w, bit := i/64, uint64(1)<<(i%64)
		if known[w]&bit != 0 {
			return value[w]&bit != 0
		}
		v := f(a, b)
		known[w] |= bit
		if v {
			value[w] |= bit
		}
		return v
	}
}

// unionCopies merges two lists of records, each one of a set of copies
// and sorted by its first copy, into one such list. (A group with no
// copies lists its members, each its own first, sorted by index.)
func unionCopies(a, b []int32, first []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch fa, fb := first[a[0]], first[b[0]]; {
		case fa < fb:
			out, a = append(out, a[0]), a[1:]
		case fb < fa:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// conflict returns a pair across ga and gb that cannot be one entity:
// one a cannot-link forbids, or one the model's conflict forbids (byModel)
// and the test excuse makes (once, when the first such pair is met) does
// not excuse. It appends to shown the first maxExcusedShown pairs excused.
func conflict(ga, gb []int32, cannot, model func(a, b int32) bool, excuse func() func(x, y int32) bool, shown *[][2]int32) (a, b int32, bad, byModel bool) {
	var excused func(x, y int32) bool
	for _, x := range ga {
		for _, y := range gb {
			if cannot != nil && cannot(x, y) {
				return x, y, true, false
			}
			if model == nil || !model(x, y) {
				continue
			}
			if excuse == nil {
				return x, y, true, true
			}
			if excused == nil {
				excused = excuse()
			}
			if !excused(x, y) {
				return x, y, true, true
			}
			if len(*shown) < maxExcusedShown {
				*shown = append(*shown, [2]int32{x, y})
			}
		}
	}
	return 0, 0, false, false
}

// copySetsOf returns, when there are copies and excuses to read them, the
// records of each set of copies by its first copy; nil otherwise.
func copySetsOf(n int, opt Options) map[int32][]int32 {
	if opt.Copies == nil || opt.Excuse == nil {
		return nil
	}
	sets := map[int32][]int32{}
	for i := range int32(n) {
		if f := opt.Copies[i]; f != i {
			if sets[f] == nil {
				sets[f] = []int32{f}
			}
			sets[f] = append(sets[f], i)
		}
	}
	return sets
}

// withCopies returns records with the copies of each (sets, by first
// copy), each record once.
func withCopies(records []int32, sets map[int32][]int32, first []int32) []int32 {
	if sets == nil {
		return records
	}
	seen := map[int32]bool{}
	var out []int32
	for _, r := range records {
		set, ok := sets[first[r]]
		if !ok {
			set = []int32{r}
		}
		for _, c := range set {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// maxAmbiguityEdges bounds the links of one record checked against each
// other for ambiguity, strongest first.
const maxAmbiguityEdges = 64

// holdAmbiguous removes from order (edge indexes, strongest first) the
// edges that are ambiguous (see Options.Ambiguity) and returns what is
// left, and the edges held back.
func holdAmbiguous(n int, edges []Edge, order []int, opt Options) ([]int, []Refusal) {
	var chosen []int // the edges of order that may be held, strongest first
	for _, i := range order {
		e := edges[i]
		if e.Weight == Forced || opt.Copies != nil && opt.Copies[e.A] == opt.Copies[e.B] {
			continue // a person's decision, or a link to a copy: no choice
		}
		chosen = append(chosen, i)
	}
	// Each record's edges, strongest first, one record after another:
	// those of record r are byRecord[start[r]:start[r+1]].
	start := make([]int, n+1)
	for _, i := range chosen {
		start[edges[i].A+1]++
		start[edges[i].B+1]++
	}
	for r := range n {
		start[r+1] += start[r]
	}
	byRecord, next := make([]int, start[n]), slices.Clone(start[:n])
	for _, i := range chosen {
		for _, r := range [2]int32{edges[i].A, edges[i].B} {
			byRecord[next[r]] = i
			next[r]++
		}
	}
	held := map[int][2]int32{} // edge → the conflicting pair
	var copySets map[int32][]int32
	copySetsDone := false
	for r := range int32(n) {
		es := byRecord[start[r]:start[r+1]]
		if len(es) < 2 {
			continue
		}
		es = es[:min(len(es), maxAmbiguityEdges)]
		other := func(i int) int32 {
			if edges[i].A == r {
				return edges[i].B
			}
			return edges[i].A
		}
		// Two records r links to that conflict are no choice when the
		// conflict is excused among r and the records it links to (two
		// typos of the value r and others hold): made once, when needed.
		var excused func(x, y int32) bool
		for x, i := range es {
			for _, j := range es[x+1:] {
				if edges[i].Weight-edges[j].Weight >= opt.Ambiguity {
					break // weaker ones are further apart still
				}
				a, b := other(i), other(j)
				if !opt.Conflict(a, b) {
					continue
				}
				if opt.Excuse != nil {
					if excused == nil {
						if !copySetsDone {
							copySets, copySetsDone = copySetsOf(n, opt), true
						}
						near := []int32{r}
						for _, k := range es {
							near = append(near, other(k))
						}
						excused = opt.Excuse(withCopies(near, copySets, opt.Copies), nil)
					}
					if excused(a, b) {
						continue
					}
				}
				held[i], held[j] = [2]int32{a, b}, [2]int32{b, a}
			}
		}
	}
	if len(held) == 0 {
		return order, nil
	}
	var refused []Refusal
	kept := order[:0:0]
	for _, i := range order {
		if w, ok := held[i]; ok {
			refused = append(refused, Refusal{Edge: edges[i], With: w, Ambiguous: true})
			continue
		}
		kept = append(kept, i)
	}
	return kept, refused
}
