package record_test

import (
	"reflect"
	"testing"

	"github.com/concord-er/concord/record"
)

func TestKind(t *testing.T) {
	for _, k := range record.Kinds {
		if !k.Valid() {
			t.Errorf("%s.Valid() = false", k)
		}
	}
	if record.Kind("nam").Valid() {
		t.Error(`Kind("nam").Valid() = true`)
	}
}

func TestPairOrder(t *testing.T) {
	a := record.Key{Source: "a", ID: "9"}
	b := record.Key{Source: "b", ID: "1"}
	if got, want := record.NewPair(b, a), (record.Pair{A: a, B: b}); got != want {
		t.Errorf("NewPair(b, a) = %v, want %v", got, want)
	}
	c := record.Key{Source: "a", ID: "10"}
	if !c.Less(a) || a.Less(c) { // ids compare as strings
		t.Errorf("Less: %v < %v should hold", c, a)
	}
}

func TestValueFacet(t *testing.T) {
	v := record.Value{Norm: "juan garcia", Facets: record.MakeFacets("given", "juan", "surname", "garcia", "empty", "")}
	tests := map[string]string{"": "juan garcia", "norm": "juan garcia", "given": "juan", "missing": ""}
	for name, want := range tests {
		if got := v.Facet(name); got != want {
			t.Errorf("Facet(%q) = %q, want %q", name, got, want)
		}
	}
	if got, want := v.FacetNames(), []string{"given", "surname"}; !reflect.DeepEqual(got, want) {
		t.Errorf("FacetNames = %v, want %v", got, want)
	}
	r := record.Record{Features: []record.Feature{{Name: "dob"}, {Name: "name"}}}
	if f := r.Feature("name"); f == nil || f.Name != "name" {
		t.Errorf("Feature(name) = %v", f)
	}
	if f := r.Feature("x"); f != nil {
		t.Errorf("Feature(x) = %v, want nil", f)
	}
}

// A store's entity ids are keyed: the same key and secret give the same
// id, another secret another; the format is batch's.
func TestKeyedEntityID(t *testing.T) {
	k := record.Key{Source: "kyc", ID: "c-17"}
	a, b := record.KeyedEntityID([]byte("one"), k, 0), record.KeyedEntityID([]byte("two"), k, 0)
	if a != record.KeyedEntityID([]byte("one"), k, 0) || a == b || a == record.NewEntityID(k, 0) || a == record.KeyedEntityID([]byte("one"), k, 1) {
		t.Errorf("keyed ids: %s %s", a, b)
	}
	if len(a) != len(record.NewEntityID(k, 0)) || a[0] != 'E' {
		t.Errorf("keyed id %s is not in the form of %s", a, record.NewEntityID(k, 0))
	}
}
