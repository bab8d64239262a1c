package model

import (
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/record"
)

// Scorer scores pairs of records with a compiled model.
type Scorer struct {
	Model      *Model
	Comps      []*compare.Comparison
	weights    [][]float64 // comparison → level → log2(m/u); level 0 (null) is 0
	household  []bool      // comparison of a household feature (record.Kind.Household)
	priorLogit float64
	matchW     float64 // the thresholds as match weights (Logit)
	reviewW    float64
	priors     map[[2]string]float64 // sources (sorted) → log2 prior odds
	tfSalt     []byte                // keys the term-frequency tables; nil: keyed by value
	subset     []int                 // comparison → the last level a shared name adjusts (SubsetLevel); 0: none
	near       [][]bool              // comparison → level → a near level (NearLevels); nil: none
	orgTypo    []int                 // comparison → its level of organisations' names a letter apart (OrgTypoLevel); 0: none
	mixed      map[[2]string][]bool  // sources (sorted) → comparisons whose disagreements are read as missing (Model.Mixed)
	orgShift   []float64             // comparison → log2(MOrgExact/m) of its exact level; 0 without MOrgExact
	forms      []bool                // comparison → weighs the legal forms of an exact match (Forms)
	nameWords  []map[string]bool     // comparison → Comparison.TFNameWords as a set; nil: none
}

// Compile checks m and prepares it for scoring.
func (m *Model) Compile() (*Scorer, error) {
	if !(m.Prior > 0 && m.Prior < 1) {
		return nil, fmt.Errorf("model: prior %v must be between 0 and 1", m.Prior)
	}
	s := &Scorer{Model: m, priorLogit: Logit(m.Prior), matchW: Logit(m.Thresholds.Match), reviewW: Logit(m.Thresholds.Review)}
	if m.TFSalt != "" {
		salt, err := hex.DecodeString(m.TFSalt)
		if err != nil || len(salt) == 0 {
			return nil, fmt.Errorf("model: tf_salt %q is not hex", m.TFSalt)
		}
		s.tfSalt = salt
	}
	for _, sp := range m.SourcePriors {
		if !(sp.Prior > 0 && sp.Prior < 1) {
			return nil, fmt.Errorf("model: prior %v of sources %s and %s must be between 0 and 1", sp.Prior, sp.A, sp.B)
		}
		if s.priors == nil {
			s.priors = map[[2]string]float64{}
		}
		s.priors[sourcePair(sp.A, sp.B)] = Logit(sp.Prior)
	}
	for _, c := range m.Comparisons {
		cc, err := compare.Compile(c.Spec())
		if err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
		if c.TFOrgOnce != 0 && !(c.TFOrgOnce > 0 && c.TFOrgOnce <= 1) {
			return nil, fmt.Errorf("model: comparison %s: tf_org_once %v must be in (0, 1]", c.Name, c.TFOrgOnce)
		}
		if c.MOrgExact != 0 && !(c.MOrgExact > 0 && c.MOrgExact <= 1) {
			return nil, fmt.Errorf("model: comparison %s: m_org_exact %v must be in (0, 1]", c.Name, c.MOrgExact)
		}
		if (c.MFormsAgree != 0 || c.UFormsAgree != 0 || len(c.UFormsAgreeOf) > 0) && !(c.MFormsAgree > 0 && c.MFormsAgree < 1 && c.UFormsAgree > 0 && c.UFormsAgree < 1) {
			return nil, fmt.Errorf("model: comparison %s: m_forms_agree %v and u_forms_agree %v must both be in (0, 1)", c.Name, c.MFormsAgree, c.UFormsAgree)
		}
		for f, u := range c.UFormsAgreeOf {
			if !(u > 0 && u <= 1) {
				return nil, fmt.Errorf("model: comparison %s: u_forms_agree_of %q, %v, must be in (0, 1]", c.Name, f, u)
			}
		}
		for table, fs := range map[string]map[string]float64{"tf_org_table": c.TFOrgTable, "tf_org_forms": c.TFOrgForms} {
			for _, f := range fs {
				if !(f > 0 && f <= 1) {
					return nil, fmt.Errorf("model: comparison %s: a frequency of %s, %v, must be in (0, 1]", c.Name, table, f)
				}
			}
		}
		w := make([]float64, len(c.Levels)+1)
		for j, l := range c.Levels {
			if l.M <= 0 || l.U <= 0 || l.M > 1 || l.U > 1 {
				return nil, fmt.Errorf("model: comparison %s level %q: m=%v u=%v must be in (0, 1]", c.Name, l.Label, l.M, l.U)
			}
			w[j+1] = math.Log2(l.M / l.U)
		}
		s.Comps = append(s.Comps, cc)
		s.subset = append(s.subset, SubsetLevel(cc))
		s.near = append(s.near, NearLevels(cc))
		s.orgTypo = append(s.orgTypo, OrgTypoLevel(cc))
		s.weights = append(s.weights, w)
		s.household = append(s.household, c.Kind.Household())
		shift := 0.0
		if c.MOrgExact > 0 && c.TFOrgOnce > 0 && len(c.Levels) > 0 {
			shift = math.Log2(c.MOrgExact / c.Levels[0].M)
		}
		s.orgShift = append(s.orgShift, shift)
		s.forms = append(s.forms, c.MFormsAgree > 0 && cc.Forms())
		var words map[string]bool
		if len(c.TFNameWords) > 0 {
			words = make(map[string]bool, len(c.TFNameWords))
			for _, k := range c.TFNameWords {
				words[k] = true
			}
		}
		s.nameWords = append(s.nameWords, words)
	}
	for _, x := range m.Mixed {
		i := slices.IndexFunc(m.Comparisons, func(c Comparison) bool { return c.Name == x.Comparison })
		if i < 0 {
			return nil, fmt.Errorf("model: mixed_identifiers: no comparison %q", x.Comparison)
		}
		if s.mixed == nil {
			s.mixed = map[[2]string][]bool{}
		}
		k := sourcePair(x.A, x.B)
		if s.mixed[k] == nil {
			s.mixed[k] = make([]bool, len(m.Comparisons))
		}
		s.mixed[k][i] = true
	}
	return s, nil
}

// Mixed returns, for records of sources a and b, the comparisons whose
// disagreements are read as missing (Model.Mixed): nil when none.
func (s *Scorer) Mixed(a, b string) []bool {
	if s.mixed == nil {
		return nil
	}
	return s.mixed[sourcePair(a, b)]
}

// Unmixed returns level l of comparison i for records of sources a and
// b, or the null level when it is a disagreement Model.Mixed reads as
// missing between them: what compares values outside Compare (clustering's
// checks of an entity's members) applies it.
func (s *Scorer) Unmixed(a, b string, i, l int) int {
	if s.setAside(s.Mixed(a, b), i, l) {
		return 0
	}
	return l
}

// setAside reports whether level l of comparison i is a disagreement
// mixed (Mixed of a pair of sources) reads as missing.
func (s *Scorer) setAside(mixed []bool, i, l int) bool {
	return mixed != nil && mixed[i] && l == s.Comps[i].Else()
}

// MixedLabel is the label of the evidence of a disagreement read as
// missing (Model.Mixed).
const MixedLabel = "set aside: numbers of other kinds"

// PriorWeight returns log2(λ/(1-λ)) of the global prior: the starting
// point of the score of a pair whose sources have no prior of their own.
func (s *Scorer) PriorWeight() float64 { return s.priorLogit }

// PriorWeightFor returns log2(λ/(1-λ)) for a pair of records of sources a
// and b: their own prior when the model has one, else the global prior.
func (s *Scorer) PriorWeightFor(a, b string) float64 {
	if w, ok := s.priors[sourcePair(a, b)]; ok {
		return w
	}
	return s.priorLogit
}

func sourcePair(a, b string) [2]string { return [2]string{min(a, b), max(a, b)} }

// Logit returns log2(p/(1-p)): a probability as a match weight in bits;
// p is held within [1e-12, 1-1e-12], so that thresholds of 0 and 1 stay
// finite.
func Logit(p float64) float64 {
	p = min(max(p, 1e-12), 1-1e-12)
	return math.Log2(p / (1 - p))
}

// Outcome is what the decision rule makes of a scored pair.
type Outcome uint8

// Outcomes, from the weakest.
const (
	NonMatch Outcome = iota // below the review threshold
	Review                  // between the review and the match threshold: for a person to decide
	Conflict                // at or above the match threshold but disagreeing outright on an exclusive feature: for a person, never linked
	Match                   // at or above the match threshold: linked
)

func (o Outcome) String() string {
	switch o {
	case Review:
		return "review"
	case Conflict:
		return "conflict"
	case Match:
		return "match"
	}
	return "non-match"
}

// Decide is the one decision rule, for batch resolution, real time and
// explanations alike: a pair's outcome from its match weight and its
// comparison levels.
func (s *Scorer) Decide(weight float64, levels []uint8) Outcome {
	switch {
	case weight >= s.matchW && s.Conflict(levels):
		return Conflict
	case weight >= s.matchW:
		return Match
	case weight >= s.reviewW:
		return Review
	}
	return NonMatch
}

// MatchWeight and ReviewWeight return the thresholds as match weights.
func (s *Scorer) MatchWeight() float64  { return s.matchW }
func (s *Scorer) ReviewWeight() float64 { return s.reviewW }

// Ambiguity is the margin, in bits, by which a record's link must beat a
// link to a conflicting record to be followed (cluster.Options.Ambiguity):
// the match threshold's, so that the record is the one entity's rather
// than the other's with the probability a match needs; at least one bit.
// Batch and real-time clustering both use it.
func (s *Scorer) Ambiguity() float64 { return max(s.matchW, 1) }

// Levels gives Admits the comparison levels of pairs of records, and
// which records have a value for a comparison.
type Levels interface {
	Level(i int, x, y int32) int
	Has(i int, x int32) bool
}

// Admits reports whether a link of weight w between records a and b, of
// two groups of records (the entities it would join), makes an entity that
// holds together, by what the groups' other records say on the
// comparisons its own pair cannot: a payment with no address links to a
// customer by name, and the payments of its account, one entity with it,
// carry an address the customer's disagrees with. For each comparison at
// which the linked pair has no value, the most specific level any pair
// across the groups reaches (x of ga, y of gb) counts when its weight is
// below zero; the link is admitted when w with those weights still
// reaches the match threshold. Otherwise it returns the pair across that
// weighed least and the comparisons that counted. Clustering asks before
// it follows a model's link, batch and real time alike. Levels weigh more
// the more specific they are (Monotone), so one pair across that agrees,
// even nearly, ends the search on a comparison; only the records with a
// value are paired.
func (s *Scorer) Admits(w float64, lv Levels, a, b int32, ga, gb []int32) (with [2]int32, comps []int, ok bool) {
	if len(ga) == 1 && len(gb) == 1 {
		return with, nil, true // the pair is the entity
	}
	worst, short := 0.0, 0.0
	var xs, ys []int32
	for i := range s.Comps {
		if lv.Level(i, a, b) != 0 {
			continue
		}
		xs, ys = holding(lv, i, ga, xs[:0]), holding(lv, i, gb, ys[:0])
		best, pair := 0, [2]int32{}
	scan:
		for _, x := range xs {
			for _, y := range ys {
				l := lv.Level(i, x, y)
				if l == 0 || (best != 0 && l >= best) {
					continue
				}
				best, pair = l, [2]int32{x, y}
				if s.weights[i][l] >= 0 {
					break scan
				}
			}
		}
		if lw := s.weights[i][best]; best != 0 && lw < 0 {
			short += lw
			comps = append(comps, i)
			if lw < worst {
				worst, with = lw, pair
			}
		}
	}
	return with, comps, w+short >= s.matchW
}

// MaxConsensus bounds the records Excuses reads for a consensus: each is
// compared with one record of each value met, and nothing is excused in
// a larger entity.
const MaxConsensus = 4096

// MaxValues bounds the different values Excuses reads on a comparison:
// an entity whose records hold more has no value most of them share.
const MaxValues = 64

// Excuses returns, for the records of the entity a merge would form, a
// test of whether two of them that conflict (Conflict) are two mistyped
// readings of one value: on each exclusive comparison they disagree on
// outright, the records hold a value more of them share exactly than any
// other, two at least, and each of the two agrees with a holder of it
// (neither missing nor outright). A name's entity of eight records born
// 1848-03-10, one of them 1818-03-10 and one 1848-08-10, two edits and a
// generation apart: each is a typo of the date the others agree on. A
// parent's and a junior's records never are: one of them holds the value
// most share, and the other disagrees with it outright; nor are two
// groups that hold two values as many times each. Beyond MaxConsensus
// records nothing is excused.
func (s *Scorer) Excuses(lv Levels, members []int32) func(x, y int32) bool {
	c := s.Consensus(lv, members)
	return func(x, y int32) bool { return c.Unexcused(x, y).Comparison < 0 }
}

// ExcuseCause says why a conflict is not excused (Unexcused).
type ExcuseCause int

const (
	// ExcuseTooLarge: the entity holds more than MaxConsensus records.
	ExcuseTooLarge ExcuseCause = iota + 1
	// ExcuseTooManyValues: its records hold more than MaxValues values.
	ExcuseTooManyValues
	// ExcuseNoConsensus: no value is held by more of its records than any
	// other, two at least.
	ExcuseNoConsensus
	// ExcuseFar: a record of the pair (Unexcusal.Record) agrees with no
	// holder of the value most of them hold, or disagrees outright.
	ExcuseFar
)

// Unexcusal is why a conflict between two records is not excused: the
// first exclusive comparison on which they disagree outright and that is
// not, and the cause. Comparison is -1 when every one is excused.
type Unexcusal struct {
	Comparison int
	Cause      ExcuseCause
	Record     int32 // ExcuseFar: the record far from the value most hold
	Holders    int   // ExcuseFar: the records that hold it
}

// Consensus reads what the records of the entity a merge would form agree
// on, for Excuses and for the explanation of a conflict it does not
// excuse. Each exclusive comparison's consensus is found when first
// asked for.
type Consensus struct {
	s       *Scorer
	lv      Levels
	members []int32
	excl    []int // the exclusive comparisons
	found   []heldValue
}

// heldValue is one comparison's consensus: the records that hold the
// value most of them share, nil when none is (cause says why).
type heldValue struct {
	done    bool
	holders []int32
	cause   ExcuseCause
}

// Consensus returns the consensus of members (Excuses).
func (s *Scorer) Consensus(lv Levels, members []int32) *Consensus {
	return &Consensus{s: s, lv: lv, members: members, excl: s.Exclusive(), found: make([]heldValue, len(s.Comps))}
}

// holders returns the records that hold the value most members share on
// comparison i, or nil and why none does.
func (c *Consensus) holders(i int) ([]int32, ExcuseCause) {
	if f := &c.found[i]; f.done {
		return f.holders, f.cause
	}
	f := heldValue{done: true}
	defer func() { c.found[i] = f }()
	if len(c.members) > MaxConsensus {
		f.cause = ExcuseTooLarge
		return nil, f.cause
	}
	// Classes of records that agree exactly, by a representative.
	var reps []int32
	var classes [][]int32
	for _, z := range c.members {
		if !c.lv.Has(i, z) {
			continue
		}
		k := slices.IndexFunc(reps, func(r int32) bool { return c.lv.Level(i, z, r) == 1 })
		if k < 0 {
			if len(reps) == MaxValues {
				f.cause = ExcuseTooManyValues // no value most of them hold
				return nil, f.cause
			}
			reps, classes = append(reps, z), append(classes, nil)
			k = len(reps) - 1
		}
		classes[k] = append(classes[k], z)
	}
	var best []int32
	tie := false
	for _, cl := range classes {
		switch {
		case len(cl) > len(best):
			best, tie = cl, false
		case len(cl) == len(best):
			tie = true
		}
	}
	if tie || len(best) < 2 {
		f.cause = ExcuseNoConsensus
		return nil, f.cause
	}
	f.holders = best
	return best, 0
}

// near reports whether record r agrees with a holder, at a level that
// does not disagree outright.
func (c *Consensus) near(i int, r int32, holders []int32) bool {
	for _, h := range holders {
		if l := c.lv.Level(i, r, h); l > 0 && !c.s.outright(i, l) {
			return true
		}
	}
	return false
}

// Unexcused returns why the conflict between records x and y is not
// excused (Excuses), or Comparison -1 when it is.
func (c *Consensus) Unexcused(x, y int32) Unexcusal {
	for _, i := range c.excl {
		if l := c.lv.Level(i, x, y); l == 0 || !c.s.outright(i, l) {
			continue
		}
		h, cause := c.holders(i)
		if h == nil {
			return Unexcusal{Comparison: i, Cause: cause}
		}
		for _, r := range [2]int32{x, y} {
			if !c.near(i, r, h) {
				return Unexcusal{Comparison: i, Cause: ExcuseFar, Record: r, Holders: len(h)}
			}
		}
	}
	return Unexcusal{Comparison: -1}
}

// holding appends to buf the records of g that have a value for
// comparison i.
func holding(lv Levels, i int, g []int32, buf []int32) []int32 {
	for _, x := range g {
		if lv.Has(i, x) {
			buf = append(buf, x)
		}
	}
	return buf
}

// Exclusive returns the positions of the exclusive comparisons (date of
// birth, national id): those that can make a pair a conflict.
func (s *Scorer) Exclusive() []int {
	var out []int
	for i, c := range s.Comps {
		if c.Spec.Exclusive {
			out = append(out, i)
		}
	}
	return out
}

// Evidence is what one comparison contributed to a score.
type Evidence struct {
	Comparison string  `json:"comparison"`
	Level      int     `json:"level"`
	Label      string  `json:"label"`
	Weight     float64 `json:"weight"`    // log2(m/u) of the level
	TFAdjust   float64 `json:"tf_adjust"` // term-frequency adjustment: exact level, names sharing a name (SubsetLevel), or one name slipped (NearLevels)
	// OrgNames says TFAdjust is that of two organisations' names
	// (Scorer.TFAdjustOrgs).
	OrgNames bool `json:"org_names,omitempty"`
	// TFWords says TFAdjust was estimated from the words of a name seen
	// too seldom to count (Scorer.TFFromWords).
	TFWords bool `json:"tf_words,omitempty"`
	// TFNear says TFAdjust is the commoner name's of two at a near level
	// that are one name slipped: a typo, a cut, a nickname or a joined
	// writing of it (NearNameTF).
	TFNear bool `json:"tf_near,omitempty"`
	// TwoNames says two people's names at a near level were one name
	// slipped but that the words apart are each a name of their own
	// (TwoNames): no frequency adjusts them, and at the level of a typo
	// TFAdjust takes them down to the next level's weight (TwoNamesDown).
	TwoNames bool `json:"two_names,omitempty"`
	// Forms says how the legal forms of two organisations' names that
	// agree exactly relate (FormsOf), and FormsWeight what that adds
	// (Scorer.Forms).
	Forms       int     `json:"forms,omitempty"`
	FormsWeight float64 `json:"forms_weight,omitempty"`
	A, B        int     `json:"-"` // indexes of the values compared
}

// Result is a scored pair.
type Result struct {
	Weight      float64 // total match weight: prior + Σ evidence, in bits
	Probability float64
	Levels      []uint8
}

// Compare fills levels (one per comparison) for records a and b and returns
// the match weight. ev, when not nil, receives per-comparison evidence.
func (s *Scorer) Compare(a, b *record.Record, levels []uint8, ev []Evidence) float64 {
	return s.CompareValues(a.Key.Source, b.Key.Source, s.Values(a), s.Values(b), levels, ev)
}

// Values returns the values of r that each comparison reads, in order: its
// feature's, or for a comparison of towns where r has none, the towns its
// address lines end with (DerivedTowns).
func (s *Scorer) Values(r *record.Record) [][]record.Value {
	out := make([][]record.Value, len(s.Comps))
	for i, c := range s.Comps {
		if f := r.Feature(c.Spec.Feature); f != nil && len(f.Values) > 0 {
			out[i] = f.Values
		} else if c.Spec.Kind == record.KindCity {
			out[i] = DerivedTowns(r)
		}
	}
	return out
}

// DerivedTowns returns the towns r's address lines end with (the facet
// "locality" of its address values), as derived values of a comparison
// of towns (record.FacetDerived, naming the address feature): what a
// comparison of towns reads of a record that has no town of its own. A
// payment message writes the town into its address line where a customer
// file has a column for it; a town read from an address counts when it
// agrees with the other record's town, and is as missing otherwise.
func DerivedTowns(r *record.Record) []record.Value {
	var out []record.Value
	for fi := range r.Features {
		f := &r.Features[fi]
		if f.Kind != record.KindAddress {
			continue
		}
		for vi := range f.Values {
			town := f.Values[vi].Facets.Get("locality")
			if town == "" || slices.ContainsFunc(out, func(v record.Value) bool { return v.Norm == town }) {
				continue
			}
			out = append(out, record.Value{Norm: town, Tokens: strings.Fields(town),
				Facets: record.Facets{{Name: record.FacetName(record.FacetDerived), Value: f.Name}}})
		}
	}
	return out
}

// CompareValues is Compare over values already looked up with Values, of
// records of sources srcA and srcB.
//
// Household features count once: of the comparisons of features that
// people living or working together share (phone, address, postcode, city,
// country), only the one that adds most counts when several agree;
// disagreements all count. Relatives at one address agree on all of them
// at once, so adding them up would count one fact — the same household —
// several times (see Household).
func (s *Scorer) CompareValues(srcA, srcB string, va, vb [][]record.Value, levels []uint8, ev []Evidence) float64 {
	return s.compare(srcA, srcB, va, vb, nil, func(i int, c *compare.Comparison) (int, int, int) { return c.Level(va[i], vb[i]) }, levels, ev)
}

// Query is one record's values prepared once for comparing with many
// others (an upsert's candidates, a screening query's): CompareQuery
// prepares only the other record's values each time.
type Query struct {
	values   [][]record.Value
	prepared [][]compare.Prepared
	other    []compare.Prepared // the other record's values, reused
	// exactTF holds, for comparisons with term frequencies, the
	// adjustment of an exact match on each of the query's values, found
	// on its first such match (NaN until then): it depends on the query's
	// value alone, and is a salted digest of it to look up.
	exactTF [][]float64
}

// NewQuery prepares va, values looked up with Values.
func (s *Scorer) NewQuery(va [][]record.Value) *Query {
	q := &Query{values: va, prepared: make([][]compare.Prepared, len(s.Comps)), exactTF: make([][]float64, len(s.Comps))}
	for i, c := range s.Comps {
		q.prepared[i] = make([]compare.Prepared, len(va[i]))
		for j := range va[i] {
			q.prepared[i][j] = c.Prepare(&va[i][j])
		}
		if c.Spec.TF && len(va[i]) > 0 {
			q.exactTF[i] = make([]float64, len(va[i]))
			for j := range q.exactTF[i] {
				q.exactTF[i][j] = math.NaN()
			}
		}
	}
	return q
}

// CompareQuery is CompareValues with the first record's values prepared
// in q. A Query is used by one goroutine at a time.
func (s *Scorer) CompareQuery(srcA, srcB string, q *Query, vb [][]record.Value, levels []uint8, ev []Evidence) float64 {
	return s.compare(srcA, srcB, q.values, vb, q, func(i int, c *compare.Comparison) (int, int, int) {
		if len(q.prepared[i]) == 0 || len(vb[i]) == 0 {
			return 0, -1, -1
		}
		q.other = q.other[:0]
		for j := range vb[i] {
			q.other = append(q.other, c.Prepare(&vb[i][j]))
		}
		return c.LevelPrepared(q.prepared[i], q.other)
	}, levels, ev)
}

// compare is CompareValues with the level of comparison i found by level;
// q, when not nil, is va's Query.
func (s *Scorer) compare(srcA, srcB string, va, vb [][]record.Value, q *Query, level func(int, *compare.Comparison) (int, int, int), levels []uint8, ev []Evidence) float64 {
	total, household := s.PriorWeightFor(srcA, srcB), 0.0
	mixed := s.Mixed(srcA, srcB)
	for i, c := range s.Comps {
		l, ia, ib := level(i, c)
		label := ""
		if s.setAside(mixed, i, l) {
			l, label = 0, MixedLabel
		}
		levels[i] = uint8(l)
		w := s.weights[i][l]
		tf, orgs, form := 0.0, false, "" // form: the legal form two organisations' names are both written with
		forms, formsW := FormsUnknown, 0.0
		if l == 1 && s.forms[i] {
			forms, _, _, formsW = s.Forms(i, &va[i][ia], &vb[i][ib])
		}
		near, two := 0.0, false // the part of tf that is a near level's (NearNameTF), and whether two names took it
		switch {
		case l == 1 && c.Spec.TF && s.orgs(i, &va[i][ia], &vb[i][ib]):
			orgs, form = true, OrgForm(&va[i][ia], &vb[i][ib])
			tf = s.TFAdjustOrgs(i, c.ExactKey(&va[i][ia]), form)
			w += s.orgShift[i]
		case l == 1 && c.Spec.TF && q != nil:
			tf = s.queryExactTF(q, i, ia)
		case l == 1 && c.Spec.TF:
			tf = s.TFAdjust(i, c.ExactKey(&va[i][ia]))
		case l > 1 && l <= s.subset[i]:
			tf = s.subsetTF(i, c, va[i], vb[i])
			if s.near[i] != nil && s.near[i][l] { // a nickname: one or the other is 0
				near, two = s.nearTF(i, c, l, va[i], vb[i], q)
				tf += near
			}
		case s.near[i] != nil && s.near[i][l]:
			near, two = s.nearTF(i, c, l, va[i], vb[i], q)
			tf = near
		case l > 1 && l == s.orgTypo[i]:
			var bufA, bufB [4]compare.Prepared
			var pa []compare.Prepared
			if q != nil {
				pa = q.prepared[i]
			} else {
				pa = prepareInto(bufA[:0], c, va[i])
			}
			near, forms, formsW = s.OrgTypoTF(i, pa, prepareInto(bufB[:0], c, vb[i]))
			tf = near
		}
		if ev != nil {
			if label == "" {
				label = c.Label(l)
			}
			ev[i] = Evidence{Comparison: c.Spec.Name, Level: l, Label: label, Weight: w, TFAdjust: tf, OrgNames: orgs, TFNear: near != 0 && !two, TwoNames: two, Forms: forms, FormsWeight: formsW, A: ia, B: ib}
			if l == 1 && c.Spec.TF {
				ev[i].TFWords = s.TFFromWords(i, c.ExactKey(&va[i][ia]), form, orgs)
			}
			if near == 0 && s.near[i] != nil && s.near[i][l] {
				ev[i].TwoNames = s.twoNames(i, c, l, &va[i][ia], &vb[i][ib])
			}
		}
		if s.household[i] && w+tf > 0 {
			household = max(household, w+tf)
			continue
		}
		total += w + tf + formsW
	}
	return total + household
}

// Forms returns how the legal forms of a and b, two values of comparison
// i that agree exactly, relate (FormsOf), the m and u of that, and what it
// adds, log2(m/u): forms that agree are weighed by m = MFormsAgree and
// u the larger share of names whose form agrees with one of theirs
// (UFormsAgreeOf, else UFormsAgree), never above m; forms that disagree by
// 1 − m and 1 − u. Nothing (FormsUnknown, 0) where comparison i does not
// weigh forms (WeighsForms), or the two do not both write one.
func (s *Scorer) Forms(i int, a, b *record.Value) (forms int, m, u, w float64) {
	if !s.forms[i] {
		return FormsUnknown, 0, 0, 0
	}
	if forms = FormsOf(a, b); forms == FormsUnknown {
		return FormsUnknown, 0, 0, 0
	}
	c := &s.Model.Comparisons[i]
	m = c.MFormsAgree
	u = min(max(c.FormsShare(a.Facet("legal_form")), c.FormsShare(b.Facet("legal_form"))), m)
	agree, disagree := c.FormsWeights(u)
	if forms == FormsDisagree {
		return forms, 1 - m, 1 - u, disagree
	}
	return forms, m, u, agree
}

// WeighsForms reports whether comparison i weighs the legal forms of
// exact matches (Forms).
func (s *Scorer) WeighsForms(i int) bool { return s.forms[i] }

// orgs reports whether a and b, two values of comparison i that agree
// exactly, are organisations' names whose frequency TFOrgOnce bounds.
func (s *Scorer) orgs(i int, a, b *record.Value) bool {
	return s.Model.Comparisons[i].TFOrgOnce > 0 && OrgNames(a, b)
}

// Household returns the bits that household comparisons agreeing
// together do not add, as a negative number (0 when at most one of them
// adds weight): the sum of their positive contributions minus the largest.
// ev is the evidence CompareValues gave.
func (s *Scorer) Household(ev []Evidence) float64 {
	sum, largest := 0.0, 0.0
	for i, e := range ev {
		if c := e.Weight + e.TFAdjust; s.household[i] && c > 0 {
			sum += c
			largest = max(largest, c)
		}
	}
	return largest - sum
}

// IsHousehold reports whether comparison i is of a household feature.
func (s *Scorer) IsHousehold(i int) bool { return s.household[i] }

// WeightOf returns the match weight of a comparison vector without term
// frequency adjustments, household features counted once, from the global
// prior.
func (s *Scorer) WeightOf(levels []uint8) float64 {
	total, household := s.priorLogit, 0.0
	for i, l := range levels {
		if w := s.weights[i][l]; s.household[i] && w > 0 {
			household = max(household, w)
		} else {
			total += w
		}
	}
	return total + household
}

// OrgShift returns what an exact match of two organisations' names
// (OrgNames) of comparison i weighs more than the level says: log2 of
// Comparison.MOrgExact over the level's m (0 without it).
func (s *Scorer) OrgShift(i int) float64 { return s.orgShift[i] }

// LevelWeight returns log2(m/u) of level l of comparison i.
func (s *Scorer) LevelWeight(i, l int) float64 { return s.weights[i][l] }

// TFAdjust returns the term-frequency adjustment of an exact match on value
// v in comparison i: log2(u_exact / tf(v)). Rare values add weight, common
// ones remove it.
func (s *Scorer) TFAdjust(i int, v string) float64 { return s.tfAdjust(i, v, "", false) }

// TFAdjustOrgs is TFAdjust for an exact match of two organisations' names
// (OrgNames) both written with legal form form (OrgForm; "" when one is
// written without): a name not in Comparison.TFOrgTable, or in
// Comparison.TFOrgForms with form, is as rare as Comparison.TFOrgOnce
// says, when that is rarer.
func (s *Scorer) TFAdjustOrgs(i int, v, form string) float64 { return s.tfAdjust(i, v, form, true) }

// OrgForm returns the legal form two organisations' names are both written
// with (OrgNames), or "" when one has none.
func OrgForm(a, b *record.Value) string {
	if fb := b.Facet("legal_form"); fb != "" {
		return a.Facet("legal_form")
	}
	return ""
}

func (s *Scorer) tfAdjust(i int, v, form string, orgs bool) float64 {
	c := &s.Model.Comparisons[i]
	if !c.TF || c.TFMin <= 0 {
		return 0
	}
	tf, _ := s.tfFrequency(i, v, form, orgs)
	return math.Log2(c.Levels[0].U / tf)
}

// TFFromWords reports whether the term-frequency adjustment of an exact
// match on v in comparison i (TFAdjust, or TFAdjustOrgs when orgs) comes
// from the frequencies of the name's words: a name seen too seldom to
// count, estimated rarer than one seen once (RareNameFrequency).
func (s *Scorer) TFFromWords(i int, v, form string, orgs bool) bool {
	if c := &s.Model.Comparisons[i]; !c.TF || c.TFMin <= 0 {
		return false
	}
	_, words := s.tfFrequency(i, v, form, orgs)
	return words
}

// tfFrequency returns the frequency an exact match on v in comparison i
// weighs by (tfAdjust), and whether it was estimated from the name's words
// (TFFromWords). The comparison has term frequencies.
func (s *Scorer) tfFrequency(i int, v, form string, orgs bool) (tf float64, words bool) {
	c := &s.Model.Comparisons[i]
	key := func(v string) string {
		if s.tfSalt != nil {
			return TFKey(s.tfSalt, v)
		}
		return v
	}
	if orgs && c.TFOrgOnce > 0 {
		if tf, ok := c.TFOrgTable[key(v)]; ok {
			if f, ok := c.TFOrgForms[key(OrgFormKey(v, form))]; ok && form != "" {
				tf = f
			}
			return tf, false
		}
	}
	tf, ok := c.TFTable[key(v)]
	switch {
	case ok:
	case c.TFTokenMin > 0: // names: even with no token counted (TFTokens empty, and so left out of model.json)
		tf = RareNameFrequency(v, func(tok string) float64 {
			if f, ok := c.TFTokens[key(tok)]; ok {
				return f
			}
			return c.TFTokenMin
		}, c.TFMin)
		words = tf < c.TFMin
	case c.Kind == record.KindDate:
		tf = c.Levels[0].U // a date few hold is as common as the average date
	default:
		tf = c.TFMin
	}
	if orgs && c.TFOrgOnce > 0 && c.TFOrgOnce < tf {
		tf, words = c.TFOrgOnce, false // not in TFOrgTable: no two organisations of one source hold it
	}
	return tf, words
}

// SubsetLevel returns the token-subset level of c (1-based, as Scorer's
// levels count) when c compares names with term frequencies, else 0. A
// pair at a level after exact up to it whose names share a name (one's
// tokens all in the other's: a maternal surname or a middle name
// dropped, compare.Comparison.SharedName) is adjusted by the frequency of
// the name shared (SubsetTF). The similarity levels before subset catch
// most such pairs first, as the names share their start.
func SubsetLevel(c *compare.Comparison) int {
	if !c.Spec.TF || !c.Spec.Kind.IsName() {
		return 0
	}
	for j, l := range c.Spec.Levels {
		if l.Method == compare.MethodSubset {
			return j + 1
		}
	}
	return 0
}

// subsetTF returns the term-frequency adjustment of comparison i between
// the values a and b at a level up to subset (SharedNameTF).
func (s *Scorer) subsetTF(i int, c *compare.Comparison, a, b []record.Value) float64 {
	var bufA, bufB [4]compare.Prepared
	pa, pb := prepareInto(bufA[:0], c, a), prepareInto(bufB[:0], c, b)
	return SharedNameTF(c, pa, pb, func(shared *compare.Prepared) float64 { return s.TFAdjust(i, c.KeyOf(shared)) })
}

// nearTF returns the term-frequency adjustment of comparison i between
// the values a and b at near level l, and whether it is that of two names
// (NearNameTF); q, when not nil, is a's Query, which holds a prepared and
// keeps their exact matches' adjustments.
func (s *Scorer) nearTF(i int, c *compare.Comparison, l int, a, b []record.Value, q *Query) (float64, bool) {
	var bufA, bufB [4]compare.Prepared
	pb := prepareInto(bufB[:0], c, b)
	room, down := NearRoom(s.weights[i], l), s.TwoNamesDown(i, l)
	words := func(w string) bool { return s.NameWord(i, w) }
	if q == nil {
		pa := prepareInto(bufA[:0], c, a)
		return NearNameTF(c, l, pa, pb, func(v *compare.Prepared) float64 { return s.TFAdjust(i, c.KeyOf(v)) }, room, down, words)
	}
	pa := q.prepared[i]
	return NearNameTF(c, l, pa, pb, func(v *compare.Prepared) float64 {
		for x := range pa {
			if v == &pa[x] {
				return s.queryExactTF(q, i, x)
			}
		}
		return s.TFAdjust(i, c.KeyOf(v))
	}, room, down, words)
}

// TwoNamesDown is TwoNamesDown of comparison i's level l.
func (s *Scorer) TwoNamesDown(i, l int) float64 { return TwoNamesDown(s.Comps[i], s.weights[i], l) }

// twoNames reports whether values a and b of comparison c (i) at near
// level l are one name slipped but for their words apart, each a name of
// its own (TwoNamesSlip): why a near pair takes no frequency.
func (s *Scorer) twoNames(i int, c *compare.Comparison, l int, a, b *record.Value) bool {
	pa, pb := c.Prepare(a), c.Prepare(b)
	return TwoNamesSlip(c, l, &pa, &pb, func(w string) bool { return s.NameWord(i, w) })
}

// NameWord reports whether w is a name of its own among the words of the
// names of comparison i (Comparison.TFNameWords): one of two names near
// in their letters that are two people's (TwoNames).
func (s *Scorer) NameWord(i int, w string) bool {
	if s.nameWords[i] == nil {
		return false
	}
	if s.tfSalt != nil {
		w = TFKey(s.tfSalt, w)
	}
	return s.nameWords[i][w]
}

// queryExactTF returns the adjustment of an exact match on the query's
// value x of comparison i, found on the first call and kept in q.
func (s *Scorer) queryExactTF(q *Query, i, x int) float64 {
	tf := q.exactTF[i][x]
	if math.IsNaN(tf) {
		tf = s.TFAdjust(i, s.Comps[i].ExactKey(&q.values[i][x]))
		q.exactTF[i][x] = tf
	}
	return tf
}

// prepareInto appends values vs prepared for comparison c to buf.
func prepareInto(buf []compare.Prepared, c *compare.Comparison, vs []record.Value) []compare.Prepared {
	for x := range vs {
		buf = append(buf, c.Prepare(&vs[x]))
	}
	return buf
}

// SharedNameTF is the term-frequency adjustment of names at a level up to
// subset (SubsetLevel), for the scorer and the batch's tables alike: over
// the pairs of values of a and b that share a name
// (compare.Comparison.SharedName), the largest SubsetTF of what adj
// gives the name shared (its exact match's adjustment); 0 when no pair
// shares one.
func SharedNameTF(c *compare.Comparison, a, b []compare.Prepared, adj func(shared *compare.Prepared) float64) float64 {
	best, found := 0.0, false
	for x := range a {
		for y := range b {
			shared, ok := c.SharedName(&a[x], &b[y])
			if !ok {
				continue
			}
			if v := SubsetTF(adj(shared), shared.Tokens()); !found || v > best {
				best, found = v, true
			}
		}
	}
	return best
}

// SubsetTF turns adj, the term-frequency adjustment of an exact match on
// the name two names share (compare.Comparison.SharedName), into that of
// their subset match: the same, as the shared name is what the two agree
// on, but never upward when it is a single token or holds an initial:
// relatives share a surname, and an initial says little, however rare
// each is.
func SubsetTF(adj float64, shared []string) float64 {
	return SubsetTFOf(adj, SharedSaysLittle(shared))
}

// SubsetTFOf is SubsetTF of a shared name already known to say little or
// not (SharedSaysLittle).
func SubsetTFOf(adj float64, saysLittle bool) float64 {
	if saysLittle {
		return min(adj, 0)
	}
	return adj
}

// SharedSaysLittle reports whether a shared name is a single token or
// holds an initial: its adjustment is never upward (SubsetTF).
func SharedSaysLittle(shared []string) bool {
	if len(shared) < 2 {
		return true
	}
	for _, tok := range shared {
		if utf8.RuneCountInString(tok) < 2 {
			return true
		}
	}
	return false
}

// Probability turns a match weight in bits into a probability.
func Probability(weight float64) float64 {
	return 1 / (1 + math.Exp2(-weight))
}

// Score compares a and b and returns the full result.
func (s *Scorer) Score(a, b *record.Record) Result {
	levels := make([]uint8, len(s.Comps))
	w := s.Compare(a, b, levels, nil)
	return Result{Weight: w, Probability: Probability(w), Levels: levels}
}

// Conflict reports whether a comparison vector is a conflict: the pair
// disagrees outright (else, or a level weighed within a bit of it) on an
// exclusive comparison — date of birth, national id — and agrees, even
// nearly, on none. Such a pair never links, and clustering never joins
// its records through others.
func (s *Scorer) Conflict(levels []uint8) bool {
	disagree := false
	for i, c := range s.Comps {
		if !c.Spec.Exclusive {
			continue
		}
		switch l := int(levels[i]); {
		case s.outright(i, l):
			disagree = true
		case l > 0:
			return false
		}
	}
	return disagree
}

// outright reports whether level l of comparison i disagrees outright:
// the else level, or a level the model weighs within outrightMargin of
// else (a date within a year, or two edits apart, where the data says
// such dates are as often two people's as any: two siblings born
// 1993-06-02 and 1998-06-08, two edits apart at -4.26 bits where else
// weighs -4.28).
func (s *Scorer) outright(i, l int) bool {
	e := s.Comps[i].Else()
	return l == e || l > 0 && s.weights[i][l] <= s.weights[i][e]+outrightMargin
}

// outrightMargin is how near else's weight, in bits, a level of an
// exclusive comparison weighs to disagree outright: a level less than
// twice as likely as else among matches, relative to non-matches, cannot
// be told from it by weights estimated from the data.
const outrightMargin = 1.0

// Disagreements names the exclusive comparisons that disagree outright.
func (s *Scorer) Disagreements(levels []uint8) []string {
	var names []string
	for i, c := range s.Comps {
		if c.Spec.Exclusive && s.outright(i, int(levels[i])) {
			names = append(names, c.Spec.Name)
		}
	}
	return names
}
