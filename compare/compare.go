package compare

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/concord-er/concord/record"
)

// Methods a level may use.
const (
	MethodExact        = "exact"        // facet values equal
	MethodJaroWinkler  = "jaro_winkler" // Jaro-Winkler of the facet ≥ threshold
	MethodNameSim      = "name_similarity"
	MethodLevenshtein  = "levenshtein"       // edit distance of the facet ≤ threshold
	MethodDamerau      = "damerau"           // edit distance with transpositions ≤ threshold
	MethodJaccard      = "jaccard"           // token-set Jaccard ≥ threshold
	MethodQGram        = "qgram"             // bigram Dice ≥ threshold
	MethodPhonetic     = "phonetic"          // phonetic codes of one name all in the other's
	MethodNickname     = "nickname"          // same names but for nickname equivalents (Bill/William)
	MethodSpelling     = "spelling"          // the same words but for spellings romanisations disagree on (Hassan Mansour, Hasan Mansur), in any order
	MethodNickSubset   = "nickname_subset"   // one name's tokens in the other's but for a nickname (SANTOS/PANCHO ⊂ Francisco Diego Santos Gutiérrez)
	MethodNickTypo     = "nickname_typo"     // a nickname and a typo in another word, one name perhaps a part of the other (PEPE RAYUEZA, José Rauyeza)
	MethodSubset       = "token_subset"      // one name's tokens all in the other's (García ⊂ García López)
	MethodNameParts    = "name_parts"        // same given name and first surname, each name perhaps without a part the other has (Adriana Isabel López, Adriana López Pérez)
	MethodTruncated    = "truncated"         // one name cut short from the other (a fixed-length field)
	MethodSubsetTypo   = "token_subset_typo" // one name's tokens all in the other's but one, a typo away (Beaariz Castillo ⊂ Beatriz Castillo Núñez)
	MethodJoined       = "joined"            // the same words but some written together (Ji-hoon, Jihoon), in any order
	MethodContained    = "contained"         // one value's tokens all in the other's, one perhaps cut, the facet equal (an address line with its city)
	MethodInitials     = "initials"          // same initials, one name written with initials (J. R. Smith, John Robert Smith)
	MethodAcronym      = "acronym"           // an organisation's name written as its acronym (PDVSA, Petróleos de Venezuela S.A.)
	MethodOrgTypo      = "org_typo"          // organisations' names the same words but one a letter apart, both of five letters or more (Industrial Parverde, Industrilal Parverde); never a person's
	MethodNameTypo     = "name_typo"         // people's names the same words but one, a typo (Typo) of five letters or more (Bsarbara Wesera, Barbara Wesera); never an organisation's
	MethodOrgWords     = "org_words"         // organisations' names sharing words, token-set Jaccard ≥ threshold (Henry Booth House - New Pisgah, New Pisgah Day Care Center); never a person's
	MethodDateEdit     = "date_one_edit"     // dates known to the day, within threshold edits (one when 0)
	MethodDatePartEdit = "date_partial_edit" // a date cut to its sure part (normalize.CutDateError) one edit from another as far as both are written
	MethodDateSwap     = "date_transposed"   // day and month swapped
	MethodDatePartial  = "date_partial"      // a partial date consistent with the other
	MethodDateMonth    = "date_same_month"
	MethodDateDay      = "date_same_day" // dates known to the day, the same month and day in another year
	MethodDateYears    = "date_years"    // years at most threshold apart
	MethodElse         = "else"
)

// stringMetrics are the methods that compare one facet string of each value.
var stringMetrics = map[string]bool{MethodJaroWinkler: true, MethodLevenshtein: true, MethodDamerau: true, MethodQGram: true}

var methods = map[string]bool{MethodExact: true, MethodJaroWinkler: true, MethodNameSim: true, MethodLevenshtein: true,
	MethodDamerau: true, MethodJaccard: true, MethodQGram: true, MethodPhonetic: true, MethodNickname: true, MethodSpelling: true, MethodNickSubset: true, MethodNickTypo: true,
	MethodSubset: true, MethodSubsetTypo: true, MethodNameParts: true, MethodTruncated: true, MethodJoined: true, MethodContained: true, MethodInitials: true, MethodAcronym: true, MethodOrgTypo: true, MethodNameTypo: true, MethodOrgWords: true, MethodDateEdit: true, MethodDatePartEdit: true, MethodDateSwap: true, MethodDatePartial: true, MethodDateMonth: true, MethodDateDay: true,
	MethodDateYears: true, MethodElse: true}

// LevelSpec is one level of a comparison, as data.
type LevelSpec struct {
	Label     string  `json:"label"`
	Method    string  `json:"method"`
	Facet     string  `json:"facet,omitempty"` // "" = the normalised value
	Threshold float64 `json:"threshold,omitempty"`
}

// Spec describes a comparison of one feature: its levels from the most to
// the least specific, the last being else. The null level (either side has
// no value) is implicit and always level 0.
type Spec struct {
	Name    string      `json:"name"`
	Feature string      `json:"feature"`
	Kind    record.Kind `json:"kind"`
	Levels  []LevelSpec `json:"levels"`
	// TF turns on term-frequency adjustment of the first (exact) level:
	// agreeing on a rare value counts for more than on a common one. For
	// names it also adjusts the levels up to subset where one name is part
	// of the other (SharedName) by the frequency of the name they share.
	TF bool `json:"tf,omitempty"`
	// Exclusive marks features one entity has one value of (date of birth,
	// national id): a pair at the else level, unless it matches on its own,
	// is a conflict that clustering never bridges.
	Exclusive bool `json:"exclusive,omitempty"`
}

// Comparison is a compiled Spec.
type Comparison struct {
	Spec    Spec
	levels  []level
	metrics []func(a, b *Prepared) float64
	// facets are the names of the facets the levels read; a Prepared
	// value holds their positions, found once per value.
	facets []string
	// main is the facet slot (-1: the normalised value) whose string a
	// Prepared value holds itself rather than through its value.
	main int
	// hashed is the facet slot (-1: the normalised value) whose hash
	// Prepared values carry for an exact level after the first; noHash
	// when there is none.
	hashed int
	// nicknames is set when a level compares nicknames: Prepared values carry
	// the nickname groups of their tokens.
	nicknames bool
	// spellings is set when a level compares spellings (MethodSpelling):
	// Prepared values carry a hash of their spelling key.
	spellings bool
	// forms is set for names that may be organisations' (party, org_name):
	// Prepared values carry their legal forms, and two that disagree
	// (LegalFormsAgree) hold no level but exact: two companies of one name
	// and another's with more words (DSM N.V., DSM IP Assets B.V.).
	forms bool
	// suffixSlot is the facet slot of a person name's generational suffix,
	// whose unequal generations (Sr and Jr, II and III) are at else; -1
	// for a comparison of other values.
	suffixSlot int
	// keySlot is the facet slot of the exact key (ExactKey).
	keySlot int
	// givenSlot is the facet slot of a name's first given name (SharedName);
	// -1 for comparisons of other kinds.
	givenSlot int
	// exactFirst is set when the first level is exact on the facet that
	// ExactKey reads, so that equal exact keys decide it.
	exactFirst bool
	// screen rules pairs out of every level but else from 32 bits a value
	// (see Screen).
	screen screen
}

// level is a compiled level: a predicate, or a threshold on a metric that
// several levels may share (similarity ≥0.92, ≥0.80), computed once per
// pair of values.
type level struct {
	pred      func(a, b *Prepared) bool
	metric    int // index into metrics, or -1
	threshold float64
	distance  bool // metric ≤ threshold rather than ≥
}

// maxMetrics bounds the metrics of one comparison (a memo array size);
// maxFacets the facets whose positions a Prepared value holds (others are
// looked up by name).
const (
	maxMetrics = 8
	maxFacets  = 4
	noHash     = -2
)

// Compile checks a Spec and builds its level functions.
func Compile(s Spec) (*Comparison, error) {
	if s.Name == "" || s.Feature == "" {
		return nil, fmt.Errorf("comparison needs a name and a feature")
	}
	if len(s.Levels) == 0 || s.Levels[len(s.Levels)-1].Method != MethodElse {
		return nil, fmt.Errorf("comparison %s: the last level must be %q", s.Name, MethodElse)
	}
	c := &Comparison{Spec: s, hashed: noHash}
	// A metric shared by several levels need only be exact between the
	// smallest and the largest of their thresholds: a distance beyond the
	// largest, or a similarity below the smallest, fails every level
	// whatever its value.
	bound, floor := map[string]float64{}, map[string]float64{}
	for _, l := range s.Levels {
		key := l.Method + "\x00" + l.Facet
		bound[key] = max(bound[key], l.Threshold)
		if f, ok := floor[key]; !ok || l.Threshold < f {
			floor[key] = l.Threshold
		}
	}
	// A Prepared value holds itself the string its first string metric
	// reads, or else the normalised value: the string read most.
	c.main = -1
	if i := slices.IndexFunc(s.Levels, func(l LevelSpec) bool { return stringMetrics[l.Method] }); i >= 0 {
		c.main = c.facet(s.Levels[i].Facet)
	}
	slots := map[string]int{}
	for i, l := range s.Levels {
		if !methods[l.Method] {
			return nil, fmt.Errorf("comparison %s level %d: unknown method %q", s.Name, i+1, l.Method)
		}
		if l.Method == MethodElse && i != len(s.Levels)-1 {
			return nil, fmt.Errorf("comparison %s: else must be the last level", s.Name)
		}
		key := l.Method + "\x00" + l.Facet
		if m, distance := c.metricFunc(l, bound[key], floor[key]); m != nil {
			slot, ok := slots[key]
			if !ok {
				if len(c.metrics) == maxMetrics {
					return nil, fmt.Errorf("comparison %s: more than %d distinct metrics", s.Name, maxMetrics)
				}
				slot = len(c.metrics)
				slots[key] = slot
				c.metrics = append(c.metrics, m)
			}
			c.levels = append(c.levels, level{metric: slot, threshold: l.Threshold, distance: distance})
			continue
		}
		c.levels = append(c.levels, level{pred: c.levelFunc(l), metric: -1})
	}
	c.exactFirst = s.Levels[0].Method == MethodExact
	c.keySlot = c.facet(s.Levels[0].Facet)
	c.givenSlot, c.suffixSlot = -1, -1
	if s.Kind.IsName() {
		c.givenSlot = c.facet("given")
	}
	if s.Kind == record.KindName || s.Kind == record.KindParty {
		c.suffixSlot = c.facet("suffix")
	}
	c.forms = s.Kind == record.KindParty || s.Kind == record.KindOrgName
	c.screen = c.compileScreen()
	return c, nil
}

// SharedName reports, for two values of a name comparison, whether the
// name of one is part of the other's, read as the same person's: every
// word of the name with fewer is a word of the other, written out there
// too (an initial matches no word), and the other's first given name is
// one of them: both begin with it, or the one with fewer writes it after
// its surname (AUER TIM of Tim N Auer, as payments write names). It
// returns the value with fewer tokens, whose exact key (KeyOf) is the
// name the two share: "patricia perez" of "Patricia Pérez Peña",
// or "andres pena roswood" of "PEÑA ROSWOOD, Andrés Eduardo". A
// relative's name is not shared so however its tokens fall: Laura
// Larley, named after a mother's middle name, is not part of Gabriela
// Laura Larley Barrero.
func (c *Comparison) SharedName(a, b *Prepared) (*Prepared, bool) {
	if c.givenSlot < 0 {
		return nil, false
	}
	ga, gb := c.str(a, c.givenSlot), c.str(b, c.givenSlot)
	if ga == "" || gb == "" {
		return nil, false
	}
	short, long := a, b
	if len(a.v.Tokens) > len(b.v.Tokens) {
		short, long = b, a
	}
	for _, w := range short.v.Tokens {
		if !slices.Contains(long.v.Tokens, w) {
			return nil, false
		}
	}
	// Siblings' shared surnames hold neither given name.
	if ga != gb && !slices.Contains(short.v.Tokens, c.str(long, c.givenSlot)) {
		return nil, false
	}
	return short, true
}

// KeyOf returns the exact key of a prepared value: what ExactKey returns
// of its value.
func (c *Comparison) KeyOf(p *Prepared) string { return c.str(p, c.keySlot) }

// Tokens returns the tokens of a prepared value.
func (p *Prepared) Tokens() []string { return p.v.Tokens }

// Value returns the value p was prepared from.
func (p *Prepared) Value() *record.Value { return p.v }

// MustCompile is Compile for specs known to be valid; it panics otherwise.
func MustCompile(s Spec) *Comparison {
	c, err := Compile(s)
	if err != nil {
		panic(err)
	}
	return c
}

// NumLevels returns the number of levels including null (level 0).
func (c *Comparison) NumLevels() int { return len(c.levels) + 1 }

// Else returns the index of the else level.
func (c *Comparison) Else() int { return len(c.levels) }

// Label returns the label of level l ("null" for 0).
func (c *Comparison) Label(l int) string {
	if l == 0 {
		return "null"
	}
	return c.Spec.Levels[l-1].Label
}

// Level returns the level of two features' values: 0 when either has none,
// else the best (lowest) level over all pairs of their values, with the
// indexes of the values that gave it.
func (c *Comparison) Level(a, b []record.Value) (level, ia, ib int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, -1, -1
	}
	var bufA, bufB [2]Prepared
	pa, pb := bufA[:0], bufB[:0]
	for i := range a {
		pa = append(pa, c.Prepare(&a[i]))
	}
	for i := range b {
		pb = append(pb, c.Prepare(&b[i]))
	}
	return c.LevelPrepared(pa, pb)
}

// LevelPrepared is Level over prepared values. Where either side's values
// are derived (record.FacetDerived: a record has all its values of a
// feature derived, or none), only the first level counts: any other is 0,
// as if a value were missing.
func (c *Comparison) LevelPrepared(a, b []Prepared) (level, ia, ib int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, -1, -1
	}
	if len(a) == 1 && len(b) == 1 {
		return c.PairLevel(&a[0], &b[0]), 0, 0
	}
	best := len(c.levels)
	for i := range a {
		for j := range b {
			if l := c.pairLevel(&a[i], &b[j], best); l < best {
				best, ia, ib = l, i, j
			}
			if best == 1 {
				return 1, ia, ib
			}
		}
	}
	if a[0].v.IsDerived() || b[0].v.IsDerived() {
		return 0, -1, -1
	}
	return best, ia, ib
}

// PairLevel is LevelPrepared for one value on each side.
func (c *Comparison) PairLevel(a, b *Prepared) int {
	l := c.pairLevel(a, b, len(c.levels))
	if l > 1 && (a.v.IsDerived() || b.v.IsDerived()) {
		return 0
	}
	return l
}

// ExactFirst reports whether the first level is exact agreement on the
// exact key: two values with the same non-zero key id are at level 1.
func (c *Comparison) ExactFirst() bool { return c.exactFirst }

// pairLevel returns the level of one pair of values, or limit if it is no
// better than limit. With interned keys, the first, exact, level is
// decided by key ids.
func (c *Comparison) pairLevel(a, b *Prepared, limit int) int {
	if a.gen != b.gen && a.gen != 0 && b.gen != 0 {
		return limit // a father and his son: no level holds
	}
	first := 0
	if c.exactFirst && a.key != 0 && b.key != 0 {
		if a.key == b.key {
			return 1
		}
		first = 1
	}
	top := limit - 1
	if formsDisagree(a, b) || (a.syl|b.syl != 0 && splitsGiven(a, b)) {
		top = min(top, 1) // exact alone
	}
	var memo [maxMetrics]float64
	var have uint8
	for l := first; l < top; l++ {
		lv := &c.levels[l]
		if lv.metric < 0 {
			if lv.pred(a, b) {
				return l + 1
			}
			continue
		}
		bit := uint8(1) << lv.metric
		if have&bit == 0 {
			memo[lv.metric] = c.metrics[lv.metric](a, b)
			have |= bit
		}
		if x := memo[lv.metric]; (lv.distance && x <= lv.threshold) || (!lv.distance && x >= lv.threshold) {
			return l + 1
		}
	}
	return limit
}

// ExactKey returns the value whose frequency adjusts an exact match: the
// first level's facet of v.
func (c *Comparison) ExactKey(v *record.Value) string {
	return v.Facet(c.Spec.Levels[0].Facet)
}

// facet returns the slot of a facet name in c's Prepared values, registering
// it; the normalised value itself ("" or "norm") has slot -1.
func (c *Comparison) facet(name string) int {
	if name == "" || name == "norm" {
		return -1
	}
	for i, f := range c.facets {
		if f == name {
			return i
		}
	}
	c.facets = append(c.facets, record.FacetName(name)) // the stored values' own string: compared by pointer
	return len(c.facets) - 1
}

// metricFunc returns the metric of a threshold level, and whether it is a
// distance (≤ threshold) rather than a similarity; nil for other levels.
// Distances are computed up to bound + 1.
func (c *Comparison) metricFunc(l LevelSpec, bound, floor float64) (func(a, b *Prepared) float64, bool) {
	k := int(math.Floor(bound))
	switch l.Method {
	case MethodJaroWinkler:
		f := c.facet(l.Facet)
		return func(a, b *Prepared) float64 { return jaroWinklerFloor(c.str(a, f), c.str(b, f), floor) }, false
	case MethodNameSim:
		// The larger of Jaro-Winkler on the whole name and Monge-Elkan on
		// its tokens. When the first already reaches every threshold, the
		// second cannot change a level and is skipped; below the lowest
		// threshold, it need not be exact.
		//
		// People whose given names are like no word of the other's name
		// (Laura and Rafael Vilazar Lorenzo, sisters and brothers of one
		// household) are not similar however alike their surnames are.
		fg := c.facet("given")
		return func(a, b *Prepared) float64 {
			if ga, gb := c.str(a, fg), c.str(b, fg); ga != "" && gb != "" && givenApart(ga, b.v.Tokens) && givenApart(gb, a.v.Tokens) {
				return 0
			}
			jw := jaroWinklerFloor(c.str(a, -1), c.str(b, -1), floor)
			if jw >= bound {
				return jw
			}
			return max(jw, mongeElkanFloor(a.v.Tokens, b.v.Tokens, floor))
		}, false
	case MethodLevenshtein:
		f := c.facet(l.Facet)
		return func(a, b *Prepared) float64 { return float64(LevenshteinWithin(c.str(a, f), c.str(b, f), k)) }, true
	case MethodDamerau:
		f := c.facet(l.Facet)
		return func(a, b *Prepared) float64 { return float64(DamerauWithin(c.str(a, f), c.str(b, f), k)) }, true
	case MethodJaccard:
		f := c.facet(l.Facet)
		return func(a, b *Prepared) float64 { return Jaccard(c.tokens(a, f), c.tokens(b, f)) }, false
	case MethodQGram:
		f := c.facet(l.Facet)
		return func(a, b *Prepared) float64 { return QGram(c.str(a, f), c.str(b, f)) }, false
	}
	return nil, false
}

// organisations returns a test of whether two values of c are both
// organisations' names, for the levels of organisations' names alone: any
// two of a feature of organisations' names, and in a party feature two
// read as organisations' (the facet "compact", which normalize writes for
// nothing else: a party's read as one, or a register's column typed
// org_name).
func (c *Comparison) organisations() func(a, b *Prepared) bool {
	if c.Spec.Kind == record.KindOrgName {
		return func(a, b *Prepared) bool { return true }
	}
	f := c.facet("compact")
	return func(a, b *Prepared) bool { return c.str(a, f) != "" && c.str(b, f) != "" }
}

func (c *Comparison) levelFunc(l LevelSpec) func(a, b *Prepared) bool {
	t := l.Threshold
	switch l.Method {
	case MethodExact:
		f := c.facet(l.Facet)
		if len(c.levels) > 0 && (c.hashed == noHash || c.hashed == f) {
			// Not the first level (that one has key ids): the first
			// facet a later exact level reads is hashed.
			c.hashed = f
			return func(a, b *Prepared) bool {
				if a.fh != b.fh {
					return false
				}
				x := c.str(a, f)
				return x != "" && x == c.str(b, f)
			}
		}
		return func(a, b *Prepared) bool { x := c.str(a, f); return x != "" && x == c.str(b, f) }
	case MethodPhonetic:
		f := c.facet("phonetic")
		return func(a, b *Prepared) bool { return wordSubset(c.str(a, f), c.str(b, f)) }
	case MethodNickname:
		c.nicknames = true
		return func(a, b *Prepared) bool { return a.nick&b.nick != 0 && Nicknames(a.v.Tokens, b.v.Tokens) }
	case MethodSpelling:
		c.spellings = true
		return Spelled
	case MethodSubset:
		return func(a, b *Prepared) bool { return TokenSubset(a.v.Tokens, b.v.Tokens) }
	case MethodNickSubset:
		c.nicknames = true
		return func(a, b *Prepared) bool { return a.nick&b.nick != 0 && NicknameSubset(a.v.Tokens, b.v.Tokens) }
	case MethodNickTypo:
		c.nicknames = true
		return func(a, b *Prepared) bool { return a.nick&b.nick != 0 && NicknameTypo(a.v.Tokens, b.v.Tokens) }
	case MethodNameParts:
		// Most pairs that reach this level differ in their first given
		// name: that facet has a slot (the similarity levels read it), and
		// the two others are looked up by name only for the pairs left,
		// taking no slot from the facets later levels read (phonetic).
		fg := c.facet("given")
		return func(a, b *Prepared) bool {
			g := c.str(a, fg)
			if g == "" || g != c.str(b, fg) {
				return false
			}
			return NameParts(g, a.v.Facet("middle"), a.v.Facet("surnames"), g, b.v.Facet("middle"), b.v.Facet("surnames"))
		}
	case MethodTruncated:
		return func(a, b *Prepared) bool { return Truncated(a.v.Tokens, b.v.Tokens) }
	case MethodSubsetTypo:
		return func(a, b *Prepared) bool { return SubsetTypo(a.v.Tokens, b.v.Tokens) }
	case MethodJoined:
		return func(a, b *Prepared) bool { return Joined(a.v.Tokens, b.v.Tokens) }
	case MethodContained:
		within := Contained
		if l.Threshold >= 1 { // one token may be a typo
			within = ContainedTypo
		}
		if l.Facet == "" {
			return func(a, b *Prepared) bool { return within(a.v.Tokens, b.v.Tokens, 2) }
		}
		// The facet (an address's house number) must be equal; without
		// one, the words alone must name a building, not just a street.
		// Units (an address's flat) may be left out of one, but two must
		// be the same: Flat 2 and Flat 3 of one house are two homes. So
		// must their postcodes when both have one: 12 High Street in
		// Leeds and in Bristol are two houses.
		f, unit, postcode := c.facet(l.Facet), c.facet("unit"), c.facet("postcode")
		return func(a, b *Prepared) bool {
			n := c.str(a, f)
			if n != c.str(b, f) {
				return false
			}
			if ua, ub := c.str(a, unit), c.str(b, unit); ua != "" && ub != "" && ua != ub {
				return false
			}
			if pa, pb := c.str(a, postcode), c.str(b, postcode); pa != "" && pb != "" && pa != pb {
				return false
			}
			if n == "" {
				return within(a.v.Tokens, b.v.Tokens, 4)
			}
			return within(a.v.Tokens, b.v.Tokens, 2) || oneWordStreet(a.v.Tokens, b.v.Tokens)
		}
	case MethodAcronym:
		f := c.facet("acronyms")
		return func(a, b *Prepared) bool { return Acronym(a.v.Tokens, c.str(a, f), b.v.Tokens, c.str(b, f)) }
	case MethodOrgTypo:
		orgs := c.organisations()
		return func(a, b *Prepared) bool { return orgs(a, b) && OrgTypo(a.v.Tokens, b.v.Tokens) }
	case MethodNameTypo:
		// Values not read as organisations' (no facet "compact"):
		// people's names, and a party's read as neither kind, whose
		// typos are as any name's; organisations' have a level of their
		// own (MethodOrgTypo).
		f := c.facet("compact")
		return func(a, b *Prepared) bool {
			return c.str(a, f) == "" && c.str(b, f) == "" && NameTypo(a.v.Tokens, b.v.Tokens)
		}
	case MethodOrgWords:
		// Organisations' names alone: people's names share words as
		// siblings' do, and a name read as neither may be a person's with
		// a typo in it (Kisrty Adeyemi).
		orgs := c.organisations()
		return func(a, b *Prepared) bool { return orgs(a, b) && Jaccard(a.v.Tokens, b.v.Tokens) >= t }
	case MethodInitials:
		f := c.facet("initials")
		return func(a, b *Prepared) bool {
			ia := c.str(a, f)
			return ia != "" && ia == c.str(b, f) && (hasInitial(a.v.Tokens) || hasInitial(b.v.Tokens))
		}
	case MethodDateEdit:
		// One edit in a date known to the day is taken for a typo
		// wherever it is. Two are not when both are in the year (1990,
		// 1975) or they put the years a generation apart (1950-06-18,
		// 1970-06-13): a parent's date and a child's often differ so.
		n := dateEdits(t)
		return func(a, b *Prepared) bool {
			x, y := c.str(a, -1), c.str(b, -1)
			if len(x) != 10 || len(y) != 10 {
				return false
			}
			if n == 1 {
				return DamerauWithin(x, y, 1) <= 1
			}
			return DamerauWithin(x, y, n) <= n && DamerauWithin(x[:4], y[:4], 1) <= 1 && withinGeneration(x[:4], y[:4])
		}
	case MethodDatePartEdit:
		// A date cut to its sure part (1856 of 1856-86-18: its month
		// mistyped, normalize.CutDateError) against another, as far as
		// both are written: one edit, not a generation apart (1950,
		// 1970-03-12), as its other digits may be mistyped too. A year
		// written alone by design (a list's 1956) is compared by years
		// apart instead: one digit from 1958 says no more than two years.
		cut := c.facet("cut")
		return func(a, b *Prepared) bool {
			x, y := c.str(a, -1), c.str(b, -1)
			if len(x) == 10 && len(y) == 10 || c.str(a, cut) == "" && c.str(b, cut) == "" {
				return false
			}
			l := min(len(x), len(y))
			return l >= 4 && DamerauWithin(x[:l], y[:l], 1) <= 1 && withinGeneration(x[:4], y[:4])
		}
	case MethodDateSwap:
		return func(a, b *Prepared) bool {
			x, y := c.str(a, -1), c.str(b, -1)
			return c.dayPrecision(a, b) && x[:4] == y[:4] && x[5:7] == y[8:10] && x[8:10] == y[5:7]
		}
	case MethodDatePartial:
		return func(a, b *Prepared) bool {
			x, y := c.str(a, -1), c.str(b, -1)
			return len(x) != len(y) && (strings.HasPrefix(x, y) || strings.HasPrefix(y, x))
		}
	case MethodDateDay:
		// A year mistyped or picked wrong as a whole (1956-06-04,
		// 1975-06-04), the day and month kept: relatives are born on
		// the same day of the year once in 365 times. But for the 1st
		// of January, which registers write for a year alone (many
		// refugees' dates of birth are 1 January): a father and a son
		// so written are not one person.
		return func(a, b *Prepared) bool {
			x, y := c.str(a, -1), c.str(b, -1)
			return c.dayPrecision(a, b) && x[4:] == y[4:] && x[4:] != "-01-01"
		}
	case MethodDateMonth:
		f := c.facet("month")
		return func(a, b *Prepared) bool { m := c.str(a, f); return m != "" && m == c.str(b, f) }
	case MethodDateYears:
		f := c.facet("year")
		return func(a, b *Prepared) bool {
			ya, err1 := strconv.Atoi(c.str(a, f))
			yb, err2 := strconv.Atoi(c.str(b, f))
			return err1 == nil && err2 == nil && float64(abs(ya-yb)) <= t
		}
	}
	return func(a, b *Prepared) bool { return true } // else
}

// oneWordStreet reports whether the shorter of two token lists is one
// word of five letters or more that the other has: a street named in one
// word (32 Kingsway, 199 Broadway) in a line that writes its town or
// postcode after it. A shorter word (Main) may be a street's name cut
// short or without its kind.
func oneWordStreet(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) == 1 && len(a[0]) >= 5 && !isDigits(a[0]) && !streetKindWords[a[0]] && slices.Contains(b, a[0])
}

// streetKindWords name a kind of street, as addresses normalise them: a
// line that has one of them alone (12 Avenida) names no street.
var streetKindWords = map[string]bool{"street": true, "avenue": true, "avenida": true, "calle": true, "carrera": true,
	"boulevard": true, "transversal": true, "diagonal": true, "highway": true, "parade": true, "terrace": true,
	"circuit": true, "circle": true, "square": true, "parkway": true, "close": true, "crescent": true, "place": true,
	"court": true, "drive": true, "strasse": true, "pasaje": true, "paseo": true, "carretera": true, "urbanizacion": true,
	"residencias": true, "quinta": true, "edificio": true}

// str returns the facet in slot f of p (-1: the normalised value).
func (c *Comparison) str(p *Prepared, f int) string {
	if f == c.main {
		return p.s
	}
	return c.read(p, f)
}

// read is str without the string p holds in place: it reads the value.
func (c *Comparison) read(p *Prepared, f int) string {
	switch {
	case f < 0:
		return p.v.Norm
	case f < maxFacets:
		if i := p.fidx[f]; i >= 0 {
			return p.v.Facets[i].Value
		}
		return ""
	}
	return p.v.Facet(c.facets[f]) // beyond the positions a Prepared value holds
}

// wordSubset reports whether every space-separated word of the shorter of
// a and b is a word of the other, each word of the other matched once (so
// that HNK FNK and FNK FNK, Huang Fang and Wang Fang, are no subset either
// way), without allocating.
func wordSubset(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if strings.Count(a, " ") > strings.Count(b, " ") {
		a, b = b, a
	}
	var used uint64 // the words of b matched, by position (words past 64 are matched as often as they occur)
	for a != "" {
		w, rest, _ := strings.Cut(a, " ")
		a = rest
		if w == "" {
			continue
		}
		found := false
		k := 0
		for r := b; r != ""; k++ {
			x, more, _ := strings.Cut(r, " ")
			r = more
			if x == w && (k >= 64 || used&(1<<k) == 0) {
				if k < 64 {
					used |= 1 << k
				}
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func hasInitial(tokens []string) bool {
	for _, t := range tokens {
		if len(t) == 1 {
			return true
		}
	}
	return false
}

// generationYears is how many years apart two dates of birth are a
// parent's and a child's rather than one date mistyped.
const generationYears = 15

// withinGeneration reports whether two years, written in four digits, are
// less than a generation apart.
func withinGeneration(x, y string) bool {
	a, err1 := strconv.Atoi(x)
	b, err2 := strconv.Atoi(y)
	return err1 == nil && err2 == nil && abs(a-b) < generationYears
}

// dateEdits is the number of edits a date's edit level allows: its
// threshold, one when it gives none.
func dateEdits(t float64) int { return max(1, int(t)) }

func (c *Comparison) dayPrecision(a, b *Prepared) bool {
	return len(c.str(a, -1)) == 10 && len(c.str(b, -1)) == 10
}

func (c *Comparison) tokens(v *Prepared, slot int) []string {
	if slot < 0 {
		if v.v.Tokens != nil {
			return v.v.Tokens
		}
		return strings.Fields(v.v.Norm)
	}
	return strings.Fields(c.str(v, slot))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
