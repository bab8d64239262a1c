package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/model"
)

// NewPlan is the one settings step: from the model when there is one,
// else from the config with defaults; rules checked either way.
func TestNewPlan(t *testing.T) {
	yaml := func(model string) string {
		return `sources:
  - name: a
    path: a.csv
    id: id
    fields:
      name: {column: name, type: name}
      dob: {column: dob, type: date}
` + model
	}
	files := map[string]string{"a.csv": "id,name,dob\n1,Ann Lee,1980-01-02\n"}
	var many []string
	for i := range 65 {
		many = append(many, fmt.Sprintf("[dob.year, name.phonetic_%d]", i))
	}
	trained := &model.Model{Blocking: [][]string{{"dob"}}, LinkOnly: true, Thresholds: model.Thresholds{Match: 0.9, Review: 0.5},
		Comparisons: []model.Comparison{{Name: "dob", Feature: "dob", Kind: "date", Levels: []model.Level{
			{LevelSpec: compare.LevelSpec{Label: "exact", Method: compare.MethodExact}, M: 0.9, U: 0.01},
			{LevelSpec: compare.LevelSpec{Label: "else", Method: compare.MethodElse}, M: 0.1, U: 0.99}}}}}
	foreign := *trained
	foreign.Blocking = [][]string{{"phone"}}
	for _, tc := range []struct {
		name      string
		model     string
		m         *model.Model
		noConfig  bool
		wantErr   string
		wantRules int
		defaults  bool
	}{
		{name: "defaults from the types", wantRules: -1, defaults: true},
		{name: "rules from the config", model: "model:\n  blocking: [[name.phonetic], [dob]]\n  thresholds: {match: 0.9, review: 0.4}\n", wantRules: 2},
		{name: "rules from the model", m: trained, wantRules: 1},
		{name: "model alone (real time)", m: trained, noConfig: true, wantRules: 1},
		{name: "model naming a feature the config lacks", m: &foreign, wantErr: `no source has a feature "phone"`},
		{name: "unknown facet", model: "model:\n  blocking: [[dob.colour]]\n", wantErr: `no facet "colour"`},
		{name: "too many rules", model: "model:\n  blocking: [" + strings.Join(many, ", ") + "]\n", wantErr: "blocking"},
		{name: "neither", noConfig: true, wantErr: "needs a config or a model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p *engine.Plan
			var err error
			if tc.noConfig {
				p, err = engine.NewPlan(nil, tc.m)
			} else {
				p, err = engine.NewPlan(writeConfig(t, files, yaml(tc.model)), tc.m)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantRules >= 0 && len(p.Rules) != tc.wantRules {
				t.Errorf("%d rules, want %d", len(p.Rules), tc.wantRules)
			}
			if len(p.Rules) == 0 || len(p.Rules) != len(p.Blocking) {
				t.Errorf("%d rules for %d written", len(p.Rules), len(p.Blocking))
			}
			if (len(p.Defaults) > 0) != tc.defaults {
				t.Errorf("defaults %v, want some: %v", p.Defaults, tc.defaults)
			}
			if tc.m != nil && (p.Thresholds != tc.m.Thresholds || p.LinkOnly != tc.m.LinkOnly || len(p.Specs) != len(tc.m.Comparisons)) {
				t.Errorf("plan %+v does not follow the model", p)
			}
			if _, err := p.Comparisons(); err != nil {
				t.Errorf("comparisons: %v", err)
			}
		})
	}
}
