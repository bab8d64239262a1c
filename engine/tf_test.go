package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/record"
)

// TestTermFrequenciesCountHolders checks that records sharing an exact
// identifier count once in a name's term frequency: a company filed once
// per officer is one holder of its name, while two unrelated people of one
// name are two.
func TestTermFrequenciesCountHolders(t *testing.T) {
	dir := t.TempDir()
	csv := "id,name,reg\n" +
		"f1,Acme Trading,R1\n" + // one company, three filings
		"f2,Acme Trading,R1\n" +
		"f3,Acme Trading,R1\n" +
		"p1,Ana Diaz,\n" + // two people of one name
		"p2,Ana Diaz,\n" +
		"q1,Luis Mora,X9\n" + // a holder of two names through its identifier
		"q2,Luis Mora Ruiz,X9\n"
	for i := range maxHolderRecords + 1 { // a placeholder identifier joins nobody
		csv += "z" + string(rune('a'+i)) + ",Zed Zulu,000\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "r.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(`sources:
  - {name: r, path: r.csv, id: id, fields: {name: {column: name, type: name}, reg: {column: reg, type: identifier}}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "c.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []record.Record
	if _, err := Load(context.Background(), cfg, func(r record.Record) error { recs = append(recs, r); return nil },
		func(Reject) error { return nil }, Options{}); err != nil {
		t.Fatal(err)
	}
	var comps []*compare.Comparison
	name := -1
	for _, spec := range DefaultSpecs(cfg) {
		if spec.Feature == "name" {
			name = len(comps)
			spec.TF = true
		}
		comps = append(comps, compare.MustCompile(spec))
	}
	vals, err := newValueTable(context.Background(), recs, comps, 1)
	if err != nil {
		t.Fatal(err)
	}
	table, tfMin := vals.termFrequencies(name)
	// Holders of names: Acme (1), Ana Diaz (2), Luis Mora and Luis Mora
	// Ruiz (1 each), Zed Zulu (17): 22 in all.
	const total = 22.0
	if tfMin != 1/total {
		t.Errorf("minimum frequency %v, want 1/%v", tfMin, total)
	}
	want := map[string]float64{"ana diaz": 2 / total, "zed zulu": (maxHolderRecords + 1) / total}
	for k, f := range want {
		if table[k] != f {
			t.Errorf("frequency of %q = %v, want %v", k, table[k], f)
		}
	}
	if _, ok := table["acme trading"]; ok {
		t.Errorf("acme trading counted %v, want once (the minimum)", table["acme trading"])
	}
	if len(table) != len(want) {
		t.Errorf("table %v, want only %v", table, want)
	}
}

func TestCompatiblePairs(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b kindSizes
		same bool
		want float64
	}{
		{"kinds unknown", kindSizes{all: 10}, kindSizes{all: 5}, false, 50},
		{"people and organisations", kindSizes{all: 10, people: 6, orgs: 4}, kindSizes{all: 5, people: 5}, false, 50 - 4*5},
		{"unknown meets both", kindSizes{all: 10, people: 6, orgs: 2}, kindSizes{all: 5, orgs: 3}, false, 50 - 6*3},
		{"within a source", kindSizes{all: 10, people: 6, orgs: 4}, kindSizes{}, true, 45 - 24},
	} {
		if got := c.a.compatiblePairs(c.b, c.same); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
