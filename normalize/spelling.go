package normalize

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/concord-er/concord/record"
)

// spelledOut are the letters German, the Nordic languages and Hungarian
// spell with two where the letter is not to hand, and how: Müller as
// Mueller, Søren as Soeren, Ångström as Aangstroem, Erdős as Erdoes.
var spelledOut = map[rune]string{
	'ä': "ae", 'ö': "oe", 'ü': "ue", 'ø': "oe", 'å': "aa", 'ő': "oe", 'ű': "ue",
	'Ä': "Ae", 'Ö': "Oe", 'Ü': "Ue", 'Ø': "Oe", 'Å': "Aa", 'Ő': "Oe", 'Ű': "Ue",
}

// Spelling returns the other spelling of a name written with ä, ö, ü, ø,
// å, ő or ű: each letter spelt out with two (Müller as Mueller, MÜLLER as
// MUELLER, Søren as Soeren), as passports' machine-readable zones, payment
// systems and many watch lists write it, where Fold writes the plain vowel
// (muller). A record holding the one spelling is compared with the other
// too, as with an alias, so that the two agree exactly. ok is false when
// kind is not a name or s has none of those letters. A ü between g and e
// or i is Spanish or Portuguese (Argüello, Güemes), written u either way,
// and stays as it is.
func Spelling(kind record.Kind, s string) (alt string, ok bool) {
	if !kind.IsName() || isASCII(s) {
		return "", false
	}
	s = undoMojibake(strings.ToValidUTF8(s, " ")) // as Fold reads it
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s) // a ü written as u and a combining diaeresis
	}
	if !strings.ContainsAny(s, "äöüøåőűÄÖÜØÅŐŰ") {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	prev := rune(0)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		next, _ := utf8.DecodeRuneInString(s[i:])
		two, found := spelledOut[r]
		if !found || (r == 'ü' || r == 'Ü') && (prev == 'g' || prev == 'G') && strings.ContainsRune("eiEI", next) {
			b.WriteRune(r)
			prev = r
			continue
		}
		// In a word written in capitals the second letter is a capital
		// too: MÜLLER is MUELLER.
		if unicode.IsUpper(r) && (unicode.IsUpper(next) || !unicode.IsLetter(next) && unicode.IsUpper(prev)) {
			two = strings.ToUpper(two)
		}
		b.WriteString(two)
		ok = true
		prev = r
	}
	if !ok {
		return "", false
	}
	return b.String(), true
}

// spellingFolds rewrite, beyond translitFold's, what the romanisations
// of one Arabic or Russian name write differently: ee as i (Rasheed and
// Rashid, Kareem and Karim), oo and ou as u (Mahmood and Mahmud, Mansour
// and Mansur), ey as ei (Sergey and Sergei, Aggey and Aggei), q as k
// (Tariq and Tarik), ph as f.
var spellingFolds = strings.NewReplacer("ee", "i", "oo", "u", "ou", "u", "ey", "ei", "q", "k", "ph", "f")

// minSpellingKey is the fewest letters of a word's spelling key (and of
// the word): shorter words are other names one letter apart (Yoon and Yun
// are one Korean name, Noor and Nur one Arabic, but Li and Lee two
// Chinese families, Kin and Keen two names), and keep their spelling.
const minSpellingKey = 4

// spellingKey returns a name word with the spellings that romanisations
// of one name disagree on folded alike: those translitFold folds for the
// phonetic code, spellingFolds', a doubled letter written once (Haddad
// and Hadad, Hassan and Hasan), ia and iu at the start as ICAO's
// passports write Я and Ю (Iurii and Yuriy, Iakov and Yakov), y between
// two vowels as i (Mariya, Mariia and Maria), and an ending iy, ii, ij or
// y as i (Yuriy and Iurii, Khoury and Khouri, Zaky and Zaki), ah as a
// (Fatimah and Fatima). The letters themselves are not changed where they make
// another name (Saad is not Said, Khaled not Khalid, Yuan not Juan).
// A word not in lower-case ASCII letters, or shorter than minSpellingKey
// before or after, is returned as it is.
func spellingKey(w string) string {
	if len(w) < minSpellingKey {
		return w
	}
	if !mayRespell(w) {
		return w
	}
	return respell(w)
}

// mayRespell reports whether w is lower-case ASCII letters with what one
// of respell's folds reads (q, w, y, j or h, a doubled letter, ou, ts,
// tz, ks, or ia or iu at the start): most words have none of it, and are
// their own key without being copied.
func mayRespell(w string) bool {
	respelt := strings.HasPrefix(w, "ia") || strings.HasPrefix(w, "iu")
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c < 'a' || c > 'z' {
			return false
		}
		respelt = respelt || strings.IndexByte("qwyjh", c) >= 0 || i > 0 && (c == w[i-1] ||
			w[i-1] == 'o' && c == 'u' || w[i-1] == 't' && (c == 's' || c == 'z') || w[i-1] == 'k' && c == 's')
	}
	return respelt
}

// respell is spellingKey of a word of lower-case ASCII letters.
func respell(w string) string {
	k := w
	if strings.HasPrefix(k, "ia") || strings.HasPrefix(k, "iu") {
		k = "y" + k[1:]
	}
	k = translitFold(spellingFolds.Replace(k))
	b := make([]byte, 0, len(k))
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c == 'y' && i > 0 && i+1 < len(k) && isVowel(k[i-1]) && isVowel(k[i+1]) {
			c = 'i'
		}
		if len(b) > 0 && c == b[len(b)-1] {
			continue // a doubled letter
		}
		b = append(b, c)
	}
	k = string(b)
	for _, end := range []string{"iy", "ii", "ij", "yi"} {
		if s, ok := strings.CutSuffix(k, end); ok {
			k = s + "i"
			break
		}
	}
	switch {
	case strings.HasSuffix(k, "y"):
		k = k[:len(k)-1] + "i"
	case strings.HasSuffix(k, "ah"):
		k = k[:len(k)-1]
	}
	if len(k) < minSpellingKey {
		return w
	}
	return k
}

// FacetSpelling is the facet of a person's name written with the
// spellings romanisations disagree on folded alike (spellingKey), its
// words sorted as the facet "sorted" sorts them; none where every word
// keeps its spelling (the facet "sorted" is then the name's key).
const FacetSpelling = "spelling"

// nameSpelling returns a person's name's FacetSpelling: its words'
// spelling keys, and al for the article el, sorted and joined; "" when
// every word is its own key.
func nameSpelling(tokens []string) string {
	var keys []string
	for i, t := range tokens {
		k := spellingKey(t)
		if t == "el" {
			k = "al" // the Arabic article as French writes it: El Rashid, Al Rashid
		}
		if k != t && keys == nil {
			keys = slices.Clone(tokens)
		}
		if keys != nil {
			keys[i] = k
		}
	}
	if keys == nil {
		return ""
	}
	slices.Sort(keys)
	return strings.Join(keys, " ")
}
