package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// partition returns, for each record, the sorted keys of its entity: a
// clustering independent of entity names.
func partition(res *engine.Resolution) map[record.Key]string {
	groups := map[record.EntityID][]string{}
	for i, r := range res.Records {
		groups[res.Entities[i]] = append(groups[res.Entities[i]], r.Key.String())
	}
	out := map[record.Key]string{}
	for i, r := range res.Records {
		out[r.Key] = strings.Join(groups[res.Entities[i]], " ")
	}
	return out
}

// lookup turns a truth map into ResolveOptions.Truth.
func lookup(truth map[record.Key]string) func(record.Key) (string, bool) {
	return func(k record.Key) (string, bool) { e, ok := truth[k]; return e, ok }
}

func TestResolveSynthetic(t *testing.T) {
	cfg, truth := fixture.Synth(t, 600)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{Truth: lookup(truth)})
	// Pairwise precision and recall against the generator's truth.
	var tp, predPairs, truePairs int
	byEntity := map[record.EntityID][]int{}
	for i := range res.Records {
		byEntity[res.Entities[i]] = append(byEntity[res.Entities[i]], i)
	}
	for _, members := range byEntity {
		for x := range members {
			for y := x + 1; y < len(members); y++ {
				predPairs++
				if truth[res.Records[members[x]].Key] == truth[res.Records[members[y]].Key] {
					tp++
				}
			}
		}
	}
	byTrue := map[string]int{}
	for _, r := range res.Records {
		byTrue[truth[r.Key]]++
	}
	for _, n := range byTrue {
		truePairs += n * (n - 1) / 2
	}
	p, r := float64(tp)/float64(predPairs), float64(tp)/float64(truePairs)
	if p < 0.97 || r < 0.97 {
		t.Errorf("precision %.4f recall %.4f, want both ≥ 0.97", p, r)
	}
	st := res.Stats
	if st.Blocking.CandidatePairs == 0 || st.Blocking.ReductionRatio < 0.99 || *st.Blocking.PairCompleteness < 0.98 {
		t.Errorf("blocking stats = %+v", st.Blocking)
	}
	if len(st.Blocking.Rules) != len(cfg.Model.Blocking) {
		t.Errorf("rule stats = %+v", st.Blocking.Rules)
	}
	if res.Model.Prior <= 0 || res.Model.Prior >= 0.01 {
		t.Errorf("prior = %v", res.Model.Prior)
	}
	// Each pair of sources' prior, against the share of its possible pairs
	// that are true: within a factor of two wherever there are 20 true
	// pairs or more to go by, and possible pairs enough that the pseudo-
	// match at the global prior (1 in 1/λ pairs) weighs little.
	size, matches := map[string]float64{}, map[[2]string]float64{}
	for _, r := range res.Records {
		size[r.Key.Source]++
	}
	for i := range res.Records {
		for j := i + 1; j < len(res.Records); j++ {
			a, b := res.Records[i].Key, res.Records[j].Key
			if truth[a] == truth[b] {
				matches[[2]string{min(a.Source, b.Source), max(a.Source, b.Source)}]++
			}
		}
	}
	checked := 0
	for _, sp := range res.Model.SourcePriors {
		n := matches[[2]string{min(sp.A, sp.B), max(sp.A, sp.B)}]
		possible := size[sp.A] * size[sp.B]
		if sp.A == sp.B {
			possible = size[sp.A] * (size[sp.A] - 1) / 2
		}
		if n < 20 || possible < 10/res.Model.Prior {
			continue
		}
		checked++
		if ratio := sp.Prior / (n / possible); ratio < 0.5 || ratio > 2 {
			t.Errorf("prior of %s and %s = %.3g, true share %.3g (%v matches)", sp.A, sp.B, sp.Prior, n/possible, n)
		}
	}
	if checked < 3 {
		t.Errorf("only %d pairs of sources checked: source priors %+v", checked, res.Model.SourcePriors)
	}
	for _, c := range res.Model.Comparisons {
		if c.Levels[0].M <= c.Levels[len(c.Levels)-1].M && c.Name != "aliases" {
			t.Errorf("comparison %s: m(exact) %.3f ≤ m(else) %.3f", c.Name, c.Levels[0].M, c.Levels[len(c.Levels)-1].M)
		}
	}
}

// saved writes m as model.json and reads it back.
func saved(t *testing.T, m *model.Model) *model.Model {
	t.Helper()
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := model.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// TestModelReuse: a saved model scores a run alone, with the same result.
func TestModelReuse(t *testing.T) {
	cfg, _ := fixture.Synth(t, 300)
	first := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	m := saved(t, first.Model)
	cfg.Model.Blocking = [][]string{{"nothing_here"}} // ignored: the model carries its rules
	second := fixture.Resolve(t, cfg, engine.ResolveOptions{Model: m})
	if !reflect.DeepEqual(partition(first), partition(second)) {
		t.Error("reusing the model changed the clustering")
	}
	if !reflect.DeepEqual(first.Entities, second.Entities) {
		t.Error("reusing the model changed entity ids")
	}
	if first.Model.Normalizer != normalize.Version {
		t.Errorf("the model records normaliser version %d, want %d", first.Model.Normalizer, normalize.Version)
	}
	if first.Model.BlockKeys != block.KeysVersion {
		t.Errorf("the model records blocking keys version %d, want %d", first.Model.BlockKeys, block.KeysVersion)
	}
	for _, w := range second.Stats.Warnings {
		if strings.Contains(w, "normalis") || strings.Contains(w, "blocking keys") {
			t.Errorf("a model of this build's normalisers and blocking keys warned: %s", w)
		}
	}
}

// TestStaleModel: a model trained on values another version of the
// normalisers read, or by a build that made blocking keys otherwise, is
// warned of when it is used, saying which versions; one of this build's is
// not.
func TestStaleModel(t *testing.T) {
	for _, tt := range []struct {
		normalizer, keys int
		want             []string // in the warnings; none: no warning
	}{
		{normalize.Version, block.KeysVersion, nil},
		{0, block.KeysVersion, []string{"did not record how it normalised values", fmt.Sprintf("are version %d", normalize.Version), "resolve again and import"}},
		{normalize.Version + 1, block.KeysVersion, []string{fmt.Sprintf("normalisers are version %d", normalize.Version+1), fmt.Sprintf("this build's are version %d", normalize.Version)}},
		{normalize.Version, 0, []string{"did not record how it made blocking keys", fmt.Sprintf("are version %d", block.KeysVersion), "resolve again and import"}},
		{normalize.Version, block.KeysVersion - 1, []string{fmt.Sprintf("blocking keys are version %d", block.KeysVersion-1), fmt.Sprintf("this build's are version %d", block.KeysVersion)}},
	} {
		m := &model.Model{Normalizer: tt.normalizer, BlockKeys: tt.keys}
		got := engine.StaleNormalizer(m) + engine.StaleBlockKeys(m)
		if (got == "") != (tt.want == nil) {
			t.Errorf("versions %d, %d: warning %q, want one: %v", tt.normalizer, tt.keys, got, tt.want != nil)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("versions %d, %d: warning %q lacks %q", tt.normalizer, tt.keys, got, w)
			}
		}
	}
	cfg, _ := fixture.Synth(t, 200)
	m := saved(t, fixture.Resolve(t, cfg, engine.ResolveOptions{}).Model)
	m.Normalizer = 0
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{Model: m})
	if !slices.ContainsFunc(res.Stats.Warnings, func(w string) bool { return strings.Contains(w, "did not record how it normalised") }) {
		t.Errorf("resolving with a model of an older build: warnings %q, want the normalisers'", res.Stats.Warnings)
	}
}

// TestSavedModelScoresAlike: every link weighs the same through the
// saved model (salted term-frequency tables, names too rare to count
// estimated from their tokens, organisations' names weighed by their own
// frequency) as through the counts the run made.
func TestSavedModelScoresAlike(t *testing.T) {
	synthetic, _ := fixture.Synth(t, 300)
	for _, tt := range []struct {
		name string
		cfg  *config.Config
	}{{"synthetic", synthetic}, {"heterogeneous", fixture.Hetero(t, 1500)}} {
		t.Run(tt.name, func(t *testing.T) {
			res := fixture.Resolve(t, tt.cfg, engine.ResolveOptions{})
			m := saved(t, res.Model)
			s, err := m.Compile()
			if err != nil {
				t.Fatal(err)
			}
			rare, orgs := 0, 0 // links whose exact name was estimated from its tokens, or weighed as organisations'
			for _, e := range res.Links {
				a, b := &res.Records[e.A], &res.Records[e.B]
				levels, ev := make([]uint8, len(s.Comps)), make([]model.Evidence, len(s.Comps))
				if got := s.Compare(a, b, levels, ev); math.Abs(got-e.Weight) > 1e-9 {
					t.Errorf("%v–%v: %.6f bits through the saved model, %.6f in the run", a.Key, b.Key, got, e.Weight)
				}
				for i, x := range ev {
					c := m.Comparisons[i]
					if x.OrgNames && x.TFAdjust > math.Log2(c.Levels[0].U/c.TFMin)+1e-9 {
						orgs++
					} else if x.TFAdjust != 0 && c.TFTokens != nil && x.TFAdjust > math.Log2(c.Levels[0].U/c.TFMin)+1e-9 {
						rare++
					}
				}
			}
			t.Logf("%d links: %d with a name estimated from its tokens, %d with organisations' names weighed as such", len(res.Links), rare, orgs)
			if len(res.Links) == 0 || rare == 0 || tt.name == "heterogeneous" && orgs == 0 {
				t.Fatalf("%d links, %d with a name estimated from its tokens, %d with organisations' names: the test checks not every path", len(res.Links), rare, orgs)
			}
		})
	}
}

// TestResolveDeterministic: whatever the workers, the same data gives the
// same entities and the same model to the last bit — on a set with many
// chunks of candidate pairs, which the workers take in whatever order
// they finish.
func TestResolveDeterministic(t *testing.T) {
	cfg := fixture.Hetero(t, 5000)
	a := fixture.Resolve(t, cfg, engine.ResolveOptions{Options: engine.Options{Workers: 1}})
	b := fixture.Resolve(t, cfg, engine.ResolveOptions{Options: engine.Options{Workers: 3}})
	if a.Stats.Blocking.CandidatePairs < 8*4096 {
		t.Fatalf("%d candidate pairs: too few chunks to tell", a.Stats.Blocking.CandidatePairs)
	}
	if !reflect.DeepEqual(a.Entities, b.Entities) {
		t.Error("entities differ between runs with 1 and 3 workers")
	}
	if a.Model.Prior != b.Model.Prior || !reflect.DeepEqual(a.Model.SourcePriors, b.Model.SourcePriors) {
		t.Errorf("priors differ between runs with 1 and 3 workers: %v %v, %v %v", a.Model.Prior, a.Model.SourcePriors, b.Model.Prior, b.Model.SourcePriors)
	}
	for i, c := range a.Model.Comparisons {
		for j, l := range c.Levels {
			if o := b.Model.Comparisons[i].Levels[j]; l.M != o.M || l.U != o.U {
				t.Errorf("%s %s: m %v u %v with 1 worker, m %v u %v with 3", c.Name, l.Label, l.M, l.U, o.M, o.U)
			}
		}
	}
}

// TestResolveDropRaw: a run that drops the records' raw values as they
// load resolves them as one that keeps them, and holds none.
func TestResolveDropRaw(t *testing.T) {
	cfg := fixture.Hetero(t, 1500)
	kept := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	dropped := fixture.Resolve(t, cfg, engine.ResolveOptions{DropRaw: true})
	if !reflect.DeepEqual(kept.Entities, dropped.Entities) {
		t.Error("entities differ when the raw values are dropped")
	}
	if !reflect.DeepEqual(kept.Review, dropped.Review) {
		t.Error("the review list differs when the raw values are dropped")
	}
	raw := func(res *engine.Resolution) (n int) {
		for _, r := range res.Records {
			for _, f := range r.Features {
				n += len(f.Raw)
			}
		}
		return n
	}
	if n := raw(kept); n == 0 {
		t.Error("a run that keeps the raw values holds none")
	}
	if n := raw(dropped); n != 0 {
		t.Errorf("a run that drops the raw values holds %d", n)
	}
	for i := range kept.Records {
		a, b := kept.Records[i], dropped.Records[i]
		if a.Key != b.Key || len(a.Features) != len(b.Features) {
			t.Fatalf("record %d: %v and %v", i, a.Key, b.Key)
		}
		for j := range a.Features {
			if !reflect.DeepEqual(a.Features[j].Values, b.Features[j].Values) {
				t.Fatalf("record %v, %s: values differ when the raw values are dropped", a.Key, a.Features[j].Name)
			}
		}
	}
}

// TestFamilyNotChained: father and son share surname, address and phone;
// a third record with only those fields matches both. They must not become
// one entity, and the pair goes to review.
func TestFamilyNotChained(t *testing.T) {
	dir := t.TempDir()
	var rows strings.Builder
	rows.WriteString("id,name,dob,phone,address,national_id\n")
	rows.WriteString("f,Pedro Rubio Prieto,1950-03-04,+584140099654,173 Sucre Road,V1000001\n")
	rows.WriteString("s,Hugo Rubio Prieto,1984-08-09,+584140099654,173 Sucre Road,V2000002\n")
	rows.WriteString("x,Rubio Prieto,,+584140099654,173 Sucre Road,\n")
	rows.WriteString("f2,Pedro Rubio Prieto,1950-03-04,+584140099654,173 Sucre Rd,V1000001\n")
	// unrelated people so that u can be estimated
	for i := 0; i < 60; i++ {
		rows.WriteString(strings.Join([]string{"u" + string(rune('a'+i%26)) + string(rune('a'+i/26)), "Persona " + string(rune('a'+i%26)) + " Gomez" + string(rune('a'+i/26)),
			"19" + string(rune('5'+i%4)) + "0-0" + string(rune('1'+i%9)) + "-1" + string(rune('0'+i%9)), "+5841400" + string(rune('1'+i%9)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)) + "00",
			string(rune('1'+i%9)) + " Calle " + string(rune('A'+i%26)), "V3" + string(rune('0'+i/10%10)) + string(rune('0'+i%10)) + "0000"}, ",") + "\n")
	}
	res, ent := resolveOneSource(t, dir, rows.String(), `{name: {column: name, type: name}, dob: {column: dob, type: date}, phone: {column: phone, type: phone}, address: {column: address, type: address}, nid: {column: national_id, type: identifier}}`,
		`[[phone], [address], [name.surname_phonetic]]`)
	if ent["f"] == ent["s"] {
		t.Error("father and son were merged")
	}
	if ent["f"] != ent["f2"] {
		t.Error("the father's two records were not merged")
	}
	found := false
	for _, rp := range res.Review {
		ids := rp.A.ID + "," + rp.B.ID
		if ids == "f,s" || ids == "s,f" || strings.Contains(rp.Reason, "one entity") || strings.Contains(rp.Reason, "disagrees on") {
			found = true
		}
	}
	// x (surname, phone and address, no date of birth) may join one of
	// them; if it does, the link to the other was refused, and a review
	// pair says why.
	if (ent["x"] == ent["f"] || ent["x"] == ent["s"]) && !found {
		t.Errorf("no review pair explains the refused link: %+v", res.Review)
	}
}

func TestBadBlockingFacet(t *testing.T) {
	cfg, _ := fixture.Synth(t, 20)
	for _, rule := range [][]string{{"full_name.phonetc"}, {"nope"}} {
		cfg.Model.Blocking = [][]string{rule}
		_, err := engine.Resolve(context.Background(), cfg, func(engine.Reject) error { return nil }, engine.ResolveOptions{})
		if err == nil || !strings.Contains(err.Error(), "blocking rule") {
			t.Errorf("rule %v: err = %v, want a blocking rule error", rule, err)
		}
	}
}

func TestDefaultBlocking(t *testing.T) {
	doc := `sources:
  - name: people
    path: p.csv
    id: id
    fields:
      given:    {column: g, type: name}
      surname:  {column: s, type: name}
      dob:      {column: d, type: date}
      ssn:      {column: n, type: identifier}
      postcode: {column: p, type: postcode}
  - name: payments
    path: q.csv
    id: id
    fields:
      party: {column: n, type: party}
      email: {column: e, type: email}
      address: {column: a, type: address}
      town: {column: t, type: city}
  - name: register
    path: r.csv
    id: id
    kind: organization
    fields:
      party: {column: c, type: org_name}
      founded: {column: f, type: date}
`
	cfg, err := config.Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, d := range engine.DefaultBlocking(cfg) {
		if d.Reason == "" {
			t.Errorf("rule %v has no reason", d.Rule)
		}
		got = append(got, d.Rule)
	}
	// party shares no source with a date or a postcode but the
	// register, whose companies' names have no surname: it gets no
	// combined rule with them, but name-only ones and its parts with
	// the town; given and surname, parts of one name, get no letters
	// rule.
	want := [][]string{{"address.start"}, {"email"}, {"ssn"}, {"ssn.digits"}, {"dob"}, {"founded"}, {"postcode"},
		{"given.phonetic_pairs"}, {"given.surname_phonetic", "dob.year"}, {"given.surname_phonetic", "postcode"},
		{"party.phonetic_pairs"}, {"party.letters"}, {"party.surname_phonetic", "party.given_initial"}, {"party.acronyms"},
		{"party.surname_phonetic", "town"}, {"party.given_phonetic", "town"},
		{"surname.phonetic_pairs"}, {"surname.surname_phonetic", "dob.year"}, {"surname.surname_phonetic", "postcode"},
		{"given.phonetic", "surname.phonetic"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultBlocking =\n%v\nwant\n%v", got, want)
	}
}

// TestExpectedCompleteness: two sources share ten national ids; six of
// those pairs also share their names, four do not. Name blocking alone
// would find six of ten: the anchor pairs estimate it.
func TestExpectedCompleteness(t *testing.T) {
	dir := t.TempDir()
	given := []string{"Ana", "Pedro", "Luis", "Marta", "Jorge", "Elena", "Raul", "Sofia", "Hugo", "Irene"}
	other := []string{"Zacarias Quintero", "Wenceslao Yepes", "Xiomara Ugarte", "Valentin Ochoa"}
	var a, b strings.Builder
	a.WriteString("id,name,nid\n")
	b.WriteString("id,name,nid\n")
	for i, g := range given {
		fmt.Fprintf(&a, "a%d,%s Garcia%c,V%d\n", i, g, 'a'+i, 1000+i)
		if i < 6 {
			fmt.Fprintf(&b, "b%d,%s Garcia%c,V%d\n", i, g, 'a'+i, 1000+i)
		} else {
			fmt.Fprintf(&b, "b%d,%s,V%d\n", i, other[i-6], 1000+i)
		}
	}
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte(a.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "b.csv"), []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(`sources:
  - {name: a, path: a.csv, id: id, fields: {name: {column: name, type: name}, nid: {column: nid, type: identifier}}}
  - {name: b, path: b.csv, id: id, fields: {name: {column: name, type: name}, nid: {column: nid, type: identifier}}}
model:
  blocking: [[nid], [name.phonetic_pairs]]
`), 0o644)
	cfg, err := config.Load(filepath.Join(dir, "c.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	for _, sp := range res.Stats.Blocking.SourcePairs {
		switch {
		case sp.A == "a" && sp.B == "b":
			if sp.AnchorPairs != 10 || sp.ExpectedCompleteness == nil || *sp.ExpectedCompleteness != 0.6 {
				t.Errorf("a-b: %d anchor pairs, expected completeness %v; want 10 and 0.6", sp.AnchorPairs, sp.ExpectedCompleteness)
			}
		case sp.AnchorPairs != 0 || sp.ExpectedCompleteness != nil:
			t.Errorf("%s-%s: %d anchor pairs, completeness %v; want none", sp.A, sp.B, sp.AnchorPairs, sp.ExpectedCompleteness)
		}
	}
}

// Batch resolve honours decisions too: a "different" splits a linked
// pair and a "same" joins two records of different entities.
func TestResolveHonoursDecisions(t *testing.T) {
	cfg, _ := fixture.Synth(t, 300)
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	members := map[record.EntityID][]record.Key{}
	for i, r := range res.Records {
		members[res.Entities[i]] = append(members[res.Entities[i]], r.Key)
	}
	var linked, other []record.Key
	for _, ks := range members {
		if len(ks) >= 2 && linked == nil {
			linked = ks[:2]
		} else if len(ks) == 1 && len(other) < 2 {
			other = append(other, ks[0])
		}
	}
	if linked == nil || len(other) < 2 {
		t.Fatal("fixture has no linked pair or no two singletons")
	}
	res2 := fixture.Resolve(t, cfg, engine.ResolveOptions{Decisions: []record.Decision{
		{A: linked[0], B: linked[1], Verdict: record.VerdictDifferent},
		{A: other[0], B: other[1], Verdict: record.VerdictSame},
	}})
	ent := map[record.Key]record.EntityID{}
	for i, r := range res2.Records {
		ent[r.Key] = res2.Entities[i]
	}
	if ent[linked[0]] == ent[linked[1]] {
		t.Errorf("batch resolve joined %s and %s despite a decision", linked[0], linked[1])
	}
	if ent[other[0]] != ent[other[1]] {
		t.Errorf("batch resolve kept %s and %s apart despite a decision", other[0], other[1])
	}
	for _, r := range res2.Review {
		if record.NewPair(r.A, r.B) == record.NewPair(linked[0], linked[1]) {
			t.Errorf("a decided pair is still in the review list")
		}
	}
}

// Training skips the sessions whose pairs share only what does not make
// them one entity: an officer two filings name (they are as often two
// companies), and the digits of an identifier (the identifier's own pairs
// again, which would count its estimate twice). A person-name feature that
// people's records hold too is the person's own name, and is trained on.
func TestTrainingSkipsRelatedAndRepeated(t *testing.T) {
	dir := t.TempDir()
	var reg, ppl strings.Builder
	reg.WriteString("id,company,officer,reg\n")
	ppl.WriteString("id,name,nid\n")
	officers := []string{"Ana Garcia", "Pedro Lopez", "Luis Perez"}
	for i := range 30 {
		fmt.Fprintf(&reg, "r%d,Empresa %c%c SA,%s,J%08d\n", i, 'A'+i%26, 'a'+i/26, officers[i%3], 10000000+i)
		fmt.Fprintf(&ppl, "p%d,%s %c,V%08d\n", i, officers[i%3], 'A'+i, 20000000+i)
	}
	os.WriteFile(filepath.Join(dir, "reg.csv"), []byte(reg.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "ppl.csv"), []byte(ppl.String()), 0o644)
	// The registry's kind declared, or only its organisations' names to
	// say what its records are.
	for _, kind := range []string{"kind: organization, ", ""} {
		os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(`sources:
  - {name: reg, path: reg.csv, id: id, `+kind+`fields: {name: {column: company, type: org_name}, officer: {column: officer, type: name}, nid: {column: reg, type: identifier}}}
  - {name: ppl, path: ppl.csv, id: id, kind: person, fields: {name: {column: name, type: name}, nid: {column: nid, type: identifier}}}
`), 0o644)
		cfg, err := config.Load(filepath.Join(dir, "c.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
		skipped := map[string]string{}
		for _, s := range res.Model.Training.Sessions {
			skipped[s.Rule] = s.Skipped
		}
		for rule, want := range map[string]string{
			"[officer.phonetic_pairs]": "shares only a person an organisation names",
			"[nid.digits]":             "the identifier's own pairs, letters aside",
			"[name.phonetic_pairs]":    "",
			"[nid]":                    "",
		} {
			if got, ok := skipped[rule]; !ok || got != want {
				t.Errorf("%q: session %s skipped %q (present %v), want %q; sessions %v", kind, rule, got, ok, want, skipped)
			}
		}
	}
}

// On the heterogeneous set no two records of one person disagree on their
// address, phone or city. The sessions of rules on names alone take
// namesakes and relatives into their match class and estimate that most
// matches disagree on them; estimating m again over every candidate with
// the whole model (refineM) brings m of disagreeing down to the least a
// household feature keeps (people move).
func TestRefineHouseholdM(t *testing.T) {
	res := fixture.Resolve(t, fixture.Hetero(t, 6000), engine.ResolveOptions{})
	if res.Model.Training.Refined < 1 {
		t.Errorf("m was not estimated again: refined %d", res.Model.Training.Refined)
	}
	for _, cmp := range res.Model.Comparisons {
		if !cmp.Kind.Household() || cmp.Kind == record.KindCountry {
			continue
		}
		sum := 0.0
		for _, l := range cmp.Levels {
			sum += l.M
		}
		// About the floor, 0.05: keeping the levels monotone may pool else
		// with the level before it. Before refining, m of else came out
		// 0.18 for the address.
		if els := cmp.Levels[len(cmp.Levels)-1].M; els > 0.06 || els < 0.03 || math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: m of else %.4f, want about the floor 0.05 (m sums to %.6f)", cmp.Name, els, sum)
		}
	}
}

// weakReason reads the records and features a weak refusal quotes
// (engine.WeakReason), for ids without spaces.
var weakReason = regexp.MustCompile(`^matches, but not as one entity: (\S+) and (\S+) disagree on (.+), which the pair has no value of$`)

// TestEntityHoldsTogether: a link whose own pair lacks a feature on which
// the records it would join disagree (a payment with no address, whose
// account's other payments carry an address the customer's is not) is
// refused, and its review pair says why truthfully: the linked pair has
// no value of the features named, and the records quoted disagree on one
// of them at a level that weighs against a match.
func TestEntityHoldsTogether(t *testing.T) {
	res := fixture.Resolve(t, fixture.Hetero(t, 4000), engine.ResolveOptions{})
	s, err := res.Model.Compile()
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]*record.Record{}
	for i := range res.Records {
		byKey[res.Records[i].Key.String()] = &res.Records[i]
	}
	comp := map[string]int{}
	for i, c := range s.Comps {
		comp[c.Spec.Name] = i
	}
	levels := func(a, b *record.Record) []uint8 {
		lv := make([]uint8, len(s.Comps))
		s.Compare(a, b, lv, nil)
		return lv
	}
	weak := 0
	for _, rp := range res.Review {
		if !strings.HasPrefix(rp.Reason, "matches, but not as one entity") {
			continue
		}
		weak++
		m := weakReason.FindStringSubmatch(rp.Reason)
		if m == nil || byKey[m[1]] == nil || byKey[m[2]] == nil {
			t.Fatalf("reason %q quotes no records of the run", rp.Reason)
		}
		if rp.Weight < s.MatchWeight() {
			t.Errorf("%s–%s: weight %.2f, below the match threshold: not a link clustering refused", rp.A, rp.B, rp.Weight)
		}
		linked, quoted := levels(byKey[rp.A.String()], byKey[rp.B.String()]), levels(byKey[m[1]], byKey[m[2]])
		against := false
		for _, name := range strings.Split(m[3], ", ") {
			i, ok := comp[name]
			if !ok {
				t.Fatalf("reason %q names no comparison", rp.Reason)
			}
			if linked[i] != 0 {
				t.Errorf("%s–%s has a value of %s, which the reason says it lacks", rp.A, rp.B, name)
			}
			against = against || quoted[i] != 0 && s.LevelWeight(i, int(quoted[i])) < 0
		}
		if !against {
			t.Errorf("%s and %s disagree on none of %s", m[1], m[2], m[3])
		}
	}
	if weak == 0 {
		t.Error("no link was refused for an entity that does not hold together")
	}
	t.Logf("%d links refused", weak)
}

// A payee named alike in more payments than a block holds (the size cap)
// is read as copies: its payments are one entity with the payee's own
// record, however many, where skipping the blocks left each alone; a
// person's decision about one copy still holds.
func TestCopiesOverTheCap(t *testing.T) {
	const copies = 150
	cfg, original, copyKeys := fixture.HeteroCopies(t, 300, copies)
	copyKey := func(i int) record.Key { return copyKeys[i] }
	entities := func(res *engine.Resolution) map[record.Key]record.EntityID {
		out := map[record.Key]record.EntityID{}
		for i, r := range res.Records {
			out[r.Key] = res.Entities[i]
		}
		return out
	}
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{MaxBlock: 60})
	ent := entities(res)
	for i := range copies {
		if ent[copyKey(i)] != ent[original] {
			t.Fatalf("copy %d is in %s, the payment it copies in %s", i, ent[copyKey(i)], ent[original])
		}
	}
	bs := res.Stats.Blocking
	if len(bs.BlocksOfCopies) == 0 || bs.CopyPairs == 0 || len(bs.CappedBlocks) != 0 {
		t.Errorf("blocks of copies %v, copy pairs %d, capped %v", bs.BlocksOfCopies, bs.CopyPairs, bs.CappedBlocks)
	}
	if !slices.ContainsFunc(res.Stats.Warnings, func(w string) bool { return strings.Contains(w, "read as copies") }) {
		t.Errorf("no warning of blocks read as copies: %q", res.Stats.Warnings)
	}
	// One copy decided apart from the payment it copies: it alone leaves.
	res = fixture.Resolve(t, cfg, engine.ResolveOptions{MaxBlock: 60, Decisions: []record.Decision{
		{A: original, B: copyKey(7), Verdict: record.VerdictDifferent}}})
	ent = entities(res)
	if ent[copyKey(7)] == ent[original] {
		t.Errorf("a copy decided different from %s is in its entity", original)
	}
	for i := range copies {
		if i != 7 && ent[copyKey(i)] != ent[copyKey(0)] {
			t.Errorf("copy %d is in %s, copy 0 in %s", i, ent[copyKey(i)], ent[copyKey(0)])
		}
	}
}

// TestPlaceholdersByFrequency writes, where the heterogeneous set's KYC
// rows have no national id, a placeholder normalize does not know ("SEE
// FILE", as a bank's system might): found by how many records of
// different names hold it, it is read as missing, so that those customers
// link to their records elsewhere as without it; a registration number
// that the filings of one company share is not one. A model that keeps it
// drops it from a run given that model.
func TestPlaceholdersByFrequency(t *testing.T) {
	plain := fixture.Resolve(t, fixture.Hetero(t, 1500), engine.ResolveOptions{})
	cfg, filled := fixture.HeteroFilled(t, 1500, "SEE FILE")
	if filled < 40 {
		t.Fatalf("only %d KYC rows without an id", filled)
	}
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	want := []engine.FoundPlaceholder{{Source: "kyc", Feature: "id_number", Value: "SEEFILE", Records: filled}}
	if got := res.Stats.Placeholders; len(got) != 1 || got[0].Source != "kyc" || got[0].Feature != "id_number" || got[0].Value != "SEEFILE" || got[0].Records != filled || 2*got[0].Names < filled {
		t.Fatalf("placeholders %+v, want %+v with names for half of them at least", got, want)
	}
	if len(res.Model.Placeholders) != 1 || res.Model.Placeholders[0].Key == "SEEFILE" {
		t.Errorf("model placeholders %+v: want one, keyed by its salted hash", res.Model.Placeholders)
	}
	same := func(a, b *engine.Resolution) int {
		ea, eb := map[record.Key]record.EntityID{}, map[record.Key]record.EntityID{}
		for i, r := range a.Records {
			ea[r.Key] = a.Entities[i]
		}
		for i, r := range b.Records {
			eb[r.Key] = b.Entities[i]
		}
		// Pairs of records together in one resolution and not the other.
		byA := map[record.EntityID][]record.Key{}
		for k, e := range ea {
			byA[e] = append(byA[e], k)
		}
		differ := 0
		for _, keys := range byA {
			for i := range keys {
				for j := i + 1; j < len(keys); j++ {
					if eb[keys[i]] != eb[keys[j]] {
						differ++
					}
				}
			}
		}
		return differ
	}
	if d := same(plain, res); d > 0 {
		t.Errorf("%d pairs linked without the placeholder are apart with it", d)
	}
	for _, r := range res.Records {
		if ft := r.Feature("id_number"); ft != nil && slices.ContainsFunc(ft.Values, func(v record.Value) bool { return v.Norm == "SEEFILE" }) {
			t.Fatalf("%s keeps the placeholder", r.Key)
		}
	}
	// The model given, it is dropped the same.
	again := fixture.Resolve(t, cfg, engine.ResolveOptions{Model: res.Model})
	if d := same(res, again); d > 0 || len(again.Stats.Placeholders) != 0 {
		t.Errorf("with the model: %d pairs apart, placeholders found again %v", d, again.Stats.Placeholders)
	}
	for _, r := range again.Records {
		if ft := r.Feature("id_number"); ft != nil && slices.ContainsFunc(ft.Values, func(v record.Value) bool { return v.Norm == "SEEFILE" }) {
			t.Fatalf("with the model, %s keeps the placeholder", r.Key)
		}
	}
	// The registry's filings share their company's number: no placeholder.
	if slices.ContainsFunc(res.Stats.Placeholders, func(p engine.FoundPlaceholder) bool { return p.Source == "registry" }) {
		t.Errorf("a registration number read as a placeholder: %+v", res.Stats.Placeholders)
	}
}

// TestMixedIdentifiers: a sanctions list giving people's passports alone,
// mapped onto the id_number that holds the KYC file's national ids for
// Venezuelans and Colombians and passports for the rest, is found to hold
// numbers of another kind for some of the same people (they disagree on it
// with KYC records that are the same person by name and date of birth):
// a disagreement on id_number between the two is read as missing, in
// training, scoring and real time, and their people link as they do with
// the national ids listed.
func TestMixedIdentifiers(t *testing.T) {
	linked := func(res *engine.Resolution) int {
		bySource := map[record.EntityID][2]int{}
		for i, r := range res.Records {
			n := bySource[res.Entities[i]]
			switch r.Key.Source {
			case "kyc":
				n[0]++
			case "sanctions":
				n[1]++
			}
			bySource[res.Entities[i]] = n
		}
		pairs := 0
		for _, n := range bySource {
			pairs += n[0] * n[1]
		}
		return pairs
	}
	plain := fixture.Resolve(t, fixture.Hetero(t, 1500), engine.ResolveOptions{})
	if len(plain.Model.Mixed) != 0 {
		t.Fatalf("mixed identifiers %+v in the set whose sources agree on ids", plain.Model.Mixed)
	}
	cfg, dropped := fixture.HeteroPassportsOnly(t, 1500)
	if dropped < 20 {
		t.Fatalf("only %d national ids taken out of the list", dropped)
	}
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	if m := res.Model.Mixed; len(m) != 1 || m[0].Comparison != "id_number" || m[0].A != "kyc" || m[0].B != "sanctions" || 5*(m[0].Pairs-m[0].Agreeing) < m[0].Pairs {
		t.Fatalf("mixed identifiers %+v, want id_number of kyc and sanctions alone", m)
	}
	if !slices.ContainsFunc(res.Stats.Warnings, func(w string) bool { return strings.Contains(w, "numbers of different kinds") }) {
		t.Errorf("no warning of it: %q", res.Stats.Warnings)
	}
	want, got := linked(plain), linked(res)
	if 20*got < 19*want {
		t.Errorf("%d pairs of KYC and sanctions records linked, want about the %d linked with the national ids listed", got, want)
	}
	// The model given, alike.
	if again := linked(fixture.Resolve(t, cfg, engine.ResolveOptions{Model: res.Model})); again != got {
		t.Errorf("with the model: %d pairs linked, want %d", again, got)
	}
	// In real time: a KYC record and a listed one of the same entity that
	// disagree on id_number score it as missing, with the reason.
	scorer, err := res.Model.Compile()
	if err != nil {
		t.Fatal(err)
	}
	idc := slices.IndexFunc(scorer.Comps, func(c *compare.Comparison) bool { return c.Spec.Name == "id_number" })
	found := false
	for i := range res.Records {
		a := &res.Records[i]
		if a.Key.Source != "kyc" || a.Feature("id_number") == nil {
			continue
		}
		for j := range res.Records {
			b := &res.Records[j]
			if b.Key.Source != "sanctions" || b.Feature("id_number") == nil || res.Entities[i] != res.Entities[j] {
				continue
			}
			levels, ev := make([]uint8, len(scorer.Comps)), make([]model.Evidence, len(scorer.Comps))
			plainLevel, _, _ := scorer.Comps[idc].Level(a.Feature("id_number").Values, b.Feature("id_number").Values)
			scorer.Compare(a, b, levels, ev)
			if plainLevel == scorer.Comps[idc].Else() {
				found = true
				if levels[idc] != 0 || ev[idc].Label != model.MixedLabel {
					t.Errorf("%s and %s disagree on id_number: level %d %q, want it read as missing", a.Key, b.Key, levels[idc], ev[idc].Label)
				}
			}
		}
	}
	if !found {
		t.Error("no KYC and listed record of one entity disagree on id_number")
	}
}

// TestJointPartyHeld checks that a payment to two people (a joint
// account: "JOHN SMITH AND JANE SMITH") is read as both their names, fits
// both their entities equally, and is held for review as ambiguous rather
// than put with either; John and Jane stay apart.
func TestJointPartyHeld(t *testing.T) {
	rows := `id,name,dob,address,national_id
j1,John Smith,1970-03-04,12 High Street,V1000001
j2,SMITH/JOHN,1970-03-04,12 High St,V1000001
w1,Jane Smith,1972-08-09,12 High Street,V2000002
w2,SMITH/JANE,1972-08-09,12 High St,V2000002
pay,JOHN SMITH AND JANE SMITH,,12 HIGH STREET,
`
	// unrelated people so that u can be estimated
	for i := range 60 {
		rows += fmt.Sprintf("u%d,Persona%c Gomez%c,19%d0-0%d-1%d,%d Calle %c,V3%02d0000\n",
			i, 'a'+i%26, 'a'+i/26, 5+i%4, 1+i%9, i%9, 1+i%9, 'A'+i%26, i)
	}
	res, ent := resolveOneSource(t, t.TempDir(), rows, `{name: {column: name, type: party}, dob: {column: dob, type: date}, address: {column: address, type: address}, nid: {column: national_id, type: identifier}}`,
		`[[address], [name.surname_phonetic]]`)
	if ent["j1"] != ent["j2"] || ent["w1"] != ent["w2"] || ent["j1"] == ent["w1"] {
		t.Fatalf("John and Jane: %v", ent)
	}
	if ent["pay"] == ent["j1"] || ent["pay"] == ent["w1"] {
		t.Errorf("the joint payment was put with one of the two: %v", ent)
	}
	held := false
	for _, rp := range res.Review {
		if (rp.A.ID == "pay" || rp.B.ID == "pay") && strings.HasPrefix(rp.Reason, "ambiguous") {
			held = true
		}
	}
	if !held {
		t.Errorf("the joint payment was not held for review as ambiguous: %+v", res.Review)
	}
}

// resolveOneSource resolves rows (CSV with an id column), the one source
// p of a config with the given fields and blocking rules, written in dir,
// and returns the resolution and each record's entity by id.
func resolveOneSource(t *testing.T, dir, rows, fields, blocking string) (*engine.Resolution, map[string]record.EntityID) {
	t.Helper()
	os.WriteFile(filepath.Join(dir, "p.csv"), []byte(rows), 0o644)
	os.WriteFile(filepath.Join(dir, "c.yaml"), []byte("sources:\n  - {name: p, path: p.csv, id: id, fields: "+fields+"}\nmodel:\n  blocking: "+blocking+"\n"), 0o644)
	cfg, err := config.Load(filepath.Join(dir, "c.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res := fixture.Resolve(t, cfg, engine.ResolveOptions{})
	ent := map[string]record.EntityID{}
	for i, r := range res.Records {
		ent[r.Key.ID] = res.Entities[i]
	}
	return res, ent
}

// TestFirmOfPartnersLinked checks that a firm named after its partners
// ("Smith, Johnson and Williams"), written without its legal form in a
// payment, is read as an organisation's name and put with the firm's
// record that writes the form; read as a person's (a comma: SURNAME,
// Given) the two could never be one entity.
func TestFirmOfPartnersLinked(t *testing.T) {
	rows := `id,name,address,reg
f1,"Smith, Johnson and Williams LLP",40 Market Street,OC301122
f2,"Smith, Johnson and Williams LLP",40 Market St,OC301122
pay,"SMITH, JOHNSON AND WILLIAMS",40 MARKET STREET,
`
	for i := range 60 {
		rows += fmt.Sprintf("u%d,Persona%c Gomez%c,%d Calle %c,V3%02d0000\n", i, 'a'+i%26, 'a'+i/26, 1+i%9, 'A'+i%26, i)
	}
	_, ent := resolveOneSource(t, t.TempDir(), rows, `{name: {column: name, type: party}, address: {column: address, type: address}, reg: {column: reg, type: identifier}}`,
		`[[address], [name.sorted]]`)
	if ent["f1"] != ent["f2"] {
		t.Fatalf("the firm's two records apart: %v", ent)
	}
	if ent["pay"] != ent["f1"] {
		t.Errorf("the payment to the firm was not put with it: %v", ent)
	}
}
