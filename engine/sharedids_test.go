package engine

import (
	"fmt"
	"hash/maphash"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/record"
)

// unsharedIdentifiers are the warnings of identifier features shared but
// not named alike, as Resolve gives them with no field read otherwise.
func unsharedIdentifiers(recs []record.Record) []string {
	return idWarnings(sharedIDs(numberColumns(recs, maphash.MakeSeed())), nil)
}

// unsharedDates are the warnings of date features shared but not named
// alike, as Resolve gives them with no field read otherwise.
func unsharedDates(recs []record.Record) []string { return dayWarnings(sharedDays(recs), nil) }

func TestUnsharedIdentifiers(t *testing.T) {
	rec := func(source, feature, id string) record.Record {
		return record.Record{Key: record.Key{Source: source, ID: id}, Features: []record.Feature{
			{Name: feature, Kind: record.KindIdentifier, Values: []record.Value{{Norm: id}}}}}
	}
	// kyc writes P-… before a passport, the list does not; six are shared.
	var recs []record.Record
	for i := range 10 {
		recs = append(recs, rec("kyc", "document", fmt.Sprintf("P%08d", i)))
	}
	for i := 4; i < 14; i++ {
		recs = append(recs, rec("list", "passport", fmt.Sprintf("%08d", i)))
	}
	got := unsharedIdentifiers(recs)
	if len(got) != 1 || !strings.Contains(got[0], "document of source kyc and passport of source list share 6 values") {
		t.Errorf("warnings %q, want one of 6 values shared", got)
	}
	// Four shared: too few to tell.
	if got := unsharedIdentifiers(append(recs[:10:10], recs[12:]...)); len(got) != 0 {
		t.Errorf("warnings %q for four values shared", got)
	}
	// The same name: compared, no warning.
	for i := range recs[10:] {
		recs[10+i].Features[0].Name = "document"
	}
	if got := unsharedIdentifiers(recs); len(got) != 0 {
		t.Errorf("warnings %q for one feature name", got)
	}
}

// idRecords are 300,000 records of three sources, a national id (written
// with its letters, as KYC files write them) and a passport each, and a
// name.
func idRecords() []record.Record {
	var recs []record.Record
	for s, source := range []string{"kyc", "registry", "list"} {
		for i := range 100000 {
			name := fmt.Sprintf("persona %d gomez", i)
			recs = append(recs, record.Record{Key: record.Key{Source: source, ID: fmt.Sprint(i)}, Features: []record.Feature{
				{Name: "name", Kind: record.KindName, Values: []record.Value{{Norm: name}}},
				{Name: "national_id", Kind: record.KindIdentifier, Values: []record.Value{{Norm: fmt.Sprintf("V-%d.%03d.%03d", s+i/1000, i%1000, i%997)}}},
				{Name: source + "_passport", Kind: record.KindIdentifier, Values: []record.Value{{Norm: fmt.Sprintf("P%08d", i*7+s)}}},
			}})
		}
	}
	return recs
}

// BenchmarkUnsharedIdentifiers reads the identifiers of idRecords.
func BenchmarkUnsharedIdentifiers(b *testing.B) {
	recs := idRecords()
	b.ReportAllocs()
	for b.Loop() {
		unsharedIdentifiers(recs)
	}
}

// BenchmarkSharedNumbers finds the identifier features of idRecords that
// share numbers held by records named alike, as Resolve does.
func BenchmarkSharedNumbers(b *testing.B) {
	recs := idRecords()
	b.ReportAllocs()
	for b.Loop() {
		seed := maphash.MakeSeed()
		sharedNumbers(recs, sharedIDs(numberColumns(recs, seed)), seed)
	}
}

// BenchmarkSharedNameValues finds the name features of idRecords that
// hold the same names, each source's under a name of its own: all of
// them, every name shared.
func BenchmarkSharedNameValues(b *testing.B) {
	recs := idRecords()
	for i := range recs {
		recs[i].Features[0].Name = recs[i].Key.Source + "_name"
	}
	cfg := &config.Config{}
	for _, source := range []string{"kyc", "registry", "list"} {
		cfg.Sources = append(cfg.Sources, config.Source{Name: source, Fields: []config.Field{{Name: source + "_name", Type: record.KindName}}})
	}
	b.ReportAllocs()
	for b.Loop() {
		sharedNameValues(cfg, recs)
	}
}

func TestUnsharedDates(t *testing.T) {
	rec := func(source, feature, id, name, day string) record.Record {
		n, d := record.Value{Norm: name, Facets: record.MakeFacets("sorted", name)}, record.Value{Norm: day, Facets: record.MakeFacets("precision", "day")}
		if len(day) == 4 {
			d.Facets = record.MakeFacets("precision", "year")
		}
		return record.Record{Key: record.Key{Source: source, ID: id}, Features: []record.Feature{
			{Name: "name", Kind: record.KindParty, Values: []record.Value{n}},
			{Name: feature, Kind: record.KindDate, Values: []record.Value{d}}}}
	}
	var recs []record.Record
	for i := range 8 {
		recs = append(recs, rec("kyc", "dob", fmt.Sprint(i), fmt.Sprintf("ana perez%c", 'a'+i), fmt.Sprintf("1980-01-%02d", i+1)))
	}
	// The list names six of them, born the same days; two others share a
	// day with a customer but not a name (chance), one a year alone.
	for i := range 6 {
		recs = append(recs, rec("list", "birth", fmt.Sprint(i), fmt.Sprintf("ana perez%c", 'a'+i), fmt.Sprintf("1980-01-%02d", i+1)))
	}
	recs = append(recs, rec("list", "birth", "x", "juan gomez", "1980-01-07"), rec("list", "birth", "y", "luis diaz", "1980-01-08"),
		rec("list", "birth", "z", "ana perezg", "1980"))
	got := unsharedDates(recs)
	if len(got) != 1 || !strings.Contains(got[0], "dob of source kyc and birth of source list hold the same day for 6 names") {
		t.Errorf("warnings %q, want one of 6 names and days", got)
	}
	// Four alike: too few to tell.
	if got := unsharedDates(append(recs[:8:8], recs[10:]...)); len(got) != 0 {
		t.Errorf("warnings %q for four alike", got)
	}
	// The same name: compared, no warning.
	for i := range recs[8:] {
		recs[8+i].Features[1].Name = "dob"
	}
	if got := unsharedDates(recs); len(got) != 0 {
		t.Errorf("warnings %q for one feature name", got)
	}
}

// BenchmarkUnsharedDates reads the names and dates of birth of 300,000
// records of three sources, each source's date under a name of its own.
func BenchmarkUnsharedDates(b *testing.B) {
	var recs []record.Record
	for s, source := range []string{"kyc", "registry", "list"} {
		for i := range 100000 {
			name := fmt.Sprintf("persona %d", i)
			recs = append(recs, record.Record{Key: record.Key{Source: source, ID: fmt.Sprint(i)}, Features: []record.Feature{
				{Name: "name", Kind: record.KindName, Values: []record.Value{{Norm: name, Facets: record.MakeFacets("sorted", name)}}},
				{Name: source + "_dob", Kind: record.KindDate, Values: []record.Value{{Norm: fmt.Sprintf("19%02d-%02d-%02d", 40+i%60, 1+i%12, 1+(i+s)%28),
					Facets: record.MakeFacets("precision", "day")}}},
			}})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		unsharedDates(recs)
	}
}
