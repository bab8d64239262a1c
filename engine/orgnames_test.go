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
// source that has most; names people's names share are left out.
func TestOrgNameFrequency(t *testing.T) {
	// names: n keys held by c holders each in source src, written as kind.
	type names struct {
		n    int
		c    int32
		src  uint16
		kind uint8
	}
	const once = 1e-3
	tests := []struct {
		name  string
		names []names
		want  float64
	}{
		{"none held twice", []names{{200, 1, 0, heldByOrg}}, 2.0 / 200 / 200},
		{"some held twice", []names{{200, 1, 0, heldByOrg}, {10, 2, 0, heldByOrg}}, 2 * 10.0 / 200 / 220},
		{"common names count in the holdings", []names{{200, 1, 0, heldByOrg}, {5, 2, 0, heldByOrg}, {1, 30, 0, heldByOrg}}, 2 * 5.0 / 200 / 240},
		{"over the largest source's holdings", []names{{200, 1, 0, heldByOrg}, {100, 1, 1, heldByOrg}}, 2.0 / 300 / 200},
		{"people's names are left out", []names{{200, 1, 0, heldByOrg}, {100, 2, 0, heldByOrg | heldByOther}}, 2.0 / 200 / 200},
		{"too few names held once", []names{{minOrgNames - 1, 1, 0, heldByOrg}}, 0},
		{"no rarer than once", []names{{60, 1, 0, heldByOrg}, {60, 2, 0, heldByOrg}}, 0},
		{"never rarer than once/64", []names{{100000, 1, 0, heldByOrg}}, once / 64},
	}
	for _, tt := range tests {
		held, heldBy := map[sourceKey]holderCount{}, []uint8{0} // key 0: no value
		for _, n := range tt.names {
			for range n.n {
				k := uint32(len(heldBy))
				heldBy = append(heldBy, n.kind)
				held[sourceKey{k, n.src}] = holderCount{n: n.c}
			}
		}
		if got := orgNameFrequency(held, heldBy, 2, once); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestOrgNamesCountedBySource: a company in a register and again in a
// payments file, each under an identifier of its own (a registration
// number, an account), is two holders of its name, but one in each
// source: organisations' names are estimated rare, and the name is not in
// the organisations' table; two companies of one register that share a
// name put it there.
func TestOrgNamesCountedBySource(t *testing.T) {
	var recs []record.Record
	add := func(src, id, name, idFeature, number string) {
		v, err := normalize.Value(record.KindOrgName, name, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		n, err := normalize.Value(record.KindIdentifier, number, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, record.Record{Key: record.Key{Source: src, ID: id}, Kind: record.EntityOrganization, Features: []record.Feature{
			{Name: "name", Kind: record.KindOrgName, Values: []record.Value{v}},
			{Name: idFeature, Kind: record.KindIdentifier, Values: []record.Value{n}}}})
	}
	words := []string{"Apex", "Birch", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbour", "Iris", "Juniper"}
	for i := range 80 {
		name := words[i%10] + " " + words[i/10] + " Trading Ltd"
		add("register", fmt.Sprint(i), name, "reg_number", fmt.Sprintf("R%07d", 1234567+7919*i))
		add("payments", fmt.Sprint(i), strings.ToUpper(name), "account", fmt.Sprintf("A%07d", 2345678+7919*i))
	}
	add("register", "twin-1", "Kestrel Shipping Limited", "reg_number", "R90001")
	add("register", "twin-2", "Kestrel Shipping PLC", "reg_number", "R90002")
	specs := []compare.Spec{compare.DefaultSpec("name", record.KindOrgName),
		compare.DefaultSpec("reg_number", record.KindIdentifier), compare.DefaultSpec("account", record.KindIdentifier)}
	var comps []*compare.Comparison
	for _, sp := range specs {
		comps = append(comps, compare.MustCompile(sp))
	}
	vals, err := newValueTable(context.Background(), recs, comps, 1)
	if err != nil {
		t.Fatal(err)
	}
	tf := vals.termFrequencies(0)
	if want := 2.0 / 160 / 82; math.Abs(tf.orgOnce-want) > 1e-12 {
		t.Errorf("orgOnce %v, want %v (80 names held once in each source, one twice in the register's 82 holdings)", tf.orgOnce, want)
	}
	if _, ok := tf.orgValues["kestrelshipping"]; !ok || len(tf.orgValues) != 1 {
		t.Errorf("organisations' table %v, want the name two companies of the register hold alone (its compact key)", tf.orgValues)
	}
}
