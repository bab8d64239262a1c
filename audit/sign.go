package audit

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The head of the log is signed with an Ed25519 key that lives outside the
// store (a file named by CONCORD_AUDIT_KEY_FILE), so that whoever can
// write the store, but does not hold the key, cannot edit an entry and
// re-chain the rest, cut the tail and move the head, or empty the log:
// the signature would no longer match. An auditor checks it with the
// public key alone. To find a log rolled back to an older signed head,
// the operator keeps anchors (signed heads printed by concord audit
// anchor) elsewhere, and Verify checks the log still holds them.

// keyPrefix starts a key file; the rest of the line is the key's seed,
// base64.
const keyPrefix = "concord-audit-key-v1 "

// headMessage is what a head's signature signs.
func headMessage(h Head) []byte {
	return []byte("concord audit head\x00" + strconv.FormatInt(h.Seq, 10) + "\x00" + h.Hash)
}

// SignHead returns the signature of h under key, base64.
func SignHead(key ed25519.PrivateKey, h Head) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, headMessage(h)))
}

// HeadSigned reports whether sig is pub's signature of h.
func HeadSigned(pub ed25519.PublicKey, h Head, sig string) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	return err == nil && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, headMessage(h), raw)
}

// NewKey makes a signing key and writes it to path, readable by its owner
// alone; it refuses to overwrite a file.
func NewKey(path string) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if _, err := fmt.Fprintf(f, "%s%s\n", keyPrefix, base64.StdEncoding.EncodeToString(key.Seed())); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	return key, f.Close()
}

// ReadKey reads a key file written by NewKey. A file others may read is
// refused: the key is what keeps the log from being rewritten.
func ReadKey(path string) (ed25519.PrivateKey, error) {
	data, err := readPrivate(path, "audit key")
	if err != nil {
		return nil, err
	}
	text, ok := strings.CutPrefix(strings.TrimSpace(string(data)), strings.TrimSpace(keyPrefix))
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if !ok || err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("audit key %s: not a key written by concord audit keygen", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// KeyFromEnv reads the key named by CONCORD_AUDIT_KEY_FILE; nil when the
// variable is not set.
func KeyFromEnv() (ed25519.PrivateKey, error) {
	path := os.Getenv(KeyEnv)
	if path == "" {
		return nil, nil
	}
	return ReadKey(path)
}

// KeyEnv names the environment variable that gives the signing key's file.
const KeyEnv = "CONCORD_AUDIT_KEY_FILE"

// PublicKeyString writes a public key as base64.
func PublicKeyString(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParsePublicKey reads a public key written by PublicKeyString.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("not an audit public key (base64 of 32 bytes, as concord audit keygen prints)")
	}
	return ed25519.PublicKey(raw), nil
}

// Anchor is a signed head kept outside the store: the log must still hold
// its entry, unchanged, however long it has grown since.
type Anchor struct {
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	Sig       string `json:"sig,omitempty"`
	PublicKey string `json:"public_key,omitempty"`
}

// CheckSignature verifies the head a log ends at against pub: the head
// must be signed by pub's key. It returns a *VerifyError or nil.
func CheckSignature(entries []Entry, head Head, pub ed25519.PublicKey) error {
	switch {
	case head.Sig == "":
		return &VerifyError{Problems: []Problem{{Position: len(entries), Seq: head.Seq, Kind: KindUnsigned,
			Detail: "the head is not signed: the log may have been written, emptied or cut without the key"}}}
	case !HeadSigned(pub, head, head.Sig):
		return &VerifyError{Problems: []Problem{{Position: len(entries), Seq: head.Seq, Kind: KindUnsigned,
			Detail: "the head's signature is not the key's: the log was changed without it"}}}
	}
	return nil
}

// CheckAnchor verifies that the log holds a's entry unchanged, and, when a
// carries a signature, that it is pub's (or a's own key's, when pub is
// nil). It returns a *VerifyError or nil.
func CheckAnchor(entries []Entry, a Anchor, pub ed25519.PublicKey) error {
	fail := func(kind, format string, args ...any) error {
		return &VerifyError{Problems: []Problem{{Position: len(entries), Seq: a.Seq, Kind: kind, Detail: fmt.Sprintf(format, args...)}}}
	}
	if a.Sig != "" {
		if pub == nil && a.PublicKey != "" {
			var err error
			if pub, err = ParsePublicKey(a.PublicKey); err != nil {
				return fail(KindUnsigned, "the anchor's public key: %v", err)
			}
		}
		if pub != nil && !HeadSigned(pub, Head{Seq: a.Seq, Hash: a.Hash}, a.Sig) {
			return fail(KindUnsigned, "the anchor's signature is not the key's")
		}
	}
	for i, e := range entries {
		if e.Seq == a.Seq {
			if e.Hash != a.Hash {
				return &VerifyError{Problems: []Problem{{Position: i + 1, Seq: a.Seq, Kind: KindEdited,
					Detail: "the entry differs from the anchor kept outside the store"}}}
			}
			return nil
		}
	}
	return fail(KindTruncated, "the log no longer holds seq %d, which the anchor kept outside the store names", a.Seq)
}

// SecretEnv names the environment variable that gives the file of a
// store's digest secret, when it is kept outside the store.
const SecretEnv = "CONCORD_DIGEST_SECRET_FILE"

// NewSecret writes a digest secret (32 random bytes, base64) to path,
// readable by its owner alone; it refuses to overwrite a file.
func NewSecret(path string) error {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("digest secret: %w", err)
	}
	if _, err := fmt.Fprintln(f, base64.StdEncoding.EncodeToString(secret)); err != nil {
		f.Close()
		return fmt.Errorf("digest secret %s: %w", path, err)
	}
	return f.Close()
}

// SecretFromEnv reads the digest secret named by CONCORD_DIGEST_SECRET_FILE;
// nil when the variable is not set. A file others may read is refused.
func SecretFromEnv() ([]byte, error) {
	path := os.Getenv(SecretEnv)
	if path == "" {
		return nil, nil
	}
	data, err := readPrivate(path, "digest secret")
	if err != nil {
		return nil, err
	}
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(secret) < 16 {
		return nil, fmt.Errorf("digest secret %s: not a secret written by concord audit secret", path)
	}
	return secret, nil
}

// SecretCheck is what a store keeps of a digest secret kept outside it: a
// digest that tells the right secret from another, and nothing more.
func SecretCheck(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("concord digest secret check"))
	return hex.EncodeToString(m.Sum(nil))
}

// readPrivate reads a file that must be its owner's alone (what names it
// in errors): a key or a secret others may read is no longer one.
func readPrivate(path, what string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s %s: readable by others (mode %v): chmod 600 it", what, path, st.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return data, nil
}
