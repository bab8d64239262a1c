package engine

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// aliasSource is a source of n records, record i named names(i), each
// with a value of every field: "feature format", the format of i/every
// (or i): a date's when it starts 19, else an identifier's.
type aliasSource struct {
	name   string
	fields []string
	names  func(i int) string
	n      int
	every  int
}

func aliasRecords(srcs []aliasSource) ([]record.Record, *config.Config) {
	var recs []record.Record
	cfg := &config.Config{}
	for _, s := range srcs {
		cs := config.Source{Name: s.name}
		for _, f := range s.fields {
			var name, format string
			fmt.Sscanf(f, "%s %s", &name, &format)
			kind := record.KindIdentifier
			if strings.HasPrefix(format, "19") {
				kind = record.KindDate
			}
			cs.Fields = append(cs.Fields, config.Field{Name: name, Column: name, Columns: []string{name}, Type: kind})
		}
		cfg.Sources = append(cfg.Sources, cs)
		for i := range s.n {
			n := s.names(i)
			r := record.Record{Key: record.Key{Source: s.name, ID: fmt.Sprint(i)}, Features: []record.Feature{
				{Name: "name", Kind: record.KindName, Values: []record.Value{{Norm: n, Facets: record.MakeFacets("sorted", n)}}}}}
			for _, f := range s.fields {
				var name, format string
				fmt.Sscanf(f, "%s %s", &name, &format)
				v := record.Value{Norm: fmt.Sprintf(format, i/max(s.every, 1))}
				kind := record.KindIdentifier
				if strings.HasPrefix(format, "19") {
					kind, v.Facets = record.KindDate, record.MakeFacets("precision", "day")
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
			{"kyc", []string{"documento P-B%07d"}, person, 10, 0},
			{"list", []string{"passport B%07d"}, person, 8, 0},
		}, nil, []model.FieldAlias{{Source: "list", Field: "passport", As: "documento", With: "kyc", Shared: 8}}},
		{"numbers alike, names not: two systems' own numbers", []aliasSource{
			{"bank_a", []string{"customer_no 10%04d"}, person, 10, 0},
			{"bank_b", []string{"client_ref 10%04d"}, other, 10, 0},
		}, nil, nil},
		{"too few alike", []aliasSource{
			{"kyc", []string{"documento P-B%07d"}, person, 4, 0},
			{"list", []string{"passport B%07d"}, person, 4, 0},
		}, nil, nil},
		{"the field that shares with more keeps its name; the other source's both join it", []aliasSource{
			{"kyc", []string{"documento V%08d"}, person, 12, 0},
			{"list", []string{"national_id %08d", "passport V%08d"}, person, 12, 0},
		}, nil, []model.FieldAlias{
			{Source: "list", Field: "national_id", As: "documento", With: "kyc", Shared: 12},
			{Source: "list", Field: "passport", As: "documento", With: "kyc", Shared: 12},
		}},
		{"a name two sources use is kept: the other field takes it", []aliasSource{
			{"kyc", []string{"documento B%07d"}, person, 9, 0},
			{"list", []string{"passport B%07d"}, person, 7, 0},
			{"onboarding", []string{"passport B%07d"}, person, 6, 0},
		}, nil, []model.FieldAlias{{Source: "kyc", Field: "documento", As: "passport", With: "list", Shared: 7}}},
		{"a field a blocking rule names stays", []aliasSource{
			{"kyc", []string{"documento B%07d"}, person, 9, 0},
			{"list", []string{"passport B%07d"}, person, 7, 0},
			{"onboarding", []string{"passport B%07d"}, person, 6, 0},
		}, [][]string{{"documento"}}, nil},
		{"dates are renamed", []aliasSource{
			{"kyc", []string{"fecha_nac 1980-01-%02d"}, person, 9, 0},
			{"list", []string{"birth_date 1980-01-%02d"}, person, 7, 0},
		}, nil, []model.FieldAlias{{Source: "list", Field: "birth_date", As: "fecha_nac", With: "kyc", Shared: 7}}},
		{"a date never adds to another date field", []aliasSource{
			{"kyc", []string{"fecha_nac 1980-01-%02d"}, person, 9, 0},
			{"list", []string{"birth_date 1980-01-%02d", "fecha_nac 1991-03-%02d"}, person, 7, 0},
		}, nil, nil},
		{"numbers five records hold count for nothing", []aliasSource{
			{"kyc", []string{"documento B%07d"}, person, 10, 0},
			{"list", []string{"passport B%07d"}, person, 30, 5},
		}, nil, nil},
		{"numbers four records hold count", []aliasSource{
			{"kyc", []string{"documento B%07d"}, person, 10, 0},
			{"list", []string{"passport B%07d"}, person, 24, 4},
		}, nil, []model.FieldAlias{{Source: "kyc", Field: "documento", As: "passport", With: "list", Shared: 6}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, cfg := aliasRecords(tt.srcs)
			cfg.Model.Blocking = tt.blocking
			got := learnAliases(cfg, recs, sharedDays(recs))
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
