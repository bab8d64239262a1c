package normalize

import (
	"fmt"
	"strings"

	"github.com/concord-er/concord/record"
)

// Placeholder returns a non-empty reason when raw is written where a value
// is missing — "N/A", "UNKNOWN", "SIN DIRECCION", "000000", a date of
// birth of 1900-01-01 — rather than a value of kind: such a value shared
// by hundreds of records is no evidence that any two of them agree, and
// against a real value it would read as a disagreement (a customer whose
// national id is "N/A" in one file and V-12345678 in another). Value
// returns ErrEmpty for it, so the record is kept without it and the value
// goes to the rejects with its reason.
//
// Only the whole value counts, and only words that say nothing else:
// "Unknown Street 4" is an address; a country's code written bare (NA is
// Namibia) is left to Country, while N/A and n.a. are no country.
func Placeholder(kind record.Kind, raw string) string {
	if kind == record.KindCountry && countryCode(raw) || len(raw) > maxPlaceholder || twoDigits(raw) {
		return "" // the words have no digits, and a filler one digit only
	}
	if t := strings.TrimSpace(raw); len(t) > 3 && t[0] == '#' && spreadsheetErrors[strings.ToUpper(t)] {
		return fmt.Sprintf("%q is a spreadsheet's error: the cell's formula failed", raw)
	}
	var compact string
	if isASCII(raw) {
		// Most values: their letters and digits, lower-cased, looked up
		// without folding them first.
		var buf [maxPlaceholder]byte
		b := buf[:0]
		for i := range len(raw) {
			switch c := raw[i]; {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				b = append(b, c)
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			}
		}
		if len(b) == 0 {
			return ""
		}
		if missingCompact[string(b)] {
			return fmt.Sprintf("%q stands for a missing value", raw)
		}
		compact = string(b)
	} else {
		toks := Tokens(raw)
		if len(toks) == 0 {
			return ""
		}
		compact = strings.Join(toks, "")
		if missingCompact[compact] {
			return fmt.Sprintf("%q stands for a missing value", raw)
		}
	}
	switch kind {
	case record.KindName, record.KindOrgName, record.KindParty, record.KindAddress, record.KindCity:
		if compact == "0" { // OFAC's lists write -0- for none
			return fmt.Sprintf("%q stands for a missing value", raw)
		}
	case record.KindIdentifier, record.KindPostcode, record.KindPhone:
		if i := strings.IndexAny(compact, "0123456789"); i >= 0 && !twoDigits(compact) && (compact[i] == '0' || countDigits(compact) >= 5) {
			return fmt.Sprintf("%q is a filler, not a number", raw)
		}
	case record.KindEmail:
		if local, _, ok := strings.Cut(raw, "@"); ok && missingCompact[strings.Join(Tokens(local), "")] {
			return fmt.Sprintf("%q stands for a missing e-mail address", raw)
		}
	}
	if len(compact) >= 2 && allSame(compact) && strings.ContainsRune("x0", rune(compact[0])) {
		return fmt.Sprintf("%q is a filler, not a value", raw)
	}
	return ""
}

// maxPlaceholder bounds the raw values Placeholder reads: the longest
// words it knows are under 30 bytes, and a longer value is not read twice.
const maxPlaceholder = 40

// spreadsheetErrors are what a spreadsheet shows in a cell whose formula
// failed (#N/A, read as a word of missing values, aside).
var spreadsheetErrors = map[string]bool{"#VALUE!": true, "#REF!": true, "#NAME?": true, "#DIV/0!": true, "#NUM!": true,
	"#NULL!": true, "#SPILL!": true, "#CALC!": true, "#FIELD!": true, "#BLOCKED!": true, "#CONNECT!": true, "#BUSY!": true,
	"#UNKNOWN!": true, "#GETTING_DATA": true}

// fillerDates are dates systems write for an unknown one: a database's or
// spreadsheet's zero day, its least or greatest date.
var fillerDates = map[string]bool{
	"1900-01-01": true, "1899-12-30": true, "1899-12-31": true, "1800-01-01": true, "1753-01-01": true,
	"1601-01-01": true, "9999-12-31": true, "9999-01-01": true, "2999-12-31": true,
}

// missingCompact are the whole values, folded to their letters and digits
// (N/A → na), that files write for "no value" in English, Spanish,
// Portuguese, French and German.
var missingCompact = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		// English
		"n a", "na", "n d", "none", "null", "nil", "nan", "unknown", "unk", "not known", "not provided",
		"not available", "not applicable", "not stated", "not given", "not supplied", "not specified",
		"no data", "no address", "no name", "no information", "no info", "no email", "no phone", "no id",
		"tbd", "tba", "to be confirmed", "to be advised", "pending", "missing", "blank", "empty",
		"noemail", "nomail", "notprovided", "notavailable", "notapplicable", "unknownaddress",
		"address unknown", "name unknown", "unknown address", "unknown name", "see notes", "refused", "withheld",
		// Spanish
		"s d", "s n", "s i", "sin datos", "sin dato", "sin informacion", "sin info", "sin direccion", "sin domicilio",
		"sincorreo", "sindatos", "sininformacion", "sindireccion", "sin nombre", "sin correo", "sin telefono", "sin documento", "sin numero", "sin identificacion",
		"desconocido", "desconocida", "no aplica", "no disponible", "no tiene", "no registra", "no informa",
		"no reporta", "ninguno", "ninguna", "pendiente", "por definir", "no consta", "no indica",
		// Portuguese
		"nao informado", "nao informada", "nao se aplica", "nao disponivel", "nao consta", "sem informacao",
		"desconhecido", "desconhecida", "nenhum",
		// French
		"inconnu", "inconnue", "non renseigne", "non renseignee", "neant", "non communique", "sans objet",
		// German
		"unbekannt", "keine angabe", "keine angaben", "k a", "entfallt",
	} {
		m[strings.ReplaceAll(w, " ", "")] = true
	}
	return m
}()

// twoDigits reports whether s holds two different digits.
func twoDigits(s string) bool {
	var d byte
	for i := range len(s) {
		if c := s[i]; c >= '0' && c <= '9' {
			if d != 0 && c != d {
				return true
			}
			d = c
		}
	}
	return false
}

func allSame(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// countryCode reports whether raw is written as a country's code: two or
// three letters and nothing else (NA, VEN).
func countryCode(raw string) bool {
	t := strings.TrimSpace(raw)
	return len(t) >= 2 && len(t) <= 3 && isLetters(t)
}
