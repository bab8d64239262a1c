package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// pending holds a shared transaction's writes of the kinds a change makes
// one per record — records stored, records moved to an entity, links and
// pairs for review added, audit entries appended — to go as one statement
// of many rows per kind, in that order, with the writes held back
// (Tx.behind). Any other write sends them first, so that every write keeps
// its place among the writes it does not commute with; these commute with
// one another where the rules below keep them apart:
//   - a record stored again replaces its pending row, and drops a pending
//     move of it (the row it stores names its entity);
//   - a link or a pair for review added again replaces its pending row;
//   - moves follow the records stored (a record is stored, then moved);
//     links and reviews follow both (they name records stored by this
//     change).
type pending struct {
	recs    []store.Record
	recAt   map[record.Key]int
	moves   map[record.Key]record.EntityID
	links   []record.Link
	linkAt  map[record.Pair]int
	reviews []record.Review
	revAt   map[record.Pair]int
	seqs    []int64
	entries []string
	head    audit.Head // the audit head after the last entry, when there is one
}

func (p *pending) rows() int {
	return len(p.recs) + len(p.moves) + len(p.links) + len(p.reviews) + len(p.seqs)
}

// putRecord holds back a record to store.
func (t *Tx) putRecord(ctx context.Context, r store.Record) error {
	p := &t.pend
	if p.recAt == nil {
		p.recAt = map[record.Key]int{}
	}
	delete(p.moves, r.Key)
	if i, ok := p.recAt[r.Key]; ok {
		p.recs[i] = r
	} else {
		p.recAt[r.Key] = len(p.recs)
		p.recs = append(p.recs, r)
	}
	return t.checkPending(ctx)
}

// setEntity holds back a record's move to an entity.
func (t *Tx) setEntity(ctx context.Context, key record.Key, entity record.EntityID) error {
	p := &t.pend
	if p.moves == nil {
		p.moves = map[record.Key]record.EntityID{}
	}
	p.moves[key] = entity
	return t.checkPending(ctx)
}

// putLink holds back a link to add, or to weigh anew.
func (t *Tx) putLink(ctx context.Context, l record.Link) error {
	pair := record.NewPair(l.A, l.B)
	l.A, l.B = pair.A, pair.B
	putPair(&t.pend.links, &t.pend.linkAt, pair, l)
	return t.checkPending(ctx)
}

// putReview holds back a pair for review to add, or to weigh anew.
func (t *Tx) putReview(ctx context.Context, r record.Review) error {
	pair := record.NewPair(r.A, r.B)
	r.A, r.B = pair.A, pair.B
	putPair(&t.pend.reviews, &t.pend.revAt, pair, r)
	return t.checkPending(ctx)
}

// putPair adds row for pair to rows, or replaces the one there (at: where
// each pair's row is).
func putPair[T any](rows *[]T, at *map[record.Pair]int, pair record.Pair, row T) {
	if *at == nil {
		*at = map[record.Pair]int{}
	}
	if i, ok := (*at)[pair]; ok {
		(*rows)[i] = row
		return
	}
	(*at)[pair] = len(*rows)
	*rows = append(*rows, row)
}

// appendAudit holds back an audit entry, and the head it makes (encoded
// when the entries are sent).
func (t *Tx) appendAudit(ctx context.Context, seq int64, entry string, head audit.Head) error {
	p := &t.pend
	p.seqs, p.entries, p.head = append(p.seqs, seq), append(p.entries, entry), head
	return t.checkPending(ctx)
}

// checkPending sends what is held back once it is maxBehind rows.
func (t *Tx) checkPending(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if t.pend.rows()+t.behind.Len() >= maxBehind {
		return t.flush(ctx)
	}
	return nil
}

// queuePending moves the pending writes into the writes held back, one
// statement per kind, each with the check of its row count.
func (t *Tx) queuePending() {
	p := &t.pend
	if len(p.recs) > 0 {
		q, args := recordsWrite(p.recs)
		t.behind.Queue(q, args...)
		t.checks = append(t.checks, nil)
	}
	if len(p.moves) > 0 {
		var keys []record.Key
		var ents []record.EntityID
		for k, e := range p.moves {
			keys, ents = append(keys, k), append(ents, e)
		}
		q, args := movesWrite(keys, ents)
		t.behind.Queue(q, args...)
		t.checks = append(t.checks, notFoundUnless(int64(len(keys)), "%d records to move", len(keys)))
	}
	if len(p.links) > 0 {
		q, args := linksWrite(p.links)
		t.behind.Queue(q, args...)
		t.checks = append(t.checks, notFoundUnless(int64(len(p.links)), "%d links' records", len(p.links)))
	}
	if len(p.reviews) > 0 {
		q, args := reviewsWrite(p.reviews)
		t.behind.Queue(q, args...)
		t.checks = append(t.checks, notFoundUnless(int64(len(p.reviews)), "%d pairs for review's records", len(p.reviews)))
	}
	if len(p.seqs) > 0 {
		t.behind.Queue(auditWrite, p.seqs, p.entries)
		t.behind.Queue(metaWrite, store.MetaAuditHead, store.EncodeAuditHead(p.head))
		t.checks = append(t.checks, nil, nil)
	}
	t.pend = pending{}
}

// The statements that write many rows of a kind at once, from arrays
// (unnest); a transaction not held back runs them with one row.

// recordsWrite stores records, or replaces them, with their keys in the
// index in place of the ones they had (each part of the statement sees
// the tables as they were before).
func recordsWrite(recs []store.Record) (string, []any) {
	var src, rid, ent, ksrc, krid []string
	var data, keys [][]byte
	var ks []int64
	for _, r := range recs {
		d := r.Data
		if d == nil {
			d = []byte{}
		}
		src, rid, ent = append(src, r.Key.Source), append(rid, r.Key.ID), append(ent, string(r.Entity))
		data, keys = append(data, d), append(keys, store.EncodeKeys(r.Keys))
		for _, k := range r.Keys {
			ks, ksrc, krid = append(ks, int64(k)), append(ksrc, r.Key.Source), append(krid, r.Key.ID)
		}
	}
	return `WITH r AS (INSERT INTO records(source, rid, entity, data, keys)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[])
			ON CONFLICT(source, rid) DO UPDATE SET entity = excluded.entity, data = excluded.data, keys = excluded.keys
			RETURNING id, source, rid),
		d AS (DELETE FROM record_keys WHERE rec IN (SELECT id FROM r))
		INSERT INTO record_keys(k, rec) SELECT q.k, r.id FROM unnest($6::bigint[], $7::text[], $8::text[]) AS q(k, s, i)
			JOIN r ON r.source = q.s COLLATE "C" AND r.rid = q.i COLLATE "C"`,
		[]any{src, rid, ent, data, keys, ks, ksrc, krid}
}

// movesWrite moves records to entities, keys[i] to ents[i].
func movesWrite(keys []record.Key, ents []record.EntityID) (string, []any) {
	src, rid := keyArrays(keys)
	return `UPDATE records r SET entity = q.e FROM unnest($1::text[], $2::text[], $3::text[]) AS q(s, i, e)
		WHERE r.source = q.s COLLATE "C" AND r.rid = q.i COLLATE "C"`, []any{src, rid, entityStrings(ents)}
}

// linksWrite adds links, or weighs them anew.
func linksWrite(ls []record.Link) (string, []any) {
	pairs, w := make([]record.Pair, len(ls)), make([]float64, len(ls))
	for i, l := range ls {
		pairs[i], w[i] = record.NewPair(l.A, l.B), l.Weight
	}
	return pairsWrite("links", pairs, []string{"weight"}, []string{"float8"}, w)
}

// reviewsWrite adds pairs for review, or replaces them.
func reviewsWrite(rs []record.Review) (string, []any) {
	n := len(rs)
	pairs, w, reason, rule := make([]record.Pair, n), make([]float64, n), make([]string, n), make([]string, n)
	for i, r := range rs {
		pairs[i], w[i], reason[i], rule[i] = record.NewPair(r.A, r.B), r.Weight, r.Reason, r.Rule
	}
	return pairsWrite("reviews", pairs, []string{"weight", "reason", "rule"}, []string{"float8", "text", "text"}, w, reason, rule)
}

const (
	auditWrite = "INSERT INTO audit(seq, entry) SELECT * FROM unnest($1::bigint[], $2::text[])"
	metaWrite  = "INSERT INTO meta(k, v) VALUES($1, $2) ON CONFLICT(k) DO UPDATE SET v = excluded.v"
)

// pairsWrite adds to table (links or reviews) a row per pair of stored
// records, named by key, with the columns cols (of PostgreSQL types types)
// from vals, a slice per column; a pair there already takes the new
// values.
func pairsWrite(table string, pairs []record.Pair, cols, types []string, vals ...any) (string, []any) {
	as, ai, bs, bi := make([]string, len(pairs)), make([]string, len(pairs)), make([]string, len(pairs)), make([]string, len(pairs))
	for i, p := range pairs {
		as[i], ai[i], bs[i], bi[i] = p.A.Source, p.A.ID, p.B.Source, p.B.ID
	}
	arrays, names, sets := []string{"$1::text[]", "$2::text[]", "$3::text[]", "$4::text[]"}, []string{"as_", "ai", "bs", "bi"}, []string{}
	for i, c := range cols {
		arrays = append(arrays, fmt.Sprintf("$%d::%s[]", i+5, types[i]))
		names = append(names, c)
		sets = append(sets, c+" = excluded."+c)
	}
	q := `INSERT INTO ` + table + `(a, b, ` + strings.Join(cols, ", ") + `)
		SELECT ra.id, rb.id, q.` + strings.Join(cols, ", q.") + ` FROM unnest(` + strings.Join(arrays, ", ") + `) AS q(` + strings.Join(names, ", ") + `)
		JOIN records ra ON ra.source = q.as_ COLLATE "C" AND ra.rid = q.ai COLLATE "C"
		JOIN records rb ON rb.source = q.bs COLLATE "C" AND rb.rid = q.bi COLLATE "C"
		ON CONFLICT(a, b) DO UPDATE SET ` + strings.Join(sets, ", ")
	return q, append([]any{as, ai, bs, bi}, vals...)
}
