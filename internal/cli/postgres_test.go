package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concord-er/concord/internal/cli"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/store/postgres/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(pgtest.Main(m))
}

// store: postgres://… selects the PostgreSQL store: upsert, read back,
// audit verify, as with the embedded file, and a second process sees the
// first's changes; the same in shared mode (shared: true).
func TestPostgresStore(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(fmt.Sprintf("shared=%v", shared), func(t *testing.T) { testPostgresStore(t, shared) })
	}
}

func testPostgresStore(t *testing.T, shared bool) {
	url := pgtest.Schema(t)
	dir, cfg, modelPath := liveSetup(t)
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := "store: \"" + url + "\""
	if shared {
		store += "\nshared: true"
	}
	write(t, cfg, strings.Replace(string(text), "store: live.db", store, 1))
	in := filepath.Join(dir, "in.ndjson")
	write(t, in, `{"id": "a", "name": "Ana", "phone": "111"}
{"id": "b", "name": "Bea", "phone": "222"}
{"id": "c", "name": "ana", "phone": "222"}
`)
	code, out, errs := run(t, "upsert", "--config", cfg, "--model", modelPath, in)
	if code != 0 {
		t.Fatalf("upsert: exit %d: %s", code, errs)
	}
	chs := acks(t, out)
	if len(chs) != 3 || chs[2].Links != 2 {
		t.Fatalf("acks %+v", chs)
	}
	if _, err := os.Stat(filepath.Join(dir, "live.db")); err == nil {
		t.Error("a SQLite file was made beside the config")
	}
	code, out, errs = run(t, "entity", "--config", cfg, string(chs[2].Entity))
	if code != 0 {
		t.Fatalf("entity: exit %d: %s", code, errs)
	}
	var v live.EntityView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Records) != 3 {
		t.Errorf("entity view: %d records", len(v.Records))
	}
	if out := mustRun(t, "audit", "verify", "--config", cfg); !strings.Contains(out, "verifies") {
		t.Errorf("audit verify: %s", out)
	}
}

// store: file:PATH names the embedded file as a plain path does.
func TestStoreFileURL(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	write(t, cfg, strings.Replace(string(text), "store: live.db", "store: file:other.db", 1))
	in := filepath.Join(dir, "in.ndjson")
	write(t, in, `{"id": "a", "name": "Ana", "phone": "111"}`+"\n")
	if code, _, errs := run(t, "upsert", "--config", cfg, "--model", modelPath, in); code != 0 {
		t.Fatalf("upsert: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.db")); err != nil {
		t.Errorf("file:other.db: %v", err)
	}
}
