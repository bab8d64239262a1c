package normalize

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// maxMojibakeRounds bounds how many times text encoded twice over is
// undone: JosÃ© is José written in UTF-8 and read as Windows-1252 once,
// JosÃƒÂ© twice.
const maxMojibakeRounds = 3

// undoMojibake returns s as it was before a system read its UTF-8 bytes as
// Windows-1252 (or Latin-1) and wrote them in UTF-8 again: JosÃ© MuÃ±oz
// is José Muñoz. s is returned as it is unless every character of it is
// one byte of Windows-1252 and those bytes are UTF-8 that holds a
// character of two bytes or more; a name written correctly (Muñoz, whose
// ñ is one byte followed by o) never is. A character of another script
// (Müller beside 山田) keeps s as it is.
func undoMojibake(s string) string {
	for range maxMojibakeRounds {
		if !mayBeMojibake(s) {
			return s
		}
		b := make([]byte, 0, len(s))
		for _, r := range s {
			c, ok := windows1252Byte(r)
			if !ok {
				return s
			}
			b = append(b, c)
		}
		if !utf8.Valid(b) {
			return s
		}
		s = string(b)
	}
	return s
}

// mayBeMojibake reports whether s holds a character that starts a UTF-8
// sequence of two or more bytes (Ã, Â, â) read as Windows-1252, followed
// by one that continues it (©, ±, €): what undoMojibake undoes, found
// without allocating.
func mayBeMojibake(s string) bool {
	prevLead := false
	for _, r := range s {
		if prevLead {
			if r >= 0x80 && r <= 0xBF {
				return true
			}
			if _, ok := windows1252High[r]; ok { // all of 0x80–0x9F
				return true
			}
		}
		prevLead = r >= 0xC2 && r <= 0xF4
	}
	return false
}

// windows1252Byte returns the byte Windows-1252 writes r as; the C1
// controls U+0080–U+009F stand for themselves, as Latin-1 reads the bytes
// Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
func windows1252Byte(r rune) (byte, bool) {
	if r < 0x100 {
		return byte(r), true
	}
	c, ok := windows1252High[r]
	return c, ok
}

// windows1252High maps the characters Windows-1252 writes as bytes
// 0x80–0x9F (€, ‚, ƒ, …, Ÿ) to those bytes.
var windows1252High = func() map[rune]byte {
	m := map[rune]byte{}
	for c := 0x80; c <= 0x9F; c++ {
		if r := charmap.Windows1252.DecodeByte(byte(c)); r >= 0x100 && r != utf8.RuneError {
			m[r] = byte(c)
		}
	}
	return m
}()
