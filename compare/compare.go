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
	Spec   Spec
	levels []func(a, b *record.Value) bool
}

// Compile checks a Spec and builds its level functions.
func Compile(s Spec) (*Comparison, error) {
	if s.Name == "" || s.Feature == "" {
		return nil, fmt.Errorf("comparison needs a name and a feature")
	}
	if len(s.Levels) == 0 || s.Levels[len(s.Levels)-1].Method != MethodElse {
		return nil, fmt.Errorf("comparison %s: the last level must be %q", s.Name, MethodElse)
	}
	c := &Comparison{Spec: s}
	for i, l := range s.Levels {
		if !methods[l.Method] {
			return nil, fmt.Errorf("comparison %s level %d: unknown method %q", s.Name, i+1, l.Method)
		}
		if l.Method == MethodElse && i != len(s.Levels)-1 {
			return nil, fmt.Errorf("comparison %s: else must be the last level", s.Name)
		}
		c.levels = append(c.levels, levelFunc(l))
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
			for l := 0; l < best-1; l++ {
				if c.levels[l](&a[i], &b[j]) {
					best, ia, ib = l+1, i, j
					break
				}
			}
			if best == 1 {
				return 1, ia, ib
			}
		}
	}
	return best, ia, ib
}

// ExactKey returns the value whose frequency adjusts an exact match: the
// first level's facet of v.
func (c *Comparison) ExactKey(v *record.Value) string {
	return v.Facet(c.Spec.Levels[0].Facet)
}

func levelFunc(l LevelSpec) func(a, b *record.Value) bool {
	f, t := l.Facet, l.Threshold
	switch l.Method {
	case MethodExact:
		return func(a, b *record.Value) bool { x := a.Facet(f); return x != "" && x == b.Facet(f) }
	case MethodJaroWinkler:
		return func(a, b *record.Value) bool { return JaroWinkler(a.Facet(f), b.Facet(f)) >= t }
	case MethodNameSim:
		return func(a, b *record.Value) bool {
			return JaroWinkler(a.Norm, b.Norm) >= t || MongeElkan(a.Tokens, b.Tokens) >= t
		}
	case MethodLevenshtein:
		return func(a, b *record.Value) bool { return Levenshtein(a.Facet(f), b.Facet(f)) <= int(t) }
	case MethodDamerau:
		return func(a, b *record.Value) bool { return Damerau(a.Facet(f), b.Facet(f)) <= int(t) }
	case MethodJaccard:
		return func(a, b *record.Value) bool { return Jaccard(tokens(a, f), tokens(b, f)) >= t }
	case MethodQGram:
		return func(a, b *record.Value) bool { return QGram(a.Facet(f), b.Facet(f)) >= t }
	case MethodPhonetic:
		return func(a, b *record.Value) bool {
			return TokenSubset(strings.Fields(a.Facet("phonetic")), strings.Fields(b.Facet("phonetic")))
		}
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
