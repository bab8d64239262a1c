package normalize

import (
	"strings"
	"testing"

	"github.com/biter777/countries"
)

// TestDemonyms checks the table of nationality adjectives: each is read
// as its country, none is taken by two countries (a clash drops it), and
// none is another country's name.
func TestDemonyms(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(demonyms), "\n")
	if len(lines) < 190 {
		t.Fatalf("%d countries with adjectives, want every country's", len(lines))
	}
	for _, line := range lines {
		code, words, _ := strings.Cut(line, " ")
		for _, w := range strings.Split(words, "|") {
			got, err := Country(w)
			if err != nil || got != code {
				t.Errorf("Country(%q) = %q, %v; want %s", w, got, err, code)
			}
			if c := countries.ByName(strings.ReplaceAll(Fold(w), " ", "")); c != countries.Unknown && c.Alpha2() != "" && c.Alpha2() != code {
				t.Errorf("%q is listed for %s and names %s", w, code, c.Alpha2())
			}
		}
	}
	if _, err := Country("Congolese"); err == nil {
		t.Error("Congolese read as a country: it names two")
	}
}
