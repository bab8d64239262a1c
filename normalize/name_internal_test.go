package normalize

import (
	"slices"
	"testing"
)

// TestHyphenatedLast: a name's last word of words joined by hyphens is
// its surnames, but not where a comma or slash says them, nor a
// particle's name (Al-Saud), nor given names after a surname written
// first (DUPONT JEAN-PIERRE), nor initials.
func TestHyphenatedLast(t *testing.T) {
	tests := []struct {
		read    string
		written []string
		want    []string
	}{
		{"Mary Smith-Jones", nil, []string{"smith", "jones"}},
		{"Mary Ann Smith-Jones Jr.", nil, []string{"smith", "jones"}},
		{"Helena Bonham-Carter", nil, []string{"bonham", "carter"}},
		{"Smith-Jones", nil, nil}, // no given name before it
		{"Smith-Jones, Mary", []string{"smith", "jones"}, nil},
		{"SMITH-JONES/MARY", nil, nil},
		{"Muhammad bin Salman Al-Saud", nil, nil},
		{"DUPONT JEAN-PIERRE", nil, nil},
		{"Ana Maria O-Neill", nil, nil},
		{"Jean-Pierre Dupont", nil, nil},
	}
	for _, tt := range tests {
		if got := hyphenatedLast(tt.read, tt.written); !slices.Equal(got, tt.want) {
			t.Errorf("hyphenatedLast(%q, %v) = %v, want %v", tt.read, tt.written, got, tt.want)
		}
	}
}

// TestGivenSyllables: the facet of an East Asian given name of two
// syllables, whichever order and romanisation the name is written in;
// none for Western names, nor for a given name and a middle name that
// are Western or not syllables romanisations write.
func TestGivenSyllables(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Kim Min-jun", "min jun"},
		{"Zhou Guo-qiang", "guo qiang"},
		{"WANG XIAO-MING", "xiao ming"},
		{"Mei Ling Wong", "mei ling"},
		{"Lee Min-ho", "min ho"},
		{"Chan Tai-man", "tai man"},
		{"Wong Kwok-wing", "kwok wing"},
		{"KIM/MIN JUN", "min jun"},
		{"Zhao Ling", ""},
		{"Kim Minjun", ""},
		{"Lee Harvey Oswald", ""},
		{"John Paul Lee", ""},
		{"Mary Smith-Jones", ""},
		{"Kim Smith-Jones", ""},
		{"Juan Carlos Kim", ""},
	}
	for _, tt := range tests {
		n, err := ParseName(tt.name)
		if err != nil {
			t.Fatalf("ParseName(%q): %v", tt.name, err)
		}
		if v := n.Value(); v.Facet(FacetSyllables) != tt.want {
			got := v.Facet(FacetSyllables)
			t.Errorf("%q: syllables %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRomanisedSyllable: the syllables of pinyin, Wade-Giles, Cantonese
// and Korean, and words of other languages that are none.
func TestRomanisedSyllable(t *testing.T) {
	for _, w := range []string{"guo", "qiang", "xiao", "hsiao", "chiang", "yeon", "kyung", "kwok", "ah", "eun", "jun", "er"} {
		if !romanisedSyllable(w) {
			t.Errorf("romanisedSyllable(%q) = false, want true", w)
		}
	}
	for _, w := range []string{"", "smith", "jones", "bowes", "saud", "anne", "carter", "harvey", "chiangs"} {
		if romanisedSyllable(w) {
			t.Errorf("romanisedSyllable(%q) = true, want false", w)
		}
	}
}
