package cli

import (
	"bytes"
	"testing"
)

func TestSafeWriter(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text\twith a tab\n", "plain text\twith a tab\n"},
		{"García ↔ 李\n", "García ↔ 李\n"},
		{"evil\x1b[2Jname", `evil\x1b[2Jname`},
		{"a\rOUTCOME: APPROVED", `a\rOUTCOME: APPROVED`},
		{"abc\u202etxt.exe", `abc\u202etxt.exe`},
		{"\x00\x7f\u0085", `\x00\x7f\u0085`},
		{"bad \xff byte", `bad \ufffd byte`},
		{`{"name":"a\u001b"}` + "\n", `{"name":"a\u001b"}` + "\n"}, // JSON escapes already
	}
	for _, tt := range tests {
		var b bytes.Buffer
		n, err := safeWriter{&b}.Write([]byte(tt.in))
		if err != nil || n != len(tt.in) || b.String() != tt.want {
			t.Errorf("Write(%q) = %d, %v, wrote %q; want %q", tt.in, n, err, b.String(), tt.want)
		}
	}
}
