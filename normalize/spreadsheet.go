package normalize

import (
	"fmt"
	"regexp"
	"strings"
)

// floatInteger matches a whole number written as a float: a data frame
// writes a column of numbers that has an empty cell so (12345678.0).
var floatInteger = regexp.MustCompile(`^\+?[0-9]+\.0$`)

// scientific matches a number written in scientific notation, as a
// spreadsheet shows a long one (1.23457E+11, 1,23457E+11, 5E+11).
var scientific = regexp.MustCompile(`^[0-9](?:[.,][0-9]+[eE][+]?|[eE]\+)[0-9]{1,3}$`)

// spreadsheetNumber reads a number (an identifier, a phone, a postcode)
// as spreadsheets and data frames write them: 12345678.0 is 12345678; one
// in scientific notation has lost its last digits (a national id of 12
// digits shown with 6), and two people's would agree on what is left, so
// it is rejected as invalid, with what to do. Any other value is returned
// as it is.
func spreadsheetNumber(kind, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if len(s) < 3 || len(s) > 32 || !strings.ContainsAny(s, ".eE") {
		return raw, nil
	}
	switch {
	case floatInteger.MatchString(s):
		return strings.TrimSuffix(s, ".0"), nil
	case scientific.MatchString(s):
		return "", fmt.Errorf("%w: %s %q is written in scientific notation, as a spreadsheet shows a long number, and has lost its last digits: export the column as text", ErrInvalid, kind, raw)
	}
	return raw, nil
}
