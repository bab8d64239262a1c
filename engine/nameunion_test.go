package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

func TestNameUnion(t *testing.T) {
	// every(n, cell) writes cell in every nth row, none elsewhere; but(n,
	// cell) in all other rows.
	every := func(n int, cell func(int) string) func(int) string {
		return func(i int) string {
			if i%n == 0 {
				return cell(i)
			}
			return ""
		}
	}
	but := func(n int, cell func(int) string) func(int) string {
		return func(i int) string {
			if i%n != 0 {
				return cell(i)
			}
			return ""
		}
	}
	firm := func(i int) string { return surname(i) + " Trading Ltd" }
	list := []joinColumn{{"name", whole}}
	listYAML := `
  - name: list
    path: list.csv
    id: id
    fields:
      name: {column: name, type: party}`
	kyc := func(fields string) string {
		return `
  - name: kyc
    path: kyc.csv
    id: id
    fields:` + fields
	}
	people := kyc(`
      name:    {column: person, type: name}
      company: {column: firm, type: org_name}`)
	cases := []struct {
		name string
		kyc  []joinColumn
		yaml string
		want string // source: fields as name, kind; "" for none
	}{
		{"a person's name or a company's", []joinColumn{{"person", but(3, whole)}, {"firm", every(3, firm)}}, people + listYAML,
			"kyc: name company as name, party (200 rows, 0 together)"},
		{"one row in a hundred holds both", []joinColumn{{"person", func(i int) string {
			if i%2 != 0 || i == 98 {
				return whole(i)
			}
			return ""
		}}, {"firm", every(2, firm)}}, people + listYAML, "kyc: name company as name, party (200 rows, 1 together)"},
		{"one row in ten holds both", []joinColumn{{"person", func(i int) string {
			if i%3 != 0 || i%30 == 0 {
				return whole(i)
			}
			return ""
		}}, {"firm", every(3, firm)}}, people + listYAML, ""},
		{"a few filings name an officer beside the company", []joinColumn{{"person", every(120, whole)}, {"firm", firm}}, people + listYAML, ""},
		{"a filing's company and officer", []joinColumn{{"person", whole}, {"firm", firm}}, people + listYAML, ""},
		{"a customer's name and employer", []joinColumn{{"person", whole}, {"firm", every(2, firm)}}, people + listYAML, ""},
		{"few companies", []joinColumn{{"person", but(20, whole)}, {"firm", every(20, firm)}}, people + listYAML, ""},
		{"a blocking rule names one", []joinColumn{{"person", but(3, whole)}, {"firm", every(3, firm)}}, people + listYAML + `
model:
  blocking:
    - [company]`, ""},
		{"an alias_of already", []joinColumn{{"person", but(3, whole)}, {"firm", every(3, firm)}}, kyc(`
      name:    {column: person, type: party}
      company: {column: firm, type: party, alias_of: name}`) + listYAML, ""},
		{"an old column and a new one", []joinColumn{{"person", but(2, whole)}, {"firm", every(2, whole)}}, kyc(`
      full_name: {column: person, type: name}
      name:      {column: firm, type: name}`) + listYAML, "kyc: full_name name as name, name (200 rows, 0 together)"},
		{"parts of a name joined, then a company", []joinColumn{{"first", but(3, given)}, {"last", but(3, surname)}, {"firm", every(3, firm)}}, kyc(`
      first_name: {column: first, type: name}
      last_name:  {column: last, type: name}
      company:    {column: firm, type: org_name}`) + listYAML,
			"kyc: name company as name, party (200 rows, 0 together)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			rows := 200
			if strings.Contains(c.name, "few filings") {
				rows = 3000 // the officers, in 25 rows, in less than one row in a hundred
			}
			writeJoinFile(t, filepath.Join(dir, "kyc.csv"), rows, c.kyc)
			writeJoinFile(t, filepath.Join(dir, "list.csv"), 200, list)
			cfg, err := config.Parse([]byte("sources:"+c.yaml+"\n"), filepath.Join(dir, "concord.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			_, unions := learnNameJoins(context.Background(), cfg)
			var got []string
			for _, u := range unions {
				got = append(got, fmt.Sprintf("%s: %s as %s, %s (%d rows, %d together)", u.Source, strings.Join(u.Fields, " "), u.As, u.Kind, u.Rows, u.Together))
			}
			var want []string
			if c.want != "" {
				want = []string{c.want}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("unions %q, want %q", got, want)
			}
		})
	}
}

func TestReadUnitedFields(t *testing.T) {
	cfg, err := config.Parse([]byte(`sources:
  - name: kyc
    path: kyc.csv
    id: id
    fields:
      company: {column: firm, type: org_name}
      person:  {columns: [first, last], type: name}
      email:   {column: mail, type: email}
`), "concord.yaml")
	if err != nil {
		t.Fatal(err)
	}
	before := cfg.Sources[0].Fields
	unions := []model.NameUnion{{Source: "kyc", Fields: []string{"person", "company"}, As: "name", Kind: record.KindParty}}
	readUnitedFields(cfg, unions)
	var got []string
	for _, f := range cfg.Sources[0].Fields {
		got = append(got, fmt.Sprintf("%s %q %s %v", f.Name, f.Columns, f.Type, f.Also))
	}
	want := []string{`name ["first" "last"] party [{firm }]`, `email ["mail"] email []`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields %q, want %q", got, want)
	}
	if len(before) != 3 || before[1].Name != "person" || len(before[1].Also) != 0 {
		t.Errorf("the config's fields before the union were changed: %+v", before)
	}
	readUnitedFields(cfg, unions) // read twice (ReadAsModel may be): as once
	if len(cfg.Sources[0].Fields) != 2 || len(cfg.Sources[0].Fields[0].Also) != 1 {
		t.Errorf("read twice: %+v", cfg.Sources[0].Fields)
	}
	notes := nameUnionNotes(cfg, unions)
	if len(notes) != 1 || !strings.Contains(notes[0], "read as one field, name, typed party") || !strings.Contains(notes[0], "alias_of: name") {
		t.Errorf("notes %q: they should say what to write", notes)
	}
}
