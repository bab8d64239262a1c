package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/server"
)

// idp is a fake OIDC issuer: its signing key and its key set.
type idp struct {
	key  *rsa.PrivateKey
	jwks jose.JSONWebKeySet
}

func newIDP(t *testing.T) idp {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return idp{key, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}}
}

func (p idp) token(t *testing.T, issuer, audience, email string, expiry time.Time, extra map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"email": email}
	for k, v := range extra {
		claims[k] = v
	}
	tok, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: issuer, Subject: "user-1", Audience: jwt.Audience{audience},
		Expiry: jwt.NewNumericDate(expiry), IssuedAt: jwt.NewNumericDate(time.Now().Add(-time.Minute))}).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// People sign in with OIDC tokens: a token the issuer signed, for the
// audience, unexpired, naming a configured principal, is that principal;
// every other token is refused. The issuer's keys come from a JWKS file
// (offline) or from its discovery document.
func TestOIDC(t *testing.T) {
	ctx := context.Background()
	p := newIDP(t)
	const issuer = "https://idp.example"
	jwksFile := filepath.Join(t.TempDir(), "jwks.json")
	data, _ := json.Marshal(p.jwks)
	if err := os.WriteFile(jwksFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := server.NewOIDC(ctx, issuer, "concord", jwksFile, "")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	f.opt.OIDC = o
	f.opt.Principals = append(f.opt.Principals, access.Principal{ID: "alice@bank", Roles: []access.Role{access.RoleViewer}})
	f.start(t)
	whoami := func(token string) (int, string) {
		req, _ := http.NewRequest("GET", f.http.URL+"/v1/whoami", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var who struct{ Principal struct{ ID string } }
		json.NewDecoder(resp.Body).Decode(&who)
		return resp.StatusCode, who.Principal.ID
	}
	hour := time.Now().Add(time.Hour)
	if code, id := whoami(p.token(t, issuer, "concord", "alice@bank", hour, nil)); code != 200 || id != "alice@bank" {
		t.Errorf("a good token: %d %q", code, id)
	}
	other := newIDP(t)
	for name, tok := range map[string]string{
		"expired":            p.token(t, issuer, "concord", "alice@bank", time.Now().Add(-time.Minute), nil),
		"wrong audience":     p.token(t, issuer, "other-app", "alice@bank", hour, nil),
		"wrong issuer":       p.token(t, "https://evil.example", "concord", "alice@bank", hour, nil),
		"another key":        other.token(t, issuer, "concord", "alice@bank", hour, nil),
		"unknown principal":  p.token(t, issuer, "concord", "mallory@bank", hour, nil),
		"unverified e-mail":  p.token(t, issuer, "concord", "alice@bank", hour, map[string]any{"email_verified": false}),
		"tampered":           strings.Replace(p.token(t, issuer, "concord", "alice@bank", hour, nil), ".", ".x", 1),
		"not a token at all": "a.b.c",
	} {
		if code, _ := whoami(tok); code != 401 {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}

	// Discovery: the issuer serves its configuration and keys.
	var disc *httptest.Server
	disc = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]any{"issuer": disc.URL, "jwks_uri": disc.URL + "/jwks",
				"authorization_endpoint": disc.URL + "/auth", "id_token_signing_alg_values_supported": []string{"RS256"}})
		case "/jwks":
			json.NewEncoder(w).Encode(p.jwks)
		default:
			http.NotFound(w, r)
		}
	}))
	defer disc.Close()
	o2, err := server.NewOIDC(ctx, disc.URL, "concord", "", "")
	if err != nil {
		t.Fatal(err)
	}
	f.opt.OIDC = o2
	f.start(t)
	if code, id := whoami(p.token(t, disc.URL, "concord", "alice@bank", hour, nil)); code != 200 || id != "alice@bank" {
		t.Errorf("a token checked against the discovered keys: %d %q", code, id)
	}
	if _, err := server.NewOIDC(ctx, issuer, "concord", filepath.Join(t.TempDir(), "none.json"), ""); err == nil {
		t.Error("a missing JWKS file was accepted")
	}
}
