package compare

import (
	"hash/maphash"
	"math"
	"math/bits"
	"strconv"
)

// A screen is 32 bits that a comparison derives once from a prepared value
// (Comparison.Screen) and that can show, for two values whose exact keys
// differ, that none of the levels between exact and else can hold
// (Comparison.ScreenedOut), without reading the values. Each screen keeps
// just enough to bound what its levels compute:
//
//   - edit: saturated counts of the bytes of a facet, in ten buckets. One
//     edit changes the counts by at most two, so counts further apart
//     than twice the largest distance a level allows rule every level out.
//     Exact agreement on the facet is distance zero.
//   - jaro: the byte classes present in a facet and its length. A byte
//     whose class the other string lacks cannot match, which bounds the
//     matches and so Jaro-Winkler from above.
//   - tokens: a one-word Bloom filter of the distinct tokens and their
//     number: no common bit means no common token, and Jaccard is at most
//     the smaller count over the larger.
//   - date: the date itself (year, month, day, precision), enough to tell
//     whether the years are close enough, or the same, for a date level.
//   - keys: the comparison has no level between exact and else, so
//     differing keys decide it.
//
// A screen of 0 is unknown (no value, an empty facet, a string too long
// for the bits) and never rules anything out. ScreenedOut is a
// necessary-condition test: it may let through pairs that end at else, and
// never screens out a pair that a level would hold.
type screen struct {
	kind  screenKind
	facet int     // slot of the facet the levels read (-1: the normalised value)
	edits int     // edit: the largest distance a level allows
	floor float64 // jaro, tokens: the lowest threshold of a level
	// tokens: a contained level: the shorter value's tokens all in the
	// longer's but one.
	contained bool
	// date: which kinds of level there are.
	sameYear  bool // partial, swapped or same month: equal years needed
	dateEdits int  // the most edits a date's edit level allows (0: none)
	partEdit  bool // partial edit: equal years, or years one edit apart
	sameDay   bool // same day: month and day equal, known to the day
	years     int  // the most years apart a level allows; -1 when no level does
	// date: the slots of the year and month facets the levels read, to
	// check against the normalised date; noHash when no level reads them.
	yearFacet, monthFacet int
	// edit, jaro: the slots of other facets that exact levels read (a
	// postcode's district): a value with one of them has no screen.
	exactFacets []int
}

type screenKind uint8

const (
	screenNone screenKind = iota
	screenKeys
	screenEdit
	screenJaro
	screenTokens
	screenDate
)

const (
	screenValid   = 1 << 31 // set in every known screen
	screenClasses = 25      // byte classes (jaro) or Bloom bits (tokens), below a 6-bit length
	screenLenMax  = 63      // the longest length or count a screen holds
	// epsilon keeps bounds that rounding could push across a threshold
	// on the side of letting the pair through.
	epsilon = 1e-9
)

// compileScreen finds the screen of c's levels: one family of methods, on
// one facet, between a first exact level and else.
func (c *Comparison) compileScreen() screen {
	if !c.exactFirst {
		return screen{}
	}
	middle := c.Spec.Levels[1 : len(c.Spec.Levels)-1]
	if len(middle) == 0 {
		return screen{kind: screenKeys}
	}
	family := func(m string) screenKind {
		switch m {
		case MethodLevenshtein, MethodDamerau:
			return screenEdit
		case MethodJaroWinkler:
			return screenJaro
		case MethodJaccard, MethodContained:
			return screenTokens
		case MethodDatePartial, MethodDateEdit, MethodDatePartEdit, MethodDateSwap, MethodDateMonth, MethodDateDay, MethodDateYears:
			return screenDate
		}
		return screenNone
	}
	// The facet a level's screen reads: contained reads the tokens, its
	// facet (the house number) is only checked for equality.
	facetOf := func(l LevelSpec) int {
		if l.Method == MethodContained {
			return -1
		}
		return c.facet(l.Facet)
	}
	sc := screen{kind: screenNone, facet: facetOf(middle[0]), floor: 1, years: -1, yearFacet: noHash, monthFacet: noHash}
	for _, l := range middle {
		if l.Method == MethodExact {
			continue // decided below: exact agreement on the facet passes edit and jaro screens
		}
		f := family(l.Method)
		if f == screenNone || (sc.kind != screenNone && sc.kind != f) {
			return screen{}
		}
		sc.kind = f
	}
	if sc.kind == screenNone {
		sc.kind = screenEdit // only exact levels: distance zero
	}
	for _, l := range middle {
		switch {
		case sc.kind == screenDate:
			switch l.Method {
			case MethodExact:
				return screen{} // on some facet of the date: not bounded here
			case MethodDateYears:
				sc.years = max(sc.years, int(math.Floor(l.Threshold)))
				sc.yearFacet = c.facet("year")
			case MethodDateEdit:
				sc.dateEdits = max(sc.dateEdits, dateEdits(l.Threshold))
			case MethodDatePartEdit:
				sc.partEdit = true
			case MethodDateDay:
				sc.sameDay = true
			case MethodDateMonth:
				sc.sameYear = true
				sc.monthFacet = c.facet("month")
			default:
				sc.sameYear = true
			}
		case facetOf(l) != sc.facet && l.Method == MethodExact && (sc.kind == screenEdit || sc.kind == screenJaro):
			sc.exactFacets = append(sc.exactFacets, facetOf(l))
		case facetOf(l) != sc.facet:
			return screen{} // levels on different facets
		case l.Method == MethodContained:
			// Contained values share every token of the shorter but
			// perhaps one, whatever their counts (ScreenedOut).
			sc.contained = true
		case l.Method == MethodExact && sc.kind == screenTokens:
			return screen{}
		case l.Method == MethodLevenshtein || l.Method == MethodDamerau:
			sc.edits = max(sc.edits, int(math.Floor(l.Threshold)))
		case l.Method == MethodJaroWinkler || l.Method == MethodJaccard:
			sc.floor = min(sc.floor, l.Threshold)
		}
	}
	return sc
}

// Screen returns the screen of p for c (see ScreenedOut); 0 when unknown.
func (c *Comparison) Screen(p *Prepared) uint32 {
	for _, f := range c.screen.exactFacets {
		if c.str(p, f) != "" {
			return 0 // an exact level on that facet may hold, whatever the distance
		}
	}
	switch c.screen.kind {
	case screenKeys:
		return screenValid
	case screenEdit:
		return editScreen(c.str(p, c.screen.facet))
	case screenJaro:
		return jaroScreen(c.str(p, c.screen.facet))
	case screenTokens:
		return tokenScreen(c.tokens(p, c.screen.facet))
	case screenDate:
		return c.dateScreen(p)
	}
	return 0
}

// ScreenedOut reports whether two values with these screens, and with
// different exact keys, are sure to be at the else level.
func (c *Comparison) ScreenedOut(a, b uint32) bool {
	if a == 0 || b == 0 {
		return false
	}
	sc := &c.screen
	switch sc.kind {
	case screenKeys:
		return true
	case screenEdit:
		return countDistance(a, b) > 2*sc.edits
	case screenJaro:
		return jaroWinklerBound(a, b) < sc.floor-epsilon
	case screenTokens:
		if a&b&(1<<screenClasses-1) == 0 {
			return true // no token in common
		}
		na, nb := a>>screenClasses&screenLenMax, b>>screenClasses&screenLenMax
		if float64(min(na, nb))/float64(max(na, nb)) >= sc.floor-epsilon {
			return false // a token level may hold
		}
		if !sc.contained {
			return true
		}
		// Contained: the bits of every token of the shorter are the
		// longer's, but the bit of one cut token.
		const bloom = 1<<screenClasses - 1
		// (Either may be the shorter: the counts here are of distinct
		// tokens.)
		return min(bits.OnesCount32(a&^b&bloom), bits.OnesCount32(b&^a&bloom)) > 1
	case screenDate:
		return !sc.datesMayAgree(a, b)
	}
	return false
}

// editScreen packs saturated counts (0 to 7) of s's bytes in ten buckets.
func editScreen(s string) uint32 {
	if s == "" {
		return 0
	}
	var counts [10]uint8
	for i := 0; i < len(s); i++ {
		b := &counts[s[i]%10]
		*b = min(*b+1, 7)
	}
	x := uint32(screenValid)
	for i, n := range counts {
		x |= uint32(n) << (3 * i)
	}
	return x
}

// countDistance is the L1 distance of two edit screens' counts.
func countDistance(a, b uint32) int {
	d := 0
	for i := 0; i < 30; i += 3 {
		x, y := int(a>>i&7), int(b>>i&7)
		d += abs(x - y)
	}
	return d
}

// jaroScreen packs the classes of s's bytes and its length.
func jaroScreen(s string) uint32 {
	if s == "" || len(s) > screenLenMax {
		return 0
	}
	var mask uint32
	for i := 0; i < len(s); i++ {
		mask |= 1 << (s[i] % screenClasses)
	}
	return screenValid | uint32(len(s))<<screenClasses | mask
}

// jaroWinklerBound is an upper bound of the Jaro-Winkler similarity of two
// strings with these jaro screens: no transpositions, every byte whose
// class the other has matched, and the largest prefix bonus.
func jaroWinklerBound(a, b uint32) float64 {
	const classes = 1<<screenClasses - 1
	la, lb := int(a>>screenClasses&screenLenMax), int(b>>screenClasses&screenLenMax)
	ma, mb := a&classes, b&classes
	m := min(la-bits.OnesCount32(ma&^mb), lb-bits.OnesCount32(mb&^ma))
	if m <= 0 {
		return 0
	}
	j := (float64(m)/float64(la) + float64(m)/float64(lb) + 1) / 3
	return j + 0.4*(1-j)
}

// tokenScreen packs a Bloom filter of the distinct tokens and their number.
func tokenScreen(tokens []string) uint32 {
	var bloom uint32
	n := 0
	for i, t := range tokens {
		if indexOf(tokens[:i], t) >= 0 {
			continue
		}
		n++
		bloom |= 1 << (maphash.String(hashSeed, t) % screenClasses)
	}
	if n == 0 || n > screenLenMax {
		return 0
	}
	return screenValid | uint32(n)<<screenClasses | bloom
}

// Date screens: day in bits 0-4, month 5-8, year 9-22, precision (1 year,
// 2 month, 3 day) 23-24.
func packDate(year, month, day, precision int) uint32 {
	return screenValid | uint32(precision)<<23 | uint32(year)<<9 | uint32(month)<<5 | uint32(day)
}

func unpackDate(x uint32) (year, month, day, precision int) {
	return int(x >> 9 & (1<<14 - 1)), int(x >> 5 & 15), int(x & 31), int(x >> 23 & 3)
}

// dateScreen reads p's normalised date, YYYY, YYYY-MM or YYYY-MM-DD, and
// checks it against the year and month facets the levels read; anything
// else is unknown.
func (c *Comparison) dateScreen(p *Prepared) uint32 {
	s := c.str(p, -1)
	digits := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	var year, month, day, precision int
	ok := true
	switch len(s) {
	case 10:
		day, ok = digits(s[8:])
		ok = ok && s[7] == '-'
		fallthrough
	case 7:
		var okM bool
		month, okM = digits(s[5:7])
		ok = ok && okM && s[4] == '-'
		fallthrough
	case 4:
		var okY bool
		year, okY = digits(s[:4])
		ok = ok && okY
		precision = (len(s) - 1) / 3 // 1, 2 or 3
	default:
		return 0
	}
	if !ok || month > 15 || day > 31 {
		return 0
	}
	// The years and same-month levels read facets: they must say what
	// the normalised value says.
	if f := c.screen.yearFacet; f != noHash {
		if y, err := strconv.Atoi(c.str(p, f)); err != nil || y != year {
			return 0
		}
	}
	if f := c.screen.monthFacet; f != noHash {
		want := ""
		if precision >= 2 {
			want = s[:7]
		}
		if c.str(p, f) != want {
			return 0
		}
	}
	return packDate(year, month, day, precision)
}

// yearsOneEdit reports whether two years, written in four digits, are one
// edit apart: one digit differs, or two adjacent digits are swapped.
func yearsOneEdit(a, b int) bool {
	var x, y [4]int
	for i := 3; i >= 0; i-- {
		x[i], y[i], a, b = a%10, b%10, a/10, b/10
	}
	first, n := -1, 0 // the first digit that differs, and how many do
	for i := range x {
		if x[i] != y[i] {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	switch n {
	case 1:
		return true
	case 2:
		i := first
		return i < 3 && x[i] == y[i+1] && x[i+1] == y[i]
	}
	return false
}

func (sc *screen) datesMayAgree(a, b uint32) bool {
	ya, ma, da, pa := unpackDate(a)
	yb, mb, db, pb := unpackDate(b)
	switch {
	case sc.sameYear && ya == yb:
		return true
	case sc.years >= 0 && abs(ya-yb) <= sc.years:
		return true
	case pa != 3 || pb != 3:
		// Compared as far as both are written, one edit at most.
		return sc.partEdit && (ya == yb || yearsOneEdit(ya, yb) && (min(pa, pb) == 1 || ma == mb))
	case sc.sameDay && ma == mb && da == db:
		return true
	case sc.dateEdits == 0:
		return false
	case ya == yb || (ma == mb && da == db):
		return true // one edit, or two, in the month and day, or in the year
	case sc.dateEdits >= 2 && (ma == mb || da == db) && yearsOneEdit(ya, yb):
		return true // one edit in the year and one in the month or day
	}
	return false
}
