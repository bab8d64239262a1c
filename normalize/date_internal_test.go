package normalize

import "testing"

// TestCenturyOf: a two-digit year read against the year of reading, at
// and around the turn of a century.
func TestCenturyOf(t *testing.T) {
	for _, tc := range []struct{ yy, this, want int }{
		{65, 2026, 1965}, {26, 2026, 2026}, {27, 2026, 1927}, {0, 2026, 2000},
		{99, 2026, 1999}, {0, 2099, 2000}, {99, 2100, 2099}, {0, 2100, 2100},
	} {
		if got := centuryOf(tc.yy, tc.this); got != tc.want {
			t.Errorf("centuryOf(%d, %d) = %d, want %d", tc.yy, tc.this, got, tc.want)
		}
	}
}
