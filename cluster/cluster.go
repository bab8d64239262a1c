// Package cluster groups records into entities from scored pairs.
//
// Edges are taken strongest first. Two groups join only if no pair across
// them conflicts (for example two different dates of birth where the pair
// does not match on its own), so a record that matches two people only
// partially cannot chain them into one entity.
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
	// means no conflicts.
	Conflict func(a, b int32) bool
	// CannotLink reports a person's decision that two records are
	// different entities. Unlike Conflict it also holds against forced
	// edges.
	CannotLink func(a, b int32) bool
	// MaxChecks bounds the cross pairs checked for conflicts per merge;
	// beyond it the merge is refused as unsafe. Default 250000.
	MaxChecks int
	// Steps records every merge in Result.Steps.
	Steps bool
}

// Refusal is a link edge that was not followed, and why.
type Refusal struct {
	Edge
	// With is the pair whose conflict blocked the merge (the edge itself,
	// or two other records of the groups it would join).
	With [2]int32
	// TooLarge is set when the groups were too large to check.
	TooLarge bool
}

// Forced is the weight of an edge a person decided (must-link): it is
// followed first and joins its groups whatever the model's conflicts,
// unless CannotLink forbids it.
var Forced = math.Inf(1)

// Step is one merge, in the order they happened.
type Step struct {
	Edge
	Sizes [2]int // sizes of the groups joined, A's side first
}

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
	group := func(r int32) []int32 {
		if members[r] == nil {
			return []int32{r}
		}
		return members[r]
	}
	// The checks before a merge: the model's conflicts and people's
	// cannot-links, or for a forced edge the cannot-links alone.
	always, forced := opt.Conflict, opt.CannotLink
	if cl, model := opt.CannotLink, opt.Conflict; cl != nil && model != nil {
		always = func(a, b int32) bool { return cl(a, b) || model(a, b) }
	} else if cl != nil {
		always = cl
	}
	var res Result
	for _, i := range order {
		e := edges[i]
		ra, rb := find(e.A), find(e.B)
		if ra == rb {
			continue
		}
		ga, gb := group(ra), group(rb)
		check := always
		if e.Weight == Forced {
			check = forced // a person's decision overrides the model's conflicts
		}
		if check != nil {
			if len(ga)*len(gb) > opt.MaxChecks {
				res.Refused = append(res.Refused, Refusal{Edge: e, TooLarge: true})
				continue
			}
			if x, y, bad := conflict(ga, gb, check); bad {
				res.Refused = append(res.Refused, Refusal{Edge: e, With: [2]int32{x, y}})
				continue
			}
		}
		if opt.Steps {
			res.Steps = append(res.Steps, Step{Edge: e, Sizes: [2]int{len(ga), len(gb)}})
		}
		if len(ga) < len(gb) {
			ra, rb, ga, gb = rb, ra, gb, ga
		}
		parent[rb] = ra
		members[ra] = append(append(make([]int32, 0, len(ga)+len(gb)), ga...), gb...)
		members[rb] = nil
		res.Merges++
	}
	res.Labels = make([]int32, n)
	smallest := make(map[int32]int32)
	for i := range n {
		r := find(int32(i))
		if s, ok := smallest[r]; !ok || int32(i) < s {
			smallest[r] = int32(i)
		}
	}
	for i := range n {
		res.Labels[i] = smallest[find(int32(i))]
	}
	return res
}

func conflict(ga, gb []int32, f func(a, b int32) bool) (int32, int32, bool) {
	for _, x := range ga {
		for _, y := range gb {
			if f(x, y) {
				return x, y, true
			}
		}
	}
	return 0, 0, false
}
