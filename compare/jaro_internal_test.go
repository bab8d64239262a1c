package compare

import "testing"

// The bit-parallel Jaro must agree exactly with the scan of the window it
// replaces for strings of up to 64 bytes (the scan serves longer ones).
func checkJaroBits(t *testing.T, a, b string) {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 || len(b) > 64 {
		return
	}
	if got, want := jaroBits(a, b, 0), jaroScan(a, b); got != want {
		t.Fatalf("jaroBits(%q, %q) = %v, jaroScan %v", a, b, got, want)
	}
}

// checkFloor: with a floor, Jaro-Winkler is exact at or above it and
// below it otherwise.
func checkFloor(t *testing.T, a, b string, floor float64) {
	full, cut := JaroWinkler(a, b), jaroWinklerFloor(a, b, floor)
	if (full >= floor && cut != full) || (full < floor && cut >= floor) {
		t.Fatalf("jaroWinklerFloor(%q, %q, %v) = %v, JaroWinkler %v", a, b, floor, cut, full)
	}
}

func TestJaroBitsAgreesWithScan(t *testing.T) {
	words := []string{"a", "ab", "ba", "abc", "acb", "martha", "marhta", "dwayne", "duane", "dixon", "dicksonx",
		"catherine", "kathryn", "garcia", "gracia", "aaaaaaaa", "aaaaaaab", "abababab", "babababa", "p0q1r2s3", "0p1q2r3s",
		"juan.garcia1970@example.org", "j.garcia70@example.com", "a!A!a!", "!a!A!a",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"}
	for _, a := range words {
		for _, b := range words {
			checkJaroBits(t, a, b)
			for _, floor := range []float64{0.5, 0.7, 0.8, 0.88, 0.9, 0.92, 0.95, 1} {
				checkFloor(t, a, b, floor)
			}
		}
	}
}

func FuzzJaroWinklerFloor(f *testing.F) {
	f.Add("martha", "marhta", 0.92)
	f.Add("dixon", "dicksonx", 0.8)
	f.Fuzz(func(t *testing.T, a, b string, floor float64) {
		if floor != floor || floor < 0 || floor > 1 {
			return
		}
		checkFloor(t, a, b, floor)
	})
}

func FuzzJaroBits(f *testing.F) {
	f.Add("martha", "marhta")
	f.Add("p0q1r2s3", "0p1q2r3s")
	f.Add("a!A!a!", "!a!A!a")
	f.Fuzz(checkJaroBits)
}
