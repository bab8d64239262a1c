package engine

import (
	"strings"
	"testing"

	"github.com/concord-er/concord/record"
)

func TestReasonAsSeen(t *testing.T) {
	k := func(s, id string) record.Key { return record.Key{Source: s, ID: id} }
	a, b := k("kyc", "k-1"), k("payments", "MSG 1")
	only := func(sources ...string) func(string) bool {
		return func(s string) bool {
			for _, x := range sources {
				if x == s {
					return true
				}
			}
			return false
		}
	}
	for _, c := range []struct {
		name    string
		reason  string
		visible func(string) bool
		all     bool
		want    string
	}{
		{"band", ReasonBand, only(), false, ReasonBand},
		{"ambiguous, third record seen", AmbiguousReason(k("kyc", "k-2"), a), only("kyc", "payments"), false,
			"ambiguous: as strong as a link to kyc/k-2, which cannot be one entity with kyc/k-1"},
		{"ambiguous, third record hidden", AmbiguousReason(k("sanctions", "s-9"), b), only("kyc", "payments"), false,
			"ambiguous: as strong as a link to another record, which cannot be one entity with payments/MSG 1"},
		{"ambiguous, an id with the middle in it", AmbiguousReason(k("sanctions", "x, which cannot be one entity with kyc/k-1"), a), only("kyc", "payments"), false,
			"ambiguous: as strong as a link to another record, which cannot be one entity with kyc/k-1"},
		{"ambiguous, every source", AmbiguousReason(k("sanctions", "s-9"), b), only(), true, AmbiguousReason(k("sanctions", "s-9"), b)},
		{"ambiguous, quoting neither record of the pair", AmbiguousReason(k("kyc", "k-2"), k("kyc", "k-3")), only("kyc", "payments"), false,
			"ambiguous: as strong as a link to another record, which cannot be one entity with it"},
		{"separated, both seen", SeparatedReason(k("kyc", "k-2"), k("payments", "p and q")), only("kyc", "payments"), false,
			"matches, but joining would put kyc/k-2 and payments/p and q in one entity"},
		{"separated, one hidden", SeparatedReason(k("sanctions", "s-1"), a), only("kyc", "payments"), false,
			"matches, but joining would put another record and kyc/k-1 in one entity"},
		{"separated, an id that reads as two keys", SeparatedReason(k("kyc", "a and kyc/b"), k("sanctions", "s")), only("kyc", "payments"), false,
			"matches, but joining would put two records that cannot be one entity in one entity"},
		{"weak, both seen", WeakReason(k("kyc", "k-2"), k("payments", "p and q"), []string{"address", "city"}), only("kyc", "payments"), false,
			"matches, but not as one entity: kyc/k-2 and payments/p and q disagree on address, city, which the pair has no value of"},
		{"weak, one hidden", WeakReason(k("sanctions", "s-1"), a, []string{"dob"}), only("kyc", "payments"), false,
			"matches, but not as one entity: another record and kyc/k-1 disagree on dob, which the pair has no value of"},
		{"weak, an id that reads as two keys", WeakReason(k("kyc", "a and kyc/b"), k("sanctions", "s"), []string{"dob"}), only("kyc", "payments"), false,
			"matches, but not as one entity: two of its records disagree on what the pair has no value of"},
		{"weak, an id holding the middle", WeakReason(k("sanctions", "x disagree on y"), a, []string{"dob"}), only("kyc", "payments"), false,
			"matches, but not as one entity: another record and kyc/k-1 disagree on dob, which the pair has no value of"},
		{"too large", "too large to check for conflicts", only(), false, "too large to check for conflicts"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ReasonAsSeen(c.reason, a, b, c.visible, c.all); got != c.want {
				t.Errorf("ReasonAsSeen(%q) = %q, want %q", c.reason, got, c.want)
			}
		})
	}
}

// FuzzReasonAsSeen: whatever the ids, a reason read by a reader who sees
// only the pair's sources never holds the id of a record of another.
func FuzzReasonAsSeen(f *testing.F) {
	f.Add("k-1", "MSG 1", "s-9", "k-2", true)
	f.Add("a and kyc/b", "x", "y, which cannot be one entity with kyc/a and kyc/b", "z", false)
	f.Fuzz(func(t *testing.T, idA, idB, hidden, seen string, ambiguous bool) {
		if len(hidden) < 4 || strings.Contains(idA, hidden) || strings.Contains(idB, hidden) || strings.Contains(seen, hidden) {
			t.Skip() // the hidden id must be told apart from what may be shown
		}
		a, b := record.Key{Source: "kyc", ID: idA}, record.Key{Source: "payments", ID: idB}
		h := record.Key{Source: "sanctions", ID: hidden}
		visible := func(s string) bool { return s == "kyc" || s == "payments" }
		var reasons []string
		if ambiguous {
			reasons = []string{AmbiguousReason(h, a), AmbiguousReason(h, b)}
		} else {
			reasons = []string{SeparatedReason(h, a), SeparatedReason(record.Key{Source: "kyc", ID: seen}, h),
				WeakReason(h, a, []string{"address"}), WeakReason(record.Key{Source: "kyc", ID: seen}, h, []string{"address", "city"})}
		}
		for _, r := range reasons {
			if got := ReasonAsSeen(r, a, b, visible, false); strings.Contains(got, "sanctions/"+hidden) {
				t.Fatalf("ReasonAsSeen(%q) = %q shows the hidden record", r, got)
			}
		}
	})
}
