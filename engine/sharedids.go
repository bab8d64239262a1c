package engine

import (
	"fmt"
	"hash/maphash"
	"slices"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/record"
)

// minSharedIDs is the fewest values two identifier features of different
// names in two sources must share for unsharedIdentifiers to report them.
const minSharedIDs = 5

// unsharedIdentifiers reports identifier features of two sources, named
// differently, that hold the same values (a KYC file's "document" and a
// list's "passport"): features are compared by their name, so those
// records are never compared by them, and the numbers they share say that
// they should be (alias_of, or one name). recs come source by source, as
// Load gives them.
func unsharedIdentifiers(recs []record.Record) []string {
	type column struct {
		source, feature string
		hashes          []uint64 // sorted, distinct
	}
	seed := maphash.MakeSeed()
	var cols []column
	at := map[[2]string]int{}
	var buf [32]byte
	for i := range recs {
		r := &recs[i]
		for j := range r.Features {
			ft := &r.Features[j]
			if ft.Kind != record.KindIdentifier || len(ft.Values) == 0 {
				continue
			}
			k := [2]string{r.Key.Source, ft.Name}
			c, ok := at[k]
			if !ok {
				c = len(cols)
				at[k] = c
				cols = append(cols, column{source: k[0], feature: k[1]})
			}
			for _, v := range ft.Values {
				cols[c].hashes = append(cols[c].hashes, numberHash(seed, buf[:0], v.Norm))
			}
		}
	}
	for i := range cols {
		slices.Sort(cols[i].hashes)
		cols[i].hashes = slices.Compact(cols[i].hashes)
	}
	var out []string
	for i, a := range cols {
		for _, b := range cols[i+1:] {
			if a.source == b.source || a.feature == b.feature {
				continue
			}
			if n := sharedCount(a.hashes, b.hashes); n >= minSharedIDs {
				out = append(out, fmt.Sprintf("identifier features %s of source %s and %s of source %s share %d values but not their name, so their records are never compared by them: features are compared by their name; map one onto the other's feature (alias_of, or the same name)",
					a.feature, a.source, b.feature, b.source, n))
			}
		}
	}
	return out
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
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			n++
			a, b = a[1:], b[1:]
		}
	}
	return n
}
