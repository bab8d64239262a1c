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
