package cli_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/concord-er/concord/audit"
)

// TestAuditSigned: with a signing key outside the store, the log cannot be
// rewritten by someone who can write the store but has no key — an entry
// edited and the rest re-chained, the tail cut and the head moved, the log
// emptied, a stored entry given an extra key — nor rolled back to an older
// copy past an anchor kept outside; and the store refuses changes made
// without the key.
func TestAuditSigned(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	keyPath := filepath.Join(dir, "audit.key")
	code, out, errs := run(t, "audit", "keygen", "--out", keyPath)
	pub, ok := strings.CutPrefix(strings.TrimSpace(out), "public key: ")
	if code != 0 || !ok {
		t.Fatalf("keygen: exit %d %s %s", code, out, errs)
	}
	if st, err := os.Stat(keyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	if code, _, _ := run(t, "audit", "keygen", "--out", keyPath); code == 0 {
		t.Error("keygen overwrote an existing key")
	}
	t.Setenv(audit.KeyEnv, keyPath)
	upsert := func(id string) (int, string) {
		in := filepath.Join(dir, id+".ndjson")
		write(t, in, fmt.Sprintf(`{"id": %q, "name": "n%s", "phone": "p%s"}`+"\n", id, id, id))
		code, _, errs := run(t, "upsert", "--config", cfg, "--model", modelPath, in)
		return code, errs
	}
	if code, errs := upsert("a"); code != 0 {
		t.Fatalf("upsert: %s", errs)
	}
	store := filepath.Join(dir, "live.db")
	old := filepath.Join(dir, "old.db")
	copyFile(t, store, old) // a copy of the store, as an attacker might keep one
	for _, id := range []string{"b", "c"} {
		if code, errs := upsert(id); code != 0 {
			t.Fatalf("upsert: %s", errs)
		}
	}
	if v := mustRun(t, "audit", "verify", "--config", cfg, "--public-key", pub); !strings.Contains(v, "signed by the key") {
		t.Fatalf("verify: %s", v)
	}
	anchor := filepath.Join(dir, "anchor.json")
	write(t, anchor, mustRun(t, "audit", "anchor", "--config", cfg))
	var a audit.Anchor
	if err := json.Unmarshal([]byte(mustRun(t, "audit", "anchor", "--config", cfg)), &a); err != nil || a.Sig == "" || a.PublicKey != pub {
		t.Fatalf("anchor %+v (%v)", a, err)
	}
	good := filepath.Join(dir, "good.db")
	copyFile(t, store, good)

	verifyFails := func(name, want string) {
		t.Helper()
		code, out, errs := run(t, "audit", "verify", "--config", cfg, "--public-key", pub, "--head", anchor)
		if code == 0 || !strings.Contains(out+errs, want) {
			t.Errorf("%s: verify exit %d, %s %s; want a failure saying %q", name, code, out, errs, want)
		}
		copyFile(t, good, store)
	}
	db := func() *sql.DB {
		d, err := sql.Open("sqlite3", store)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	entries := func(d *sql.DB) []audit.Entry {
		rows, err := d.Query("SELECT entry FROM audit ORDER BY seq")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []audit.Entry
		for rows.Next() {
			var s string
			rows.Scan(&s)
			var e audit.Entry
			json.Unmarshal([]byte(s), &e)
			out = append(out, e)
		}
		return out
	}
	rewrite := func(d *sql.DB, es []audit.Entry) {
		d.Exec("DELETE FROM audit")
		head := audit.Head{}
		for _, e := range es {
			e = audit.Next(head, e)
			data, _ := json.Marshal(e)
			d.Exec("INSERT INTO audit(seq, entry) VALUES(?, ?)", e.Seq, string(data))
			head = audit.HeadOf(e)
		}
		h, _ := json.Marshal(head)
		d.Exec("UPDATE meta SET v = ? WHERE k = 'audit_head'", h)
	}

	// An entry edited and everything after it chained again, head too.
	d := db()
	es := entries(d)
	es[1].Detail = "forged"
	rewrite(d, es)
	d.Close()
	verifyFails("edited and re-chained", "signature is not the key's")

	// The tail cut and the head moved back.
	d = db()
	rewrite(d, entries(d)[:2])
	d.Close()
	verifyFails("truncated", "signature is not the key's")

	// Every entry, the head and its signature deleted.
	d = db()
	d.Exec("DELETE FROM audit")
	d.Exec("DELETE FROM meta WHERE k IN ('audit_head', 'audit_head_sig')")
	d.Close()
	verifyFails("emptied", "not signed")

	// A stored entry with a repeated key: the decoded entry still hashes.
	d = db()
	var text string
	d.QueryRow("SELECT entry FROM audit WHERE seq = 2").Scan(&text)
	d.Exec("UPDATE audit SET entry = ? WHERE seq = 2", strings.Replace(text, `"actor":`, `"actor":"x","actor":`, 1))
	d.Close()
	verifyFails("repeated key", "canonical")

	// State written around the log, which stays intact and signed: a
	// forged decision, a record rewritten, a record inserted, the model
	// swapped.
	for name, tamper := range map[string]struct{ sql, want string }{
		"forged decision":  {`INSERT INTO decisions VALUES('people', 'a', 'people', 'b', 'same', 'mallory', '', 0)`, "no entry of that reviewer's"},
		"record rewritten": {`UPDATE records SET data = CAST('{"x":1}' AS BLOB) WHERE rid = 'b'`, "its content is not"},
		"record inserted":  {`INSERT INTO records(source, rid, entity, data, keys) VALUES('people', 'z', 'E1', x'7b7d', x'')`, "no upsert in the log stored it"},
		"model swapped":    {`UPDATE meta SET v = CAST(replace(CAST(v AS TEXT), '"match": 0.8', '"match": 0.1') AS BLOB) WHERE k = 'model'`, "installed model"},
	} {
		d = db()
		if _, err := d.Exec(tamper.sql); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d.Close()
		verifyFails(name, tamper.want)
	}

	// The whole store rolled back to an older copy: its head is signed,
	// but it ends before the anchor.
	copyFile(t, old, store)
	verifyFails("rolled back", "anchor")

	// Without the key, the store refuses changes.
	t.Setenv(audit.KeyEnv, "")
	if code, errs := upsert("d"); code == 0 || !strings.Contains(errs, "signed") {
		t.Errorf("an upsert without the key: exit %d, %s", code, errs)
	}
	// A key file others may read is refused.
	os.Chmod(keyPath, 0o644)
	t.Setenv(audit.KeyEnv, keyPath)
	if code, errs := upsert("e"); code == 0 || !strings.Contains(errs, "readable by others") {
		t.Errorf("a world-readable key: exit %d, %s", code, errs)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(to + "-wal")
	os.Remove(to + "-shm")
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDigestSecretOutside: a store created with its digest secret in a
// file keeps only a check of it; it is used with the file and refused
// without it or with another one.
func TestDigestSecretOutside(t *testing.T) {
	dir, cfg, modelPath := liveSetup(t)
	secret := filepath.Join(dir, "digest.secret")
	if code, _, errs := run(t, "audit", "secret", "--out", secret); code != 0 {
		t.Fatalf("audit secret: %s", errs)
	}
	t.Setenv(audit.SecretEnv, secret)
	in := filepath.Join(dir, "in.ndjson")
	write(t, in, `{"id": "a", "name": "Ana", "phone": "1"}`+"\n")
	if code, _, errs := run(t, "upsert", "--config", cfg, "--model", modelPath, in); code != 0 {
		t.Fatalf("upsert: %s", errs)
	}
	d, err := sql.Open("sqlite3", filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	d.QueryRow("SELECT count(*) FROM meta WHERE k = 'audit_salt'").Scan(&n)
	var check []byte
	d.QueryRow("SELECT v FROM meta WHERE k = 'audit_salt_check'").Scan(&check)
	d.Close()
	if n != 0 || len(check) == 0 {
		t.Fatalf("the store holds the secret (%d) or no check of it (%q)", n, check)
	}
	if v := mustRun(t, "audit", "verify", "--config", cfg); !strings.Contains(v, "verifies") {
		t.Errorf("verify with the secret: %s", v)
	}
	t.Setenv(audit.SecretEnv, "")
	if code, _, errs := run(t, "record", "--config", cfg, "people", "a"); code == 0 || !strings.Contains(errs, audit.SecretEnv) {
		t.Errorf("without the secret: exit %d, %s", code, errs)
	}
	other := filepath.Join(dir, "other.secret")
	run(t, "audit", "secret", "--out", other)
	t.Setenv(audit.SecretEnv, other)
	if code, _, errs := run(t, "record", "--config", cfg, "people", "a"); code == 0 || !strings.Contains(errs, "not this store's") {
		t.Errorf("with another secret: exit %d, %s", code, errs)
	}
}
