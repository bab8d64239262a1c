package relate

import (
	"testing"
	"time"
)

// TestISODays: the days of a date read without time.Date are those
// time.Date gives, every day from 1900 to 2100.
func TestISODays(t *testing.T) {
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2100; d = d.AddDate(0, 0, 1) {
		got, ok := isoDays(d.Format(time.DateOnly))
		if !ok || int64(got) != d.Unix()/86400 {
			t.Fatalf("isoDays(%s) = %d, %v; want %d", d.Format(time.DateOnly), got, ok, d.Unix()/86400)
		}
	}
	for _, bad := range []string{"2023-02-29", "2024-04-31", "2024-00-10", "2024-1-10", "abcd-01-01"} {
		if _, ok := isoDays(bad); ok {
			t.Errorf("isoDays(%q) ok", bad)
		}
	}
	if _, ok := isoDays("2024-02-29"); !ok {
		t.Error("2024-02-29 is a day")
	}
}
