package server_test

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/concord-er/concord/internal/testpki"
	"github.com/concord-er/concord/server"
)

// Services authenticate with client certificates: the identity in a
// certificate the client CA signed names the principal; a certificate from
// another CA, an expired one, or an identity no principal has gets
// nothing. TLS is 1.3 only.
func TestMutualTLS(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	serverCA, clientCA, stranger := testpki.NewCA(t, "server CA"), testpki.NewCA(t, "clients"), testpki.NewCA(t, "stranger")
	srvCert := serverCA.Leaf(t, &x509.Certificate{Subject: pkix.Name{CommonName: "concord"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, time.Now().Add(time.Hour))
	testpki.WritePEM(t, filepath.Join(dir, "server.pem"), "CERTIFICATE", srvCert.Certificate[0])
	keyDER, _ := x509.MarshalPKCS8PrivateKey(srvCert.PrivateKey)
	testpki.WritePEM(t, filepath.Join(dir, "server-key.pem"), "PRIVATE KEY", keyDER)
	testpki.WritePEM(t, filepath.Join(dir, "clients.pem"), "CERTIFICATE", clientCA.DER)
	cfg, err := server.TLSConfig(filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem"), filepath.Join(dir, "clients.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinVersion != tls.VersionTLS13 {
		t.Errorf("MinVersion %x, want TLS 1.3", cfg.MinVersion)
	}
	ts := httptest.NewUnstartedServer(f.srv.Handler())
	ts.TLS = cfg
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes below are expected
	ts.StartTLS()
	defer ts.Close()

	spiffe, _ := url.Parse("spiffe://concord/svc/ingest")
	client := func(certs ...tls.Certificate) *http.Client {
		roots := x509.NewCertPool()
		roots.AddCert(serverCA.Cert)
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs}}}
	}
	svc := clientCA.Leaf(t, &x509.Certificate{URIs: []*url.URL{spiffe}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, time.Now().Add(time.Hour))
	resp, err := client(svc).Get(ts.URL + "/v1/whoami")
	if err != nil {
		t.Fatal(err)
	}
	var who struct{ Principal struct{ ID string } }
	json.NewDecoder(resp.Body).Decode(&who)
	resp.Body.Close()
	if resp.StatusCode != 200 || who.Principal.ID != "spiffe://concord/svc/ingest" || resp.TLS.Version != tls.VersionTLS13 {
		t.Errorf("whoami over mTLS: %d %+v", resp.StatusCode, who)
	}
	// The key exchange is the post-quantum hybrid, Go's default.
	if resp.TLS.CurveID != tls.X25519MLKEM768 {
		t.Errorf("key exchange: %v, want X25519MLKEM768", resp.TLS.CurveID)
	}

	unknown := clientCA.Leaf(t, &x509.Certificate{Subject: pkix.Name{CommonName: "someone"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, time.Now().Add(time.Hour))
	if resp, err := client(unknown).Get(ts.URL + "/v1/whoami"); err != nil || resp.StatusCode != 401 {
		t.Errorf("a certificate naming no principal: %v %v", resp, err)
	}
	for name, cert := range map[string]tls.Certificate{
		"another CA": stranger.Leaf(t, &x509.Certificate{URIs: []*url.URL{spiffe}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, time.Now().Add(time.Hour)),
		"expired":    clientCA.Leaf(t, &x509.Certificate{URIs: []*url.URL{spiffe}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, time.Now().Add(-time.Hour)),
	} {
		// The handshake fails, or (a client that sends no certificate the
		// server's CAs did not sign) the request is unauthenticated.
		if resp, err := client(cert).Get(ts.URL + "/v1/whoami"); err == nil {
			resp.Body.Close()
			if resp.StatusCode != 401 {
				t.Errorf("%s: %d, want the handshake refused or 401", name, resp.StatusCode)
			}
		}
	}
	// No certificate: a bearer token still works; none at all is 401.
	if resp, err := client().Get(ts.URL + "/v1/whoami"); err != nil || resp.StatusCode != 401 {
		t.Errorf("no certificate, no token: %v %v", resp, err)
	}
	old := &tls.Config{MaxVersion: tls.VersionTLS12, RootCAs: x509.NewCertPool()}
	old.RootCAs.AddCert(serverCA.Cert)
	if _, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: old}}).Get(ts.URL + "/healthz"); err == nil {
		t.Error("a TLS 1.2 client was served")
	}
}
