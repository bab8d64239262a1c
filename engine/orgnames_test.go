package engine

import (
	"math"
	"testing"

	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// TestOrgNameOfValues: model.OrgName, which tells the scorer and the
// batch path that two names are organisations', is true of every value
// normalize reads as an organisation's name and of no person's.
func TestOrgNameOfValues(t *testing.T) {
	tests := []struct {
		kind record.Kind
		raw  string
		org  bool
	}{
		{record.KindOrgName, "Campbell Foods Limited", true},
		{record.KindOrgName, "Smith", true},
		{record.KindOrgName, "ACME Holdings, S.A. de C.V.", true},
		{record.KindParty, "CAMPBELL FOODS LTD", true},
		{record.KindParty, "Inversiones Pérez y Asociados", true},
		{record.KindParty, "SMITH/JOHN", false},
		{record.KindParty, "MR JOHN SMITH", false},
		{record.KindName, "García Márquez, Gabriel José", false},
		{record.KindName, "John Smith Jr", false},
	}
	for _, tt := range tests {
		v, err := normalize.Value(tt.kind, tt.raw, normalize.Options{})
		if err != nil {
			t.Fatalf("%s %q: %v", tt.kind, tt.raw, err)
		}
		if got := model.OrgName(&v); got != tt.org {
			t.Errorf("%s %q: OrgName %v, want %v", tt.kind, tt.raw, got, tt.org)
		}
		if tt.kind == record.KindParty && model.OrgName(&v) != (v.Facet("party") == string(record.EntityOrganization)) {
			t.Errorf("party %q: OrgName %v, party facet %q", tt.raw, model.OrgName(&v), v.Facet("party"))
		}
	}
}

// TestOrgNameFrequency: the Good–Turing estimate of how often a name one
// identified organisation holds is another's, from the names held once
// and twice by organisations alone.
func TestOrgNameFrequency(t *testing.T) {
	const org, other = heldByOrg, heldByOther
	// keys builds counts and kinds: n keys held c times by holders of kind.
	type keys struct {
		n    int
		c    int32
		kind uint8
	}
	build := func(ks ...keys) ([]int32, []uint8) {
		counts, held := []int32{0}, []uint8{0} // key 0: no value
		for _, k := range ks {
			for range k.n {
				counts, held = append(counts, k.c), append(held, k.kind)
			}
		}
		return counts, held
	}
	const once = 1e-3
	tests := []struct {
		name string
		keys []keys
		want float64
	}{
		{"none held twice", []keys{{200, 1, org}}, 2.0 / 200 / 200},
		{"some held twice", []keys{{200, 1, org}, {10, 2, org}}, 2 * 10.0 / 200 / 220},
		{"common names count in the holdings", []keys{{200, 1, org}, {5, 2, org}, {1, 30, org}}, 2 * 5.0 / 200 / 240},
		{"people's names are not counted", []keys{{200, 1, org}, {500, 2, other}, {100, 1, org | other}}, 2.0 / 200 / 200},
		{"too few names held once", []keys{{minOrgNames - 1, 1, org}}, 0},
		{"no rarer than once", []keys{{60, 1, org}, {60, 2, org}}, 0},
		{"no organisations", []keys{{500, 1, other}}, 0},
	}
	for _, tt := range tests {
		counts, held := build(tt.keys...)
		if got := orgNameFrequency(counts, held, once); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
