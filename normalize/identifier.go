package normalize

import (
	"fmt"
	"strings"
)

// Identifier folds an identifier (national id, passport, tax or company
// number) to upper-case ASCII letters and digits: "v-12.345.678" → V12345678.
func Identifier(raw string) (string, error) {
	id := strings.ToUpper(strings.Join(Tokens(raw), ""))
	if id == "" {
		return "", fmt.Errorf("%w: identifier %q has no letters or digits", ErrEmpty, raw)
	}
	return id, nil
}

// Postcode folds a postal code like an identifier: "sw1a 1aa" → SW1A1AA.
func Postcode(raw string) (string, error) {
	pc, err := Identifier(raw)
	if err != nil {
		return "", fmt.Errorf("%w: postcode %q has no letters or digits", ErrEmpty, raw)
	}
	return pc, nil
}

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
