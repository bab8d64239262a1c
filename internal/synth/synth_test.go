package synth_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/internal/synth"
)

func TestDeterministic(t *testing.T) {
	a := synth.Generate(synth.Options{Seed: 5, People: 300})
	b := synth.Generate(synth.Options{Seed: 5, People: 300})
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different data")
	}
	c := synth.Generate(synth.Options{Seed: 6, People: 300})
	if reflect.DeepEqual(a.People, c.People) {
		t.Error("different seeds, same data")
	}
}

func TestShape(t *testing.T) {
	ds := synth.Generate(synth.Options{Seed: 1, People: 3000})
	entities := map[string]int{}
	ids := map[string]bool{}
	sources := map[string]int{}
	var native, dropped, family int
	for _, p := range ds.People {
		entities[p.Entity]++
		key := p.Source + "/" + p.ID
		if ids[key] {
			t.Fatalf("duplicate record id %s", key)
		}
		ids[key] = true
		sources[p.Source]++
		for _, r := range p.Name {
			if r >= 0x0400 && r <= 0x06FF { // Cyrillic or Arabic script
				native++
				break
			}
		}
		if p.Name == "" {
			t.Errorf("record %s has no name", key)
		}
	}
	if n := len(entities); n != 3000 {
		t.Errorf("entities = %d, want 3000", n)
	}
	dups := 0
	for _, n := range entities {
		if n > 1 {
			dups++
		}
	}
	if share := float64(dups) / 3000; share < 0.25 || share > 0.35 {
		t.Errorf("share of duplicated people = %.3f, want about 0.3", share)
	}
	if len(sources) != 3 || native == 0 {
		t.Errorf("sources %v, records in native script %d", sources, native)
	}
	// Hard negatives: different people sharing a phone (families).
	byPhone := map[string]map[string]bool{}
	for _, p := range ds.People {
		ph := strings.NewReplacer(" ", "", "-", "", "+58", "0").Replace(p.Phone)
		if ph == "" {
			continue
		}
		if byPhone[ph] == nil {
			byPhone[ph] = map[string]bool{}
		}
		byPhone[ph][p.Entity] = true
	}
	for _, ents := range byPhone {
		if len(ents) > 1 {
			family++
		}
	}
	// Hispanic records with the maternal surname dropped exist.
	for _, p := range ds.People {
		if p.Source == synth.SourceRegistry && strings.Count(p.Name, " ") == 1 && !strings.ContainsAny(p.Name, "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ") {
			dropped++
		}
	}
	if family == 0 || dropped == 0 {
		t.Errorf("families sharing a phone %d, two-word names %d: hard cases missing", family, dropped)
	}
	if len(ds.Companies) < 300 {
		t.Errorf("companies = %d, want about 300 records", len(ds.Companies))
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	cfg, truth, err := synth.Write(dir, synth.Options{Seed: 2, People: 50})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(cfg, "concord.yaml") || !strings.HasSuffix(truth, "truth.csv") {
		t.Errorf("Write = %s, %s", cfg, truth)
	}
}

func TestHeteroDeterministicAndShaped(t *testing.T) {
	a := synth.GenerateHetero(synth.HeteroOptions{Seed: 2, People: 800})
	b := synth.GenerateHetero(synth.HeteroOptions{Seed: 2, People: 800})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different data")
	}
	sources, kinds, negatives := map[string]int{}, map[string]int{}, map[string]int{}
	for _, r := range a.Records {
		sources[r.Source]++
		kinds[r.Kind]++
		if r.Source == synth.SourcePayments && len(r.Fields["name"]) > 35 {
			t.Errorf("payment party %s name %q is over 35 characters", r.ID, r.Fields["name"])
		}
		if r.Source == synth.SourceSanctions && r.Nested == nil {
			t.Errorf("sanctions record %s is not nested", r.ID)
		}
	}
	for _, n := range a.Negatives {
		negatives[n.Kind]++
	}
	for _, s := range []string{synth.SourceKYC, synth.SourceFilings, synth.SourceSanctions, synth.SourcePayments} {
		if sources[s] == 0 {
			t.Errorf("no records in source %s", s)
		}
	}
	for _, k := range []string{synth.NegHousehold, synth.NegJunior, synth.NegNamesake, synth.NegOfficer, synth.NegCompany} {
		if negatives[k] == 0 {
			t.Errorf("no hard negatives of kind %s", k)
		}
	}
	if kinds[synth.KindPerson] == 0 || kinds[synth.KindOrganization] == 0 {
		t.Errorf("kinds = %v, want people and organisations", kinds)
	}
}
