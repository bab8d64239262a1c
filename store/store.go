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
	"context"
	"errors"
	"time"

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

// Tx is a transaction. Every method may return a wrapped error from the
// backend; methods that look one thing up return ErrNotFound when it does
// not exist. After Commit or Rollback the Tx must not be used; Rollback
// after Commit is a no-op, so `defer tx.Rollback()` is safe.
type Tx interface {
	// Meta returns the value stored under key.
	Meta(key string) ([]byte, error)
	SetMeta(key string, value []byte) error

	// Record returns a stored record.
	Record(key record.Key) (Record, error)
	// PutRecord inserts or replaces a record with its blocking keys and
	// entity. Replacing keeps the record's links and reviews.
	PutRecord(r Record) error
	// DeleteRecord removes a record, its blocking keys, and every link and
	// review that names it.
	DeleteRecord(key record.Key) error
	// SetEntity moves a record to another entity.
	SetEntity(key record.Key, entity record.EntityID) error
	// Records calls fn for every record in key order until fn returns
	// false.
	Records(fn func(Record) bool) error
	// CountRecords returns how many records are stored.
	CountRecords() (int64, error)

	// Members returns the records of an entity in key order; an entity
	// with no records returns ErrNotFound.
	Members(entity record.EntityID) ([]record.Key, error)

	// PutLink stores or replaces a scored pair. Links are the pairs that
	// scored at or above the match threshold, with their weight.
	PutLink(l Link) error
	// Links returns the links that name key.
	Links(key record.Key) ([]Link, error)
	// EachLink calls fn for every link until fn returns false. fn must
	// not use the Tx.
	EachLink(fn func(Link) bool) error

	// PutReview stores or replaces a pair for human review.
	PutReview(r Review) error
	// Reviews returns the pairs for review that name key, or every pair
	// for review when key is the zero Key.
	Reviews(key record.Key) ([]Review, error)

	// PutDecision stores a reviewer's decision on a pair, replacing an
	// earlier one. Decisions name records by key and outlive them: a
	// record updated or re-added keeps the decisions about it.
	PutDecision(d Decision) error
	// Decisions returns the decisions that name key, or all of them when
	// key is the zero Key, in pair order.
	Decisions(key record.Key) ([]Decision, error)
	// DeleteDecisions removes the decisions that name key (a record
	// deleted for good).
	DeleteDecisions(key record.Key) error
	// DeleteReview takes a pair off the review queue.
	DeleteReview(a, b record.Key) error

	// AppendAudit appends an entry, already chained, to the audit log and
	// makes it the head.
	AppendAudit(e audit.Entry) error
	// AuditHead returns the head of the audit log: the zero Head when it
	// is empty.
	AuditHead() (audit.Head, error)
	// AuditEntries calls fn for every audit entry in the order stored
	// until fn returns false. fn must not use the Tx. An entry whose
	// stored text is not its canonical encoding is an error wrapping
	// audit.ErrNotCanonical.
	AuditEntries(fn func(audit.Entry) bool) error

	// AddEvent appends an event to the lineage and returns it with its
	// sequence number.
	AddEvent(e Event) (Event, error)
	// Events returns the events that name entity (as Entity or in
	// Others), oldest first.
	Events(entity record.EntityID) ([]Event, error)
	// EntityUsed reports whether an entity id has ever been used.
	EntityUsed(entity record.EntityID) (bool, error)
	// ForgetRecord replaces a deleted record's id in the lineage by its
	// digest, so that the store keeps no trace of it in clear.
	ForgetRecord(key record.Key, digest string) error

	// NoteChanges records which records a transaction changed (their
	// rows, entities, links or decisions), under the audit sequence number
	// its head ends at; keys may be empty (an audit entry alone).
	NoteChanges(seq int64, keys []record.Key) error
	// ChangedSince returns the records changed after audit sequence seq,
	// up to head. complete is false when some transaction in between
	// noted nothing (a writer that predates the change log): the caller
	// must then read everything again.
	ChangedSince(seq, head int64) (keys []record.Key, complete bool, err error)

	Commit() error
	Rollback() error
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

// Link is a pair of records with its match weight.
type Link struct {
	A      record.Key `json:"a"` // A before B (record.NewPair order)
	B      record.Key `json:"b"`
	Weight float64    `json:"weight"`
}

// Review is a pair for a person to decide, with why it is there.
type Review struct {
	A      record.Key `json:"a"` // A before B
	B      record.Key `json:"b"`
	Weight float64    `json:"weight"`
	Reason string     `json:"reason"`
	Rule   string     `json:"rule,omitempty"` // the blocking rule that found the pair
}

// Verdict is a reviewer's decision on a pair of records.
type Verdict string

// Verdicts of a reviewer.
const (
	VerdictSame      Verdict = "same"      // one entity: a must-link clustering always follows
	VerdictDifferent Verdict = "different" // two entities: a cannot-link clustering never crosses
	VerdictUnsure    Verdict = "unsure"    // recorded; constrains nothing
)

// Valid reports whether v is one of the verdicts.
func (v Verdict) Valid() bool { return v == VerdictSame || v == VerdictDifferent || v == VerdictUnsure }

// Decision is a person's verdict on a pair of records.
type Decision struct {
	A        record.Key `json:"a"` // A before B
	B        record.Key `json:"b"`
	Verdict  Verdict    `json:"verdict"`
	Reviewer string     `json:"reviewer"`
	Comment  string     `json:"comment,omitempty"`
	Time     time.Time  `json:"time"`
}

// Event kinds of the lineage.
const (
	EventCreated = "created" // an entity came into being
	EventMerged  = "merged"  // Others were absorbed into Entity
	EventSplit   = "split"   // Others were split off from Entity
	EventRemoved = "removed" // Entity lost its last record
	EventManual  = "manual"  // a reviewer merged or split Entity by hand
)

// Event is one entry of the lineage of entities.
type Event struct {
	Seq    int64             `json:"seq"`
	Time   time.Time         `json:"time"`
	Kind   string            `json:"kind"`
	Entity record.EntityID   `json:"entity"`
	Others []record.EntityID `json:"others,omitempty"`
	Record record.Key        `json:"record"` // the record whose change caused it
}
