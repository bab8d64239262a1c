package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/concord-er/concord/record"
)

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

// BenchmarkUnsharedIdentifiers reads the identifiers of 300,000 records
// of three sources, a national id and a passport each, written with their
// letters as KYC files write them.
func BenchmarkUnsharedIdentifiers(b *testing.B) {
	var recs []record.Record
	for s, source := range []string{"kyc", "registry", "list"} {
		for i := range 100000 {
			recs = append(recs, record.Record{Key: record.Key{Source: source, ID: fmt.Sprint(i)}, Features: []record.Feature{
				{Name: "national_id", Kind: record.KindIdentifier, Values: []record.Value{{Norm: fmt.Sprintf("V-%d.%03d.%03d", s+i/1000, i%1000, i%997)}}},
				{Name: "passport", Kind: record.KindIdentifier, Values: []record.Value{{Norm: fmt.Sprintf("P%08d", i*7+s)}}},
			}})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		unsharedIdentifiers(recs)
	}
}
