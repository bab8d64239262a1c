package live

import (
	"context"
	"encoding/hex"
	"math"
	"slices"
	"sync"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// AuditEntry is an entry of the audit log as a reader's view shows it.
// An entry that names a record of a source the view does not hold, or an
// entity none of whose records it holds, is shown Redacted: without
// those digests and ids, and without the digests of the change's evidence
// and content, which were computed over them. Its hash then no longer
// covers what is shown; GET /v1/audit/verify checks the whole log.
type AuditEntry struct {
	audit.Entry
	Redacted bool `json:"redacted,omitempty"`
}

// MarshalJSON writes the entry as audit.Entry does, with "redacted":true
// after its hash when it was redacted.
func (e AuditEntry) MarshalJSON() ([]byte, error) {
	b, err := e.Entry.MarshalJSON()
	if err != nil || !e.Redacted {
		return b, err
	}
	return append(b[:len(b)-1], `,"redacted":true}`...), nil
}

// AuditPage returns a page of the audit log as v shows it: the entries
// after sequence number after, at most limit (0: all). A view of every
// source the store holds sees the entries as they are.
func (l *Live) AuditPage(ctx context.Context, v access.View, after int64, limit int) ([]AuditEntry, error) {
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var entries []audit.Entry
	err = tx.AuditEntries(ctx, after, func(e audit.Entry) bool {
		entries = append(entries, e)
		return limit <= 0 || len(entries) < limit
	})
	if err != nil {
		return nil, err
	}
	out := make([]AuditEntry, len(entries))
	for i, e := range entries {
		out[i].Entry = e
	}
	if len(out) == 0 {
		return out, nil
	}
	seen, err := l.auditSeer(ctx, tx, v)
	if err != nil || seen == nil {
		return out, err
	}
	for i := range out {
		if out[i].Redacted, err = seen.redact(ctx, &out[i].Entry); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// VerifyAs is Verify as v shows it: a problem with the store's state that
// names a record of a source v does not hold is told without its digest.
func (l *Live) VerifyAs(ctx context.Context, v access.View) (Verification, error) {
	ver, err := l.Verify(ctx)
	for i, p := range ver.State {
		if slices.ContainsFunc(p.Sources, func(src string) bool { return !v.Source(src) }) {
			ver.State[i].Detail = hiddenProblem
		}
	}
	return ver, err
}

// hiddenProblem is the detail of a problem of the store's state that
// names a record the reader's view does not hold.
const hiddenProblem = "a record of a source this view does not hold is not as the log says"

// auditSeer tells which of the records and entities the audit log names a
// view holds; nil for a view of everything (nothing to redact).
func (l *Live) auditSeer(ctx context.Context, tx store.Tx, v access.View) (*auditSeer, error) {
	if v.Everything() {
		return nil, nil
	}
	if err := l.digestSources.update(ctx, tx, l.salt, l.storedKeys); err != nil {
		return nil, err
	}
	return &auditSeer{tx: tx, v: v, sources: l.digestSources.source, entities: map[string]bool{}}, nil
}

// auditSeer redacts audit entries for a view.
type auditSeer struct {
	tx       store.Tx
	v        access.View
	sources  func(digest string) (string, bool)
	entities map[string]bool // entity id → the view holds one of its records
}

// record reports whether the view holds the record of a digest: one the
// store does not know the source of (a record deleted before this process
// read the store) is taken as hidden.
func (s *auditSeer) record(digest string) bool {
	src, ok := s.sources(digest)
	return ok && s.v.Source(src)
}

// entity reports whether the view holds a record of an entity: a member
// now, or, for an id merged away or removed, a record its lineage names.
func (s *auditSeer) entity(ctx context.Context, id string) (bool, error) {
	if seen, ok := s.entities[id]; ok {
		return seen, nil
	}
	keys, _, err := visibleMembers(ctx, s.tx, record.EntityID(id), s.v)
	if err != nil {
		return false, err
	}
	seen := len(keys) > 0
	if !seen {
		evs, err := s.tx.Events(ctx, record.EntityID(id), 0, maxLineageScan)
		if err != nil {
			return false, err
		}
		seen = len(visibleEvents(evs, s.v)) > 0
	}
	s.entities[id] = seen
	return seen, nil
}

// maxLineageScan bounds the lineage events read to tell whether a view
// holds a record of an entity that has no members.
const maxLineageScan = 1000

// redact leaves out of e what the view does not hold, and reports whether
// anything was.
func (s *auditSeer) redact(ctx context.Context, e *audit.Entry) (bool, error) {
	n := len(e.Records) + len(e.Entities)
	e.Records = slices.DeleteFunc(slices.Clone(e.Records), func(d string) bool { return !s.record(d) })
	var err error
	e.Entities = slices.DeleteFunc(slices.Clone(e.Entities), func(id string) bool {
		seen, ferr := s.entity(ctx, id)
		err = ferr
		return ferr != nil || !seen
	})
	if err != nil {
		return false, err
	}
	if len(e.Records)+len(e.Entities) == n {
		return false, nil
	}
	e.Evidence, e.Content = "", ""
	return true, nil
}

// digestSources maps the record digests of the audit log to their
// records' sources. It is read from the store the first time a view that
// does not hold every source reads the log, and kept up to date from the
// store's change log after that.
type digestSources struct {
	mu    sync.Mutex
	read  bool  // the stored records' keys were read
	upTo  int64 // the audit sequence number it reflects
	names []string
	index map[string]uint16
	of    map[[16]byte]uint16
}

// update reads what the store changed since it was last read; all
// returns every stored record's key, as of an audit sequence number, for
// the first read.
func (d *digestSources) update(ctx context.Context, tx store.Tx, salt []byte,
	all func(context.Context, store.Tx) ([]record.Key, int64, error)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return err
	}
	dg := audit.NewKeyDigester(salt)
	if !d.read {
		keys, upTo, err := all(ctx, tx)
		if err != nil {
			return err
		}
		d.addAll(dg, keys)
		d.read, d.upTo = true, upTo
	}
	if head.Seq > d.upTo {
		keys, complete, err := tx.ChangedSince(ctx, d.upTo, head.Seq)
		if err != nil {
			return err
		}
		if !complete {
			if keys, _, err = all(ctx, tx); err != nil {
				return err
			}
		}
		d.addAll(dg, keys)
		d.upTo = head.Seq
	}
	return nil
}

// source returns the source of a digest's record, if it is known.
func (d *digestSources) source(digest string) (string, bool) {
	var b [16]byte
	if len(digest) != 2*len(b) {
		return "", false
	}
	if _, err := hex.Decode(b[:], []byte(digest)); err != nil {
		return "", false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	i, ok := d.of[b]
	if !ok {
		return "", false
	}
	return d.names[i], true
}

// addAll notes the sources of keys' digests.
func (d *digestSources) addAll(dg *audit.KeyDigester, keys []record.Key) {
	if d.of == nil {
		d.of, d.index = make(map[[16]byte]uint16, len(keys)), map[string]uint16{}
	}
	for _, k := range keys {
		d.add(dg, k)
	}
}

// storedKeys returns the key of every stored record, as of an audit
// sequence number: from the memory copy, whose lock is held only to copy
// them, or, in shared mode, from the store.
func (l *Live) storedKeys(ctx context.Context, tx store.Tx) ([]record.Key, int64, error) {
	if !l.opt.Shared && l.mem != nil {
		l.lock()
		defer l.unlock()
		keys := make([]record.Key, 0, len(l.mem.slot))
		for k := range l.mem.slot {
			keys = append(keys, k)
		}
		return keys, l.seen, nil
	}
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return nil, 0, err
	}
	var keys []record.Key
	err = tx.Records(ctx, func(r store.Record) bool {
		keys = append(keys, r.Key)
		return true
	})
	return keys, head.Seq, err
}

// add notes the source of a record's digest. A digest stays known after
// its record is deleted: the entries about it belong to its source still.
func (d *digestSources) add(dg *audit.KeyDigester, k record.Key) {
	i, ok := d.index[k.Source]
	if !ok {
		if len(d.names) > math.MaxUint16 {
			return // so many sources: the rest stay unknown, and hidden
		}
		i = uint16(len(d.names))
		d.names = append(d.names, k.Source)
		d.index[k.Source] = i
	}
	d.of[dg.Digest(k)] = i
}
