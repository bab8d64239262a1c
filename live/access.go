package live

import (
	"context"
	"sync"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/store"
)

// maxAccessWaiting bounds the read entries waiting for a change to carry
// them: past it, QueueAccess waits for room (a reader is slowed down
// rather than go unrecorded).
var maxAccessWaiting = 1 << 16

// maxAccessPerChange bounds the read entries one change carries.
const maxAccessPerChange = 4096

// accessQueue holds entries about reads until a change appends them to
// the audit log: whichever change of the process commits next, an upload's
// as well as FlushAccess's own. A read is then recorded at the writer's
// next turn, however many changes wait for the store before a flush would
// have had its own.
type accessQueue struct {
	mu      sync.Mutex
	entries []audit.Entry
	room    chan struct{} // closed when entries are taken, and replaced
}

// QueueAccess queues entries about reads (see RecordAccess) for the next
// change of this process to append to the audit log, and returns without
// waiting for it, unless maxAccessWaiting entries are waiting already:
// then it waits for room, or for ctx to end. FlushAccess makes a change
// for them when no other comes. Entries stay queued until a change that
// carries them commits: a store that fails to write them holds readers
// up, once the queue is full, rather than let reads go unrecorded. A
// read-only Live refuses them (store.ErrReadOnly).
func (l *Live) QueueAccess(ctx context.Context, entries []audit.Entry) error {
	if l.opt.ReadOnly {
		return store.ErrReadOnly
	}
	q := &l.access
	for len(entries) > 0 {
		q.mu.Lock()
		n := min(len(entries), maxAccessWaiting-len(q.entries))
		if n > 0 {
			q.entries = append(q.entries, entries[:n]...)
			entries = entries[n:]
			q.mu.Unlock()
			continue
		}
		if q.room == nil {
			q.room = make(chan struct{})
		}
		room := q.room
		q.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// FlushAccess appends the entries about reads queued when it is called to
// the audit log, in changes of their own (unless other changes carried
// them first); with none queued it makes no change.
func (l *Live) FlushAccess(ctx context.Context) error {
	for n := l.accessWaiting(); n > 0; n -= maxAccessPerChange {
		if l.accessWaiting() == 0 {
			return nil
		}
		if err := l.change(ctx, func(*Live, store.Tx) ([]toAudit, error) { return nil, nil }); err != nil {
			return err
		}
	}
	return nil
}

func (l *Live) accessWaiting() int {
	l.access.mu.Lock()
	defer l.access.mu.Unlock()
	return len(l.access.entries)
}

// RecordAccess appends entries about reads — who read what, for which
// stated purpose — to the audit log in a change of its own, and returns
// once they are committed. Each entry's actor, action, entities and
// detail are the caller's; the log chains and times them. Detail must
// hold no record contents.
func (l *Live) RecordAccess(ctx context.Context, entries []audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	return l.change(ctx, func(*Live, store.Tx) ([]toAudit, error) {
		list := make([]toAudit, len(entries))
		for i := range entries {
			list[i] = toAudit{entry: &entries[i]}
		}
		return list, nil
	})
}

// takeAccess takes queued entries for a change to append: its audit list
// grows by them. The change gives them back (giveBackAccess) if it fails.
func (l *Live) takeAccess(list []toAudit) ([]toAudit, []audit.Entry) {
	q := &l.access
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.entries), maxAccessPerChange)
	if n == 0 {
		return list, nil
	}
	taken := make([]audit.Entry, n)
	copy(taken, q.entries)
	q.entries = append(q.entries[:0], q.entries[n:]...)
	if q.room != nil {
		close(q.room)
		q.room = nil
	}
	for i := range taken {
		list = append(list, toAudit{entry: &taken[i]})
	}
	return list, taken
}

// giveBackAccess queues again, first, the entries a failed change took.
func (l *Live) giveBackAccess(taken []audit.Entry) {
	if len(taken) == 0 {
		return
	}
	q := &l.access
	q.mu.Lock()
	defer q.mu.Unlock()
	q.entries = append(taken, q.entries...)
}
