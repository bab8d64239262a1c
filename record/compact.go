package record

import "strings"

// CompactValues returns a copy of vs, values grouped per comparison,
// held in five allocations whatever their number: one string holds every
// value's text (norms, tokens and facet values), and one array each the
// groups, the values, the tokens and the facets. Facet names stay the
// shared strings FacetName returns.
//
// A memory copy of a million records holds their values for as long as
// the process runs. Built as decoding or normalising leaves them, each
// value is several objects (its norm, each token, each facet and the
// arrays that hold them), and the garbage collector marks every one of
// them in every cycle: dozens of objects per record, and marking that
// takes hundreds of milliseconds while it slows every change in flight.
// Compacted, a record's values are five objects side by side in memory.
//
// Each slice of the copy is capped at its own length, so an append to
// one never writes into its neighbour. Empty and nil slices are kept as
// they are.
func CompactValues(vs [][]Value) [][]Value {
	if vs == nil {
		return nil
	}
	var nv, nt, nf, size int
	for _, g := range vs {
		nv += len(g)
		for i := range g {
			v := &g[i]
			size += len(v.Norm)
			nt += len(v.Tokens)
			for _, t := range v.Tokens {
				size += len(t)
			}
			nf += len(v.Facets)
			for _, f := range v.Facets {
				size += len(f.Value)
			}
		}
	}
	var b strings.Builder
	b.Grow(size)
	for _, g := range vs {
		for i := range g {
			v := &g[i]
			b.WriteString(v.Norm)
			for _, t := range v.Tokens {
				b.WriteString(t)
			}
			for _, f := range v.Facets {
				b.WriteString(f.Value)
			}
		}
	}
	text, at := b.String(), 0
	next := func(n int) string {
		s := text[at : at+n]
		at += n
		return s
	}
	groups := make([][]Value, len(vs))
	values := make([]Value, nv)
	tokens := make([]string, nt)
	facets := make([]Facet, nf)
	for gi, g := range vs {
		if g == nil {
			continue
		}
		groups[gi], values = values[:len(g):len(g)], values[len(g):]
		for i := range g {
			v, out := &g[i], &groups[gi][i]
			out.Norm = next(len(v.Norm))
			if v.Tokens != nil {
				out.Tokens, tokens = tokens[:len(v.Tokens):len(v.Tokens)], tokens[len(v.Tokens):]
				for j, t := range v.Tokens {
					out.Tokens[j] = next(len(t))
				}
			}
			if v.Facets != nil {
				out.Facets, facets = facets[:len(v.Facets):len(v.Facets)], facets[len(v.Facets):]
				for j, f := range v.Facets {
					out.Facets[j] = Facet{Name: f.Name, Value: next(len(f.Value))}
				}
			}
		}
	}
	return groups
}
