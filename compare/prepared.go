package compare

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/concord-er/concord/nickname"
	"github.com/concord-er/concord/record"
)

// hashSeed seeds the facet hashes of Prepared values. The hashes only
// rule out equality, so their values never change a result.
var hashSeed = maphash.MakeSeed()

// Prepared is a value as one comparison reads it: the string its levels
// read most, held in place; the positions of the other facets they use,
// found once per value rather than by name in every level of every pair;
// and the id of its exact key when the caller interns keys (see Keys), so
// that the exact level is an integer comparison. Prepare values once and
// compare them many times.
type Prepared struct {
	v    *record.Value
	s    string          // the string most levels read (Comparison.main)
	key  uint32          // exact key id from Keys; 0 when not interned or empty
	fidx [maxFacets]int8 // position in v.Facets of each facet slot; -1 when absent
	// fh is a hash of the facet a later exact level compares (Comparison.hashed),
	// so that unequal values fail it without being read.
	fh uint32
	// nick has bit g%32 set for each nickname group g of a token: two
	// names with no bit in common cannot be nicknames of each other.
	nick uint32
	// gen is a person name's generation (generation): two names of
	// unequal generations disagree whatever their words.
	gen uint8
	// spelled is set for a person's name some of whose words romanisations
	// spell otherwise (the facet "spelling"); spell is a hash of that
	// facet, or of "sorted" for a name without one, so that two names
	// whose spellings differ fail the spelling level without being read.
	spelled bool
	spell   uint32
	// form is a hash of an organisation's legal form as normalize writes
	// it (the facet "legal_form"), for names that may be organisations';
	// 0 for none written.
	form uint32
	// syl has bit i set for each token i of a person's name that is a
	// syllable of its East Asian given name (the facet "syllables"):
	// splitsGiven.
	syl uint8
}

// Prepare prepares v for c, with no key id: its exact level compares
// strings.
func (c *Comparison) Prepare(v *record.Value) Prepared {
	w := Prepared{v: v}
	for s, name := range c.facets[:min(len(c.facets), maxFacets)] {
		w.fidx[s] = -1
		for i := range v.Facets {
			if v.Facets[i].Name == name && i < 128 {
				w.fidx[s] = int8(i)
				break
			}
		}
	}
	w.s = c.read(&w, c.main)
	if c.hashed != noHash {
		w.fh = uint32(maphash.String(hashSeed, c.str(&w, c.hashed)))
	}
	if c.suffixSlot >= 0 {
		w.gen = generation(c.read(&w, c.suffixSlot))
	}
	if c.forms {
		if f := v.Facet("legal_form"); f != "" {
			w.form = uint32(maphash.String(hashSeed, f)) | 1
		}
	}
	if c.spellings {
		w.spell, w.spelled = spellingHash(v)
	}
	if c.suffixSlot >= 0 && len(v.Tokens) == 3 {
		w.syl = syllableBits(v)
	}
	if c.nicknames {
		for _, t := range v.Tokens {
			for _, g := range nickname.Groups(t) {
				w.nick |= 1 << (g % 32)
			}
		}
	}
	return w
}

// facetSpelling is normalize.FacetSpelling: a person's name written with
// the spellings romanisations disagree on folded alike, its words sorted.
const facetSpelling = "spelling"

// spelling returns the key two names agree on at the spelling level: v's
// facet "spelling", or "sorted" for a name each of whose words keeps its
// spelling; and whether it is the first.
func spelling(v *record.Value) (string, bool) {
	if s := v.Facet(facetSpelling); s != "" {
		return s, true
	}
	return v.Facet("sorted"), false
}

func spellingHash(v *record.Value) (uint32, bool) {
	s, own := spelling(v)
	if s == "" {
		return 0, false
	}
	return uint32(maphash.String(hashSeed, s)) | 1, own
}

// Spelled reports whether two names are one name in two spellings of
// the kind romanisations disagree on (normalize's spelling keys: Hassan
// Mansour and Hasan Mansur, Yuriy Belyaev and Iurii Beliaev), the words
// in any order: their spelling keys agree and one at least is spelled
// otherwise.
func Spelled(a, b *Prepared) bool {
	if !a.spelled && !b.spelled || a.spell != b.spell || a.spell == 0 {
		return false
	}
	x, _ := spelling(a.v)
	y, _ := spelling(b.v)
	return x == y
}

// Forms reports whether c reads the legal forms of organisations' names
// (the comparisons of party and org_name features).
func (c *Comparison) Forms() bool { return c.forms }

// formsDisagree reports whether a and b are organisations' names whose
// legal forms disagree (LegalFormsAgree).
func formsDisagree(a, b *Prepared) bool {
	return a.form != b.form && a.form != 0 && b.form != 0 && !LegalFormsAgree(a.v.Facet("legal_form"), b.v.Facet("legal_form"))
}

// LegalFormsAgree reports whether two organisations' legal forms, as
// normalize writes them, may be one company's: equal, one the other's
// words and more (sa, sa de cv; ltd, co ltd), one the other's start, as a
// payment's field cut short writes it (S.A of S.A.S.), both of the forms
// American files write for one another (inc, corp), or co, which a form's
// first word alone reads as (COMPAÑIA of Compañía Anónima, cut short with
// the field); but a KG's (GmbH & Co. KG) and another's never. Two others
// (nv and bv, ag and gmbh) are two companies': a parent and its
// subsidiary as a rule, DSM N.V. and DSM IP Assets B.V.
func LegalFormsAgree(a, b string) bool {
	if a == b || a == "" || b == "" {
		return true
	}
	if a == "co" || b == "co" {
		return true
	}
	// A GmbH & Co. KG is a limited partnership whose partner is a GmbH:
	// a KG, not the GmbH beside it (Müller Bau GmbH & Co. KG and Müller Bau
	// Verwaltungs GmbH, one address and one officer, are two companies).
	if strings.HasSuffix(a, "kg") != strings.HasSuffix(b, "kg") {
		return false
	}
	if americanForms[a] && americanForms[b] || strings.HasPrefix(a, b) || strings.HasPrefix(b, a) {
		return true
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	for _, w := range wa {
		if !slices.Contains(wb, w) {
			return false
		}
	}
	return true
}

// americanForms are legal forms written for one another.
var americanForms = map[string]bool{"inc": true, "corp": true}

// Generation returns the value's generation (see generation) when its
// comparison reads one, else 0.
func (p *Prepared) Generation() uint8 { return p.gen }

// generation returns the rank in a family's line of a person name's
// generational suffix, as normalize writes it (the facet "suffix"): 1 for
// a senior, 2 for a junior or a second (jr, ii, filho, hijo), 3 for a
// third (iii, neto), 4 for a fourth; 0 when it says none (none written,
// sobrinho). Two names of unequal ranks are two people, a father and his
// son: John Smith Sr and John Smith Jr. A junior and a second are often
// one.
func generation(suffix string) uint8 {
	switch suffix {
	case "sr":
		return 1
	case "jr", "ii", "filho", "hijo":
		return 2
	case "iii", "neto":
		return 3
	case "iv":
		return 4
	}
	return 0
}

// Derived reports whether the value is derived (record.FacetDerived).
func (p *Prepared) Derived() bool { return p.v.IsDerived() }

// PrepareInterned is Prepare with v's exact key interned in keys, a table
// shared by every value compared with v (the key is read through the
// facet positions Prepare found, not by name).
func (c *Comparison) PrepareInterned(v *record.Value, keys *Keys) Prepared {
	p := c.Prepare(v)
	p.key = keys.ID(c.str(&p, c.keySlot))
	return p
}

// PrepareGroup is PrepareInterned for each value of vs, into out (at
// least as long), with the same ids in the same order. The table slots of
// the group's keys are read before any key is looked up, so that their
// cache misses overlap instead of queueing one after another: with
// millions of keys the table is far larger than the cache.
func (c *Comparison) PrepareGroup(vs []*record.Value, keys *Keys, out []Prepared) {
	const group = 32
	var hs [group]uint64
	for lo := 0; lo < len(vs); lo += group {
		part, dst := vs[lo:min(lo+group, len(vs))], out[lo:]
		var sink uint64
		for i, v := range part {
			dst[i] = c.Prepare(v)
			hs[i] = keys.table.hash(c.str(&dst[i], c.keySlot))
			sink += keys.table.touch(hs[i])
		}
		for i := range part {
			dst[i].key = keys.idHashed(c.str(&dst[i], c.keySlot), hs[i])
		}
		touchSink.Add(sink)
	}
}

// touchSink keeps PrepareGroup's reads of table slots from being
// optimised away.
var touchSink atomic.Uint64

// Key returns the exact key id p was prepared with.
func (p Prepared) Key() uint32 { return p.key }

// Warm reads the first of what comparing p reads, its string and its
// tokens, and returns a number of no meaning. Called for a group of values
// before they are compared, it lets their cache misses overlap instead of
// queueing one after another.
func (p *Prepared) Warm() uint32 {
	x := uint32(len(p.s))
	if len(p.s) > 0 {
		x += uint32(p.s[0])
	}
	if p.v != nil && len(p.v.Tokens) > 0 {
		x += uint32(len(p.v.Tokens[0]))
	}
	return x
}

// facetSyllables is normalize.FacetSyllables: the two syllables of a
// person's East Asian given name (Kim Min-jun: "min jun").
const facetSyllables = "syllables"

// syllableBits returns the bits of the tokens of v that are the syllables
// of its East Asian given name; 0 for a name without one.
func syllableBits(v *record.Value) uint8 {
	first, second, ok := strings.Cut(v.Facet(facetSyllables), " ")
	if !ok {
		return 0
	}
	var bits uint8
	for i, t := range v.Tokens[:min(len(v.Tokens), 8)] {
		if t == first || t == second {
			bits |= 1 << i
		}
	}
	return bits
}

// splitsGiven reports whether one of two names writes one syllable of the
// other's East Asian given name but not the other, in fewer words (Ling
// Zhao and Zhao Yu-ling, Min Kim and Kim Min-jun): two people's names,
// however the words of one are all the other's. A given name of two
// syllables is one name, not a given name and a middle name that may be
// dropped.
func splitsGiven(a, b *Prepared) bool { return splits(a, b) || splits(b, a) }

func splits(x, y *Prepared) bool {
	if x.syl == 0 || len(y.v.Tokens) >= len(x.v.Tokens) {
		return false
	}
	found := 0
	for i, t := range x.v.Tokens[:min(len(x.v.Tokens), 8)] {
		if x.syl&(1<<i) != 0 && slices.Contains(y.v.Tokens, t) {
			found++
		}
	}
	return found == 1
}
