package compare_test

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// usable reports whether normalize.Value gave a value: no error, or a
// date cut to its sure part.
func usable(err error) bool {
	var cut *normalize.CutDateError
	return err == nil || errors.As(err, &cut)
}

func values(t *testing.T, kind record.Kind, raw string) []record.Value {
	t.Helper()
	if raw == "" {
		return nil
	}
	var out []record.Value
	for _, r := range strings.Split(raw, "|") {
		v, err := normalize.Value(kind, r, normalize.Options{Region: "GB", DateFormats: []string{"2006-01-02"}})
		if !usable(err) {
			t.Fatalf("normalize %s %q: %v", kind, r, err)
		}
		out = append(out, v)
	}
	return out
}

// tokenCase is two token lists, as text, and whether a symmetric relation
// holds between them.
type tokenCase struct {
	a, b string
	want bool
}

// checkSymmetric checks rel on every case, both ways round.
func checkSymmetric(t *testing.T, name string, rel func(a, b []string) bool, tests []tokenCase) {
	t.Helper()
	for _, tt := range tests {
		a, b := strings.Fields(tt.a), strings.Fields(tt.b)
		if got := rel(a, b); got != tt.want {
			t.Errorf("%s(%q, %q) = %v, want %v", name, tt.a, tt.b, got, tt.want)
		}
		if got := rel(b, a); got != tt.want {
			t.Errorf("%s(%q, %q) = %v, want %v", name, tt.b, tt.a, got, tt.want)
		}
	}
}

func TestTruncated(t *testing.T) {
	checkSymmetric(t, "Truncated", compare.Truncated, []tokenCase{
		{"jose ma garcia", "jose maria garcia lopez", true},
		{"garcia lopez jose ma", "jose maria garcia lopez", true},
		{"garcia lopez jose maria", "jose maria garcia lopez", false}, // nothing cut: a subset
		{"jose ma", "jose", false},                                    // the other is shorter
		{"jose ma maria", "jose maria", false},                        // ma is cut, but jose maria is all there
		{"jo", "jose garcia", false},                                  // one token
		{"jose pe", "jose garcia", false},                             // pe starts no token
		{"pedro ma", "jose maria garcia", false},                      // pedro is not there
		{"a0 a", "b a0", false},                                       // as long as each other: a0 is matched once
		{"ma ma", "ma maria lopez", true},                             // one ma whole, one cut
	})
}

func TestTokenSubset(t *testing.T) {
	checkSymmetric(t, "TokenSubset", compare.TokenSubset, []tokenCase{
		{"juan garcia", "juan garcia lopez", true},
		{"j garcia", "juan garcia lopez", true},
		{"j j smith", "john james smith", true},
		{"john j", "j john", true}, // john to john first, then j to j
		{"maria maria", "maria lopez", false},
		{"maria mar ma", "m 0 0", false}, // as long as each other: each must match the other's
		{"pedro garcia", "juan garcia lopez", false},
	})
}

func TestSubsetTypo(t *testing.T) {
	checkSymmetric(t, "SubsetTypo", compare.SubsetTypo, []tokenCase{
		{"beaariz castillo", "beatriz castillo nunez", true},        // a typo, and a surname dropped
		{"javeir carrasco", "javier gabriel carrasco casham", true}, // letters swapped, middle name and surname dropped
		{"ana castillo", "ana castilo", true},                       // a letter dropped, nothing else
		{"beatriz castillo", "beatriz castillo nunez", false},       // no typo: a subset
		{"beaariz castlilo", "beatriz castillo nunez", false},       // two typos
		{"daniel ortega", "daniela ortega flores", false},           // a man's name and a woman's
		{"mario ortega", "maria ortega", false},
		{"ana ortega", "ane ortega flores", false}, // the token with the typo too short to tell
		{"castillo", "castilo nunez", false},       // one token is no name to go by
		{"jose jose", "jose joes", true},           // each token matched once
		{"jose jose", "jose", false},
		{"laura vilazar", "rafael vilazar lorenzo", false},
	})
}

func TestOrgTypo(t *testing.T) {
	checkSymmetric(t, "OrgTypo", compare.OrgTypo, []tokenCase{
		{"industrilal parverde", "industrial parverde", true}, // one added
		{"inversiones loepz", "inversiones lopez", true},      // two swapped
		{"holdings moreon", "holdings moreno", true},
		{"servicios marraa", "servicios marara", true},
		{"comercializadora norte", "comercilizadora norte", true}, // one dropped
		{"parverde holdings", "parverde trading", false},          // whole words: two companies of a group
		{"holdings mrreno", "holdings moreon", false},             // two slips
		{"agro norte", "argo norte", false},                       // four letters: another word as often
		{"fondo 10000", "fondo 10001", false},                     // numbers
		{"parverde", "parverda", false},                           // one word alone
		{"norte gil sur", "norte gil", false},                     // a word more: not a slip
		{"norte norte", "norte nortes", true},                     // each word matched once
		{"norte norte", "nortes nortes", false},
		{"industrial parverde", "industrial parverde", false}, // the same: exact
	})
}

func TestNameTypo(t *testing.T) {
	checkSymmetric(t, "NameTypo", compare.NameTypo, []tokenCase{
		{"bsarbara wesera", "barbara wesera", true},         // one added
		{"edward rosloobs", "edward roslobos", true},        // two swapped
		{"hasan hamiw", "hasan hamid", true},                // a consonant at the end
		{"mario garcia lopez", "maria garcia lopez", false}, // another ending: another name
		{"daniel ortega", "daniela ortega", false},
		{"hu chun ming", "hu chun ping", false},     // syllables: another name a letter away
		{"joen lewis", "john lewis", false},         // four letters
		{"barbara wesera", "barbara", false},        // a word fewer
		{"bsarbara wesra", "barbara wesera", false}, // two words slipped
		{"wesera", "wesra", false},                  // one word alone
	})
}

func TestTypo(t *testing.T) {
	tests := []struct {
		x, y string
		want bool
	}{
		{"robrt", "robert", true},        // a letter dropped
		{"deigo", "diego", true},         // two swapped
		{"alejaniro", "alejandro", true}, // one substituted
		{"charlyes", "charles", true},    // one added
		{"mario", "maria", false},        // another ending: another name
		{"daniel", "daniela", false},     // a letter added at the end
		{"ana", "ane", false},            // too short to tell
		{"robert", "roberto", false},
		{"louis", "louise", false},      // a vowel added at the end
		{"giulio", "giulia", false},     // another last vowel
		{"mary", "mara", false},         // y, a last vowel
		{"andres", "andrea", false},     // Spanish -és and -ea
		{"alfred", "alfree", true},      // a consonant mistyped at the end
		{"frederic", "frederick", true}, // a consonant added at the end
		{"gasquet", "gasque", true},     // one dropped
		{"roberta", "rebecca", false},   // more than one edit
		{"robert", "robert", false},     // the same word: no typo
	}
	for _, tt := range tests {
		if got := compare.Typo(tt.x, tt.y); got != tt.want {
			t.Errorf("Typo(%q, %q) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
		if got := compare.Typo(tt.y, tt.x); got != tt.want {
			t.Errorf("Typo(%q, %q) = %v, want %v", tt.y, tt.x, got, tt.want)
		}
	}
}

func TestNameParts(t *testing.T) {
	type parts struct{ given, middle, surnames string }
	tests := []struct {
		a, b parts
		want bool
	}{
		{parts{"adriana", "isabel", "lopez"}, parts{"adriana", "", "lopez|perez"}, true},
		{parts{"adriana", "isabel", "lopez|perez"}, parts{"adriana", "", "lopez|perez"}, true},
		{parts{"adriana", "isabel", "lopez"}, parts{"adriana", "isabel maria", "lopez"}, true},
		{parts{"adriana", "isabel", "lopez"}, parts{"adriana", "maria", "lopez"}, false},        // sisters
		{parts{"adriana", "", "lopez|perez"}, parts{"adriana", "", "lopez|garcia"}, false},      // cousins
		{parts{"adriana", "", "lopez"}, parts{"laura", "adriana", "lopez"}, false},              // named after a middle name
		{parts{"adriana", "", "lopez"}, parts{"adriana", "", "perez|lopez"}, false},             // first surnames differ
		{parts{"adriana", "", ""}, parts{"adriana", "", ""}, false},                             // no surname to go by
		{parts{"", "", "lopez"}, parts{"", "", "lopez"}, false},                                 // no given name
		{parts{"abdrahman", "", "al tahawi"}, parts{"abdrahman", "", "al tahawi|haddad"}, true}, // particles stay with the surname
	}
	for _, tt := range tests {
		for _, swap := range []bool{false, true} {
			a, b := tt.a, tt.b
			if swap {
				a, b = b, a
			}
			if got := compare.NameParts(a.given, a.middle, a.surnames, b.given, b.middle, b.surnames); got != tt.want {
				t.Errorf("NameParts(%v, %v) = %v, want %v", a, b, got, tt.want)
			}
		}
	}
}

func TestJoined(t *testing.T) {
	checkSymmetric(t, "Joined", compare.Joined, []tokenCase{
		{"cho ji hoon", "jihoon cho", true},
		{"cho ji hoon", "cho jihoon", true},
		{"ji hoon cho", "jihooncho", true},
		{"maria jose garcia", "mariajose garcia", true},
		{"cho ji hoon", "cho ji hoon", false}, // equal: the exact level's
		{"cho ji hoon", "cho hoonji", false},  // joined words keep their order: ji hoon is jihoon
		{"cho ji hoon", "jihun cho", false},   // a letter differs
		{"ji hoon", "jihoonx", false},         // letters left over
		{"an a", "ana", true},
		{"ana", "", false},
	})
}

func TestContained(t *testing.T) {
	contained := func(min int) func(a, b []string) bool {
		return func(a, b []string) bool { return compare.Contained(a, b, min) }
	}
	checkSymmetric(t, "Contained", contained(2), []tokenCase{
		{"high street", "high street leeds", true},
		{"high street", "high street", true},
		{"high street leeds", "high street le", true}, // cut at a field length
		{"street", "high street", false},
		{"high road", "high street leeds", false},
		{"high street le", "high street lo", false},                                          // neither is in the other
		{"calle 12", "calle 123", false},                                                     // a number cut short is another number
		{"urbanizacion victoria quinta victo", "urbanizacion victoria quinta milton", false}, // victo starts victoria, which is there already
		{"0 0", "0 1", false},                                                                // a token of the other matched once
		{"high high", "high street", false},                                                  // the same
	})
	checkSymmetric(t, "Contained(3)", contained(3), []tokenCase{
		{"high street", "high street leeds", false}, // too few tokens
	})
	checkSymmetric(t, "ContainedTypo", func(a, b []string) bool { return compare.ContainedTypo(a, b, 2) }, []tokenCase{
		{"5516 south maplewood", "5516 south mapplewood avenue", true}, // a typo
		{"high street leeds", "high street le", true},                  // cut, as Contained
		{"high street", "high street leeds", true},
		{"hugh street leeds", "high street", false},      // four letters: another street as likely
		{"high streat leds", "high street leeds", false}, // two typos
		{"calle 12", "calle 13", false},                  // a number is no typo
		{"via roma", "via rome", false},                  // too short for a typo
		{"cromwell road", "cromwlel road", true},         // two letters swapped
		{"maple road", "mapl3 road", false},              // a digit: no typo either way round
	})
}

// TestMixedOrgLevels: a party feature whose sources type a column of
// companies org_name (a register) and a column of anyone party (payments)
// compares the register's names as organisations' at the levels of
// organisations alone, as it does a party's name read as one.
func TestMixedOrgLevels(t *testing.T) {
	c := compare.MustCompile(compare.DefaultSpec("name", record.KindParty))
	for _, tt := range []struct{ register, party, want string }{
		{"Henry Booth House - New Pisgah", "New Pisgah Day Care Center Ltd", "shared words"},
		{"Industrial Parverde Ltd", "INDUSTRILAL PARVERDE LTD", "a letter apart"},
		{"Industrial Parverde Ltd", "INDUSTRILAL PARVERDE", "similar ≥0.92"}, // read as a person's name: no level of organisations'
	} {
		a, b := values(t, record.KindOrgName, tt.register), values(t, record.KindParty, tt.party)
		for _, pair := range [][2][]record.Value{{a, b}, {b, a}} {
			if l, _, _ := c.Level(pair[0], pair[1]); c.Label(l) != tt.want {
				t.Errorf("level(%q, %q) = %q, want %q", pair[0][0].Norm, pair[1][0].Norm, c.Label(l), tt.want)
			}
		}
	}
}

// TestDefaultLevels is a case table per kind: two raw values (| separates
// multiple values) and the label of the level they must reach.
func TestDefaultLevels(t *testing.T) {
	tests := []struct {
		kind record.Kind
		a, b string
		want string
	}{
		{record.KindName, "Juan García", "GARCIA, Juan", "exact"},
		{record.KindName, "Cho Ji-hoon", "JIHOON CHO", "joined"},
		{record.KindName, "Laura Vilazar Lorenzo", "Rafael Vilazar Lorenzo", "else"}, // sister and brother
		{record.KindName, "Maria Jose Vilazar", "Jose Vilazar", "subset"},            // a first given name dropped
		{record.KindName, "William Smith", "Bill Smith", "nickname"},
		{record.KindName, "Francisco López", "Pancho López", "nickname"},
		{record.KindName, "Mohammed Haddad", "Muhammad Haddad", "nickname"},
		{record.KindName, "Willie Milne", "William Milne", "nickname"},
		{record.KindName, "Fred Hoyle", "Frederick Hoyle", "nickname"},
		{record.KindName, "Carl Madden", "Charles Madden", "nickname"}, // the German form, as emigrants' records write it
		{record.KindName, "Gwilym Bower", "William Bower", "nickname"}, // a Welsh form
		{record.KindName, "Iorwerth Redmore", "Edward Redmore", "nickname"},
		{record.KindName, "Hetty Soltau", "Henrietta Soltau", "nickname"},
		{record.KindName, "Peggy Lawrence", "Margaret Lawrence", "nickname"},
		{record.KindName, "Eddy Perkins", "Edward Perkins", "nickname"},
		{record.KindName, "Edwin Perkins", "Edward Perkins", "else"}, // Eddy is a short form of each: they are not each other's
		{record.KindName, "Alfred Hoyle", "Albert Hoyle", "else"},    // Al is a short form of each: they are not each other's
		{record.KindName, "catherine", "katherine", "nickname"},
		{record.KindName, "jonathon", "jonathan", "similar ≥0.92"},
		{record.KindName, "Juan García", "Juan García López", "subset"}, // a maternal surname dropped: before similarity, which would weigh it as any near name
		{record.KindName, "Ana García", "Ana María García López", "subset"},
		{record.KindName, "SANTOS/PANCHO", "Francisco Diego Santos Gutiérrez", "nickname, subset"}, // nickname, middle name and maternal surname dropped
		{record.KindName, "LALO BELUEZA GARCIA", "BELUEZA GARCIA/EDUARDO ALEJANDRO", "nickname, subset"},
		{record.KindName, "Adriana Isabel Lopeira", "LOPEIRA PERAZA/ADRIANA", "parts dropped"},         // middle name dropped here, maternal surname there
		{record.KindName, "Adriana Isabel Lopeira Peraza", "Adriana Lopeira Salcedo", "similar ≥0.80"}, // second surnames differ: not parts dropped
		{record.KindName, "Beaariz Castillo", "CASTILLO NUÑEZ, Beatriz", "subset, a typo"},
		{record.KindName, "Javeir Carrasco", "Javier Gabriel Carrasco Casham", "subset, a typo"},
		{record.KindName, "PEPE RAYUEZA", "RAUYEZA TORFORD, José", "nickname, a typo"}, // a nickname, a typo and a maternal surname dropped
		{record.KindParty, "BOB WESRA", "Robert Wesera", "nickname, a typo"},
		{record.KindName, "Pancho", "Francisco Santos", "else"}, // one token is no name to go by
		{record.KindName, "SANTOS/PANCHO", "Francisco Diego Ramos", "else"},
		{record.KindName, "smith", "smyth", "phonetic"},
		{record.KindParty, "Lee Eun-ji", "LEE DO-YUN", "else"}, // Do is a syllable here, no particle to leave out
		// An East Asian given name of two syllables is one name: one syllable
		// left out is another person's name, not a middle name dropped.
		{record.KindName, "Ling Zhao", "Zhao Yu-ling", "else"},
		{record.KindParty, "ZHAO YU-LING", "Zhao Ling", "else"},
		{record.KindName, "Kim Min-jun", "Min Kim", "else"},
		{record.KindName, "Zhou Guo-qiang", "Guo Zhou", "else"},
		{record.KindName, "Zhou Guo-qiang", "QIANG ZHOU", "else"},
		{record.KindName, "Zhou Guo-qiang", "GUOQIANG ZHOU", "joined"},
		{record.KindName, "Zhou Guo-qiang", "Guo qiang Zhou", "exact"},
		{record.KindName, "David Zhou Guo-qiang", "Zhou Guo-qiang", "subset"}, // a Western name beside it may be left out
		{record.KindName, "Kim Min-jun", "Kim", "subset"},                     // the family name alone: no syllable written
		{record.KindName, "Thanh Le", "Thanh Tran", "similar ≥0.80"},          // Le is a family name, no particle: not phonetic, where Thanh alone coded
		{record.KindName, "Jonathan Smith", "Jonh Smyht", "similar ≥0.80"},
		{record.KindName, "Nguyen Van An", "AN NGUYEN", "subset"},
		{record.KindName, "Roman Arkadyevich Abramovich", "ROMAN ABRAMOVICH", "subset"}, // a patronymic dropped
		{record.KindName, "TYMOSHENKO Yulia Volodymyrivna", "Yulia Tymoshenko", "subset"},
		{record.KindName, "Aliaksandr Ryhoravich LUKASHENKA", "LUKASHENKA/ALIAKSANDR", "subset"},
		{record.KindName, "Natallia Ryhorauna Kachanava", "Natallia Kachanava", "subset"},
		{record.KindName, "Salah al-Din Ayyubi", "SALAHUDDIN AYYUBI", "exact"}, // one name of the faith, however romanised
		{record.KindName, "Abdur Rahman Khan", "KHAN/ABDUL RAHMAN", "exact"},
		{record.KindName, "Abdussalam Khan", "Abd as-Salam Khan", "exact"},
		{record.KindName, "John Smith Sr", "John Smith Jr", "else"}, // a father and his son
		{record.KindName, "John Smith Jr.", "John Smith", "exact"},
		{record.KindName, "John Smith Jr", "John Smith II", "exact"},
		{record.KindName, "John Smith III", "John Smith Junior", "else"},
		{record.KindName, "João Silva Filho", "João Silva Neto", "else"},
		{record.KindParty, "SMITH/JOHN SR", "John Smith Jr", "else"},
		{record.KindName, "GARCIA LOPEZ/JOSE MA", "José María García López", "exact"}, // José Ma. is José María
		{record.KindName, "FCO. JAVIER HERNANDEZ", "Francisco Javier Hernández", "exact"},
		{record.KindName, "MA FERNANDA GUTIERREZ", "María Fernanda Gutiérrez", "exact"},
		{record.KindName, "MOHD RAZAK BIN ABDULLAH", "Muhammad Razak bin Abdullah", "exact"},
		{record.KindName, "Md. Rahim Uddin", "MOHAMMED RAHIM UDDIN", "nickname"},
		{record.KindName, "JUAN HDEZ LOPEZ", "Juan Hernández López", "exact"},
		// Spellings of one name in other romanisations and languages
		{record.KindName, "Lee Min Ho", "YI MIN HO", "phonetic"},
		{record.KindName, "Park Ji Hoon", "PAK JI HUN", "phonetic"},
		{record.KindName, "Zhou Li", "CHOU LI", "phonetic"},
		{record.KindName, "Huang Fang", "WONG FANG", "nickname"}, // Wong is Huang and Wang in Cantonese: no one code
		{record.KindName, "Wang Fang", "WONG FANG", "nickname"},
		{record.KindName, "Cho Min-jun", "JO MIN JUN", "nickname"},
		{record.KindName, "Huang Fang", "WANG FANG", "similar ≥0.80"}, // two names
		{record.KindName, "Jamal Haddad", "DJAMEL HADDAD", "nickname"},
		{record.KindName, "Yelena Sokolova", "JELENA SOKOLOVA", "nickname"},
		{record.KindName, "Yuri Gagarin", "JURI GAGARIN", "nickname"},
		{record.KindName, "Tatiana Ivanova", "TATYANA IVANOVA", "nickname"},
		{record.KindName, "RAFA ROBERTO DALLOBOS NAVARRO", "DALLOBOS NAVARRO/RAFAEL ROBERTO", "nickname"},
		{record.KindName, "Khaled Saleh", "KHALID SALEH", "nickname"},
		{record.KindName, "Zhao Wei", "SHAO WEI", "subset, a typo"}, // two names: not phonetic
		{record.KindName, "Hassan Mansour", "MANSUR, Hasan", "other spelling"},
		{record.KindName, "Yuriy Belyaev", "IURII BELIAEV", "other spelling"},
		{record.KindParty, "Bilal El Rashid", "AL RASHID/BILAL", "other spelling"},
		{record.KindName, "Fatimah Haddad", "Fatima Hadad", "other spelling"},
		{record.KindName, "Khaled Saad", "Khalid Said", "similar ≥0.92"}, // other vowels make other names: no spelling of one
		{record.KindName, "Juan Perez", "Yuan Perez", "similar ≥0.92"},
		{record.KindName, "Bsarbara Wesera", "BARBARA WESERA", "a typo"},
		{record.KindParty, "WESERA, Bsarbara", "BARBARA WESERA", "a typo"},
		{record.KindName, "Hu Chun-ming", "HU CHUN-PING", "similar ≥0.92"},                          // syllables: too short to tell a typo
		{record.KindParty, "Industrial Parverde Ltd", "INDUSTRILAL PARVERDE LTD", "a letter apart"}, // an organisation's: not a person's typo
		{record.KindParty, "Mansour Trading LLC", "Mansur Trading LLC", "a letter apart"},           // organisations' names have no spellings of people's
		{record.KindParty, "Inversiones Delta, C.A.", "INVERSIONES DELTA CA", "exact"},
		{record.KindParty, "INVERSIONES DELTA Y ASOCIAD", "Inversiones Delta y Asociados C.A.", "similar ≥0.92"},
		{record.KindParty, "GARCIA LOPEZ/JOSE", "José García López", "exact"},
		{record.KindName, "Knight", "Nite", "phonetic"},
		{record.KindName, "John Smith", "Pedro Alvarez", "else"},
		{record.KindName, "", "Pedro", "null"},
		{record.KindName, "Pedro|Peter Pan", "Peter Pan", "exact"},
		{record.KindOrgName, "ACME Holdings S.A.", "Acme Holdings", "exact"},
		{record.KindOrgName, "Holdings Acme", "Acme Holdings", "reordered"},
		{record.KindOrgName, "Acme Holding", "Acme Holdings", "a letter apart"},
		{record.KindOrgName, "Acme Hldng Trading", "Acme Holding Trading", "similar ≥0.92"}, // two letters
		{record.KindParty, "INDUSTRILAL PARVERDE LTD", "Industrial Parverde Ltd.", "a letter apart"},
		{record.KindParty, "INVERSIONES LOEPZ S.R.L.", "Inversiones López SRL", "a letter apart"}, // two swapped
		{record.KindParty, "NPORTE GIL S.A.", "Norte Gil SA", "a letter apart"},                   // one added
		{record.KindParty, "NPORTE GIL S.A.", "Norte Gil LLC", "else"},                            // forms disagreeing: exact alone
		{record.KindParty, "AGRO GIMENEZ NORTE LLC", "Argo Gimenez Norte LLC", "similar ≥0.92"},   // words of four letters: Agro and Argo, Alfa and Alta
		{record.KindParty, "Fondo 10000 SA", "Fondo 10001 SA", "similar ≥0.92"},                   // numbers: two funds
		{record.KindParty, "Parverde Ltd", "Parverda Ltd", "similar ≥0.92"},                       // one word: no other to hold it
		{record.KindParty, "Mario Garcia", "Maria Garcia", "similar ≥0.92"},                       // people's names: never this level
		{record.KindOrgName, "Industrial Parverde", "Industrilal Parverde", "a letter apart"},
		{record.KindOrgName, "Acme Global Holdings Group", "Acme Holdings Group Intl", "similar ≥0.80"},
		{record.KindOrgName, "ACME GLOBAL TRAD", "Acme Global Trading Holdings", "truncated"}, // a field's length cut it
		{record.KindOrgName, "Henry Booth House - New Pisgah", "New Pisgah Day Care Center", "shared words"},
		{record.KindOrgName, "Ginas Unbelievable Learning Center", "Henry Booth House Ginas Unbelievable", "shared words"},
		{record.KindOrgName, "Pacific Ocean Trading", "Andean Mining Holdings", "else"},
		{record.KindParty, "Henry Booth House - New Pisgah Ltd", "New Pisgah Day Care Center Ltd", "shared words"},
		{record.KindParty, "Henry Booth House - New Pisgah Ltd", "New Pisgah Day Care Center Inc", "else"}, // forms written and disagreeing: exact alone
		{record.KindParty, "Kirsty Adeyemi", "Alistair Adeyemi", "else"},                                   // people share words as siblings do
		{record.KindParty, "Kisrty Adeyemi", "Alistair Adeyemi", "else"},                                   // read as neither kind: perhaps a person's
		{record.KindParty, "New Pisgah Day Care Center Inc", "Pisgah Nelson", "else"},
		{record.KindOrgName, "Ciboulette", "Ciboulette Restaurant", "subset"},
		{record.KindOrgName, "Le Chardonnay (Los Angeles)", "Le Chardonnay", "subset"},
		{record.KindOrgName, "Ciboulette", "Chez Ciboulette Bistro Paris", "subset"},
		{record.KindOrgName, "Acme Trading", "Zenith Shipping", "else"},
		// Legal forms that disagree leave exact alone: a parent and its
		// subsidiary, two companies of one name.
		{record.KindOrgName, "DSM N.V.", "DSM IP Assets B.V.", "else"},
		{record.KindParty, "D S M N.V.", "D.S.M. IP ASSETS B.V.", "else"},
		{record.KindOrgName, "Acme Trading GmbH", "Acme Trading AG", "exact"},
		{record.KindOrgName, "Acme Tradng GmbH", "Acme Trading AG", "else"},
		{record.KindOrgName, "DSM", "DSM IP Assets B.V.", "subset"},                                        // no form written: may be either
		{record.KindOrgName, "Acme Trading S.A.", "Acme Trading Holdings S.A. de C.V.", "subset"},          // one form the other's and more
		{record.KindOrgName, "ACME TRADNG HOLDINGS S.A", "Acme Trading Holdings S.A.S.", "a letter apart"}, // a form cut short
		{record.KindOrgName, "Acme Tradng Inc", "Acme Trading Corp", "a letter apart"},
		{record.KindOrgName, "Acme Trading", "Acme Shipping", "similar ≥0.80"},                                       // weighed as the data says: often two companies
		{record.KindOrgName, "Shell Internationale Research Maatschappij", "Shell Research Maatschapij", "phonetic"}, // a word left out, one misspelt
		{record.KindOrgName, "Gloeilampenfabrieken Philips", "Philips Gloeilampenfabriek", "truncated"},
		{record.KindOrgName, "Akzo Nobel", "Aczo Nobell", "similar ≥0.80"},
		{record.KindOrgName, "PDVSA", "Petróleos de Venezuela, S.A.", "acronym"},         // the de and the form's initials kept
		{record.KindOrgName, "P.D.V.S.A.", "Petróleos de Venezuela S.A.", "subset"},      // initials, each a word's: before acronym
		{record.KindOrgName, "CANTV", "C.A. Nacional Teléfonos de Venezuela", "acronym"}, // the form before, the de left out
		{record.KindOrgName, "IBM", "International Business Machines Corp", "acronym"},
		{record.KindOrgName, "BNY", "The Bank of New York", "acronym"},
		{record.KindParty, "PDVSA", "PETROLEOS DE VENEZUELA SA", "acronym"}, // one word of neither kind in a payment
		{record.KindParty, "BBVA", "Banco Bilbao Vizcaya Argentaria, S.A.", "acronym"},
		{record.KindParty, "JUAN", "Jardines Unidos Altamira Norte C.A.", "else"},         // a given name is no acronym
		{record.KindOrgName, "BBVA", "Banco Santander S.A.", "else"},                      // other initials
		{record.KindOrgName, "PDP", "Pacific Delgado Pacific", "acronym"},                 // three letters are enough
		{record.KindOrgName, "Pinnacle Data Partners", "Pacific Delgado Pacific", "else"}, // both in full: initials alone are no evidence
		{record.KindOrgName, "BS", "Banco Santander", "else"},                             // two letters are not
		{record.KindDate, "1990-05-17", "1990-05-17", "exact"},
		{record.KindDate, "1990-05-17", "1990", "partial"},
		{record.KindDate, "1960|1961|1962", "1961-05-03", "partial"}, // a list's 1960 to 1962, each year a value
		{record.KindDate, "1960|1961|1962", "1975-05-03", "else"},
		{record.KindDate, "1990-05-17", "1990-05-18", "one edit"},
		{record.KindDate, "1990-05-17", "1990-05-14", "one edit"},
		{record.KindDate, "1990-05-07", "1990-07-05", "day/month swapped"},
		{record.KindDate, "1990-05-01", "1990-05-29", "same month"},
		{record.KindDate, "1990-05-17", "1991-11-30", "±1 year"},
		{record.KindDate, "1990-05-17", "1975-05-17", "same day, another year"}, // two edits, both in the year: a year picked wrong
		{record.KindDate, "1990-05-17", "1975-05-18", "else"},                   // decades apart, another day
		{record.KindDate, "1990-05", "1975-05-17", "else"},                      // a month alone says no day
		{record.KindDate, "1960-01-01", "1985-01-01", "else"},                   // 1 January: often a year alone
		{record.KindDate, "1851-04-11", "1857-05-11", "two edits"},              // one in the year, one in the month
		{record.KindDate, "1851-05-11", "1851-08-14", "two edits"},
		{record.KindDate, "1851-05-11", "1861-08-14", "else"},          // three
		{record.KindDate, "1856-86-18", "1865-06-18", "cut, one edit"}, // its month mistyped, cut to its year: as far as both are written
		{record.KindDate, "1856", "1865-06-18", "else"},                // a year written alone, nine years off
		{record.KindDate, "1856-86-18", "1865-81-01", "cut, one edit"},
		{record.KindDate, "1856-06-31", "1856-09-18", "cut, one edit"}, // cut to 1856-06
		{record.KindDate, "1856-86-18", "1875-06-18", "else"},
		{record.KindDate, "1950-13-18", "1970-06-18", "else"},     // one edit, a generation apart
		{record.KindDate, "1950-06-18", "1970-06-18", "one edit"}, // known to the day: a typo
		{record.KindDate, "1950-06-18", "1970-06-13", "else"},     // two edits, a generation apart
		{record.KindDate, "1860-08-03", "1830-08-03", "one edit"}, // a typo in the decade
		{record.KindDate, "1856", "1857-06-18", "±1 year"},
		{record.KindDate, "1856-86-18", "1857-06-18", "cut, one edit"}, // before ±1 year
		{record.KindDate, "1980|1990-05-17", "1990-05-17", "exact"},
		{record.KindPhone, "020 7946 0958", "+44 20 7946 0958", "exact"},
		{record.KindPhone, "020 7946 0958", "+1 207 946 0958", "else"}, // same digits, other countries,
		{record.KindPhone, "020 7946 0958", "+1 202 555 0143", "else"},
		{record.KindPhone, "020 7946 0958", "020 7946 0959", "one edit"},
		{record.KindEmail, "ana@example.org", "ANA+x@example.org", "exact"},
		{record.KindEmail, "ana@example.org", "ana@example.com", "same local part"},
		{record.KindEmail, "ana.garcia@example.org", "anagarcia@example.org", "similar ≥0.88"},
		{record.KindIdentifier, "V-12.345.678", "V12345678", "exact"},
		{record.KindIdentifier, "V12345678", "V12345687", "one edit"},
		{record.KindIdentifier, "V12345678", "V87654321", "else"},
		{record.KindAddress, "12 High St", "12 High Street", "exact"},
		{record.KindAddress, "12 High Street Leeds", "12 High Street Leds", "tokens ≥0.5"},                // a town of four letters: too short to tell a typo
		{record.KindAddress, "12 High Street Leicester", "12 High Street Liecester", "contained, a typo"}, // two letters swapped
		{record.KindAddress, "5516 S. Maplewood", "5516 S Mapplewood Ave", "contained, a typo"},           // the street's name mistyped, its kind left out
		{record.KindAddress, "12 High Street", "13 High Street", "tokens ≥0.75"},                          // another house: no typo in a number
		{record.KindAddress, "12 Hugh Street", "12 High Street", "tokens ≥0.25"},                          // a name of four letters: another street's as likely
		{record.KindAddress, "12 High Street", "12 HIGH STREET, LEEDS", "contained"},
		{record.KindAddress, "12 High Street Leeds", "12 HIGH STREET, LEE", "contained"}, // cut at a field length
		{record.KindAddress, "14 High Street", "12 HIGH STREET, LEEDS", "tokens ≥0.5"},   // another house
		{record.KindAddress, "High Street", "HIGH STREET, LEEDS", "tokens ≥0.5"},         // a street, not a house
		{record.KindAddress, "Quinta Barinas, Urbanización Park", "URBANIZACION PARK, QUINTA BARINAS, EL LUZ", "contained"},
		{record.KindAddress, "Urbanización Libertador, Quinta Cranford", "URBANIZACION LIBERTADOR, QUINTA CRA", "contained"}, // a building's name cut, not a carrera
		{record.KindAddress, "12 High Street", "99 Low Road", "else"},
		{record.KindAddress, "32 Kingsway", "32 KINGSWAY BT17 7GD", "contained"}, // a street of one word
		{record.KindAddress, "32 Kingsway", "34 Kingsway, Belfast", "tokens ≥0.5"},
		{record.KindAddress, "12 Avenida", "12 Avenida Bolívar", "tokens ≥0.5"},  // another house of it
		{record.KindAddress, "12 Main", "12 Main Street, Leeds", "tokens ≥0.25"}, // a short word: perhaps cut
		{record.KindAddress, "12 High Street, LS1 7GX", "12 HIGH STREET, LEEDS LS1 7GX", "contained"},
		{record.KindAddress, "12 High Street, LS1 7GX", "12 HIGH STREET, BRISTOL BS1 4DJ", "tokens ≥0.5"}, // another town's
		{record.KindAddress, "Flat 2, 12 High Street", "12 High Street, Flat 2", "exact"},
		{record.KindAddress, "Unit 21, 25 King St", "25 King Street, Brighton, BN14 5XL", "contained"}, // the unit left out of one
		{record.KindAddress, "Flat 2, 12 High Street", "Flat 3, 12 High Street, Leeds", "tokens ≥0.5"}, // another flat
		{record.KindPostcode, "SW1A 1AA", "sw1a1aa", "exact"},
		{record.KindPostcode, "2902", "2920", "one edit"},
		{record.KindPostcode, "SW1A 1AA", "SW1A 1BB", "same sector"},
		{record.KindPostcode, "S81 8AT", "S81 0UN", "same district"},
		{record.KindPostcode, "S81 8AT", "S3 7AU", "same area"},
		{record.KindPostcode, "S81 8AT", "SW1A 1AA", "else"},
		{record.KindPostcode, "1012 LG", "1012 LK", "one edit"},
		{record.KindPostcode, "1012 LG", "1017 AB", "same area"},
		{record.KindPostcode, "K1A 0B1", "K1A 1C2", "same district"},
		{record.KindPostcode, "10115", "10117", "one edit"},
		{record.KindPostcode, "10115", "10199", "else"}, // digits alone: no parts read
		{record.KindCity, "St Kilda", "Saint Kilda", "exact"},
		{record.KindCity, "Melbourne", "Melborne", "similar ≥0.9"},
		{record.KindCountry, "Venezuela", "VE", "exact"},
		{record.KindCountry, "Venezuela", "Colombia", "else"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+tt.a+"~"+tt.b, func(t *testing.T) {
			c := compare.MustCompile(compare.DefaultSpec("f", tt.kind))
			a, b := values(t, tt.kind, tt.a), values(t, tt.kind, tt.b)
			l, _, _ := c.Level(a, b)
			if got := c.Label(l); got != tt.want {
				t.Errorf("level(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
			}
			if l2, _, _ := c.Level(b, a); l2 != l {
				t.Errorf("not symmetric: %q vs %q", c.Label(l), c.Label(l2))
			}
			keys := compare.NewKeys()
			if l3, _, _ := c.LevelPrepared(prepareAll(t, c, keys, a), prepareAll(t, c, keys, b)); l3 != l {
				t.Errorf("LevelPrepared = %q, Level = %q", c.Label(l3), c.Label(l))
			}
		})
	}
}

func prepareAll(t *testing.T, c *compare.Comparison, keys *compare.Keys, vs []record.Value) []compare.Prepared {
	t.Helper()
	var out []compare.Prepared
	for i := range vs {
		p := c.PrepareInterned(&vs[i], keys)
		if want := keys.ID(c.ExactKey(&vs[i])); p.Key() != want {
			t.Fatalf("PrepareInterned(%v) has key %d, ExactKey's id is %d", vs[i], p.Key(), want)
		}
		out = append(out, p)
	}
	return out
}

// TestPreparedAgreesWithLevel compares many pairs of near and far values
// of every kind: LevelPrepared, over values prepared once with interned
// keys, must give the level and value indexes that Level gives, and equal
// keys must share an id.
func TestPreparedAgreesWithLevel(t *testing.T) {
	seeds := map[record.Kind][]string{
		record.KindName:       {"Juan Carlos García López", "GARCIA, Juan", "William Smith", "Bill Smith", "J. R. Smith", "Ana María", "Nite", "Knight"},
		record.KindOrgName:    {"ACME Holdings S.A.", "Holdings Acme", "Inversiones Parbury Atlántico", "Andina Fuentes LLC"},
		record.KindDate:       {"1990-05-17", "1990-07-05", "1990", "1991-11-30", "1975-05-17", "1951-04-11", "1957-05-11", "1856", "1865-06", "1865-06-18", "1856-86-18", "1865-06-31"},
		record.KindPhone:      {"020 7946 0958", "+1 202 555 0143", "07700 900123"},
		record.KindEmail:      {"ana.garcia@example.org", "anagarcia@example.com", "bill@example.net"},
		record.KindIdentifier: {"V-12.345.678", "V12345687", "J-66381550-5"},
		record.KindAddress:    {"12 High Street Leeds", "99 Low Road", "Avenida Los Mangos 218"},
		record.KindPostcode:   {"SW1A 1AA", "2902", "2920", "S81 8AT", "S81 0UN", "1012 LG", "K1A 0B1"},
		record.KindCity:       {"Melbourne", "St Kilda", "London", "Londres"},
		record.KindCountry:    {"Venezuela", "VE", "Colombia"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for kind, raw := range seeds {
		c := compare.MustCompile(compare.DefaultSpec("f", kind))
		keys := compare.NewKeys()
		var pool [][]record.Value
		for range 60 {
			var vs []record.Value
			for range 1 + rng.IntN(2) {
				s := typo(rng, raw[rng.IntN(len(raw))])
				if v, err := normalize.Value(kind, s, normalize.Options{Region: "GB", DateFormats: []string{"2006-01-02"}}); usable(err) {
					vs = append(vs, v)
				}
			}
			pool = append(pool, vs)
		}
		prepared := make([][]compare.Prepared, len(pool))
		for i := range pool {
			prepared[i] = prepareAll(t, c, keys, pool[i])
		}
		for i := range pool {
			for j := range pool {
				l, ia, ib := c.Level(pool[i], pool[j])
				pl, pia, pib := c.LevelPrepared(prepared[i], prepared[j])
				if l != pl || ia != pia || ib != pib {
					t.Fatalf("%s: Level(%v, %v) = %d,%d,%d; LevelPrepared = %d,%d,%d", kind, pool[i], pool[j], l, ia, ib, pl, pia, pib)
				}
				if len(pool[i]) == 1 && len(pool[j]) == 1 {
					if pl := c.PairLevel(&prepared[i][0], &prepared[j][0]); pl != l {
						t.Fatalf("%s: PairLevel(%v, %v) = %d, Level %d", kind, pool[i], pool[j], pl, l)
					}
				}
			}
		}
	}
}

func TestKeys(t *testing.T) {
	keys := compare.NewKeys()
	if id := keys.ID(""); id != 0 {
		t.Errorf(`ID("") = %d, want 0`, id)
	}
	ids := map[string]uint32{}
	for i := range 5000 { // enough to grow the table several times
		s := strconv.Itoa(i % 3000)
		id := keys.ID(s)
		if prev, ok := ids[s]; ok && prev != id {
			t.Fatalf("ID(%q) = %d, earlier %d", s, id, prev)
		}
		ids[s] = id
		if keys.Key(id) != s {
			t.Fatalf("Key(%d) = %q, want %q", id, keys.Key(id), s)
		}
	}
	if keys.Len() != 3001 {
		t.Errorf("Len = %d, want 3001", keys.Len())
	}
}

// typo changes s at random: unchanged, a letter dropped, doubled or
// swapped with the next.
func typo(rng *rand.Rand, s string) string {
	if len(s) < 3 {
		return s
	}
	i := 1 + rng.IntN(len(s)-2)
	switch rng.IntN(4) {
	case 0:
		return s[:i] + s[i+1:]
	case 1:
		return s[:i] + s[i:i+1] + s[i:]
	case 2:
		return s[:i] + s[i+1:i+2] + s[i:i+1] + s[i+2:]
	}
	return s
}

func TestInitials(t *testing.T) {
	c := compare.MustCompile(compare.Spec{Name: "n", Feature: "n", Levels: []compare.LevelSpec{
		{Label: "initials", Method: compare.MethodInitials}, {Label: "else", Method: compare.MethodElse}}})
	tests := []struct {
		a, b string
		want string
	}{
		{"J. R. Smith", "John Robert Smith", "initials"},
		{"John Robert Smith", "J R S", "initials"},
		{"John Robert Smith", "Jane Rose Smith", "else"}, // same initials, but no name written with initials
		{"J. Smith", "P. Smith", "else"},
	}
	for _, tt := range tests {
		l, _, _ := c.Level(values(t, record.KindName, tt.a), values(t, record.KindName, tt.b))
		if got := c.Label(l); got != tt.want {
			t.Errorf("initials(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []compare.Spec{
		{Name: "x", Feature: "x"},
		{Name: "x", Feature: "x", Levels: []compare.LevelSpec{{Label: "e", Method: "exact"}}},
		{Name: "x", Feature: "x", Levels: []compare.LevelSpec{{Label: "z", Method: "zap"}, {Label: "else", Method: "else"}}},
		{Name: "x", Feature: "x", Levels: []compare.LevelSpec{{Label: "else", Method: "else"}, {Label: "else", Method: "else"}}},
		{Feature: "x", Levels: []compare.LevelSpec{{Label: "else", Method: "else"}}},
	}
	for i, s := range tests {
		if _, err := compare.Compile(s); err == nil {
			t.Errorf("case %d: Compile(%+v) succeeded, want error", i, s)
		}
	}
	for _, k := range record.Kinds {
		if _, err := compare.Compile(compare.DefaultSpec("f", k)); err != nil {
			t.Errorf("DefaultSpec(%s) does not compile: %v", k, err)
		}
	}
}

func TestNicknames(t *testing.T) {
	if !compare.Nicknames([]string{"bill", "smith"}, []string{"smith", "william"}) {
		t.Error("Nicknames(bill smith, smith william) = false")
	}
	if compare.Nicknames([]string{"bill", "smith"}, []string{"william", "jones"}) {
		t.Error("Nicknames(bill smith, william jones) = true")
	}
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"bob davis", "robert davies", true}, // the doc's example
		{"bob davies", "robert daviess", true},
		{"pepe rayueza", "jose diego rauyeza torford", true}, // a part of the other, too
		{"jose rauyeza torford", "pepe rayueza", true},
		{"bob davies", "robert davies", false}, // no typo: Nicknames'
		{"bob smith", "robert jones", false},   // another surname
		{"bob wesra", "robert wesera", true},
		{"bob hu", "robert ho", false},               // a syllable is no word to take a typo in
		{"bob", "robert", false},                     // one word
		{"bill daviess", "robert davies", false},     // no nickname
		{"bob bob", "robert robert", false},          // no typo
		{"bob davies jones", "robert daviess", true}, // the shorter a part of the longer
	} {
		if got := compare.NicknameTypo(strings.Fields(tt.a), strings.Fields(tt.b)); got != tt.want {
			t.Errorf("NicknameTypo(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"pancho santos", "francisco diego santos gutierrez", true},
		{"francisco diego santos gutierrez", "pancho santos", true},
		{"pancho santos", "francisco santos", false},           // as many tokens: Nicknames
		{"francisco santos", "francisco diego santos", false},  // no nickname: a token subset
		{"pancho santos", "francisco diego ramos", false},      // santos missing
		{"pancho pancho", "francisco santos gutierrez", false}, // one token of the longer name for each
		{"pancho", "francisco santos", false},                  // one token
		{"bill bob smith", "william robert smith jones", true}, // two nicknames
	} {
		if got := compare.NicknameSubset(strings.Fields(tt.a), strings.Fields(tt.b)); got != tt.want {
			t.Errorf("NicknameSubset(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// A comparison may read more facets than a Prepared value holds positions
// for; the rest are looked up by name, with the same levels.
func TestManyFacets(t *testing.T) {
	var levels []compare.LevelSpec
	for _, f := range []string{"suffix", "middle", "surname2", "initials", "given", "surname"} {
		levels = append(levels, compare.LevelSpec{Label: f, Method: compare.MethodExact, Facet: f})
	}
	levels = append(levels, compare.LevelSpec{Label: "else", Method: compare.MethodElse})
	c, err := compare.Compile(compare.Spec{Name: "n", Feature: "n", Kind: record.KindName, Levels: levels})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ a, b, want string }{
		{"GARCIA, Juan", "GARCIA, Pedro", "surname"},
		{"GARCIA, Juan", "LOPEZ, Juan", "given"},
		{"GARCIA, Juan", "LOPEZ, Pedro", "else"},
	}
	keys := compare.NewKeys()
	for _, tt := range tests {
		a, b := values(t, record.KindName, tt.a), values(t, record.KindName, tt.b)
		l, _, _ := c.Level(a, b)
		pl, _, _ := c.LevelPrepared(prepareAll(t, c, keys, a), prepareAll(t, c, keys, b))
		if c.Label(l) != tt.want || pl != l {
			t.Errorf("level(%q, %q) = %q (prepared %q), want %q", tt.a, tt.b, c.Label(l), c.Label(pl), tt.want)
		}
	}
}

// TestPrepareGroup: preparing values in groups gives what preparing them
// one at a time gives, key ids included, across group boundaries and with
// repeated keys.
func TestPrepareGroup(t *testing.T) {
	c := compare.MustCompile(compare.DefaultSpec("f", record.KindName))
	rng := rand.New(rand.NewPCG(7, 8))
	var vals []record.Value
	for range 300 {
		raw := typo(rng, []string{"Juan Carlos García López", "William Smith", "Ana María", "Bill Smith"}[rng.IntN(4)])
		if v, err := normalize.Value(record.KindName, raw, normalize.Options{}); err == nil {
			vals = append(vals, v)
		}
	}
	ptrs := make([]*record.Value, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	one, grouped := compare.NewKeys(), compare.NewKeys()
	out := make([]compare.Prepared, len(vals))
	c.PrepareGroup(ptrs[:100], grouped, out)
	c.PrepareGroup(ptrs[100:], grouped, out[100:])
	for i := range vals {
		if want := c.PrepareInterned(&vals[i], one); out[i] != want {
			t.Fatalf("value %d (%q): PrepareGroup gives %+v, PrepareInterned %+v", i, vals[i].Norm, out[i], want)
		}
	}
	if one.Len() != grouped.Len() || one.Len() < 10 {
		t.Errorf("keys: %d one at a time, %d in groups", one.Len(), grouped.Len())
	}
}

// TestSharedName: the name two names share, read as one person's (every
// token of one in the other, the other's first given name among them),
// and not a relative's.
func TestSharedName(t *testing.T) {
	c := compare.MustCompile(compare.DefaultSpec("name", record.KindName))
	tests := []struct {
		a, b   string
		shared string // "" when none
	}{
		{"Patricia Pérez Peña", "PEREZ/PATRICIA", "patricia perez"},
		{"PEÑA ROSWOOD, Andrés Eduardo", "ANDRES PENA ROSWOOD", "andres pena roswood"},
		{"Andrea Paula Redista Garrido", "ANDREA PAULA REDISTA", "andrea paula redista"},
		{"Juan García", "Juan García", "garcia juan"},
		{"Gabriela Laura Larley Barrero", "Laura Larley", ""},           // named after a middle name
		{"LARLEY BARRERO, Gabriela Laura", "LAURA LARLEY", ""},          // the same, surname first
		{"Juan García López", "Pedro García López", ""},                 // brothers
		{"Juan García", "María García López", ""},                       // tokens not all in the other's
		{"J García", "Juan García López", ""},                           // an initial is not a given name
		{"Juan Manuel García", "Juan García López", ""},                 // neither within the other
		{"Juan García López", "Juan López García", "garcia juan lopez"}, // order aside
		{"Nguyen Van An", "An Nguyen", "an nguyen"},                     // a Vietnamese middle name dropped, Western order
		{"Tim N Auer", "AUER TIM", "auer tim"},                          // a payment's surname first, the initial dropped
		{"Gabriela Laura Larley", "LARLEY LAURA", ""},                   // the longer's given name is no word of the shorter
	}
	for _, tt := range tests {
		for _, swap := range []bool{false, true} {
			a, b := values(t, record.KindName, tt.a)[0], values(t, record.KindName, tt.b)[0]
			if swap {
				a, b = b, a
			}
			pa, pb := c.Prepare(&a), c.Prepare(&b)
			p, ok := c.SharedName(&pa, &pb)
			got := ""
			if ok {
				got = c.KeyOf(p)
			}
			if got != tt.shared {
				t.Errorf("SharedName(%q, %q) = %q, want %q", a.Norm, b.Norm, got, tt.shared)
			}
		}
	}
	// Comparisons of other kinds share no names.
	city := compare.MustCompile(compare.DefaultSpec("city", record.KindCity))
	a, b := values(t, record.KindCity, "London")[0], values(t, record.KindCity, "London")[0]
	pa, pb := city.Prepare(&a), city.Prepare(&b)
	if _, ok := city.SharedName(&pa, &pb); ok {
		t.Error("two cities share a name")
	}
}

// FuzzNameParts: any parts, never a panic, and the same answer both ways
// round.
func FuzzNameParts(f *testing.F) {
	f.Add("adriana", "isabel", "lopez", "adriana", "", "lopez|perez")
	f.Add("a", "", "|", "a", "b c", "||")
	f.Fuzz(func(t *testing.T, ga, ma, sa, gb, mb, sb string) {
		if compare.NameParts(ga, ma, sa, gb, mb, sb) != compare.NameParts(gb, mb, sb, ga, ma, sa) {
			t.Errorf("NameParts(%q %q %q, %q %q %q) is not symmetric", ga, ma, sa, gb, mb, sb)
		}
	})
}

// FuzzSubsetTypo: any token lists, never a panic, and the same answer
// both ways round.
func FuzzSubsetTypo(f *testing.F) {
	f.Add("beaariz castillo", "beatriz castillo nunez")
	f.Add("jose jose", "jose joes")
	f.Fuzz(func(t *testing.T, a, b string) {
		ta, tb := strings.Fields(a), strings.Fields(b)
		if compare.SubsetTypo(ta, tb) != compare.SubsetTypo(tb, ta) {
			t.Errorf("SubsetTypo(%q, %q) is not symmetric", a, b)
		}
	})
}

// FuzzWordTypo: any token lists, never a panic, and the same answer both
// ways round from OrgTypo and NameTypo; never for a list and itself.
func FuzzWordTypo(f *testing.F) {
	f.Add("industrilal parverde", "industrial parverde")
	f.Add("norte norte", "norte nortes")
	f.Add("bsarbara wesera", "barbara wesera")
	f.Add("pepe rayueza", "jose diego rauyeza torford")
	f.Fuzz(func(t *testing.T, a, b string) {
		ta, tb := strings.Fields(a), strings.Fields(b)
		for name, rel := range map[string]func(a, b []string) bool{"OrgTypo": compare.OrgTypo, "NameTypo": compare.NameTypo, "NicknameTypo": compare.NicknameTypo} {
			if rel(ta, tb) != rel(tb, ta) {
				t.Errorf("%s(%q, %q) is not symmetric", name, a, b)
			}
			if rel(ta, ta) {
				t.Errorf("%s(%q, itself)", name, a)
			}
		}
	})
}

// FuzzNameLevels: two names read as people's, parties' or organisations'
// names reach one level whichever comes first, and the prepared values
// the engine scores reach it too.
func FuzzNameLevels(f *testing.F) {
	for _, p := range [][2]string{{"Huang Fang", "WANG FANG"}, {"Lee Min-ho", "YI MIN HO"}, {"SANTOS/PANCHO", "Francisco Diego Santos Gutiérrez"},
		{"Acme Trading S.A.", "ACME TRADING HOLDINGS SA DE CV"}, {"Maria Maria Lopez", "Maria Lopez Lopez"}, {"Jin Jun Park", "Park Jin Hoon"},
		{"PDVSA", "Petróleos de Venezuela, S.A."}, {"P.D.V.S.A.", "PDVSA S.A."}, {"Hassan Mansour", "MANSUR/HASAN"}, {"INDUSTRILAL PARVERDE LTD", "Industrial Parverde Ltd"},
		{"Zhao Yu-ling", "Ling Zhao"}, {"Kim Min-jun", "MIN KIM"}} {
		f.Add(p[0], p[1])
	}
	comparisons := map[record.Kind]*compare.Comparison{}
	for _, k := range []record.Kind{record.KindName, record.KindParty, record.KindOrgName} {
		comparisons[k] = compare.MustCompile(compare.DefaultSpec("f", k))
	}
	f.Fuzz(func(t *testing.T, x, y string) { checkLevels(t, comparisons, normalize.Options{}, x, y) })
}

// checkLevels fails t when two raw values, each read as the kind of a
// comparison, reach another level reversed, or prepared.
func checkLevels(t *testing.T, comparisons map[record.Kind]*compare.Comparison, opt normalize.Options, x, y string) {
	t.Helper()
	for kind, c := range comparisons {
		a, ea := normalize.Value(kind, x, opt)
		b, eb := normalize.Value(kind, y, opt)
		if ea != nil || eb != nil {
			continue
		}
		va, vb := []record.Value{a}, []record.Value{b}
		l, _, _ := c.Level(va, vb)
		if l2, _, _ := c.Level(vb, va); l2 != l {
			t.Fatalf("%s: level(%q, %q) = %q, reversed %q", kind, x, y, c.Label(l), c.Label(l2))
		}
		keys := compare.NewKeys()
		if l3, _, _ := c.LevelPrepared(prepareAll(t, c, keys, va), prepareAll(t, c, keys, vb)); l3 != l {
			t.Fatalf("%s: %q, %q: LevelPrepared = %q, Level = %q", kind, x, y, c.Label(l3), c.Label(l))
		}
	}
}

// FuzzValueLevels: two values of the other kinds reach one level whichever
// comes first, and the prepared values reach it too.
func FuzzValueLevels(f *testing.F) {
	for _, p := range [][2]string{{"Flat 2, 12 High Street", "12 HIGH STREET, LEEDS LS1 7GX"}, {"1990-05-17", "1990-07-05"}, {"+58 414 765 4321", "0414-7654321"},
		{"Cra. 15 No. 93-60", "KR 15 93 60 BOGOTA"}, {"12 Main", "12 Main Street, Leeds"}, {"S81 8AT", "S81 0UN"}} {
		f.Add(p[0], p[1])
	}
	comparisons := map[record.Kind]*compare.Comparison{}
	for _, k := range []record.Kind{record.KindAddress, record.KindDate, record.KindPhone, record.KindEmail, record.KindIdentifier, record.KindPostcode, record.KindCity, record.KindCountry} {
		comparisons[k] = compare.MustCompile(compare.DefaultSpec("f", k))
	}
	f.Fuzz(func(t *testing.T, x, y string) { checkLevels(t, comparisons, normalize.Options{Region: "VE"}, x, y) })
}

// A derived value (a town read from an address line, record.FacetDerived)
// counts when it agrees at the first level, and is as missing at any
// other; a value of the record's own is compared as always.
func TestDerivedValues(t *testing.T) {
	city := compare.MustCompile(compare.DefaultSpec("city", record.KindCity))
	derived := func(raw string) []record.Value {
		vs := values(t, record.KindCity, raw)
		for i := range vs {
			vs[i].Facets = append(record.Facets{{Name: record.FacetDerived, Value: "address"}}, vs[i].Facets...)
		}
		return vs
	}
	for _, tt := range []struct {
		name string
		a, b []record.Value
		want int
	}{
		{"own towns, alike", values(t, record.KindCity, "Melbourne"), values(t, record.KindCity, "Melborne"), 2},
		{"own towns, apart", values(t, record.KindCity, "Melbourne"), values(t, record.KindCity, "Leeds"), city.Else()},
		{"derived, agreeing", values(t, record.KindCity, "St Kilda"), derived("Saint Kilda"), 1},
		{"derived, alike", values(t, record.KindCity, "Melbourne"), derived("Melborne"), 0},
		{"derived, apart", derived("Leeds"), values(t, record.KindCity, "Melbourne"), 0},
		{"derived, several, one agreeing", derived("Quinta Ordaz|Leeds"), values(t, record.KindCity, "London|Leeds"), 1},
		{"derived, several, none agreeing", derived("Quinta Ordaz|Leeds"), values(t, record.KindCity, "London|Melbourne"), 0},
		{"both derived, apart", derived("Leeds"), derived("London"), 0},
	} {
		if got, _, _ := city.Level(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Level = %d, want %d", tt.name, got, tt.want)
		}
		if got, _, _ := city.Level(tt.b, tt.a); got != tt.want {
			t.Errorf("%s, the other way round: Level = %d, want %d", tt.name, got, tt.want)
		}
		if len(tt.a) == 1 && len(tt.b) == 1 {
			pa, pb := city.Prepare(&tt.a[0]), city.Prepare(&tt.b[0])
			if got := city.PairLevel(&pa, &pb); got != tt.want {
				t.Errorf("%s: PairLevel = %d, want %d", tt.name, got, tt.want)
			}
		}
	}
}

func TestLegalFormsAgree(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"sa", "sa", true},
		{"", "bv", true}, // none written: either
		{"nv", "bv", false},
		{"ag", "gmbh", false},
		{"sa", "sa de cv", true},
		{"co ltd", "ltd", true},
		{"sa", "sas", true}, // S.A of S.A.S., cut short
		{"inc", "corp", true},
		{"co", "inc", true},
		{"co", "ca", true}, // COMPAÑIA of Compañía Anónima, cut short
		{"llc", "inc", false},
		{"ltd", "plc", false},
		{"sa", "srl", false},
		{"gmbh co kg", "gmbh", false}, // a KG and its partner GmbH
		{"gmbh co kg", "kg", true},
		{"ag co kg", "ag", false},
		{"kgaa", "kg", false},
		{"co", "gmbh co kg", true},
	}
	for _, tt := range tests {
		if got := compare.LegalFormsAgree(tt.a, tt.b); got != tt.want {
			t.Errorf("LegalFormsAgree(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := compare.LegalFormsAgree(tt.b, tt.a); got != tt.want {
			t.Errorf("LegalFormsAgree(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}
