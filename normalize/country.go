package normalize

import (
	"fmt"
	"slices"
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
	if folded == "xx" || folded == "xxx" {
		// ISO 3166's and ICAO's code for no country (a stateless person's
		// passport, a form's "unknown"): no country, not a country called
		// None (the library's name for it).
		return "", fmt.Errorf("%w: %q is the code for an unknown country", ErrEmpty, raw)
	}
	if code, ok := countryAliases[folded]; ok {
		return code, nil
	}
	if code, ok := nationalities[folded]; ok {
		return code, nil
	}
	// An alias with a note in brackets after it (EAU (Dubai)), which the
	// library would read before the alias.
	if i := strings.IndexByte(s, '('); i > 0 {
		if code, ok := countryAliases[Fold(s[:i])]; ok {
			return code, nil
		}
	}
	c := countries.ByName(strings.ReplaceAll(folded, " ", ""))
	if c == countries.Unknown {
		c = countries.ByName(s)
	}
	if c == countries.Unknown || len(c.Alpha2()) != 2 {
		if code, ok := localCountryNames()[folded]; ok {
			return code, nil
		}
		if code, ok := countryForms(s); ok {
			return code, nil
		}
		return "", fmt.Errorf("%w: unknown country %q", ErrInvalid, raw)
	}
	return c.Alpha2(), nil
}

// countryForms reads the forms of a country that forms and messages write
// around a name Country knows: ISO's "Name, Descriptor" order
// ("Venezuela, Bolivarian Republic of" is the Bolivarian Republic of
// Venezuela, never Venezuela with the descriptor dropped: "Congo,
// Democratic Republic of the" is not Congo), a code before a town as a
// SWIFT field's line 3 writes it ("VE/CARACAS"), and an adjective with its
// feminine ending in brackets or after a slash ("venezolano(a)",
// "colombiano/a").
func countryForms(s string) (string, bool) {
	if before, after, ok := strings.Cut(s, ","); ok && !strings.Contains(after, ",") && strings.TrimSpace(after) != "" {
		if code, err := Country(strings.TrimSpace(after) + " " + strings.TrimSpace(before)); err == nil {
			return code, true
		}
	}
	if len(s) > 3 && s[2] == '/' && isLetters(s[:2]) {
		if code, err := Country(s[:2]); err == nil {
			return code, true
		}
	}
	for _, end := range []string{"(a)", "/a", "(o)", "/o"} {
		if stem, ok := strings.CutSuffix(strings.ToLower(s), end); ok && stem != "" {
			if code, err := Country(stem); err == nil {
				return code, true
			}
		}
	}
	return "", false
}

// isLetters reports whether s is ASCII letters alone, as a country's code
// is.
func isLetters(s string) bool {
	for i := range len(s) {
		if !isLetter(s[i]) {
			return false
		}
	}
	return true
}

// localCountryNames maps the names of countries in Spanish, Portuguese,
// French, German and Italian, folded, to their codes: "Estados Unidos",
// "Países Bajos", "Federação Russa", "Allemagne" (CLDR's names, through
// golang.org/x/text). A name two countries share in different languages
// is left out.
var localCountryNames = sync.OnceValue(func() map[string]string {
	m := countryWords{}
	for _, d := range []*display.Dictionary{display.Spanish, display.Portuguese, display.French, display.German, display.Italian} {
		names := d.Regions()
		for _, c := range countries.All() {
			code := c.Alpha2()
			r, err := language.ParseRegion(code)
			if err != nil {
				continue
			}
			if name := Fold(names.Name(r)); name != "" {
				m.add(name, code)
			}
		}
	}
	return m.unshared()
})

// countryWords gathers words that name countries (names, adjectives), each
// with the codes of the countries it names.
type countryWords map[string][]string

func (m countryWords) add(word, code string) {
	if !slices.Contains(m[word], code) {
		m[word] = append(m[word], code)
	}
}

// unshared maps each word that names one country to its code; a word two
// countries share is left out.
func (m countryWords) unshared() map[string]string {
	out := make(map[string]string, len(m))
	for w, codes := range m {
		if len(codes) == 1 {
			out[w] = codes[0]
		}
	}
	return out
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
	"ee uu": "US", "eeuu": "US", "e e u u": "US", "estados unidos de america": "US", "federacion de rusia": "RU",
	"federacion rusa": "RU", "holanda": "NL", "gran bretana": "GB", "inglaterra": "GB", "republica de corea": "KR",
	"rep bolivariana de venezuela": "VE", "bolivarian republic of venezuela": "VE", "ksa": "SA", "prc": "CN",
	"hong kong sar": "HK", "macao sar": "MO", "macau sar": "MO", "province of china taiwan": "TW",
	"hong kong china": "HK", "macao china": "MO", "macau china": "MO", "dprk": "KP", "lao pdr": "LA",
	// Spanish and Portuguese initials, as Latin American files write
	// them: EAU is los Emiratos Árabes Unidos, not the vehicle plate of
	// Uganda; EUA the Estados Unidos (de América).
	"eau": "AE", "e a u": "AE", "eua": "US", "e u a": "US", "rd": "DO", "r d": "DO", "rdc": "CD", "r d c": "CD",
	"rep dom": "DO", "republica dominicana": "DO",
	// Offshore jurisdictions by the letters registries and lists write them.
	"bvi": "VG", "b v i": "VG", "usvi": "VI",
	// The Soviet Union, as lists write a place of birth before 1991: a
	// country of its own (ISO 3166-1 SU, withdrawn), not Russia.
	"ussr": "SU", "u s s r": "SU", "soviet union": "SU", "urss": "SU", "union sovietica": "SU", "su": "SU",
}

// nationalities maps nationality adjectives to countries: a nationality
// column often holds "Romanian", "venezolana" or "française" rather than a
// country. English for every country (demonyms), and Spanish, Portuguese,
// French and German for the countries files in those languages name most,
// masculine and feminine, folded. An adjective two countries share is left
// out (Congolese: of Congo or of the DR Congo), or kept for the one it names
// far more often (Dominican: the Dominican Republic, not Dominica).
var nationalities = func() map[string]string {
	m := countryWords{}
	for _, line := range strings.Split(strings.TrimSpace(demonyms), "\n") {
		code, words, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		for _, w := range strings.Split(words, "|") {
			m.add(Fold(w), code)
		}
	}
	return m.unshared()
}()

// demonyms lists, a country a line, its code and its nationality
// adjectives, separated by |.
const demonyms = `
AF afghan|afghani|afgano|afgana|afghane
AL albanian|albanes|albanesa|albanais|albanaise
DZ algerian|argelino|argelina|algerien|algerienne|algerisch
AD andorran|andorrano|andorrana
AO angolan|angolano|angolana|angolais|angolaise
AG antiguan|barbudan
AR argentine|argentinian|argentino|argentina|argentin|argentine
AM armenian|armenio|armenienne|armenien
AU australian|australiano|australiana|australien|australienne|australisch
AT austrian|austriaco|austriaca|autrichien|autrichienne|osterreichisch|osterreicher
AZ azerbaijani|azeri|azerbaiyano|azerbaiyana
BS bahamian
BH bahraini|bareini
BD bangladeshi|bangladesi
BB barbadian|bajan
BY belarusian|belarussian|byelorussian|bielorruso|bielorrusa|bielorusse|weissrussisch
BE belgian|belga|belge|belgisch
BZ belizean|beliceno|belicena
BJ beninese|beninois|beninoise
BT bhutanese
BO bolivian|boliviano|boliviana|bolivien|bolivienne
BA bosnian|herzegovinian|bosnio|bosnia|bosniaque
BW botswanan|motswana|batswana
BR brazilian|brasileno|brasilena|brasileiro|brasileira|bresilien|bresilienne|brasilianisch
BN bruneian
BG bulgarian|bulgaro|bulgara|bulgare|bulgarisch
BF burkinabe
BI burundian|burundais
KH cambodian|camboyano|camboyana|cambodgien
CM cameroonian|camerunes|camerounais|camerounaise
CA canadian|canadiense|canadien|canadienne|kanadisch
CV cape verdean|cabo verdean|caboverdiano|caboverdiana|cabo-verdiano
CF central african|centrafricain|centrafricaine
TD chadian|tchadien|tchadienne
CL chilean|chileno|chilena|chilien|chilienne
CN chinese|chino|china|chines|chinesa|chinois|chinoise|chinesisch
CO colombian|colombiano|colombiana|colombien|colombienne|kolumbianisch
KM comoran|comorian|comorien
CR costa rican|costarricense
CI ivorian|marfileno|marfilena|ivoirien|ivoirienne
HR croatian|croat|croata|croate|kroatisch
CU cuban|cubano|cubana|cubain|cubaine|kubanisch
CY cypriot|chipriota|chypriote
CZ czech|checo|checa|tcheque|tschechisch
DK danish|dane|danes|danesa|danois|danoise|danisch
DJ djiboutian|djiboutien
DO dominican|dominicano|dominicana|dominicain|dominicaine
EC ecuadorian|ecuadorean|ecuatoriano|ecuatoriana|equatorien|equatorienne
EG egyptian|egipcio|egipcia|egipcio|egyptien|egyptienne|agyptisch
SV salvadoran|salvadorean|salvadoreno|salvadorena|salvadorien|salvadorienne
GQ equatorial guinean|equatoguinean|ecuatoguineano|ecuatoguineana
ER eritrean|eritreo|eritrea|erythreen
EE estonian|estonio|estonia|estonien
SZ swazi|eswatini
ET ethiopian|etiope|ethiopien|ethiopienne|athiopisch
FJ fijian
FI finnish|finn|finlandes|finlandesa|finlandais|finlandaise|finnisch
FR french|frances|francesa|francais|francaise|franzosisch
GA gabonese|gabonais|gabonaise
GM gambian|gambiano
GE georgian|georgiano|georgiana|georgien|georgienne|georgisch
DE german|aleman|alemana|alemao|alema|allemand|allemande|deutsch|deutsche|deutscher
GH ghanaian|ghanes|ghaneen|ghaneenne
GR greek|griego|griega|grego|grega|grec|grecque|griechisch
GD grenadian
GT guatemalan|guatemalteco|guatemalteca|guatemalteque
GN guinean|guineano|guineana|guineen|guineenne
GW bissau guinean|bissau-guinean|guineense
GY guyanese|guyanes
HT haitian|haitiano|haitiana|haitien|haitienne
HN honduran|hondureno|hondurena|hondurien|hondurienne
HK hong konger|hongkonger|hongkones
HU hungarian|hungaro|hungara|hongrois|hongroise|ungarisch
IS icelandic|icelander|islandes|islandesa|islandais
IN indian|indio|india|hindu|indiano|indiana|indien|indienne|indisch
ID indonesian|indonesio|indonesia|indonesien|indonesienne|indonesisch
IR iranian|persian|irani|irano|irana|iranien|iranienne|iranisch
IQ iraqi|iraqui|iraki|irakien|irakienne|irakisch
IE irish|irlandes|irlandesa|irlandais|irlandaise|irisch
IL israeli|israelien|israelienne|israelisch
IT italian|italiano|italiana|italien|italienne|italienisch
JM jamaican|jamaiquino|jamaiquina|jamaicain|jamaicaine
JP japanese|japones|japonesa|japonais|japonaise|japanisch
JO jordanian|jordano|jordana|jordanien|jordanienne|jordanisch
KZ kazakh|kazakhstani|kazajo|kazaja|kazakhstanais
KE kenyan|keniano|keniana|keniata|kenyan|kenyane
KP north korean|norcoreano|norcoreana|nord-coreen|nordkoreanisch
KR south korean|korean|surcoreano|surcoreana|coreano|coreana|sud-coreen|coreen|coreenne|sudkoreanisch
XK kosovar|kosovan|kosovare
KW kuwaiti|kuwaiti|koweitien
KG kyrgyz|kyrgyzstani|kirghiz|kirguis
LA lao|laotian|laosiano|laotien
LV latvian|leton|letona|letton|lettone
LB lebanese|libanes|libanesa|libanais|libanaise|libanesisch
LS basotho|mosotho
LR liberian|liberiano|liberiana|liberien|liberienne
LY libyan|libio|libia|libyen|libyenne|libysch
LI liechtensteiner
LT lithuanian|lituano|lituana|lituanien|lituanienne|litauisch
LU luxembourgish|luxembourger|luxemburgues|luxembourgeois|luxembourgeoise
MO macanese
MK macedonian|north macedonian|macedonio|macedonia|macedonien
MG malagasy|malgache
MW malawian|malawi
MY malaysian|malasio|malasia|malaisien|malaisienne
MV maldivian|maldivo
ML malian|maliense|malien|malienne
MT maltese|maltes|maltesa|maltais
MH marshallese
MR mauritanian|mauritano|mauritana|mauritanien|mauritanienne
MU mauritian|mauriciano|mauricien|mauricienne
MX mexican|mexicano|mexicana|mexicain|mexicaine|mexikanisch
FM micronesian
MD moldovan|moldavian|moldavo|moldava|moldave
MC monegasque|monacan|monegasco
MN mongolian|mongol|mongola|mongole
ME montenegrin|montenegrino|montenegrina|montenegrin
MA moroccan|marroqui|marocain|marocaine|marokkanisch
MZ mozambican|mozambiqueno|mocambicano|mocambicana|mozambicain
MM burmese|birmano|birmana|birman|birmane
NA namibian|namibio|namibien
NR nauruan
NP nepalese|nepali|nepales|nepalesa|nepalais
NL dutch|netherlander|holandes|holandesa|neerlandes|neerlandesa|neerlandais|neerlandaise|hollandais|niederlandisch
NZ new zealander|neozelandes|neozelandesa|neo-zelandais
NI nicaraguan|nicaraguense|nicaraguayen|nicaraguayenne
NE nigerien|nigerienne
NG nigerian|nigeriano|nigeriana|nigerian|nigeriane
NO norwegian|noruego|noruega|norvegien|norvegienne|norwegisch
OM omani|omani
PK pakistani|paquistani|pakistanais|pakistanaise|pakistanisch
PW palauan
PS palestinian|palestino|palestina|palestinien|palestinienne|palastinensisch
PA panamanian|panameno|panamena|panameen|panameenne
PG papua new guinean
PY paraguayan|paraguayo|paraguaya|paraguayen|paraguayenne
PE peruvian|peruano|peruana|peruvien|peruvienne|peruanisch
PH filipino|filipina|philippine|philippin|philippine
PL polish|pole|polaco|polaca|polones|polonesa|polonais|polonaise|polnisch
PT portuguese|portugues|portuguesa|portugais|portugaise|portugiesisch
PR puerto rican|puertorriqueno|puertorriquena|portoricain
QA qatari|catari|qatarien
RO romanian|rumanian|rumano|rumana|romeno|romena|roumain|roumaine|rumanisch
RU russian|ruso|rusa|russo|russa|russe|russisch
RW rwandan|rwandese|ruandes|rwandais
KN kittitian|nevisian
LC saint lucian|st lucian
VC vincentian
WS samoan
SM sammarinese
ST sao tomean|santotomense
SA saudi|saudi arabian|saudita|saoudien|saoudienne|saudisch
SN senegalese|senegales|senegalesa|senegalais|senegalaise
RS serbian|serb|serbio|serbia|serbe|serbisch
SC seychellois
SL sierra leonean|sierraleones
SG singaporean|singapurense|singapourien
SK slovak|slovakian|eslovaco|eslovaca|slovaque|slowakisch
SI slovenian|slovene|esloveno|eslovena|slovene|slowenisch
SB solomon islander
SO somali|somalian|somalien|somalienne
ZA south african|sudafricano|sudafricana|sul-africano|sud-africain|sudafrikanisch
SS south sudanese|sursudanes
ES spanish|spaniard|espanol|espanola|espanhol|espanhola|espagnol|espagnole|spanisch
LK sri lankan|esrilanques|srilankais
SD sudanese|sudanes|sudanesa|soudanais|soudanaise|sudanesisch
SR surinamese|surinamer|surinames
SE swedish|swede|sueco|sueca|suedois|suedoise|schwedisch
CH swiss|suizo|suiza|suico|suica|suisse|schweizer|schweizerisch
SY syrian|sirio|siria|syrien|syrienne|syrisch
TW taiwanese|taiwanes|taiwanais
TJ tajik|tajikistani|tayiko|tadjik
TZ tanzanian|tanzano|tanzana|tanzanien
TH thai|tailandes|tailandesa|thailandais|thailandaise
TL timorese|east timorese|timorense
TG togolese|togoles|togolais|togolaise
TO tongan
TT trinidadian|tobagonian|trinitense
TN tunisian|tunecino|tunecina|tunisien|tunisienne|tunesisch
TR turkish|turk|turco|turca|turc|turque|turkisch
TM turkmen|turkmenistani|turcomano
TV tuvaluan
UG ugandan|ugandes|ougandais
UA ukrainian|ucraniano|ucraniana|ucraniano|ukrainien|ukrainienne|ukrainisch
AE emirati|emirian|emirati
GB british|english|scottish|welsh|northern irish|briton|britanico|britanica|ingles|inglesa|britannique|britisch
US american|us american|estadounidense|norteamericano|norteamericana|americain|americaine|amerikanisch
UY uruguayan|uruguayo|uruguaya|uruguayen|uruguayenne
UZ uzbek|uzbekistani|uzbeko|uzbeka|ouzbek
VE venezuelan|venezolano|venezolana|venezuelano|venezuelana|venezuelien|venezuelienne|venezolanisch
VN vietnamese|vietnamita|vietnamien|vietnamienne|vietnamesisch
YE yemeni|yemenite|yemeni|yemenita|yemenite
ZM zambian|zambiano|zambien
ZW zimbabwean|zimbabuense|zimbabween
BM bermudian
KY caymanian
GI gibraltarian
IM manx
AW aruban|arubano
CW curacaoan
GL greenlandic|greenlander
FO faroese
`
