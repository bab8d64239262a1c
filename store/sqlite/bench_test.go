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
// (Reviews), which it read before.
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
		r := record.Review{A: key(i % records), B: key((i*7919 + 1) % records), Weight: float64(i%9) - 2, Reason: "review band", Rule: "[name.phonetic_pairs]"}
		if err := tx.PutReview(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		read func(store.Tx) (int, error)
	}{
		{"ReviewedRecords", func(tx store.Tx) (int, error) { ks, err := tx.ReviewedRecords(ctx); return len(ks), err }},
		{"Reviews", func(tx store.Tx) (int, error) { rs, err := tx.Reviews(ctx, record.Key{}, nil, 0); return len(rs), err }},
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
