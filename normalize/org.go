package normalize

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/antzucaro/matchr"

	"github.com/concord-er/concord/record"
)

// OrgName is a normalised organisation name with its legal form set apart:
// "ACME Holdings, S.A. de C.V." → name "acme holdings", legal form "sa de cv".
type OrgName struct {
	Tokens    []string
	LegalForm string // canonical legal form, "" when none was found
	Sorted    string
	Phonetic  []string
}

// Norm returns the name without its legal form.
func (o OrgName) Norm() string { return strings.Join(o.Tokens, " ") }

// Value returns o with facets legal_form, sorted, compact, first,
// phonetic and acronyms.
func (o OrgName) Value() record.Value {
	return record.Value{Norm: o.Norm(), Tokens: o.Tokens, Facets: record.MakeFacets(
		"legal_form", o.LegalForm,
		"sorted", o.Sorted,
		"compact", strings.Join(o.Tokens, ""),
		"first", o.Tokens[0],
		"phonetic", strings.Join(o.Phonetic, " "),
		"acronyms", Acronyms(o.Tokens, o.LegalForm),
	)}
}

// ParseOrg normalises an organisation name: folds it, separates the legal
// form (at the end, or at the start as in "OOO Gazprom"), leaves out "and"
// (&, y, e, et, und) between words,
// expands common abbreviations (intl, mfg, hldgs, …) and drops a leading
// "the" (or one written after the name, as lists sort names: "Palm, The").
// A name that is only a legal form keeps it as the name.
func ParseOrg(raw string) (OrgName, error) { return parseOrg(raw, orgTokens(raw)) }

// parseOrg is ParseOrg of raw whose words orgTokens gave as toks (Party
// reads them once for IsOrgName's test and the parse); it may change toks.
func parseOrg(raw string, toks []string) (OrgName, error) {
	if len(toks) == 0 {
		return OrgName{}, ErrEmpty
	}
	if len(toks) > 1 && toks[len(toks)-1] == "the" {
		toks = toks[:len(toks)-1] // written after the name, as lists sort names: "Palm, The"
	}
	var forms []string
	// Legal forms at the end, possibly stacked: "GmbH & Co. KG", "Ltd Co".
	for len(toks) > 1 {
		for len(toks) > 1 && (toks[len(toks)-1] == "and" || toks[len(toks)-1] == "y") {
			toks = toks[:len(toks)-1] // left over from "Foo & Co"
		}
		n, f := legalFormAt(toks, true)
		if n == 0 || n >= len(toks) {
			break
		}
		forms, toks = append([]string{f}, forms...), toks[:len(toks)-n]
	}
	if len(forms) == 0 {
		// A payment message's 35-character line cut the legal form short:
		// "TRANSPORTES KINGSDOZA INVERSIONES L" for … Inversiones Ltda.
		if n := cutLegalForm(toks, cutAtFieldLength(raw)); n > 0 {
			toks = toks[:len(toks)-n]
		}
	}
	if n, f := legalFormAt(toks, false); n > 0 && n < len(toks) && (len(forms) == 0 || formsBeforeName[f]) {
		// A form before the name, as Russian and Indonesian names write
		// it (OOO Gazprom Neft, PT Garuda), where English writes it after:
		// PJSC "Rosneft Oil Company" is Rosneft Oil Co PJSC.
		forms, toks = append(forms, f), toks[n:]
	}
	form := strings.Join(forms, " ")
	if len(toks) > 1 && (toks[0] == "the" || toks[0] == "la" || toks[0] == "el") {
		toks = toks[1:]
	}
	kept := toks[:0]
	for i, t := range toks {
		// "and" between two words of a name is left out, written & or
		// and, or as Spanish, Portuguese, French and German write it
		// (Pérez y Asociados, Comércio e Serviços): a payment that cut
		// off the legal form names the company as a person's name reads
		// it (MOLINA MORA Y ARELLANO DE OLIVAREZ, as Molina Mora Arellano
		// de Olivarez), and Smith & Sons is Smith and Sons.
		if i > 0 && i < len(toks)-1 && (t == "and" || conjunctions[t]) {
			continue
		}
		if e, ok := orgAbbrev[t]; ok {
			t = e
		}
		kept = append(kept, t)
	}
	toks = kept
	o := OrgName{Tokens: toks, LegalForm: form}
	sorted := slices.Clone(toks)
	slices.Sort(sorted)
	o.Sorted = strings.Join(sorted, " ")
	for _, t := range toks {
		if code, _ := matchr.DoubleMetaphone(t); code != "" {
			o.Phonetic = append(o.Phonetic, code)
		}
	}
	return o, nil
}

// orgTokens returns the words of an organisation's name as ParseOrg and
// IsOrgName read them: the party's own text (partyText), & as "and",
// without the numbers a label introduces (an account, a phone), a status
// after the name (withoutStatus), and what follows a legal form to say
// where the company is: a jurisdiction in brackets ("ACME S.A.
// (PANAMA)"), a place after a comma ("AKZO NOBEL N.V., ARNHEM") or a
// branch ("ACME LTD LONDON BRANCH", "ACME S.A. SUCURSAL VENEZUELA"), which
// name the company the other sources name without it.
func orgTokens(raw string) []string {
	text := partyText(raw)
	if strings.ContainsAny(text, "㈜(") {
		text = koreanForms.Replace(text)
	}
	if t := strings.TrimRight(text, " \t."); strings.HasSuffix(t, ")") {
		// Not a legal form's own brackets: Volvo AB (publ).
		if i := strings.LastIndexByte(t, '('); i > 0 && !endsWithForm(Tokens(t)) {
			if endsWithForm(Tokens(t[:i])) {
				text = t[:i]
			}
		}
	}
	text = withoutPlace(text)
	var toks []string
	if hasCJK(text) {
		toks = cjkOrgTokens(text)
	} else {
		toks = Tokens(strings.ReplaceAll(text, "&", " and "))
	}
	if strings.ContainsAny(text, "0123456789") {
		toks = withoutNumbers(toks, true)
	}
	toks = withoutStatus(toks)
	for j := 2; j < len(toks); j++ {
		if !branchWords[toks[j]] || toks[j] == "branch" && j != len(toks)-1 {
			continue
		}
		for k := j; k >= 2; k-- {
			if endsWithForm(toks[:k]) {
				return toks[:k]
			}
		}
		break
	}
	return toks
}

// cjkOrgTokens returns the words of an organisation's name written in
// Chinese, Japanese or Korean script, which writes no spaces between a
// name's words: each run of it one word, its syllables romanised and
// joined (深圳市腾讯 is shenzhenshitengxun, as 毛泽东's given name is
// zedong), but for a legal form before or after it, whose words stay
// apart for legalFormAt (有限公司: you xian gong si, ltd); other text as
// Tokens reads it.
func cjkOrgTokens(text string) []string {
	var toks []string
	for _, field := range strings.Fields(strings.ReplaceAll(text, "&", " and ")) {
		if !hasCJK(field) {
			toks = append(toks, Tokens(field)...)
			continue
		}
		var before, after string
		for _, f := range cjkForms {
			if rest, ok := strings.CutSuffix(field, f); ok && rest != "" {
				field, after = rest, f
				break
			}
			if rest, ok := strings.CutPrefix(field, f); ok && rest != "" {
				field, before = rest, f
				break
			}
		}
		toks = append(toks, Tokens(before)...)
		if w := strings.Join(Tokens(field), ""); w != "" {
			toks = append(toks, w)
		}
		toks = append(toks, Tokens(after)...)
	}
	return toks
}

// cjkForms are legal forms Chinese, Japanese and Korean companies write
// in their script, longest first: legalForms has their romanised words.
var cjkForms = []string{"股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "株式会社", "有限会社", "合同会社", "주식회사", "유한회사"}

// koreanForms writes a Korean company's legal form as its word: (주) and
// ㈜ before or after the name are 주식회사.
var koreanForms = strings.NewReplacer("(주)", " 주식회사 ", "㈜", " 주식회사 ", "( 주 )", " 주식회사 ")

// withoutPlace returns text without the place a list writes after a
// company's name and a comma (AKZO NOBEL N.V., ARNHEM; ACME LTD, LONDON,
// GB; N.V. NUTRICIA, ZOETERMEER, NL): the words after the first comma
// that follows a legal form, or a name that starts with one (leadingForm),
// when they are few (maxPlaceWords) and hold none.
func withoutPlace(text string) string {
	for i := 0; i < len(text); i++ {
		if text[i] != ',' {
			continue
		}
		if before := text[:i]; !endsWithForm(Tokens(before)) && !leadingForm(before) {
			continue
		}
		after := Tokens(text[i+1:])
		if len(after) > 0 && len(after) <= maxPlaceWords && !slices.ContainsFunc(after, func(t string) bool { _, ok := legalForms[t]; return ok }) {
			return text[:i]
		}
		break
	}
	return text
}

// leadingForm reports whether text is a name a legal form starts, the
// form one that no name's word is spelt like (Naamloze Vennootschap, OOO)
// or written with its dots (N.V. Nutricia): a name that writes its form
// first, as Dutch, Russian and Indonesian ones may.
func leadingForm(text string) bool {
	toks := Tokens(text)
	n, form := legalFormAt(toks, false)
	if n == 0 || n >= len(toks) {
		return false
	}
	return !ambiguousForms[form] || !ambiguousForms[strings.Join(toks[:n], "")] || strings.Count(text, ".") >= 2
}

// maxPlaceWords is the most words withoutPlace takes for a place.
const maxPlaceWords = 4

// endsWithForm reports whether toks end with a legal form after a name.
func endsWithForm(toks []string) bool {
	n, _ := legalFormAt(toks, true)
	return n > 0 && n < len(toks)
}

// branchWords say that the words around them name a company's branch:
// "branch" after the place, "sucursal", "succursale", "filiale",
// "niederlassung" before it.
var branchWords = set("branch sucursal succursale filiale niederlassung zweigniederlassung")

// withoutStatus returns toks without a company's status written after its
// name, as registries and lists add it: "ACME TRADING LTD (IN
// LIQUIDATION)", "Inversiones Acme C.A. en liquidación" name the company
// the other sources name without it.
func withoutStatus(toks []string) []string {
	if len(toks) < 2 || !statusEnds[toks[len(toks)-1]] {
		return toks
	}
	for n := min(maxStatusLen, len(toks)-1); n >= 1; n-- {
		if statusNotes[strings.Join(toks[len(toks)-n:], " ")] {
			return toks[:len(toks)-n]
		}
	}
	return toks
}

// statusNotes are the statuses withoutStatus removes, folded; maxStatusLen
// is the most words of one.
var statusNotes = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Split("in liquidation|in voluntary liquidation|in members voluntary liquidation|"+
		"in creditors voluntary liquidation|in administration|in receivership|in bankruptcy|under administration|"+
		"dissolved|struck off|in dissolution|en liquidacion|en disolucion|en quiebra|en concurso|"+
		"disuelta|liquidada|en liquidation|in liquidazione|in insolvenz|in liquidatie|em liquidacao|i likvidation", "|") {
		m[w] = true
	}
	return m
}()

const maxStatusLen = 5

// statusEnds are the last words of statusNotes: a name that ends with
// none has no status to look for.
var statusEnds = func() map[string]bool {
	m := map[string]bool{}
	for note := range statusNotes {
		m[note[strings.LastIndexByte(note, ' ')+1:]] = true
	}
	return m
}()

// fieldLengths are the lengths at which payment messages cut a name: the
// 35-character lines of SWIFT MT messages, two of them, and the 140
// characters of an ISO 20022 name.
var fieldLengths = []int{35, 70, 140}

// fieldCut says where a name that fills a payment message's field was
// likely cut: fieldWhole for none.
type fieldCut int

const (
	fieldWhole     fieldCut = iota // shorter or longer than a field
	fieldCutInWord                 // as long as the field: its last word may be cut inside
	fieldCutAfter                  // one short of it: cut after a space (reading the file trims it), its words whole
)

// cutAtFieldLength says whether raw's field text (fieldText: without an
// account before it, or a qualifier after it), trimmed, is as long as a
// payment message's name field, or one short of it: a name that fills it
// was likely cut there. A message writes the account on a line of its own
// and cuts the name's line (/VE4301… TRANSPORTES BARRIDGE COMERCIALIZAD).
func cutAtFieldLength(raw string) fieldCut {
	n := utf8.RuneCountInString(strings.TrimSpace(raw))
	if n < fieldLengths[0]-1 {
		return fieldWhole // nor is any part of it
	}
	if n = lastNameLine(raw); n == 0 {
		n = utf8.RuneCountInString(strings.TrimSpace(fieldText(raw)))
	}
	switch {
	case slices.Contains(fieldLengths, n):
		return fieldCutInWord
	case slices.Contains(fieldLengths, n+1):
		return fieldCutAfter
	}
	return fieldWhole
}

// fieldText returns what of raw a payment message's name field holds:
// partyText's reading when raw may write an account's line before the
// name, a structured field's line numbers or a note after it, else raw
// as written (its letters counted as the field holds them, unfolded).
func fieldText(raw string) string {
	t := strings.TrimLeft(raw, " \t\r\n")
	if strings.HasPrefix(t, "/") || strings.HasPrefix(t, "1/") || mayHold(t, acHints) || mayHold(t, careOfHints) {
		return partyText(raw)
	}
	return raw
}

// lastNameLine returns, of a structured party field (SWIFT 50F, 59F:
// "1/ZAMBRANA PAGAN MERAZ GODINEZ HERM", an account's line before it or
// not), the length in characters of the last line of its name, its "1/"
// counted, as the message counts it against the line's 35; 0 for a field
// not so written. A name that goes on to a second "1/" line was not cut
// by the first.
func lastNameLine(raw string) int {
	s := strings.TrimLeft(raw, " \t\r\n")
	if i := strings.IndexAny(s, " \t\r\n"); i > 0 && strings.HasPrefix(s, "/") {
		s = strings.TrimLeft(s[i+1:], " \t\r\n")
	}
	if !strings.HasPrefix(s, "1/") {
		return 0
	}
	names := structuredNames(s)
	if len(names) == 0 {
		return 0
	}
	return len("1/") + utf8.RuneCountInString(names[len(names)-1])
}

// FacetFieldCut is the facet of a name as long as a payment message's
// name field (cutAtFieldLength): "word" when the field may have cut its
// last word inside, "space" when one short of it (cut after a space,
// its words whole). Comparisons read a name so cut as the start of a
// longer one (model.FieldCut).
const FacetFieldCut = "field_cut"

// withFieldCut returns v, a name read from raw, with the facet
// FacetFieldCut when raw fills a payment message's name field.
func withFieldCut(v record.Value, raw string) record.Value {
	switch cutAtFieldLength(raw) {
	case fieldCutInWord:
		v.Facets = append(v.Facets, record.Facet{Name: facetFieldCut, Value: "word"})
	case fieldCutAfter:
		v.Facets = append(v.Facets, record.Facet{Name: facetFieldCut, Value: "space"})
	}
	return v
}

var facetFieldCut = record.FacetName(FacetFieldCut)

// cutLegalForm returns how many tokens at the end of toks are a legal form
// cut short by cut (the start of one, its last token perhaps cut inside a
// word where cut is fieldCutInWord: "sociedad a", "l"; whole words where
// it is fieldCutAfter: "s de", of S de RL, but not the roman numeral of
// ALTGELD I), leaving at least two tokens of name; 0 for none.
func cutLegalForm(toks []string, cut fieldCut) int {
	if cut == fieldWhole {
		return 0
	}
	for n := min(maxFormLen, len(toks)-2); n >= 1; n-- {
		tail := strings.Join(toks[len(toks)-n:], " ")
		if cut == fieldCutAfter {
			tail += " "
		}
		for v := range legalForms {
			if len(v) > len(tail) && strings.HasPrefix(v, tail) {
				return n
			}
		}
	}
	return 0
}

// cutFormWritten reports whether raw, as long as a payment message's name
// field (cutAtFieldLength), ends with a legal form the field cut short, three words of it
// at least (S.A. DE C., of S.A. de C.V.; S. DE R., of S. de R.L.; two,
// SA DE or S. DE, are a person's initial and particle as often), and not
// as a person's initials (MARIA PERE E I R: single letters count only
// written with dots).
func cutFormWritten(raw string, toks []string) bool {
	n := cutLegalForm(toks, cutAtFieldLength(raw))
	if n < 3 {
		return false
	}
	letters := !slices.ContainsFunc(toks[len(toks)-n:], func(t string) bool { return len(t) > 1 })
	return !(letters && !strings.Contains(raw, ".")) && !initialsAfterSurnames(toks, n, true)
}

// legalFormAt finds the longest legal form at the end (or start) of toks and
// returns how many tokens it spans and its canonical form.
func legalFormAt(toks []string, atEnd bool) (int, string) {
	for n := min(maxFormLen, len(toks)); n >= 1; n-- {
		var key string
		if atEnd {
			key = strings.Join(toks[len(toks)-n:], " ")
		} else {
			key = strings.Join(toks[:n], " ")
		}
		if f, ok := legalForms[key]; ok {
			return n, f
		}
	}
	return 0, ""
}

// legalForms maps token sequences (punctuation already removed, so "S.A."
// is "s a") to a canonical legal form.
var legalForms, maxFormLen = func() (map[string]string, int) {
	m := map[string]string{}
	longest := 0
	for canon, variants := range map[string][]string{
		"sa":            {"sa", "s a", "sociedad anonima", "societe anonyme", "sociedade anonima", "spolka akcyjna", "s a banco universal", "sa banco universal"}, // Venezuela's banks: Banco de Venezuela, S.A. Banco Universal
		"sa de cv":      {"sa de cv", "s a de c v", "sa de c v", "sa cv", "s a c v", "sociedad anonima de capital variable"},
		"sapi de cv":    {"sapi de cv", "s a p i de c v", "sapi"},
		"s de rl de cv": {"s de rl de cv", "s de r l de c v", "srl de cv", "s r l de c v"},
		"s en c":        {"s en c", "s en c s", "s en cs", "s com", "s com p a", "sociedad en comandita", "sociedad en comandita simple", "sociedad comanditaria"}, // Spain writes S.Com.
		"sc":            {"sc", "s c", "sociedad civil"},                                                                                                           // Mexico's professional firms: Marrero Agosto Yago S.C.
		"ac":            {"ac", "a c", "asociacion civil"},                                                                                                         // and its associations
		"eirl":          {"eirl", "e i r l", "empresa individual de responsabilidad limitada"},
		"eireli":        {"eireli", "eireli me", "eireli epp"},
		"pte ltd":       {"pte ltd", "pte limited", "pte"},
		"sas":           {"sas", "s a s", "sociedad por acciones simplificada", "societe par actions simplifiee"},
		"saa":           {"saa", "s a a"},
		"sac":           {"sac", "s a c"},
		"ca":            {"ca", "c a", "compania anonima", "c a banco universal", "ca banco universal"},
		"srl":           {"srl", "s r l", "s de rl", "s de r l", "sociedad de responsabilidad limitada", "societa a responsabilita limitata"},
		"sl":            {"sl", "s l", "sociedad limitada"},
		"sarl":          {"sarl", "s a r l", "s a rl", "societe a responsabilite limitee"},
		"llc":           {"llc", "l l c", "limited liability company", "ooo", "tov", "you xian ze ren gong si", "youxian zeren gongsi"},                                                                                                                                          // OOO and TOV as lists translate them; 有限责任公司 romanised
		"ltd":           {"ltd", "limited", "ltda", "limitada", "ltee", "ltda me", "ltda epp", "you xian gong si", "youxian gongsi", "youxiangongsi", "gu fen you xian gong si", "gufen youxian gongsi", "jusighoesa", "jusik hoesa", "jusikhoesa", "yuhanhoesa", "yuhan hoesa"}, // Brazil's size marks after the form: micro (ME), small (EPP); 有限公司, 股份有限公司 (Co., Ltd.), 주식회사, 유한회사 romanised
		"pty ltd":       {"pty ltd", "pty limited", "proprietary limited", "pty"},
		"pvt ltd":       {"pvt ltd", "private limited", "pvt"},
		"plc":           {"plc", "p l c", "public limited company"},
		"inc":           {"inc", "incorporated"},
		"corp":          {"corp", "corporation"},
		"co":            {"co", "company", "cia", "compania"},
		"llp":           {"llp", "l l p", "limited liability partnership"},
		"lp":            {"lp", "l p", "limited partnership"},
		"gmbh":          {"gmbh", "gesellschaft mit beschrankter haftung", "ggmbh"},
		"ag":            {"ag", "aktiengesellschaft"},
		"kg":            {"kg", "kommanditgesellschaft"},
		"ohg":           {"ohg", "offene handelsgesellschaft"},
		"ug":            {"ug", "ug haftungsbeschrankt"},
		"bv":            {"bv", "b v", "besloten vennootschap", "besloten vennootschap met beperkte aansprakelijkheid"},
		"nv":            {"nv", "n v", "naamloze vennootschap"},
		"spa":           {"spa", "s p a", "societa per azioni"},
		"sp z oo":       {"sp z o o", "sp z oo", "spolka z ograniczona odpowiedzialnoscia"},
		"oy":            {"oy", "oyj", "osakeyhtio"},
		"ab":            {"ab", "aktiebolag", "aktiebolaget"},
		"ab publ":       {"ab publ", "publ ab"}, // a Swedish public company: Volvo AB (publ)
		"as":            {"as", "asa", "a s", "aksjeselskap", "aktieselskab", "aktieselskabet", "akciova spolecnost", "anonim sirketi"},
		"aps":           {"aps", "anpartsselskab"},
		"oao":           {"oao", "ojsc", "open joint stock company"},
		"zao":           {"zao", "cjsc", "closed joint stock company"},
		"pao":           {"pao", "pjsc", "public joint stock company"},
		"ao":            {"ao", "jsc", "joint stock company", "non public joint stock company"},
		"sro":           {"sro", "s r o", "spolecnost s rucenim omezenym", "spolocnost s rucenim obmedzenym"},
		"kft":           {"kft"},
		"bhd":           {"bhd", "sdn bhd", "berhad", "sendirian berhad"}, // Malaysia's
		"fzco":          {"fzco", "fze", "fz llc", "fzc", "llc fz"},
		"dmcc":          {"dmcc"},
		"wll":           {"wll", "w l l", "with limited liability"},
		"ltd sti":       {"ltd sti", "limited sirketi"},
		"doo":           {"doo", "d o o"},
		"too":           {"too"},
		"kk":            {"kk", "k k", "kabushiki kaisha", "kabushiki gaisha", "zhu shi hui she"}, // 株式会社 read as Chinese
		"yk":            {"yugen kaisha", "yugen gaisha", "you xian hui she"},                     // 有限会社
		"gk":            {"godo kaisha", "godo gaisha", "he tong hui she"},                        // 合同会社
		"spc":           {"spc"},
		"saoc":          {"saoc", "saog"},
		"ksc":           {"ksc", "k s c", "kscc", "k s c c"},
		"qsc":           {"qsc", "q s c", "qpsc", "q p s c"},
		"bsc":           {"bsc", "b s c"},
		"se":            {"se", "s e", "societas europaea"},
		"ev":            {"e v", "eingetragener verein"},
		"ek":            {"ek", "e k", "e kfm", "e kfr", "e kfrau", "eingetragener kaufmann", "eingetragene kauffrau"}, // a merchant's firm in the German register: Kraus Handel e.K.
		"gbr":           {"gbr", "gesellschaft burgerlichen rechts", "gesellschaft buergerlichen rechts"},
		"partg":         {"partg", "partg mbb", "partgmbb", "partnerschaftsgesellschaft", "partnerschaftsgesellschaft mbb"},
		"eg":            {"eg", "e g", "eingetragene genossenschaft"}, // a cooperative: Volksbank Mittelhessen eG
		"kgaa":          {"kgaa", "kg aa", "kommanditgesellschaft auf aktien"},
		"eu":            {"e u", "eingetragenes unternehmen"}, // Austria's e.U.
		"eurl":          {"eurl"},
		"sasu":          {"sasu"},
		"snc":           {"snc", "societe en nom collectif"},
		"sci":           {"sci", "s c i", "societe civile immobiliere"},
		"bvba":          {"bvba"},
		"sprl":          {"sprl"},
		"vof":           {"vof"},
		"cv":            {"cv", "c v"},
		"sad":           {"sad", "s a d", "sociedad anonima deportiva"},
		"sat":           {"sat", "s a t", "sociedad agraria de transformacion"},
		"scp":           {"scp", "s c p", "sociedad civil particular", "sociedad civil privada", "societe civile professionnelle"},
		"slu":           {"slu", "sau", "sll", "s l u", "s a u", "s l l", "slne", "s l n e", "sociedad limitada unipersonal", "sociedad anonima unipersonal"},
		"s coop":        {"s coop", "scoop", "s coop l", "s coop a", "sociedad cooperativa"},
		"srls":          {"srls", "s r l s"},
		"lda":           {"lda", "unipessoal lda"},
		"sagl":          {"sagl"},
		"ae":            {"ae", "a e"},
		"epe":           {"epe", "ike"},
		"pt":            {"pt"},
		"tbk":           {"tbk", "pt tbk"},
		"pcl":           {"pcl"},
		"sae":           {"sae", "s a e"},
		"pllc":          {"pllc"},
		"pc":            {"pc", "p c"},
	} {
		for _, v := range variants {
			m[v] = canon
		}
	}
	// Russian, Ukrainian and Kazakh forms written out, as lists write them
	// before the name, in the ways they are transliterated (Общество с
	// ограниченной ответственностью, OBSHCHESTVO S OGRANICHENNOI
	// OTVETSTVENNOSTYU: LLC; Акционерное общество: AO).
	for _, society := range []string{"obshchestvo", "obschestvo", "obshestvo"} {
		for _, limited := range []string{"ogranichennoi", "ogranichennoy", "ogranichennoj"} {
			for _, liability := range []string{"otvetstvennostiu", "otvetstvennostyu", "otvetstvennostju"} {
				m[society+" s "+limited+" "+liability] = "llc"
				m["tovarishchestvo s "+limited+" "+liability] = "too"
			}
		}
		for _, e := range []string{"oe", "oye"} {
			m["aktsionern"+e+" "+society] = "ao"
			m["nepublichn"+e+" aktsionern"+e+" "+society] = "ao"
			m["otkryt"+e+" aktsionern"+e+" "+society] = "oao"
			m["zakryt"+e+" aktsionern"+e+" "+society] = "zao"
			m["publichn"+e+" aktsionern"+e+" "+society] = "pao"
		}
	}
	for _, v := range []string{"tovaristvo z obmezhenoiu vidpovidalnistiu", "tovarystvo z obmezhenoiu vidpovidalnistiu", "tovarystvo z obmezhenoyu vidpovidalnistyu"} {
		m[v] = "llc" // Ukrainian: TOV
	}
	for v := range m {
		longest = max(longest, len(strings.Fields(v)))
	}
	return m, longest
}()

// conjunctions are the words for "and" of the languages Concord reads
// besides English.
var conjunctions = set("y e et und")

var orgAbbrev = map[string]string{
	"intl": "international", "int": "international", "natl": "national", "mfg": "manufacturing",
	"hldgs": "holdings", "hldg": "holding", "grp": "group", "svcs": "services", "svc": "service",
	"assn": "association", "assoc": "associates", "bros": "brothers", "dept": "department",
	"ctr": "center", "centre": "center", "univ": "university", "tech": "technology", "mgmt": "management",
	"invest": "investments", "inv": "investments", "dev": "development", "ind": "industries",
}

// Party reads a name that may be a person's or an organisation's: as an
// organisation's name (ParseOrg) when it has a legal form or a word only
// organisations use, else as a person's name (ParseName). The facet
// "party" says which: "organization" or "person". A name read as a
// person's may still be an organisation's whose legal form was cut off.
func Party(raw string) (record.Value, error) {
	if toks := orgTokens(raw); isOrgName(raw, toks) {
		o, err := parseOrg(raw, toks)
		if err != nil {
			return record.Value{}, err
		}
		v := o.Value()
		v.Facets = append(v.Facets, record.Facet{Name: record.FacetName("party"), Value: string(record.EntityOrganization)})
		return v, nil
	}
	n, err := ParseName(raw)
	if err != nil {
		return record.Value{}, err
	}
	v := n.Value()
	if personEvidence(raw, n) {
		v.Facets = append(v.Facets, record.Facet{Name: record.FacetName("party"), Value: string(record.EntityPerson)})
	} else if len(v.Tokens) == 1 {
		// One word of neither kind may be an organisation's acronym
		// (PDVSA in a payment).
		if a := Acronyms(v.Tokens, ""); a != "" {
			v.Facets = append(v.Facets, record.Facet{Name: record.FacetName("acronyms"), Value: a})
		}
	}
	return v, nil
}

// personEvidence reports whether a name that reads as no organisation's
// says it is a person's: a known given name or surname, an initial, a
// title or suffix, or SURNAME, Given or SURNAME/GIVEN. A name without one
// (AKZO NOBEL, a company written without its legal form, or a person whose
// names no list here knows) is of neither kind, and its record may be put
// with either.
func personEvidence(raw string, n PersonName) bool {
	if n.Suffix != "" {
		return true
	}
	// A comma or slash of the name's own, not an account's before it
	// (/VE4301… ACME TRADING).
	if strings.ContainsAny(raw, ",/") && strings.ContainsAny(fieldText(raw), ",/") {
		return true
	}
	// A name that fills a payment's field may have lost its legal form
	// or its organisation word (OCASIO OLIVAS QUEZADA BETANCOURT HE, of
	// … Hermanos S.C.): surnames alone, or an initial that is a word cut
	// short, say nothing of it.
	cut := cutAtFieldLength(raw) != fieldWhole
	for _, t := range n.Tokens {
		if !cut && (len(t) == 1 || hispanicSurnames[t] || eastAsianFamilies[t]) || givenNames[t] || honorifics[t] {
			return true
		}
		if _, ok := arabicNames[t]; ok {
			return true
		}
	}
	return slices.ContainsFunc(Tokens(raw), func(t string) bool { return honorifics[t] || trailingTitles[t] })
}

// IsOrgName reports whether a name is an organisation's: it ends (or
// starts) with a legal form, or has a word that names organisations
// (inversiones, holding, trading, bank, …). Short legal forms that are
// also name words (SA, AS, CO, CA, …) count only written with dots (S.A.)
// or after at least two other words.
func IsOrgName(raw string) bool { return isOrgName(raw, orgTokens(raw)) }

// isOrgName is IsOrgName of raw whose words orgTokens gave as toks.
func isOrgName(raw string, toks []string) bool {
	if len(toks) == 0 {
		return false
	}
	raw = formCommas(raw)
	for _, t := range toks {
		if orgWords[t] {
			return true
		}
	}
	if cutFormWritten(raw, toks) || firmOfNames(raw) {
		return true
	}
	for _, atEnd := range []bool{true, false} {
		n, form := legalFormAt(toks, atEnd)
		if n == 0 || n >= len(toks) {
			continue
		}
		written, rest := toks[:n], toks[n:] // the form as the name writes it, and the rest
		if atEnd {
			written, rest = toks[len(toks)-n:], toks[:len(toks)-n]
		}
		// A short form that is also a name's word (SA, AS, AO) counts
		// written with dots (S.A., N.V), a slash (S/A, A/S), or in a
		// spelling no name has (JSC, ASA, Sociedad Anónima); so does one
		// written as a word with no vowel, which no name's word is, beside
		// words that are no known names (Heineken NV, Shell BV, PT
		// Garuda; Maria Cv may be a person's initials written together).
		if !ambiguousForms[form] || !ambiguousForms[strings.Join(written, "")] || strings.Count(raw, ".") >= 2 ||
			atEnd && (slashedForm(raw) || dottedForm(raw)) || len(written) == 1 && !strings.ContainsAny(written[0], "aeiouy") && !knownNames(rest) {
			return true
		}
		if len(toks)-n >= 2 && !initialsAfterSurnames(toks, n, atEnd) {
			return true
		}
		if !atEnd && quotedAfter(raw, n) {
			return true // a form and a name in quotes, as CIS registers write them: TOO 'KazMunayGas'
		}
		// One word and a form no name's word is spelt like, where the word
		// is no known name: Bayer AG, BASF SE, Nokia Oy (Kim Se is a
		// person; ACME SA and Ah Too may be too).
		if atEnd && len(rest) == 1 && len(written) == 1 && formsNoName[written[0]] && !knownNames(rest) && !eastAsianFamilies[rest[0]] {
			return true
		}
	}
	return false
}

// formCommas writes a comma between two letters that are words of their
// own as a dot: DSM N,V. and Maasland N,V, write N.V. so, and isOrgName
// counts a form's dots.
func formCommas(raw string) string {
	if !strings.Contains(raw, ",") {
		return raw
	}
	b := []byte(raw)
	for i := 1; i+1 < len(b); i++ {
		if b[i] == ',' && isLetter(b[i-1]) && isLetter(b[i+1]) && (i < 2 || !isLetter(b[i-2])) && (i+2 >= len(b) || !isLetter(b[i+2])) {
			b[i] = '.'
		}
	}
	return string(b)
}

// firmOfNames reports whether raw names a firm after its partners, as law
// firms, accountants and partnerships are named: surnames, each one word,
// in a list with "and" before the last (&, y, e, et, und): "Smith, Johnson
// and Williams", "Pérez, Gómez y Rodríguez"; and two joined by "and" (&,
// et, und) where neither is a given name: "Smith & Jones", "Müller und
// Schmidt". A person's name has no such list; it is not a firm where the
// words after the first are given names, as a joint account writes its
// holders after their surname (SMITH, JOHN AND MARY; Lee, James and Scott
// may be either, and is read as that), where a word is an honorific or an
// initial, or where a given name comes first (José Ortega y Gasset, John and
// Mary Smith). Two names joined by y or e alone may be one person's
// surnames (Ortega y Gasset, Carvalho e Silva).
func firmOfNames(raw string) bool {
	if !mayHold(raw, firmHints) || strings.ContainsAny(raw, "/0123456789") {
		return false
	}
	m := firmMarker.FindAllStringSubmatchIndex(raw, 2)
	if len(m) != 1 {
		return false
	}
	conj := strings.ToLower(raw[m[0][2]:m[0][3]])
	items := append(strings.Split(raw[:m[0][0]], ","), raw[m[0][1]:])
	if len(items) < 2 || len(items) == 2 && (conj == "y" || conj == "e") {
		return false
	}
	allGiven := true // every item after the first a given name
	for i, item := range items {
		if len(strings.Fields(item)) != 1 {
			return false
		}
		words := Tokens(item)
		if len(words) == 0 {
			return false
		}
		given := false
		for _, w := range words {
			if len(w) == 1 || honorifics[w] || trailingTitles[w] || suffixes[w] != "" {
				return false
			}
			given = given || givenNames[w]
		}
		if given && len(items) == 2 {
			return false
		}
		if i > 0 && !given {
			allGiven = false
		}
	}
	return !allGiven
}

// firmMarker is the "and" before a firm's last partner's name
// (firmOfNames), the word in its first group; firmHints are mayHold's
// hints of it.
var (
	firmMarker = regexp.MustCompile(`(?i)\s(and|&|y|e|et|und)\s`)
	firmHints  = hintsOf(" and ", " & ", " y ", " e ", " et ", " und ")
)

// slashedForm reports whether raw ends with a legal form written with a
// slash between two letters, as Brazil writes S/A and Denmark A/S.
func slashedForm(raw string) bool {
	t := strings.TrimRight(raw, " .")
	n := len(t)
	return n >= 3 && t[n-2] == '/' && isLetter(t[n-1]) && isLetter(t[n-3]) && (n == 3 || !isLetter(t[n-4]))
}

// quotedAfter reports whether raw's first n words come before a quote
// that opens the rest: TOO "Alfa", AO «Beta».
func quotedAfter(raw string, n int) bool {
	i := strings.IndexAny(raw, "\"'«„“")
	return i > 0 && len(Tokens(raw[:i])) == n && len(Tokens(raw[i:])) > 0
}

// knownNames reports whether every word is a known given name or
// Hispanic surname.
func knownNames(words []string) bool {
	return !slices.ContainsFunc(words, func(t string) bool { return !hispanicSurnames[t] && !givenNames[t] })
}

// dottedForm reports whether raw ends with two letters with a dot between
// them, as a legal form is written with its last dot left out (N.V, S. A).
func dottedForm(raw string) bool {
	t := strings.TrimRight(raw, " ,")
	n := len(t)
	if n >= 1 && t[n-1] == '.' {
		return false // N.V. has two dots: counted as such
	}
	i := strings.LastIndexByte(t, '.')
	if i < 1 || !isLetter(t[i-1]) || i >= 2 && isLetter(t[i-2]) {
		return false
	}
	rest := strings.TrimLeft(t[i+1:], " ")
	return len(rest) == 1 && isLetter(rest[0])
}

// initialsAfterSurnames reports whether the n tokens of a legal form at
// the end of toks (atEnd) are single letters after words that are all
// surnames or given names: "LOZANO MORENO A E" is a person's surnames and
// initials as a bank writes them, not Lozano Moreno A.E. (written so, or
// with a word a firm's name has, it is a firm).
func initialsAfterSurnames(toks []string, n int, atEnd bool) bool {
	if !atEnd {
		return false
	}
	name, form := toks[:len(toks)-n], toks[len(toks)-n:]
	return !slices.ContainsFunc(form, func(t string) bool { return len(t) != 1 }) && knownNames(name)
}

// ambiguousForms are legal forms spelled like words of people's names,
// and spellings of others that are (ASA, CIA).
var ambiguousForms = set("sa as ab ag ao co ca sl lp oy nv bv kg ug aps too kk se ae pt cv pc sci snc asa cia sc ac ev ek eg eu sad sat")

// formsBeforeName are the legal forms that names write before them, as
// Russian, Kazakh and Indonesian ones do (OOO, PJSC, TOO, PT), even when
// another form ends the name: another form at the start (Corporation of
// London Ltd) is a word of the name.
var formsBeforeName = set("llc ao oao zao pao too pt")

// formsNoName are the ambiguousForms that no name's word is spelt like,
// though short enough to be taken for initials or a syllable.
var formsNoName = set("ag se oy ug aps")

// orgWords are words that, in a name, say it is an organisation's.
var orgWords = set("inversiones inversora inversora holding holdings trading group grupo corporacion corporation corp " +
	"comercializadora comercial constructora construcciones servicios services transportes transport logistics logistica " +
	"industrial industries industrias bank banco capital minera mining fundacion foundation asociacion association " +
	"sociedad company compania enterprises empresas import export importadora exportadora consulting consultores " +
	"consultora agropecuaria petroleum petroleos energy energia international internacional investments partners " +
	"associates asociados ventures management solutions technologies technology distribuidora farmacia pharmacy hotel " +
	"restaurant ministry ministerio university universidad institute instituto church iglesia club cooperative cooperativa " +
	"trust fund fondo shipping maritime airlines insurance seguros laboratorios laboratories " +
	// Trades and industries, as payments name companies without their
	// legal form (MONARCH METALS, TESCO STORES). Words that are also
	// surnames or given names (Banks, Mills, Steel, Gold, Power, Marine,
	// Handel) are left out: they are in people's names too.
	"metals textiles textile foods food motors automotive property properties estates realty developments " +
	"development construction builders engineering electronics electrical chemicals plastics pharmaceuticals " +
	"pharma healthcare medical clinic dental hospital laboratory systems software digital media communications " +
	"telecom telecoms networks studios productions publishing printing designs marketing advertising consultants " +
	"consultancy advisory advisers advisors accountants solicitors brokers brokerage securities finance financial " +
	"credit loans mortgages remittance remittances payments fintech imports exports importers exporters wholesale " +
	"wholesalers retail retailers stores supermarket supermarkets supplies distribution distributors freight " +
	"haulage cargo couriers airways aviation tankers oil resources minerals utilities renewables agriculture " +
	"agricultural farms dairy bakery catering restaurants hotels hospitality leisure entertainment travel tours " +
	"tourism recruitment staffing cleaning manufacturing products equipment machinery packaging garments apparel " +
	"clothing jewellery jewelry furniture enterprise partnership charitable council commission agency " +
	"embassy consulate academy college research innovations worldwide overseas commerce traders " +
	"sons brothers bros estate government department authority revenue customs police " +
	"plumbing roofing heating joinery carpentry landscaping decorating scaffolding rentals cafe pizzeria " +
	"takeaway fitness salon " +
	// Family firms and public bodies in Spanish, Portuguese, French, Italian and German.
	"hermanos hnos hijos hijas sobrinos filhos figli irmaos freres fratelli sohne embajada consulado alcaldia gobernacion municipalidad " +
	"municipio ayuntamiento prefeitura mairie gobierno gouvernement ministere departamento autoridad " +
	"aduana policia tribunal " +
	// Spanish and Portuguese.
	"inmobiliaria promotora distribuciones alimentos textil ingenieria telecomunicaciones petrolera naviera " +
	"aseguradora financiera negocios representaciones suministros importaciones exportaciones agricola ganadera " +
	"pesquera farmaceutica laboratorio clinica colegio escuela academia editorial ediciones producciones " +
	"comunicaciones tecnologia tecnologias soluciones sistemas proyectos materiales equipos maquinaria automotriz " +
	"despacho bufete corporativo corporativa alimentacion construccion desarrollo desarrollos finanzas fabrica " +
	"infraestructuras instalaciones manufacturas mineria promociones restauracion supermercados talleres " +
	"combustibles metalurgica siderurgica consultoria asesores asesoria auditores abogados remesas fiduciaria " +
	"arrendadora comercio empreendimentos participacoes industria construtora transportadora servicos " +
	"investimentos importacao exportacao administradora incorporadora seguradora " +
	// French, Italian and German.
	"societe entreprise entreprises groupe compagnie banque assurances immobiliere immobilier transports " +
	"fondation negoce societa impresa costruzioni immobiliare trasporti commerciale industriale servizi gruppo " +
	"banca assicurazioni fondazione associazione gesellschaft immobilien logistik verwaltung versicherung " +
	"stiftung spedition reederei beteiligungen")
