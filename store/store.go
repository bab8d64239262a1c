// Package store persists what real-time resolution needs: records (raw and
// normalised), their blocking keys, the links between them, the review
// queue, the entity each record belongs to, the lineage of every entity
// and the model. Store is the one producer-side interface of Concord:
// every backend asserts it (var _ store.Store = (*DB)(nil)) and passes the
// storetest conformance suite.
//
// A Store is used through transactions. Every change made by one upsert
// or delete happens in one transaction, so a reader never sees half of it
// and a crash keeps either all of it or none of it.
package store

import (
	"cmp"
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
)

// ErrReadOnly is returned for a write transaction on a store opened for
// reading only.
var ErrReadOnly = errors.New("the store is open read-only")

// ErrNotFound is returned when a record, entity or metadata key does not
// exist.
var ErrNotFound = errors.New("not found")

// Store is a persistent store. Begin starts a transaction; write
// transactions are serialised by the store.
type Store interface {
	// Begin starts a transaction. A read-only transaction must not write.
	Begin(ctx context.Context, write bool) (Tx, error)
	Close() error
}

// Tx is a transaction. Every method takes the context of the call, and
// returns its error (wrapped) once it is cancelled; every method may
// return a wrapped error from the backend; methods that look one thing up
// return ErrNotFound when it does not exist. Lists that grow without bound
// (the review queue, the audit log, an entity's lineage) are read in pages:
// the items after a cursor, at most a limit (0: no limit). After Commit or Rollback the Tx must not be used; Rollback
// after Commit is a no-op, so `defer tx.Rollback()` is safe.
type Tx interface {
	// Meta returns the value stored under key.
	Meta(ctx context.Context, key string) ([]byte, error)
	SetMeta(ctx context.Context, key string, value []byte) error

	// Record returns a stored record.
	Record(ctx context.Context, key record.Key) (Record, error)
	// PutRecord inserts or replaces a record with its blocking keys and
	// entity. Replacing keeps the record's links and reviews.
	PutRecord(ctx context.Context, r Record) error
	// DeleteRecord removes a record, its blocking keys, and every link and
	// review that names it.
	DeleteRecord(ctx context.Context, key record.Key) error
	// Supersede drops what a record's stored version alone holds — the
	// pairs for review that name it and its rejects — before PutRecord
	// replaces it. Its links stay, for the caller to keep, replace
	// (PutLink) or delete (DeleteLink) one by one: an update mostly keeps
	// them. A record not stored is no error.
	Supersede(ctx context.Context, key record.Key) error
	// DropRejects drops a record's rejects alone: Supersede for a caller
	// that knows no pair for review names the record.
	DropRejects(ctx context.Context, key record.Key) error
	// SetEntity moves a record to another entity.
	SetEntity(ctx context.Context, key record.Key, entity record.EntityID) error
	// Records calls fn for every record in key order until fn returns
	// false.
	Records(ctx context.Context, fn func(Record) bool) error
	// SourceRecords calls fn for the first records of a source in id
	// order, at most limit of them, until fn returns false.
	SourceRecords(ctx context.Context, source string, limit int, fn func(Record) bool) error
	// CountRecords returns how many records are stored.
	CountRecords(ctx context.Context) (int64, error)
	// CountBySource returns how many records each source has stored
	// (sources with none are left out).
	CountBySource(ctx context.Context) (map[string]int64, error)
	// WeightCounts counts the stored links and reviews by the sources of
	// their records and their match weight rounded down to whole bits.
	WeightCounts(ctx context.Context) ([]WeightCount, error)

	// ReviewCounts counts the pairs in review per pair of sources (A ≤ B).
	ReviewCounts(ctx context.Context) ([]PairCount, error)
	// AddBacklog notes how many pairs were in review at a time, per pair
	// of sources (A ≤ B); notes older than BacklogDays are dropped.
	AddBacklog(ctx context.Context, at time.Time, counts []PairCount) error
	// Backlog returns the notes taken since a time, oldest first.
	Backlog(ctx context.Context, since time.Time) ([]BacklogNote, error)
	// PutWebSession stores or replaces a workbench session, dropping the
	// sessions expired at now; CountWebSessions counts those stored;
	// WebSession reads one (ErrNotFound when there is none);
	// DeleteWebSession ends one.
	PutWebSession(ctx context.Context, s WebSession, now time.Time) error
	CountWebSessions(ctx context.Context) (int64, error)
	WebSession(ctx context.Context, id string) (WebSession, error)
	DeleteWebSession(ctx context.Context, id string) error
	// PutLoginFlow stores a log-in under way at an OIDC issuer, dropping
	// the flows expired at now; CountLoginFlows counts those stored;
	// TakeLoginFlow reads one and deletes it (a flow is used once;
	// ErrNotFound when there is none).
	PutLoginFlow(ctx context.Context, f LoginFlow, now time.Time) error
	CountLoginFlows(ctx context.Context) (int64, error)
	TakeLoginFlow(ctx context.Context, id string) (LoginFlow, error)
	// PutRejects keeps rows and values that could not be used, the
	// newest MaxRejects of them. Deleting a record deletes its rejects.
	PutRejects(ctx context.Context, rs []Reject) error
	// RejectCounts counts the kept rejects by source, scope, field and
	// class.
	RejectCounts(ctx context.Context) ([]RejectCount, error)
	// RejectsOf returns the kept rejects of records, oldest first.
	RejectsOf(ctx context.Context, keys []record.Key) ([]Reject, error)

	// Members returns the records of an entity in key order; an entity
	// with no records returns ErrNotFound.
	Members(ctx context.Context, entity record.EntityID) ([]record.Key, error)
	// MemberRecords returns the stored records of an entity in key order,
	// and every link that names one of them, in one go (an entity's page);
	// an entity with no records returns ErrNotFound.
	MemberRecords(ctx context.Context, entity record.EntityID) ([]Record, []record.Link, error)

	// PutLink stores or replaces a scored pair. Links are the pairs that
	// scored at or above the match threshold, with their weight.
	PutLink(ctx context.Context, l record.Link) error
	// DeleteLink removes the link between two records, named in either
	// order; ErrNotFound if there is none.
	DeleteLink(ctx context.Context, a, b record.Key) error
	// Links returns the links that name key.
	Links(ctx context.Context, key record.Key) ([]record.Link, error)
	// EachLink calls fn for every link until fn returns false. fn must
	// not use the Tx.
	EachLink(ctx context.Context, fn func(record.Link) bool) error

	// PutReview stores or replaces a pair for human review.
	PutReview(ctx context.Context, r record.Review) error
	// Reviews returns the pairs for review that name key, or every pair
	// for review when key is the zero Key, strongest first (then by pair):
	// those after the pair after (nil: from the first), at most limit.
	Reviews(ctx context.Context, key record.Key, after *record.Review, limit int) ([]record.Review, error)
	// ReviewQueue returns a page of the review queue as q asks for it.
	ReviewQueue(ctx context.Context, q ReviewQuery) ([]record.Review, error)
	// ReviewedRecords returns the records some pair for review names,
	// each once, in no order: what Reviews of every pair would name, read
	// without the pairs.
	ReviewedRecords(ctx context.Context) ([]record.Key, error)

	// PutDecision stores a reviewer's decision on a pair, replacing an
	// earlier one. Decisions name records by key and outlive them: a
	// record updated or re-added keeps the decisions about it.
	PutDecision(ctx context.Context, d record.Decision) error
	// Decisions returns the decisions that name key, or all of them when
	// key is the zero Key, in pair order.
	Decisions(ctx context.Context, key record.Key) ([]record.Decision, error)
	// DeleteDecisions removes the decisions that name key (a record
	// deleted for good).
	DeleteDecisions(ctx context.Context, key record.Key) error
	// DeleteReview takes a pair off the review queue.
	DeleteReview(ctx context.Context, a, b record.Key) error

	// AppendAudit appends an entry, already chained, to the audit log and
	// makes it the head.
	AppendAudit(ctx context.Context, e audit.Entry) error
	// AuditHead returns the head of the audit log: the zero Head when it
	// is empty.
	AuditHead(ctx context.Context) (audit.Head, error)
	// AuditEntries calls fn for every audit entry after sequence number
	// after (0: from the first), in order, until fn returns false. fn must
	// not use the Tx. An entry whose
	// stored text is not its canonical encoding is an error wrapping
	// audit.ErrNotCanonical.
	AuditEntries(ctx context.Context, after int64, fn func(audit.Entry) bool) error

	// AddEvent appends an event to the lineage and returns it with its
	// sequence number.
	AddEvent(ctx context.Context, e record.Event) (record.Event, error)
	// Events returns the events that name entity (as Entity or in
	// Others), or every event when entity is "", oldest first: those after
	// sequence number after, at most limit.
	Events(ctx context.Context, entity record.EntityID, after int64, limit int) ([]record.Event, error)
	// EntityUsed reports whether an entity id has ever been used.
	EntityUsed(ctx context.Context, entity record.EntityID) (bool, error)
	// ForgetRecord replaces a deleted record's id in the lineage by its
	// digest, so that the store keeps no trace of it in clear.
	ForgetRecord(ctx context.Context, key record.Key, digest string) error

	// NoteChanges records which records a transaction changed (their
	// rows, entities, links or decisions), under the audit sequence number
	// its head ends at; keys may be empty (an audit entry alone).
	NoteChanges(ctx context.Context, seq int64, keys []record.Key) error
	// ChangedSince returns the records changed after audit sequence seq,
	// up to head. complete is false when some transaction in between
	// noted nothing (a writer that predates the change log): the caller
	// must then read everything again.
	ChangedSince(ctx context.Context, seq, head int64) (keys []record.Key, complete bool, err error)

	Commit() error
	Rollback() error
}

// Checkpointer is a store that keeps a log of recent writes apart from
// its main files (SQLite's write-ahead log) and can fold it in on demand:
// after a large import, so that a server does not pay for it later.
type Checkpointer interface {
	Checkpoint(ctx context.Context) error
}

// BulkTx is a Tx that can load many rows in one go into a store that
// holds no records yet (PostgreSQL's COPY), for importing a batch run. A
// backend without it is loaded a row at a time.
type BulkTx interface {
	Tx
	// PutRecords adds records; none may be stored already.
	PutRecords(ctx context.Context, rs []Record) error
	// PutLinks adds links between stored records; none may be stored
	// already.
	PutLinks(ctx context.Context, ls []record.Link) error
	// PutReviews adds pairs for review between stored records; none may
	// be stored already.
	PutReviews(ctx context.Context, rs []record.Review) error
	// AddEvents appends events to the lineage in order, as AddEvent one
	// by one would, and returns them with their sequence numbers.
	AddEvents(ctx context.Context, events []record.Event) ([]record.Event, error)
	// EntitiesUsed returns those of ids that were ever used, as
	// EntityUsed of each would, in one round trip.
	EntitiesUsed(ctx context.Context, ids []record.EntityID) ([]record.EntityID, error)
}

// Record is a stored record.
type Record struct {
	Key    record.Key
	Entity record.EntityID
	// Data is the encoded record (raw and normalised values); the engine
	// owns its format.
	Data []byte
	// Keys are the record's blocking keys, each already tagged with its
	// rule. The store keeps them with the record; the engine indexes them.
	Keys []uint64
}

// ErrConflict is returned (wrapped) when a transaction of a shared store
// lost a race with another one — a deadlock, a serialisation failure, a
// lock that was not free: nothing it did is kept, and running it again
// from the start is the remedy.
var ErrConflict = errors.New("conflict with a concurrent transaction")

// Shared is a store that many resolvers write at once (shared mode):
// instead of one writer at a time, each holds locks on what its change
// reads — blocking keys, records, entities — so that changes that touch
// nothing in common run side by side. A Begin(write) transaction waits for
// every shared one, and they for it, so a process that keeps a memory copy
// of the store can still write it (with catch-up).
type Shared interface {
	Store
	// BeginShared starts a write transaction beside the other shared
	// ones; from its first statement on, a Begin(write) waits for it.
	BeginShared(ctx context.Context) (SharedTx, error)
}

// Finder reads a part of the store by index: what a resolver that does
// not hold the whole store in memory reads of it. Every method returns
// records with their entity and blocking keys; a key asked for that is not
// stored is left out (no ErrNotFound).
type Finder interface {
	// Holders returns the records that hold any of keys (blocking keys),
	// except the holders of keys held by limit records or more: those keys
	// come back as capped, too common to compare by.
	Holders(ctx context.Context, keys []uint64, limit int) (recs []Record, capped []uint64, err error)
	// RecordsOf returns the stored records among keys.
	RecordsOf(ctx context.Context, keys []record.Key) ([]Record, error)
	// MembersOf returns the records of the entities.
	MembersOf(ctx context.Context, entities []record.EntityID) ([]Record, error)
}

// Around is what LockAround reads.
type Around struct {
	Members   []Record
	Links     []record.Link
	Decisions []record.Decision
}

// SharedTx is a write transaction of a Shared store. Its writes may be
// sent with its next read, lock or commit, and a write's error (such as
// ErrNotFound for a link to a record not stored) returned from that call.
type SharedTx interface {
	Tx
	Finder
	// Lock takes the locks named by ids, held to the end of the
	// transaction, in increasing order, so that two transactions taking
	// theirs this way never wait for each other in a circle. With wait
	// false it takes none and fails at once, wrapping ErrConflict, when
	// one is held by another transaction. Locks are names only: what a
	// name stands for is the caller's (the same id locked by two callers
	// for different things only makes them wait for each other).
	Lock(ctx context.Context, ids []uint64, wait bool) error
	// LockHead waits for the audit head, the last lock a shared change
	// takes, and returns it, with its signature (Sig) when the log is
	// signed: from then on to its commit, no other shared transaction
	// appends to the audit log or the lineage, so their sequence numbers
	// follow the order of commits.
	LockHead(ctx context.Context) (audit.Head, error)
	// LockAround takes the locks of ids without waiting (as Lock), and
	// then reads, in the same round trip where the backend can: the
	// records of entities, and the links and decisions that name any of
	// them or of keys, each once.
	LockAround(ctx context.Context, ids []uint64, entities []record.EntityID, keys []record.Key) (Around, error)
	// AddEvents appends events to the lineage in order, as AddEvent one
	// by one would, and returns them with their sequence numbers.
	AddEvents(ctx context.Context, events []record.Event) ([]record.Event, error)
	// EntitiesUsed returns those of ids that were ever used, as
	// EntityUsed of each would, in one round trip.
	EntitiesUsed(ctx context.Context, ids []record.EntityID) ([]record.EntityID, error)
}

// WeightCount is how many stored pairs of records of sources A and B
// (A ≤ B) weigh from Bits to Bits+1 bits: links, and pairs in review.
type WeightCount struct {
	A, B           string
	Bits           int
	Links, Reviews int64
}

// SumPairCounts adds up counts of one source pair (in either order) and
// orders them by sources.
func SumPairCounts(rows []PairCount) []PairCount {
	sums := map[[2]string]int64{}
	for _, c := range rows {
		sums[[2]string{min(c.A, c.B), max(c.A, c.B)}] += c.N
	}
	out := make([]PairCount, 0, len(sums))
	for k, n := range sums {
		out = append(out, PairCount{A: k[0], B: k[1], N: n})
	}
	slices.SortFunc(out, func(x, y PairCount) int { return cmp.Or(strings.Compare(x.A, y.A), strings.Compare(x.B, y.B)) })
	return out
}

// SumWeightCounts adds up counts of one source pair (in either order)
// and bin, and orders them by sources, then bits.
func SumWeightCounts(rows []WeightCount) []WeightCount {
	sums := map[WeightCount]*WeightCount{}
	var out []WeightCount
	for _, c := range rows {
		c.A, c.B = min(c.A, c.B), max(c.A, c.B)
		k := WeightCount{A: c.A, B: c.B, Bits: c.Bits}
		if n := sums[k]; n != nil {
			n.Links, n.Reviews = n.Links+c.Links, n.Reviews+c.Reviews
			continue
		}
		sums[k] = &c
	}
	for _, c := range sums {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(x, y WeightCount) int {
		return cmp.Or(strings.Compare(x.A, y.A), strings.Compare(x.B, y.B), cmp.Compare(x.Bits, y.Bits))
	})
	return out
}

// MaxRejects is how many rejects a store keeps; older ones are dropped.
const MaxRejects = 1_000_000

// MaxRejectRaw bounds the bytes of a reject's raw row or value kept.
const MaxRejectRaw = 1000

// Reject is a row, or a value of a kept row, that could not be used.
type Reject struct {
	At     time.Time
	Scope  string // "row" or "value"
	Source string
	ID     string // the record's id; "" when the row had none
	Line   int
	Field  string
	Reason string
	Raw    string // at most MaxRejectRaw bytes of the row or the value
}

// RejectCount is how many rejects of one source, scope, field and class
// (RejectClass of their reasons) are kept.
type RejectCount struct {
	Source, Scope, Field, Class string
	N                           int64
}

var quotedChar = regexp.MustCompile(`'[^']{1,4}'`)

// RejectClass is a reject's reason without the values it quotes or the
// numbers it gives (`invalid value: day 29 of "29/02/1990" does not exist`
// → `invalid value: day N of … does not exist`), so that rejects can be
// counted by what went wrong and no record's value is shown in the counts.
func RejectClass(reason string) string {
	reason = quotedChar.ReplaceAllString(reason, `"x"`) // encoding/json's 'h'
	var b strings.Builder
	inQuote, inParen, lastDigit := false, 0, false
	for _, r := range reason {
		switch {
		case r == '"':
			if !inQuote && inParen == 0 {
				b.WriteString("…")
			}
			inQuote = !inQuote
		case inQuote:
		case r == '(':
			inParen++
		case r == ')' && inParen > 0:
			inParen--
		case inParen > 0:
		case r >= '0' && r <= '9':
			if !lastDigit {
				b.WriteByte('N')
			}
			lastDigit = true
			continue
		default:
			b.WriteRune(r)
		}
		lastDigit = false
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// BoundReject cuts r's raw row or value to MaxRejectRaw bytes, on a
// character boundary.
func BoundReject(r Reject) Reject {
	if len(r.Raw) > MaxRejectRaw {
		cut := MaxRejectRaw
		for cut > 0 && !utf8.RuneStart(r.Raw[cut]) {
			cut--
		}
		r.Raw = r.Raw[:cut]
	}
	return r
}

// SortRejects orders rejects oldest first, keeping the order of those of
// one time.
func SortRejects(rs []Reject) {
	slices.SortStableFunc(rs, func(x, y Reject) int { return x.At.Compare(y.At) })
}

// BacklogDays is how long notes of the review backlog are kept.
const BacklogDays = 400

// PairCount is how many of something a pair of sources (A ≤ B) has.
type PairCount struct {
	A, B string
	N    int64
}

// BacklogNote is how many pairs of records of sources A and B were in
// review at a time.
type BacklogNote struct {
	At time.Time
	PairCount
}

// WebSession is a person's session of the workbench, kept in the store so
// that every serving process knows it.
type WebSession struct {
	ID        string // a digest of the token the browser holds, never the token
	Principal string
	Purpose   string
	CSRF      string // the token every form of the session carries
	KeyHash   string // hex SHA-256 of the API key that logged in; "" for none
	Expires   time.Time
}

// LoginFlow is a log-in sent to an OIDC issuer: what its return must
// match. ID and Binder are digests of the state and of the browser's
// binding cookie, never the values.
type LoginFlow struct {
	ID, Binder      string
	Nonce, Verifier string
	Expires         time.Time
}

// ReviewQuery asks for a page of the whole review queue (Tx.ReviewQueue).
type ReviewQuery struct {
	// Uncertain orders the queue nearest even odds first, by the size of
	// a pair's weight, smallest first; else strongest first, as Reviews
	// does. Either then by pair.
	Uncertain bool
	// Apart keeps the pairs whose records are in two entities.
	Apart bool
	// After starts the page after this pair (nil: at the first).
	After *record.Review
	// Limit is the most pairs the page holds (0: all).
	Limit int
}
