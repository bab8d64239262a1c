package record

import (
	"encoding/json"
	"fmt"
	"testing"
	"unsafe"
)

// A facet name decoded from a stored value, made by MakeFacets and asked
// for by name is one string: one pointer, whatever its source.
func TestFacetNameShared(t *testing.T) {
	name := string([]byte("surname_phonetic")) // a copy of its own
	var decoded Facets
	if err := json.Unmarshal([]byte(`{"surname_phonetic":"SMT"}`), &decoded); err != nil {
		t.Fatal(err)
	}
	made := MakeFacets("surname_phonetic", "SMT")
	asked := FacetName(name)
	for _, s := range []string{decoded[0].Name, made[0].Name} {
		if unsafe.StringData(s) != unsafe.StringData(asked) {
			t.Errorf("%q is a string of its own, not the shared one", s)
		}
	}
	var legacy Facets // the slow path (an escape) shares too
	if err := json.Unmarshal([]byte(`{"surname_phonetic":"S\u004dT"}`), &legacy); err != nil || unsafe.StringData(legacy[0].Name) != unsafe.StringData(asked) {
		t.Errorf("escaped facets %+v (%v): name not shared", legacy, err)
	}
}

// Past maxFacetNames names, new ones are returned as they are.
func TestFacetNameBounded(t *testing.T) {
	before := facetNames.Load()
	t.Cleanup(func() { facetNames.Store(before) })
	for i := 0; i < 2*maxFacetNames; i++ {
		FacetName(fmt.Sprintf("bound-%d", i))
	}
	if n := len(*facetNames.Load()); n > maxFacetNames {
		t.Fatalf("%d names kept, bound %d", n, maxFacetNames)
	}
	late := string([]byte("bound-late"))
	if got := FacetName(late); got != late || unsafe.StringData(got) != unsafe.StringData(late) {
		t.Errorf("a name past the bound: got %q, want it as it was", got)
	}
}
