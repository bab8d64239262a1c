package normalize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUndoMojibake: text written in UTF-8 and read as Windows-1252 once or
// twice is read as first written; text written correctly, in any script,
// and what only looks like it, are kept.
func TestUndoMojibake(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"JosÃ© MuÃ±oz GarcÃ­a", "José Muñoz García"}, // í is C3 AD: a soft hyphen after Ã
		{"JosÃƒÂ© PÃƒÂ©rez", "José Pérez"},            // twice over
		{"Ã‰milie Ã‡elik", "Émilie Çelik"},            // ‰ and ‡ are Windows-1252's 0x89 and 0x87
		{"SÃ£o JoÃ£o", "São João"},
		{"MÃ¼ller StraÃŸe", "Müller Straße"},
		{"Ã\u0081lvaro", "Álvaro"}, // 0x81, which Windows-1252 leaves undefined, read as Latin-1
		{"â€œACMEâ€\u009d", "“ACME”"},
		{"JosÃ© Muñoz", "JosÃ© Muñoz"}, // one character right and one wrong: not all of it can be undone
		{"José Muñoz García", "José Muñoz García"},
		{"Straße Ærø Ça", "Straße Ærø Ça"},
		{"Ãlvaro", "Ãlvaro"}, // Ã followed by a letter that continues nothing
		{"山田 Ã©", "山田 Ã©"},   // a character no single byte of Windows-1252 writes
		{"Ä°stanbul", "İstanbul"},
		{"John Smith", "John Smith"},
		{"", ""},
	} {
		if got := undoMojibake(tc.in); got != tc.want {
			t.Errorf("undoMojibake(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// mojibake writes s as a system that reads UTF-8 as Windows-1252 does (the
// bytes it leaves undefined read as Latin-1's C1 controls).
func mojibake(s string) string {
	high := map[byte]rune{}
	for r, c := range windows1252High {
		high[c] = r
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if r, ok := high[s[i]]; ok {
			b.WriteRune(r)
		} else {
			b.WriteRune(rune(s[i]))
		}
	}
	return b.String()
}

// FuzzMojibake: what undoMojibake returns is valid UTF-8 and no longer
// than its input, ASCII is kept; text that does not look encoded twice
// over, so encoded once, is read back as it was.
func FuzzMojibake(f *testing.F) {
	for _, s := range []string{"José Muñoz", "Müller Straße", "“ACME”", "Ærø", "山田", "a\xffb", "Ã©"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := undoMojibake(s)
		if !utf8.ValidString(got) && utf8.ValidString(s) || len(got) > len(s) {
			t.Fatalf("undoMojibake(%q) = %q", s, got)
		}
		if isASCII(s) && got != s {
			t.Fatalf("undoMojibake changed ASCII %q to %q", s, got)
		}
		if !utf8.ValidString(s) || isASCII(s) || mayBeMojibake(s) {
			return
		}
		if back := undoMojibake(mojibake(s)); back != s {
			t.Fatalf("undoMojibake(mojibake(%q)) = %q", s, back)
		}
	})
}
