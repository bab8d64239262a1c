package normalize

import (
	"strings"
	"testing"

	"github.com/concord-er/concord/record"
)

func TestSpellingKey(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		// Romanisations of one Arabic name.
		{"rasheed", "rashid", true},
		{"kareem", "karim", true},
		{"mansour", "mansur", true},
		{"mahmood", "mahmud", true},
		{"haddad", "hadad", true},
		{"hassan", "hasan", true},
		{"khoury", "khouri", true},
		{"tariq", "tarik", true},
		{"fatimah", "fatima", true},
		{"waleed", "walid", true},
		// Of one Russian name.
		{"yuriy", "iurii", true},
		{"yuriy", "yury", true},
		{"belyaev", "beliaev", true},
		{"sergey", "sergei", true},
		{"smirnow", "smirnov", true},
		{"mariya", "mariia", true},
		{"iakov", "yakov", true},
		{"onufriy", "onufrii", true},
		// Other names, which keep their spellings apart.
		{"saad", "said", false},
		{"khaled", "khalid", false},
		{"juan", "yuan", false},
		{"keen", "kin", false}, // short words keep their spelling
		{"yoon", "yun", false},
		{"maria", "mario", false},
		{"kuznetsov", "kusnezow", false}, // z and s: not folded
	}
	for _, tt := range tests {
		ka, kb := spellingKey(tt.a), spellingKey(tt.b)
		if got := ka == kb; got != tt.same {
			t.Errorf("spellingKey(%q) = %q, spellingKey(%q) = %q: same %v, want %v", tt.a, ka, tt.b, kb, got, tt.same)
		}
	}
	for _, w := range []string{"lee", "li", "ana", "müller", "o'neil", "смирнов", ""} {
		if k := spellingKey(w); k != w {
			t.Errorf("spellingKey(%q) = %q, want the word as it is", w, k)
		}
	}
}

func TestNameSpelling(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"Hassan Mansour", "hasan mansur"},
		{"Hasan Mansur", ""}, // every word its own key: the facet "sorted" stands for it
		{"Bilal El Rashid", "al bilal rashid"},
		{"AL RASHID, Bilal", ""},
		{"Iurii Tretiakov", "tretiakov yuri"},
		{"Yuriy Tretyakov", "tretiakov yuri"},
	}
	for _, tt := range tests {
		v, err := Value(record.KindName, tt.raw, Options{})
		if err != nil {
			t.Fatalf("%q: %v", tt.raw, err)
		}
		if got := v.Facet(FacetSpelling); got != tt.want {
			t.Errorf("%q: facet %s = %q, want %q", tt.raw, FacetSpelling, got, tt.want)
		}
	}
}

// FuzzSpellingKey: a word mayRespell passes over is its own key, as the
// folds would leave it (respell).
func FuzzSpellingKey(f *testing.F) {
	for _, w := range []string{"rasheed", "yuriy", "iurii", "mansour", "garcia", "kuznetsov", "fatimah", "maria", "hadad"} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if len(w) > 64 {
			return
		}
		if !mayRespell(w) && len(w) >= minSpellingKey && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
			if r := respell(w); r != w && len(r) >= minSpellingKey {
				t.Fatalf("mayRespell(%q) = false, but respell gives %q", w, r)
			}
		}
	})
}

// TestWordsSoundAlike: two words of names sound alike when a Double
// Metaphone code of one, primary or alternate, is one of the other's,
// after the folds of transliterations; a letter that changes the sound
// makes another name.
func TestWordsSoundAlike(t *testing.T) {
	tests := []struct {
		a, b  string
		alike bool
	}{
		{"catherine", "katherine", true}, // the first letter spelt otherwise
		{"roger", "rodger", true},        // by Roger's alternate code
		{"hasan", "hassan", true},
		{"wladimir", "vladimir", true}, // a transliteration's fold
		{"chung", "jung", true},        // a romanisation of one family name
		{"ming", "ping", false},        // two syllables of Chinese given names
		{"maria", "marta", false},
		{"william", "williams", false}, // a given name and a surname
		{"gary", "mary", false},
		{"123", "124", false}, // no code: nothing sounds
	}
	for _, tt := range tests {
		if got := WordsSoundAlike(tt.a, tt.b); got != tt.alike {
			t.Errorf("WordsSoundAlike(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.alike)
		}
		if got := WordsSoundAlike(tt.b, tt.a); got != tt.alike {
			t.Errorf("WordsSoundAlike(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.alike)
		}
	}
}

// FuzzWordsSoundAlike: whatever two words, telling whether they sound
// alike neither panics nor depends on their order, and a word with a
// code sounds like itself.
func FuzzWordsSoundAlike(f *testing.F) {
	for _, w := range [][2]string{{"catherine", "katherine"}, {"ming", "ping"}, {"roger", "rodger"}, {"", "a"}} {
		f.Add(w[0], w[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 64 || len(b) > 64 {
			return
		}
		if WordsSoundAlike(a, b) != WordsSoundAlike(b, a) {
			t.Fatalf("WordsSoundAlike(%q, %q) depends on the order", a, b)
		}
		if p, _ := doubleMetaphone(a); p != "" && !WordsSoundAlike(a, a) {
			t.Fatalf("%q, code %q, does not sound like itself", a, p)
		}
	})
}
