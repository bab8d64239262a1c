package engine

import (
	"fmt"
	"hash/maphash"
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// aliasSource is a source of n records of kind, each with a value of
// every field: "feature format", the format of i/every (or i) for record
// i, a date's when it starts 19, an identifier's otherwise; a name's
// where the format is @ (names(i)) or @@ (others(i)).
type aliasSource struct {
	name   string
	fields []string
	names  func(i int) string
	n      int
	every  int
	kind   record.EntityKind
	others func(i int) string
}

// aliasField reads a field of an aliasSource: its name, format and kind.
func aliasField(f string) (name, format string, kind record.Kind) {
	name, format, _ = strings.Cut(f, " ")
	switch {
	case strings.HasPrefix(format, "@"):
		return name, format, record.KindName
	case strings.HasPrefix(format, "19"):
		return name, format, record.KindDate
	}
	return name, format, record.KindIdentifier
}

func aliasRecords(srcs []aliasSource) ([]record.Record, *config.Config) {
	var recs []record.Record
	cfg := &config.Config{}
	for _, s := range srcs {
		cs := config.Source{Name: s.name}
		for _, f := range s.fields {
			name, _, kind := aliasField(f)
			cs.Fields = append(cs.Fields, config.Field{Name: name, Column: name, Columns: []string{name}, Type: kind})
		}
		cfg.Sources = append(cfg.Sources, cs)
		for i := range s.n {
			r := record.Record{Key: record.Key{Source: s.name, ID: fmt.Sprint(i)}, Kind: s.kind}
			for _, f := range s.fields {
				name, format, kind := aliasField(f)
				var v record.Value
				switch {
				case format == "@@":
					v = record.Value{Norm: s.others(i), Facets: record.MakeFacets("sorted", s.others(i))}
				case kind == record.KindName:
					v = record.Value{Norm: s.names(i), Facets: record.MakeFacets("sorted", s.names(i))}
				case kind == record.KindDate:
					v = record.Value{Norm: fmt.Sprintf(format, i/max(s.every, 1)), Facets: record.MakeFacets("precision", "day")}
				default:
					v = record.Value{Norm: fmt.Sprintf(format, i/max(s.every, 1))}
				}
				r.Features = append(r.Features, record.Feature{Name: name, Kind: kind, Values: []record.Value{v}})
			}
			recs = append(recs, r)
		}
	}
	return recs, cfg
}

func TestLearnAliases(t *testing.T) {
	person := func(i int) string { return fmt.Sprintf("ana maria perez%c", 'a'+i%26) }
	other := func(i int) string { return fmt.Sprintf("luis gomez%c", 'a'+i%26) }
	tests := []struct {
		name     string
		srcs     []aliasSource
		blocking [][]string
		want     []model.FieldAlias
	}{
		{"a list's passport read as the KYC file's documento", []aliasSource{
			{"kyc", []string{"name @", "documento P-B%07d"}, person, 10, 0, "", nil},
			{"list", []string{"name @", "passport B%07d"}, person, 8, 0, "", nil},
		}, nil, []model.FieldAlias{{Source: "list", Field: "passport", As: "documento", Kind: record.KindIdentifier, With: "kyc", Shared: 8}}},
		{"numbers alike, names not: two systems' own numbers", []aliasSource{
			{"bank_a", []string{"name @", "customer_no 10%04d"}, person, 10, 0, "", nil},
			{"bank_b", []string{"name @", "client_ref 10%04d"}, other, 10, 0, "", nil},
		}, nil, nil},
		{"too few alike", []aliasSource{
			{"kyc", []string{"name @", "documento P-B%07d"}, person, 4, 0, "", nil},
			{"list", []string{"name @", "passport B%07d"}, person, 4, 0, "", nil},
		}, nil, nil},
		{"the field that shares with more keeps its name; the other source's both join it", []aliasSource{
			{"kyc", []string{"name @", "documento V%08d"}, person, 12, 0, "", nil},
			{"list", []string{"name @", "national_id %08d", "passport V%08d"}, person, 12, 0, "", nil},
		}, nil, []model.FieldAlias{
			{Source: "list", Field: "national_id", Kind: record.KindIdentifier, As: "documento", With: "kyc", Shared: 12},
			{Source: "list", Field: "passport", Kind: record.KindIdentifier, As: "documento", With: "kyc", Shared: 12, Adds: true},
		}},
		{"a name two sources use is kept: the other field takes it", []aliasSource{
			{"kyc", []string{"name @", "documento B%07d"}, person, 9, 0, "", nil},
			{"list", []string{"name @", "passport B%07d"}, person, 7, 0, "", nil},
			{"onboarding", []string{"name @", "passport B%07d"}, person, 6, 0, "", nil},
		}, nil, []model.FieldAlias{{Source: "kyc", Field: "documento", Kind: record.KindIdentifier, As: "passport", With: "list", Shared: 7}}},
		{"a name a blocking rule names stays: the other takes it, in every source", []aliasSource{
			{"kyc", []string{"name @", "documento B%07d"}, person, 9, 0, "", nil},
			{"list", []string{"name @", "passport B%07d"}, person, 7, 0, "", nil},
			{"onboarding", []string{"name @", "passport B%07d"}, person, 6, 0, "", nil},
		}, [][]string{{"documento"}}, []model.FieldAlias{
			{Source: "list", Field: "passport", Kind: record.KindIdentifier, As: "documento", With: "kyc", Shared: 7},
			{Source: "onboarding", Field: "passport", Kind: record.KindIdentifier, As: "documento", With: "kyc", Shared: 7, ViaSource: "list", ViaField: "passport"},
		}},
		{"two names blocking rules name both stay", []aliasSource{
			{"kyc", []string{"name @", "documento B%07d"}, person, 9, 0, "", nil},
			{"list", []string{"name @", "passport B%07d"}, person, 7, 0, "", nil},
			{"onboarding", []string{"name @", "passport B%07d"}, person, 6, 0, "", nil},
		}, [][]string{{"documento"}, {"passport", "name"}}, nil},
		{"dates are renamed", []aliasSource{
			{"kyc", []string{"name @", "fecha_nac 1980-01-%02d"}, person, 9, 0, "", nil},
			{"list", []string{"name @", "birth_date 1980-01-%02d"}, person, 7, 0, "", nil},
		}, nil, []model.FieldAlias{{Source: "list", Field: "birth_date", Kind: record.KindDate, As: "fecha_nac", With: "kyc", Shared: 7}}},
		{"a date never adds to another date field", []aliasSource{
			{"kyc", []string{"name @", "fecha_nac 1980-01-%02d"}, person, 9, 0, "", nil},
			{"list", []string{"name @", "birth_date 1980-01-%02d", "fecha_nac 1991-03-%02d"}, person, 7, 0, "", nil},
		}, nil, nil},
		{"numbers five records hold count for nothing", []aliasSource{
			{"kyc", []string{"name @", "documento B%07d"}, person, 10, 0, "", nil},
			{"list", []string{"name @", "passport B%07d"}, person, 30, 5, "", nil},
		}, nil, nil},
		{"numbers four records hold count", []aliasSource{
			{"kyc", []string{"name @", "documento B%07d"}, person, 10, 0, "", nil},
			{"list", []string{"name @", "passport B%07d"}, person, 24, 4, "", nil},
		}, nil, []model.FieldAlias{{Source: "kyc", Field: "documento", Kind: record.KindIdentifier, As: "passport", With: "list", Shared: 6}}},
	}
	company := func(i int) string { return fmt.Sprintf("inversiones perez%c", 'a'+i%26) }
	tests = append(tests, []struct {
		name     string
		srcs     []aliasSource
		blocking [][]string
		want     []model.FieldAlias
	}{
		{"a customer file's nombre read as a list's name", []aliasSource{
			{"kyc", []string{"nombre @"}, person, 10, 0, record.EntityPerson, nil},
			{"list", []string{"name @"}, person, 8, 0, record.EntityPerson, nil},
			{"payments", []string{"name @"}, person, 3, 0, record.EntityUnknown, nil},
		}, nil, []model.FieldAlias{{Source: "kyc", Field: "nombre", Kind: record.KindName, As: "name", With: "list", Shared: 8}}},
		{"names shared by a person and a company's record: an officer's", []aliasSource{
			{"kyc", []string{"nombre @"}, person, 10, 0, record.EntityPerson, nil},
			{"registry", []string{"officer @"}, person, 8, 0, record.EntityOrganization, nil},
		}, nil, nil},
		{"a register's company read as the customers' name, its officer left", []aliasSource{
			{"kyc", []string{"nombre @"}, company, 10, 0, record.EntityOrganization, nil},
			{"registry", []string{"company @", "officer @@"}, company, 8, 0, record.EntityOrganization, person},
			{"list", []string{"nombre @"}, person, 6, 0, record.EntityPerson, nil},
		}, nil, []model.FieldAlias{{Source: "registry", Field: "company", Kind: record.KindName, As: "nombre", With: "kyc", Shared: 8}}},
		{"a name the config gives several sources draws the others", []aliasSource{
			{"bank", []string{"customer @"}, person, 10, 0, record.EntityPerson, nil},
			{"ordering", []string{"ord @"}, person, 10, 0, record.EntityUnknown, nil},
			{"beneficiary", []string{"ben @"}, person, 9, 0, record.EntityUnknown, nil},
			{"list", []string{"name @"}, person, 6, 0, record.EntityPerson, nil},
			{"officers", []string{"name @"}, person, 7, 0, record.EntityPerson, nil},
		}, nil, []model.FieldAlias{
			{Source: "bank", Field: "customer", Kind: record.KindName, As: "name", With: "officers", Shared: 7},
			{Source: "beneficiary", Field: "ben", Kind: record.KindName, As: "name", With: "officers", Shared: 7},
			{Source: "ordering", Field: "ord", Kind: record.KindName, As: "name", With: "officers", Shared: 7},
		}},
		{"two names one source holds apart stay apart: a name and its aliases", []aliasSource{
			{"kyc", []string{"name @", "aliases @@"}, person, 10, 0, record.EntityPerson, other},
			{"list", []string{"name @"}, other, 8, 0, record.EntityPerson, nil},
		}, nil, nil},
		{"a few common names alike among many: chance", []aliasSource{
			{"kyc", []string{"nombre @"}, func(i int) string { return fmt.Sprintf("ana perez %d", i%300) }, 300, 0, record.EntityPerson, nil},
			{"list", []string{"name @"}, func(i int) string { return fmt.Sprintf("ana perez %d", 295+i) }, 300, 0, record.EntityPerson, nil},
		}, nil, nil},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, cfg := aliasRecords(tt.srcs)
			cfg.Model.Blocking = tt.blocking
			seed := maphash.MakeSeed()
			got := learnAliases(cfg, recs, sharedIDs(numberColumns(recs, seed)), sharedDays(recs), seed)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("aliases\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

// TestReadAliased: records read as aliases say are the records a config
// changed by them loads: a field renamed, or its values added to its
// source's field of that name (each value once) and the field gone.
func TestReadAliased(t *testing.T) {
	id := func(vs ...string) record.Feature {
		f := record.Feature{Kind: record.KindIdentifier}
		for _, v := range vs {
			f.Raw = append(f.Raw, v)
			f.Values = append(f.Values, record.Value{Norm: v})
		}
		return f
	}
	named := func(name string, f record.Feature) record.Feature { f.Name = name; return f }
	shared := []record.Value{{Norm: "V1"}} // values Load shares between records
	recs := []record.Record{
		{Key: record.Key{Source: "list", ID: "1"}, Features: []record.Feature{
			named("national_id", id("V1")), named("registration", id("J9")), named("passport", id("P1", "V1"))}},
		{Key: record.Key{Source: "kyc", ID: "1"}, Features: []record.Feature{named("passport", id("P1"))}},
	}
	recs[0].Features[0].Values = shared
	readAliased(recs, []model.FieldAlias{
		{Source: "list", Field: "national_id", As: "documento"},
		{Source: "list", Field: "passport", As: "documento"},
		{Source: "list", Field: "registration", As: "documento"},
	})
	want := []record.Feature{{Name: "documento", Kind: record.KindIdentifier, Raw: []string{"V1", "J9", "P1", "V1"},
		Values: []record.Value{{Norm: "V1"}, {Norm: "J9"}, {Norm: "P1"}}}}
	if !reflect.DeepEqual(recs[0].Features, want) {
		t.Errorf("list's record reads\n %+v\nwant\n %+v", recs[0].Features, want)
	}
	if len(shared) != 1 || len(recs[1].Features) != 1 || recs[1].Features[0].Name != "passport" {
		t.Errorf("values shared %v, another source's record %+v: changed", shared, recs[1].Features)
	}
}
