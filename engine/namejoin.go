package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// A customer file writes a person's given name, middle name and surname in
// columns of their own, and a user maps each as a field typed name. Mapped
// apart, each is compared as a name of its own: no other source's whole
// name ever meets them, and the source's people are found by their other
// features alone (the independent generator's set with its customer
// file's three name columns so mapped: F1 0.9532 → 0.9327). Training
// reads such fields as one, as columns: would join them (learnNameJoins),
// keeps it in the model (model.NameJoin) and says what to write.
//
// Fields are parts of one name, in a source's first joinRows rows, when
// they are typed name (not party, not an alias of another), each is
// written beside another in half its rows or more (a bank's file may
// write its business customers' names in the surname's column alone),
// and there holds short values (at most two words in partShare of them),
// one holds a single word in onePartShare of its values, and their words
// say which is which: one holds known given names (normalize.IsGivenName)
// in minGivenShare of its values or more, another in a third of that
// share or less (its surnames). A list's name and aliases hold whole
// names, a file's own given name and a spouse's given name both hold
// given names: neither is joined. A field a blocking rule names, that is
// sensitive, that declares exclusive, holds several values or takes
// others' (alias_of) stays as written, and so do fields whose names
// another source uses too (Febrl's two files, given names and surnames
// both mapped apart, compare them part by part). A source that is no
// regular file (allow_special: a FIFO) is not read ahead: the rows read
// would be gone.
const (
	joinRows      = 5000
	minJoinRows   = 20
	partShare     = 0.9
	minGivenShare = 0.15
)

// learnNameJoins returns the fields of cfg's sources to read as one name:
// the parts of one name (model.NameJoin), and then fields no row holds
// two of (model.NameUnion, nameUnion), as each source's first rows show.
// A source that cannot be read is left for Load to report.
func learnNameJoins(ctx context.Context, cfg *config.Config) ([]model.NameJoin, []model.NameUnion) {
	var joins []model.NameJoin
	var first []string // of each join, its first given name's field
	samples := make([]nameSample, len(cfg.Sources))
	names := make([][]int, len(cfg.Sources)) // each source's fields of names (nameFields)
	for i, src := range cfg.Sources {
		parts := nameParts(cfg, src)
		names[i] = nameFields(cfg, src)
		if len(parts) < 2 && len(names[i]) < 2 || src.AllowSpecial {
			continue
		}
		samples[i] = sampleNames(ctx, cfg, src, slices.Compact(slices.Sorted(slices.Values(slices.Concat(parts, names[i])))))
		if len(parts) < 2 {
			continue
		}
		if j, given, ok := partsJoin(src, parts, samples[i]); ok {
			joins, first = append(joins, j), append(first, given)
		}
	}
	for i := range joins {
		joins[i].As = joinedName(cfg, joins, i, first[i])
	}
	var unions []model.NameUnion
	for i, src := range cfg.Sources {
		if u, ok := nameUnion(cfg, src, names[i], samples[i], joins); ok {
			unions = append(unions, u)
		}
	}
	return joins, unions
}

// nameSample is a source's first rows, of those that hold a value of
// some of its fields: the fields' indexes, and each row's first value of
// each ("" for none).
type nameSample struct {
	fields []int
	rows   [][]string
}

// column returns the column of s's rows that holds field i's values, or
// -1.
func (s nameSample) column(i int) int { return slices.Index(s.fields, i) }

// sampleNames reads the first joinRows rows of src and returns those that
// hold a value of one of fields (indexes into src.Fields). Values that
// stand for none (normalize.Placeholder) are none.
func sampleNames(ctx context.Context, cfg *config.Config, src config.Source, fields []int) nameSample {
	out := nameSample{fields: fields}
	f, err := openSource(ctx, cfg, src)
	if err != nil {
		return out
	}
	defer f.Close()
	for n := 0; n < joinRows; n++ {
		rec, err := f.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if _, kept := KeptOut(err); !kept {
				var re *ingest.RowError
				if errors.As(err, &re) {
					continue
				}
				break
			}
		}
		row, some := make([]string, len(fields)), false
		for k, i := range fields {
			if i < len(rec.Features) && len(rec.Features[i].Raw) > 0 {
				if v := strings.TrimSpace(rec.Features[i].Raw[0]); v != "" && normalize.Placeholder(record.KindName, v) == "" {
					row[k], some = v, true
				}
			}
		}
		if some {
			out.rows = append(out.rows, row)
		}
	}
	return out
}

// nameParts returns the indexes of src's fields that may be parts of one
// name: typed name, single-valued, not pinned, and of names no other
// source's fields take.
func nameParts(cfg *config.Config, src config.Source) []int {
	if src.Kind.Fixed == record.EntityOrganization {
		return nil
	}
	named := blockingFeatures(cfg)
	elsewhere := map[string]bool{}
	others := false // another source holds names
	for _, s := range cfg.Sources {
		if s.Name == src.Name {
			continue
		}
		for _, f := range s.Fields {
			elsewhere[f.Name] = true
			others = others || f.Type.IsName()
		}
	}
	if !others {
		return nil
	}
	var parts []int
	for i, f := range src.Fields {
		if f.Type != record.KindName || f.ReadAsParty || f.AliasOf != "" || len(f.Also) > 0 || f.Split != "" || f.Exclusive != nil ||
			named[f.Name] || elsewhere[f.Name] || slices.Contains(src.Sensitive, f.Name) {
			continue
		}
		parts = append(parts, i)
	}
	return parts
}

// partStats are what a source's first rows show of a field that may be a
// part of a name.
type partStats struct {
	field                   int // index in the source's fields
	present, beside         int // rows holding a value; of those, rows holding another part's too
	short, oneWord, given   int // values beside another part's of at most two words; values of one; whose first word is a known given name
	titles                  int // values all of whose words are honorifics
	givenShare, oneWordRate float64
}

// partsJoin returns the join of the fields of parts (indexes into
// src.Fields) that hold one name's parts, as sample shows, if any do,
// without its name (joinedName), and the name of its first field of given
// names.
func partsJoin(src config.Source, parts []int, sample nameSample) (model.NameJoin, string, bool) {
	stats := make([]partStats, len(parts))
	for k, i := range parts {
		stats[k].field = i
	}
	rows := 0
	held := make([]string, len(parts))
	for _, row := range sample.rows {
		count := 0
		for k, i := range parts {
			if held[k] = row[sample.column(i)]; held[k] != "" {
				count++
			}
		}
		if count == 0 {
			continue
		}
		rows++
		for k, v := range held {
			if v == "" {
				continue
			}
			st := &stats[k]
			st.present++
			if count > 1 {
				st.beside++
			}
			words := strings.Fields(v)
			if len(words) <= 2 && count > 1 {
				st.short++
			}
			if len(words) == 1 {
				st.oneWord++
			}
			if normalize.IsGivenName(words[0]) {
				st.given++
			}
			if !slices.ContainsFunc(words, func(w string) bool { return !normalize.IsTitle(w) }) {
				st.titles++
			}
		}
	}
	if rows < minJoinRows {
		return model.NameJoin{}, "", false
	}
	// The parts: fields of short values, each written beside another.
	var in []partStats
	for _, st := range stats {
		p := float64(max(st.present, 1))
		if st.present >= minJoinRows && float64(st.beside) >= p/2 && float64(st.short) >= partShare*float64(st.beside) {
			st.givenShare, st.oneWordRate = float64(st.given)/p, float64(st.oneWord)/p
			in = append(in, st)
		}
	}
	if len(in) < 2 || !slices.ContainsFunc(in, func(st partStats) bool { return st.oneWordRate >= onePartShare }) {
		return model.NameJoin{}, "", false
	}
	// Their roles: titles, given names, surnames; a field of surnames is
	// needed, and one of given names.
	most := slices.MaxFunc(in, func(x, y partStats) int { return cmp.Compare(x.givenShare, y.givenShare) }).givenShare
	role := func(st partStats) int {
		switch {
		case float64(st.titles) >= partShare*float64(st.present):
			return 0
		case st.givenShare > most/3:
			return 1
		default:
			return 2
		}
	}
	if most < minGivenShare || !slices.ContainsFunc(in, func(st partStats) bool { return role(st) == 2 }) {
		return model.NameJoin{}, "", false
	}
	slices.SortStableFunc(in, func(x, y partStats) int { return cmp.Or(role(x)-role(y), x.field-y.field) })
	j := model.NameJoin{Source: src.Name, Rows: rows}
	for _, st := range in {
		j.Fields = append(j.Fields, src.Fields[st.field].Name)
		j.Given = append(j.Given, round3(st.givenShare))
		j.OneWord = append(j.OneWord, round3(st.oneWordRate))
	}
	return j, src.Fields[in[slices.IndexFunc(in, func(st partStats) bool { return role(st) == 1 })].field].Name, true
}

// joinedName is the name of the field joins[i] reads as one: the name
// other sources give whole names most (fields typed name or party, none
// joined), or else, when none is given most (a payments file's dbtr_nm
// and cdtr_nm, a list's wholename), "name", when the source has no other
// field of it; otherwise first's (its first field of given names).
func joinedName(cfg *config.Config, joins []model.NameJoin, i int, first string) string {
	joined := func(source, field string) bool {
		return slices.ContainsFunc(joins, func(j model.NameJoin) bool { return j.Source == source && slices.Contains(j.Fields, field) })
	}
	users := nameUsers(cfg, joins[i].Source, func(source string, f config.Field) bool {
		return (f.Type == record.KindName || f.Type == record.KindParty) && !joined(source, f.Name)
	})
	var own []config.Field
	for _, s := range cfg.Sources {
		if s.Name == joins[i].Source {
			own = s.Fields
		}
	}
	best, n, tied := "name", 0, false
	for name, c := range users {
		switch {
		case c > n:
			best, n, tied = name, c, false
		case c == n:
			tied = true
		}
	}
	if tied {
		best = "name" // no name is the others' more than another is
	}
	if slices.ContainsFunc(own, func(f config.Field) bool { return f.Name == best && !slices.Contains(joins[i].Fields, f.Name) }) {
		return first
	}
	return best
}

// nameUsers counts, by field name, the sources other than source that
// give that name to a field of names counted says to count, not an alias
// of another (joinedName, unionName).
func nameUsers(cfg *config.Config, source string, counted func(source string, f config.Field) bool) map[string]int {
	users := map[string]int{}
	for _, s := range cfg.Sources {
		if s.Name == source {
			continue
		}
		for _, f := range s.Fields {
			if f.Type.IsName() && f.AliasOf == "" && counted(s.Name, f) {
				users[f.Name]++
			}
		}
	}
	return users
}

// readJoinedFields changes cfg's fields as joins say (model.Model.
// NameJoins): a source's fields of one join become one field, where the
// first of them was, of all their columns in the join's order. A join
// whose fields are not all there (read so already: ReadAsModel may run
// twice on one config) is left.
func readJoinedFields(cfg *config.Config, joins []model.NameJoin) {
	for _, j := range joins {
		replaceFields(cfg, j.Source, j.Fields, func(fields []config.Field, at []int) (config.Field, int, bool) {
			joined := fields[slices.Min(at)]
			joined.Name, joined.Column, joined.Columns = j.As, "", nil
			for _, k := range at {
				if f := fields[k]; len(f.Columns) > 0 {
					joined.Columns = append(joined.Columns, f.Columns...)
				} else {
					joined.Columns = append(joined.Columns, f.Column)
				}
			}
			return joined, slices.Min(at), true
		})
	}
}

// replaceFields replaces the fields named names of cfg's source of that
// name, when it has them all, with the one field merge makes of them
// (given the source's fields and their indexes, in names' order), at the
// index merge says, unless merge declines. The source's fields are a new
// slice: copies of the source made before read it as it was.
func replaceFields(cfg *config.Config, source string, names []string, merge func(fields []config.Field, at []int) (config.Field, int, bool)) {
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		if s.Name != source {
			continue
		}
		at := make([]int, len(names))
		for k, name := range names {
			at[k] = slices.IndexFunc(s.Fields, func(f config.Field) bool { return f.Name == name })
		}
		if slices.Contains(at, -1) {
			continue
		}
		merged, pos, ok := merge(s.Fields, at)
		if !ok {
			continue
		}
		fields := make([]config.Field, 0, len(s.Fields)-len(at)+1)
		for k, f := range s.Fields {
			switch {
			case k == pos:
				fields = append(fields, merged)
			case !slices.Contains(at, k):
				fields = append(fields, f)
			}
		}
		s.Fields = fields
	}
}

// nameJoinNotes words the warnings of joins: what was read as one name,
// and what to write in the config to say so.
func nameJoinNotes(cfg *config.Config, joins []model.NameJoin) []string {
	var out []string
	for _, j := range joins {
		path, columns := "", ""
		for _, s := range cfg.Sources {
			if s.Name != j.Source {
				continue
			}
			path = s.Path
			for _, f := range s.Fields {
				if f.Name == j.As && len(f.Columns) > 1 {
					columns = strings.Join(f.Columns, ", ")
				}
			}
		}
		out = append(out, fmt.Sprintf("source %s (%s): fields %s hold the parts of one name (of its first %d rows holding one, known given names in %s of their values): read as one field, %s: {columns: [%s], type: name}, compared with other sources' whole names (write so in the config to say so)",
			j.Source, path, strings.Join(j.Fields, ", "), j.Rows, j.GivenShares(), j.As, columns))
	}
	return out
}
