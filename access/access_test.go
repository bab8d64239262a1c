package access

import (
	"errors"
	"testing"

	"github.com/concord-er/concord/record"
)

func policy(t *testing.T) *Policy {
	t.Helper()
	p, err := NewPolicy([]string{"internal", "restricted", "secret"}, map[string]Source{
		"registry":  {},
		"kyc":       {Label: "restricted", Sensitive: []string{"national_id", "dob"}},
		"watchlist": {Label: "internal"},
		"sar":       {Label: "secret"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestView(t *testing.T) {
	p := policy(t)
	for _, tc := range []struct {
		name      string
		clearance string
		purpose   string
		see       []string
		hidden    []string
		masked    bool // kyc's national_id masked
	}{
		{"no clearance", "", "case 17", []string{"registry"}, []string{"kyc", "watchlist", "sar", "unknown"}, true},
		{"internal", "internal", "case 17", []string{"registry", "watchlist"}, []string{"kyc", "sar"}, true},
		{"restricted", "restricted", "case 17", []string{"registry", "watchlist", "kyc"}, []string{"sar", "unknown"}, true},
		{"secret sees all, unmasked", "secret", "case 17", []string{"registry", "watchlist", "kyc", "sar"}, []string{"unknown"}, false},
		{"secret without a purpose", "secret", "", []string{"registry"}, []string{"kyc", "watchlist", "sar"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := p.View(Principal{ID: "p", Roles: []Role{RoleViewer}, Clearance: tc.clearance}, tc.purpose)
			for _, s := range tc.see {
				if !v.Source(s) || !v.Record(record.Key{Source: s, ID: "1"}) {
					t.Errorf("%s hidden", s)
				}
			}
			for _, s := range tc.hidden {
				if v.Source(s) {
					t.Errorf("%s visible", s)
				}
				if !v.Masked(s, "name") {
					t.Errorf("a hidden source's feature is not masked")
				}
			}
			if v.Source("kyc") && v.Masked("kyc", "national_id") != tc.masked {
				t.Errorf("kyc national_id masked = %v, want %v", v.Masked("kyc", "national_id"), tc.masked)
			}
			if v.Source("kyc") && v.Masked("kyc", "name") {
				t.Error("a feature not marked sensitive is masked")
			}
		})
	}
	if (View{}).Source("registry") {
		t.Error("the zero View sees a source")
	}
}

func TestMaskRecord(t *testing.T) {
	p := policy(t)
	v := p.View(Principal{ID: "p", Clearance: "restricted"}, "case 17")
	r := record.Record{Key: record.Key{Source: "kyc", ID: "9"}, Features: []record.Feature{
		{Name: "name", Raw: []string{"Ana"}, Values: []record.Value{{Norm: "ana"}}},
		{Name: "national_id", Raw: []string{"V-12.345.678", "P-99"}, Values: []record.Value{{Norm: "12345678"}}},
	}, Relations: []record.Relation{{Type: "associate", To: record.Key{Source: "sar", ID: "s1"}}, {Type: "associate", To: record.Key{Source: "watchlist", ID: "w1"}}}}
	m := v.MaskRecord(r)
	if len(m.Relations) != 1 || m.Relations[0].To.Source != "watchlist" {
		t.Errorf("relations shown %+v: want the one to a source the view holds", m.Relations)
	}
	if m.Features[0].Raw[0] != "Ana" || len(m.Features[0].Values) != 1 {
		t.Errorf("name masked: %+v", m.Features[0])
	}
	if m.Features[1].Raw[0] != Mask || m.Features[1].Raw[1] != Mask || m.Features[1].Values != nil {
		t.Errorf("national_id shown: %+v", m.Features[1])
	}
	if r.Features[1].Raw[0] != "V-12.345.678" {
		t.Error("MaskRecord changed its argument")
	}
}

func TestCan(t *testing.T) {
	p := policy(t)
	for _, tc := range []struct {
		roles []Role
		op    Op
		want  bool
	}{
		{[]Role{RoleViewer}, OpRead, true},
		{[]Role{RoleViewer}, OpMatch, false},
		{[]Role{RoleAnalyst}, OpMatch, true},
		{[]Role{RoleReviewer}, OpDecide, true},
		{[]Role{RoleAnalyst}, OpDecide, false},
		{[]Role{RoleWriter}, OpWrite, true},
		{[]Role{RoleWriter}, OpRead, false},
		{[]Role{RoleAdmin}, OpAudit, true},
		{[]Role{RoleViewer, RoleWriter}, OpWrite, true},
		{nil, OpRead, false},
	} {
		if got := p.Can(Principal{ID: "x", Roles: tc.roles}, tc.op); got != tc.want {
			t.Errorf("%v %s = %v, want %v", tc.roles, tc.op, got, tc.want)
		}
	}
}

func TestPolicyErrors(t *testing.T) {
	for name, fn := range map[string]func() error{
		"duplicate label": func() error { _, err := NewPolicy([]string{"a", "a"}, nil); return err },
		"empty label":     func() error { _, err := NewPolicy([]string{""}, nil); return err },
		"unknown label": func() error {
			_, err := NewPolicy([]string{"a"}, map[string]Source{"s": {Label: "b"}})
			return err
		},
		"unknown role":      func() error { return policy(t).Check(Principal{ID: "x", Roles: []Role{"root"}}) },
		"unknown clearance": func() error { return policy(t).Check(Principal{ID: "x", Clearance: "top"}) },
	} {
		if err := fn(); !errors.Is(err, ErrPolicy) {
			t.Errorf("%s: %v, want ErrPolicy", name, err)
		}
	}
	// With no labels at all, every source is open.
	p, err := NewPolicy(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !p.View(Principal{ID: "x"}, "").Source("anything") {
		t.Error("an unlabelled deployment hides a source")
	}
}

func TestEverything(t *testing.T) {
	if !Everything.Source("any") || Everything.Masked("kyc", "national_id") {
		t.Error("Everything hides or masks")
	}
}

func TestViewKey(t *testing.T) {
	p := policy(t)
	view := func(id, clearance string) View {
		return p.View(Principal{ID: id, Roles: []Role{RoleViewer}, Clearance: clearance}, "case 7")
	}
	if view("a", "restricted").Key() != view("b", "restricted").Key() {
		t.Error("two principals of one clearance: different keys")
	}
	keys := map[string]string{}
	for _, c := range []string{"", "internal", "restricted", "secret"} {
		k := view("a", c).Key()
		if other, dup := keys[k]; dup {
			t.Errorf("clearances %q and %q see different records but share the key %q", other, c, k)
		}
		keys[k] = c
	}
	if Everything.Key() == view("a", "secret").Key() {
		t.Error("Everything shares its key with a policy's view")
	}
}
