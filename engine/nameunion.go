package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// A customer file of people and companies writes a person's name in one
// column and a company's in another, and a user maps each as a field of
// its own: the company's name is then no name of the source's records to
// compare with another source's (the independent generator's customer
// file so mapped, BusinessName a field of its own: 0.9494, with alias_of
// as its README config writes it: 0.9532). Fields of names that no row of
// a source's first rows holds two of (one in a hundred at most) are
// one name written in one column or another: training reads them as one
// field (nameUnion), of type party where their types differ, keeps it in
// the model (model.NameUnion) and says what to write. A filing's company
// and officer, a list's name and aliases, a customer's name and employer
// are written together, and stay apart.
const unionNoise = 100

// nameFields returns the indexes of src's fields of names that may be read
// with others: typed name, org_name or party, of one value, not pinned
// (nameParts), not an alias of another field nor taking others'.
func nameFields(cfg *config.Config, src config.Source) []int {
	named := blockingFeatures(cfg)
	var out []int
	for i, f := range src.Fields {
		if f.Type.IsName() && f.AliasOf == "" && len(f.Also) == 0 && f.Split == "" && f.Exclusive == nil &&
			!named[f.Name] && !slices.Contains(src.Sensitive, f.Name) {
			out = append(out, i)
		}
	}
	return out
}

// blockingFeatures are the features cfg's blocking rules name.
func blockingFeatures(cfg *config.Config) map[string]bool {
	named := map[string]bool{}
	for _, rule := range cfg.Model.Blocking {
		for _, term := range rule {
			named[strings.SplitN(term, ".", 2)[0]] = true
		}
	}
	return named
}

// unionUnit is a field of names as a union reads it: a field, or the
// fields of a join (read as one before).
type unionUnit struct {
	name    string
	fields  []int // indexes into the source's fields
	kind    record.Kind
	columns int // the columns its values are read from
	present int // sample rows holding its value
}

// nameUnion returns the union of src's fields of names (names, indexes
// into src.Fields) that sample shows no row holds two of, if there is one
// of two fields or more, read after joins. Of those held in minJoinRows
// rows or more, the one most rows hold comes first (the one of several
// columns, if any: a field of several columns cannot add its values to
// another), and each other joins it where, of the rows holding it, at
// most one in unionNoise holds one of those already taken too (a
// register whose few filings with an officer write the company beside
// him holds them together in every one of those).
func nameUnion(cfg *config.Config, src config.Source, names []int, sample nameSample, joins []model.NameJoin) (model.NameUnion, bool) {
	var units []unionUnit
	joined := map[int]bool{}
	for _, j := range joins {
		if j.Source != src.Name {
			continue
		}
		u := unionUnit{name: j.As, kind: record.KindName}
		for _, name := range j.Fields {
			i := slices.IndexFunc(src.Fields, func(f config.Field) bool { return f.Name == name })
			u.fields, joined[i] = append(u.fields, i), true
			u.columns += max(len(src.Fields[i].Columns), 1)
		}
		units = append(units, u)
	}
	for _, i := range names {
		if f := src.Fields[i]; !joined[i] {
			units = append(units, unionUnit{name: f.Name, fields: []int{i}, kind: f.Type, columns: max(len(f.Columns), 1)})
		}
	}
	if len(units) < 2 {
		return model.NameUnion{}, false
	}
	holds := func(row []string, u *unionUnit) bool {
		return slices.ContainsFunc(u.fields, func(i int) bool { k := sample.column(i); return k >= 0 && row[k] != "" })
	}
	for _, row := range sample.rows {
		for k := range units {
			if holds(row, &units[k]) {
				units[k].present++
			}
		}
	}
	units = slices.DeleteFunc(units, func(u unionUnit) bool { return u.present < minJoinRows })
	slices.SortStableFunc(units, func(x, y unionUnit) int {
		return cmp.Or(cmp.Compare(min(y.columns, 2), min(x.columns, 2)), y.present-x.present)
	})
	if len(units) < 2 {
		return model.NameUnion{}, false
	}
	taken := []*unionUnit{&units[0]}
	for k := 1; k < len(units); k++ {
		u := &units[k]
		if u.columns > 1 {
			continue
		}
		together := 0
		for _, row := range sample.rows {
			if holds(row, u) && slices.ContainsFunc(taken, func(t *unionUnit) bool { return holds(row, t) }) {
				together++
			}
		}
		if together*unionNoise <= u.present {
			taken = append(taken, u)
		}
	}
	if len(taken) < 2 {
		return model.NameUnion{}, false
	}
	out := model.NameUnion{Source: src.Name, Kind: taken[0].kind}
	for _, t := range taken {
		out.Fields = append(out.Fields, t.name)
		if t.kind != out.Kind {
			out.Kind = record.KindParty
		}
	}
	for _, row := range sample.rows {
		n := 0
		for _, t := range taken {
			if holds(row, t) {
				n++
			}
		}
		if n > 0 {
			out.Rows++
		}
		if n > 1 {
			out.Together++
		}
	}
	out.As = unionName(cfg, src.Name, out.Fields)
	return out, true
}

// unionName is the name of the field a union of fields reads as one: of
// theirs, the one other sources' fields of names take most; else the
// first's.
func unionName(cfg *config.Config, source string, fields []string) string {
	users := nameUsers(cfg, source, func(string, config.Field) bool { return true })
	best := fields[0]
	for _, name := range fields[1:] {
		if users[name] > users[best] {
			best = name
		}
	}
	return best
}

// readUnitedFields changes cfg's fields as unions say (model.Model.
// NameUnions): the first field of a union takes its name and kind, and
// the others' columns, as alias_of adds them; they go. A union whose
// fields are not all there, or whose others are not of one column (read
// so already: ReadAsModel may run twice on one config), is left.
func readUnitedFields(cfg *config.Config, unions []model.NameUnion) {
	for _, u := range unions {
		replaceFields(cfg, u.Source, u.Fields, func(fields []config.Field, at []int) (config.Field, int, bool) {
			if slices.ContainsFunc(at[1:], func(k int) bool { return len(fields[k].Columns) > 1 || len(fields[k].Also) > 0 }) {
				return config.Field{}, 0, false
			}
			base := fields[at[0]]
			base.Name, base.Type = u.As, u.Kind
			base.Also = slices.Clone(base.Also)
			for _, k := range at[1:] {
				f := fields[k]
				col := f.Column
				if col == "" {
					col = f.Columns[0]
				}
				base.Also = append(base.Also, config.Alias{Column: col, Split: f.Split})
			}
			return base, at[0], true
		})
	}
}

// nameUnionNotes words the warnings of unions: what was read as one
// field, and what to write in the config to say so.
func nameUnionNotes(cfg *config.Config, unions []model.NameUnion) []string {
	var out []string
	for _, u := range unions {
		path := ""
		for _, s := range cfg.Sources {
			if s.Name == u.Source {
				path = s.Path
			}
		}
		out = append(out, fmt.Sprintf("source %s (%s): fields %s hold names no row writes two of (of its first %d rows holding one, %d held two): read as one field, %s, typed %s, compared with other sources' names (type them %s and give all but %s alias_of: %s to say so in the config)",
			u.Source, path, strings.Join(u.Fields, ", "), u.Rows, u.Together, u.As, u.Kind, u.Kind, u.Fields[0], u.As))
	}
	return out
}
