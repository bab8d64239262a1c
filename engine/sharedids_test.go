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
