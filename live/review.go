package live

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// auditChange writes the audit entry of a change: who made it, the
// records (as digests) and entities concerned, the model, and the digest
// of its evidence — every pair scored at or above the review threshold
// with its comparison levels, and the lineage events. It sets ch.Audit
// and ch.Evidence.
// The records named are keys, or the change's record.
func (l *Live) auditChange(ctx context.Context, tx store.Tx, head audit.Head, ch *Change, actor, detail string, keys ...record.Key) (audit.Head, error) {
	evidence, err := json.Marshal(struct {
		Scored  []scored       `json:"scored,omitempty"`
		Events  []record.Event `json:"events,omitempty"`
		Entity  string         `json:"entity,omitempty"`
		Comment string         `json:"comment,omitempty"`
	}{ch.scored, ch.Events, string(ch.Entity), detail})
	if err != nil {
		return head, err
	}
	ch.Evidence = audit.Digest(evidence)
	if len(keys) == 0 {
		keys = []record.Key{ch.Record}
	}
	var digests []string
	for _, k := range keys {
		if d := l.digest(k); !slices.Contains(digests, d) {
			digests = append(digests, d)
		}
	}
	e := audit.Entry{Actor: actor, Action: string(ch.Op), Records: digests, Evidence: ch.Evidence, Content: ch.content,
		Detail: fmt.Sprintf("compared %d, links %d, reviews %d, moved %d", ch.Compared, ch.Links, ch.Reviews, ch.Moved)}
	if actor != audit.ActorModel {
		e.Detail = string(ch.Op)
	}
	if ch.verdict != "" {
		e.Detail = string(ch.Op) + " " + string(ch.verdict)
	}
	for _, ev := range ch.Events {
		for _, id := range append([]record.EntityID{ev.Entity}, ev.Others...) {
			if !slices.Contains(e.Entities, string(id)) {
				e.Entities = append(e.Entities, string(id))
			}
		}
	}
	if ch.Entity != "" && !slices.Contains(e.Entities, string(ch.Entity)) {
		e.Entities = append(e.Entities, string(ch.Entity))
	}
	head, err = l.audit(ctx, tx, head, e)
	ch.Audit = head.Seq
	return head, err
}

// ErrBadDecision is returned for a decision that cannot be taken.
var ErrBadDecision = errors.New("bad decision")

// Bounds of what a reviewer writes: a name is a name, and a comment a
// paragraph or a few, not a payload.
const (
	maxReviewer = 200
	maxComment  = 10000
)

// CheckReviewer refuses a decision without a reviewer, and names or
// comments that are too long or hold control characters (a comment may
// hold line breaks and tabs): they are printed to people's terminals and
// kept in the audit log.
func CheckReviewer(reviewer, comment string) error {
	switch {
	case strings.TrimSpace(reviewer) == "":
		return fmt.Errorf("%w: a decision needs a reviewer", ErrBadDecision)
	case len(reviewer) > maxReviewer || len(comment) > maxComment:
		return fmt.Errorf("%w: a reviewer's name is at most %d bytes, a comment %d", ErrBadDecision, maxReviewer, maxComment)
	case !utf8.ValidString(reviewer) || !utf8.ValidString(comment):
		return fmt.Errorf("%w: reviewer and comment must be UTF-8 text", ErrBadDecision)
	case strings.ContainsFunc(reviewer, controlRune):
		return fmt.Errorf("%w: the reviewer's name holds a control character", ErrBadDecision)
	case strings.ContainsFunc(comment, func(r rune) bool { return r != '\n' && r != '\t' && controlRune(r) }):
		return fmt.Errorf("%w: the comment holds a control character", ErrBadDecision)
	}
	return nil
}

// controlRune reports control and bidirectional formatting characters.
func controlRune(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }

// Decide records a reviewer's verdict on a pair of stored records and
// re-clusters them: "same" is a must-link clustering always follows,
// "different" a cannot-link it never crosses, in this store and in every
// batch resolve that reads it. The pair leaves the review queue. The
// decision and its comment are kept in the store; the audit log gets the
// reviewer, the verdict and a digest of the comment.
func (l *Live) Decide(ctx context.Context, d record.Decision) (Change, error) {
	chs, err := l.DecideAll(ctx, []record.Decision{d})
	if err != nil {
		return Change{Op: ChangeDecide}, err
	}
	return chs[0], nil
}

// MaxDecisions bounds the decisions DecideAll takes at once.
const MaxDecisions = 1000

// DecideAll takes several decisions as Decide takes one, in their order,
// each with its own change and audit entry, all in one transaction: every
// decision is checked before any is stored, and a failure stores none (a
// reviewer's verdicts on a record in doubt stand or fall together).
func (l *Live) DecideAll(ctx context.Context, ds []record.Decision) ([]Change, error) {
	if len(ds) == 0 || len(ds) > MaxDecisions {
		return nil, fmt.Errorf("%w: 1 to %d decisions at once, not %d", ErrBadDecision, MaxDecisions, len(ds))
	}
	var keys []record.Key
	for _, d := range ds {
		if err := CheckReviewer(d.Reviewer, d.Comment); err != nil {
			return nil, err
		}
		keys = append(keys, d.A, d.B)
	}
	return l.manual(ctx, ChangeDecide, true, toLoad{records: keys},
		func(*Live) ([]record.Decision, error) { return ds, nil })
}

// DecideMany takes any number of decisions as DecideAll takes them,
// MaxDecisions at a time, each batch in a transaction of its own. It
// returns the changes of the decisions taken: with an error, the batch
// that failed begins at ds[len(changes)], and none of it was taken.
// progress, if not nil, is told how many are taken after each batch.
func (l *Live) DecideMany(ctx context.Context, ds []record.Decision, progress func(taken int)) ([]Change, error) {
	changes := make([]Change, 0, len(ds))
	for batch := range slices.Chunk(ds, MaxDecisions) {
		chs, err := l.DecideAll(ctx, batch)
		if err != nil {
			return changes, err
		}
		changes = append(changes, chs...)
		if progress != nil {
			progress(len(changes))
		}
	}
	return changes, nil
}

// Merge joins two entities by a reviewer's decision: a must-link between
// their first records.
func (l *Live) Merge(ctx context.Context, a, b record.EntityID, reviewer, reason string) (Change, error) {
	return l.MergeSeen(ctx, a, b, access.Everything, reviewer, reason)
}

// MergeSeen is Merge by a reviewer who sees what v lets through: the same
// decision joins the first record of each entity that v shows, so it
// never names a record the reviewer may not see. An entity none of whose
// records v shows is not found.
func (l *Live) MergeSeen(ctx context.Context, a, b record.EntityID, v access.View, reviewer, reason string) (Change, error) {
	if err := CheckReviewer(reviewer, reason); err != nil {
		return Change{Op: ChangeMerge}, err
	}
	return l.manualOne(ctx, ChangeMerge, toLoad{entities: []record.EntityID{a, b}}, func(w *Live) ([]record.Decision, error) {
		ma, mb := w.firstSeen(a, v), w.firstSeen(b, v)
		if ma == (record.Key{}) || mb == (record.Key{}) || a == b {
			return nil, fmt.Errorf("%w: merge needs two different entities with records (%s, %s)", ErrBadDecision, a, b)
		}
		return []record.Decision{{A: ma, B: mb, Verdict: record.VerdictSame, Reviewer: reviewer, Comment: reason}}, nil
	})
}

// Split takes records out of an entity by a reviewer's decision: a
// cannot-link between each of them and each other record of the entity.
// The larger part keeps the id.
func (l *Live) Split(ctx context.Context, entity record.EntityID, part []record.Key, reviewer, reason string) (Change, error) {
	return l.SplitSeen(ctx, entity, part, access.Everything, reviewer, reason)
}

// SplitSeen is Split by a reviewer who sees what v lets through: the
// decisions part each record of part from each other record of the
// entity that v shows, never from one the reviewer may not see (such a
// record goes where the links that are left put it).
func (l *Live) SplitSeen(ctx context.Context, entity record.EntityID, part []record.Key, v access.View, reviewer, reason string) (Change, error) {
	if err := CheckReviewer(reviewer, reason); err != nil {
		return Change{Op: ChangeSplit}, err
	}
	return l.manualOne(ctx, ChangeSplit, toLoad{entities: []record.EntityID{entity}}, func(w *Live) ([]record.Decision, error) {
		var members []record.Key
		for _, s := range w.mem.members[entity] {
			if k := w.mem.recs[s].key; v.Record(k) {
				members = append(members, k)
			}
		}
		for _, p := range part {
			if !slices.Contains(members, p) {
				return nil, fmt.Errorf("%w: record %s is not in entity %s", ErrBadDecision, p, entity)
			}
		}
		var ds []record.Decision
		for _, m := range members {
			if slices.Contains(part, m) {
				continue
			}
			for _, p := range part {
				ds = append(ds, record.Decision{A: p, B: m, Verdict: record.VerdictDifferent, Reviewer: reviewer, Comment: reason})
			}
		}
		if len(part) == 0 || len(ds) == 0 {
			return nil, fmt.Errorf("%w: a split needs some but not all of the entity's records", ErrBadDecision)
		}
		return ds, nil
	})
}

// firstSeen returns the smallest record of an entity that v shows.
func (l *Live) firstSeen(e record.EntityID, v access.View) record.Key {
	var first record.Key
	for _, s := range l.mem.members[e] {
		if k := l.mem.recs[s].key; v.Record(k) && (first == (record.Key{}) || k.Less(first)) {
			first = k
		}
	}
	return first
}

// manualOne is manual of decisions that make one change together (the
// cannot-links of a split): one Change, one audit entry.
func (l *Live) manualOne(ctx context.Context, op ChangeOp, load toLoad, plan func(w *Live) ([]record.Decision, error)) (Change, error) {
	chs, err := l.manual(ctx, op, false, load, plan)
	if err != nil {
		return Change{Op: op}, err
	}
	return chs[0], nil
}

// manual stores decisions and re-clusters the records they name, in one
// transaction: each decision a change with its own audit entry, or all
// of them one change with one entry (not each). plan makes the decisions
// inside the transaction, under the lock, from the entities as they are
// then: a change made meanwhile cannot slip between reading an entity and
// deciding about it. A decision's reviewer and comment are its own; the
// decisions of one change share them.
func (l *Live) manual(ctx context.Context, op ChangeOp, each bool, load toLoad, plan func(w *Live) ([]record.Decision, error)) ([]Change, error) {
	var chs []Change
	ops := 1
	if each {
		ops = len(load.records) / 2 // DecideAll loads the two records of each decision
	}
	err := l.changeOps(ctx, ops, func(w *Live, tx store.Tx) ([]toAudit, error) {
		chs = nil // afresh if the change runs again
		if err := w.loadFor(ctx, load); err != nil {
			return nil, err
		}
		ds, err := plan(w)
		if err != nil {
			return nil, &rejected{err}
		}
		// Every decision is checked before any is stored: a mistake
		// refuses the change untouched.
		for _, d := range ds {
			if err := checkDecision(w, d); err != nil {
				return nil, &rejected{err}
			}
		}
		// parts: the decisions of each change, in order.
		parts := [][]record.Decision{ds}
		if each {
			parts = parts[:0]
			for i := range ds {
				parts = append(parts, ds[i:i+1])
			}
		}
		chs = make([]Change, len(parts))
		audits := make([]toAudit, len(parts))
		for i, part := range parts {
			ch := &chs[i]
			*ch = Change{Op: op}
			var seeds []int32
			var keys []record.Key
			for _, d := range part {
				for _, k := range []record.Key{d.A, d.B} {
					seeds = append(seeds, w.mem.slot[k])
					keys = append(keys, k)
				}
				if err := tx.PutDecision(ctx, record.Decision{A: d.A, B: d.B, Verdict: d.Verdict, Reviewer: d.Reviewer, Comment: d.Comment, Time: l.now()}); err != nil {
					return nil, err
				}
				if err := tx.DeleteReview(ctx, d.A, d.B); err != nil {
					return nil, err
				}
				w.mem.setVerdict(record.NewPair(d.A, d.B), d.Verdict)
			}
			first := part[0]
			actor := audit.ActorReviewer + first.Reviewer
			ch.Record = first.A
			if err := w.recluster(withEventActor(ctx, actor, first.Comment), tx, seeds, map[record.Key]record.EntityID{}, ch); err != nil {
				return nil, err
			}
			ch.Entity = w.mem.recs[w.mem.slot[ch.Record]].entity
			ch.verdict = first.Verdict
			audits[i] = toAudit{ch: ch, actor: actor, detail: string(first.Verdict) + "\x00" + first.Comment, keys: keys}
		}
		return audits, nil
	})
	if err == nil {
		l.labelled.invalidate() // the verdicts the model view counts
	}
	return chs, err
}

// checkDecision refuses a decision that cannot be taken: an unknown
// verdict, a record and itself, a record not stored (its reviewer and
// comment CheckReviewer checked before the change began).
func checkDecision(w *Live, d record.Decision) error {
	if !d.Verdict.Valid() {
		return fmt.Errorf("%w: verdict %q: want same, different or unsure", ErrBadDecision, d.Verdict)
	}
	if d.A == d.B {
		return fmt.Errorf("%w: a record and itself", ErrBadDecision)
	}
	for _, k := range []record.Key{d.A, d.B} {
		if _, ok := w.mem.slot[k]; !ok {
			return fmt.Errorf("record %s: %w", k, store.ErrNotFound)
		}
	}
	return nil
}

// records reads and decodes stored records.
func (l *Live) records(ctx context.Context, tx store.Tx, keys ...record.Key) ([]record.Record, error) {
	out := make([]record.Record, len(keys))
	for i, k := range keys {
		s, err := tx.Record(ctx, k)
		if err != nil {
			return nil, err
		}
		if out[i], err = decodeRecord(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (l *Live) levels(a, b *record.Record) []uint8 {
	levels := make([]uint8, len(l.scorer.Comps))
	l.scorer.Compare(a, b, levels, nil)
	return levels
}

// ReadDecisions reads every reviewer's decision from a store, without
// opening a Live: what batch resolution honours.
func ReadDecisions(ctx context.Context, st store.Store) ([]record.Decision, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.Decisions(ctx, record.Key{})
}

// AuditLog returns the audit log and its head.
func (l *Live) AuditLog(ctx context.Context) ([]audit.Entry, audit.Head, error) {
	return ReadAudit(ctx, l.st)
}

// ReadAudit reads a store's audit log and head, without opening a Live.
func ReadAudit(ctx context.Context, st store.Store) ([]audit.Entry, audit.Head, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, audit.Head{}, err
	}
	defer tx.Rollback()
	var out []audit.Entry
	if err := tx.AuditEntries(ctx, 0, func(e audit.Entry) bool { out = append(out, e); return true }); err != nil {
		return nil, audit.Head{}, err
	}
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return nil, head, err
	}
	sig, err := tx.Meta(ctx, metaHeadSig)
	switch {
	case err == nil:
		head.Sig = string(sig)
	case !errors.Is(err, store.ErrNotFound):
		return nil, head, err
	}
	return out, head, nil
}

// AuditRun appends an entry about a run outside the store — a batch
// resolve — to the store's audit log, chained after the last entry, and
// signs the head with key (see Options.AuditKey).
func AuditRun(ctx context.Context, st store.Store, e audit.Entry, now time.Time, key ed25519.PrivateKey) (audit.Entry, error) {
	tx, err := st.Begin(ctx, true)
	if err != nil {
		return e, err
	}
	defer tx.Rollback()
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return e, err
	}
	e.Time = now
	e = audit.Next(head, e)
	if err := tx.AppendAudit(ctx, e); err != nil {
		return e, err
	}
	if err := tx.NoteChanges(ctx, e.Seq, nil); err != nil {
		return e, err
	}
	if err := signHead(ctx, tx, key, audit.HeadOf(e)); err != nil {
		return e, err
	}
	return e, tx.Commit()
}
