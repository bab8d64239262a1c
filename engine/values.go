package engine

import (
	"cmp"
	"context"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// valueTable holds every value each comparison reads, prepared once
// (compare.Prepared: facets found, exact key interned), in one column per
// comparison. Pairs are compared a column at a time: a column's key ids
// take 4 bytes a record, few enough to stay in the processor's last-level
// cache while millions of pairs are compared, and most comparisons of
// candidate pairs are decided by key ids (exact agreement) or by a missing
// value, without reading the values themselves.
type valueTable struct {
	comps []*compare.Comparison
	keys  []*compare.Keys // comparison → its exact keys
	cols  []column
	// freq holds, once termFrequencies has counted them, each exact key's
	// relative frequency (the model's TFMin for keys seen once), so that
	// weighing pairs needs no lookup in the model's salted table; orgFreq
	// the frequency of a match of two organisations' names, for the
	// comparisons whose count gave one (tfCounts.orgOnce), else nil.
	freq, orgFreq [][]float64
	// orgFormFreq holds, with orgFreq, the frequency of a match of two
	// organisations' names both written with one legal form, where it is
	// not orgFreq's (tfCounts.orgForms).
	orgFormFreq []map[orgFormKey]float64
	// orgKeys marks, per comparison, the exact keys of organisations'
	// names (orgNameKeys); nil until asked for.
	orgKeys [][]bool
	orgVals [][]uint64 // per comparison, a bit per value of cols[i].vals
	// formsU holds, per comparison, what formsAgreeU counted: the values
	// do not change between training's rounds; nil until asked for.
	formsU []*formsShares
	// holderOf groups the records that share an identifier (holders).
	holderOf holderGroups
	// copyOf gives each record the first of its copies: copies are one
	// holder of their values, and training counts first copies alone.
	copyOf copyIndex
	// identified marks the records with a value of an exclusive
	// comparison (a date of birth, an id): nil until identifiedRecords.
	identified []bool
	// shared holds the names the candidates share, once readShared has
	// read them.
	shared *sharedNames
	// mixed marks, per comparison, the pairs of sources (src × sources)
	// between which its disagreements are read as missing (setMixed); nil
	// when none.
	mixed [][]bool
	// src is each record's source, an index of srcNames (sourceIndexes).
	src      []uint16
	srcNames []string
}

// column holds one comparison's values for every record.
type column struct {
	// cells hold, per record, what decides most pairs without reading
	// values (the exact key and the screen, compare.Comparison.Screen),
	// and where its values are; one more cell ends the last record's.
	cells []cell
	// vals holds the values, prepared, record after record; record r's
	// are vals[cells[r].at:cells[r+1].at].
	vals []compare.Prepared
}

// cell is one record's entry in a column. key is noValue, severalValues
// (several values, or one whose exact key alone does not decide the exact
// level: a name of a generation, compare.Prepared.Generation), or the
// exact key id of its one value plus keyOffset; screen is that
// value's screen (0 for none or several); at is the index of its first
// value in vals.
type cell struct{ key, screen, at uint32 }

const (
	noValue       = 0
	severalValues = 1
	keyOffset     = 2
)

// prepared returns the values of record r.
func (c *column) prepared(r int32) []compare.Prepared { return c.vals[c.cells[r].at:c.cells[r+1].at] }

// withKey returns record r's first value whose exact key id is key, and
// its index in vals; nil and −1 when none has it.
func (c *column) withKey(r int32, key uint32) (*record.Value, int) {
	vals := c.prepared(r)
	for x := range vals {
		if vals[x].Key() == key {
			return vals[x].Value(), int(c.cells[r].at) + x
		}
	}
	return nil, -1
}

// singleKey returns the exact key id of record r's one value, from its
// cell where that holds it.
func (c *column) singleKey(r int32) uint32 {
	if k := c.cells[r].key; k >= keyOffset {
		return k - keyOffset
	}
	return c.vals[c.cells[r].at].Key()
}

// recordsOfCommon returns, for each exact key held more than twice
// (counts, by key id), the records that hold it, each once, of those
// keep marks (nil: all): the records whose holders termFrequencies counts
// again, gathered in a pass of their own so that the many keys held once
// or twice gather nothing.
func (c *column) recordsOfCommon(counts []int32, keep []bool) map[uint32][]int32 {
	out := map[uint32][]int32{}
	var ids []uint32
	for r := range int32(len(c.cells) - 1) {
		if keep != nil && !keep[r] {
			continue
		}
		ids = c.keyIDs(r, ids[:0])
		for x, k := range ids {
			if k != 0 && counts[k] > 2 && !containsID(ids[:x], k) {
				out[k] = append(out[k], r)
			}
		}
	}
	return out
}

// keyIDs appends the exact key ids of record r's values to buf.
func (c *column) keyIDs(r int32, buf []uint32) []uint32 {
	for _, p := range c.prepared(r) {
		buf = append(buf, p.Key())
	}
	return buf
}

// newValueTable prepares the values, one comparison per worker at a time.
// recs must not change while the table is in use.
func newValueTable(ctx context.Context, recs []record.Record, comps []*compare.Comparison, workers int) (*valueTable, error) {
	n, nC := len(recs), len(comps)
	layout, index := featureLayouts(recs, comps)
	own := func(r, i int) []record.Value {
		if k := index[layout[r]][i]; k >= 0 {
			return recs[r].Features[k].Values
		}
		return nil
	}
	// A comparison of towns reads the towns a record's address lines end
	// with where it has none of its own (model.DerivedTowns), as the
	// scorer does; they are read once, for the records that lack a town.
	var towns [][]record.Value
	for i, c := range comps {
		if c.Spec.Kind != record.KindCity {
			continue
		}
		if towns == nil {
			towns = make([][]record.Value, n)
		}
		for r := range n {
			if towns[r] == nil && len(own(r, i)) == 0 {
				towns[r] = model.DerivedTowns(&recs[r])
			}
		}
	}
	values := func(r, i int) []record.Value {
		if vs := own(r, i); len(vs) > 0 {
			return vs
		}
		if towns != nil && comps[i].Spec.Kind == record.KindCity {
			return towns[r]
		}
		return nil
	}
	t := &valueTable{comps: comps, keys: make([]*compare.Keys, nC), cols: make([]column, nC)}
	t.src, t.srcNames = sourceIndexes(recs)
	err := parallelEach(ctx, nC, workers, func(i int) {
		col := column{cells: make([]cell, n+1)}
		total := 0
		for r := range n {
			col.cells[r].at = uint32(total)
			total += len(values(r, i))
		}
		col.cells[n].at = uint32(total)
		col.vals = make([]compare.Prepared, total)
		c, keys := comps[i], compare.NewKeys()
		keys.Reserve(total)
		// Values are prepared in groups (compare.Comparison.PrepareGroup),
		// in record order, so that key ids are as PrepareInterned gives
		// them one at a time.
		var group [256]*record.Value
		g, done := 0, 0
		for r := range n {
			vs := values(r, i)
			for j := range vs {
				if g == len(group) {
					c.PrepareGroup(group[:g], keys, col.vals[done:])
					done, g = done+g, 0
				}
				group[g] = &vs[j]
				g++
			}
		}
		c.PrepareGroup(group[:g], keys, col.vals[done:])
		for r := range n {
			switch vs := col.vals[col.cells[r].at:col.cells[r+1].at]; len(vs) {
			case 0:
			case 1:
				if vs[0].Generation() != 0 {
					// A name of a generation (Sr, Jr, III): its exact key
					// alone does not make level 1, a name of another
					// generation with the same words is at else.
					col.cells[r].key = severalValues
					break
				}
				col.cells[r].key = vs[0].Key() + keyOffset
				if !vs[0].Derived() { // a derived value is never screened out: it is as missing when not exact
					col.cells[r].screen = c.Screen(&vs[0])
				}
			default:
				col.cells[r].key = severalValues
			}
		}
		keys.Done()
		t.keys[i], t.cols[i] = keys, col
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// featureLayouts groups records by the names of their features (one group
// per source, as a rule) and finds, once per group, the position of the
// feature each comparison reads, or -1.
func featureLayouts(recs []record.Record, comps []*compare.Comparison) (layout []int32, index [][]int16) {
	layout = make([]int32, len(recs))
	seen := map[string]int32{}
	var sig []byte // feature names, each ended by a zero byte
	for i := range recs {
		r := &recs[i]
		sig = sig[:0]
		for _, f := range r.Features {
			sig = append(sig, f.Name...)
			sig = append(sig, 0)
		}
		l, ok := seen[string(sig)] // a look-up that does not copy sig
		if !ok {
			l = int32(len(index))
			seen[string(sig)] = l
			idx := make([]int16, len(comps))
			for j, c := range comps {
				idx[j] = -1
				for k, f := range r.Features {
					if f.Name == c.Spec.Feature {
						idx[j] = int16(k)
						break
					}
				}
			}
			index = append(index, idx)
		}
		layout[i] = l
	}
	return layout, index
}

// level returns the level of comparison i for records a and b.
func (t *valueTable) level(i int, a, b int32) int {
	col := &t.cols[i]
	l := quickLevel(t.comps[i], col.cells[a], col.cells[b])
	if l < 0 {
		l = t.valueLevel(i, a, b)
	}
	return t.unmixed(i, a, b, l)
}

// quickLevel returns the level of a pair from the records' cells alone,
// or -1 when their values must be compared: null when either has no
// value, exact when their keys are equal, else when their screens rule
// out every other level.
func quickLevel(c *compare.Comparison, ca, cb cell) int {
	ka, kb := ca.key, cb.key
	switch {
	case ka == noValue || kb == noValue:
		return 0
	case ka == kb && ka > keyOffset && c.ExactFirst():
		return 1 // the same non-empty exact key
	case ka == severalValues || kb == severalValues:
		return -1
	case c.ScreenedOut(ca.screen, cb.screen):
		return c.Else()
	}
	return -1
}

// valueLevel returns the level of comparison i for records a and b by
// comparing their values.
func (t *valueTable) valueLevel(i int, a, b int32) int {
	col, c := &t.cols[i], t.comps[i]
	if col.cells[a].key == severalValues || col.cells[b].key == severalValues {
		l, _, _ := c.LevelPrepared(col.prepared(a), col.prepared(b))
		return l
	}
	return c.PairLevel(&col.vals[col.cells[a].at], &col.vals[col.cells[b].at])
}

// compare fills out, len(pairs) rows of one level per comparison, with
// the levels of pairs, a column at a time, on workers goroutines.
//
// The two records of a pair lie anywhere in memory, so most of comparing
// is waiting for cache misses. Pairs are taken in groups: first the cells
// of the whole group are read, and the pairs that they decide are done
// (quickLevel); then the prepared values that the other pairs will compare
// are read, and what they point to (compare.Prepared.Warm), and only then
// are those pairs compared, so that the misses of a group overlap instead
// of queueing one after another.
func (t *valueTable) compare(ctx context.Context, pairs []candidate, workers int, out []uint8) error {
	const group = 32
	nC := len(t.comps)
	for i, c := range t.comps {
		col := &t.cols[i]
		err := parallel(ctx, len(pairs), workers, func(lo, hi int) {
			var warm uint32
			var at [2 * group]uint32
			var todo [group]int
			for g := lo; g < hi; g += group {
				batch := pairs[g:min(g+group, hi)]
				for _, p := range batch {
					warm += col.cells[p.A].key ^ col.cells[p.B].key
				}
				// Decide what the cells decide; then read where the other
				// pairs' values are, the values, and what they point to:
				// each pass's reads are independent of one another.
				nt := 0
				for k, p := range batch {
					if l := quickLevel(c, col.cells[p.A], col.cells[p.B]); l >= 0 {
						out[(g+k)*nC+i] = uint8(l)
						continue
					}
					todo[nt] = k
					nt++
				}
				for x, k := range todo[:nt] {
					at[2*x], at[2*x+1] = col.cells[batch[k].A].at, col.cells[batch[k].B].at
				}
				for _, x := range at[:2*nt] {
					warm += col.vals[x].Key()
				}
				for _, x := range at[:2*nt] {
					warm += col.vals[x].Warm()
				}
				for _, k := range todo[:nt] {
					out[(g+k)*nC+i] = uint8(t.valueLevel(i, batch[k].A, batch[k].B))
				}
			}
			warmSink.Add(warm)
		})
		if err != nil {
			return err
		}
		if t.mixed != nil && t.mixed[i] != nil {
			for k, p := range pairs {
				out[k*nC+i] = uint8(t.unmixed(i, p.A, p.B, int(out[k*nC+i])))
			}
		}
	}
	return nil
}

// warmSink keeps the reads of compare's warming passes from being
// optimised away.
var warmSink atomic.Uint32

// allTermFrequencies counts the term frequencies of every comparison that
// has them (termFrequencies), on workers side by side; the others' are
// zero.
func (t *valueTable) allTermFrequencies(ctx context.Context, workers int) ([]tfCounts, error) {
	out := make([]tfCounts, len(t.comps))
	var tf []int
	for i, c := range t.comps {
		if c.Spec.TF {
			tf = append(tf, i)
		}
	}
	// What every comparison's count reads, made once before they start.
	t.holders()
	t.identifiedRecords()
	t.frequencyTables()
	err := parallelChunks(ctx, len(tf), 1, workers, func(lo, hi int) {
		for _, i := range tf[lo:hi] {
			out[i] = t.termFrequencies(i)
		}
	})
	return out, err
}

// termFrequencies counts the exact keys of comparison i over the holders
// of values (see holders), each once per holder; for names, the records of
// one name that share a date of birth or an id are one holder too
// (nameHolders). A key's frequency leaves
// one holder out (the one whose pair is weighed): keys held more than
// twice get (holders − 1) / total, the rest share the minimum 1 / total.
// For names, tokens are counted too, once per holder, and a name held no
// more than twice gets its frequency from its tokens'
// (model.RareNameFrequency). It returns the keys held more than twice,
// the minimum, and for names the tokens held more than twice with their
// minimum.
func (t *valueTable) termFrequencies(i int) (tf tfCounts) {
	keys, col := t.keys[i], &t.cols[i]
	holder := t.holders()
	counts := make([]int32, keys.Len())
	names := t.comps[i].Spec.Kind.IsName()
	// Records are read holder by holder (holderGroups.order), so that a
	// key or token is counted once per holder by remembering the last
	// holder that counted it (holder + 1; 0 for none).
	keyLast := make([]int32, keys.Len())
	var (
		tokOf   = map[string]int32{} // token → its number
		keyToks [][]int32            // key → its tokens' numbers, once read
		tokens  []string             // number → token
		tokN    []int32              // number → holders counted
		tokLast []int32              // number → last holder that counted it
	)
	if names {
		keyToks = make([][]int32, keys.Len())
	}
	tokensOf := func(k uint32) []int32 {
		if keyToks[k] == nil {
			ts := []int32{}
			for tok := range strings.FieldsSeq(keys.Key(k)) {
				n, ok := tokOf[tok]
				if !ok {
					n = int32(len(tokens))
					tokOf[tok] = n
					tokens, tokN, tokLast = append(tokens, tok), append(tokN, 0), append(tokLast, 0)
				}
				ts = append(ts, n)
			}
			keyToks[k] = ts
		}
		return keyToks[k]
	}
	holdersWithName := 0
	total := 0
	var ids []uint32
	// A whole name is counted over the records that can tell its holders
	// apart (a date of birth, an id): a payment party, or a filing's
	// officer, named without either could be any holder of the name, and
	// does not make it look more common. Its tokens count all the same.
	var identified []bool
	if names {
		identified = t.identifiedRecords()
	}
	named := int32(0) // the last holder counted as holding a name, + 1
	// orgHeld counts, for names, the identified holders of organisations'
	// names (model.OrgName) source by source (orgNameFrequency).
	var (
		orgHeld     map[sourceKey]holderCount
		orgFormHeld map[sourceFormKey]holderCount // and by legal form
	)
	if names && identified != nil {
		orgHeld, orgFormHeld = map[sourceKey]holderCount{}, map[sourceFormKey]holderCount{}
	}
	for _, r := range holder.order {
		ids = col.keyIDs(r, ids[:0])
		mark := holder.of[r] + 1
		for x, k := range ids {
			if k == 0 {
				continue
			}
			if names {
				for _, tok := range tokensOf(k) {
					if tokLast[tok] != mark {
						tokLast[tok] = mark
						tokN[tok]++
					}
				}
				if named != mark {
					named = mark
					holdersWithName++
				}
			}
			if identified != nil && !identified[r] {
				continue
			}
			if v := col.prepared(r)[x].Value(); orgHeld != nil && model.OrgName(v) {
				sk := sourceKey{k, t.src[r]}
				if h := orgHeld[sk]; h.last != mark {
					orgHeld[sk] = holderCount{h.n + 1, mark}
				}
				sf := sourceFormKey{sk, v.Facet("legal_form")}
				if h := orgFormHeld[sf]; h.last != mark {
					orgFormHeld[sf] = holderCount{h.n + 1, mark}
				}
			}
			if keyLast[k] == mark {
				continue
			}
			keyLast[k] = mark
			counts[k]++
			total++
		}
	}
	if names && holdersWithName > 0 {
		tf.tokenMin = 1 / float64(holdersWithName)
		tf.tokens = map[string]float64{}
		own := tokN // each token's own holders, before its spellings'
		var from []int32
		tokN, from = spellingCounts(tokens, tokN)
		company := tokenCompany(keyToks, tokN, holdersWithName)
		for n, f := range from {
			// A token counted as its commoner spelling keeps that
			// spelling's company too: SIDNSY, a typo of SIDNEY, has met
			// PELHAM alone, which says nothing of how common it is.
			company[n] = company[f]
		}
		for n, name := range ownNameWords(tokens, own) {
			if name {
				tf.names = append(tf.names, tokens[n])
			}
		}
		for n, c := range tokN {
			if c > 2 {
				tf.tokens[tokens[n]] = min(float64(c-1)/float64(holdersWithName)/math.Sqrt(company[n]), 1)
			}
		}
	}
	if identified != nil {
		// Names held more than twice, counted again by person: their
		// records are gathered in a second pass, so that the many names
		// held once or twice gather nothing.
		recsOf := col.recordsOfCommon(counts, identified) // name key → its identified records
		var sc holderScratch
		identifiedTotal := float64(total)
		for k, rs := range recsOf {
			// A person's name its words make rare is likelier one holder's,
			// written in several sources, than several people's. (Two
			// companies' registrations and a payment's account of one name
			// are told apart by organisations' own counts: orgNameFrequency.)
			org := slices.ContainsFunc(rs, func(r int32) bool { v, _ := col.withKey(r, k); return model.OrgName(v) })
			rare := !org && model.RareNameFrequency(keys.Key(k), tf.tokenFreq, 1/identifiedTotal)*identifiedTotal < maxExpectedHolders
			n := t.nameHolders(rs, holder, rare, &sc)
			total -= int(counts[k]) - n
			counts[k] = int32(n)
		}
	}
	dates := t.comps[i].Spec.Kind == record.KindDate
	least := int32(2) // a key held by more gets a frequency of its own
	if dates {
		least = t.countDateHolders(col, counts, &total, holder)
	}
	if total == 0 {
		return tfCounts{}
	}
	tf.min = 1 / float64(total)
	t.frequencyTables()
	if orgHeld != nil {
		tf.orgOnce = orgNameFrequency(orgFormHeld, len(t.srcNames), tf.min)
	}
	freq := make([]float64, len(counts))
	tf.values = map[string]float64{}
	for k, c := range counts {
		switch {
		case c > least:
			freq[k] = float64(c-1) / float64(total)
			tf.values[keys.Key(uint32(k))] = freq[k]
		case dates:
			// no frequency of its own: as the exact level's u
		case names && k != 0:
			freq[k] = model.RareNameFrequency(keys.Key(uint32(k)), tf.tokenFreq, tf.min)
		default:
			freq[k] = tf.min
		}
	}
	t.freq[i] = freq
	if tf.orgOnce > 0 {
		// Organisations' names two organisations of one source hold are
		// as common for two organisations as for anyone
		// (tfCounts.orgValues); the others are as rare as orgOnce. People
		// who write a name too (the officer after whom a company is named)
		// are no organisation the company could be taken for.
		shared := make([]bool, len(counts))
		for sk, h := range orgHeld {
			shared[sk.key] = shared[sk.key] || h.n > 1
		}
		orgFreq := make([]float64, len(freq))
		tf.orgValues = map[string]float64{}
		for k, c := range counts {
			switch {
			case k != 0 && shared[k]:
				orgFreq[k] = freq[k]
				if c <= 2 {
					orgFreq[k] = tf.min
				}
				tf.orgValues[keys.Key(uint32(k))] = orgFreq[k]
			default:
				orgFreq[k] = min(freq[k], tf.orgOnce)
			}
		}
		t.orgFreq[i] = orgFreq
		tf.orgForms, t.orgFormFreq[i] = map[string]float64{}, map[orgFormKey]float64{}
		for f := range unsharedForms(orgFormHeld, shared) {
			t.orgFormFreq[i][f] = min(freq[f.key], tf.orgOnce)
			tf.orgForms[model.OrgFormKey(keys.Key(f.key), f.form)] = t.orgFormFreq[i][f]
		}
	}
	return tf
}

// frequencyTables makes freq, orgFreq and orgFormFreq, a slot for each
// comparison that termFrequencies fills, unless made already (by
// allTermFrequencies, before its counts run side by side).
func (t *valueTable) frequencyTables() {
	if t.freq == nil {
		t.freq, t.orgFreq = make([][]float64, len(t.comps)), make([][]float64, len(t.comps))
		t.orgFormFreq = make([]map[orgFormKey]float64, len(t.comps))
	}
}

// sourceKey is an exact key of a source, and holderCount the holders
// counted of it, with the last (its mark) (termFrequencies).
type (
	sourceKey struct {
		key uint32
		src uint16
	}
	holderCount struct{ n, last int32 }
	// sourceFormKey is a sourceKey written with a legal form ("" for
	// none), and orgFormKey an exact key with one.
	sourceFormKey struct {
		sourceKey
		form string
	}
	orgFormKey struct {
		key  uint32
		form string
	}
)

// unsharedForms returns, of the keys two organisations of one source hold
// (shared), those that no two of one source hold under one legal form:
// an organisation's name written with none may be any of its source's,
// and counts with every form. Capital Molina Servicios Ltd and Capital
// Molina Servicios SAS of one register share their name, not the name
// with its form.
func unsharedForms(held map[sourceFormKey]holderCount, shared []bool) map[orgFormKey]bool {
	none := map[sourceKey]int32{} // holders written without a form
	for sf, h := range held {
		if sf.form == "" && shared[sf.key] {
			none[sf.sourceKey] += h.n
		}
	}
	noneMost := map[uint32]int32{} // key → the most of them in one source
	for sk, n := range none {
		noneMost[sk.key] = max(noneMost[sk.key], n)
	}
	apart := map[orgFormKey]bool{}
	for sf, h := range held {
		if sf.form == "" || !shared[sf.key] {
			continue
		}
		f := orgFormKey{sf.key, sf.form}
		if ok, seen := apart[f]; !seen || ok {
			apart[f] = h.n+none[sf.sourceKey] < 2 && noneMost[sf.key] < 2
		}
	}
	for f, ok := range apart {
		if !ok {
			delete(apart, f)
		}
	}
	return apart
}

// minOrgNames is the fewest names held by one identified organisation
// each that orgNameFrequency estimates a frequency from.
const minOrgNames = 50

// orgNameFrequency estimates how often an organisation's name that no
// other identified organisation of its source holds is held by another
// all the same: by Good–Turing, a name held once is expected to be held
// by 2·N2/N1 others, N1 and N2 being the names held by one and by two
// identified organisations of one source (N2 taken as at least one: no
// name seen held twice does not make names unique), over the holdings of
// the source that has most. held counts the identified holders of each
// organisation's name key source by source (nS sources); once is the
// frequency of a key held once. It returns 0 (no estimate) with fewer than
// minOrgNames names held once, or when the estimate is no rarer than
// once; it is never rarer than once/model.RareNameSpan, the rarest a
// person's name is taken to be.
//
// A register keeps its companies' names apart, and a customer file or a
// list that names a company by its registered name does too: where the
// data says so, two organisations that agree on a name no other holds
// are one far more surely than two people who do. Holders are counted
// within each source because across sources one organisation is often
// several holders (a customer number, a registration number, a payee's
// account): two holders of one name in two sources say nothing of names
// shared. A name is counted with its legal form (held counts them so; ""
// for none written): two companies of one name under two forms (Bau West
// GmbH, Bau West OHG) are two names a register keeps apart, as two
// organisations whose forms disagree are two (TFOrgForms).
func orgNameFrequency(held map[sourceFormKey]holderCount, nS int, once float64) float64 {
	var n1, n2 int
	holdings := make([]int, nS)
	for sk, h := range held {
		holdings[sk.src] += int(h.n)
		switch h.n {
		case 1:
			n1++
		case 2:
			n2++
		}
	}
	if n1 < minOrgNames {
		return 0
	}
	f := 2 * float64(max(n2, 1)) / float64(n1) / float64(slices.Max(holdings))
	if f >= once {
		return 0
	}
	// A register of a million companies would make a name alone weigh
	// 20 bits more than a person's: names repeat across registers, and
	// across countries, that one register does not see.
	return max(f, once/model.RareNameSpan)
}

// nameHolders counts the holders among records rs, which write one name:
// records of one holder (see holders) are one, and so are records that
// share an exact value of an exclusive comparison (a date of birth, an id
// of any kind) — one name and one date of birth are one person, whose
// customer file, list entry and company filings share no identifier.
// Counting each of them as a holder of its own makes every name look as
// common as the sources that repeat it, and a rare name no rarer than a
// common one. A value that more than maxHolderRecords of the records share
// is a placeholder and joins nobody. With consistent (a name its words
// make rare), it counts the fewest holders the groups so joined can be
// (consistentHolders).
func (t *valueTable) nameHolders(rs []int32, holder holderGroups, consistent bool, sc *holderScratch) int {
	components := sc.byHolder(rs, holder)
	for e, c := range t.comps {
		if !c.Spec.Exclusive {
			continue
		}
		sc.pairs = sc.pairs[:0]
		for i, r := range rs {
			sc.ids = t.cols[e].keyIDs(r, sc.ids[:0])
			for _, k := range sc.ids {
				if k != 0 {
					sc.pairs = append(sc.pairs, keyIndex{key: k, i: int32(i)})
				}
			}
		}
		components -= sc.joinRuns(maxHolderRecords)
		if c.Spec.Kind == record.KindDate {
			components -= t.joinDateTypos(e, rs, sc)
		}
	}
	if consistent && components > 1 && components <= maxNameHolders {
		components = t.consistentHolders(rs, sc)
	}
	return components
}

// maxExpectedHolders is how many holders the identified records may be
// expected to hold a name, by its words' frequencies, for its records to
// be counted as the fewest holders they can be (consistentHolders): a
// fiftieth, which names of three rare words reach and the commoner names
// of two (YOON DO-YUN, where the data repeats East Asian given names) do
// not: a tenth merged four of the heterogeneous set's 169 namesakes for
// no gain, a fiftieth three, where two were before.
const maxExpectedHolders = 0.02

// maxNameHolders bounds the groups of records of one name that
// consistentHolders tries to join: a name written by more groups than
// this is common whatever they are.
const maxNameHolders = 32

// consistentHolders counts the fewest holders that the groups of records
// rs (sc.groups, as nameHolders joined them) can be: groups that hold no
// values of an exclusive comparison that disagree (one holds a date of
// birth, the other an id, or both the same date) may be one holder, and
// are joined, largest first, into the first holder they do not disagree
// with. One person's customer file, list entry and company filings write
// a rare name and share no value; they make it look no commoner than
// written once. Namesakes that hold different dates of birth, or
// different ids, stay apart, and a common name's holders mostly do.
func (t *valueTable) consistentHolders(rs []int32, sc *holderScratch) int {
	type holding struct {
		comp int
		key  uint32
	}
	byGroup := map[int32][]holding{}
	size := map[int32]int{}
	for i, r := range rs {
		g := sc.groups.find(int32(i))
		size[g]++
		for e, c := range t.comps {
			if !c.Spec.Exclusive {
				continue
			}
			sc.ids = t.cols[e].keyIDs(r, sc.ids[:0])
			for _, k := range sc.ids {
				if k != 0 && !slices.Contains(byGroup[g], holding{e, k}) {
					byGroup[g] = append(byGroup[g], holding{e, k})
				}
			}
		}
	}
	groups := make([]int32, 0, len(size))
	for g := range size {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b int32) int {
		if c := cmp.Compare(size[b], size[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	// disagree reports whether a and b both hold values of a comparison
	// and agree on none of them; a date known to the month or the year
	// agrees with the days it holds (1958-02 with 1958-02-14: a filing's
	// officer and a customer).
	agree := func(x, y holding) bool {
		switch {
		case x.comp != y.comp:
			return false
		case x.key == y.key:
			return true
		case t.comps[x.comp].Spec.Kind != record.KindDate:
			return false
		}
		a, b := t.keys[x.comp].Key(x.key), t.keys[x.comp].Key(y.key)
		return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
	}
	disagree := func(a, b []holding) bool {
		for _, x := range a {
			if slices.ContainsFunc(b, func(y holding) bool { return y.comp == x.comp }) &&
				!slices.ContainsFunc(a, func(z holding) bool {
					return z.comp == x.comp && slices.ContainsFunc(b, func(y holding) bool { return agree(z, y) })
				}) {
				return true
			}
		}
		return false
	}
	var holders [][]holding
	for _, g := range groups {
		joined := false
		for h := range holders {
			if !disagree(holders[h], byGroup[g]) {
				holders[h] = append(holders[h], byGroup[g]...)
				joined = true
				break
			}
		}
		if !joined {
			holders = append(holders, slices.Clone(byGroup[g]))
		}
	}
	return len(holders)
}

// holderScratch is what nameHolders and dateHolders work in, kept from
// one call to the next.
type holderScratch struct {
	pairs  []keyIndex
	groups unionFind
	ids    []uint32
}

// typoDigits are the places of a date known to the day (2006-01-02) where
// a digit mistyped leaves one person's date: the year's last digit, the
// month's and the day's. The year's others would make a parent's and a
// junior's (1950-06-18, 1970-06-18) one.
var typoDigits = [...]int{3, 5, 6, 8, 9}

// joinDateTypos joins the records rs (by index) whose dates of comparison
// e differ by one digit at typoDigits (1764-04-04, 1764-05-04): one
// person's copies written with a typo, as the one-edit level reads them,
// but for dates more than maxHolderRecords write alike but for that
// digit, and for the years of 1 January, which stands for a year alone
// (1970-01-01, 1971-01-01). It returns how many groups it joined.
func (t *valueTable) joinDateTypos(e int, rs []int32, sc *holderScratch) int {
	sc.pairs = sc.pairs[:0]
	for i, r := range rs {
		for _, p := range t.cols[e].prepared(r) {
			d := p.Value().Norm
			if len(d) != len("2006-01-02") {
				continue
			}
			for _, at := range typoDigits {
				if at == 3 && d[5:] == "01-01" {
					continue // a year alone, as many write it: 1970 and 1971 are two
				}
				sc.pairs = append(sc.pairs, keyIndex{key: fnv32(d, at), i: int32(i)})
			}
		}
	}
	return sc.joinRuns(maxHolderRecords)
}

// fnv32 is FNV-1a of s, but for its byte at skip (−1: none), mixed with
// skip: a key of joinRuns that is the same from one run to the next, so
// that a model trained twice is the same.
func fnv32(s string, skip int) uint32 {
	h := uint32(2166136261) ^ uint32(skip+1)
	for j := range len(s) {
		if j != skip {
			h = (h ^ uint32(s[j])) * 16777619
		}
	}
	return h
}

// byHolder starts sc's groups of records rs (by index) as their holders
// (see holders) join them, and returns how many groups there are.
func (sc *holderScratch) byHolder(rs []int32, holder holderGroups) int {
	sc.groups, sc.pairs = sc.groups[:0], sc.pairs[:0]
	for i, r := range rs {
		sc.groups = append(sc.groups, int32(i))
		sc.pairs = append(sc.pairs, keyIndex{key: uint32(holder.of[r]), i: int32(i)})
	}
	return len(rs) - sc.joinRuns(len(rs))
}

// joinRuns joins in groups the records (by index) of each run of one key
// in pairs, but for runs longer than limit, and returns how many groups
// it joined.
func (sc *holderScratch) joinRuns(limit int) int {
	joined := 0
	slices.SortFunc(sc.pairs, func(a, b keyIndex) int { return cmp.Compare(a.key, b.key) })
	for lo := 0; lo < len(sc.pairs); {
		hi := lo + 1
		for hi < len(sc.pairs) && sc.pairs[hi].key == sc.pairs[lo].key {
			hi++
		}
		if hi-lo <= limit {
			for _, p := range sc.pairs[lo+1 : hi] {
				if sc.groups.join(sc.pairs[lo].i, p.i) {
					joined++
				}
			}
		}
		lo = hi
	}
	return joined
}

// commonDateFactor is how many times the holders of the average date a
// date's must be for it to weigh by its own frequency. Dates spread over
// the days of the years a source spans; where there are fewer records
// than days (Febrl's 5,000), a date held by three is no commoner than
// most, and weighing it so would cost its true pairs (Febrl3's pairwise
// F1 0.9939 → 0.9930 with every date held by more than two weighed).
const commonDateFactor = 4

// countDateHolders recounts, in counts (by exact key of a date
// comparison, as termFrequencies counted them over holders; total their
// sum), the holders of the dates held more than twice by person
// (dateHolders), and returns commonDateFactor times the holders of the
// average date: the dates held by more weigh by their own frequency, the
// others as the average date (the exact level's u).
func (t *valueTable) countDateHolders(col *column, counts []int32, total *int, holder holderGroups) int32 {
	var sc holderScratch
	for k, rs := range col.recordsOfCommon(counts, nil) {
		n := t.dateHolders(rs, holder, &sc)
		*total -= int(counts[k]) - n
		counts[k] = int32(n)
	}
	held := 0
	for _, c := range counts[1:] {
		if c > 0 {
			held++
		}
	}
	return max(2, int32(commonDateFactor*float64(*total)/float64(max(held, 1))))
}

// dateHolders counts the holders among records rs, which write one date:
// records of one holder (see holders) are one, and so are records of one
// name, or whose names share a word (Thomas Stanford, Tom Stanford,
// Thomas) that fewer than maxHolderRecords of them write. A date that a
// person's copies write, each with its own typos (Febrl's records, a
// dozen to a person), is no commoner for them; a date many people write
// (1 January 1860, as a source writes a year alone) is. Two people of
// one date whose names share a word count as one: the fewest holders.
func (t *valueTable) dateHolders(rs []int32, holder holderGroups, sc *holderScratch) int {
	components := sc.byHolder(rs, holder)
	for e, c := range t.comps {
		if !c.Spec.Kind.IsName() {
			continue
		}
		sc.pairs = sc.pairs[:0]
		for i, r := range rs {
			for _, p := range t.cols[e].prepared(r) {
				sc.pairs = append(sc.pairs, keyIndex{key: p.Key(), i: int32(i)})
			}
		}
		components -= sc.joinRuns(len(rs))
		sc.pairs = sc.pairs[:0]
		for i, r := range rs {
			for _, p := range t.cols[e].prepared(r) {
				for _, tok := range p.Value().Tokens {
					sc.pairs = append(sc.pairs, keyIndex{key: fnv32(tok, -1), i: int32(i)})
				}
			}
		}
		components -= sc.joinRuns(maxHolderRecords - 1)
	}
	return components
}

// keyIndex is a key held by the i-th record of a list.
type keyIndex struct {
	key uint32
	i   int32
}

// unionFind joins items 0…n−1 into groups, each named by its smallest
// item.
type unionFind []int32

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = int32(i)
	}
	return u
}

// find returns the smallest item of x's group.
func (u unionFind) find(x int32) int32 {
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

// join puts a and b in one group and reports whether they were apart.
func (u unionFind) join(a, b int32) bool {
	if a, b = u.find(a), u.find(b); a != b {
		u[max(a, b)] = min(a, b)
		return true
	}
	return false
}

// tfCounts are the term frequencies of one comparison (termFrequencies).
type tfCounts struct {
	values   map[string]float64 // exact keys held more than twice
	min      float64            // a key held once or twice
	tokens   map[string]float64 // name tokens held more than twice
	tokenMin float64
	// names are the tokens that are names of their own (ownNameWords,
	// model.Comparison.TFNameWords).
	names   []string
	orgOnce float64 // model.Comparison.TFOrgOnce; 0 for none
	// orgValues are model.Comparison.TFOrgTable: with orgOnce, the
	// organisations' names not one's own; orgForms
	// model.Comparison.TFOrgForms, keyed by model.OrgFormKey.
	orgValues, orgForms map[string]float64
}

func (tf tfCounts) tokenFreq(tok string) float64 {
	if f, ok := tf.tokens[tok]; ok {
		return f
	}
	return tf.tokenMin
}

// maxHolderRecords bounds the records one identifier value may join into
// one holder: a value held more often is a placeholder or a shared
// account, not one party's.
const maxHolderRecords = 16

// holderGroups map each record to its holder (of: the smallest record
// that shares an exact identifier value with it, directly or through
// others) and list the records holder by holder.
type holderGroups struct {
	of    []int32
	order []int32 // the records, those of one holder one after another
}

// copyIndex gives each record the index of the first of its copies
// (block.CopiesOf); nil when no record has a copy.
type copyIndex []int32

// counted reports whether training counts record i: each record but the
// copies of another, which its first copy stands for, so that a payee
// named alike in thousands of payments weighs in the priors, the sessions
// of EM and the sample of u as one record.
func (c copyIndex) counted(i int32) bool { return c == nil || c[i] == i }

// holders groups the records that share an exact value of an identifier
// comparison (a national id, a registration number, an account), and
// copies of one record (copyOf): in term frequencies they count as one
// holder of their values, so that a company filed once per officer, or a
// party of several payments, does not make its own name look common.
// They are computed once.
func (t *valueTable) holders() holderGroups {
	if t.holderOf.of != nil {
		return t.holderOf
	}
	n := len(t.cols[0].cells) - 1
	groups := newUnionFind(n)
	for r, f := range t.copyOf {
		if f != int32(r) {
			groups.join(f, int32(r))
		}
	}
	var ids []uint32
	for i, c := range t.comps {
		if c.Spec.Kind != record.KindIdentifier {
			continue
		}
		col := &t.cols[i]
		byKey := map[uint32][]int32{}
		for r := range n {
			ids = col.keyIDs(int32(r), ids[:0])
			for _, k := range ids {
				if k != 0 && len(byKey[k]) <= maxHolderRecords {
					byKey[k] = append(byKey[k], int32(r))
				}
			}
		}
		for _, rs := range byKey {
			if len(rs) < 2 || len(rs) > maxHolderRecords {
				continue
			}
			for _, r := range rs[1:] {
				groups.join(rs[0], r)
			}
		}
	}
	h := holderGroups{of: make([]int32, n), order: make([]int32, n)}
	start := make([]int32, n+1) // records per holder, then where each holder's records start
	for r := range n {
		h.of[r] = groups.find(int32(r))
		start[h.of[r]+1]++
	}
	for x := range n {
		start[x+1] += start[x]
	}
	for r := range n {
		h.order[start[h.of[r]]] = int32(r)
		start[h.of[r]]++
	}
	t.holderOf = h
	return h
}

// minIdentified is the share of records that must hold an exclusive value
// (a date of birth, an id) for names to be counted over those alone.
const minIdentified = 0.1

// identifiedRecords marks the records that hold a value of an exclusive
// comparison — what tells two holders of one name apart. When fewer than
// minIdentified of the records hold one, it returns nil: every record
// counts.
func (t *valueTable) identifiedRecords() []bool {
	if t.identified != nil {
		if len(t.identified) == 0 {
			return nil
		}
		return t.identified
	}
	n := len(t.cols[0].cells) - 1
	out := make([]bool, n)
	found := 0
	var ids []uint32
	for i, c := range t.comps {
		if !c.Spec.Exclusive {
			continue
		}
		for r := range n {
			if !out[r] {
				if ids = t.cols[i].keyIDs(int32(r), ids[:0]); len(ids) > 0 && ids[0] != 0 {
					out[r] = true
					found++
				}
			}
		}
	}
	if float64(found) < minIdentified*float64(n) {
		t.identified = []bool{}
		return nil
	}
	t.identified = out
	return out
}

func containsID(s []uint32, x uint32) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// pairWeights scores comparison vectors as model.Scorer.CompareValues
// does, with every level weight and term-frequency adjustment looked up
// once per value rather than per pair.
type pairWeights struct {
	t *valueTable
	// shared, when the table has read them for the candidates weighed
	// (valueTable.readShared), holds the names candidates share.
	shared *sharedNames
	// runs are the records' sources as runs of consecutive records (Load
	// gives each source's records together): looking a record's source up
	// reads this short list, not a per-record array a cache miss away.
	runs  []sourceRun
	nS    int
	prior []float64 // source index × nS + source index → log2 prior odds
	// level holds, per comparison and level, log2(m/u) and which
	// term-frequency adjustment a pair at that level takes: read together,
	// once per comparison of a pair.
	level [][]levelWeight
	tf    [][]float64 // comparison → exact key id → adjustment; nil without TF
	tfOrg [][]float64 // the same, of two organisations' names (model.Scorer.TFAdjustOrgs); nil without
	// tfOrgForm holds the adjustments of two organisations' names both
	// written with one legal form where they are not tfOrg's; their keys'
	// tfOrg is NaN, and their adjustment without a form is here with form
	// "". So of, which weighs by tfOrg where it is not tf, reads no more
	// than it did for every other key.
	tfOrgForm []map[orgFormKey]float64
	subset    []int  // comparison → the last level a shared name adjusts (model.SubsetLevel); 0: none
	household []bool // household comparisons count once (model.Scorer.CompareValues)
	// forms marks the comparisons that weigh the legal forms of an exact
	// match of two organisations' names, which scorer weighs
	// (model.Scorer.Forms).
	forms  []bool
	scorer *model.Scorer
}

// levelWeight is a level's weight, the adjustment its pairs take, and
// what a pair of two names takes off it (model.Scorer.TwoNamesDown).
type levelWeight struct {
	w    float64
	tf   levelTF
	down float64
}

// levelTF is the term-frequency adjustment of a level's pairs: none, an
// exact match's, a shared name's (model.SubsetLevel), a near level's
// (model.NearLevels), at a nickname level whichever of the last two the
// pair has, or that of organisations' names a letter apart
// (model.OrgTypoLevel), with their legal forms' weight.
type levelTF uint8

const (
	tfNone levelTF = iota
	tfExact
	tfShared
	tfNear
	tfSharedOrNear
	tfOrgTypo
)

func newPairWeights(ctx context.Context, t *valueTable, s *model.Scorer, workers int) (*pairWeights, error) {
	nC := len(t.comps)
	p := &pairWeights{t: t, shared: t.shared, level: make([][]levelWeight, nC), tf: make([][]float64, nC), tfOrg: make([][]float64, nC),
		tfOrgForm: make([]map[orgFormKey]float64, nC), subset: make([]int, nC), household: make([]bool, nC), forms: make([]bool, nC), scorer: s}
	names := t.srcNames
	for i, x := range t.src {
		if n := len(p.runs); n == 0 || p.runs[n-1].src != x {
			p.runs = append(p.runs, sourceRun{src: x})
		}
		p.runs[len(p.runs)-1].end = int32(i + 1)
	}
	p.nS = len(names)
	p.prior = make([]float64, p.nS*p.nS)
	for a := range names {
		for b := range names {
			p.prior[a*p.nS+b] = s.PriorWeightFor(names[a], names[b])
		}
	}
	for i, c := range s.Comps {
		p.household[i] = s.IsHousehold(i)
		p.subset[i] = model.SubsetLevel(c)
		if c.Forms() {
			t.orgNameKeys(i) // exactOrgValues reads them
			p.forms[i] = s.WeighsForms(i)
		}
		near, typo := model.NearLevels(c), model.OrgTypoLevel(c)
		p.level[i] = make([]levelWeight, c.NumLevels())
		for l := range p.level[i] {
			lw := &p.level[i][l]
			lw.w, lw.down = s.LevelWeight(i, l), s.TwoNamesDown(i, l)
			switch shared, isNear := l > 1 && l <= p.subset[i], near != nil && near[l]; {
			case !c.Spec.TF:
			case l == 1:
				lw.tf = tfExact
			case shared && isNear:
				lw.tf = tfSharedOrNear
			case shared:
				lw.tf = tfShared
			case isNear:
				lw.tf = tfNear
			case typo > 0 && l == typo:
				lw.tf = tfOrgTypo
			}
		}
		if !c.Spec.TF {
			continue
		}
		var freq, orgFreq []float64
		if t.freq != nil {
			freq, orgFreq = t.freq[i], t.orgFreq[i] // counted here, for this model: no salted lookup
		}
		var err error
		if p.tf[i], err = keyAdjustments(ctx, t.keys[i], freq, s.Model.Comparisons[i].Levels[0].U, s.TFAdjust, i, workers); err != nil {
			return nil, err
		}
		if s.Model.Comparisons[i].TFOrgOnce > 0 {
			orgs := func(i int, v string) float64 { return s.TFAdjustOrgs(i, v, "") }
			if p.tfOrg[i], err = keyAdjustments(ctx, t.keys[i], orgFreq, s.Model.Comparisons[i].Levels[0].U, orgs, i, workers); err != nil {
				return nil, err
			}
			p.orgFormAdjustments(i, s)
			// A key no organisation's name has takes the adjustment of
			// any other pair: of just takes it, without looking at the
			// values.
			org := t.orgNameKeys(i)
			// An exact match of two organisations' names weighs by their
			// own m (model.Scorer.OrgShift).
			shift := s.OrgShift(i)
			for k := range p.tfOrg[i] {
				if !org[k] {
					p.tfOrg[i][k] = p.tf[i][k]
				} else {
					p.tfOrg[i][k] += shift // NaN stays NaN: tfOrgForm holds it
				}
			}
			for f := range p.tfOrgForm[i] {
				p.tfOrgForm[i][f] += shift
			}
		}
	}
	return p, nil
}

// orgFormAdjustments fills tfOrgForm of comparison i, and marks its keys
// in tfOrg: from the frequencies counted for the model being trained,
// else by asking s of each organisation's name written with a legal form.
func (p *pairWeights) orgFormAdjustments(i int, s *model.Scorer) {
	t, u := p.t, s.Model.Comparisons[i].Levels[0].U
	forms := map[orgFormKey]float64{}
	switch {
	case t.freq != nil:
		for f, freq := range t.orgFormFreq[i] {
			forms[f] = math.Log2(u / freq)
		}
	case len(s.Model.Comparisons[i].TFOrgForms) > 0:
		t.orgNameKeys(i)
		asked := map[orgFormKey]bool{}
		for x := range t.cols[i].vals {
			v := &t.cols[i].vals[x]
			form := v.Value().Facet("legal_form")
			if form == "" || t.orgVals[i][x/64]&(1<<(x%64)) == 0 {
				continue
			}
			f := orgFormKey{v.Key(), form}
			if asked[f] {
				continue
			}
			asked[f] = true
			if a := s.TFAdjustOrgs(i, t.keys[i].Key(f.key), form); a != p.tfOrg[i][f.key] {
				forms[f] = a
			}
		}
	}
	if len(forms) == 0 {
		return
	}
	for _, key := range slices.Collect(maps.Keys(forms)) {
		if tf := p.tfOrg[i][key.key]; !math.IsNaN(tf) {
			forms[orgFormKey{key.key, ""}] = tf
			p.tfOrg[i][key.key] = math.NaN()
		}
	}
	p.tfOrgForm[i] = forms
}

// keyAdjustments returns the term-frequency adjustment of an exact match
// on each of keys in comparison i: log2(u/freq) from the frequencies
// counted for the model being trained, freq, else adjust's.
func keyAdjustments(ctx context.Context, keys *compare.Keys, freq []float64, u float64, adjust func(int, string) float64, i, workers int) ([]float64, error) {
	tf := make([]float64, keys.Len())
	err := parallel(ctx, len(tf), workers, func(lo, hi int) {
		for k := max(lo, 1); k < hi; k++ {
			if freq != nil {
				if freq[k] > 0 { // 0: none of its own (a date few hold)
					tf[k] = math.Log2(u / freq[k])
				}
			} else {
				tf[k] = adjust(i, keys.Key(uint32(k)))
			}
		}
	})
	return tf, err
}

// of returns the match weight of records a and b with comparison levels;
// k is their index among the candidates the table read shared names of
// (readShared), or −1.
func (p *pairWeights) of(k int, a, b int32, levels []uint8) float64 {
	total, household := p.priorOf(a, b), 0.0
	for i, l := range levels {
		lw := p.level[i][l]
		w := lw.w
		var key uint32 // the exact key of a pair at level 1 that needs it
		if l == 1 && (lw.tf == tfExact || p.forms[i]) {
			key = p.exactKey(i, a, b)
			if p.forms[i] {
				if va, vb := p.exactOrgValues(i, a, b, key); va != nil {
					_, _, _, fw := p.scorer.Forms(i, va, vb)
					w += fw
				}
			}
		}
		switch lw.tf {
		case tfNone:
		case tfExact:
			if key != 0 {
				if p.tfOrg[i] != nil && p.tfOrg[i][key] != p.tf[i][key] { // NaN too
					w += p.orgTF(i, a, b, key)
				} else {
					w += p.tf[i][key]
				}
			}
		case tfShared:
			w += p.subsetTF(i, k, a, b)
		case tfNear:
			w += p.nearTF(i, k, l, a, b)
		case tfSharedOrNear: // a nickname: one or the other is 0
			w += p.subsetTF(i, k, a, b) + p.nearTF(i, k, l, a, b)
		case tfOrgTypo: // few pairs: the scorer weighs them
			col := &p.t.cols[i]
			tf, _, fw := p.scorer.OrgTypoTF(i, col.prepared(a), col.prepared(b))
			w += tf + fw
		}
		if p.household[i] && w > 0 {
			household = max(household, w)
			continue
		}
		total += w
	}
	return total + household
}

// orgTF returns the term-frequency adjustment of records a and b that
// agree exactly on key in comparison i, a key organisations' names weigh
// by a frequency of their own (tfOrg, tfOrgForm): as two organisations'
// names (model.Scorer.TFAdjustOrgs) when they are, else as any pair's.
func (p *pairWeights) orgTF(i int, a, b int32, key uint32) float64 {
	va, vb := p.orgNames(i, a, b, key)
	switch {
	case va == nil:
		return p.tf[i][key]
	case !math.IsNaN(p.tfOrg[i][key]):
		return p.tfOrg[i][key]
	}
	if f, ok := p.tfOrgForm[i][orgFormKey{key, model.OrgForm(va, vb)}]; ok {
		return f
	}
	return p.tfOrgForm[i][orgFormKey{key, ""}]
}

// exactOrgValues returns the values of records a and b whose exact key
// in comparison i, a comparison that reads legal forms
// (compare.Comparison.Forms), is key, as the scorer takes them (the
// first of each record), when key is one an organisation's name has
// (orgNameKeys); else nil.
func (p *pairWeights) exactOrgValues(i int, a, b int32, key uint32) (va, vb *record.Value) {
	if key == 0 || !p.t.orgKeys[i][key] {
		return nil, nil
	}
	col := &p.t.cols[i]
	va, _ = col.withKey(a, key)
	vb, _ = col.withKey(b, key)
	if va == nil || vb == nil {
		return nil, nil
	}
	return va, vb
}

// orgNameKeys marks the exact keys of comparison i that some
// organisation's name has (model.OrgName), and the values that are
// organisations' names (orgNames), found once.
func (t *valueTable) orgNameKeys(i int) []bool {
	if t.orgKeys == nil {
		t.orgKeys, t.orgVals = make([][]bool, len(t.comps)), make([][]uint64, len(t.comps))
	}
	if t.orgKeys[i] == nil {
		keys, vals := make([]bool, t.keys[i].Len()), make([]uint64, (len(t.cols[i].vals)+63)/64)
		for x := range t.cols[i].vals {
			if v := &t.cols[i].vals[x]; model.OrgName(v.Value()) {
				keys[v.Key()] = true
				vals[x/64] |= 1 << (x % 64)
			}
		}
		t.orgKeys[i], t.orgVals[i] = keys, vals
	}
	return t.orgKeys[i]
}

// orgNames returns the values of records a and b whose exact key in
// comparison i is key when they are two organisations' names whose legal
// forms do not disagree (model.OrgNames), once orgNameKeys has marked
// them, else nil.
func (p *pairWeights) orgNames(i int, a, b int32, key uint32) (va, vb *record.Value) {
	col, org := &p.t.cols[i], p.t.orgVals[i]
	of := func(r int32) *record.Value {
		if v, y := col.withKey(r, key); v != nil && org[y/64]&(1<<(y%64)) != 0 {
			return v
		}
		return nil
	}
	if va = of(a); va == nil {
		return nil, nil
	}
	if vb = of(b); vb == nil || !model.OrgNames(va, vb) {
		return nil, nil
	}
	return va, vb
}

// subsetTF is model.Scorer's adjustment of names that share a name, at a
// level up to subset, between records a and b (model.SharedNameTF), read
// from the exact keys' adjustments: from the name the table read for
// candidate k when it did, else from both records' names.
func (p *pairWeights) subsetTF(i, k int, a, b int32) float64 {
	tf := p.tf[i]
	if p.shared != nil && k >= 0 {
		switch x := p.shared.keys[k*p.shared.n+p.shared.at[i]]; x {
		case sharedNone, nearSlip, nearTwoNames:
			return 0
		case sharedUnread: // read both records' names below
		default:
			return model.SubsetTFOf(tf[(x&^sharedSaysLittle)-sharedFirst], x&sharedSaysLittle != 0)
		}
	}
	col := &p.t.cols[i]
	return model.SharedNameTF(p.t.comps[i], col.prepared(a), col.prepared(b), func(shared *compare.Prepared) float64 { return tf[shared.Key()] })
}

// nearTF is model.Scorer's adjustment of names at near level l between
// records a and b (model.NearNameTF), read from the exact keys'
// adjustments: from whether the table found candidate k's names one name
// slipped when it read them (readShared), else from both records' names.
func (p *pairWeights) nearTF(i, k int, l uint8, a, b int32) float64 {
	col, tf := &p.t.cols[i], p.tf[i]
	if tf == nil {
		return 0
	}
	room := p.level[i][1].w - p.level[i][l].w // model.NearRoom
	if p.shared != nil && k >= 0 {
		switch p.shared.keys[k*p.shared.n+p.shared.at[i]] {
		case nearSlip:
			return model.NearAdjust(min(tf[col.singleKey(a)], tf[col.singleKey(b)]), room)
		case nearTwoNames:
			return p.level[i][l].down
		case sharedUnread: // read both records' names below
		default: // no slip, or a shared name (a nickname level's other case)
			return 0
		}
	}
	words := func(w string) bool { return p.scorer.NameWord(i, w) }
	tfNear, _ := model.NearNameTF(p.t.comps[i], int(l), col.prepared(a), col.prepared(b), func(v *compare.Prepared) float64 { return tf[v.Key()] }, room, p.level[i][l].down, words)
	return tfNear
}

// sharedNames holds, for each candidate and each name comparison whose
// subset levels are adjusted by the name two names share
// (model.SubsetLevel), that name's exact key, read once: training weighs
// every candidate several times (the priors, each round of refining m),
// and reading both records' names again each time cost more than the
// rest of the weight. For a candidate at a near level
// (model.NearLevels) whose names share none, it holds whether they are
// one name slipped (model.NearSlip): nearSlip, nearTwoNames, or sharedNone.
type sharedNames struct {
	at   []int    // comparison → its place among the n read, −1 for none
	n    int      // comparisons read
	keys []uint32 // candidate × n → a key id + sharedFirst, or a mark below
}

// Marks of sharedNames.keys: not read (a side has several names: read
// them when weighing), no name shared, and, or-ed into a key, a shared
// name that says little (model.SharedSaysLittle: one word, or an
// initial), whose adjustment is never upward.
const (
	sharedUnread     = 0
	sharedNone       = 1
	sharedFirst      = 2
	sharedSaysLittle = 1 << 31
	// nearSlip marks names at a near level that are one name slipped
	// (model.NearSlip), nearTwoNames those that would be but for their
	// words apart, two names of their own (model.TwoNamesSlip, marked
	// once the words are counted: markTwoNames); key ids stay far below
	// both.
	nearSlip     = 1 << 30
	nearTwoNames = 1 << 29
)

// readShared reads, for candidates cands whose levels are lv, the names
// each pair shares at the subset levels, and whether its names at a near
// level are one name slipped (sharedNames), for the weights made
// afterwards (newPairWeights).
func (t *valueTable) readShared(ctx context.Context, cands []candidate, lv []uint8, workers int) error {
	sh := &sharedNames{at: make([]int, len(t.comps))}
	var read, subset []int // the comparisons read, and their last subset level
	var near [][]bool      // and their near levels
	for i, c := range t.comps {
		sh.at[i] = -1
		if l := model.SubsetLevel(c); l > 0 {
			sh.at[i] = sh.n
			sh.n++
			read, subset, near = append(read, i), append(subset, l), append(near, model.NearLevels(c))
		}
	}
	if sh.n == 0 {
		t.shared = nil
		return nil
	}
	nC := len(t.comps)
	sh.keys = make([]uint32, len(cands)*sh.n)
	err := parallel(ctx, len(cands), workers, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			a, b := cands[k].A, cands[k].B
			for j, i := range read {
				l := int(lv[k*nC+i])
				isNear := near[j] != nil && near[j][l]
				if !isNear && (l <= 1 || l > subset[j]) {
					continue
				}
				c, col := t.comps[i], &t.cols[i]
				pa, pb := col.prepared(a), col.prepared(b)
				if len(pa) != 1 || len(pb) != 1 {
					continue // sharedUnread
				}
				shared, ok := (*compare.Prepared)(nil), false
				if l <= subset[j] {
					shared, ok = c.SharedName(&pa[0], &pb[0])
				}
				switch {
				case !ok && isNear && model.NearSlip(c, l, &pa[0], &pb[0], nil): // the words' frequencies are weighed later (model.TwoNames)
					sh.keys[k*sh.n+j] = nearSlip
				case !ok:
					sh.keys[k*sh.n+j] = sharedNone
				case model.SharedSaysLittle(shared.Tokens()):
					sh.keys[k*sh.n+j] = (shared.Key() + sharedFirst) | sharedSaysLittle
				default:
					sh.keys[k*sh.n+j] = shared.Key() + sharedFirst
				}
			}
		}
	})
	if err != nil {
		return err
	}
	t.shared = sh
	return nil
}

// markTwoNames reads again, once the names of their own are counted
// (tfCounts.names), the candidates readShared found one name slipped at
// a near level, before any such count: those whose words apart are each
// a name of its own are two names (model.TwoNamesSlip), which no
// frequency adjusts (nearTwoNames). Read once here, not at every weighing.
func (t *valueTable) markTwoNames(ctx context.Context, cands []candidate, lv []uint8, tfs []tfCounts, workers int) error {
	sh := t.shared
	if sh == nil {
		return nil
	}
	words := make([]func(string) bool, len(t.comps))
	some := false
	for i := range t.comps {
		if sh.at[i] < 0 || len(tfs[i].names) == 0 {
			continue
		}
		set := make(map[string]bool, len(tfs[i].names))
		for _, w := range tfs[i].names {
			set[w] = true
		}
		words[i], some = func(w string) bool { return set[w] }, true
	}
	if !some {
		return nil
	}
	nC := len(t.comps)
	return parallel(ctx, len(cands), workers, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			for i, j := range sh.at {
				if j < 0 || words[i] == nil || sh.keys[k*sh.n+j] != nearSlip {
					continue
				}
				col := &t.cols[i]
				pa, pb := &col.prepared(cands[k].A)[0], &col.prepared(cands[k].B)[0] // marked single-valued alone
				if model.TwoNamesSlip(t.comps[i], int(lv[k*nC+i]), pa, pb, words[i]) {
					sh.keys[k*sh.n+j] = nearTwoNames
				}
			}
		}
	})
}

// sourceRun is a run of consecutive records of one source, up to end.
type sourceRun struct {
	end int32
	src uint16
}

// sourceOf returns the index of record r's source.
func (p *pairWeights) sourceOf(r int32) int {
	if len(p.runs) > 16 {
		i := sort.Search(len(p.runs), func(i int) bool { return r < p.runs[i].end })
		return int(p.runs[i].src)
	}
	for _, run := range p.runs {
		if r < run.end {
			return int(run.src)
		}
	}
	return int(p.runs[len(p.runs)-1].src)
}

// priorOf returns the log2 prior odds of records a and b.
func (p *pairWeights) priorOf(a, b int32) float64 {
	return p.prior[p.sourceOf(a)*p.nS+p.sourceOf(b)]
}

// sourceIndexes numbers the sources of recs in order of first appearance:
// each record's source index, and the sources' names.
func sourceIndexes(recs []record.Record) ([]uint16, []string) {
	index := map[string]uint16{}
	var names []string
	src := make([]uint16, len(recs))
	for i := range recs {
		s := recs[i].Key.Source
		x, ok := index[s]
		if !ok {
			x = uint16(len(names))
			index[s] = x
			names = append(names, s)
		}
		src[i] = x
	}
	return src, names
}

// exactKey returns the exact key id two records agree on in comparison
// i: the first value of a whose key some value of b shares, as
// Scorer.CompareValues picks it.
func (p *pairWeights) exactKey(i int, a, b int32) uint32 {
	col := &p.t.cols[i]
	if ka, kb := col.cells[a].key, col.cells[b].key; ka >= keyOffset && kb >= keyOffset {
		return ka - keyOffset // level 1 from single values: their keys are equal
	}
	var bufA, bufB [4]uint32
	va, vb := col.keyIDs(a, bufA[:0]), col.keyIDs(b, bufB[:0])
	for _, kx := range va {
		if kx != 0 && containsID(vb, kx) {
			return kx
		}
	}
	return 0
}

// minCompanyHolders is the fewest holders of a name token whose company
// (tokenCompany) is counted: a token of fewer has met too few others to
// tell.
const minCompanyHolders = 20

// tokenCompany returns, for each name token held by minCompanyHolders or
// more, the share of holders whose names hold a token it is written with
// in some name (its company; at most 1), and 1 for the others. Names'
// words are not independent: a Slavic given name goes with a Slavic
// surname, so where Slavic names are a tenth of the data, Sergei Ivanov is
// about ten times as common as the product of its words' frequencies
// says. Dividing each token's frequency by the square root of its
// company's share divides a name of two words by their companies'
// geometric mean: the share of the origin both come from.
func tokenCompany(keyToks [][]int32, counts []int32, holders int) []float64 {
	// The keys that hold each token counted, listed token by token.
	start := make([]int32, len(counts)+1)
	for _, ts := range keyToks {
		for _, a := range ts {
			if counts[a] >= minCompanyHolders {
				start[a+1]++
			}
		}
	}
	for n := range counts {
		start[n+1] += start[n]
	}
	keysOf, next := make([]int32, start[len(counts)]), slices.Clone(start[:len(counts)])
	for k, ts := range keyToks {
		for _, a := range ts {
			if counts[a] >= minCompanyHolders {
				keysOf[next[a]] = int32(k)
				next[a]++
			}
		}
	}
	out := make([]float64, len(counts))
	last := make([]int32, len(counts)) // the token (+1) that last counted one
	for a, c := range counts {
		out[a] = 1
		if c < minCompanyHolders {
			continue
		}
		sum := 0
		for _, k := range keysOf[start[a]:start[a+1]] {
			for _, b := range keyToks[k] {
				if b != int32(a) && last[b] != int32(a)+1 {
					last[b] = int32(a) + 1
					sum += int(counts[b])
				}
			}
		}
		if sum > 0 {
			out[a] = min(float64(sum)/float64(holders), 1)
		}
	}
	return out
}

// spellingCounts raises each name token's count of holders to that of its
// most common spelling one edit away (the first letter kept; tokens of
// four letters or more): ANDREY is the ANDREI of another transliteration,
// and two records that agree on it are no likelier one person than two
// that agree on ANDREI. It returns the counts so raised, and for each
// token the one whose count it took (itself when none).
func spellingCounts(tokens []string, counts []int32) ([]int32, []int32) {
	var h editHashes
	type spelling struct{ count, token int32 }
	best := map[uint64]spelling{}
	for n, tok := range tokens {
		if c := counts[n]; c > 2 {
			h.variants(tok, true, func(v uint64) {
				if b, ok := best[v]; !ok || c > b.count || c == b.count && int32(n) < b.token {
					best[v] = spelling{c, int32(n)}
				}
			})
		}
	}
	out, from := slices.Clone(counts), make([]int32, len(counts))
	for n, tok := range tokens {
		from[n] = int32(n)
		h.variants(tok, true, func(v uint64) {
			if b, ok := best[v]; ok && b.count > out[n] {
				out[n], from[n] = b.count, b.token
			}
		})
	}
	return out, from
}

// ownNameWords reports, of each name token, whether it is a name of its
// own (model.Comparison.TFNameWords): held by more than two holders
// (counts), and by at least 1/model.SameNameRatio as many as any token
// one edit away, whatever its first letter (JENRY and EILLIAM, typos of HENRY and
// WILLIAM that a large set holds a few times each, are none).
func ownNameWords(tokens []string, counts []int32) []bool {
	var h editHashes
	most := map[uint64]int32{}
	for n, tok := range tokens {
		if c := counts[n]; c > 2 {
			h.variants(tok, false, func(v uint64) { most[v] = max(most[v], c) })
		}
	}
	out := make([]bool, len(tokens))
	for n, tok := range tokens {
		if c := counts[n]; c > 2 {
			out[n] = true
			h.variants(tok, false, func(v uint64) {
				if int64(c)*model.SameNameRatio < int64(most[v]) {
					out[n] = false
				}
			})
		}
	}
	return out
}

// editHashes hashes a token's spellings with a letter left out, and the
// token itself: two tokens one edit apart share one (a letter
// substituted, dropped, added, or two swapped), and so, rarely, do two
// others (a letter dropped from one, another added at its end). Each is a
// polynomial over the letters and its length; a token's spellings with a
// letter left out come from its prefixes' and suffixes' in one pass each.
type editHashes struct {
	letters               []rune
	prefix, suffix, power []uint64
}

// variants calls f with the hashes of tok's spellings: with keepFirst,
// tokens of four letters or more alone and their first letter kept (a
// spelling of one name: spellingCounts); without, tokens of two letters or
// more, any letter left out.
func (h *editHashes) variants(tok string, keepFirst bool, f func(uint64)) {
	const base = 1099511628211
	h.letters = h.letters[:0]
	for _, c := range tok {
		h.letters = append(h.letters, c)
	}
	n, first := len(h.letters), 0
	if keepFirst {
		first = 1
	}
	if keepFirst && n < 4 || n < 2 {
		return
	}
	// prefix[i]: letters[:i]; suffix[i]: letters[i:], each a polynomial
	// with the last letter's power 0; power[i]: base^i.
	h.prefix, h.suffix, h.power = append(h.prefix[:0], 0), slices.Grow(h.suffix[:0], n+1)[:n+1], append(h.power[:0], 1)
	h.suffix[n] = 0
	for i, c := range h.letters {
		h.prefix = append(h.prefix, h.prefix[i]*base+uint64(c))
		h.power = append(h.power, h.power[i]*base)
	}
	for i := n - 1; i >= 0; i-- {
		h.suffix[i] = uint64(h.letters[i])*h.power[n-1-i] + h.suffix[i+1]
	}
	f(h.prefix[n]*base + uint64(n))
	for skip := first; skip < n; skip++ {
		v := h.prefix[skip]*h.power[n-1-skip] + h.suffix[skip+1]
		f(v*base + uint64(n-1))
	}
}
