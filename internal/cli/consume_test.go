package cli_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/concord-er/concord/internal/cli"
)

// concord consume resolves a topic's records into the config's store
// until stopped, and says what it did.
func TestConsumeCommand(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "records", "changes", "dead"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, cfg, modelPath := liveSetup(t)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "kafka:\n  brokers: [%s]\n  topics: {records: records, changes: changes, dead_letters: dead}\n", strings.Join(c.ListenAddrs(), ", "))
	f.Close()
	if code, _, errs := run(t, "consume"); code != cli.ExitUsage {
		t.Errorf("consume without --config: exit %d: %s", code, errs)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(context.Background(),
		&kgo.Record{Topic: "records", Value: []byte(`{"id": "a", "name": "Ana", "phone": "111"}`)},
		&kgo.Record{Topic: "records", Value: []byte(`{"id": "b", "name": "Ana", "phone": "222"}`)},
		&kgo.Record{Topic: "records", Value: []byte(`{"id": "c"`)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan int)
	go func() {
		done <- cli.Run(ctx, []string{"consume", "--config", cfg, "--model", modelPath}, strings.NewReader(""), &stderr, &stderr)
	}()
	// The records arrive in the store (the one source needs no "source").
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if code, out, _ := run(t, "record", "--config", cfg, "people", "b"); code == 0 && strings.Contains(out, "people") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the records did not arrive: %s", stderr.String())
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != cli.ExitSignal {
			t.Errorf("consume stopped with exit %d: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("consume did not stop")
	}
	if !strings.Contains(stderr.String(), "2 messages applied") || !strings.Contains(stderr.String(), "1 dead letters") {
		t.Errorf("summary: %s", stderr.String())
	}
}
