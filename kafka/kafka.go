// Package kafka connects real-time resolution to Kafka: Consume reads
// records from a topic in a consumer group and resolves them, and relays
// entity changes to a topic.
//
// In: a message is one JSON object, the columns of one source and a
// "source" field that names it (needless when the config has one source).
// A poll's messages are applied in one transaction, with the offset each
// partition reached stored in that transaction (a mark in the store), and
// only then committed to the group: a message redelivered after a crash
// or a rebalance is recognised by its offset and skipped, never applied
// twice. A message that cannot be applied (not JSON, no known source, a
// row its source's mapping refuses) goes to the dead-letter topic with the
// reason in its headers, and the stream goes on.
//
// Out: the lineage events (created, merged, split, removed) are written
// in the transaction of their change, so the events table is the outbox;
// a relay sends them in sequence order, at least once, each with its
// sequence number for consumers to drop duplicates, and the entity's
// members when it is sent; the sequence sent last is a mark in the store.
package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// Options configure Consume.
type Options struct {
	Config *config.Config // sources, limits and the kafka block
	Live   *live.Live
	Log    *slog.Logger
	// MaxBatch bounds the messages applied in one transaction; 0 = 500.
	MaxBatch int
	// Stats, when set, is called after every batch applied.
	Stats func(Stats)
	// ClientOptions are added to the Kafka client's (tests: timeouts).
	ClientOptions []kgo.Opt
	// BeforeOffsets, when set, is called after a batch is committed to the
	// store and before its offsets are committed to the group; an error
	// stops Consume there, as a crash would (tests).
	BeforeOffsets func() error
	// RetryFor is how long a batch that fails to apply (the database
	// restarting, a connection cut) is tried again, with growing pauses,
	// before Consume gives up; 0 = 2 minutes. The relay of changes starts
	// again from its mark the same way.
	RetryFor time.Duration
}

// Stats count what Consume did so far.
type Stats struct {
	Applied     int64 // messages whose records were resolved
	Skipped     int64 // messages redelivered after they were applied
	DeadLetters int64 // messages sent to the dead-letter topic
	Relayed     int64 // entity changes sent
}

// maxMessageBytes bounds a message read.
const maxMessageBytes = 4 << 20

// sendBytes bounds the messages sent in one call (produce): the batch the
// client builds of them then stays under a broker's default limit
// (message.max.bytes, about 1 MB), which the client's own limit, raised to
// maxMessageBytes so that a large message can go to the dead letters, does
// not keep it under.
const sendBytes = 512 << 10

// produce sends recs in order, in calls of at most sendBytes of keys and
// values each (a larger message alone), each waited for.
func produce(ctx context.Context, cl *kgo.Client, recs []*kgo.Record) error {
	for len(recs) > 0 {
		n := sendable(recs)
		if err := cl.ProduceSync(ctx, recs[:n]...).FirstErr(); err != nil {
			return err
		}
		recs = recs[n:]
	}
	return nil
}

// sendable is how many of recs (at least one) go in one call of produce.
func sendable(recs []*kgo.Record) int {
	n, size := 0, 0
	for n < len(recs) {
		size += len(recs[n].Key) + len(recs[n].Value)
		if n > 0 && size > sendBytes {
			break
		}
		n++
	}
	return n
}

// Consume resolves the records of the records topic until ctx ends, and
// relays entity changes when a changes topic is set. It returns ctx's
// error when stopped, or the error that stopped it (a store or broker
// failure: what was applied is committed, the rest will be delivered
// again).
func Consume(ctx context.Context, opt Options) error {
	k := opt.Config.Kafka
	if len(k.Brokers) == 0 || k.Topics.Records == "" || k.Topics.DeadLetters == "" {
		return errors.New("kafka: the config's kafka block needs brokers and the records and dead_letters topics")
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 500
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	c := &consumer{opt: opt, sources: config.Feeds(opt.Config.Sources), applied: map[partition]int64{}}
	secure, err := SecurityOptions(opt.Config)
	if err != nil {
		return err
	}
	kopts := append([]kgo.Opt{kgo.SeedBrokers(k.Brokers...), kgo.ClientID("concord"),
		kgo.ConsumerGroup(k.Group), kgo.ConsumeTopics(k.Topics.Records), kgo.DisableAutoCommit(), kgo.BlockRebalanceOnPoll(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxPartitionBytes(maxMessageBytes),
		kgo.ProducerBatchMaxBytes(maxMessageBytes), kgo.RequiredAcks(kgo.AllISRAcks())}, append(secure, opt.ClientOptions...)...)
	if k.SessionTimeout > 0 {
		// A consumer that died keeps a rebalance waiting for its rejoin
		// as long as the rebalance timeout, not the session timeout: both
		// are the time given to a consumer that stopped answering.
		kopts = append(kopts, kgo.SessionTimeout(k.SessionTimeout), kgo.HeartbeatInterval(k.SessionTimeout/3), kgo.RebalanceTimeout(k.SessionTimeout))
	}
	cl, err := kgo.NewClient(kopts...)
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	// Closing leaves the group; a poll may hold rebalances back until
	// then.
	defer cl.CloseAllowingRebalance()
	c.cl = cl
	// The brokers answer, and take the credentials, before anything is
	// polled: a wrong password or an unreachable cluster is an error now,
	// not a silent wait.
	pingCtx, stopPing := context.WithTimeout(ctx, 30*time.Second)
	err = cl.Ping(pingCtx)
	stopPing()
	if err != nil {
		return fmt.Errorf("kafka: brokers %v: %w", k.Brokers, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	relayed := make(chan error, 1)
	var relaying sync.WaitGroup
	defer func() {
		cancel()
		relaying.Wait() // the relay reports no more once Consume returns
	}()
	if k.Topics.Changes != "" {
		relaying.Go(func() {
			relayed <- c.retrying(ctx, "relay", func() error { return c.relay(ctx, k.Topics.Changes) })
		})
	}
	for {
		fetches := cl.PollRecords(ctx, opt.MaxBatch)
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case err := <-relayed:
			return err
		default:
		}
		var fatal error
		fetches.EachError(func(topic string, p int32, err error) {
			opt.Log.Warn("kafka fetch failed", "topic", topic, "partition", p, "err", err)
			// A client closed, or credentials the brokers refuse, will not
			// mend by polling again.
			if errors.Is(err, kgo.ErrClientClosed) || errors.Is(err, kerr.SaslAuthenticationFailed) ||
				errors.Is(err, kerr.TopicAuthorizationFailed) || errors.Is(err, kerr.GroupAuthorizationFailed) {
				fatal = err
			}
		})
		if fatal != nil {
			return fmt.Errorf("kafka: %w", fatal)
		}
		recs := fetches.Records()
		if len(recs) > 0 {
			if err := c.retrying(ctx, "apply", func() error { return c.apply(ctx, recs) }); err != nil {
				return err
			}
			if opt.BeforeOffsets != nil {
				if err := opt.BeforeOffsets(); err != nil {
					return err
				}
			}
			// The group learns the offsets only after the store has them.
			if err := cl.CommitRecords(ctx, recs...); err != nil && ctx.Err() == nil {
				opt.Log.Warn("kafka offsets not committed; the messages will be skipped when delivered again", "err", err)
			}
			c.report()
		}
		cl.AllowRebalance()
	}
}

// retrying runs fn until it succeeds, ctx ends, or it has failed for
// Options.RetryFor, pausing longer after each failure (up to 5 s): a
// database that restarts or a connection cut mends by itself, and what
// fn does is safe to do again (a batch applies only after the offsets it
// read; the relay starts from its mark).
func (c *consumer) retrying(ctx context.Context, what string, fn func() error) error {
	limit := c.opt.RetryFor
	if limit <= 0 {
		limit = 2 * time.Minute
	}
	var first time.Time
	pause := 100 * time.Millisecond
	for {
		err := fn()
		if err == nil || ctx.Err() != nil {
			return err
		}
		if first.IsZero() {
			first = time.Now()
		}
		if time.Since(first) > limit {
			return fmt.Errorf("kafka: %s failed for %s: %w", what, limit, err)
		}
		c.opt.Log.Warn("kafka: "+what+" failed; trying again", "err", err, "pause", pause)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

type partition struct {
	topic string
	p     int32
}

type consumer struct {
	opt     Options
	cl      *kgo.Client
	sources map[string][]config.Source // by the name a message gives (config.Feeds)
	applied map[partition]int64        // offset applied last, per partition (-1: none), read from the store once
	mu      sync.Mutex                 // held while reporting
	// Counts, written by the consuming goroutine and the relay.
	nApplied, nSkipped, nDead, nRelayed atomic.Int64
}

// report gives Options.Stats the counts so far.
func (c *consumer) report() {
	if c.opt.Stats == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.opt.Stats(Stats{Applied: c.nApplied.Load(), Skipped: c.nSkipped.Load(), DeadLetters: c.nDead.Load(), Relayed: c.nRelayed.Load()})
}

// offsetMark is the mark that holds the offset a partition was applied to.
func offsetMark(p partition) string {
	return "kafka/offset/" + p.topic + "/" + strconv.Itoa(int(p.p))
}

// appliedTo returns the offset of a partition applied last, -1 for none.
func (c *consumer) appliedTo(ctx context.Context, p partition) (int64, error) {
	if off, ok := c.applied[p]; ok {
		return off, nil
	}
	v, ok, err := c.opt.Live.Mark(ctx, offsetMark(p))
	if err != nil {
		return 0, err
	}
	off := int64(-1)
	if ok {
		if off, err = strconv.ParseInt(string(v), 10, 64); err != nil {
			return 0, fmt.Errorf("mark %s: %w", offsetMark(p), err)
		}
	}
	c.applied[p] = off
	return off, nil
}

// apply resolves a poll's messages in one transaction with the offsets
// they reach, after sending those that cannot be applied to the
// dead-letter topic. The transaction commits only if the offsets stored
// are still those it read: when another consumer applied some of the
// messages meanwhile (a partition that moved between consumers), the
// offsets are read again and only what is left is applied.
func (c *consumer) apply(ctx context.Context, recs []*kgo.Record) error {
	for attempt := 1; ; attempt++ {
		err := c.applyOnce(ctx, recs)
		if !errors.Is(err, live.ErrMarkMoved) || attempt == 3 {
			return err
		}
		c.opt.Log.Warn("kafka: another consumer applied some of these messages; reading the offsets again", "err", err)
		clear(c.applied)
	}
}

func (c *consumer) applyOnce(ctx context.Context, recs []*kgo.Record) error {
	reached := map[partition]int64{}
	after := map[string][]byte{}       // the offsets as read, each partition's
	rows := map[string][][]byte{}      // per source, the messages' values
	from := map[string][]*kgo.Record{} // per source, the message of each row
	var taken, dead []*kgo.Record      // messages to apply, in order; to send aside
	for _, r := range recs {
		p := partition{r.Topic, r.Partition}
		done, err := c.appliedTo(ctx, p)
		if err != nil {
			return err
		}
		if r.Offset <= done {
			c.nSkipped.Add(1)
			continue
		}
		if _, ok := reached[p]; !ok && done >= 0 {
			after[offsetMark(p)] = []byte(strconv.FormatInt(done, 10))
		}
		reached[p] = max(reached[p], r.Offset)
		src, reason := c.sourceOf(r.Value)
		if reason != "" {
			dead = append(dead, c.deadLetter(r, "", reason))
			continue
		}
		rows[src] = append(rows[src], r.Value)
		from[src] = append(from[src], r)
		taken = append(taken, r)
	}
	// Map each source's rows as its file's would be.
	mapped := map[*kgo.Record][]record.Record{} // a row makes a record of each part of its source
	rejected := map[*kgo.Record]bool{}
	for _, name := range slices.Sorted(maps.Keys(rows)) {
		ms, bad, err := engine.MapRows(c.sources[name], c.opt.Config.Limits, "kafka:"+c.opt.Config.Kafka.Topics.Records, rows[name])
		if err != nil {
			return err
		}
		for _, b := range bad {
			dead = append(dead, c.deadLetter(from[name][b.Index], b.Field, b.Reason))
			rejected[from[name][b.Index]] = true
		}
		for _, m := range ms {
			if len(m.Kept) > 0 {
				c.opt.Log.Info("values kept out of a record", "source", name, "values", len(m.Kept))
			}
			mapped[from[name][m.Index]] = append(mapped[from[name][m.Index]], m.Record)
		}
	}
	var ops []live.Op
	for _, r := range taken {
		for _, rec := range mapped[r] {
			ops = append(ops, live.Op{Record: rec})
		}
	}
	if len(dead) > 0 {
		if err := produce(ctx, c.cl, dead); err != nil {
			return fmt.Errorf("kafka: dead letters not sent: %w", err)
		}
		c.nDead.Add(int64(len(dead)))
	}
	marks := map[string][]byte{}
	for p, off := range reached {
		marks[offsetMark(p)] = []byte(strconv.FormatInt(off, 10))
	}
	for p := range reached {
		if _, ok := after[offsetMark(p)]; !ok {
			after[offsetMark(p)] = nil // none applied yet
		}
	}
	if _, err := c.opt.Live.ApplyMarkedAfter(ctx, ops, marks, after); err != nil {
		return fmt.Errorf("kafka: apply: %w", err)
	}
	for p, off := range reached {
		c.applied[p] = off
	}
	for _, r := range taken {
		if !rejected[r] {
			c.nApplied.Add(1) // a message, whatever records it made (a row of groups makes several; one with none, none)
		}
	}
	return nil
}

// sourceOf reads the source a message names: its "source" field, or the
// config's only source. A reason says why it cannot be applied.
func (c *consumer) sourceOf(value []byte) (string, string) {
	if len(value) > c.opt.Config.Limits.RowBytes && c.opt.Config.Limits.RowBytes > 0 {
		return "", fmt.Sprintf("message of %d bytes, over the limit of %d", len(value), c.opt.Config.Limits.RowBytes)
	}
	var head struct {
		Source *string `json:"source"`
	}
	if err := json.Unmarshal(value, &head); err != nil {
		return "", "not a JSON object: " + err.Error()
	}
	if head.Source == nil {
		if top := config.Inputs(c.sources); len(top) == 1 {
			return top[0], ""
		}
		return "", `no "source" field, and the config has several sources`
	}
	if _, ok := c.sources[*head.Source]; !ok {
		return "", fmt.Sprintf("source %q is not in the config", *head.Source)
	}
	return *head.Source, ""
}

// deadLetter makes the dead-letter message of r: its key and value as
// they came, with where it came from and why it was not applied in its
// headers.
func (c *consumer) deadLetter(r *kgo.Record, field, reason string) *kgo.Record {
	c.opt.Log.Warn("kafka message sent to the dead-letter topic", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "field", field, "reason", reason)
	h := []kgo.RecordHeader{
		{Key: "concord.reason", Value: []byte(reason)},
		{Key: "concord.topic", Value: []byte(r.Topic)},
		{Key: "concord.partition", Value: []byte(strconv.Itoa(int(r.Partition)))},
		{Key: "concord.offset", Value: []byte(strconv.FormatInt(r.Offset, 10))},
	}
	if field != "" {
		h = append(h, kgo.RecordHeader{Key: "concord.field", Value: []byte(field)})
	}
	return &kgo.Record{Topic: c.opt.Config.Kafka.Topics.DeadLetters, Key: r.Key, Value: r.Value, Headers: h}
}

// ChangeMessage is an entity change as the changes topic carries it.
type ChangeMessage struct {
	Seq     int64             `json:"seq"`
	Kind    record.EventKind  `json:"kind"`
	Entity  record.EntityID   `json:"entity"`
	Others  []record.EntityID `json:"others,omitempty"`
	Time    time.Time         `json:"time"`
	Members []record.Key      `json:"members"` // the entity's records when the change was sent
}

// relayedTo returns the sequence relayed last to a topic (0: none), and
// its mark as stored (nil: none).
func (c *consumer) relayedTo(ctx context.Context, topic string) (int64, []byte, error) {
	v, ok, err := c.opt.Live.Mark(ctx, relayMark(topic))
	if err != nil || !ok {
		return 0, nil, err
	}
	seq, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("mark %s: %w", relayMark(topic), err)
	}
	return seq, v, nil
}

// relayMark is the mark that holds the last sequence relayed to a topic.
func relayMark(topic string) string { return "kafka/relay/" + topic }

// relayPage bounds the events read and sent at a time.
const relayPage = 500

// relay sends lineage events to topic in sequence order, at least once,
// until ctx ends: whenever a change commits, and every second.
func (c *consumer) relay(ctx context.Context, topic string) error {
	after, stored, err := c.relayedTo(ctx, topic)
	if err != nil {
		return err
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		changed := c.opt.Live.Changed()
		for {
			events, next, err := c.opt.Live.Changes(ctx, access.Everything, after, relayPage)
			if err != nil {
				return err
			}
			if next <= after {
				break
			}
			recs := make([]*kgo.Record, 0, len(events))
			for _, e := range events {
				members, err := c.opt.Live.Members(ctx, e.Entity)
				if err != nil {
					return err
				}
				m := ChangeMessage{Seq: e.Seq, Kind: e.Kind, Entity: e.Entity, Others: e.Others, Time: e.Time, Members: members}
				value, err := json.Marshal(m)
				if err != nil {
					return err
				}
				recs = append(recs, &kgo.Record{Topic: topic, Key: []byte(e.Entity), Value: value})
			}
			if err := produce(ctx, c.cl, recs); err != nil {
				return fmt.Errorf("kafka: changes not sent: %w", err)
			}
			// The mark moves forward only: another consumer relaying the
			// same changes may have moved it past next meanwhile.
			for {
				mark := []byte(strconv.FormatInt(next, 10))
				_, err := c.opt.Live.ApplyMarkedAfter(ctx, nil, map[string][]byte{relayMark(topic): mark}, map[string][]byte{relayMark(topic): stored})
				if err == nil {
					stored = mark
					break
				}
				if !errors.Is(err, live.ErrMarkMoved) {
					return err
				}
				var at int64
				if at, stored, err = c.relayedTo(ctx, topic); err != nil {
					return err
				}
				if at >= next {
					next = at
					break
				}
			}
			after = next
			c.nRelayed.Add(int64(len(events)))
			c.report()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		case <-tick.C:
		}
	}
}

// SecurityOptions returns the client options of the config's kafka.tls
// and kafka.sasl: TLS 1.2 or later, verified against the CA given (else the
// system's roots), with the client's certificate when given; SASL with
// the password read from its file.
func SecurityOptions(cfg *config.Config) ([]kgo.Opt, error) {
	k := cfg.Kafka
	path := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(cfg.Dir, p)
	}
	var out []kgo.Opt
	if t := k.TLS; t != nil {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if t.CA != "" {
			pem, err := os.ReadFile(path(t.CA))
			if err != nil {
				return nil, fmt.Errorf("kafka.tls.ca: %w", err)
			}
			tc.RootCAs = x509.NewCertPool()
			if !tc.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("kafka.tls.ca: %s holds no PEM certificate", t.CA)
			}
		}
		if t.Cert != "" {
			c, err := tls.LoadX509KeyPair(path(t.Cert), path(t.Key))
			if err != nil {
				return nil, fmt.Errorf("kafka.tls: %w", err)
			}
			tc.Certificates = []tls.Certificate{c}
		}
		out = append(out, kgo.DialTLSConfig(tc))
	}
	if s := k.SASL; s != nil {
		data, err := os.ReadFile(path(s.PasswordFile))
		if err != nil {
			return nil, fmt.Errorf("kafka.sasl.password_file: %w", err)
		}
		pass := strings.TrimRight(string(data), "\r\n")
		switch s.Mechanism {
		case "PLAIN":
			out = append(out, kgo.SASL(plain.Auth{User: s.Username, Pass: pass}.AsMechanism()))
		case "SCRAM-SHA-256":
			out = append(out, kgo.SASL(scram.Auth{User: s.Username, Pass: pass}.AsSha256Mechanism()))
		case "SCRAM-SHA-512":
			out = append(out, kgo.SASL(scram.Auth{User: s.Username, Pass: pass}.AsSha512Mechanism()))
		default:
			return nil, fmt.Errorf("kafka.sasl.mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.Mechanism)
		}
	}
	return out, nil
}
