package synth

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
)

// The heterogeneous mode models what an anti-money-laundering team holds:
// sources with different schemas and completeness, about people and
// companies at once.
//
//   - kyc: a bank's customer file, Latin-1, semicolon-separated, people and
//     corporate clients in one name column (a type column tells them
//     apart), dates of birth as DD/MM/YYYY, national and international
//     phones (some written without "+"), nationality as a word, street
//     words often abbreviated as clerks write them (Cl. 72 # 61-79, Urb.
//     Victoria, Qta. Langley).
//   - registry: a company registry, one row per filing and one officer per
//     filing, so a company with three officers has three rows.
//   - sanctions: a nested NDJSON list, people and companies, with alias
//     lists (other spellings, the name in its own script) and identifier
//     lists of objects ({"type": "passport", "number": …}).
//   - payments: parties of payment messages, as SWIFT-style fields hold
//     them: upper case, no accents, cut at 35 characters, "SURNAME/GIVEN"
//     often (now and then with a title after it: "PEREZ/ANA MRS"), now and
//     then the "1/" of a structured field before the name, no date of
//     birth, an account number; addresses in the
//     message's character set (no "#"), a grid address sometimes without
//     its "No." (CALLE 72 61-79).
//
// Hard negatives are made on purpose: households sharing surname, address
// and landline; juniors named after a parent; namesakes; companies named
// after their officers; companies with near-identical names.
const (
	SourceKYC       = "kyc"
	SourceFilings   = "registry"
	SourceSanctions = "sanctions"
	SourcePayments  = "payments"
)

// Entity kinds of heterogeneous records.
const (
	KindPerson       = "person"
	KindOrganization = "organization"
)

// Name origins of heterogeneous people.
var Origins = []string{"hispanic", "anglo", "arabic", "slavic", "east_asian"}

// Hard-negative kinds: pairs of distinct entities made to look alike.
const (
	NegHousehold = "household"    // relatives sharing surname, address, landline
	NegJunior    = "junior"       // a child named after a parent, same address
	NegNamesake  = "namesake"     // same name, nothing else in common
	NegOfficer   = "officer"      // a company named after its officer
	NegCompany   = "near_company" // companies with near-identical names
)

// HeteroOptions configure GenerateHetero.
type HeteroOptions struct {
	Seed      uint64
	People    int // distinct people (before hard negatives are added)
	Companies int // distinct companies; default People/5
	// BusyPayments, when above 0, adds that many payments naming one
	// company and half as many naming one person, each written alike
	// (the same name, account, address and country): a supplier paid by
	// every customer, a payroll account. The other records are as
	// without them.
	BusyPayments int
	// Messy, when set, writes values as many systems do, drawn without
	// the generator, so that the records are otherwise as without it:
	// words and fillers where a KYC row or a payment has no value ("N/A",
	// "SIN DIRECCION", 01/01/1900, "0", "SEE FILE"), labels and notes
	// around identifiers ("C.I. V-12.345.678", "Passport B63358773
	// (Syrian)"), the account before a payment's party ("/VE4301…
	// JUAN PEREZ"), and payment parties as banks write them: a person's
	// surnames before the initials of the given names ("PEREZ GARCIA J C"),
	// a company's name before the person for whose attention the payment
	// is ("ACME TRADING LTD ATTN JOHN SMITH"), and KYC rows another system
	// added in UTF-8 to the Latin-1 file, which read as Latin-1 are
	// encoded twice over ("JosÃ© MuÃ±oz").
	Messy bool
	// ColumnNames, when set, writes a config that maps each column under
	// a name of its own, as a user who names features after columns
	// would: nombre, company, documento, reg_no, the list's national_id,
	// passport and registration apart, fecha_nac and birth_date. The data
	// is as without it.
	ColumnNames bool
	// Romanisations, when set, writes a third of the records of East
	// Asian people, drawn without the generator, with their family name
	// in another romanisation than the person's other records: Korean
	// names as McCune–Reischauer and popular spellings write them (Yi
	// and Rhee for Lee, Pak for Park, Choe for Choi, Chung for Jung, Jo
	// for Cho), Chinese ones in Wade–Giles or Cantonese (Chang and Cheung
	// for Zhang, Chou for Zhou, Wong for Wang and Huang, Ng for Wu, Tsui
	// for Xu), as a passport, a Hong Kong bank and a mainland register
	// write one person's name.
	Romanisations bool
	// Acronyms, when set, names a fifth of the companies whose names have
	// three words or more by their initials, drawn without the generator:
	// half of their KYC rows and payments write the acronym (PDP, PDP
	// C.A., or PDPCA with the letters of a legal form written as
	// initials), and their sanctions entries give it as an alias, as
	// registries, banks and lists name PDVSA and Petróleos de Venezuela
	// S.A.
	Acronyms bool
}

// HeteroRecord is one generated record with what a test needs to score it.
type HeteroRecord struct {
	Source, ID, Entity string
	Kind               string   // KindPerson or KindOrganization
	Origin             string   // people: one of Origins
	Variations         []string // how this record's name or values differ from the entity's
	// Fields holds the record's columns by name; for sanctions, Nested holds
	// the JSON object instead.
	Fields map[string]string
	Nested map[string]any
}

// HasBirthDate reports whether the record carries a date of birth: what
// tells a parent from a junior who shares name, address and phone.
func (r HeteroRecord) HasBirthDate() bool {
	return r.Fields["fecha_nac"] != "" || r.Nested["birth_date"] != nil
}

// HardNegative is a pair of distinct entities made to look alike.
type HardNegative struct {
	A, B string // entity ids
	Kind string
}

// HeteroSet is a generated heterogeneous dataset.
type HeteroSet struct {
	Records   []HeteroRecord
	Negatives []HardNegative
}

type hperson struct {
	entity      string
	origin      string
	given       []string // given names; arabic compound names are one element ("Abd al-Rahman")
	surnames    []string
	alt         []string // other Latin spellings of the whole name (transliterations)
	native      string   // the name in its own script, when it has one
	familyFirst bool     // East Asian: family name written first
	male        bool
	y, m, d     int
	natID       string // digits
	passport    string
	phone       string // E.164 without "+": 58412…, 57300…
	landline    bool
	street      string
	city        string
	country     string // ISO code of nationality
	suffix      string // "Jr" for juniors, sometimes written
}

type hcompany struct {
	entity   string
	words    []string // name without legal form
	form     [3]string
	regNo    string // digits
	founded  string
	street   string
	city     string
	phone    string
	account  string
	officers []int // indexes into people
}

// GenerateHetero produces a heterogeneous dataset. The same options always
// give the same data.
func GenerateHetero(opt HeteroOptions) *HeteroSet {
	if opt.Companies == 0 {
		opt.Companies = opt.People / 5
	}
	g := &hgen{gen: gen{r: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x2545f4914f6cdd1d)), ids: map[string]int{}}, set: &HeteroSet{}}
	for len(g.people) < opt.People {
		g.addPerson(g.newPerson())
		p := &g.people[len(g.people)-1]
		switch x := g.r.Float64(); {
		case x < 0.06:
			g.negative(p.entity, g.household(p), NegHousehold)
		case x < 0.09:
			g.negative(p.entity, g.junior(p), NegJunior)
		case x < 0.12:
			g.negative(p.entity, g.namesake(p), NegNamesake)
		}
	}
	for i := 0; i < opt.Companies; i++ {
		c := g.newCompany()
		g.companies = append(g.companies, c)
		if g.r.Float64() < 0.08 {
			d := g.nearCompany(c)
			g.companies = append(g.companies, d)
			g.set.Negatives = append(g.set.Negatives, HardNegative{A: c.entity, B: d.entity, Kind: NegCompany})
		}
	}
	for i := range g.people {
		g.renderPerson(&g.people[i])
	}
	for i := range g.companies {
		g.renderCompany(&g.companies[i])
	}
	g.busy(KindOrganization, opt.BusyPayments)
	g.busy(KindPerson, opt.BusyPayments/2)
	if opt.Romanisations {
		g.romanisations(rand.New(rand.NewPCG(opt.Seed, 78)))
	}
	if opt.Acronyms {
		g.acronyms(rand.New(rand.NewPCG(opt.Seed, 79)))
	}
	if opt.Messy {
		r := rand.New(rand.NewPCG(opt.Seed, 77))
		g.placeholders(r)
		g.labels(r)
		g.bankForms(r)
		g.utf8Rows(r)
	}
	return g.set
}

// placeholdersOf are what a source writes in an empty column, by column:
// words normalize knows, and others ("SEE FILE", 01/01/1970) only their
// number of holders tells.
var placeholdersOf = map[string]map[string][]string{
	SourceKYC: {"fecha_nac": {"01/01/1900", "01/01/1970"}, "documento": {"N/A", "PENDIENTE", "0", "V-00.000.000", "SEE FILE"},
		"telefono": {"0000000", "N/A"}, "direccion": {"SIN DIRECCION", "N/A", "Desconocida"}},
	SourcePayments: {"address": {"NOT PROVIDED", "UNKNOWN", "N/A"}, "account": {"NOTPROVIDED", "UNKNOWN"}},
}

// placeholders writes a placeholder, drawn with r, in each empty column
// that placeholdersOf lists; the record's variations name the columns.
func (g *hgen) placeholders(r *rand.Rand) {
	for i := range g.set.Records {
		rec := &g.set.Records[i]
		cols := placeholdersOf[rec.Source]
		for _, col := range slices.Sorted(maps.Keys(cols)) {
			if v, ok := rec.Fields[col]; ok && v == "" {
				rec.Fields[col] = cols[col][r.IntN(len(cols[col]))]
				if !slices.Contains(rec.Variations, "placeholder") {
					rec.Variations = append(rec.Variations, "placeholder")
				}
			}
		}
	}
}

// idLabels are the labels written before an identifier, by its form.
var idLabels = map[string][]string{
	"V-": {"C.I. ", "CI ", "Cédula "}, "P-": {"Pasaporte ", "Pasaporte No. ", "PAS "}, "J-": {"RIF "},
	"passport": {"Passport ", "Passport No. "}, "national_id": {"Cedula No. ", "National ID "}, "registration": {"Reg. No. ", "Company No. "},
}

// labels writes, drawn with r, a label before two in five identifiers of
// KYC rows and half those of the sanctions list, and a note of the
// holder's nationality after some of the latter; and the account before
// three in ten payments' parties. The record's variations say "id_label".
func (g *hgen) labels(r *rand.Rand) {
	for i := range g.set.Records {
		rec := &g.set.Records[i]
		labelled := false
		switch rec.Source {
		case SourceKYC:
			v := rec.Fields["documento"]
			if l := idLabels[v[:min(2, len(v))]]; len(l) > 0 && r.Float64() < 0.4 {
				rec.Fields["documento"], labelled = l[r.IntN(len(l))]+v, true
			}
		case SourcePayments:
			// A payment's first line writes the account before the party
			// (SWIFT 50K): "/VE4301… JUAN PEREZ".
			if acct := rec.Fields["account"]; acct != "" && acct != "NOTPROVIDED" && acct != "UNKNOWN" && r.Float64() < 0.3 {
				rec.Fields["name"], labelled = "/"+acct+" "+rec.Fields["name"], true
			}
		case SourceSanctions:
			ids, _ := rec.Nested["ids"].([]any)
			for _, x := range ids {
				id, _ := x.(map[string]any)
				kind, _ := id["type"].(string)
				if l := idLabels[kind]; len(l) > 0 && r.Float64() < 0.5 {
					note := ""
					if nat, _ := rec.Nested["nationality"].([]any); len(nat) > 0 && r.IntN(2) == 0 {
						note = fmt.Sprintf(" (%v)", nat[0])
					}
					id["number"], labelled = l[r.IntN(len(l))]+fmt.Sprint(id["number"])+note, true
				}
			}
		}
		if labelled {
			rec.Variations = append(rec.Variations, "id_label")
		}
	}
}

// bankForms writes, drawn with r, a tenth of the payments naming a person
// in SURNAME/GIVEN form as the surnames before the given names' initials
// (PEREZ GARCIA/JUAN CARLOS MR → PEREZ GARCIA J C; variation
// "payment_initials"), and a tenth of those naming a company with the
// person for whose attention it is after the name (variation "attn").
func (g *hgen) bankForms(r *rand.Rand) {
	for i := range g.set.Records {
		rec := &g.set.Records[i]
		if rec.Source != SourcePayments {
			continue
		}
		name := rec.Fields["name"]
		switch {
		case rec.Kind == KindPerson && r.Float64() < 0.1:
			sur, given, ok := strings.Cut(name, "/")
			if !ok || strings.ContainsAny(sur, "/0123456789") || strings.TrimSpace(sur) == "" {
				continue
			}
			var initials []string
			for _, w := range strings.Fields(given) {
				if !slices.Contains([]string{"MR", "MRS", "MS"}, w) {
					initials = append(initials, w[:1])
				}
			}
			if len(initials) == 0 {
				continue
			}
			rec.Fields["name"] = sur + " " + strings.Join(initials, " ")
			rec.Variations = append(rec.Variations, "payment_initials")
		case rec.Kind == KindOrganization && r.Float64() < 0.1:
			contact := attnContacts[r.IntN(len(attnContacts))]
			rec.Fields["name"] = name + " " + [3]string{"ATTN", "ATTN:", "FAO"}[r.IntN(3)] + " " + contact
			rec.Variations = append(rec.Variations, "attn")
		}
	}
}

// romanisations writes, drawn with r, a third of East Asian people's
// records with their family name in another romanisation
// (HeteroOptions.Romanisations). A record so written has the variation
// "romanisation".
func (g *hgen) romanisations(r *rand.Rand) {
	for i := range g.set.Records {
		rec := &g.set.Records[i]
		if rec.Origin != "east_asian" || r.IntN(3) > 0 {
			continue
		}
		changed := false
		if name, ok := rec.Nested["name"].(string); ok {
			if v := romanised(name, r); v != name {
				rec.Nested["name"], changed = v, true
			}
		}
		for _, col := range []string{"nombre", "name"} {
			if v := romanised(rec.Fields[col], r); v != rec.Fields[col] {
				rec.Fields[col], changed = v, true
			}
		}
		if changed {
			rec.Variations = append(rec.Variations, "romanisation")
		}
	}
}

// acronyms writes, drawn with r, the names of a fifth of the companies of
// three words or more as their acronyms (HeteroOptions.Acronyms). A record
// so written has the variation "acronym".
func (g *hgen) acronyms(r *rand.Rand) {
	written := map[string]string{} // entity → its acronym
	for _, c := range g.companies {
		if len(c.words) < 3 || r.IntN(5) > 0 {
			continue
		}
		var initials []byte
		for _, w := range c.words {
			initials = append(initials, strings.ToUpper(ascii(w))[0])
		}
		acr := string(initials)
		switch form := c.form[0]; r.IntN(3) {
		case 1:
			acr += " " + form
		case 2:
			if letters := strings.ReplaceAll(form, ".", ""); letters == strings.ToUpper(letters) && len(letters) <= 3 {
				acr += letters // PDPCA
			}
		}
		written[c.entity] = acr
	}
	for i := range g.set.Records {
		rec := &g.set.Records[i]
		acr, ok := written[rec.Entity]
		if !ok {
			continue
		}
		switch rec.Source {
		case SourceSanctions:
			aliases, _ := rec.Nested["aliases"].([]any)
			rec.Nested["aliases"] = append(aliases, acr)
		case SourceKYC, SourcePayments:
			if r.IntN(2) > 0 {
				continue
			}
			col := map[string]string{SourceKYC: "nombre", SourcePayments: "name"}[rec.Source]
			rec.Fields[col] = strings.ToUpper(acr)
		default:
			continue
		}
		rec.Variations = append(rec.Variations, "acronym")
	}
}

// romanised returns name with its first family name that another
// romanisation spells otherwise so spelt, drawn with r, in the case the
// name writes it (CHANG for ZHANG); name itself when it has none.
func romanised(name string, r *rand.Rand) string {
	for _, loc := range letterRun.FindAllStringIndex(name, -1) {
		w := name[loc[0]:loc[1]]
		alts := otherRomanisations[strings.ToUpper(w[:1])+strings.ToLower(w[1:])]
		if len(alts) == 0 {
			continue
		}
		alt := alts[r.IntN(len(alts))]
		if w == strings.ToUpper(w) {
			alt = strings.ToUpper(alt)
		}
		return name[:loc[0]] + alt + name[loc[1]:]
	}
	return name
}

// letterRun matches a word of letters.
var letterRun = regexp.MustCompile(`\p{L}+`)

// otherRomanisations are the Chinese and Korean family names of the pools
// and their spellings in other romanisations.
var otherRomanisations = map[string][]string{
	"Lee": {"Yi", "Rhee"}, "Park": {"Pak", "Bak"}, "Choi": {"Choe"}, "Jung": {"Chung", "Jeong"}, "Lim": {"Im"},
	"Kang": {"Gang"}, "Cho": {"Jo"}, "Yoon": {"Yun"}, "Jang": {"Chang"},
	"Zhang": {"Chang", "Cheung"}, "Zhou": {"Chou", "Chow"}, "Wang": {"Wong"}, "Chen": {"Chan"}, "Liu": {"Lau"},
	"Huang": {"Wong", "Hwang"}, "Wu": {"Ng"}, "Xu": {"Hsu", "Tsui"}, "Zhao": {"Chao"}, "Yang": {"Yeung"},
	"Zhu": {"Chu"}, "Sun": {"Suen"}, "Ma": {"Mah"}, "Hu": {"Woo"},
}

// utf8Rows writes, drawn with r, one in twenty KYC rows in UTF-8 inside
// the Latin-1 file, as a file two systems appended to holds them: each
// character as its UTF-8 bytes read as Latin-1 (José as JosÃ©). A row
// whose text changes so has the variation "utf8_in_latin1".
func (g *hgen) utf8Rows(r *rand.Rand) {
	for i := range g.set.Records {
		rec := &g.set.Records[i]
		if rec.Source != SourceKYC || r.IntN(20) > 0 {
			continue
		}
		changed := false
		for _, col := range []string{"nombre", "direccion", "ciudad", "nacionalidad"} {
			if v := utf8AsLatin1(rec.Fields[col]); v != rec.Fields[col] {
				rec.Fields[col], changed = v, true
			}
		}
		if changed {
			rec.Variations = append(rec.Variations, "utf8_in_latin1")
		}
	}
}

// utf8AsLatin1 returns s as its UTF-8 bytes read one by one as Latin-1.
func utf8AsLatin1(s string) string {
	var b strings.Builder
	for i := range len(s) {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

// attnContacts are the people a payment to a company is for the attention
// of: its accounts department's, anyone's.
var attnContacts = []string{"JOHN SMITH", "MARIA GONZALEZ", "ACCOUNTS DEPT", "LUIS PEREZ", "ANA RODRIGUEZ", "TESORERIA GENERAL", "J MARTINEZ"}

// busy adds n copies of the first payment naming a party of the kind with
// every field written (variation "busy"), without drawing from the
// generator, so that the other records stay as they are.
func (g *hgen) busy(kind string, n int) {
	if n <= 0 {
		return
	}
	i := slices.IndexFunc(g.set.Records, func(r HeteroRecord) bool {
		return r.Source == SourcePayments && r.Kind == kind && r.Fields["address"] != "" && r.Fields["account"] != ""
	})
	if i < 0 {
		return
	}
	for range n {
		r := g.set.Records[i]
		g.msg++
		r.ID = fmt.Sprintf("MSG%07d-BEN", g.msg)
		r.Fields = maps.Clone(r.Fields)
		r.Fields["ref"] = r.ID
		r.Variations = append(slices.Clone(r.Variations), "busy")
		g.set.Records = append(g.set.Records, r)
	}
}

type hgen struct {
	gen
	set       *HeteroSet
	people    []hperson
	companies []hcompany
	accounts  map[string]string // entity → account number
	msg       int
}

func (g *hgen) addPerson(p hperson) { g.people = append(g.people, p) }

// negative adds q, made to look like the person whose entity is a.
func (g *hgen) negative(a string, q hperson, kind string) {
	g.addPerson(q)
	g.set.Negatives = append(g.set.Negatives, HardNegative{A: a, B: q.entity, Kind: kind})
}

func (g *hgen) newPerson() hperson {
	p := hperson{entity: fmt.Sprintf("HP%06d", len(g.people)), male: g.r.IntN(2) == 0}
	switch x := g.r.Float64(); {
	case x < 0.45:
		p.origin = "hispanic"
		p.given = g.givenNames(hispanicGivenF, hispanicGivenM, p.male, 0.35)
		p.surnames = []string{g.surname(hispanicSurnames), g.surname(hispanicSurnames)}
		p.country = g.pick([]string{"VE", "VE", "VE", "CO", "ES"})
	case x < 0.65:
		p.origin = "anglo"
		p.given = g.givenNames(englishGivenF, englishGivenM, p.male, 0.3)
		p.surnames = []string{g.surname(englishSurnames)}
		p.country = g.pick([]string{"US", "GB"})
	case x < 0.77:
		p.origin = "arabic"
		gv := g.arabicGiven()
		fm := arabicFamily[g.r.IntN(len(arabicFamily))]
		if g.r.IntN(2) == 0 {
			fm = g.arabicTail()
		}
		p.given, p.surnames = []string{gv.latin[0]}, []string{fm.latin[0]}
		if fm.native != "" {
			p.native = gv.native + " " + fm.native
		}
		for _, a := range gv.latin[1:] {
			p.alt = append(p.alt, a+" "+g.pick(fm.latin))
		}
		p.alt = append(p.alt, gv.latin[0]+" "+g.pick(fm.latin))
		p.country = g.pick([]string{"LB", "SY", "AE"})
	case x < 0.89:
		p.origin = "slavic"
		gv, fm := russianGiven[g.r.IntN(len(russianGiven))], russianFamily[g.r.IntN(len(russianFamily))]
		if g.r.IntN(2) == 0 {
			fm = g.russianTail()
		}
		p.given, p.surnames = []string{gv.latin[0]}, []string{fm.latin[0]}
		if fm.native != "" {
			p.native = gv.native + " " + fm.native
		}
		p.alt = []string{g.pick(gv.latin) + " " + g.pick(fm.latin)}
		p.country = "RU"
	default:
		p.origin = "east_asian"
		fam, given := g.eastAsian()
		p.given, p.surnames, p.familyFirst = []string{given}, []string{fam}, true
		p.alt = eastAsianAlt(fam, given)
		p.country = g.pick([]string{"CN", "KR"})
	}
	p.y, p.m, p.d = 1940+g.r.IntN(62), 1+g.r.IntN(12), 1+g.r.IntN(28)
	p.natID = fmt.Sprint(3000000 + g.r.IntN(27000000))
	p.passport = fmt.Sprintf("%c%08d", 'A'+rune(g.r.IntN(26)), g.r.IntN(100000000))
	if p.country == "CO" {
		p.phone = fmt.Sprintf("57300%07d", g.r.IntN(10000000))
	} else {
		p.phone = fmt.Sprintf("5841%d%07d", 2+2*g.r.IntN(4), g.r.IntN(10000000))
	}
	p.street = g.street()
	p.city = g.city()
	return p
}

func (g *hgen) arabicGiven() scriptName {
	if g.r.Float64() < 0.25 {
		return compoundArabic[g.r.IntN(len(compoundArabic))]
	}
	return arabicGiven[g.r.IntN(len(arabicGiven))]
}

// eastAsian returns a family name and a given name, Korean given names
// hyphenated as they often are (Min-jun).
func (g *hgen) eastAsian() (family, given string) {
	korean := g.r.IntN(2) == 0
	family, given = g.pick(chineseFamily), g.pick(chineseGiven)
	if korean {
		family, given = g.pick(koreanFamily), g.pick(koreanGiven)
	}
	if g.r.IntN(2) == 0 {
		given = g.eastAsianGiven(korean)
	}
	return family, given
}

// eastAsianAlt returns the Western-order spellings of an East Asian name:
// Min-jun Kim → Minjun Kim, Min jun Kim.
func eastAsianAlt(family, given string) []string {
	return []string{strings.ReplaceAll(given, "-", "") + " " + family, strings.ReplaceAll(given, "-", " ") + " " + family}
}

func (g *hgen) street() string {
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s %d No. %d-%d", g.pick(gridStreets), 1+g.r.IntN(120), 1+g.r.IntN(120), 1+g.r.IntN(99))
	case 1:
		return fmt.Sprintf("Urbanización %s, Quinta %s", g.pick(streets), g.pick(townRoot))
	case 2:
		return fmt.Sprintf("Avenida %s %d", g.pick(streets), 1+g.r.IntN(400))
	}
	return fmt.Sprintf("%d %s Street", 1+g.r.IntN(400), g.pick(streets))
}

// gridStreets are the street types of a Colombian grid address.
var gridStreets = []string{"Calle", "Carrera", "Transversal", "Diagonal"}

// streetAbbrev are the short forms a customer file writes street words
// in, each word's in turn.
var streetAbbrev = []struct {
	word  string
	short []string
}{
	{"Calle ", []string{"Cl. ", "Cll ", "C/ "}}, {"Carrera ", []string{"Cra. ", "Kr "}},
	{"Transversal ", []string{"Transv. ", "Tv "}}, {"Diagonal ", []string{"Dg. "}},
	{" No. ", []string{" # ", " Nº ", " Nro. "}}, {"Urbanización ", []string{"Urb. "}},
	{"Quinta ", []string{"Qta. "}}, {"Avenida ", []string{"Av. ", "Avda. "}}, {" Street", []string{" St"}},
}

// kycAddress writes a street as a clerk does: in its abbreviations four
// times in ten (Cl. 72 # 61-79, Urb. Victoria, Qta. Langley), noted in r.
func (g *hgen) kycAddress(street string, r *HeteroRecord) string {
	if g.r.Float64() >= 0.4 {
		return street
	}
	out := street
	for _, a := range streetAbbrev {
		if strings.Contains(out, a.word) {
			out = strings.Replace(out, a.word, g.pick(a.short), 1)
		}
	}
	if out != street {
		r.Variations = append(r.Variations, "address_form")
	}
	return out
}

// household is a relative at the same address with the same landline and
// surnames: another given name and date of birth. p's phone becomes the
// household's landline.
func (g *hgen) household(p *hperson) hperson {
	q := g.newPerson()
	for q.origin != p.origin || q.given[0] == p.given[0] {
		q = g.newPerson()
	}
	q.surnames, q.country = p.surnames, p.country
	q.native, q.alt = "", nil // spellings of the relative's own name are not made
	if q.familyFirst {
		q.alt = eastAsianAlt(q.surnames[0], q.given[0])
	}
	p.phone, p.landline = landline(p.phone), true
	q.street, q.city, q.phone, q.landline = p.street, p.city, p.phone, true
	return q
}

// junior has the parent's name, address and landline, and was born 20 to
// 35 years later.
func (g *hgen) junior(p *hperson) hperson {
	q := g.newPerson()
	q.origin, q.given, q.surnames, q.native, q.alt, q.familyFirst, q.male, q.country = p.origin, p.given, p.surnames, p.native, p.alt, p.familyFirst, p.male, p.country
	q.y = min(p.y+20+g.r.IntN(16), 2005)
	p.phone, p.landline = landline(p.phone), true
	q.street, q.city, q.phone, q.landline = p.street, p.city, p.phone, true
	if g.r.Float64() < 0.5 {
		q.suffix = "Jr"
	}
	return q
}

// namesake has the same name and nothing else in common.
func (g *hgen) namesake(p *hperson) hperson {
	q := g.newPerson()
	q.origin, q.given, q.surnames, q.native, q.alt, q.familyFirst, q.male = p.origin, p.given, p.surnames, p.native, p.alt, p.familyFirst, p.male
	return q
}

// landline turns a mobile into a Caracas landline shared by a household.
func landline(phone string) string { return "58212" + phone[len(phone)-7:] }

func (g *hgen) newCompany() hcompany {
	c := hcompany{entity: fmt.Sprintf("HC%06d", len(g.companies)), form: g.form(),
		regNo: fmt.Sprintf("%08d%d", g.r.IntN(100000000), g.r.IntN(10)), street: g.street(), city: g.city(),
		phone:   fmt.Sprintf("58212%07d", g.r.IntN(10000000)),
		founded: fmt.Sprintf("%04d-%02d-%02d", 1960+g.r.IntN(62), 1+g.r.IntN(12), 1+g.r.IntN(28))}
	// Officers: one to three people; a fifth of companies are named after
	// the first.
	for n := 1 + g.r.IntN(3); n > 0; n-- {
		c.officers = append(c.officers, g.r.IntN(len(g.people)))
	}
	o := g.people[c.officers[0]]
	switch x := g.r.Float64(); {
	case x < 0.2 && len(o.surnames) > 0:
		c.words = append(append([]string{}, o.given[0]), o.surnames...)
		if g.r.IntN(2) == 0 {
			c.words = append([]string{"Inversiones"}, o.surnames...)
		}
		g.set.Negatives = append(g.set.Negatives, HardNegative{A: o.entity, B: c.entity, Kind: NegOfficer})
	default:
		c.words = []string{g.pick(orgWords), g.surname(hispanicSurnames)}
		if g.r.Float64() < 0.6 {
			c.words = append(c.words, g.pick(orgWords))
		}
	}
	return c
}

func (g *hgen) form() [3]string {
	f := legalForms[g.r.IntN(len(legalForms))]
	return [3]string{f[0], f[1%len(f)], f[len(f)-1]}
}

// nearCompany has the same words but one, another registration number,
// address and officers.
func (g *hgen) nearCompany(c hcompany) hcompany {
	d := g.newCompany()
	d.words = append([]string{}, c.words...)
	switch g.r.IntN(3) {
	case 0:
		d.words = append(d.words, g.pick([]string{"del Sur", "2000", "Internacional", "Group", "de Oriente"}))
	case 1:
		d.words[0] = g.pick(orgWords)
	default:
		d.words[len(d.words)-1] = g.surname(hispanicSurnames)
	}
	if strings.Join(d.words, " ") == strings.Join(c.words, " ") {
		d.words = append(d.words, "II")
	}
	return d
}

func (g *hgen) account(entity string) string {
	if g.accounts == nil {
		g.accounts = map[string]string{}
	}
	a, ok := g.accounts[entity]
	if !ok {
		a = fmt.Sprintf("VE%02d0102%016d", g.r.IntN(100), g.r.Int64N(1e16))
		g.accounts[entity] = a
	}
	return a
}

func (g *hgen) add(r HeteroRecord) {
	g.set.Records = append(g.set.Records, r)
}

// renderPerson writes the records that hold p in each source.
func (g *hgen) renderPerson(p *hperson) {
	n := 0
	rec := func(src string) HeteroRecord {
		n++
		return HeteroRecord{Source: src, ID: g.id(src), Entity: p.entity, Kind: KindPerson, Origin: p.origin, Fields: map[string]string{}}
	}
	if g.r.Float64() < 0.8 {
		for c := 0; c == 0 || (c == 1 && g.r.Float64() < 0.1); c++ {
			r := rec(SourceKYC)
			g.kycPerson(p, &r, n > 1)
			g.add(r)
		}
	}
	if g.r.Float64() < 0.15 {
		r := rec(SourceSanctions)
		g.sanctionsPerson(p, &r)
		g.add(r)
	}
	if g.r.Float64() < 0.35 || n == 0 {
		acct := g.account(p.entity)
		for c := 1 + g.r.IntN(3); c > 0; c-- {
			r := rec(SourcePayments)
			g.paymentParty(&r, g.paymentName(p, &r), acct, p.street+", "+p.city, p.country)
			g.add(r)
		}
	}
}

// personName writes p's name as a file would, with the variations a
// second record brings; it records them in r.
func (g *hgen) personName(p *hperson, r *HeteroRecord, vary bool) (given, surnames []string) {
	given, surnames = append([]string{}, p.given...), append([]string{}, p.surnames...)
	if !vary {
		return given, surnames
	}
	if p.origin == "hispanic" && g.r.Float64() < 0.3 {
		surnames = surnames[:1]
		r.Variations = append(r.Variations, "maternal_dropped")
	}
	if nick, ok := nicknames[given[0]]; ok && g.r.Float64() < 0.3 {
		given[0] = nick
		r.Variations = append(r.Variations, "nickname")
	}
	if len(given) > 1 && g.r.Float64() < 0.3 {
		given = given[:1]
		r.Variations = append(r.Variations, "middle_dropped")
	}
	return given, surnames
}

func (g *hgen) kycPerson(p *hperson, r *HeteroRecord, dup bool) {
	given, surnames := g.personName(p, r, dup || g.r.Float64() < 0.3)
	var name string
	switch {
	case p.familyFirst:
		name = strings.Join(surnames, " ") + " " + strings.Join(given, " ")
		if g.r.IntN(2) == 0 {
			name = p.alt[g.r.IntN(len(p.alt))]
			r.Variations = append(r.Variations, "name_order")
		}
	case len(p.alt) > 0 && g.r.Float64() < 0.4:
		name = p.alt[g.r.IntN(len(p.alt))]
		r.Variations = append(r.Variations, "transliteration")
	case g.r.IntN(2) == 0:
		name = strings.ToUpper(strings.Join(surnames, " ")) + ", " + strings.Join(given, " ")
		r.Variations = append(r.Variations, "name_order")
	default:
		name = strings.Join(given, " ") + " " + strings.Join(surnames, " ")
	}
	if p.suffix != "" && g.r.IntN(2) == 0 {
		name += " " + p.suffix
	}
	if g.r.Float64() < 0.1 {
		name = g.typo(name)
		r.Variations = append(r.Variations, "typo")
	}
	y, m, d := p.y, p.m, p.d
	if g.r.Float64() < 0.04 && d <= 12 {
		m, d = d, m
		r.Variations = append(r.Variations, "dob_error")
	}
	f := r.Fields
	f["tipo"], f["nombre"] = "N", name
	f["fecha_nac"] = fmt.Sprintf("%02d/%02d/%04d", d, m, y)
	f["documento"] = "V-" + dotted(p.natID)
	if p.country != "VE" && p.country != "CO" {
		f["documento"] = "P-" + p.passport
	}
	f["telefono"] = g.phoneText(p.phone, p.landline, r)
	f["direccion"], f["ciudad"] = g.kycAddress(p.street, r), p.city
	f["nacionalidad"] = nationality(p.country, g.r.IntN(3))
	g.blank(r, 0.08, "fecha_nac", "telefono", "direccion", "documento")
}

// phoneText writes a number as a customer file does: national form for
// Venezuelan numbers, international for others, a third of them without
// the "+".
func (g *hgen) phoneText(e164 string, landline bool, r *HeteroRecord) string {
	if strings.HasPrefix(e164, "58") && g.r.IntN(3) > 0 {
		nsn := e164[2:]
		return "0" + nsn[:3] + "-" + nsn[3:]
	}
	cc, rest := e164[:2], e164[2:]
	if g.r.IntN(3) == 0 {
		r.Variations = append(r.Variations, "phone_no_plus")
		return cc + " " + rest[:3] + " " + rest[3:]
	}
	return "+" + cc + " " + rest[:3] + " " + rest[3:]
}

func (g *hgen) sanctionsPerson(p *hperson, r *HeteroRecord) {
	given, surnames := g.personName(p, r, true)
	name := strings.Join(given, " ") + " " + strings.Join(surnames, " ")
	if p.familyFirst {
		name = strings.Join(surnames, " ") + " " + strings.Join(given, " ")
	}
	var aliases []any
	if len(p.alt) > 0 {
		for _, a := range p.alt {
			aliases = append(aliases, a)
		}
		if g.r.Float64() < 0.4 {
			// The primary name is another spelling; the usual one is an alias.
			name, aliases[0] = p.alt[0], name
			r.Variations = append(r.Variations, "alias")
		}
	}
	if p.native != "" && g.r.IntN(2) == 0 {
		aliases = append(aliases, p.native)
	}
	obj := map[string]any{"id": r.ID, "schema": "Person", "name": name}
	if len(aliases) > 0 {
		obj["aliases"] = aliases
	}
	dob := fmt.Sprintf("%04d-%02d-%02d", p.y, p.m, p.d)
	switch g.r.IntN(5) {
	case 0:
		obj["birth_date"] = []any{fmt.Sprint(p.y), fmt.Sprint(p.y + 1)}
		r.Variations = append(r.Variations, "dob_year_only")
	case 1:
	default:
		obj["birth_date"] = dob
	}
	ids := []any{map[string]any{"type": "passport", "number": p.passport}}
	if p.country == "VE" || p.country == "CO" {
		ids = append(ids, map[string]any{"type": "national_id", "number": "V" + p.natID})
	}
	obj["ids"] = ids
	obj["nationality"] = []any{nationality(p.country, 2)}
	r.Nested = obj
}

// paymentName writes p as a payment message's party field holds it.
func (g *hgen) paymentName(p *hperson, r *HeteroRecord) string {
	given, surnames := g.personName(p, r, true)
	r.Variations = append(r.Variations, "payment")
	var name string
	switch {
	case p.familyFirst:
		name = strings.Join(surnames, " ") + " " + strings.Join(given, " ")
	case g.r.IntN(2) == 0:
		name = strings.Join(surnames, " ") + "/" + strings.Join(given, " ")
	default:
		name = strings.Join(given, " ") + " " + strings.Join(surnames, " ")
	}
	if len(p.alt) > 0 && !p.familyFirst && g.r.Float64() < 0.3 {
		name = p.alt[g.r.IntN(len(p.alt))]
		r.Variations = append(r.Variations, "transliteration")
	}
	// Forms of booking and payment systems, drawn from the number the
	// message will have (not from the generator, so that the rest of the
	// data stays as it was): a title after the given names of
	// SURNAME/GIVEN, the line number of a structured field.
	h := fnv.New32a()
	fmt.Fprint(h, g.msg+1)
	switch x := h.Sum32() % 100; {
	case x < 10 && strings.Contains(name, "/"):
		title := "MR"
		if !p.male {
			title = [2]string{"MRS", "MS"}[x%2]
		}
		name += " " + title
		r.Variations = append(r.Variations, "payment_form")
	case x >= 95:
		name = "1/" + name
		r.Variations = append(r.Variations, "payment_form")
	}
	return name
}

// paymentParty fills a payment party record: upper case ASCII cut at 35
// characters, as a SWIFT field holds it.
func (g *hgen) paymentParty(r *HeteroRecord, name, account, address, country string) {
	name = strings.ToUpper(ascii(strings.ReplaceAll(name, " ", "_")))
	name = strings.ReplaceAll(name, "_", " ")
	if len(name) > 35 {
		name = name[:35]
		r.Variations = append(r.Variations, "truncated")
	}
	g.msg++
	r.ID = fmt.Sprintf("MSG%07d-%s", g.msg, g.pick([]string{"ORD", "BEN"}))
	f := r.Fields
	f["ref"], f["name"], f["account"] = r.ID, name, account
	// A bank's system writes a grid address without its "No." a third of
	// the time (CALLE 72 61-79), and a message holds only the characters
	// of its set: letters, digits, space and / - ? : ( ) . , ' +.
	if i := strings.Index(address, " No. "); i > 0 && g.r.IntN(3) == 0 {
		address = address[:i] + " " + address[i+len(" No. "):]
		r.Variations = append(r.Variations, "address_form")
	}
	addr := strings.Map(func(c rune) rune {
		if c == '_' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("/-?:().,'+", c) {
			return c
		}
		return -1
	}, strings.ToUpper(ascii(strings.ReplaceAll(address, " ", "_"))))
	addr = strings.ReplaceAll(addr, "_", " ")
	if len(addr) > 35 {
		addr = addr[:35]
	}
	f["address"], f["country"] = addr, country
	g.blank(r, 0.3, "address")
}

func (g *hgen) blank(r *HeteroRecord, p float64, fields ...string) {
	for _, f := range fields {
		if g.r.Float64() < p {
			r.Fields[f] = ""
		}
	}
}

func (g *hgen) companyName(c *hcompany, r *HeteroRecord) string {
	name := strings.Join(c.words, " ")
	form := c.form[0]
	if g.r.IntN(3) == 0 {
		form = c.form[1+g.r.IntN(2)]
		r.Variations = append(r.Variations, "legal_form")
	}
	if g.r.Float64() < 0.1 {
		name = g.typo(name)
		r.Variations = append(r.Variations, "typo")
	}
	return name + " " + form
}

func (g *hgen) renderCompany(c *hcompany) {
	rec := func(src string) HeteroRecord {
		return HeteroRecord{Source: src, ID: g.id(src), Entity: c.entity, Kind: KindOrganization, Fields: map[string]string{}}
	}
	if g.r.Float64() < 0.9 {
		for _, o := range c.officers {
			r := rec(SourceFilings)
			off := g.people[o]
			f := r.Fields
			f["filing_id"], f["company"] = r.ID, g.companyName(c, &r)
			f["reg_no"] = "J-" + c.regNo[:8] + "-" + c.regNo[8:]
			f["incorporated"], f["address"], f["city"] = c.founded, c.street, c.city
			f["officer"] = strings.Join(off.given, " ") + " " + strings.Join(off.surnames, " ")
			f["officer_dob"] = fmt.Sprintf("%04d-%02d-%02d", off.y, off.m, off.d)
			f["officer_role"] = g.pick([]string{"director", "president", "shareholder"})
			g.blank(&r, 0.05, "address", "incorporated")
			g.add(r)
		}
	}
	if g.r.Float64() < 0.5 {
		r := rec(SourceKYC)
		f := r.Fields
		f["tipo"], f["nombre"] = "J", strings.ToUpper(g.companyName(c, &r))
		f["documento"] = "J-" + c.regNo
		f["telefono"] = g.phoneText(c.phone, true, &r)
		f["direccion"], f["ciudad"], f["nacionalidad"] = g.kycAddress(c.street, &r), c.city, "VE"
		g.blank(&r, 0.1, "documento", "telefono", "direccion")
		g.add(r)
	}
	if g.r.Float64() < 0.1 {
		r := rec(SourceSanctions)
		r.Nested = map[string]any{"id": r.ID, "schema": "Company", "name": g.companyName(c, &r),
			"ids": []any{map[string]any{"type": "registration", "number": "J" + c.regNo}}, "nationality": []any{"VE"}}
		if g.r.IntN(2) == 0 {
			r.Nested["aliases"] = []any{strings.ToUpper(strings.Join(c.words, " "))}
		}
		g.add(r)
	}
	if g.r.Float64() < 0.4 {
		acct := g.account(c.entity)
		for n := 1 + g.r.IntN(3); n > 0; n-- {
			r := rec(SourcePayments)
			g.paymentParty(&r, g.companyName(c, &r), acct, c.street+", "+c.city, "VE")
			g.add(r)
		}
	}
}

// nationality writes a country as a file might: its code, or the
// nationality adjective in English or Spanish.
func nationality(code string, style int) string {
	words, ok := nationalities[code]
	if !ok || style == 0 {
		return code
	}
	return words[min(style, len(words))-1]
}

var nationalities = map[string][]string{
	"VE": {"Venezolana", "Venezuelan"}, "CO": {"Colombiana", "Colombian"}, "ES": {"Española", "Spanish"},
	"US": {"Estadounidense", "American"}, "GB": {"Británica", "British"}, "LB": {"Libanesa", "Lebanese"},
	"SY": {"Siria", "Syrian"}, "AE": {"Emiratí", "Emirati"}, "RU": {"Rusa", "Russian"},
	"CN": {"China", "Chinese"}, "KR": {"Coreana", "South Korean"},
}
