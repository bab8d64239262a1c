package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// BenchmarkAppendAudit appends audit entries in transactions of 64, as
// the access log's entries of a moment's reads are committed; b.N counts
// transactions, and ns/entry is the time of an entry.
func BenchmarkAppendAudit(b *testing.B) {
	ctx := context.Background()
	db, _ := openUncheckpointed(b)
	h := audit.Head{}
	const perTx = 64
	b.ReportAllocs()
	for b.Loop() {
		tx, err := db.Begin(ctx, true)
		if err != nil {
			b.Fatal(err)
		}
		for range perTx {
			e := audit.Next(h, audit.Entry{Actor: "reader:ann@bank", Action: "read", Entities: []string{"E8623bbde3248658a"}, Detail: "purpose: case 2026-114"})
			if err := tx.AppendAudit(ctx, e); err != nil {
				b.Fatal(err)
			}
			h = audit.HeadOf(e)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perTx), "ns/entry")
}

// BenchmarkReviewQueueOnLoad reads what a process reads of the review
// queue when it loads the store (50,000 pairs over 40,000 records): the
// records the pairs name (ReviewedRecords), against every pair whole
// (Reviews), which it read before; and a page of 100 pairs, the first
// and one after a pair halfway down, as the workbench's and the API's
// review queue read them, and one nearest even odds first after that
// pair (ReviewQueue).
func BenchmarkReviewQueueOnLoad(b *testing.B) {
	ctx := context.Background()
	db, _ := openUncheckpointed(b)
	const records, pairs = 40000, 50000
	tx, err := db.Begin(ctx, true)
	if err != nil {
		b.Fatal(err)
	}
	key := func(i int) record.Key { return record.Key{Source: "kyc", ID: fmt.Sprintf("k-%07d", i)} }
	for i := range records {
		if err := tx.PutRecord(ctx, store.Record{Key: key(i), Entity: record.EntityID(fmt.Sprintf("E%07d", i)), Data: []byte(`{}`)}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range pairs {
		r := record.Review{A: key(i % records), B: key((i*7919 + 1) % records), Weight: weight(i), Reason: "review band", Rule: "[name.phonetic_pairs]"}
		if err := tx.PutReview(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// The pair halfway down the queue: a page's cursor.
	half := record.Review{Weight: weight(pairs / 2)}
	{
		tx, err := db.Begin(ctx, false)
		if err != nil {
			b.Fatal(err)
		}
		rs, err := tx.Reviews(ctx, record.Key{}, nil, pairs/2)
		if err != nil || len(rs) != pairs/2 {
			b.Fatalf("%d pairs, %v", len(rs), err)
		}
		half = rs[len(rs)-1]
		tx.Rollback()
	}
	for _, c := range []struct {
		name string
		read func(store.Tx) (int, error)
	}{
		{"ReviewedRecords", func(tx store.Tx) (int, error) { ks, err := tx.ReviewedRecords(ctx); return len(ks), err }},
		{"Reviews", func(tx store.Tx) (int, error) { rs, err := tx.Reviews(ctx, record.Key{}, nil, 0); return len(rs), err }},
		{"FirstPage", func(tx store.Tx) (int, error) {
			rs, err := tx.Reviews(ctx, record.Key{}, nil, 100)
			return len(rs), err
		}},
		{"PageAfter", func(tx store.Tx) (int, error) {
			rs, err := tx.Reviews(ctx, record.Key{}, &half, 100)
			return len(rs), err
		}},
		{"UncertainPage", func(tx store.Tx) (int, error) {
			rs, err := tx.ReviewQueue(ctx, store.ReviewQuery{Uncertain: true, After: &half, Limit: 100})
			return len(rs), err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tx, err := db.Begin(ctx, false)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := c.read(tx); err != nil || n == 0 {
					b.Fatalf("%d read, %v", n, err)
				}
				tx.Rollback()
			}
		})
	}
}

// weight is the match weight of the benchmark's i-th pair in review:
// from −2 to 7 bits, seldom two alike, as a queue's weights are.
func weight(i int) float64 { return float64(i%9) - 2 + float64(i%997)/997 }
