package audit_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
)

// chain builds a valid log of n entries.
func chain(n int) []audit.Entry {
	var out []audit.Entry
	var prev audit.Head
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for i := range n {
		e := audit.Next(prev, audit.Entry{Time: t0.Add(time.Duration(i) * time.Second), Actor: audit.ActorModel,
			Action: "upsert", Records: []string{fmt.Sprintf("r%d", i)}, Entities: []string{"E1"}, Evidence: audit.Digest([]byte{byte(i)})})
		out = append(out, e)
		prev = audit.HeadOf(e)
	}
	return out
}

func TestVerify(t *testing.T) {
	head := func(log []audit.Entry) *audit.Head {
		return &audit.Head{Seq: log[len(log)-1].Seq, Hash: log[len(log)-1].Hash}
	}
	good := chain(8)
	tests := []struct {
		name   string
		tamper func([]audit.Entry) []audit.Entry
		kind   string
		pos    int   // position of the first problem
		seq    int64 // its sequence number
	}{
		{"edited", func(l []audit.Entry) []audit.Entry { l[3].Action = "delete"; return l }, audit.KindEdited, 4, 4},
		{"edited time", func(l []audit.Entry) []audit.Entry { l[0].Time = l[0].Time.Add(time.Hour); return l }, audit.KindEdited, 1, 1},
		{"edited, hash recomputed", func(l []audit.Entry) []audit.Entry {
			l[5].Detail = "forged"
			l[5].Hash = l[5].ComputeHash()
			return l
		}, audit.KindEdited, 6, 6},
		{"removed", func(l []audit.Entry) []audit.Entry { return slices.Delete(l, 2, 3) }, audit.KindRemoved, 3, 3},
		{"removed first", func(l []audit.Entry) []audit.Entry { return l[1:] }, audit.KindRemoved, 1, 1},
		{"removed last", func(l []audit.Entry) []audit.Entry { return l[:len(l)-1] }, audit.KindTruncated, 7, 8},
		{"reordered", func(l []audit.Entry) []audit.Entry { l[4], l[5] = l[5], l[4]; return l }, audit.KindReordered, 5, 6},
		{"duplicated", func(l []audit.Entry) []audit.Entry { return slices.Insert(l, 4, l[2]) }, audit.KindInserted, 5, 3},
		{"appended", func(l []audit.Entry) []audit.Entry {
			return append(l, audit.Next(audit.HeadOf(l[len(l)-1]), audit.Entry{Actor: "reviewer:x", Action: "decide"}))
		}, audit.KindInserted, 9, 9},
	}
	if err := audit.Verify(good, head(good)); err != nil {
		t.Fatalf("untouched log: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := tt.tamper(slices.Clone(good))
			err := audit.Verify(log, head(good))
			var ve *audit.VerifyError
			if !errors.As(err, &ve) || !errors.Is(err, audit.ErrTampered) {
				t.Fatalf("Verify = %v, want a VerifyError", err)
			}
			p := ve.Problems[0]
			if p.Kind != tt.kind || p.Position != tt.pos || p.Seq != tt.seq {
				t.Fatalf("first problem = %s, want %s at entry %d (seq %d)", p, tt.kind, tt.pos, tt.seq)
			}
		})
	}
}

func TestVerifyDoesNotModify(t *testing.T) {
	log := chain(4)
	log[1], log[2] = log[2], log[1]
	before := slices.Clone(log)
	audit.Verify(log, nil)
	if !slices.EqualFunc(log, before, func(a, b audit.Entry) bool { return a.Hash == b.Hash }) {
		t.Fatal("Verify reordered the caller's entries")
	}
}

func TestKeyDigest(t *testing.T) {
	k := record.Key{Source: "bank", ID: "C-1"}
	a, b := audit.KeyDigest([]byte("salt1"), k), audit.KeyDigest([]byte("salt2"), k)
	if a == b || len(a) != 32 {
		t.Fatalf("digests %q %q: want 32 hex characters differing by salt", a, b)
	}
	if a != audit.KeyDigest([]byte("salt1"), k) {
		t.Fatal("KeyDigest is not deterministic")
	}
	if audit.KeyDigest([]byte("salt1"), record.Key{Source: "ban", ID: "kC-1"}) == a {
		t.Fatal("source and id are not separated")
	}
	// Logs already written name records by these digests: HMAC-SHA256 of
	// source, a zero byte and id, its first 16 bytes in hex.
	if want := "da70cf5c730bf45dd35a4757b337a17d"; a != want {
		t.Errorf("KeyDigest(salt1, bank/C-1) = %s, want %s", a, want)
	}
	// Logs already written name stored content by these: HMAC-SHA256 of
	// "content", a zero byte and the stored bytes, in hex.
	if got, want := audit.ContentDigest([]byte("salt1"), []byte(`{"key":{"source":"bank","id":"C-1"}}`)), "5dbf361849eead707d4997d0c08d9807d7ce517289667e4c7ada9f0ad5c04443"; got != want {
		t.Errorf("ContentDigest(salt1, …) = %s, want %s", got, want)
	}
	// One digester for many keys gives each key's KeyDigest.
	dg := audit.NewKeyDigester([]byte("salt1"))
	for _, k := range []record.Key{{Source: "bank", ID: "C-1"}, {Source: "watchlist", ID: "a long id of a sanctions entry"}, {Source: "bank", ID: "C-1"}} {
		if d := dg.Digest(k); hex.EncodeToString(d[:]) != audit.KeyDigest([]byte("salt1"), k) {
			t.Errorf("KeyDigester on %v: %x", k, d)
		}
	}
}

func TestReadWrite(t *testing.T) {
	log := chain(3)
	var buf bytes.Buffer
	if err := audit.Write(&buf, log); err != nil {
		t.Fatal(err)
	}
	got, err := audit.Read(&buf, "audit.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Verify(got, &audit.Head{Seq: 3, Hash: log[2].Hash}); err != nil {
		t.Fatalf("a log read back fails: %v", err)
	}
	_, err = audit.Read(strings.NewReader(`{"seq":1}`+"\n"+`{"seq":2,"surprise":true}`+"\n"), "audit.ndjson")
	if err == nil || !strings.Contains(err.Error(), "audit.ndjson:2:") {
		t.Fatalf("bad line error = %v, want it to name line 2", err)
	}
}

// FuzzRead: any input is read or refused with an error, and what is read
// verifies or fails without a panic.
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	audit.Write(&buf, chain(3))
	f.Add(buf.String())
	f.Add(`{"seq":2,"prev":"x","hash":"y"}`)
	f.Fuzz(func(t *testing.T, s string) {
		entries, err := audit.Read(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		err = audit.Verify(entries, nil)
		var ve *audit.VerifyError
		if err != nil && (!errors.As(err, &ve) || len(ve.Problems) == 0) {
			t.Fatalf("Verify error %v is not a VerifyError with problems", err)
		}
	})
}

// BenchmarkKeyDigester is the cost of naming one record by its digest,
// as the server does for every stored record the first time a reader of
// partial clearance reads the audit log (live.AuditPage).
// A Digester gives KeyDigest and ContentDigest, from many goroutines at
// once (run with -race), whatever digests its states computed before.
func TestDigester(t *testing.T) {
	salt := []byte("a salt of thirty-two bytes, more")
	given := slices.Clone(salt)
	d := audit.NewDigester(given)
	given[0] = 'X' // the Digester keeps its own copy
	keys := []record.Key{{Source: "bank", ID: "C-1"}, {Source: "watchlist", ID: "a long id of a sanctions entry"}, {Source: "", ID: ""}, {Source: "ban", ID: "kC-1"}}
	contents := [][]byte{nil, []byte(`{"key":{"source":"bank","id":"C-1"}}`), bytes.Repeat([]byte("x"), 1000)}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := keys[(g+i)%len(keys)]
				if got, want := d.Key(k), audit.KeyDigest(salt, k); got != want {
					t.Errorf("Key(%v) = %s, want %s", k, got, want)
					return
				}
				c := contents[(g+i)%len(contents)]
				if got, want := d.Content(c), audit.ContentDigest(salt, c); got != want {
					t.Errorf("Content(%q) = %s, want %s", c, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if audit.NewDigester([]byte("another")).Key(keys[0]) == d.Key(keys[0]) {
		t.Error("two salts give one digest")
	}
}

func BenchmarkDigester(b *testing.B) {
	salt := []byte("a salt of thirty-two bytes, more")
	k := record.Key{Source: "bank_kyc", ID: "C-1234567"}
	b.Run("new HMAC", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			audit.KeyDigest(salt, k)
		}
	})
	b.Run("Digester", func(b *testing.B) {
		d := audit.NewDigester(salt)
		b.ReportAllocs()
		for b.Loop() {
			d.Key(k)
		}
	})
}

func BenchmarkKeyDigester(b *testing.B) {
	dg := audit.NewKeyDigester([]byte("a salt of thirty-two bytes, more"))
	k := record.Key{Source: "bank_kyc", ID: "C-1234567"}
	for b.Loop() {
		dg.Digest(k)
	}
}
