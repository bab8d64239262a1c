package server

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/concord-er/concord/record"
)

// A cursor shows nothing of where a page ended, and only one the server
// sealed since it started opens.
func TestCursorsSealed(t *testing.T) {
	c, err := newCursors()
	if err != nil {
		t.Fatal(err)
	}
	// Values long enough that the cursor's random letters never spell
	// them by chance ("k-1" did, once in a few hundred runs).
	at := record.Review{A: record.Key{Source: "hiddensource", ID: "record-h-00001"}, B: record.Key{Source: "kycsource", ID: "record-k-00001"}, Weight: 7.5, Reason: "review band"}
	s := c.seal(at)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"hiddensource", "record-h-00001", "record-k-00001", "review band"} {
		if strings.Contains(string(raw), leak) || strings.Contains(s, leak) {
			t.Errorf("cursor %q shows %q", s, leak)
		}
	}
	var got record.Review
	if err := c.open(s, &got); err != nil || got != at {
		t.Fatalf("open = %+v, %v; want %+v", got, err, at)
	}
	if c.seal(at) == s {
		t.Error("two seals of one position are equal: the nonce is not fresh")
	}
	flipped := []byte(raw)
	flipped[len(flipped)-1] ^= 1
	other, _ := newCursors()
	for name, bad := range map[string]string{
		"altered":            base64.RawURLEncoding.EncodeToString(flipped),
		"another server's":   other.seal(at),
		"not base64":         "***",
		"shorter than nonce": base64.RawURLEncoding.EncodeToString([]byte{1, 2, 3}),
		"plain JSON":         base64.RawURLEncoding.EncodeToString([]byte(`{"a":{"source":"kyc","id":"k-1"}}`)),
	} {
		if err := c.open(bad, &got); err == nil {
			t.Errorf("%s cursor opened", name)
		}
	}
}
