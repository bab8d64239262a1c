package kafka_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/internal/testpki"
	"github.com/concord-er/concord/kafka"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store/sqlite"
)

const modelJSON = `{"version": 1, "prior": 0.01, "thresholds": {"match": 0.8, "review": 0.5},
  "blocking": [["name"], ["phone"]],
  "comparisons": [
    {"name": "name", "feature": "name", "kind": "text", "levels": [
      {"label": "exact", "method": "exact", "m": 0.9, "u": 0.001}, {"label": "else", "method": "else", "m": 0.5, "u": 0.99}]},
    {"name": "phone", "feature": "phone", "kind": "text", "levels": [
      {"label": "exact", "method": "exact", "m": 0.9, "u": 0.001}, {"label": "else", "method": "else", "m": 0.5, "u": 0.99}]}]}`

// fixture is a fake Kafka cluster and a store with a model.
type fixture struct {
	cfg     *config.Config
	l       *live.Live
	brokers []string
	batch   int       // messages a transaction; 0: the default
	opts    []kgo.Opt // how the test's own clients reach the cluster
}

func newFixture(t testing.TB) *fixture { return newSecureFixture(t, "", "") }

// newSecureFixture is newFixture with the cluster's TLS and SASL options
// (none when kafkaYAML is empty) and the config's kafka lines for them;
// the config is in dir.
func newSecureFixture(t testing.TB, dir, kafkaYAML string, opts ...kfake.Opt) *fixture {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(2, "records"), kfake.SeedTopics(1, "changes", "dead")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	brokers := c.ListenAddrs()
	cfg, err := config.Parse([]byte(`sources:
  - name: people
    path: people.ndjson
    id: id
    fields:
      name:  {column: name, type: text}
      phone: {column: phone, type: text}
  - name: other
    path: other.ndjson
    id: id
    fields:
      name:  {column: name, type: text}
  - name: payments
    path: payments.ndjson
    id: ref
    groups:
      payer: {fields: {name: {column: payer, type: text}}}
      payee: {fields: {name: {column: payee, type: text}}}
relationships:
  - {type: paid, source: payments, from: payer, to: payee, attributes: [amount]}
kafka:
  brokers: [`+strings.Join(brokers, ", ")+`]
  group: concord-test
  topics: {records: records, changes: changes, dead_letters: dead}
`+kafkaYAML), filepath.Join(dir, "concord.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Read(strings.NewReader(modelJSON))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "concord.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	l, err := live.Open(context.Background(), db, live.Options{Model: m})
	if err != nil {
		t.Fatal(err)
	}
	clientOpts, err := kafka.SecurityOptions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{cfg: cfg, l: l, brokers: brokers, opts: clientOpts}
}

func (f *fixture) produce(t testing.TB, values ...string) {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(f.brokers...)}, f.opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for i, v := range values {
		recs = append(recs, &kgo.Record{Topic: "records", Key: []byte{byte('a' + i%2)}, Value: []byte(v)})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// read returns the first n messages of topic.
func (f *fixture) read(t *testing.T, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(f.brokers...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, f.opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n && ctx.Err() == nil {
		out = append(out, cl.PollFetches(ctx).Records()...)
	}
	if len(out) < n {
		t.Fatalf("%s: %d messages, want %d", topic, len(out), n)
	}
	return out
}

// consume runs Consume until until reports its stats are what the test
// waits for, then stops it and returns the last stats.
func (f *fixture) consume(t testing.TB, group string, until func(kafka.Stats) bool) kafka.Stats {
	t.Helper()
	cfg := *f.cfg
	cfg.Kafka.Group = group
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stats := make(chan kafka.Stats, 100)
	done := make(chan error, 1)
	go func() {
		done <- kafka.Consume(ctx, kafka.Options{Config: &cfg, Live: f.l, MaxBatch: f.batch, Stats: func(s kafka.Stats) { stats <- s }})
	}()
	deadline := time.After(30 * time.Second)
	var last kafka.Stats
	for !until(last) {
		select {
		case last = <-stats:
		case err := <-done:
			t.Fatalf("consume stopped: %v (stats %+v)", err, last)
		case <-deadline:
			t.Fatalf("consume: stats %+v after 30 s", last)
		}
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("consume ended with %v, want context.Canceled", err)
	}
	return last
}

// TestConsumeGroups: a message of a source with groups makes a record of
// each group, the payer stating the payment.
func TestConsumeGroups(t *testing.T) {
	f := newFixture(t)
	f.produce(t, `{"source": "payments", "ref": "p1", "payer": "Ana", "payee": "Bea", "amount": "5"}`,
		`{"source": "payments", "ref": "p2", "payer": "", "payee": ""}`)
	s := f.consume(t, "g1", func(s kafka.Stats) bool { return s.Applied == 2 })
	if s.DeadLetters != 0 {
		t.Fatalf("stats %+v", s)
	}
	ents, err := f.l.Entities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	payer, payee := record.Key{Source: "payments.payer", ID: "p1"}, record.Key{Source: "payments.payee", ID: "p1"}
	if len(ents) != 2 || ents[payer] == "" || ents[payee] == "" {
		t.Fatalf("entities %v: want p1's payer and payee, and nothing of p2 (no names)", ents)
	}
	r, err := f.l.Record(context.Background(), payer, access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	want := []record.Relation{{Type: "paid", To: payee, Attributes: map[string]string{"amount": "5"}}}
	if !reflect.DeepEqual(r.Record.Relations, want) {
		t.Errorf("the payer's relations %+v, want %+v", r.Record.Relations, want)
	}
}

func TestConsume(t *testing.T) {
	f := newFixture(t)
	f.produce(t,
		`{"source": "people", "id": "a", "name": "Ana", "phone": "111"}`,
		`{"source": "people", "id": "b", "name": "Bea", "phone": "222"}`,
		`not json`,
		`{"source": "nowhere", "id": "x"}`,
		`{"source": "people", "name": "no id"}`,
		`{"source": "people", "id": "c", "name": "Ana", "phone": "222"}`,
	)
	// Created a, created b, merged: three changes relayed.
	s := f.consume(t, "g1", func(s kafka.Stats) bool { return s.Applied+s.DeadLetters == 6 && s.Relayed == 3 })
	if s.Applied != 3 || s.DeadLetters != 3 || s.Skipped != 0 {
		t.Fatalf("stats %+v", s)
	}
	// a, b and c are one entity: c shares a's name and b's phone.
	ents, err := f.l.Entities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := record.Key{Source: "people", ID: "a"}, record.Key{Source: "people", ID: "b"}, record.Key{Source: "people", ID: "c"}
	if len(ents) != 3 || ents[a] != ents[b] || ents[a] != ents[c] {
		t.Fatalf("entities %v", ents)
	}
	// The dead letters carry the message as it came, and why.
	reasons := map[string]string{}
	for _, r := range f.read(t, "dead", 3) {
		for _, h := range r.Headers {
			if h.Key == "concord.reason" {
				reasons[string(r.Value)] = string(h.Value)
			}
		}
	}
	for value, want := range map[string]string{`not json`: "not a JSON object", `{"source": "nowhere", "id": "x"}`: `source "nowhere" is not in the config`,
		`{"source": "people", "name": "no id"}`: "id"} {
		if !strings.Contains(reasons[value], want) {
			t.Errorf("dead letter %s: reason %q, want it to say %q", value, reasons[value], want)
		}
	}
	// The changes, in sequence order, each with its sequence and the
	// members at the time it was sent.
	events, _, err := f.l.Changes(context.Background(), access.Everything, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []kafka.ChangeMessage
	for _, r := range f.read(t, "changes", len(events)) {
		var m kafka.ChangeMessage
		if err := json.Unmarshal(r.Value, &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	for i, m := range got {
		if m.Seq != events[i].Seq || m.Kind != events[i].Kind || m.Entity != events[i].Entity {
			t.Errorf("change %d: %+v, want event %+v", i, m, events[i])
		}
	}
	if last := got[len(got)-1]; last.Kind != record.EventMerged || len(last.Members) != 3 {
		t.Errorf("last change %+v, want the merge with three members", last)
	}

	// Replayed from the start (a new group): every message is known by
	// its offset, nothing is applied or sent again.
	before, _, err := f.l.Changes(context.Background(), access.Everything, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	s = f.consume(t, "g2", func(s kafka.Stats) bool { return s.Skipped == 6 })
	if s.Applied != 0 || s.DeadLetters != 0 {
		t.Errorf("replay: %+v", s)
	}
	after, _, err := f.l.Changes(context.Background(), access.Everything, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("the replay made %d changes", len(after)-len(before))
	}
	if n := len(f.read(t, "dead", 3)); n != 3 {
		t.Errorf("%d dead letters after the replay", n)
	}
}

// Dead letters of 4 MB in all, from a few polls, reach a broker that takes
// batches of 1 MB at most (its default): they go in several batches.
func TestDeadLettersUnderBrokerLimit(t *testing.T) {
	f := newFixture(t)
	const n = 200
	var values []string
	for i := range n {
		noise := make([]byte, 10<<10) // incompressible: batches are limited compressed
		rand.NewChaCha8([32]byte{byte(i)}).Read(noise)
		values = append(values, fmt.Sprintf("%d %x", i, noise))
	}
	f.produce(t, values...)
	s := f.consume(t, "g1", func(s kafka.Stats) bool { return s.DeadLetters == n })
	if s.Applied != 0 {
		t.Errorf("stats %+v", s)
	}
	got := map[string]bool{}
	for _, r := range f.read(t, "dead", n) {
		got[string(r.Value)] = true
	}
	for _, v := range values {
		if !got[v] {
			t.Fatalf("a dead letter did not arrive whole (%d of %d distinct)", len(got), n)
		}
	}
}

// A consumer that dies after the store committed a batch and before the
// group learnt its offsets: started again in the same group, it is given
// the batch again, skips it, and goes on; nothing is lost or applied twice.
func TestConsumeCrashBetweenCommits(t *testing.T) {
	f := newFixture(t)
	var values []string
	for i := range 10 {
		values = append(values, fmt.Sprintf(`{"source": "people", "id": "p%d", "name": "N%d", "phone": "%d"}`, i, i, i))
	}
	f.produce(t, values...)
	cfg := *f.cfg
	crash := errors.New("crashed")
	err := kafka.Consume(context.Background(), kafka.Options{Config: &cfg, Live: f.l, MaxBatch: 4,
		BeforeOffsets: func() error { return crash }})
	if !errors.Is(err, crash) {
		t.Fatalf("Consume = %v, want the crash", err)
	}
	ents, err := f.l.Entities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	applied := len(ents)
	if applied == 0 || applied > 4 {
		t.Fatalf("%d records stored before the crash, want one batch of at most 4", applied)
	}
	before, _, err := f.l.Changes(context.Background(), access.Everything, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.batch = 4
	s := f.consume(t, cfg.Kafka.Group, func(s kafka.Stats) bool { return s.Applied+s.Skipped >= 10 })
	if s.Applied != int64(10-applied) || s.Skipped != int64(applied) {
		t.Errorf("after the restart: %+v, want %d skipped and %d applied", s, applied, 10-applied)
	}
	after, _, err := f.l.Changes(context.Background(), access.Everything, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ents, _ := f.l.Entities(context.Background()); len(ents) != 10 || len(after)-len(before) != 10-applied {
		t.Errorf("%d records, %d changes since the crash; want 10 records and %d new entities", len(ents), len(after)-len(before), 10-applied)
	}
}

// BenchmarkConsume measures messages resolved a second from a topic
// into an embedded store (kfake on loopback, batches of 500): b.N
// messages of distinct people, with the records/s reported.
func BenchmarkConsume(b *testing.B) {
	f := newFixture(b)
	values := make([]string, b.N)
	for i := range values {
		values[i] = fmt.Sprintf(`{"source": "people", "id": "p%d", "name": "Name%d", "phone": "%d"}`, i, i%(b.N/2+1), i)
	}
	f.produce(b, values...)
	b.ResetTimer()
	s := f.consume(b, "bench", func(s kafka.Stats) bool { return s.Applied == int64(b.N) })
	b.ReportMetric(float64(s.Applied)/b.Elapsed().Seconds(), "records/s")
}

// Brokers behind TLS with SCRAM: the consumer verifies them against the
// config's CA and signs in with the password from its file; a wrong
// password stops it with the brokers' refusal instead of polling on.
func TestConsumeTLSAndSASL(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.NewCA(t, "kafka test CA")
	server := ca.Leaf(t, &x509.Certificate{DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, time.Now().Add(time.Hour))
	testpki.WritePEM(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", ca.DER)
	if err := os.WriteFile(filepath.Join(dir, "kafka.pass"), []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := "  tls: {ca: ca.pem}\n  sasl: {mechanism: SCRAM-SHA-256, username: concord, password_file: kafka.pass}\n"
	f := newSecureFixture(t, dir, yaml, kfake.TLS(&tls.Config{Certificates: []tls.Certificate{server}, MinVersion: tls.VersionTLS12}),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "concord", "s3cret"))
	f.produce(t, `{"source": "people", "id": "a", "name": "Ana", "phone": "111"}`)
	if s := f.consume(t, "tls", func(s kafka.Stats) bool { return s.Applied == 1 }); s.Applied != 1 {
		t.Errorf("stats %+v", s)
	}
	if err := os.WriteFile(filepath.Join(dir, "kafka.pass"), []byte("wrong\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := kafka.Consume(ctx, kafka.Options{Config: f.cfg, Live: f.l})
	// (kfake hangs up on a failed sign-in; a broker answers
	// SASL_AUTHENTICATION_FAILED.)
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "kafka: brokers") {
		t.Errorf("with a wrong password: %v (context %v)", err, ctx.Err())
	}
}
