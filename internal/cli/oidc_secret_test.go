package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concord-er/concord/config"
)

// The OIDC client secret is refused when others may read its file; the
// workbench's log-in at the issuer is set up from the config.
func TestServeOIDCClientSecret(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "oidc-secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	jwks := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwks, []byte(`{"keys": [{"kty": "EC", "crv": "P-256", "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM", "use": "sig"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Dir: dir, Serve: config.Serve{OIDC: config.OIDC{Issuer: "https://idp.example", Audience: "concord", JWKSFile: jwks,
		RedirectURL: "https://concord.example/login/callback", ClientSecretFile: secret, AuthURL: "https://idp.example/auth", TokenURL: "https://idp.example/token"}}}
	_, _, err := serverOptions(context.Background(), cfg, false, nil)
	if err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("a client secret others may read: %v", err)
	}
	if err := os.Chmod(secret, 0o600); err != nil {
		t.Fatal(err)
	}
	opt, _, err := serverOptions(context.Background(), cfg, false, nil)
	if err != nil || opt.OIDCLogin == nil || opt.OIDC == nil {
		t.Fatalf("log-in at the issuer not set up: %+v, %v", opt.OIDCLogin, err)
	}
}
