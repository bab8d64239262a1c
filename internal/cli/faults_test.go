package cli_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/internal/cli"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store/postgres"
	"github.com/concord-er/concord/store/postgres/pgtest"
)

// childEnv makes the test binary run the concord command line given in its
// arguments (TestMain), so that a test can run concord as a process of its
// own and kill it.
const childEnv = "CONCORD_CLI_TEST_CHILD"

// faultSetup writes a config whose store is dsn in shared mode and whose
// records come from a fresh cluster's topic of four partitions.
func faultSetup(t *testing.T, dsn string, opts ...kfake.Opt) (c *kfake.Cluster, cfg, modelPath string) {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(4, "records"), kfake.SeedTopics(1, "changes", "dead")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	_, cfg, modelPath = liveSetup(t)
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	write(t, cfg, strings.Replace(string(text), "store: live.db", "store: \""+dsn+"\"\nshared: true", 1)+
		fmt.Sprintf("kafka:\n  brokers: [%s]\n  group: faults\n  session_timeout: 6s\n  topics: {records: records, changes: changes, dead_letters: dead}\n",
			strings.Join(c.ListenAddrs(), ", ")))
	return c, cfg, modelPath
}

// producePairs sends records from to to (exclusive): p-2i and p-2i+1
// share a name, and resolve into one entity; phones are all different.
func producePairs(t *testing.T, c *kfake.Cluster, from, to int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for i := from; i < to; i++ {
		recs = append(recs, &kgo.Record{Topic: "records", Key: fmt.Appendf(nil, "k%d", i),
			Value: fmt.Appendf(nil, `{"id": "p-%04d", "name": "name %d", "phone": "%07d"}`, i, i/2, 1000000+i)})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// storeState counts the records stored and the upserts in the audit log;
// an error (the server restarting) counts as nothing yet.
func storeState(dsn string) (records int64, upserts int) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, postgres.Options{ReadOnly: true})
	if err != nil {
		return -1, -1
	}
	defer db.Close()
	tx, err := db.Begin(ctx, false)
	if err != nil {
		return -1, -1
	}
	defer tx.Rollback()
	if records, err = tx.CountRecords(ctx); err != nil {
		return -1, -1
	}
	if err := tx.AuditEntries(ctx, 0, func(e audit.Entry) bool {
		if e.Action == "upsert" {
			upserts++
		}
		return true
	}); err != nil {
		return -1, -1
	}
	return records, upserts
}

// waitFor polls cond until it holds, or fails the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", limit, what)
		}
	}
}

// settled checks that n records are stored, each upserted once (a second
// delivery applied would log a second upsert), that they stay so while
// the consumers run on, and that the pairs resolved together.
func settled(t *testing.T, dsn string, n int) {
	t.Helper()
	waitFor(t, 40*time.Second, fmt.Sprintf("want %d records", n), func() bool { r, _ := storeState(dsn); return r == int64(n) })
	time.Sleep(2 * time.Second) // redeliveries, if any, would land meanwhile
	if r, u := storeState(dsn); r != int64(n) || u != n {
		t.Fatalf("%d records stored, %d upserts logged; want %d of each: every message applied once", r, u, n)
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, postgres.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for i := 0; i+1 < n; i += 2 {
		a, errA := tx.Record(ctx, record.Key{Source: "people", ID: fmt.Sprintf("p-%04d", i)})
		b, errB := tx.Record(ctx, record.Key{Source: "people", ID: fmt.Sprintf("p-%04d", i+1)})
		if err := errors.Join(errA, errB); err != nil || a.Entity != b.Entity || a.Entity == "" {
			t.Fatalf("p-%04d and p-%04d: entities %q and %q (%v), want one", i, i+1, a.Entity, b.Entity, err)
		}
	}
}

// concordProcess starts concord as a process of its own (this test binary,
// see childEnv).
func concordProcess(t *testing.T, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, &out
}

// Two consumers in shared mode; one is killed (SIGKILL) in the middle of
// the stream and started again: nothing acknowledged is lost, nothing is
// applied twice, and the pairs resolve as they would in one run.
func TestKillConsumerMidStream(t *testing.T) {
	dsn := pgtest.Schema(t)
	c, cfg, modelPath := faultSetup(t, dsn)
	const n = 1200
	producePairs(t, c, 0, n)
	args := []string{"consume", "--config", cfg, "--model", modelPath}
	a, aOut := concordProcess(t, args...)
	b, bOut := concordProcess(t, args...)
	waitFor(t, time.Minute, "no records arrived", func() bool { r, _ := storeState(dsn); return r >= n/4 })
	if err := a.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	before, _ := storeState(dsn)
	t.Logf("%d of %d records stored when the consumer was killed", before, n)
	a2, a2Out := concordProcess(t, args...)
	settled(t, dsn, n)
	if before >= n {
		t.Logf("the kill came after the last record (%d stored): the test proved less than it should", before)
	}
	for _, p := range []*exec.Cmd{b, a2} {
		p.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range []struct {
		cmd *exec.Cmd
		out *lockedBuffer
	}{{b, bOut}, {a2, a2Out}} {
		if err := p.cmd.Wait(); err != nil && p.cmd.ProcessState.ExitCode() != cli.ExitSignal {
			t.Errorf("consumer: %v: %s", err, p.out.String())
		}
	}
	if t.Failed() {
		t.Logf("killed consumer's output: %s", aOut.String())
	}
	if out := mustRun(t, "audit", "verify", "--config", cfg); !strings.Contains(out, "verifies") {
		t.Errorf("audit verify: %s", out)
	}
}

// consumeInProcess runs concord consume until the test ends.
func consumeInProcess(t *testing.T, cfg, modelPath string) *lockedBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"consume", "--config", cfg, "--model", modelPath}, strings.NewReader(""), &out, &out)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != cli.ExitSignal {
			t.Errorf("consume ended with exit %d: %s", code, out.String())
		}
	})
	return &out
}

// PostgreSQL restarts (an immediate stop: connections cut, crash recovery)
// while a consumer applies a stream: it reconnects and goes on, and every
// message is applied once.
func TestConsumeThroughPostgresRestart(t *testing.T) {
	dsn, restart := pgtest.Server(t)
	c, cfg, modelPath := faultSetup(t, dsn)
	const n = 800
	producePairs(t, c, 0, n/2)
	out := consumeInProcess(t, cfg, modelPath)
	waitFor(t, time.Minute, "no records arrived", func() bool { r, _ := storeState(dsn); return r >= 100 })
	defer func() {
		if t.Failed() {
			t.Logf("consumer: %s", out.String())
		}
	}()
	if err := restart(); err != nil {
		t.Fatal(err)
	}
	producePairs(t, c, n/2, n)
	settled(t, dsn, n)
	if !strings.Contains(out.String(), "trying again") {
		t.Logf("the restart cost no failed batch (it fell between batches): %s", out.String())
	}
}

// The broker drops every fifth connection's request: the consumer
// reconnects, and every message is applied once.
func TestConsumeThroughDroppedConnections(t *testing.T) {
	dsn := pgtest.Schema(t)
	c, cfg, modelPath := faultSetup(t, dsn)
	var seen atomic.Int64
	c.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		switch req.Key() {
		case kmsg.Fetch.Int16(), kmsg.OffsetCommit.Int16(), kmsg.Produce.Int16(), kmsg.Heartbeat.Int16():
			if seen.Add(1)%5 == 0 {
				return nil, errors.New("dropped by the test"), true
			}
		}
		return nil, nil, false
	})
	const n = 600
	producePairs(t, c, 0, n)
	consumeInProcess(t, cfg, modelPath)
	settled(t, dsn, n)
	if seen.Load() < 5 {
		t.Errorf("only %d requests seen: no connection was dropped", seen.Load())
	}
}
