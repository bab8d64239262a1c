package explain_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/explain"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// fixture: prior 0.01; name exact (m 0.9, u 0.001) with a term-frequency
// table; dob exact (m 0.8, u 0.01) or else (m 0.1, u 0.99), exclusive.
func fixture(t *testing.T) *model.Scorer {
	t.Helper()
	lv := func(label, method string, m, u float64) model.Level {
		return model.Level{LevelSpec: compare.LevelSpec{Label: label, Method: method}, M: m, U: u}
	}
	m := &model.Model{Version: model.Version, Prior: 0.01, Thresholds: model.Thresholds{Match: 0.8, Review: 0.5},
		Comparisons: []model.Comparison{
			{Name: "name", Feature: "name", Kind: record.KindText, TF: true, TFTable: map[string]float64{"ana": 0.1}, TFMin: 0.0001,
				Levels: []model.Level{lv("exact", compare.MethodExact, 0.9, 0.001), lv("else", compare.MethodElse, 0.5, 0.99)}},
			{Name: "dob", Feature: "dob", Kind: record.KindText, Exclusive: true,
				Levels: []model.Level{lv("exact", compare.MethodExact, 0.8, 0.01), lv("else", compare.MethodElse, 0.1, 0.99)}},
		}}
	s, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rec(id, name, dob string) record.Record {
	r := record.Record{Key: record.Key{Source: "s", ID: id}}
	for _, f := range [][2]string{{"name", name}, {"dob", dob}} {
		feat := record.Feature{Name: f[0], Kind: record.KindText}
		if f[1] != "" {
			v, _ := normalize.Value(record.KindText, f[1], normalize.Options{})
			feat.Values = []record.Value{v}
		}
		r.Features = append(r.Features, feat)
	}
	return r
}

// Hand-computed, in bits:
//
//	prior        log2(0.01/0.99)   = -6.6294
//	name exact   log2(0.9/0.001)   = +9.8138
//	tf name      log2(0.001/tf)    : "ana" tf 0.1 → -6.6439; "zoe" tf 0.0001 → +3.3219
//	dob exact    log2(0.8/0.01)    = +6.3219
//	dob else     log2(0.1/0.99)    = -3.3074
//	name else    log2(0.5/0.99)    = -0.9855
func TestPairWaterfall(t *testing.T) {
	s := fixture(t)
	type bar struct {
		name   string
		level  int
		weight float64
	}
	tests := []struct {
		name    string
		a, b    record.Record
		bars    []bar
		total   float64
		outcome string
	}{
		{"common name, same dob", rec("1", "Ana", "1990"), rec("2", "ana", "1990"),
			[]bar{{"prior", 0, -6.6294}, {"name", 1, 9.8138}, {"tf name", 1, -6.6439}, {"dob", 1, 6.3219}},
			2.8624, explain.OutcomeMatch},
		{"rare name, same dob", rec("1", "Zoe", "1990"), rec("2", "zoe", "1990"),
			[]bar{{"prior", 0, -6.6294}, {"name", 1, 9.8138}, {"tf name", 1, 3.3219}, {"dob", 1, 6.3219}},
			12.8282, explain.OutcomeMatch},
		{"rare name, other dob: a conflict", rec("1", "Zoe", "1990"), rec("2", "Zoe", "1985"),
			[]bar{{"prior", 0, -6.6294}, {"name", 1, 9.8138}, {"tf name", 1, 3.3219}, {"dob", 2, -3.3074}},
			3.1989, explain.OutcomeConflict},
		{"dob missing", rec("1", "Bea", ""), rec("2", "Eva", "1990"),
			[]bar{{"prior", 0, -6.6294}, {"name", 2, -0.9855}, {"dob", 0, 0}},
			-7.6149, explain.OutcomeNonMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := explain.Pair(s, &tt.a, &tt.b)
			if len(w.Bars) != len(tt.bars) {
				t.Fatalf("bars = %+v, want %d", w.Bars, len(tt.bars))
			}
			run := 0.0
			for i, want := range tt.bars {
				got := w.Bars[i]
				run += want.weight
				if got.Name != want.name || got.LevelIndex != want.level || math.Abs(got.Weight-want.weight) > 1e-4 || math.Abs(got.Cumulative-run) > 1e-3 {
					t.Errorf("bar %d = %s level %d %+.4f (cumulative %+.4f), want %s level %d %+.4f (%+.4f)",
						i, got.Name, got.LevelIndex, got.Weight, got.Cumulative, want.name, want.level, want.weight, run)
				}
			}
			if math.Abs(w.Weight-tt.total) > 1e-3 || w.Outcome != tt.outcome {
				t.Errorf("total %+.4f %s, want %+.4f %s", w.Weight, w.Outcome, tt.total, tt.outcome)
			}
			if p := 1 / (1 + math.Exp2(-tt.total)); math.Abs(w.Probability-p) > 1e-4 {
				t.Errorf("probability %.4f, want %.4f", w.Probability, p)
			}
		})
	}
}

func TestWaterfallText(t *testing.T) {
	s := fixture(t)
	a, b := rec("1", "Zoe", "1990"), rec("2", "Zoe", "1985")
	text := explain.Pair(s, &a, &b).Text()
	for _, want := range []string{"s/1 ↔ s/2", "prior", "-6.63", "prior odds of a match within s", "name: exact", "+9.81", "tf name", `"zoe"`, `"1990" vs "1985"`,
		"total", "+3.20", "outcome: conflict", "disagrees on dob"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestWhyNotSummary(t *testing.T) {
	s := fixture(t)
	a, b := rec("1", "Bea", "1990"), rec("2", "Eva", "1990")
	best := explain.Pair(s, &a, &b) // -6.63 - 0.99 + 6.32 = -1.29: below review
	w := explain.WhyNot{A: "E1", B: "E2", Pairs: 1, Best: &best}
	w.Summarise()
	if !strings.Contains(w.Reason, "below the review threshold 0.50") {
		t.Errorf("reason %q", w.Reason)
	}
	w.Separations = []explain.Separation{{A: a.Key, B: b.Key, Kind: "decision", Detail: "reviewer x decided they are different"}}
	w.Summarise()
	if !strings.Contains(w.Reason, "a reviewer decided s/1 and s/2 are different") {
		t.Errorf("reason %q", w.Reason)
	}
	w.Separations = append(w.Separations, explain.Separation{A: a.Key, B: b.Key, Kind: explain.SeparationKinds, Detail: "s/1 is a person's record, s/2 an organisation's"})
	w.Summarise()
	if !strings.HasPrefix(w.Reason, "s/1 is a person's record, s/2 an organisation's") || !strings.Contains(w.Reason, "never compared") {
		t.Errorf("reason %q: kinds come first", w.Reason)
	}
}

// TestHouseholdBar checks that a pair agreeing on phone and address gets a
// household bar taking back the weaker of the two, so that the bars still
// add up to the total.
func TestHouseholdBar(t *testing.T) {
	lv := func(label, method string, m, u float64) model.Level {
		return model.Level{LevelSpec: compare.LevelSpec{Label: label, Method: method}, M: m, U: u}
	}
	comp := func(name string, kind record.Kind, m, u float64) model.Comparison {
		return model.Comparison{Name: name, Feature: name, Kind: kind,
			Levels: []model.Level{lv("exact", compare.MethodExact, m, u), lv("else", compare.MethodElse, 1-m, 1-u)}}
	}
	m := &model.Model{Version: model.Version, Prior: 0.01, Thresholds: model.Thresholds{Match: 0.8, Review: 0.5},
		Comparisons: []model.Comparison{comp("phone", record.KindPhone, 0.8, 0.001), comp("address", record.KindAddress, 0.5, 0.01)}}
	s, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	r := func(id string) record.Record {
		return record.Record{Key: record.Key{Source: "s", ID: id}, Features: []record.Feature{
			{Name: "phone", Values: []record.Value{{Norm: "+44"}}}, {Name: "address", Values: []record.Value{{Norm: "1 high street"}}}}}
	}
	a, b := r("1"), r("2")
	w := explain.Pair(s, &a, &b)
	last := w.Bars[len(w.Bars)-1]
	if last.Name != explain.HouseholdBar || math.Abs(last.Weight+math.Log2(0.5/0.01)) > 1e-9 {
		t.Fatalf("last bar %+v, want the household bar taking back the address's %.4f", last, math.Log2(0.5/0.01))
	}
	if math.Abs(last.Cumulative-w.Weight) > 1e-9 {
		t.Errorf("bars add up to %.4f, total is %.4f", last.Cumulative, w.Weight)
	}
	if want := math.Log2(0.01/0.99) + math.Log2(0.8/0.001); math.Abs(w.Weight-want) > 1e-9 {
		t.Errorf("total %.4f, want %.4f (prior and phone)", w.Weight, want)
	}
	if text := w.Text(); !strings.Contains(text, "household") || !strings.Contains(text, "count once") {
		t.Errorf("text lacks the household bar:\n%s", text)
	}
}

// A town read from an address line (model.DerivedTowns) is explained as
// such, in the data and in the text.
func TestWaterfallDerivedTown(t *testing.T) {
	m := &model.Model{Version: model.Version, Prior: 0.01, Thresholds: model.Thresholds{Match: 0.8, Review: 0.5},
		Comparisons: []model.Comparison{{Name: "city", Feature: "city", Kind: record.KindCity, Levels: []model.Level{
			{LevelSpec: compare.LevelSpec{Label: "exact", Method: compare.MethodExact}, M: 0.9, U: 0.01},
			{LevelSpec: compare.LevelSpec{Label: "else", Method: compare.MethodElse}, M: 0.1, U: 0.99}}}}}
	s, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	feature := func(name string, kind record.Kind, raw string) record.Feature {
		v, err := normalize.Value(kind, raw, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return record.Feature{Name: name, Kind: kind, Values: []record.Value{v}}
	}
	a := record.Record{Key: record.Key{Source: "kyc", ID: "1"}, Features: []record.Feature{feature("city", record.KindCity, "Caracas")}}
	b := record.Record{Key: record.Key{Source: "pay", ID: "2"}, Features: []record.Feature{feature("line", record.KindAddress, "98 VICTORIA STREET, CARACAS")}}
	w := explain.Pair(s, &a, &b)
	bar := w.Bars[1]
	if bar.Name != "city" || bar.LevelIndex != 1 || bar.A != "caracas" || bar.B != "caracas" || bar.AFrom != "" || bar.BFrom != "line" {
		t.Fatalf("city bar = %+v, want exact caracas, b's read from line", bar)
	}
	if text := w.Text(); !strings.Contains(text, `"caracas" (read from b's line)`) {
		t.Errorf("text does not say where b's town was read from:\n%s", text)
	}
}

// TestWaterfallOrgNames: the tf bar of two organisations' names weighed
// by the frequency of organisations' names says so, in JSON and in text;
// a person's name and an organisation's do not.
func TestWaterfallOrgNames(t *testing.T) {
	s := nameScorer(t, model.Comparison{Kind: record.KindParty, TFMin: 0.001, TFOrgOnce: 1e-6})
	register, wire := named(t, "1", record.KindOrgName, "Campbell Foods Limited"), named(t, "2", record.KindParty, "CAMPBELL FOODS LTD")
	person := named(t, "3", record.KindName, "Foods Campbell") // a person's name of the same words
	w := explain.Pair(s, &register, &wire)
	if len(w.Bars) < 3 || w.Bars[2].Name != "tf name" || w.Bars[2].Basis != explain.BasisOrgNames || math.Abs(w.Bars[2].Weight-math.Log2(0.01/1e-6)) > 1e-9 {
		t.Fatalf("bars = %+v, want a tf bar of organisations' names weighing log2(0.01/1e-6)", w.Bars)
	}
	if text := w.Text(); !strings.Contains(text, "(frequency among organisations' names)") {
		t.Errorf("text does not say the frequency is organisations' names':\n%s", text)
	}
	w = explain.Pair(s, &register, &person)
	if w.Bars[1].LevelIndex != 1 {
		t.Fatalf("an organisation's name and a person's of the same words: bars %+v, want exact", w.Bars)
	}
	for _, b := range w.Bars {
		if b.Basis != "" {
			t.Errorf("an organisation's name and a person's: bar %+v has a basis", b)
		}
	}
}

// TestWaterfallOrgExact: two organisations' names that agree exactly
// weigh by organisations' own m of the level (m_org_exact), and the bar
// gives that m, so that its weight is log2(m/u) of what it shows; a
// person's name and an organisation's by the level's.
func TestWaterfallOrgExact(t *testing.T) {
	s := nameScorer(t, model.Comparison{Kind: record.KindParty, TFMin: 0.001, TFOrgOnce: 1e-6, MOrgExact: 0.95})
	register, wire := named(t, "1", record.KindOrgName, "Campbell Foods Limited"), named(t, "2", record.KindParty, "CAMPBELL FOODS LTD")
	person := named(t, "3", record.KindName, "Foods Campbell")
	for _, tt := range []struct {
		name string
		b    *record.Record
		m    float64
	}{
		{"two organisations", &wire, 0.95},
		{"an organisation and a person", &person, s.Model.Comparisons[0].Levels[0].M},
	} {
		bar := explain.Pair(s, &register, tt.b).Bars[1]
		if bar.LevelIndex != 1 || bar.M == nil || *bar.M != tt.m || math.Abs(bar.Weight-math.Log2(*bar.M / *bar.U)) > 1e-9 {
			t.Errorf("%s: bar %+v, want exact at m %v weighing log2(m/u)", tt.name, bar, tt.m)
		}
	}
}

// TestWaterfallForms: two organisations' names that agree exactly and
// both write a legal form have a bar of their forms after the name's, with
// the forms, the m and u of how they relate, and log2(m/u) as its weight;
// the total adds it. A name without its form has none.
func TestWaterfallForms(t *testing.T) {
	s := nameScorer(t, model.Comparison{Kind: record.KindParty, TFMin: 0.001, MFormsAgree: 0.9, UFormsAgree: 0.3})
	register := named(t, "1", record.KindOrgName, "Andina Caballero Pacific Compañía Anónima")
	for _, tt := range []struct {
		name, wire string
		level      string
		m, u       float64
		forms      []string
	}{
		{"forms agree", "ANDINA CABALLERO PACIFIC C.A.", "agree", 0.9, 0.3, []string{"ca", "ca"}},
		{"forms disagree", "ANDINA CABALLERO PACIFIC S.R.L.", "disagree", 0.1, 0.7, []string{"ca", "srl"}},
		{"no form", "ANDINA CABALLERO PACIFIC", "", 0, 0, nil},
	} {
		wire := named(t, "2", record.KindParty, tt.wire)
		w := explain.Pair(s, &register, &wire)
		i := slices.IndexFunc(w.Bars, func(b explain.Bar) bool { return strings.HasPrefix(b.Name, explain.FormsBar) })
		if tt.forms == nil {
			if i >= 0 {
				t.Errorf("%s: bar %+v", tt.name, w.Bars[i])
			}
			continue
		}
		if i < 0 {
			t.Fatalf("%s: no bar of legal forms in %+v", tt.name, w.Bars)
		}
		b := w.Bars[i]
		if b.Name != explain.FormsBar+"name" || b.Level != tt.level || b.A != tt.forms[0] || b.B != tt.forms[1] || b.M == nil || math.Abs(*b.M-tt.m) > 1e-12 || math.Abs(*b.U-tt.u) > 1e-12 ||
			math.Abs(b.Weight-math.Log2(tt.m/tt.u)) > 1e-9 || math.Abs(b.Cumulative-w.Bars[i-1].Cumulative-b.Weight) > 1e-9 {
			t.Errorf("%s: bar %+v, want %s %v with m %v u %v", tt.name, b, tt.level, tt.forms, tt.m, tt.u)
		}
		if last := w.Bars[len(w.Bars)-1]; math.Abs(last.Cumulative-w.Weight) > 1e-9 {
			t.Errorf("%s: the bars add up to %v, the total is %v", tt.name, last.Cumulative, w.Weight)
		}
		if text := w.Text(); !strings.Contains(text, "legal form of name: "+tt.level) {
			t.Errorf("%s: text has no bar of legal forms:\n%s", tt.name, text)
		}
	}
}

// TestWaterfallWords: a name seen too seldom to count, estimated from its
// words rarer than a name seen once, has a tf bar that says so; a name
// counted, or one whose words make it no rarer than a name seen once, has
// none.
func TestWaterfallWords(t *testing.T) {
	s := nameScorer(t, model.Comparison{Kind: record.KindName, TFMin: 0.001, TFTable: map[string]float64{"ana diaz": 0.02},
		TFTokens: map[string]float64{"ana": 0.1, "diaz": 0.1, "garcia": 0.2, "maria": 0.2}, TFTokenMin: 0.0001})
	for _, tt := range []struct {
		name  string
		basis string
		tf    float64 // the frequency the bar weighs by
	}{
		{"Eilidh Quinwood", explain.BasisWords, 0.001 / model.RareNameSpan}, // rare words: below once, at the floor
		{"Ana Diaz", "", 0.02},      // counted
		{"Maria Garcia", "", 0.001}, // common words: as a name seen once
	} {
		a, b := named(t, "1", record.KindName, tt.name), named(t, "2", record.KindName, tt.name)
		w := explain.Pair(s, &a, &b)
		if len(w.Bars) < 3 || w.Bars[2].Name != "tf name" || w.Bars[2].Basis != tt.basis || math.Abs(w.Bars[2].Weight-math.Log2(0.01/tt.tf)) > 1e-9 {
			t.Errorf("%s: bars %+v, want a tf bar of basis %q weighing log2(0.01/%v)", tt.name, w.Bars, tt.basis, tt.tf)
			continue
		}
		if said := strings.Contains(w.Text(), "(frequency estimated from its words)"); said != (tt.basis == explain.BasisWords) {
			t.Errorf("%s: text says it was estimated from its words: %v, want %v:\n%s", tt.name, said, !said, w.Text())
		}
	}
}

// TestWaterfallNear: the tf bar of two people's names one name slipped at
// a near level (a typo of a rare name) says it weighs by the commoner
// name's frequency; an exact match's does not; two names a letter apart
// in words that are each a name of its own have a bar of 0 that says so.
func TestWaterfallNear(t *testing.T) {
	c := model.FromSpec(compare.DefaultSpec("name", record.KindParty))
	for j := range c.Levels {
		c.Levels[j].M, c.Levels[j].U = 0.5/float64(j+1), 0.001*float64(j+1)
	}
	c.TFMin = 0.0001
	m := &model.Model{Version: model.Version, Prior: 0.01, Thresholds: model.Thresholds{Match: 0.8, Review: 0.5}, Comparisons: []model.Comparison{c}}
	s, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	a, b := named(t, "1", record.KindParty, "James Kenneth Jackson"), named(t, "2", record.KindParty, "JAMES KENNETH JAAKSON")
	w := explain.Pair(s, &a, &b)
	if len(w.Bars) < 3 || w.Bars[2].Name != "tf name" || w.Bars[2].Basis != explain.BasisCommoner || math.Abs(w.Bars[2].Weight-math.Log2(0.001/0.0001)) > 1e-9 {
		t.Fatalf("bars = %+v, want a tf bar of the commoner name weighing log2(0.001/0.0001)", w.Bars)
	}
	if text := w.Text(); !strings.Contains(text, "(frequency of the commoner name: one is a typo, a cut, a nickname, a joined writing or another spelling of it)") {
		t.Errorf("text does not say the frequency is the commoner name's:\n%s", text)
	}
	w = explain.Pair(s, &a, &a)
	if len(w.Bars) < 3 || w.Bars[2].Name != "tf name" || w.Bars[2].Basis != "" {
		t.Errorf("an exact match: bars %+v, want a tf bar of no basis", w.Bars)
	}
	// Two names whose words a letter apart are each a name many hold: a
	// tf bar of 0 that says why, where words that are not weigh as the
	// commoner name.
	m.Comparisons[0].TFNameWords = []string{"ming", "ping"}
	if s, err = m.Compile(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		b     string
		basis string
		tf    float64
	}{
		{"HU CHUN-PING", explain.BasisTwoNames, 0},
		{"HU CHUN-MIGN", explain.BasisCommoner, math.Log2(0.001 / 0.0001)},
	} {
		a, b := named(t, "1", record.KindParty, "Hu Chun-ming"), named(t, "2", record.KindParty, tt.b)
		w = explain.Pair(s, &a, &b)
		if len(w.Bars) < 3 || w.Bars[2].Name != "tf name" || w.Bars[2].Basis != tt.basis || math.Abs(w.Bars[2].Weight-tt.tf) > 1e-9 {
			t.Errorf("Hu Chun-ming ~ %s: bars %+v, want a tf bar of basis %q weighing %v", tt.b, w.Bars, tt.basis, tt.tf)
		}
		if said := strings.Contains(w.Text(), "two people's names, not one mistyped"); said != (tt.basis == explain.BasisTwoNames) {
			t.Errorf("Hu Chun-ming ~ %s: text says two names: %v:\n%s", tt.b, said, w.Text())
		}
	}
}

// nameScorer compiles a model of one name comparison c with term
// frequencies, exact (sorted words: m 0.9, u 0.01) or else, prior 0.01.
func nameScorer(t *testing.T, c model.Comparison) *model.Scorer {
	t.Helper()
	c.Name, c.Feature, c.TF = "name", "name", true
	c.Levels = []model.Level{
		{LevelSpec: compare.LevelSpec{Label: "exact", Method: compare.MethodExact, Facet: "sorted"}, M: 0.9, U: 0.01},
		{LevelSpec: compare.LevelSpec{Label: "else", Method: compare.MethodElse}, M: 0.1, U: 0.99}}
	m := &model.Model{Version: model.Version, Prior: 0.01, Thresholds: model.Thresholds{Match: 0.8, Review: 0.5}, Comparisons: []model.Comparison{c}}
	s, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// named is a record of source s whose feature name holds raw read as kind.
func named(t *testing.T, id string, kind record.Kind, raw string) record.Record {
	t.Helper()
	v, err := normalize.Value(kind, raw, normalize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return record.Record{Key: record.Key{Source: "s", ID: id}, Features: []record.Feature{{Name: "name", Kind: kind, Values: []record.Value{v}}}}
}
