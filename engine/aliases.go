package engine

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// Features are compared by their name. A user who maps each source's
// columns under their own names (a KYC file's documento, a list's
// passport, a register's reg_no) gets records that are never compared by
// the numbers they share, nor by their dates of birth when one source
// calls them fecha_nac and another birth_date: the heterogeneous set,
// mapped so, scores 0.9713 instead of 0.9820. Training finds such fields
// by their values and reads one as the other's feature, as alias_of or
// one name would (learnAliases); model.json keeps what it found
// (Model.Aliases), so that real time reads the fields so too.

// fieldRef is a feature of one source (a group's source too).
type fieldRef struct{ source, feature string }

// fieldSharing is two features of different sources and names that hold
// n values alike for records named alike.
type fieldSharing struct {
	a, b fieldRef
	kind record.Kind
	n    int
}

// maxAliasHolders is the most records of one source holding one number
// for the number to count towards a sharing: a number many records hold
// is a placeholder or an agent's, and the names of its holders would
// agree with anyone's.
const maxAliasHolders = 4

// numberHolders is a number of one feature of one source: how many
// records hold it, and the words of their names (hashes, sorted, in a
// column's arena).
type numberHolders struct {
	records int32
	lo, hi  int32
}

// numberColumn is an identifier feature of one source: its numbers (by
// numberHash), their holders, and the words of the holders' names.
type numberColumn struct {
	at      map[uint64]int32 // number → its holders
	numbers []uint64         // by holders' index
	holders []numberHolders
	words   []uint64
}

// hold counts a record named words (sorted, distinct) as a holder of
// number h.
func (c *numberColumn) hold(h uint64, words []uint64) {
	k, ok := c.at[h]
	if !ok {
		k = int32(len(c.holders))
		c.at[h] = k
		c.numbers = append(c.numbers, h)
		c.holders = append(c.holders, numberHolders{})
	}
	e := &c.holders[k]
	if e.records++; e.records > maxAliasHolders {
		return
	}
	lo := int32(len(c.words))
	c.words = append(c.words, c.words[e.lo:e.hi]...)
	c.words = append(c.words, words...)
	if e.hi > e.lo { // a second holder's: the union of their words
		slices.Sort(c.words[lo:])
		c.words = c.words[:int(lo)+len(slices.Compact(c.words[lo:]))]
	}
	e.lo, e.hi = lo, int32(len(c.words))
}

// sharedNumbers finds identifier features of two sources, named
// differently, that hold minSharedIDs numbers or more alike (by their
// digits, as unsharedIdentifiers reads them), each held by records whose
// names agree (namesAgree). Numbers alone are not enough: two sources'
// own sequential numbers (customer 104233, client 104233) share
// thousands of values and no holder.
func sharedNumbers(recs []record.Record) []fieldSharing {
	seed := maphash.MakeSeed()
	var buf [32]byte
	// Each column's size first: maps and arenas grown value by value
	// spent most of the time copying.
	cols := map[fieldRef]*numberColumn{}
	size := map[fieldRef]int{}
	for i := range recs {
		for j := range recs[i].Features {
			if f := &recs[i].Features[j]; f.Kind == record.KindIdentifier {
				size[fieldRef{recs[i].Key.Source, f.Name}] += len(f.Values)
			}
		}
	}
	for ref, n := range size {
		if n > 0 {
			cols[ref] = &numberColumn{at: make(map[uint64]int32, n), numbers: make([]uint64, 0, n), holders: make([]numberHolders, 0, n), words: make([]uint64, 0, 3*n)}
		}
	}
	var words []uint64
	for i := range recs {
		r := &recs[i]
		named := false
		for j := range r.Features {
			f := &r.Features[j]
			if f.Kind != record.KindIdentifier || len(f.Values) == 0 {
				continue
			}
			if !named {
				words, named = nameWords(seed, r, words[:0]), true
			}
			col := cols[fieldRef{r.Key.Source, f.Name}]
			for k := range f.Values {
				col.hold(numberHash(seed, buf[:0], f.Values[k].Norm), words)
			}
		}
	}
	refs := make([]fieldRef, 0, len(cols))
	for ref := range cols {
		refs = append(refs, ref)
	}
	slices.SortFunc(refs, compareRefs)
	var out []fieldSharing
	for i, a := range refs {
		for _, b := range refs[i+1:] {
			if a.source == b.source || a.feature == b.feature {
				continue
			}
			small, large := cols[a], cols[b]
			if len(small.holders) > len(large.holders) {
				small, large = large, small
			}
			n := 0
			for k, x := range small.holders {
				if x.records > maxAliasHolders {
					continue
				}
				if l, ok := large.at[small.numbers[k]]; ok {
					if y := large.holders[l]; y.records <= maxAliasHolders && namesAgree(small.words[x.lo:x.hi], large.words[y.lo:y.hi]) {
						n++
					}
				}
			}
			if n >= minSharedIDs {
				out = append(out, fieldSharing{a: a, b: b, kind: record.KindIdentifier, n: n})
			}
		}
	}
	return out
}

// nameWords appends to words the hashes of the words of r's names (of
// two letters or more: initials say little), sorted and distinct.
func nameWords(seed maphash.Seed, r *record.Record, words []uint64) []uint64 {
	for j := range r.Features {
		f := &r.Features[j]
		if !f.Kind.IsName() {
			continue
		}
		for k := range f.Values {
			for w := range strings.FieldsSeq(f.Values[k].Norm) {
				if len(w) > 1 {
					words = append(words, maphash.String(seed, w))
				}
			}
		}
	}
	slices.Sort(words)
	return slices.Compact(words)
}

// namesAgree reports whether the names of a number's holders in two
// sources agree: two words in common, or every word of one side's (a
// company named in one word).
func namesAgree(a, b []uint64) bool {
	n := sharedCount(a, b)
	return n >= 2 || n >= 1 && n == min(len(a), len(b))
}

// sharedDays finds date features of two sources, named differently, that
// hold the same day for minSharedIDs names or more written alike (see
// unsharedDates).
func sharedDays(recs []record.Record) []fieldSharing {
	var out []fieldSharing
	sharedColumns(dayColumns(recs), minSharedIDs, func(a, b *featureHashes, n int) {
		out = append(out, fieldSharing{a: fieldRef{a.source, a.feature}, b: fieldRef{b.source, b.feature}, kind: record.KindDate, n: n})
	})
	return out
}

func compareRefs(x, y fieldRef) int {
	return cmp.Or(strings.Compare(x.source, y.source), strings.Compare(x.feature, y.feature))
}

// learnAliases returns the identifier and date fields of cfg's sources to
// read as another feature, as the values of recs (loaded by cfg) show:
// of two features of two sources, named differently, that share values
// (sharedNumbers, and days, sharedDays'), the one whose name no other source uses is
// read as the other (when both are one source's alone, the one that
// shares with fewer features, then the one fewer records hold), most
// values shared first, so that a KYC file's documento that shares with a
// list's passport, national_id and registration takes them all, and a
// register's reg_no that shares with the list's registration joins them.
// A field is left as it is where the user has said something of it that
// a new name would change: a blocking rule or access rule names it, it
// declares exclusive, or it has several columns and would add its values
// to a field of its source; a date field is only renamed, never added to
// another (each date field reads its own formats).
func learnAliases(cfg *config.Config, recs []record.Record, days []fieldSharing) []model.FieldAlias {
	found := append(sharedNumbers(recs), days...)
	if len(found) == 0 {
		return nil
	}
	slices.SortStableFunc(found, func(x, y fieldSharing) int {
		return cmp.Or(y.n-x.n, compareRefs(x.a, y.a), compareRefs(x.b, y.b))
	})
	named := map[string]bool{} // features a blocking rule names
	for _, rule := range cfg.Model.Blocking {
		for _, term := range rule {
			named[strings.SplitN(term, ".", 2)[0]] = true
		}
	}
	src := map[string]*config.Source{}
	for i := range cfg.Sources {
		src[cfg.Sources[i].Name] = &cfg.Sources[i]
	}
	// cur is each field's feature as read so far; degree the sharings a
	// field takes part in; held how many records hold a value of it.
	cur := map[fieldRef]string{}
	degree := map[fieldRef]int{}
	for _, s := range found {
		degree[s.a]++
		degree[s.b]++
	}
	held := map[fieldRef]int{}
	for i := range recs {
		for j := range recs[i].Features {
			if f := &recs[i].Features[j]; len(f.Values) > 0 {
				held[fieldRef{recs[i].Key.Source, f.Name}]++
			}
		}
	}
	name := func(r fieldRef) string {
		if n, ok := cur[r]; ok {
			return n
		}
		return r.feature
	}
	// users counts the sources with a field read as feature.
	users := func(feature string) int {
		n := 0
		for _, s := range cfg.Sources {
			for _, f := range s.Fields {
				if name(fieldRef{s.Name, f.Name}) == feature {
					n++
					break
				}
			}
		}
		return n
	}
	// movable reports whether the fields of source read as from may be
	// read as to.
	movable := func(source, from, to string, kind record.Kind) bool {
		s := src[source]
		if s == nil || named[from] || slices.Contains(s.Sensitive, from) || users(from) != 1 {
			return false
		}
		merges := false
		for _, f := range s.Fields {
			switch name(fieldRef{s.Name, f.Name}) {
			case to:
				merges = true
			case from:
				if f.Type != kind || f.Exclusive != nil || named[f.Name] || slices.Contains(s.Sensitive, f.Name) {
					return false
				}
			}
		}
		if !merges {
			return true
		}
		if kind != record.KindIdentifier {
			return false
		}
		for _, f := range s.Fields {
			if name(fieldRef{s.Name, f.Name}) == from && len(f.Columns) > 1 {
				return false
			}
		}
		return true
	}
	with := map[fieldRef]fieldSharing{}
	rename := func(source, from, to string, s fieldSharing) {
		for _, f := range src[source].Fields {
			r := fieldRef{source, f.Name}
			if name(r) == from {
				cur[r] = to
				with[r] = s
			}
		}
	}
	for _, s := range found {
		a, b := name(s.a), name(s.b)
		if a == b {
			continue
		}
		moveB := movable(s.b.source, b, a, s.kind)
		moveA := movable(s.a.source, a, b, s.kind)
		if moveA && moveB {
			// Keep the name of the field that shares with more, then
			// the one more records hold.
			moveA = cmp.Or(degree[s.b]-degree[s.a], held[s.b]-held[s.a]) > 0
			moveB = !moveA
		}
		switch {
		case moveB:
			rename(s.b.source, b, a, s)
		case moveA:
			rename(s.a.source, a, b, s)
		}
	}
	var out []model.FieldAlias
	for r, as := range cur {
		if as == r.feature {
			continue
		}
		s := with[r]
		other := s.a
		if other.source == r.source {
			other = s.b
		}
		out = append(out, model.FieldAlias{Source: r.source, Field: r.feature, As: as, With: other.source, Shared: s.n})
	}
	slices.SortFunc(out, func(x, y model.FieldAlias) int {
		return cmp.Or(strings.Compare(x.Source, y.Source), strings.Compare(x.Field, y.Field))
	})
	return out
}

// aliasNotes words the aliases for the run's warnings.
func aliasNotes(aliases []model.FieldAlias) []string {
	var out []string
	for _, a := range aliases {
		out = append(out, fmt.Sprintf("field %s of source %s is read as feature %s, which source %s holds %d of its values under, for records named alike: features are compared by their name (alias_of: %s in the field, or the name %s, says so in the config)",
			a.Field, a.Source, a.As, a.With, a.Shared, a.As, a.As))
	}
	return out
}

// readAliased reads the features of recs as aliases say, as a config
// ReadAsModel changed would load them: a field renamed, or its values
// added after those of the field of its source it is read as (distinct
// by their normalised value, as Load keeps them) and the field left out.
func readAliased(recs []record.Record, aliases []model.FieldAlias) {
	if len(aliases) == 0 {
		return
	}
	as := map[fieldRef]string{}
	for _, a := range aliases {
		as[fieldRef{a.Source, a.Field}] = a.As
	}
	for i := range recs {
		r := &recs[i]
		for j := 0; j < len(r.Features); j++ {
			f := &r.Features[j]
			to, ok := as[fieldRef{r.Key.Source, f.Name}]
			if !ok {
				continue
			}
			k := slices.IndexFunc(r.Features, func(g record.Feature) bool { return g.Name == to })
			if k < 0 {
				f.Name = to
				continue
			}
			t := &r.Features[k]
			t.Raw = slices.Concat(t.Raw, f.Raw)
			vals := slices.Clone(t.Values) // values may be shared with other records
			for _, v := range f.Values {
				if !slices.ContainsFunc(vals, func(x record.Value) bool { return x.Norm == v.Norm }) {
					vals = append(vals, v)
				}
			}
			t.Values = vals
			r.Features = slices.Delete(r.Features, j, j+1)
			j--
		}
	}
}
