package server

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
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

// OIDCLogin is the authorisation-code flow, with PKCE and a nonce, by
// which people log in to the workbench at the issuer itself instead of
// pasting a token. The ID token it brings back is checked as a bearer
// token is (OIDC), so its client id must be the configured audience.
type OIDCLogin struct {
	oauth  oauth2.Config
	client *http.Client // to the token endpoint
}

// NewOIDCLogin prepares the flow: the issuer's endpoints from its
// discovery document, unless authURL and tokenURL are both given (an
// issuer not reachable at start). secret may be empty (a public client:
// PKCE alone binds the code to this server).
func NewOIDCLogin(ctx context.Context, issuer, clientID, secret, redirectURL, authURL, tokenURL string) (*OIDCLogin, error) {
	if redirectURL == "" {
		return nil, errors.New("serve.oidc.redirect_url: needed to log people in at the issuer")
	}
	if u, err := url.Parse(redirectURL); err != nil || !u.IsAbs() || u.Path != "/login/callback" {
		return nil, fmt.Errorf("serve.oidc.redirect_url %q: want an absolute URL ending in /login/callback", redirectURL)
	}
	ep := oauth2.Endpoint{AuthURL: authURL, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}
	if authURL == "" || tokenURL == "" {
		p, err := oidc.NewProvider(ctx, issuer)
		if err != nil {
			return nil, fmt.Errorf("serve.oidc.issuer: %w", err)
		}
		ep = p.Endpoint()
		if secret == "" {
			ep.AuthStyle = oauth2.AuthStyleInParams
		}
	}
	return &OIDCLogin{
		oauth: oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: ep, RedirectURL: redirectURL,
			Scopes: []string{oidc.ScopeOpenID, "email", "profile"}},
		client: &http.Client{Timeout: 10 * time.Second},
	}, nil
}

// authURL is where a person is sent to log in: with the flow's state,
// nonce and PKCE challenge.
func (o *OIDCLogin) authURL(state, nonce, verifier string) string {
	return o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

// idToken exchanges a code for the ID token it stands for.
func (o *OIDCLogin) idToken(ctx context.Context, code, verifier string) (string, error) {
	tok, err := o.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, o.client), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return "", fmt.Errorf("the issuer refused the code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", errors.New("the issuer gave no ID token")
	}
	return raw, nil
}

// verify checks an OIDC token as bearer tokens are checked and returns
// its nonce and expiry.
func (o *OIDC) verify(ctx context.Context, token string) (string, time.Time, error) {
	t, err := o.verifier.Verify(ctx, token)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%w: the token does not verify", errUnauthenticated)
	}
	return t.Nonce, t.Expiry, nil
}
