package live

import (
	"hash/maphash"
	"sync"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// decodedPerGen is how many records a generation of decodedCache holds:
// at most twice as many are kept (some tens of megabytes).
const decodedPerGen = 1 << 15

// decoded is what shared mode keeps of a stored record it reads as a
// candidate: its kind, comparison values and whether it states
// relationships. The values are read, never changed.
type decoded struct {
	kind    record.EntityKind
	values  [][]record.Value
	relates bool
}

// decodedCache keeps what shared-mode changes and screening queries decode
// of stored records, by the hash of the stored bytes, so that a record
// read again as a candidate — records under common keys are read by many
// changes — is not decoded again. The hash names the bytes (two hashes of
// 64 bits, seeded at random per process), so an entry is never stale. The
// cache holds two generations: the newer takes what is decoded or found
// in the older, and when it is full the older is dropped whole.
type decodedCache struct {
	seeds    [2]maphash.Seed
	per      int // entries a generation holds
	mu       sync.Mutex
	cur, old map[[2]uint64]decoded
}

func newDecodedCache(per int) *decodedCache {
	return &decodedCache{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, per: per, cur: map[[2]uint64]decoded{}}
}

// get returns what r decodes to, from the cache or decoded now. A nil
// cache decodes every time.
func (c *decodedCache) get(r store.Record, decode func(store.Record) (decoded, error)) (decoded, error) {
	if c == nil {
		return decode(r)
	}
	h := [2]uint64{maphash.Bytes(c.seeds[0], r.Data), maphash.Bytes(c.seeds[1], r.Data)}
	c.mu.Lock()
	d, ok := c.cur[h]
	if !ok {
		if d, ok = c.old[h]; ok {
			c.keep(h, d)
		}
	}
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := decode(r)
	if err != nil {
		return d, err
	}
	c.mu.Lock()
	c.keep(h, d)
	c.mu.Unlock()
	return d, nil
}

// keep adds an entry to the newer generation, which becomes the older
// when full; c.mu is held.
func (c *decodedCache) keep(h [2]uint64, d decoded) {
	if len(c.cur) >= c.per {
		c.old, c.cur = c.cur, make(map[[2]uint64]decoded, c.per)
	}
	c.cur[h] = d
}

// decodedOf is what comparing rec needs.
func (l *Live) decodedOf(rec *record.Record) decoded {
	return decoded{kind: rec.Kind, values: l.scorer.Values(rec), relates: len(rec.Relations) > 0}
}

// decode decodes a stored record into what comparing it needs.
func (l *Live) decode(r store.Record) (decoded, error) {
	rec, err := decodeRecord(r)
	if err != nil {
		return decoded{}, err
	}
	return l.decodedOf(&rec), nil
}
