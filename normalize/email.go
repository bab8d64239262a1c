package normalize

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/concord-er/concord/record"
)

// Email is a normalised e-mail address.
type Email struct {
	Address string // canonical: lower case, plus-tag removed, provider rules applied
	Full    string // lower case as written, tag kept
	Local   string // canonical local part
	Domain  string
}

// Value returns e with facets full, local and domain.
func (e Email) Value() record.Value {
	return record.Value{Norm: e.Address, Facets: record.MakeFacets("full", e.Full, "local", e.Local, "domain", e.Domain)}
}

// dotlessDomains ignore dots in the local part, as their provider
// documents (Gmail: "dots don't matter in Gmail addresses").
var dotlessDomains = map[string]string{"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}

// obfuscatedAt writes out the @ and dots of an address written to escape
// harvesters, in brackets: ana[at]x[dot]org, ana (at) x (dot) org.
var obfuscatedAt = strings.NewReplacer("[at]", "@", "(at)", "@", "{at}", "@", "[dot]", ".", "(dot)", ".", "{dot}", ".")

// spacedSign matches an address's @ or dot with the spaces typed around it.
var spacedSign = regexp.MustCompile(`\s*([@.])\s*`)

// ParseEmail reads an address, with or without a display name
// ("Ana <ana@example.org>", "mailto:ana@example.org"). The canonical form is
// lower case without the sub-address tag (ana+news@ → ana@); dots are removed
// only for providers that document that they are ignored.
func ParseEmail(raw string) (Email, error) {
	s := strings.TrimSpace(norm.NFKC.String(raw))
	if s == "" {
		return Email{}, ErrEmpty
	}
	if strings.ContainsAny(s, "<>") {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return Email{}, fmt.Errorf("%w: e-mail %q: %v", ErrInvalid, raw, err)
		}
		s = a.Address
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	s = strings.ToLower(strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(".;,", r) }))
	// An address written to escape harvesters (ana[at]x[dot]org) or
	// typed with spaces around its signs (ana @ x.org).
	if !strings.Contains(s, "@") {
		s = obfuscatedAt.Replace(s)
	}
	if strings.Count(s, "@") == 1 && strings.ContainsAny(s, " \t") {
		s = spacedSign.ReplaceAllString(s, "$1")
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return Email{}, fmt.Errorf("%w: e-mail %q needs exactly one @ with text before it", ErrInvalid, raw)
	}
	domain = strings.TrimSuffix(domain, ".")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.Contains(domain, "..") || strings.ContainsAny(domain, " ,;:()[]\\\"") {
		return Email{}, fmt.Errorf("%w: e-mail %q has no valid domain", ErrInvalid, raw)
	}
	if strings.ContainsFunc(local, unreadable) || strings.ContainsFunc(domain, unreadable) {
		return Email{}, fmt.Errorf("%w: e-mail %q holds a space, a control character or bytes that are no text", ErrInvalid, raw)
	}
	if strings.ContainsAny(local, " ,;:()[]\\") {
		return Email{}, fmt.Errorf("%w: e-mail %q has invalid characters before the @", ErrInvalid, raw)
	}
	full := local + "@" + domain
	canon := local
	if i := strings.IndexByte(canon, '+'); i > 0 {
		canon = canon[:i]
	}
	if d, ok := dotlessDomains[domain]; ok {
		domain = d
		canon = strings.ReplaceAll(canon, ".", "")
	}
	return Email{Address: canon + "@" + domain, Full: full, Local: canon, Domain: domain}, nil
}

// unreadable reports whether r has no place in an address: a space or a
// control character (a tab read with the cell), or the replacement
// character that bytes which are no UTF-8 were read as.
func unreadable(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError
}
