package engine_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/fixture"
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
		order               string // the field's order as a model gives it (KeepDateOrders)
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
				}, engine.Options{KeepDateOrders: tt.order != ""})
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
