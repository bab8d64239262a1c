package engine

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strings"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// Features are compared by their name. A user who maps each source's
// columns under their own names (a KYC file's nombre and documento, a
// register's company and reg_no, a list's name and passport) gets records
// that are never compared by the names and numbers they share, nor by
// their dates of birth when one source calls them fecha_nac and another
// birth_date: the heterogeneous set, mapped so, scored 0.6230 instead of
// 0.9820. Training finds such fields by their values and reads one as the
// other's feature, as alias_of or one name would (learnAliases);
// model.json keeps what it found (Model.Aliases), so that real time reads
// the fields so too.

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
	var out []fieldSharing
	fieldPairs(slices.SortedFunc(maps.Keys(cols), compareRefs), func(a, b fieldRef) {
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
	})
	return out
}

// fieldPairs calls found for each two fields of refs (sorted) of
// different sources and names.
func fieldPairs(refs []fieldRef, found func(a, b fieldRef)) {
	for i, a := range refs {
		for _, b := range refs[i+1:] {
			if a.source != b.source && a.feature != b.feature {
				found(a, b)
			}
		}
	}
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

// sharedNameValues finds name features of two sources, named differently,
// that hold the same names (their words sorted) for minSharedIDs names or
// more, and for a fiftieth at least of the fewer names either holds: a
// customer file's nombre and a list's name share many, where two columns
// of different parties share a few common names by chance. A name counts
// where it is held on both sides by records that may be one party: a
// filing's officer, held by the company's record, meets no customer who
// is a person.
func sharedNameValues(recs []record.Record) []fieldSharing {
	seed := maphash.MakeSeed()
	type column map[uint64]uint8 // name → the parties its holders may be (partyBits)
	cols := map[fieldRef]column{}
	for i := range recs {
		r := &recs[i]
		bit := partyBits[r.Kind]
		for j := range r.Features {
			f := &r.Features[j]
			if !f.Kind.IsName() || len(f.Values) == 0 {
				continue
			}
			ref := fieldRef{r.Key.Source, f.Name}
			col := cols[ref]
			if col == nil {
				col = column{}
				cols[ref] = col
			}
			for k := range f.Values {
				name := f.Values[k].Facet("sorted")
				if name == "" {
					name = f.Values[k].Norm
				}
				col[maphash.String(seed, name)] |= bit
			}
		}
	}
	var out []fieldSharing
	fieldPairs(slices.SortedFunc(maps.Keys(cols), compareRefs), func(a, b fieldRef) {
		small, large := cols[a], cols[b]
		if len(small) > len(large) {
			small, large = large, small
		}
		n := 0
		for h, x := range small {
			if y, ok := large[h]; ok && x&y != 0 {
				n++
			}
		}
		if n >= minSharedIDs && n*minNameShare >= len(small) {
			out = append(out, fieldSharing{a: a, b: b, kind: record.KindName, n: n})
		}
	})
	return out
}

// minNameShare: two name features share at least one name in
// minNameShare of the fewer names either holds (sharedNameValues).
const minNameShare = 50

// partyBits are the bits of the parties a name's holder may be: a
// person, an organisation, or, of no known kind, either. Two holders may
// be one party where their bits meet.
var partyBits = map[record.EntityKind]uint8{record.EntityPerson: 1, record.EntityOrganization: 2, record.EntityUnknown: 3}

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

// learnAliases returns the fields of cfg's sources to read as another
// feature, as the values of recs (loaded by cfg) show. Of two features
// of two sources, named differently, that share values (sharedNumbers,
// sharedNameValues, and days: sharedDays), those of a name more sources
// use first, then those sharing most values, one feature name takes the
// other's in every source that uses it: features
// of one name are one feature already, and the values say that the other
// is too. The name fewer sources use gives way (then the one whose fields
// share with fewer, then the one fewer records hold), so that a KYC
// file's documento that shares with a list's passport, national_id and
// registration takes them all, and a register's reg_no that shares with
// the list's registration joins them. A name gives way only where each
// of its fields may: none that a blocking rule or an access rule names,
// or that declares exclusive, and none in a source with a field of the
// other name but an identifier's of one column, whose values are then
// added to that field's (a record's name is its own, and each date field
// reads its own formats).
func learnAliases(cfg *config.Config, recs []record.Record, days []fieldSharing) []model.FieldAlias {
	found := slices.Concat(sharedNumbers(recs), sharedNameValues(recs), days)
	if len(found) == 0 {
		return nil
	}
	named := map[string]bool{} // features a blocking rule names
	for _, rule := range cfg.Model.Blocking {
		for _, term := range rule {
			named[strings.SplitN(term, ".", 2)[0]] = true
		}
	}
	// cur is each field's feature as read so far, by its source and
	// name as written.
	cur := map[fieldRef]string{}
	fields := map[fieldRef]*config.Field{}
	for i := range cfg.Sources {
		for j := range cfg.Sources[i].Fields {
			f := &cfg.Sources[i].Fields[j]
			r := fieldRef{cfg.Sources[i].Name, f.Name}
			cur[r], fields[r] = f.Name, f
		}
	}
	// Sharings with a feature more sources use first, then those of
	// more values: a name the config gives several sources draws the
	// others to it (customer, ordering and beneficiary join name, not
	// name one of theirs).
	users := map[string]int{}
	for r := range cur {
		users[r.feature]++
	}
	slices.SortStableFunc(found, func(x, y fieldSharing) int {
		ux, uy := max(users[x.a.feature], users[x.b.feature]), max(users[y.a.feature], users[y.b.feature])
		return cmp.Or(uy-ux, y.n-x.n, compareRefs(x.a, y.a), compareRefs(x.b, y.b))
	})
	// weight orders two feature names by how much keeps the one: the
	// sources that use it, the sharings its fields take part in, the
	// records that hold a value of it.
	type weight struct{ users, degree, held int }
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
	weigh := func(feature string) weight {
		var w weight
		sources := map[string]bool{}
		for r, c := range cur {
			if c == feature {
				sources[r.source] = true
				w.degree += degree[r]
				w.held += held[r]
			}
		}
		w.users = len(sources)
		return w
	}
	// gives reports whether every field read as from may be read as to.
	gives := func(from, to string, kind record.Kind) bool {
		if named[from] {
			return false
		}
		for r, c := range cur {
			if c != from {
				continue
			}
			f := fields[r]
			src := cfg.Sources[slices.IndexFunc(cfg.Sources, func(s config.Source) bool { return s.Name == r.source })]
			if f.Type != kind && !(f.Type.IsName() && kind.IsName()) || f.Exclusive != nil || named[f.Name] || slices.Contains(src.Sensitive, f.Name) {
				return false
			}
			merges := false
			for q, d := range cur {
				merges = merges || q.source == r.source && d == to
			}
			if merges && (kind != record.KindIdentifier || len(f.Columns) > 1) {
				return false
			}
		}
		return true
	}
	// why holds, for a field read otherwise, the sharing that made it so
	// and the source on the side of the name it took.
	type reason struct {
		s           fieldSharing
		holder, via fieldRef // the sharing's fields: of the name kept, of the one given
	}
	why := map[fieldRef]reason{}
	for _, s := range found {
		a, b := cur[s.a], cur[s.b]
		if a == b {
			continue
		}
		from, to := b, a
		wa, wb := weigh(a), weigh(b)
		if cmp.Or(wa.users-wb.users, wa.degree-wb.degree, wa.held-wb.held, strings.Compare(b, a)) < 0 {
			from, to = a, b
		}
		if !gives(from, to, s.kind) {
			if from, to = to, from; !gives(from, to, s.kind) {
				continue
			}
		}
		holder, via := s.a, s.b
		if b == to {
			holder, via = s.b, s.a
		}
		for r, c := range cur {
			if c == from {
				cur[r] = to
				why[r] = reason{s, holder, via}
			}
		}
	}
	var out []model.FieldAlias
	for r, as := range cur {
		if as == r.feature {
			continue
		}
		w := why[r]
		a := model.FieldAlias{Source: r.source, Field: r.feature, Kind: w.s.kind, As: as, With: w.holder.source, Shared: w.s.n}
		if w.via != r {
			a.ViaSource, a.ViaField = w.via.source, w.via.feature
		}
		a.Adds = addsTo(cfg, cur, r, as)
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y model.FieldAlias) int {
		return cmp.Or(strings.Compare(x.Source, y.Source), strings.Compare(x.Field, y.Field))
	})
	return out
}

// addsTo reports whether field r, read as feature as (cur gives each
// field's feature), adds its values to another field of its source, as
// readAliasedFields reads it: one named as, or one before it in the
// source's field order read as as too.
func addsTo(cfg *config.Config, cur map[fieldRef]string, r fieldRef, as string) bool {
	for _, s := range cfg.Sources {
		if s.Name != r.source {
			continue
		}
		for _, f := range s.Fields {
			switch {
			case f.Name == r.feature:
				return slices.ContainsFunc(s.Fields, func(g config.Field) bool { return g.Name == as })
			case cur[fieldRef{s.Name, f.Name}] == as:
				return true
			}
		}
	}
	return false
}

// aliasNotes words the aliases for the run's warnings.
func aliasNotes(aliases []model.FieldAlias) []string {
	var out []string
	for _, a := range aliases {
		what := "numbers (each held by records named alike)"
		switch {
		case a.Kind.IsName():
			what = "names (held by records that may be one party)"
		case a.Kind == record.KindDate:
			what = "days (for names written alike)"
		}
		as, whose := "", "its"
		if a.ViaSource != "" {
			as, whose = fmt.Sprintf(", as field %s of source %s is", a.ViaField, a.ViaSource), "that field's"
		}
		say := "name the field " + a.As
		if a.Adds {
			say = "give it alias_of: " + a.As
		}
		out = append(out, fmt.Sprintf("field %s of source %s is read as feature %s%s: source %s holds %d of %s %s under that name, and features are compared by their name (%s to say so in the config)",
			a.Field, a.Source, a.As, as, a.With, a.Shared, whose, what, say))
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
