package engine

import (
	"fmt"
	"hash/maphash"
	"slices"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// minSharedIDs is the fewest values two identifier features of different
// names in two sources must share to be reported, and the fewest names
// and days two date features must (sharedIDs, sharedDays).
const minSharedIDs = 5

// numberColumns gathers each source's identifier features as the hashes
// of their numbers (numberHash).
func numberColumns(recs []record.Record, seed maphash.Seed) []featureHashes {
	var buf [32]byte
	return columnsOf(recs, kindIs(record.KindIdentifier), func(hs []uint64, _ *record.Record, v *record.Value) []uint64 {
		return append(hs, numberHash(seed, buf[:0], v.Norm))
	})
}

// sharedIDs returns the identifier features of cols of two sources, named
// differently, that share minSharedIDs numbers or more (a KYC file's
// "document" and a list's "passport"): features are compared by their
// name, so those records are never compared by them, and the numbers they
// share say that they should be (alias_of, or one name).
func sharedIDs(cols []featureHashes) []fieldSharing {
	var out []fieldSharing
	sharedColumns(cols, minSharedIDs, func(a, b *featureHashes, n int) {
		out = append(out, fieldSharing{a: fieldRef{a.source, a.feature}, b: fieldRef{b.source, b.feature}, kind: record.KindIdentifier, n: n, ha: a.hashes, hb: b.hashes})
	})
	return out
}

// idWarnings words the identifier features of ids whose names still
// differ when read as aliases say.
func idWarnings(ids []fieldSharing, aliases []model.FieldAlias) []string {
	return apartWarnings(ids, aliases, "identifier features %s of source %s and %s of source %s share %d values but not their name, so their records are never compared by them: features are compared by their name; map one onto the other's feature (alias_of, or the same name)")
}

// sharedDays returns the date features of two sources, named
// differently, that hold the same day for minSharedIDs names or more
// written alike (a KYC file's "dob" and a list's "birth_date", mapped
// under their columns' names): those records are never compared by their
// dates, which is what tells a parent from a junior and a namesake from
// the same person. Only dates known to the day count, with a name of the
// same record, so that dates shared by chance (many people are born on
// one day) and a company's founding date beside a person's birth say
// nothing.
func sharedDays(recs []record.Record) []fieldSharing {
	var out []fieldSharing
	sharedColumns(dayColumns(recs), minSharedIDs, func(a, b *featureHashes, n int) {
		out = append(out, fieldSharing{a: fieldRef{a.source, a.feature}, b: fieldRef{b.source, b.feature}, kind: record.KindDate, n: n})
	})
	return out
}

// dayWarnings words the date features of days whose names still differ
// when read as aliases say.
func dayWarnings(days []fieldSharing, aliases []model.FieldAlias) []string {
	return apartWarnings(days, aliases, "date features %s of source %s and %s of source %s hold the same day for %d names written alike but not their name, so their records are never compared by them: features are compared by their name; give them one name (or map one onto the other with alias_of)")
}

// apartWarnings words, by format (of each feature and its source, and
// the values shared), the sharings of found whose features' names still
// differ when read as aliases say, under those names.
func apartWarnings(found []fieldSharing, aliases []model.FieldAlias, format string) []string {
	as := func(r fieldRef) fieldRef {
		for _, a := range aliases {
			if a.Source == r.source && a.Field == r.feature {
				return fieldRef{r.source, a.As}
			}
		}
		return r
	}
	var out []string
	for _, s := range found {
		if a, b := as(s.a), as(s.b); a.feature != b.feature {
			out = append(out, fmt.Sprintf(format, a.feature, a.source, b.feature, b.source, s.n))
		}
	}
	return out
}

// dayColumns gathers each source's date features as the hashes of their
// days known to the day, each with a name of the same record (its sorted
// words, or the name as it is).
func dayColumns(recs []record.Record) []featureHashes {
	seed := maphash.MakeSeed()
	return columnsOf(recs, kindIs(record.KindDate), func(hs []uint64, r *record.Record, v *record.Value) []uint64 {
		if v.Facet("precision") != "day" {
			return hs
		}
		for j := range r.Features {
			f := &r.Features[j]
			if !f.Kind.IsName() {
				continue
			}
			for k := range f.Values {
				hs = append(hs, maphash.String(seed, sortedName(&f.Values[k])+"\x00"+v.Norm))
			}
		}
		return hs
	})
}

// kindIs returns a test of a kind being want.
func kindIs(want record.Kind) func(record.Kind) bool {
	return func(k record.Kind) bool { return k == want }
}

// sortedName is a name value's words sorted, or the name as it is.
func sortedName(v *record.Value) string {
	if name := v.Facet("sorted"); name != "" {
		return name
	}
	return v.Norm
}

// featureHashes is a feature of one source as the hashes of its records' values.
type featureHashes struct {
	source, feature string
	hashes          []uint64 // sorted, distinct
}

// columnsOf gathers the hashes of each source's features of the kinds it
// accepts: those hash appends for each of its values (none, one or
// several).
func columnsOf(recs []record.Record, accept func(record.Kind) bool, hash func(hs []uint64, r *record.Record, v *record.Value) []uint64) []featureHashes {
	var cols []featureHashes
	at := map[[2]string]int{}
	for i := range recs {
		r := &recs[i]
		for j := range r.Features {
			ft := &r.Features[j]
			if !accept(ft.Kind) || len(ft.Values) == 0 {
				continue
			}
			k := [2]string{r.Key.Source, ft.Name}
			c, ok := at[k]
			if !ok {
				c = len(cols)
				at[k] = c
				cols = append(cols, featureHashes{source: k[0], feature: k[1]})
			}
			for v := range ft.Values {
				cols[c].hashes = hash(cols[c].hashes, r, &ft.Values[v])
			}
		}
	}
	for i := range cols {
		slices.Sort(cols[i].hashes)
		cols[i].hashes = slices.Compact(cols[i].hashes)
	}
	return cols
}

// sharedColumns calls found for each two features of different sources
// and different names that share at least least hashes.
func sharedColumns(cols []featureHashes, least int, found func(a, b *featureHashes, n int)) {
	for i := range cols {
		for j := i + 1; j < len(cols); j++ {
			a, b := &cols[i], &cols[j]
			if a.source == b.source || a.feature == b.feature {
				continue
			}
			if n := sharedCount(a.hashes, b.hashes); n >= least {
				found(a, b, n)
			}
		}
	}
}

// numberHash hashes an identifier as two sources that write it
// differently share it: its digits when it has six or more (P-J61566600,
// J61566600 and 61566600 are one number, as the digits blocking rules read
// them), else itself; buf is room for the digits.
func numberHash(seed maphash.Seed, buf []byte, id string) uint64 {
	if d := block.AppendDigits(buf, id); len(d) > 0 {
		return maphash.Bytes(seed, d)
	}
	return maphash.String(seed, id)
}

// sharedCount counts the values two sorted lists of distinct values share.
func sharedCount(a, b []uint64) int {
	n := 0
	eachShared(a, b, func(uint64) { n++ })
	return n
}
