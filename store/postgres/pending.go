package postgres

import (
	"context"
	"fmt"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// pending holds a shared transaction's writes of the kinds a change makes
// one per record — records stored, records moved to an entity, links
// added, audit entries appended — to go as one statement of many rows per
// kind, in that order, with the writes held back (Tx.behind). Any other
// write sends them first, so that every write keeps its place among the
// writes it does not commute with; these four commute with one another
// where the rules below keep them apart:
//   - a record stored again replaces its pending row, and drops a pending
//     move of it (the row it stores names its entity);
//   - a link added again replaces its pending weight;
//   - moves follow the records stored (a record is stored, then moved);
//     links follow both (they name records stored by this change).
type pending struct {
	recs    []store.Record
	recAt   map[record.Key]int
	moves   map[record.Key]record.EntityID
	links   []record.Link
	linkAt  map[record.Pair]int
	seqs    []int64
	entries []string
	head    []byte // the audit head after the last entry, nil for none
}

func (p *pending) rows() int {
	return len(p.recs) + len(p.moves) + len(p.links) + len(p.seqs)
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
	p := &t.pend
	if p.linkAt == nil {
		p.linkAt = map[record.Pair]int{}
	}
	pair := record.NewPair(l.A, l.B)
	l.A, l.B = pair.A, pair.B
	if i, ok := p.linkAt[pair]; ok {
		p.links[i] = l
	} else {
		p.linkAt[pair] = len(p.links)
		p.links = append(p.links, l)
	}
	return t.checkPending(ctx)
}

// appendAudit holds back an audit entry, and the head it makes.
func (t *Tx) appendAudit(ctx context.Context, seq int64, entry string, head []byte) error {
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
		var src, rid, ent, ksrc, krid []string
		var data, keys [][]byte
		var ks []int64
		for _, r := range p.recs {
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
		// The rows, and their keys in the index in place of the ones they
		// had (each part sees the tables as they were before).
		t.behind.Queue(`WITH r AS (INSERT INTO records(source, rid, entity, data, keys)
				SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[])
				ON CONFLICT(source, rid) DO UPDATE SET entity = excluded.entity, data = excluded.data, keys = excluded.keys
				RETURNING id, source, rid),
			d AS (DELETE FROM record_keys WHERE rec IN (SELECT id FROM r))
			INSERT INTO record_keys(k, rec) SELECT q.k, r.id FROM unnest($6::bigint[], $7::text[], $8::text[]) AS q(k, s, i)
				JOIN r ON r.source = q.s COLLATE "C" AND r.rid = q.i COLLATE "C"`,
			src, rid, ent, data, keys, ks, ksrc, krid)
		t.checks = append(t.checks, nil)
	}
	if len(p.moves) > 0 {
		var src, rid, ent []string
		for k, e := range p.moves {
			src, rid, ent = append(src, k.Source), append(rid, k.ID), append(ent, string(e))
		}
		t.behind.Queue(`UPDATE records r SET entity = q.e FROM unnest($1::text[], $2::text[], $3::text[]) AS q(s, i, e)
			WHERE r.source = q.s COLLATE "C" AND r.rid = q.i COLLATE "C"`, src, rid, ent)
		t.checks = append(t.checks, notFoundUnless(int64(len(src)), "%d records to move", len(src)))
	}
	if len(p.links) > 0 {
		var as, ai, bs, bi []string
		var w []float64
		for _, l := range p.links {
			as, ai, bs, bi, w = append(as, l.A.Source), append(ai, l.A.ID), append(bs, l.B.Source), append(bi, l.B.ID), append(w, l.Weight)
		}
		t.behind.Queue(`INSERT INTO links(a, b, weight)
			SELECT ra.id, rb.id, q.w FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[]) AS q(as_, ai, bs, bi, w)
			JOIN records ra ON ra.source = q.as_ COLLATE "C" AND ra.rid = q.ai COLLATE "C"
			JOIN records rb ON rb.source = q.bs COLLATE "C" AND rb.rid = q.bi COLLATE "C"
			ON CONFLICT(a, b) DO UPDATE SET weight = excluded.weight`, as, ai, bs, bi, w)
		t.checks = append(t.checks, notFoundUnless(int64(len(as)), "%d links' records", len(as)))
	}
	if len(p.seqs) > 0 {
		t.behind.Queue("INSERT INTO audit(seq, entry) SELECT * FROM unnest($1::bigint[], $2::text[])", p.seqs, p.entries)
		t.behind.Queue("INSERT INTO meta(k, v) VALUES($1, $2) ON CONFLICT(k) DO UPDATE SET v = excluded.v", store.MetaAuditHead, p.head)
		t.checks = append(t.checks, nil, nil)
	}
	t.pend = pending{}
}
