package model

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/nickname"
	"github.com/concord-er/concord/normalize"
)

// nearSimilarity is the least name similarity of a level whose pairs are
// weighed by the frequency of the names (NearLevels): one letter mistyped
// in a name of two words or more.
const nearSimilarity = 0.9

// NearLevels returns, for a comparison of names with term frequencies,
// which of its levels (1-based, as Scorer's levels count) are near
// levels: a person's name with a typo (compare.MethodNameTypo) or a name
// similarity of nearSimilarity or more after the subset level, a name cut
// short by a field (compare.MethodTruncated), a
// nickname, with words left out or without (compare.MethodNickname,
// compare.MethodNickSubset), one name whose syllables one writes joined
// (compare.MethodJoined: Min-jun and Minjun), or one name in two
// romanisations (compare.MethodSpelling: Hassan Mansour and Hasan
// Mansur); nil for other
// comparisons. A pair of people's names at a near level is adjusted by
// the frequency of the commoner of its two names (NearNameTF), as Splink
// adjusts fuzzy levels:
// JAMES KENNETH JAAKSON is as rare as the James Kenneth Jackson it is a
// typo of. At a nickname level, which is one a shared name adjusts too,
// a pair is one or the other (a nickname is no word of the other name).
func NearLevels(c *compare.Comparison) []bool {
	if !c.Spec.TF || !c.Spec.Kind.IsName() {
		return nil
	}
	var near []bool
	subset := SubsetLevel(c)
	for j, l := range c.Spec.Levels {
		if j == 0 {
			continue
		}
		after := j >= subset // past the levels a shared name adjusts
		if l.Method == compare.MethodNickname || l.Method == compare.MethodJoined || l.Method == compare.MethodSpelling || after && (l.Method == compare.MethodNameTypo || l.Method == compare.MethodNameSim && l.Threshold >= nearSimilarity || l.Method == compare.MethodTruncated || l.Method == compare.MethodNickSubset) {
			if near == nil {
				near = make([]bool, c.NumLevels())
			}
			near[j+1] = true
		}
	}
	return near
}

// NearNameTF is the term-frequency adjustment of names at near level l
// (NearLevels), for the scorer and the batch's tables alike: over the
// pairs of values of a and b at level l that are both people's names one
// name slipped (NearSlip), the largest of NearAdjust of the lesser of
// their exact matches' adjustments (adj) — the commoner name is the
// likelier one, the other its typo, its cut, its nickname or its
// syllables joined —; 0 when none counts. room is how much less the
// level weighs than exact agreement (NearRoom). When none counts but a
// pair at level l is two names (TwoNamesSlip), down (TwoNamesDown), and
// true: what such a pair takes off its level's weight.
//
// Upward when the commoner name is rare: JAMES KENNETH JAAKSON is as rare
// as the James Kenneth Jackson it is a typo of. Not downward for being
// common alone: the level's own u is that of the names random pairs find
// near each other, which common names make, so a common name's typo
// already weighs as one (taking its frequency off again cost the large
// heterogeneous set 0.0004 of recall: IRXNA NOVIKOV at an address Irina
// Novikov's record holds fell under the threshold). Names that differ
// otherwise keep their level's weight (Maria and Mario Garcia Lopez are a
// sister and a brother as often as one typo), and so do organisations'
// names: near names are what two companies of one group write.
func NearNameTF(c *compare.Comparison, l int, a, b []compare.Prepared, adj func(*compare.Prepared) float64, room, down float64, words func(string) bool) (float64, bool) {
	best, found, two := 0.0, false, false
	for x := range a {
		for y := range b {
			pa, pb := &a[x], &b[y]
			slipped := NearSlip(c, l, pa, pb, words)
			if !slipped && (down == 0 || two || !TwoNamesSlip(c, l, pa, pb, words)) {
				continue
			}
			if (len(a) > 1 || len(b) > 1) && c.PairLevel(pa, pb) != l {
				continue
			}
			if !slipped {
				two = true
				continue
			}
			if t := NearAdjust(min(adj(pa), adj(pb)), room); !found || t > best {
				best, found = t, true
			}
		}
	}
	if !found && two {
		return down, true
	}
	return best, false
}

// TwoNamesDown is what a pair of people's names at level l of comparison
// c, whose levels weigh weights (level 0 null, 1 exact), takes off the
// level's weight when its words apart are two names of their own
// (TwoNamesSlip): at the level of a typo (compare.MethodNameTypo), as
// much as makes it weigh as the next level, similar names, do (Hansen and
// Jansen, Walker and Waller are two families' names, not one mistyped;
// the level's weight is a typo's); 0 at other levels, whose pairs of two
// names keep their weight.
func TwoNamesDown(c *compare.Comparison, weights []float64, l int) float64 {
	if l < 1 || l+1 >= len(weights) || c.Spec.Levels[l-1].Method != compare.MethodNameTypo {
		return 0
	}
	return min(weights[l+1]-weights[l], 0)
}

// NearAdjust is the adjustment of a pair of names one name slipped at a
// near level that weighs room less than exact agreement, given exact, the
// adjustment an exact match on the commoner of the two would take: exact
// when upward, else none, but never so much that the pair weighs more
// than the commoner name written alike would (room + exact at most). A
// nickname is as strong a level as exact agreement (few random pairs are
// one), and NIKOLAY LEBEDEV, a common name's other spelling, weighed 4
// bits more than NIKOLAI LEBEDEV written alike: one customer so named
// took the payments of ten namesakes.
func NearAdjust(exact, room float64) float64 {
	return min(max(exact, 0), room+exact)
}

// NearRoom is how much less level l of a comparison weighs than its
// exact agreement, weights being its levels' weights (level 0 null, 1
// exact); +Inf, no bound, for a level it has not.
func NearRoom(weights []float64, l int) float64 {
	if l < 1 || l >= len(weights) {
		return math.Inf(1)
	}
	return weights[1] - weights[l]
}

// NearSlip reports whether two values at near level l are people's names
// one name slipped (oneSlip; oneNickname at a nickname level,
// nicknamePart at a nickname and subset one; any two at the levels of
// joined syllables and of other spellings): the pairs NearNameTF adjusts.
// words, when not nil, says which words are names of their own
// (Scorer.NameWord): two names whose letters are near but whose words
// apart are both such are not one slipped (TwoNames).
func NearSlip(c *compare.Comparison, l int, a, b *compare.Prepared, words func(string) bool) bool {
	var slipped bool
	switch c.Spec.Levels[l-1].Method {
	case compare.MethodJoined, compare.MethodSpelling:
		slipped = true // one name, its syllables joined or spelt otherwise
	case compare.MethodNickname:
		slipped = oneNickname(a, b)
	case compare.MethodNickSubset:
		slipped = nicknamePart(a, b)
	default:
		slipped = oneSlip(a, b) && !TwoNames(a, b, words)
	}
	return slipped && !OrgName(a.Value()) && !OrgName(b.Value()) || FieldCut(a, b)
}

// FieldCut reports whether one of two names is the other cut short by a
// payment message's name field inside a word (normalize.FacetFieldCut
// "word"): the shorter, and compare.Truncated. Whoever's name it is, a
// person's or a company's whose legal form the field cut off (ZAMBRANA
// PAGAN MERAZ GODINEZ HERMAN of Zambrana Pagan Meraz Godinez Hermanos
// S.C.), it names as few as the name it is the start of: near names that
// two companies of one group write differ in whole words.
func FieldCut(a, b *compare.Prepared) bool {
	ca, cb := a.Value().Facet(normalize.FacetFieldCut) == "word", b.Value().Facet(normalize.FacetFieldCut) == "word"
	if !ca && !cb {
		return false
	}
	ta, tb := a.Tokens(), b.Tokens()
	if !compare.Truncated(ta, tb) {
		return false
	}
	la, lb := compare.TokensLen(ta), compare.TokensLen(tb)
	return ca && la <= lb || cb && lb <= la
}

// minSlipLetters is the fewest letters of a surname or a middle name that
// one letter may be a slip of: in shorter words a letter makes another
// name (Hu and Zhu, Li and Lu, Lee and Lea are families of their own), as
// compare.Typo holds of given names.
const minSlipLetters = 4

// oneSlip reports whether two people's names are one name written with
// one slip: both of two words or more, and one the other cut short by a
// field (compare.Truncated) with the same first given name, or the same
// words but one on each side: a letter apart (one substituted, dropped,
// added, or two swapped) and neither an initial, or, when the two are
// given names, a typo (compare.Typo), not another ending: Robrt and
// Robert, not Maria and Mario.
func oneSlip(a, b *compare.Prepared) bool {
	ta, tb := a.Tokens(), b.Tokens()
	if len(ta) < 2 || len(tb) < 2 {
		return false
	}
	// Words first, facets (a lookup each) only for the pairs left.
	x, y, ok := compare.OneWordApart(ta, tb)
	if !ok || compare.DamerauWithin(x, y, 1) > 1 {
		// One cut short: it may have lost words after the cut one.
		if ok && !strings.HasPrefix(x, y) && !strings.HasPrefix(y, x) || !compare.Truncated(ta, tb) {
			return false
		}
		g := a.Value().Facet("given")
		return g != "" && g == b.Value().Facet("given")
	}
	ga, gb := a.Value().Facet("given"), b.Value().Facet("given")
	switch {
	case ga == "" || gb == "":
		return false
	case ga == gb && (givenName(a, x) || givenName(b, y)):
		return compare.Typo(x, y) // a middle name: José María and José Mario are two
	case ga == gb:
		return utf8.RuneCountInString(x) >= minSlipLetters && utf8.RuneCountInString(y) >= minSlipLetters
	case ga == x && gb == y:
		return compare.Typo(x, y)
	}
	return false
}

// givenName reports whether word w is one of a person's name's middle
// given names.
func givenName(p *compare.Prepared, w string) bool {
	for m := range strings.FieldsSeq(p.Value().Facet("middle")) {
		if m == w {
			return true
		}
	}
	return false
}

// nicknamePart reports whether the person's name of fewer words is a
// part of the other's with a nickname for the other's first given name:
// its first given name that nickname, its other words, one at least and
// no initial, words of the other (ALEX OXISTA of Alejandro Oxista
// Márquez, as payments write names).
func nicknamePart(a, b *compare.Prepared) bool {
	if len(a.Tokens()) > len(b.Tokens()) {
		a, b = b, a
	}
	short, long := a.Tokens(), b.Tokens()
	if len(short) < 2 || len(short) >= len(long) || len(long) > 16 {
		return false
	}
	gs, gl := a.Value().Facet("given"), b.Value().Facet("given")
	if gs == "" || gl == "" || !nickname.Of(gs, gl) {
		return false
	}
	g := compare.IndexUnused(long, 0, gl)
	if g < 0 {
		return false
	}
	used, nick := uint64(1)<<g, false
	for _, t := range short {
		if t == gs && !nick {
			nick = true
			continue
		}
		j := compare.IndexUnused(long, used, t)
		if j < 0 || len(t) < 2 {
			return false
		}
		used |= 1 << j
	}
	return nick
}

// oneNickname reports whether two people's names are one name with a
// nickname for its first given name: the same words but those (Pepe
// Jorge Rayilla Giménez, José Jorge Rayilla Giménez), neither written in
// the other.
func oneNickname(a, b *compare.Prepared) bool {
	ta, tb := a.Tokens(), b.Tokens()
	if len(ta) < 2 || len(tb) < 2 {
		return false
	}
	x, y, ok := compare.OneWordApart(ta, tb)
	if !ok || compare.IndexUnused(tb, 0, x) >= 0 || compare.IndexUnused(ta, 0, y) >= 0 {
		return false
	}
	return x == a.Value().Facet("given") && y == b.Value().Facet("given") && nickname.Of(x, y)
}

// TwoNames reports whether two people's names, the same words but one
// on each side a letter apart, differ in words that are each a name of
// its own (words, as Scorer.NameWord: held by many, and by not far fewer
// than any word a letter away; nil: none known) and that sound apart
// (normalize.WordsSoundAlike: Catherine and Katherine, Roger and Rodger
// are one name's spellings). Hu Chun-ming and Hu Chun-ping are two
// people, however near their letters: a slip of the keys seldom makes
// another name many are given, and when it does, far fewer write it so
// than the name (JENRY and EILLIAM against HENRY and WILLIAM).
func TwoNames(a, b *compare.Prepared, words func(string) bool) bool {
	if words == nil {
		return false
	}
	x, y, ok := compare.OneWordApart(a.Tokens(), b.Tokens())
	return ok && compare.DamerauWithin(x, y, 1) <= 1 && words(x) && words(y) && !normalize.WordsSoundAlike(x, y)
}

// TwoNamesSlip reports whether two values at near level l would be one
// name slipped as their letters read (NearSlip without words) but are two
// names by their words (TwoNames, words as NearSlip takes them): why such
// a pair takes no frequency. TwoNames, cheap and seldom true, is read
// first.
func TwoNamesSlip(c *compare.Comparison, l int, a, b *compare.Prepared, words func(string) bool) bool {
	return TwoNames(a, b, words) && NearSlip(c, l, a, b, nil) && !NearSlip(c, l, a, b, words)
}

// SameNameRatio bounds how much commoner than a name of its own a word
// one edit from it may be (Comparison.TFNameWords): a word that many
// fewer hold than one a letter away is that one's typo.
const SameNameRatio = 20

// OrgTypoLevel returns the level (1-based, as Scorer's levels count) of
// a comparison of names with term frequencies at which organisations'
// names are one name with a letter slipped (compare.MethodOrgTypo), 0 for
// none.
func OrgTypoLevel(c *compare.Comparison) int {
	if !c.Spec.TF || !c.Spec.Kind.IsName() {
		return 0
	}
	for j, l := range c.Spec.Levels {
		if j > 0 && l.Method == compare.MethodOrgTypo {
			return j + 1
		}
	}
	return 0
}

// OrgTypoTF returns what two records' organisations' names at the level
// of a letter apart (OrgTypoLevel) of comparison i add to its weight, for
// the scorer and the batch alike: one is the other mistyped, and weighs
// as an exact match on the commoner of the two would, by its frequency
// among organisations' names, its own m (OrgShift) and its legal forms
// (Forms), never above it (NearAdjust). Over the pairs of values a and b
// at that level whose words apart are not two names of their own
// (TwoNames: Cabrera and Carrera), the largest; with how the forms relate
// and their weight. Nothing (0, FormsUnknown, 0) when no pair is one.
func (s *Scorer) OrgTypoTF(i int, a, b []compare.Prepared) (tf float64, forms int, formsW float64) {
	c, l := s.Comps[i], s.orgTypo[i]
	if l == 0 {
		return 0, FormsUnknown, 0
	}
	room := NearRoom(s.weights[i], l)
	words := func(w string) bool { return s.NameWord(i, w) }
	found := false
	forms = FormsUnknown
	for x := range a {
		for y := range b {
			pa, pb := &a[x], &b[y]
			if len(a) > 1 || len(b) > 1 {
				if c.PairLevel(pa, pb) != l {
					continue
				}
			}
			if TwoNames(pa, pb, words) {
				continue
			}
			va, vb := pa.Value(), pb.Value()
			var exact float64
			if s.orgs(i, va, vb) {
				form := OrgForm(va, vb)
				exact = min(s.TFAdjustOrgs(i, c.KeyOf(pa), form), s.TFAdjustOrgs(i, c.KeyOf(pb), form)) + s.orgShift[i]
			} else {
				exact = min(s.TFAdjust(i, c.KeyOf(pa)), s.TFAdjust(i, c.KeyOf(pb)))
			}
			f, _, _, fw := s.Forms(i, va, vb)
			if t := NearAdjust(exact, room); !found || t+fw > tf+formsW {
				tf, forms, formsW, found = t, f, fw, true
			}
		}
	}
	return tf, forms, formsW
}
