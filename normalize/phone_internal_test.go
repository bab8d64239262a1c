package normalize

import (
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// ParsePhone writes the E.164 and national forms itself; they are the
// library's.
func TestPhoneForms(t *testing.T) {
	for _, c := range []struct{ raw, region, e164, national string }{
		{"+39 06 1234 5678", "", "+390612345678", "0612345678"}, // Rome: the leading zero kept
		{"+225 07 08 09 10 11", "", "+2250708091011", "0708091011"},
		{"0412-555 1234", "VE", "+584125551234", "4125551234"},
		{"+44 (0)20 7946 0958", "", "+442079460958", "2079460958"},
		{"+1 202 555 0143 x123", "", "+12025550143", "2025550143"},
		{"57 300 123 4567", "VE", "+573001234567", "3001234567"},
	} {
		p, err := ParsePhone(c.raw, c.region)
		if err != nil {
			t.Fatalf("ParsePhone(%q, %q): %v", c.raw, c.region, err)
		}
		if p.E164 != c.e164 || p.National != c.national {
			t.Errorf("ParsePhone(%q, %q) = %q, %q; want %q, %q", c.raw, c.region, p.E164, p.National, c.e164, c.national)
		}
		checkForms(t, c.raw, c.region)
	}
}

// checkForms compares nationalSignificant, and the E.164 form made of it,
// with the library's own on the number the library parses from raw.
func checkForms(t *testing.T, raw, region string) {
	t.Helper()
	num, err := phonenumbers.Parse(raw, region)
	if err != nil || num.GetNationalNumber() == 0 {
		return
	}
	national := nationalSignificant(num)
	if want := phonenumbers.GetNationalSignificantNumber(num); national != want {
		t.Errorf("%q (%q): national %q, the library writes %q", raw, region, national, want)
	}
	e164 := "+" + strconv.Itoa(int(num.GetCountryCode())) + national
	if want := phonenumbers.Format(num, phonenumbers.E164); e164 != want {
		t.Errorf("%q (%q): E.164 %q, the library writes %q", raw, region, e164, want)
	}
}

func FuzzPhoneForms(f *testing.F) {
	for _, s := range []string{"+39 06 1234 5678", "+225 07 08 09 10 11", "0412-555 1234", "+44 20 7946 0958", "+39 000 0001"} {
		f.Add(s, "VE")
		f.Add(s, "IT")
	}
	f.Fuzz(func(t *testing.T, s, region string) { checkForms(t, s, region) })
}
