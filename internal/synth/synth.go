// Package synth generates synthetic people and companies spread over
// several sources, with ground truth, for tests, benchmarks and the demo.
//
// Duplicates carry the variations that make resolution hard: Hispanic
// double surnames with the maternal one dropped, names in Arabic or
// Cyrillic script in one source and transliterated in another, nicknames,
// typos, day/month swaps, phone formats, missing values. Hard negatives
// are made on purpose: family members sharing surname, address and phone,
// and people with the same common name but different dates of birth.
// Everything is invented; nothing is drawn from real people.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Options configure Generate.
type Options struct {
	Seed     uint64
	People   int     // distinct people
	Dup      float64 // share of people with more than one record; default 0.3
	Family   float64 // share of people given a relative at the same address; default 0.05
	Namesake float64 // share of people given a namesake with another date of birth; default 0.03
	Company  int     // distinct companies; default People/10
}

// Sources of the generated data, and their formats.
const (
	SourceBank      = "bank"      // CSV; "SURNAME, Given" names; DD/MM/YYYY dates; national phones
	SourceRegistry  = "registry"  // CSV; names in their own script; ISO dates; E.164 phones
	SourceWatchlist = "watchlist" // CSV; Latin names, aliases; mixed date formats
	SourceCompanies = "companies" // CSV; company registry
	SourceSuppliers = "suppliers" // CSV; company names as written by a bank's clients
)

// Person is one generated record of a person.
type Person struct {
	Source, ID, Entity                         string
	Name, Alias, DOB, Phone, Email, NationalID string
	Address, City                              string
}

// Company is one generated record of a company.
type Company struct {
	Source, ID, Entity                string
	Name, RegNo, Phone, Address, City string
	Founded                           string
}

// Dataset is the generated records.
type Dataset struct {
	People    []Person
	Companies []Company
}

type person struct {
	entity           string
	culture          int // 0 hispanic, 1 english, 2 arabic, 3 russian
	given            []string
	surnames         []string // hispanic: paternal, maternal
	native           string   // name in its own script (arabic, russian)
	latinAlt         []string // other Latin spellings
	male             bool
	year, month, day int
	phone            string // national significant number, Venezuelan mobile
	email, id        string
	streetNo, street int
	stype            int
	city             string
}

// Generate produces a dataset. The same options always give the same data.
func Generate(opt Options) *Dataset {
	if opt.Dup == 0 {
		opt.Dup = 0.3
	}
	if opt.Family == 0 {
		opt.Family = 0.05
	}
	if opt.Namesake == 0 {
		opt.Namesake = 0.03
	}
	if opt.Company == 0 {
		opt.Company = opt.People / 10
	}
	g := &gen{r: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x5bd1e995)), ids: map[string]int{}}
	var base []person
	for len(base) < opt.People {
		p := g.newPerson(len(base))
		base = append(base, p)
		if len(base) < opt.People && g.r.Float64() < opt.Family {
			base = append(base, g.relative(p, len(base)))
		}
		if len(base) < opt.People && g.r.Float64() < opt.Namesake {
			base = append(base, g.namesake(p, len(base)))
		}
	}
	ds := &Dataset{}
	sources := []string{SourceBank, SourceRegistry, SourceWatchlist}
	for _, p := range base {
		copies := 1
		if g.r.Float64() < opt.Dup {
			copies += 1 + g.r.IntN(2)
		}
		first := g.r.IntN(len(sources))
		for c := 0; c < copies; c++ {
			src := sources[(first+c)%len(sources)]
			if c > 0 && g.r.Float64() < 0.25 {
				src = sources[first] // a duplicate within one source
			}
			ds.People = append(ds.People, g.render(p, src, c > 0))
		}
	}
	for i := 0; i < opt.Company; i++ {
		ds.Companies = append(ds.Companies, g.companies(i, opt.Dup)...)
	}
	return ds
}

type gen struct {
	r   *rand.Rand
	ids map[string]int
}

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

// surname draws from the common names half of the time and otherwise from
// a long tail of about 2,400 composed names, so that common surnames are
// common and most are rare, as in a real population.
func (g *gen) surname(common []string) string {
	if g.r.IntN(2) == 0 {
		return g.pick(common)
	}
	return g.pick(tailStart) + g.pick(tailEnd)
}

// city draws one of the big cities a quarter of the time and otherwise one
// of about 570 towns.
func (g *gen) city() string {
	if g.r.IntN(4) == 0 {
		return g.pick(cities)
	}
	return g.pick(townPrefix) + " " + g.pick(townRoot)
}

// givenNames draws a given name from the female or male pool, and a
// second one with probability second.
func (g *gen) givenNames(female, male []string, isMale bool, second float64) []string {
	pool := female
	if isMale {
		pool = male
	}
	given := []string{g.pick(pool)}
	if g.r.Float64() < second {
		given = append(given, g.pick(pool))
	}
	return given
}

func (g *gen) newPerson(n int) person {
	p := person{entity: fmt.Sprintf("P%07d", n), male: g.r.IntN(2) == 0}
	switch x := g.r.Float64(); {
	case x < 0.55:
		p.culture = 0
		p.given = g.givenNames(hispanicGivenF, hispanicGivenM, p.male, 0.4)
		p.surnames = []string{g.surname(hispanicSurnames), g.surname(hispanicSurnames)}
	case x < 0.8:
		p.culture = 1
		pool := englishGivenF
		if p.male {
			pool = englishGivenM
		}
		p.given = []string{g.pick(pool)}
		p.surnames = []string{g.surname(englishSurnames)}
	case x < 0.9:
		p.culture = 2
		gv, fm := arabicGiven[g.r.IntN(len(arabicGiven))], arabicFamily[g.r.IntN(len(arabicFamily))]
		p.given, p.surnames = []string{gv.latin[0]}, []string{fm.latin[0]}
		p.native = gv.native + " " + fm.native
		p.latinAlt = []string{g.pick(gv.latin) + " " + g.pick(fm.latin)}
	default:
		p.culture = 3
		gv, fm := russianGiven[g.r.IntN(len(russianGiven))], russianFamily[g.r.IntN(len(russianFamily))]
		p.given, p.surnames = []string{gv.latin[0]}, []string{fm.latin[0]}
		p.native = gv.native + " " + fm.native
		p.latinAlt = []string{g.pick(gv.latin) + " " + g.pick(fm.latin)}
	}
	p.year, p.month, p.day = 1940+g.r.IntN(65), 1+g.r.IntN(12), 1+g.r.IntN(28)
	p.phone = fmt.Sprintf("41%d%07d", 2+2*g.r.IntN(4), g.r.IntN(10000000))
	p.id = fmt.Sprintf("V%d", 3000000+g.r.IntN(27000000))
	p.email = strings.ToLower(ascii(p.given[0])+"."+ascii(p.surnames[0])) + fmt.Sprintf("%d@example.org", g.r.IntN(100))
	p.streetNo, p.street, p.stype, p.city = 1+g.r.IntN(400), g.r.IntN(len(streets)), g.r.IntN(len(streetTypes)), g.city()
	return p
}

// relative shares surname, address and landline-like phone, not given name
// or date of birth: a hard negative.
func (g *gen) relative(p person, n int) person {
	q := g.newPerson(n)
	q.culture, q.surnames, q.native, q.latinAlt = p.culture, p.surnames, "", nil
	if p.culture >= 2 {
		q.culture = 1
	}
	q.streetNo, q.street, q.stype, q.city, q.phone = p.streetNo, p.street, p.stype, p.city, p.phone
	q.email = strings.ToLower(ascii(q.given[0])+"."+ascii(q.surnames[0])) + fmt.Sprintf("%d@example.org", g.r.IntN(100))
	return q
}

// namesake has the same name and another date of birth, id and address.
func (g *gen) namesake(p person, n int) person {
	q := g.newPerson(n)
	q.culture, q.given, q.surnames, q.native, q.latinAlt = p.culture, p.given, p.surnames, p.native, p.latinAlt
	q.email = strings.ToLower(ascii(q.given[0])+"."+ascii(q.surnames[0])) + fmt.Sprintf("%d@example.org", g.r.IntN(100))
	return q
}

func (g *gen) id(src string) string {
	g.ids[src]++
	return fmt.Sprintf("%s-%07d", src[:1], g.ids[src])
}

// render writes one record of p as source src would hold it; dup adds the
// variations of a second record.
func (g *gen) render(p person, src string, dup bool) Person {
	out := Person{Source: src, ID: g.id(src), Entity: p.entity}
	given, surnames := append([]string(nil), p.given...), append([]string(nil), p.surnames...)
	if dup {
		if p.culture == 0 && g.r.Float64() < 0.3 {
			surnames = surnames[:1] // maternal surname dropped
		}
		if nick, ok := nicknames[given[0]]; ok && g.r.Float64() < 0.3 {
			given[0] = nick
		}
		if len(given) > 1 && g.r.Float64() < 0.3 {
			given = given[:1]
		}
	}
	name := strings.Join(given, " ") + " " + strings.Join(surnames, " ")
	switch {
	case p.native != "" && src == SourceRegistry:
		name = p.native
	case p.native != "" && dup && g.r.Float64() < 0.5:
		name = p.latinAlt[0]
	case src == SourceBank:
		name = strings.ToUpper(strings.Join(surnames, " ")) + ", " + strings.Join(given, " ")
	}
	if dup && g.r.Float64() < 0.2 {
		name = g.typo(name)
	}
	out.Name = name
	if src == SourceWatchlist && p.native != "" {
		out.Alias = strings.Join(p.latinAlt, ";")
	}
	y, m, d := p.year, p.month, p.day
	if dup && g.r.Float64() < 0.05 && d <= 12 {
		m, d = d, m // day/month swap
	}
	if dup && g.r.Float64() < 0.05 {
		d = 1 + (d+g.r.IntN(3))%28 // one digit off, usually
	}
	switch src {
	case SourceBank:
		out.DOB = fmt.Sprintf("%02d/%02d/%04d", d, m, y)
	case SourceRegistry:
		out.DOB = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	default:
		out.DOB = fmt.Sprintf("%d %s %d", d, monthNames[m-1], y)
	}
	switch src {
	case SourceBank:
		out.Phone = "0" + p.phone[:3] + "-" + p.phone[3:6] + " " + p.phone[6:]
	case SourceRegistry:
		out.Phone = "+58" + p.phone
	default:
		out.Phone = "+58 " + p.phone[:3] + " " + p.phone[3:]
	}
	out.Email = p.email
	if dup && g.r.Float64() < 0.3 {
		at := strings.IndexByte(p.email, '@')
		out.Email = strings.ToUpper(p.email[:1]) + p.email[1:at] + "+kyc" + p.email[at:]
	}
	out.NationalID = p.id
	if src == SourceBank {
		out.NationalID = p.id[:1] + "-" + dotted(p.id[1:])
	}
	st := streetTypes[p.stype]
	stype := st[0]
	if dup && g.r.Float64() < 0.5 {
		stype = st[1]
	}
	out.Address = fmt.Sprintf("%s %s %d", stype, streets[p.street], p.streetNo)
	if p.stype >= 2 {
		out.Address = fmt.Sprintf("%d %s %s", p.streetNo, streets[p.street], stype)
	}
	out.City = p.city
	// Missing values, more often in duplicates.
	drop := 0.05
	if dup {
		drop = 0.15
	}
	for _, f := range []*string{&out.DOB, &out.Phone, &out.Email, &out.NationalID, &out.Address} {
		if g.r.Float64() < drop {
			*f = ""
		}
	}
	return out
}

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// typo applies one random edit to a letter of s: substitution, deletion,
// insertion or transposition.
func (g *gen) typo(s string) string {
	r := []rune(s)
	if len(r) < 4 {
		return s
	}
	i := 1 + g.r.IntN(len(r)-2)
	if r[i] == ' ' || r[i] == ',' || r[i-1] == ' ' || r[i+1] == ' ' {
		return s
	}
	switch g.r.IntN(4) {
	case 0:
		r[i] = rune('a' + g.r.IntN(26))
	case 1:
		r = append(r[:i], r[i+1:]...)
	case 2:
		r = append(r[:i], append([]rune{rune('a' + g.r.IntN(26))}, r[i:]...)...)
	default:
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

func (g *gen) companies(n int, dup float64) []Company {
	words := g.pick(orgWords) + " " + g.surname(hispanicSurnames)
	if g.r.Float64() < 0.5 {
		words += " " + g.pick(orgWords)
	}
	form := legalForms[g.r.IntN(len(legalForms))]
	c := Company{Entity: fmt.Sprintf("C%06d", n), RegNo: fmt.Sprintf("J-%08d-%d", g.r.IntN(100000000), g.r.IntN(10)),
		Phone: fmt.Sprintf("+58 212 %07d", g.r.IntN(10000000)), City: g.city(),
		Address: fmt.Sprintf("Av. %s %d", g.pick(streets), 1+g.r.IntN(400)), Founded: fmt.Sprintf("%04d-%02d-%02d", 1950+g.r.IntN(70), 1+g.r.IntN(12), 1+g.r.IntN(28))}
	a := c
	a.Source, a.ID, a.Name = SourceCompanies, g.id(SourceCompanies), words+", "+form[0]
	out := []Company{a}
	if g.r.Float64() < dup {
		b := c
		b.Source, b.ID = SourceSuppliers, g.id(SourceSuppliers)
		b.Name = strings.ToUpper(words) + " " + form[g.r.IntN(len(form))]
		if g.r.Float64() < 0.3 {
			b.Name = g.typo(b.Name)
		}
		if g.r.Float64() < 0.2 {
			b.RegNo = ""
		}
		b.Phone = "0212-" + c.Phone[8:11] + "-" + c.Phone[11:]
		out = append(out, b)
	}
	return out
}

func ascii(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && r != ' ':
			b.WriteRune(r)
		case strings.ContainsRune("áàä", r):
			b.WriteByte('a')
		case strings.ContainsRune("éè", r):
			b.WriteByte('e')
		case strings.ContainsRune("íì", r):
			b.WriteByte('i')
		case strings.ContainsRune("óò", r):
			b.WriteByte('o')
		case strings.ContainsRune("úü", r):
			b.WriteByte('u')
		case r == 'ñ':
			b.WriteByte('n')
		case r == 'Á':
			b.WriteByte('A')
		}
	}
	return b.String()
}

// dotted formats digits with thousands dots: 12345678 → 12.345.678.
func dotted(digits string) string {
	var parts []string
	for len(digits) > 3 {
		parts = append([]string{digits[len(digits)-3:]}, parts...)
		digits = digits[:len(digits)-3]
	}
	return strings.Join(append([]string{digits}, parts...), ".")
}
