package block

import (
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/record"
)

// TestKeyHasherMatchesRuleKeys: the hashes built without strings must be
// the hashes of ruleKeys' strings, in order, for single and multi-valued
// features, token facets, missing features and every key cap.
func TestKeyHasherMatchesRuleKeys(t *testing.T) {
	value := func(norm string) record.Value {
		first, _, _ := strings.Cut(norm, " ")
		return record.Value{Norm: norm, Tokens: strings.Fields(norm), Facets: record.MakeFacets("first", first)}
	}
	feature := func(name string, norms ...string) record.Feature {
		f := record.Feature{Name: name}
		for _, n := range norms {
			f.Values = append(f.Values, value(n))
		}
		return f
	}
	recs := []record.Record{
		{Features: []record.Feature{feature("name", "ana maria garcia"), feature("city", "leeds")}},
		{Features: []record.Feature{feature("name", "ana maria garcia", "ana garcia", "maria garcia lopez"), feature("city", "leeds", "york")}},
		{Features: []record.Feature{feature("name", "x y x")}}, // no city; a repeated token
		{Features: []record.Feature{feature("city", "")}},
	}
	var rs []Rule
	for _, terms := range [][]string{{"name"}, {"city"}, {"name.token"}, {"name.first", "city"}, {"name.token", "city", "name.token"}, {"city", "name"}} {
		r, err := ParseRule(terms)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	var kh keyHasher
	for i := range recs {
		for _, rule := range rs {
			for _, maxKeys := range []int{1, 2, 3, 64} {
				var want []uint64
				for _, k := range ruleKeys(&recs[i], rule, maxKeys) {
					want = append(want, hash(k))
				}
				if got := kh.hashes(&recs[i], rule, maxKeys); !slices.Equal(got, want) {
					t.Errorf("record %d, rule %s, max %d: hashes %v, want %v", i, rule, maxKeys, got, want)
				}
			}
		}
	}
	if hash("") != fnvOffset || hash("a") != 0xaf63dc4c8601ec8c {
		t.Errorf("hash is not FNV-1a: %x %x", hash(""), hash("a"))
	}
}
