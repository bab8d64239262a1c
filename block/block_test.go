package block_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/record"
)

// rec builds a record with single-valued features given as name=value;
// a value "a|b" is multi-valued, and facet "year" is the first 4 chars.
func rec(source, id string, fields ...string) record.Record {
	r := record.Record{Key: record.Key{Source: source, ID: id}}
	for _, f := range fields {
		var name, val string
		for i := range f {
			if f[i] == '=' {
				name, val = f[:i], f[i+1:]
				break
			}
		}
		feat := record.Feature{Name: name}
		for _, v := range splitBar(val) {
			y := v
			if len(y) > 4 {
				y = y[:4]
			}
			feat.Values = append(feat.Values, record.Value{Norm: v, Tokens: []string{v}, Facets: record.Facets{{Name: "year", Value: y}}})
		}
		r.Features = append(r.Features, feat)
	}
	return r
}

func splitBar(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '|' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

func rules(t *testing.T, rs ...[]string) []block.Rule {
	var out []block.Rule
	for _, r := range rs {
		rule, err := block.ParseRule(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rule)
	}
	return out
}

type tagged struct {
	A, B int32
	Rule int
}

// allPairs returns the pairs of ix, checking that Candidates gives the
// same pairs in the same order as Pairs.
func allPairs(t *testing.T, ix *block.Index) []tagged {
	t.Helper()
	var out []tagged
	ix.Pairs(func(a, b int32, r int) bool { out = append(out, tagged{a, b, r}); return true })
	cands := ix.Candidates()
	if len(cands) != len(out) {
		t.Fatalf("Candidates has %d pairs, Pairs %d", len(cands), len(out))
	}
	for i, c := range cands {
		if (tagged{c.A, c.B, int(c.Rule)}) != out[i] {
			t.Fatalf("Candidates[%d] = %v, Pairs gives %v", i, c, out[i])
		}
	}
	return out
}

func TestPairsOnceWithFirstRule(t *testing.T) {
	recs := []record.Record{
		rec("s", "0", "name=ana", "dob=19900101"),
		rec("s", "1", "name=ana", "dob=19900101"),
		rec("s", "2", "name=ana", "dob=19850101"),
		rec("s", "3", "name=bo", "dob=19900101"),
		rec("s", "4", "dob=19900101"),
	}
	ix := block.Build(recs, rules(t, []string{"name"}, []string{"dob"}), block.Options{})
	got := allPairs(t, ix)
	// rule 0 (name): 0-1, 0-2, 1-2; rule 1 (dob): 0-3, 0-4, 1-3, 1-4, 3-4 (0-1 already found).
	want := []tagged{{0, 1, 0}, {0, 2, 0}, {1, 2, 0}, {0, 3, 1}, {0, 4, 1}, {1, 3, 1}, {1, 4, 1}, {3, 4, 1}}
	if !sameSet(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
	per, total := ix.Count()
	if !reflect.DeepEqual(per, []int64{3, 5}) || total != 8 {
		t.Errorf("Count = %v %d", per, total)
	}
	var r1 int
	ix.RulePairs(1, func(a, b int32) bool { r1++; return true })
	if r1 != 6 {
		t.Errorf("RulePairs(dob) = %d pairs, want 6 (training set includes 0-1)", r1)
	}
}

func TestMultiValuedAndFacets(t *testing.T) {
	recs := []record.Record{
		rec("s", "0", "name=ana|anita", "dob=19900101"),
		rec("s", "1", "name=anita", "dob=19901231"),
		rec("s", "2", "name=ana|anita", "dob=19900505"), // shares two keys with 0: one pair
		rec("s", "3", "name=anita", "dob=20010101"),
	}
	ix := block.Build(recs, rules(t, []string{"name", "dob.year"}), block.Options{})
	want := []tagged{{0, 1, 0}, {0, 2, 0}, {1, 2, 0}}
	if got := allPairs(t, ix); !sameSet(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
}

func TestLinkOnly(t *testing.T) {
	recs := []record.Record{rec("a", "0", "n=x"), rec("a", "1", "n=x"), rec("b", "0", "n=x"), rec("b", "1", "n=y")}
	ix := block.Build(recs, rules(t, []string{"n"}), block.Options{LinkOnly: true})
	want := []tagged{{0, 2, 0}, {1, 2, 0}}
	if got := allPairs(t, ix); !sameSet(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
}

func TestKindsNeverPaired(t *testing.T) {
	recs := []record.Record{rec("a", "0", "n=x"), rec("a", "1", "n=x"), rec("b", "0", "n=x"), rec("b", "1", "n=x")}
	recs[0].Kind, recs[1].Kind, recs[2].Kind = record.EntityPerson, record.EntityOrganization, record.EntityPerson
	ix := block.Build(recs, rules(t, []string{"n"}), block.Options{})
	// 0-1 and 1-2 pair a person with an organisation; 3 is unknown.
	want := []tagged{{0, 2, 0}, {0, 3, 0}, {1, 3, 0}, {2, 3, 0}}
	if got := allPairs(t, ix); !sameSet(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
}

func TestWordPairs(t *testing.T) {
	name := func(id, norm string) record.Record {
		r := record.Record{Key: record.Key{Source: "s", ID: id}}
		toks := strings.Fields(norm)
		r.Features = []record.Feature{{Name: "n", Values: []record.Value{{Norm: norm, Tokens: toks, Facets: record.Facets{{Name: "phonetic", Value: norm}}}}}}
		return r
	}
	recs := []record.Record{
		name("0", "jose garcia lopez"),
		name("1", "garcia jose"), // shares jose+garcia with 0
		name("2", "lopez maria"), // shares only lopez
		name("3", "maria lopez"), // shares lopez+maria with 2
		name("4", "jose"),        // one word: its own key
		name("5", "jose jose"),   // one distinct word
	}
	for _, facet := range []string{"phonetic_pairs", "token_pairs"} {
		ix := block.Build(recs, rules(t, []string{"n." + facet}), block.Options{})
		want := []tagged{{0, 1, 0}, {2, 3, 0}, {4, 5, 0}}
		if got := allPairs(t, ix); !sameSet(got, want) {
			t.Errorf("%s: pairs = %v, want %v", facet, got, want)
		}
	}
}

func TestCappedBlock(t *testing.T) {
	var recs []record.Record
	for i := range 6 {
		recs = append(recs, rec("s", fmt.Sprint(i), "n=unknown", "p=x"+fmt.Sprint(i%2), "q="+fmt.Sprint(i)))
	}
	ix := block.Build(recs, rules(t, []string{"n"}, []string{"p"}), block.Options{MaxBlock: 5})
	if len(ix.Capped) != 1 || ix.Capped[0].Records != 6 || ix.Capped[0].Key != "unknown" || ix.Capped[0].Rule != 0 {
		t.Fatalf("Capped = %+v", ix.Capped)
	}
	if len(ix.Collapsed) != 0 || ix.CopyOf() != nil || ix.CopyPairs() != 0 {
		t.Errorf("records that differ read as copies: %+v", ix.Collapsed)
	}
	per, total := ix.Count()
	if per[0] != 0 || per[1] != 6 || total != 6 {
		t.Errorf("Count = %v %d, want [0 6] 6", per, total)
	}
	if ix.Shares(0, 0, 1) {
		t.Error("Shares reports a pair from a capped block")
	}
}

// A block over the cap that copies fill is read as copies: the first of
// each set of copies are paired, and each other copy with its first,
// unless another rule pairs them.
func TestBlockOfCopies(t *testing.T) {
	var recs []record.Record
	add := func(source, id string, fields ...string) {
		recs = append(recs, rec(source, id, fields...))
	}
	for i := range 6 { // one payee in six payments: 0..5
		add("pay", fmt.Sprint("p", i), "n=acme", "acct=1")
	}
	for i := range 3 { // another, in three, of its own account: 6..8
		add("pay", fmt.Sprint("q", i), "n=acme", "acct=2")
	}
	add("reg", "r", "n=acme", "acct=9") // 9: the company in a registry
	add("pay", "z", "n=acme", "acct=3") // 10: alone
	add("kyc", "k", "n=acme", "acct=9") // 11: as 9, but of another source
	ix := block.Build(recs, rules(t, []string{"n"}, []string{"acct"}), block.Options{MaxBlock: 5})
	if len(ix.Capped) != 0 || len(ix.Collapsed) != 2 {
		t.Fatalf("Capped = %+v, Collapsed = %+v; want the blocks of n and acct=1 read as copies", ix.Capped, ix.Collapsed)
	}
	if c := ix.Collapsed[0]; c.Rule != 0 || c.Key != "acme" || c.Records != 12 {
		t.Errorf("Collapsed[0] = %+v", c)
	}
	wantFirst := []int32{0, 0, 0, 0, 0, 0, 6, 6, 6, 9, 10, 11}
	if got := ix.CopyOf(); !reflect.DeepEqual(got, wantFirst) {
		t.Fatalf("CopyOf = %v, want %v (records of another source are not copies)", got, wantFirst)
	}
	type pr struct{ a, b, rule int32 }
	var got []pr
	ix.Pairs(func(a, b int32, rule int) bool {
		got = append(got, pr{a, b, int32(rule)})
		return true
	})
	want := []pr{
		// the first copies, by name
		{0, 6, 0}, {0, 9, 0}, {0, 10, 0}, {0, 11, 0}, {6, 9, 0}, {6, 10, 0}, {6, 11, 0}, {9, 10, 0}, {9, 11, 0}, {10, 11, 0},
		// acct=2 is a block of three under the cap: its pairs are the rule's
		{6, 7, 1}, {6, 8, 1}, {7, 8, 1},
		// acct=1 over the cap: 1..5 with 0, as copy pairs of the first rule that hid them
		{0, 1, 0}, {0, 2, 0}, {0, 3, 0}, {0, 4, 0}, {0, 5, 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Pairs =\n%v\nwant\n%v", got, want)
	}
	if n := ix.CopyPairs(); n != 5 {
		t.Errorf("CopyPairs = %d, want 5", n)
	}
	if c := ix.Candidates(); len(c) != len(want) || c[len(c)-1] != (block.Pair{A: 0, B: 5, Rule: 0}) {
		t.Errorf("Candidates = %v, want the pairs with the copy pairs last", c)
	}
	for _, tc := range []struct {
		a, b   int32
		shares bool // some rule produces the pair
		comp   bool // compared, through copies if not
	}{
		{0, 6, true, true},
		{1, 2, false, true},  // copies of 0, each paired with it
		{1, 6, false, true},  // 1 is 0's copy, and 0 is paired with 6
		{7, 8, true, true},   // acct=2
		{1, 7, false, true},  // 0 and 6
		{9, 11, true, true},  // first copies of their own
		{2, 10, false, true}, // 0 and 10
	} {
		shares := ix.Shares(0, tc.a, tc.b) || ix.Shares(1, tc.a, tc.b)
		if shares != tc.shares || ix.Compared(tc.a, tc.b) != tc.comp {
			t.Errorf("%d,%d: Shares %v Compared %v, want %v %v", tc.a, tc.b, shares, ix.Compared(tc.a, tc.b), tc.shares, tc.comp)
		}
	}
}

// Copies beyond the cap are skipped as before when linking only (copies
// of one source cannot be paired), and when the block holds more distinct
// records than the cap.
func TestBlockOfCopiesSkipped(t *testing.T) {
	var recs []record.Record
	for i := range 8 {
		recs = append(recs, rec("s", fmt.Sprint(i), "n=acme", "q="+fmt.Sprint(i%6)))
	}
	for _, tc := range []struct {
		name string
		opt  block.Options
	}{
		{"linking only", block.Options{MaxBlock: 6, LinkOnly: true}},
		{"more distinct records than the cap", block.Options{MaxBlock: 5}},
	} {
		ix := block.Build(recs, rules(t, []string{"n"}), tc.opt)
		if len(ix.Capped) != 1 || len(ix.Collapsed) != 0 || ix.CopyPairs() != 0 {
			t.Errorf("%s: Capped %+v Collapsed %+v copy pairs %d", tc.name, ix.Capped, ix.Collapsed, ix.CopyPairs())
		}
		if _, total := ix.Count(); total != 0 {
			t.Errorf("%s: %d pairs", tc.name, total)
		}
	}
}

func TestParseRule(t *testing.T) {
	r, err := block.ParseRule([]string{"full_name.phonetic", "dob.year"})
	if err != nil || r.String() != "[full_name.phonetic, dob.year]" {
		t.Errorf("ParseRule = %v, %v", r, err)
	}
	for _, bad := range [][]string{nil, {".x"}} {
		if _, err := block.ParseRule(bad); err == nil {
			t.Errorf("ParseRule(%q) succeeded", bad)
		}
	}
}

func sameSet(a, b []tagged) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[tagged]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

// Keys must agree with the batch index: two records share a key of rule r
// exactly when Index.Shares says rule r pairs them, and keys of different
// rules never collide.
func TestKeysAgreeWithIndex(t *testing.T) {
	recs := []record.Record{
		rec("s", "1", "name=ana", "dob=19900101"),
		rec("s", "2", "name=ana|anna", "dob=19911231"),
		rec("s", "3", "name=anna", "dob=19900101"),
		rec("s", "4", "dob=19900101"),
		rec("s", "5", "name=bob"),
	}
	rules := []block.Rule{
		{Terms: []block.Term{{Feature: "name"}}},
		{Terms: []block.Term{{Feature: "dob", Facet: "year"}}},
		{Terms: []block.Term{{Feature: "name"}, {Feature: "dob", Facet: "year"}}},
	}
	ix := block.Build(recs, rules, block.Options{})
	keys := make([][][]uint64, len(recs))
	for i := range recs {
		keys[i] = block.Keys(&recs[i], rules, 0)
	}
	shares := func(a, b []uint64) bool {
		for _, x := range a {
			for _, y := range b {
				if x == y {
					return true
				}
			}
		}
		return false
	}
	for a := range recs {
		for b := a + 1; b < len(recs); b++ {
			for r := range rules {
				got, want := shares(keys[a][r], keys[b][r]), ix.Shares(r, int32(a), int32(b))
				if got != want {
					t.Errorf("records %d,%d rule %s: Keys share = %v, Index.Shares = %v", a, b, rules[r], got, want)
				}
				for r2 := range rules {
					if r2 != r && shares(keys[a][r], keys[b][r2]) {
						t.Errorf("records %d,%d: a key of rule %d equals a key of rule %d", a, b, r, r2)
					}
				}
			}
		}
	}
	if len(keys[4][1]) != 0 || len(keys[3][0]) != 0 {
		t.Errorf("a record without a term's feature has keys under that rule: %v %v", keys[4][1], keys[3][0])
	}
}

// TestDigits pairs identifiers whose digits are the same, whatever letters
// of their type one writes and another does not, and only those of six
// digits or more; live keys agree.
func TestDigits(t *testing.T) {
	id := func(n, norm string) record.Record {
		return record.Record{Key: record.Key{Source: "s", ID: n},
			Features: []record.Feature{{Name: "id", Values: []record.Value{{Norm: norm, Tokens: []string{norm}}}}}}
	}
	recs := []record.Record{
		id("0", "PJ61566600"),
		id("1", "J61566600"), // the type letter dropped
		id("2", "61566600"),  // no letters at all
		id("3", "J61566601"), // another number
		id("4", "AB12345"),   // five digits: no key
		id("5", "XY12345"),
	}
	rs := rules(t, []string{"id." + block.FacetDigits})
	ix := block.Build(recs, rs, block.Options{})
	if got, want := allPairs(t, ix), []tagged{{0, 1, 0}, {0, 2, 0}, {1, 2, 0}}; !sameSet(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
	k0, k2, k3 := block.Keys(&recs[0], rs, 16), block.Keys(&recs[2], rs, 16), block.Keys(&recs[3], rs, 16)
	if !reflect.DeepEqual(k0, k2) || reflect.DeepEqual(k0, k3) || len(block.Keys(&recs[4], rs, 16)[0]) != 0 {
		t.Errorf("live keys: %v %v %v", k0, k2, k3)
	}
}

// TestLetters pairs names whose letters are the same, whatever their
// spacing and word order, and checks that live keys agree.
func TestLetters(t *testing.T) {
	name := func(id, norm string) record.Record {
		return record.Record{Key: record.Key{Source: "s", ID: id},
			Features: []record.Feature{{Name: "n", Values: []record.Value{{Norm: norm, Tokens: strings.Fields(norm)}}}}}
	}
	recs := []record.Record{
		name("0", "cho ji hoon"),
		name("1", "jihoon cho"), // the same letters
		name("2", "cho jihun"),  // one letter differs
		name("3", "kim seo yeon"),
		name("4", "seoyeon kim"),
	}
	rs := rules(t, []string{"n." + block.FacetLetters})
	ix := block.Build(recs, rs, block.Options{})
	if got, want := allPairs(t, ix), []tagged{{0, 1, 0}, {3, 4, 0}}; !sameSet(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
	k0, k1, k2 := block.Keys(&recs[0], rs, 16), block.Keys(&recs[1], rs, 16), block.Keys(&recs[2], rs, 16)
	if !reflect.DeepEqual(k0, k1) || reflect.DeepEqual(k0, k2) {
		t.Errorf("live keys: %v %v %v", k0, k1, k2)
	}
}

// TestGivenInitial pairs names whose surnames sound alike and whose first
// given names start alike, however many given names or initials each
// writes, or are forms of names in full that start alike (Bill, Liam,
// William; Peggy, Margaret), and checks that live keys agree.
func TestGivenInitial(t *testing.T) {
	name := func(id, given, surnamePh string) record.Record {
		return record.Record{Key: record.Key{Source: "s", ID: id}, Features: []record.Feature{{Name: "n",
			Values: []record.Value{{Norm: given, Facets: record.MakeFacets("given", given, "surname_phonetic", surnamePh)}}}}}
	}
	recs := []record.Record{
		name("0", "l", "TLR"),     // L TAYLOR
		name("1", "linda", "TLR"), // Linda Barbara Taylor
		name("2", "barbara", "TLR"),
		name("3", "linda", "SM0"),
		name("4", "ólafur", "TLR"), // a letter of two bytes
		name("5", "óli", "TLR"),
		name("6", "", "TLR"), // no given name: no key
		name("7", "bill", "SMT"),
		name("8", "william henry", "SMT"),
		name("9", "liam", "SMT"),
		name("10", "elizabeth", "SMT"), // Bill's and Liam's forms start with neither e nor b
		name("11", "peggy", "JNS"),
		name("12", "margaret", "JNS"),
	}
	rs := rules(t, []string{"n.surname_phonetic", "n." + block.FacetGivenInitial})
	ix := block.Build(recs, rs, block.Options{})
	if got, want := allPairs(t, ix), []tagged{{0, 1, 0}, {4, 5, 0}, {7, 8, 0}, {7, 9, 0}, {8, 9, 0}, {11, 12, 0}}; !sameSet(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
	k0, k1, k2 := block.Keys(&recs[0], rs, 16), block.Keys(&recs[1], rs, 16), block.Keys(&recs[2], rs, 16)
	if !reflect.DeepEqual(k0, k1) || reflect.DeepEqual(k0, k2) || len(block.Keys(&recs[6], rs, 16)[0]) != 0 {
		t.Errorf("live keys: %v %v %v", k0, k1, k2)
	}
	bill, william, elizabeth := block.Keys(&recs[7], rs, 16)[0], block.Keys(&recs[8], rs, 16)[0], block.Keys(&recs[10], rs, 16)[0]
	if !slices.ContainsFunc(bill, func(k uint64) bool { return slices.Contains(william, k) }) ||
		slices.ContainsFunc(bill, func(k uint64) bool { return slices.Contains(elizabeth, k) }) {
		t.Errorf("live keys: bill %v, william henry %v, elizabeth %v", bill, william, elizabeth)
	}
}

// TestAcronyms pairs names that share a word of their facet "acronyms",
// each word a key of its own, and checks that live keys agree.
func TestAcronyms(t *testing.T) {
	name := func(id, acronyms string) record.Record {
		return record.Record{Key: record.Key{Source: "s", ID: id}, Features: []record.Feature{{Name: "n",
			Values: []record.Value{{Norm: id, Facets: record.MakeFacets("acronyms", acronyms)}}}}}
	}
	recs := []record.Record{
		name("0", "pdv pdvsa pvsa sapdv sapv"), // Petróleos de Venezuela S.A.
		name("1", "pdvsa"),                     // PDVSA
		name("2", "pdv pdvsa"),                 // P.D.V.S.A.
		name("3", "cantdv cantv ntdv ntdvca ntv ntvca"),
		name("4", "cantv"),
		name("5", ""), // a person: no key
		name("6", "ibm"),
	}
	rs := rules(t, []string{"n." + block.FacetAcronyms})
	ix := block.Build(recs, rs, block.Options{})
	if got, want := allPairs(t, ix), []tagged{{0, 1, 0}, {0, 2, 0}, {1, 2, 0}, {3, 4, 0}}; !sameSet(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
	k0, k1, k6 := block.Keys(&recs[0], rs, 16), block.Keys(&recs[1], rs, 16), block.Keys(&recs[6], rs, 16)
	if len(k0[0]) != 5 || !slices.Contains(k0[0], k1[0][0]) || slices.Contains(k0[0], k6[0][0]) || len(block.Keys(&recs[5], rs, 16)[0]) != 0 {
		t.Errorf("live keys: %v %v %v", k0, k1, k6)
	}
}

// TestCopiesOf: copies are records of one source, kind and label whose
// values, tokens and facets are all alike; the first of each set is its
// earliest record. Records whose norms agree but whose tokens or facets do
// not hash alike and are told apart, however many share the hash.
func TestCopiesOf(t *testing.T) {
	withFacet := func(src, id, norm, facet string) record.Record {
		return record.Record{Key: record.Key{Source: src, ID: id}, Features: []record.Feature{{Name: "n",
			Values: []record.Value{{Norm: norm, Tokens: []string{norm}, Facets: record.Facets{{Name: "f", Value: facet}}}}}}}
	}
	tests := []struct {
		name string
		recs []record.Record
		want []int32 // nil: no copies
	}{
		{"none", []record.Record{withFacet("s", "0", "a", "1"), withFacet("s", "1", "b", "1")}, nil},
		{"a pair", []record.Record{withFacet("s", "0", "a", "1"), withFacet("s", "1", "a", "1")}, []int32{0, 0}},
		{"other sources", []record.Record{withFacet("s", "0", "a", "1"), withFacet("t", "1", "a", "1")}, nil},
		{"facets differ under one norm", []record.Record{
			withFacet("s", "0", "a", "1"), withFacet("s", "1", "a", "2"), withFacet("s", "2", "a", "3"),
			withFacet("s", "3", "a", "2"), withFacet("s", "4", "a", "1"), withFacet("s", "5", "a", "3"),
		}, []int32{0, 1, 2, 1, 0, 2}},
		{"kinds differ", func() []record.Record {
			a, b := withFacet("s", "0", "a", "1"), withFacet("s", "1", "a", "1")
			b.Kind = record.EntityOrganization
			return []record.Record{a, b}
		}(), nil},
		{"tokens differ", func() []record.Record {
			a, b, c := withFacet("s", "0", "a b", "1"), withFacet("s", "1", "a b", "1"), withFacet("s", "2", "a b", "1")
			b.Features[0].Values[0].Tokens = []string{"a", "b"}
			c.Features[0].Values[0].Tokens = []string{"a", "b"}
			return []record.Record{a, b, c}
		}(), []int32{0, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := block.CopiesOf(tt.recs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CopiesOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkCopiesOf(b *testing.B) {
	recs := make([]record.Record, 100000)
	for i := range recs {
		// one record in a hundred is a copy of the one before it
		recs[i] = customer(fmt.Sprint(i), i-i%100/99)
	}
	b.ReportAllocs()
	for b.Loop() {
		if block.CopiesOf(recs) == nil {
			b.Fatal("no copies found")
		}
	}
}

// customer is a record of the values, tokens and facets a customer's row
// normalises to (a party's name, a date of birth, an address, a phone),
// with numbers from n.
func customer(id string, n int) record.Record {
	v := func(norm string, facets ...string) record.Value {
		val := record.Value{Norm: norm, Tokens: strings.Fields(norm)}
		for i := 0; i+1 < len(facets); i += 2 {
			val.Facets = append(val.Facets, record.Facet{Name: facets[i], Value: facets[i+1]})
		}
		return val
	}
	given, surname := fmt.Sprintf("maria%d elena", n%997), fmt.Sprintf("garcia%d lopez", n)
	dob := fmt.Sprintf("19%02d-%02d-%02d", 40+n%60, 1+n%12, 1+n%28)
	return record.Record{Key: record.Key{Source: "bank", ID: id}, Kind: record.EntityPerson, Features: []record.Feature{
		{Name: "name", Values: []record.Value{v(given+" "+surname, "first", given[:6], "given", given, "given_phonetic", "MR",
			"initials", "megl", "last", "lopez", "party", "person", "phonetic", "MR ELN KRS LPS", "sorted", surname+" "+given,
			"surname", surname, "surname_phonetic", "KRS LPS", "surnames", surname)}},
		{Name: "dob", Values: []record.Value{v(dob, "day", dob, "month", dob[:7], "monthday", dob[5:], "precision", "day", "year", dob[:4])}},
		{Name: "address", Values: []record.Value{v(fmt.Sprintf("calle %d 12 34 caracas", n%5000), "number", "12", "start", fmt.Sprintf("12 calle %d", n%5000), "street", fmt.Sprintf("calle %d", n%5000))}},
		{Name: "phone", Values: []record.Value{v(fmt.Sprintf("+58412%07d", n), "national", fmt.Sprintf("0412%07d", n), "region", "VE")}},
	}}
}
