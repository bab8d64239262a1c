package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/record"
)

func writeConfig(t *testing.T, files map[string]string, yaml string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "concord.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

type progressSpy struct{ updates, done int }

func (p *progressSpy) Update(_, _, _ int64) { p.updates++ }
func (p *progressSpy) Done()                { p.done++ }

func TestLoad(t *testing.T) {
	cfg := writeConfig(t, map[string]string{
		"a.csv":    "id,name,dob,alias\n1,\"GARCÍA, Juan\",17/05/1978,Juancho;JUANCHO;x\n2,Ana,31/02/1990,\n2,Dup,,\n",
		"b.ndjson": `{"k":"x","n":"Владимир"}` + "\n",
	}, `sources:
  - {name: a, path: a.csv, id: id, fields: {n: {column: name, type: name}, dob: {column: dob, type: date, formats: ["%d/%m/%Y"]}, al: {column: alias, type: name, split: ";"}}}
  - {name: b, path: b.ndjson, id: k, fields: {n: {column: n, type: name}}}
`)
	var recs []record.Record
	var rejects []engine.Reject
	spy := &progressSpy{}
	st, err := engine.Load(context.Background(), cfg,
		func(r record.Record) error { recs = append(recs, r); return nil },
		func(r engine.Reject) error { rejects = append(rejects, r); return nil },
		engine.Options{Progress: spy})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range recs {
		keys = append(keys, r.Key.String())
	}
	if want := []string{"a/1", "a/2", "b/x"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("records = %v, want %v (source order, then file order)", keys, want)
	}
	if got := recs[0].Feature("n").Values[0].Norm; got != "juan garcia" {
		t.Errorf("a/1 name = %q", got)
	}
	if got := len(recs[0].Feature("al").Values); got != 2 {
		t.Errorf("a/1 aliases = %d values, want 2 (Juancho and JUANCHO are one)", got)
	}
	if got := recs[2].Feature("n").Values[0].Norm; got != "vladimir" {
		t.Errorf("b/x name = %q", got)
	}
	// 31 February is no day: the month the declared format says is kept
	// with the year, and the reject says so.
	if d := recs[1].Feature("dob"); len(d.Values) != 1 || d.Values[0].Norm != "1990-02" || !reflect.DeepEqual(d.Raw, []string{"31/02/1990"}) {
		t.Errorf("a/2 dob = %+v: want 1990-02, raw kept", d)
	}
	if len(rejects) != 2 {
		t.Fatalf("rejects = %+v, want 2", rejects)
	}
	if r := rejects[0]; r.Scope != engine.ScopeValue || r.Field != "dob" || r.Line != 3 || r.RecordID != "2" || r.Raw != "31/02/1990" || !strings.HasSuffix(r.Reason, "; kept 1990-02") {
		t.Errorf("value reject = %+v", r)
	}
	if r := rejects[1]; r.Scope != engine.ScopeRow || r.Line != 4 || !strings.Contains(r.Reason, "duplicate") || r.Raw != "2,Dup,," {
		t.Errorf("row reject = %+v", r)
	}
	if st.Rows != 4 || st.Records != 3 || st.RejectedRows != 1 || st.RejectedValues != 1 {
		t.Errorf("stats = %+v", st)
	}
	if f := st.Sources[0].Fields["al"]; f.Present != 1 || f.Values != 2 {
		t.Errorf("alias stats = %+v", f)
	}
	if spy.updates == 0 || spy.done != 1 {
		t.Errorf("progress updates %d done %d", spy.updates, spy.done)
	}
}

func TestLoadMappingErrorsBeforeAnyRow(t *testing.T) {
	cfg := writeConfig(t, map[string]string{
		"a.csv": "id,name\n1,Ana\n",
		"b.csv": "id,nom\n1,Bo\n",
		"c.csv": "ident,name\n1,Cy\n",
	}, `sources:
  - {name: a, path: a.csv, id: id, fields: {n: {column: name, type: name}}}
  - {name: b, path: b.csv, id: id, fields: {n: {column: name, type: name}}}
  - {name: c, path: c.csv, id: id, fields: {n: {column: name, type: name}}}
`)
	emitted := 0
	_, err := engine.Load(context.Background(), cfg,
		func(record.Record) error { emitted++; return nil },
		func(engine.Reject) error { return nil }, engine.Options{})
	if err == nil {
		t.Fatal("Load succeeded, want mapping errors")
	}
	if emitted != 0 {
		t.Errorf("emitted %d records before reporting the mapping error", emitted)
	}
	for _, want := range []string{"source b", "available columns: id, nom", "source c", `id ("id")`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestLoadCancelled(t *testing.T) {
	cfg := writeConfig(t, map[string]string{"a.csv": "id,name\n1,Ana\n"},
		"sources:\n  - {name: a, path: a.csv, id: id, fields: {n: {column: name, type: name}}}\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := engine.Load(ctx, cfg, func(record.Record) error { return nil }, func(engine.Reject) error { return nil }, engine.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// groupsYAML maps a registry whose filings name an officer, and payments
// whose rows name two parties, as relationships.
const groupsYAML = `sources:
  - name: registry
    path: registry.csv
    id: filing
    kind: organization
    fields:
      name: {column: company, type: org_name}
    groups:
      officer:
        kind: person
        fields:
          name: {column: officer, type: name}
          dob:  {column: officer_dob, type: date}
  - name: payments
    path: payments.csv
    id: ref
    groups:
      originator: {fields: {name: {column: from, type: party}}}
      beneficiary: {fields: {name: {column: to, type: party}}}
relationships:
  - {type: officer_of, source: registry, from: officer, to: self}
  - {type: paid, source: payments, from: originator, to: beneficiary, attributes: [amount, date]}
`

// TestLoadGroups: a file's rows make a record of each group with values,
// the from end of each relationship states it, and rows given over the API
// (MapRows) make the same records.
func TestLoadGroups(t *testing.T) {
	registry := "filing,company,officer,officer_dob\nf1,Acme Ltd,Ann Lee,1970-01-02\nf2,Beta SA,,\n"
	payments := "ref,from,to,amount,date\np1,ANN LEE,BETA SA,100,2024-03-01\n"
	cfg := writeConfig(t, map[string]string{"registry.csv": registry, "payments.csv": payments}, groupsYAML)
	var got []record.Record
	st, err := engine.Load(context.Background(), cfg, func(r record.Record) error { got = append(got, r); return nil },
		func(r engine.Reject) error { t.Errorf("reject %+v", r); return nil }, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Key.String())
	}
	want := []string{"registry/f1", "registry/f2", "registry.officer/f1", "payments.originator/p1", "payments.beneficiary/p1"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("records %q, want %q", keys, want)
	}
	if got[2].Kind != record.EntityPerson || !reflect.DeepEqual(got[2].Relations, []record.Relation{{Type: "officer_of", To: record.Key{Source: "registry", ID: "f1"}}}) {
		t.Errorf("officer %+v: want a person, officer_of registry/f1", got[2])
	}
	paid := []record.Relation{{Type: "paid", To: record.Key{Source: "payments.beneficiary", ID: "p1"}, Attributes: map[string]string{"amount": "100", "date": "2024-03-01"}}}
	if !reflect.DeepEqual(got[3].Relations, paid) || len(got[4].Relations) != 0 {
		t.Errorf("payment relations %+v and %+v: want the originator's paid", got[3].Relations, got[4].Relations)
	}
	if st.Sources[1].EmptyRows != 1 || st.Sources[1].Relations != 1 {
		t.Errorf("officer stats %+v: want 1 empty row, 1 relation", st.Sources[1])
	}

	rows := [][]byte{[]byte(`{"ref":"p2","from":"ANN LEE","to":"ACME LTD","amount":"5"}`), []byte(`{"from":"X"}`)}
	mapped, bad, err := engine.MapRows(cfg.Parts("payments"), cfg.Limits, "request", rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(mapped) != 2 || mapped[0].Record.Key.String() != "payments.originator/p2" || mapped[1].Record.Key.String() != "payments.beneficiary/p2" ||
		mapped[0].Index != 0 || mapped[1].Index != 0 || len(mapped[0].Record.Relations) != 1 {
		t.Errorf("mapped %+v: want the two parties of row 0, the originator stating paid", mapped)
	}
	if len(bad) != 1 || bad[0].Index != 1 {
		t.Errorf("rejects %+v: want row 1 (no id) once, not once per part", bad)
	}
}

// TestLoadKeyHoldsObjects: a field mapped to a key that holds objects (a
// list of typed ids mapped whole) leaves each record without it, kept
// with its other fields, each row a value reject, and one warning names
// a path that reads the ids; rows given over the API (MapRows) alike.
// A source half of whose rows or more are rejected is warned of, naming
// the first reject.
func TestLoadKeyHoldsObjects(t *testing.T) {
	var list strings.Builder
	var bad strings.Builder
	bad.WriteString("id,name,country\n")
	for i := range 12 {
		fmt.Fprintf(&list, `{"id":"s%d","name":"Ana Ruiz %d","ids":[{"type":"passport","number":"P%d"}]}`+"\n", i, i, i)
		fmt.Fprintf(&bad, "%d,Bo %d,VE\n", i, i)
	}
	cfg := writeConfig(t, map[string]string{"list.ndjson": list.String(), "bad.csv": bad.String()}, `sources:
  - {name: list, path: list.ndjson, id: id, fields: {name: {column: name, type: name}, passport: {column: ids, type: identifier}}}
  - {name: bad, path: bad.csv, id: country, fields: {name: {column: name, type: name}}}
`)
	var recs []record.Record
	var rejects []engine.Reject
	st, err := engine.Load(context.Background(), cfg,
		func(r record.Record) error { recs = append(recs, r); return nil },
		func(r engine.Reject) error { rejects = append(rejects, r); return nil }, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	list0 := st.Sources[0]
	if list0.Records != 12 || list0.RejectedRows != 0 || list0.RejectedValues != 12 || list0.Fields["passport"].Rejected != 12 || list0.Fields["name"].Present != 12 {
		t.Errorf("list stats %+v: want 12 records with names, 12 passports rejected", list0)
	}
	if r := rejects[0]; r.Scope != engine.ScopeValue || r.Source != "list" || r.File == "" || r.Line != 1 || r.RecordID != "s0" || r.Field != "passport" ||
		r.Raw != `[{"number":"P0","type":"passport"}]` || !strings.Contains(r.Reason, `key "ids" holds objects (keys number, type)`) {
		t.Errorf("first reject %+v: want line 1's passport, a value reject of what ids holds", r)
	}
	if len(list0.Warnings) != 1 || !strings.Contains(list0.Warnings[0], `field passport: 12 rows were kept without it`) || !strings.Contains(list0.Warnings[0], `"ids[type=…].number"`) {
		t.Errorf("list warnings %q: want one naming the path ids[type=…].number", list0.Warnings)
	}
	// bad's id is a column every row holds alike: 11 of 12 rows are
	// duplicates, warned of as half the rows rejected (once).
	bad0 := st.Sources[1]
	if bad0.RejectedRows != 11 || len(bad0.Warnings) != 1 ||
		!strings.HasPrefix(bad0.Warnings[0], "11 of its 12 rows were rejected (the first, line 3, field country: duplicate record id") {
		t.Errorf("bad stats %+v: want 11 rows rejected, warned of", bad0)
	}

	mapped, problems, err := engine.MapRows(cfg.Parts("list"), cfg.Limits, "request", [][]byte{[]byte(`{"id":"x","name":"Ana","ids":[{"number":"P1"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 || len(mapped) != 1 || mapped[0].Record.Key.ID != "x" || len(mapped[0].Kept) != 1 ||
		mapped[0].Kept[0].Field != "passport" || !strings.HasPrefix(mapped[0].Kept[0].Reason, `value kept out: key "ids" holds objects`) {
		t.Errorf("mapped %+v, rejects %+v: want the record, its passport kept out", mapped, problems)
	}
}

// A column typed name (people's names) that holds companies' names too is
// reported. In a source that declares no kind of record its names are
// read as party names, so its companies are organisations: as its only
// name, or beside another (an officer's) as its first rows show; in a
// source that declares its kind they stay people's names as typed. Typed
// party, or with a company named now and then, it is not reported; typed
// party in a source declared people's, its companies are organisations,
// and that is reported.
func TestLoadReadsOrganisationsTypedName(t *testing.T) {
	var rows strings.Builder
	rows.WriteString("id,name\n")
	for i := range 40 {
		name := fmt.Sprintf("MARIA PEREZ %d", i)
		if i%4 == 0 {
			name = fmt.Sprintf("INVERSIONES PEREZ %d C.A.", i)
		}
		fmt.Fprintf(&rows, "p%d,%s\n", i, name)
	}
	var few strings.Builder
	few.WriteString("id,name\nc1,BANCO DEL SUR S.A.\n")
	for i := range 200 {
		fmt.Fprintf(&few, "q%d,ANA DIAZ %d\n", i, i)
	}
	for _, c := range []struct {
		what, typ, kind, file string
		warned                string // a phrase of the warning, or "" for none
		orgs                  int    // records read as organisations'
	}{
		{"typed name, a quarter companies", "name", "", rows.String(), "read as party names", 10},
		{"typed name, a quarter companies, people declared", "name", "kind: person, ", rows.String(), "parsed and compared as people's names", 0},
		{"typed party", "party", "", rows.String(), "", 10},
		{"typed party, people declared", "party", "kind: person, ", rows.String(), "declares its records people's (kind: person), but 10 of them have names, typed party, that read as an organisation's", 10},
		{"typed name, one company", "name", "", few.String(), "", 1},
		{"typed name, one company, people declared", "name", "kind: person, ", few.String(), "", 0},
		{"typed name, a quarter companies, another name", "name", "", rows.String(), "its first rows held as many (or the model found so), its names are read as party names", 10},
		{"typed name, one company, another name", "name", "", few.String(), "", 0},
	} {
		other := ""
		if strings.Contains(c.what, "another name") {
			other = ", officer: {column: id, type: name}"
		}
		cfg := writeConfig(t, map[string]string{"p.csv": c.file}, `sources:
  - {name: payments, path: p.csv, id: id, `+c.kind+`fields: {name: {column: name, type: `+c.typ+`}`+other+`}}
`)
		orgs := 0
		stats, err := engine.Load(context.Background(), cfg, func(r record.Record) error {
			if r.Kind == record.EntityOrganization {
				orgs++
			}
			return nil
		}, func(engine.Reject) error { return nil }, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		warned := slices.ContainsFunc(stats.Warnings, func(w string) bool {
			return strings.Contains(w, "field name is typed name") || strings.Contains(w, "declares its records people's")
		})
		counted := slices.ContainsFunc(stats.Warnings, func(w string) bool {
			return strings.HasPrefix(w, "source payments") && (strings.Contains(w, "10 of the 40 records") || strings.Contains(w, "10 of them")) && strings.Contains(w, c.warned)
		})
		if warned != (c.warned != "") || warned && !counted {
			t.Errorf("%s: warnings %q, want one saying %q", c.what, stats.Warnings, c.warned)
		}
		if orgs != c.orgs {
			t.Errorf("%s: %d records read as organisations', want %d", c.what, orgs, c.orgs)
		}
	}
}

// loadWarnings loads cfg and returns its warnings that contain sub.
func loadWarnings(t *testing.T, cfg *config.Config, sub string) []string {
	t.Helper()
	stats, err := engine.Load(context.Background(), cfg, func(record.Record) error { return nil }, func(engine.Reject) error { return nil }, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range stats.Warnings {
		if strings.Contains(w, sub) {
			got = append(got, w)
		}
	}
	return got
}

// TestLoadWarnsOfDuplicateIDs: rows that repeat an earlier row's id (a
// row per account under one customer's id), ten or more and a hundredth
// of the rows, are warned of, with the first; fewer are not, nor a file
// half of whose rows are rejected (warned of as such).
func TestLoadWarnsOfDuplicateIDs(t *testing.T) {
	file := func(customers, repeated int) string {
		var b strings.Builder
		b.WriteString("id,name,account\n")
		for i := range customers {
			fmt.Fprintf(&b, "c%d,Ana Diaz %d,A%d\n", i, i, i)
			if i < repeated {
				fmt.Fprintf(&b, "c%d,Ana Diaz %d,B%d\n", i, i, i)
			}
		}
		return b.String()
	}
	for _, c := range []struct {
		what                string
		customers, repeated int
		warned              string // "" for none
	}{
		{"a row per account", 40, 12, "12 of its 52 rows repeat an earlier row's id (the first, line 3: duplicate record id (first seen at line 2))"},
		{"a few", 40, 5, ""},
		{"every other row", 10, 10, ""},
	} {
		cfg := writeConfig(t, map[string]string{"k.csv": file(c.customers, c.repeated)},
			"sources:\n  - {name: kyc, path: k.csv, id: id, fields: {name: {column: name, type: name}, account: {column: account, type: identifier}}}\n")
		got := loadWarnings(t, cfg, "repeat an earlier row's id")
		if c.warned == "" && len(got) > 0 || c.warned != "" && (len(got) != 1 || !strings.Contains(got[0], c.warned)) {
			t.Errorf("%s: warnings %q, want %q", c.what, got, c.warned)
		}
	}
}

// TestLoadWarnsOfNameParts: a given name and a surname mapped to two
// fields typed name, where another source holds whole names (under that
// feature name or another), are warned of, naming the columns to join; joined with
// columns, a surname as an alias, sources that all map the parts alike
// (Febrl), or two whole names (a company typed name and its officer's),
// they are not.
func TestLoadWarnsOfNameParts(t *testing.T) {
	var bank, bank2, filings, wires strings.Builder
	bank.WriteString("id,forename,surname\n")
	bank2.WriteString("id,forename,surname\n")
	filings.WriteString("id,company,officer\n")
	wires.WriteString("id,party\n")
	for i := range 12 {
		fmt.Fprintf(&bank, "b%d,Ana%c,Diaz\n", i, 'a'+i)
		fmt.Fprintf(&bank2, "c%d,Ana%c,Diaz\n", i, 'a'+i)
		fmt.Fprintf(&filings, "f%d,Diaz Trading %c,Ana Diaz %c\n", i, 'a'+i, 'a'+i)
		fmt.Fprintf(&wires, "w%d,ANA%c DIAZ\n", i, 'A'+i)
	}
	files := map[string]string{"b.csv": bank.String(), "c.csv": bank2.String(), "f.csv": filings.String(), "w.csv": wires.String()}
	const payments = "\n  - {name: wires, path: w.csv, id: id, fields: {name: {column: party, type: party}}}"
	for _, c := range []struct {
		what, sources string
		warned        string // "" for none
	}{
		{"given name and surname apart", "{name: bank, path: b.csv, id: id, fields: {name: {column: forename, type: name}, surname: {column: surname, type: name}}}" + payments,
			"source bank (b.csv): fields name, surname are typed name, and name holds one word in 12 of its 12 records, where other sources hold whole names: if they are parts of one name (a given name, a surname), map them as one field, name: {columns: [forename, surname], type: name}"},
		{"named otherwise than the others' names", "{name: bank, path: b.csv, id: id, fields: {given: {column: forename, type: name}, family: {column: surname, type: name}}}" + payments,
			"source bank (b.csv): fields given, family are typed name, and given holds one word in 12 of its 12 records, where other sources hold whole names: if they are parts of one name (a given name, a surname), map them as one field, name: {columns: [forename, surname], type: name}"},
		{"joined", "{name: bank, path: b.csv, id: id, fields: {name: {columns: [forename, surname], type: name}}}" + payments, ""},
		{"a surname as an alias", "{name: bank, path: b.csv, id: id, fields: {name: {column: forename, type: name}, surname: {column: surname, type: name, alias_of: name}}}" + payments, ""},
		{"every source apart (Febrl)", "{name: bank, path: b.csv, id: id, fields: {name: {column: forename, type: name}, surname: {column: surname, type: name}}}\n  - {name: other, path: c.csv, id: id, fields: {name: {column: forename, type: name}, surname: {column: surname, type: name}}}", ""},
		{"two whole names", "{name: filings, path: f.csv, id: id, fields: {name: {column: company, type: name}, officer: {column: officer, type: name}}}" + payments, ""},
	} {
		cfg := writeConfig(t, files, "sources:\n  - "+c.sources+"\n")
		got := loadWarnings(t, cfg, "parts of one name")
		if c.warned == "" && len(got) > 0 || c.warned != "" && (len(got) != 1 || !strings.HasPrefix(got[0], c.warned)) {
			t.Errorf("%s: warnings %q, want %q", c.what, got, c.warned)
		}
	}
}

// Two sources that both hold names, under different feature names, are
// reported: they would never be compared by name. Sources that share one
// name feature, whatever other names they hold (a filing's officer), are
// not.
func TestLoadWarnsOfUnsharedNames(t *testing.T) {
	files := map[string]string{
		"k.csv": "id,nombre\nk1,Ana Diaz\n",
		"r.csv": "id,company,officer\nr1,Acme Ltd,Ana Diaz\n",
		"p.csv": "id,party\np1,ANA DIAZ\n",
	}
	for _, c := range []struct {
		what, payments string
		warned         bool
	}{
		{"payments name under another feature name", "party_name", true},
		{"payments name shared", "name", false},
	} {
		cfg := writeConfig(t, files, `sources:
  - {name: kyc, path: k.csv, id: id, fields: {name: {column: nombre, type: party}}}
  - {name: registry, path: r.csv, id: id, fields: {name: {column: company, type: org_name}, officer: {column: officer, type: name}}}
  - {name: payments, path: p.csv, id: id, fields: {`+c.payments+`: {column: party, type: party}}}
`)
		got := loadWarnings(t, cfg, "share no name feature")
		if c.warned && (len(got) != 2 || !strings.Contains(got[0], "sources kyc (name) and payments (party_name)") || !strings.Contains(got[1], "sources registry (name, officer) and payments (party_name)")) {
			t.Errorf("%s: warnings %q, want kyc and registry each reported with payments", c.what, got)
		}
		if !c.warned && len(got) > 0 {
			t.Errorf("%s: warnings %q, want none", c.what, got)
		}
	}
}

// Sources of people and sources of organisations hold different parties:
// that they share no name feature is not reported.
func TestLoadPeopleAndCompaniesNamedApart(t *testing.T) {
	cfg := writeConfig(t, map[string]string{"b.csv": "id,full_name\nb1,Ana Diaz\n", "c.csv": "id,company\nc1,Acme Ltd\n"}, `sources:
  - {name: bank, path: b.csv, id: id, fields: {full_name: {column: full_name, type: name}}}
  - {name: companies, path: c.csv, id: id, kind: organization, fields: {company: {column: company, type: party}}}
`)
	stats, err := engine.Load(context.Background(), cfg, func(record.Record) error { return nil }, func(engine.Reject) error { return nil }, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stats.Warnings) > 0 {
		t.Errorf("warnings %q, want none", stats.Warnings)
	}
}

// TestLoadCellsOfSeveralValues checks that a cell writing several values
// (a name and its alias, two phone numbers) gives each as a value of the
// feature, that a part that cannot be read is rejected alone, and that a
// placeholder is a reject, not a value.
func TestLoadCellsOfSeveralValues(t *testing.T) {
	cfg := writeConfig(t, map[string]string{
		"a.csv": "id,name,phone,doc,country\n" +
			"1,Ivan Petrov a.k.a. Ivan Petroff,0212-1234567 / 0414-7654321,C.I. V-12.345.678,\n" +
			"2,Ana Diaz,0212-1234567 / 12345678901234567890,N/A,\n" +
			"3,Alias Grace,(0212) 555-1234 (oficina),V12345678,\n" +
			"4,Jürgen and Ursula Müller,,,\n" +
			// A list's CSV export: values joined by semicolons.
			"5,Carlos Lorenzo;Carlos Lorenzo Garwell;,,R19564947;V29230326,ve;Narnia\n",
	}, `sources:
  - {name: a, path: a.csv, id: id, fields: {n: {column: name, type: name}, ph: {column: phone, type: phone, region: VE}, doc: {column: doc, type: identifier}, c: {column: country, type: country}}}
`)
	recs, rejects := loadAll(t, cfg)
	norms := func(r record.Record, f string) []string {
		var out []string
		for _, v := range r.Feature(f).Values {
			out = append(out, v.Norm)
		}
		return out
	}
	for _, c := range []struct {
		rec  int
		f    string
		want []string
	}{
		{0, "n", []string{"ivan petrov", "ivan petroff"}},
		{0, "ph", []string{"+582121234567", "+584147654321"}},
		{0, "doc", []string{"V12345678"}},
		{1, "ph", []string{"+582121234567"}},
		{1, "doc", nil},
		{2, "n", []string{"alias grace"}},
		{2, "ph", []string{"+582125551234"}},
		{2, "doc", []string{"V12345678"}},
		// Two people (a joint account), each in both spellings.
		{3, "n", []string{"jurgen muller", "juergen mueller", "ursula muller", "ursula mueller"}},
		{4, "n", []string{"carlos lorenzo", "carlos lorenzo garwell"}},
		{4, "doc", []string{"R19564947", "V29230326"}},
		{4, "c", []string{"VE"}}, // Narnia rejected alone
	} {
		if got := norms(recs[c.rec], c.f); !slices.Equal(got, c.want) {
			t.Errorf("record %s %s = %q, want %q", recs[c.rec].Key, c.f, got, c.want)
		}
	}
	if len(rejects) != 3 || rejects[0].Raw != "12345678901234567890" || rejects[0].Field != "ph" ||
		rejects[1].Raw != "N/A" || !strings.Contains(rejects[1].Reason, "missing value") ||
		rejects[2].Raw != "Narnia" || rejects[2].Field != "c" {
		t.Errorf("rejects = %+v, want the second number of a/2, its N/A and a/5's countries", rejects)
	}
}

// loadAll loads cfg's sources and returns their records and rejects.
func loadAll(t *testing.T, cfg *config.Config) ([]record.Record, []engine.Reject) {
	t.Helper()
	var recs []record.Record
	var rejects []engine.Reject
	if _, err := engine.Load(context.Background(), cfg,
		func(r record.Record) error { recs = append(recs, r); return nil },
		func(r engine.Reject) error { rejects = append(rejects, r); return nil }, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	return recs, rejects
}

// TestLoadColumnsWithoutPlaceholders checks that a field joined from
// several columns leaves out a cell that stands for no value, as R writes
// NA, rather than read it as a word of the value; a one-column field's
// placeholder is rejected with its reason.
func TestLoadColumnsWithoutPlaceholders(t *testing.T) {
	cfg := writeConfig(t, map[string]string{
		"a.csv": "id,fname_c1,fname_c2,lname_c1,lname_c2,by,bm,bd,email\n" +
			"1,FRANK,NA,MUELLER,NA,1967,9,27,NA\n" +
			"2,ANNA,MARIA,NA,NA,1980,NA,NA,anna@example.org\n" +
			"3,NA,NA,NA,NA,NA,NA,NA,x@example.org\n",
	}, `sources:
  - name: a
    path: a.csv
    id: id
    fields:
      name: {columns: [fname_c1, fname_c2, lname_c1, lname_c2], type: name}
      dob: {columns: [by, bm, bd], type: date}
      email: {column: email, type: email}
`)
	recs, rejects := loadAll(t, cfg)
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	for _, c := range []struct {
		rec  int
		f    string
		want string
	}{
		{0, "name", "frank mueller"},
		{0, "dob", "1967-09-27"},
		{1, "name", "anna maria"},
		{1, "dob", "1980"},
		{2, "name", ""},
		{2, "dob", ""},
	} {
		var got string
		if vs := recs[c.rec].Feature(c.f).Values; len(vs) > 0 {
			got = vs[0].Norm
		}
		if got != c.want {
			t.Errorf("record %s %s = %q, want %q", recs[c.rec].Key, c.f, got, c.want)
		}
	}
	if len(rejects) != 1 || rejects[0].Field != "email" || rejects[0].Raw != "NA" || !strings.Contains(rejects[0].Reason, "missing value") {
		t.Errorf("rejects = %+v, want record 1's email NA alone", rejects)
	}
}

// TestLoadWarnsOfInvalidValues: a field half of whose values or more (ten
// at least) are no valid value of its type, as when a column or a type is
// mapped wrongly, is warned of, without any value in the warning; a few
// bad values, or placeholders, are not.
func TestLoadWarnsOfInvalidValues(t *testing.T) {
	rows := func(n int, value func(i int) string) string {
		var b strings.Builder
		b.WriteString("id,v\n")
		for i := range n {
			fmt.Fprintf(&b, "%d,%s\n", i, value(i))
		}
		return b.String()
	}
	age := func(i int) string { return strconv.Itoa(20 + i%50) }
	for _, c := range []struct {
		name, rows, typ string
		warned          bool
	}{
		{"ages as dates of birth", rows(30, age), "date", true},
		{"a few bad dates", rows(30, func(i int) string {
			if i < 3 {
				return age(i)
			}
			return fmt.Sprintf("19%02d-05-17", 50+i)
		}), "date", false},
		{"names as e-mails", rows(30, func(i int) string { return fmt.Sprintf("ana%d", i) }), "email", true},
		{"too few to tell", rows(9, age), "date", false},
		{"placeholders", rows(30, func(int) string { return "N/A" }), "date", false},
		{"serial dates", rows(30, func(i int) string { return strconv.Itoa(25000 + 97*i) }), "date", true},
	} {
		cfg := writeConfig(t, map[string]string{"a.csv": c.rows}, "sources:\n  - {name: a, path: a.csv, id: id, fields: {v: {column: v, type: "+c.typ+"}}}\n")
		st, err := engine.Load(context.Background(), cfg, func(record.Record) error { return nil }, func(engine.Reject) error { return nil }, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Five-digit numbers in a date's column, as spreadsheets export
		// dates, are warned of with the format that reads them.
		hint := "check that its column and type"
		if c.name == "serial dates" {
			hint = "declare formats: [excel]"
		}
		warned := slices.ContainsFunc(st.Warnings, func(w string) bool {
			return strings.Contains(w, "field v: ") && strings.Contains(w, hint)
		})
		if warned != c.warned {
			t.Errorf("%s: warnings %q, want the field warned of: %v", c.name, st.Warnings, c.warned)
		}
		if warned && slices.ContainsFunc(st.Warnings, func(w string) bool { return strings.Contains(w, "ana1") || strings.Contains(w, "\"21\"") }) {
			t.Errorf("%s: a warning names a value: %q", c.name, st.Warnings)
		}
	}
}

// TestLoadWarnsOfAmbiguousValues: a date field declaring no format, whose
// values' day and month could be either, is warned of with the formats to
// declare; a phone field declaring no region, whose numbers are written
// without a country code, with the region to declare, and one whose
// declared region makes none of them valid, with the region to check.
// Declared, they are read and not warned of.
func TestLoadWarnsOfAmbiguousValues(t *testing.T) {
	dates := "id,v\n1,17/05/1990\n2,05/06/1991\n3,03/04/1980\n"
	phones := "id,v\n1,+58 212 555 1234\n2,0212-5551235\n3,0414-5551236\n"
	for _, c := range []struct {
		rows, field string
		warning     []string // phrases of the warning; none: no warning
		values      int64
	}{
		{dates, "{column: v, type: date}", []string{"2 dates were rejected as ambiguous", "DD/MM/YYYY"}, 1},
		{dates, `{column: v, type: date, formats: ["DD/MM/YYYY"]}`, nil, 3},
		{phones, "{column: v, type: phone}", []string{"field v: 2 numbers were rejected as written without a country code", "declare its region"}, 1},
		{phones, "{column: v, type: phone, region: VE}", nil, 3},
		{phones, "{column: v, type: phone, region: CO}", []string{"field v: 2 numbers written without a country code were rejected as no valid number of its region CO", "check the region"}, 1},
	} {
		cfg := writeConfig(t, map[string]string{"a.csv": c.rows}, "sources:\n  - {name: a, path: a.csv, id: id, fields: {v: "+c.field+"}}\n")
		st, err := engine.Load(context.Background(), cfg, func(record.Record) error { return nil }, func(engine.Reject) error { return nil }, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		warned := slices.ContainsFunc(st.Warnings, func(w string) bool {
			return c.warning != nil && !slices.ContainsFunc(c.warning, func(p string) bool { return !strings.Contains(w, p) })
		})
		if warned != (c.warning != nil) || st.Sources[0].Fields["v"].Values != c.values {
			t.Errorf("%s: warnings %q, %d values; want %q, %d values", c.field, st.Warnings, st.Sources[0].Fields["v"].Values, c.warning, c.values)
		}
	}
}

// TestLoadJSONDocument checks that a source's records: reaches the reader:
// a list's records in a JSON document, under a key of a key, are read as
// records, their paths read within each (a list entry's city in its list
// of addresses), where the document's first list of objects is another's.
func TestLoadJSONDocument(t *testing.T) {
	doc := `{
  "meta": {"sources": [{"id": "OFAC"}]},
  "data": {
    "total": 2,
    "results": [
      {"id": "a1", "name": "Juan Perez", "addresses": [{"city": "Caracas"}]},
      {"id": "a2", "name": "Acme Trading SA"}
    ]
  }
}
`
	cfg := writeConfig(t, map[string]string{"list.json": doc}, `sources:
  - {name: list, path: list.json, records: data.results, id: id, fields: {name: {column: name, type: party}, city: {column: addresses.city, type: city}}}
`)
	recs, rejects := loadAll(t, cfg)
	if len(rejects) != 0 || len(recs) != 2 || recs[0].Key.ID != "a1" || recs[0].Line != 6 || recs[1].Key.ID != "a2" || recs[1].Line != 7 {
		t.Fatalf("records %+v, rejects %+v: want a1 and a2, of lines 6 and 7", recs, rejects)
	}
	if f := recs[0].Feature("city"); f == nil || len(f.Raw) != 1 || f.Raw[0] != "Caracas" {
		t.Errorf("a1's city = %+v, want Caracas", f)
	}
}

// TestLoadXML checks that an XML source (format inferred from its name,
// gzipped or not) is read at its records path, kinds from an element's
// text, a passport from the id list by its type.
// TestLoadParquet: a source whose path ends .parquet is read as Parquet
// (no format declared), its nested columns by the paths JSON rows take,
// its DATE column as dates, each record numbered by its row.
func TestLoadParquet(t *testing.T) {
	type id struct {
		Type   string `parquet:"type"`
		Number string `parquet:"number"`
	}
	type entry struct {
		UID  string `parquet:"uid"`
		Name string `parquet:"name"`
		IDs  []id   `parquet:"ids,list"`
		DOB  *int32 `parquet:"dob,optional,date"`
	}
	dob := int32(time.Date(1965, 3, 12, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[entry](&buf)
	if _, err := w.Write([]entry{{UID: "a1", Name: "Juan Pérez García", IDs: []id{{"cedula", "V-12.345.678"}, {"passport", "B63358773"}}, DOB: &dob}, {UID: "a2", Name: "Ana Gómez"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, map[string]string{"list.parquet": buf.String()}, `sources:
  - name: list
    path: list.parquet
    id: uid
    kind: person
    fields:
      name:     {column: name, type: name}
      passport: {column: "ids[type=passport].number", type: identifier}
      dob:      {column: dob, type: date}
`)
	recs, rejects := loadAll(t, cfg)
	if len(rejects) != 0 || len(recs) != 2 || recs[0].Key.ID != "a1" || recs[0].Line != 1 || recs[1].Key.ID != "a2" || recs[1].Line != 2 {
		t.Fatalf("records %+v, rejects %+v: want a1 of row 1 and a2 of row 2", recs, rejects)
	}
	if f := recs[0].Feature("passport"); f == nil || len(f.Raw) != 1 || f.Raw[0] != "B63358773" {
		t.Errorf("passport = %+v, want B63358773", f)
	}
	if f := recs[0].Feature("dob"); f == nil || len(f.Values) != 1 || f.Values[0].Norm != "1965-03-12" {
		t.Errorf("dob = %+v, want 1965-03-12", f)
	}
}

// TestLoadHeaderless: OFAC's sdn.csv and add.csv, files without a header
// line, read with their columns named in the config; the -0- they write
// for none is no value (no name, no address), not a value "0" every such
// record would share.
func TestLoadHeaderless(t *testing.T) {
	cfg := writeConfig(t, map[string]string{
		"sdn.csv": "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\"\n173,\"PEREZ GARCIA, Juan\",\"individual\",\"SDNTK\"\n",
		"add.csv": "36,25,\"Calle 5 No. 12-30\",\"Havana\",\"Cuba\"\n173,129,-0- ,-0- ,\"Venezuela\"\n",
	}, `sources:
  - name: sdn
    path: sdn.csv
    header: [ent_num, SDN_Name, SDN_Type, Program]
    id: ent_num
    fields:
      name: {column: SDN_Name, type: party}
  - name: add
    path: add.csv
    header: [ent_num, add_num, address, city, country]
    id: add_num
    fields:
      address: {column: address, type: address}
      city:    {column: city, type: city}
      country: {column: country, type: country}
`)
	recs, rejects := loadAll(t, cfg)
	if len(recs) != 4 || recs[0].Key.ID != "36" || recs[0].Line != 1 || recs[3].Key.ID != "129" {
		t.Fatalf("records %+v, want 36 and 173 of sdn, 25 and 129 of add", recs)
	}
	for _, f := range []string{"address", "city"} {
		if ft := recs[3].Feature(f); ft != nil && len(ft.Values) > 0 {
			t.Errorf("add 129's %s -0- read as %+v, want no value", f, ft.Values)
		}
	}
	if ft := recs[2].Feature("city"); ft == nil || len(ft.Values) != 1 || ft.Values[0].Norm != "havana" {
		t.Errorf("add 25's city = %+v, want havana", ft)
	}
	for _, r := range rejects {
		if !strings.Contains(r.Reason, "missing value") {
			t.Errorf("reject %+v, want only -0- as missing values", r)
		}
	}
}

// TestLoadFixed: a fixed-width export loads as a source, its columns cut
// by the widths the config gives, its header line passed over.
func TestLoadFixed(t *testing.T) {
	cfg := writeConfig(t, map[string]string{
		"clientes.dat": "CUST_NO NAME                DOB     \n00012345PEREZ GARCIA, JUAN  19800101\n00012346ANA GOMEZ           19751231\n",
	}, `sources:
  - name: core
    path: clientes.dat
    format: fixed
    header: [cust_no, name, dob]
    widths: [8, 20, 8]
    id: cust_no
    kind: person
    fields:
      name: {column: name, type: name}
      dob:  {column: dob, type: date}
`)
	recs, rejects := loadAll(t, cfg)
	if len(rejects) != 0 || len(recs) != 2 || recs[0].Key.ID != "00012345" || recs[0].Line != 2 {
		t.Fatalf("records %+v, rejects %+v: want 00012345 of line 2 and 00012346", recs, rejects)
	}
	if f := recs[0].Feature("name"); f == nil || len(f.Values) != 1 || f.Values[0].Norm != "juan perez garcia" {
		t.Errorf("name = %+v, want juan perez garcia", f)
	}
	if f := recs[1].Feature("dob"); f == nil || len(f.Values) != 1 || f.Values[0].Norm != "1975-12-31" {
		t.Errorf("dob = %+v, want 1975-12-31", f)
	}
}

// TestLoadFiles: a source whose path is a pattern reads every file it
// matches as one source, in name order; a value reject names the file
// its record came from, and a row reject its own.
func TestLoadFiles(t *testing.T) {
	cfg := writeConfig(t, map[string]string{
		"pagos-2026-02.csv": "ref,name,date\nm3,Luis Mora,2026-02-01\nm1,Ana Gómez,2026-02-03\n",
		"pagos-2026-01.csv": "ref,name,date\nm1,Ana Gómez,2026-01-05\nm2,Juan Pérez,2026-13-45\n",
		"otros.csv":         "ref,name,date\nx1,Eva Ruiz,2026-01-01\n",
	}, `sources:
  - name: pagos
    path: pagos-*.csv
    id: ref
    kind: person
    fields:
      name: {column: name, type: name}
      date: {column: date, type: date}
`)
	var recs []record.Record
	var rejects []engine.Reject
	st, err := engine.Load(context.Background(), cfg, func(r record.Record) error { recs = append(recs, r); return nil },
		func(r engine.Reject) error { rejects = append(rejects, r); return nil }, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := st.Sources[0]; s.File != "pagos-*.csv" || !reflect.DeepEqual(s.Files, []string{"pagos-2026-01.csv", "pagos-2026-02.csv"}) || s.FileCount != 2 || s.Rows != 4 {
		t.Errorf("summary %s %q %d files, %d rows; want pagos-*.csv, its two files, 4 rows", s.File, s.Files, s.FileCount, s.Rows)
	}
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%s@%d", r.Key.ID, r.Line))
	}
	if want := []string{"m1@2", "m2@3", "m3@2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("records %q, want %q", got, want)
	}
	var rej []string
	for _, r := range rejects {
		rej = append(rej, fmt.Sprintf("%s %s:%d %s", r.Scope, r.File, r.Line, r.RecordID))
	}
	if want := []string{"value pagos-2026-01.csv:3 m2", "row pagos-2026-02.csv:3 m1"}; !reflect.DeepEqual(rej, want) {
		t.Errorf("rejects %q, want %q", rej, want)
	}
}

// TestLoadXLSX: an Excel workbook's sheet loads as a source; a date
// field reads a date cell's serial number as its date, a year typed as a
// number as that year, and a date typed as text by the field's formats.
func TestLoadXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	cells := [][]any{
		{"Clientes"},
		{"cliente", "nombre", "fecha_nac"},
		{"k-1", "Juan Pérez García", time.Date(1965, 3, 12, 0, 0, 0, 0, time.UTC)},
		{"k-2", "Ana Gómez", 1985},
		{"k-3", "Luis Mora", "03/08/1999"},
	}
	for i, row := range cells {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, map[string]string{"clientes.xlsx": buf.String()}, `sources:
  - name: kyc
    path: clientes.xlsx
    id: cliente
    kind: person
    fields:
      name: {column: nombre, type: name}
      dob:  {column: fecha_nac, type: date, formats: ["DD/MM/YYYY"]}
`)
	recs, rejects := loadAll(t, cfg)
	if len(rejects) != 0 || len(recs) != 3 || recs[0].Key.ID != "k-1" || recs[0].Line != 3 {
		t.Fatalf("records %+v, rejects %+v: want k-1 of row 3, k-2, k-3", recs, rejects)
	}
	for i, want := range []string{"1965-03-12", "1985", "1999-08-03"} {
		if f := recs[i].Feature("dob"); f == nil || len(f.Values) != 1 || f.Values[0].Norm != want {
			t.Errorf("%s dob = %+v, want %s", recs[i].Key.ID, f, want)
		}
	}
	// Three workbooks with a text file between them: the first is kept
	// open from the check at the start, the others opened again at their
	// turn; every record of each is read.
	files := map[string]string{"a.xlsx": buf.String(), "b.xlsx": buf.String(), "c.xlsx": buf.String(), "m.csv": "cliente,nombre\nm-1,Eva Ruiz\n"}
	src := func(name, path string) string {
		return "  - {name: " + name + ", path: " + path + ", id: cliente, kind: person, fields: {name: {column: nombre, type: name}}}\n"
	}
	cfg = writeConfig(t, files, "sources:\n"+src("b", "b.xlsx")+src("m", "m.csv")+src("a", "a.xlsx")+src("c", "c.xlsx"))
	recs, rejects = loadAll(t, cfg)
	var got []string
	for _, r := range recs {
		got = append(got, r.Key.String())
	}
	if want := []string{"b/k-1", "b/k-2", "b/k-3", "m/m-1", "a/k-1", "a/k-2", "a/k-3", "c/k-1", "c/k-2", "c/k-3"}; len(rejects) != 0 || !slices.Equal(got, want) {
		t.Errorf("records %v, rejects %+v; want %v", got, rejects, want)
	}
}

func TestLoadXML(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<sdnList xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation><Record_Count>2</Record_Count></publshInformation>
  <sdnEntry><uid>36</uid><lastName>AEROCARIBBEAN AIRLINES</lastName><sdnType>Entity</sdnType></sdnEntry>
  <sdnEntry><uid>173</uid><firstName>Juan</firstName><lastName>PEREZ GARCIA</lastName><sdnType>Individual</sdnType>
    <idList><id><idType>Cedula No.</idType><idNumber>V-12.345.678</idNumber></id><id><idType>Passport</idType><idNumber>B63358773</idNumber></id></idList>
  </sdnEntry>
</sdnList>
`
	cfg := writeConfig(t, map[string]string{"sdn.xml": doc}, `sources:
  - name: sdn
    path: sdn.xml
    records: sdnEntry
    id: uid
    kind: {column: sdnType, values: {Individual: person, Entity: organization}}
    fields:
      name:     {columns: [firstName, lastName], type: party}
      passport: {column: "idList.id[idType=Passport].idNumber", type: identifier}
`)
	recs, rejects := loadAll(t, cfg)
	if len(rejects) != 0 || len(recs) != 2 || recs[0].Key.ID != "36" || recs[0].Kind != record.EntityOrganization || recs[0].Line != 4 ||
		recs[1].Key.ID != "173" || recs[1].Kind != record.EntityPerson || recs[1].Line != 5 {
		t.Fatalf("records %+v, rejects %+v: want the entity of line 4 and the individual of line 5", recs, rejects)
	}
	if f := recs[1].Feature("passport"); f == nil || len(f.Raw) != 1 || f.Raw[0] != "B63358773" {
		t.Errorf("passport = %+v, want B63358773", f)
	}
}
