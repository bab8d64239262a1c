package engine

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// TestTermFrequenciesCountHolders checks that records sharing an exact
// identifier count once in a name's term frequency: a company filed once
// per officer is one holder of its name, while three people of one name
// with ids of their own are three. A record with neither an id nor a date
// of birth (a payment party, an officer named alone) could be any holder
// of its name: its name is not counted, its tokens are. A frequency leaves
// one holder out, and a name held once or twice is estimated from its
// tokens.
func TestTermFrequenciesCountHolders(t *testing.T) {
	dir := t.TempDir()
	csv := "id,name,reg\n" +
		"f1,Acme Trading,R1\n" + // one company, three filings
		"f2,Acme Trading,R1\n" +
		"f3,Acme Trading,R1\n" +
		"p1,Ana Diaz,P1\n" + // three people of one name
		"p2,Ana Diaz,P2\n" +
		"p3,Ana Diaz,P3\n" +
		"p4,Ana Diaz,\n" + // one of them, or someone else
		"p5,Rosa Vera,\n" + // named alone, twice
		"p6,Rosa Vera,\n" +
		"q1,Luis Mora,X9\n" + // a holder of two names through its identifier
		"q2,Luis Mora Ruiz,X9\n"
	for i := range maxHolderRecords + 1 { // an identifier held by so many (a placeholder normalize does not know) joins nobody
		csv += "z" + string(rune('a'+i)) + ",Zed Zulu,Z99\n"
	}
	vals, name := nameValues(t, dir, csv)
	tf := vals.termFrequencies(name)
	// Names counted, by holder: Acme (1), Ana Diaz (3), Luis Mora and
	// Luis Mora Ruiz (1 each), Zed Zulu (17): 23 in all. Tokens count every
	// holder: those 22, Ana Diaz without an id, and Rosa Vera twice: 25.
	const total, holders = 23.0, 25.0
	if tf.min != 1/total {
		t.Errorf("minimum frequency %v, want 1/%v", tf.min, total)
	}
	want := map[string]float64{"ana diaz": 2 / total, "zed zulu": maxHolderRecords / total}
	if !maps.Equal(tf.values, want) {
		t.Errorf("values %v, want %v (held more than twice, one holder left out)", tf.values, want)
	}
	wantTokens := map[string]float64{"ana": 3 / holders, "diaz": 3 / holders, "zed": maxHolderRecords / holders, "zulu": maxHolderRecords / holders}
	if !maps.Equal(tf.tokens, wantTokens) || tf.tokenMin != 1/holders {
		t.Errorf("tokens %v (min %v), want %v (min 1/%v)", tf.tokens, tf.tokenMin, wantTokens, holders)
	}
	// What pairs are weighed with: a name held once is as rare as its
	// tokens make it, and no rarer than a 64th of the minimum.
	keys := vals.keys[name]
	freqOf := func(key string) float64 {
		for id := range keys.Len() {
			if keys.Key(uint32(id)) == key {
				return vals.freq[name][id]
			}
		}
		t.Fatalf("no key %q", key)
		return 0
	}
	for key, f := range map[string]float64{
		"acme trading":   1 / holders / holders,
		"luis mora ruiz": 1 / total / 64,
		"ana diaz":       2 / total,
		"rosa vera":      1 / holders / holders, // its two records are not counted: rare
	} {
		if got := freqOf(key); math.Abs(got-f) > 1e-15 {
			t.Errorf("frequency of %q = %v, want %v", key, got, f)
		}
	}
}

func TestCompatiblePairs(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b kindSizes
		same bool
		want float64
	}{
		{"kinds unknown", kindSizes{all: 10}, kindSizes{all: 5}, false, 50},
		{"people and organisations", kindSizes{all: 10, people: 6, orgs: 4}, kindSizes{all: 5, people: 5}, false, 50 - 4*5},
		{"unknown meets both", kindSizes{all: 10, people: 6, orgs: 2}, kindSizes{all: 5, orgs: 3}, false, 50 - 6*3},
		{"within a source", kindSizes{all: 10, people: 6, orgs: 4}, kindSizes{}, true, 45 - 24},
	} {
		if got := c.a.compatiblePairs(c.b, c.same); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSourceKinds: records of unknown kind count as people and
// organisations in the proportion of their source's records of known kind.
func TestSourceKinds(t *testing.T) {
	rec := func(k record.EntityKind) record.Record { return record.Record{Kind: k} }
	p, o, u := record.EntityPerson, record.EntityOrganization, record.EntityUnknown
	recs := []record.Record{rec(p), rec(p), rec(p), rec(o), rec(u), rec(u), rec(u), rec(u), rec(u), rec(u)}
	src := []uint16{0, 0, 0, 0, 0, 0, 0, 0, 1, 1} // source 1 holds unknown kinds alone
	got := sourceKinds(recs, src, 2, nil)
	want := []kindSizes{{all: 8, people: 6, orgs: 2}, {all: 2}}
	if got[0] != want[0] || got[1] != want[1] {
		t.Errorf("sourceKinds = %+v, want %+v", got, want)
	}
}

// TestInferKind: a record of unknown kind takes the kind its party name
// reads as, so a payment party named like a company's officer is a person
// and never meets the company; without one, the kind of its first name
// with a value.
func TestInferKind(t *testing.T) {
	party := func(raw string) record.Feature {
		v, err := normalize.Party(raw)
		if err != nil {
			t.Fatal(err)
		}
		return record.Feature{Name: "name", Kind: record.KindParty, Values: []record.Value{v}}
	}
	name := func(kind record.Kind) record.Feature {
		return record.Feature{Name: "n", Kind: kind, Values: []record.Value{{Norm: "x"}}}
	}
	for _, c := range []struct {
		what     string
		declared record.EntityKind
		features []record.Feature
		want     record.EntityKind
	}{
		{"party read as a person's", record.EntityUnknown, []record.Feature{party("CARLOS SANDERO GALLEGO")}, record.EntityPerson},
		{"party with a legal form", record.EntityUnknown, []record.Feature{party("CARLOS SANDERO GALLEGO S.R.L.")}, record.EntityOrganization},
		{"party with an organisation word", record.EntityUnknown, []record.Feature{party("INVERSIONES HERRERA")}, record.EntityOrganization},
		{"party that says neither", record.EntityUnknown, []record.Feature{party("AKZO NOBEL")}, record.EntityUnknown},
		{"declared kind kept", record.EntityOrganization, []record.Feature{party("PACIFIC MONRIDGE")}, record.EntityOrganization},
		{"only a person name", record.EntityUnknown, []record.Feature{name(record.KindName)}, record.EntityPerson},
		{"only an organisation name", record.EntityUnknown, []record.Feature{name(record.KindOrgName)}, record.EntityOrganization},
		{"a person's name, then an organisation's", record.EntityUnknown, []record.Feature{name(record.KindName), name(record.KindOrgName)}, record.EntityPerson},
		{"an organisation's name, then a person's (an officer's)", record.EntityUnknown, []record.Feature{name(record.KindOrgName), name(record.KindName)}, record.EntityOrganization},
		{"an empty organisation's name, then a person's", record.EntityUnknown, []record.Feature{{Name: "c", Kind: record.KindOrgName}, name(record.KindName)}, record.EntityPerson},
		{"no name", record.EntityUnknown, nil, record.EntityUnknown},
	} {
		r := record.Record{Kind: c.declared, Features: c.features}
		if inferKind(&r, false); r.Kind != c.want {
			t.Errorf("%s: kind %q, want %q", c.what, r.Kind, c.want)
		}
	}
	// A source declared people's (kind: person) whose names are typed
	// party: a record with no name typed name takes the kind its first
	// party name reads as (of no kind when it says neither), and
	// inferKind says when it overrode the kind declared.
	for _, c := range []struct {
		what     string
		people   bool // the source declares kind: person
		features []record.Feature
		want     record.EntityKind
	}{
		{"a company among people", true, []record.Feature{party("CARLOS SANDERO GALLEGO S.R.L.")}, record.EntityOrganization},
		{"an organisation word", true, []record.Feature{party("INVERSIONES HERRERA")}, record.EntityOrganization},
		{"a person", true, []record.Feature{party("CARLOS SANDERO GALLEGO")}, record.EntityPerson},
		{"a party that says neither", true, []record.Feature{party("AKZO NOBEL")}, record.EntityUnknown},
		{"a person's name and an employer typed party", true, []record.Feature{name(record.KindName), party("ACME TRADING LTD")}, record.EntityPerson},
		{"two party names, the first a person's", true, []record.Feature{party("JOHN SMITH"), party("ACME TRADING LTD")}, record.EntityPerson},
		{"two party names, the first an organisation's", true, []record.Feature{party("ACME TRADING LTD"), party("JOHN SMITH")}, record.EntityOrganization},
		{"no party name", true, []record.Feature{name(record.KindOrgName)}, record.EntityPerson},
		{"a kind column's person", false, []record.Feature{party("CARLOS SANDERO GALLEGO S.R.L.")}, record.EntityPerson},
	} {
		r := record.Record{Kind: record.EntityPerson, Features: c.features}
		overrode := inferKind(&r, c.people)
		if r.Kind != c.want || overrode != (c.want != record.EntityPerson) {
			t.Errorf("%s: kind %q (overrode %v), want %q", c.what, r.Kind, overrode, c.want)
		}
	}
}

// TestTermFrequenciesWithoutIdentifiers: where (almost) no record holds an
// id or a date of birth, every record counts, as there is nothing else to
// count.
func TestTermFrequenciesWithoutIdentifiers(t *testing.T) {
	dir := t.TempDir()
	csv := "id,name,reg\np1,Ana Diaz,\np2,Ana Diaz,\np3,Ana Diaz,\np4,Bo Li,\n"
	for i := range 20 {
		csv += "x" + string(rune('a'+i)) + ",Person " + string(rune('A'+i)) + ",\n"
	}
	vals, name := nameValues(t, dir, csv)
	tf := vals.termFrequencies(name)
	if want := map[string]float64{"ana diaz": 2.0 / 24}; !maps.Equal(tf.values, want) {
		t.Errorf("values %v, want %v: with no ids at all, every record counts", tf.values, want)
	}
}

// TestTermFrequenciesOnePersonManyFiles: records that write one name and
// share a date of birth or an id are one holder of the name, though no
// identifier joins them all (a customer file, a list entry and a filing of
// one person); a namesake born on another day is another. A name held by
// one person in three sources is then as rare as its tokens make it, not
// as common as a name three people write.
func TestTermFrequenciesOnePersonManyFiles(t *testing.T) {
	dir := t.TempDir()
	csv := "id,name,reg,dob\n" +
		"k1,Eva Roca Lusto,K1,1980-02-03\n" + // one person: a customer file,
		"s1,Eva Roca Lusto,S1,1980-02-03\n" + // a list entry born the same day,
		"s2,Eva Roca Lusto,K1,\n" + // an entry with the customer's id
		"n1,Eva Roca Lusto,N1,1991-07-08\n" + // a namesake
		"a1,Ana Diaz,A1,1970-01-01\n" + // three people of one name
		"a2,Ana Diaz,A2,1971-01-01\n" +
		"a3,Ana Diaz,A3,1972-01-01\n"
	for i := range maxHolderRecords + 1 { // a placeholder date joins nobody
		csv += "z" + string(rune('a'+i)) + ",Zed Zulu,Z" + string(rune('a'+i)) + ",1900-01-01\n"
	}
	vals, name := nameValues(t, dir, csv)
	tf := vals.termFrequencies(name)
	// Holders: Eva Roca Lusto 2, Ana Diaz 3, Zed Zulu 17: 22 in all.
	const total = 22.0
	want := map[string]float64{"ana diaz": 2 / total, "zed zulu": maxHolderRecords / total}
	if !maps.Equal(tf.values, want) || tf.min != 1/total {
		t.Errorf("values %v (min %v), want %v (min 1/%v): Eva Roca Lusto is held by two people, not four", tf.values, tf.min, want, total)
	}
}

// TestTermFrequenciesRareNameOneHolder: records of a name its words make
// rare that hold no values that disagree (a customer's date of birth, a
// filing's registration, a list entry's passport, an officer's month of
// birth) are one holder, though they share no value: the name stays as
// rare as written once. Records of a name whose words are common are as
// many holders as nothing joins, and records that disagree (three dates
// of birth) stay apart whatever the name.
func TestTermFrequenciesRareNameOneHolder(t *testing.T) {
	dir := t.TempDir()
	csv := "id,name,reg,passport,dob\n" +
		"e1,Eva Roca Lusto,,,1980-02-03\n" + // one person in three sources
		"e2,Eva Roca Lusto,R1,,\n" +
		"e3,Eva Roca Lusto,,P1,\n" +
		"e4,Eva Roca Lusto,,,1980-02\n" + // a filing's officer, born that month
		"a1,Ana Diaz,,,1970-01-01\n" + // a common name, so written
		"a2,Ana Diaz,R2,,\n" +
		"a3,Ana Diaz,,P2,\n" +
		"i1,Ivo Kral Zeman,,,1960-01-01\n" + // three people: three dates
		"i2,Ivo Kral Zeman,,,1961-05-06\n" +
		"i3,Ivo Kral Zeman,,,1962-07-08\n"
	for i := range 40 { // Ana and Diaz are common words, the others rare
		csv += fmt.Sprintf("m%d,Ana Mora%c%c,M%d,,\nd%d,Luis%c%c Diaz,D%d,,\n", i, 'a'+i%20, 'a'+i/20, 100+i, i, 'a'+i%20, 'a'+i/20, 100+i)
	}
	vals, name := nameValues(t, dir, csv)
	tf := vals.termFrequencies(name)
	// Holders: Eva Roca Lusto 1, Ana Diaz 3, Ivo Kral Zeman 3, and 80
	// names held once: 87.
	const total = 87.0
	want := map[string]float64{"ana diaz": 2 / total, "ivo kral zeman": 2 / total}
	if !maps.Equal(tf.values, want) || tf.min != 1/total {
		t.Errorf("values %v (min %v), want %v (min 1/%v)", tf.values, tf.min, want, total)
	}
}

// nameValues loads csv (id,name and reg, passport or dob columns) as a
// source with a name, identifiers and maybe a date of birth, and returns
// its value table and the name comparison's index.
func nameValues(t *testing.T, dir, csv string) (*valueTable, int) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "r.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	fields := "name: {column: name, type: name}"
	types := map[string]string{"reg": "identifier", "passport": "identifier", "dob": "date"}
	for _, col := range strings.Split(csv[:strings.IndexByte(csv, '\n')], ",")[2:] {
		fields += fmt.Sprintf(", %s: {column: %s, type: %s}", col, col, types[col])
	}
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte("sources:\n  - {name: r, path: r.csv, id: id, fields: {"+fields+"}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "c.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []record.Record
	if _, err := Load(context.Background(), cfg, func(r record.Record) error { recs = append(recs, r); return nil },
		func(Reject) error { return nil }, Options{}); err != nil {
		t.Fatal(err)
	}
	var comps []*compare.Comparison
	name := -1
	for _, spec := range DefaultSpecs(cfg) {
		if spec.Feature == "name" {
			name = len(comps)
			spec.TF = true
		}
		comps = append(comps, compare.MustCompile(spec))
	}
	vals, err := newValueTable(context.Background(), recs, comps, 1)
	if err != nil {
		t.Fatal(err)
	}
	return vals, name
}

// TestTokenCompany checks the share of holders a name token keeps company
// with: the holders of every token written with it in some name, each
// token counted once however many names pair them, at most 1; a token of
// fewer than minCompanyHolders holders has none measured (1).
func TestTokenCompany(t *testing.T) {
	// Tokens: 0 sergei, 1 ivanov, 2 petrov, 3 juan, 4 garcia, 5 rare.
	counts := []int32{minCompanyHolders, 30, 10, 150, 160, minCompanyHolders - 1}
	keys := [][]int32{
		{1, 0},    // ivanov sergei
		{2, 1, 0}, // ivanov petrov sergei: ivanov again, petrov new
		{4, 3},    // garcia juan
		{4, 5},    // garcia rare
		{3, 4, 3}, // juan garcia juan: a token repeated is no company of its own
		nil,       // a key never read
	}
	const holders = 200
	got := tokenCompany(keys, counts, holders)
	want := []float64{
		(30 + 10) / 200.0,        // sergei: ivanov and petrov
		(20 + 10) / 200.0,        // ivanov: sergei and petrov
		1,                        // petrov: too few holders to tell
		160 / 200.0,              // juan: garcia
		min((150+19)/200.0, 1.0), // garcia: juan and rare
		1,                        // rare: too few
	}
	for n := range want {
		if math.Abs(got[n]-want[n]) > 1e-12 {
			t.Errorf("token %d: company %v, want %v", n, got[n], want[n])
		}
	}
	if got := tokenCompany([][]int32{{0, 1}}, []int32{500, 500}, 200); got[0] != 1 || got[1] != 1 {
		t.Errorf("company %v, want at most 1", got)
	}
}

// TestTermFrequenciesOrigins: names of an origin a quarter of the data
// holds (Slavic given names with Slavic surnames) are as common as their
// holders say once their tokens' frequencies are divided by the square
// root of their company (tokenCompany); the bare product of the tokens'
// frequencies would make them about four times rarer than they are, and
// a name of that origin seen once would weigh two bits too much.
func TestTermFrequenciesOrigins(t *testing.T) {
	dir := t.TempDir()
	csv := "id,name,reg\n"
	n := 0
	add := func(given, surnames []string, each int) {
		for _, g := range given {
			for _, s := range surnames {
				for range each {
					n++
					csv += fmt.Sprintf("p%d,%s %s,ID%d\n", n, g, s, n)
				}
			}
		}
	}
	add([]string{"Sergei", "Olga"}, []string{"Ivanov", "Petrov"}, 12)                            // 48 people
	add([]string{"Juan", "Ana", "Luis", "Rosa"}, []string{"Garcia", "Diaz", "Mora", "Vera"}, 10) // 160
	vals, name := nameValues(t, dir, csv)
	tf := vals.termFrequencies(name)
	const holders = 208.0
	for _, c := range []struct {
		key       string
		held      float64 // people who hold it
		share     float64 // the share of holders of the other origin's tokens
		tokenHeld float64 // holders of each of its tokens
	}{
		{"ivanov sergei", 12, 48 / holders, 24},
		{"garcia juan", 10, 160 / holders, 40},
	} {
		// Each holder of the name leaves one out, as the frequencies do.
		observed := (c.held - 1) / holders
		bare := (c.tokenHeld - 1) / holders * (c.tokenHeld - 1) / holders
		estimated := tf.tokenFreq(strings.Fields(c.key)[0]) * tf.tokenFreq(strings.Fields(c.key)[1])
		if math.Abs(estimated-bare/c.share) > 1e-12 {
			t.Errorf("%s: estimated %v, want %v (the bare product over the share of its origin)", c.key, estimated, bare/c.share)
		}
		if r := estimated / observed; r < 0.8 || r > 1.25 {
			t.Errorf("%s: estimated %v, observed %v: not within a quarter", c.key, estimated, observed)
		}
	}
	if r := (23.0 / holders) * (23.0 / holders) / (11 / holders); r > 0.5 {
		t.Errorf("the bare product for ivanov sergei is %v of what is observed: the test's data do not show what it is for", r)
	}
}

// TestSpellingCounts: a name token counts as many holders as its most
// common spelling one edit away, first letter kept, among tokens of four
// letters or more held more than twice.
func TestSpellingCounts(t *testing.T) {
	for _, c := range []struct {
		tokens []string
		counts []int32
		want   []int32
	}{
		{[]string{"andrei", "andrey"}, []int32{30, 2}, []int32{30, 30}},             // another transliteration
		{[]string{"sergei", "sergey", "serge"}, []int32{5, 9, 4}, []int32{9, 9, 9}}, // one letter changed, or dropped
		{[]string{"aleksandr", "alexandr"}, []int32{40, 1}, []int32{40, 1}},         // two edits apart
		{[]string{"yuri", "iuri"}, []int32{20, 1}, []int32{20, 1}},                  // the first letter differs
		{[]string{"ana", "ena"}, []int32{50, 1}, []int32{50, 1}},                    // too short to tell
		{[]string{"ivan", "ivana"}, []int32{2, 1}, []int32{2, 1}},                   // none held more than twice
		{[]string{"müller", "muller"}, []int32{1, 8}, []int32{8, 8}},                // letters, not bytes
	} {
		in := slices.Clone(c.counts)
		got, from := spellingCounts(c.tokens, c.counts)
		if !slices.Equal(got, c.want) {
			t.Errorf("%v %v: %v, want %v", c.tokens, in, got, c.want)
		}
		for n, f := range from {
			if got[n] != in[f] || f != int32(n) && in[n] >= got[n] {
				t.Errorf("%v %v: %s took the count of %s", c.tokens, in, c.tokens[n], c.tokens[f])
			}
		}
		if !slices.Equal(c.counts, in) {
			t.Errorf("%v: counts changed in place", c.tokens)
		}
	}
}

// TestOwnNameWords: a name token is a name of its own when more than two
// holders hold it and no token a letter away, whatever the letter, is
// held by more than model.SameNameRatio times as many.
func TestOwnNameWords(t *testing.T) {
	for _, c := range []struct {
		tokens []string
		counts []int32
		want   []bool
	}{
		{[]string{"ming", "ping", "ling"}, []int32{40, 30, 25}, []bool{true, true, true}}, // syllables of Chinese given names
		{[]string{"henry", "jenry"}, []int32{341, 4}, []bool{true, false}},                // a typo a large set holds a few times
		{[]string{"william", "eilliam", "silliam"}, []int32{580, 5, 3}, []bool{true, false, false}},
		{[]string{"william", "williams"}, []int32{580, 99}, []bool{true, true}},     // a surname a letter from a given name
		{[]string{"andrei", "andrey"}, []int32{61, 3}, []bool{true, false}},         // more than 20 times as many
		{[]string{"andrei", "andrey"}, []int32{60, 3}, []bool{true, true}},          // a spelling enough write
		{[]string{"hu", "zhu", "u"}, []int32{30, 20, 50}, []bool{true, true, true}}, // short words too; one letter is no name's neighbour
		{[]string{"ivan", "ivana"}, []int32{2, 1}, []bool{false, false}},            // none held more than twice
		{[]string{"müller", "muller"}, []int32{3, 80}, []bool{false, true}},         // letters, not bytes
	} {
		if got := ownNameWords(c.tokens, c.counts); !slices.Equal(got, c.want) {
			t.Errorf("%v %v: %v, want %v", c.tokens, c.counts, got, c.want)
		}
	}
}

// TestSpellingCountsEdits: any token of four letters or more and one a
// single edit from it past its first letter (a letter changed, dropped or
// added, in any alphabet) count alike; two tokens three edits apart or
// more do not.
func TestSpellingCountsEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	letters := []rune("abcdefghijklmnopqrstuvwxyzñüöсергейفاطمة")
	word := func(n int) []rune {
		w := make([]rune, n)
		for i := range w {
			w[i] = letters[rng.IntN(len(letters))]
		}
		return w
	}
	for range 2000 {
		w := word(4 + rng.IntN(8))
		v := slices.Clone(w)
		at := 1 + rng.IntN(len(w)-1)
		switch rng.IntN(3) {
		case 0:
			v[at] = letters[rng.IntN(len(letters))]
		case 1:
			v = slices.Delete(v, at, at+1)
		default:
			v = slices.Insert(v, at, letters[rng.IntN(len(letters))])
		}
		if len(v) < 4 {
			continue
		}
		if got, _ := spellingCounts([]string{string(w), string(v)}, []int32{10, 1}); got[1] != 10 && string(v) != string(w) {
			t.Fatalf("%q, %q one edit apart: counts %v, want the second raised to 10", string(w), string(v), got)
		}
		u := word(len(w))
		u[0] = w[0]
		if compare.Levenshtein(string(w), string(u)) < 3 {
			continue
		}
		if got, _ := spellingCounts([]string{string(w), string(u)}, []int32{10, 1}); got[1] != 1 {
			t.Fatalf("%q, %q: counts %v, want the second left at 1", string(w), string(u), got)
		}
	}
}

// TestDateFrequencies checks the term frequencies of dates: a date many
// people hold (1 January 1860, as a source writes the year alone) weighs
// by its frequency; one person's copies, their names written with typos
// and parts left out, are one holder of their date, which weighs as the
// average date (frequency 0: the exact level's u), as do the dates held
// once.
func TestDateFrequencies(t *testing.T) {
	csv := "id,name,dob\n"
	for i := range 40 {
		csv += fmt.Sprintf("y%d,Gi%c%c Fa%c%c,1860-01-01\n", i, 'a'+i%26, 'a'+i/26, 'a'+i/26, 'a'+i%26)
	}
	for i, name := range []string{"Thomas Stanford", "Thomas Stanford", "Thomas Stanford", "Tom Stanford", "Thomas Stanfrod", "Thomas"} {
		csv += fmt.Sprintf("c%d,%s,1875-03-04\n", i, name)
	}
	for i := range 100 {
		csv += fmt.Sprintf("o%d,Go%c%c Fo%c%c,19%02d-%02d-%02d\n", i, 'a'+i%26, 'a'+i/26, 'a'+i/26, 'a'+i%26, 20+i/12, 1+i%12, 1+i%28)
	}
	vals, _ := nameValues(t, t.TempDir(), csv)
	dob := slices.IndexFunc(vals.comps, func(c *compare.Comparison) bool { return c.Spec.Feature == "dob" })
	if dob < 0 || !vals.comps[dob].Spec.TF {
		t.Fatalf("no date comparison with term frequencies among %d", len(vals.comps))
	}
	tf := vals.termFrequencies(dob)
	// Holders: 40 of 1860 (no two names share a word), one of 1875, 100
	// others: 141.
	want := map[string]float64{"1860-01-01": 39.0 / 141}
	if !maps.Equal(tf.values, want) {
		t.Errorf("values %v, want %v", tf.values, want)
	}
	keys := vals.keys[dob]
	for id := range keys.Len() {
		if key := keys.Key(uint32(id)); key != "1860-01-01" && id != 0 && vals.freq[dob][id] != 0 {
			t.Errorf("%s: frequency %v, want 0 (as the average date)", key, vals.freq[dob][id])
		}
	}
}

// TestNameHoldersDateTypos: the records of a name whose dates of birth
// are one digit apart (the year's last, the month's, the day's) are one
// person's copies, one holder of the name; a parent's and a junior's
// dates, decades apart, are two.
func TestNameHoldersDateTypos(t *testing.T) {
	csv := "id,name,dob\n" +
		"a1,Joseph Carpue,1764-05-04\n" +
		"a2,Joseph Carpue,1764-04-04\n" + // the month mistyped
		"a3,Joseph Carpue,1764-02-04\n" +
		"a4,Joseph Carpue,1765-05-04\n" + // the year's last digit
		"b1,Ann Lee,1950-06-18\n" + // three generations of one name
		"b2,Ann Lee,1970-06-18\n" +
		"b3,Ann Lee,1990-06-18\n"
	vals, name := nameValues(t, t.TempDir(), csv)
	tf := vals.termFrequencies(name)
	// Holders: Joseph Carpue 1, Ann Lee 3.
	if want := map[string]float64{"ann lee": 2.0 / 4}; !maps.Equal(tf.values, want) {
		t.Errorf("values %v, want %v", tf.values, want)
	}
}

// TestTypoTokenCompany: a word counted as its commoner spelling one edit
// away (SIDNSY as SIDNEY) weighs as that spelling does; the one name it
// is written in (SIDNSY PELHAM) says nothing of the company it keeps.
func TestTypoTokenCompany(t *testing.T) {
	csv := "id,name,dob\n"
	for i := range 30 {
		csv += fmt.Sprintf("s%d,Sidney Su%c%cson,19%02d-03-0%d\n", i, 'a'+i%26, 'a'+i/26, 30+i, 1+i%9)
	}
	for i := range 30 {
		csv += fmt.Sprintf("o%d,Ot%c%cer Fa%c%cley,19%02d-04-0%d\n", i, 'a'+i%26, 'a'+i/26, 'a'+i/26, 'a'+i%26, 30+i, 1+i%9)
	}
	csv += "x1,Sidnsy Pelham,1849-05-16\n"
	vals, name := nameValues(t, t.TempDir(), csv)
	tf := vals.termFrequencies(name)
	if a, b := tf.tokens["sidnsy"], tf.tokens["sidney"]; a == 0 || a != b {
		t.Errorf("sidnsy weighs %v, sidney %v: want alike", a, b)
	}
}
