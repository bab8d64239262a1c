package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/concord-er/concord/record"
)

func TestFindPlaceholders(t *testing.T) {
	val := func(kind record.Kind, norm, precision string) record.Value {
		v := record.Value{Norm: norm}
		if kind == record.KindDate {
			v.Facets = record.MakeFacets("precision", precision)
		}
		return v
	}
	// rec is a record of source s named name, with one value of feature f.
	rec := func(s string, i int, name string, f string, kind record.Kind, v record.Value) record.Record {
		return record.Record{Key: record.Key{Source: s, ID: fmt.Sprint(i)}, Features: []record.Feature{
			{Name: "name", Kind: record.KindName, Values: []record.Value{{Norm: name}}},
			{Name: f, Kind: kind, Values: []record.Value{v}},
		}}
	}
	many := func(s string, n int, named func(int) string, f string, kind record.Kind, v func(int) record.Value) []record.Record {
		var out []record.Record
		for i := range n {
			out = append(out, rec(s, i, named(i), f, kind, v(i)))
		}
		return out
	}
	distinct := func(i int) string { return fmt.Sprintf("person %d", i) }
	// day is date for the first n records, a date of its own for others.
	day := func(i, n int, date string) string {
		if i < n {
			return date
		}
		return fmt.Sprintf("19%02d-%02d-%02d", 20+i/100, 1+i/28%12, 1+i%28)
	}
	same := func(int) string { return "acme" }
	tests := []struct {
		name string
		recs []record.Record
		want int
	}{
		// 30 of 230 records, the other dates held once each.
		{"a day held by 30 of different names", many("kyc", 230, distinct, "dob", record.KindDate,
			func(i int) record.Value { return val(record.KindDate, day(i, 30, "1955-06-15"), "day") }), 1},
		{"a year held by 30", many("kyc", 230, distinct, "dob", record.KindDate,
			func(i int) record.Value {
				if i < 30 {
					return val(record.KindDate, "1970", "year")
				}
				return val(record.KindDate, day(i, 0, ""), "day")
			}), 0},
		{"an id held by 30 of one name", many("reg", 30, same, "id", record.KindIdentifier,
			func(int) record.Value { return val(record.KindIdentifier, "J1", "") }), 0},
		{"an id held by 19", many("kyc", 19, distinct, "id", record.KindIdentifier,
			func(int) record.Value { return val(record.KindIdentifier, "SEEFILE", "") }), 0},
		// Ids each held by 3, and one by 25: fewer than ten times 3.
		{"an id held by 25 where each is held by 3", many("kyc", 25+300, distinct, "id", record.KindIdentifier,
			func(i int) record.Value {
				if i < 25 {
					return val(record.KindIdentifier, "SEEFILE", "")
				}
				return val(record.KindIdentifier, fmt.Sprint(i/3), "")
			}), 0},
	}
	// years returns the date of record i: 1 January of one of n years
	// for the first 30n records (30 each), a date of its own for others.
	years := func(n int) func(int) record.Value {
		return func(i int) record.Value {
			if i < 30*n {
				return val(record.KindDate, fmt.Sprintf("%d-01-01", 1850+i/30), "day")
			}
			return val(record.KindDate, day(i, 0, ""), "day")
		}
	}
	tests = append(tests, []struct {
		name string
		recs []record.Record
		want int
	}{
		// A source that writes a year alone as 1 January of it: years.
		{"1 January of five years, each held by 30", many("hist", 5*30+400, distinct, "dob", record.KindDate, years(5)), 0},
		// A system's default dates: placeholders.
		{"1 January of two years, each held by 30", many("kyc", 2*30+400, distinct, "dob", record.KindDate, years(2)), 2},
	}...)
	exclusive := map[string]bool{"dob": true, "id": true}
	all := func(int32) bool { return true }
	for _, tt := range tests {
		got, years := findPlaceholders(tt.recs, exclusive, all, 2)
		if len(got) != tt.want {
			t.Errorf("%s: found %+v, want %d", tt.name, got, tt.want)
		}
		if want := strings.HasPrefix(tt.name, "1 January of five"); want != (len(years) == 5) || !want && len(years) != 0 {
			t.Errorf("%s: years %+v", tt.name, years)
		}
	}
	// Copies count once: 30 records of which 20 are copies of one.
	recs := many("kyc", 30, distinct, "id", record.KindIdentifier, func(int) record.Value { return val(record.KindIdentifier, "SEEFILE", "") })
	if got, _ := findPlaceholders(recs, exclusive, func(i int32) bool { return i < 10 }, 2); len(got) != 0 {
		t.Errorf("copies counted: %+v", got)
	}
	// Dropped from a record's own slice, the others' kept.
	shared := []record.Value{{Norm: "SEEFILE"}}
	a := record.Record{Key: record.Key{Source: "kyc", ID: "a"}, Features: []record.Feature{{Name: "id", Values: shared}}}
	b := record.Record{Key: record.Key{Source: "other", ID: "b"}, Features: []record.Feature{{Name: "id", Values: shared}}}
	is := placeholderSet([]FoundPlaceholder{{Source: "kyc", Feature: "id", Value: "SEEFILE"}})
	if n := dropPlaceholders([]record.Record{a, b}, exclusive, is); n != 1 {
		t.Errorf("dropped %d, want 1", n)
	}
	if len(shared) != 1 || shared[0].Norm != "SEEFILE" {
		t.Errorf("the shared slice was changed: %v", shared)
	}
	// A record upserted: its caller's copy keeps what it had.
	c := a
	if n := DropPlaceholders(&c, exclusive, is); n != 1 || len(c.Features[0].Values) != 0 || len(a.Features[0].Values) != 1 {
		t.Errorf("dropped %d: the record's values %v, its caller's %v", n, c.Features[0].Values, a.Features[0].Values)
	}
}

// BenchmarkFindPlaceholders looks for placeholders among 200,000 records
// of two sources, each with a name, a date of birth and an id; b.N counts
// records.
func BenchmarkFindPlaceholders(b *testing.B) {
	const n = 200000
	recs := make([]record.Record, n)
	for i := range recs {
		src := "a"
		if i >= n/2 {
			src = "b"
		}
		recs[i] = record.Record{Key: record.Key{Source: src, ID: fmt.Sprint(i)}, Features: []record.Feature{
			{Name: "name", Kind: record.KindName, Values: []record.Value{{Norm: fmt.Sprintf("person %d", i%50000)}}},
			{Name: "dob", Kind: record.KindDate, Values: []record.Value{{Norm: fmt.Sprintf("19%02d-%02d-%02d", 30+i%70, 1+i%12, 1+i%28),
				Facets: record.MakeFacets("precision", "day")}}},
			{Name: "id", Kind: record.KindIdentifier, Values: []record.Value{{Norm: fmt.Sprintf("V%d", i)}}},
		}}
	}
	exclusive := map[string]bool{"dob": true, "id": true}
	b.ReportAllocs()
	for b.Loop() {
		findPlaceholders(recs, exclusive, func(int32) bool { return true }, 2)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/record")
}
