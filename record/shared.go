package record

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// DecodeShared reads a record written in the form a store keeps it
// (encoding/json's, as store.EncodeRecord writes it: keys in field order,
// no spaces, strings without escapes) into r, every string of it a
// substring of one copy of data. A JSON decoder allocates each string of a
// record apart: an entity read decodes each member, and at a million
// records the decoding and its garbage were a tenth of what a read cost.
// ok is false for anything else — another order, an escape, bytes that
// are not UTF-8, a shape the store does not write — and r is then not
// to be used: the caller decodes data with a JSON decoder, which reads it
// the same (FuzzDecodeShared holds the two equal).
//
// Holding any string of r holds the whole copy, so this is for records
// read to be shown and let go (a response), never for ones kept.
func DecodeShared(data []byte, r *Record) (ok bool) {
	*r = Record{}
	// Strings need no check of their own once the whole text is known to
	// be UTF-8 with no escape and no control character (the form has no
	// spaces either, so none may stand between its tokens).
	if !plainText(data) {
		return false
	}
	// Capacities from the length: a stored record has a string and a
	// facet in about every 40 bytes, a feature and a value in about 150.
	d := sharedDecoder{data: data, text: string(data), strs: make([]string, 0, 2+len(data)/40),
		facetsOf: make([]Facet, 0, 2+len(data)/40), values: make([]Value, 0, 1+len(data)/150), features: make([]Feature, 0, 1+len(data)/150)}
	if !d.lit(`{"key":`) || !d.key(&r.Key) {
		return false
	}
	if d.lit(`,"line":`) {
		if r.Line, ok = d.int(); !ok {
			return false
		}
	}
	if d.lit(`,"label":`) {
		if r.Label, ok = d.str(); !ok {
			return false
		}
	}
	if d.lit(`,"kind":`) {
		var kind string
		if kind, ok = d.str(); !ok {
			return false
		}
		r.Kind = EntityKind(kind)
	}
	if !d.lit(`,"features":`) {
		return false
	}
	if r.Features, ok = slab(&d, &d.features, (*sharedDecoder).feature); !ok {
		return false
	}
	if d.lit(`,"relations":`) {
		var rels []Relation // few records state any
		if r.Relations, ok = slab(&d, &rels, (*sharedDecoder).relation); !ok {
			return false
		}
	}
	return d.lit("}") && d.i == len(d.data)
}

// sharedDecoder reads data from index i; text is data's one copy, whose
// substrings the strings read are. The lists of a record are cut from
// one backing array of each type (slab): no list holds another of its own
// type, so each is built at the end of its array and ends before the next
// of that type starts.
type sharedDecoder struct {
	data []byte
	text string
	i    int

	strs     []string
	facetsOf []Facet
	values   []Value
	features []Feature
}

// lit consumes s when data continues with it.
func (d *sharedDecoder) lit(s string) bool {
	if len(d.data)-d.i < len(s) || string(d.data[d.i:d.i+len(s)]) != s {
		return false
	}
	d.i += len(s)
	return true
}

// str reads a string, as a substring of the text.
func (d *sharedDecoder) str() (string, bool) {
	b, ok := d.strBytes()
	if !ok {
		return "", false
	}
	return d.text[d.i-1-len(b) : d.i-1], true
}

// strBytes reads a string, as bytes of data.
func (d *sharedDecoder) strBytes() ([]byte, bool) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return nil, false
	}
	end := bytes.IndexByte(d.data[d.i+1:], '"')
	if end < 0 {
		return nil, false
	}
	b := d.data[d.i+1 : d.i+1+end]
	d.i += end + 2
	return b, true
}

// plainText reports whether data is UTF-8 with no backslash and no
// control character, reading eight bytes at a time.
func plainText(data []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(data); i += 8 {
		x := binary.LittleEndian.Uint64(data[i:])
		backslash := x ^ ('\\' * ones)
		// A byte below 0x20, or a zero byte of backslash: the borrow of
		// the subtraction sets its high bit (exact as a whole: a borrow
		// runs on only from a byte that is one).
		if (x-0x20*ones)&^x&highs != 0 || (backslash-ones)&^backslash&highs != 0 {
			return false
		}
	}
	for _, c := range data[i:] {
		if c < 0x20 || c == '\\' {
			return false
		}
	}
	return utf8.Valid(data)
}

// int reads a decimal integer of at most 18 digits, as encoding/json
// writes an int.
func (d *sharedDecoder) int() (int, bool) {
	neg := d.lit("-")
	n, digits := 0, 0
	for ; d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9'; d.i++ {
		if digits++; digits > 18 || digits == 2 && n == 0 {
			return 0, false // too long, or a leading zero
		}
		n = 10*n + int(d.data[d.i]-'0')
	}
	if digits == 0 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func (d *sharedDecoder) key(k *Key) (ok bool) {
	if !d.lit(`{"source":`) {
		return false
	}
	if k.Source, ok = d.str(); !ok || !d.lit(`,"id":`) {
		return false
	}
	if k.ID, ok = d.str(); !ok {
		return false
	}
	return d.lit("}")
}

// slab reads null (a nil slice) or an array of items, each read by item,
// into the end of the backing array a, and returns them cut from it.
func slab[T any](d *sharedDecoder, a *[]T, item func(*sharedDecoder, *T) bool) ([]T, bool) {
	if d.lit("null") {
		return nil, true
	}
	if !d.lit("[") {
		return nil, false
	}
	if d.lit("]") {
		return []T{}, true
	}
	start := len(*a)
	for {
		*a = append(*a, *new(T))
		if !item(d, &(*a)[len(*a)-1]) {
			return nil, false
		}
		if d.lit("]") {
			return (*a)[start:len(*a):len(*a)], true
		}
		if !d.lit(",") {
			return nil, false
		}
	}
}

// strTo reads a string into s.
func (d *sharedDecoder) strTo(s *string) (ok bool) {
	*s, ok = d.str()
	return ok
}

func (d *sharedDecoder) feature(f *Feature) (ok bool) {
	var kind string
	if !d.lit(`{"name":`) || !d.strTo(&f.Name) || !d.lit(`,"kind":`) || !d.strTo(&kind) || !d.lit(`,"raw":`) {
		return false
	}
	f.Kind = Kind(kind)
	if f.Raw, ok = slab(d, &d.strs, (*sharedDecoder).strTo); !ok || !d.lit(`,"values":`) {
		return false
	}
	if f.Values, ok = slab(d, &d.values, (*sharedDecoder).value); !ok {
		return false
	}
	return d.lit("}")
}

func (d *sharedDecoder) value(v *Value) (ok bool) {
	if !d.lit(`{"norm":`) || !d.strTo(&v.Norm) {
		return false
	}
	if d.lit(`,"tokens":`) {
		if v.Tokens, ok = slab(d, &d.strs, (*sharedDecoder).strTo); !ok {
			return false
		}
	}
	if d.lit(`,"facets":`) {
		if v.Facets, ok = d.facets(); !ok {
			return false
		}
	}
	return d.lit("}")
}

// facets reads facets written as an object (Facets.MarshalJSON), their
// names shared (FacetName), as Facets.UnmarshalJSON reads them.
func (d *sharedDecoder) facets() (Facets, bool) {
	start := len(d.facetsOf)
	null, ok := d.object(func(name []byte, value string) {
		d.facetsOf = append(d.facetsOf, Facet{Name: facetName(name), Value: value})
	})
	if null || !ok {
		return nil, ok
	}
	n := len(d.facetsOf)
	if n == start {
		return Facets{}, true
	}
	return d.facetsOf[start:n:n], true
}

func (d *sharedDecoder) relation(r *Relation) (ok bool) {
	if !d.lit(`{"type":`) || !d.strTo(&r.Type) || !d.lit(`,"to":`) || !d.key(&r.To) {
		return false
	}
	if d.lit(`,"attributes":`) {
		if r.Attributes, ok = d.attributes(); !ok {
			return false
		}
	}
	return d.lit("}")
}

// attributes reads an object of strings into a map (a repeated name: the
// last value, as a JSON decoder keeps).
func (d *sharedDecoder) attributes() (map[string]string, bool) {
	out := map[string]string{}
	null, ok := d.object(func(name []byte, value string) { out[string(name)] = value })
	if null || !ok {
		return nil, ok
	}
	return out, true
}

// object reads null, or an object of strings, giving pair each name and
// value in order; null says which it read.
func (d *sharedDecoder) object(pair func(name []byte, value string)) (null, ok bool) {
	if d.lit("null") {
		return true, true
	}
	if !d.lit("{") {
		return false, false
	}
	if d.lit("}") {
		return false, true
	}
	for {
		name, ok := d.strBytes()
		if !ok || !d.lit(":") {
			return false, false
		}
		value, ok := d.str()
		if !ok {
			return false, false
		}
		pair(name, value)
		if d.lit("}") {
			return false, true
		}
		if !d.lit(",") {
			return false, false
		}
	}
}
