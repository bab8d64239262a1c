package block

import (
	"hash/maphash"
	"runtime"
	"slices"
	"sync"

	"github.com/concord-er/concord/record"
)

// Copies are records of one source and kind whose values are all alike
// (their normalised values, tokens and facets; what was written may
// differ in case or accents): a payee named in every payment of an
// account, a customer file's row repeated. Copies share every key and
// compare alike with any record, so comparing one of them stands for all.
//
// A block over the size cap that copies fill (at most MaxBlock distinct
// records, each with its copies) is not skipped but read as copies: its
// first records of each set of copies are paired as in any block, and
// each other copy is paired with its first (a copy pair, see
// Index.CopyPairs) unless some rule pairs them already. A payee in 5,000
// payments is then one block of one record and 4,999 copy pairs, where
// skipping the block would leave every payment alone. When linking only
// (LinkOnly), copies of one source cannot be paired, and such blocks are
// skipped as before.

// CopiesOf returns, for each record, the index of the first record of
// its copies (itself when it has none), or nil when no record has a copy.
// Records are grouped by a hash of their values and then compared value
// by value, so that a collision of hashes makes no copies.
func CopiesOf(recs []record.Record) []int32 {
	first := copiesOf(recs)
	for i, f := range first {
		if f != int32(i) {
			return first
		}
	}
	return nil
}

// copiesOf is CopiesOf, but it always returns the index. Records are
// grouped by copySignature and then compared value by value: records that
// hash alike but differ (norms alike with other tokens or facets, or a
// collision) are each first of their own, and the first of a set of
// copies is its earliest record whatever the hashes, so the index does
// not depend on the seed.
func copiesOf(recs []record.Record) []int32 {
	first := make([]int32, len(recs))
	sigs := make([]uint64, len(recs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(recs)/4096))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var h maphash.Hash
			h.SetSeed(copySeed)
			for i := w * len(recs) / workers; i < (w+1)*len(recs)/workers; i++ {
				sigs[i] = copySignature(&h, &recs[i])
			}
		})
	}
	wg.Wait()
	bySig := make(map[uint64]int32, len(recs))
	var collided map[int32]int32 // a first → the earlier first of another set with its hash
	for i, h := range sigs {
		first[i] = int32(i)
		j, ok := bySig[h]
		if !ok {
			bySig[h] = int32(i)
			continue
		}
		for {
			if sameValues(&recs[i], &recs[j]) {
				first[i] = j
				break
			}
			if j, ok = collided[j]; !ok {
				break
			}
		}
		if first[i] == int32(i) {
			if collided == nil {
				collided = map[int32]int32{}
			}
			collided[int32(i)], bySig[h] = bySig[h], int32(i)
		}
	}
	return first
}

// copySeed seeds copySignature's hashes, for the process.
var copySeed = maphash.MakeSeed()

// copySignature hashes, with h, what tells most records apart: a
// record's source, kind and label, and each feature's name and normalised
// values, in order, each string after a byte that says what it is. Copies
// hash alike; records that do too are told apart by sameValues, which
// compares their tokens and facets as well.
func copySignature(h *maphash.Hash, r *record.Record) uint64 {
	h.Reset()
	h.WriteString(r.Key.Source)
	h.WriteByte(0x1e)
	h.WriteByte('0' + kindBit(r.Kind))
	h.WriteString(r.Label)
	for i := range r.Features {
		f := &r.Features[i]
		h.WriteByte(0x1d)
		h.WriteString(f.Name)
		for j := range f.Values {
			h.WriteByte(0x1e)
			h.WriteString(f.Values[j].Norm)
		}
	}
	return h.Sum64()
}

// sameValues reports whether a and b are copies: their source, kind and
// label are equal, and so are their features' names and values (norms,
// tokens and facets), in order.
func sameValues(a, b *record.Record) bool {
	if a.Key.Source != b.Key.Source || a.Kind != b.Kind || a.Label != b.Label || len(a.Features) != len(b.Features) {
		return false
	}
	for i := range a.Features {
		fa, fb := &a.Features[i], &b.Features[i]
		if fa.Name != fb.Name || len(fa.Values) != len(fb.Values) {
			return false
		}
		for j := range fa.Values {
			va, vb := &fa.Values[j], &fb.Values[j]
			if va.Norm != vb.Norm || !slices.Equal(va.Tokens, vb.Tokens) || !slices.Equal(va.Facets, vb.Facets) {
				return false
			}
		}
	}
	return true
}

// firstCopies returns the copy index of the records (Options.CopyOf, or
// copiesOf computed once, when a block over the cap first asks).
func (ix *Index) firstCopies(recs []record.Record) []int32 {
	ix.copyOnce.Do(func() {
		if ix.copyOf = ix.opt.CopyOf; ix.copyOf == nil {
			ix.copyOf = copiesOf(recs)
		}
	})
	return ix.copyOf
}

// readAsCopies returns the entries of a block over the cap that are the
// first of their copies, and whether the block is to be read as copies:
// it holds copies, and at most MaxBlock distinct records.
func (ix *Index) readAsCopies(recs []record.Record, block []entry) ([]entry, bool) {
	if ix.opt.LinkOnly {
		return nil, false
	}
	first := ix.firstCopies(recs)
	var kept []entry
	for _, e := range block {
		if first[e.rec] == e.rec {
			if len(kept) == ix.opt.MaxBlock {
				return nil, false
			}
			kept = append(kept, e)
		}
	}
	return kept, len(kept) < len(block)
}

// copyPairs pairs each copy with the first of its copies where a block
// read as copies hid them (hidden: the first copies, with the first rule
// that did) and no rule pairs them otherwise.
func (ix *Index) copyPairs(hidden map[int32]int32) []Pair {
	if len(hidden) == 0 {
		return nil
	}
	var out []Pair
	for i, f := range ix.copyOf {
		rule, ok := hidden[f]
		if !ok || f == int32(i) {
			continue
		}
		if !ix.sharedByAny(f, int32(i)) {
			out = append(out, Pair{A: f, B: int32(i), Rule: rule})
		}
	}
	return out
}

// CopyOf returns, for each record, the index of the first record of its
// copies (itself when it has none), as blocking read them, or nil when no
// block was read as copies.
func (ix *Index) CopyOf() []int32 {
	if len(ix.Collapsed) == 0 {
		return nil
	}
	return ix.copyOf
}

// CopyPairs is how many of Candidates' pairs, at its end, are copy pairs:
// a copy and the first of its copies, paired because a block read as
// copies left them out. They say nothing of how records that differ
// compare, and training leaves them out.
func (ix *Index) CopyPairs() int { return len(ix.copies) }

// Compared reports whether the comparison of a and b is made: some rule
// pairs them, or, through copies, the first of their copies are paired,
// or both are copy pairs of one first copy. Only before Release.
func (ix *Index) Compared(a, b int32) bool {
	if ix.sharedByAny(a, b) {
		return true
	}
	if ix.CopyOf() == nil {
		return false
	}
	fa, fb := ix.copyOf[a], ix.copyOf[b]
	if fa == fb {
		_, paired := ix.hidden[fa] // each paired with the first
		return paired
	}
	return (fa != a || fb != b) && ix.sharedByAny(fa, fb)
}

// sharedByAny reports whether some rule produces the pair (Shares).
func (ix *Index) sharedByAny(a, b int32) bool {
	for r := range ix.rules {
		if ix.Shares(r, a, b) {
			return true
		}
	}
	return false
}
