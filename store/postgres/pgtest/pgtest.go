// Package pgtest gives tests an empty PostgreSQL schema of their own in
// the database CONCORD_TEST_PG names (.ci/run starts one and sets it).
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// URL returns the database the tests may use, or skips the test when none
// is set: except under CI=true, where a database .ci/run should have
// started is a failure.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("CONCORD_TEST_PG")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CONCORD_TEST_PG is not set: .ci/run starts PostgreSQL and sets it")
		}
		t.Skip("CONCORD_TEST_PG is not set (postgres://… of a database to test in; .ci/run starts one): PostgreSQL tests skipped")
	}
	return u
}

var schemas atomic.Int64

// Schema creates an empty schema for one test and returns the URL that
// opens a store in it (search_path); the schema is dropped after the test.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("CONCORD_TEST_PG: %v", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("concord_test_%d_%d", os.Getpid(), schemas.Add(1))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
