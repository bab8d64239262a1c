package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/record"
)

// datesCSV writes rows of id and dob: dayOnly dates only day first reads
// (17/06/1990…), monthOnly only month first (06/17/1990…), then
// ambiguous ones (03/08/1999…), then filler rows with no date, so that
// the file runs over several of Load's batches, and past the rows that
// show the order.
func datesCSV(dayOnly, monthOnly, ambiguous, filler int) string {
	var b strings.Builder
	b.WriteString("id,dob\n")
	n := 0
	row := func(dob string) { n++; fmt.Fprintf(&b, "r%d,%s\n", n, dob) }
	for i := range dayOnly {
		row(fmt.Sprintf("%d/06/19%02d", 13+i%15, i%90))
	}
	for i := range monthOnly {
		row(fmt.Sprintf("06/%d/19%02d", 13+i%15, i%90))
	}
	for i := range ambiguous {
		row(fmt.Sprintf("03/08/%d", 1900+i%100))
	}
	for range filler {
		row("")
	}
	return b.String()
}

// TestLoadDateOrder: a date field that declares no formats reads a date
// both orders of day and month read in the order the source's other
// dates show, when they show one clearly; otherwise such a date is
// rejected as ambiguous, as before. Every row is read, in file order,
// whatever the first rows held back to show the order.
func TestLoadDateOrder(t *testing.T) {
	tests := []struct {
		name                string
		csv                 string
		field               string // the dob field's mapping
		order               string // the field's order as a model gives it (KeepLearned)
		want                string // what 03/08/1900 reads as; "" rejected
		found               string // FieldStats.DateOrder
		dayFirst, monthOnly int64
	}{
		{"day first shown", datesCSV(25, 0, 3, 52000), "{column: dob, type: date}", "", "1900-08-03", "day_first", 25, 0},
		{"month first shown", datesCSV(0, 25, 3, 0), "{column: dob, type: date}", "", "1900-03-08", "month_first", 0, 25},
		{"a few written the other way", datesCSV(100, 2, 3, 0), "{column: dob, type: date}", "", "1900-08-03", "day_first", 100, 2},
		{"both orders shown", datesCSV(25, 5, 3, 0), "{column: dob, type: date}", "", "", "", 25, 5},
		{"too few to show", datesCSV(10, 0, 3, 0), "{column: dob, type: date}", "", "", "", 10, 0},
		{"formats declared", datesCSV(25, 0, 3, 0), `{column: dob, type: date, formats: ["MM/DD/YYYY"]}`, "", "1900-03-08", "", 0, 0},
		{"the model's order", datesCSV(25, 0, 3, 0), "{column: dob, type: date}", "month_first", "1900-03-08", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeConfig(t, map[string]string{"d.csv": tt.csv},
				"sources:\n  - {name: d, path: d.csv, id: id, kind: person, fields: {dob: "+tt.field+"}}\n")
			if tt.order != "" {
				cfg.Sources[0].Fields[0].DateOrder = tt.order
			}
			var recs []record.Record
			var ambiguous int
			st, err := engine.Load(context.Background(), cfg,
				func(r record.Record) error { recs = append(recs, r); return nil },
				func(r engine.Reject) error {
					if strings.Contains(r.Reason, "could be day/month or month/day") {
						ambiguous++
					}
					return nil
				}, engine.Options{KeepLearned: tt.order != ""})
			if err != nil {
				t.Fatal(err)
			}
			rows := strings.Count(tt.csv, "\n") - 1
			if len(recs) != rows {
				t.Fatalf("%d records of %d rows", len(recs), rows)
			}
			for i, r := range recs {
				if want := fmt.Sprintf("r%d", i+1); r.Key.ID != want {
					t.Fatalf("record %d is %s, want %s: rows out of order", i, r.Key.ID, want)
				}
			}
			var got string
			for _, r := range recs {
				if f := r.Feature("dob"); f != nil && len(f.Raw) > 0 && f.Raw[0] == "03/08/1900" && len(f.Values) > 0 {
					got = f.Values[0].Norm
				}
			}
			if got != tt.want || (tt.want == "") != (ambiguous == 3) {
				t.Errorf("03/08/1900 read as %q, %d ambiguous rejected; want %q", got, ambiguous, tt.want)
			}
			fs := st.Sources[0].Fields["dob"]
			if fs.DateOrder != tt.found || fs.DayFirst != tt.dayFirst || fs.MonthFirst != tt.monthOnly {
				t.Errorf("field stats %+v, want order %q, %d day first only, %d month first only", fs, tt.found, tt.dayFirst, tt.monthOnly)
			}
			warned := strings.Contains(strings.Join(st.Warnings, "\n"), "are read "+strings.ReplaceAll(tt.found, "_", " "))
			if warned != (tt.found != "") {
				t.Errorf("warnings %q: want one of the order found: %v", st.Warnings, tt.found != "")
			}
		})
	}
}

// TestDateOrdersTrained: training keeps in the model the order of day and
// month it found in a source's dates, and a run with the model reads them
// so, finding none anew: as the field's formats declared would.
func TestDateOrdersTrained(t *testing.T) {
	declared := fixture.Hetero(t, 1500)
	undeclared := fixture.Hetero(t, 1500)
	for i := range undeclared.Sources {
		for j := range undeclared.Sources[i].Fields {
			if f := &undeclared.Sources[i].Fields[j]; f.Type == record.KindDate {
				f.Formats = nil
			}
		}
	}
	dates := func(res *engine.Resolution) map[record.Key]string {
		out := map[record.Key]string{}
		for _, r := range res.Records {
			if f := r.Feature("dob"); r.Key.Source == "kyc" && f != nil && len(f.Values) > 0 {
				out[r.Key] = f.Values[0].Norm
			}
		}
		return out
	}
	want := dates(fixture.Resolve(t, declared, engine.ResolveOptions{}))
	first := fixture.Resolve(t, undeclared, engine.ResolveOptions{})
	if got := dates(first); !reflect.DeepEqual(got, want) {
		t.Errorf("%d KYC dates read, %d with formats declared, or read otherwise", len(got), len(want))
	}
	orders := first.Model.DateOrders
	if len(orders) != 1 || orders[0].Source != "kyc" || orders[0].Field != "dob" || orders[0].Order != "day_first" || orders[0].DayFirst < 100 || orders[0].MonthFirst != 0 {
		t.Fatalf("model date orders %+v, want kyc's dob day first", orders)
	}
	m := saved(t, first.Model)
	second := fixture.Resolve(t, undeclared, engine.ResolveOptions{Model: m})
	if got := dates(second); !reflect.DeepEqual(got, want) {
		t.Error("a run with the model read the dates otherwise")
	}
	if fs := second.Stats.Load.Sources[0].Fields["dob"]; fs.DateOrder != "" || fs.DayFirst != 0 {
		t.Errorf("a run with the model found an order anew: %+v", fs)
	}
	// The model's order, not the data's: month first.
	m.DateOrders[0].Order = "month_first"
	third := dates(fixture.Resolve(t, undeclared, engine.ResolveOptions{Model: m}))
	differ := 0
	for k, v := range want {
		if third[k] != v {
			differ++
		}
	}
	if differ == 0 || len(third) != len(want) {
		t.Errorf("read month first, %d of %d dates differ (of %d read)", differ, len(want), len(third))
	}
}

// TestLoadReadsPartyNames: a field typed name, of a source that declares
// no kind and holds more than one name, or takes its records' kinds from
// a column, whose first rows hold organisations' names often enough is
// read as party names, and its records of organisations' names are
// organisations (as the column says, where there is one); so is one of a
// source of organisations; a source of people, or one whose names hold
// too few, reads people's names as typed.
func TestLoadReadsPartyNames(t *testing.T) {
	rows := func(orgs, people int) string {
		var b strings.Builder
		b.WriteString("id,tipo,name,alias\n")
		for i := range orgs {
			fmt.Fprintf(&b, "o%d,J,Acme Trading %d Ltd,Acme %d\n", i, i, i)
		}
		for i := range people {
			fmt.Fprintf(&b, "p%d,N,Maria Perez %d,Mary Perez\n", i, i)
		}
		return b.String()
	}
	tests := []struct {
		name      string
		csv, kind string
		readAsCfg bool // the field read as party as a model says (KeepLearned)
		party     bool // o0's name read as a party name, o0 an organisation
		learned   bool // FieldStats.ReadAs
		counted   int64
	}{
		{"organisations among people", rows(20, 180), "", false, true, true, 200},
		{"too few organisations", rows(3, 197), "", false, false, false, 0},
		{"people declared", rows(20, 180), "kind: person, ", false, false, false, 0},
		{"organisations declared", rows(20, 180), "kind: organization, ", false, true, true, 200},
		{"kinds from a column", rows(20, 180), "kind: {column: tipo, values: {N: person, J: organization}}, ", false, true, true, 200},
		{"kinds from a column, too few organisations", rows(3, 197), "kind: {column: tipo, values: {N: person, J: organization}}, ", false, false, false, 0},
		{"the model's reading", rows(3, 197), "", true, true, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeConfig(t, map[string]string{"d.csv": tt.csv},
				"sources:\n  - {name: d, path: d.csv, id: id, "+tt.kind+"fields: {name: {column: name, type: name}, alias: {column: alias, type: name}}}\n")
			cfg.Sources[0].Fields[0].ReadAsParty = tt.readAsCfg
			var recs []record.Record
			st, err := engine.Load(context.Background(), cfg, func(r record.Record) error { recs = append(recs, r); return nil },
				func(engine.Reject) error { return nil }, engine.Options{KeepLearned: tt.readAsCfg})
			if err != nil {
				t.Fatal(err)
			}
			o := recs[0]
			name := o.Feature("name")
			if got := name.Kind == record.KindParty && o.Kind == record.EntityOrganization; got != tt.party {
				t.Errorf("o0: name read as %s, record a %s; want a party name of an organisation: %v", name.Kind, o.Kind, tt.party)
			}
			fs := st.Sources[0].Fields["name"]
			if (fs.ReadAs == "party") != tt.learned || fs.Counted != tt.counted || tt.learned && fs.Organisations != 20 {
				t.Errorf("field stats %+v, want read as party %v, %d counted", fs, tt.learned, tt.counted)
			}
			// The other name (an officer's, an alias) holds no
			// organisations' names and keeps its type.
			if alias := o.Feature("alias"); alias.Kind != record.KindName || st.Sources[0].Fields["alias"].ReadAs != "" {
				t.Errorf("alias read as %s (%+v), want a person's name", alias.Kind, st.Sources[0].Fields["alias"])
			}
		})
	}
}

// TestPartyNamesTrained: a list mapped with no kind and its names and
// aliases typed name, apart, is read as party names as its rows show,
// its companies are organisations, the model keeps the reading, and a
// run with the model reads the list so without learning it anew.
func TestPartyNamesTrained(t *testing.T) {
	cfg := fixture.Hetero(t, 1500)
	text, err := os.ReadFile(cfg.File)
	if err != nil {
		t.Fatal(err)
	}
	loose := strings.NewReplacer(
		"    kind: {column: schema, values: {Person: person, Company: organization}}\n", "",
		"      name:        {column: name, type: party}\n      aliases:     {column: aliases, type: party, alias_of: name}\n",
		"      name:        {column: name, type: name}\n      aliases:     {column: aliases, type: name}\n").Replace(string(text))
	if loose == string(text) {
		t.Fatal("the heterogeneous config's list is mapped otherwise: the test's edit did nothing")
	}
	path := filepath.Join(filepath.Dir(cfg.File), "loose.yaml")
	if err := os.WriteFile(path, []byte(loose), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	companies := func(res *engine.Resolution) int {
		n := 0
		for _, r := range res.Records {
			if r.Key.Source == "sanctions" && r.Kind == record.EntityOrganization {
				n++
			}
		}
		return n
	}
	first := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	if got := first.Model.PartyNames; len(got) != 2 || got[0].Source != "sanctions" || got[0].Field != "name" || got[1].Field != "aliases" || got[0].Organisations < 10 {
		t.Errorf("model party names %+v, want the list's names and aliases", got)
	}
	if companies(first) == 0 {
		t.Error("no company of the list read as an organisation")
	}
	second := fixture.Resolve(t, cfg, engine.ResolveOptions{Model: saved(t, first.Model)})
	if companies(second) != companies(first) {
		t.Errorf("with the model, %d of the list's records are organisations, %d without", companies(second), companies(first))
	}
	for _, src := range second.Stats.Load.Sources {
		for name, fs := range src.Fields {
			if fs.ReadAs != "" {
				t.Errorf("a run with the model learned %s.%s anew: %+v", src.Name, name, fs)
			}
		}
	}
}

// TestAliasesTrained: the heterogeneous set mapped with each source's
// columns under their own names (nombre, company, documento, reg_no, the
// list's passport, national_id and registration apart; fecha_nac and
// birth_date) is read as if they had one: training reads the customers'
// and the register's names as the list's and the payments' name, the
// list's numbers as the KYC file's documento, the register's too, the
// list's dates of birth as fecha_nac, and keeps them in the model; its records come together as those of the
// set mapped under one name do, and a run with the model, as real time,
// reads the records as training did.
func TestAliasesTrained(t *testing.T) {
	cfg := fixture.Hetero(t, 1500)
	path, _, _, err := synth.WriteHetero(t.TempDir(), synth.HeteroOptions{Seed: 1, People: 1500, ColumnNames: true})
	if err != nil {
		t.Fatal(err)
	}
	ownCfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if kinds := ownCfg.Kinds(); kinds["id_number"] != "" || kinds["dob"] != "" || kinds["reg_number"] != "" || kinds["nombre"] == "" {
		t.Fatal("the heterogeneous config is mapped otherwise: ColumnNames left id_number, reg_number or dob, or named no nombre")
	}
	first := fixture.Resolve(t, ownCfg, engine.ResolveOptions{})
	var got []string
	for _, a := range first.Model.Aliases {
		got = append(got, a.Source+"."+a.Field+" as "+a.As)
	}
	want := []string{"kyc.nombre as name", "registry.company as name", "registry.reg_no as documento", "sanctions.birth_date as fecha_nac",
		"sanctions.national_id as documento", "sanctions.passport as documento", "sanctions.registration as documento"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("aliases %q, want %q", got, want)
	}
	if !reflect.DeepEqual(first.Stats.FieldAliases, first.Model.Aliases) {
		t.Errorf("summary's field aliases %+v, the model's %+v", first.Stats.FieldAliases, first.Model.Aliases)
	}
	// Pairs of a KYC row and a list entry in one entity: as many as
	// under one name, where read apart the list's people with a passport
	// alone fell away from their customers.
	together := func(res *engine.Resolution) int {
		byEntity := map[record.EntityID][]string{}
		for i, r := range res.Records {
			byEntity[res.Entities[i]] = append(byEntity[res.Entities[i]], r.Key.Source)
		}
		n := 0
		for _, srcs := range byEntity {
			n += strings.Count(strings.Join(srcs, " "), "kyc") * strings.Count(strings.Join(srcs, " "), "sanctions")
		}
		return n
	}
	if one, got := together(fixture.Resolve(t, cfg, engine.ResolveOptions{})), together(first); got < one*99/100 {
		t.Errorf("%d pairs of a KYC row and a list entry together, %d with one name for their features", got, one)
	}
	// Real time reads the fields as the model says: the same features.
	second := fixture.Resolve(t, ownCfg, engine.ResolveOptions{Model: saved(t, first.Model)})
	if !reflect.DeepEqual(second.Stats.FieldAliases, first.Model.Aliases) {
		t.Errorf("a run with the model lists field aliases %+v, the model holds %+v", second.Stats.FieldAliases, first.Model.Aliases)
	}
	if len(second.Records) != len(first.Records) {
		t.Fatalf("%d records with the model, %d in training", len(second.Records), len(first.Records))
	}
	for i := range first.Records {
		a, b := first.Records[i], second.Records[i]
		if a.Key != b.Key || !reflect.DeepEqual(featureValues(a), featureValues(b)) {
			t.Fatalf("record %v reads\n %v\nwith the model, in training\n %v", a.Key, featureValues(b), featureValues(a))
		}
	}
}

// featureValues are a record's features as names and normalised values.
func featureValues(r record.Record) []string {
	var out []string
	for _, f := range r.Features {
		var vs []string
		for _, v := range f.Values {
			vs = append(vs, v.Norm)
		}
		out = append(out, f.Name+"="+strings.Join(vs, "|"))
	}
	return out
}

// TestNameJoinsTrained: a customer file's given, middle and surname
// columns mapped as three fields typed name are read as one name, as
// columns: would join them, and its business name, a field of its own
// that no row holds with a person's name, as the same field's, both
// party names: the entities are those of the config that says so, and
// a run with the model reads the records alike.
func TestNameJoinsTrained(t *testing.T) {
	dir := filepath.Join("..", "examples", "indep")
	text, err := os.ReadFile(filepath.Join(dir, "indep.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const names = "      name:        {columns: [FirstName, MiddleName, LastName], type: name}\n"
	const company = "      company:     {column: BusinessName, type: org_name, alias_of: name}\n"
	if !strings.Contains(string(text), names) || !strings.Contains(string(text), company) {
		t.Fatal("examples/indep/indep.yaml maps the customers' names otherwise")
	}
	parse := func(text string) *config.Config {
		cfg, err := config.Parse([]byte(text), filepath.Join(dir, "test.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	// As training reads the three name columns and the business name
	// beside them: one field of party names.
	joined := parse(strings.Replace(strings.Replace(string(text), company, "      company:     {column: BusinessName, type: party, alias_of: name}\n", 1),
		names, "      name:        {columns: [FirstName, MiddleName, LastName], type: party}\n", 1))
	apart := parse(strings.Replace(strings.Replace(string(text), company, "      company:     {column: BusinessName, type: org_name}\n", 1),
		names, "      first_name:  {column: FirstName, type: name}\n"+
			"      middle_name: {column: MiddleName, type: name}\n      last_name:   {column: LastName, type: name}\n", 1))
	want := fixture.Resolve(t, joined, engine.ResolveOptions{DropRaw: true})
	got := fixture.Resolve(t, apart, engine.ResolveOptions{DropRaw: true})
	if len(got.Model.NameJoins) != 1 {
		t.Fatalf("name joins %+v, want the customers' three fields", got.Model.NameJoins)
	}
	if j := got.Model.NameJoins[0]; j.Source != "crm" || j.As != "name" || !reflect.DeepEqual(j.Fields, []string{"first_name", "middle_name", "last_name"}) {
		t.Errorf("name join %+v, want crm's first_name, middle_name, last_name as name", j)
	}
	if len(got.Model.NameUnions) != 1 {
		t.Fatalf("name unions %+v, want the customers' name and business name", got.Model.NameUnions)
	}
	if u := got.Model.NameUnions[0]; u.Source != "crm" || u.As != "name" || u.Kind != record.KindParty || !reflect.DeepEqual(u.Fields, []string{"name", "company"}) || u.Together != 0 {
		t.Errorf("name union %+v, want crm's name and company as name, typed party, never together", u)
	}
	if !reflect.DeepEqual(got.Stats.NameJoins, got.Model.NameJoins) || !reflect.DeepEqual(got.Stats.NameUnions, got.Model.NameUnions) {
		t.Errorf("summary's name joins and unions %+v %+v, the model's %+v %+v", got.Stats.NameJoins, got.Stats.NameUnions, got.Model.NameJoins, got.Model.NameUnions)
	}
	if !slices.ContainsFunc(got.Stats.Warnings, func(w string) bool {
		return strings.Contains(w, "{columns: [FirstName, MiddleName, LastName], type: name}")
	}) {
		t.Errorf("no warning says what to write: %q", got.Stats.Warnings)
	}
	if len(got.Records) != len(want.Records) {
		t.Fatalf("%d records, %d with the names joined in the config", len(got.Records), len(want.Records))
	}
	for i := range want.Records {
		if !reflect.DeepEqual(featureValues(got.Records[i]), featureValues(want.Records[i])) {
			t.Fatalf("record %v reads\n %v\nwith its names joined in the config\n %v", got.Records[i].Key, featureValues(got.Records[i]), featureValues(want.Records[i]))
		}
	}
	if !samePartition(got.Entities, want.Entities) {
		t.Error("the entities differ from those of the config that joins the names")
	}
	second := fixture.Resolve(t, apart, engine.ResolveOptions{DropRaw: true, Model: saved(t, got.Model)})
	if !reflect.DeepEqual(second.Stats.NameJoins, got.Model.NameJoins) || !reflect.DeepEqual(second.Stats.NameUnions, got.Model.NameUnions) {
		t.Errorf("a run with the model lists name joins and unions %+v %+v, the model holds %+v %+v", second.Stats.NameJoins, second.Stats.NameUnions, got.Model.NameJoins, got.Model.NameUnions)
	}
	for i := range got.Records {
		if !reflect.DeepEqual(featureValues(second.Records[i]), featureValues(got.Records[i])) {
			t.Fatalf("record %v reads\n %v\nwith the model, in training\n %v", got.Records[i].Key, featureValues(second.Records[i]), featureValues(got.Records[i]))
		}
	}
}

// samePartition reports whether two assignments of records to entities
// group the records alike, whatever the entities' ids.
func samePartition(a, b []record.EntityID) bool {
	if len(a) != len(b) {
		return false
	}
	ab, ba := map[record.EntityID]record.EntityID{}, map[record.EntityID]record.EntityID{}
	for i := range a {
		if x, ok := ab[a[i]]; ok && x != b[i] {
			return false
		}
		if y, ok := ba[b[i]]; ok && y != a[i] {
			return false
		}
		ab[a[i]], ba[b[i]] = b[i], a[i]
	}
	return true
}
