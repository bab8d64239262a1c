package normalize

import (
	"regexp"
	"slices"
	"strings"

	"github.com/concord-er/concord/record"
)

// Address is a normalised postal address.
type Address struct {
	Tokens   []string // folded, abbreviations expanded, number and postcode removed
	Number   string   // house number, e.g. "12a"; "" when none
	Postcode string   // upper case, no spaces; "" when none
	// Unit is the flat, floor or office within the building ("flat 2",
	// "apartamento 3 b"), wherever the line writes it; "" when none. It is
	// not among Tokens: an address with it and one without are the same
	// building (see compare's contained level), two units differ.
	Unit string
	// Locality is the town the line ends with, after its last comma, as a
	// city is normalised ("98 Victoria Street, Caracas" → caracas); ""
	// when none (see addressLocality).
	Locality string
}

// Norm returns number, street tokens, unit and postcode in one canonical
// line.
func (a Address) Norm() string {
	parts := make([]string, 0, len(a.Tokens)+2)
	if a.Number != "" {
		parts = append(parts, a.Number)
	}
	parts = append(parts, a.Tokens...)
	if a.Unit != "" {
		parts = append(parts, a.Unit)
	}
	if a.Postcode != "" {
		parts = append(parts, strings.ToLower(a.Postcode))
	}
	return strings.Join(parts, " ")
}

// Value returns a with facets number, postcode, street, start, unit and
// locality.
func (a Address) Value() record.Value {
	return record.Value{Norm: a.Norm(), Tokens: a.Tokens, Facets: record.MakeFacets(
		"number", a.Number, "postcode", a.Postcode, "street", strings.Join(a.Tokens, " "), "start", a.Start(), "unit", a.Unit, "locality", a.Locality)}
}

// Start returns where the address begins: the house number and the first
// two words of the street (or its one word, Hauptstraße), particles aside
// (12 rue de la Paix: "12 rue paix", not the "12 rue de" of every street
// of Paris), or the one word of a street named by one (146 Kingsway); ""
// without a number (the first words of a street alone are shared by the
// whole street) or with a kind of street alone (Calle 12). It is the
// same in "118-4 Calle 27" and in a payment message's "118-4 CALLE 27
// SOUTH HATFIELD", which writes the city into the line and may cut it
// short.
//
// An address with no number that names its building (a quinta, an
// edificio, residencias, a torre, a casa: "Urb. Sucre, Qta. Ordaz", as
// Venezuelan addresses are written) begins with the first two words of
// the place and the building's word and name: "urbanizacion sucre quinta
// ordaz", whatever comes after the name. Without a building named, ""
// (the place's words alone are shared by every house in it).
func (a Address) Start() string {
	if a.Number == "" {
		return a.buildingStart()
	}
	var words []string
	for _, t := range a.Tokens {
		if particles[t] {
			continue
		}
		// A street whose one word names it, as German, Dutch and
		// Scandinavian compounds do (Hauptstraße 12, Keizersgracht 123):
		// the town a line may write after it is no part of it.
		if len(words) == 0 && compoundStreet(t) {
			return a.Number + " " + t
		}
		words = append(words, t)
		if len(words) == 2 {
			return a.Number + " " + words[0] + " " + words[1]
		}
	}
	// A street of one word, as many are (146 Kingsway, 90 BROADWAY, FLAT
	// 27): the house and it; but not a kind of street alone, whose number
	// is the street's (Calle 12, Carrera 15: every house of it).
	if len(words) == 1 && !streetKindWords[words[0]] {
		return a.Number + " " + words[0]
	}
	return ""
}

// streetKindWords are kinds of street as ParseAddress writes them, which
// name no street alone.
var streetKindWords = set("street road avenue avenida boulevard lane court place crescent highway parade terrace " +
	"circuit circle square parkway drive way walk close row mews hill green grove gardens " +
	"calle carrera diagonal transversal pasaje paseo carretera autopista urbanizacion manzana barrio colonia " +
	"plaza conjunto sector rua travessa largo praca alameda strasse rue impasse via")

// compoundStreets are the endings of one-word street names.
var compoundStreets = []string{"strasse", "weg", "gasse", "platz", "allee", "damm", "ufer", "gracht", "straat", "laan", "plein", "kade", "singel", "steeg", "gade", "gatan", "vagen", "veien", "gata"}

// compoundStreet reports whether w, a word longer than its ending, ends
// with the ending of a street's name.
func compoundStreet(w string) bool {
	for _, e := range compoundStreets {
		if len(w) > len(e)+2 && strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// buildingStart is Start of an address with no number: the first words
// of the place before the first building word, that word and the name
// after it; "" when no building word comes after a place's word.
func (a Address) buildingStart() string {
	t := a.Tokens
	for j := 1; j+1 < len(t); j++ {
		if !buildingWords[t[j]] || buildingWords[t[j+1]] {
			continue
		}
		place := t[0]
		if j > 1 {
			place += " " + t[1]
		}
		return place + " " + t[j] + " " + t[j+1]
	}
	return ""
}

// buildingWords name a building that has a name of its own, in the
// expanded form ParseAddress gives them.
var buildingWords = map[string]bool{"quinta": true, "edificio": true, "residencias": true, "torre": true, "casa": true}

var (
	// postcodes with letters, matched on the upper-cased raw text: UK, Canada, Netherlands.
	ukPostcode = regexp.MustCompile(`\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b`)
	caPostcode = regexp.MustCompile(`\b([A-Z][0-9][A-Z]) ?([0-9][A-Z][0-9])\b`)
	nlPostcode = regexp.MustCompile(`\b([1-9][0-9]{3}) ?([A-Z]{2})\b`)
	usZip4     = regexp.MustCompile(`\b([0-9]{5})-[0-9]{4}\b`)
	brCEP      = regexp.MustCompile(`\b([0-9]{5})-([0-9]{3})\b`)
	ptPostcode = regexp.MustCompile(`\b([1-9][0-9]{3})-([0-9]{3})\b`)
	// arCPA is Argentina's postcode (Código Postal Argentino): the
	// province's letter (any but I, O and Ñ), the town's four digits and
	// three letters of the block face, C1043AAB.
	arCPA = regexp.MustCompile(`\b([A-HJ-NP-Z][0-9]{4}[A-Z]{3})\b`)
	// sgPostcode is a Singapore postcode written with its S: S560123,
	// read as its six digits, as Singapore 560123 is.
	sgPostcode = regexp.MustCompile(`\bS ?([0-9]{6})\b`)
	houseNum   = regexp.MustCompile(`^[0-9]{1,5}[a-z]?$`)
	// markedNum is a number after a number sign (# 12, Nº 12, No. 12, Nro
	// 12, Núm. 12, and India's H.No. 12): the house number, with the part
	// after a hyphen that Colombian addresses give it (Cra. 15 No. 93-60:
	// carrera 15, house 93-60), and the parts Hyderabad's give it
	// (H.No. 12-3-456, 8-2-293/82).
	markedNum = regexp.MustCompile(`(?:#|№|\b(?i:(?:h\.\s?)?n[º°]|(?:h\.\s?)?n[oº°]\.?|nro\.?|n[uú]m(?:ero)?\.?))\s*([0-9]{1,5}[a-zA-Z]?)(?:\s*-\s*([0-9]{1,4}[a-zA-Z]?(?:[-/][0-9]{1,4}[a-zA-Z]?){0,3}))?\b`)
	numDigits = regexp.MustCompile(`^[0-9]{4,6}$`)
	// slashUnit is a unit and a house number written with a slash at the
	// start of a line (5/12 Smith St, Unit 5/12), as Australian addresses
	// write them.
	slashUnit = regexp.MustCompile(`^\s*(?i:(?:unit|u|flat|apt|shop|suite)\.?\s*)?([0-9]{1,4}[a-zA-Z]?)\s*/\s*([0-9]{1,5}[a-zA-Z]?)\s`)
	// gridNum is a Colombian grid address: a street of the grid and its
	// number (a letter, "bis", a quadrant perhaps), then the house as the
	// cross street's number and the distance from it, with a hyphen or a
	// space, after a number sign or, as payment messages (whose character
	// set has no "#") and the tax office's standard form write it, none:
	// "Cra. 15 No. 93-60", "CARRERA 15 NO 93 60", "CL 72 61-79", "DIAGONAL
	// 40 A SUR 20 15". Only the grid's street types count: "Calle Mayor 5"
	// has one number.
	// partsNum is a house number of three parts or more at the start of a
	// line, as Hyderabad writes them (12-3-456, 8-2-293/82), unmarked.
	partsNum = regexp.MustCompile(`^\s*([0-9]{1,4}(?:-[0-9]{1,4}[a-zA-Z]?){2,}(?:/[0-9]{1,4}[a-zA-Z]?){0,2})\b`)
	// blockNum is a Singapore block's number (Blk 123, Block 45A), the
	// house of an estate's address, and sgUnit the floor and flat after a
	// number sign (#05-67) such an address writes.
	blockNum = regexp.MustCompile(`(?i)(?:^|[\s,])(?:blk|block)\.?\s*([0-9]{1,4}[a-z]?)\b`)
	sgUnit   = regexp.MustCompile(`#\s*([0-9]{1,3})\s*-\s*([0-9]{1,5}[a-zA-Z]?)\b`)
	// slashFloor is a floor as Hong Kong writes it: 12/F, G/F (ground),
	// UG/F and LG/F (upper and lower ground), M/F (mezzanine).
	slashFloor = regexp.MustCompile(`(?i)(?:^|[\s,;])([0-9]{1,3}|g|ug|lg|m)\s?/\s?f\b\.?`)
	gridNum    = regexp.MustCompile(`(?i)^\s*(?:(?:avenida|avda\.?|av\.?)\s+)?(?:calle|cll?|carrera|cra|kra?|transversal|transv|trv|tv|diagonal|dg)\.?\s+[0-9]{1,3}(?:\s?[a-z]\b)?(?:\s+bis\b)?(?:\s+[a-z]\b)?(?:\s+(?:sur|este|norte|oeste)\b)?(\s*(?:#|№|\bn[º°]|\bnro\.?|\bno\.?|\bn[uú]m(?:ero)?\.?)\s*|\s+)([0-9]{1,3}(?:\s?[a-z]\b)?)(?:\s*-\s*|\s+)([0-9]{1,3}[a-z]?)\b`)
)

// ParseAddress folds an address, expands street-type and direction
// abbreviations (Av/Avda → avenida, St → street or saint, Cl → calle, …),
// and separates the postcode (UK, Canadian, Dutch, US, Brazilian,
// Portuguese and Argentine forms, or a 4–6 digit number after the town or
// at the end) and the house number (a Colombian grid
// address's house, with a number sign or without; else the number after a
// number sign; else the first number).
func ParseAddress(raw string) (Address, error) {
	var a Address
	if !isASCII(raw) {
		raw = undoMojibake(raw) // before º, ú written twice over (Ãº), goes as a number sign
	}
	// The addressee a line starts with (c/o Acme Ltd, 12 High St) is no
	// part of the place; c/ alone is Spanish for calle (C/ Mayor 5).
	if m := careOf.FindStringIndex(raw); m != nil && strings.TrimSpace(raw[m[1]:]) != "" {
		raw = raw[m[1]:]
	}
	if m := blockNum.FindStringSubmatchIndex(raw); m != nil {
		// Blk 123 Ang Mo Kio Ave 3 #05-67: the block is the house, the
		// number after the sign its floor and flat, as Singapore writes
		// them.
		a.Number = strings.ToLower(raw[m[2]:m[3]])
		raw = raw[:m[0]] + " " + raw[m[1]:]
		if u := sgUnit.FindStringSubmatchIndex(raw); u != nil {
			a.Unit = "unit " + strings.TrimLeft(raw[u[2]:u[3]], "0") + " " + strings.ToLower(raw[u[4]:u[5]])
			raw = raw[:u[0]] + " " + raw[u[1]:]
		}
	} else if m := gridNum.FindStringSubmatchIndex(raw); m != nil {
		// The sign (or the space) before the house, the house, the distance.
		a.Number = strings.ToLower(strings.ReplaceAll(raw[m[4]:m[5]], " ", "")) + "-" + strings.ToLower(raw[m[6]:m[7]])
		raw = raw[:m[2]] + " " + raw[m[7]:]
	} else if m := slashUnit.FindStringSubmatchIndex(raw); m != nil {
		// 5/12 Smith St: flat 5 of number 12, as Australia writes it.
		a.Number = strings.ToLower(raw[m[4]:m[5]])
		a.Unit = "unit " + strings.ToLower(raw[m[2]:m[3]])
		raw = raw[m[1]:]
	} else if m := partsNum.FindStringSubmatchIndex(raw); m != nil {
		a.Number = strings.ReplaceAll(strings.ToLower(raw[m[2]:m[3]]), "/", "-")
		raw = raw[m[1]:]
	} else if m := markedNum.FindStringSubmatchIndex(raw); m != nil && !afterUnitWord(raw[:m[0]]) {
		a.Number = strings.ToLower(raw[m[2]:m[3]])
		if m[4] >= 0 {
			a.Number += "-" + strings.ReplaceAll(strings.ToLower(raw[m[4]:m[5]]), "/", "-")
		}
		raw = raw[:m[0]] + " " + raw[m[1]:]
	}
	// A floor written as an ordinal, as Spain, Portugal and Latin America
	// write a flat (Calle Mayor 12, 3º B; Rua Augusta 100, 2º Esq.; 3er
	// piso), is a unit, as Piso 3 is: its number no part of the street.
	if u, lo, hi := floorOrdinal(raw); u != "" {
		a.Unit = u
		raw = raw[:lo] + " " + raw[hi:]
	} else if u, lo, hi := englishFloor(raw); u != "" {
		a.Unit = u
		raw = raw[:lo] + " " + raw[hi:]
	} else if m := slashFloor.FindStringSubmatchIndex(raw); m != nil {
		// 12/F, G/F: a floor as Hong Kong writes it (floor 0 the ground
		// floor), its number no house's.
		n := strings.TrimLeft(strings.ToLower(raw[m[2]:m[3]]), "0")
		if n == "g" || n == "" {
			n = "0"
		}
		a.Unit = strings.TrimSpace("floor " + n + " " + a.Unit)
		raw = raw[:m[0]] + " " + raw[m[1]:]
	}
	upper := strings.ToUpper(latin(numberMarks.Replace(raw)))
	// The first form found is the postcode: the groups its pattern
	// captures, joined (a ZIP+4's first five digits alone).
	for _, re := range []*regexp.Regexp{ukPostcode, caPostcode, nlPostcode, usZip4, brCEP, ptPostcode, arCPA, sgPostcode} {
		if m := re.FindStringSubmatchIndex(upper); m != nil {
			if re == nlPostcode && unitAfter(upper[m[1]:]) {
				continue // 1500 AP 45: a house and a flat (ap 45), not a Dutch postcode
			}
			for g := 2; g+1 < len(m); g += 2 {
				a.Postcode += upper[m[g]:m[g+1]]
			}
			upper = upper[:m[0]] + " " + upper[m[1]:]
			break
		}
	}
	toks := joinOrdinals(tokenize(upper))
	if len(toks) == 0 {
		return Address{}, ErrEmpty
	}
	// A 4–6 digit number after the town a line ends with, past its last
	// comma, is the postcode, as Venezuela writes it (…, Qta. Mi Casa,
	// Caracas 1060); so is a trailing 4–6 digit number when another number
	// (or a marked house number) comes before it, unless a unit's word
	// says it is the unit's (Torre B Of 1203).
	if a.Postcode == "" && endsWithDigitAfterComma(upper) {
		if m := townPostcode.FindStringSubmatchIndex(upper); m != nil && !numberedPlace(tokenize(upper[:m[2]])) {
			a.Postcode = upper[m[2]:m[3]]
			upper = upper[:m[2]]
			toks = tokenize(upper)
		}
	}
	if a.Postcode == "" {
		var numeric []int
		house := false // a house number with a letter (21a) before it
		for i, t := range toks {
			if streetDate(toks, i) {
				continue
			}
			if isDigits(t) {
				numeric = append(numeric, i)
			} else if len(numeric) == 0 && houseNum.MatchString(t) {
				house = true
			}
		}
		if n := len(numeric); (n >= 2 || n == 1 && (a.Number != "" || house)) && numDigits.MatchString(toks[numeric[n-1]]) &&
			!(numeric[n-1] > 0 && movableUnits[toks[numeric[n-1]-1]]) {
			i := numeric[n-1]
			a.Postcode = toks[i]
			toks = append(toks[:i:i], toks[i+1:]...)
		}
	}
	toks, unit := splitUnits(toks)
	for i, t := range unit {
		unit[i] = expandAddressWord(t, false, false, false)
	}
	// The door after a floor: Piso 3, Puerta B is the 3º B above.
	unit = slices.DeleteFunc(unit, func(w string) bool { return w == "puerta" || w == "pta" })
	if len(unit) > 0 {
		a.Unit = strings.TrimSpace(a.Unit + " " + strings.Join(unit, " "))
	}
	out := make([]string, 0, len(toks))
	named := false // the word before was a building's (quinta, edificio, …)
	numEnd := -1   // the last token of the house number
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if a.Number == "" && (houseNum.MatchString(t) || houseBis.MatchString(t)) && !(i > 0 && unitWords[toks[i-1]]) && !streetDate(toks, i) {
			a.Number, named, numEnd = t, false, i
			if i+1 < len(toks) && houseSuffix(toks, i) {
				a.Number += toks[i+1]
				i, numEnd = i+1, i+1
			}
			continue
		}
		if t == "no" || t == "num" || t == "numero" || t == "nro" {
			if i+1 < len(toks) && houseNum.MatchString(toks[i+1]) {
				named = false
				continue // "No. 12": the marker, not a word
			}
		}
		w := expandAddressWord(t, i == 0 || i-1 == numEnd || toks[i-1] == a.Number, i == len(toks)-1, named)
		out = append(out, w)
		named = buildingWords[w]
	}
	a.Tokens = out
	if len(a.Tokens) == 0 && a.Number == "" && a.Postcode == "" {
		return Address{}, ErrEmpty
	}
	a.Locality = addressLocality(upper)
	return a, nil
}

// addressLocality returns the town an address line ends with, as City
// normalises it: its last part after a comma (the one before it when the
// last names a country: "…, Caracas, Venezuela"), without the numbers of
// four to six digits a postcode leaves there ("…, 41004 Sevilla") and a
// country's two-letter code after the town ("…, CARACAS VE"). It is ""
// for a line with no comma, and for a part that still has a digit, has
// fewer than two letters (a line cut short: "…, M") or more than
// maxLocalityWords words. The part may be no town at all ("Urb. Sucre,
// Qta. Ordaz" ends with a house's name): a town read from an address is
// only ever compared for agreement (see record.FacetDerived).
func addressLocality(upper string) string {
	parts := strings.Split(upper, ",")
	if len(parts) < 2 {
		return ""
	}
	last := len(parts) - 1
	if _, err := Country(parts[last]); err == nil && last > 1 {
		last--
	}
	var words []string
	for _, w := range strings.Fields(parts[last]) {
		if !numDigits.MatchString(w) {
			words = append(words, w)
		}
	}
	// A country's two-letter code written after the town, as a message's
	// last line has it: "…, CARACAS VE". Longer codes and names are also
	// words of towns (Mount Mar, Villa Alemana).
	if n := len(words); n > 1 && len(words[n-1]) == 2 {
		if _, err := Country(words[n-1]); err == nil {
			words = words[:n-1]
		}
	}
	part := strings.Join(words, " ")
	letters := 0
	for _, r := range part {
		switch {
		case r >= '0' && r <= '9':
			return ""
		case r >= 'A' && r <= 'Z':
			letters++
		}
	}
	town := City(part) // its words as a town's: A!A is two
	if letters < 2 || len(town) > maxLocalityWords {
		return ""
	}
	return strings.Join(town, " ")
}

// joinOrdinals writes an ordinal's ending written apart from its number
// against it, as the number is written with it (W 24 TH BLVD is W 24th
// Blvd): th, and nd or rd after a number that reads so (22 nd, 23 rd);
// never st, which is Street after a number as often (W 21 ST).
func joinOrdinals(toks []string) []string {
	for i := 1; i < len(toks); i++ {
		n := toks[i-1]
		if !isDigits(n) || len(n) > 4 {
			continue
		}
		teen := len(n) >= 2 && n[len(n)-2] == '1'
		var want string
		switch last := n[len(n)-1]; {
		case teen || last == '0' || last >= '4':
			want = "th"
		case last == '2':
			want = "nd"
		case last == '3':
			want = "rd"
		}
		if toks[i] == want {
			toks[i-1] += want
			toks = append(toks[:i], toks[i+1:]...)
		}
	}
	return toks
}

// maxLocalityWords bounds the words of a town read from an address line:
// more is a street or a building, not a town's name.
const maxLocalityWords = 4

// expandAddressWord expands one abbreviation. "st" that starts the street
// name (first, or right after the house number) and is not its last word is
// Saint (12 St James St), otherwise Street; "dr" likewise Doctor or Drive.
// A word that names a building (right after quinta, edificio, …: named)
// is its name, not a kind of street: "QUINTA CRA" is Quinta Cranford cut
// at a message's field length, not a carrera.
func expandAddressWord(t string, starts, last, named bool) string {
	if named && streetKinds[t] {
		return t
	}
	switch t {
	case "st":
		if starts && !last {
			return "saint"
		}
		return "street"
	case "dr":
		if starts && !last {
			return "doctor"
		}
		return "drive"
	}
	if e, ok := addressAbbrev[t]; ok {
		return e
	}
	if len(t) > 4 && strings.HasSuffix(t, "str") { // German compounds: Hauptstr. → hauptstrasse
		return t + "asse"
	}
	return t
}

// splitUnits takes out of a line's words the flat, floor or office it
// names (Flat 2, 45 High Street; 45 High Street, Flat 2; Apto 3-B, Calle 5
// No. 10-20): a unit word and the number or letter after it. A line that
// is nothing but a unit keeps it.
func splitUnits(toks []string) (rest, units []string) {
	for i := 0; i < len(toks); i++ {
		if !movableUnits[toks[i]] || i+1 == len(toks) || !unitID(toks[i+1]) {
			rest = append(rest, toks[i])
			continue
		}
		j := i + 2
		if j < len(toks) && isDigits(toks[i+1]) && len(toks[j]) == 1 && !isDigits(toks[j]) {
			j++ // 3-B: the 3 and the B
		}
		units = append(units, toks[i:j]...)
		i = j - 1
	}
	if len(rest) == 0 {
		return toks, nil
	}
	return rest, units
}

// houseBis matches a house number with the French (and Belgian, Italian)
// suffix of a second house on its plot: 12bis, 12ter.
var houseBis = regexp.MustCompile(`^[0-9]{1,5}(?:bis|ter|quater)$`)

// houseSuffix reports whether the word after toks[i], a house number, is
// part of it: bis, ter or quater (12 bis is 12bis), or, where the number
// follows the street's name (Hauptstr. 12 A, Calle Mayor 12 B), a letter
// that is no compass point. Where the number comes first a letter begins
// the street's name: 1200 K Street.
func houseSuffix(toks []string, i int) bool {
	next := toks[i+1]
	switch {
	case next == "bis" || next == "ter" || next == "quater":
		return isDigits(toks[i])
	case len(next) == 1 && next[0] >= 'a' && next[0] <= 'z':
		return i > 0 && isDigits(toks[i]) && !strings.Contains("nsewo", next)
	}
	return false
}

// streetDate reports whether toks[i], a number, begins a date a street is
// named after (Avenida 9 de Julio 1100, Rua 1º de Dezembro 20): a month's
// name, written out, after de, do or da.
func streetDate(toks []string, i int) bool {
	if i+2 >= len(toks) || toks[i+1] != "de" && toks[i+1] != "do" && toks[i+1] != "da" {
		return false
	}
	_, ok := months[toks[i+2]]
	return ok && len(toks[i+2]) >= 4
}

// floorMark matches a floor written as an ordinal (3º, 1ª, 2°, 4.º; 1ª
// planta, 3º andar, 2°piso; 3er piso, 2do piso) and the door after it: a
// letter, or a side (izquierda, derecha, esquerdo, direito, centro,
// interior, exterior, abbreviated or not).
var floorMark = regexp.MustCompile(`(?i)(?:^|[\s,;])([0-9]{1,2})(?:\s?\.?[º°ª]\.?(?:\s*(planta|piso|andar)\b)?|(?:er|ero|ro|do|da|to|ta|vo|va|no|na)\s+(planta|piso|andar)\b)(?:\s*-?\s*(izquierd[ao]|izqda|izda|izq|derech[ao]|dcha|dch|der|esquerd[ao]|esq|direit[ao]|dto|dta|centro|ctro|interior|int|exterior|ext|[a-z])\b\.?)?`)

// doorSides spells out the sides floorMark reads after a floor.
var doorSides = map[string]string{
	"izquierda": "izquierda", "izquierdo": "izquierda", "izqda": "izquierda", "izda": "izquierda", "izq": "izquierda",
	"derecha": "derecha", "derecho": "derecha", "dcha": "derecha", "dch": "derecha", "der": "derecha",
	"esquerdo": "esquerdo", "esquerda": "esquerdo", "esq": "esquerdo",
	"direito": "direito", "direita": "direito", "dto": "direito", "dta": "direito",
	"centro": "centro", "ctro": "centro", "interior": "interior", "int": "interior", "exterior": "exterior", "ext": "exterior",
}

// floorHints are the words of a floor floorMark reads after an ordinal
// written with letters (3er piso).
var floorHints = hintsOf("piso", "planta", "andar")

// floorOrdinal finds in raw the first floor floorMark matches and returns
// it as a unit (piso 3 b) with where it lies; "" when there is none. An
// ordinal without a floor's word (piso, planta, andar) before any number
// is a street's name (Calle 1º de Mayo 12), and so is one followed by de,
// do or da.
func floorOrdinal(raw string) (unit string, lo, hi int) {
	if !strings.ContainsAny(raw, "º°ª") && !mayHold(raw, floorHints) {
		return "", 0, 0
	}
	for _, m := range floorMark.FindAllStringSubmatchIndex(raw, -1) {
		// Groups: the floor's number, the floor's word after 3º or after
		// 3er, the door.
		floorWord := m[4] >= 0 || m[6] >= 0
		if !floorWord && !hasDigit(raw[:m[2]]) {
			continue
		}
		rest := strings.ToLower(strings.TrimSpace(raw[m[1]:]))
		if !floorWord && m[8] < 0 && (strings.HasPrefix(rest, "de ") || strings.HasPrefix(rest, "do ") || strings.HasPrefix(rest, "da ")) {
			continue
		}
		unit = "piso " + raw[m[2]:m[3]]
		if m[8] >= 0 {
			door := strings.ToLower(raw[m[8]:m[9]])
			if side, ok := doorSides[door]; ok {
				door = side
			}
			unit += " " + door
		}
		return unit, m[0], m[1]
	}
	return "", 0, 0
}

// floorWord matches a floor as English writes it, an ordinal before the
// word (2nd Floor, Second Floor, Ground Floor), with the number or word.
var floorWord = regexp.MustCompile(`(?i)(?:^|[\s,;])(?:([0-9]{1,2})(?:st|nd|rd|th)|(ground|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth))\s+floor\b`)

// floorHintsEnglish are the words englishFloor needs in a line.
var floorHintsEnglish = hintsOf("floor")

// englishFloor finds in raw a floor written as floorWord matches it and
// returns it as a unit (floor 2; floor 0 for the ground floor), as Floor 2
// is read, with where it lies; "" when there is none. Its number is no
// house's: 2nd Floor, 12 High Street is number 12.
func englishFloor(raw string) (unit string, lo, hi int) {
	if !mayHold(raw, floorHintsEnglish) {
		return "", 0, 0
	}
	m := floorWord.FindStringSubmatchIndex(raw)
	if m == nil {
		return "", 0, 0
	}
	n := ""
	if m[2] >= 0 {
		n = strings.TrimLeft(raw[m[2]:m[3]], "0")
	} else if w := strings.ToLower(raw[m[4]:m[5]]); w != "ground" {
		n = strings.TrimRight(addressAbbrev[w], "stndrh") // second → 2nd → 2
	}
	if n == "" {
		n = "0"
	}
	return "floor " + n, m[0], m[1]
}

// careOf matches an addressee before an address, up to its comma.
var careOf = regexp.MustCompile(`(?i)^\s*(?:c/o|care\s+of)\s[^,]*,\s*`)

// postBoxes are the unit words of a post-office box (PO Box, Apartado
// Postal, Casilla, Caixa Postal) and a kilometre mark: their numbers are
// no house's, and they are no unit of a building either.
var postBoxes = set("box po km apartado apdo casilla caixa postal")

// movableUnits are the unit words of a flat, floor or office (unitWords
// but postBoxes).
var movableUnits = func() map[string]bool {
	m := map[string]bool{}
	for w := range unitWords {
		m[w] = !postBoxes[w]
	}
	return m
}()

// unitID reports whether a word names a unit: it has a digit (2, 3b,
// 301) or is a single letter (Flat A).
func unitID(w string) bool { return len(w) == 1 || hasDigit(w) }

// endsWithDigitAfterComma is a quick test of a line townPostcode may
// match: a comma, and a digit at its end.
func endsWithDigitAfterComma(s string) bool {
	s = strings.TrimRight(s, " ")
	return s != "" && isDigit(s[len(s)-1]) && strings.IndexByte(s, ',') >= 0
}

// townPostcode matches, in an upper-cased line, a last part after a comma
// that is a town's words and a 4–6 digit number: its group is the number.
var townPostcode = regexp.MustCompile(`,\s*\p{L}[\p{L} .'-]*\s([0-9]{4,6})\s*$`)

// numberedPlace reports whether the last of toks is a word a number after
// it belongs to (Torre 2000, Local 1203, Calle 1010, PO Box 5555,
// Apartado Postal 1010): no town. A postal zone's (Zona Postal 1010) is
// the postcode.
func numberedPlace(toks []string) bool {
	if len(toks) == 0 {
		return true
	}
	w := expandAddressWord(strings.ToLower(toks[len(toks)-1]), false, false, false)
	if w == "postal" && len(toks) > 1 {
		prev := strings.ToLower(toks[len(toks)-2])
		return prev != "zona" && prev != "codigo" && prev != "cod"
	}
	return buildingWords[w] || unitWords[w] || streetKindWords[w] || streetKinds[w]
}

// unitAfter reports whether s (what follows a Dutch postcode's match)
// starts with a number: the letters before it were a unit's word (AP 45).
func unitAfter(s string) bool {
	s = strings.TrimLeft(s, " ")
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// afterUnitWord reports whether s ends with a unit word, so that a number
// sign after it marks the unit's number, not the house's (Apt #3).
func afterUnitWord(s string) bool {
	toks := tokenize(strings.ToLower(s))
	return len(toks) > 0 && movableUnits[toks[len(toks)-1]]
}

// numberMarks are the signs written before or after numbers: # 12, Nº 12, 3º B.
var numberMarks = strings.NewReplacer("#", " ", "Nº", " ", "N°", " ", "nº", " ", "n°", " ", "№", " ", "º", " ", "ª", " ")

// unitWords precede a number that is not the house number (Apt 4, Piso 3).
var unitWords = set("apt apartment apto apartamento flat unit suite ste piso floor fl planta puerta pta depto dpto dto departamento oficina of ofic local " +
	"int interior office room rm shop level lvl box po km apartado apdo casilla caixa postal")

// streetKinds are the abbreviations of kinds of street (and "st", "dr"),
// which a building's name after quinta or edificio may start like.
var streetKinds = set("st dr rd ave av blvd ln ct pl cres hwy pde tce cct cir sq pkwy cl clo avda avd c cll cra kr kra dg tv pje psje pso ctra crta transv trans trv r trav lgo pca str bd imp")

var addressAbbrev = map[string]string{
	// English
	"rd": "road", "ave": "avenue", "av": "avenida", "blvd": "boulevard", "ln": "lane", "ct": "court",
	"pl": "place", "cres": "crescent", "hwy": "highway", "pde": "parade", "tce": "terrace",
	"cct": "circuit", "cir": "circle", "sq": "square", "pkwy": "parkway", "cl": "calle", "clo": "close",
	"mt": "mount", "apt": "apartment", "ste": "suite", "fl": "floor", "bldg": "building",
	"n": "north", "s": "south", "e": "east", "w": "west", "ne": "northeast", "nw": "northwest",
	"se": "southeast", "sw": "southwest", "hse": "house", "rm": "room", "flr": "floor", "blk": "block",
	// Ordinals written as words, as numbers (Fifth Avenue, 5th Ave.)
	"first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th", "sixth": "6th",
	"seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th", "eleventh": "11th", "twelfth": "12th",
	"thirteenth": "13th", "fourteenth": "14th", "fifteenth": "15th", "sixteenth": "16th", "seventeenth": "17th",
	"eighteenth": "18th", "nineteenth": "19th", "twentieth": "20th",
	// Spanish and Portuguese
	"avda": "avenida", "avd": "avenida", "c": "calle", "cll": "calle", "cra": "carrera",
	"kr": "carrera", "kra": "carrera", "dg": "diagonal", "tv": "transversal",
	"pje": "pasaje", "psje": "pasaje", "pso": "paseo", "ctra": "carretera", "crta": "carretera",
	"urb": "urbanizacion", "res": "residencias", "resid": "residencias", "qta": "quinta", "transv": "transversal",
	"trans": "transversal", "trv": "transversal", "mz": "manzana", "mza": "manzana", "conj": "conjunto", "edif": "edificio", "ed": "edificio", "apto": "apartamento", "dpto": "departamento",
	"depto": "departamento", "pza": "plaza", "plz": "plaza", "col": "colonia", "bo": "barrio", "bº": "barrio",
	"sta": "santa", "sto": "santo", "gral": "general", "prol": "prolongacion", "esq": "esquina",
	"r": "rua", "trav": "travessa", "lgo": "largo", "pca": "praca",
	// German and French
	"str": "strasse", "bd": "boulevard", "imp": "impasse",
}
