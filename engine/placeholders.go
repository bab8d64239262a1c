package engine

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
	"sync"

	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// A value of an exclusive feature (an id, a date of birth) held by many
// records of one source, of different names, is no attribute of any of
// them: it stands for a missing value in a way normalize does not know
// ("SEE FILE" as every walk-in customer's national id, a system's default
// date). Read as a value it would make each of those records disagree with
// its own entity's records elsewhere, which an exclusive feature's
// disagreement weighs heavily. Such a value is a placeholder when at least
// placeholderMin records of the source hold it, placeholderFactor times
// as many as hold one of the feature's values on average, and at least
// half of them have names no other of them has.
const (
	placeholderMin    = 20
	placeholderFactor = 10
)

// FoundPlaceholder is a placeholder Resolve found (summary.json's
// placeholders): the value, in the records' own store and output only;
// the model keeps its key.
type FoundPlaceholder struct {
	Source  string `json:"source"`
	Feature string `json:"feature"`
	Value   string `json:"value"`
	Records int    `json:"records"`
	Names   int    `json:"names"`
}

// findPlaceholders returns the placeholders of the exclusive features of
// recs, which come source by source (as Load gives them), and the dates
// of 1 January that would be but are years written so (yearsKept). Only
// records counted counts (one of each set of copies); of dates, only
// those known to the day (a year alone is held by many by nature).
// Sources are read on workers side by side.
func findPlaceholders(recs []record.Record, exclusive map[string]bool, counted func(int32) bool, workers int) (found, years []FoundPlaceholder) {
	seed := maphash.MakeSeed()
	var ranges [][2]int // each source's records
	for lo := 0; lo < len(recs); {
		hi := lo + 1
		for hi < len(recs) && recs[hi].Key.Source == recs[lo].Key.Source {
			hi++
		}
		ranges = append(ranges, [2]int{lo, hi})
		lo = hi
	}
	bySource, yearsBySource := make([][]FoundPlaceholder, len(ranges)), make([][]FoundPlaceholder, len(ranges))
	var wg sync.WaitGroup
	work := make(chan int)
	for range max(1, min(workers, len(ranges))) {
		wg.Go(func() {
			for i := range work {
				bySource[i], yearsBySource[i] = sourcePlaceholders(recs, ranges[i][0], ranges[i][1], exclusive, counted, seed)
			}
		})
	}
	for i := range ranges {
		work <- i
	}
	close(work)
	wg.Wait()
	sorted := func(ps []FoundPlaceholder) []FoundPlaceholder {
		slices.SortFunc(ps, func(a, b FoundPlaceholder) int {
			return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Feature, b.Feature), cmp.Compare(a.Value, b.Value))
		})
		return ps
	}
	return sorted(slices.Concat(bySource...)), sorted(slices.Concat(yearsBySource...))
}

// sourcePlaceholders is findPlaceholders of one source's records, lo..hi.
func sourcePlaceholders(recs []record.Record, lo, hi int, exclusive map[string]bool, counted func(int32) bool, seed maphash.Seed) (out, years []FoundPlaceholder) {
	// The hashes of each exclusive feature's values, in one pass.
	var features []string
	var byFeature [][]uint64
	for r := lo; r < hi; r++ {
		if !counted(int32(r)) {
			continue
		}
		for j := range recs[r].Features {
			ft := &recs[r].Features[j]
			if len(ft.Values) == 0 || !exclusive[ft.Name] {
				continue
			}
			k := slices.Index(features, ft.Name)
			if k < 0 {
				// Room for a value of each record: most hold one.
				k, features, byFeature = len(features), append(features, ft.Name), append(byFeature, make([]uint64, 0, hi-r))
			}
			for j := range ft.Values {
				if v := &ft.Values[j]; mayBePlaceholder(ft, v) {
					byFeature[k] = append(byFeature[k], maphash.String(seed, v.Norm))
				}
			}
		}
	}
	for k, f := range features {
		hashes := byFeature[k]
		if len(hashes) < placeholderMin {
			continue
		}
		slices.Sort(hashes)
		distinct := 1
		for i := 1; i < len(hashes); i++ {
			if hashes[i] != hashes[i-1] {
				distinct++
			}
		}
		least := max(placeholderMin, placeholderFactor*len(hashes)/distinct)
		frequent := map[uint64]bool{}
		for i := 0; i < len(hashes); {
			j := i + 1
			for j < len(hashes) && hashes[j] == hashes[i] {
				j++
			}
			if j-i >= least {
				frequent[hashes[i]] = true
			}
			i = j
		}
		if len(frequent) == 0 {
			continue
		}
		// The frequent hashes' values, told apart by their text, and
		// the names of their holders.
		type holders struct {
			records int
			names   map[string]bool
			unnamed int
		}
		byValue := map[string]*holders{}
		eachCandidate(recs, lo, hi, f, counted, func(r int, v string) {
			if !frequent[maphash.String(seed, v)] {
				return
			}
			h := byValue[v]
			if h == nil {
				h = &holders{names: map[string]bool{}}
				byValue[v] = h
			}
			h.records++
			if name := nameOf(&recs[r]); name != "" {
				h.names[name] = true
			} else {
				h.unnamed++
			}
		})
		var found []FoundPlaceholder
		for v, h := range byValue {
			names := len(h.names) + h.unnamed
			if h.records >= least && 2*names >= h.records {
				found = append(found, FoundPlaceholder{Source: recs[lo].Key.Source, Feature: f, Value: v, Records: h.records, Names: names})
			}
		}
		kept, asYears := yearsKept(found)
		out, years = append(out, kept...), append(years, asYears...)
	}
	return out, years
}

// minYearsAsJanuary is how many dates of 1 January of different years
// found as placeholders of a date field say that its source writes a year
// alone so.
const minYearsAsJanuary = 5

// yearsKept splits found, the placeholders of one feature of a source,
// into the placeholders and its dates of 1 January where minYearsAsJanuary
// or more are: a source that writes a year alone as 1 January of it
// (Wikidata's dates of birth known to the year, a register's dates of
// refugees born in a year it knows) has many such dates held by many,
// each of a year, not of no value. They are kept, and weighed by how many
// hold them (dates' term frequencies). One or two (01/01/1900,
// 01/01/1970) are a system's defaults, and are placeholders.
func yearsKept(found []FoundPlaceholder) (placeholders, years []FoundPlaceholder) {
	for _, p := range found {
		if len(p.Value) == len("2006-01-02") && strings.HasSuffix(p.Value, "-01-01") {
			years = append(years, p)
		}
	}
	if len(years) < minYearsAsJanuary {
		return found, nil
	}
	return slices.DeleteFunc(found, func(p FoundPlaceholder) bool { return slices.Contains(years, p) }), years
}

// eachCandidate calls fn with each value of feature f of the records
// lo..hi that counted counts and that may be a placeholder.
func eachCandidate(recs []record.Record, lo, hi int, f string, counted func(int32) bool, fn func(r int, v string)) {
	for r := lo; r < hi; r++ {
		if !counted(int32(r)) {
			continue
		}
		ft := recs[r].Feature(f)
		if ft == nil {
			continue
		}
		for j := range ft.Values {
			if v := &ft.Values[j]; mayBePlaceholder(ft, v) {
				fn(r, v.Norm)
			}
		}
	}
}

// mayBePlaceholder reports whether v, a value of ft, may be a placeholder: of
// dates, only those known to the day.
func mayBePlaceholder(ft *record.Feature, v *record.Value) bool {
	return ft.Kind != record.KindDate || v.Facet("precision") == "day"
}

// nameOf returns the record's first name, "" when it has none.
func nameOf(r *record.Record) string {
	for _, ft := range r.Features {
		if ft.Kind.IsName() && len(ft.Values) > 0 {
			return ft.Values[0].Norm
		}
	}
	return ""
}

// dropPlaceholders removes from recs the values of exclusive features
// that is reports as placeholders, and returns how many it removed. A
// feature's values are replaced, never changed in place: records of one
// value share its slice.
func dropPlaceholders(recs []record.Record, exclusive map[string]bool, is func(source, feature, norm string) bool) int {
	n := 0
	for i := range recs {
		n += DropPlaceholders(&recs[i], exclusive, is)
	}
	return n
}

// DropPlaceholders removes from rec the values of exclusive features that
// is reports as placeholders (model.Model.PlaceholderSet), and returns how
// many it removed: what Resolve does to every record, for a record
// upserted in real time. What rec shares with its caller's copy (its
// features, their values) is replaced, not changed.
func DropPlaceholders(rec *record.Record, exclusive map[string]bool, is func(source, feature, norm string) bool) int {
	n := 0
	cloned := false
	for j := range rec.Features {
		ft := &rec.Features[j]
		if !exclusive[ft.Name] || !slices.ContainsFunc(ft.Values, func(v record.Value) bool { return is(rec.Key.Source, ft.Name, v.Norm) }) {
			continue
		}
		if !cloned {
			rec.Features, cloned = slices.Clone(rec.Features), true
			ft = &rec.Features[j]
		}
		kept := make([]record.Value, 0, len(ft.Values)-1)
		for _, v := range ft.Values {
			if is(rec.Key.Source, ft.Name, v.Norm) {
				n++
			} else {
				kept = append(kept, v)
			}
		}
		ft.Values = kept
	}
	return n
}

// placeholderSet returns whether a value is one of found.
func placeholderSet(found []FoundPlaceholder) func(source, feature, norm string) bool {
	set := map[[3]string]bool{}
	for _, p := range found {
		set[[3]string{p.Source, p.Feature, p.Value}] = true
	}
	return func(source, feature, norm string) bool { return set[[3]string{source, feature, norm}] }
}

// modelPlaceholders returns found as a model keeps them: keyed with salt.
func modelPlaceholders(found []FoundPlaceholder, salt []byte) []model.Placeholder {
	var out []model.Placeholder
	for _, p := range found {
		key := p.Value
		if salt != nil {
			key = model.TFKey(salt, p.Value)
		}
		out = append(out, model.Placeholder{Source: p.Source, Feature: p.Feature, Key: key, Records: p.Records, Names: p.Names})
	}
	return out
}
