package normalize

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/concord-er/concord/record"
)

// Phone is a telephone number in E.164 form.
type Phone struct {
	E164      string // +584125551234
	National  string // national significant number: 4125551234
	Country   int    // calling code: 58
	Extension string
	Valid     bool // a number the numbering plan assigns, not only a possible one
}

// Value returns p with facets national, country, ext and valid.
func (p Phone) Value() record.Value {
	return record.Value{Norm: p.E164, Facets: record.MakeFacets("national", p.National, "country", strconv.Itoa(p.Country),
		"valid", strconv.FormatBool(p.Valid), "ext", p.Extension)}
}

// phoneNote is a bracketed note of a phone number: words, no digits.
var phoneNote = regexp.MustCompile(`\([^0-9()]*[A-Za-z][^0-9()]*\)|\[[^0-9\[\]]*\]`)

// ParsePhone reads a telephone number with libphonenumber's rules. A number
// without an international prefix is read in the default region (ISO 3166-1
// alpha-2); without one, it returns ErrAmbiguous. A number that is not even
// possible in its region returns ErrInvalid.
func ParsePhone(raw, region string) (Phone, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Phone{}, ErrEmpty
	}
	s, err := spreadsheetNumber("phone", s)
	if err != nil {
		return Phone{}, err
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "tel:"), "TEL:")
	if strings.ContainsAny(s, "([") {
		// A note in brackets, "(mobile)", "[casa]": not part of the
		// number, and the library rejects the number with it.
		s = strings.TrimSpace(phoneNote.ReplaceAllString(s, " "))
	}
	region = strings.ToUpper(region)
	if region == "" {
		region = "ZZ"
	}
	lead := strings.TrimLeft(s, " (")
	international := strings.HasPrefix(lead, "+") || strings.HasPrefix(lead, "00")
	var num *phonenumbers.PhoneNumber
	valid := false
	// 00 and a country's calling code is how most of the world writes an
	// international number, whatever the region's own prefix: 0057 300 123
	// 4567 is +57 300 123 4567. Read by a Colombian default region's
	// rules, 005 was a carrier's prefix and the number Russian (+7 300…).
	if strings.HasPrefix(lead, "00") && !strings.HasPrefix(lead, "000") {
		if alt, aerr := phonenumbers.Parse("+"+lead[2:], "ZZ"); aerr == nil && phonenumbers.IsValidNumber(alt) {
			num, valid = alt, true
		}
	}
	if num == nil {
		num, err = phonenumbers.Parse(s, region)
		// Validity is asked once: each ask matches the number against its
		// region's patterns (regular expressions), 2–3 µs.
		valid = err == nil && phonenumbers.IsValidNumber(num)
	}
	if !valid && (region == "MX" || err == nil && num.GetCountryCode() == 52) {
		if alt, ok := mexicoBefore2019(lead, region); ok {
			num, err, valid, international = alt, nil, true, true
		}
	}
	if !international && !valid {
		// Not a number of the default region: an international number
		// written without its "+" (57 300 123 4567), or a number of some
		// other region that nothing here tells; the region is never guessed.
		if alt, aerr := phonenumbers.Parse("+"+s, "ZZ"); aerr == nil && phonenumbers.IsValidNumber(alt) {
			if r := trunkEightRegion(lead, alt); r != "" {
				where := "and the source declares no region"
				if region != "ZZ" {
					where = "and is no number of the source's region " + region
				}
				return Phone{}, fmt.Errorf("%w: phone %q reads as a number of %s written without its +, and as one of %s dialled at home (after its trunk prefix 8), %s", ErrAmbiguous, raw, phonenumbers.GetRegionCodeForNumber(alt), r, where)
			}
			num, err, valid = alt, nil, true
		} else if err == nil && region != "ZZ" && phonenumbers.IsPossibleNumber(num) {
			return Phone{}, fmt.Errorf("%w: phone %q is not a valid number in region %s and has no country code", ErrAmbiguous, raw, region)
		}
	}
	if err != nil {
		if region == "ZZ" && !international {
			return Phone{}, fmt.Errorf("%w: phone %q has no country code and the source declares no region", ErrAmbiguous, raw)
		}
		return Phone{}, fmt.Errorf("%w: phone %q: %v", ErrInvalid, raw, err)
	}
	if num.GetNationalNumber() == 0 {
		return Phone{}, fmt.Errorf("%w: phone %q has no digits but zeros", ErrInvalid, raw)
	}
	if !phonenumbers.IsPossibleNumber(num) {
		return Phone{}, fmt.Errorf("%w: phone %q is not a possible number in region %s", ErrInvalid, raw, phonenumbers.GetRegionCodeForNumber(num))
	}
	national := nationalSignificant(num)
	// Zeros that lead a national number are counted as the region's rules
	// read them, which may not be as the E.164 form they give reads again
	// (0000100 in Åland is +358000100, which reads as +35800100, and that
	// as +3580100): the E.164 form is read again until it reads as itself,
	// so that a number and its E.164 form meet. Only numbers with leading
	// zeros (Italy's, Côte d'Ivoire's) are read twice; most once.
	for range phonenumbers.MAX_LENGTH_FOR_NSN { // a zero fewer each time
		if !num.GetItalianLeadingZero() {
			break
		}
		again, aerr := phonenumbers.Parse("+"+strconv.Itoa(int(num.GetCountryCode()))+national, "ZZ")
		if aerr != nil || again.GetNationalNumber() == 0 {
			break
		}
		againNational := nationalSignificant(again)
		if againNational == national {
			break
		}
		num, national = again, againNational
	}
	return Phone{
		E164:      "+" + strconv.Itoa(int(num.GetCountryCode())) + national,
		National:  national,
		Country:   int(num.GetCountryCode()),
		Extension: num.GetExtension(),
		Valid:     valid,
	}, nil
}

// trunkEightRegions are the regions whose numbers are dialled at home
// after a trunk prefix 8 (8 (495) 123-45-67 in Moscow, 8 017 … in Minsk),
// the digit other countries' codes start with (+81, +84, +86): such a
// number read as written without its + reads as another country's (+84
// 95… is Vietnam's).
var trunkEightRegions = []string{"RU", "BY"}

// trunkEightRegion returns the region of trunkEightRegions in which lead,
// a number as written from its first digit, is also a valid number dialled
// at home, when alt, its reading as written without its +, is another
// country's; "" when there is none. Two valid readings and nothing to say
// which: the region is never guessed.
func trunkEightRegion(lead string, alt *phonenumbers.PhoneNumber) string {
	if !strings.HasPrefix(lead, "8") {
		return ""
	}
	for _, r := range trunkEightRegions {
		if int(alt.GetCountryCode()) == phonenumbers.GetCountryCodeForRegion(r) {
			continue
		}
		if home, err := phonenumbers.Parse(lead, r); err == nil && phonenumbers.IsValidNumber(home) {
			return r
		}
	}
	return ""
}

// mexicoBefore2019 reads a Mexican number as written before the dialling
// plan of August 2019, which libphonenumber no longer knows and old bank
// files are full of: a mobile's 1 after the calling code (+52 1 55 1234
// 5678), and the national prefixes of a call to a mobile (044, 045) or of
// long distance (01) before the ten digits. lead is the number as written,
// from its first digit or +. It returns the number the ten digits make,
// when valid.
func mexicoBefore2019(lead, region string) (*phonenumbers.PhoneNumber, bool) {
	var digits []byte
	for i := range len(lead) {
		if isDigit(lead[i]) {
			digits = append(digits, lead[i])
		}
	}
	d := string(digits)
	switch {
	case strings.HasPrefix(lead, "+"), strings.HasPrefix(lead, "00"):
		d = strings.TrimPrefix(d, "00")
		if !strings.HasPrefix(d, "521") || len(d) != 13 {
			return nil, false
		}
		d = d[3:]
	case region != "MX":
		return nil, false
	case len(d) == 13 && (strings.HasPrefix(d, "044") || strings.HasPrefix(d, "045")):
		d = d[3:]
	case len(d) == 12 && strings.HasPrefix(d, "01"):
		d = d[2:]
	default:
		return nil, false
	}
	num, err := phonenumbers.Parse("+52"+d, "ZZ")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return nil, false
	}
	return num, true
}

// nationalSignificant writes the national significant number of num, as
// the library's GetNationalSignificantNumber does (the national number,
// after the zeros Italian numbers and a few others lead with), without
// its builders: they were a fifth of what loading allocates for a phone.
// The E.164 form is "+", the country calling code and this (the library's
// Format, for a number that parsed).
func nationalSignificant(num *phonenumbers.PhoneNumber) string {
	n := strconv.FormatUint(num.GetNationalNumber(), 10)
	if zeros := int(num.GetNumberOfLeadingZeros()); num.GetItalianLeadingZero() && zeros > 0 {
		n = strings.Repeat("0", min(zeros, phonenumbers.MAX_LENGTH_FOR_NSN)) + n
	}
	return n
}
