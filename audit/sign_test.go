package audit_test

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concord-er/concord/audit"
)

func TestSignedHead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k")
	key, err := audit.NewKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.NewKey(path); err == nil {
		t.Error("NewKey overwrote a key")
	}
	read, err := audit.ReadKey(path)
	if err != nil || !read.Equal(key) {
		t.Fatalf("ReadKey = %v, %v", read, err)
	}
	pub, err := audit.ParsePublicKey(audit.PublicKeyString(key.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	log := chain(3)
	head := audit.HeadOf(log[2])
	head.Sig = audit.SignHead(key, head)
	if err := audit.CheckSignature(log, head, pub); err != nil {
		t.Errorf("a signed head fails: %v", err)
	}
	for name, h := range map[string]audit.Head{
		"moved back":  {Seq: 2, Hash: log[1].Hash, Sig: head.Sig},
		"other hash":  {Seq: 3, Hash: log[1].Hash, Sig: head.Sig},
		"unsigned":    {Seq: 3, Hash: head.Hash},
		"garbage sig": {Seq: 3, Hash: head.Hash, Sig: "not base64!"},
		"empty log":   {},
	} {
		if err := audit.CheckSignature(log, h, pub); err == nil {
			t.Errorf("%s: signature accepted", name)
		}
	}
	_, other, _ := ed25519.GenerateKey(nil)
	if err := audit.CheckSignature(log, head, other.Public().(ed25519.PublicKey)); err == nil {
		t.Error("another key's check accepted the signature")
	}

	// Anchors: the log must still hold the anchored entry, unchanged.
	a := audit.Anchor{Seq: 2, Hash: log[1].Hash, Sig: audit.SignHead(key, audit.Head{Seq: 2, Hash: log[1].Hash}),
		PublicKey: audit.PublicKeyString(pub)}
	if err := audit.CheckAnchor(log, a, nil); err != nil {
		t.Errorf("anchor in the log: %v", err)
	}
	if err := audit.CheckAnchor(log[:1], a, pub); err == nil || !strings.Contains(err.Error(), "no longer holds") {
		t.Errorf("anchor past the end: %v", err)
	}
	edited := chain(3)
	edited[1].Detail = "x"
	edited[1].Hash = edited[1].ComputeHash()
	if err := audit.CheckAnchor(edited, a, pub); err == nil {
		t.Error("an edited anchored entry passed")
	}
	forged := a
	forged.Hash = log[0].Hash
	if err := audit.CheckAnchor(log, forged, pub); err == nil {
		t.Error("an anchor whose signature does not match passed")
	}
}

func TestReadKeyRefuses(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open")
	if _, err := audit.NewKey(open); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o644)
	if _, err := audit.ReadKey(open); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("a world-readable key: %v", err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("hello\n"), 0o600)
	if _, err := audit.ReadKey(bad); err == nil {
		t.Error("a file that is not a key was read as one")
	}
	if _, err := audit.ParsePublicKey("AAAA"); err == nil {
		t.Error("a short public key parsed")
	}
}
