package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// markPrefix keeps marks apart from the store's own metadata.
const markPrefix = "mark/"

// setMarks stores marks in a transaction of their own: they change no
// record, so the audit log is not written.
func (l *Live) setMarks(ctx context.Context, marks, after map[string][]byte) error {
	if len(marks) == 0 {
		return nil
	}
	if l.opt.ReadOnly {
		return store.ErrReadOnly
	}
	var tx store.Tx
	var stx store.SharedTx
	var err error
	if l.opt.Shared {
		// Beside the other resolvers' changes, the marks locked (a
		// relay's mark moves often: taking the writers' lock alone for it
		// would pause them all).
		stx, err = l.st.(store.Shared).BeginShared(ctx)
		tx = stx
	} else {
		// The writers' lock, held alone, keeps the marks still.
		tx, err = l.st.Begin(ctx, true)
	}
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := checkMarksAfter(ctx, tx, after, stx); err != nil {
		return err
	}
	if err := putMarks(ctx, tx, marks); err != nil {
		return err
	}
	return tx.Commit()
}

// ErrMarkMoved is returned by ApplyMarkedAfter when a mark no longer holds
// the value the caller read.
var ErrMarkMoved = errors.New("a mark moved since it was read")

// checkMarksAfter refuses a change when a mark of after does not hold its
// value. A shared transaction (stx not nil) locks each mark first, waiting,
// so that two processes checking one mark do it one after the other.
func checkMarksAfter(ctx context.Context, tx store.Tx, after map[string][]byte, stx store.SharedTx) error {
	if len(after) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(after))
	if stx != nil {
		ids := make([]uint64, len(keys))
		for i, k := range keys {
			ids[i] = lockID('m', k)
		}
		if err := stx.Lock(ctx, ids, true); err != nil {
			return err
		}
	}
	for _, k := range keys {
		v, err := tx.Meta(ctx, markPrefix+k)
		switch {
		case errors.Is(err, store.ErrNotFound):
			v = nil
		case err != nil:
			return fmt.Errorf("mark %s: %w", k, err)
		}
		if !bytes.Equal(v, after[k]) || (v == nil) != (after[k] == nil) {
			return &rejected{fmt.Errorf("mark %s: %w", k, ErrMarkMoved)}
		}
	}
	return nil
}

// putMarks writes marks in tx, in key order.
func putMarks(ctx context.Context, tx store.Tx, marks map[string][]byte) error {
	for _, k := range slices.Sorted(maps.Keys(marks)) {
		if err := tx.SetMeta(ctx, markPrefix+k, marks[k]); err != nil {
			return err
		}
	}
	return nil
}

// Mark returns a mark ApplyMarked stored, and whether there is one.
func (l *Live) Mark(ctx context.Context, key string) ([]byte, bool, error) {
	var v []byte
	err := l.read(ctx, func(tx store.Tx) error {
		var err error
		v, err = tx.Meta(ctx, markPrefix+key)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("mark %s: %w", key, err)
	}
	return v, true, nil
}

// checkMarks refuses mark keys that are empty or hold control characters.
func checkMarks(marks map[string][]byte) error {
	for k := range marks {
		if k == "" || strings.ContainsFunc(k, func(r rune) bool { return r < 0x20 }) {
			return fmt.Errorf("mark %q: a key must be printable and not empty", k)
		}
	}
	return nil
}

// Members returns the records of an entity now, in key order, without
// regard to any view: for a process that relays changes to a trusted
// consumer, not for a reader. An entity with no records has none.
func (l *Live) Members(ctx context.Context, entity record.EntityID) ([]record.Key, error) {
	var out []record.Key
	err := l.read(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.Members(ctx, entity)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return out, err
}
