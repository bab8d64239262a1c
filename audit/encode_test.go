package audit_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/store"
)

// plainEntry is an Entry without its methods: encoding/json encodes it by
// reflection, as every entry was encoded before Entry.MarshalJSON.
type plainEntry audit.Entry

// TestEntryHashStable: the hash of an entry is part of every log already
// written, so it never changes. The entry holds what must be escaped
// (HTML characters, a control character, a quote, a backslash, invalid
// UTF-8, U+2028) and a time outside UTC.
func TestEntryHashStable(t *testing.T) {
	e := audit.Next(audit.Head{Seq: 41, Hash: "ab"}, audit.Entry{Time: time.Date(2026, 12, 3, 4, 5, 6, 789000000, time.FixedZone("x", 3600)),
		Actor: "principal:ana <a&b>", Action: "read", Records: []string{"r1", "r2"}, Entities: []string{"E\u2028"}, Model: "m",
		Evidence: "ev", Content: "c\x01\"\\", Detail: "d\xff"})
	const want = "79b5b63db497795fb15df62266e8610bad9506b9aa81afe30dab8294e6f94cc0"
	if e.Hash != want {
		t.Fatalf("hash = %s, want %s", e.Hash, want)
	}
}

// FuzzEntryJSON: Entry.MarshalJSON writes what encoding/json writes by
// reflection, byte for byte, or fails where it fails (a year past 9999);
// json.Marshal of an entry, through MarshalJSON, writes the same.
func FuzzEntryJSON(f *testing.F) {
	f.Add(int64(1), int64(1764748800), int64(0), "model", "upsert", "r1", "", "E1", "m", "ev", "c", "", "", "h")
	f.Add(int64(-5), int64(-62135596800), int64(999999999), "principal:a<b>&c", "read", "\xff\x00", "\u2028\u2029", "é\"\\", "\t\n\r\b\f", "", "", "1", "p", "")
	f.Fuzz(func(t *testing.T, seq, sec, nsec int64, actor, action, rec1, rec2, entity, model, evidence, content, detail, prev, hash string) {
		e := audit.Entry{Seq: seq, Time: time.Unix(sec, nsec%1_000_000_000).UTC(), Actor: actor, Action: action, Model: model,
			Evidence: evidence, Content: content, Detail: detail, Prev: prev, Hash: hash}
		if rec1 != "" {
			e.Records = []string{rec1, rec2}
		}
		if entity != "" {
			e.Entities = []string{entity}
		}
		want, werr := json.Marshal(plainEntry(e))
		got, gerr := e.MarshalJSON()
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("errors differ: reflection %v, MarshalJSON %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("MarshalJSON\n got  %s\n want %s", got, want)
		}
		if viaMarshal, err := json.Marshal(e); err != nil || !bytes.Equal(viaMarshal, want) {
			t.Fatalf("json.Marshal(entry) = %s, %v; want %s", viaMarshal, err, want)
		}
	})
}

// BenchmarkNext chains an entry of the kind the writer appends for each
// record it upserts (digests, an entity, the model) and encodes it as
// the stores keep it: the audit log's part of every change.
func BenchmarkNext(b *testing.B) {
	prev := audit.Head{Seq: 1, Hash: audit.Digest([]byte("prev"))}
	e := audit.Entry{Time: time.Date(2026, 12, 3, 4, 5, 6, 789, time.UTC), Actor: audit.ActorPrincipal + "svc-ingest", Action: "upsert",
		Records: []string{audit.Digest([]byte("r"))[:32]}, Entities: []string{"E-0f3a9c2b7d1e"}, Model: audit.Digest([]byte("m")),
		Evidence: audit.Digest([]byte("e")), Content: audit.Digest([]byte("c"))}
	b.ReportAllocs()
	for b.Loop() {
		n := audit.Next(prev, e)
		if _, err := store.EncodeAudit(n); err != nil {
			b.Fatal(err)
		}
	}
}
