package model_test

import (
	"bytes"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// TestEMRecoversKnownParameters draws comparison vectors from known m, u
// and λ, and checks that EM with u fixed recovers m and λ.
func TestEMRecoversKnownParameters(t *testing.T) {
	trueM := [][]float64{{0.9, 0.07, 0.03}, {0.85, 0.15}, {0.7, 0.2, 0.1}}
	trueU := [][]float64{{0.01, 0.09, 0.9}, {0.05, 0.95}, {0.02, 0.18, 0.8}}
	const lambda, n = 0.2, 200000
	r := rand.New(rand.NewPCG(7, 11))
	draw := func(p []float64) uint8 {
		x := r.Float64()
		for j, q := range p {
			if x < q {
				return uint8(j + 1)
			}
			x -= q
		}
		return uint8(len(p))
	}
	counts := model.Counter{}
	levels := make([]uint8, 3)
	for range n {
		probs := trueU
		if r.Float64() < lambda {
			probs = trueM
		}
		for i := range levels {
			levels[i] = draw(probs[i])
		}
		if r.Float64() < 0.1 {
			levels[1] = 0 // some nulls, which EM must ignore
		}
		counts.Add(levels)
	}
	pats := counts.Patterns()
	m0 := [][]float64{model.StartM(3), model.StartM(2), model.StartM(3)}
	res := model.EM(pats, m0, trueU, []bool{true, true, true}, 0.5, 500)
	if !res.Converged || res.Step >= 1e-6 {
		t.Errorf("EM did not converge in %d iterations (last step %g)", res.Iterations, res.Step)
	}
	// Stopped early, it says how far it still moved.
	if short := model.EM(pats, m0, trueU, []bool{true, true, true}, 0.5, 2); short.Converged || short.Step < 1e-6 || short.Iterations != 2 {
		t.Errorf("EM stopped after 2 iterations: converged %v, step %g, iterations %d; want not converged, a step of 1e-6 or more", short.Converged, short.Step, short.Iterations)
	}
	if math.Abs(res.Lambda-lambda) > 0.01 {
		t.Errorf("λ = %.4f, want %.2f", res.Lambda, lambda)
	}
	for i := range trueM {
		for j := range trueM[i] {
			if math.Abs(res.M[i][j]-trueM[i][j]) > 0.02 {
				t.Errorf("m[%d][%d] = %.4f, want %.2f", i, j, res.M[i][j], trueM[i][j])
			}
		}
	}
	// An inactive comparison is left alone.
	res = model.EM(pats, m0, trueU, []bool{true, false, true}, 0.5, 500)
	if res.M[1] != nil {
		t.Errorf("inactive comparison got m = %v", res.M[1])
	}
}

func TestEstimateU(t *testing.T) {
	counts := model.Counter{}
	for range 90 {
		counts.Add([]uint8{2})
	}
	for range 10 {
		counts.Add([]uint8{1})
	}
	counts.Add([]uint8{0})
	u := model.EstimateU(counts.Patterns(), []int{3})
	want := []float64{10.5 / 101, 90.5 / 101} // smoothed by 0.5 per level; null ignored
	for j := range want {
		if math.Abs(u[0][j]-want[j]) > 1e-9 {
			t.Errorf("u[%d] = %v, want %v", j, u[0][j], want[j])
		}
	}
}

func testModel() *model.Model {
	name := model.FromSpec(compare.Spec{Name: "name", Feature: "name", Kind: record.KindName, TF: true, Levels: []compare.LevelSpec{
		{Label: "exact", Method: "exact"}, {Label: "else", Method: "else"}}})
	name.Levels[0].M, name.Levels[0].U = 0.9, 0.01
	name.Levels[1].M, name.Levels[1].U = 0.1, 0.99
	name.TFTable = map[string]float64{"smith": 0.04}
	name.TFMin = 0.0005
	dob := model.FromSpec(compare.Spec{Name: "dob", Feature: "dob", Kind: record.KindDate, Levels: []compare.LevelSpec{
		{Label: "exact", Method: "exact"}, {Label: "else", Method: "else"}}})
	dob.Levels[0].M, dob.Levels[0].U = 0.8, 0.002
	dob.Levels[1].M, dob.Levels[1].U = 0.2, 0.998
	return &model.Model{Version: model.Version, Prior: 0.001, Thresholds: model.Thresholds{Match: 0.95, Review: 0.6},
		Comparisons: []model.Comparison{name, dob}}
}

func person(id, name, dob string) *record.Record {
	r := &record.Record{Key: record.Key{Source: "s", ID: id}}
	if name != "" {
		r.Features = append(r.Features, record.Feature{Name: "name", Values: []record.Value{{Norm: name}}})
	}
	if dob != "" {
		r.Features = append(r.Features, record.Feature{Name: "dob", Values: []record.Value{{Norm: dob}}})
	}
	return r
}

// TestScoreByHand checks scores against weights computed by hand.
func TestScoreByHand(t *testing.T) {
	s, err := testModel().Compile()
	if err != nil {
		t.Fatal(err)
	}
	prior := math.Log2(0.001 / 0.999)
	tests := []struct {
		name string
		a, b *record.Record
		want float64
	}{
		// rare name: TF adjustment log2(0.01/0.0005) = log2(20)
		{"RareNameSameDOB", person("1", "zelinsky", "1990"), person("2", "zelinsky", "1990"),
			prior + math.Log2(0.9/0.01) + math.Log2(0.01/0.0005) + math.Log2(0.8/0.002)},
		// common name: log2(0.01/0.04) = -2
		{"CommonNameSameDOB", person("1", "smith", "1990"), person("2", "smith", "1990"),
			prior + math.Log2(0.9/0.01) - 2 + math.Log2(0.8/0.002)},
		{"NameDiffers", person("1", "smith", "1990"), person("2", "jones", "1990"),
			prior + math.Log2(0.1/0.99) + math.Log2(0.8/0.002)},
		{"NullDOB", person("1", "smith", ""), person("2", "jones", "1990"),
			prior + math.Log2(0.1/0.99)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := make([]model.Evidence, 2)
			levels := make([]uint8, 2)
			got := s.Compare(tt.a, tt.b, levels, ev)
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("weight = %.6f, want %.6f (evidence %+v)", got, tt.want, ev)
			}
			if p := model.Probability(got); math.Abs(p-1/(1+math.Exp2(-tt.want))) > 1e-12 {
				t.Errorf("probability = %v", p)
			}
		})
	}
}

func TestWriteRead(t *testing.T) {
	m := testModel()
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"weight": 6.4919`) { // log2(0.9/0.01)
		t.Errorf("model.json lacks the derived weight:\n%s", buf.String())
	}
	got, err := model.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Prior != m.Prior || len(got.Comparisons) != 2 || got.Comparisons[0].TFTable["smith"] != 0.04 {
		t.Errorf("round trip = %+v", got)
	}
	// Source priors survive the round trip and take the place of the
	// global prior for their pair of sources, in either order.
	m.SourcePriors = []model.SourcePrior{{A: "kyc", B: "payments", Prior: 0.25, Expected: 3}}
	buf.Reset()
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err = model.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	s, err := got.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if w := s.PriorWeightFor("payments", "kyc"); math.Abs(w-math.Log2(0.25/0.75)) > 1e-12 {
		t.Errorf("prior weight of payments and kyc = %v, want log2(1/3)", w)
	}
	if w := s.PriorWeightFor("kyc", "kyc"); w != s.PriorWeight() {
		t.Errorf("prior weight of kyc and kyc = %v, want the global %v", w, s.PriorWeight())
	}
	// Field aliases survive the round trip; one with no feature to read
	// the field as, or its own name, is refused.
	m.Aliases = []model.FieldAlias{{Source: "list", Field: "passport", Kind: "identifier", As: "documento", With: "kyc", Shared: 9}}
	buf.Reset()
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got, err = model.Read(&buf); err != nil || !reflect.DeepEqual(got.Aliases, m.Aliases) {
		t.Errorf("field aliases read back %+v, %v; want %+v", got.Aliases, err, m.Aliases)
	}
	for _, as := range []string{"", "passport"} {
		m.Aliases[0].As = as
		buf.Reset()
		if err := m.Write(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := model.Read(&buf); err == nil {
			t.Errorf("a field alias as %q read without error", as)
		}
	}
	m.Aliases = nil
	// Name joins too; one of one field, or as no field, is refused.
	m.NameJoins = []model.NameJoin{{Source: "crm", Fields: []string{"first", "last"}, As: "name", Rows: 40, Given: []float64{0.5, 0}, OneWord: []float64{1, 0.9}}}
	buf.Reset()
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got, err = model.Read(&buf); err != nil || !reflect.DeepEqual(got.NameJoins, m.NameJoins) {
		t.Errorf("name joins read back %+v, %v; want %+v", got.NameJoins, err, m.NameJoins)
	}
	for _, bad := range []model.NameJoin{{Source: "crm", Fields: []string{"first"}, As: "name"}, {Source: "crm", Fields: []string{"first", "last"}}} {
		m.NameJoins[0] = bad
		buf.Reset()
		if err := m.Write(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := model.Read(&buf); err == nil {
			t.Errorf("a name join %+v read without error", bad)
		}
	}
	m.NameJoins = nil
	// Name unions too; one of one field, as no field, or of a kind that
	// is no name's, is refused.
	m.NameUnions = []model.NameUnion{{Source: "crm", Fields: []string{"name", "company"}, As: "name", Kind: record.KindParty, Rows: 40, Together: 1}}
	buf.Reset()
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got, err = model.Read(&buf); err != nil || !reflect.DeepEqual(got.NameUnions, m.NameUnions) {
		t.Errorf("name unions read back %+v, %v; want %+v", got.NameUnions, err, m.NameUnions)
	}
	for _, bad := range []model.NameUnion{{Source: "crm", Fields: []string{"name"}, As: "name", Kind: record.KindParty},
		{Source: "crm", Fields: []string{"name", "company"}, Kind: record.KindParty}, {Source: "crm", Fields: []string{"name", "company"}, As: "name", Kind: record.KindDate}} {
		m.NameUnions[0] = bad
		buf.Reset()
		if err := m.Write(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := model.Read(&buf); err == nil {
			t.Errorf("a name union %+v read without error", bad)
		}
	}
	for _, bad := range []string{
		`{"version": 2, "prior": 0.1}`,
		`{"version": 1, "prior": 0}`,
		`{"version": 1, "prior": 0.1, "surprise": 1}`,
		`{"version": 1, "prior": 0.1, "source_priors": [{"a": "x", "b": "y", "prior": 1}]}`,
		`{"version": 1, "prior": 0.1, "comparisons": [{"name": "x", "feature": "x", "levels": [{"label": "e", "method": "exact", "m": 0.5, "u": 0.5}]}]}`,
		`{"version": 1, "prior": 0.1, "thresholds": {"match": 0.9, "review": 0.6}, "comparisons": [{"name": "x", "feature": "x", "levels": [{"label": "else", "method": "else", "m": 0, "u": 0.5}]}]}`,
		`{"version": 1, "prior": 0.1, "thresholds": {"match": 90, "review": 60}}`,
		`{"version": 1, "prior": 0.1, "thresholds": {"match": 0, "review": 0}}`,
		`{"version": 1, "prior": 0.1, "thresholds": {"match": 0.6, "review": 0.9}}`,
		`{"version": 1, "prior": 0.1, "thresholds": {"match": 0.9, "review": -0.1}}`,
	} {
		if _, err := model.Read(strings.NewReader(bad)); err == nil {
			t.Errorf("Read(%s) succeeded, want error", bad)
		}
	}
	if _, err := model.Read(strings.NewReader(`{"version": 1, "prior": 0.1, "thresholds": {"match": 1, "review": 0}}`)); err != nil {
		t.Errorf("thresholds at their bounds: %v", err)
	}
}

// FuzzRead: any model file is read or refused, never a panic; a model
// read scores a pair to a finite weight, or an infinite one only from
// a threshold of its own (none here), and decides it.
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	if err := testModel().Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.String())
	f.Add(`{"version": 1, "prior": 0.1, "thresholds": {"match": 0.9, "review": 0.6}, "comparisons": [{"name": "x", "feature": "name", "kind": "name", "levels": [{"label": "e", "method": "exact", "m": 0.9, "u": 0.01}, {"label": "else", "method": "else", "m": 0.1, "u": 0.99}]}]}`)
	a, b := person("a", "ann smith", "1990-01-02"), person("b", "ann smith", "1990-01-03")
	f.Fuzz(func(t *testing.T, file string) {
		m, err := model.Read(strings.NewReader(file))
		if err != nil {
			return
		}
		s, err := m.Compile()
		if err != nil {
			t.Fatalf("read but does not compile: %v", err)
		}
		levels := make([]uint8, len(s.Comps))
		w := s.Compare(a, b, levels, nil)
		if math.IsNaN(w) {
			t.Fatalf("weight NaN of a model read: %s", file)
		}
		s.Decide(w, levels)
	})
}

func TestMonotone(t *testing.T) {
	tests := []struct {
		name string
		m, u []float64
	}{
		{"in order", []float64{0.8, 0.15, 0.05}, []float64{0.01, 0.09, 0.9}},
		// one edit (m 0.05, u 0.0005) outweighs exact (m 0.75, u 0.01): pooled.
		{"sparse level pooled", []float64{0.75, 0.05, 0.2}, []float64{0.01, 0.0005, 0.9895}},
		{"else above a closer level", []float64{0.7, 0.01, 0.29}, []float64{0.1, 0.5, 0.4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.Monotone(tt.m, tt.u)
			sum := 0.0
			for j := range got {
				sum += got[j]
				if j > 0 && got[j]/tt.u[j] > got[j-1]/tt.u[j-1]*(1+1e-12) {
					t.Errorf("level %d weighs more than level %d: m=%v u=%v", j, j-1, got, tt.u)
				}
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("m sums to %v, want 1", sum)
			}
		})
	}
	in := []float64{0.8, 0.15, 0.05}
	if got := model.Monotone(in, []float64{0.01, 0.09, 0.9}); !slices.Equal(got, in) {
		t.Errorf("Monotone changed levels already in order: %v", got)
	}
	got := model.Monotone([]float64{0.75, 0.05, 0.2}, []float64{0.01, 0.0005, 0.9895})
	if want := 0.8 / 0.0105; math.Abs(got[0]/0.01-want) > 1e-9 || math.Abs(got[1]/0.0005-want) > 1e-9 {
		t.Errorf("pooled ratios = %v, %v, want both %v", got[0]/0.01, got[1]/0.0005, want)
	}
}

// CapLast lowers the else level's m to a cap, FloorLast raises it to a
// floor, each scaling the other levels to keep the sum; an m already
// within the bound is kept as it is.
func TestCapFloorLast(t *testing.T) {
	for _, c := range []struct {
		name  string
		f     func([]float64, float64) []float64
		m     []float64
		bound float64
		want  []float64
	}{
		{"cap", model.CapLast, []float64{0.4, 0.1, 0.5}, 0.05, []float64{0.4 * 0.95 / 0.5, 0.1 * 0.95 / 0.5, 0.05}},
		{"under the cap", model.CapLast, []float64{0.9, 0.1}, 0.2, []float64{0.9, 0.1}},
		{"floor", model.FloorLast, []float64{0.6, 0.39, 0.01}, 0.05, []float64{0.6 * 0.95 / 0.99, 0.39 * 0.95 / 0.99, 0.05}},
		{"over the floor", model.FloorLast, []float64{0.9, 0.1}, 0.05, []float64{0.9, 0.1}},
		{"at the floor", model.FloorLast, []float64{0.95, 0.05}, 0.05, []float64{0.95, 0.05}},
		{"one level", model.FloorLast, []float64{1}, 0.05, []float64{1}},
		{"all else", model.FloorLast, []float64{0, 1}, 0.05, []float64{0, 1}},
	} {
		got := c.f(c.m, c.bound)
		for j := range c.want {
			if len(got) != len(c.want) || math.Abs(got[j]-c.want[j]) > 1e-12 {
				t.Errorf("%s: %v → %v, want %v", c.name, c.m, got, c.want)
				break
			}
		}
	}
}

// TestHouseholdCountsOnce checks that household comparisons (phone,
// address) agreeing together add only the strongest of their weights,
// while their disagreements all count.
func TestHouseholdCountsOnce(t *testing.T) {
	lv := func(m, u float64) model.Level {
		return model.Level{LevelSpec: compare.LevelSpec{Label: "l", Method: compare.MethodExact}, M: m, U: u}
	}
	els := func(m, u float64) model.Level {
		return model.Level{LevelSpec: compare.LevelSpec{Label: "else", Method: compare.MethodElse}, M: m, U: u}
	}
	comp := func(name string, kind record.Kind, exact, other model.Level) model.Comparison {
		return model.Comparison{Name: name, Feature: name, Kind: kind, Levels: []model.Level{exact, other}}
	}
	m := &model.Model{Version: model.Version, Prior: 0.001, Thresholds: model.Thresholds{Match: 0.95, Review: 0.6},
		Comparisons: []model.Comparison{
			comp("name", record.KindText, lv(0.9, 0.01), els(0.1, 0.99)),
			comp("phone", record.KindPhone, lv(0.8, 0.0001), els(0.2, 0.9999)),
			comp("address", record.KindAddress, lv(0.6, 0.001), els(0.4, 0.999)),
		}}
	s, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	rec := func(id, name, phone, address string) *record.Record {
		r := &record.Record{Key: record.Key{Source: "s", ID: id}}
		for _, f := range [][2]string{{"name", name}, {"phone", phone}, {"address", address}} {
			r.Features = append(r.Features, record.Feature{Name: f[0], Values: []record.Value{{Norm: f[1]}}})
		}
		return r
	}
	prior := math.Log2(0.001 / 0.999)
	name, nameElse := math.Log2(0.9/0.01), math.Log2(0.1/0.99)
	phone, phoneElse := math.Log2(0.8/0.0001), math.Log2(0.2/0.9999)
	address, addressElse := math.Log2(0.6/0.001), math.Log2(0.4/0.999)
	tests := []struct {
		name      string
		a, b      *record.Record
		want      float64
		household float64 // Scorer.Household of the evidence
	}{
		{"both agree: the phone counts, the address does not", rec("1", "ana", "1", "x"), rec("2", "ana", "1", "x"),
			prior + name + phone, -address},
		{"phone alone", rec("1", "ana", "1", "x"), rec("2", "ana", "1", "y"), prior + name + phone + addressElse, 0},
		{"address alone", rec("1", "ana", "1", "x"), rec("2", "ana", "2", "x"), prior + name + phoneElse + address, 0},
		{"both differ: both count", rec("1", "ana", "1", "x"), rec("2", "eva", "2", "y"), prior + nameElse + phoneElse + addressElse, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			levels := make([]uint8, 3)
			ev := make([]model.Evidence, 3)
			if got := s.Compare(tt.a, tt.b, levels, ev); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("weight = %.4f, want %.4f", got, tt.want)
			}
			if got := s.Household(ev); math.Abs(got-tt.household) > 1e-9 {
				t.Errorf("Household = %.4f, want %.4f", got, tt.household)
			}
			if got := s.WeightOf(levels); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("WeightOf = %.4f, want %.4f", got, tt.want)
			}
		})
	}
}

// TestRemoveMatches takes out of u the matches random pairs hold: with 1%
// of random pairs matches that agree 90% of the time, an observed 1.9%
// agreement is 1.0 in 99 among the 99% that are non-matches; shares stay
// at the floor or above and sum to 1.
func TestRemoveMatches(t *testing.T) {
	u := model.RemoveMatches([]float64{0.019, 0.981}, []float64{0.9, 0.1}, 0.01, 1e-6)
	if math.Abs(u[0]-0.01/0.99) > 1e-9 || math.Abs(u[0]+u[1]-1) > 1e-12 {
		t.Errorf("u = %v, want [0.0101 0.9899]", u)
	}
	u = model.RemoveMatches([]float64{0.001, 0.999}, []float64{0.9, 0.1}, 0.01, 1e-4)
	if u[0] < 1e-4*0.99 || math.Abs(u[0]+u[1]-1) > 1e-12 {
		t.Errorf("u = %v: the exact level fell below the floor", u)
	}
	if got := model.RemoveMatches([]float64{0.3, 0.7}, []float64{0.9, 0.1}, 0, 1e-6); got[0] != 0.3 || got[1] != 0.7 {
		t.Errorf("λ = 0 changed u: %v", got)
	}
}

// TestTFSalted: a model whose term-frequency table is keyed by salted
// digests scores as the same model keyed by values.
func TestTFSalted(t *testing.T) {
	plain := testModel()
	salted := testModel()
	salt := []byte{1, 2, 3}
	salted.TFSalt = "010203"
	salted.Comparisons[0].TFTable = map[string]float64{model.TFKey(salt, "smith"): 0.04}
	sp, _ := plain.Compile()
	ss, err := salted.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"smith", "zelinsky"} {
		a, b := person("1", name, "1990"), person("2", name, "1990")
		if wp, ws := sp.Score(a, b).Weight, ss.Score(a, b).Weight; math.Abs(wp-ws) > 1e-12 {
			t.Errorf("%s: %v keyed by value, %v keyed by digest", name, wp, ws)
		}
	}
	if k := model.TFKey(salt, "smith"); len(k) != 32 || strings.Contains(k, "smith") {
		t.Errorf("TFKey = %q", k)
	}
	salted.TFSalt = "not hex"
	if _, err := salted.Compile(); err == nil {
		t.Error("a tf_salt that is not hex compiled")
	}
}

// TestDecide is the one decision rule: thresholds as weights, a conflict
// only at or above the match threshold.
func TestDecide(t *testing.T) {
	m := testModel() // thresholds 0.95 and 0.6; dob is not exclusive here
	m.Comparisons[1].Exclusive = true
	s, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	matchW, reviewW := model.Logit(0.95), model.Logit(0.6)
	if s.MatchWeight() != matchW || s.ReviewWeight() != reviewW {
		t.Fatalf("weights %v %v", s.MatchWeight(), s.ReviewWeight())
	}
	agree, dobDiffers := []uint8{1, 1}, []uint8{1, 2}
	tests := []struct {
		w      float64
		levels []uint8
		want   model.Outcome
	}{
		{matchW, agree, model.Match},
		{matchW, dobDiffers, model.Conflict},
		{matchW - 0.01, dobDiffers, model.Review},
		{reviewW, agree, model.Review},
		{reviewW - 0.01, agree, model.NonMatch},
	}
	for _, tt := range tests {
		if got := s.Decide(tt.w, tt.levels); got != tt.want {
			t.Errorf("Decide(%v, %v) = %v, want %v", tt.w, tt.levels, got, tt.want)
		}
	}
	if model.Logit(0) > -39 || model.Logit(1) < 39 {
		t.Errorf("Logit(0), Logit(1) = %v, %v: want finite, far apart", model.Logit(0), model.Logit(1))
	}
}

// TestRareNameFrequency: a name held by no more than the pair is as rare
// as the product of its tokens' frequencies, within [once/64, once].
func TestRareNameFrequency(t *testing.T) {
	freq := map[string]float64{"maria": 0.05, "garcia": 0.04, "ana": 0.01}
	tok := func(s string) float64 {
		if f, ok := freq[s]; ok {
			return f
		}
		return 1e-4
	}
	const once = 1e-3
	for _, c := range []struct {
		key  string
		want float64
	}{
		{"garcia maria", once},          // common tokens: no rarer than seen
		{"ana garcia", 0.01 * 0.04},     // between the bounds
		{"ana thornwell", once / 64},    // rare tokens: the floor
		{"ana ana garcia", 0.01 * 0.04}, // a token counts once
		{"zed", 1e-4},                   // one token: its own frequency
		{"", once},
	} {
		if got := model.RareNameFrequency(c.key, tok, once); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%q: %v, want %v", c.key, got, c.want)
		}
	}
}

// nameTFScorer returns a scorer of one comparison of names of kind with
// term frequencies table and tfMin (each level's u 0.001 times its rank:
// an exact match's is 0.001), its spec, and a maker of records that hold a
// name written raw.
func nameTFScorer(t *testing.T, kind record.Kind, table map[string]float64, tfMin float64) (*model.Scorer, compare.Spec, func(id, raw string) *record.Record) {
	t.Helper()
	spec := compare.DefaultSpec("name", kind)
	name := model.FromSpec(spec)
	for j := range name.Levels {
		name.Levels[j].M, name.Levels[j].U = 0.5/float64(j+1), 0.001*float64(j+1)
	}
	name.TFTable, name.TFMin = table, tfMin
	m := &model.Model{Version: model.Version, Prior: 0.001, Thresholds: model.Thresholds{Match: 0.95, Review: 0.6},
		Comparisons: []model.Comparison{name}}
	s, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return s, spec, func(id, raw string) *record.Record {
		v, err := normalize.Value(kind, raw, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return &record.Record{Key: record.Key{Source: "s", ID: id}, Features: []record.Feature{{Name: "name", Values: []record.Value{v}}}}
	}
}

// TestSharedNameTF: names that share a name (a maternal surname or a
// middle name dropped) are adjusted by how common the name they share
// is, as an exact match on it would be; a relative's name is not.
func TestSharedNameTF(t *testing.T) {
	const uExact, tfMin, common = 0.001, 0.0001, 0.04
	s, spec, named := nameTFScorer(t, record.KindName, map[string]float64{"garcia juan": common}, tfMin)
	tests := []struct {
		a, b string
		tf   float64
	}{
		{"PEÑA ROSWOOD, Andrés Eduardo", "ANDRES PENA ROSWOOD", math.Log2(uExact / tfMin)}, // rare: up
		{"Juan García López", "GARCIA/JUAN", math.Log2(uExact / common)},                   // common: down
		{"Gabriela Laura Larley", "Laura Larley", 0},                                       // a daughter named after a middle name
		{"Juan García López", "Juan García López", math.Log2(uExact / tfMin)},              // exact: as before
	}
	for _, tt := range tests {
		ev := make([]model.Evidence, 1)
		s.Compare(named("1", tt.a), named("2", tt.b), make([]uint8, 1), ev)
		if ev[0].Level == 0 || ev[0].Level == len(spec.Levels) {
			t.Fatalf("%q ~ %q: level %d, want one that agrees", tt.a, tt.b, ev[0].Level)
		}
		if math.Abs(ev[0].TFAdjust-tt.tf) > 1e-9 {
			t.Errorf("%q ~ %q (%s): tf %.3f, want %.3f", tt.a, tt.b, ev[0].Label, ev[0].TFAdjust, tt.tf)
		}
	}
}

// TestNearNameTF: people's names a letter apart (in the first given name,
// a typo, not another ending), one cut short by a field, with a nickname
// for the first given name (words left out or not), with syllables
// joined, or in another romanisation, are adjusted by the commoner name's frequency when it is rare,
// and so is a company's name cut short by a field; common names, and
// names that differ otherwise (a sibling's given name, two letters, an
// organisation's name not cut by a field), keep their level's weight, but
// a common name's never weighs more than the name written alike would
// (exact agreement, adjusted by its frequency).
func TestNearNameTF(t *testing.T) {
	const uExact, tfMin, common = 0.001, 0.0001, 0.04
	s, _, named := nameTFScorer(t, record.KindParty, map[string]float64{"garcia juan lopez": common, "garcia jose lopez": common, "jun kim min": common, "hasan mansur": common}, tfMin)
	up, down := math.Log2(uExact/tfMin), math.Log2(uExact/common)
	// nameTFScorer's level j (1 exact) weighs log2((0.5/j)/(0.001·j)): 2·log2(j) less than exact.
	room := func(j float64) float64 { return 2 * math.Log2(j) }
	tests := []struct {
		a, b string
		tf   float64
	}{
		{"James Kenneth Jackson", "JAMES KENNETH JAAKSON", up},                                    // a letter substituted
		{"Javier Muñoz Santos", "SANTOS/JAVIER MUNZ", up},                                         // one dropped, another order
		{"Ahmad Sharif", "AHMAD SAHRIF", up},                                                      // two swapped
		{"Juan García López", "JUAN GARCIA LOPES", 0},                                             // a common name's typo: as its level weighs
		{"Alejandro Horacio Rolón Cordero Villalobos", "ALEJANDRO HORACIO ROLON CORDERO VIL", up}, // cut by a 35-character field
		{"CRAWHAM, Robrt", "ROBERT CRAWHAM", up},                                                  // a typo in the first given name
		{"Pepe Jorge Rayilla Giménez", "JOSE JORGE RAYILLA GIMENEZ", up},                          // a nickname for the first given name
		{"Juancito García López", "JUAN GARCIA LOPEZ", 0},                                         // a common name's diminutive no table holds, similar: as its level weighs
		{"Pepe García López", "JOSE GARCIA LOPEZ", room(3) + down},                                // a common name's nickname: no more than the name itself
		{"Park Seo-yeon", "PARK SEOYEON", up},                                                     // syllables joined
		{"Kim Min-jun", "KIM MINJUN", room(2) + down},                                             // a common name's syllables joined
		{"Rasheed Haddad", "HADAD, RASHID", up},                                                   // another romanisation
		{"Hassan Mansour", "HASAN MANSUR", room(4) + down},                                        // a common name's other romanisation
		{"Alejandro Oxista Márquez", "ALEX OXISTA", up},                                           // a nickname, a surname left out
		{"Maria Garcia Lopez", "MARIO GARCIA LOPEZ", 0},                                           // another first given name
		{"Zhu Yan-bo", "HU YAN-BO", 0},                                                            // a short family name a letter from another: another family
		{"Pedro Gracia Montes", "PEDRO GARCIA MONTES", up},                                        // a longer surname's letters swapped
		{"Maria Elena Garcia", "MARIA ELISA GARCIA", 0},                                           // two letters
		{"José María García López", "GARCIA LOPEZ/JOSE MARIO", 0},                                 // a middle name's other ending
		{"Norte Garrido Industrial S.A.", "NOTRE GARIDDO INDUSTRIAL SA", 0},                       // organisations, two words slipped
		{"Zambrana Pagan Meraz Godinez Hermanos S.C.", "ZAMBRANA PAGAN MERAZ GODINEZ HERMAN", up}, // one's name cut by a 35-character field, its form with it
		{"Zambrana Pagan Hermanos S.C.", "ZAMBRANA PAGAN HERMAN", 0},                              // the same, but no field's length: another company's
	}
	for _, tt := range tests {
		ev := make([]model.Evidence, 1)
		s.Compare(named("1", tt.a), named("2", tt.b), make([]uint8, 1), ev)
		if near := model.NearLevels(s.Comps[0]); near == nil || !near[ev[0].Level] {
			t.Fatalf("%q ~ %q: level %q, want a near one", tt.a, tt.b, ev[0].Label)
		}
		if math.Abs(ev[0].TFAdjust-tt.tf) > 1e-9 {
			t.Errorf("%q ~ %q (%s): tf %.3f, want %.3f", tt.a, tt.b, ev[0].Label, ev[0].TFAdjust, tt.tf)
		}
	}
}

// TestOrgTypoTF: two organisations' names a letter apart weigh as an
// exact match on the commoner would, by its frequency among
// organisations' names, its own m and its legal forms, less the level's
// room below exact when the name is rare, and no more than that match
// when it is common; words apart that are both names of their own
// (Cabrera, Carrera) are two companies' and take nothing; the query path
// gives the same.
func TestOrgTypoTF(t *testing.T) {
	const tfMin = 0.0001
	s, spec, named := nameTFScorer(t, record.KindParty, map[string]float64{"inversiones lopez": 0.4}, tfMin)
	c := &s.Model.Comparisons[0]
	c.TFOrgOnce, c.MOrgExact = 1e-6, 0.6
	c.TFOrgTable = map[string]float64{"inversiones lopez": 0.4}
	c.MFormsAgree, c.UFormsAgree = 0.9, 0.3
	c.TFNameWords = []string{"cabrera", "carrera"}
	s, err := readBack(t, s.Model).Compile()
	if err != nil {
		t.Fatal(err)
	}
	typo := model.OrgTypoLevel(s.Comps[0])
	if typo == 0 || spec.Levels[typo-1].Method != compare.MethodOrgTypo {
		t.Fatalf("OrgTypoLevel %d: not the level of %s", typo, compare.MethodOrgTypo)
	}
	room := model.NearRoom([]float64{0, math.Log2(0.5 / 0.001), math.Log2((0.5 / float64(typo)) / (0.001 * float64(typo)))}, 2)
	weigh := func(a, b string) (float64, model.Evidence) {
		ev := make([]model.Evidence, 1)
		w := s.Compare(named("1", a), named("2", b), make([]uint8, 1), ev)
		q := s.NewQuery(s.Values(named("1", a)))
		if qw := s.CompareQuery("s", "s", q, s.Values(named("2", b)), make([]uint8, 1), nil); qw != w {
			t.Errorf("%q ~ %q: CompareQuery %v, Compare %v", a, b, qw, w)
		}
		return w, ev[0]
	}
	tests := []struct {
		a, b, exact string  // exact: the commoner name written alike
		less        float64 // how much less than exact
	}{
		{"Industrial Parverde Ltd", "INDUSTRILAL PARVERDE LTD", "Industrial Parverde Ltd", room}, // rare: exact less the room
		{"Inversiones Lopez S.A.", "INVERSIONES LOEPZ SA", "Inversiones Lopez S.A.", 0},          // common: no more than exact
		{"Industrial Parverde", "INDUSTRILAL PARVERDE LTD", "Industrial Parverde", room},         // one form written: none weighs
	}
	for _, tt := range tests {
		w, ev := weigh(tt.a, tt.b)
		exact, _ := weigh(tt.exact, tt.exact)
		if ev.Level != typo || !ev.TFNear {
			t.Errorf("%q ~ %q: level %q (near %v), want %q adjusted", tt.a, tt.b, ev.Label, ev.TFNear, spec.Levels[typo-1].Label)
		}
		if math.Abs(exact-tt.less-w) > 1e-9 {
			t.Errorf("%q ~ %q: %.3f, want %.3f (%q written alike) less %.3f", tt.a, tt.b, w, exact, tt.exact, tt.less)
		}
	}
	if _, ev := weigh("Industrial Parverde Ltd", "INDUSTRILAL PARVERDE LTD"); ev.Forms != model.FormsAgree || ev.FormsWeight <= 0 {
		t.Errorf("forms %d weighing %v, want agreeing and weighing up", ev.Forms, ev.FormsWeight)
	}
	w, ev := weigh("Inversiones Cabrera S.A.", "INVERSIONES CARRERA SA")
	if ev.Level != typo || ev.TFAdjust != 0 || ev.FormsWeight != 0 || math.Abs(w-(s.PriorWeightFor("s", "s")+ev.Weight)) > 1e-9 {
		t.Errorf("two names of their own: level %q, tf %v, forms %v, total %v; want the level's weight alone", ev.Label, ev.TFAdjust, ev.FormsWeight, w)
	}
}

// TestTwoNamesTF: names a letter apart in a word that is, on both
// sides, a name of its own (Comparison.TFNameWords) and sounds otherwise
// are two people's, and keep their level's weight however rare; a typo's
// word, or one sounding alike, is one name slipped and weighs as rare as
// the name. The words survive model.json.
func TestTwoNamesTF(t *testing.T) {
	const uExact, tfMin = 0.001, 0.0001
	s, _, named := nameTFScorer(t, record.KindParty, nil, tfMin)
	s.Model.Comparisons[0].TFNameWords = []string{"catherine", "katherine", "ming", "ping", "hansen", "jansen"}
	s, err := readBack(t, s.Model).Compile()
	if err != nil {
		t.Fatal(err)
	}
	up := math.Log2(uExact / tfMin)
	// At the level of a typo (j), two names weigh as the next level does:
	// nameTFScorer's levels j and j+1 are 2·log2((j+1)/j) apart.
	typo := float64(slices.IndexFunc(s.Comps[0].Spec.Levels, func(l compare.LevelSpec) bool { return l.Method == compare.MethodNameTypo }) + 1)
	tests := []struct {
		a, b string
		tf   float64
	}{
		{"Peter Hansen", "PETER JANSEN", -2 * math.Log2((typo+1)/typo)}, // two names of their own at the level of a typo: as similar names
		{"Peter Hansen", "PETER HANSSEN", up},                           // a typo's word
		{"Hu Chun-ming", "HU CHUN-PING", 0},                             // two names of their own
		{"Hu Chun-ming", "HU CHUN-MIGN", up},                            // a typo's word
		{"Hu Chun-ling", "HU CHUN-LING", up},                            // exact
		{"Catherine Anne Rowley", "KATHERINE ANNE ROWLEY", up},          // names of their own, but one name's spellings
		{"James Kenneth Jackson", "JAMES KENNETH JAAKSON", up},          // no name of its own
	}
	for _, tt := range tests {
		ev := make([]model.Evidence, 1)
		w := s.Compare(named("1", tt.a), named("2", tt.b), make([]uint8, 1), ev)
		if math.Abs(ev[0].TFAdjust-tt.tf) > 1e-9 {
			t.Errorf("%q ~ %q (%s): tf %.3f, want %.3f", tt.a, tt.b, ev[0].Label, ev[0].TFAdjust, tt.tf)
		}
		if two := tt.tf <= 0; ev[0].TwoNames != two || ev[0].Level > 1 && ev[0].TFNear == two {
			t.Errorf("%q ~ %q (%s): evidence two names %v, near %v; want %v, %v", tt.a, tt.b, ev[0].Label, ev[0].TwoNames, ev[0].TFNear, two, !two)
		}
		q := s.NewQuery(s.Values(named("1", tt.a)))
		if qw := s.CompareQuery("s", "s", q, s.Values(named("2", tt.b)), make([]uint8, 1), nil); qw != w {
			t.Errorf("%q ~ %q: CompareQuery %v, Compare %v", tt.a, tt.b, qw, w)
		}
	}
	if !s.NameWord(0, "ming") || s.NameWord(0, "mign") {
		t.Errorf("NameWord: ming %v, mign %v; want true, false", s.NameWord(0, "ming"), s.NameWord(0, "mign"))
	}
}

func TestSubsetTF(t *testing.T) {
	tests := []struct {
		shared   string
		adj, got float64
	}{
		{"andres pena roswood", 5, 5},
		{"andres pena roswood", -2, -2},
		{"roswood", 5, 0}, // one token: a surname relatives share
		{"roswood", -2, -2},
		{"a roswood", 5, 0}, // an initial
		{"a roswood", -1, -1},
	}
	for _, tt := range tests {
		if got := model.SubsetTF(tt.adj, strings.Fields(tt.shared)); got != tt.got {
			t.Errorf("SubsetTF(%v, %q) = %v, want %v", tt.adj, tt.shared, got, tt.got)
		}
	}
}

// TestRareNameFrequencyRoundTrip: a model scores alike before model.json
// is written and after it is read, also when no name token was common
// enough to count (an empty token table, which the file leaves out): a
// rare name is then estimated from its tokens both times.
func TestRareNameFrequencyRoundTrip(t *testing.T) {
	m := testModel()
	m.Comparisons[0].TFTokens = map[string]float64{}
	m.Comparisons[0].TFTokenMin = 0.01
	read := readBack(t, m)
	before, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	after, err := read.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"smith", "anna zelinsky", "zelinsky"} {
		b, a := before.TFAdjust(0, name), after.TFAdjust(0, name)
		if a != b {
			t.Errorf("TFAdjust(%q) = %v in memory, %v read back", name, b, a)
		}
	}
	// Two tokens of frequency 0.01: 0.0001, below TFMin, so rarer than a
	// value counted once.
	if got, want := after.TFAdjust(0, "anna zelinsky"), math.Log2(0.01/0.0001); math.Abs(got-want) > 1e-9 {
		t.Errorf("TFAdjust(anna zelinsky) = %v, want %v", got, want)
	}
}

// TestAdmits: a link is weighed with what the other records of its groups
// say where its own pair has no value, and only when that is against it.
func TestAdmits(t *testing.T) {
	s, err := testModel().Compile() // name (0), dob (1): exact, else
	if err != nil {
		t.Fatal(err)
	}
	dobElse := math.Log2(0.2 / 0.998)
	lv := dobLevels{"", "1990", "1985", "1985", ""} // by record
	m := s.MatchWeight()
	tests := []struct {
		name     string
		w        float64
		ga, gb   []int32
		a, b     int32 // the linked pair
		want     bool
		with     [2]int32
		wantComp []int
	}{
		{"two records: the pair is the entity", m, []int32{0}, []int32{2}, 0, 2, true, [2]int32{}, nil},
		{"a group-mate's date differs: short of the threshold", m - dobElse - 0.01, []int32{0, 1}, []int32{2}, 0, 2, false, [2]int32{1, 2}, []int{1}},
		{"a group-mate's date differs: strong enough all the same", m - dobElse + 0.01, []int32{0, 1}, []int32{2}, 0, 2, true, [2]int32{1, 2}, []int{1}},
		{"another pair across agrees", m, []int32{0, 1, 3}, []int32{2}, 0, 2, true, [2]int32{}, nil},
		{"the pair has the value itself", m, []int32{1, 4}, []int32{2}, 1, 2, true, [2]int32{}, nil},
		{"no pair across has the value", m, []int32{0, 4}, []int32{2}, 0, 2, true, [2]int32{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			with, comps, ok := s.Admits(tt.w, lv, tt.a, tt.b, tt.ga, tt.gb)
			if ok != tt.want || (!ok || comps != nil) && (with != tt.with || !slices.Equal(comps, tt.wantComp)) {
				t.Errorf("Admits = %v, %v, %v; want %v, %v, %v", with, comps, ok, tt.with, tt.wantComp, tt.want)
			}
		})
	}
}

// dobLevels are the levels of records whose names all agree (comparison
// 0) and whose dates of birth (comparison 1) are these, "" for none.
type dobLevels []string

func (d dobLevels) Has(i int, x int32) bool { return i == 0 || d[x] != "" }

func (d dobLevels) Level(i int, x, y int32) int {
	switch a, b := d[x], d[y]; {
	case i == 0:
		return 1
	case a == "" || b == "":
		return 0
	case a == b:
		return 1
	}
	return 2
}

// TestConflictOutright: an exclusive comparison's level that the model
// weighs no higher than else (a date of birth within a year, when the
// data says such dates are as far apart as any) disagrees outright, as
// else does: the pair is a conflict unless another exclusive comparison
// agrees.
func TestConflictOutright(t *testing.T) {
	dobSpec := compare.Spec{Name: "dob", Feature: "dob", Kind: record.KindDate, Exclusive: true, Levels: []compare.LevelSpec{
		{Label: "exact", Method: "exact"}, {Label: "±1 year", Method: "date_years", Threshold: 1}, {Label: "else", Method: "else"}}}
	for _, tt := range []struct {
		name     string
		nearM    float64 // m of ±1 year; its u is else's
		conflict bool
	}{
		{"within a year weighs as else", 0.01, true},
		{"within a year weighs more than else", 0.1, false},
		// else weighs log2(0.01/0.05) = -2.32 bits: a level within a bit
		// of it cannot be told from it.
		{"within a year weighs within a bit of else", 0.019, true},        // -1.40
		{"within a year weighs more than a bit above else", 0.021, false}, // -1.25
	} {
		t.Run(tt.name, func(t *testing.T) {
			dob := model.FromSpec(dobSpec)
			dob.Levels[0].M, dob.Levels[0].U = 0.9, 0.001
			dob.Levels[1].M, dob.Levels[1].U = tt.nearM, 0.05
			dob.Levels[2].M, dob.Levels[2].U = 0.01, 0.05
			m := testModel()
			m.Comparisons[1] = dob
			s, err := m.Compile()
			if err != nil {
				t.Fatal(err)
			}
			near := []uint8{1, 2} // names agree, dates within a year
			if got := s.Conflict(near); got != tt.conflict {
				t.Errorf("Conflict = %v, want %v", got, tt.conflict)
			}
			if got := s.Disagreements(near); (len(got) == 1 && got[0] == "dob") != tt.conflict {
				t.Errorf("Disagreements = %v", got)
			}
			if s.Conflict([]uint8{1, 3}) != true || s.Conflict([]uint8{1, 1}) != false {
				t.Error("else is a conflict and exact is not, whatever the levels between")
			}
		})
	}
}

// TestCounter: a Counter counts each distinct vector's pairs, whatever is
// done to the vectors it was given afterwards.
func TestCounter(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	want, c := model.Patterns{}, model.Counter{}
	v := make([]uint8, 6)
	for range 5000 {
		for i := range v {
			v[i] = uint8(rng.IntN(3))
		}
		want[string(v)]++
		c.Add(v)
	}
	clear(v) // the vector's bytes reused, as the levels of the next pair are
	if got := c.Patterns(); !maps.Equal(got, want) {
		t.Errorf("Counter gave %d patterns, %d pairs; want %d, %d", len(got), got.Total(), len(want), want.Total())
	}
}

// BenchmarkCounter counts a million vectors of a few thousand kinds, as
// training's sessions do, with a Counter and, for comparison, by
// incrementing Patterns directly.
func BenchmarkCounter(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const nC = 11
	kinds := make([]uint8, 3000*nC)
	for i := range kinds {
		kinds[i] = uint8(min(rng.IntN(8), 3))
	}
	levels := make([]uint8, 0, 1000000*nC)
	for range 1000000 {
		k := rng.IntN(3000) * nC
		levels = append(levels, kinds[k:k+nC]...)
	}
	each := func(add func([]uint8)) {
		for k := 0; k < len(levels); k += nC {
			add(levels[k : k+nC])
		}
	}
	b.Run("Patterns", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := model.Patterns{}
			each(func(v []uint8) { p[string(v)]++ })
		}
	})
	b.Run("Counter", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := model.Counter{}
			each(c.Add)
			_ = c.Patterns()
		}
	})
}

// TestOrgNames: two organisations' names that agree exactly on a name not
// in the organisations' table weigh by the frequency of organisations'
// names (TFOrgOnce) where it is rarer than the name's own, one in it by
// the table's, unless both are written with a legal form under which no
// two organisations hold it (TFOrgForms); a pair of a person and an
// organisation, or two people, by the name's own; the fields survive
// model.json and are checked.
func TestOrgNames(t *testing.T) {
	orgForm := func(id, name, form string) *record.Record {
		return &record.Record{Key: record.Key{Source: "s", ID: id}, Features: []record.Feature{{Name: "name", Values: []record.Value{
			{Norm: name, Facets: record.MakeFacets("legal_form", form, "compact", strings.ReplaceAll(name, " ", ""))}}}}}
	}
	org := func(id, name string) *record.Record { return orgForm(id, name, "") }
	orgTable := map[string]float64{"acme trading": 0.0005, "smith": 0.04}
	tests := []struct {
		name    string
		orgOnce float64
		a, b    *record.Record
		tf      float64 // the frequency the exact match is weighed by
		orgs    bool
	}{
		{"two organisations", 1e-6, org("1", "acme holdings"), org("2", "acme holdings"), 1e-6, true},
		{"no estimate", 0, org("1", "acme holdings"), org("2", "acme holdings"), 0.0005, false},
		{"estimate not rarer", 0.001, org("1", "acme holdings"), org("2", "acme holdings"), 0.0005, true},
		{"held by many, none two of one source", 1e-6, org("1", "jones"), org("2", "jones"), 1e-6, true},
		{"in the organisations' table", 1e-6, org("1", "acme trading"), org("2", "acme trading"), 0.0005, true},
		{"in both tables", 1e-6, org("1", "smith"), org("2", "smith"), 0.04, true},
		{"organisation and person", 1e-6, org("1", "zelinsky"), person("2", "zelinsky", ""), 0.0005, false},
		{"two people", 1e-6, person("1", "zelinsky", ""), person("2", "zelinsky", ""), 0.0005, false},
		{"one legal form", 1e-6, orgForm("1", "acme holdings", "ltd"), orgForm("2", "acme holdings", "ltd"), 1e-6, true},
		{"a legal form and none", 1e-6, orgForm("1", "acme holdings", "ltd"), org("2", "acme holdings"), 1e-6, true},
		{"legal forms disagree", 1e-6, orgForm("1", "acme holdings", "llc"), orgForm("2", "acme holdings", "sa"), 0.0005, false},
		{"two people of a name in the organisations' table", 1e-6, person("1", "acme trading", ""), person("2", "acme trading", ""), 0.0005, false},
		{"in the table, both with a form no two hold", 1e-6, orgForm("1", "acme trading", "ltd"), orgForm("2", "acme trading", "ltd"), 2e-6, true},
		{"in the table, one without its form", 1e-6, orgForm("1", "acme trading", "ltd"), org("2", "acme trading"), 0.0005, true},
		{"in the table, both with a form two hold", 1e-6, orgForm("1", "acme trading", "sa"), orgForm("2", "acme trading", "sa"), 0.0005, true},
		{"two people, the form's entry", 1e-6, person("1", "acme trading", ""), person("2", "acme trading", ""), 0.0005, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testModel()
			m.Comparisons[0].TFTable["jones"] = 0.01
			m.Comparisons[0].TFOrgOnce, m.Comparisons[0].TFOrgTable = tt.orgOnce, orgTable
			m.Comparisons[0].TFOrgForms = map[string]float64{model.OrgFormKey("acme trading", "ltd"): 2e-6}
			s, err := readBack(t, m).Compile()
			if err != nil {
				t.Fatal(err)
			}
			ev := make([]model.Evidence, 2)
			s.Compare(tt.a, tt.b, make([]uint8, 2), ev)
			if want := math.Log2(0.01 / tt.tf); math.Abs(ev[0].TFAdjust-want) > 1e-9 || ev[0].OrgNames != tt.orgs {
				t.Errorf("tf adjustment %v (organisations' names %v), want %v (%v)", ev[0].TFAdjust, ev[0].OrgNames, want, tt.orgs)
			}
			// The query path real time takes gives the same.
			q := s.NewQuery(s.Values(tt.a))
			if w, ref := s.CompareQuery("s", "s", q, s.Values(tt.b), make([]uint8, 2), nil), s.Compare(tt.a, tt.b, make([]uint8, 2), nil); w != ref {
				t.Errorf("CompareQuery %v, Compare %v", w, ref)
			}
		})
	}
	for _, bad := range []float64{-1e-6, 1.5} {
		m := testModel()
		m.Comparisons[0].TFOrgOnce = bad
		if _, err := m.Compile(); err == nil {
			t.Errorf("tf_org_once %v compiled", bad)
		}
		m.Comparisons[0].TFOrgOnce, m.Comparisons[0].TFOrgTable = 1e-6, map[string]float64{"acme": bad}
		if _, err := m.Compile(); err == nil {
			t.Errorf("tf_org_table frequency %v compiled", bad)
		}
		m.Comparisons[0].TFOrgTable, m.Comparisons[0].TFOrgForms = nil, map[string]float64{model.OrgFormKey("acme", "ltd"): bad}
		if _, err := m.Compile(); err == nil {
			t.Errorf("tf_org_forms frequency %v compiled", bad)
		}
	}
}

// TestOrgExact: an exact match of two organisations' names weighs by
// their own m of the exact level (MOrgExact), a pair of people or of a
// person and an organisation by the level's; the field survives
// model.json and is checked.
func TestOrgExact(t *testing.T) {
	org := func(id, name string) *record.Record {
		return &record.Record{Key: record.Key{Source: "s", ID: id}, Features: []record.Feature{{Name: "name", Values: []record.Value{
			{Norm: name, Facets: record.MakeFacets("compact", strings.ReplaceAll(name, " ", ""))}}}}}
	}
	m := testModel()
	m.Comparisons[0].TFOrgOnce, m.Comparisons[0].MOrgExact = 1e-6, 0.99
	s, err := readBack(t, m).Compile()
	if err != nil {
		t.Fatal(err)
	}
	level := math.Log2(0.9 / 0.01)
	for _, tt := range []struct {
		name string
		a, b *record.Record
		want float64
	}{
		{"two organisations", org("1", "acme holdings"), org("2", "acme holdings"), level + math.Log2(0.99/0.9)},
		{"organisation and person", org("1", "zelinsky"), person("2", "zelinsky", ""), level},
		{"two people", person("1", "zelinsky", ""), person("2", "zelinsky", ""), level},
	} {
		ev := make([]model.Evidence, 2)
		s.Compare(tt.a, tt.b, make([]uint8, 2), ev)
		if math.Abs(ev[0].Weight-tt.want) > 1e-9 {
			t.Errorf("%s: exact weighs %v, want %v", tt.name, ev[0].Weight, tt.want)
		}
		q := s.NewQuery(s.Values(tt.a))
		if w, ref := s.CompareQuery("s", "s", q, s.Values(tt.b), make([]uint8, 2), nil), s.Compare(tt.a, tt.b, make([]uint8, 2), nil); w != ref {
			t.Errorf("%s: CompareQuery %v, Compare %v", tt.name, w, ref)
		}
	}
	for _, bad := range []float64{-0.1, 1.5} {
		m := testModel()
		m.Comparisons[0].MOrgExact = bad
		if _, err := m.Compile(); err == nil {
			t.Errorf("m_org_exact %v compiled", bad)
		}
	}
}

// readBack writes m as model.json and reads it back.
func readBack(t *testing.T, m *model.Model) *model.Model {
	t.Helper()
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	read, err := model.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return read
}

// dateTypos are the levels of an exclusive date comparison over records'
// dates written alike: exact (1), one character apart (2), else (3).
type dateTypos []string

func (d dateTypos) Has(i int, x int32) bool { return d[x] != "" }

func (d dateTypos) Level(i int, x, y int32) int {
	a, b := d[x], d[y]
	switch {
	case a == "" || b == "":
		return 0
	case a == b:
		return 1
	}
	diff := 0
	for k := range min(len(a), len(b)) {
		if a[k] != b[k] {
			diff++
		}
	}
	if diff == 1 {
		return 2
	}
	return 3
}

// TestExcuses: a conflict between two records is excused when both are a
// typo of the value most of the entity's records share, and not when one
// holds that value, when no value is shared by more records than any
// other, or when the entity is too large to read.
func TestExcuses(t *testing.T) {
	dob := model.FromSpec(compare.Spec{Name: "dob", Feature: "dob", Kind: record.KindDate, Exclusive: true, Levels: []compare.LevelSpec{
		{Label: "exact", Method: "exact"}, {Label: "one edit", Method: "date_one_edit"}, {Label: "else", Method: "else"}}})
	dob.Levels[0].M, dob.Levels[0].U = 0.7, 0.001
	dob.Levels[1].M, dob.Levels[1].U = 0.2, 0.004
	dob.Levels[2].M, dob.Levels[2].U = 0.1, 0.995
	s, err := (&model.Model{Version: model.Version, Prior: 0.001, Thresholds: model.Thresholds{Match: 0.9, Review: 0.6},
		Comparisons: []model.Comparison{dob}}).Compile()
	if err != nil {
		t.Fatal(err)
	}
	const (
		day    = "1848-03-10"
		year   = "1818-03-10" // one edit from day
		month  = "1848-08-10" // one edit from day, two from year
		junior = "1875-02-11"
	)
	many := make([]string, 4097)
	for i := range many {
		many[i] = day
	}
	tests := []struct {
		name  string
		dates dateTypos
		x, y  int32
		want  bool
		// cause is why the conflict is not excused (Unexcused), far
		// the record it names (ExcuseFar).
		cause model.ExcuseCause
		far   int32
	}{
		{"two typos of the date the others share", dateTypos{day, day, day, year, month}, 3, 4, true, 0, 0},
		{"two typos, one holder of the date besides", dateTypos{day, day, year, month, ""}, 2, 3, true, 0, 0},
		{"one holds the date most share", dateTypos{day, day, day, junior, junior}, 0, 3, false, model.ExcuseFar, 3},
		{"two dates held alike often", dateTypos{day, day, junior, junior, year}, 4, 2, false, model.ExcuseNoConsensus, 0},
		{"no date held twice", dateTypos{day, year, month}, 1, 2, false, model.ExcuseNoConsensus, 0},
		{"a typo and a date far from the one shared", dateTypos{day, day, day, year, junior}, 3, 4, false, model.ExcuseFar, 4},
		{"too many records to read", dateTypos(append(many, year, month)), 4097, 4098, false, model.ExcuseTooLarge, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			members := make([]int32, len(tt.dates))
			for i := range members {
				members[i] = int32(i)
			}
			if got := s.Excuses(tt.dates, members)(tt.x, tt.y); got != tt.want {
				t.Errorf("Excuses(%s, %s) = %v, want %v", tt.dates[tt.x], tt.dates[tt.y], got, tt.want)
			}
			u := s.Consensus(tt.dates, members).Unexcused(tt.x, tt.y)
			if excused := u.Comparison < 0; excused != tt.want || u.Cause != tt.cause || tt.cause == model.ExcuseFar && (u.Record != tt.far || u.Holders != 3) {
				t.Errorf("Unexcused = %+v, want cause %d, far %d of 3 holders", u, tt.cause, tt.far)
			}
		})
	}
}

// TestFormsOf: two organisations' names relate by their legal forms, as
// normalize writes them, only when both write one: the same form however
// written, and forms one company may hold at once (inc, corp), agree; two
// others (LLC and SA, a KG and the GmbH beside it) disagree.
func TestFormsOf(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"ACME HOLDINGS S.A.", "Acme Holdings Sociedad Anónima", model.FormsAgree},
		{"Andina Caballero Pacific Compañía Anónima", "ANDINA CABALLERO PACIFIC C.A.", model.FormsAgree},
		{"Wuckert Corp", "WUCKERT INC", model.FormsAgree},
		{"ACME HOLDINGS LLC", "ACME HOLDINGS SA", model.FormsDisagree},
		{"Müller Bau GmbH & Co. KG", "Müller Bau GmbH", model.FormsDisagree},
		{"ACME HOLDINGS", "ACME HOLDINGS LTD", model.FormsUnknown},
		{"SMITH/JOHN", "JOHN SMITH LTD", model.FormsUnknown},
		{"JOHN SMITH", "SMITH, John", model.FormsUnknown},
	} {
		a, errA := normalize.Value(record.KindParty, tt.a, normalize.Options{})
		b, errB := normalize.Value(record.KindParty, tt.b, normalize.Options{})
		if errA != nil || errB != nil {
			t.Fatalf("%q, %q: %v %v", tt.a, tt.b, errA, errB)
		}
		if got, back := model.FormsOf(&a, &b), model.FormsOf(&b, &a); got != tt.want || back != got {
			t.Errorf("%q, %q: %d (%d the other way), want %d", tt.a, tt.b, got, back, tt.want)
		}
	}
}

// TestFormsWeight: an exact match of two organisations' names that both
// write a legal form adds log2(m/u) of forms that agree, or
// log2((1−m)/(1−u)) of forms that disagree, u the larger share of names
// whose form agrees with one of theirs (the global share for a form not
// counted), never above m; a pair of names at another level, of a person,
// or with a form missing adds nothing; the fields survive model.json and
// are checked.
func TestFormsWeight(t *testing.T) {
	org := func(id, name, form string) *record.Record {
		return &record.Record{Key: record.Key{Source: "s", ID: id}, Features: []record.Feature{{Name: "name", Values: []record.Value{
			{Norm: name, Facets: record.MakeFacets("legal_form", form, "compact", strings.ReplaceAll(name, " ", ""))}}}}}
	}
	const m, u = 0.9, 0.3
	of := map[string]float64{"sa": 0.5, "llc": 0.1, "ltd": 0.97}
	for _, tt := range []struct {
		name  string
		a, b  *record.Record
		forms int
		u     float64 // the u weighed by
	}{
		{"a common form agrees", org("1", "acme holdings", "sa"), org("2", "acme holdings", "sa"), model.FormsAgree, 0.5},
		{"a rare form agrees", org("1", "acme holdings", "llc"), org("2", "acme holdings", "llc"), model.FormsAgree, 0.1},
		{"a form not counted", org("1", "acme holdings", "gmbh"), org("2", "acme holdings", "gmbh"), model.FormsAgree, u},
		{"a form nearly all write", org("1", "acme holdings", "ltd"), org("2", "acme holdings", "ltd"), model.FormsAgree, m},
		{"forms disagree", org("1", "acme holdings", "llc"), org("2", "acme holdings", "sa"), model.FormsDisagree, 0.5},
		{"a form missing", org("1", "acme holdings", "llc"), org("2", "acme holdings", ""), model.FormsUnknown, 0},
		{"names differ", org("1", "acme holdings", "sa"), org("2", "zenith trading", "sa"), model.FormsUnknown, 0},
		{"a person", person("1", "acme holdings", ""), org("2", "acme holdings", "sa"), model.FormsUnknown, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := 0.0
			switch tt.forms {
			case model.FormsAgree:
				want = math.Log2(m / tt.u)
			case model.FormsDisagree:
				want = math.Log2((1 - m) / (1 - tt.u))
			}
			plain := testModel()
			plain.Comparisons[0].Kind = record.KindParty
			weighed := testModel()
			weighed.Comparisons[0].Kind = record.KindParty
			weighed.Comparisons[0].MFormsAgree, weighed.Comparisons[0].UFormsAgree, weighed.Comparisons[0].UFormsAgreeOf = m, u, of
			ps, err := plain.Compile()
			if err != nil {
				t.Fatal(err)
			}
			ws, err := readBack(t, weighed).Compile()
			if err != nil {
				t.Fatal(err)
			}
			ev := make([]model.Evidence, 2)
			got, ref := ws.Compare(tt.a, tt.b, make([]uint8, 2), ev), ps.Compare(tt.a, tt.b, make([]uint8, 2), nil)
			if ev[0].Forms != tt.forms || math.Abs(ev[0].FormsWeight-want) > 1e-12 || math.Abs(got-ref-want) > 1e-12 {
				t.Errorf("forms %d weighing %v, total %v against %v without: want forms %d weighing %v", ev[0].Forms, ev[0].FormsWeight, got, ref, tt.forms, want)
			}
			q := ws.NewQuery(ws.Values(tt.a))
			if w := ws.CompareQuery("s", "s", q, ws.Values(tt.b), make([]uint8, 2), nil); w != got {
				t.Errorf("CompareQuery %v, Compare %v", w, got)
			}
		})
	}
	for _, bad := range []struct {
		m, u float64
		of   map[string]float64
	}{{0.9, 0, nil}, {0, 0.3, nil}, {1, 0.3, nil}, {0.9, 1, nil}, {-0.1, 0.3, nil}, {0.9, 0.3, map[string]float64{"sa": 0}}, {0, 0, map[string]float64{"sa": 0.5}}} {
		mo := testModel()
		mo.Comparisons[0].MFormsAgree, mo.Comparisons[0].UFormsAgree, mo.Comparisons[0].UFormsAgreeOf = bad.m, bad.u, bad.of
		if _, err := mo.Compile(); err == nil {
			t.Errorf("m_forms_agree %v, u_forms_agree %v, u_forms_agree_of %v compiled", bad.m, bad.u, bad.of)
		}
	}
}

// TestDateTF: an exact match on a date the model lists weighs by its
// frequency (1 January 1860, as a source writes the year alone, held by
// many); a date it does not list (held by few, as most dates are) weighs
// as the exact level says, neither more nor less.
func TestDateTF(t *testing.T) {
	m := testModel()
	dob := &m.Comparisons[1]
	dob.TF, dob.TFMin = true, 1e-6
	dob.TFTable = map[string]float64{"1860-01-01": 0.01}
	s, err := readBack(t, m).Compile()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.TFAdjust(1, "1860-01-01"), math.Log2(0.002/0.01); math.Abs(got-want) > 1e-9 {
		t.Errorf("TFAdjust(1860-01-01) = %v, want %v", got, want)
	}
	if got := s.TFAdjust(1, "1975-03-04"); got != 0 {
		t.Errorf("TFAdjust(1975-03-04) = %v, want 0 (a date few hold: the exact level's u)", got)
	}
}
