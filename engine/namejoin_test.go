package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
)

var (
	joinGiven    = []string{"John", "Mary", "James", "Linda", "Robert", "Maria", "Juan", "Carlos", "Ana", "Peter", "Sarah", "David"}
	joinSurnames = []string{"Smith", "Chowdhury", "Okafor", "Kowalski", "Novak", "Hussain", "Brennan", "Whitfield", "Garcia", "Lindqvist", "Takahashi"}
)

// joinColumn is a column of a test file: its header and its cell of row i
// ("" for none).
type joinColumn struct {
	header string
	cell   func(i int) string
}

func given(i int) string   { return joinGiven[i%len(joinGiven)] }
func surname(i int) string { return joinSurnames[(i*7)%len(joinSurnames)] }
func whole(i int) string   { return given(i) + " " + surname(i) }

// writeJoinFile writes a CSV file of n rows with an id column and cols.
func writeJoinFile(t testing.TB, path string, n int, cols []joinColumn) {
	t.Helper()
	var b strings.Builder
	b.WriteString("id")
	for _, c := range cols {
		b.WriteString("," + c.header)
	}
	b.WriteString("\n")
	for i := range n {
		fmt.Fprintf(&b, "r%d", i)
		for _, c := range cols {
			b.WriteString("," + c.cell(i))
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLearnNameJoins(t *testing.T) {
	list := []joinColumn{{"name", whole}}
	listYAML := `
  - name: list
    path: list.csv
    id: id
    fields:
      name: {column: name, type: name}`
	crm := []joinColumn{{"first", given}, {"middle", func(i int) string {
		if i%4 == 0 {
			return joinGiven[(i+5)%len(joinGiven)]
		}
		return ""
	}}, {"last", surname}}
	crmYAML := `
  - name: crm
    path: crm.csv
    id: id
    fields:
      first_name:  {column: first, type: name}
      middle_name: {column: middle, type: name}
      last_name:   {column: last, type: name}`
	cases := []struct {
		name  string
		rows  int
		files map[string][]joinColumn
		yaml  string
		want  []string // source: fields as name
	}{
		{"given, middle and surname apart", 200, map[string][]joinColumn{"crm": crm, "list": list}, crmYAML + listYAML,
			[]string{"crm: first_name middle_name last_name as name"}},
		{"surnames first, two of them", 200, map[string][]joinColumn{"kyc": {{"apellidos", func(i int) string { return surname(i) + " " + surname(i+1) }}, {"nombres", given}}, "list": list}, `
  - name: kyc
    path: kyc.csv
    id: id
    fields:
      apellidos: {column: apellidos, type: name}
      nombres:   {column: nombres, type: name}` + listYAML,
			[]string{"kyc: nombres apellidos as name"}},
		{"a title first", 200, map[string][]joinColumn{"bank": {{"surname", surname}, {"forename", given}, {"title", func(i int) string { return []string{"Mr", "Mrs", "Dr"}[i%3] }}}, "list": list}, `
  - name: bank
    path: bank.csv
    id: id
    fields:
      surname:  {column: surname, type: name}
      forename: {column: forename, type: name}
      title:    {column: title, type: name}` + listYAML,
			[]string{"bank: title forename surname as name"}},
		{"companies in the surname's column", 200, map[string][]joinColumn{"bank": {{"forename", func(i int) string {
			if i%3 == 0 {
				return ""
			}
			return given(i)
		}}, {"surname", func(i int) string {
			if i%3 == 0 {
				return "Acme Trading Company Limited"
			}
			return surname(i)
		}}}, "list": list}, `
  - name: bank
    path: bank.csv
    id: id
    fields:
      forename: {column: forename, type: name}
      surname:  {column: surname, type: name}` + listYAML,
			[]string{"bank: forename surname as name"}},
		{"a source alone", 200, map[string][]joinColumn{"crm": crm}, crmYAML, nil},
		{"another source maps them alike", 200, map[string][]joinColumn{"crm": crm, "crm2": crm}, crmYAML + strings.ReplaceAll(crmYAML, "crm", "crm2"), nil},
		{"a name and its aliases", 200, map[string][]joinColumn{"wl": {{"name", whole}, {"alias", func(i int) string { return surname(i) + " " + given(i+3) }}}, "list": list}, `
  - name: wl
    path: wl.csv
    id: id
    fields:
      primary: {column: name, type: name}
      alias:   {column: alias, type: name}` + listYAML, nil},
		{"a given name and a spouse's", 200, map[string][]joinColumn{"hh": {{"given", given}, {"spouse", func(i int) string { return given(i + 5) }}}, "list": list}, `
  - name: hh
    path: hh.csv
    id: id
    fields:
      given:  {column: given, type: name}
      spouse: {column: spouse, type: name}` + listYAML, nil},
		{"a given name beside a firm's", 200, map[string][]joinColumn{"reg": {{"officer", given}, {"firm", func(i int) string { return surname(i) + " Trading Company Limited" }}}, "list": list}, `
  - name: reg
    path: reg.csv
    id: id
    fields:
      officer: {column: officer, type: name}
      firm:    {column: firm, type: name}` + listYAML, nil},
		{"a blocking rule names a part", 200, map[string][]joinColumn{"crm": crm, "list": list}, crmYAML + listYAML + `
model:
  blocking:
    - [last_name]`, nil},
		{"a sensitive part", 200, map[string][]joinColumn{"crm": crm, "list": list}, crmYAML + `
    sensitive: [last_name]` + listYAML, nil},
		{"a source that may be a FIFO, not read ahead", 200, map[string][]joinColumn{"crm": crm, "list": list}, strings.Replace(crmYAML, "    id: id", "    id: id\n    allow_special: true", 1) + listYAML, nil},
		{"too few rows", 15, map[string][]joinColumn{"crm": crm, "list": list}, crmYAML + listYAML, nil},
		{"two sources apart, named otherwise", 200, map[string][]joinColumn{"crm": crm, "kyc": {{"nombre", given}, {"apellido", surname}}}, crmYAML + `
  - name: kyc
    path: kyc.csv
    id: id
    fields:
      nombre:   {column: nombre, type: name}
      apellido: {column: apellido, type: name}`,
			[]string{"crm: first_name middle_name last_name as name", "kyc: nombre apellido as name"}},
		{"no name the others use most", 200, map[string][]joinColumn{"crm": crm, "list": list, "wires": list}, crmYAML + strings.ReplaceAll(listYAML, "name: {column", "customer: {column") +
			strings.ReplaceAll(strings.ReplaceAll(listYAML, "list", "wires"), "name: {column", "holder: {column"),
			[]string{"crm: first_name middle_name last_name as name"}},
		{"one name the others use most", 200, map[string][]joinColumn{"crm": crm, "list": list, "wires": list, "more": list}, crmYAML +
			strings.ReplaceAll(listYAML, "name: {column", "payee: {column") + strings.ReplaceAll(strings.ReplaceAll(listYAML, "list", "wires"), "name: {column", "payee: {column") +
			strings.ReplaceAll(strings.ReplaceAll(listYAML, "list", "more"), "name: {column", "holder: {column"),
			[]string{"crm: first_name middle_name last_name as payee"}},
		{"the name others use is the source's own", 200, map[string][]joinColumn{"crm": append(crm, joinColumn{"firm", func(int) string { return "" }}), "list": list}, crmYAML + `
      name:        {column: firm, type: org_name}` + listYAML,
			[]string{"crm: first_name middle_name last_name as first_name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, cols := range c.files {
				writeJoinFile(t, filepath.Join(dir, name+".csv"), c.rows, cols)
			}
			path := filepath.Join(dir, "concord.yaml")
			cfg, err := config.Parse([]byte("sources:"+c.yaml+"\n"), path)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			joins, _ := learnNameJoins(context.Background(), cfg)
			for _, j := range joins {
				got = append(got, j.Source+": "+strings.Join(j.Fields, " ")+" as "+j.As)
				if j.Rows != c.rows || len(j.Given) != len(j.Fields) || len(j.OneWord) != len(j.Fields) {
					t.Errorf("join %+v: rows or shares missing", j)
				}
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("joins %q, want %q", got, c.want)
			}
		})
	}
}

func TestReadJoinedFields(t *testing.T) {
	cfg, err := config.Parse([]byte(`sources:
  - name: crm
    path: crm.csv
    id: id
    fields:
      email:       {column: mail, type: email}
      last_name:   {column: last, type: name}
      first_name:  {columns: [first, second], type: name}
      middle_name: {column: middle, type: name}
  - name: list
    path: list.csv
    id: id
    fields:
      name: {column: name, type: name}
`), "concord.yaml")
	if err != nil {
		t.Fatal(err)
	}
	before := cfg.Sources[0].Fields
	joins := []model.NameJoin{{Source: "crm", Fields: []string{"first_name", "middle_name", "last_name"}, As: "name"},
		{Source: "list", Fields: []string{"name", "surname"}, As: "whole"}} // a field the source has not: left
	readJoinedFields(cfg, joins)
	var got []string
	for _, f := range cfg.Sources[0].Fields {
		got = append(got, fmt.Sprintf("%s %s %q %s", f.Name, f.Column, f.Columns, f.Type))
	}
	want := []string{`email mail ["mail"] email`, `name  ["first" "second" "middle" "last"] name`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields %q, want %q", got, want)
	}
	if len(before) != 4 || before[1].Name != "last_name" {
		t.Errorf("the config's fields before the join were changed: %+v", before)
	}
	if len(cfg.Sources[1].Fields) != 1 || cfg.Sources[1].Fields[0].Name != "name" {
		t.Errorf("a join of a field the source has not changed it: %+v", cfg.Sources[1].Fields)
	}
	// Read twice (ReadAsModel may be): as once.
	readJoinedFields(cfg, joins)
	if len(cfg.Sources[0].Fields) != 2 {
		t.Errorf("read twice: %+v", cfg.Sources[0].Fields)
	}
	notes := nameJoinNotes(cfg, joins[:1])
	if len(notes) != 1 || !strings.Contains(notes[0], "name: {columns: [first, second, middle, last], type: name}") {
		t.Errorf("notes %q: they should say what to write", notes)
	}
}

// BenchmarkLearnNameJoins: what training's read-ahead costs a source of
// names in three columns and a company column (joinRows of its rows and
// more), beside a list.
func BenchmarkLearnNameJoins(b *testing.B) {
	dir := b.TempDir()
	crm := []joinColumn{{"first", given}, {"middle", func(i int) string { return joinGiven[(i+5)%len(joinGiven)] }}, {"last", surname}}
	writeJoinFile(b, filepath.Join(dir, "crm.csv"), 2*joinRows, crm)
	writeJoinFile(b, filepath.Join(dir, "list.csv"), 100, []joinColumn{{"name", whole}})
	cfg, err := config.Parse([]byte(`sources:
  - {name: crm, path: crm.csv, id: id, fields: {first_name: {column: first, type: name}, middle_name: {column: middle, type: name}, last_name: {column: last, type: name}}}
  - {name: list, path: list.csv, id: id, fields: {name: {column: name, type: name}}}
`), filepath.Join(dir, "concord.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if joins, _ := learnNameJoins(context.Background(), cfg); len(joins) != 1 {
			b.Fatalf("joins %+v", joins)
		}
	}
}
