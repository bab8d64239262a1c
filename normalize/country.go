package normalize

import (
	"fmt"
	"strings"
	"sync"

	"github.com/biter777/countries"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
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
	if code, ok := nationalities[folded]; ok {
		return code, nil
	}
	c := countries.ByName(strings.ReplaceAll(folded, " ", ""))
	if c == countries.Unknown {
		c = countries.ByName(s)
	}
	if c == countries.Unknown || c.Alpha2() == "" {
		if code, ok := localCountryNames()[folded]; ok {
			return code, nil
		}
		return "", fmt.Errorf("%w: unknown country %q", ErrInvalid, raw)
	}
	return c.Alpha2(), nil
}

// localCountryNames maps the names of countries in Spanish, Portuguese,
// French, German and Italian, folded, to their codes: "Estados Unidos",
// "Países Bajos", "Federação Russa", "Allemagne" (CLDR's names, through
// golang.org/x/text). A name two countries share in different languages
// is left out.
var localCountryNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	clash := map[string]bool{}
	for _, d := range []*display.Dictionary{display.Spanish, display.Portuguese, display.French, display.German, display.Italian} {
		names := d.Regions()
		for _, c := range countries.All() {
			code := c.Alpha2()
			r, err := language.ParseRegion(code)
			if err != nil {
				continue
			}
			name := Fold(names.Name(r))
			if name == "" {
				continue
			}
			if other, ok := m[name]; ok && other != code {
				clash[name] = true
			}
			m[name] = code
		}
	}
	for name := range clash {
		delete(m, name)
	}
	return m
})

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
	"ee uu": "US", "eeuu": "US", "e e u u": "US", "estados unidos de america": "US", "federacion de rusia": "RU",
	"federacion rusa": "RU", "holanda": "NL", "gran bretana": "GB", "inglaterra": "GB", "republica de corea": "KR",
}

// nationalities maps nationality adjectives, in English and in Spanish
// (masculine and feminine, singular), to countries: a nationality column
// often holds "Venezuelan" or "venezolana" rather than a country.
var nationalities = func() map[string]string {
	m := map[string]string{}
	for code, words := range map[string]string{
		"VE": "venezuelan venezolano venezolana", "CO": "colombian colombiano colombiana",
		"EC": "ecuadorian ecuatoriano ecuatoriana", "PE": "peruvian peruano peruana",
		"BO": "bolivian boliviano boliviana", "CL": "chilean chileno chilena",
		"AR": "argentine argentinian argentino argentina", "UY": "uruguayan uruguayo uruguaya",
		"PY": "paraguayan paraguayo paraguaya", "BR": "brazilian brasileno brasilena brasileiro brasileira",
		"MX": "mexican mexicano mexicana", "CU": "cuban cubano cubana", "DO": "dominican dominicano dominicana",
		"PA": "panamanian panameno panamena", "CR": "costa rican costarricense",
		"GT": "guatemalan guatemalteco guatemalteca", "HN": "honduran hondureno hondurena",
		"SV": "salvadoran salvadoreno salvadorena", "NI": "nicaraguan nicaraguense",
		"PR": "puerto rican puertorriqueno puertorriquena",
		"US": "american estadounidense norteamericano norteamericana", "CA": "canadian canadiense",
		"GB": "british britanico britanica english ingles inglesa", "IE": "irish irlandes irlandesa",
		"ES": "spanish espanol espanola", "PT": "portuguese portugues portuguesa",
		"FR": "french frances francesa", "IT": "italian italiano italiana", "DE": "german aleman alemana",
		"NL": "dutch holandes holandesa neerlandes neerlandesa", "BE": "belgian belga", "CH": "swiss suizo suiza",
		"AT": "austrian austriaco austriaca", "RU": "russian ruso rusa", "UA": "ukrainian ucraniano ucraniana",
		"BY": "belarusian bielorruso bielorrusa", "PL": "polish polaco polaca", "TR": "turkish turco turca",
		"LB": "lebanese libanes libanesa", "SY": "syrian sirio siria", "IR": "iranian irani", "IQ": "iraqi iraqui",
		"SA": "saudi saudita", "AE": "emirati emirati", "EG": "egyptian egipcio egipcia",
		"IL": "israeli israeli", "JO": "jordanian jordano jordana", "CN": "chinese chino china",
		"KR": "south korean korean surcoreano surcoreana coreano coreana", "KP": "north korean norcoreano norcoreana",
		"JP": "japanese japones japonesa", "IN": "indian indio india hindu", "PK": "pakistani pakistani",
		"NG": "nigerian nigeriano nigeriana", "ZA": "south african sudafricano sudafricana",
		"AU": "australian australiano australiana", "NZ": "new zealander neozelandes neozelandesa",
	} {
		// Two-word adjectives (south korean) are kept whole; the rest are words.
		for _, w := range splitAdjectives(words) {
			if _, taken := m[w]; !taken {
				m[w] = code
			}
		}
	}
	return m
}()

// splitAdjectives splits a list of adjectives on spaces, keeping "costa
// rican", "south korean", "north korean", "south african", "puerto rican"
// and "new zealander" whole.
func splitAdjectives(s string) []string {
	var out []string
	words := strings.Fields(s)
	for i := 0; i < len(words); i++ {
		w := words[i]
		if (w == "costa" || w == "south" || w == "north" || w == "puerto" || w == "new") && i+1 < len(words) {
			w += " " + words[i+1]
			i++
		}
		out = append(out, w)
	}
	return out
}
