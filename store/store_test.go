package store_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/concord-er/concord/store"
)

func TestRejectClass(t *testing.T) {
	for _, c := range []struct{ reason, want string }{
		{`invalid value: day 29 of "29/02/1990" does not exist (declared formats: 02/01/2006)`, "invalid value: day N of … does not exist"},
		{`ambiguous value: phone "555-1234" is not a valid number in region VE and has no country code`, "ambiguous value: phone … is not a valid number in region VE and has no country code"},
		{`duplicate record id (first seen at line 2)`, "duplicate record id"},
		{`row has 7 fields, header has 8`, "row has N fields, header has N"},
		{`invalid JSON: invalid character 'h' in literal true (expecting 'r')`, "invalid JSON: invalid character … in literal true"},
		{`key "person.name" holds an object, want a value or a list of values`, "key … holds an object, want a value or a list of values"},
		{`unclosed "quote`, "unclosed …"},
		{"", ""},
	} {
		if got := store.RejectClass(c.reason); got != c.want {
			t.Errorf("RejectClass(%q) = %q, want %q", c.reason, got, c.want)
		}
	}
}

// FuzzRejectClass: a class quotes nothing of the reason and gives no
// digit, so that counts by class show no record's value.
func FuzzRejectClass(f *testing.F) {
	f.Add(`invalid value: day 29 of "29/02/1990" does not exist (declared formats: 02/01/2006)`)
	f.Add(`invalid character 'h' in literal true`)
	f.Fuzz(func(t *testing.T, reason string) {
		got := store.RejectClass(reason)
		if strings.ContainsAny(got, `"0123456789`) {
			t.Errorf("RejectClass(%q) = %q: a quote or a digit left", reason, got)
		}
	})
}

func TestBoundReject(t *testing.T) {
	long := strings.Repeat("é", store.MaxRejectRaw) // 2 bytes a character
	r := store.BoundReject(store.Reject{Raw: "x" + long})
	if len(r.Raw) > store.MaxRejectRaw || !utf8.ValidString(r.Raw) || !strings.HasPrefix(r.Raw, "xéé") {
		t.Errorf("bounded raw of %d bytes, valid %v", len(r.Raw), utf8.ValidString(r.Raw))
	}
	if r := store.BoundReject(store.Reject{Raw: "short"}); r.Raw != "short" {
		t.Errorf("short raw changed: %q", r.Raw)
	}
}
