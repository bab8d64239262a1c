package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// unsigned is tok with its header saying alg none and no signature.
func unsigned(tok string) string {
	parts := strings.Split(tok, ".")
	return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
}

// confused is a token for alice@bank signed with HMAC-SHA256 under the
// issuer's public key, as the key-confusion attack signs one: a verifier
// that took the algorithm from the token would check it with that key.
func (p idp) confused(t *testing.T, issuer string, expiry time.Time) string {
	t.Helper()
	pub, err := x509.MarshalPKIXPublicKey(&p.key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: secret}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: issuer, Subject: "user-1", Audience: jwt.Audience{"concord"},
		Expiry: jwt.NewNumericDate(expiry)}).Claims(map[string]any{"email": "alice@bank"}).Serialize()
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
		"expired":             p.token(t, issuer, "concord", "alice@bank", time.Now().Add(-time.Minute), nil),
		"wrong audience":      p.token(t, issuer, "other-app", "alice@bank", hour, nil),
		"wrong issuer":        p.token(t, "https://evil.example", "concord", "alice@bank", hour, nil),
		"another key":         other.token(t, issuer, "concord", "alice@bank", hour, nil),
		"unknown principal":   p.token(t, issuer, "concord", "mallory@bank", hour, nil),
		"unverified e-mail":   p.token(t, issuer, "concord", "alice@bank", hour, map[string]any{"email_verified": false}),
		"tampered":            strings.Replace(p.token(t, issuer, "concord", "alice@bank", hour, nil), ".", ".x", 1),
		"not a token at all":  "a.b.c",
		"not valid yet":       p.token(t, issuer, "concord", "alice@bank", hour, map[string]any{"nbf": time.Now().Add(30 * time.Minute).Unix()}),
		"unsigned (alg none)": unsigned(p.token(t, issuer, "concord", "alice@bank", hour, nil)),
		"HS256 keyed with the issuer's public key": p.confused(t, issuer, hour),
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

// fakeIssuer is an OIDC issuer that logs whoever it is told in: its
// authorisation endpoint gives a code at once, and its token endpoint
// gives an ID token for it only against the PKCE verifier of the code's
// challenge.
type fakeIssuer struct {
	*httptest.Server
	mu       sync.Mutex
	codes    map[string][2]string // code → nonce, PKCE challenge
	who      string               // the e-mail it logs in
	badNonce bool                 // sign another nonce into the ID token
	exchange int                  // codes exchanged
}

func newFakeIssuer(t *testing.T, p idp, client, redirect string) *fakeIssuer {
	f := &fakeIssuer{codes: map[string][2]string{}, who: "alice@bank"}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]any{"issuer": f.URL, "jwks_uri": f.URL + "/jwks",
				"authorization_endpoint": f.URL + "/auth", "token_endpoint": f.URL + "/token",
				"id_token_signing_alg_values_supported": []string{"RS256"}})
		case "/jwks":
			json.NewEncoder(w).Encode(p.jwks)
		case "/auth":
			q := r.URL.Query()
			if q.Get("client_id") != client || q.Get("redirect_uri") != redirect || q.Get("response_type") != "code" ||
				q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
				http.Error(w, "bad authorisation request: "+r.URL.RawQuery, http.StatusBadRequest)
				return
			}
			code := rand.Text()
			f.mu.Lock()
			f.codes[code] = [2]string{q.Get("nonce"), q.Get("code_challenge")}
			f.mu.Unlock()
			http.Redirect(w, r, redirect+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
		case "/token":
			r.ParseForm()
			f.mu.Lock()
			c, ok := f.codes[r.PostForm.Get("code")]
			delete(f.codes, r.PostForm.Get("code"))
			f.exchange++
			f.mu.Unlock()
			sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
			if !ok || r.PostForm.Get("grant_type") != "authorization_code" || base64.RawURLEncoding.EncodeToString(sum[:]) != c[1] {
				w.WriteHeader(http.StatusBadRequest)
				json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
				return
			}
			nonce := c[0]
			if f.badNonce {
				nonce = "another"
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600,
				"id_token": p.token(t, f.URL, client, f.who, time.Now().Add(time.Hour), map[string]any{"nonce": nonce})})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// People log in at the issuer (authorisation code, PKCE, nonce): the
// session is theirs only when the flow was begun in the same browser, the
// code is exchanged with its verifier, the ID token carries the flow's
// nonce and names a configured principal. A state is used once.
func TestOIDCLogin(t *testing.T) {
	ctx := context.Background()
	p := newIDP(t)
	const redirect = "http://workbench.test/login/callback"
	is := newFakeIssuer(t, p, "concord", redirect)
	o, err := server.NewOIDC(ctx, is.URL, "concord", "", "")
	if err != nil {
		t.Fatal(err)
	}
	login, err := server.NewOIDCLogin(ctx, is.URL, "concord", "", redirect, "", "")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	f.opt.OIDC, f.opt.OIDCLogin = o, login
	f.opt.Principals = append(f.opt.Principals, access.Principal{ID: "alice@bank", Roles: []access.Role{access.RoleViewer}})
	f.start(t)
	// flow runs a log-in in b up to the callback, and returns its URL on
	// the workbench.
	flow := func(b *browser) string {
		t.Helper()
		if r := b.get("/login"); !strings.Contains(r.body, `href="/login/oidc"`) {
			t.Fatalf("the log-in page offers no log-in at the issuer: %s", r.body)
		}
		r := b.get("/login/oidc")
		if r.status != http.StatusFound || !strings.HasPrefix(r.header.Get("Location"), is.URL+"/auth?") {
			t.Fatalf("log-in at the issuer: %d %v", r.status, r.header)
		}
		req, _ := http.NewRequest("GET", r.header.Get("Location"), nil)
		back := b.do(req)
		if back.status != http.StatusFound || !strings.HasPrefix(back.header.Get("Location"), redirect) {
			t.Fatalf("the issuer: %d %s", back.status, back.body)
		}
		return strings.TrimPrefix(back.header.Get("Location"), "http://workbench.test")
	}
	b := f.browser(t)
	callback := flow(b)
	if r := b.get(callback); r.status != http.StatusOK || !strings.Contains(r.body, `http-equiv="refresh"`) {
		t.Fatalf("callback: %d %s", r.status, r.body)
	}
	if r := b.get("/"); r.status != http.StatusOK || !strings.Contains(r.body, "alice@bank") {
		t.Fatalf("home after logging in at the issuer: %d %s", r.status, r.body)
	}
	if is.exchange != 1 {
		t.Errorf("%d codes exchanged, want 1", is.exchange)
	}
	// The same state again is refused, even in the browser that began it.
	if r := b.get(callback); r.status != http.StatusForbidden {
		t.Errorf("a callback replayed: %d", r.status)
	}
	// A log-in begun at one serving process finishes at another over the
	// same store: the issuer may send the person back to either.
	hs2 := f.second(t)
	b = f.browser(t)
	callback = flow(b)
	at2 := &browser{t: t, base: hs2.URL, c: b.c}
	if r := at2.get(callback); r.status != http.StatusOK {
		t.Errorf("a log-in finished at the other process: %d %s", r.status, r.body)
	}
	if r := b.get("/"); r.status != http.StatusOK || !strings.Contains(r.body, "alice@bank") {
		t.Errorf("the session back at the first process: %d", r.status)
	}
	// A flow finished in another browser — without the binding cookie, or
	// with one of its own — is refused.
	callback = flow(f.browser(t))
	other := f.browser(t)
	if r := other.get(callback); r.status != http.StatusForbidden || strings.Contains(r.header.Get("Set-Cookie"), "concord_session=") {
		t.Errorf("a callback in another browser: %d %v", r.status, r.header)
	}
	mine := f.browser(t)
	flow(mine) // mine holds a binding cookie of its own flow
	callback = flow(f.browser(t))
	if r := mine.get(callback); r.status != http.StatusForbidden {
		t.Errorf("a callback in a browser bound to another flow: %d", r.status)
	}
	// An ID token with another nonce, or naming nobody configured, logs
	// nobody in.
	for name, set := range map[string]func(){"another nonce": func() { is.badNonce = true }, "unknown person": func() { is.who = "mallory@bank" }} {
		is.badNonce, is.who = false, "alice@bank"
		set()
		b := f.browser(t)
		if r := b.get(flow(b)); r.status != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, r.status)
		}
		if r := b.get("/"); strings.Contains(r.body, "alice@bank") || strings.Contains(r.body, "mallory") {
			t.Errorf("%s: a session anyway: %s", name, r.body)
		}
	}
	// The issuer's error comes back as a refused log-in.
	b = f.browser(t)
	cb := flow(b)
	u, _ := url.Parse(cb)
	if r := b.get("/login/callback?" + url.Values{"state": {u.Query().Get("state")}, "error": {"access_denied"}}.Encode()); r.status != http.StatusUnauthorized {
		t.Errorf("the issuer's error: %d", r.status)
	}
	// A redirect URL that is not this server's callback is refused.
	if _, err := server.NewOIDCLogin(ctx, is.URL, "concord", "", "https://workbench.test/elsewhere", "", ""); err == nil {
		t.Error("a redirect_url that is not /login/callback accepted")
	}
}
