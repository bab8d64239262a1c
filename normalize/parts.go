package normalize

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/concord-er/concord/record"
)

// Parts splits a raw value that writes several values of its kind in one
// cell, as customer files and lists do, into those values; any other value
// is returned whole, as the one part. It splits:
//   - a list of names at semicolons ("Ivan Petrov; Ivan Petroff", as lists
//     exported to CSV write aliases), and at "|" where each item has two
//     words or more (PEREZ|JUAN is one name's parts); each item is then
//     split as a name is below;
//   - a list of identifiers at ";" or "|" where each item has a digit
//     ("R19564947;V29230326": one number glued of two would match
//     neither);
//   - a list of countries at ";" or "|", and at "," or "/" where the cell
//     is no country but each item is one ("VE;CO", "Venezuela /
//     Colombia"; "Korea, Republic of" and "VE/CARACAS" are one);
//   - names at an alias marker: "JUAN PEREZ ALIAS EL GORDO", "Acme Ltd
//     t/a Acme Trading" (t/as too), "Ivan Petrov a.k.a. Ivan Petroff" (the second is
//     another name of the same record, as an alias column's would be);
//   - a name written in two scripts, one after the other: "PETER CHAN
//     陳大文", "IVAN PETROV ИВАН ПЕТРОВ" (scriptParts);
//   - two people's names of a joint account: "JOHN SMITH AND JANE SMITH",
//     "J SMITH OR M SMITH", "JOHN SMITH/JANE SMITH", and "John and Jane
//     Smith" as John Smith and Jane Smith (jointNames, slashedNames);
//   - phones at a separator between numbers: "0212-1234567 / 0414-7654321"
//     (a part of fewer than six digits, such as an area code written
//     "030/1234567", keeps the cell whole);
//   - e-mail addresses at separators, when the cell holds more than one @;
//   - dates at " or " or a semicolon, each part with a year (1962 or
//     1963; 12/05/1962; 13/05/1962), and two bare years at a slash
//     (1962/1963), as watch lists write a date they are not sure of; and a
//     range of years (1960 to 1962, between 1955 and 1958, 1960-1962) as
//     each of its years, when it spans maxYearRange years or fewer (a
//     wider one is one part, which no date reads).
//
// Parts never drops text: every character but the separators, markers
// and the brackets of a name in another script is in one part (and a surname two joint names share, written once, in
// both); a range of years is the one case where parts write more (the
// years between its ends).
func Parts(kind record.Kind, raw string) []string { return AppendParts(nil, kind, raw) }

// AppendParts appends the parts of raw (Parts) to dst: a caller that reads
// them at once can give it room on its stack, as most cells are one part.
func AppendParts(dst []string, kind record.Kind, raw string) []string {
	if len(raw) > MaxLength(kind) {
		return append(dst, raw)
	}
	switch {
	case kind.IsName() && strings.ContainsAny(raw, ";|"):
		for _, p := range listParts(raw, ";", 1) {
			for _, q := range listParts(p, "|", 2) {
				dst = appendNameParts(dst, kind, q)
			}
		}
		return dst
	case kind.IsName():
		return appendNameParts(dst, kind, raw)
	case kind == record.KindIdentifier && strings.ContainsAny(raw, ";|"):
		if parts := listParts(raw, ";|", 0); !slices.ContainsFunc(parts, func(p string) bool { return countDigits(p) == 0 }) {
			return append(dst, parts...)
		}
	case kind == record.KindCountry && strings.ContainsAny(raw, ";|"):
		return append(dst, listParts(raw, ";|", 0)...)
	case kind == record.KindCountry && strings.ContainsAny(raw, ",/"):
		if _, err := Country(raw); err != nil {
			if parts := listParts(raw, ",/", 0); len(parts) > 1 && !slices.ContainsFunc(parts, notCountry) {
				return append(dst, parts...)
			}
		}
	case kind == record.KindPhone:
		if countDigits(raw) >= 12 && mayHoldPhones(raw) {
			return appendSplit(dst, raw, phoneSeparator, func(p string) bool { return countDigits(p) >= 6 })
		}
	case kind == record.KindEmail:
		if strings.Count(raw, "@") > 1 {
			return appendSplit(dst, raw, emailSeparator, func(p string) bool { return strings.Contains(p, "@") })
		}
	case kind == record.KindDate && longDigitRuns(raw) >= 2:
		// Every form below writes two years (or dates) at least: a date
		// alone, which has one, skips the expressions.
		if lo, hi, ok := yearRange(raw); ok {
			for y := lo; y <= hi; y++ {
				dst = append(dst, strconv.Itoa(y))
			}
			return dst
		}
		if bareYears.MatchString(raw) {
			return appendSplit(dst, raw, yearSlash, nil)
		}
		return appendSplit(dst, raw, dateAlternative, func(p string) bool { return fourDigits.MatchString(p) })
	}
	return append(dst, raw)
}

// appendNameParts appends the names one name's cell writes (Parts: at an
// alias marker, two people's names) to dst.
func appendNameParts(dst []string, kind record.Kind, raw string) []string {
	if mayHold(raw, aliasHints) && aliasMarker.MatchString(raw) {
		return appendSplit(dst, raw, aliasMarker, nil)
	}
	if kind != record.KindOrgName && mayHold(raw, jointHints) {
		if a, b, ok := jointNames(raw); ok {
			return append(dst, a, b)
		}
	}
	if kind != record.KindOrgName && strings.Count(raw, "/") == 1 {
		if a, b, ok := slashedNames(raw); ok {
			return append(dst, a, b)
		}
	}
	if !isASCII(raw) {
		if a, b, ok := scriptParts(raw); ok {
			return append(dst, a, b)
		}
	}
	return append(dst, raw)
}

// scriptParts cuts a name written in two scripts, one after the other,
// into the two: PETER CHAN 陳大文, JOHN WANG (王约翰), 김민준 KIM MIN JUN, as
// Hong Kong and Korean customer files write both in one cell, and IVAN
// PETROV ИВАН ПЕТРОВ or ABDUL RAHMAN عبد الرحمن: two names of one party,
// each read in its own script (together, the second would read as more
// given names). Only where each word is of one script, and each part of
// two words or more, but a Chinese or Korean one (ATTN 王小明, 王 小明
// PETER and MOHAMMED محمد stay whole).
func scriptParts(raw string) (first, second string, ok bool) {
	cut, words := -1, [2]int{}
	prev := scriptNone
	for start := 0; start < len(raw); {
		for start < len(raw) && (raw[start] == ' ' || raw[start] == '\t') {
			start++
		}
		end := start
		for end < len(raw) && raw[end] != ' ' && raw[end] != '\t' {
			end++
		}
		if start == end {
			break
		}
		script := wordScript(raw[start:end])
		if script == scriptMixed {
			return "", "", false
		}
		if script != scriptNone {
			if prev != scriptNone && script != prev {
				if cut >= 0 {
					return "", "", false // a third run
				}
				cut = start
			}
			prev = script
			part := 0
			if cut >= 0 {
				part = 1
			}
			words[part]++
			if script == scriptCJK {
				words[part] = max(words[part], 2) // a Chinese or Korean name is often one word
			}
		}
		start = end
	}
	if cut < 0 || words[0] < 2 || words[1] < 2 {
		return "", "", false
	}
	return unbracketed(raw[:cut]), unbracketed(raw[cut:]), true
}

// The scripts of a word, for scriptParts.
const (
	scriptNone  = iota // no letters
	scriptMixed        // letters of two scripts
	scriptLatin
	scriptCJK // Chinese, Japanese and Korean
	scriptCyrillic
	scriptArabic
	scriptGreek
	scriptHebrew
	scriptOther
)

// wordScript returns the script of w's letters.
func wordScript(w string) int {
	script := scriptNone
	for _, r := range w {
		if !unicode.IsLetter(r) {
			continue
		}
		var sc int
		switch {
		case r < 0x250 || unicode.Is(unicode.Latin, r):
			sc = scriptLatin
		case isCJK(r) || unicode.In(r, unicode.Hiragana, unicode.Katakana):
			sc = scriptCJK
		case unicode.Is(unicode.Cyrillic, r):
			sc = scriptCyrillic
		case isArabic(r):
			sc = scriptArabic
		case unicode.Is(unicode.Greek, r):
			sc = scriptGreek
		case unicode.Is(unicode.Hebrew, r):
			sc = scriptHebrew
		default:
			sc = scriptOther
		}
		if script != scriptNone && sc != script {
			return scriptMixed
		}
		script = sc
	}
	return script
}

// unbracketed is s trimmed, without the brackets it is written in:
// (王约翰) is 王约翰.
func unbracketed(s string) string {
	s = strings.TrimSpace(s)
	for _, b := range [][2]string{{"(", ")"}, {"[", "]"}, {"（", "）"}} {
		if t, ok := strings.CutPrefix(s, b[0]); ok {
			if t, ok := strings.CutSuffix(t, b[1]); ok {
				return strings.TrimSpace(t)
			}
		}
	}
	return s
}

// listParts cuts raw at each of the bytes seps, a list's separators, into
// its items, trimmed; blank items (a trailing separator) are left out, as
// separators are. A cut is made only where every item has minWords words
// or more (0 for any; a "|" between the words of one name, SURNAME|GIVEN,
// is no list): else raw is the one item.
func listParts(raw, seps string, minWords int) []string {
	var parts []string
	for p := range strings.FieldsFuncSeq(raw, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if len(Tokens(p)) < minWords {
			return []string{raw}
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return []string{raw}
	}
	return parts
}

// notCountry reports whether an item of a list of countries is not one.
func notCountry(p string) bool {
	_, err := Country(p)
	return err != nil
}

// maxYearRange is the most years a range of years may span to be read as
// each of them: a wider one says too little to tell people apart by.
const maxYearRange = 5

var (
	// yearRangeForm is a range of years: 1960 to 1962, between 1955 and
	// 1958, from 1960 until 1962, 1960-1962, 1960–62 is not one (its end
	// is two digits).
	yearRangeForm = regexp.MustCompile(`(?i)^\s*(?:between\s+|from\s+)?([0-9]{4})\s*(?:-|–|—|\bto\b|\band\b|\buntil\b|\btill\b|\bthrough\b)\s*([0-9]{4})\s*$`)
	// bareYears is two years written with a slash between them.
	bareYears = regexp.MustCompile(`^\s*[0-9]{4}\s*/\s*[0-9]{4}\s*$`)
	yearSlash = regexp.MustCompile(`\s*/\s*`)
	// dateAlternative separates dates a list is not sure of.
	dateAlternative = regexp.MustCompile(`(?i)\s*(?:;|\s(?:or|o|ou|oder)\s)\s*`)
	fourDigits      = regexp.MustCompile(`[0-9]{4}`)
)

// longDigitRuns counts the runs of four digits or more in s, as many as a
// cell writes years (19620517 is one run).
func longDigitRuns(s string) int {
	runs, n := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			n++
			continue
		}
		if n >= 4 {
			runs++
		}
		n = 0
	}
	return runs
}

// yearRange reads raw as a range of years (yearRangeForm) that starts in
// the year 1000 or later and ends after its start by maxYearRange years or
// fewer.
func yearRange(raw string) (lo, hi int, ok bool) {
	m := yearRangeForm.FindStringSubmatch(raw)
	if m == nil {
		return 0, 0, false
	}
	lo, _ = strconv.Atoi(m[1])
	hi, _ = strconv.Atoi(m[2])
	return lo, hi, lo >= 1000 && hi > lo && hi-lo <= maxYearRange
}

// jointNames reads a cell that names two people, as joint accounts and
// payments to them write it, as their two names: "JOHN SMITH AND JANE
// SMITH" and "MR JOHN SMITH & MRS JANE SMITH" are John Smith and Jane
// Smith; a surname the two share written once is each one's: "John and
// Jane Smith", "SMITH, JOHN AND JANE", "SMITH/JOHN & JANE". It splits only
// where the words say two people: each side has a common given name first
// (givenNames) or an honorific, both end in the same surname, or both
// start with the same surnames before a given name (surnamesFirst). Anything
// else is one name: a couple's honorifics (Mr and Mrs J Smith, read by the
// name's parser), a firm named after people (SMITH AND JONES, ERNST &
// YOUNG GLOBAL), a name that reads as an organisation's.
func jointNames(raw string) (a, b string, ok bool) {
	m := jointMarker.FindAllStringIndex(raw, 2)
	if len(m) != 1 || IsOrgName(raw) {
		return "", "", false
	}
	left, right := strings.TrimSpace(raw[:m[0][0]]), strings.TrimSpace(raw[m[0][1]:])
	lw, lHon := jointWords(left)
	rw, rHon := jointWords(right)
	if len(lw) == 0 || len(rw) == 0 || strings.ContainsAny(right, ",/") {
		return "", "", false
	}
	// SMITH, JOHN AND JANE; SMITH/JOHN AND MARY ANNE: the surname before
	// the comma or slash, given names after it on both sides (SMITH, JOHN
	// AND JANE DOE says too little).
	if i := strings.IndexAny(left, ",/"); i >= 0 {
		given := strings.TrimSpace(left[i+1:])
		if i == 0 || given == "" || strings.ContainsAny(given, ",/") || len(rw) > 2 ||
			slices.ContainsFunc(rw, func(w string) bool { return !givenNames[w] }) {
			return "", "", false
		}
		sep := left[i : i+1]
		if sep == "," {
			sep = ", "
		}
		return left, strings.TrimSpace(left[:i]) + sep + right, true
	}
	people := lHon > 0 && rHon > 0 || givenNames[lw[0]] && givenNames[rw[0]]
	switch {
	case len(lw) >= 2 && len(rw) >= 2 && (people || lw[len(lw)-1] == rw[len(rw)-1] || surnamesFirst(lw, rw)):
		return left, right, true
	case len(lw) == 1 && len(rw) >= 2 && people:
		// John and Jane Smith, John and Mary Anne de la Cruz: her words
		// after her given names are his surname too.
		k := 1
		for k < len(rw)-1 && givenNames[rw[k]] {
			k++
		}
		// Her surname as written: the words after as many tokens as her
		// honorifics and given names are (a word may be two tokens:
		// Marie-Claire); none when her given names end inside a word.
		f, n, i := strings.Fields(right), 0, 0
		for ; i < len(f) && n < rHon+k; i++ {
			n += len(Tokens(f[i]))
		}
		if n != rHon+k || i == len(f) {
			return "", "", false
		}
		return left + " " + strings.Join(f[i:], " "), right, true
	}
	return "", "", false
}

// surnamesFirst reports whether two people's names are written surnames
// first, as Latin American and bank files write them, with the same
// surnames: both start with the same words and go on with a common given
// name (PEREZ GARCIA JUAN Y PEREZ GARCIA MARIA, SMITH JOHN OR SMITH MARY).
func surnamesFirst(a, b []string) bool {
	k := 0
	for k < len(a) && k < len(b) && a[k] == b[k] {
		k++
	}
	return k >= 1 && k < len(a) && k < len(b) && givenNames[a[k]] && givenNames[b[k]]
}

// slashedNames reads a cell that writes two people's full names with a
// slash between them, as a joint account's holders: each side two words
// or more starting with a common given name, and both ending with one
// surname ("JOHN SMITH/JANE SMITH") or both written with an honorific
// ("MR JOHN SMITH/MRS JANE DOE"). SURNAME/GIVEN stays one name, though
// its surname be a given name too ("LORENZO CASTILLO/PATRICIA ADRIANA").
func slashedNames(raw string) (a, b string, ok bool) {
	left, right, _ := strings.Cut(raw, "/")
	lw, lHon := jointWords(left)
	rw, rHon := jointWords(right)
	if len(lw) < 2 || len(rw) < 2 || !givenNames[lw[0]] || !givenNames[rw[0]] || strings.Contains(raw, ",") || IsOrgName(raw) {
		return "", "", false
	}
	if lw[len(lw)-1] != rw[len(rw)-1] && (lHon == 0 || rHon == 0) {
		return "", "", false
	}
	return strings.TrimSpace(left), strings.TrimSpace(right), true
}

// jointWords returns the words of one side of a joint name but the
// honorifics before them, and how many of those there were.
func jointWords(side string) (words []string, honorificWords int) {
	words = Tokens(side)
	for len(words) > 0 && honorifics[words[0]] {
		words, honorificWords = words[1:], honorificWords+1
	}
	return words, honorificWords
}

var (
	// jointMarker joins two people's names: and, &, and Spanish y, French
	// et, German und (not Portuguese e: an initial as often); or, and/or
	// and &/or, as banks write a joint account either holder may draw on
	// ("JOHN SMITH OR JANE SMITH"; not Spanish o, an initial as often).
	jointMarker = regexp.MustCompile(`(?i)\s(?:and/or|&/or|and|&|y|et|und|or)\s`)
	// jointHints are mayHold's hints of jointMarker.
	jointHints = hintsOf(" and ", " & ", " y ", " et ", " und ", " or ", "/or ")
)

// mayHoldPhones is a quick test, true of every phone cell phoneSeparator
// matches: a separator, or a word between two numbers.
func mayHoldPhones(raw string) bool {
	if strings.ContainsAny(raw, ";,|/") {
		return true
	}
	l := strings.ToLower(raw)
	for _, w := range []string{" y ", " o ", " or ", " and ", " ou ", " oder "} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// mayHold is a quick test of raw, lower-cased in its ASCII letters, for
// any of hints: true of every value a regular expression of the hints'
// words matches (not the other way round), so that most values are read
// without it. It reads raw once, whatever the number of hints: only where
// a hint's first two bytes are does it compare the hints there.
func mayHold(raw string, h *hints) bool {
	var buf [256]byte
	b := buf[:0]
	if len(raw) > len(buf) {
		b = make([]byte, 0, len(raw))
	}
	for i := range len(raw) {
		c := raw[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	for i, c := range b {
		if h.single[c] {
			return true
		}
		if i+1 == len(b) {
			break
		}
		if k := uint16(c)<<8 | uint16(b[i+1]); h.pairs[k>>6]&(1<<(k&63)) != 0 {
			for _, w := range h.words {
				if bytes.HasPrefix(b[i:], w) {
					return true
				}
			}
		}
	}
	return false
}

// hints are the words mayHold looks for: those of one byte, and the first
// two bytes of the others as a set of 65,536 bits.
type hints struct {
	words  [][]byte
	single [256]bool
	pairs  [1024]uint64
}

// hintsOf returns words as hints for mayHold.
func hintsOf(words ...string) *hints {
	h := &hints{}
	for _, w := range words {
		switch len(w) {
		case 0:
		case 1:
			h.single[w[0]] = true
		default:
			h.words = append(h.words, []byte(w))
			k := uint16(w[0])<<8 | uint16(w[1])
			h.pairs[k>>6] |= 1 << (k & 63)
		}
	}
	return h
}

// aliasHints are mayHold's hints of aliasMarker.
var aliasHints = hintsOf("aka", "a.k", "a/k", "fka", "f.k", "nka", "n.k", "alias", "known as", "dba", "d.b", "t/a",
	"trading as", "doing business", "conocid", "(formerly", "(previously", "(anteriormente", "(antes")

func countDigits(s string) int {
	n := 0
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// appendSplit appends to dst the parts of raw cut at each match of sep,
// or raw whole unless every part is non-blank and passes keep (when given).
func appendSplit(dst []string, raw string, sep *regexp.Regexp, keep func(string) bool) []string {
	if !sep.MatchString(raw) {
		return append(dst, raw)
	}
	parts := sep.Split(raw, -1)
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" || keep != nil && !keep(parts[i]) {
			return append(dst, raw)
		}
	}
	return append(dst, parts...)
}

var (
	// aliasMarker is a word that introduces another name of the same
	// party, between two names.
	aliasMarker    = regexp.MustCompile(`(?i)\s*(?:(?:\(|\b)(?:a\.?k\.?a\.?|a/k/a|f\.?k\.?a\.?|n\.?k\.?a\.?|alias|also known as|formerly known as|d\.?b\.?a\.?|t/as?|trading as|doing business as|tambi[eé]n conocid[oa] como|conocid[oa] como|alias de)(?:\s*:)?(?:\)|\s)|\(\s*(?:formerly|previously|anteriormente|antes)\s)\s*`)
	phoneSeparator = regexp.MustCompile(`(?i)\s*(?:[;,|/]|\s(?:y|o|or|and|ou|oder)\s)\s*`)
	emailSeparator = regexp.MustCompile(`[;,\s]+`)
)
