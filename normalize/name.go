package normalize

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antzucaro/matchr"
	unidecode "github.com/mozillazg/go-unidecode"
)

// PersonName is a normalised person name.
//
// Tokens are the folded words in their written order, without honorifics
// and without the generational suffix, which is kept apart in Suffix. The
// name is also read into given names and surnames: particles (de, de la,
// van der, bin, al, …) stay attached to the surname they introduce, and
// Hispanic double surnames are recognised, so that "Juan García" and
// "Juan García López" share given name and first surname.
type PersonName struct {
	Tokens   []string
	Given    []string // given names in order, e.g. ["maria", "jose"]
	Surnames []string // surname units in order, particles attached: ["garcia", "de la fuente"]
	Suffix   string   // jr, sr, ii, iii, iv, filho, neto, …; "" when none
	Sorted   string   // tokens sorted and joined: order-independent form
	Phonetic []string // Double Metaphone primary code per token, particles skipped
}

// Norm returns the canonical form: tokens joined by spaces.
func (n PersonName) Norm() string { return strings.Join(n.Tokens, " ") }

// ParseName normalises a person name. It returns ErrEmpty when nothing
// name-like remains.
func ParseName(raw string) (PersonName, error) {
	n, err := parseName(raw)
	if err == nil && birthNameInside(n.Tokens) {
		// A word that reads as née only once folded (nEե), or only once
		// the name is reordered (SMITH, MARY NEE), stands before a
		// surname in the normal form, which would read otherwise again:
		// read as that form reads.
		return parseName(n.Norm())
	}
	return n, err
}

// birthNameInside reports whether a name's words hold née (birthName)
// after a word and before one that starts with a letter.
func birthNameInside(words []string) bool {
	for i := 1; i+1 < len(words); i++ {
		if r, _ := utf8.DecodeRuneInString(words[i+1]); (words[i] == "nee" || words[i] == "geborene") && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func parseName(raw string) (PersonName, error) {
	// Control characters go first, as the name's words lose them (fA\x7fO
	// is FAO), so that what reads the raw text reads those words.
	raw = strings.Map(dropControl, raw)
	read := personText(partyText(raw)) // the text of the name, notes and qualifiers cut
	words, suffix, surnames := nameWords(surnameSlash(read))
	words = inFull(joinCompounds(words))
	if len(words) == 0 {
		return PersonName{}, ErrEmpty
	}
	if len(words) == 1 && (formsOfAddress[words[0]] || (words[0] == "and" || conjunctions[words[0]]) && len(strings.Fields(raw)) > 1) {
		return PersonName{}, fmt.Errorf("%w: %q is a form of address without a name", ErrEmpty, raw)
	}
	n := PersonName{Tokens: words, Suffix: suffix}
	// What says the name's order is read in its own text: a structured
	// field's line number (1/KIM MINJUN) or an account before it is no
	// slash between a surname and a given name.
	k := hispanicSurnamesFirst(read, words)
	if k == 0 && strings.ContainsAny(read, ",/") {
		// A comma or slash that puts a given name where the surname goes
		// and a common surname after it (ANGEL, PEREZ; JUAN, GARCIA): the
		// parts the wrong way round, read as the name's words without
		// them are, and as its normal form reads again.
		k = hispanicSurnamesFirst(strings.Join(words, " "), words)
	}
	if k > 0 {
		// Written surnames first: read, and written, given names first,
		// as "GARCIA LOPEZ, JUAN CARLOS" is.
		words = append(slices.Clone(words[k:]), words[:k]...)
		n.Tokens, n.Given, n.Surnames = words, words[:len(words)-k], words[len(words)-k:]
	} else if k = capitalSurnamesFirst(read, words); k > 0 {
		// DUPONT Jean-Pierre, VAN DER BERG Jan: the surnames in capitals
		// before the given names, as French, Belgian and Swiss files
		// write them; read, and written, as Jean-Pierre Dupont is, the
		// surnames as the comma form says them.
		words = append(slices.Clone(words[k:]), words[:k]...)
		n.Tokens = words
		if g, sur, ok := writtenSurnames(words, words[len(words)-k:]); ok {
			n.Given, n.Surnames = g, sur
		} else {
			n.Given, n.Surnames = words[:len(words)-k], words[len(words)-k:]
		}
	} else if k = marianSurnamesFirst(words); k > 0 {
		// PEREZ GOMEZ MARIA DE LOS ANGELES: read, and written, as María
		// de los Ángeles Pérez Gómez is (a suffix the surnames ended with
		// goes, as at the end).
		words = stripSuffixes(withoutYAndHRH(append(slices.Clone(words[k:]), words[:k]...)), &n.Suffix)
		n.Tokens = words
		n.Given, n.Surnames = structure(words, true)
	} else if k = surnamesBeforeInitials(words); k > 0 && !eastAsianFamilies[words[0]] {
		// SMITH J R: read, and written, as J R Smith is, whatever the
		// script (so that the name reads the same again from its normal
		// form). A title or suffix the surnames ended with ends the name
		// now ("SMITH MR J") and goes, as nameWords lets one at the end
		// go. A common East Asian family name first is read as such
		// below: WANG J, Kim Ji-a (a syllable of one letter, no initial).
		words = stripSuffixes(withoutYAndHRH(append(slices.Clone(words[k:]), words[:k]...)), &n.Suffix)
		n.Tokens = words
		n.Given, n.Surnames = structure(words, spanishLetters(raw))
	} else if surnameGivenPatronymic(words) {
		// Иванов Сергей Петрович: read, and written, as Sergei Petrovich
		// Ivanov is.
		words = []string{words[1], words[2], words[0]}
		n.Tokens = words
		n.Given, n.Surnames = structure(words, false)
	} else if (familyFirst(raw, read) || romanisedFamilyFirst(read, words)) && len(words) > 1 {
		n.Given, n.Surnames = words[1:], words[:1]
		if len(words) > 2 && vietnameseMiddle[words[1]] {
			// Nguyen Van An: An is the name he is called by (the
			// given facet, as a Western-order An Nguyen's), Van his
			// middle name.
			n.Given = append(slices.Clone(words[2:]), words[1])
		}
	} else if g, sur, ok := writtenSurnames(words, surnames); ok {
		// "Smith Jones, Mary Ann": the surnames are the words before the
		// comma, whatever their language (Bonham Carter, Helena).
		n.Given, n.Surnames = g, sur
	} else if g, sur, ok := writtenSurnames(words, hyphenatedLast(read, surnames)); ok {
		// Mary Smith-Jones: a double-barrelled surname, as SMITH-JONES,
		// Mary writes it (not Jones with a middle name Smith).
		n.Given, n.Surnames = g, sur
	} else {
		n.Given, n.Surnames = structure(words, spanishLetters(raw))
	}
	sorted := slices.Clone(words)
	slices.Sort(sorted)
	n.Sorted = strings.Join(sorted, " ")
	names := particleNames(words, n.Given, n.Surnames)
	for _, w := range words {
		if (particles[w] && !names[w]) || w == "y" {
			continue
		}
		if code := metaphone(w); code != "" {
			n.Phonetic = append(n.Phonetic, code)
		}
	}
	return n, nil
}

// particleNames returns the words of a name spelt as particles that are
// names in it, and keep their phonetic codes; nil when it has no word
// spelt as one, as most names have not. In a name that begins or ends
// with an East Asian family name (eastAsianName) they all are; elsewhere,
// those a given name or surname is made of alone: the Vietnamese family
// names Lê and Đỗ (Thanh Le, Le Van Thanh, whose middle name Van is one
// too), the Chinese Du. The de of Juan de la Cruz goes with its surname
// and is left out.
func particleNames(words, given, surnames []string) map[string]bool {
	if !slices.ContainsFunc(words, func(w string) bool { return particles[w] }) {
		return nil
	}
	names := map[string]bool{}
	if eastAsianName(words) {
		for _, w := range words {
			if particles[w] {
				names[w] = true
			}
		}
		return names
	}
	for _, units := range [][]string{given, surnames} {
		for _, u := range units {
			alone := true
			for w := range strings.FieldsSeq(u) {
				alone = alone && particles[w]
			}
			if alone {
				for w := range strings.FieldsSeq(u) {
					names[w] = true
				}
			}
		}
	}
	return names
}

// eastAsianName reports whether a name's words begin or end with an East
// Asian family name that is no particle: its other words are syllables of
// a given name, whatever a particle they spell (the Do of Lee Do-yun and
// Do yun Lim, the Da of Kim Da-eun), or Lee Do-yun would code as Lee
// Eun-ji does.
func eastAsianName(words []string) bool {
	if len(words) < 2 {
		return false
	}
	for _, w := range []string{words[0], words[len(words)-1]} {
		if (eastAsianFamilies[w] || westernFamilies[w]) && !particles[w] {
			return true
		}
	}
	return false
}

// withoutNumbers drops from a name's words the numbers written with it,
// and the label before each: an account a payment writes before its party
// ("/VE4301… JUAN PEREZ"), an id or a phone after it ("JUAN PEREZ C.I.
// 12345678", "JOHN SMITH TEL 0212 5551234").
// A word is a number when it has at least three digits, or is all digits
// (a person's name has none, but a scanned one may read 5MITH). An
// organisation's name may have numbers ("3M", "Fondo 2", "12345678 Ltd"):
// with labelled set, for one, only a number of four digits or more after
// an account's or an id's label goes. A name that is all numbers is left
// as it is.
func withoutNumbers(words []string, labelled bool) []string {
	label := func(w string) bool { return idLabels[w] || accountLabels[w] || phoneLabels[w] }
	drop := func(i int) bool {
		w := words[i]
		n := countDigits(w)
		if isWord(w) || labelled && n < 4 {
			return false
		}
		return !labelled || i > 0 && (label(words[i-1]) || countDigits(words[i-1]) > 0 && afterLabel(words, i-1, label))
	}
	var out []string
	for i, w := range words {
		if !drop(i) {
			out = append(out, w)
			continue
		}
		// The label before it: a word (Passport, CI, Cuenta), or letters
		// one by one (C.I., the V of V-12.345.678).
		for len(out) > 1 && (label(out[len(out)-1]) || len(out[len(out)-1]) == 1) {
			out = out[:len(out)-1]
		}
	}
	if len(out) == 0 {
		return words
	}
	return out
}

// isWord reports whether w is a word of a name, not a number: fewer than
// three digits, and not all digits.
func isWord(w string) bool {
	n := countDigits(w)
	return n == 0 || n < 3 && n < len(w)
}

// afterLabel reports whether words[i], a word with digits, follows a label
// through other such words (ACC 0102 5516: the 5516 too).
func afterLabel(words []string, i int, label func(string) bool) bool {
	for ; i > 0; i-- {
		if countDigits(words[i]) == 0 {
			return false
		}
		if label(words[i-1]) {
			return true
		}
	}
	return false
}

// nameLines returns the name of a party a SWIFT field (50K, 59) writes
// below its account's line: the first line; the others are its address
// (AV URDANETA 12, CARACAS VE). A first line of 35 characters, a SWIFT
// line's length, was cut there: the name goes on in the next (INVERSIONES
// Y SERVICIOS GENERALES D / EL CARIBE C.A.). Without an account's line
// before them, a cell's lines are one name wrapped (Chicago Commons /
// Association Kimball Day Care, as spreadsheets keep a name typed on two
// lines), read as one line.
func nameLines(s string) string {
	var name []string
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name = append(name, line)
		if len(name) == 2 || utf8.RuneCountInString(line) != swiftLine {
			break
		}
	}
	return strings.Join(name, " ")
}

// swiftLine is the length of a line of a SWIFT MT message's field.
const swiftLine = 35

// accountLabels are the words that say an account number follows.
var accountLabels = set("acc acct account cuenta cta iban conta compte konto")

// phoneLabels are the words that say a phone number follows, as a name
// field may write one after the name ("JOHN SMITH TEL 0212 5551234").
var phoneLabels = set("tel telf tlf tfno telefono phone ph mob mobile cel cell celular movil fax")

// partyText returns a party's own name from what a payment message or a
// customer file writes in its field. It drops the account a field's first
// line writes (SWIFT 50K, 59: "/VE4301… PEREZ/JUAN"), and when it is a
// line of its own, the address lines below the name (nameLines); the line numbers
// of a structured field (50F, 59F: "1/PEREZ GARCIA/JUAN", "1/ACME TRADING
// LTD"), keeping the name's lines alone when an export joins the field's
// lines into one ("1/SMITH/JOHN 2/12 HIGH ST 3/GB/LONDON": 2/ is the
// address, 3/ the country and town, 4/ to 8/ birth and ids). It cuts the
// party in whose care the name is written (C/O): "JANE DOE C/O ACME LTD"
// is Jane Doe; so it cuts the one for whom the party acts or holds in
// trust, a reference, and the person for whose attention the payment is
// (partyQualifier): "ACME TRADING LTD ATTN: JOHN SMITH" is Acme Trading
// Ltd; a marker with no party before it goes ("ATTN JOHN SMITH" is John
// Smith, "C/O ACME LTD" Acme Ltd). (A name the
// party also goes by, "JOHN SMITH T/A SMITH PLUMBING", is another value
// of the cell: Parts.)
func partyText(raw string) string {
	trimmed := strings.TrimLeft(raw, " \t\r\n")
	s := trimmed
	if i := strings.IndexAny(s, " \t\r\n"); i > 0 {
		if acct, rest := s[:i], s[i+1:]; strings.HasPrefix(acct, "/") && countDigits(acct) >= 4 && strings.TrimSpace(rest) != "" {
			s = strings.TrimLeft(rest, " \t\r\n")
			if lineAlone := strings.TrimLeft(trimmed[i:], " \t\r"); lineAlone[0] == '\n' && !strings.HasPrefix(s, "1/") {
				s = nameLines(s)
			}
		}
	}
	if strings.HasPrefix(s, "1/") {
		if n := strings.Join(structuredNames(s), " "); strings.TrimSpace(n) != "" {
			s = n
		}
	}
	// An account written A/C with its number goes, as other accounts'
	// labels and numbers do (J SMITH A/C 12345678); so does A/C ("account
	// of") before a name.
	if mayHold(s, acHints) {
		s = acAccount.ReplaceAllString(s, "$1$2 ")
	}
	// The first qualifier after a name cuts it there; one the name starts
	// with goes, and the rest is read again (FAO JOHN SMITH C/O ACME).
	// The markers are read in the words Tokens will make (ATTNޢ is ATTN,
	// F'AO is FAO, iܜf is ITF), so that a normalised name reads the same
	// again; the text keeps its apostrophes unless a marker is cut. So
	// are personText's notes, which read what this returns (NEե is NEE).
	words := s
	if !isASCII(s) {
		// Tokens reads latin's letters; Chinese and Korean names, which
		// nameTokens romanises its own way, lose only what latin drops.
		if hasCJK(s) {
			words = withoutUnfoldable(s)
		} else {
			words = latin(s)
		}
	}
	plain := words
	if strings.IndexByte(plain, '?') >= 0 {
		// F?AO is FAO, as Tokens reads it, and so are FA'?O and F?'AO:
		// an apostrophe between the mark and a letter is passed over.
		plain = withoutInnerMarks(plain)
	}
	if strings.ContainsAny(plain, "'`\u2019\u2018") {
		plain = apostrophes.Replace(plain)
	}
	if strings.ContainsFunc(plain, isArabic) {
		plain = apartScripts(plain)
	}
	cut := plain
	for mayHold(cut, careOfHints) {
		l := partyQualifier.FindStringIndex(cut)
		if l == nil {
			break
		}
		if strings.IndexFunc(cut[:l[0]], unicode.IsLetter) >= 0 {
			cut = cut[:l[0]]
			break
		}
		// "ATTN: JOHN SMITH": the name after the marker, from the first
		// letter the match ends with, when a name of two words or more
		// ("FAO SALES" stays), counted as the name's words (ATTN 김철수
		// reads as two, kim ceolsu); so "C/O ACME LTD" is read as Acme Ltd,
		// the party it names.
		_, size := utf8.DecodeLastRuneInString(cut[:l[1]])
		rest := cut[l[1]-size:]
		if len(nameTokens(rest)) < 2 {
			break
		}
		cut = rest
	}
	// A marker left at the end with no party after it goes too, when a
	// name of two words is left (JOHN SMITH ATTN): read surname first, it
	// would stand before a name.
	if mayHold(cut, careOfHints) {
		if l := danglingMarker.FindStringIndex(cut); l != nil && len(nameTokens(cut[:l[0]])) >= 2 {
			cut = cut[:l[0]]
		}
	}
	s = words
	if cut != plain {
		s = cut
	}
	if s != trimmed {
		return s
	}
	return raw
}

// withoutInnerMarks returns s without the question marks tokenize keeps
// inside a word (a letter lost to an encoding: MU?OZ), so that a marker
// is found where Tokens will find its word.
func withoutInnerMarks(s string) string {
	b := []byte(s)
	out := b[:0]
	for i, c := range b {
		if c == '?' && innerMark(s, i) {
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// apartScripts puts a space between an Arabic letter and a Latin letter
// or digit written against it, as Tokens reads them apart (ATTNڢA is ATTN,
// then what the Arabic letter reads as, then A), so that a marker is
// found where Tokens will find its word.
func apartScripts(s string) string {
	var b strings.Builder
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 && (isArabic(prev) != isArabic(r)) && (unicode.IsLetter(prev) || unicode.IsDigit(prev)) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// danglingMarker is a qualifier's marker that ends a party's text, with
// nothing after it (of those no name's word is spelt like).
var danglingMarker = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(?:attn|fao|f\.a\.o\.?|obo|o/b/o|itf|i/t/f|fbo|f/b/o|c/o)[^\p{L}\p{N}]*$`)

// apostrophes are the marks tokenize drops inside a word (O'Brien is
// obrien).
var apostrophes = strings.NewReplacer("'", "", "`", "", "\u2019", "", "\u2018", "")

// withoutUnfoldable returns a name in Chinese or Korean script (which
// partyText does not give to latin: nameTokens romanises it its own way) as
// tokenize will read its words: its other letters as latin writes them,
// without the characters latin turns into nothing (or into an apostrophe,
// which tokenize drops inside a word), and with invalid bytes as spaces,
// as latin reads them; so that partyQualifier reads the words Tokens will
// (ATTNޢ is ATTN; iܜf is ITF, as nameTokens romanises the Syriac letter
// beside a Chinese name: FuzzName). Chinese and Korean letters are kept
// (but those romanise reads as nothing: ATTN䬂 is ATTN), apart from
// other letters as nameTokens reads them (硉itf is 硉 itf), and Arabic
// ones, read in their words' context, never alone.
func withoutUnfoldable(s string) string {
	s = strings.ToValidUTF8(s, " ")
	var b strings.Builder
	const space, chinese, other = 0, 1, 2
	wrote := space // what the last character written was
	for _, r := range s {
		class := other
		switch {
		case unicode.IsSpace(r):
			class = space
		case isCJK(r):
			if syllable(r) == "" {
				continue // romanise reads it as nothing
			}
			class = chinese
		}
		if class != space && wrote != space && class != wrote {
			b.WriteByte(' ') // Chinese letters and others are words apart
		}
		if class != other || r <= unicode.MaxASCII || isArabic(r) {
			b.WriteRune(r)
		} else {
			b.WriteString(apostrophes.Replace(latin(string(r))))
		}
		wrote = class
	}
	return b.String()
}

// personText drops from a person's name what a customer file or a list
// writes beside it: a note in brackets ("John Smith (deceased)", "Maria
// Perez (nee Gomez)", "John (Johnny) Smith": an alias in brackets after
// a.k.a. is the cell's second name, Parts), a nickname in quotes
// (quotedNickname), a birth surname after née, and a status ("THE LATE
// JOHN SMITH", "SMITH JOHN - DECEASED"). Each goes only when a name of two
// words or more is left: "(Juan) Perez" stays whole.
func personText(s string) string {
	if strings.ContainsAny(s, "\"'\u201c\u2018\u00ab") {
		if t := quotedNickname.ReplaceAllString(s, " "); t != s && len(strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })) >= 2 {
			s = t
		}
	}
	if strings.ContainsAny(s, "'`\u2019\u2018") {
		// TRUST'EE is TRUSTEE, as Tokens reads it: the notes are found
		// where the name read again will find them.
		s = apostrophes.Replace(s)
	}
	if !mayHold(s, personNoteHints) {
		return s
	}
	for _, re := range personNotes {
		if t := re.ReplaceAllString(s, " "); t != s && len(strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })) >= 2 {
			s = t
		}
	}
	if l := birthName.FindStringIndex(s); l != nil && strings.IndexFunc(s[:l[0]], unicode.IsLetter) >= 0 {
		s = s[:l[0]]
	}
	return s
}

// quotedNickname is a nickname in quotes between a name's words, as lists
// write it: Joaquín "El Chapo" Guzmán, Mohammed 'Abu Ali' Hassan (O'Brien's
// apostrophe is inside a word).
var quotedNickname = regexp.MustCompile(`(?:^|\s)(?:"[^"]{1,40}"|“[^”]{1,40}”|«[^»]{1,40}»|'[^']{1,40}'|‘[^’]{1,40}’)(?:\s|$)`)

// personNotes match what personText drops: brackets and what they hold, a
// status before or after the name.
var personNotes = []*regexp.Regexp{
	regexp.MustCompile(`\([^()]*\)?|\[[^\[\]]*\]?`),
	regexp.MustCompile(`(?i)^\s*the\s+late\s+`),
	regexp.MustCompile(`(?i)[^\p{L}\p{N}]+(?:deceased|dec'?d)[^\p{L}\p{N}]*$`),
	// An account's note, or an attorney's, after the name: JOHN SMITH
	// JOINT ACCOUNT, JANE DOE ATTORNEY IN FACT. (Other roles' words,
	// JOHN SMITH AS TRUSTEE, are dropped from the name's words:
	// withoutRoles.)
	regexp.MustCompile(`(?i)[^\p{L}\p{N}]+(?:joint\s+(?:account|a/c)|(?:as\s+)?attorneys?(?:\s+in\s+fact)?)[^\p{L}\p{N}]*$`),
	// A trustee's name and for whom: J SMITH TRUSTEE FOR THE SMITH
	// FAMILY TRUST is J Smith.
	regexp.MustCompile(`(?i)[^\p{L}\p{N}]+(?:as\s+)?trustees?\s+for[^\p{L}\p{N}].*$`),
}

// personNoteHints are mayHold's hints of personNotes and birthName: a
// bracket, late, dec(eased), née (its é either case, as lower-casing ASCII
// leaves it), geb., an account's, an attorney's or a trustee's note.
var personNoteHints = hintsOf("(", "[", "late", "dec", "nee", "n\u00e9e", "n\u00c9e", "geb", "joint", "trustee", "attorney")

// birthName matches née (nee, geb., geborene) before a birth surname.
var birthName = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(?:n[ée]e|geb\.|geborene)[^\p{L}\p{N}]+\p{L}`)

// acAccount matches A/C (an account) with the number after it, or at the
// start of a name; its group is what comes before it.
var acAccount = regexp.MustCompile(`(?i)(^\s*|[^\p{L}\p{N}])a/c\.?(?:\s*no\.?)?\s*[0-9][0-9 -]*[0-9]|(^\s*)a/c\.?\s`)

// acHints are mayHold's hints of acAccount.
var acHints = hintsOf("a/c")

// structuredNames returns the text of each name line ("1/…") of a
// structured party field (SWIFT 50F, 59F), trimmed.
func structuredNames(s string) []string {
	var name []string
	lines := structuredLine.FindAllStringSubmatchIndex(s, -1)
	for i, l := range lines {
		end := len(s)
		if i+1 < len(lines) {
			end = lines[i+1][0]
		}
		if s[l[2]:l[3]] == "1" {
			name = append(name, strings.TrimSpace(s[l[1]:end]))
		}
	}
	return name
}

// structuredLine matches a line number of a structured party field, at the
// start or after a space; its group is the number.
var structuredLine = regexp.MustCompile(`(?:^|\s)([1-8])/`)

// partyQualifier matches, after a party's name, the words that introduce
// another party's or what the payment is for: the one in whose care it is
// written (c/o), the father or husband South Asian files name after a
// person (s/o, d/o, w/o, h/o: son, daughter, wife, husband of), the place
// of residence (r/o), for whom the party acts (o/b/o, on behalf of) or holds
// in trust (itf, in trust for, fbo, for the benefit of), a reference
// (re:, ref:), or the person for whose attention (attn, attention of,
// for the attention of, fao, f.a.o.; not "attention" alone, a word of
// firms' names). They stand apart from the words around them
// by anything but letters and digits, as a name's words do once
// tokenised, so that a normalised name reads the same again.
var partyQualifier = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(?:c/o|care\s+of|[sdwh]/o|r/o|(?:son|daughter|wife|husband)\s+of|o/b/o|obo|on\s+behalf\s+of|i/t/f|itf|in\s+trust\s+for|f/b/o|fbo|for\s+the\s+benefit\s+of|re\s*:|ref\s*:|attn|attention\s+of|for\s+the\s+attention\s+of|fao|f\.a\.o)[^\p{L}\p{N}]+[\p{L}\p{N}]`)

// careOfHints are mayHold's hints of partyQualifier.
var careOfHints = hintsOf("c/o", "s/o", "d/o", "w/o", "h/o", "r/o", "son of", "daughter of", "wife of", "husband of", "care", "attn", "attention", "fao", "f.a.o", "o/b/o", "obo", "behalf", "i/t/f", "itf", "trust for",
	"f/b/o", "fbo", "benefit", "re:", "re :", "ref:", "ref :")

// surnameSlash rewrites the payment-message form "SURNAME/GIVEN" (one
// slash, no comma) as "SURNAME, GIVEN".
func surnameSlash(raw string) string {
	if strings.Count(raw, "/") != 1 || strings.Contains(raw, ",") {
		return raw
	}
	sur, given, _ := strings.Cut(raw, "/")
	if strings.TrimSpace(sur) == "" || strings.TrimSpace(given) == "" {
		return strings.Replace(raw, "/", " ", 1)
	}
	return sur + ", " + given
}

// joinCompounds writes Arabic compound given names as one word, however
// they are spelled: Abd al-Rahman, Abdul Rahman, Abdel Rahman,
// Abdulrahman, and with the article as it sounds before the name's first
// letter, Abdur Rahman, Abdurrahman and Abd ar-Rahman, all become
// abdrahman (Abdus Salam and Abdussalam abdsalam); Abdullah and Abd Allah
// abdallah; a kunya, Abu Bakr, Abou Bakr and Abubakr, abubakr; a name of
// the faith, Salah al-Din, Salah ad-Din, Salah Uddin, Salahuddin and
// Salaheddine, salahdin.
func joinCompounds(words []string) []string {
	out := words[:0:0]
	for i := 0; i < len(words); i++ {
		w := words[i]
		if rest, ok := abdPrefix(w); ok && rest != "" {
			out = append(out, abdJoined(rest))
			continue
		}
		_, abd := abdPrefix(w)
		abu := w == "abu" || w == "abou"
		if (abd || abu) && i+1 < len(words) {
			j := i + 1
			// The article, written once or more (Abd az uz-Zahir reads as
			// Abd az-Zahir): what follows one is read again as the name.
			for j+1 < len(words) && (arabicArticles[words[j]] || abd && abdArticle(words[j])) {
				j++
			}
			if abd {
				out = append(out, abdJoined(words[j]))
			} else {
				out = append(out, "abu"+words[j])
			}
			i = j
			continue
		}
		if rest, ok := strings.CutPrefix(w, "abou"); ok && len(rest) > 2 {
			w = "abu" + rest // Aboubakar, as French spells Abubakar
		}
		if stem, ok := dinCompound(w); ok {
			out = append(out, stem+"din")
			continue
		}
		// Salah al-Din, Nur ad-Din, Salah Uddin: the word before joined,
		// when it is one such names start with.
		if n := len(out); n > 0 && dinStem(out[n-1]) != "" {
			if i+1 < len(words) && words[i+1] == "din" && arabicArticles[w] {
				out[n-1] = dinStem(out[n-1]) + "din"
				i++
				continue
			}
			if dinWords[w] {
				out[n-1] = dinStem(out[n-1]) + "din"
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

// inFull writes out the names a file abbreviates: Fco. and Fca. are
// Francisco and Francisca, Gpe. Guadalupe, Wm. William, Thos. Thomas,
// Mohd. and Muhd. Muhammad, as Malaysian files write it, and Hdez.,
// Glez., Fdez. Hernández, González, Fernández, as Mexican ones write
// surnames (none of them anyone's name in full); Md. Muhammad, as
// Bangladeshi files write it, when it starts a name of three words or
// more (MD RAHIM UDDIN; MD SMITH may be initials); and Ma. or Mª María,
// where the word after it is a Spanish or Portuguese given name or a
// Marian complement's start (MA. FERNANDA, MA DEL CARMEN, Mª José) or the
// word before it José (JOSE MA. LOPEZ): Ma elsewhere is a family name
// (Ma Long, Jack Ma).
func inFull(words []string) []string {
	for i := len(words) - 1; i >= 0; i-- { // from the end: MA MA FERNANDA, read again, reads as read first
		w := words[i]
		if full, ok := abbreviations[w]; ok {
			words[i] = full
			continue
		}
		switch {
		case w == "md" && i == 0 && len(words) >= 3 && len(words[1]) > 1:
			words[i] = "muhammad"
		case w != "ma" || i+1 >= len(words):
		case hispanicGiven[words[i+1]] || marianStart(words[i+1:]) || i > 0 && words[i-1] == "jose":
			words[i] = "maria"
		}
	}
	return words
}

// marianStart reports whether words start a Marian complement: del, or
// de before la, las, los or a complement (de Lourdes).
func marianStart(words []string) bool {
	return words[0] == "del" || words[0] == "de" && len(words) > 1 && (marianArticles[words[1]] || marian[words[1]])
}

// abbreviations are names as files abbreviate them, each with the name in
// full.
var abbreviations = map[string]string{
	"fco": "francisco", "fca": "francisca", "gpe": "guadalupe",
	"wm": "william", "thos": "thomas", "chas": "charles", "robt": "robert", "saml": "samuel", "benj": "benjamin",
	"richd": "richard", "danl": "daniel", "jno": "john", "eliz": "elizabeth", "margt": "margaret", "alexr": "alexander",
	"mohd": "muhammad", "muhd": "muhammad", "mhd": "muhammad",
	"hdez": "hernandez", "hdz": "hernandez", "glez": "gonzalez", "fdez": "fernandez", "rguez": "rodriguez",
	"mtnez": "martinez",
}

// marianArticles follow de in a Marian complement: María de los Ángeles.
var marianArticles = set("la las los")

// withoutRoles drops from a name's words a role's (JOHN SMITH AS
// TRUSTEE, JANE DOE EXECUTRIX, SMITH TRUSTEE J), when two words or more
// are left: words, not the text, so that a normalised name, its words
// put in another order, reads the same again. Not a body's (THE TRUSTEES
// OF …).
func withoutRoles(words []string) []string {
	if !slices.ContainsFunc(words, func(w string) bool { return roleWords[w] }) {
		return words
	}
	drop := make([]bool, len(words))
	left := len(words)
	for i, w := range words {
		if roleWords[w] && !(i+1 < len(words) && bodyWords[words[i+1]]) {
			drop[i] = true
			left--
			if i > 0 && words[i-1] == "as" && !drop[i-1] {
				drop[i-1] = true
				left--
			}
		}
	}
	if left < 2 {
		return words
	}
	out := words[:0:0]
	for i, w := range words {
		if !drop[i] {
			out = append(out, w)
		}
	}
	return out
}

// roleWords are the roles withoutRoles drops from a name's words;
// bodyWords the words after which a role names a body (the trustees of a
// museum).
var (
	roleWords = map[string]bool{"trustee": true, "trustees": true, "executor": true, "executors": true, "executrix": true,
		"administrator": true, "administrators": true, "administratrix": true, "guardian": true, "guardians": true}
	bodyWords = map[string]bool{"of": true, "for": true, "the": true, "to": true, "and": true, "ad": true}
)

// abdJoined returns abd joined to the name after it, as abdPrefix reads
// it again: Abd Ul-Rahman and Abdulalrahman are abdrahman, not
// abdulrahman and abdalrahman, which read again lose their article.
func abdJoined(name string) string {
	for range 4 {
		rest, ok := abdPrefix("abd" + name)
		if !ok || rest == "" || rest == name {
			break
		}
		name = rest
	}
	return "abd" + name
}

// arabicArticles are the spellings of the Arabic article between the
// parts of a compound name: al and its vowel's other spellings, and the
// forms it takes before a sun letter (ar-Rahman, as-Salam, ad-Din).
var arabicArticles = map[string]bool{
	"al": true, "el": true, "ul": true, "ar": true, "as": true, "ad": true, "an": true, "at": true, "az": true,
	"ash": true, "ath": true, "ol": true, "ur": true, "us": true, "un": true, "ud": true, "uz": true, "ut": true, "ed": true,
}

// dinWords are "of the faith" written as a word of its own after the name
// it completes: Salah Uddin, Nour Eddine.
var dinWords = map[string]bool{"uddin": true, "eddin": true, "eddine": true, "addin": true, "aldin": true, "eldin": true, "iddin": true}

// dinCompound reports whether w is a name of the faith written as one
// word (Salahuddin, Nureddin, Noureddine, Jamaladdin, Muhyiddin), and
// its first part as dinStem writes it: salah, nur, nour, jamal, muhy.
// Aladdin is no such name (al is no first part).
func dinCompound(w string) (string, bool) {
	for _, suf := range []string{"uddin", "eddine", "eddin", "addin", "aldin", "eldin", "iddin"} {
		if stem, ok := strings.CutSuffix(w, suf); ok {
			if st := dinStem(stem); st != "" {
				return st, true
			}
		}
	}
	return "", false
}

// dinStem returns w as the first part of a name of the faith (Salah
// al-Din, Nur ad-Din, Taqi al-Din), without a last i (Muhyi al-Din and
// Muhyiddin, muhy), or "" when w is no such part: Mohammed Al Din is a
// given name and a surname.
func dinStem(w string) string {
	if dinStems[w] {
		return strings.TrimSuffix(w, "i")
	}
	if dinStems[w+"i"] {
		return w
	}
	return ""
}

// dinStems are the first parts of names of the faith (laqabs) as they are
// commonly romanised.
var dinStems = func() map[string]bool {
	m := map[string]bool{}
	for w := range strings.FieldsSeq(`salah sala nur nour noor jamal kamal alaa ala shams saif sayf seif izz ezz imad emad
		taqi sharaf fakhr qutb burhan zain zayn zein muhyi mohyi badr bahaa baha diya zia ziya husam hussam hossam taj rukn
		nizam siraj moin muin moeen najm shihab shahab qiwam jalal khair kheir khayr nasr nasir nassir sadr saad amin ameen
		ghiyath ghiyas zahir zaheer rafi mujir qamar`) {
		m[w] = true
	}
	return m
}()

// sunArticle holds the consonants the Arabic article takes the sound of
// in a name joined to abd (Abdurrahman, Abdussalam, Abdunnasir, Abduzzahir;
// al's l is read as written: Abdulaziz, Abdullatif).
var sunArticle = map[byte]bool{'r': true, 's': true, 'n': true, 'z': true, 't': true, 'd': true}

// abdArticle reports whether a word written after Abd is the article as
// it sounds before a sun letter, however spelt (ut, utt, urr): joined to
// Abd, the name after it follows, so it does when written apart too.
func abdArticle(w string) bool {
	rest, ok := abdPrefix("abd" + w)
	return ok && rest == "" && w != ""
}

// abdPrefix reports whether w is "abd" written alone or joined to its
// article (abdul, abdel, abdal, or abdur, abdus as the article sounds
// before a name's first letter), and what follows it in the same word:
// the name, whose first letter the assimilated article doubles or not
// (Abdurrahman and Abdurahman, rahman).
func abdPrefix(w string) (rest string, ok bool) {
	switch w {
	case "abdullah", "abdallah", "abdulla", "abdalla", "abdellah":
		return "allah", true
	}
	if len(w) >= 5 && strings.HasPrefix(w, "abdu") && sunArticle[w[4]] {
		rest := w[4:] // abdurahman: rahman
		if len(rest) > 1 && rest[1] == rest[0] {
			rest = rest[1:] // abdurrahman: rahman
		}
		if len(rest) == 1 {
			return "", true // abdur, alone: the name follows
		}
		if len(rest) >= 3 {
			return rest, true
		}
	}
	for _, p := range []string{"abdul", "abdel", "abdal", "abdol", "abd"} {
		if strings.HasPrefix(w, p) {
			rest := w[len(p):]
			if rest == "" || len(rest) >= 3 {
				return rest, true
			}
		}
	}
	return "", false
}

// phonetic returns the Double Metaphone code of a name unit, its particles
// left out: "de la fuente" → FNT.
func phonetic(unit string) string {
	var words []string
	for _, w := range strings.Fields(unit) {
		if !particles[w] {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		words = strings.Fields(unit)
	}
	return metaphone(strings.Join(words, ""))
}

// WordsSoundAlike reports whether two words of people's names may be
// one name's spellings by their sound: a Double Metaphone code, primary
// or alternate, in common after folding the spellings transliterations
// disagree on (Catherine and Katherine, Roger and Rodger, Hasan and
// Hassan; not Ming and Ping).
func WordsSoundAlike(x, y string) bool {
	px, ax := doubleMetaphone(x)
	py, ay := doubleMetaphone(y)
	return px != "" && (px == py || px == ay) || ax != "" && (ax == py || ax == ay)
}

// metaphone returns the Double Metaphone code of a name word after folding
// the spellings that transliteration systems disagree on, so that a name
// written the English way and the German or Polish way codes alike.
func metaphone(w string) string {
	code, _ := doubleMetaphone(w)
	return code
}

// doubleMetaphone returns both Double Metaphone codes of a name word after
// folding (metaphone).
func doubleMetaphone(w string) (primary, alternate string) {
	if r, ok := romanisations[w]; ok {
		w = r
	}
	return matchr.DoubleMetaphone(translitFold(w))
}

// romanisations map the spellings other romanisations give East Asian
// family names to the usual one, where the two code apart: Wade–Giles and
// Cantonese for Pinyin (Chang and Cheung for Zhang, Chou for Zhou, Kwok
// for Guo, Ng for Wu), and older or popular Korean spellings for the
// Revised (Yi and Rhee for Lee, Pak for Park, Chung for Jung: 정, and
// Chinese Zhong, 鍾, which codes as Jung). A spelling of two names whose
// codes differ (Wong for Wang and Huang) and one that is a Western name
// too (Jo) are left as written: compare's nickname groups relate them to
// each name they may be.
var romanisations = map[string]string{
	"chang": "zhang", "cheung": "zhang", "chou": "zhou", "chow": "zhou", "chao": "zhao", "chiang": "jiang",
	"kwok": "guo", "cheng": "zheng", "lam": "lin", "lim": "lin", "im": "lin", "rim": "lin", "ng": "wu",
	"yip": "ye", "chu": "zhu", "tsao": "cao", "chien": "qian", "hwang": "huang", "whang": "huang",
	"yi": "lee", "rhee": "lee", "ri": "lee", "rhie": "lee", "pak": "park", "bak": "park", "pahk": "park",
	"chwe": "choi", "cheong": "jung", "chung": "jung", "sin": "shin", "sim": "shim", "hur": "heo", "roh": "noh",
}

// translitFolds rewrite what one transliteration of the same sound writes
// differently from another: Wladimir/Vladimir, Kusnezow/Kuznetsov,
// Michail/Mikhail, Chruschtschow/Khrushchev, Schwarz/Shvarts.
var translitFolds = strings.NewReplacer("kh", "ch", "w", "v", "tsch", "ch", "sch", "sh", "tz", "s", "ts", "s", "ks", "x")

// translitFold folds a lower-case name word for phonetic coding: the
// replacements above, a y between a consonant and a vowel as i
// (Tatyana/Tatiana), a j between an i and a vowel dropped (Maija/Maiia,
// Marija/Maria), an h between two vowels as ch, as the German and Baltic
// spellings write х (Suhanova/Suchanova/Sukhanova), a leading ye as e,
// and je as German and Polish write it before the consonants Russian
// names have there (Yelena/Jelena/Elena, Jewgeni/Yevgeny, Jegor, Jekaterina:
// not Jeanne, whose misspelling Joanne should code alike), dj as j, as
// French writes the Maghreb's names (Djamel/Jamal), and a final ff as v
// (Popoff/Popov).
func translitFold(w string) string {
	w = translitFolds.Replace(w)
	if strings.HasPrefix(w, "ye") || len(w) > 2 && strings.HasPrefix(w, "je") && strings.IndexByte("lvkg", w[2]) >= 0 {
		w = w[1:]
	}
	if strings.Contains(w, "dj") {
		w = strings.ReplaceAll(w, "dj", "j")
	}
	if strings.HasSuffix(w, "ff") {
		w = w[:len(w)-2] + "v"
	}
	if !strings.ContainsAny(w, "yjh") {
		return w
	}
	b := make([]byte, 0, len(w)+2)
	for i := 0; i < len(w); i++ {
		c := w[i]
		between := i > 0 && i+1 < len(w)
		switch {
		case c == 'y' && between && !isVowel(w[i-1]) && isVowel(w[i+1]):
			c = 'i'
		case c == 'j' && between && w[i-1] == 'i' && isVowel(w[i+1]):
			continue
		case c == 'h' && between && isVowel(w[i-1]) && isVowel(w[i+1]):
			b = append(b, 'c')
		}
		b = append(b, c)
	}
	return string(b)
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

// nameWords folds raw, restores "Surname, Given" order, and strips
// honorifics (leading) and the generational suffix (trailing). surnames
// are the words of the part before the comma, the surnames the name was
// written with ("Smith Jones, Mary": smith, jones), moved to the end; nil
// when it was not so written.
func nameWords(raw string) (words []string, suffix string, surnames []string) {
	var parts [][]string
	for _, p := range strings.Split(raw, ",") {
		if t := withoutNumbers(nameTokens(p), false); len(t) > 0 {
			parts = append(parts, t)
		}
	}
	// A part that is only numbers (an id after a comma) goes too, unless
	// nothing else is left.
	if kept := slices.DeleteFunc(slices.Clone(parts), func(p []string) bool { return !slices.ContainsFunc(p, isWord) }); len(kept) > 0 {
		parts = kept
	}
	// Trailing parts that are only suffixes, post-nominals or titles:
	// "Smith, John, Jr.", "SMITH, JANE, MRS".
	for len(parts) > 1 && allSuffix(parts[len(parts)-1]) {
		for _, w := range parts[len(parts)-1] {
			if s, ok := suffixes[w]; ok && suffix == "" {
				suffix = s
			}
		}
		parts = parts[:len(parts)-1]
	}
	// Parts after the second that hold no given name nor initial are no
	// part of the name: a place, a role, as the German register writes its
	// officers ("Müller, Hans, Berlin, *01.02.1960"). Last, First, Middle
	// keeps its middle ("DOE, JOHN, Q", "SMITH, JOHN, PAUL").
	for len(parts) > 2 && !slices.ContainsFunc(parts[len(parts)-1], func(w string) bool { return givenNames[w] || len(w) == 1 }) {
		parts = parts[:len(parts)-1]
	}
	// A suffix ending any part belongs to the whole name: "García, Juan Jr".
	for i, p := range parts {
		parts[i] = stripSuffixes(p, &suffix)
	}
	switch len(parts) {
	case 0:
		return nil, suffix, nil
	case 1:
		words = parts[0]
	default:
		// "García López, Juan": the part after the comma comes first;
		// unless the part before it is initials, which no surname is
		// ("J. R., Smith": J R Smith, read as SMITH J R is).
		if slices.ContainsFunc(parts[0], func(w string) bool { return len(w) > 1 }) {
			surnames = parts[0]
			parts = append(parts[1:], parts[0])
		}
		for _, p := range parts {
			words = append(words, p...)
		}
	}
	// A role's words go before the titles are read: a title the role
	// stood before or after (TRUSTEE DR J SMITH, J SMITH MR TRUSTEE)
	// starts or ends the name then, and goes.
	words = withoutRoles(words)
	// Italian abbreviations written with a raised ending, which the
	// folding cuts in two: Sig.ra, Sig.na, Dott.ssa; and Tan Sri.
	for _, h := range splitHonorifics {
		if len(words) > len(h) && slices.Equal(words[:len(h)], h) {
			words = words[len(h):]
			break
		}
	}
	// Titles until none is left: one in initials may stand before a
	// word's (H R H Hj. Ahmad; SMITH, H R H HJ).
	for n := -1; n != len(words); {
		n = len(words)
		words = withoutHonorifics(words)
		// Monsieur written M., before a given name and a surname: "M.
		// Jean Dupont" (without its period, or before an initial, "M
		// Jean Dupont" and "M. J. Dupont", the M is the person's
		// initial).
		if len(words) > 2 && words[0] == "m" && givenNames[words[1]] && monsieur(raw) {
			words = words[1:]
		}
		words = withoutYAndHRH(words)
	}
	// A widow's married name, "María Pérez Vda. de García" (viuda de), is
	// the married name "María Pérez de García" wives write.
	for i := 1; i+2 < len(words); i++ {
		if (words[i] == "vda" || words[i] == "viuda") && words[i+1] == "de" {
			words = slices.Delete(slices.Clone(words), i, i+1)
			break
		}
	}
	// A suffix the reordering moved to the end: "Jr, John".
	return stripSuffixes(words, &suffix), suffix, surnames
}

// withoutHonorifics drops a name's leading honorifics: Dr, Sra, Don
// (Don only when a full name follows).
func withoutHonorifics(words []string) []string {
	for len(words) > 1 && (honorifics[words[0]] || (words[0] == "don" || words[0] == "dona") && len(words) > 2) {
		senor := words[0] == "sr" || words[0] == "sra" || words[0] == "srta"
		malay := malayTitles[words[0]]
		words = words[1:]
		if malay && len(words) > 2 && (words[0] == "sri" || words[0] == "seri") {
			words = words[1:]
		}
		// Don and Doña written D. and Dña. after Señor: Sr. D. Juan Pérez.
		if senor && len(words) > 2 && (words[0] == "d" || words[0] == "dna") {
			words = words[1:]
		}
		// A couple's: Mr and Mrs J Smith, Sr. y Sra. Pérez.
		if len(words) >= 2 && (words[0] == "and" || conjunctions[words[0]]) && honorifics[words[1]] {
			words = words[1:]
		}
	}
	return words
}

// withoutYAndHRH drops from a name's words the conjunction of Spanish
// double surnames, García y López, and an honorific written in initials
// before the name, H.R.H. (H.E., His Excellency, is also a person's
// initials: kept). Names read surnames first are read so again once reordered
// (SMITH H R H is H R H Smith), so that their normal form reads the same
// again.
func withoutYAndHRH(words []string) []string {
	if len(words) > 3 {
		kept := words[:2:2]
		for i, w := range words[2:] {
			if w != "y" || i+2 == len(words)-1 {
				kept = append(kept, w)
			}
		}
		words = kept
	}
	for _, h := range initialHonorifics {
		for len(words) > len(h)+1 && slices.Equal(words[:len(h)], h) {
			words = words[len(h):] // twice too: SMITH JONES, H R H H R H
		}
	}
	return words
}

// stripSuffixes removes trailing generational suffixes, post-nominals and
// titles (booking and payment systems write "PEREZ/JUAN MR") from words,
// keeping at least one word; the first suffix found is stored in *suffix
// unless one was found before.
func stripSuffixes(words []string, suffix *string) []string {
	for len(words) > 1 {
		last := words[len(words)-1]
		if s, ok := suffixes[last]; ok {
			if *suffix == "" {
				*suffix = s
			}
		} else if !postNominals[last] && !trailingTitles[last] {
			break
		}
		words = words[:len(words)-1]
	}
	return words
}

func allSuffix(words []string) bool {
	for _, w := range words {
		if _, ok := suffixes[w]; !ok && !postNominals[w] && !trailingTitles[w] {
			return false
		}
	}
	return true
}

// familyFirst reports whether a name is written in a script whose names put
// the family name first: Chinese and Korean, in read, the text of the name
// once its notes are cut (JOHN WANG (王约翰) is John Wang), and Vietnamese
// (told apart from other Latin text in raw by its letters ư, ơ, đ, ă and
// stacked diacritics, which read has folded).
func familyFirst(raw, read string) bool {
	return hasCJK(read) || isVietnamese(raw)
}

// romanisedFamilyFirst reports whether a name written in Latin letters is
// an East Asian one in its own order, family name first (Xi Jinping, Kim
// Jong-un, Nguyen Van An): its first word is a family name of those
// countries that is not also a Western name, its last is none (unless a
// hyphen joins it to the word before it as a given name's syllables: Kim
// Ha-yoon), and it has two words, or three (the given name in two
// syllables, or a Vietnamese middle name), or four with a Vietnamese
// middle name (Nguyen Thi Minh Khai), written without a comma or slash
// (which say the order). Lee, Park and the other family names that are
// Western names too are read so before a given name of two syllables.
func romanisedFamilyFirst(raw string, words []string) bool {
	n := len(words)
	if n == 3 && westernFamilies[words[0]] && !strings.ContainsAny(raw, ",/") {
		// Lee Min-ho, Park Ji-hoon: a Korean family name that is a Western
		// name too, before a given name of two syllables written with a
		// hyphen, as Korean names are (Lee Harvey-Smith, Lee Jean-Paul:
		// words of a Western name), or written apart, as syllables
		// romanisations write, before no family name (PARK JI HOON, Lee
		// Hsien Loong; Young Ho Lee is in Western order).
		return givenSyllable(words[1]) && givenSyllable(words[2]) && hyphenated(raw, words[1], words[2]) ||
			givenSyllables(words[1:]) && !eastAsianFamily(words[2]) && !westernFamilies[words[2]]
	}
	if n < 2 || n > 4 || strings.ContainsAny(raw, ",/") || !eastAsianFamilies[words[0]] {
		return false
	}
	if n == 3 && hyphenated(raw, words[0], words[1]) {
		return false // a given name of two syllables first, as its hyphen says: Do-yun Lee
	}
	if n == 3 && hyphenated(raw, words[1], words[2]) && givenSyllable(words[1]) && givenSyllable(words[2]) {
		// Zhou Guo-qiang, Kim Ha-yoon: a given name of two syllables, as
		// its hyphen says, though a syllable is a family name too.
		return true
	}
	if eastAsianFamilies[words[n-1]] {
		return false
	}
	if n == 4 { // Nguyen Thi Minh Khai: a middle name and a given name in two syllables
		return vietnameseMiddle[words[1]]
	}
	if n == 3 && eastAsianFamilies[words[1]] && !vietnameseMiddle[words[1]] {
		// ZHANG YU TING: a given name of two syllables written apart,
		// whose first is a family name too.
		return givenSyllables(words[1:])
	}
	return true
}

// givenSyllables reports whether every word may be a syllable of an East
// Asian given name: one romanisations write (romanisedSyllable) and no
// Western name (givenSyllable).
func givenSyllables(words []string) bool {
	return !slices.ContainsFunc(words, func(w string) bool { return !givenSyllable(w) || !romanisedSyllable(w) })
}

// eastAsianFamilies are common Chinese, Korean and Vietnamese family names,
// romanised, but those that are also Western given names or surnames (Lee,
// Young, Park, Long, Bai, Ha).
var eastAsianFamilies = set("wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo " +
	"zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye cheng wei su " +
	"lu ding ren shen yao xi mao " +
	"kim choi jung jeong kang cho yoon jang lim shin oh seo kwon hwang ahn hong " +
	// Cantonese and Hokkien spellings, as Hong Kong, Singapore and Malaysia
	// write them (Chan Tai Man, Tan Ah Kow)
	"chan wong cheung leung lau ng tan goh ong teo chua koh tsang yeung chow kwok lam tse yip fung mak tam " +
	"nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly")

// hyphenated reports whether raw writes the words a and b joined by a
// hyphen, as a Korean or Chinese given name of two syllables is written.
func hyphenated(raw, a, b string) bool {
	return strings.Contains(strings.ToLower(raw), a+"-"+b)
}

// eastAsianGiven returns the two syllables of the East Asian given name
// of a name read as one, "" for any other: a name of three words, its
// surname a family name of those countries (Lee and Park too), its given
// name and middle name syllables romanisations write and no Western
// names (Kim Min-jun, Zhou Guo-qiang, Mei Ling Wong: min jun, guo qiang,
// mei ling). Such a given name is one name, whose syllables are never
// dropped as a middle name is (compare: Zhao Ling is not Zhao Yu-ling).
func eastAsianGiven(n PersonName) string {
	if len(n.Tokens) != 3 || len(n.Surnames) != 1 || len(n.Given) != 2 {
		return ""
	}
	if family := n.Surnames[0]; !eastAsianFamily(family) && !westernFamilies[family] && !westernFamilies[romanisations[family]] {
		return ""
	}
	if !givenSyllables(n.Given) {
		return ""
	}
	return n.Given[0] + " " + n.Given[1]
}

// eastAsianFamily reports whether w is a common East Asian family name
// that is no Western name, in its usual romanisation or another (Chung
// for Jung, Im for Lim, Kwok for Guo).
func eastAsianFamily(w string) bool {
	return eastAsianFamilies[w] || eastAsianFamilies[romanisations[w]]
}

// romanisedSyllable reports whether w is written as a syllable of Chinese
// (pinyin, Wade-Giles, Cantonese) or of Korean romanised: an initial of
// one or two consonants (zh, hs), a glide (hy, gw), one to three vowels
// and an ending (n, ng, m, k, p, t, l, r, h): guo, qiang, hsiao, yeon,
// kwok, ah; not smith, jones, bowes or saud.
func romanisedSyllable(w string) bool {
	if len(w) == 0 || len(w) > 6 {
		return false
	}
	rest := w
	for _, in := range []string{"zh", "ch", "sh", "ts", "tz", "hs", "kk", "tt", "pp", "ss", "jj", "ng"} {
		if strings.HasPrefix(w, in) {
			rest = w[len(in):]
			break
		}
	}
	if rest == w && strings.IndexByte("bpmfdtnlgkhjqxrzcswy", w[0]) >= 0 {
		rest = w[1:]
	}
	if len(rest) > 1 && (rest[0] == 'y' || rest[0] == 'w') && isVowel(rest[1]) {
		rest = rest[1:]
	}
	v := 0
	for v < len(rest) && isVowel(rest[v]) {
		v++
	}
	if v == 0 || v > 3 {
		return false
	}
	switch rest[v:] {
	case "", "n", "ng", "m", "k", "p", "t", "l", "r", "h":
		return true
	}
	return false
}

// givenSyllable reports whether a word may be a syllable of a Korean or
// Chinese given name, and is no Western name: five letters at most.
func givenSyllable(w string) bool {
	return len(w) <= 5 && !givenNames[w] && !hispanicSurnames[w]
}

// westernFamilies are East Asian family names that are Western names too.
var westernFamilies = set("lee park ha bai young")

// vietnameseMiddle are the middle names of Vietnamese men and women that
// follow the family name (Nguyen Van An, Tran Thi Lan).
var vietnameseMiddle = set("van thi duc huu minh ngoc")

func isVietnamese(raw string) bool {
	return strings.ContainsFunc(raw, func(r rune) bool {
		return (r >= 0x1EA0 && r <= 0x1EF9) || strings.ContainsRune("ưƯơƠđĐăĂ", r)
	})
}

func hasCJK(s string) bool { return strings.ContainsFunc(s, isCJK) }

// nameTokens folds one comma-separated part of a name. Chinese and Korean
// names written in their own script become surname + given name, the given
// name's syllables joined as they are in romanised form (毛泽东 → mao zedong).
func nameTokens(s string) []string {
	if !hasCJK(s) {
		return Tokens(s)
	}
	// The words in Chinese or Korean letters make the name; words, and
	// runs of a word, in other letters are words of their own, not
	// syllables of its given name (王 小明 PETER, 王小明abc: wang xiaoming
	// peter, wang xiaoming abc), as withoutUnfoldable reads them apart.
	var cjk, other []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '·' || r == '・' }) {
		for run := range scriptRuns(f) {
			if hasCJK(run) {
				cjk = append(cjk, run)
			} else {
				other = append(other, Tokens(run)...)
			}
		}
	}
	var family, given string
	if len(cjk) > 1 {
		// Already spaced: family name first, the given name after it.
		family, given = romanise(cjk[0], true), romanise(strings.Join(cjk[1:], ""), false)
	} else {
		// Written without spaces, family name first: the first syllable is
		// the family name (two-syllable family names are rare enough to accept).
		runes := []rune(cjk[0])
		family, given = romanise(string(runes[:1]), true), romanise(string(runes[1:]), false)
	}
	var out []string
	for _, t := range []string{family, given} {
		if t != "" {
			out = append(out, t)
		}
	}
	return append(out, other...)
}

// isCJK reports whether r is a Chinese or Korean letter.
func isCJK(r rune) bool { return isHan(r) || isHangul(r) }

// scriptRuns yields the runs of a word in Chinese or Korean letters and
// in others: 王小明abc is 王小明 and abc.
func scriptRuns(w string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		start, inCJK := 0, false
		for i, r := range w {
			if i > 0 && isCJK(r) != inCJK {
				if !yield(w[start:i]) {
					return
				}
				start = i
			}
			inCJK = isCJK(r)
		}
		yield(w[start:])
	}
}

// romanise joins the romanised syllables of a CJK name part into one word;
// a Korean family name takes its customary spelling (김 → kim).
func romanise(part string, family bool) string {
	runes := []rune(part)
	if family && len(runes) == 1 {
		if k, ok := koreanSurnames[runes[0]]; ok {
			return k
		}
	}
	var b strings.Builder
	for _, r := range runes {
		b.WriteString(syllable(r))
	}
	return b.String()
}

func syllable(r rune) string { return strings.Join(Tokens(unidecode.Unidecode(string(r))), "") }

// structure reads words into given names and surname units.
func structure(words []string, spanish bool) (given, surnames []string) {
	units, unitParticle := nameUnits(words)
	n := len(units)
	switch {
	case n == 1:
		return nil, units
	case n == 2:
		return units[:1], units[1:]
	}
	// Three or more units: the last is a surname; the one before it is a
	// second surname unless it is a known given name (María José García,
	// John Paul Smith), a Marian complement (María del Carmen Pérez), or
	// any word but a Hispanic surname after another language's given
	// name (Lauren Bethan Palmer).
	first := n - 1
	if prev := n - 2; prev >= 1 {
		switch {
		case unitParticle[prev] && prev == 1 && marian[lastWord(units[prev])]:
		case unitParticle[prev]:
			first = prev
		case givenNames[units[prev]] || patronymic(units[prev]) || len(units[prev]) == 1:
		case n == 3 && !spanish && (eastAsianFamilies[units[2]] || westernFamilies[units[2]]) && givenSyllable(units[0]) && givenSyllable(units[1]):
			// Ha Eun Kang, Ha-eun Kang, Mei Ling Wong: a given name of two
			// syllables before an East Asian family name, in Western order.
		case unitParticle[n-1] && !spanish && !hispanicSurnames[units[prev]]:
			// Pieter Jan de Vries, Johann Ludwig van Beethoven: a surname
			// its particle starts (Dutch, German, French, Italian) is the
			// surname whole; the word before it is a middle name, but a
			// Hispanic surname's (Javier Pérez de Cuéllar).
		case otherGiven[units[0]] && !spanish && !hispanicSurnames[units[prev]] && !hispanicSurnames[units[n-1]]:
			// Lauren Bethan Palmer, Lee Harvey Oswald: an English (French,
			// German, …) given name's name has a middle name there. Kevin
			// Rodríguez Pérez still has two surnames, and so has Jennifer
			// Colmenares Briceño, by her ñ: Latin America gives English
			// given names to people with two surnames.
		default:
			first = prev
		}
	}
	// Earlier particle units belong to the surname block too (bin Salman al Saud).
	for first > 1 && unitParticle[first-1] && !(first-1 == 1 && marian[lastWord(units[first-1])]) {
		first--
	}
	return units[:first], units[first:]
}

// nameUnits groups a name's words into units, particles with the word
// they introduce (de la fuente, van der berg), and says which units begin
// with one. A name's first word is a unit of its own.
func nameUnits(words []string) (units []string, particle []bool) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		if particles[w] && i < len(words)-1 && i > 0 {
			j := i
			for j < len(words)-1 && particles[words[j]] {
				j++
			}
			units = append(units, strings.Join(words[i:j+1], " "))
			particle = append(particle, true)
			i = j
			continue
		}
		units = append(units, w)
		particle = append(particle, false)
	}
	return units, particle
}

// writtenSurnames returns the given names and surnames, in units
// (nameUnits), of words that end with written, the surnames written
// before a comma (nameWords); false when they do not (none were written,
// or reading the words changed them since: ABDUL RAHMAN, Ahmed is
// abdrahman), no given name is left, or a unit spans given names and
// surnames.
func writtenSurnames(words, written []string) (given, surnames []string, ok bool) {
	k := len(written)
	if k == 0 || k >= len(words) || !slices.Equal(words[len(words)-k:], written) {
		return nil, nil, false
	}
	units, _ := nameUnits(words)
	for i, n := 0, 0; i < len(units); i++ {
		if n == len(words)-k {
			return units[:i], units[i:], true
		}
		n += strings.Count(units[i], " ") + 1
	}
	return nil, nil, false
}

// capitalSurnamesFirst returns how many words a name written in mixed case
// starts with that are written in capitals, before words that are not,
// when those are its surnames: DUPONT Jean-Pierre, VAN DER BERG Jan,
// GARCÍA LÓPEZ María (French, Belgian, Swiss and Spanish files write the
// surname so, in capitals, to say which it is), with a prefix or particles
// in small letters too (McDONALD Ronald, van der BERG Jan, Le PEN Marine).
// The capitals must hold a word of three letters or more that is no
// particle, no initial, and not only given names (JOHN Smith, JR Smith
// say nothing); each word after them starts with a capital and has a
// small letter. A title before them is passed over (Mr SMITH John). 0 for
// any other name, and for one written with a comma or slash, which say
// the order themselves.
func capitalSurnamesFirst(raw string, words []string) int {
	if strings.ContainsAny(raw, ",/") || !strings.ContainsFunc(raw, unicode.IsLower) {
		return 0
	}
	fields := strings.Fields(raw)
	for len(fields) > 0 {
		if t := nameTokens(fields[0]); len(t) != 1 || !honorifics[t[0]] {
			break
		}
		fields = fields[1:] // Mr SMITH John
	}
	var sur []string
	i := 0
	for ; i < len(fields) && (inCapitals(fields[i]) || particleBeforeCapitals(fields[i:])); i++ {
		sur = append(sur, nameTokens(fields[i])...)
	}
	if i == 0 || i == len(fields) || len(sur) == 0 || len(sur) >= len(words) {
		return 0
	}
	for _, f := range fields[i:] {
		r, _ := utf8.DecodeRuneInString(f)
		if !unicode.IsUpper(r) || !strings.ContainsFunc(f, unicode.IsLower) {
			return 0
		}
	}
	named := false
	for _, w := range sur {
		if len(w) == 1 || strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) || honorifics[w] || allSuffix([]string{w}) {
			return 0 // an initial, a number, a title or a suffix: no surname
		}
		named = named || len(w) >= 3 && !particles[w] && !givenNames[w]
	}
	if !named || !slices.Equal(words[:len(sur)], sur) {
		return 0
	}
	for _, w := range words[len(sur):] {
		if honorifics[w] || w == "don" || w == "dona" || w == "m" {
			return 0 // a title after the name (AZIZ Hj), which would start it
		}
	}
	return len(sur)
}

// inCapitals reports whether a word is written in capitals: all its
// letters, or all after a prefix a surname writes in small letters
// (McDONALD, MacDONALD).
func inCapitals(f string) bool {
	for _, prefix := range []string{"Mc", "Mac"} {
		if rest, ok := strings.CutPrefix(f, prefix); ok && len(rest) > 1 {
			f = rest
			break
		}
	}
	return strings.ContainsFunc(f, unicode.IsLetter) && !strings.ContainsFunc(f, unicode.IsLower)
}

// particleBeforeCapitals reports whether fields start with a particle,
// whatever its case, that particles alone lead to a word in capitals
// after: van der BERG Jan, Le PEN Marine, de la CRUZ Juan.
func particleBeforeCapitals(fields []string) bool {
	for _, f := range fields {
		if inCapitals(f) {
			return true
		}
		if t := nameTokens(f); len(t) != 1 || !particles[t[0]] {
			return false
		}
	}
	return false
}

// hyphenatedLast returns the words of a name's last word when it joins
// two or more words of two letters or more with hyphens (Smith-Jones,
// Bowes-Lyon), as double-barrelled surnames are written, a generational
// suffix after it aside; not when the word starts with a particle
// (Al-Saud) or is all given names (Jean-Pierre, after a surname written
// first), nor when the name was written with a comma (written: its
// surnames are said) or a slash. East Asian given names written so (Kim
// Min-jun) are read before this.
func hyphenatedLast(read string, written []string) []string {
	if written != nil || strings.ContainsAny(read, ",/") {
		return nil
	}
	fields := strings.Fields(read)
	for len(fields) > 2 && allSuffix(nameTokens(fields[len(fields)-1])) {
		fields = fields[:len(fields)-1] // Mary Smith-Jones Jr
	}
	if len(fields) < 2 || !strings.Contains(fields[len(fields)-1], "-") {
		return nil
	}
	parts := nameTokens(fields[len(fields)-1])
	if len(parts) < 2 || particles[parts[0]] || slices.ContainsFunc(parts, func(p string) bool { return len(p) < 2 }) {
		return nil // Al-Saud: a particle and its name, read as the name's units say
	}
	if !slices.ContainsFunc(parts, func(p string) bool { return !givenNames[p] }) {
		return nil // DUPONT JEAN-PIERRE: given names, after a surname written first
	}
	return parts
}

// hispanicSurnamesFirst returns how many surnames a name starts with when
// it is written surnames first without a comma or a slash to say so, as
// Latin American customer files write names in capitals ("GARCIA LOPEZ
// JUAN CARLOS", "PEREZ MARIA"): one or two common Hispanic surnames that
// are no given names, then one or two given names that are no such
// surnames; or, in a name written all in capitals, one or two words that
// are no given names before one or two Spanish or Portuguese given names
// (BELBURY SANTANA LUCIA CARMEN). 0 for any other name: Juan Carlos García
// López, Martin Luis, and RHYS THOMAS, whose surname is a given name of
// another language, as many British surnames are.
func hispanicSurnamesFirst(raw string, words []string) int {
	n := len(words)
	if n < 2 || n > 4 || strings.ContainsAny(raw, ",/") {
		return 0
	}
	capitals := !strings.ContainsFunc(raw, unicode.IsLower)
	notGiven := func(w string) bool { return !givenNames[w] && !particles[w] && len(w) > 1 }
	for k := 1; k <= 2 && k < n; k++ {
		if n-k > 2 {
			continue
		}
		sur, giv := words[:k], words[k:]
		if k == 2 && len(sur[1]) == 1 {
			sur = sur[:1] // GARCIA V. MARIA: the second surname's initial
		}
		known := !slices.ContainsFunc(sur, func(w string) bool { return !notGiven(w) || !hispanicSurnames[w] }) &&
			!slices.ContainsFunc(giv, func(w string) bool { return !givenNames[w] || hispanicSurnames[w] })
		written := capitals && !slices.ContainsFunc(sur, func(w string) bool { return !notGiven(w) }) &&
			!slices.ContainsFunc(giv, func(w string) bool { return !hispanicGiven[w] || hispanicSurnames[w] })
		if known || written {
			return k
		}
	}
	return 0
}

// surnameGivenPatronymic reports whether a name's three words are written
// as Russian documents write a name: surname, given name, patronymic
// (Иванов Сергей Петрович, IVANOV SERGEI PETROVICH). Mary Ann Popovich
// starts with a given name, and is no such name; nor is one whose first
// word is an initial or a suffix.
func surnameGivenPatronymic(words []string) bool {
	return len(words) == 3 && len(words[0]) > 1 && len(words[1]) > 1 && patronymic(words[2]) && !patronymic(words[1]) &&
		!givenNames[words[0]] && !allSuffix(words[:1])
}

// marianSurnamesFirst returns how many words of surnames a name starts
// with when it is written surnames first and ends with a compound given
// name of the Marian kind, a given name, particles and a complement
// (PEREZ GOMEZ MARIA DE LOS ANGELES, DE LA TORRE GARCIA MARIA DEL PILAR),
// which hispanicSurnamesFirst, counting words, does not read: the words
// before the given name (one to five, particles too) must be no given
// names. 0 for any other name.
func marianSurnamesFirst(words []string) int {
	n := len(words)
	if n < 4 || !marian[words[n-1]] {
		return 0
	}
	j := n - 2
	for j > 0 && (particles[words[j]] || words[j] == "los" || words[j] == "las") {
		j--
	}
	if j == n-2 || j < 1 || j > 5 || !givenNames[words[j]] {
		return 0
	}
	for _, w := range words[:j] {
		if givenNames[w] && !particles[w] {
			return 0
		}
	}
	return j
}

// surnamesBeforeInitials returns how many surnames a name's words (in the
// order nameWords gives them: after a comma, given names first) start
// with when it is written as banks and payment messages write it, surname
// first and the given names as initials after it: "SMITH J", "SMITH J R",
// "Jansen J.P.", "GARCIA LOPEZ M". The words before the initials (one to
// three, particles too: "VAN DER BERG J") must be no given names and no
// initials: "MARY E" and "JOHN F" are a given name and an initial. 0 for
// any other name.
func surnamesBeforeInitials(words []string) int {
	if len(words) < 2 {
		return 0
	}
	k := len(words)
	for k > 0 && len(words[k-1]) == 1 && words[k-1] != "y" { // y: a conjunction (García y López)
		k--
	}
	if k == 0 || k > 3 || len(words)-k > 3 || k == len(words) {
		return 0
	}
	if slices.ContainsFunc(words[:k], func(w string) bool { return len(w) == 1 || givenNames[w] }) || particles[words[k-1]] {
		return 0
	}
	return k
}

// spanishLetters reports whether a name is written with a letter of
// Spanish or Portuguese (á é í ó ú ñ ã õ ç), as names with two surnames
// are.
func spanishLetters(raw string) bool {
	return strings.ContainsAny(raw, "áéíóúñãõçÁÉÍÓÚÑÃÕÇ")
}

// patronymic reports whether w is an East Slavic patronymic, a middle
// name rather than a surname, as Russian (Vladimirovich, Ivanovna,
// Ilyinichna), Ukrainian (Fedorovych, Volodymyrivna, Serhiivna) and
// Belarusian (Ryhoravich, Ryhorauna) write it in Latin letters, and as
// French (Vladimirovitch) and German (Wladimirowitsch, Wladimirowna)
// transliterate it. Polish -owicz and South Slavic -ović are surnames'
// endings (Adamowicz, Petrović) and are not read so.
func patronymic(w string) bool {
	for _, suf := range []string{"ovich", "evich", "avich", "ovych", "evych", "ovna", "evna", "ivna", "auna", "ichna", "ovitch", "evitch", "owitsch", "ewitsch", "owna", "ewna"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
			return true
		}
	}
	return false
}

// monsieur reports whether raw begins with M. and a space, as French
// writes Monsieur before a name.
func monsieur(raw string) bool {
	raw = strings.TrimLeft(raw, " \t")
	return len(raw) > 3 && (raw[0] == 'M' || raw[0] == 'm') && raw[1] == '.' && (raw[2] == ' ' || raw[2] == '\t')
}

func lastWord(unit string) string {
	if i := strings.LastIndexByte(unit, ' '); i >= 0 {
		return unit[i+1:]
	}
	return unit
}

var honorifics = set("mr mrs ms miss mx mister dr doctor prof professor sir dame lord lady rev reverend fr father " +
	"sr sra srta srita senor senora senorita sres lic licda licdo lcdo lcda ing abg abog arq dra dres mtro mtra profa " +
	"herr frau mme mlle madame madam " +
	"sheikh shaikh sheik haji hajji hon capt col gen maj lt sgt dna excellency excmo excma " +
	// South Asian, Malaysian and Indonesian, and West African forms of
	// address and titles written before a name: Shri, Smt. (Shrimati),
	// Mst. (Mosammat), Hj. and Hjh. (Haji, Hajjah), Dato', Datuk, Datin,
	// Encik, Puan, Bapak; Alhaji, Alhaja, Engr., Barr., Mallam (not Chief,
	// which names firms too: Chief Auto Parts).
	"shri shree smt shrimati sushri mst mosammat hj hjh dato datuk datin encik puan bapak bpk " +
	"alhaji alhaja alh engr barr mallam malam " +
	// German degrees after Dr. (Dr. med., Dr. jur., Dr. rer. pol., Dipl.-Ing.), Italian,
	// French and Dutch forms of address.
	"med jur rer pol dipl dott dottssa avv sig signor signora sigra sigg maitre monsieur mevrouw meneer mevr dhr exmo exma")

// formsOfAddress are the honorifics no one bears as a name: a name that is
// one of them alone (a payment party written MR, a record whose given name
// is Sir and whose surname is missing), or a couple's without a name (Mr
// and Mrs, Sr. y Sra., read as "and" and "y"), names no one.
var formsOfAddress = set("mr mrs ms mx mister messrs sir dr prof sr sra srta sres senor senora senorita " +
	"mme mlle madame monsieur dhr mevr")

// splitHonorifics are honorifics of two words, or that nameTokens reads
// as two: Tan Sri and Toh Puan, Malaysia's (Tan is a family name alone).
var splitHonorifics = [][]string{{"sig", "ra"}, {"sig", "na"}, {"dott", "ssa"}, {"tan", "sri"}, {"toh", "puan"}}

// malayTitles are the honorifics Sri or Seri may follow: Dato' Sri, Datuk
// Seri (Sri alone is a given name: Sri Mulyani).
var malayTitles = set("dato datuk datin tan")

// initialHonorifics are honorifics written in initials, one token a letter.
var initialHonorifics = [][]string{{"h", "r", "h"}}

// trailingTitles are the honorifics written after a name, as booking and
// payment systems do ("SMITH/JANE MRS", "PEREZ/MARIA SRA"): only those
// that are never a name. (SR is the generational suffix's: Senior, or
// Señor.)
var trailingTitles = set("mr mrs ms miss mstr mx dr prof sra srta")

// suffixes maps generational suffixes to their canonical form.
var suffixes = map[string]string{
	"jr": "jr", "jnr": "jr", "junior": "jr", "sr": "sr", "snr": "sr", "senior": "sr",
	"ii": "ii", "iii": "iii", "iv": "iv", "2nd": "ii", "3rd": "iii", "4th": "iv",
	"filho": "filho", "neto": "neto", "sobrinho": "sobrinho", "hijo": "hijo",
}

var postNominals = set("esq phd md dds mba cpa qc kc obe mbe cbe")

// particles introduce a surname and stay attached to it.
var particles = set("de del la las los da das do dos di du van von der den ter te le della dalla degli " +
	"bin bint ibn binti al el abu ben bat st ste mac")

// marian complements form compound given names: María del Carmen.
var marian = set("carmen pilar rosario jesus angeles mar sol rocio socorro consuelo lourdes fatima " +
	"mercedes dolores remedios refugio luz guadalupe montserrat asuncion")

var koreanSurnames = map[rune]string{
	'김': "kim", '이': "lee", '박': "park", '최': "choi", '정': "jung", '강': "kang", '조': "cho",
	'윤': "yoon", '장': "jang", '임': "lim", '한': "han", '오': "oh", '서': "seo", '신': "shin",
	'권': "kwon", '황': "hwang", '안': "ahn", '송': "song", '류': "ryu", '홍': "hong",
}

func set(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
