package normalize

import (
	"errors"
	"fmt"
	"strings"

	"github.com/concord-er/concord/record"
)

// Errors returned by the normalisers. Each is wrapped with the detail that
// explains the particular value.
var (
	ErrEmpty     = errors.New("empty value")
	ErrInvalid   = errors.New("invalid value")
	ErrAmbiguous = errors.New("ambiguous value")
)

// Options carry the per-field settings of a source.
type Options struct {
	DateFormats []string  // Go layouts tried first, in order (date)
	DateOrder   DateOrder // the order of day and month of a date no layout reads (date)
	Region      string    // ISO 3166-1 alpha-2 default region (phone)
	MaxBytes    int       // longest raw value; 0 = MaxLength of the kind
}

// facets lists the facets each kind's values may carry.
var facets = map[record.Kind][]string{
	record.KindName: {"given", "given_phonetic", "middle", "surname", "surname_phonetic", "surname2", "surnames",
		"first", "last", "initials", "sorted", "phonetic", "suffix", FacetSpelling, FacetSyllables},
	record.KindOrgName:  {"legal_form", "sorted", "compact", "first", "phonetic", "acronyms"},
	record.KindDate:     {"year", "month", "day", "monthday", "precision", "cut"},
	record.KindPhone:    {"national", "country", "ext", "valid"},
	record.KindEmail:    {"full", "local", "domain"},
	record.KindAddress:  {"number", "postcode", "street", "start", "unit", "locality"},
	record.KindPostcode: {"area", "district", "sector"},
	record.KindParty: {"given", "given_phonetic", "middle", "surname", "surname_phonetic", "surname2", "surnames",
		"first", "last", "initials", "sorted", "phonetic", "suffix", FacetSpelling, FacetSyllables, "legal_form", "compact", "party", "acronyms"},
}

// Facets returns the facet names values of a kind may carry, besides
// "norm" (the value itself) and "token" (each of its tokens), which every
// kind has.
func Facets(kind record.Kind) []string { return facets[kind] }

// maxLengths bound raw values by kind, in bytes: far beyond real values
// (the longest company names run to about 250 characters), near enough
// that a value cannot make comparing slow or fill the store.
var maxLengths = map[record.Kind]int{
	record.KindName: 1000, record.KindOrgName: 1000, record.KindParty: 1000, record.KindAddress: 1000,
	record.KindCity: 200, record.KindCountry: 100, record.KindDate: 100, record.KindPhone: 100,
	record.KindEmail: 320, record.KindIdentifier: 100, record.KindPostcode: 40, record.KindText: 10000,
}

// MaxLength returns the longest raw value, in bytes, of a kind; longer
// ones are rejected as invalid.
func MaxLength(kind record.Kind) int {
	if n, ok := maxLengths[kind]; ok {
		return n
	}
	return 10000
}

// Value normalises raw as a value of the given kind. A raw value that is
// blank after trimming returns ErrEmpty; the caller treats it as null. A
// date cut to its sure part returns that value and its *CutDateError
// both: the caller keeps the one and reports the other.
func Value(kind record.Kind, raw string, opt Options) (record.Value, error) {
	if strings.TrimSpace(raw) == "" {
		return record.Value{}, ErrEmpty
	}
	n := opt.MaxBytes
	if n <= 0 {
		n = MaxLength(kind)
	}
	if len(raw) > n {
		return record.Value{}, fmt.Errorf("%w: %s value of %d bytes, longer than the %d a %s value may have", ErrInvalid, kind, len(raw), n, kind)
	}
	if !isASCII(raw) {
		raw = undoMojibake(raw) // JosÃ© is José written in UTF-8 twice over
	}
	if why := Placeholder(kind, raw); why != "" {
		return record.Value{}, fmt.Errorf("%w: %s", ErrEmpty, why)
	}
	switch kind {
	case record.KindName:
		n, err := ParseName(raw)
		if err != nil {
			return record.Value{}, err
		}
		return withFieldCut(n.Value(), raw), nil
	case record.KindOrgName:
		o, err := ParseOrg(raw)
		if err != nil {
			return record.Value{}, err
		}
		return withFieldCut(o.Value(), raw), nil
	case record.KindParty:
		v, err := Party(raw)
		if err != nil {
			return record.Value{}, err
		}
		return withFieldCut(v, raw), nil
	case record.KindDate:
		d, err := ParseDateIn(raw, opt.DateFormats, opt.DateOrder)
		if err != nil && !cutDate(err) {
			return record.Value{}, err
		}
		v := d.Value()
		if d.Precision == Day && fillerDates[v.Norm] {
			return record.Value{}, fmt.Errorf("%w: %q is a date systems write for an unknown one", ErrEmpty, raw)
		}
		if err != nil { // cut: what is kept was written with a mistake
			v.Facets = append(v.Facets, record.Facet{Name: record.FacetName("cut"), Value: "true"})
		}
		return v, err
	case record.KindPhone:
		p, err := ParsePhone(raw, opt.Region)
		if err != nil {
			return record.Value{}, err
		}
		return p.Value(), nil
	case record.KindEmail:
		e, err := ParseEmail(raw)
		if err != nil {
			return record.Value{}, err
		}
		return e.Value(), nil
	case record.KindAddress:
		a, err := ParseAddress(raw)
		if err != nil {
			return record.Value{}, err
		}
		return a.Value(), nil
	case record.KindIdentifier:
		id, err := Identifier(raw)
		return record.Value{Norm: id}, err
	case record.KindPostcode:
		pc, err := Postcode(raw)
		return record.Value{Norm: pc, Facets: PostcodeFacets(pc)}, err
	case record.KindCity:
		return words(City(townOf(raw)))
	case record.KindCountry:
		c, err := Country(raw)
		return record.Value{Norm: c}, err
	case record.KindText:
		return words(Tokens(raw))
	}
	return record.Value{}, fmt.Errorf("%w: unknown kind %q", ErrInvalid, kind)
}

func words(tokens []string) (record.Value, error) {
	if len(tokens) == 0 {
		return record.Value{}, fmt.Errorf("%w: no letters or digits", ErrEmpty)
	}
	return record.Value{Norm: strings.Join(tokens, " "), Tokens: tokens}, nil
}

// Value returns n as a record value with facets given, given_phonetic,
// middle, surname, surname_phonetic, surname2, surnames, first, last,
// initials, sorted, phonetic, suffix, spelling (FacetSpelling) and
// syllables (FacetSyllables).
func (n PersonName) Value() record.Value {
	var given, givenPh, middle, surname, surnamePh, surname2 string
	if len(n.Given) > 0 {
		given, givenPh = n.Given[0], phonetic(n.Given[0])
		if len(n.Given) > 1 {
			middle = strings.Join(n.Given[1:], " ")
		}
	}
	if len(n.Surnames) > 0 {
		surname, surnamePh = n.Surnames[0], phonetic(n.Surnames[0])
		if len(n.Surnames) > 1 {
			surname2 = n.Surnames[1]
		}
	}
	return record.Value{Norm: n.Norm(), Tokens: n.Tokens, Facets: record.MakeFacets(
		"given", given, "given_phonetic", givenPh, "middle", middle,
		"surname", surname, "surname_phonetic", surnamePh, "surname2", surname2,
		"surnames", strings.Join(n.Surnames, "|"),
		"first", n.Tokens[0], "last", n.Tokens[len(n.Tokens)-1], "initials", initials(n.Tokens),
		"sorted", n.Sorted, "phonetic", strings.Join(n.Phonetic, " "), "suffix", n.Suffix,
		FacetSpelling, nameSpelling(n.Tokens), FacetSyllables, eastAsianGiven(n),
	)}
}

// FacetSyllables is the facet of a person's name whose given name is an
// East Asian one of two syllables (Kim Min-jun: "min jun"), which are one
// name: compare holds no level of a name that writes one of them and not
// the other, with a word fewer (Kim Min, Jun Kim).
const FacetSyllables = "syllables"

func initials(tokens []string) string {
	b := make([]byte, 0, len(tokens))
	for _, t := range tokens {
		b = append(b, t[0])
	}
	return string(b)
}

// cutDate reports whether err, returned by Value with a value, leaves that
// value to be kept: a date cut to its sure part (*CutDateError).
func cutDate(err error) bool {
	var c *CutDateError
	return errors.As(err, &c)
}
