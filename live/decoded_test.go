package live

import (
	"errors"
	"testing"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// The cache decodes each stored form once while it holds it, keeps what
// is read again, drops the older generation whole when the newer is full,
// and keeps no failure.
func TestDecodedCache(t *testing.T) {
	calls := map[string]int{}
	fail := errors.New("bad bytes")
	decode := func(r store.Record) (decoded, error) {
		calls[string(r.Data)]++
		if string(r.Data) == "bad" {
			return decoded{}, fail
		}
		return decoded{kind: record.EntityKind(r.Data)}, nil
	}
	rec := func(data string) store.Record {
		return store.Record{Key: record.Key{Source: "s", ID: data}, Data: []byte(data)}
	}
	get := func(c *decodedCache, data string) {
		t.Helper()
		d, err := c.get(rec(data), decode)
		if err != nil || string(d.kind) != data {
			t.Fatalf("get(%q) = %+v, %v", data, d, err)
		}
	}
	c := newDecodedCache(3)
	for _, data := range []string{"a", "b", "a", "a"} {
		get(c, data)
	}
	if calls["a"] != 1 || calls["b"] != 1 {
		t.Errorf("decoded %v, want each once", calls)
	}
	// The same bytes under another key are the same entry.
	if _, err := c.get(store.Record{Key: record.Key{Source: "t", ID: "9"}, Data: []byte("a")}, decode); err != nil || calls["a"] != 1 {
		t.Errorf("same bytes, other key: decoded a %d times, %v", calls["a"], err)
	}
	// Generations of 3: c fills the newer; d starts another, a (read
	// again from the older) moves into it; e and f push b out of both.
	for _, data := range []string{"c", "d", "a", "e", "f", "g"} {
		get(c, data)
	}
	get(c, "a")
	get(c, "b")
	if calls["a"] != 1 || calls["b"] != 2 {
		t.Errorf("after eviction: decoded a %d times (kept: want 1), b %d times (dropped: want 2)", calls["a"], calls["b"])
	}
	if len(c.cur)+len(c.old) > 2*c.per {
		t.Errorf("%d entries held, want at most %d", len(c.cur)+len(c.old), 2*c.per)
	}
	for range 2 {
		if _, err := c.get(rec("bad"), decode); !errors.Is(err, fail) {
			t.Fatalf("get(bad) = %v, want the decode error", err)
		}
	}
	if calls["bad"] != 2 {
		t.Errorf("a failure was kept: decoded bad %d times, want 2", calls["bad"])
	}
	// No cache: every get decodes.
	var none *decodedCache
	for i := range 2 {
		if _, err := none.get(rec("z"), decode); err != nil || calls["z"] != i+1 {
			t.Fatalf("nil cache: decoded z %d times, %v", calls["z"], err)
		}
	}
}
