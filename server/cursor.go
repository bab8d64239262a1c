package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/danielgtaylor/huma/v2"
)

// cursors seal where a page ended, so that a cursor is opaque to the
// caller: a page of the review queue may end, after reading past many
// pairs the caller may not see, on one of those pairs, and its keys must
// not reach the caller. Cursors are sealed with a key made when the
// server starts (AES-256-GCM): one a caller made or altered is refused,
// and one from before a restart too (the caller pages again from the
// start).
type cursors struct{ aead cipher.AEAD }

func newCursors() (*cursors, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("server: cursor key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("server: cursor key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("server: cursor key: %w", err)
	}
	return &cursors{aead: aead}, nil
}

// seal returns the cursor of v: a position the server made (a pair in
// review, a sequence number), which JSON always encodes.
func (c *cursors) seal(v any) string {
	data, _ := json.Marshal(v)
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(data)+c.aead.Overhead())
	rand.Read(nonce) // never fails (crypto/rand, Go 1.24 on)
	return base64.RawURLEncoding.EncodeToString(c.aead.Seal(nonce, nonce, data, nil))
}

// open reads a cursor seal made into v.
func (c *cursors) open(s string, v any) error {
	sealed, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && len(sealed) < c.aead.NonceSize() {
		err = fmt.Errorf("too short")
	}
	var data []byte
	if err == nil {
		n := c.aead.NonceSize()
		data, err = c.aead.Open(nil, sealed[:n], sealed[n:], nil)
	}
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		return huma.Error422UnprocessableEntity("after: not a cursor this server gave since it started")
	}
	return nil
}
