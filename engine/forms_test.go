package engine

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// TestFormsAgreeM: m of legal forms that agree comes from the expected
// matches, smoothed, never above 1 − minFormsDisagree, and is 0 (forms
// weigh nothing) where too few matches write forms or where they agree no
// more often than random pairs do.
func TestFormsAgreeM(t *testing.T) {
	for _, tt := range []struct {
		name               string
		agree, disagree, u float64
		want               float64
	}{
		{"some disagree", 90, 10, 0.3, 90.5 / 101},
		{"none disagree: bounded", 400, 0, 0.3, 1 - minFormsDisagree},
		{"too few matches", minRefineMatches - 1, 0, 0.3, 0},
		{"no more than random pairs", 60, 40, 0.7, 0},
		{"no u", 100, 0, 0, 0},
	} {
		if got := formsAgreeM(tt.agree, tt.disagree, tt.u); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	c := &model.Comparison{}
	of := map[string]float64{"sa": 0.4, "ltd": 0.1}
	if moved := setFormsAgree(c, 400, 0, 0.25, of); c.MFormsAgree != 0.95 || c.UFormsAgree != 0.25 || len(c.UFormsAgreeOf) != 2 || moved < math.Log2(0.95/0.25)-1e-12 {
		t.Errorf("set first: m %v u %v %v, moved %v", c.MFormsAgree, c.UFormsAgree, c.UFormsAgreeOf, moved)
	}
	if moved := setFormsAgree(c, 10, 0, 0.25, of); c.MFormsAgree != 0 || c.UFormsAgree != 0 || c.UFormsAgreeOf != nil || moved != 0 {
		t.Errorf("set to none: m %v u %v %v, moved %v; want none, so that the model still compiles", c.MFormsAgree, c.UFormsAgree, c.UFormsAgreeOf, moved)
	}
}

// TestLegalForms: a register holds companies two by two of one name under
// two legal forms (Andina Caballero Pacific C.A. and Andina Caballero
// Pacific S.R.L.), each at its own address with its own number; a
// customer file holds each of them again, and payments name each with its
// name and form alone. Training learns that matches agree on their forms
// more often than random pairs of companies, and a payment joins the
// company of its form, where the name alone could be either. The batch
// weights read the forms as the scorer does.
func TestLegalForms(t *testing.T) {
	first := []string{"Andina", "Norte", "Inversiones", "Comercial", "Transportes", "Logística", "Petro", "Minera", "Agro", "Grupo"}
	family := []string{"Caballero", "Quintero", "Villalba", "Zamudio", "Ocampo", "Bracamonte", "Urdaneta", "Larrazábal"}
	last := []string{"Pacific", "Holdings", "Servicios", "Industrial", "Capital", "Global"}
	forms := []struct{ register, customers, payments string }{
		{"C.A.", "Compañía Anónima", "C.A."},
		{"S.R.L.", "SRL", "S.R.L."},
		{"S.A.", "Sociedad Anónima", "SA"},
		{"LLC", "L.L.C.", "LLC"},
		{"Ltd", "Limited", "LTD"},
	}
	const companies, twins = 70, 25
	name := func(i int) string {
		if i >= companies {
			i -= companies // a twin: another company's name
		}
		return first[i%len(first)] + " " + family[(i/len(first)+i)%len(family)] + " " + last[(i/3)%len(last)]
	}
	form := func(i int) int {
		if i >= companies {
			return (i - companies + 1 + (i-companies)%3) % len(forms) // another form than its twin's
		}
		return i % len(forms)
	}
	register, customers, payments := "number,name,address\n", "id,name,tax\n", "ref,name\n"
	for i := range companies + twins {
		f := forms[form(i)]
		register += fmt.Sprintf("R%06d,%s %s,%d Calle %s\n", 100000+7919*i, name(i), f.register, 10+i, family[i%len(family)])
		customers += fmt.Sprintf("c%d,%s %s,R-%06d\n", i, strings.ToUpper(name(i)), f.customers, 100000+7919*i)
		for _, p := range []string{"a", "b"} {
			payments += fmt.Sprintf("p%d%s,%s %s\n", i, p, strings.ToUpper(name(i)), f.payments)
		}
	}
	dir := t.TempDir()
	for file, body := range map[string]string{"register.csv": register, "customers.csv": customers, "payments.csv": payments, "concord.yaml": "sources:\n" +
		"  - {name: register, path: register.csv, id: number, kind: organization, fields: {name: {column: name, type: org_name}, tax: {column: number, type: identifier}, address: {column: address, type: address}}}\n" +
		"  - {name: customers, path: customers.csv, id: id, kind: organization, fields: {name: {column: name, type: org_name}, tax: {column: tax, type: identifier}}}\n" +
		"  - {name: payments, path: payments.csv, id: ref, fields: {name: {column: name, type: party}}}\n"} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The forms are as the test means them: twins agree on their names,
	// not on their forms.
	for i := companies; i < companies+twins; i++ {
		if name(i) != name(i-companies) || form(i) == form(i-companies) {
			t.Fatalf("twin %d: %q form %d, %q form %d", i, name(i), form(i), name(i-companies), form(i-companies))
		}
	}
	cfgPath := filepath.Join(dir, "concord.yaml")
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Resolve(context.Background(), cfg, func(Reject) error { return nil }, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Model.Comparisons[slices.IndexFunc(res.Model.Comparisons, func(c model.Comparison) bool { return c.Feature == "name" })]
	if !(c.UFormsAgree > 0 && c.MFormsAgree > c.UFormsAgree) {
		t.Errorf("m_forms_agree %v, u_forms_agree %v: want 0 < u < m", c.MFormsAgree, c.UFormsAgree)
	}
	entity := map[string]record.EntityID{}
	for i, r := range res.Records {
		entity[r.Key.Source+"/"+r.Key.ID] = res.Entities[i]
	}
	for i := range companies + twins {
		reg := entity[fmt.Sprintf("register/R%06d", 100000+7919*i)]
		for _, p := range []string{"a", "b"} {
			if got := entity[fmt.Sprintf("payments/p%d%s", i, p)]; got != reg {
				t.Errorf("payment p%d%s to %s %s is not with the register's company of that form", i, p, name(i), forms[form(i)].payments)
			}
		}
		if i >= companies && reg == entity[fmt.Sprintf("register/R%06d", 100000+7919*(i-companies))] {
			t.Errorf("%s: the companies of two forms are one entity", name(i))
		}
	}

	// The batch weights of every candidate are the scorer's.
	s := newCandidateSetFrom(t, cfgPath)
	scorer, err := res.Model.Compile()
	if err != nil {
		t.Fatal(err)
	}
	all, _ := countedLevels(t, s)
	pw, err := newPairWeights(context.Background(), s.vals, scorer, 2)
	if err != nil {
		t.Fatal(err)
	}
	var related [3]int
	want := make([]uint8, len(s.comps))
	ev := make([]model.Evidence, len(s.comps))
	for k, p := range s.cands {
		got := all[k*len(s.comps) : (k+1)*len(s.comps)]
		ref := scorer.Compare(&s.recs[p.A], &s.recs[p.B], want, ev)
		if w := pw.of(k, p.A, p.B, got); math.Abs(w-ref) > 1e-9 || !slices.Equal(got, want) {
			t.Fatalf("%s ~ %s: weight %v levels %v from tables, %v %v from the scorer", s.recs[p.A].Key, s.recs[p.B].Key, w, got, ref, want)
		}
		for _, e := range ev {
			related[e.Forms]++
			if e.Forms != model.FormsUnknown && (e.Level != 1 || e.Forms == model.FormsAgree && e.FormsWeight <= 0 || e.Forms == model.FormsDisagree && e.FormsWeight >= 0) {
				t.Errorf("%s ~ %s: forms %d weigh %v at level %d", s.recs[p.A].Key, s.recs[p.B].Key, e.Forms, e.FormsWeight, e.Level)
			}
		}
	}
	if related[model.FormsAgree] == 0 || related[model.FormsDisagree] == 0 {
		t.Errorf("exact matches whose forms agree %d, disagree %d: a path went untested", related[model.FormsAgree], related[model.FormsDisagree])
	}
}
