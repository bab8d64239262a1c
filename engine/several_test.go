package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// TestSeveralHeld: a customer file that writes a row per account gives
// one customer two accounts under one tax number. The account is then
// weighed, not exclusive: a payment from the second account joins the
// customer its first account's payment does, and summary.json says why.
// Where each customer's rows share one account, the account stays
// exclusive, and two payments of one name from two accounts stay apart.
// A field's declared exclusive is kept whatever the data shows.
func TestSeveralHeld(t *testing.T) {
	declare := func(x string) string {
		if x == "" {
			return ""
		}
		return ", exclusive: " + x
	}
	given := []string{"Ana", "Luis", "Rosa", "Hugo", "Eva", "Iker", "Lara", "Omar", "Nuria", "Pablo"}
	family := []string{"Quintero", "Villalba", "Zamudio", "Ocampo", "Bracamonte", "Urdaneta"}
	for _, tt := range []struct {
		name      string
		rows      bool   // a customer's second row has a second account
		declared  string // the account field's exclusive, when declared
		exclusive bool   // the account comparison's, once trained
	}{
		{"row per account", true, "", false},
		{"one account each", false, "", true},
		{"row per account, declared exclusive", true, "true", true},
		{"one account each, declared not", false, "false", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			customers, payments := "id,name,tax,dob,account\n", "ref,name,account\n"
			for i := range 40 {
				name := given[i%len(given)] + " " + family[i%len(family)] + " " + family[(i/len(family)+1)%len(family)]
				dob := fmt.Sprintf("19%02d-%02d-%02d", 40+i, 1+i%12, 1+i%28)
				second := fmt.Sprintf("B%08d", 4000000+7919*i)
				if !tt.rows {
					second = fmt.Sprintf("A%08d", 1000000+7919*i)
				}
				customers += fmt.Sprintf("c%da,%s,T%07d,%s,A%08d\n", i, name, 2000000+7919*i, dob, 1000000+7919*i)
				customers += fmt.Sprintf("c%db,%s,T%07d,%s,%s\n", i, name, 2000000+7919*i, dob, second)
				payments += fmt.Sprintf("p%da,%s,A%08d\n", i, strings.ToUpper(name), 1000000+7919*i)
				payments += fmt.Sprintf("p%db,%s,B%08d\n", i, strings.ToUpper(name), 4000000+7919*i)
			}
			for name, body := range map[string]string{"customers.csv": customers, "payments.csv": payments, "concord.yaml": "sources:\n" +
				"  - {name: customers, path: customers.csv, id: id, kind: person, fields: {name: {column: name, type: name}, tax: {column: tax, type: identifier}, dob: {column: dob, type: date}, account: {column: account, type: identifier" + declare(tt.declared) + "}}}\n" +
				"  - {name: payments, path: payments.csv, id: ref, kind: person, fields: {name: {column: name, type: name}, account: {column: account, type: identifier}}}\n"} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cfg, err := config.Load(filepath.Join(dir, "concord.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Resolve(context.Background(), cfg, func(Reject) error { return nil }, ResolveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			account := slices.IndexFunc(res.Model.Comparisons, func(c model.Comparison) bool { return c.Feature == "account" })
			if got := res.Model.Comparisons[account].Exclusive; got != tt.exclusive {
				t.Errorf("account exclusive %v, want %v", got, tt.exclusive)
			}
			// The data says so where the config does not.
			warned := slices.ContainsFunc(res.Stats.Warnings, func(w string) bool { return strings.Contains(w, "its holders hold several") })
			if want := tt.rows && tt.declared == ""; warned != want {
				t.Errorf("warned %v, want %v: %q", warned, want, res.Stats.Warnings)
			}
			entity := map[string]record.EntityID{}
			for i, r := range res.Records {
				entity[r.Key.ID] = res.Entities[i]
			}
			joined := 0
			for i := range 40 {
				if entity[fmt.Sprintf("p%da", i)] == entity[fmt.Sprintf("p%db", i)] {
					joined++
				}
				// (Declared exclusive against the data, a customer's two rows
				// leave its payments in doubt: no entity is required.)
				if !(tt.rows && tt.exclusive) && entity[fmt.Sprintf("p%da", i)] != entity[fmt.Sprintf("c%da", i)] {
					t.Errorf("customer %d: the payment from its first account is not with it", i)
				}
			}
			// A declared exclusive: false makes a disagreement evidence, as
			// strong as the data makes it; where no match disagrees, it
			// still keeps payments apart.
			if want := map[bool]int{true: 0, false: 40}[tt.exclusive]; tt.declared == "" && joined != want {
				t.Errorf("%d customers' two payments in one entity, want %d", joined, want)
			}
		})
	}
}
