package server

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/concord-er/concord/access"
)

// APIKey is an API key as the server keeps it: the principal it
// authenticates and the SHA-256 of the key. The key itself is never
// stored.
type APIKey struct {
	Principal string
	Hash      [sha256.Size]byte
}

// maxAPIKeys bounds the lines of an API key file.
const maxAPIKeys = 100000

// ParseAPIKeys reads an API key file: one "principal sha256-hex" per line;
// blank lines and lines starting with # are skipped.
func ParseAPIKeys(r io.Reader, name string) ([]APIKey, error) {
	var keys []APIKey
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"principal sha256-hex\"", name, line)
		}
		sum, err := hex.DecodeString(fields[1])
		if err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("%s:%d: the key hash must be 64 hexadecimal digits (SHA-256)", name, line)
		}
		if len(keys) == maxAPIKeys {
			return nil, fmt.Errorf("%s: more than %d keys", name, maxAPIKeys)
		}
		k := APIKey{Principal: fields[0]}
		copy(k.Hash[:], sum)
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return keys, nil
}

// NewAPIKey makes a random key for principal: the key to hand to the
// caller, once, and the line for the API key file.
func NewAPIKey(principal string) (key, line string) {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	key = "ck_" + hex.EncodeToString(b)
	sum := sha256.Sum256([]byte(key))
	return key, principal + " " + hex.EncodeToString(sum[:])
}

// errUnauthenticated is a request that proves no identity the server knows.
var errUnauthenticated = errors.New("unauthenticated")

// authenticate finds who a request comes from: a verified client
// certificate (mTLS, services), else a bearer token — an OIDC token
// (people) or an API key.
// The identity must be one of the configured principals.
func (s *Server) authenticate(r *http.Request) (access.Principal, error) {
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		id := certIdentity(r.TLS.VerifiedChains[0][0])
		if p, ok := s.principals[id]; ok && id != "" {
			return p, nil
		}
		return access.Principal{}, fmt.Errorf("%w: the client certificate's identity is not a known principal", errUnauthenticated)
	}
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return access.Principal{}, fmt.Errorf("%w: present a client certificate or an Authorization: Bearer token", errUnauthenticated)
	}
	if s.opt.OIDC != nil && looksLikeJWT(token) {
		id, err := s.opt.OIDC.principal(r.Context(), token)
		if err != nil {
			return access.Principal{}, err
		}
		if p, ok := s.principals[id]; ok && id != "" {
			return p, nil
		}
		return access.Principal{}, fmt.Errorf("%w: the token names no known principal", errUnauthenticated)
	}
	sum := sha256.Sum256([]byte(token))
	found := ""
	for _, k := range *s.keys.Load() {
		// Every key is compared, in constant time each: the time taken
		// does not tell which key came close.
		if subtle.ConstantTimeCompare(sum[:], k.Hash[:]) == 1 {
			found = k.Principal
		}
	}
	if p, ok := s.principals[found]; ok && found != "" {
		return p, nil
	}
	return access.Principal{}, fmt.Errorf("%w: the token is not a valid API key", errUnauthenticated)
}

// keyValid reports whether an API key with this hash is still accepted
// (every key compared in constant time).
func (s *Server) keyValid(sum [sha256.Size]byte) bool {
	found := false
	for _, k := range *s.keys.Load() {
		if subtle.ConstantTimeCompare(sum[:], k.Hash[:]) == 1 {
			found = true
		}
	}
	return found
}

// certIdentity names a client certificate's subject: its first URI SAN
// (spiffe://…), else its first e-mail address, else its first DNS name,
// else its common name.
func certIdentity(c *x509.Certificate) string {
	switch {
	case len(c.URIs) > 0:
		return c.URIs[0].String()
	case len(c.EmailAddresses) > 0:
		return c.EmailAddresses[0]
	case len(c.DNSNames) > 0:
		return c.DNSNames[0]
	}
	return c.Subject.CommonName
}

type callerKey struct{}

// caller is who makes a request, and what it states.
type caller struct {
	principal access.Principal
	purpose   string
	entities  []string // entity ids the request touched, for the access log
}

func withCaller(ctx context.Context, c *caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

func callerOf(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// maxPurpose bounds a stated purpose.
const maxPurpose = 200

// checkPurpose refuses a purpose too long or holding control characters:
// it goes to the audit log.
func checkPurpose(p string) error {
	if len(p) > maxPurpose {
		return fmt.Errorf("the %s header is at most %d bytes", PurposeHeader, maxPurpose)
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("the %s header holds a control character", PurposeHeader)
		}
	}
	return nil
}
