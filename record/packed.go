package record

import (
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// PackedValues are values grouped per comparison (as model.Scorer.Values
// returns them) held in one string, for a memory copy that keeps millions
// of records' values for as long as it runs: a string holds no pointers,
// so the garbage collector marks it as one object and never scans it,
// where the values themselves are arrays of strings and slices that every
// cycle scans (at a million records, seconds of marking). Read them with
// Unpack, which points into the string rather than copying it.
//
// The layout, in unsigned varints and bytes: the number of groups; for
// each group its number of values plus one (0: a nil group); for each
// value its norm (length, bytes), its tokens (count plus one, 0 for nil;
// each length and bytes) and its facets (count plus one, 0 for nil; each
// the name's number (packedNameID) plus one, or 0 and the name spelled
// out, then the value's length and bytes).
type PackedValues string

// PackValues packs vs.
func PackValues(vs [][]Value) PackedValues {
	if vs == nil {
		return ""
	}
	size := binary.MaxVarintLen64
	for _, g := range vs {
		size += binary.MaxVarintLen64
		for i := range g {
			v := &g[i]
			size += 3*binary.MaxVarintLen64 + len(v.Norm)
			for _, t := range v.Tokens {
				size += binary.MaxVarintLen64 + len(t)
			}
			for _, f := range v.Facets {
				size += 3*binary.MaxVarintLen64 + len(f.Name) + len(f.Value)
			}
		}
	}
	b := make([]byte, 0, size)
	b = binary.AppendUvarint(b, uint64(len(vs)))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	count := func(n int, isNil bool) {
		if isNil {
			b = append(b, 0)
			return
		}
		b = binary.AppendUvarint(b, uint64(n)+1)
	}
	for _, g := range vs {
		count(len(g), g == nil)
		for i := range g {
			v := &g[i]
			str(v.Norm)
			count(len(v.Tokens), v.Tokens == nil)
			for _, t := range v.Tokens {
				str(t)
			}
			count(len(v.Facets), v.Facets == nil)
			for _, f := range v.Facets {
				if id, ok := packedNameID(f.Name); ok {
					b = binary.AppendUvarint(b, uint64(id)+1)
				} else {
					b = append(b, 0)
					str(f.Name)
				}
				str(f.Value)
			}
		}
	}
	return PackedValues(b)
}

// Unpacked holds what Unpack builds, for the next Unpack to reuse: a
// caller that reads one record's values at a time allocates nothing once
// it has read the largest.
type Unpacked struct {
	groups [][]Value
	values []Value
	tokens []string
	facets []Facet
}

// Unpack returns the values p holds, built in u (a new one when nil).
// Their strings point into p. They stay valid until the next Unpack into
// the same u; with a nil u, for as long as the caller keeps them. A
// PackedValues not made by PackValues returns nil.
//
// It reads p once. Every count is checked against the bytes left before
// room is made for it, so a damaged string never makes Unpack allocate
// more than a few times its length in elements. The arrays grow as they
// fill, and u keeps the largest for the next Unpack: once it has read the
// largest record, it allocates nothing.
func (p PackedValues) Unpack(u *Unpacked) [][]Value {
	if p == "" {
		return nil
	}
	if u == nil {
		u = &Unpacked{}
	}
	r := packReader{s: string(p)}
	ng := r.uint()
	if !r.left(ng) {
		return nil
	}
	groups := grow(u.groups, int(ng))[:ng]
	if groups == nil {
		groups = [][]Value{} // none, not nil: as packed
	}
	values, tokens, facets := u.values[:0], u.tokens[:0], u.facets[:0]
	for gi := range groups {
		c := r.uint()
		if c == 0 {
			groups[gi] = nil
			continue
		}
		if !r.left(c - 1) {
			return nil
		}
		at := len(values)
		values = extend(values, int(c-1), int(ng))
		g := values[at:len(values):len(values)]
		if g == nil {
			g = []Value{} // empty, not nil: as packed
		}
		for i := range g {
			v := &g[i]
			v.Norm, v.Tokens, v.Facets = r.str(), nil, nil
			if tc := r.uint(); tc > 0 {
				if !r.left(tc - 1) {
					return nil
				}
				at := len(tokens)
				tokens = extend(tokens, int(tc-1), int(ng))
				v.Tokens = tokens[at:len(tokens):len(tokens)]
				if v.Tokens == nil {
					v.Tokens = []string{}
				}
				for j := range v.Tokens {
					v.Tokens[j] = r.str()
				}
			}
			if fc := r.uint(); fc > 0 {
				if !r.left(fc - 1) {
					return nil
				}
				at := len(facets)
				facets = extend(facets, int(fc-1), 4*int(ng))
				v.Facets = facets[at:len(facets):len(facets)]
				if v.Facets == nil {
					v.Facets = Facets{}
				}
				for j := range v.Facets {
					name := r.name()
					v.Facets[j] = Facet{Name: name, Value: r.str()}
				}
			}
		}
		groups[gi] = g
	}
	u.groups, u.values, u.tokens, u.facets = groups, values, tokens, facets
	if r.bad || r.i != len(r.s) {
		return nil
	}
	return groups
}

// extend lengthens s by n elements, which hold whatever s's array held
// there (the caller sets each), making room for at least least more when
// it has to grow: Unpack asks for room for a value and a token a group
// and four facets, so that a record's mostly fit in one array each.
// (Unpack slices out the new elements itself, three times over: a helper
// that did that too, returning both, was not inlined and made
// BenchmarkUnpack 14% slower, 74.6 → 85.2 ns, n = 8.)
func extend[T any](s []T, n, least int) []T {
	if cap(s)-len(s) < n {
		s = slices.Grow(s, max(n, least))
	}
	return s[:len(s)+n]
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n)
	}
	return s
}

// packReader reads PackValues' layout; bad is set by anything short or
// malformed, and every read after it returns zero values.
type packReader struct {
	s   string
	i   int
	bad bool
}

// left reports whether n more elements, each at least a byte long, can
// still be read.
func (r *packReader) left(n uint64) bool { return !r.bad && n <= uint64(len(r.s)-r.i) }

func (r *packReader) uint() uint64 {
	var x uint64
	for shift := 0; shift < 64; shift += 7 {
		if r.i >= len(r.s) {
			r.bad = true
			return 0
		}
		c := r.s[r.i]
		r.i++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
	r.bad = true
	return 0
}

// name reads a facet's name: its number (the name numbered), or 0 and the
// name spelled out. A name spelled out is copied before FacetName may keep
// it, so that it never holds on to the packed string.
func (r *packReader) name() string {
	id := r.uint()
	if r.bad {
		return ""
	}
	if id == 0 {
		return FacetName(strings.Clone(r.str()))
	}
	name, ok := packedName(id - 1)
	if !ok {
		r.bad = true
	}
	return name
}

func (r *packReader) str() string {
	n := r.uint()
	if r.bad || n > uint64(len(r.s)-r.i) {
		r.bad = true
		return ""
	}
	s := r.s[r.i : r.i+int(n)]
	r.i += int(n)
	return s
}

// packedNames numbers facet names for PackValues: a packed facet names
// its facet by a small id rather than spelling it out, and Unpack gives
// back the string FacetName keeps, so that facets compare by pointer as
// before. At most maxFacetNames names are numbered; others are spelled out.
var (
	packedIDs    atomic.Pointer[map[string]uint32] // read without a lock, replaced whole
	packedList   atomic.Pointer[[]string]          // id → name
	packedNameMu sync.Mutex
)

func packedNameID(name string) (uint32, bool) {
	if m := packedIDs.Load(); m != nil {
		if id, ok := (*m)[name]; ok {
			return id, true
		}
	}
	packedNameMu.Lock()
	defer packedNameMu.Unlock()
	m := map[string]uint32{}
	var list []string
	if old := packedIDs.Load(); old != nil {
		if id, ok := (*old)[name]; ok {
			return id, true
		}
		if len(*old) >= maxFacetNames {
			return 0, false
		}
		m, list = maps.Clone(*old), *packedList.Load()
	}
	id := uint32(len(list))
	list = append(list[:len(list):len(list)], FacetName(name))
	m[name] = id
	packedList.Store(&list)
	packedIDs.Store(&m)
	return id, true
}

func packedName(id uint64) (string, bool) {
	list := packedList.Load()
	if list == nil || id >= uint64(len(*list)) {
		return "", false
	}
	return (*list)[id], true
}
