package record

import "time"

// Link is a pair of records whose match weight reached the match
// threshold: clustering joins what links join, unless a conflict or a
// reviewer's decision keeps them apart.
type Link struct {
	A      Key     `json:"a"` // A before B (NewPair order)
	B      Key     `json:"b"`
	Weight float64 `json:"weight"` // match weight, in bits
}

// Review is a pair for a person to decide, with why it is there.
type Review struct {
	A      Key     `json:"a"` // A before B
	B      Key     `json:"b"`
	Weight float64 `json:"weight"`
	Reason string  `json:"reason"`
	Rule   string  `json:"rule,omitempty"` // the blocking rule that found the pair
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

// Decision is a person's verdict on a pair of records. Decisions name
// records by key and outlive updates of them.
type Decision struct {
	A        Key       `json:"a"` // A before B, once stored
	B        Key       `json:"b"`
	Verdict  Verdict   `json:"verdict"`
	Reviewer string    `json:"reviewer"`
	Comment  string    `json:"comment,omitempty"`
	Time     time.Time `json:"time"` // when it was stored
}

// EventKind is what happened to an entity.
type EventKind string

// Event kinds of the lineage.
const (
	EventCreated EventKind = "created" // an entity came into being
	EventMerged  EventKind = "merged"  // Others were absorbed into Entity
	EventSplit   EventKind = "split"   // Others were split off from Entity
	EventRemoved EventKind = "removed" // Entity lost its last record
	// EventRelated: Record, of Entity, states relationships anew, or no
	// longer (changed, or deleted); Others are the entities at the other
	// ends of those it states now.
	EventRelated EventKind = "related"
)

// Valid reports whether k is one of the event kinds.
func (k EventKind) Valid() bool {
	return k == EventCreated || k == EventMerged || k == EventSplit || k == EventRemoved || k == EventRelated
}

// Event is one entry of the lineage of entities.
type Event struct {
	Seq    int64      `json:"seq"`
	Time   time.Time  `json:"time"`
	Kind   EventKind  `json:"kind"`
	Entity EntityID   `json:"entity"`
	Others []EntityID `json:"others,omitempty"`
	Record Key        `json:"record"` // the record whose change caused it
	// Actor is who made the change: the audit log's actor (the model for
	// a principal's upsert, or the reviewer). The change feed leaves it out.
	Actor string `json:"actor,omitempty"`
	// Why is a reviewer's reason for a change they made; the change feed
	// leaves it out too.
	Why string `json:"why,omitempty"`
}
