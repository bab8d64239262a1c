package compare_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// checkScreen fails when the screens of a and b rule out a pair that a
// level between exact and else holds. It reports whether they did.
func checkScreen(t *testing.T, c *compare.Comparison, keys *compare.Keys, a, b *record.Value) bool {
	t.Helper()
	pa, pb := c.PrepareInterned(a, keys), c.PrepareInterned(b, keys)
	if pa.Key() == pb.Key() && pa.Key() != 0 {
		return false // decided by the exact key
	}
	if !c.ScreenedOut(c.Screen(&pa), c.Screen(&pb)) {
		return false
	}
	if l := c.PairLevel(&pa, &pb); l != c.Else() {
		t.Fatalf("%s: screens rule out %q and %q, which are at level %d (%s)", c.Spec.Name, a.Norm, b.Norm, l, c.Label(l))
	}
	return true
}

// TestScreenNeverRulesOutALevel compares near and far values of every
// default kind: a pair the screens rule out must be at else, and each kind
// with a screen must rule some pairs out (or the test would prove nothing).
func TestScreenNeverRulesOutALevel(t *testing.T) {
	seeds := map[record.Kind][]string{
		record.KindName:       {"Juan Carlos García López", "William Smith", "Bill Smith"},
		record.KindOrgName:    {"ACME Holdings S.A.", "Holdings Acme", "Andina Fuentes LLC"},
		record.KindDate:       {"1990-05-17", "1990-07-05", "1990", "1990-05", "1991-11-30", "1975-05-17", "1990-17-05", "1999-05-17", "1951-04-11", "1957-05-11", "1865", "1865-06", "1856-86-18", "1865-06-31"},
		record.KindPhone:      {"020 7946 0958", "+1 202 555 0143", "07700 900123", "020 7946 0985"},
		record.KindEmail:      {"ana.garcia@example.org", "anagarcia@example.com"},
		record.KindIdentifier: {"V-12.345.678", "V12345687", "J-66381550-5"},
		record.KindAddress:    {"12 High Street Leeds", "99 Low Road", "Avenida Los Mangos 218", "High Road"},
		record.KindPostcode:   {"SW1A 1AA", "2902", "2920", "S81 8AT", "S81 0UN", "1012 LG"},
		record.KindCity:       {"Melbourne", "St Kilda", "London", "Londres", "Leeds"},
		record.KindCountry:    {"Venezuela", "VE", "Colombia"},
	}
	screened := map[record.Kind]bool{record.KindDate: true, record.KindPhone: true, record.KindIdentifier: true,
		record.KindAddress: true, record.KindPostcode: true, record.KindCity: true, record.KindCountry: true}
	rng := rand.New(rand.NewPCG(3, 4))
	for kind, raw := range seeds {
		c := compare.MustCompile(compare.DefaultSpec("f", kind))
		keys := compare.NewKeys()
		var pool []record.Value
		for range 80 {
			s := raw[rng.IntN(len(raw))]
			if rng.IntN(2) == 0 {
				s = typo(rng, s)
			}
			if v, err := normalize.Value(kind, s, normalize.Options{Region: "GB", DateFormats: []string{"2006-01-02"}}); usable(err) {
				pool = append(pool, v)
			}
		}
		out := 0
		for i := range pool {
			for j := range pool {
				if checkScreen(t, c, keys, &pool[i], &pool[j]) {
					out++
				}
			}
		}
		if screened[kind] != (out > 0) {
			t.Errorf("%s: %d of %d pairs screened out; want some: %v", kind, out, len(pool)*len(pool), screened[kind])
		}
	}
}

// screenSpecs are comparisons of plain strings with a screen of each
// family, for fuzzing.
var screenSpecs = func() []*compare.Comparison {
	lv := func(m string, t float64) compare.LevelSpec {
		return compare.LevelSpec{Method: m, Threshold: t, Label: m}
	}
	var out []*compare.Comparison
	for i, levels := range [][]compare.LevelSpec{
		{lv(compare.MethodLevenshtein, 1)},
		{lv(compare.MethodDamerau, 2)},
		{lv(compare.MethodDamerau, 1), lv(compare.MethodLevenshtein, 3)},
		{lv(compare.MethodJaroWinkler, 0.92), lv(compare.MethodJaroWinkler, 0.7)},
		{lv(compare.MethodJaroWinkler, 0.5)},
		{lv(compare.MethodJaccard, 0.6)},
		{lv(compare.MethodJaccard, 0.75), lv(compare.MethodJaccard, 0.1)},
		{lv(compare.MethodContained, 0)},
		{lv(compare.MethodContained, 0), lv(compare.MethodJaccard, 0.5)},
		{lv(compare.MethodContained, 0), lv(compare.MethodContained, 1), lv(compare.MethodJaccard, 0.5)},
	} {
		levels = append([]compare.LevelSpec{lv(compare.MethodExact, 0)}, append(levels, lv(compare.MethodElse, 0))...)
		out = append(out, compare.MustCompile(compare.Spec{Name: fmt.Sprint(i), Feature: "f", Kind: record.KindText, Levels: levels}))
	}
	return out
}()

func FuzzScreen(f *testing.F) {
	f.Add("london", "londres")
	f.Add("0207946 0958", "02079460985")
	f.Add("high street", "street high")
	f.Add("aaaaaaaabbbb", "aaaaaaaa")
	f.Add("12 high street leeds", "high street 12 le")
	f.Add("a b c d e f g", "a b c")
	f.Fuzz(func(t *testing.T, a, b string) {
		va := record.Value{Norm: a, Tokens: strings.Fields(a)}
		vb := record.Value{Norm: b, Tokens: strings.Fields(b)}
		for _, c := range screenSpecs {
			checkScreen(t, c, compare.NewKeys(), &va, &vb)
		}
	})
}

// FuzzDateScreen checks date screens on dates of every precision, cut
// to their sure part or not.
func FuzzDateScreen(f *testing.F) {
	f.Add(uint16(1990), uint8(5), uint8(17), uint8(3), uint16(1990), uint8(17), uint8(5), uint8(3), false, false)
	f.Add(uint16(1990), uint8(5), uint8(17), uint8(3), uint16(1999), uint8(5), uint8(17), uint8(3), false, false)
	f.Add(uint16(1990), uint8(5), uint8(0), uint8(2), uint16(1991), uint8(5), uint8(17), uint8(3), false, false)
	f.Add(uint16(1851), uint8(4), uint8(11), uint8(3), uint16(1857), uint8(5), uint8(11), uint8(3), false, false) // two edits
	f.Add(uint16(1856), uint8(1), uint8(1), uint8(1), uint16(1865), uint8(6), uint8(18), uint8(3), true, false)   // a year cut, one edit
	f.Add(uint16(1856), uint8(6), uint8(1), uint8(2), uint16(1856), uint8(9), uint8(18), uint8(3), true, false)   // a month cut, one edit
	c := compare.MustCompile(compare.DefaultSpec("dob", record.KindDate))
	f.Fuzz(func(t *testing.T, ya uint16, ma, da, pa uint8, yb uint16, mb, db, pb uint8, cutA, cutB bool) {
		va, oka := dateValue(ya, ma, da, pa, cutA)
		vb, okb := dateValue(yb, mb, db, pb, cutB)
		if oka && okb {
			checkScreen(t, c, compare.NewKeys(), &va, &vb)
		}
	})
}

// dateValue builds a date value as normalize.Date makes them.
func dateValue(y uint16, m, d, p uint8, cut bool) (record.Value, bool) {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 || p < 1 || p > 3 || cut && p == 3 {
		return record.Value{}, false
	}
	v := normalize.Date{Year: int(y), Month: int(m), Day: int(d), Precision: normalize.Precision(p)}.Value()
	if cut {
		v.Facets = append(v.Facets, record.Facet{Name: "cut", Value: "true"})
	}
	return v, true
}
