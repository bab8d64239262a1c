package normalize

import (
	"fmt"
	"strings"

	"github.com/biter777/countries"
)

// Country returns the ISO 3166-1 alpha-2 code of a country given by name
// (in English, or common local forms), alpha-2 or alpha-3 code: "Venezuela",
// "VEN", "ve" → VE. An unknown value returns ErrInvalid.
func Country(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ErrEmpty
	}
	folded := Fold(s)
	if code, ok := countryAliases[folded]; ok {
		return code, nil
	}
	c := countries.ByName(strings.ReplaceAll(folded, " ", ""))
	if c == countries.Unknown {
		c = countries.ByName(s)
	}
	if c == countries.Unknown || c.Alpha2() == "" {
		return "", fmt.Errorf("%w: unknown country %q", ErrInvalid, raw)
	}
	return c.Alpha2(), nil
}

// countryAliases are local and colloquial names the library does not know.
var countryAliases = map[string]string{
	"espana": "ES", "mexico": "MX", "brasil": "BR", "peru": "PE", "deutschland": "DE", "rossiya": "RU",
	"uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
	"usa": "US", "u s a": "US", "united states of america": "US", "america": "US",
	"russia": "RU", "venezuela": "VE", "republica bolivariana de venezuela": "VE",
	"holland": "NL", "the netherlands": "NL", "nederland": "NL", "suisse": "CH", "schweiz": "CH",
	"italia": "IT", "france": "FR", "belgique": "BE", "belgie": "BE", "turkiye": "TR", "turkey": "TR",
	"ivory coast": "CI", "cote d ivoire": "CI", "south korea": "KR", "north korea": "KP", "iran": "IR",
	"syria": "SY", "uae": "AE", "emiratos arabes unidos": "AE", "estados unidos": "US", "reino unido": "GB",
}
