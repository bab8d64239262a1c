package record

import (
	"encoding/json"
	"testing"
)

// tricky holds strings encoding/json escapes: HTML characters, line and
// paragraph separators, control characters, invalid UTF-8, quotes.
var tricky = []string{"", "<a&b>", "line\u2028sep\u2029", "tab\there\x01\x1f", "bad \xff\xfe utf8", `"quoted" \ back`, "José Álvarez 山田"}

// appendString escapes as encoding/json does.
func FuzzAppendString(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: appendString %s, encoding/json %s", s, got, want)
		}
	})
}
