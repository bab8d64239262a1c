package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// The UK-style set is a second multi-source set, written with other
// conventions than GenerateHetero's, so that accuracy is measured on more
// than one generator's idea of the data:
//
//   - bank: a British bank's customers, title, forename, middle names and
//     surname in columns of their own, UK dates (DD/MM/YYYY), a postcode
//     column, UK mobiles and landlines as people write them, nationality
//     as a word (British, Romanian), a National Insurance number for some;
//     business customers in the surname column with their legal form;
//     flats written before or after the street (Flat 2, 45 High Street);
//   - companies: Companies House appointments, one row per officer, the
//     company's name in capitals, its registered office in one line with
//     town and postcode, the officer as "SURNAME, Forenames" born in a
//     month and year only (as the register shows them);
//   - watchlist: a FollowTheMoney-style list (schema Person or Company,
//     properties holding lists: name, alias, birthDate, nationality,
//     passportNumber, registrationNumber, address);
//   - wires: payments, each naming an ordering customer (with an address
//     line and postcode) and a beneficiary (a name and a country alone),
//     names in capitals as payment messages write them (MR JOHN SMITH,
//     SMITH/JOHN, J SMITH, SMITH JOHN), cut at 35 characters, companies
//     often without their legal form.
//
// Hard negatives: households (a spouse at the same address and landline),
// juniors named after their father, namesakes, companies with the same
// words and one more.
type UKOptions struct {
	Seed   uint64
	People int
}

// UK-style groups, as the truth names them (its sources are SourceBank,
// SourceCompanies and SourceWatchlist, and the wires' two groups).
const (
	SourceOfficers      = "companies.officer"
	SourceWireOrdering  = "wires.ordering"
	SourceWireRecipient = "wires.beneficiary"
)

var (
	ukGivenM   = append(copied(englishGivenM), "Callum", "Liam", "Connor", "Rhys", "Owen", "Declan", "Hamish", "Alistair", "Graham", "Nigel", "Trevor", "Colin", "Malcolm", "Barry", "Neil", "Stuart", "Gavin", "Mohammed", "Tomasz", "Chinedu")
	ukGivenF   = append(copied(englishGivenF), "Siobhan", "Fiona", "Gillian", "Eilidh", "Niamh", "Bethan", "Kirsty", "Aisha", "Agnieszka", "Ngozi", "Priya")
	ukSurnames = append(copied(englishSurnames), "Taylor", "Davies", "Evans", "Roberts", "Walker", "Hughes", "Patel", "Khan", "Begum", "Singh", "Ahmed", "Hussain",
		"O'Brien", "McDonald", "MacLeod", "Fitzgerald", "Kowalski", "Nowak", "Okafor", "Adeyemi", "Mensah", "Chowdhury", "Sharma", "Papadopoulos", "Rossi", "Ivanov")
	ukStreets = []string{"High Street", "Station Road", "Main Street", "Park Road", "Church Road", "London Road", "Victoria Road", "Green Lane",
		"Manor Road", "Church Lane", "Park Avenue", "The Crescent", "Queens Road", "New Road", "Grange Road", "Kingsway", "Broadway",
		"Mill Lane", "York Road", "King Street", "The Green", "George Street", "Queensway", "West Street", "The Drive", "Richmond Road",
		"Grove Road", "School Lane", "The Grove", "Chester Road", "Stanley Road", "Mount Pleasant", "Albert Road", "Springfield Road"}
	ukTowns = [][2]string{{"London", "SW"}, {"London", "E"}, {"London", "N"}, {"Manchester", "M"}, {"Birmingham", "B"}, {"Leeds", "LS"},
		{"Glasgow", "G"}, {"Edinburgh", "EH"}, {"Bristol", "BS"}, {"Liverpool", "L"}, {"Cardiff", "CF"}, {"Belfast", "BT"},
		{"Leicester", "LE"}, {"Nottingham", "NG"}, {"Sheffield", "S"}, {"Coventry", "CV"}, {"Bradford", "BD"}, {"Reading", "RG"}}
	ukStreetAbbrev = strings.NewReplacer("Road", "Rd", "Street", "St", "Avenue", "Ave", "Lane", "Ln", "Crescent", "Cres", "Drive", "Dr")
	// ukNationalities are code, adjective and weight.
	ukNationalities = []struct {
		code, word string
		weight     int
	}{{"GB", "British", 70}, {"IE", "Irish", 5}, {"IN", "Indian", 6}, {"PK", "Pakistani", 5}, {"NG", "Nigerian", 4},
		{"PL", "Polish", 4}, {"CN", "Chinese", 2}, {"RO", "Romanian", 2}, {"IT", "Italian", 1}, {"PT", "Portuguese", 1}}
	ukCompanyWords  = []string{"Albion", "Apex", "Atlas", "Beacon", "Britannia", "Cedar", "Crown", "Delta", "Eagle", "Falcon", "Granite", "Harbour", "Horizon", "Kestrel", "Meridian", "Monarch", "Nexus", "Orion", "Phoenix", "Pinnacle", "Regal", "Sovereign", "Summit", "Thames", "Titan", "Vanguard", "Zenith", "Anchor", "Argyle", "Clyde", "Dover", "Forth", "Hadrian", "Jura"}
	ukCompanyTrades = []string{"Trading", "Holdings", "Logistics", "Consulting", "Properties", "Developments", "Investments", "Capital", "Services", "Solutions", "Imports", "Foods", "Motors", "Construction", "Energy", "Shipping", "Textiles", "Metals", "Ventures"}
)

// copied copies a name list, so that appending to it never writes into
// the list it came from.
func copied(s []string) []string { return append([]string(nil), s...) }

type ukAddress struct {
	number                       int
	street, town, flat, postcode string
}

type ukPerson struct {
	entity, sex                 string
	first, middle, last, maiden string
	suffix                      string
	year, month, day            int
	addr                        ukAddress
	mobile, landline            string
	nat                         int  // index into ukNationalities
	natGiven                    bool // nat is a relative's, not drawn
	passport, ni, email         string
}

type ukCompany struct {
	entity, name, number string
	addr                 ukAddress
	incorporated         string
	officers             []int
}

type ukGen struct {
	gen
	people    []ukPerson
	companies []ukCompany
	truth     [][]string
}

// WriteUK writes the UK-style set into dir: bank.csv, companies.csv,
// watchlist.ndjson, wires.csv, truth.csv and concord.yaml (UKConfigYAML).
func WriteUK(dir string, opt UKOptions) (config, truth string, err error) {
	g := &ukGen{gen: gen{r: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), ids: map[string]int{}}}
	g.makePeople(opt.People)
	g.makeCompanies(opt.People / 5)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	for _, w := range []func(string) error{g.writeBank, g.writeCompanies, g.writeWatchlist, g.writeWires} {
		if err := w(dir); err != nil {
			return "", "", err
		}
	}
	truth = filepath.Join(dir, "truth.csv")
	if err := writeCSV(truth, []string{"source", "record_id", "entity_id"}, g.truth); err != nil {
		return "", "", err
	}
	config = filepath.Join(dir, "concord.yaml")
	return config, truth, os.WriteFile(config, []byte(UKConfigYAML), 0o600)
}

func (g *ukGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *ukGen) digits(n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	return b.String()
}

func (g *ukGen) address() ukAddress {
	t := ukTowns[g.r.IntN(len(ukTowns))]
	a := ukAddress{number: 1 + g.r.IntN(240), street: g.pick(ukStreets), town: t[0],
		postcode: fmt.Sprintf("%s%d %d%c%c", t[1], 1+g.r.IntN(28), 1+g.r.IntN(9), 'A'+rune(g.r.IntN(26)), 'A'+rune(g.r.IntN(26)))}
	if g.chance(0.25) {
		a.flat = fmt.Sprintf("%s %d", g.pick([]string{"Flat", "Flat", "Apartment", "Unit"}), 1+g.r.IntN(40))
	}
	return a
}

// line writes an address's first line as a clerk might: the flat before
// or after the street, or left out; the street's kind abbreviated.
func (g *ukGen) line(a ukAddress, vary bool) string {
	street := a.street
	if vary && g.chance(0.4) {
		street = ukStreetAbbrev.Replace(street)
	}
	s := fmt.Sprintf("%d %s", a.number, street)
	switch {
	case a.flat == "":
	case g.chance(0.45):
		s = a.flat + ", " + s
	case g.chance(0.8):
		s += ", " + a.flat
	}
	return s
}

func (g *ukGen) nationality() int {
	total := 0
	for _, n := range ukNationalities {
		total += n.weight
	}
	x := g.r.IntN(total)
	for i, n := range ukNationalities {
		if x < n.weight {
			return i
		}
		x -= n.weight
	}
	return 0
}

// person makes a person; given fields of tmpl (a household's surname and
// address, a junior's names) are kept.
func (g *ukGen) person(tmpl ukPerson) ukPerson {
	p := tmpl
	p.entity = fmt.Sprintf("P%d", len(g.people)+1)
	if p.sex == "" {
		p.sex = g.pick([]string{"M", "F"})
	}
	given := ukGivenM
	if p.sex == "F" {
		given = ukGivenF
	}
	if p.first == "" {
		p.first = g.pick(given)
		if g.chance(0.5) {
			p.middle = g.pick(given)
		}
	}
	if p.last == "" {
		p.last = g.pick(ukSurnames)
	}
	if p.year == 0 {
		p.year = 1940 + g.r.IntN(63)
	}
	p.month, p.day = 1+g.r.IntN(12), 1+g.r.IntN(28)
	if p.addr.street == "" {
		p.addr = g.address()
	}
	if !tmpl.natGiven {
		p.nat = g.nationality()
	}
	p.mobile = "07" + fmt.Sprint(3+g.r.IntN(7)) + g.digits(8)
	p.passport = fmt.Sprint(100000000 + g.r.IntN(900000000))
	p.ni = fmt.Sprintf("%c%c%s%c", "ABCEGHJKLMNPRSTWXYZ"[g.r.IntN(19)], "ABCEGHJKLMNPRSTWXYZ"[g.r.IntN(19)], g.digits(6), 'A'+rune(g.r.IntN(4)))
	p.email = fmt.Sprintf("%s.%s%d@%s", strings.ToLower(p.first), strings.ToLower(strings.ReplaceAll(p.last, "'", "")), 1+g.r.IntN(99),
		g.pick([]string{"gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com"}))
	g.people = append(g.people, p)
	return p
}

func (g *ukGen) makePeople(n int) {
	for len(g.people) < n {
		switch x := g.r.Float64(); {
		case x < 0.12 && len(g.people) > 0: // a spouse or sibling: surname, address, landline
			h := &g.people[g.r.IntN(len(g.people))]
			if h.landline == "" {
				h.landline = "0" + g.pick([]string{"20", "161", "121", "113", "141", "131", "117", "151"}) + g.digits(7)
			}
			p := g.person(ukPerson{last: h.last, addr: h.addr, landline: h.landline, nat: h.nat, natGiven: true, year: h.year - 4 + g.r.IntN(9)})
			if p.sex == "F" && g.chance(0.5) {
				g.people[len(g.people)-1].maiden = g.pick(ukSurnames)
			}
		case x < 0.16 && len(g.people) > 0: // a junior named after his father
			h := g.people[g.r.IntN(len(g.people))]
			if h.sex != "M" || h.year > 1975 {
				continue
			}
			g.person(ukPerson{sex: "M", first: h.first, middle: h.middle, last: h.last, addr: h.addr, landline: h.landline,
				nat: h.nat, natGiven: true, year: h.year + 22 + g.r.IntN(12), suffix: "Jr"})
		case x < 0.22 && len(g.people) > 0: // a namesake elsewhere
			h := g.people[g.r.IntN(len(g.people))]
			g.person(ukPerson{sex: h.sex, first: h.first, last: h.last})
		default:
			g.person(ukPerson{})
		}
	}
}

func (g *ukGen) makeCompanies(n int) {
	taken := map[string]bool{} // the register takes no name twice
	add := func(name string, officers int) {
		if taken[name] {
			return
		}
		taken[name] = true
		c := ukCompany{entity: fmt.Sprintf("C%d", len(g.companies)+1), name: name, number: fmt.Sprintf("%08d", 100000+g.r.IntN(14900000)),
			addr: g.address(), incorporated: fmt.Sprintf("%04d-%02d-%02d", 1980+g.r.IntN(43), 1+g.r.IntN(12), 1+g.r.IntN(28))}
		c.addr.flat = ""
		if g.chance(0.1) {
			c.number = "SC" + c.number[2:]
		}
		for range officers {
			c.officers = append(c.officers, g.r.IntN(len(g.people)))
		}
		g.companies = append(g.companies, c)
	}
	for len(g.companies) < n {
		switch {
		case g.chance(0.15): // named after an officer
			add(g.people[g.r.IntN(len(g.people))].last+" "+g.pick(ukCompanyTrades), 1+g.r.IntN(3))
		case g.chance(0.3):
			add(g.pick(ukCompanyWords)+" "+g.pick(ukCompanyWords)+" "+g.pick(ukCompanyTrades), 1+g.r.IntN(3))
		default:
			add(g.pick(ukCompanyWords)+" "+g.pick(ukCompanyTrades), 1+g.r.IntN(3))
		}
	}
	for i := range n / 10 { // the same words and one more: another company
		add(g.companies[i].name+" "+g.pick([]string{"(UK)", "Group", "International", "(Scotland)"}), 1)
	}
}

func (g *ukGen) addTruth(source, id, entity string) {
	g.truth = append(g.truth, []string{source, id, entity})
}

// typo makes one slip of the keyboard in a word of four letters or more.
func (g *ukGen) typo(s string) string {
	if len(s) < 4 {
		return s
	}
	i := 1 + g.r.IntN(len(s)-2)
	switch g.r.IntN(3) {
	case 0:
		return s[:i] + s[i+1:]
	case 1:
		return s[:i] + string(s[i+1]) + string(s[i]) + s[i+2:]
	}
	return s[:i] + string("aeiourstnl"[g.r.IntN(10)]) + s[i+1:]
}

// names returns a person's names as a source writes them now and then: a
// nickname, a typo, the middle name left out or cut to its initial.
func (g *ukGen) names(p ukPerson, nick bool) (first, middle, last string) {
	first, middle, last = p.first, p.middle, p.last
	switch x := g.r.Float64(); {
	case x < 0.12 && nick && nicknames[first] != "":
		first = nicknames[first]
	case x < 0.18:
		first = g.typo(first)
	case x < 0.24:
		last = g.typo(last)
	}
	switch {
	case g.chance(0.4):
		middle = ""
	case middle != "" && g.chance(0.3):
		middle = middle[:1]
	}
	return first, middle, last
}

func (g *ukGen) writeBank(dir string) error {
	var rows [][]string
	id := 100000
	for _, p := range g.people {
		if !g.chance(0.65) {
			continue
		}
		copies := 1
		if g.chance(0.08) {
			copies = 2 // a second account opened years later
		}
		for k := range copies {
			id++
			first, middle, last := p.first, p.middle, p.last
			if k > 0 || g.chance(0.3) {
				first, middle, last = g.names(p, true)
			}
			if k > 0 && p.maiden != "" {
				last = p.maiden
			}
			if p.suffix != "" && g.chance(0.5) {
				last += " " + p.suffix
			}
			a := p.addr
			if k > 0 && g.chance(0.5) {
				a = g.address() // moved
			}
			title := ""
			if g.chance(0.7) {
				title = map[string]string{"M": "Mr", "F": g.pick([]string{"Mrs", "Ms", "Miss"})}[p.sex]
			}
			dob := fmt.Sprintf("%02d/%02d/%04d", p.day, p.month, p.year)
			if g.chance(0.03) {
				dob = ""
			}
			phone := p.mobile
			if p.landline != "" && g.chance(0.2) {
				phone = p.landline
			}
			switch {
			case g.chance(0.2):
				phone = "+44 " + phone[1:]
			case g.chance(0.5):
				phone = phone[:5] + " " + phone[5:]
			}
			email := ""
			if g.chance(0.6) {
				email = p.email
			}
			nat := ukNationalities[p.nat]
			natText := nat.word
			if g.chance(0.3) {
				natText = nat.code
			}
			ni := ""
			if nat.code == "GB" && g.chance(0.5) {
				ni = p.ni
			}
			postcode := a.postcode
			if g.chance(0.05) {
				postcode = strings.ReplaceAll(postcode, " ", "")
			}
			cid := fmt.Sprintf("C%d", id)
			rows = append(rows, []string{cid, title, first, middle, last, dob, g.line(a, true), a.town, postcode, phone, email, natText, ni})
			g.addTruth(SourceBank, cid, p.entity)
		}
	}
	for _, c := range g.companies {
		if !g.chance(0.4) {
			continue
		}
		id++
		name := c.name + g.pick([]string{" Limited", " Ltd", " Ltd.", " LTD"})
		if g.chance(0.3) {
			name = strings.ToUpper(name)
		}
		cid := fmt.Sprintf("C%d", id)
		rows = append(rows, []string{cid, "", "", "", name, "", g.line(c.addr, true), c.addr.town, c.addr.postcode,
			"0" + g.pick([]string{"20", "161", "121"}) + g.digits(7), "", "GB", ""})
		g.addTruth(SourceBank, cid, c.entity)
	}
	g.r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return writeCSV(filepath.Join(dir, "bank.csv"), []string{"customer_id", "title", "forename", "middle_names", "surname",
		"date_of_birth", "address_line_1", "town", "postcode", "phone", "email", "nationality", "ni_number"}, rows)
}

var ukMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func (g *ukGen) writeCompanies(dir string) error {
	var rows [][]string
	for _, c := range g.companies {
		for _, o := range c.officers {
			p := g.people[o]
			id := fmt.Sprintf("%s-%d", c.number, len(rows))
			officer := strings.ToUpper(p.last) + ", " + p.first
			if p.middle != "" {
				officer += " " + p.middle
			}
			addr := ""
			if g.chance(0.5) {
				addr = g.line(p.addr, false) + ", " + p.addr.town
			}
			rows = append(rows, []string{id, c.number, strings.ToUpper(c.name + " Limited"),
				fmt.Sprintf("%d %s, %s, %s", c.addr.number, c.addr.street, c.addr.town, c.addr.postcode), c.incorporated,
				officer, g.pick([]string{"director", "director", "secretary"}), fmt.Sprintf("%s %d", ukMonths[p.month-1], p.year),
				ukNationalities[p.nat].word, addr})
			g.addTruth(SourceCompanies, id, c.entity)
			g.addTruth(SourceOfficers, id, p.entity)
		}
	}
	return writeCSV(filepath.Join(dir, "companies.csv"), []string{"appointment_id", "company_number", "company_name", "registered_office",
		"incorporated_on", "officer_name", "officer_role", "officer_born", "officer_nationality", "officer_address"}, rows)
}

func (g *ukGen) writeWatchlist(dir string) error {
	var out bytes.Buffer
	n := 0
	write := func(obj map[string]any, entity string) error {
		id := fmt.Sprintf("NK-%06d", n)
		n++
		obj["id"], obj["datasets"] = id, []string{"gb_hmt_sanctions"}
		b, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		out.Write(append(b, '\n'))
		g.addTruth(SourceWatchlist, id, entity)
		return nil
	}
	listed := g.r.Perm(len(g.people))[:len(g.people)/12]
	for range len(g.people) / 6 { // people on the list alone
		g.person(ukPerson{})
		listed = append(listed, len(g.people)-1)
	}
	for _, i := range listed {
		p := g.people[i]
		first, middle, last := g.names(p, false)
		name := strings.Join(strings.Fields(first+" "+middle+" "+last), " ")
		props := map[string]any{"name": []string{name}, "firstName": []string{first}, "lastName": []string{last},
			"nationality": []string{strings.ToLower(ukNationalities[p.nat].code)}}
		if g.chance(0.4) {
			alias := []string{p.first + " " + p.last}
			if nick := nicknames[p.first]; nick != "" {
				alias[0] = nick + " " + p.last
			}
			if p.maiden != "" {
				alias = append(alias, p.first+" "+p.maiden)
			}
			props["alias"] = alias
		}
		if g.chance(0.8) {
			if g.chance(0.7) {
				props["birthDate"] = []string{fmt.Sprintf("%04d-%02d-%02d", p.year, p.month, p.day)}
			} else {
				props["birthDate"] = []string{fmt.Sprint(p.year)}
			}
		}
		if g.chance(0.3) {
			props["passportNumber"] = []string{p.passport}
		}
		if g.chance(0.3) {
			props["address"] = []string{fmt.Sprintf("%s, %s %s", g.line(p.addr, false), p.addr.town, p.addr.postcode)}
		}
		if err := write(map[string]any{"schema": "Person", "caption": name, "properties": props}, p.entity); err != nil {
			return err
		}
	}
	for _, i := range g.r.Perm(len(g.companies))[:len(g.companies)/8] {
		c := g.companies[i]
		props := map[string]any{"name": []string{strings.ToUpper(c.name + " Ltd")}, "jurisdiction": []string{"gb"}}
		if g.chance(0.6) {
			props["registrationNumber"] = []string{c.number}
		}
		if err := write(map[string]any{"schema": "Company", "caption": props["name"].([]string)[0], "properties": props}, c.entity); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "watchlist.ndjson"), out.Bytes(), 0o600)
}

// wireName writes a person's name as a payment message does.
func (g *ukGen) wireName(p ukPerson) string {
	first, middle, last := g.names(p, true)
	var s string
	switch x := g.r.Float64(); {
	case x < 0.3:
		s = first + " " + last
		if middle != "" {
			s = first + " " + middle[:1] + " " + last
		}
	case x < 0.5:
		s = map[string]string{"M": "MR ", "F": "MRS "}[p.sex] + first + " " + last
	case x < 0.7:
		s = last + " " + first
	case x < 0.85:
		s = first[:1] + " " + last
	default:
		s = last + "/" + first
	}
	return cut35(strings.ToUpper(s))
}

func cut35(s string) string {
	if r := []rune(s); len(r) > 35 {
		return string(r[:35])
	}
	return s
}

func (g *ukGen) writeWires(dir string) error {
	var rows [][]string
	for i := range 2 * len(g.people) {
		id := fmt.Sprintf("W%07d", i)
		var from, fromAddr, fromEntity, to, toEntity string
		if g.chance(0.8) {
			p := g.people[g.r.IntN(len(g.people))]
			from, fromEntity = g.wireName(p), p.entity
			fromAddr = strings.ToUpper(g.line(p.addr, true) + " " + p.addr.postcode)
		} else {
			c := g.companies[g.r.IntN(len(g.companies))]
			from, fromEntity = cut35(strings.ToUpper(c.name+" LTD")), c.entity
		}
		if g.chance(0.5) {
			c := g.companies[g.r.IntN(len(g.companies))]
			to, toEntity = cut35(strings.ToUpper(c.name+g.pick([]string{" LTD", " LIMITED", ""}))), c.entity
		} else {
			p := g.people[g.r.IntN(len(g.people))]
			to, toEntity = g.wireName(p), p.entity
		}
		rows = append(rows, []string{id, fmt.Sprintf("2026-%02d-%02d", 1+g.r.IntN(11), 1+g.r.IntN(28)),
			fmt.Sprintf("%.2f", 100+g.r.Float64()*90000), "GBP", from, fromAddr, to, "GB"})
		g.addTruth(SourceWireOrdering, id, fromEntity)
		g.addTruth(SourceWireRecipient, id, toEntity)
	}
	return writeCSV(filepath.Join(dir, "wires.csv"), []string{"msg_id", "value_date", "amount", "currency", "ordering_customer",
		"ordering_address", "beneficiary", "beneficiary_country"}, rows)
}

// UKConfigYAML maps the files WriteUK produces, written from the README as
// a user would: the bank's names joined from their columns, the register's
// officers a group, the payments' two parties groups.
const UKConfigYAML = `# UK-style synthetic AML data from internal/synth; everything is invented.
sources:
  - name: bank
    path: bank.csv
    id: customer_id
    fields:
      name:        {columns: [title, forename, middle_names, surname], type: party}
      dob:         {column: date_of_birth, type: date, formats: ["DD/MM/YYYY"]}
      address:     {column: address_line_1, type: address}
      city:        {column: town, type: city}
      postcode:    {column: postcode, type: postcode}
      phone:       {column: phone, type: phone, region: GB}
      email:       {column: email, type: email}
      country:     {column: nationality, type: country}
      id_number:   {column: ni_number, type: identifier}
  - name: companies
    path: companies.csv
    id: appointment_id
    kind: organization
    fields:
      name:        {column: company_name, type: org_name}
      reg_number:  {column: company_number, type: identifier}
      address:     {column: registered_office, type: address}
      founded:     {column: incorporated_on, type: date}
    groups:
      officer:
        kind: person
        fields:
          name:    {column: officer_name, type: name}
          dob:     {column: officer_born, type: date}
          country: {column: officer_nationality, type: country}
          address: {column: officer_address, type: address}
  - name: watchlist
    path: watchlist.ndjson
    id: id
    kind: {column: schema, values: {Person: person, Company: organization}}
    fields:
      name:        {column: properties.name, type: party}
      aliases:     {column: properties.alias, type: party, alias_of: name}
      dob:         {column: properties.birthDate, type: date}
      country:     {column: properties.nationality, type: country}
      id_number:   {column: properties.passportNumber, type: identifier}
      reg_number:  {column: properties.registrationNumber, type: identifier}
      address:     {column: properties.address, type: address}
  - name: wires
    path: wires.csv
    id: msg_id
    groups:
      ordering:    {fields: {name: {column: ordering_customer, type: party}, address: {column: ordering_address, type: address}}}
      beneficiary: {fields: {name: {column: beneficiary, type: party}, country: {column: beneficiary_country, type: country}}}
relationships:
  - {type: officer_of, source: companies, from: officer, to: self}
  - {type: paid, source: wires, from: ordering, to: beneficiary, attributes: [amount, value_date]}
`
