package sqlite_test

import (
	"context"
	"testing"

	"github.com/concord-er/concord/audit"
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
