package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
)

// What every SQL backend stores the same way: blocking keys as bytes, an
// audit entry as its canonical JSON text, the head as JSON under one meta
// key, the other entities of an event as one text.

// MetaAuditHead is the meta key of the audit head; MetaAuditHeadSig, of
// its signature (when the log is signed).
const (
	MetaAuditHead    = "audit_head"
	MetaAuditHeadSig = "audit_head_sig"
)

// EncodeKeys packs blocking keys for a backend to keep as bytes: eight
// little-endian bytes each.
func EncodeKeys(keys []uint64) []byte {
	b := make([]byte, 8*len(keys))
	for i, k := range keys {
		binary.LittleEndian.PutUint64(b[8*i:], k)
	}
	return b
}

// DecodeKeys unpacks what EncodeKeys packed (a trailing partial key is
// ignored).
func DecodeKeys(b []byte) []uint64 {
	keys := make([]uint64, len(b)/8)
	for i := range keys {
		keys[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return keys
}

// EncodeAudit returns the text an audit entry is stored as.
func EncodeAudit(e audit.Entry) (string, error) {
	data, err := e.MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	return string(data), nil
}

// EncodeAuditHead returns the value stored under MetaAuditHead for h
// (DecodeAuditHead reads it). Stores that hold the head back until a
// transaction writes encode it then, once, not for every entry.
func EncodeAuditHead(h audit.Head) []byte {
	data, _ := json.Marshal(h) // a number and strings: cannot fail
	return data
}

// DecodeAudit reads a stored audit entry. The stored text must be the
// entry's own encoding: a key added, repeated or moved would pass the hash
// of what decodes (audit.ErrNotCanonical).
func DecodeAudit(seq int64, data string) (audit.Entry, error) {
	var e audit.Entry
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return e, fmt.Errorf("audit entry %d: %w", seq, err)
	}
	if canon, err := json.Marshal(e); err != nil || string(canon) != data {
		return e, fmt.Errorf("audit entry %d: %w", seq, audit.ErrNotCanonical)
	}
	return e, nil
}

// DecodeAuditHead reads the head from the meta value under MetaAuditHead
// and the error reading it gave: none stored is the zero Head.
func DecodeAuditHead(data []byte, err error) (audit.Head, error) {
	var h audit.Head
	switch {
	case errors.Is(err, ErrNotFound):
		return h, nil
	case err != nil:
		return h, err
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return h, fmt.Errorf("store: audit head: %w", err)
	}
	return h, nil
}

// JoinEntities and SplitEntities store an event's other entities as one
// text (entity ids hold no spaces).
func JoinEntities(ids []record.EntityID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, " ")
}

// SplitEntities reads what JoinEntities wrote.
func SplitEntities(s string) []record.EntityID {
	var out []record.EntityID
	for _, f := range strings.Fields(s) {
		out = append(out, record.EntityID(f))
	}
	return out
}
