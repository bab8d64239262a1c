// Package record holds Concord's shared vocabulary: sources, record keys,
// records, feature kinds and normalised values. It has no logic beyond
// small accessors and imports only the standard library.
package record

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash/fnv"
	"slices"
)

// Kind is the type of a feature; it selects the normaliser and, later, the
// comparison used for it.
type Kind string

// The feature kinds a source field may declare.
const (
	KindName       Kind = "name"       // person name
	KindOrgName    Kind = "org_name"   // organisation name
	KindDate       Kind = "date"       // date of birth, incorporation date, …
	KindPhone      Kind = "phone"      // telephone number
	KindEmail      Kind = "email"      // e-mail address
	KindAddress    Kind = "address"    // postal address line(s)
	KindPostcode   Kind = "postcode"   // postal code
	KindCity       Kind = "city"       // city, town or suburb
	KindCountry    Kind = "country"    // country name or code
	KindIdentifier Kind = "identifier" // national id, passport, tax number, …
	KindText       Kind = "text"       // any other free text
	// KindParty is a name column that holds people and organisations:
	// each value is read as an organisation's name when it has a legal
	// form or an organisation word, else as a person's name.
	KindParty Kind = "party"
)

// Kinds lists every valid kind, in documentation order.
var Kinds = []Kind{KindName, KindOrgName, KindDate, KindPhone, KindEmail,
	KindAddress, KindPostcode, KindCity, KindCountry, KindIdentifier, KindText, KindParty}

// IsName reports whether k holds names: person, organisation or party
// names. Features of these kinds may share a feature name across sources
// and are compared as names.
func (k Kind) IsName() bool { return k == KindName || k == KindOrgName || k == KindParty }

// Household reports whether k is a feature that people who live or work
// together share (phone, address, postcode, city, country): agreeing on
// one makes agreeing on the others likely, for relatives and colleagues as
// much as for duplicates.
func (k Kind) Household() bool {
	return k == KindPhone || k == KindAddress || k == KindPostcode || k == KindCity || k == KindCountry
}

// EntityKind says what a record is about: a person, an organisation, or
// unknown (""). A person and an organisation are never the same entity.
type EntityKind string

// Entity kinds.
const (
	EntityUnknown      EntityKind = ""
	EntityPerson       EntityKind = "person"
	EntityOrganization EntityKind = "organization"
)

// Compatible reports whether records of kinds k and o may be one entity:
// unless one is a person and the other an organisation.
func (k EntityKind) Compatible(o EntityKind) bool {
	return k == EntityUnknown || o == EntityUnknown || k == o
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// Key identifies a record: the source it came from and its id there.
type Key struct {
	Source string `json:"source"`
	ID     string `json:"id"`
}

// String returns "source/id".
func (k Key) String() string { return k.Source + "/" + k.ID }

// Less orders keys by source, then id.
func (k Key) Less(o Key) bool {
	if k.Source != o.Source {
		return k.Source < o.Source
	}
	return k.ID < o.ID
}

// Compare orders keys as Less does: −1, 0 or +1, for slices.SortFunc.
func (k Key) Compare(o Key) int {
	return cmp.Or(cmp.Compare(k.Source, o.Source), cmp.Compare(k.ID, o.ID))
}

// Source describes a named feed as the pipeline sees it.
type Source struct {
	Name  string
	Label string // access label; empty means unrestricted
}

// Record is one row of a source. Raw values are kept verbatim for
// provenance; Values are filled in by normalisation.
//
// Its JSON shape is the one every output uses (the store, records.ndjson,
// concord record): lower-case names, the key as {"source", "id"}, facets
// as an object.
type Record struct {
	Key      Key        `json:"key"`
	Line     int        `json:"line,omitempty"` // 1-based line in the source file where the row starts
	Label    string     `json:"label,omitempty"`
	Kind     EntityKind `json:"kind,omitempty"` // declared by the source, or read from a party name
	Features []Feature  `json:"features"`
	// Relations are the relationships the record states: the officer of a
	// filing is officer_of the filed company, a payment's originator paid
	// its beneficiary. A relation goes from this record to another.
	Relations []Relation `json:"relations,omitempty"`
}

// Relation is a typed, directed link a record states to another record:
// a disclosed relationship. Its ends are records, so it follows them into
// whatever entities they belong to, through merges and splits.
type Relation struct {
	Type string `json:"type"`
	To   Key    `json:"to"`
	// Attributes are values of the row that stated it, as written (a
	// payment's amount and date).
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Feature returns the feature with the given name, or nil.
func (r *Record) Feature(name string) *Feature {
	for i := range r.Features {
		if r.Features[i].Name == name {
			return &r.Features[i]
		}
	}
	return nil
}

// Feature is one named, typed attribute of a record. A feature may be
// multi-valued (aliases, alternative dates of birth).
type Feature struct {
	Name   string   `json:"name"`   // feature name from the config, e.g. "full_name"
	Kind   Kind     `json:"kind"`   // its type
	Raw    []string `json:"raw"`    // verbatim input values, after splitting multi-valued cells
	Values []Value  `json:"values"` // normalised values; unusable raw values are reported, not kept
}

// Value is one normalised value of a feature.
//
// Norm is the canonical form: two values with equal Norm are the same value.
// Tokens are the ordered tokens of textual kinds. Facets are derived keys
// addressable as "feature.facet" in blocking rules and comparisons (for
// example "phonetic" of a name or "year" of a date).
type Value struct {
	Norm   string   `json:"norm"`
	Tokens []string `json:"tokens,omitempty"`
	Facets Facets   `json:"facets,omitempty"`
}

// Facet is one derived key of a value.
type Facet struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// FacetDerived is the facet that marks a value a record does not hold but
// another of its values states — a town read from its address line when
// it has no town of its own — and names the feature it was read from. It
// comes first in the value's facets. A derived value counts only when it
// agrees at a comparison's first (most specific) level; any other level
// counts as a missing value (compare.Comparison.LevelPrepared), so that a
// part of an address that is not a town costs nothing.
const FacetDerived = "derived"

// IsDerived reports whether v is derived (FacetDerived).
func (v *Value) IsDerived() bool { return len(v.Facets) > 0 && v.Facets[0].Name == FacetDerived }

// DerivedFrom returns the feature a derived value was read from, or ""
// when v is not derived.
func (v *Value) DerivedFrom() string {
	if v.IsDerived() {
		return v.Facets[0].Value
	}
	return ""
}

// Facets are the derived keys of a value. A slice of pairs rather than a
// map: a value has a handful, and a million records carry millions.
type Facets []Facet

// MakeFacets builds Facets from name, value pairs, leaving out empty values.
func MakeFacets(pairs ...string) Facets {
	f := make(Facets, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			f = append(f, Facet{Name: FacetName(pairs[i]), Value: pairs[i+1]})
		}
	}
	return f
}

// Get returns the named facet, or "".
func (f Facets) Get(name string) string {
	for i := range f {
		if f[i].Name == name {
			return f[i].Value
		}
	}
	return ""
}

// Map returns the facets as a map, for encoding.
func (f Facets) Map() map[string]string {
	if len(f) == 0 {
		return nil
	}
	m := make(map[string]string, len(f))
	for _, x := range f {
		m[x.Name] = x.Value
	}
	return m
}

// Facet returns the named facet, or "" when it is absent. The facet "norm"
// (or "") is the canonical form itself.
func (v *Value) Facet(name string) string {
	if name == "" || name == "norm" {
		return v.Norm
	}
	return v.Facets.Get(name)
}

// FacetNames returns the facet names of v in sorted order.
func (v *Value) FacetNames() []string {
	names := make([]string, 0, len(v.Facets))
	for _, f := range v.Facets {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return names
}

// EntityID identifies a resolved entity.
type EntityID string

// NewEntityID names an entity after its smallest record key: a hash of
// the key, and of try when the first name is taken (try 0 is the first).
// Batch runs name entities so, and give the same ids on every run.
func NewEntityID(k Key, try int) EntityID {
	h := fnv.New64a()
	h.Write([]byte(k.Source))
	h.Write([]byte{0})
	h.Write([]byte(k.ID))
	if try > 0 {
		fmt.Fprintf(h, "\x00%d", try)
	}
	return EntityID(fmt.Sprintf("E%016x", h.Sum64()))
}

// KeyedEntityID names an entity as NewEntityID does, but with a keyed hash
// (HMAC-SHA256 under secret): a store names its entities so, so that an
// id, which a reader may see while the record it is named after is hidden
// from them, does not let them test guesses of that record's id.
func KeyedEntityID(secret []byte, k Key, try int) EntityID {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(k.Source))
	h.Write([]byte{0})
	h.Write([]byte(k.ID))
	if try > 0 {
		fmt.Fprintf(h, "\x00%d", try)
	}
	return EntityID(fmt.Sprintf("E%x", h.Sum(nil)[:8]))
}

// Pair is an unordered pair of records, stored with A before B.
type Pair struct {
	A, B Key
}

// NewPair returns the pair of a and b in canonical order.
func NewPair(a, b Key) Pair {
	if b.Less(a) {
		a, b = b, a
	}
	return Pair{A: a, B: b}
}
