package engine

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/concord-er/concord/compare"
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
// and twice by organisations of one source, over the holdings of the
// source that has most.
func TestOrgNameFrequency(t *testing.T) {
	// names: n keys held by c holders each in source src.
	type names struct {
		n   int
		c   int32
		src uint16
	}
	const once = 1e-3
	tests := []struct {
		name  string
		names []names
		want  float64
	}{
		{"none held twice", []names{{200, 1, 0}}, 2.0 / 200 / 200},
		{"some held twice", []names{{200, 1, 0}, {10, 2, 0}}, 2 * 10.0 / 200 / 220},
		{"common names count in the holdings", []names{{200, 1, 0}, {5, 2, 0}, {1, 30, 0}}, 2 * 5.0 / 200 / 240},
		{"over the largest source's holdings", []names{{200, 1, 0}, {100, 1, 1}}, 2.0 / 300 / 200},
		{"too few names held once", []names{{minOrgNames - 1, 1, 0}}, 0},
		{"no rarer than once", []names{{60, 1, 0}, {60, 2, 0}}, 0},
		{"never rarer than once/64", []names{{100000, 1, 0}}, once / 64},
	}
	for _, tt := range tests {
		held, k := map[sourceKey]holderCount{}, uint32(1) // key 0: no value
		for _, n := range tt.names {
			for range n.n {
				held[sourceKey{k, n.src}] = holderCount{n: n.c}
				k++
			}
		}
		if got := orgNameFrequency(held, 2, once); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestOrgNamesCountedBySource: a company in a register and again in a
// payments file, each under an identifier of its own (a registration
// number, an account), is two holders of its name, but one in each
// source: organisations' names are estimated rare, and the name is not in
// the organisations' table, nor when people write it too (the officers
// after whom the companies are named); two companies of one register
// that share a name put it there.
func TestOrgNamesCountedBySource(t *testing.T) {
	var recs []record.Record
	add := func(src, id, name, idFeature, number string, kind record.EntityKind) {
		v, err := normalize.Value(record.KindParty, name, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		n, err := normalize.Value(record.KindIdentifier, number, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, record.Record{Key: record.Key{Source: src, ID: id}, Kind: kind, Features: []record.Feature{
			{Name: "name", Kind: record.KindParty, Values: []record.Value{v}},
			{Name: idFeature, Kind: record.KindIdentifier, Values: []record.Value{n}}}})
	}
	words := []string{"Apex", "Birch", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbour", "Iris", "Juniper"}
	surnames := []string{"Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts"}
	org := record.EntityOrganization
	for i := range 80 {
		name := words[i%10] + " " + surnames[i/10] + " Ltd"
		add("register", fmt.Sprint(i), name, "reg_number", fmt.Sprintf("R%07d", 1234567+7919*i), org)
		add("payments", fmt.Sprint(i), strings.ToUpper(name), "account", fmt.Sprintf("A%07d", 2345678+7919*i), org)
	}
	// People who write the names of ten of the companies, as the
	// officers after whom they are named.
	for i := range 10 {
		add("customers", fmt.Sprint(i), words[i]+" "+surnames[0], "national_id", fmt.Sprintf("P%07d", 3456789+7919*i), record.EntityPerson)
	}
	add("register", "twin-1", "Kestrel Shipping Limited", "reg_number", "R9000123", org)
	add("register", "twin-2", "Kestrel Shipping PLC", "reg_number", "R9000456", org)
	var comps []*compare.Comparison
	for _, sp := range []compare.Spec{compare.DefaultSpec("name", record.KindParty), compare.DefaultSpec("reg_number", record.KindIdentifier),
		compare.DefaultSpec("account", record.KindIdentifier), compare.DefaultSpec("national_id", record.KindIdentifier)} {
		comps = append(comps, compare.MustCompile(sp))
	}
	vals, err := newValueTable(context.Background(), recs, comps, 1)
	if err != nil {
		t.Fatal(err)
	}
	if model.OrgName(&recs[len(recs)-3].Features[0].Values[0]) || !model.OrgName(&recs[0].Features[0].Values[0]) {
		t.Fatal("the people's names were read as organisations', or the companies' not")
	}
	tf := vals.termFrequencies(0)
	if want := 2.0 / 160 / 82; math.Abs(tf.orgOnce-want) > 1e-12 {
		t.Errorf("orgOnce %v, want %v (80 names held once in each source, one twice in the register's 82 holdings)", tf.orgOnce, want)
	}
	if _, ok := tf.orgValues["kestrel shipping"]; !ok || len(tf.orgValues) != 1 {
		t.Errorf("organisations' table %v, want the name two companies of the register hold alone", tf.orgValues)
	}
}
