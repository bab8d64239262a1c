// Package audit is Concord's append-only, hash-chained log of decisions:
// every upsert and delete with the model that scored it and a digest of
// its evidence, every merge and split, every reviewer's decision and every
// model change. Each entry carries the hash of the one before it, so
// Verify finds an entry that was edited, removed, inserted or moved, and
// says which.
//
// Entries hold no record contents: records are named by keyed digests
// (KeyDigest) and evidence by its SHA-256, so a record deleted for privacy
// leaves nothing personal in the log.
package audit

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/concord-er/concord/record"
)

// Actors.
const (
	ActorModel  = "model"  // the model scored and clustered
	ActorSystem = "system" // an operator command: import, model change
	// ActorReviewer prefixes a reviewer's name: "reviewer:ana".
	ActorReviewer = "reviewer:"
	// ActorPrincipal prefixes an authenticated caller of the API, for
	// the changes it asks for and the reads it makes: "principal:svc-ingest".
	ActorPrincipal = "principal:"
)

// Entry is one line of the log.
type Entry struct {
	Seq    int64     `json:"seq"` // 1, 2, 3, … without gaps
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // upsert, delete, decide, merge, split, import, model
	// Records are KeyDigests of the records concerned; Entities the
	// entity ids created, kept, merged or split.
	Records  []string `json:"records,omitempty"`
	Entities []string `json:"entities,omitempty"`
	Model    string   `json:"model,omitempty"`    // digest of the model in force
	Evidence string   `json:"evidence,omitempty"` // SHA-256 of the evidence (scores, levels, comment)
	// Content is the keyed digest (ContentDigest) of the record an upsert
	// stored, so that a record changed in the store later is found.
	Content string `json:"content,omitempty"`
	Detail  string `json:"detail,omitempty"` // a fixed word or count, never record contents
	Prev    string `json:"prev"`             // Hash of the entry before; "" for the first
	Hash    string `json:"hash"`             // SHA-256 of every field above
}

// ComputeHash returns the hash of every field of e but Hash.
func (e Entry) ComputeHash() string {
	e.Hash = ""
	e.Time = e.Time.UTC()
	var buf [512]byte
	data, _ := e.appendJSON(buf[:0]) // fails only for a year past 9999: hashed as no text, as before
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Next chains e after the entry prev names (the zero Head for the first
// entry): it sets Seq, Prev and Hash.
func Next(prev Head, e Entry) Entry {
	e.Seq, e.Prev = prev.Seq+1, prev.Hash
	e.Time = e.Time.UTC().Round(0)
	e.Hash = e.ComputeHash()
	return e
}

// HeadOf returns the head that e makes.
func HeadOf(e Entry) Head { return Head{Seq: e.Seq, Hash: e.Hash} }

// Digest returns the SHA-256 of data, in hex.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// KeyDigest names a record in the log without revealing it: an HMAC of
// its key under the store's secret salt. Whoever holds the salt can find
// a known record's entries; the log alone says nothing about it.
func KeyDigest(salt []byte, k record.Key) string {
	d := NewKeyDigester(salt).Digest(k)
	return hex.EncodeToString(d[:])
}

// Digester computes KeyDigests and ContentDigests under one salt, from any
// goroutine. It keeps KeyDigesters for reuse: a new HMAC sets up two
// SHA-256 states from the salt, and every record a real-time change writes
// is digested twice (its key and its content): new HMACs were 8% of the
// bytes BenchmarkApply allocates a record.
type Digester struct {
	salt []byte
	pool sync.Pool // of *KeyDigester under salt
}

// NewDigester returns a Digester for salt.
func NewDigester(salt []byte) *Digester {
	d := &Digester{salt: slices.Clone(salt)}
	d.pool.New = func() any { return NewKeyDigester(d.salt) }
	return d
}

// Key returns KeyDigest(salt, k).
func (d *Digester) Key(k record.Key) string {
	kd := d.pool.Get().(*KeyDigester)
	defer d.pool.Put(kd)
	sum := kd.Digest(k)
	return hex.EncodeToString(sum[:])
}

// Content returns ContentDigest(salt, data).
func (d *Digester) Content(data []byte) string {
	kd := d.pool.Get().(*KeyDigester)
	defer d.pool.Put(kd)
	return hex.EncodeToString(kd.content(data))
}

// KeyDigester computes the KeyDigests of many keys under one salt, as the
// bytes whose hex KeyDigest is, with one HMAC. It is not safe for
// concurrent use.
type KeyDigester struct {
	m   hash.Hash
	sum []byte
}

// NewKeyDigester returns a KeyDigester for salt.
func NewKeyDigester(salt []byte) *KeyDigester {
	return &KeyDigester{m: hmac.New(sha256.New, salt), sum: make([]byte, 0, sha256.Size)}
}

// Digest returns the key's digest.
func (d *KeyDigester) Digest(k record.Key) [16]byte {
	d.m.Reset()
	io.WriteString(d.m, k.Source)
	d.m.Write([]byte{0})
	io.WriteString(d.m, k.ID)
	d.sum = d.m.Sum(d.sum[:0])
	return [16]byte(d.sum)
}

// content returns the bytes whose hex ContentDigest is, valid until d
// digests again.
func (d *KeyDigester) content(data []byte) []byte {
	d.m.Reset()
	io.WriteString(d.m, "content\x00")
	d.m.Write(data)
	d.sum = d.m.Sum(d.sum[:0])
	return d.sum
}

// ContentDigest names a record's stored content in the log without
// revealing it: an HMAC under the store's secret, so that a low-entropy
// record cannot be guessed from its digest.
func ContentDigest(salt, data []byte) string {
	return hex.EncodeToString(NewKeyDigester(salt).content(data))
}

// Head is the last entry's sequence number and hash, kept apart from the
// log so that entries removed from its end are found too.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	// Sig is the head's signature (SignHead), when the store's log is
	// signed.
	Sig string `json:"sig,omitempty"`
}

// Kinds of tampering Verify reports.
const (
	KindEdited    = "edited"    // an entry's content no longer matches its hash, or its hash was recomputed
	KindRemoved   = "removed"   // entries are missing
	KindReordered = "reordered" // an entry is out of sequence
	KindInserted  = "inserted"  // an entry that does not belong to the chain
	KindTruncated = "truncated" // entries are missing from the end
	KindUnsigned  = "unsigned"  // the head's signature is missing or not the key's
	KindUnlogged  = "unlogged"  // the store holds state the log does not account for
)

// Problem is one finding of Verify.
type Problem struct {
	Position int    `json:"position"` // 1-based position of the entry in the log as read
	Seq      int64  `json:"seq"`      // the sequence number concerned
	Kind     string `json:"kind"`
	Detail   string `json:"detail"`
	// Sources are the sources of the records the problem names, for
	// telling it only to readers who hold them; not part of its text.
	Sources []string `json:"-"`
}

func (p Problem) String() string {
	return fmt.Sprintf("entry %d (seq %d): %s: %s", p.Position, p.Seq, p.Kind, p.Detail)
}

// ErrNotCanonical is returned by stores for an entry whose stored text is
// not its own encoding (an extra, repeated or moved key): tampering that
// the hash of the decoded entry cannot see.
var ErrNotCanonical = errors.New("audit entry is not in its canonical encoding: the stored text was edited")

// ErrTampered is wrapped by the error Verify returns for a log that fails.
var ErrTampered = errors.New("audit log fails verification")

// VerifyError lists every problem found, the first being where the log
// stops being trustworthy.
type VerifyError struct {
	Problems []Problem
}

func (e *VerifyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %s", ErrTampered, e.Problems[0])
	if n := len(e.Problems) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more)", n)
	}
	return b.String()
}

func (e *VerifyError) Unwrap() error { return ErrTampered }

// Verify checks a log, in the order it was read. head, when not nil, is
// the head kept apart from the log. It returns nil or a *VerifyError.
func Verify(entries []Entry, head *Head) error {
	var probs []Problem
	add := func(pos int, seq int64, kind, format string, args ...any) {
		probs = append(probs, Problem{Position: pos, Seq: seq, Kind: kind, Detail: fmt.Sprintf(format, args...)})
	}
	entries = slices.Clone(entries) // a moved pair is put back in order here
	want := int64(1)
	prevHash := ""
	for i := 0; i < len(entries); i++ {
		pos := i + 1
		if e := entries[i]; e.Seq > want && i+1 < len(entries) && entries[i+1].Seq == want {
			add(pos, e.Seq, KindReordered, "seq %d comes before seq %d", e.Seq, want)
			entries[i], entries[i+1] = entries[i+1], entries[i]
		}
		e := entries[i]
		contentOK := e.Hash == e.ComputeHash()
		switch {
		case e.Seq == want:
			if !contentOK {
				add(pos, e.Seq, KindEdited, "its content does not match its hash")
			} else if e.Prev != prevHash {
				if i > 0 {
					add(pos-1, entries[i-1].Seq, KindEdited, "its hash was recomputed: the next entry no longer points to it")
				} else {
					add(pos, e.Seq, KindInserted, "the first entry points to a previous one")
				}
			}
			want++
		case e.Seq > want:
			if e.Seq == want+1 {
				add(pos, want, KindRemoved, "seq %d is missing before seq %d", want, e.Seq)
			} else {
				add(pos, want, KindRemoved, "seq %d to %d are missing before seq %d", want, e.Seq-1, e.Seq)
			}
			if !contentOK {
				add(pos, e.Seq, KindEdited, "its content does not match its hash")
			}
			want = e.Seq + 1
		default: // already seen, or moved back
			add(pos, e.Seq, KindInserted, "seq %d again after seq %d", e.Seq, want-1)
			continue // keep the chain of the entries before it
		}
		prevHash = e.Hash
	}
	if head != nil && len(probs) == 0 {
		last := Head{}
		if n := len(entries); n > 0 {
			last = Head{Seq: entries[n-1].Seq, Hash: entries[n-1].Hash}
		}
		switch {
		case last.Seq < head.Seq:
			add(len(entries), last.Seq+1, KindTruncated, "the log ends at seq %d; the head says %d", last.Seq, head.Seq)
		case last.Seq > head.Seq:
			add(len(entries), head.Seq+1, KindInserted, "entries after seq %d, where the head ends", head.Seq)
		case last.Hash != head.Hash:
			add(len(entries), last.Seq, KindEdited, "the last entry's hash differs from the head's")
		}
	}
	if len(probs) > 0 {
		return &VerifyError{Problems: probs}
	}
	return nil
}

// Write writes entries as NDJSON, one entry a line.
func Write(w io.Writer, entries []Entry) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

// Read reads an NDJSON log written by Write. A line that is not an entry
// is an error naming the line.
func Read(r io.Reader, name string) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s:%d: not an audit entry: %w", name, line, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}
