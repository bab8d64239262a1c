package normalize

import (
	"slices"
	"strings"
)

// Acronyms: an organisation is often named by its initials in one source
// and in full in another (PDVSA, Petróleos de Venezuela S.A.; CANTV,
// Compañía Anónima Nacional Teléfonos de Venezuela; IBM, International
// Business Machines Corp). Each organisation's name carries the facet
// "acronyms": the words it may be shortened to, when written in full, or
// the word it is, when written as one. Blocking pairs two names that share
// one of them, and compare's acronym level holds when one name is written
// short and the other in full.

// acronymParticles are the words an acronym may leave out, or keep:
// CANTV leaves out the de of Teléfonos de Venezuela, PDVSA keeps it.
var acronymParticles = set("a al and d da das de del della der des di do dos du e el en et for fur in la las le les los of on the und van von y zu")

// acronymForms are the legal forms written as initials, which an acronym
// may take in, after the name (PDVSA, Petróleos de Venezuela S.A.) or
// before it (CANTV, C.A. Nacional Teléfonos de Venezuela).
var acronymForms = set("sa ca sas saa sac sae srl sl llc plc llp lp ag kg bv nv spa ab as oao zao pao ao sro pt")

// The shortest and longest acronym: two letters name too many
// organisations to say which, and no one abbreviates a name of more than
// ten words to its initials.
const (
	minAcronym = 3
	maxAcronym = 10
)

// Acronyms returns the facet "acronyms" of an organisation's name, of
// tokens toks and legal form form: space-separated, sorted and distinct.
// A name written short, one word of letters (PDVSA) or initials alone
// (P.D.V.S.A., read as p d v with the form sa), gives what it is written
// as; a name written in full gives the initials of its words, with and
// without particles, each alone and with an initials' legal form after
// and before it. It returns "" when no acronym is long enough.
func Acronyms(toks []string, form string) string {
	if len(toks) == 0 || len(toks) > maxAcronym {
		return ""
	}
	if len(toks) == 1 {
		if t := toks[0]; len(t) >= minAcronym && len(t) <= maxAcronym && asciiLetters(t) {
			return t
		}
		return ""
	}
	var all, content []byte
	short := true // initials alone
	for _, t := range toks {
		if t == "" || !asciiLetters(t[:1]) {
			return "" // a number or another script: no initials to write
		}
		all = append(all, t[0])
		if !acronymParticles[t] {
			content = append(content, t[0])
		}
		short = short && len(t) == 1
	}
	f := strings.ReplaceAll(form, " ", "")
	if !acronymForms[f] {
		f = ""
	}
	var out []string
	add := func(s string) {
		if len(s) >= minAcronym && len(s) <= maxAcronym && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	bases := []string{string(all)}
	if !short { // initials alone are what they are written as, particles and all
		bases = append(bases, string(content))
	}
	for _, base := range bases {
		add(base)
		if f != "" {
			add(base + f)
			if !short {
				add(f + base)
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// asciiLetters reports whether s is letters a to z alone.
func asciiLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}
