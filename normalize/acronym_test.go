package normalize_test

import (
	"testing"

	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// TestAcronyms: a name written in full gives its initials, with and
// without particles, alone and with an initials' legal form before and
// after; a name written short gives what it is written as; a person's
// name, a number and too many words give none.
func TestAcronyms(t *testing.T) {
	tests := []struct {
		kind record.Kind
		in   string
		want string
	}{
		{record.KindOrgName, "Petróleos de Venezuela, S.A.", "pdv pdvsa pvsa sapdv sapv"},
		{record.KindOrgName, "PDVSA", "pdvsa"},
		{record.KindOrgName, "P.D.V.S.A.", "pdv pdvsa"}, // initials and the form, read apart
		{record.KindOrgName, "C.A. Nacional Teléfonos de Venezuela", "cantdv cantv ntdv ntdvca ntv ntvca"},
		{record.KindOrgName, "International Business Machines Corp", "ibm"}, // Corp is no initial
		{record.KindOrgName, "Intl Business Machines", "ibm"},               // an abbreviation written out first
		{record.KindOrgName, "The Bank of New York Mellon", "bnym bonym"},
		{record.KindOrgName, "Banco Santander", ""},                                                         // two letters say too little
		{record.KindOrgName, "BS", ""},                                                                      // so written short
		{record.KindOrgName, "3M Company", ""},                                                              // no letters to start with
		{record.KindOrgName, "Газпром нефть ПАО", "gnpao paogn"},                                            // read in Latin letters
		{record.KindOrgName, "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliet Kilo Ltd", ""}, // too many words
		{record.KindParty, "PETROLEOS DE VENEZUELA SA", "pdv pdvsa pvsa sapdv sapv"},
		{record.KindParty, "PDVSA", "pdvsa"}, // one word of neither kind
		{record.KindParty, "JUAN", ""},       // a given name: a person
		{record.KindParty, "Juan Pérez", ""},
		{record.KindName, "PDVSA", ""}, // people's names have no acronyms
	}
	for _, tt := range tests {
		v, err := normalize.Value(tt.kind, tt.in, normalize.Options{})
		if err != nil {
			t.Errorf("%s %q: %v", tt.kind, tt.in, err)
			continue
		}
		if got := v.Facet("acronyms"); got != tt.want {
			t.Errorf("%s %q: acronyms %q, want %q", tt.kind, tt.in, got, tt.want)
		}
	}
}
