package engine

import (
	"context"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// A father and his son named alike (Sr and Jr, II and III) disagree on
// the name whatever its words, on the batch path as on the scorer's: the
// exact key they share does not decide the level alone. A junior and a
// name written without its generation, or a junior and a second, agree.
func TestGenerationsDisagree(t *testing.T) {
	names := []string{"John Smith Sr", "SMITH/JOHN JR", "John Smith", "John Smith II", "John Smith III", "Jack Smith Sr"}
	var recs []record.Record
	for i, raw := range names {
		v, err := normalize.Value(record.KindParty, raw, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, record.Record{Key: record.Key{Source: "s", ID: string(rune('a' + i))},
			Features: []record.Feature{{Name: "name", Kind: record.KindParty, Raw: []string{raw}, Values: []record.Value{v}}}})
	}
	c := compare.MustCompile(compare.DefaultSpec("name", record.KindParty))
	vt, err := newValueTable(context.Background(), recs, []*compare.Comparison{c}, 1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []nameLevel{
		{0, 1, "else"},  // Sr, Jr
		{1, 2, "exact"}, // Jr, written without it
		{0, 2, "exact"},
		{1, 3, "exact"}, // Jr, II
		{3, 4, "else"},  // II, III
		{1, 4, "else"},  // Jr, III
		{2, 4, "exact"},
		{1, 5, "else"}, // Jack Sr and John Jr: a nickname, of another generation
		{2, 5, "nickname"},
	}
	checkNameLevels(t, names, recs, c, vt, tests)
}

// A name written with ä, ö, ü, ø or å is held in both spellings
// (normalize.Spelling), so that the one written out (MUELLER) and the one
// with the vowel alone (MULLER) both agree with it exactly, not only
// nearly; the two without the letters still differ as before.
func TestSpellingsAgree(t *testing.T) {
	names := []string{"Jürgen Müller", "MUELLER/JUERGEN", "JURGEN MULLER", "Søren Ågård", "AAGAARD, Soeren", "Carlos Argüello"}
	cache := newValueCache(1, false)
	var recs []record.Record
	for i, raw := range names {
		e := cache.values(record.KindParty, raw, normalize.Options{})
		if len(e.bad) > 0 {
			t.Fatalf("%q: %v", raw, e.bad[0].err)
		}
		recs = append(recs, record.Record{Key: record.Key{Source: "s", ID: string(rune('a' + i))},
			Features: []record.Feature{{Name: "name", Kind: record.KindParty, Raw: []string{raw}, Values: e.vals}}})
	}
	if n := len(recs[5].Features[0].Values); n != 1 {
		t.Errorf("%q holds %d values, want 1 (a Spanish ü is u either way)", names[5], n)
	}
	c := compare.MustCompile(compare.DefaultSpec("name", record.KindParty))
	vt, err := newValueTable(context.Background(), recs, []*compare.Comparison{c}, 1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []nameLevel{
		{0, 1, "exact"},
		{0, 2, "exact"},
		{1, 2, "phonetic"}, // without the letters: as before
		{3, 4, "exact"},
	}
	checkNameLevels(t, names, recs, c, vt, tests)
}

// nameLevel is the level two names of a test's list (by index) compare at.
type nameLevel struct {
	a, b int
	want string
}

// checkNameLevels checks each pair of tests both ways, on the batch path
// (the value table) and on the scorer's.
func checkNameLevels(t *testing.T, names []string, recs []record.Record, c *compare.Comparison, vt *valueTable, tests []nameLevel) {
	t.Helper()
	for _, tt := range tests {
		for _, ab := range [][2]int{{tt.a, tt.b}, {tt.b, tt.a}} {
			got := vt.level(0, int32(ab[0]), int32(ab[1]))
			scored, _, _ := c.Level(recs[ab[0]].Features[0].Values, recs[ab[1]].Features[0].Values)
			if c.Label(got) != tt.want || scored != got {
				t.Errorf("%q ~ %q: %s (scorer %s), want %s", names[ab[0]], names[ab[1]], c.Label(got), c.Label(scored), tt.want)
			}
		}
	}
}
