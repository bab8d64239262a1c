package compare

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/concord-er/concord/record"
)

// Methods a level may use.
const (
	MethodExact       = "exact"        // facet values equal
	MethodJaroWinkler = "jaro_winkler" // Jaro-Winkler of the facet ≥ threshold
	MethodNameSim     = "name_similarity"
	MethodLevenshtein = "levenshtein"  // edit distance of the facet ≤ threshold
	MethodDamerau     = "damerau"      // edit distance with transpositions ≤ threshold
	MethodJaccard     = "jaccard"      // token-set Jaccard ≥ threshold
	MethodQGram       = "qgram"        // bigram Dice ≥ threshold
	MethodPhonetic    = "phonetic"     // phonetic codes of one name all in the other's
	MethodNickname    = "nickname"     // same names but for nickname equivalents (Bill/William)
	MethodSubset      = "token_subset" // one name's tokens all in the other's (García ⊂ García López)
	MethodInitials    = "initials"     // same initials, one name written with initials (J. R. Smith, John Robert Smith)
	MethodDateEdit    = "date_one_edit"
	MethodDateSwap    = "date_transposed" // day and month swapped
	MethodDatePartial = "date_partial"    // a partial date consistent with the other
	MethodDateMonth   = "date_same_month"
	MethodDateYears   = "date_years" // years at most threshold apart
	MethodElse        = "else"
)

var methods = map[string]bool{MethodExact: true, MethodJaroWinkler: true, MethodNameSim: true, MethodLevenshtein: true,
	MethodDamerau: true, MethodJaccard: true, MethodQGram: true, MethodPhonetic: true, MethodNickname: true,
	MethodSubset: true, MethodInitials: true, MethodDateEdit: true, MethodDateSwap: true, MethodDatePartial: true, MethodDateMonth: true,
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
	// agreeing on a rare value counts for more than on a common one.
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
	metrics []func(a, b *record.Value) float64
}

// level is a compiled level: a predicate, or a threshold on a metric that
// several levels may share (similarity ≥0.92, ≥0.80), computed once per
// pair of values.
type level struct {
	pred      func(a, b *record.Value) bool
	metric    int // index into metrics, or -1
	threshold float64
	distance  bool // metric ≤ threshold rather than ≥
}

// maxMetrics bounds the metrics of one comparison (a memo array size).
const maxMetrics = 8

// Compile checks a Spec and builds its level functions.
func Compile(s Spec) (*Comparison, error) {
	if s.Name == "" || s.Feature == "" {
		return nil, fmt.Errorf("comparison needs a name and a feature")
	}
	if len(s.Levels) == 0 || s.Levels[len(s.Levels)-1].Method != MethodElse {
		return nil, fmt.Errorf("comparison %s: the last level must be %q", s.Name, MethodElse)
	}
	c := &Comparison{Spec: s}
	slots := map[string]int{}
	for i, l := range s.Levels {
		if !methods[l.Method] {
			return nil, fmt.Errorf("comparison %s level %d: unknown method %q", s.Name, i+1, l.Method)
		}
		if l.Method == MethodElse && i != len(s.Levels)-1 {
			return nil, fmt.Errorf("comparison %s: else must be the last level", s.Name)
		}
		if m, distance := metricFunc(l); m != nil {
			key := l.Method + "\x00" + l.Facet
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
		c.levels = append(c.levels, level{pred: levelFunc(l), metric: -1})
	}
	return c, nil
}

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
	best := len(c.levels)
	ia, ib = 0, 0
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
	return best, ia, ib
}

// pairLevel returns the level of one pair of values, or limit if it is no
// better than limit.
func (c *Comparison) pairLevel(a, b *record.Value, limit int) int {
	var memo [maxMetrics]float64
	var have uint8
	for l := 0; l < limit-1; l++ {
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

// metricFunc returns the metric of a threshold level, and whether it is a
// distance (≤ threshold) rather than a similarity; nil for other levels.
func metricFunc(l LevelSpec) (func(a, b *record.Value) float64, bool) {
	f := l.Facet
	switch l.Method {
	case MethodJaroWinkler:
		return func(a, b *record.Value) float64 { return JaroWinkler(a.Facet(f), b.Facet(f)) }, false
	case MethodNameSim:
		return func(a, b *record.Value) float64 {
			return max(JaroWinkler(a.Norm, b.Norm), MongeElkan(a.Tokens, b.Tokens))
		}, false
	case MethodLevenshtein:
		return func(a, b *record.Value) float64 { return float64(Levenshtein(a.Facet(f), b.Facet(f))) }, true
	case MethodDamerau:
		return func(a, b *record.Value) float64 { return float64(Damerau(a.Facet(f), b.Facet(f))) }, true
	case MethodJaccard:
		return func(a, b *record.Value) float64 { return Jaccard(tokens(a, f), tokens(b, f)) }, false
	case MethodQGram:
		return func(a, b *record.Value) float64 { return QGram(a.Facet(f), b.Facet(f)) }, false
	}
	return nil, false
}

func levelFunc(l LevelSpec) func(a, b *record.Value) bool {
	f, t := l.Facet, l.Threshold
	switch l.Method {
	case MethodExact:
		return func(a, b *record.Value) bool { x := a.Facet(f); return x != "" && x == b.Facet(f) }
	case MethodPhonetic:
		return func(a, b *record.Value) bool { return wordSubset(a.Facet("phonetic"), b.Facet("phonetic")) }
	case MethodNickname:
		return func(a, b *record.Value) bool { return Nicknames(a.Tokens, b.Tokens) }
	case MethodSubset:
		return func(a, b *record.Value) bool { return TokenSubset(a.Tokens, b.Tokens) }
	case MethodInitials:
		return func(a, b *record.Value) bool {
			ia := a.Facet("initials")
			return ia != "" && ia == b.Facet("initials") && (hasInitial(a.Tokens) || hasInitial(b.Tokens))
		}
	case MethodDateEdit:
		return func(a, b *record.Value) bool {
			return dayPrecision(a, b) && Damerau(a.Norm, b.Norm) <= 1
		}
	case MethodDateSwap:
		return func(a, b *record.Value) bool {
			return dayPrecision(a, b) && a.Norm[:4] == b.Norm[:4] && a.Norm[5:7] == b.Norm[8:10] && a.Norm[8:10] == b.Norm[5:7]
		}
	case MethodDatePartial:
		return func(a, b *record.Value) bool {
			return len(a.Norm) != len(b.Norm) && (strings.HasPrefix(a.Norm, b.Norm) || strings.HasPrefix(b.Norm, a.Norm))
		}
	case MethodDateMonth:
		return func(a, b *record.Value) bool { m := a.Facet("month"); return m != "" && m == b.Facet("month") }
	case MethodDateYears:
		return func(a, b *record.Value) bool {
			ya, err1 := strconv.Atoi(a.Facet("year"))
			yb, err2 := strconv.Atoi(b.Facet("year"))
			return err1 == nil && err2 == nil && float64(abs(ya-yb)) <= t
		}
	}
	return func(a, b *record.Value) bool { return true } // else
}

// wordSubset reports whether every space-separated word of the shorter of
// a and b is a word of the other, without allocating.
func wordSubset(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if strings.Count(a, " ") > strings.Count(b, " ") {
		a, b = b, a
	}
	for a != "" {
		w, rest, _ := strings.Cut(a, " ")
		a = rest
		if w == "" {
			continue
		}
		found := false
		for r := b; r != ""; {
			x, more, _ := strings.Cut(r, " ")
			r = more
			if x == w {
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

func dayPrecision(a, b *record.Value) bool { return len(a.Norm) == 10 && len(b.Norm) == 10 }

func tokens(v *record.Value, facet string) []string {
	if facet == "" || facet == "norm" {
		if v.Tokens != nil {
			return v.Tokens
		}
		return strings.Fields(v.Norm)
	}
	return strings.Fields(v.Facet(facet))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
