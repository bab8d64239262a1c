// Package normalize turns raw values into comparable, typed values: pure
// functions, one file per kind, each with table tests and a fuzz target.
//
// Every normaliser folds text the same way first (Fold): Unicode NFKC,
// transliteration of non-Latin scripts to Latin, accent and case folding,
// punctuation to spaces. The kind-specific work follows.
package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	unidecode "github.com/mozillazg/go-unidecode"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s as lower-case ASCII words separated by single spaces:
// NFKC, transliterated to Latin, accents and case folded, apostrophes
// dropped (O'Brien → obrien) and other punctuation turned into spaces.
func Fold(s string) string {
	return strings.Join(Tokens(s), " ")
}

// Tokens returns the words of Fold(s).
func Tokens(s string) []string {
	return tokenize(latin(s))
}

// latin returns s in NFKC form, transliterated to ASCII; text encoded in
// UTF-8 twice over is read as it was first written (undoMojibake: JosÃ©
// is José).
func latin(s string) string {
	s = strings.ToValidUTF8(s, " ")
	if isASCII(s) {
		return s
	}
	s = norm.NFKC.String(undoMojibake(s))
	if isASCII(s) {
		return s
	}
	// Format characters (zero-width spaces and joiners, a byte-order
	// mark, a soft hyphen), pasted in with a name, are not there:
	// Ju<U+200B>an is Juan, not "ju an".
	s = strings.Map(dropFormat, s)
	var b strings.Builder
	// Runs of Arabic script use the dictionary-backed transliterator; all
	// other text goes through unidecode.
	for len(s) > 0 {
		i := strings.IndexFunc(s, isArabic)
		if i < 0 {
			b.WriteString(unidecode.Unidecode(s))
			break
		}
		b.WriteString(unidecode.Unidecode(s[:i]))
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !isArabic(r) && !unicode.IsSpace(r) })
		if j < 0 {
			j = len(s)
		}
		b.WriteString(arabicToLatin(s[:j]))
		s = s[j:]
	}
	return b.String()
}

// dropControl drops a control character other than white space.
func dropControl(r rune) rune {
	if unicode.IsControl(r) && !unicode.IsSpace(r) {
		return -1
	}
	return r
}

func dropFormat(r rune) rune {
	if unicode.Is(unicode.Cf, r) {
		return -1
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// tokenize lower-cases ASCII text and splits it into runs of letters and
// digits. Apostrophes inside a word are dropped rather than splitting it,
// and so is a question mark between two letters: what a system that
// writes ASCII alone puts for a letter it has not (MU?OZ for MUÑOZ, one
// letter from MUNOZ, not two words).
func tokenize(s string) []string {
	var out []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			cur = append(cur, c)
		case c >= 'A' && c <= 'Z':
			cur = append(cur, c+'a'-'A')
		case c == '\'' || c == '`':
			// O'Brien, D`Angelo: keep the word whole.
		case c == '?' && innerMark(s, i):
		default:
			flush()
		}
	}
	flush()
	return out
}

// innerMark reports whether the question mark at s[i] stands inside a
// word, for a letter an encoding lost (MU?OZ): a letter either side of
// it, apostrophes between passed over (O'?BRIEN, F?'AO), as tokenize
// keeps a word whole across them.
func innerMark(s string, i int) bool {
	j := i - 1
	for j >= 0 && (s[j] == '\'' || s[j] == '`') {
		j--
	}
	k := i + 1
	for k < len(s) && (s[k] == '\'' || s[k] == '`') {
		k++
	}
	return j >= 0 && isLetter(s[j]) && k < len(s) && isLetter(s[k])
}

func isArabic(r rune) bool {
	return (r >= 0x0600 && r <= 0x06FF) || (r >= 0x0750 && r <= 0x077F) ||
		(r >= 0x08A0 && r <= 0x08FF) || (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF)
}

func isHan(r rune) bool    { return unicode.Is(unicode.Han, r) }
func isHangul(r rune) bool { return unicode.Is(unicode.Hangul, r) }
