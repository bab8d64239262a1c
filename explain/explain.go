// Package explain turns scores into explanations, as data: the
// match-weight waterfall of a pair (Splink's waterfall chart is the
// reference) and, built from waterfalls, how an entity came together and
// why two entities are apart. It computes nothing the model does not: it
// reads the model's own evidence. Text renders an explanation for a
// terminal; the JSON form is the same data.
package explain

import (
	"fmt"
	"math"
	"strings"

	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// Outcomes of a pair.
// (model.Scorer.Decide makes them; these are their names.)
var (
	OutcomeMatch    = model.Match.String()
	OutcomeReview   = model.Review.String()
	OutcomeNonMatch = model.NonMatch.String()
	// OutcomeConflict is a pair that scores as a match but disagrees on
	// an exclusive feature: it goes to review, never links.
	OutcomeConflict = model.Conflict.String()
)

// HouseholdBar names the bar that takes back what household features
// agreeing together added beyond the strongest of them (see
// model.Scorer.CompareValues).
const HouseholdBar = "household"

// FormsBar begins the name of the bar of the legal forms of two
// organisations' names that agree exactly in a comparison: FormsBar and
// the comparison's name.
const FormsBar = "legal form of "

// formsBar is the bar of the legal forms of a and b, two organisations'
// names that agree exactly in comparison i (model.Evidence.Forms), run the
// running total after it.
func formsBar(s *model.Scorer, i int, e model.Evidence, a, b *record.Value, run float64) Bar {
	_, m, u, _ := s.Forms(i, a, b)
	level := "agree"
	if e.Forms == model.FormsDisagree {
		level = "disagree"
	}
	return Bar{Name: FormsBar + e.Comparison, Level: level, LevelIndex: e.Forms, A: a.Facet("legal_form"), B: b.Facet("legal_form"),
		M: &m, U: &u, Weight: e.FormsWeight, Cumulative: run}
}

// Bar is one bar of a waterfall: the prior, one comparison, the
// term-frequency adjustment of one comparison, the legal forms of an
// exact match of two organisations' names, or the household bar.
type Bar struct {
	Name  string `json:"name"`            // "prior", the comparison, "tf " + the comparison, FormsBar + the comparison, or HouseholdBar
	Level string `json:"level,omitempty"` // the level's label
	// LevelIndex is the level: 0 null (a value missing), 1 the first
	// (most specific) level, up to else; -1 for the household bar; for a
	// legal form's bar (FormsBar), model.FormsAgree or
	// model.FormsDisagree.
	LevelIndex int    `json:"level_index"`
	A          string `json:"a,omitempty"` // the values compared, normalised; for the prior, the sources
	B          string `json:"b,omitempty"`
	// AFrom and BFrom name the feature a value compared was read from when
	// the record holds none of the comparison's own (a town read from its
	// address line: record.FacetDerived); empty otherwise.
	AFrom      string   `json:"a_from,omitempty"`
	BFrom      string   `json:"b_from,omitempty"`
	M          *float64 `json:"m,omitempty"` // the level's m (two organisations' own at exact: m_org_exact) and u; absent for the prior, null level and tf
	U          *float64 `json:"u,omitempty"`
	Weight     float64  `json:"weight"`     // bits this bar adds
	Cumulative float64  `json:"cumulative"` // the running total after it
	// Basis says, for a tf bar, when the frequency is not that of the
	// value counted among all names: BasisOrgNames, BasisWords,
	// BasisCommoner, BasisTwoNames.
	Basis string `json:"basis,omitempty"`
}

// Bases of a tf bar. BasisOrgNames: two organisations' names, whose
// frequency is that of the names identified organisations hold
// (model.Comparison.TFOrgOnce). BasisWords: a name seen too seldom to
// count, its frequency estimated from its words' (model.Scorer.TFFromWords).
// BasisCommoner: two people's names one name slipped at a near level (a
// typo, a cut, a nickname), weighed by the commoner's frequency
// (model.NearNameTF). BasisTwoNames: two people's names a letter apart in
// words that are each a name of its own (model.TwoNames), which no
// frequency adjusts: the bar weighs 0 and says why, or, at the level of a
// typo, takes the pair down to the next level's weight
// (model.TwoNamesDown).
const (
	BasisOrgNames = "organisations' names"
	BasisWords    = "its words"
	BasisCommoner = "the commoner name"
	BasisTwoNames = "two names"
)

// BasisText says in words how the frequency of a tf bar was found, or ""
// when it was counted among all values.
func (b Bar) BasisText() string {
	switch b.Basis {
	case "":
		return ""
	case BasisWords:
		return "frequency estimated from its words"
	case BasisCommoner:
		return "frequency of the commoner name: one is a typo, a cut, a nickname, a joined writing or another spelling of it"
	case BasisTwoNames:
		return "no frequency (and at the typo level the weight of similar names): the words a letter apart are each a name many hold, so two people's names, not one mistyped"
	default:
		return "frequency among " + b.Basis
	}
}

// Waterfall explains the score of one pair.
type Waterfall struct {
	A           record.Key       `json:"a"`
	B           record.Key       `json:"b"`
	Bars        []Bar            `json:"bars"`
	Weight      float64          `json:"weight"` // total match weight, bits
	Probability float64          `json:"probability"`
	Thresholds  model.Thresholds `json:"thresholds"`
	Outcome     string           `json:"outcome"`
	// Disagreements names the exclusive comparisons the pair disagrees on
	// outright, when that makes it a conflict.
	Disagreements []string `json:"disagreements,omitempty"`
}

// Pair scores a and b with s and explains the score.
func Pair(s *model.Scorer, a, b *record.Record) Waterfall {
	va, vb := s.Values(a), s.Values(b)
	levels := make([]uint8, len(s.Comps))
	ev := make([]model.Evidence, len(s.Comps))
	total := s.CompareValues(a.Key.Source, b.Key.Source, va, vb, levels, ev)
	w := Waterfall{A: a.Key, B: b.Key, Weight: total, Probability: model.Probability(total), Thresholds: s.Model.Thresholds}
	run := s.PriorWeightFor(a.Key.Source, b.Key.Source)
	w.Bars = append(w.Bars, Bar{Name: "prior", Weight: run, Cumulative: run, A: a.Key.Source, B: b.Key.Source})
	for i, e := range ev {
		bar := Bar{Name: e.Comparison, Level: e.Label, LevelIndex: e.Level, Weight: e.Weight}
		if e.Level > 0 {
			lv := s.Model.Comparisons[i].Levels[e.Level-1]
			bar.M, bar.U = &lv.M, &lv.U
			if e.OrgNames && e.Level == 1 && s.OrgShift(i) != 0 {
				m := s.Model.Comparisons[i].MOrgExact // two organisations' own m (model.Scorer.OrgShift)
				bar.M = &m
			}
		}
		if e.A >= 0 && e.B >= 0 { // compared (a disagreement read as missing too)
			bar.A, bar.B = va[i][e.A].Norm, vb[i][e.B].Norm
			bar.AFrom, bar.BFrom = va[i][e.A].DerivedFrom(), vb[i][e.B].DerivedFrom()
		}
		run += e.Weight
		bar.Cumulative = run
		w.Bars = append(w.Bars, bar)
		if e.TFAdjust != 0 || e.TwoNames {
			run += e.TFAdjust
			tf := Bar{Name: "tf " + e.Comparison, Level: e.Label, LevelIndex: e.Level,
				A: bar.A, B: bar.B, AFrom: bar.AFrom, BFrom: bar.BFrom, Weight: e.TFAdjust, Cumulative: run}
			switch {
			case e.TFWords:
				tf.Basis = BasisWords
			case e.OrgNames:
				tf.Basis = BasisOrgNames
			case e.TFNear:
				tf.Basis = BasisCommoner
			case e.TwoNames:
				tf.Basis = BasisTwoNames
			}
			w.Bars = append(w.Bars, tf)
		}
		if e.Forms != model.FormsUnknown {
			run += e.FormsWeight
			w.Bars = append(w.Bars, formsBar(s, i, e, &va[i][e.A], &vb[i][e.B], run))
		}
	}
	if overlap := s.Household(ev); overlap != 0 {
		run += overlap
		w.Bars = append(w.Bars, Bar{Name: HouseholdBar, LevelIndex: -1, Weight: overlap, Cumulative: run})
	}
	outcome := s.Decide(total, levels)
	w.Outcome = outcome.String()
	if outcome == model.Conflict {
		w.Disagreements = s.Disagreements(levels)
	}
	return w
}

// Text renders a waterfall for a terminal: one line per bar with its
// weight and a bar drawn to scale, then the total and the outcome.
func (w Waterfall) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s ↔ %s\n", w.A, w.B)
	maxAbs := 1.0
	for _, bar := range w.Bars {
		maxAbs = max(maxAbs, math.Abs(bar.Weight))
	}
	var missing []string
	for _, bar := range w.Bars {
		if bar.Name != "prior" && bar.LevelIndex == 0 && bar.A == "" && bar.B == "" {
			missing = append(missing, bar.Name)
			continue
		}
		label := bar.Name
		if bar.Level != "" && !strings.HasPrefix(bar.Name, "tf ") {
			label += ": " + bar.Level
		}
		vals := ""
		switch {
		case bar.Name == "prior" && bar.A == bar.B:
			vals = fmt.Sprintf("(prior odds of a match within %s)", bar.A)
		case bar.Name == "prior":
			vals = fmt.Sprintf("(prior odds of a match between %s and %s)", bar.A, bar.B)
		case bar.Name == HouseholdBar:
			vals = "(household features agreeing together count once: the strongest)"
		case bar.A == bar.B:
			vals = fmt.Sprintf("%q", bar.A)
		default:
			vals = fmt.Sprintf("%q vs %q", bar.A, bar.B)
		}
		var from []string
		if bar.AFrom != "" {
			from = append(from, "a's "+bar.AFrom)
		}
		if bar.BFrom != "" {
			from = append(from, "b's "+bar.BFrom)
		}
		if len(from) > 0 {
			vals += " (read from " + strings.Join(from, ", ") + ")"
		}
		if b := bar.BasisText(); b != "" {
			vals += " (" + b + ")"
		}
		n := int(math.Round(math.Abs(bar.Weight) / maxAbs * 20))
		sym := "+"
		if bar.Weight < 0 {
			sym = "-"
		}
		fmt.Fprintf(&b, "  %-32s %+8.2f  %-20s %s\n", label, bar.Weight, strings.Repeat(sym, n), vals)
	}
	if len(missing) > 0 {
		fmt.Fprintf(&b, "  %-32s %+8.2f  (a value is missing: %s)\n", "null", 0.0, strings.Join(missing, ", "))
	}
	fmt.Fprintf(&b, "  %-32s %+8.2f bits, probability %.4f\n", "total", w.Weight, w.Probability)
	fmt.Fprintf(&b, "  outcome: %s", w.Outcome)
	switch w.Outcome {
	case OutcomeMatch:
		fmt.Fprintf(&b, " (probability ≥ match threshold %.2f)", w.Thresholds.Match)
	case OutcomeReview:
		fmt.Fprintf(&b, " (between the review threshold %.2f and the match threshold %.2f)", w.Thresholds.Review, w.Thresholds.Match)
	case OutcomeNonMatch:
		fmt.Fprintf(&b, " (probability below the review threshold %.2f)", w.Thresholds.Review)
	case OutcomeConflict:
		fmt.Fprintf(&b, " (scores as a match but disagrees on %s, so it goes to review and never links)", strings.Join(w.Disagreements, ", "))
	}
	b.WriteString("\n")
	return b.String()
}

// Step is one merge that built an entity, in the order clustering made
// them: the link it followed, with its waterfall, or a reviewer's
// decision.
type Step struct {
	Order int `json:"order"`
	// By is "model" for a link the model scored, or "reviewer NAME" for a
	// decision that the two records are the same.
	By      string `json:"by"`
	Comment string `json:"comment,omitempty"`
	// Joined are the sizes of the two groups the step joined.
	Joined    [2]int    `json:"joined"`
	Waterfall Waterfall `json:"waterfall"`
	// Excused are pairs of records across the groups whose dates or ids
	// disagree outright, joined as two mistyped readings of the value
	// most of the entity's records hold (the first few).
	Excused [][2]record.Key `json:"excused,omitempty"`
}

// How explains an entity: its records and the steps that joined them.
type How struct {
	Entity  record.EntityID `json:"entity"`
	Records []record.Key    `json:"records"`
	Steps   []Step          `json:"steps"`
}

// Text renders the steps, each with its waterfall.
func (h How) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "entity %s: %d records, joined in %d steps\n", h.Entity, len(h.Records), len(h.Steps))
	for _, k := range h.Records {
		fmt.Fprintf(&b, "  %s\n", k)
	}
	for _, s := range h.Steps {
		fmt.Fprintf(&b, "\nstep %d, by %s: joined a group of %d and a group of %d\n", s.Order, s.By, s.Joined[0], s.Joined[1])
		if s.Comment != "" {
			fmt.Fprintf(&b, "  comment: %s\n", s.Comment)
		}
		for _, p := range s.Excused {
			fmt.Fprintf(&b, "  %s and %s disagree outright, as two typos of the value most of the records hold: excused\n", p[0], p[1])
		}
		b.WriteString(s.Waterfall.Text())
	}
	return b.String()
}

// Separation is a reason two records may not share an entity.
type Separation struct {
	A record.Key `json:"a"`
	B record.Key `json:"b"`
	// Kind is "conflict" (they disagree outright on an exclusive feature),
	// "decision" (a reviewer decided they are different), "review"
	// (clustering held the pair back for a person to decide: Detail says
	// why) or "kinds" (SeparationKinds: one is a person's record, the
	// other an organisation's).
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// SeparationKinds is the Separation of a person's record and an
// organisation's, which are never one entity: the records of a source
// that declares no kind take the kind their names read as (a legal form
// or an organisation's word), so a company written without either in a
// payment is a person's record, compared with no company.
const SeparationKinds = "kinds"

// KindArticle names a record's kind with its article: "a person", "an
// organisation".
func KindArticle(k record.EntityKind) string {
	if k == record.EntityOrganization {
		return "an organisation"
	}
	return "a " + string(k)
}

// Unexcused says why joining two entities would not excuse a conflict
// between two of their records (model.Consensus.Unexcused): comparison
// is the conflicting comparison's name, far the record of ExcuseFar.
func Unexcused(u model.Unexcusal, comparison string, far record.Key) string {
	switch u.Cause {
	case model.ExcuseTooLarge:
		return fmt.Sprintf("the entity would hold more than %d records, beyond which no conflict is read as typos", model.MaxConsensus)
	case model.ExcuseTooManyValues:
		return fmt.Sprintf("their records hold more than %d different values of %s", model.MaxValues, comparison)
	case model.ExcuseNoConsensus:
		return fmt.Sprintf("no value of %s is held by more of their records than any other, two at least", comparison)
	case model.ExcuseFar:
		return fmt.Sprintf("%s agrees, even nearly, with none of the %d records that hold the value of %s most of them share", far, u.Holders, comparison)
	}
	return ""
}

// WhyNot explains why two entities are apart.
type WhyNot struct {
	A record.EntityID `json:"a"`
	B record.EntityID `json:"b"`
	// Pairs is how many pairs across the entities were scored.
	Pairs int `json:"pairs"`
	// Best is the waterfall of the highest-scoring pair across them.
	Best *Waterfall `json:"best,omitempty"`
	// Separations are pairs across the entities that may not share an
	// entity, at most a few.
	Separations []Separation `json:"separations,omitempty"`
	// Unlinked is set when the best pair scores as a match but is not
	// stored as a link: no blocking rule brought its records together (or
	// the model changed since they were compared).
	Unlinked bool `json:"unlinked,omitempty"`
	// Reason sums it up in a sentence.
	Reason string `json:"reason"`
}

// Summarise sets Reason from Best and Separations.
func (w *WhyNot) Summarise() {
	first := func(kind string) *Separation {
		for i := range w.Separations {
			if w.Separations[i].Kind == kind {
				return &w.Separations[i]
			}
		}
		return nil
	}
	switch d, c, r, k := first("decision"), first("conflict"), first("review"), first(SeparationKinds); {
	case w.Best == nil:
		w.Reason = "no pair across the two entities could be compared"
	case k != nil:
		w.Reason = k.Detail + ", and their records are never compared (a source that declares no kind reads each record's kind from its name: a legal form, or an organisation's word, makes an organisation's)"
	case d != nil:
		w.Reason = fmt.Sprintf("a reviewer decided %s and %s are different entities; clustering never joins them", d.A, d.B)
	case w.Best.Outcome == OutcomeNonMatch:
		w.Reason = fmt.Sprintf("the best pair scores probability %.4f, below the review threshold %.2f", w.Best.Probability, w.Best.Thresholds.Review)
	case w.Best.Outcome == OutcomeReview:
		w.Reason = fmt.Sprintf("the best pair scores probability %.4f, in the review band [%.2f, %.2f): a person should decide", w.Best.Probability, w.Best.Thresholds.Review, w.Best.Thresholds.Match)
	case w.Best.Outcome == OutcomeConflict:
		w.Reason = fmt.Sprintf("the best pair scores as a match but disagrees on %s, so it never links", strings.Join(w.Best.Disagreements, ", "))
	case c != nil:
		w.Reason = fmt.Sprintf("the best pair scores as a match, but joining would put %s and %s in one entity: %s", c.A, c.B, c.Detail)
	case r != nil:
		w.Reason = fmt.Sprintf("the best pair scores as a match, but clustering held %s and %s back for a person to decide: %s", r.A, r.B, r.Detail)
	case w.Unlinked:
		w.Reason = "the best pair scores as a match but was never linked: no blocking rule brings its records together (or the model changed since they were compared); a reviewer's merge would join them"
	default:
		w.Reason = "the best pair scores as a match and nothing keeps the entities apart: they join on the next change that touches them"
	}
}

// Text renders the explanation.
func (w WhyNot) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "why %s and %s are apart: %s\n", w.A, w.B, w.Reason)
	fmt.Fprintf(&b, "%d pairs across them scored\n", w.Pairs)
	for _, s := range w.Separations {
		fmt.Fprintf(&b, "  %s ↮ %s: %s (%s)\n", s.A, s.B, s.Detail, s.Kind)
	}
	if w.Best != nil {
		b.WriteString("\nbest pair:\n")
		b.WriteString(w.Best.Text())
	}
	return b.String()
}
