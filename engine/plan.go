package engine

import (
	"fmt"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
)

// maxRules bounds the blocking rules: each candidate pair keeps a bit per
// rule that finds it.
const maxRules = 64

// Plan is what resolving runs with, settled in one step for batch and
// real time alike: the comparisons, the blocking rules (with the defaults
// chosen and why), whether pairs within a source are skipped, and the
// thresholds.
type Plan struct {
	Specs      []compare.Spec
	Blocking   [][]string // the rules as written in model.json
	Rules      []block.Rule
	Defaults   []DefaultRule // the rules chosen by default, when the config names none
	LinkOnly   bool
	Thresholds model.Thresholds
}

// NewPlan settles the plan. With a model (a trained one given to batch, or
// the store's in real time) the model fixes comparisons, rules and
// thresholds; else they come from the config, with defaults derived from
// the features' types. cfg may be nil when m is given; when both are, the
// rules are checked against the config's features.
func NewPlan(cfg *config.Config, m *model.Model) (*Plan, error) {
	p := &Plan{}
	switch {
	case m != nil:
		for _, c := range m.Comparisons {
			p.Specs = append(p.Specs, c.Spec())
		}
		p.Blocking, p.LinkOnly, p.Thresholds = m.Blocking, m.LinkOnly, m.Thresholds
	case cfg == nil:
		return nil, fmt.Errorf("a plan needs a config or a model")
	default:
		p.Specs = DefaultSpecs(cfg)
		p.Blocking, p.LinkOnly = cfg.Model.Blocking, cfg.Model.LinkOnly
		p.Thresholds = model.Thresholds{Match: cfg.Model.Thresholds.Match, Review: cfg.Model.Thresholds.Review}
		if len(p.Blocking) == 0 {
			p.Defaults = DefaultBlocking(cfg)
			for _, d := range p.Defaults {
				p.Blocking = append(p.Blocking, d.Rule)
			}
		}
	}
	for _, terms := range p.Blocking {
		r, err := block.ParseRule(terms)
		if err != nil {
			return nil, err
		}
		if cfg != nil {
			if err := checkRule(r, cfg.Kinds()); err != nil {
				return nil, err
			}
		}
		p.Rules = append(p.Rules, r)
	}
	if len(p.Rules) > maxRules {
		return nil, fmt.Errorf("at most %d blocking rules, got %d", maxRules, len(p.Rules))
	}
	return p, nil
}

// ExclusiveFeatures returns the features whose comparisons are exclusive
// (a person has one: an id, a date of birth).
func (p *Plan) ExclusiveFeatures() map[string]bool {
	out := map[string]bool{}
	for _, s := range p.Specs {
		if s.Exclusive {
			out[s.Feature] = true
		}
	}
	return out
}

// Comparisons compiles the plan's comparisons.
func (p *Plan) Comparisons() ([]*compare.Comparison, error) {
	comps := make([]*compare.Comparison, len(p.Specs))
	for i, s := range p.Specs {
		var err error
		if comps[i], err = compare.Compile(s); err != nil {
			return nil, err
		}
	}
	return comps, nil
}
