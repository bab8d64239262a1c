package server

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
)

// OIDC verifies people's bearer tokens: signed by the issuer's keys, for
// the audience, not expired. The principal is the token's claim (email by
// default, sub when the token has no e-mail).
type OIDC struct {
	verifier *oidc.IDTokenVerifier
	claim    string
}

// signingAlgs are the token signatures accepted.
var signingAlgs = []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512, oidc.PS256, oidc.EdDSA}

// NewOIDC prepares token verification. With jwksFile the issuer's keys
// are read from it (offline); without, they are fetched from the
// issuer's discovery document now and its key set later, as keys rotate.
func NewOIDC(ctx context.Context, issuer, audience, jwksFile, claim string) (*OIDC, error) {
	cfg := &oidc.Config{ClientID: audience, SupportedSigningAlgs: signingAlgs}
	o := &OIDC{claim: claim}
	if jwksFile != "" {
		data, err := os.ReadFile(jwksFile)
		if err != nil {
			return nil, fmt.Errorf("serve.oidc.jwks_file: %w", err)
		}
		var set jose.JSONWebKeySet
		if err := json.Unmarshal(data, &set); err != nil {
			return nil, fmt.Errorf("serve.oidc.jwks_file %s: %w", jwksFile, err)
		}
		var keys []crypto.PublicKey
		for _, k := range set.Keys {
			if !k.IsPublic() {
				k = k.Public() // a private key file given by mistake: use its public half
			}
			if k.Valid() && k.Use != "enc" {
				keys = append(keys, k.Key)
			}
		}
		if len(keys) == 0 {
			return nil, fmt.Errorf("serve.oidc.jwks_file %s: no signing key", jwksFile)
		}
		o.verifier = oidc.NewVerifier(issuer, &oidc.StaticKeySet{PublicKeys: keys}, cfg)
		return o, nil
	}
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, fmt.Errorf("serve.oidc.issuer: %w", err)
	}
	o.verifier = p.Verifier(cfg)
	return o, nil
}

// principal verifies a token and returns the id it names.
func (o *OIDC) principal(ctx context.Context, token string) (string, error) {
	t, err := o.verifier.Verify(ctx, token)
	if err != nil {
		return "", fmt.Errorf("%w: the token does not verify", errUnauthenticated)
	}
	var claims struct {
		Email    string `json:"email"`
		Verified *bool  `json:"email_verified"`
	}
	var all map[string]any
	if err := errors.Join(t.Claims(&claims), t.Claims(&all)); err != nil {
		return "", fmt.Errorf("%w: the token's claims cannot be read", errUnauthenticated)
	}
	switch {
	case o.claim != "" && o.claim != "email":
		id, _ := all[o.claim].(string)
		return id, nil
	case claims.Email != "" && (claims.Verified == nil || *claims.Verified):
		return claims.Email, nil
	case claims.Email != "":
		return "", fmt.Errorf("%w: the token's e-mail is not verified", errUnauthenticated)
	}
	return t.Subject, nil
}

// looksLikeJWT tells a JSON Web Token (three base64url parts) from an API
// key.
func looksLikeJWT(token string) bool { return strings.Count(token, ".") == 2 }
