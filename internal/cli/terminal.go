package cli

import (
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// safeWriter writes text for a terminal with every control character but
// line feed and tab escaped as Go escapes it (\x1b, \r, \u202e), so that a
// value from a record, a reviewer's comment or a file name cannot move the
// cursor, clear the screen, rewrite a line or reverse the text that follows.
// JSON output passes unchanged: its encoder escapes control characters
// already.
type safeWriter struct{ w io.Writer }

func (s safeWriter) Write(p []byte) (int, error) {
	clean := true
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if unsafeRune(r) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s.w.Write(p)
	}
	out := make([]byte, 0, len(p)+16)
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if unsafeRune(r) {
			q := strconv.QuoteRuneToASCII(r)
			out = append(out, q[1:len(q)-1]...)
		} else {
			out = append(out, p[i:i+size]...)
		}
		i += size
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// unsafeRune reports whether r may not reach a terminal as it is: a control
// character other than line feed and tab, a bidirectional formatting
// character, or a byte that is not UTF-8.
func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
		return true
	}
	return false
}
