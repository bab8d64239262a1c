package live

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBlockIndex: a random run of adds and removes (keys held by none, one
// or many records, a record holding a key twice) leaves blockIndex holding
// what a plain map of slices holds, key by key, and a key of one record
// in the map without pointers.
func TestBlockIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := newBlockIndex()
	want := map[uint64][]int32{}
	type holding struct {
		k uint64
		s int32
	}
	var held []holding
	for range 20000 {
		if len(held) > 0 && r.IntN(3) == 0 {
			i := r.IntN(len(held))
			h := held[i]
			held = slices.Delete(held, i, i+1)
			x.remove(h.k, h.s)
			want[h.k] = dropSlot(want[h.k], h.s)
			if len(want[h.k]) == 0 {
				delete(want, h.k)
			}
		} else {
			h := holding{k: uint64(r.IntN(50)), s: int32(r.IntN(20))}
			held = append(held, h)
			x.add(h.k, h.s)
			want[h.k] = append(want[h.k], h.s)
		}
		if got := len(x.one) + len(x.many); got != len(want) {
			t.Fatalf("%d keys held, want %d", got, len(want))
		}
	}
	var one [1]int32
	for k := range uint64(50) {
		got := slices.Clone(x.held(k, &one))
		w := slices.Clone(want[k])
		slices.Sort(got)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("key %d held by %v, want %v", k, got, w)
		}
		if _, single := x.one[k]; single != (len(w) == 1) {
			t.Errorf("key %d of %d holders: in the map of single holders %v", k, len(w), single)
		}
		if held, ok := x.many[k]; ok && len(held) < 2 {
			t.Errorf("key %d in the map of many holders with %d", k, len(held))
		}
	}
}
