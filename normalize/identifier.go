package normalize

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/concord-er/concord/record"
)

// Identifier folds an identifier (national id, passport, tax or company
// number) to upper-case ASCII letters and digits: "v-12.345.678" → V12345678.
// The words a list or a form writes around the number are not part of it:
// a label before it ("Passport No. AB123456", "NIT 900.123.456-7",
// "Cédula de Identidad 12345678") and a note after it ("AB123456
// (Venezuela)"), so that each reads as the bare number another source
// writes. A letter standing alone is kept (V-12.345.678, 12345678 Z). So is
// a check character in brackets (Hong Kong's A123456(7), A123456 (7)), while
// a longer note in brackets apart from the number goes, digits and all
// ("AB1234567 (exp 2030)"), and so do the document's dates after it
// ("725178914 (Russia) expires 12 Dec 2023", "AB123456 issued 2015").
func Identifier(raw string) (string, error) {
	raw, err := spreadsheetNumber("identifier", raw)
	if err != nil {
		return "", err
	}
	if t := idNote.ReplaceAllStringFunc(raw, func(note string) string {
		if utf8.RuneCountInString(strings.TrimSpace(note)) <= 3 { // " (7)"
			return note
		}
		return " "
	}); hasDigit(t) {
		raw = t
	}
	id := strings.ToUpper(strings.Join(numberTokens(Tokens(raw)), ""))
	if id == "" {
		return "", fmt.Errorf("%w: identifier %q has no letters or digits", ErrEmpty, raw)
	}
	return withoutLeadingZeros(id), nil
}

// withoutLeadingZeros returns a number written in digits alone without
// the zeros it starts with, when four digits or more are left: a
// spreadsheet drops them (00123456 in one file is 123456 in another), and
// kept they would be two numbers that disagree outright. A number with a
// letter (V00123456) is kept as written.
func withoutLeadingZeros(id string) string {
	if id == "" || id[0] != '0' || strings.IndexFunc(id, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return id
	}
	if t := strings.TrimLeft(id, "0"); len(t) >= 4 {
		return t
	}
	return id
}

// numberTokens returns the tokens of an identifier without the label
// words before its first token with a digit and the words of two or more
// letters after its last (a country, a country's code); an identifier with
// no digit is kept whole.
func numberTokens(toks []string) []string {
	first := slices.IndexFunc(toks, hasDigit)
	if first < 0 {
		return toks
	}
	lo := 0
	for lo < first {
		if isLabel(toks[lo]) {
			lo++
			continue
		}
		if courtLabels[toks[lo]] && lo+1 < first {
			lo += 2 // the court and its town: Amtsgericht Hamburg, RCS Paris
			continue
		}
		// A label in initials (C.I., R.I.F.), perhaps before the
		// letter of the number itself (C.I. V-12.345.678).
		k := lo
		for k < first && len(toks[k]) == 1 {
			k++
		}
		for ; k >= lo+2 && !isLabel(strings.Join(toks[lo:k], "")); k-- {
		}
		if k < lo+2 {
			break
		}
		lo = k
	}
	hi := len(toks)
	// A document's dates after its number: "725178914 (Russia) expires
	// 12 Dec 2023", "issued 2015".
	if j := slices.IndexFunc(toks[first+1:], func(w string) bool { return idDateNotes[w] }); j >= 0 {
		hi = first + 1 + j
	}
	for hi > first+1 && !hasDigit(toks[hi-1]) && len(toks[hi-1]) >= 2 {
		hi--
	}
	return toks[lo:hi]
}

// idDateNotes are the words that introduce, after an identifier, the
// dates of the document it numbers: they and what follows are no part of
// it.
var idDateNotes = set("expires expiring expiry expired exp issued issue valid validity until vence vencimiento vencido emitido emitida expedido expedida emision valido valida hasta ausgestellt gultig")

// idNote matches a note in brackets written apart from what comes before.
var idNote = regexp.MustCompile(`\s+(?:\([^()]*\)|\[[^\[\]]*\])`)

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// idLabels are the words that name an identifier's kind or say "number",
// folded, as lists and forms in English, Spanish, Portuguese, French and
// German write them before the number.
var idLabels = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`passport passports pasaporte passaporte passeport reisepass pass pas pp
		no nr nro num numb number numbers numero ndeg nos
		id ident identity identidad identification identificacion identificacao identite card tarjeta carte ausweis
		cedula ci cc ce ti dni nie nif cif nit rif ruc rut cuit cuil curp rfc cpf cnpj rg ssn sin tin ein itin vat tax fiscal
		national nacional nationale personal personnel de del da do of
		reg registration registro register company companies crn inn ogrn kpp
		driver drivers driving licence license licencia permis carteira`) {
		m[w] = true
	}
	return m
}()

// fieldLabels are the labels an identifier's own field may write before
// it besides idLabels: of bank accounts, company registers, tax numbers.
// A name's words are never read with them: Pan, Lei and House are names
// too (see withoutNumbers). ACC and ACCT are not among them: ACC-0001 is
// as often an account's whole id as a label and its number.
var fieldLabels = set(`iban bic swift account cuenta conta compte konto
	siren siret kvk house ust idnr tva iva mwst btw steuernummer steuer steuerid codice fiscale partita piva
	ni nino insurance utr abn acn nzbn gst pan aadhaar nric uen hkid trn eori lei duns`)

// isLabel reports whether an identifier's field may write w before it.
func isLabel(w string) bool { return idLabels[w] || fieldLabels[w] }

// courtLabels name the register a company number is in by its court
// or town, the word after them (Amtsgericht Hamburg HRB 12345, RCS Paris B
// 552 120 222).
var courtLabels = map[string]bool{"amtsgericht": true, "registergericht": true, "rcs": true}

// Postcode folds a postal code to upper-case ASCII letters and digits:
// "sw1a 1aa" → SW1A1AA, "1012 LG" → 1012LG, "01310-100" → 01310100. The
// words before its first part with a digit are a label or a country's
// prefix (CP, C.P., CEP, PLZ, ZIP, NL-, SE-) and go; after its last, the
// letters that are part of the code are kept (the Netherlands' 1012 LG,
// Argentina's C1043 AAB: lettersAfter), any other word (a town, a state,
// a country) goes. A US ZIP+4 is its five digits, as in an address line.
func Postcode(raw string) (string, error) {
	raw, err := spreadsheetNumber("postcode", raw)
	if err != nil {
		return "", err
	}
	toks := Tokens(raw)
	first := slices.IndexFunc(toks, hasDigit)
	if first < 0 {
		if len(toks) == 0 {
			return "", fmt.Errorf("%w: postcode %q has no letters or digits", ErrEmpty, raw)
		}
		return strings.ToUpper(strings.Join(toks, "")), nil
	}
	last := first
	for i := first; i < len(toks); i++ {
		if hasDigit(toks[i]) {
			last = i
		}
	}
	if k := last + 1; k < len(toks) && !hasDigit(toks[k]) && lettersAfter(toks[last]) == len(toks[k]) {
		last = k
	}
	pc := strings.Join(toks[first:last+1], "")
	if m := zipPlus4.FindStringSubmatch(pc); m != nil {
		pc = m[1]
	}
	return strings.ToUpper(pc), nil
}

// lettersAfter returns how many letters a postcode's part of digits takes
// after it as a word of its own: two after four digits (the Netherlands'
// 1012 LG), three after a letter and four digits (Argentina's C1043 AAB);
// else none (2000 NSW: a state after Australia's code).
func lettersAfter(digits string) int {
	switch {
	case nlDigits.MatchString(digits):
		return 2
	case arDigits.MatchString(digits):
		return 3
	}
	return 0
}

// PostcodeFacets returns the areas a folded postcode (Postcode) names,
// from the largest to the smallest short of the whole code, for the
// countries whose codes are written so that their parts can be read: the
// UK's area, district (outward code) and sector (SW, SW1A, SW1A1 of
// SW1A1AA), Canada's province letter and forward sortation area (K, K1A
// of K1A0B1), and the Netherlands' region, district and street's first
// letter (10, 1012, 1012L of 1012LG). Codes of digits alone (a US ZIP, a
// German PLZ, Febrl's Australian codes) are divided otherwise in each
// country and get none; nor does anything else.
func PostcodeFacets(pc string) record.Facets {
	// The forms ParseAddress finds a postcode in a line by, matched here
	// against the whole folded code.
	if m := wholeMatch(ukPostcode, pc); m != nil {
		outward, inward := m[1], m[2]
		area := outward[:strings.IndexFunc(outward, unicode.IsDigit)]
		return record.MakeFacets("area", area, "district", outward, "sector", outward+inward[:1])
	}
	if m := wholeMatch(caPostcode, pc); m != nil {
		return record.MakeFacets("area", m[1][:1], "district", m[1])
	}
	if m := wholeMatch(nlPostcode, pc); m != nil {
		return record.MakeFacets("area", m[1][:2], "district", m[1], "sector", m[1]+m[2][:1])
	}
	return nil
}

// wholeMatch returns re's submatches when it matches the whole of s, else
// nil.
func wholeMatch(re *regexp.Regexp, s string) []string {
	if m := re.FindStringSubmatch(s); m != nil && m[0] == s {
		return m
	}
	return nil
}

var (
	nlDigits = regexp.MustCompile(`^[1-9][0-9]{3}$`)
	arDigits = regexp.MustCompile(`^[a-z][0-9]{4}$`)
	// zipPlus4 matches a US ZIP+4 as Tokens leaves it (10001 1234 joined).
	zipPlus4 = regexp.MustCompile(`^([0-9]{5})[0-9]{4}$`)
)

// townOf returns the town of a city cell without the state or district a
// form writes after it: "Valencia, Carabobo", "CARACAS - DTTO CAPITAL",
// "Caracas (D.C.)", "Bogotá D.C.", "México D.F." are Valencia, Caracas,
// Bogotá and México, as another source writes them. A cell with nothing
// before the separator is kept whole.
func townOf(raw string) string {
	if m := townEnd.FindStringIndex(raw); m != nil && len(Tokens(raw[:m[0]])) > 0 {
		raw = raw[:m[0]]
	}
	if m := districtSuffix.FindStringIndex(raw); m != nil && len(Tokens(raw[:m[0]])) > 0 {
		raw = raw[:m[0]]
	}
	return raw
}

var (
	// townEnd matches what separates a town from its state or district.
	townEnd = regexp.MustCompile(`,|\(|\s[-–—/]\s`)
	// districtSuffix matches a capital district's initials after a town.
	districtSuffix = regexp.MustCompile(`(?i)\s+(?:d\.\s?[cf]\.?|dc|df)\s*$`)
)

// City folds a place name and expands the usual abbreviations
// (St → saint, Mt → mount, Ft → fort, Sta → santa, Sto → santo).
func City(raw string) []string {
	toks := Tokens(raw)
	for i, t := range toks {
		if e, ok := cityAbbrev[t]; ok && (i == 0 || t != "st") {
			toks[i] = e
		}
	}
	return toks
}

var cityAbbrev = map[string]string{"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "sta": "santa", "sto": "santo", "pto": "puerto", "sn": "san"}
