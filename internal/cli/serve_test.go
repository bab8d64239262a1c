package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concord-er/concord/internal/cli"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/server"
)

// lockedBuffer is a buffer a running command writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// concord serve --dev: plain HTTP on loopback, a token printed once, the
// API answering with it; it refuses a non-loopback address, and without
// --dev it refuses to run without TLS. Cancelled, it shuts down cleanly
// and its requests are in the audit log.
func TestServeDev(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	// A principal of its own with an API key, to revoke while serving.
	oldKey, oldLine := server.NewAPIKey("alice")
	newKey, newLine := server.NewAPIKey("alice")
	_, strangerLine := server.NewAPIKey("mallory")
	keys := filepath.Join(dir, "keys.txt")
	write(t, keys, oldLine+"\n")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "serve:\n  api_keys: keys.txt\n  principals:\n    - {id: alice, roles: [viewer]}\n")
	f.Close()
	if code, _, errs := run(t, "serve", "--dev", "--addr", "0.0.0.0:0", "--config", cfg); code != cli.ExitUsage || !strings.Contains(errs, "loopback") {
		t.Errorf("--dev on every interface: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "serve", "--config", cfg, "--model", modelPath); code == 0 || !strings.Contains(errs, "serve.tls needs cert and key") {
		t.Errorf("without TLS: exit %d: %s", code, errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan int)
	base, key := serveDev(ctx, t, cfg, modelPath, &stderr, done)
	callAs := func(key, method, path, body string) (int, string) { return callServe(t, base, key, method, path, body) }
	call := func(method, path, body string) (int, string) { return callAs(key, method, path, body) }
	if code, body := call("PUT", "/v1/records/people/p1", `{"name": "Ana", "phone": "111"}`); code != 200 {
		t.Fatalf("put: %d %s", code, body)
	}
	code, body := call("GET", "/v1/records/people/p1", "")
	var rec struct{ Entity string }
	json.Unmarshal([]byte(body), &rec)
	if code != 200 || rec.Entity == "" {
		t.Fatalf("get: %d %s", code, body)
	}
	if code, _ := call("GET", "/v1/entities/"+rec.Entity, ""); code != 200 {
		t.Errorf("entity: %d", code)
	}
	// SIGHUP reads the key file again: a key taken out of it is refused,
	// a key put in is taken; a file naming an unknown principal changes
	// nothing. The development key stays.
	if code, _ := callAs(oldKey, "GET", "/v1/whoami", ""); code != 200 {
		t.Fatalf("alice's key before the reload: %d", code)
	}
	reload := func(lines string, want map[string]int, logged string) {
		t.Helper()
		before := strings.Count(stderr.String(), logged)
		write(t, keys, lines)
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for k := range want {
				got[k], _ = callAs(k, "GET", "/v1/whoami", "")
			}
			if reflect.DeepEqual(got, want) && strings.Count(stderr.String(), logged) > before {
				return
			}
		}
		t.Errorf("after reloading %q: %v, want %v and %q logged: %s", lines, got, want, logged, stderr.String())
	}
	reload(newLine+"\n", map[string]int{oldKey: 401, newKey: 200, key: 200}, "API keys reloaded")
	reload(strangerLine+"\n", map[string]int{oldKey: 401, newKey: 200, key: 200}, "API keys not reloaded")
	if !strings.Contains(stderr.String(), "authentication failed") {
		t.Errorf("the failed authentications are not logged: %s", stderr.String())
	}
	if strings.Contains(stderr.String(), oldKey) {
		t.Error("a refused key is in the log")
	}
	cancel()
	select {
	case code := <-done:
		if code != cli.ExitSignal {
			t.Errorf("serve stopped with exit %d: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Count(stderr.String(), key) != 1 {
		t.Error("the development token is printed more than once")
	}
	// The requests are in the audit log, flushed at shutdown.
	out := mustRun(t, "audit", "export", "--config", cfg)
	if n := strings.Count(out, `"actor":"principal:dev","action":"request"`); n < 2 {
		t.Errorf("%d requests of dev in the audit log", n)
	}
	if v := mustRun(t, "audit", "verify", "--config", cfg); !strings.Contains(v, "verifies") {
		t.Errorf("audit verify: %s", v)
	}
}

// serveDev starts concord serve --dev on the config and model, its exit
// code sent to done and its standard error kept in stderr, and returns
// its base URL and development key once it listens.
func serveDev(ctx context.Context, t *testing.T, cfg, modelPath string, stderr *lockedBuffer, done chan<- int) (base, key string) {
	t.Helper()
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--dev", "--addr", "127.0.0.1:0", "--config", cfg, "--model", modelPath}, strings.NewReader(""), io.Discard, stderr)
	}()
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	token := regexp.MustCompile(`shown once\): (ck_[0-9a-f]+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m, k := listening.FindStringSubmatch(stderr.String()), token.FindStringSubmatch(stderr.String()); m != nil && k != nil {
			return m[1], k[1]
		}
	}
	t.Fatalf("serve did not start: %s", stderr.String())
	return "", ""
}

// callServe sends a request with a JSON body to a running serve as the
// holder of key, and returns the status and the body of its answer.
func callServe(t *testing.T, base, key, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// TestServeReadsAliasesAsTrained: a record put through the API reads a
// field the model reads as another feature (field_aliases) so: its
// values added to that feature's field.
func TestServeReadsAliasesAsTrained(t *testing.T) {
	_, cfg, modelPath := liveSetup(t)
	edit(t, cfg, "      phone: {column: phone, type: text}\n", "      phone: {column: phone, type: text}\n      passport: {column: passport, type: identifier}\n      pp2: {column: pp2, type: identifier}\n")
	edit(t, modelPath, `"comparisons"`, `"field_aliases": [{"source": "people", "field": "pp2", "kind": "identifier", "as": "passport", "with": "list", "shared": 9}], "comparisons"`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan int)
	base, key := serveDev(ctx, t, cfg, modelPath, &stderr, done)
	if code, body := callServe(t, base, key, "PUT", "/v1/records/people/a", `{"name": "Ana", "phone": "111", "passport": "P1", "pp2": "P2"}`); code != 200 {
		t.Fatalf("put: %d %s", code, body)
	}
	code, body := callServe(t, base, key, "GET", "/v1/records/people/a", "")
	var rec live.StoredRecord
	if code != 200 || json.Unmarshal([]byte(body), &rec) != nil {
		t.Fatalf("get: %d %s", code, body)
	}
	var got []string
	for _, f := range rec.Record.Features {
		for _, v := range f.Values {
			if f.Kind == record.KindIdentifier {
				got = append(got, f.Name+"="+v.Norm)
			}
		}
	}
	if want := []string{"passport=P1", "passport=P2"}; !slices.Equal(got, want) {
		t.Errorf("identifiers stored %q, want %q", got, want)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestAPIKey(t *testing.T) {
	code, out, errs := run(t, "apikey", "alice@bank")
	key := regexp.MustCompile(`ck_[0-9a-f]{64}`).FindString(errs)
	if code != 0 || key == "" || !regexp.MustCompile(`^alice@bank [0-9a-f]{64}\n$`).MatchString(out) || strings.Contains(out, key) {
		t.Errorf("apikey: exit %d, out %q, err %q", code, out, errs)
	}
	if code, _, _ := run(t, "apikey", "two words"); code != cli.ExitUsage {
		t.Errorf("a principal with a space: exit %d", code)
	}
}
