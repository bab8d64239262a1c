package live

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/cluster"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// ErrNoModel is returned by Open when neither the store nor the options
// hold a model.
var ErrNoModel = errors.New("the store has no model: train one with concord resolve and pass its model.json")

// metaModel is the store metadata key of the model.
const metaModel = "model"

// Options configure Open.
type Options struct {
	engine.Options
	// Model is stored on first use; later opens use the stored one. Giving
	// a different model than the stored one is an error.
	Model *model.Model
	// Now gives the time of audit entries and notes of the review
	// backlog; nil is time.Now.
	Now func() time.Time
	// MaxBlock skips blocking keys held by more records, as batch blocking
	// does; 0 = 1000.
	MaxBlock int
	// MaxComponent bounds how many records one change re-clusters; 0 =
	// 20000. Links beyond it are left as they are.
	MaxComponent int
	// ReadOnly opens the store for reading alone (entity, record,
	// explain, audit on a protected copy): nothing is created, and a
	// change is store.ErrReadOnly. The store must have its model.
	ReadOnly bool
	// AuditKey, when set, signs the audit log's head at every change
	// (audit.SignHead). A store whose head is signed refuses changes
	// without the key.
	AuditKey ed25519.PrivateKey
	// Shared is shared mode: the store (a store.Shared: PostgreSQL) is
	// written by many resolvers at once, and this one keeps no copy of it
	// in memory — each change reads what it needs by index, under locks
	// (see shared.go). Open is then immediate whatever the store holds.
	Shared bool
	// SharedChanges bounds the changes one process runs at once in
	// shared mode, each with a database connection; 0 = 4.
	SharedChanges int
	// NetworkRecheck is how often a served network (NetworkOf) checks the
	// store for changes, and is built again in the background when there
	// were some; 0 = DefaultNetworkRecheck.
	NetworkRecheck time.Duration
}

// Live resolves records one at a time against a store: Upsert and Delete
// change the entities of the records they touch and nothing else, and
// return what changed. Entities are the clustering of the stored links
// (pairs scored at or above the match threshold) exactly as batch Resolve
// clusters them, so the partition does not depend on the order records
// arrive in.
//
// The store is the truth and every change is one transaction in it. Live
// also keeps what resolving reads — the normalised values, the blocking
// index, the links and the entities — in memory, loaded from the store by
// Open, so that a change reads nothing from the store and writes only
// what changed. A Live is safe for concurrent use: changes are serialised,
// and reads (Record, Entity, How, WhyNot, ExplainPair, Reviews, …) each
// read one consistent snapshot of the store without waiting for them.
type Live struct {
	st       store.Store
	warnings []string // what opening found amiss, for Warnings
	scorer   *model.Scorer
	rules    []block.Rule
	linkOnly bool
	matchW   float64 // the match threshold as a weight, for clustering
	excl     []int   // the scorer's exclusive comparisons
	// placeholder and exclusive say which values of a record upserted
	// are placeholders the model found (engine.DropPlaceholders); nil
	// when it found none.
	placeholder func(source, feature, norm string) bool
	exclusive   map[string]bool
	opt         Options
	salt        []byte          // the secret of the audit log's record digests
	digests     *audit.Digester // digests under salt
	modelID     string          // digest of the model, written in the audit log
	now         func() time.Time
	*process
	mem  *mirror
	next *mirror // an import's memory copy, taken on when it commits
	seen int64   // the audit sequence number mem reflects
}

// process is what every copy of a Live shares: in shared mode each change
// runs on a copy of its own (its own memory copy), side by side.
type process struct {
	reloads   atomic.Int64
	catchUps  atomic.Int64
	restores  atomic.Int64
	commits   atomic.Int64
	conflicts atomic.Int64
	// mu serialises changes (in shared mode, those that need the store
	// alone: imports) and guards mem and seen. A change takes it after
	// the store's write transaction has begun, never before: the store's
	// writers' lock comes first. Reads do not take it: they
	// read a snapshot of the store (a read transaction), so a reader never
	// waits for a change and never sees half of one.
	mu sync.Mutex
	// memMu is held with mu (lock), but for the end of a commit
	// (commitChanges), which writes the store and leaves the memory copy
	// as it is: prescore, which only lists the candidates of an upsert
	// and checks them again at its turn, reads the copy under memMu alone,
	// so that it need not wait for a commit's disk.
	memMu sync.Mutex
	// turn is held by the caller that commits the changes waiting (see
	// commitWaiting), and waiting holds them, under waitingMu.
	turn      sync.Mutex
	waitingMu sync.Mutex
	waiting   []*waitingChange
	// changed is closed when a change of this process commits, and
	// replaced (under changedMu).
	changedMu sync.Mutex
	changed   chan struct{}
	// decoded keeps, in shared mode, what candidates read from the store
	// decode to.
	decoded *decodedCache
	// running bounds the shared-mode changes that run at once.
	running chan struct{}
	// weights and fills are counts the workbench's model and data views
	// show, read again when a minute old (counts.go).
	weights   counted[[]store.WeightCount]
	perSource counted[map[string]int64] // records stored per source
	labelled  counted[[]LabelledPair]   // reviewers' verdicts, scored (labels.go)
	fillsMu   sync.Mutex
	fills     map[string]*counted[Fill] // by source
	// backlogAt is when this process last noted the review backlog (Unix
	// seconds; noteBacklog).
	backlogAt atomic.Int64
	// networks are the networks served, by view (NetworkOf).
	networks *networkCache
	// access holds entries about reads until a change carries them.
	access accessQueue
	// digestSources are the sources of the records the audit log names,
	// for the views that do not hold them all.
	digestSources digestSources
}

// mirror is the in-memory copy of the store that resolving reads.
type mirror struct {
	slot    map[record.Key]int32
	recs    []liveRecord
	free    []int32
	index   blockIndex // blocking key → records
	members map[record.EntityID][]int32
	// verdicts are reviewers' decisions (same or different) by pair, and
	// partners the other record of each, by record. They name records by
	// key: a decision outlives an update of its records.
	verdicts map[record.Pair]record.Verdict
	partners map[record.Key][]record.Key
	// dirty, while a change runs, holds every record whose state in
	// memory it touched: what to read again from the store if the change
	// fails after it began to write (nil: not tracking).
	dirty map[record.Key]struct{}
	// In shared mode, a change's own copy: capped are the blocking keys
	// held by too many records to compare by (the copy holds only some of
	// their holders), and src where the rest comes from. Both nil in the
	// memory-resident mode.
	capped map[uint64]bool
	src    *partial
	// unpacked is what an upsert unpacks its candidates' values into,
	// kept for the next: changes run one at a time on a memory copy.
	unpacked record.Unpacked
	// firsts is firstCopies' set, kept for the next call: it runs under
	// the memory copy's lock (memMu), as changes, scoring ahead and
	// screening read the copy.
	firsts map[uint64]int32
	// copyCount counts the records of each copyHash (the process's own
	// copy, whose values are packed).
	copyCount map[uint64]int32
	// unreviewed is the mark of a record no pair for review in the store
	// names (liveRecord.unreviewed); a catch-up with another process's
	// changes, which may have added some, moves it on.
	unreviewed uint32
}

// touch marks records as changed in memory by the change in progress.
func (m *mirror) touch(keys ...record.Key) {
	if m.dirty == nil {
		return
	}
	for _, k := range keys {
		m.dirty[k] = struct{}{}
	}
}

// setVerdict records or replaces the decision on a pair; an unsure
// verdict constrains nothing and clears an earlier one.
func (m *mirror) setVerdict(p record.Pair, v record.Verdict) {
	m.touch(p.A, p.B)
	if _, ok := m.verdicts[p]; ok {
		m.partners[p.A] = slices.DeleteFunc(m.partners[p.A], func(k record.Key) bool { return k == p.B })
		m.partners[p.B] = slices.DeleteFunc(m.partners[p.B], func(k record.Key) bool { return k == p.A })
		delete(m.verdicts, p)
	}
	if v == record.VerdictSame || v == record.VerdictDifferent {
		m.verdicts[p] = v
		m.partners[p.A] = append(m.partners[p.A], p.B)
		m.partners[p.B] = append(m.partners[p.B], p.A)
	}
}

type liveRecord struct {
	key    record.Key
	kind   record.EntityKind
	entity record.EntityID
	// values are the record's values per comparison in a change's copy
	// (shared mode); the process's own copy holds them packed instead
	// (valuesOf reads either).
	values [][]record.Value
	packed record.PackedValues
	// copyHash hashes what makes records copies (copyOf) when the values
	// are packed, so that copies are found without reading them; copied
	// is set when another record of the hash was stored before it (so
	// that of each set of copies stored, all but perhaps one are marked,
	// and every block holding them holds a marked one).
	copyHash uint64
	copied   bool
	keys     []uint64
	links    []liveLink
	alive    bool
	// relates says the record states relationships (record.Relation): a
	// change to it notes a related event.
	relates bool
	// unreviewed equals its mirror's unreviewed when this process knows
	// that no pair for review in the store names the record: its last
	// update dropped them, and no change since put one. An update then
	// need not look for them (Supersede), only for the record's rejects.
	unreviewed uint32
}

type liveLink struct {
	to     int32
	weight float64
}

func newMirror() *mirror {
	return &mirror{slot: map[record.Key]int32{}, index: newBlockIndex(), members: map[record.EntityID][]int32{}, copyCount: map[uint64]int32{},
		verdicts: map[record.Pair]record.Verdict{}, partners: map[record.Key][]record.Key{}, unreviewed: 1}
}

// reviewed notes that a pair for review names the record of key, if it is
// in the memory copy.
func (m *mirror) reviewed(key record.Key) {
	if s, ok := m.slot[key]; ok {
		m.recs[s].unreviewed = 0
	}
}

// markUnreviewed marks every record of a memory copy just read as one no
// pair for review names, but those named (by every pair for review in
// the store).
func (m *mirror) markUnreviewed(named []record.Key) {
	for i := range m.recs {
		if m.recs[i].alive {
			m.recs[i].unreviewed = m.unreviewed
		}
	}
	for _, k := range named {
		m.reviewed(k)
	}
}

// add places a record and returns its slot.
func (m *mirror) add(key record.Key, kind record.EntityKind, entity record.EntityID, values [][]record.Value, keys []uint64, relates bool) int32 {
	var s int32
	if n := len(m.free); n > 0 {
		s, m.free = m.free[n-1], m.free[:n-1]
	} else {
		s = int32(len(m.recs))
		m.recs = append(m.recs, liveRecord{})
	}
	m.touch(key)
	r := liveRecord{key: key, kind: kind, entity: entity, values: values, keys: keys, alive: true, relates: relates}
	if m.src == nil {
		// The process's own copy, held as long as it runs: its values
		// in one string, which the garbage collector never scans (a
		// change's copy in shared mode lives for one change).
		r.values, r.packed = nil, record.PackValues(values)
		r.copyHash = copyHash(key.Source, kind, r.packed)
		n := m.copyCount[r.copyHash]
		m.copyCount[r.copyHash] = n + 1
		r.copied = n > 0
	}
	m.recs[s] = r
	m.slot[key] = s
	for _, k := range keys {
		m.index.add(k, s)
	}
	if entity != "" {
		m.members[entity] = append(m.members[entity], s)
	}
	return s
}

// valuesOf returns the values of the record in slot s, unpacked into u
// when packed (see record.PackedValues.Unpack for how long they last).
func (m *mirror) valuesOf(s int32, u *record.Unpacked) [][]record.Value {
	r := &m.recs[s]
	return valuesOr(r.values, r.packed, u)
}

// valuesOr returns values, or when they are nil the packed ones unpacked
// into u: a record of the memory copy holds one or the other.
func valuesOr(values [][]record.Value, packed record.PackedValues, u *record.Unpacked) [][]record.Value {
	if values != nil || packed == "" {
		return values
	}
	return packed.Unpack(u)
}

// remove takes a record out with its keys, links and membership.
func (m *mirror) remove(s int32) {
	r := &m.recs[s]
	m.touch(r.key)
	for _, k := range r.keys {
		m.index.remove(k, s)
	}
	for _, l := range r.links {
		o := &m.recs[l.to]
		m.touch(o.key)
		o.links = slices.DeleteFunc(o.links, func(x liveLink) bool { return x.to == s })
	}
	if r.packed != "" {
		if n := m.copyCount[r.copyHash]; n > 1 {
			m.copyCount[r.copyHash] = n - 1
		} else {
			delete(m.copyCount, r.copyHash)
		}
	}
	m.setEntity(s, "")
	delete(m.slot, r.key)
	m.recs[s] = liveRecord{}
	m.free = append(m.free, s)
}

func (m *mirror) link(a, b int32, w float64) {
	m.touch(m.recs[a].key, m.recs[b].key)
	m.recs[a].links = append(m.recs[a].links, liveLink{b, w})
	m.recs[b].links = append(m.recs[b].links, liveLink{a, w})
}

func (m *mirror) setEntity(s int32, e record.EntityID) {
	r := &m.recs[s]
	if r.entity == e {
		return
	}
	m.touch(r.key)
	if r.entity != "" {
		m.members[r.entity] = dropSlot(m.members[r.entity], s)
		if len(m.members[r.entity]) == 0 {
			delete(m.members, r.entity)
		}
	}
	r.entity = e
	if e != "" {
		m.members[e] = append(m.members[e], s)
	}
}

func dropSlot(s []int32, x int32) []int32 {
	if i := slices.Index(s, x); i >= 0 {
		s[i] = s[len(s)-1]
		return s[:len(s)-1]
	}
	return s
}

// Open prepares real-time resolution over st: it reads the model and
// loads the records, links and entities into memory.
func Open(ctx context.Context, st store.Store, opt Options) (*Live, error) {
	if opt.MaxBlock <= 0 {
		opt.MaxBlock = 1000
	}
	if opt.MaxComponent <= 0 {
		opt.MaxComponent = 20000
	}
	l := &Live{st: st, opt: opt, now: opt.Now, process: &process{networks: &networkCache{byView: map[string]*networkEntry{}}}}
	if l.now == nil {
		l.now = time.Now
	}
	m, err := l.prepare(ctx, opt.Model)
	if err != nil {
		return nil, err
	}
	for _, note := range []string{engine.StaleNormalizer(m), engine.StaleBlockKeys(m)} {
		if note == "" {
			continue
		}
		l.warnings = append(l.warnings, note)
		if opt.Logger != nil {
			opt.Logger.Warn("store: " + note)
		}
	}
	s, err := m.Compile()
	if err != nil {
		return nil, err
	}
	l.scorer, l.linkOnly, l.excl = s, m.LinkOnly, s.Exclusive()
	l.matchW = s.MatchWeight()
	plan, err := engine.NewPlan(nil, m)
	if err != nil {
		return nil, fmt.Errorf("stored model: %w", err)
	}
	l.rules = plan.Rules
	l.placeholder, l.exclusive = m.PlaceholderSet(), plan.ExclusiveFeatures()
	if opt.Shared {
		if _, err := sharedStore(st); err != nil {
			return nil, err
		}
		if opt.SharedChanges <= 0 {
			opt.SharedChanges = 4
		}
		l.opt.SharedChanges = opt.SharedChanges
		l.mem, l.running, l.decoded = newMirror(), make(chan struct{}, opt.SharedChanges), newDecodedCache(decodedPerGen)
		return l, nil
	}
	if err := l.reload(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Warnings are what Open found amiss but did not stop for: a model
// trained on values another version of the normalisers read
// (engine.StaleNormalizer), or by a build that made blocking keys
// otherwise (engine.StaleBlockKeys). Open also logs them.
func (l *Live) Warnings() []string { return l.warnings }

// metaSalt is the store metadata key of the audit log's secret.
const metaSalt = "audit_salt"

// metaSaltCheck is the store metadata key of the check of a digest
// secret kept outside the store (audit.SecretCheck).
const metaSaltCheck = "audit_salt_check"

// digestSecret returns the secret of the digests that name records in the
// audit log and the lineage. It lives in the store, unless the store was
// created with CONCORD_DIGEST_SECRET_FILE set: then the file holds it and
// the store only a check that the file is the right one. create makes the
// secret of a new store (where it lives follows the environment then).
func digestSecret(ctx context.Context, tx store.Tx, create bool) ([]byte, error) {
	outside, err := audit.SecretFromEnv()
	if err != nil {
		return nil, err
	}
	salt, err := tx.Meta(ctx, metaSalt)
	switch {
	case err == nil:
		if outside != nil {
			return nil, fmt.Errorf("this store keeps its digest secret inside; unset %s", audit.SecretEnv)
		}
		return salt, nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	check, err := tx.Meta(ctx, metaSaltCheck)
	switch {
	case err == nil:
		if outside == nil {
			return nil, fmt.Errorf("this store's digest secret is kept outside it: set %s", audit.SecretEnv)
		}
		if string(check) != audit.SecretCheck(outside) {
			return nil, fmt.Errorf("%s is not this store's digest secret", audit.SecretEnv)
		}
		return outside, nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	case !create:
		return nil, fmt.Errorf("the store has no digest secret: it was never written (%w)", ErrNoModel)
	case outside != nil:
		return outside, tx.SetMeta(ctx, metaSaltCheck, []byte(audit.SecretCheck(outside)))
	}
	salt = make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return salt, tx.SetMeta(ctx, metaSalt, salt)
}

// metaHeadSig is the store metadata key of the audit head's signature.
const metaHeadSig = store.MetaAuditHeadSig

// ErrUnsignedWrite is returned for a change to a store whose audit log is
// signed, by a process that does not hold the key.
var ErrUnsignedWrite = errors.New("the store's audit log is signed: changes need its key (set " + audit.KeyEnv + ")")

// signHead signs head, the audit head a transaction leaves, with key; with
// no key it checks that the log was never signed.
func signHead(ctx context.Context, tx store.Tx, key ed25519.PrivateKey, head audit.Head) error {
	if key == nil {
		_, err := tx.Meta(ctx, metaHeadSig)
		switch {
		case err == nil:
			return ErrUnsignedWrite
		case errors.Is(err, store.ErrNotFound):
			return nil
		}
		return err
	}
	return tx.SetMeta(ctx, metaHeadSig, []byte(audit.SignHead(key, head)))
}

// prepare returns the store's model, storing m first if it has none (an
// audited model change), and reads or makes the audit salt.
func (l *Live) prepare(ctx context.Context, m *model.Model) (*model.Model, error) {
	tx, err := l.st.Begin(ctx, !l.opt.ReadOnly)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if l.salt, err = digestSecret(ctx, tx, !l.opt.ReadOnly); err != nil {
		return nil, err
	}
	l.digests = audit.NewDigester(l.salt)
	stored, err := tx.Meta(ctx, metaModel)
	switch {
	case errors.Is(err, store.ErrNotFound) && (m == nil || l.opt.ReadOnly):
		return nil, ErrNoModel
	case errors.Is(err, store.ErrNotFound):
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			return nil, err
		}
		if err := tx.SetMeta(ctx, metaModel, buf.Bytes()); err != nil {
			return nil, err
		}
		l.modelID = audit.Digest(buf.Bytes())
		head, err := tx.AuditHead(ctx)
		if err != nil {
			return nil, err
		}
		head, err = l.audit(ctx, tx, head, audit.Entry{Actor: audit.ActorSystem, Action: "model", Evidence: l.modelID,
			Detail: fmt.Sprintf("%d comparisons, prior %.6g", len(m.Comparisons), m.Prior)})
		if err != nil {
			return nil, err
		}
		if err := tx.NoteChanges(ctx, head.Seq, nil); err != nil {
			return nil, err
		}
		if err := signHead(ctx, tx, l.opt.AuditKey, head); err != nil {
			return nil, err
		}
		return m, tx.Commit()
	case err != nil:
		return nil, err
	}
	sm, err := model.Read(bytes.NewReader(stored))
	if err != nil {
		return nil, fmt.Errorf("stored model: %w", err)
	}
	if m != nil {
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			return nil, err
		}
		if !bytes.Equal(buf.Bytes(), stored) {
			return nil, errors.New("the store already has a different model; resolving with two models would mix their decisions")
		}
	}
	l.modelID = audit.Digest(stored)
	if l.opt.ReadOnly {
		return sm, nil
	}
	return sm, tx.Commit()
}

// audit appends an entry after head and returns the new head.
func (l *Live) audit(ctx context.Context, tx store.Tx, head audit.Head, e audit.Entry) (audit.Head, error) {
	if e.Model == "" && e.Actor != audit.ActorSystem {
		e.Model = l.modelID
	}
	e.Time = l.now()
	e = audit.Next(head, e)
	if err := tx.AppendAudit(ctx, e); err != nil {
		return head, err
	}
	return audit.HeadOf(e), nil
}

// digest names a record in the audit log.
func (l *Live) digest(k record.Key) string { return l.digests.Key(k) }

// reload rebuilds the in-memory copy from the store, decoding records on
// every core.
func (l *Live) reload(ctx context.Context) error {
	l.reloads.Add(1)
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return err
	}
	total, err := tx.CountRecords(ctx)
	if err != nil {
		return err
	}
	mem := newMirror()
	var n int64
	err = eachDecoded(ctx, tx, nil, func(_ store.Record, rec record.Record) decoded {
		return l.decodedOf(&rec)
	}, func(r store.Record, d decoded) {
		mem.add(r.Key, d.kind, r.Entity, d.values, r.Keys, d.relates)
		if n++; l.opt.Progress != nil && n%4096 == 0 {
			l.opt.Progress.Update(n, n, total)
		}
	})
	if l.opt.Progress != nil {
		l.opt.Progress.Done()
	}
	if err != nil {
		return err
	}
	err = tx.EachLink(ctx, func(lk record.Link) bool {
		a, okA := mem.slot[lk.A]
		b, okB := mem.slot[lk.B]
		if okA && okB {
			mem.link(a, b, lk.Weight)
		}
		return true
	})
	if err != nil {
		return err
	}
	decisions, err := tx.Decisions(ctx, record.Key{})
	if err != nil {
		return err
	}
	for _, d := range decisions {
		mem.setVerdict(record.NewPair(d.A, d.B), d.Verdict)
	}
	named, err := tx.ReviewedRecords(ctx)
	if err != nil {
		return err
	}
	mem.markUnreviewed(named)
	l.mem, l.seen = mem, head.Seq
	return nil
}

// Model returns the model Live scores with.
func (l *Live) Model() *model.Model { return l.scorer.Model }

// Scorer returns the scorer of Model.
func (l *Live) Scorer() *model.Scorer { return l.scorer }

// ChangeOp names what a change did; it is the audit entry's action too.
type ChangeOp string

// The changes of real-time resolution.
const (
	ChangeUpsert ChangeOp = "upsert" // a record added or replaced
	ChangeDelete ChangeOp = "delete" // a record removed
	ChangeDecide ChangeOp = "decide" // a reviewer's verdict on a pair
	ChangeMerge  ChangeOp = "merge"  // a reviewer joined two entities
	ChangeSplit  ChangeOp = "split"  // a reviewer took records out of an entity
)

// Change is what one upsert, delete or reviewer's change did.
type Change struct {
	Op     ChangeOp        `json:"op"`
	Record record.Key      `json:"record"`
	Entity record.EntityID `json:"entity,omitempty"` // the record's entity now; empty after a delete
	// Previous is the record's entity before, for an update or delete.
	Previous record.EntityID `json:"previous,omitempty"`
	// Events are the lineage entries written: entities created, merged,
	// split or removed.
	Events []record.Event `json:"events,omitempty"`
	// Moved counts the other records whose entity changed.
	Moved int `json:"moved"`
	// Compared counts the candidate pairs scored; Links and Reviews the
	// pairs that linked or went to review.
	Compared int `json:"compared"`
	Links    int `json:"links"`
	Reviews  int `json:"reviews"`
	// CappedKeys counts blocking keys skipped for being too common.
	CappedKeys int `json:"capped_keys,omitempty"`
	// Truncated is set when the linked records around the change were
	// more than Options.MaxComponent: only that many were clustered
	// again, and entities beyond them were left as they were.
	Truncated bool `json:"truncated,omitempty"`
	// Audit is the sequence number of the change's audit entry, and
	// Evidence the digest of its evidence written there.
	Audit    int64  `json:"audit"`
	Evidence string `json:"evidence,omitempty"`

	scored  []scored       // the evidence: every pair scored
	content string         // an upsert's: audit.ContentDigest of the record stored
	verdict record.Verdict // a reviewer's change: the verdict of its decisions
}

// scored is one scored pair of a change, as the audit log digests it.
type scored struct {
	B      string  `json:"b"` // the other record's digest
	Weight float64 `json:"w"`
	Levels []uint8 `json:"l"`
}

// Op is one change of a batch: a record to upsert, or, with Delete set,
// the key of a record to delete.
type Op struct {
	Record record.Record
	Delete bool
}

// Upsert adds a normalised record, or replaces the stored record with its
// key, and resolves it against the store.
func (l *Live) Upsert(ctx context.Context, rec record.Record) (Change, error) {
	chs, err := l.Apply(ctx, []Op{{Record: rec}})
	if err != nil {
		return Change{Op: ChangeUpsert, Record: rec.Key}, err
	}
	return chs[0], nil
}

// Delete removes a record and re-resolves the records it linked.
// A missing record returns an error wrapping store.ErrNotFound.
func (l *Live) Delete(ctx context.Context, key record.Key) (Change, error) {
	chs, err := l.Apply(ctx, []Op{{Record: record.Record{Key: key}, Delete: true}})
	if err != nil {
		return Change{Op: ChangeDelete, Record: key}, err
	}
	return chs[0], nil
}

// Apply makes several changes in one transaction (group commit): all of
// them are stored, or none. Each is resolved after the ones before it, so
// the result is the same as applying them one by one. A delete of a
// missing record fails the whole batch with store.ErrNotFound.
func (l *Live) Apply(ctx context.Context, ops []Op) ([]Change, error) {
	return l.ApplyMarked(ctx, ops, nil)
}

// ApplyMarked is Apply that also stores marks (store metadata, key →
// value) in the same transaction: a consumer's position in its input, so
// that the changes and the position commit together or not at all. With
// no ops it stores the marks alone.
func (l *Live) ApplyMarked(ctx context.Context, ops []Op, marks map[string][]byte) ([]Change, error) {
	return l.ApplyMarkedAfter(ctx, ops, marks, nil)
}

// ApplyMarkedAfter is ApplyMarked on a condition: that each mark in after
// holds the value given there (nil: no mark). Otherwise nothing is done and
// the error wraps ErrMarkMoved — another process moved the position (a
// consumer that took over a partition), and what the caller was about to
// apply may be applied already.
func (l *Live) ApplyMarkedAfter(ctx context.Context, ops []Op, marks, after map[string][]byte) ([]Change, error) {
	if err := errors.Join(checkMarks(marks), checkMarks(after)); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, l.setMarks(ctx, marks, after)
	}
	// What each upsert needs of its record alone is found before the
	// write lock is taken, so that concurrent callers do it in parallel.
	preps := make([]upsertPrep, len(ops))
	for i, op := range ops {
		if !op.Delete {
			var err error
			if preps[i], err = l.prepareUpsert(&ops[i].Record); err != nil {
				return nil, err
			}
		}
	}
	l.prescore(ops, preps)
	chs := make([]Change, len(ops))
	err := l.changeOps(ctx, len(ops), func(w *Live, tx store.Tx) ([]toAudit, error) {
		var stx store.SharedTx // the change's own copy's transaction
		if w.mem.src != nil {
			stx = w.mem.src.tx
		}
		if err := checkMarksAfter(ctx, tx, after, stx); err != nil {
			return nil, err
		}
		if err := w.loadOps(ctx, ops, preps); err != nil {
			return nil, err
		}
		// A delete of a record that is not there, at its turn in the
		// batch, refuses the batch before anything is touched.
		present := map[record.Key]bool{}
		for _, op := range ops {
			k := op.Record.Key
			exists, seen := present[k]
			if !seen {
				_, exists = w.mem.slot[k]
			}
			if op.Delete && !exists {
				return nil, &rejected{fmt.Errorf("record %s: %w", k, store.ErrNotFound)}
			}
			present[k] = !op.Delete
		}
		list := make([]toAudit, len(ops))
		for i, op := range ops {
			var err error
			if op.Delete {
				chs[i], err = w.delete(ctx, tx, op.Record.Key)
			} else {
				chs[i], err = w.upsert(ctx, tx, op.Record, &preps[i])
			}
			if err != nil {
				return nil, err
			}
			list[i] = toAudit{ch: &chs[i], actor: actorOf(ctx)}
		}
		return list, putMarks(ctx, tx, marks)
	})
	if err != nil {
		return nil, err
	}
	return chs, nil
}

// rejected is a change refused before it touched anything (a client's
// mistake: deleting a record that is not there, a bad verdict): the memory
// copy is as it was, and need not be read again.
type rejected struct{ err error }

func (r *rejected) Error() string { return r.err.Error() }
func (r *rejected) Unwrap() error { return r.err }

// Reloads counts the times the memory copy was read again from the store
// whole: when another writer's changes are too many (or not logged) to
// catch up on, or a restore failed. A client's mistake or a failed change
// costs none.
func (l *Live) Reloads() int64 { return l.reloads.Load() }

// Restores counts the changes that failed after they began to write (a
// store error, a full disk) and whose records were read again from the
// store.
func (l *Live) Restores() int64 { return l.restores.Load() }

// Commits counts the write transactions commitWaiting committed (every
// change but shared mode's, which have one each): several callers'
// changes that waited together share one.
func (l *Live) Commits() int64 { return l.commits.Load() }

// CatchUps counts the times the memory copy caught up with another
// writer's changes from the change log, reading only what changed.
func (l *Live) CatchUps() int64 { return l.catchUps.Load() }

// change runs fn in a write transaction and commits it, one change after
// another; changes that wait together share a transaction (commitWaiting,
// not in shared mode). fn validates and plans against the memory copy first — a client's
// mistake is a *rejected error, returned before anything is touched —
// then writes to the store and the memory copy together. If fn fails
// after that, or the commit does, the transaction rolls back and the
// records the change touched in memory are read again from the store
// (restore), in time proportional to the change, not to the store.
//
// Every change appends to the audit log, so the log's head tells whether
// the store has changed since the memory copy was read.
func (l *Live) change(ctx context.Context, fn func(w *Live, tx store.Tx) ([]toAudit, error)) error {
	return l.changeOps(ctx, 1, fn)
}

// changeOps is change of a function that makes ops changes of records:
// a transaction that commits several callers' changes holds at most
// maxGroupOps of them (unless one alone has more).
func (l *Live) changeOps(ctx context.Context, ops int, fn func(w *Live, tx store.Tx) ([]toAudit, error)) error {
	if l.opt.ReadOnly {
		return store.ErrReadOnly
	}
	var err error
	if l.opt.Shared {
		err = l.changeShared(ctx, fn)
	} else {
		err = l.commitWaiting(&waitingChange{ctx: ctx, fn: fn, ops: ops})
	}
	if err == nil {
		l.noteBacklog(ctx)
	}
	return err
}

// backlogEvery is how often a process notes the review backlog: after
// the first change that long after the last note.
const backlogEvery = time.Hour

// noteBacklog notes how many pairs are in review per pair of sources,
// when this process has not in the last hour: it counts them in a read
// transaction, after the change that asks and outside it (no change waits
// for the count),
// and writes the note as a change of its own. A note that fails is tried
// again with the next change.
func (l *Live) noteBacklog(ctx context.Context) {
	now, last := l.now(), l.backlogAt.Load()
	if now.Unix()-last < int64(backlogEvery/time.Second) || !l.backlogAt.CompareAndSwap(last, now.Unix()) {
		return
	}
	var counts []store.PairCount
	err := l.read(ctx, func(tx store.Tx) (err error) {
		counts, err = tx.ReviewCounts(ctx)
		return err
	})
	if len(counts) == 0 {
		counts = []store.PairCount{{}} // none in review: a note of nothing
	}
	if err == nil {
		err = l.change(ctx, func(_ *Live, tx store.Tx) ([]toAudit, error) { return nil, tx.AddBacklog(ctx, now, counts) })
	}
	if err != nil {
		l.backlogAt.CompareAndSwap(now.Unix(), last)
	}
}

// toAudit is an audit entry a change appends once its work is done: the
// entry of Change ch (see auditChange), or entry as it is.
type toAudit struct {
	ch            *Change
	actor, detail string
	keys          []record.Key
	entry         *audit.Entry
}

// appendAudits appends the entries of a change after head.
func (l *Live) appendAudits(ctx context.Context, tx store.Tx, head audit.Head, list []toAudit) (audit.Head, error) {
	var err error
	for _, a := range list {
		if a.entry != nil {
			head, err = l.audit(ctx, tx, head, *a.entry)
		} else {
			head, err = l.auditChange(ctx, tx, head, a.ch, a.actor, a.detail, a.keys...)
		}
		if err != nil {
			return head, err
		}
	}
	return head, nil
}

// commitWaiting runs a change as the store's one writer, with the
// changes of other callers that wait meanwhile: it queues the change and
// waits for the turn to commit; the caller whose turn it is commits the
// changes waiting then, its own and others', up to maxGroupOps in one
// transaction (group commit). A change that must be alone (an import,
// which replaces the memory copy) has a transaction of its own.
//
// A transaction begins the store's write transaction before it takes
// l.mu: a writer that waits for the store (behind another process's
// writer, or the checkpointer starting the log again) then holds up the
// other writers alone, not the screening queries that read the memory
// copy under l.mu.
func (l *Live) commitWaiting(w *waitingChange) error {
	l.waitingMu.Lock()
	l.waiting = append(l.waiting, w)
	l.waitingMu.Unlock()
	l.turn.Lock()
	defer l.turn.Unlock()
	for !w.done {
		l.waitingMu.Lock()
		n, ops := 1, l.waiting[0].ops
		for !l.waiting[0].alone && n < len(l.waiting) && !l.waiting[n].alone && ops+l.waiting[n].ops <= maxGroupOps {
			ops += l.waiting[n].ops
			n++
		}
		group := slices.Clone(l.waiting[:n])
		l.waiting = append(l.waiting[:0], l.waiting[n:]...)
		l.waitingMu.Unlock()
		l.commitGroup(group)
	}
	return w.err
}

// maxGroupOps bounds the changes of records that one transaction of
// commitWaiting commits for several callers.
const maxGroupOps = 256

// waitingChange is a change waiting for its turn in commitWaiting: done
// and err are set by the caller that committed it.
type waitingChange struct {
	ctx   context.Context
	fn    func(w *Live, tx store.Tx) ([]toAudit, error)
	ops   int  // changes of records it makes
	alone bool // committed in a transaction of its own
	done  bool
	err   error
}

// commitGroup commits changes in one transaction (group commit): callers
// that waited for the same turn share its begin, audit head signature and
// commit, and what they write to the same pages is written once. If any
// of them fails, the transaction is rolled back (the records it touched
// in memory read again) and each is committed alone, so that one caller's
// error is never another's.
func (l *Live) commitGroup(group []*waitingChange) {
	defer func() {
		for _, w := range group {
			w.done = true
		}
	}()
	if len(group) > 1 {
		if err := l.commitChanges(context.WithoutCancel(group[0].ctx), group); err == nil {
			return
		}
	}
	for _, w := range group {
		w.err = l.commitChanges(w.ctx, []*waitingChange{w})
	}
}

// commitChanges runs the changes' functions in one write transaction, in
// order, and commits it.
func (l *Live) commitChanges(ctx context.Context, group []*waitingChange) (err error) {
	tx, err := l.st.Begin(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.memMu.Lock()
	memHeld := true
	defer func() {
		if memHeld {
			l.memMu.Unlock()
		}
	}()
	head, err := tx.AuditHead(ctx)
	if err != nil {
		return err
	}
	if head.Seq != l.seen && !l.opt.Shared {
		// Another process changed the store since this one last read it:
		// catch up first. The write lock held keeps it still meanwhile.
		if err := l.catchUp(ctx, tx, head.Seq); err != nil {
			return errors.Join(err, l.reload(context.WithoutCancel(ctx)))
		}
	}
	l.mem.dirty = map[record.Key]struct{}{}
	defer func() {
		if !memHeld {
			l.memMu.Lock()
			memHeld = true
		}
		dirty := l.mem.dirty
		l.mem.dirty, l.next = nil, nil
		// A change refused (rejected) touched nothing, but the changes
		// before it in its group did.
		var rj *rejected
		if err == nil || (errors.As(err, &rj) && len(group) == 1) || l.opt.Shared {
			return
		}
		tx.Rollback()
		if rerr := l.restore(context.WithoutCancel(ctx), dirty); rerr != nil {
			err = errors.Join(err, fmt.Errorf("restore after a failed change: %w", rerr))
		}
	}()
	nt := newNoting(tx)
	var list []toAudit
	for _, w := range group {
		if err := w.ctx.Err(); err != nil {
			return err // its caller is gone
		}
		more, err := w.fn(l, nt)
		if err != nil {
			return err
		}
		list = append(list, more...)
	}
	list, taken := l.takeAccess(list)
	defer func() {
		if err != nil {
			l.giveBackAccess(taken)
		}
	}()
	// The memory copy holds the changes; what is left writes the store.
	// Screening and other readers of the copy still wait (mu): they see
	// a change once it is committed, never one that may yet fail.
	l.memMu.Unlock()
	memHeld = false
	if head, err = l.appendAudits(ctx, tx, head, list); err != nil {
		return err
	}
	if err := tx.NoteChanges(ctx, head.Seq, nt.noted()); err != nil {
		return err
	}
	if err := signHead(ctx, tx, l.opt.AuditKey, head); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	l.memMu.Lock()
	memHeld = true
	l.commits.Add(1)
	if l.next != nil { // an import's memory copy, now the store's
		l.mem = l.next
	}
	l.seen = head.Seq
	l.notify()
	return nil
}

// restore reads the records a failed change touched in memory again from
// the store, which the rollback left as it was; with no record touched
// (or an import) nothing in memory changed. Should that fail, the memory
// copy is read again whole.
func (l *Live) restore(ctx context.Context, dirty map[record.Key]struct{}) error {
	l.restores.Add(1)
	tx, err := l.st.Begin(ctx, false)
	if err == nil {
		defer tx.Rollback()
		keys := make([]record.Key, 0, len(dirty))
		for k := range dirty {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, record.Key.Compare)
		for _, k := range keys {
			if err = l.refresh(ctx, tx, k); err != nil {
				break
			}
		}
	}
	if err != nil {
		return errors.Join(err, l.reload(ctx))
	}
	return nil
}

// upsertPrep is what an upsert needs of its record alone: its stored
// form and digest, blocking keys and values to compare.
type upsertPrep struct {
	data    []byte
	content string
	perRule [][]uint64
	values  [][]record.Value
	pre     prescored // its candidates' scores before its turn (prescore)
}

// prepareUpsert finds what an upsert of rec needs of rec alone; it reads no
// state that changes, so it needs no lock.
// It removes the values of rec that are placeholders, as Resolve did from
// the records it resolved.
func (l *Live) prepareUpsert(rec *record.Record) (upsertPrep, error) {
	if l.placeholder != nil {
		engine.DropPlaceholders(rec, l.exclusive, l.placeholder)
	}
	data, err := store.EncodeRecord(rec)
	if err != nil {
		return upsertPrep{}, fmt.Errorf("record %s: %w", rec.Key, err)
	}
	return upsertPrep{data: data, content: l.digests.Content(data),
		perRule: block.Keys(rec, l.rules, 0), values: l.scorer.Values(rec)}, nil
}

func (l *Live) upsert(ctx context.Context, tx store.Tx, rec record.Record, prep *upsertPrep) (Change, error) {
	ch := Change{Op: ChangeUpsert, Record: rec.Key}
	mem := l.mem
	var seeds []int32
	prev := map[record.Key]record.EntityID{}
	had := false // whether the stored record stated relationships
	// An update replaces the stored record in place, in the entity it was
	// in, and writes only the links that changed (an update mostly keeps
	// them): stale is the stored record's links by their other end, each
	// deleted unless the update links that record again. A shared-mode
	// copy may not hold every link of the record: there the record is
	// deleted with its links and added again.
	var stale map[record.Key]float64
	entity := record.EntityID("")
	unreviewed := false // the update drops every pair for review naming the record
	if s, ok := mem.slot[rec.Key]; ok {
		ch.Previous, had = mem.recs[s].entity, mem.recs[s].relates
		prev[rec.Key] = ch.Previous
		seeds = l.neighbours(s)
		var err error
		if mem.src == nil {
			if err := l.handOver(ctx, tx, s); err != nil {
				return ch, err
			}
			entity = ch.Previous
			stale = make(map[record.Key]float64, len(mem.recs[s].links))
			for _, lk := range mem.recs[s].links {
				stale[mem.recs[lk.to].key] = lk.weight
			}
			if mem.recs[s].unreviewed == mem.unreviewed {
				err = tx.DropRejects(ctx, rec.Key)
			} else {
				err = tx.Supersede(ctx, rec.Key)
			}
			unreviewed = true
		} else {
			err = tx.DeleteRecord(ctx, rec.Key)
		}
		mem.remove(s)
		if err != nil {
			return ch, err
		}
	}
	data, perRule := prep.data, prep.perRule
	keys := slices.Concat(perRule...)
	cands, rule, capped := l.candidates(&rec, perRule)
	ch.CappedKeys += capped
	va := prep.values
	self := mem.add(rec.Key, rec.Kind, entity, va, keys, len(rec.Relations) > 0)
	if unreviewed {
		mem.recs[self].unreviewed = mem.unreviewed
	}
	ch.content = prep.content
	if err := tx.PutRecord(ctx, store.Record{Key: rec.Key, Entity: entity, Data: data, Keys: keys}); err != nil {
		return ch, err
	}
	seeds = append(seeds, self)
	levels := make([]uint8, len(l.scorer.Comps))
	var q *model.Query // made for the first candidate not scored ahead
	for _, c := range cands {
		cr := &mem.recs[c]
		w, ok := prep.pre.lookup(c, cr, levels)
		if !ok {
			if q == nil {
				q = l.scorer.NewQuery(va)
			}
			w = l.scorer.CompareQuery(rec.Key.Source, cr.key.Source, q, mem.valuesOf(c, &mem.unpacked), levels, nil)
		}
		ch.Compared++
		outcome := l.scorer.Decide(w, levels)
		if outcome != model.NonMatch {
			ch.scored = append(ch.scored, scored{B: l.digest(cr.key), Weight: w, Levels: slices.Clone(levels)})
		}
		switch outcome {
		case model.Match:
			if was, kept := stale[cr.key]; !kept || was != w {
				if err := tx.PutLink(ctx, record.Link{A: rec.Key, B: cr.key, Weight: w}); err != nil {
					return ch, err
				}
			}
			delete(stale, cr.key)
			mem.link(self, c, w)
			ch.Links++
			seeds = append(seeds, c)
		case model.Review, model.Conflict:
			if _, decided := mem.verdicts[record.NewPair(rec.Key, cr.key)]; decided {
				continue // a reviewer has decided this pair already
			}
			reason := engine.ReasonBand
			if outcome == model.Conflict {
				reason = engine.ConflictReason(l.scorer.Disagreements(levels))
			}
			if err := tx.PutReview(ctx, record.Review{A: rec.Key, B: cr.key, Weight: w, Reason: reason, Rule: l.rules[rule[c]].String()}); err != nil {
				return ch, err
			}
			mem.recs[self].unreviewed, cr.unreviewed = 0, 0
			ch.Reviews++
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(stale), record.Key.Compare) {
		if err := tx.DeleteLink(ctx, rec.Key, k); err != nil {
			return ch, err
		}
	}
	if err := l.recluster(ctx, tx, seeds, prev, &ch); err != nil {
		return ch, err
	}
	return ch, l.noteRelated(ctx, tx, &ch, ch.Entity, rec.Relations, had)
}

// candidates returns the records of the memory copy that share a blocking
// key with rec (perRule: its keys by rule) and may be compared with it, in
// key order, each tagged with the first rule that found it; and how many of
// rec's keys were too common to compare by.
func (l *Live) candidates(rec *record.Record, perRule [][]uint64) (cands []int32, rule map[int32]int, capped int) {
	mem := l.mem
	rule = map[int32]int{}
	var one [1]int32
	for ri, ks := range perRule {
		for _, k := range ks {
			held := mem.index.held(k, &one)
			if mem.capped[k] {
				capped++
				continue
			}
			var ok bool
			if held, ok = mem.toCompare(held, l.opt.MaxBlock-1, rec.Key); !ok {
				capped++
				continue
			}
			for _, c := range held {
				ck := mem.recs[c].key
				if _, seen := rule[c]; seen || ck == rec.Key || (l.linkOnly && ck.Source == rec.Key.Source) || !rec.Kind.Compatible(mem.recs[c].kind) {
					continue
				}
				rule[c] = ri
				cands = append(cands, c)
			}
		}
	}
	slices.SortFunc(cands, func(a, b int32) int { return mem.recs[a].key.Compare(mem.recs[b].key) })
	return cands, rule, capped
}

// copiesFrom is the most holders of a blocking key an upsert compares
// with all: of more, one of each set of copies (firstCopies). An entity of
// a payee's copies is then linked as a star rather than each copy to
// every other (BenchmarkUpsertBusy), and its copies are compared once.
const copiesFrom = 16

// toCompare returns the holders of a blocking key to compare a record
// with (skip, the record itself, may be among them), or false when the
// key is held by too many (more than most) to compare by: of more than
// copiesFrom holders, or more than most, one of each set of copies
// (firstCopies; the others would score alike), so that a block over the
// cap is compared by when copies fill it, as batch blocking does.
func (m *mirror) toCompare(held []int32, most int, skip record.Key) ([]int32, bool) {
	if len(held) <= copiesFrom && len(held) <= most {
		return held, true
	}
	if firsts, ok := m.firstCopies(held, most, skip); ok {
		return firsts, true
	}
	return held, len(held) <= most
}

// sameCopy reports whether the records in slots a and b are copies (block's
// copies.go): one source and kind, and values all alike.
func (m *mirror) sameCopy(a, b int32) bool {
	ra, rb := &m.recs[a], &m.recs[b]
	return ra.copyHash == rb.copyHash && ra.key.Source == rb.key.Source && ra.kind == rb.kind && ra.packed == rb.packed
}

// firstCopies returns the first record of each set of copies among held
// (the holders of a blocking key, in the order held), leaving out the
// record skip: the holders of a key over the size cap to compare, when
// copies fill it. It reports false when they are more than most, or when
// copies are among them and the records' values are not packed (a
// change's own copy in shared mode, whose holders of such keys the store
// did not send). The slice returned may be held itself.
func (m *mirror) firstCopies(held []int32, most int, skip record.Key) ([]int32, bool) {
	// Most blocks hold no copies: none of their records is marked.
	copies, others := false, len(held)
	for _, s := range held {
		r := &m.recs[s]
		copies = copies || r.copied
		if r.key == skip {
			others--
		}
	}
	switch {
	case copies:
	case others > most:
		return nil, false
	case others == len(held):
		return held, true // the callers only read it
	default:
		return slices.DeleteFunc(slices.Clone(held), func(s int32) bool { return m.recs[s].key == skip }), true
	}
	if m.firsts == nil {
		m.firsts = map[uint64]int32{}
	}
	first := m.firsts
	clear(first)
	out := make([]int32, 0, min(len(held), most))
	for _, s := range held {
		r := &m.recs[s]
		if r.key == skip {
			continue
		}
		if r.packed == "" {
			return nil, false
		}
		if f, ok := first[r.copyHash]; ok {
			if m.sameCopy(f, s) {
				continue // a copy of f
			}
		} else {
			first[r.copyHash] = s
		}
		if len(out) == most {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// copyHash hashes a record's source, kind and packed values. The hashes
// live in memory alone, so the seed is the process's own.
func copyHash(source string, kind record.EntityKind, packed record.PackedValues) uint64 {
	return maphash.Comparable(copySeed, struct {
		source string
		kind   record.EntityKind
		packed record.PackedValues
	}{source, kind, packed})
}

var copySeed = maphash.MakeSeed()

// handOver passes the links of record s, about to be deleted or updated,
// to a copy of it that it links to (the same source, kind and values, so
// that each link weighs the same): where copies fill a block over the cap
// the records that share it link to the first of each set of copies alone
// (firstCopies), and would otherwise be left unlinked when that one goes.
// Only the memory-resident mode reads blocks of copies.
func (l *Live) handOver(ctx context.Context, tx store.Tx, s int32) error {
	mem := l.mem
	r := &mem.recs[s]
	if r.packed == "" {
		return nil
	}
	c := int32(-1)
	for _, lk := range r.links {
		if mem.sameCopy(s, lk.to) {
			c = lk.to
			break
		}
	}
	if c < 0 {
		return nil
	}
	linked := map[int32]bool{c: true}
	for _, lk := range mem.recs[c].links {
		linked[lk.to] = true
	}
	for _, lk := range slices.Clone(r.links) {
		if linked[lk.to] {
			continue
		}
		linked[lk.to] = true
		if err := tx.PutLink(ctx, record.Link{A: mem.recs[lk.to].key, B: mem.recs[c].key, Weight: lk.weight}); err != nil {
			return err
		}
		mem.link(lk.to, c, lk.weight)
	}
	return nil
}

// noteRelated adds a related event to a change of a record that states
// relationships, or stated some before it: entity is the record's entity
// (before a delete, the one it left), Others the entities at the other
// ends of the relations it states now.
func (l *Live) noteRelated(ctx context.Context, tx store.Tx, ch *Change, entity record.EntityID, rels []record.Relation, had bool) error {
	if !had && len(rels) == 0 {
		return nil
	}
	ev := record.Event{Kind: record.EventRelated, Entity: entity, Record: ch.Record}
	for _, r := range rels {
		if s, ok := l.mem.slot[r.To]; ok {
			if e := l.mem.recs[s].entity; e != "" && e != entity && !slices.Contains(ev.Others, e) {
				ev.Others = append(ev.Others, e)
			}
		}
	}
	slices.Sort(ev.Others)
	ev.Actor, ev.Why = eventActor(ctx)
	e, err := tx.AddEvent(ctx, ev)
	if err != nil {
		return err
	}
	ch.Events = append(ch.Events, e)
	return nil
}

func (l *Live) delete(ctx context.Context, tx store.Tx, key record.Key) (Change, error) {
	ch := Change{Op: ChangeDelete, Record: key}
	mem := l.mem
	s, ok := mem.slot[key]
	if !ok {
		return ch, fmt.Errorf("record %s: %w", key, store.ErrNotFound)
	}
	ch.Previous = mem.recs[s].entity
	had := mem.recs[s].relates
	if err := l.handOver(ctx, tx, s); err != nil {
		return ch, err
	}
	seeds := l.neighbours(s)
	mem.remove(s)
	if err := tx.DeleteRecord(ctx, key); err != nil {
		return ch, err
	}
	// A record deleted for good takes the decisions about it along.
	for _, p := range slices.Clone(mem.partners[key]) {
		mem.setVerdict(record.NewPair(key, p), "")
	}
	if err := tx.DeleteDecisions(ctx, key); err != nil {
		return ch, err
	}
	if len(seeds) == 0 {
		ev := record.Event{Kind: record.EventRemoved, Entity: ch.Previous, Record: key}
		ev.Actor, ev.Why = eventActor(ctx)
		e, err := tx.AddEvent(ctx, ev)
		if err != nil {
			return ch, err
		}
		ch.Events = append(ch.Events, e)
	} else if err := l.recluster(ctx, tx, seeds, map[record.Key]record.EntityID{}, &ch); err != nil {
		return ch, err
	}
	if err := l.noteRelated(ctx, tx, &ch, ch.Previous, nil, had); err != nil {
		return ch, err
	}
	// Its lineage keeps it by digest alone (as the audit log does).
	return ch, tx.ForgetRecord(ctx, key, l.digest(key))
}

// neighbours returns the other members of a record's entity and the
// records it links to.
func (l *Live) neighbours(s int32) []int32 {
	r := &l.mem.recs[s]
	var out []int32
	for _, m := range l.mem.members[r.entity] {
		if m != s {
			out = append(out, m)
		}
	}
	for _, lk := range r.links {
		out = append(out, lk.to)
	}
	return out
}

// recluster clusters the connected part of the link graph around seeds
// as batch clustering would, then names the resulting entities so that
// ids stay stable: the largest part of an entity keeps its id; entities
// joined into one keep the id of the one contributing most records; a
// part with no id gets a new one. prev holds the entity a record had
// before this change, where the memory copy no longer says it.
func (l *Live) recluster(ctx context.Context, tx store.Tx, seeds []int32, prev map[record.Key]record.EntityID, ch *Change) error {
	if err := l.expand(ctx, seeds); err != nil {
		return err
	}
	mem := l.mem
	// The component: records reachable over links, plus the members of
	// every entity touched.
	in := map[int32]bool{}
	var comp []int32
	seenEntity := map[record.EntityID]bool{}
	queue := slices.Clone(seeds)
	for len(queue) > 0 && len(comp) < l.opt.MaxComponent {
		s := queue[0]
		queue = queue[1:]
		if in[s] {
			continue
		}
		in[s] = true
		comp = append(comp, s)
		r := &mem.recs[s]
		if _, ok := prev[r.key]; !ok {
			prev[r.key] = r.entity
		}
		if e := r.entity; e != "" && !seenEntity[e] {
			seenEntity[e] = true
			queue = append(queue, mem.members[e]...)
		}
		for _, lk := range r.links {
			queue = append(queue, lk.to)
		}
		for _, p := range mem.partners[r.key] {
			if o, ok := mem.slot[p]; ok && mem.verdicts[record.NewPair(r.key, p)] == record.VerdictSame {
				queue = append(queue, o)
			}
		}
	}
	if len(queue) > 0 {
		ch.Truncated = true
	}
	// Cluster in key order, so the result does not depend on arrival order.
	slices.SortFunc(comp, func(a, b int32) int { return mem.recs[a].key.Compare(mem.recs[b].key) })
	index := make(map[int32]int32, len(comp))
	for i, s := range comp {
		index[s] = int32(i)
	}
	edges := l.edges(comp, index)
	cr := cluster.Greedy(len(comp), edges, l.clusterOptions(l.memGroup(comp)))
	key := func(i int) record.Key { return mem.recs[comp[i]].key }
	if err := l.noteRefusals(ctx, tx, cr, edges, key, prev); err != nil {
		return err
	}

	// Groups, largest first, then by smallest key.
	groupOf := map[int32][]int{}
	for i, lb := range cr.Labels {
		groupOf[lb] = append(groupOf[lb], i)
	}
	groups := make([][]int, 0, len(groupOf))
	for _, g := range groupOf {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b []int) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return a[0] - b[0] // members are in key order
	})
	// Name the groups.
	names := make([]record.EntityID, len(groups))
	taken := map[record.EntityID]int{} // id → group
	for gi, g := range groups {
		count := map[record.EntityID]int{}
		for _, i := range g {
			if e := prev[key(i)]; e != "" {
				count[e]++
			}
		}
		var best record.EntityID
		for e, n := range count {
			if _, used := taken[e]; used {
				continue
			}
			if best == "" || n > count[best] || (n == count[best] && e < best) {
				best = e
			}
		}
		if best == "" {
			var err error
			if best, err = l.newEntityID(ctx, tx, key(g[0])); err != nil {
				return err
			}
		}
		names[gi] = best
		taken[best] = gi
	}
	// Lineage and moves.
	for gi, g := range groups {
		id := names[gi]
		sources := map[record.EntityID]bool{}
		for _, i := range g {
			if e := prev[key(i)]; e != "" {
				sources[e] = true
			}
		}
		var absorbed, splitFrom []record.EntityID
		for e := range sources {
			switch _, kept := taken[e]; {
			case e == id:
			case kept:
				splitFrom = append(splitFrom, e)
			default:
				absorbed = append(absorbed, e)
			}
		}
		slices.Sort(absorbed)
		slices.Sort(splitFrom)
		var events []record.Event
		if !sources[id] && len(splitFrom) == 0 {
			events = append(events, record.Event{Kind: record.EventCreated, Entity: id})
		}
		for _, e := range splitFrom {
			events = append(events, record.Event{Kind: record.EventSplit, Entity: e, Others: []record.EntityID{id}})
		}
		if len(absorbed) > 0 {
			events = append(events, record.Event{Kind: record.EventMerged, Entity: id, Others: absorbed})
		}
		for _, e := range events {
			e.Record = ch.Record
			e.Actor, e.Why = eventActor(ctx)
			e, err := tx.AddEvent(ctx, e)
			if err != nil {
				return err
			}
			ch.Events = append(ch.Events, e)
		}
		for _, i := range g {
			k, s := key(i), comp[i]
			if mem.recs[s].entity == id {
				continue
			}
			if err := tx.SetEntity(ctx, k, id); err != nil {
				return err
			}
			mem.setEntity(s, id)
			if k == ch.Record {
				continue
			}
			if prev[k] != id {
				ch.Moved++
			}
		}
		if slices.ContainsFunc(g, func(i int) bool { return key(i) == ch.Record }) {
			ch.Entity = id
		}
	}
	// Entities whose id no group kept and none absorbed lost every record.
	for _, e := range sortedEntities(prev) {
		if _, kept := taken[e]; kept || absorbedSomewhere(ch.Events, e) || len(mem.members[e]) > 0 {
			continue
		}
		removed := record.Event{Kind: record.EventRemoved, Entity: e, Record: ch.Record}
		removed.Actor, removed.Why = eventActor(ctx)
		ev, err := tx.AddEvent(ctx, removed)
		if err != nil {
			return err
		}
		ch.Events = append(ch.Events, ev)
	}
	return nil
}

// noteRefusals puts in the review queue, as batch clustering does, the
// links clustering did not follow (ambiguous, or joining records that
// cannot be one entity), each with its reason, unless a reviewer decided
// the pair; and takes off it the links it followed between two entities
// that were apart before, which a refusal may have put there.
func (l *Live) noteRefusals(ctx context.Context, tx store.Tx, cr cluster.Result, edges []cluster.Edge, key func(int) record.Key, prev map[record.Key]record.EntityID) error {
	for _, r := range cr.Refused {
		a, b := key(int(r.A)), key(int(r.B))
		if _, decided := l.mem.verdicts[record.NewPair(a, b)]; decided || r.Weight == cluster.Forced {
			continue
		}
		reason := engine.RefusalReason(r, func(i int32) record.Key { return key(int(i)) }, l.scorer.Comps)
		if err := tx.PutReview(ctx, record.Review{A: a, B: b, Weight: r.Weight, Reason: reason}); err != nil {
			return err
		}
		l.mem.reviewed(a)
		l.mem.reviewed(b)
	}
	for _, e := range edges {
		a, b := key(int(e.A)), key(int(e.B))
		if e.Weight == cluster.Forced || cr.Labels[e.A] != cr.Labels[e.B] || prev[a] == "" || prev[b] == "" || prev[a] == prev[b] {
			continue
		}
		if err := tx.DeleteReview(ctx, a, b); err != nil {
			return err
		}
	}
	return nil
}

// edges returns the links among comp and the reviewers' must-links, the
// latter forced, with comp positions as record indexes.
func (l *Live) edges(comp []int32, index map[int32]int32) []cluster.Edge {
	mem := l.mem
	var edges []cluster.Edge
	for i, s := range comp {
		r := &mem.recs[s]
		for _, lk := range r.links {
			if j, ok := index[lk.to]; ok && int32(i) < j {
				edges = append(edges, cluster.Edge{A: int32(i), B: j, Weight: lk.weight})
			}
		}
		for _, p := range mem.partners[r.key] {
			o, ok := mem.slot[p]
			if !ok || mem.verdicts[record.NewPair(r.key, p)] != record.VerdictSame {
				continue
			}
			if j, ok := index[o]; ok && int32(i) < j {
				edges = append(edges, cluster.Edge{A: int32(i), B: j, Weight: cluster.Forced})
			}
		}
	}
	return edges
}

// group is a set of records about to be clustered, by position: their
// entity kinds and comparison values, and the reviewers' cannot-links
// among them (nil for none).
type group struct {
	kinds   []record.EntityKind
	sources []string // the source of the record at each position
	// values gives the comparison values of the record at a position.
	// Clustering reads them only to check the exclusive comparisons, and
	// only of the records a link would join: lazyValues makes each when
	// first asked for.
	values    func(i int32) [][]record.Value
	different func(a, b int32) bool
	// copies gives each position the first position of its copies
	// (cluster.Options.Copies), or is nil.
	copies []int32
}

// copiesIn returns, for each position of comp, the first position of its
// copies (cluster.Options.Copies), or nil when there are none: a record
// under a reviewer's decision is a set of copies of its own.
func (m *mirror) copiesIn(comp []int32) []int32 {
	if !slices.ContainsFunc(comp, func(s int32) bool { return m.recs[s].copied }) {
		return nil // no two copies: one of every two is marked
	}
	first := map[uint64]int32{} // copy hash → the first position of it
	out := make([]int32, len(comp))
	found := false
	for i, s := range comp {
		out[i] = int32(i)
		r := &m.recs[s]
		if r.packed == "" || len(m.partners[r.key]) > 0 {
			continue
		}
		if f, ok := first[r.copyHash]; !ok {
			first[r.copyHash] = int32(i)
		} else if m.sameCopy(comp[f], s) {
			out[i], found = f, true
		}
	}
	if !found {
		return nil
	}
	return out
}

// lazyValues returns values, for positions below n, making each once,
// when first asked for.
func lazyValues(n int, values func(i int32) [][]record.Value) func(i int32) [][]record.Value {
	made, done := make([][][]record.Value, n), make([]bool, n)
	return func(i int32) [][]record.Value {
		if !done[i] {
			made[i], done[i] = values(i), true
		}
		return made[i]
	}
}

// memGroup is the group of comp's records in the memory copy.
func (l *Live) memGroup(comp []int32) group {
	g := group{kinds: make([]record.EntityKind, len(comp)), sources: make([]string, len(comp)),
		values: lazyValues(len(comp), func(i int32) [][]record.Value { return l.mem.valuesOf(comp[i], nil) })}
	for i, s := range comp {
		g.kinds[i], g.sources[i] = l.mem.recs[s].kind, l.mem.recs[s].key.Source
	}
	g.copies = l.mem.copiesIn(comp)
	if len(l.mem.verdicts) > 0 {
		g.different = func(a, b int32) bool {
			ka, kb := l.mem.recs[comp[a]].key, l.mem.recs[comp[b]].key
			return l.mem.verdicts[record.NewPair(ka, kb)] == record.VerdictDifferent
		}
	}
	return g
}

// clusterOptions are the options that cluster g as batch Resolve would:
// the match threshold, the model's conflicts between records, its check
// of the entity a link would form, and reviewers' cannot-links.
func (l *Live) clusterOptions(g group) cluster.Options {
	opt := cluster.Options{Threshold: l.matchW, CannotLink: g.different, Ambiguity: l.scorer.Ambiguity(), Copies: g.copies}
	kinds := func(a, b int32) bool { return !g.kinds[a].Compatible(g.kinds[b]) }
	opt.Conflict = kinds
	lv := groupLevels{l.scorer, g}
	opt.Admit = func(ga, gb []int32, e cluster.Edge) ([2]int32, []int, bool) {
		return l.scorer.Admits(e.Weight, lv, e.A, e.B, ga, gb)
	}
	opt.Excuse = engine.EntityExcuses(l.scorer, lv, g.kinds)
	if len(l.excl) > 0 {
		levels := make([]uint8, len(l.scorer.Comps))
		opt.Conflict = func(a, b int32) bool {
			if kinds(a, b) {
				return true
			}
			clear(levels)
			for _, i := range l.excl {
				levels[i] = uint8(lv.Level(i, a, b))
			}
			return l.scorer.Conflict(levels)
		}
	}
	return opt
}

// groupLevels are the comparison levels of a group's records, as
// model.Levels.
type groupLevels struct {
	s *model.Scorer
	g group
}

func (l groupLevels) Level(i int, x, y int32) int {
	lv, _, _ := l.s.Comps[i].Level(l.g.values(x)[i], l.g.values(y)[i])
	return l.s.Unmixed(l.g.sources[x], l.g.sources[y], i, lv)
}

func (l groupLevels) Has(i int, x int32) bool { return len(l.g.values(x)[i]) > 0 }

func absorbedSomewhere(events []record.Event, e record.EntityID) bool {
	for _, ev := range events {
		if ev.Kind == record.EventMerged && slices.Contains(ev.Others, e) {
			return true
		}
	}
	return false
}

func sortedEntities(m map[record.Key]record.EntityID) []record.EntityID {
	var out []record.EntityID
	for _, e := range m {
		if e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return out
}

// newEntityID names a new entity after the smallest key of its records,
// keyed by the store's digest secret (record.KeyedEntityID), adding a
// counter if that id was ever used. A shared change may know already
// whether an id is used (knowNames).
func (l *Live) newEntityID(ctx context.Context, tx store.Tx, k record.Key) (record.EntityID, error) {
	var known map[record.EntityID]bool
	if p := l.mem.src; p != nil {
		known = p.named
	}
	for n := 0; ; n++ {
		id := record.KeyedEntityID(l.salt, k, n)
		used, ok := known[id]
		if !ok {
			var err error
			if used, err = tx.EntityUsed(ctx, id); err != nil {
				return "", err
			}
		}
		if !used {
			if known != nil {
				known[id] = true // taken now
			}
			return id, nil
		}
	}
}

// Entities returns the entity of every stored record.
func (l *Live) Entities(ctx context.Context) (map[record.Key]record.EntityID, error) {
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := map[record.Key]record.EntityID{}
	err = tx.Records(ctx, func(r store.Record) bool {
		out[r.Key] = r.Entity
		return true
	})
	return out, err
}

// Check verifies the store is consistent and that the memory copy agrees
// with it: every record decodes, belongs to an entity (the same in
// memory), and links only to stored records. In shared mode there is no
// memory copy to compare.
func (l *Live) Check(ctx context.Context) error {
	if err := l.lockFresh(ctx); err != nil {
		return err
	}
	defer l.unlock()
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	memory := !l.opt.Shared // shared mode keeps no memory copy to compare
	var keys []record.Key
	var problems []error
	err = tx.Records(ctx, func(r store.Record) bool {
		rec, decodeErr := decodeRecord(r)
		switch {
		case r.Entity == "":
			problems = append(problems, fmt.Errorf("record %s has no entity", r.Key))
		case decodeErr != nil:
			problems = append(problems, decodeErr)
		case rec.Key != r.Key:
			problems = append(problems, fmt.Errorf("record %s: stored data is of %s", r.Key, rec.Key))
		}
		if s, ok := l.mem.slot[r.Key]; memory && (!ok || l.mem.recs[s].entity != r.Entity) {
			problems = append(problems, fmt.Errorf("record %s: in memory the entity differs from the store's %s", r.Key, r.Entity))
		}
		keys = append(keys, r.Key)
		return len(problems) < 20
	})
	if err != nil {
		return err
	}
	if memory && len(keys) != len(l.mem.slot) {
		problems = append(problems, fmt.Errorf("%d records stored, %d in memory", len(keys), len(l.mem.slot)))
	}
	for _, k := range keys {
		links, err := tx.Links(ctx, k)
		if err != nil {
			return err
		}
		for _, lk := range links {
			if _, err := tx.Record(ctx, other(lk, k)); err != nil {
				problems = append(problems, fmt.Errorf("record %s links to %s: %w", k, other(lk, k), err))
			}
		}
		if s, ok := l.mem.slot[k]; memory && ok {
			if len(l.mem.recs[s].links) != len(links) {
				problems = append(problems, fmt.Errorf("record %s: %d links in memory, %d stored", k, len(l.mem.recs[s].links), len(links)))
			}
			for _, lk := range links {
				o := other(lk, k)
				if !slices.ContainsFunc(l.mem.recs[s].links, func(m liveLink) bool { return l.mem.recs[m.to].key == o && m.weight == lk.Weight }) {
					problems = append(problems, fmt.Errorf("record %s: the stored link to %s (weight %.3f) is not in memory", k, o, lk.Weight))
				}
			}
		}
	}
	ds, err := tx.Decisions(ctx, record.Key{})
	if err != nil {
		return err
	}
	stored := 0
	for _, d := range ds {
		if d.Verdict == record.VerdictUnsure {
			continue
		}
		stored++
		if v := l.mem.verdicts[record.NewPair(d.A, d.B)]; memory && v != d.Verdict {
			problems = append(problems, fmt.Errorf("decision on %s and %s: %q in memory, %q stored", d.A, d.B, v, d.Verdict))
		}
	}
	if memory && stored != len(l.mem.verdicts) {
		problems = append(problems, fmt.Errorf("%d decisions in memory, %d stored", len(l.mem.verdicts), stored))
	}
	return errors.Join(problems...)
}

// Import stores a batch resolution in an empty store, in one transaction:
// every record with its entity (renamed with the store's keyed id, see
// record.KeyedEntityID) and blocking keys, the links, the pairs for
// review, and a "created" event per entity. Upserts then continue
// from it. The resolution's model must be the one Live was opened with.
func (l *Live) Import(ctx context.Context, res *engine.Resolution) error {
	if l.opt.ReadOnly {
		return store.ErrReadOnly
	}
	// Alone even in shared mode: it needs the store to itself, and its
	// transaction to itself (it replaces the memory copy).
	err := l.commitWaiting(&waitingChange{ctx: ctx, ops: len(res.Records), alone: true, fn: func(_ *Live, tx store.Tx) ([]toAudit, error) {
		if n, err := tx.CountRecords(ctx); err != nil {
			return nil, err
		} else if n > 0 {
			return nil, fmt.Errorf("import: the store already holds %d records", n)
		}
		// The memory copy the store will have (none in shared mode).
		var mem *mirror
		if !l.opt.Shared {
			mem = newMirror()
		}
		first := map[record.EntityID]record.Key{} // each entity's smallest record
		for i, e := range res.Entities {
			if f, ok := first[e]; !ok || res.Records[i].Key.Less(f) {
				first[e] = res.Records[i].Key
			}
		}
		// The store names entities with keyed ids: each batch entity is
		// renamed after its smallest record.
		rename := make(map[record.EntityID]record.EntityID, len(first))
		named := make(map[record.EntityID]record.Key, len(first))
		for e, k := range first {
			rename[e] = record.KeyedEntityID(l.salt, k, 0)
			named[rename[e]] = k
		}
		first = named
		// A backend that loads in bulk (PostgreSQL's COPY) takes the
		// records and links importBatch at a time; others one by one.
		var bulk *notingBulk
		if nt, ok := tx.(*noting); ok {
			bulk = nt.bulk()
		}
		var recs []store.Record
		contents := make([]string, 0, len(res.Records)) // per record, for the log
		flush := func() error {
			err := bulk.PutRecords(ctx, recs)
			recs = recs[:0]
			return err
		}
		for i := range res.Records {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			rec, e := &res.Records[i], rename[res.Entities[i]]
			prep, err := l.prepareUpsert(rec)
			if err != nil {
				return nil, err
			}
			keys := slices.Concat(prep.perRule...)
			sr := store.Record{Key: rec.Key, Entity: e, Data: prep.data, Keys: keys}
			contents = append(contents, prep.content)
			if bulk == nil {
				err = tx.PutRecord(ctx, sr)
			} else if recs = append(recs, sr); len(recs) == importBatch {
				err = flush()
			}
			if err != nil {
				return nil, err
			}
			if mem != nil {
				mem.add(rec.Key, rec.Kind, e, prep.values, keys, len(rec.Relations) > 0)
			}
		}
		if len(recs) > 0 {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		var links []record.Link
		for _, e := range res.Links {
			a, b := res.Records[e.A].Key, res.Records[e.B].Key
			lk := record.Link{A: a, B: b, Weight: e.Weight}
			if bulk == nil {
				if err := tx.PutLink(ctx, lk); err != nil {
					return nil, err
				}
			} else {
				links = append(links, lk)
			}
			if mem != nil {
				mem.link(mem.slot[a], mem.slot[b], e.Weight)
			}
		}
		for len(links) > 0 {
			n := min(len(links), importBatch)
			if err := bulk.PutLinks(ctx, links[:n]); err != nil {
				return nil, err
			}
			links = links[n:]
		}
		reviews := make([]record.Review, len(res.Review))
		for i, r := range res.Review {
			reviews[i] = record.Review{A: r.A, B: r.B, Weight: r.Weight, Reason: r.Reason, Rule: r.Rule}
			if bulk == nil {
				if err := tx.PutReview(ctx, reviews[i]); err != nil {
					return nil, err
				}
			}
		}
		if mem != nil {
			named := make([]record.Key, 0, 2*len(reviews))
			for _, r := range reviews {
				named = append(named, r.A, r.B)
			}
			mem.markUnreviewed(named)
		}
		for bulk != nil && len(reviews) > 0 {
			n := min(len(reviews), importBatch)
			if err := bulk.PutReviews(ctx, reviews[:n]); err != nil {
				return nil, err
			}
			reviews = reviews[n:]
		}
		ids := make([]record.EntityID, 0, len(first))
		for e := range first {
			ids = append(ids, e)
		}
		slices.Sort(ids)
		events := make([]record.Event, 0, min(len(ids), importBatch))
		for i, e := range ids {
			ev := record.Event{Kind: record.EventCreated, Entity: e, Record: first[e], Actor: audit.ActorSystem}
			if bulk == nil {
				if _, err := tx.AddEvent(ctx, ev); err != nil {
					return nil, err
				}
				continue
			}
			if events = append(events, ev); len(events) == importBatch || i == len(ids)-1 {
				if _, err := bulk.AddEvents(ctx, events); err != nil {
					return nil, err
				}
				events = events[:0]
			}
		}
		// The log names every record imported, a batch to an entry with
		// the digest of their contents, so that audit verify accounts for
		// them as for upserts.
		var list []toAudit
		for lo := 0; lo < len(res.Records); lo += importAuditBatch {
			batch := res.Records[lo:min(lo+importAuditBatch, len(res.Records))]
			e := audit.Entry{Actor: audit.ActorSystem, Action: actionImport, Model: l.modelID,
				Evidence: importEvidence(contents[lo : lo+len(batch)])}
			for i := range batch {
				e.Records = append(e.Records, l.digest(batch[i].Key))
			}
			list = append(list, toAudit{entry: &e})
		}
		list = append(list, toAudit{entry: &audit.Entry{Actor: audit.ActorSystem, Action: actionImport, Model: l.modelID,
			Detail: fmt.Sprintf("%d records, %d entities, %d links", len(res.Records), len(first), len(res.Links))}})
		// The copy in memory becomes the store's once this commits.
		l.next = mem
		return list, nil
	}})
	if err != nil {
		return err
	}
	// The whole store was written at once: fold it into the store's main
	// files now, rather than while it serves.
	if c, ok := l.st.(store.Checkpointer); ok {
		if err := c.Checkpoint(ctx); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	return nil
}

// importBatch is how many records or links Import loads at a time into
// a backend that loads in bulk; importAuditBatch, how many records one
// audit entry of an import names.
const (
	importBatch      = 10000
	importAuditBatch = 1000
)

// actionImport is the audit action of an import.
const actionImport = "import"

// importEvidence is the evidence of an import entry: the digest of its
// records' content digests, in the order the entry names them.
func importEvidence(contents []string) string {
	return audit.Digest([]byte(strings.Join(contents, "\n")))
}

// eachDecoded reads every record of tx, but those skip says to pass over
// (nil: none), decodes each and prepares it on every core, and passes the
// prepared records to use in the store's order. A record that does not
// decode is not used; the first such error is returned once all are read.
func eachDecoded[T any](ctx context.Context, tx store.Tx, skip func(store.Record) bool,
	prepare func(store.Record, record.Record) T, use func(store.Record, T)) error {
	type job struct {
		r    store.Record
		out  T
		err  error
		done chan struct{}
	}
	jobs := make(chan *job, 1024)
	ordered := make(chan *job, 4096)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var rec record.Record
				if rec, j.err = decodeRecord(j.r); j.err == nil {
					j.out = prepare(j.r, rec)
				}
				close(j.done)
			}
		}()
	}
	var readErr error
	go func() {
		defer close(ordered)
		defer close(jobs)
		readErr = tx.Records(ctx, func(r store.Record) bool {
			if skip != nil && skip(r) {
				return true
			}
			j := &job{r: r, done: make(chan struct{})}
			jobs <- j
			ordered <- j
			return ctx.Err() == nil
		})
	}()
	var decodeErr error
	for j := range ordered {
		<-j.done
		if j.err != nil {
			decodeErr = cmp.Or(decodeErr, j.err)
			continue
		}
		use(j.r, j.out)
	}
	wg.Wait()
	return errors.Join(readErr, decodeErr, ctx.Err())
}

// decodeRecord decodes a stored record's data.
func decodeRecord(s store.Record) (record.Record, error) {
	var r record.Record
	if err := store.DecodeRecord(s.Data, &r); err != nil {
		return r, fmt.Errorf("record %s: stored data: %w", s.Key, err)
	}
	return r, nil
}

func other(k record.Link, key record.Key) record.Key {
	if k.A == key {
		return k.B
	}
	return k.A
}

// Stored returns which of keys are stored, read in one transaction.
func (l *Live) Stored(ctx context.Context, keys []record.Key) (map[record.Key]bool, error) {
	out := make(map[record.Key]bool, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	err := l.read(ctx, func(tx store.Tx) error {
		for _, k := range keys {
			switch _, err := tx.Record(ctx, k); {
			case err == nil:
				out[k] = true
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		return nil
	})
	return out, err
}

// lock takes the memory copy's locks, as every holder of them but a
// commit's end (memMu); unlock lets them go.
func (l *Live) lock() {
	l.mu.Lock()
	l.memMu.Lock()
}

func (l *Live) unlock() {
	l.memMu.Unlock()
	l.mu.Unlock()
}

// lockFresh takes the locks for reading the memory copy (lock), first
// reading the store again if another process has changed it.
func (l *Live) lockFresh(ctx context.Context) error {
	l.lock()
	if l.opt.Shared {
		return nil
	}
	tx, err := l.st.Begin(ctx, false)
	if err == nil {
		var head audit.Head
		head, err = tx.AuditHead(ctx)
		if err == nil && head.Seq != l.seen {
			err = l.catchUp(ctx, tx, head.Seq)
		}
		tx.Rollback()
	}
	if err != nil {
		l.unlock()
		return err
	}
	return nil
}
