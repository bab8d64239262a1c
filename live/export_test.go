package live

import (
	"slices"

	"github.com/concord-er/concord/record"
)

// SetMaxAccessWaiting sets how many entries about reads may wait for a
// change, for a test; it returns what puts the bound back.
func SetMaxAccessWaiting(n int) (restore func()) {
	was := maxAccessWaiting
	maxAccessWaiting = n
	return func() { maxAccessWaiting = was }
}

// HoldTurn holds the writers' turn (see commitWaiting), as a long change
// would, until the function it returns is called.
func (l *Live) HoldTurn() (release func()) {
	l.turn.Lock()
	return l.turn.Unlock
}

// Waiting is how many changes wait for their turn.
func (l *Live) Waiting() int {
	l.waitingMu.Lock()
	defer l.waitingMu.Unlock()
	return len(l.waiting)
}

// Prescored scores the candidates of an upsert of rec ahead of its turn,
// as Apply does (prescore), and returns the keys of those it scored.
func (l *Live) Prescored(rec record.Record) ([]record.Key, error) {
	ops := []Op{{Record: rec}}
	prep, err := l.prepareUpsert(&ops[0].Record)
	if err != nil {
		return nil, err
	}
	preps := []upsertPrep{prep}
	l.prescore(ops, preps)
	var keys []record.Key
	for _, sc := range preps[0].pre.scores {
		keys = append(keys, sc.key)
	}
	slices.SortFunc(keys, record.Key.Compare)
	return keys, nil
}
