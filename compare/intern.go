package compare

import (
	"hash/maphash"
	"slices"
)

// internTable maps strings to small ids without a Go map: open addressing
// over the strings' 64-bit hashes, with no pointers in its arrays, so that
// tables of millions of values cost the garbage collector nothing and
// grow without re-hashing a string. The strings themselves stay with the
// caller, who confirms a candidate id.
type internTable struct {
	seed maphash.Seed
	// slots hold the high 32 bits of an id's hash and id+1 (0: empty), so
	// that a probe reads one array and compares strings only when 32 more
	// bits of their hashes agree.
	slots  []uint64
	hashes []uint64 // id → hash, to place ids again when the table grows
}

func newInternTable() internTable {
	return internTable{seed: maphash.MakeSeed(), slots: make([]uint64, 64)}
}

func (t *internTable) hash(s string) uint64 { return maphash.String(t.seed, s) }

// touch reads the first slot a look-up of hash h reads, and returns it.
func (t *internTable) touch(h uint64) uint64 {
	if len(t.slots) == 0 {
		return 0
	}
	return t.slots[h&uint64(len(t.slots)-1)]
}

// find calls same for each id whose hash is h, in probe order, and
// returns the first id it accepts.
func (t *internTable) find(h uint64, same func(id uint32) bool) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if id := uint32(s) - 1; s>>32 == h>>32 && same(id) {
			return id, true
		}
	}
}

// reserve sizes the table for n ids without growing.
func (t *internTable) reserve(n int) {
	t.hashes = slices.Grow(t.hashes, n-len(t.hashes))
	size := max(len(t.slots), 64)
	for 4*n > 3*size {
		size *= 2
	}
	if size > len(t.slots) {
		t.rehash(size)
	}
}

func (t *internTable) rehash(size int) {
	t.slots = make([]uint64, size)
	for j, h := range t.hashes {
		t.put(uint32(j), h)
	}
}

// add records that id has hash h; ids are added in order 0, 1, 2, ….
func (t *internTable) add(id uint32, h uint64) {
	if 4*(len(t.hashes)+1) > 3*len(t.slots) {
		t.rehash(max(2*len(t.slots), 64))
	}
	t.hashes = append(t.hashes, h)
	t.put(id, h)
}

func (t *internTable) put(id uint32, h uint64) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = h>>32<<32 | uint64(id+1)
}

// Keys interns exact keys (Comparison.ExactKey): equal keys get equal
// ids, from 1 up; the empty key is 0. Prepared values carrying key ids
// decide their exact level by comparing integers, and term frequencies
// can be looked up by id. Not safe for concurrent use while adding.
type Keys struct {
	keys  []string
	table internTable
}

// NewKeys returns an empty table.
func NewKeys() *Keys {
	k := &Keys{keys: []string{""}, table: newInternTable()}
	k.table.add(0, k.table.hash(""))
	return k
}

// Reserve makes room for n more keys.
func (k *Keys) Reserve(n int) {
	k.keys = slices.Grow(k.keys, n)
	k.table.reserve(len(k.keys) + n)
}

// ID returns the id of key, adding it when it is new.
func (k *Keys) ID(key string) uint32 { return k.idHashed(key, k.table.hash(key)) }

// idHashed is ID for a key whose hash is known.
func (k *Keys) idHashed(key string, h uint64) uint32 {
	if id, ok := k.table.find(h, func(id uint32) bool { return k.keys[id] == key }); ok {
		return id
	}
	id := uint32(len(k.keys))
	k.keys = append(k.keys, key)
	k.table.add(id, h)
	return id
}

// Key returns the key with id id.
func (k *Keys) Key(id uint32) string { return k.keys[id] }

// Len returns one more than the largest id.
func (k *Keys) Len() int { return len(k.keys) }

// Done drops the look-up table: Key and Len keep working, ID may no
// longer be called.
func (k *Keys) Done() { k.table = internTable{} }
