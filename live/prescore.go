package live

import (
	"github.com/concord-er/concord/record"
)

// Scoring an upsert's candidates is most of what a change does in memory
// (a CPU profile of bench --serve's uploads at a million records: 1.8 s of
// the writer's 5.7), and only one change runs at a time. So each caller
// scores its upserts' candidates before its turn comes, against the
// memory copy as it is then, side by side with the change that holds the
// turn; the change then scores only the candidates that were not there or
// whose values changed meanwhile. A score depends on nothing else (the
// model is fixed for the life of a Live), so the result is the one the
// change would have found itself.

// prescored is what an upsert's candidates scored before its turn: the
// weight and levels of each candidate by slot, with the key and values it
// had then.
type prescored struct {
	bySlot map[int32]int // index in scores
	scores []prescore
	levels []uint8 // the levels of scores[i] at i·comparisons
}

type prescore struct {
	key    record.Key
	packed record.PackedValues
	weight float64
}

// prescore scores the candidates of the upserts among ops (preps: what
// each needs of its record alone, found already) against the memory copy
// as it is now. It holds the memory copy's lock (memMu) only to list the
// candidates, and does not wait for a commit writing to the disk. Shared
// mode, whose changes load their own copies, scores nothing ahead, nor
// does a read-only Live, which makes no change.
func (l *Live) prescore(ops []Op, preps []upsertPrep) {
	if l.opt.Shared || l.opt.ReadOnly {
		return
	}
	type cand struct {
		slot   int32
		key    record.Key
		packed record.PackedValues
	}
	lists := make([][]cand, len(ops))
	l.memMu.Lock()
	for i := range ops {
		if ops[i].Delete {
			continue
		}
		cands, _, _ := l.candidates(&ops[i].Record, preps[i].perRule)
		list := make([]cand, 0, len(cands))
		for _, c := range cands {
			if r := &l.mem.recs[c]; r.packed != "" {
				list = append(list, cand{c, r.key, r.packed})
			}
		}
		lists[i] = list
	}
	l.memMu.Unlock()
	n := len(l.scorer.Comps)
	var unpacked record.Unpacked
	for i, list := range lists {
		if len(list) == 0 {
			continue
		}
		p := prescored{bySlot: make(map[int32]int, len(list)), scores: make([]prescore, len(list)), levels: make([]uint8, len(list)*n)}
		q := l.scorer.NewQuery(preps[i].values)
		src := ops[i].Record.Key.Source
		for j, c := range list {
			w := l.scorer.CompareQuery(src, c.key.Source, q, c.packed.Unpack(&unpacked), p.levels[j*n:(j+1)*n], nil)
			p.scores[j] = prescore{key: c.key, packed: c.packed, weight: w}
			p.bySlot[c.slot] = j
		}
		preps[i].pre = p
	}
}

// lookup returns the weight scored ahead for the record in slot s, r, and
// copies its levels into levels; false when r was not scored ahead, or
// its key or values have changed since.
func (p *prescored) lookup(s int32, r *liveRecord, levels []uint8) (float64, bool) {
	j, ok := p.bySlot[s]
	if !ok {
		return 0, false
	}
	sc := &p.scores[j]
	if sc.key != r.key || sc.packed != r.packed {
		return 0, false
	}
	copy(levels, p.levels[j*len(levels):(j+1)*len(levels)])
	return sc.weight, true
}
