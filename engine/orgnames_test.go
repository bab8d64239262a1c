package engine

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
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
		held, k := map[sourceFormKey]holderCount{}, uint32(1) // key 0: no value
		for _, n := range tt.names {
			for range n.n {
				held[sourceFormKey{sourceKey{k, n.src}, ""}] = holderCount{n: n.c}
				k++
			}
		}
		if got := orgNameFrequency(held, 2, once); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestOrgNameFrequencyByForm: a name two companies of one source hold
// under two legal forms (Bau West GmbH, Bau West OHG) is two names held
// once, not one held twice; under one form, one held twice.
func TestOrgNameFrequencyByForm(t *testing.T) {
	const once = 2e-3
	for _, tt := range []struct {
		name         string
		formA, formB string
		want         float64
	}{
		{"two forms", "gmbh", "ohg", 2.0 / 120 / 120},
		{"one form", "gmbh", "gmbh", 2 * 10.0 / 100 / 120},
		{"no form written", "", "", 2 * 10.0 / 100 / 120},
	} {
		held := map[sourceFormKey]holderCount{}
		k := uint32(1)
		for range 100 {
			held[sourceFormKey{sourceKey{k, 0}, ""}] = holderCount{n: 1}
			k++
		}
		for range 10 {
			held[sourceFormKey{sourceKey{k, 0}, tt.formA}] = holderCount{n: 1}
			f := sourceFormKey{sourceKey{k, 0}, tt.formB}
			held[f] = holderCount{n: held[f].n + 1}
			k++
		}
		if got := orgNameFrequency(held, 1, once); math.Abs(got-tt.want) > 1e-15 {
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
	add("register", "twin-2", "KESTREL SHIPPING LTD", "reg_number", "R9000456", org) // one name under one form: no two names as under two
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
		t.Errorf("orgOnce %v, want %v (80 names held once in each source, one twice under one form in the register's 82 holdings)", tf.orgOnce, want)
	}
	if _, ok := tf.orgValues["kestrel shipping"]; !ok || len(tf.orgValues) != 1 {
		t.Errorf("organisations' table %v, want the name two companies of the register hold alone", tf.orgValues)
	}
}

// TestUnsharedForms: of the names two organisations of one source hold,
// those no two of one source hold under one legal form, an organisation
// written without a form counting with every form.
func TestUnsharedForms(t *testing.T) {
	type held struct {
		key  uint32
		src  uint16
		form string
		n    int32
	}
	tests := []struct {
		name string
		held []held
		want []orgFormKey
	}{
		{"two forms, one each", []held{{1, 0, "ltd", 1}, {1, 0, "plc", 1}}, []orgFormKey{{1, "ltd"}, {1, "plc"}}},
		{"two of one form", []held{{1, 0, "ltd", 2}, {1, 0, "sa", 1}}, []orgFormKey{{1, "sa"}}},
		{"one written without a form", []held{{1, 0, "ltd", 1}, {1, 0, "", 1}}, nil},
		{"two without a form in another source", []held{{1, 0, "ltd", 1}, {1, 0, "sa", 1}, {1, 1, "", 2}}, nil},
		{"one of a form in each of two sources", []held{{1, 0, "ltd", 1}, {1, 1, "ltd", 1}, {1, 0, "sa", 1}}, []orgFormKey{{1, "ltd"}, {1, "sa"}}},
		{"a name no two hold", []held{{2, 0, "ltd", 1}}, nil},
	}
	for _, tt := range tests {
		m := map[sourceFormKey]holderCount{}
		for _, h := range tt.held {
			m[sourceFormKey{sourceKey{h.key, h.src}, h.form}] = holderCount{n: h.n}
		}
		shared := []bool{false, true, false} // key 1 is in the organisations' table, key 2 is not
		got := unsharedForms(m, shared)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			continue
		}
		for _, f := range tt.want {
			if !got[f] {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}

// TestOrgNamesByLegalForm: two companies of one register share a name
// under two legal forms (Capital Molina Servicios Ltd, Capital Molina
// Servicios SAS). A payment to CAPITAL MOLINA SERVICIOS LTD can be only
// the first: it weighs as a name no two organisations hold and links;
// one written without its form could be either and weighs as the shared
// name it is. The batch path, with the frequencies it counted or with a
// model read back, weighs the pairs as the scorer does.
func TestOrgNamesByLegalForm(t *testing.T) {
	dir := t.TempDir()
	words := []string{"Apex", "Birch", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbour", "Iris", "Juniper"}
	surnames := []string{"Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts"}
	register, payments := "id,company,reg\n", "ref,party,account\n"
	for i := range 80 {
		name := words[i%10] + " " + surnames[i/10] + " Ltd"
		register += fmt.Sprintf("r%d,%s,R%07d\n", i, name, 1234567+7919*i)
		payments += fmt.Sprintf("p%d,%s,A%07d\n", i, strings.ToUpper(name), 2345678+7919*i)
	}
	register += "twin-ltd,Capital Molina Servicios Ltd,R9000123\ntwin-sas,Capital Molina Servicios SAS,R9000456\n"
	payments += "pay-ltd,CAPITAL MOLINA SERVICIOS LTD,A9000001\npay-none,CAPITAL MOLINA SERVICIOS,\n" // with no account, any holder of the name
	for name, body := range map[string]string{"register.csv": register, "payments.csv": payments, "concord.yaml": "sources:\n" +
		"  - {name: register, path: register.csv, id: id, kind: organization, fields: {name: {column: company, type: org_name}, reg: {column: reg, type: identifier}}}\n" +
		"  - {name: payments, path: payments.csv, id: ref, fields: {name: {column: party, type: party}, account: {column: account, type: identifier}}}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := newCandidateSetFrom(t, filepath.Join(dir, "concord.yaml"))
	res, err := Resolve(context.Background(), s.cfg, func(Reject) error { return nil }, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.Model.Write(&buf); err != nil {
		t.Fatal(err)
	}
	m, err := model.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	scorer, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	name := slices.IndexFunc(m.Comparisons, func(c model.Comparison) bool { return c.Feature == "name" })
	c := m.Comparisons[name]
	if len(c.TFOrgTable) != 1 || len(c.TFOrgForms) != 2 {
		t.Fatalf("organisations' table %d names, by legal form %d: want the twins' name, and it under each of their forms", len(c.TFOrgTable), len(c.TFOrgForms))
	}
	at := map[string]int32{}
	for i, r := range s.recs {
		at[r.Key.ID] = int32(i)
	}
	entity := map[string]record.EntityID{}
	for i, r := range res.Records {
		entity[r.Key.ID] = res.Entities[i]
	}
	if entity["pay-ltd"] != entity["twin-ltd"] || entity["pay-none"] == entity["twin-ltd"] || entity["pay-none"] == entity["twin-sas"] || entity["twin-ltd"] == entity["twin-sas"] {
		t.Errorf("entities %v: want the payment to the Ltd with the Ltd alone, the one without a form with neither", entity)
	}
	u := c.Levels[0].U
	tests := []struct {
		a, b string
		tf   float64 // the frequency the exact match weighs by
	}{
		{"pay-ltd", "twin-ltd", min(c.TFOrgForms[model.TFKey(mustHex(t, m.TFSalt), model.OrgFormKey("capital molina servicios", "ltd"))], 1)},
		{"pay-none", "twin-ltd", c.TFOrgTable[model.TFKey(mustHex(t, m.TFSalt), "capital molina servicios")]},
		{"pay-none", "twin-sas", c.TFOrgTable[model.TFKey(mustHex(t, m.TFSalt), "capital molina servicios")]},
	}
	pairs := make([]candidate, len(tests))
	for k, tt := range tests {
		pairs[k] = candidate{A: at[tt.a], B: at[tt.b]}
	}
	levels := make([]uint8, len(pairs)*len(s.comps))
	if err := s.vals.compare(context.Background(), pairs, 1, levels); err != nil {
		t.Fatal(err)
	}
	read, err := newPairWeights(context.Background(), s.vals, scorer, 1) // asks the model
	if err != nil {
		t.Fatal(err)
	}
	for i, cp := range s.comps {
		if cp.Spec.TF {
			s.vals.termFrequencies(i)
		}
	}
	counted, err := newPairWeights(context.Background(), s.vals, scorer, 1) // from the frequencies counted
	if err != nil {
		t.Fatal(err)
	}
	for k, tt := range tests {
		if tt.tf == 0 {
			t.Fatalf("%s ~ %s: no frequency in the model", tt.a, tt.b)
		}
		ev := make([]model.Evidence, len(scorer.Comps))
		want := scorer.Compare(&s.recs[pairs[k].A], &s.recs[pairs[k].B], make([]uint8, len(scorer.Comps)), ev)
		if got := ev[name].TFAdjust; math.Abs(got-math.Log2(u/tt.tf)) > 1e-9 || !ev[name].OrgNames {
			t.Errorf("%s ~ %s: adjustment %v (organisations' names %v), want %v", tt.a, tt.b, got, ev[name].OrgNames, math.Log2(u/tt.tf))
		}
		lv := levels[k*len(s.comps) : (k+1)*len(s.comps)]
		for path, pw := range map[string]*pairWeights{"read": read, "counted": counted} {
			if got := pw.of(-1, pairs[k].A, pairs[k].B, lv); math.Abs(got-want) > 1e-9 {
				t.Errorf("%s ~ %s: %v bits in batch (%s), %v from the scorer", tt.a, tt.b, got, path, want)
			}
		}
	}
	if tests[0].tf >= tests[1].tf {
		t.Errorf("the name with its form %v, without %v: want it rarer with", tests[0].tf, tests[1].tf)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
