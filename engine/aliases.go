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
// n values alike (for records named alike, as the finder says), and, for
// the finders that test them further, each feature's values as hashes,
// sorted.
type fieldSharing struct {
	a, b   fieldRef
	kind   record.Kind
	n      int
	ha, hb []uint64
}

// maxAliasHolders is the most records of one source holding one number
// for the number to count towards a sharing: a number many records hold
// is a placeholder or an agent's, and the names of its holders would
// agree with anyone's.
const maxAliasHolders = 4

// numberHolders are the records of one feature of one source that hold
// a number: how many, and the words of their names (hashes, sorted, in a
// column's arena).
type numberHolders struct {
	records int32
	lo, hi  int32
}

// numberColumn is an identifier feature of one source: the numbers it
// shares with another (by numberHash), their holders, and the words of
// the holders' names.
type numberColumn struct {
	at      map[uint64]int32 // number → its holders
	holders []numberHolders
	words   []uint64
}

// hold counts a record named words (sorted, distinct) as a holder of
// number h, if the column wants h.
func (c *numberColumn) hold(h uint64, words []uint64) {
	k, ok := c.at[h]
	if !ok {
		return
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

// sharedNumbers returns the identifier features of ids (two sources'
// features, named differently, that share minSharedIDs numbers or more,
// as numberColumns read them with seed) that share minSharedIDs numbers
// or more each held by records whose names agree (namesAgree). Numbers
// alone are not enough: two sources' own sequential numbers (customer
// 104233, client 104233) share thousands of values and no holder. Only
// the numbers ids share are looked up in the records.
func sharedNumbers(recs []record.Record, ids []fieldSharing, seed maphash.Seed) []fieldSharing {
	if len(ids) == 0 {
		return nil
	}
	cols := map[fieldRef]*numberColumn{}
	want := func(r fieldRef, h uint64) {
		c := cols[r]
		if c == nil {
			c = &numberColumn{at: map[uint64]int32{}}
			cols[r] = c
		}
		if _, ok := c.at[h]; !ok {
			c.at[h] = int32(len(c.holders))
			c.holders = append(c.holders, numberHolders{})
		}
	}
	for _, s := range ids {
		eachShared(s.ha, s.hb, func(h uint64) { want(s.a, h); want(s.b, h) })
	}
	var buf [32]byte
	var words []uint64
	for i := range recs {
		r := &recs[i]
		named := false
		for j := range r.Features {
			f := &r.Features[j]
			if f.Kind != record.KindIdentifier {
				continue
			}
			col := cols[fieldRef{r.Key.Source, f.Name}]
			if col == nil {
				continue
			}
			if !named {
				words, named = nameWords(seed, r, words[:0]), true
			}
			for k := range f.Values {
				col.hold(numberHash(seed, buf[:0], f.Values[k].Norm), words)
			}
		}
	}
	var out []fieldSharing
	for _, s := range ids {
		x, y := cols[s.a], cols[s.b]
		n := 0
		eachShared(s.ha, s.hb, func(h uint64) {
			p, q := x.holders[x.at[h]], y.holders[y.at[h]]
			if p.records <= maxAliasHolders && q.records <= maxAliasHolders && namesAgree(x.words[p.lo:p.hi], y.words[q.lo:q.hi]) {
				n++
			}
		})
		if n >= minSharedIDs {
			s.n = n
			out = append(out, s)
		}
	}
	return out
}

// eachShared calls found for each hash two sorted lists of distinct
// hashes share.
func eachShared(a, b []uint64, found func(h uint64)) {
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			found(a[0])
			a, b = a[1:], b[1:]
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
func sharedNameValues(cfg *config.Config, recs []record.Record) []fieldSharing {
	// Two names one source gives two fields of are never read as one (a
	// record's name is its own): a list's name and aliases, a filing's
	// company and officer.
	together := map[[2]string]bool{}
	for _, s := range cfg.Sources {
		for _, f := range s.Fields {
			for _, g := range s.Fields {
				if f.Type.IsName() && g.Type.IsName() {
					together[[2]string{f.Name, g.Name}] = true
				}
			}
		}
	}
	seed := maphash.MakeSeed()
	cols := columnsOf(recs, record.Kind.IsName, func(hs []uint64, _ *record.Record, v *record.Value) []uint64 {
		return append(hs, maphash.String(seed, sortedName(v)))
	})
	var found []fieldSharing
	sharedColumns(cols, minSharedIDs, func(a, b *featureHashes, n int) {
		if !together[[2]string{a.feature, b.feature}] && n*minNameShare >= min(len(a.hashes), len(b.hashes)) {
			found = append(found, fieldSharing{a: fieldRef{a.source, a.feature}, b: fieldRef{b.source, b.feature}, kind: record.KindName, n: n, ha: a.hashes, hb: b.hashes})
		}
	})
	if len(found) == 0 {
		return nil
	}
	// The parties the holders of each name shared may be (partyBits).
	parties := map[fieldRef]map[uint64]uint8{}
	for _, s := range found {
		for _, r := range []fieldRef{s.a, s.b} {
			if parties[r] == nil {
				parties[r] = map[uint64]uint8{}
			}
		}
		eachShared(s.ha, s.hb, func(h uint64) { parties[s.a][h], parties[s.b][h] = 0, 0 })
	}
	for i := range recs {
		r := &recs[i]
		for j := range r.Features {
			f := &r.Features[j]
			if !f.Kind.IsName() {
				continue
			}
			col := parties[fieldRef{r.Key.Source, f.Name}]
			if col == nil {
				continue
			}
			for k := range f.Values {
				h := maphash.String(seed, sortedName(&f.Values[k]))
				if bits, ok := col[h]; ok {
					col[h] = bits | partyBits[r.Kind]
				}
			}
		}
	}
	var out []fieldSharing
	for _, s := range found {
		n := 0
		eachShared(s.ha, s.hb, func(h uint64) {
			if parties[s.a][h]&parties[s.b][h] != 0 {
				n++
			}
		})
		if n >= minSharedIDs && n*minNameShare >= min(len(s.ha), len(s.hb)) {
			s.n = n
			out = append(out, s)
		}
	}
	return out
}

// minNameShare: two name features share at least one name in
// minNameShare of the fewer names either holds (sharedNameValues).
const minNameShare = 50

// partyBits are the bits of the parties a name's holder may be: a
// person, an organisation, or, of no known kind, either. Two holders may
// be one party where their bits meet.
var partyBits = map[record.EntityKind]uint8{record.EntityPerson: 1, record.EntityOrganization: 2, record.EntityUnknown: 3}

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
func learnAliases(cfg *config.Config, recs []record.Record, ids, days []fieldSharing, seed maphash.Seed) []model.FieldAlias {
	found := slices.Concat(sharedNumbers(recs, ids, seed), sharedNameValues(cfg, recs), days)
	if len(found) == 0 {
		return nil
	}
	named := blockingFeatures(cfg)
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
