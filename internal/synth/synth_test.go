package synth_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

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

// TestHeteroMessyBankForms: the messy set holds the plain set's records in
// the same order, some payment parties written in banks' forms: a
// person's surnames before the initials of the given names, a company's
// name before the person for whose attention the payment is.
func TestHeteroMessyBankForms(t *testing.T) {
	plain, messy := plainAndVariant(t, synth.HeteroOptions{Messy: true})
	forms := map[string]int{}
	for i, m := range messy.Records {
		p := plain.Records[i]
		name, was := m.Fields["name"], p.Fields["name"]
		switch {
		case slices.Contains(m.Variations, "payment_initials"):
			forms["payment_initials"]++
			sur, given, _ := strings.Cut(was, "/")
			var want []string
			for _, w := range strings.Fields(given) {
				if w != "MR" && w != "MRS" && w != "MS" {
					want = append(want, w[:1])
				}
			}
			if name != sur+" "+strings.Join(want, " ") {
				t.Errorf("%s: %q written %q, want its surnames before its initials", m.ID, was, name)
			}
		case slices.Contains(m.Variations, "attn"):
			forms["attn"]++
			if m.Kind != synth.KindOrganization || !strings.Contains(name, was+" ATTN") && !strings.Contains(name, was+" FAO") {
				t.Errorf("%s (%s): %q written %q, want the name before ATTN or FAO", m.ID, m.Kind, was, name)
			}
		}
	}
	if forms["payment_initials"] == 0 || forms["attn"] == 0 {
		t.Errorf("bank forms written: %v, want both", forms)
	}
}

// TestHeteroRomanisations: with Romanisations, a third of East Asian
// people's records write their family name as another romanisation does,
// one word changed and the rest as without it; no other record changes.
func TestHeteroRomanisations(t *testing.T) {
	plain, other := plainAndVariant(t, synth.HeteroOptions{Romanisations: true})
	eastAsian, changed := 0, 0
	for i, o := range other.Records {
		p := plain.Records[i]
		if o.Origin == "east_asian" {
			eastAsian++
		}
		was, name := p.Fields["nombre"]+p.Fields["name"], o.Fields["nombre"]+o.Fields["name"]
		if n, ok := o.Nested["name"].(string); ok {
			was, name = p.Nested["name"].(string), n
		}
		if !slices.Contains(o.Variations, "romanisation") {
			if name != was {
				t.Errorf("%s: %q written %q without the variation", o.ID, was, name)
			}
			continue
		}
		changed++
		if o.Origin != "east_asian" {
			t.Errorf("%s (%s): romanised", o.ID, o.Origin)
		}
		wa, wb := strings.FieldsFunc(was, notLetter), strings.FieldsFunc(name, notLetter)
		diff := 0
		for j := range min(len(wa), len(wb)) {
			if wa[j] != wb[j] {
				diff++
			}
		}
		if len(wa) != len(wb) || diff != 1 {
			t.Errorf("%s: %q written %q, want one word another romanisation's", o.ID, was, name)
		}
	}
	if eastAsian == 0 || changed < eastAsian/6 || changed > eastAsian/2 {
		t.Errorf("%d of %d East Asian records romanised otherwise, want about a third", changed, eastAsian)
	}
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// plainAndVariant generates the heterogeneous set of seed 3 and 1,500
// people plainly and with the variant opt sets, and fails t unless the two
// hold the same records (ids and entities) in the same order: a variant
// rewrites values, drawn without the generator, and adds no record.
func plainAndVariant(t *testing.T, opt synth.HeteroOptions) (plain, variant *synth.HeteroSet) {
	t.Helper()
	opt.Seed, opt.People = 3, 1500
	plain = synth.GenerateHetero(synth.HeteroOptions{Seed: opt.Seed, People: opt.People})
	variant = synth.GenerateHetero(opt)
	if len(plain.Records) != len(variant.Records) {
		t.Fatalf("%d records plain, %d in the variant", len(plain.Records), len(variant.Records))
	}
	for i, v := range variant.Records {
		if p := plain.Records[i]; v.ID != p.ID || v.Entity != p.Entity {
			t.Fatalf("record %d: %s of %s in the variant, %s of %s plain", i, v.ID, v.Entity, p.ID, p.Entity)
		}
	}
	return plain, variant
}

// TestHeteroAcronyms: with Acronyms, some companies' KYC rows and
// payments write their initials, and their sanctions entries give them as
// an alias; no other record changes.
func TestHeteroAcronyms(t *testing.T) {
	plain, short := plainAndVariant(t, synth.HeteroOptions{Acronyms: true})
	written := map[string]int{}
	for i, o := range short.Records {
		p := plain.Records[i]
		was, name := p.Fields["nombre"]+p.Fields["name"], o.Fields["nombre"]+o.Fields["name"]
		if o.Nested != nil {
			was, name = fmt.Sprint(p.Nested["aliases"]), fmt.Sprint(o.Nested["aliases"])
		}
		if !slices.Contains(o.Variations, "acronym") {
			if name != was {
				t.Errorf("%s: %q written %q without the variation", o.ID, was, name)
			}
			continue
		}
		written[o.Source]++
		if o.Kind != synth.KindOrganization || name == was {
			t.Errorf("%s (%s): %q written %q as an acronym", o.ID, o.Kind, was, name)
		}
		if o.Nested == nil {
			acr, _, _ := strings.Cut(name, " ")
			if len(acr) < 3 || acr != strings.ToUpper(acr) || len(strings.Fields(name)) > 2 {
				t.Errorf("%s: %q is no acronym", o.ID, name)
			}
		}
	}
	for _, src := range []string{synth.SourceKYC, synth.SourcePayments, synth.SourceSanctions} {
		if written[src] == 0 {
			t.Errorf("no %s record written with an acronym (%v)", src, written)
		}
	}
}

// TestUKDeterministicAndShaped: the UK-style set is the same for a seed,
// its truth names every record of every file once, and its values are
// written as its conventions say.
func TestUKDeterministicAndShaped(t *testing.T) {
	read := func(dir string) map[string][]byte {
		out := map[string][]byte{}
		for _, f := range []string{"bank.csv", "companies.csv", "watchlist.ndjson", "wires.csv", "truth.csv", "concord.yaml"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			out[f] = b
		}
		return out
	}
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, _, err := synth.WriteUK(dir, synth.UKOptions{Seed: 3, People: 600}); err != nil {
			t.Fatal(err)
		}
	}
	fa, fb := read(a), read(b)
	if !reflect.DeepEqual(fa, fb) {
		t.Fatal("same seed, different files")
	}
	truth := map[string]int{}
	rows, err := csv.NewReader(bytes.NewReader(fa["truth.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		truth[r[0]+"/"+r[1]]++
	}
	count := func(file string, source ...string) {
		rows, err := csv.NewReader(bytes.NewReader(fa[file])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 50 {
			t.Errorf("%s has %d rows", file, len(rows))
		}
		for _, r := range rows[1:] {
			for _, s := range source {
				if truth[s+"/"+r[0]] != 1 {
					t.Errorf("%s/%s is in the truth %d times", s, r[0], truth[s+"/"+r[0]])
				}
			}
			if file == "wires.csv" && (len(r[4]) > 35 || len(r[6]) > 35 || r[4] != strings.ToUpper(r[4])) {
				t.Errorf("wire %s names %q and %q, want capitals cut at 35", r[0], r[4], r[6])
			}
			if file == "companies.csv" && !strings.Contains(r[5], ", ") {
				t.Errorf("officer %q is not SURNAME, Forenames", r[5])
			}
		}
	}
	count("bank.csv", synth.SourceBank)
	count("companies.csv", synth.SourceCompanies, synth.SourceOfficers)
	count("wires.csv", synth.SourceWireOrdering, synth.SourceWireRecipient)
	listed := 0
	for line := range strings.Lines(string(fa["watchlist.ndjson"])) {
		var e struct {
			ID, Schema string
			Properties map[string][]string
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if truth[synth.SourceWatchlist+"/"+e.ID] != 1 || len(e.Properties["name"]) != 1 || e.Schema != "Person" && e.Schema != "Company" {
			t.Errorf("list entry %+v", e)
		}
		listed++
	}
	if listed == 0 {
		t.Error("no one on the list")
	}
	if len(truth) != len(rows)-1 {
		t.Errorf("%d truth rows for %d records: a record named twice", len(rows)-1, len(truth))
	}
}
