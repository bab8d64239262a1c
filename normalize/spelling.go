package normalize

import (
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
