package bench

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/kafka"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store/postgres"
)

// SharedOptions configure MeasureShared.
type SharedOptions struct {
	Sizes []int // records stored, about
	// Resolvers are the numbers of resolvers to run side by side on the
	// store; nil = 1, 2, 4.
	Resolvers []int
	// Sample is how many records the resolvers delete and upsert again
	// in each run; 0 = 4000.
	Sample int
	Seed   uint64
	Dir    string
	// URL names the PostgreSQL database; each size gets a schema of its
	// own in it, dropped afterwards.
	URL string
	Log interface{ Write([]byte) (int, error) }
	// Profile, when set, is started before the runs of the largest size
	// and its stop called after them (concord bench --cpuprofile).
	Profile func() (stop func(), err error)
	// Replay is how many records go through a Kafka topic consumed twice
	// after the runs (at most the size); 0 = 100000, -1 = none.
	Replay int
}

// SharedSize is the shared-mode result of one size.
type SharedSize struct {
	Records       int
	ImportSeconds float64 // storing the batch result in PostgreSQL (COPY)
	Runs          []SharedRun
	// Agreement is the pairwise F1 of the store after every run against
	// batch.
	Agreement float64
	Replay    SharedReplay
	// Server is the PostgreSQL server's version and shared buffers.
	Server string
}

// SharedRun is one number of resolvers on one store.
type SharedRun struct {
	Resolvers int
	// Upsert is the latency of an upsert, one per transaction, with every
	// resolver upserting; UpsertsPerSec their upserts per second together.
	Upsert        Latency
	UpsertsPerSec float64
	// GroupedPerSec is records per second together when each resolver
	// streams its share in groups (group commit, as concord consume and
	// upsert do).
	GroupedPerSec float64
	// Conflicts counts changes that lost a race and ran again.
	Conflicts int64
}

// MeasureShared measures shared mode: a store in PostgreSQL holding a
// batch run, and 1, 2, 4 resolvers (each with connections of its own, as
// separate processes) deleting and upserting a sample side by side.
func MeasureShared(ctx context.Context, opt SharedOptions) ([]SharedSize, error) {
	if opt.Sample <= 0 {
		opt.Sample = 4000
	}
	if len(opt.Resolvers) == 0 {
		opt.Resolvers = []int{1, 2, 4}
	}
	if !postgres.IsURL(opt.URL) {
		return nil, fmt.Errorf("bench --shared: a postgres:// URL is needed (--store)")
	}
	var out []SharedSize
	for _, n := range opt.Sizes {
		s, err := measureSharedSize(ctx, opt, n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func measureSharedSize(ctx context.Context, opt SharedOptions, n int) (SharedSize, error) {
	var s SharedSize
	dir := filepath.Join(opt.Dir, fmt.Sprintf("shared%d", n))
	people := int(math.Round(float64(n) / recordsPerPerson))
	logf(opt.Log, "generating %d people (about %d records) in %s", people, n, dir)
	cfgPath, _, err := synth.Write(dir, synth.Options{Seed: opt.Seed, People: people})
	if err != nil {
		return s, fmt.Errorf("generate: %w", err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return s, err
	}
	res, err := engine.Resolve(ctx, cfg, func(engine.Reject) error { return nil }, engine.ResolveOptions{})
	if err != nil {
		return s, err
	}
	s.Records = len(res.Records)
	batch := make(map[record.Key]record.EntityID, len(res.Records))
	for i, r := range res.Records {
		batch[r.Key] = res.Entities[i]
	}
	dsn, drop, err := benchSchema(ctx, opt.URL, n, &s.Server)
	if err != nil {
		return s, err
	}
	defer drop()
	var dbs []*postgres.DB
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	var lives []*live.Live
	for i := range slices.Max(opt.Resolvers) {
		db, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			return s, err
		}
		dbs = append(dbs, db)
		lv, err := live.Open(ctx, db, live.Options{Model: res.Model, Shared: true})
		if err != nil {
			return s, err
		}
		if i == 0 {
			start := time.Now()
			if err := lv.Import(ctx, res); err != nil {
				return s, err
			}
			s.ImportSeconds = time.Since(start).Seconds()
			logf(opt.Log, "  %d records imported into PostgreSQL in %.1fs", s.Records, s.ImportSeconds)
		}
		lives = append(lives, lv)
	}
	var sample []record.Record
	for _, i := range rand.New(rand.NewPCG(opt.Seed, 98)).Perm(len(res.Records))[:min(opt.Sample, len(res.Records))] {
		sample = append(sample, res.Records[i])
	}
	res = nil
	runtime.GC()
	if opt.Profile != nil && n == slices.Max(opt.Sizes) {
		stop, err := opt.Profile()
		if err != nil {
			return s, err
		}
		defer stop()
	}
	for _, r := range opt.Resolvers {
		run, err := sharedRun(ctx, lives[:r], sample)
		if err != nil {
			return s, err
		}
		logf(opt.Log, "  %d resolvers: upsert p50 %.2f ms, p99 %.2f ms, %.0f/s one per transaction, %.0f/s grouped; %d conflicts",
			r, run.Upsert.P50, run.Upsert.P99, run.UpsertsPerSec, run.GroupedPerSec, run.Conflicts)
		s.Runs = append(s.Runs, run)
	}
	if s.Agreement, err = agreement(ctx, lives[0], batch); err != nil {
		return s, err
	}
	logf(opt.Log, "  agreement with batch after the runs %.4f", s.Agreement)
	if opt.Replay >= 0 {
		n := opt.Replay
		if n == 0 {
			n = 100000
		}
		rows, err := sourceRows(cfg, min(n, s.Records))
		if err != nil {
			return s, err
		}
		if s.Replay, err = sharedReplay(ctx, cfg, lives[0], rows); err != nil {
			return s, err
		}
		logf(opt.Log, "  a topic of %d records consumed: %.0f/s; consumed again by a second group: %d skipped, changed: %v",
			s.Replay.Messages, s.Replay.FirstPerSec, s.Replay.SecondSkipped, s.Replay.SecondChanged)
	}
	return s, nil
}

// sharedRun deletes the sample and upserts it again with the resolvers
// side by side, each its share: one per transaction, then (deleted again)
// in groups.
func sharedRun(ctx context.Context, lives []*live.Live, sample []record.Record) (SharedRun, error) {
	run := SharedRun{Resolvers: len(lives)}
	var before int64
	for _, lv := range lives {
		before += lv.Conflicts()
	}
	shares := make([][]record.Record, len(lives))
	for i, r := range sample {
		shares[i%len(lives)] = append(shares[i%len(lives)], r)
	}
	side := func(fn func(lv *live.Live, share []record.Record) error) (time.Duration, error) {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, len(lives))
		for i, lv := range lives {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = fn(lv, shares[i])
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	stream := func(del bool) func(lv *live.Live, share []record.Record) error {
		return func(lv *live.Live, share []record.Record) error {
			_, err := lv.Stream(ctx, live.Records(share), live.StreamOptions{Normalized: true, Delete: del, Reject: noReject})
			return err
		}
	}
	if _, err := side(stream(true)); err != nil {
		return run, err
	}
	var mu sync.Mutex
	var ups []time.Duration
	took, err := side(func(lv *live.Live, share []record.Record) error {
		mine := make([]time.Duration, 0, len(share))
		for _, r := range share {
			t0 := time.Now()
			if _, err := lv.Upsert(ctx, r); err != nil {
				return err
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		ups = append(ups, mine...)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return run, err
	}
	run.Upsert, run.UpsertsPerSec = latency(ups), float64(len(sample))/took.Seconds()
	if _, err := side(stream(true)); err != nil {
		return run, err
	}
	if took, err = side(stream(false)); err != nil {
		return run, err
	}
	run.GroupedPerSec = float64(len(sample)) / took.Seconds()
	for _, lv := range lives {
		run.Conflicts += lv.Conflicts()
	}
	run.Conflicts -= before
	return run, nil
}

// benchSchema creates a schema of its own for one size and returns the URL
// that opens a store in it, and what drops it; server is set to the
// server's version and shared buffers.
func benchSchema(ctx context.Context, base string, n int, server *string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("bench --shared: %w", err)
	}
	defer conn.Close(ctx)
	var version, buffers string
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version'), current_setting('shared_buffers')").Scan(&version, &buffers); err != nil {
		return "", nil, fmt.Errorf("bench --shared: %w", err)
	}
	*server = fmt.Sprintf("PostgreSQL %s, shared_buffers %s", version, buffers)
	name := fmt.Sprintf("concord_bench_%d", n)
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE; CREATE SCHEMA "+name); err != nil {
		return "", nil, fmt.Errorf("bench --shared: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	drop := func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE")
			c.Close(context.Background())
		}
	}
	return u.String(), drop, nil
}

// SharedMarkdown renders shared-mode results as the measured part of
// docs/scale.md.
func SharedMarkdown(sizes []SharedSize, opt SharedOptions, machine, command string) string {
	var b strings.Builder
	server := ""
	if len(sizes) > 0 && sizes[0].Server != "" {
		server = ", " + sizes[0].Server
	}
	fmt.Fprintf(&b, "Measured by `%s` on %s, PostgreSQL on the same machine (loopback, Unix socket%s). ", command, machine, server)
	fmt.Fprintf(&b, "Each run deletes a sample of %d records and upserts it again, the resolvers side by side, each its share; "+
		"every resolver has connections of its own, as a separate process would.\n\n", opt.Sample)
	b.WriteString("| records | resolvers | upsert p50 | upsert p99 | upserts/s, one per transaction | records/s, grouped | conflicts (ran again) |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, s := range sizes {
		for _, r := range s.Runs {
			fmt.Fprintf(&b, "| %d | %d | %.2f ms | %.2f ms | %.0f | %.0f | %d |\n",
				s.Records, r.Resolvers, r.Upsert.P50, r.Upsert.P99, r.UpsertsPerSec, r.GroupedPerSec, r.Conflicts)
		}
	}
	b.WriteString("\n| records | import (COPY) | agreement with batch after the runs (pairwise F1) | topic consumed (one resolver, 64 a transaction) | consumed again by a second group |\n|---|---|---|---|---|\n")
	for _, s := range sizes {
		replay, again := "—", "—"
		if r := s.Replay; r.Messages > 0 {
			replay = fmt.Sprintf("%d records, %.0f/s", r.Messages, r.FirstPerSec)
			again = fmt.Sprintf("%d of %d skipped; nothing changed", r.SecondSkipped, r.Messages)
			if r.SecondChanged || r.SecondSkipped != int64(r.Messages) {
				again = fmt.Sprintf("%d of %d skipped; **the store changed**", r.SecondSkipped, r.Messages)
			}
		}
		fmt.Fprintf(&b, "| %d | %.1f s | %.4f | %s | %s |\n", s.Records, s.ImportSeconds, s.Agreement, replay, again)
	}
	return b.String()
}

// SharedReplay is a topic consumed into the store twice, by two consumer
// groups: the second pass must change nothing.
type SharedReplay struct {
	Messages int
	// FirstPerSec is the first pass's messages per second (each one an
	// upsert of a record the store holds already, as a replayed feed
	// would be).
	FirstPerSec float64
	// SecondSkipped counts the messages the second pass skipped as
	// applied already; SecondChanged is false when the audit head and the
	// records stayed as the first pass left them.
	SecondSkipped int64
	SecondChanged bool
}

// sharedReplay sends rows to a topic of an in-process Kafka cluster and
// consumes it with lv twice, in two groups.
func sharedReplay(ctx context.Context, cfg *config.Config, lv *live.Live, rows []map[string]any) (SharedReplay, error) {
	out := SharedReplay{Messages: len(rows)}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "records"), kfake.SeedTopics(1, "dead"))
	if err != nil {
		return out, err
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		return out, err
	}
	recs := make([]*kgo.Record, len(rows))
	for i, r := range rows {
		msg := map[string]any{"source": r["source"]}
		for k, v := range r["row"].(map[string]any) {
			msg[k] = v
		}
		value, err := json.Marshal(msg)
		if err != nil {
			cl.Close()
			return out, err
		}
		recs[i] = &kgo.Record{Topic: "records", Value: value}
	}
	err = cl.ProduceSync(ctx, recs...).FirstErr()
	cl.Close()
	if err != nil {
		return out, err
	}
	pass := func(group string) (kafka.Stats, time.Duration, error) {
		kc := *cfg
		kc.Kafka = config.Kafka{Brokers: c.ListenAddrs(), Group: group, Topics: config.KafkaTopics{Records: "records", DeadLetters: "dead"}}
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var last kafka.Stats
		start := time.Now()
		err := kafka.Consume(pctx, kafka.Options{Config: &kc, Live: lv, MaxBatch: live.SharedStreamGroup, Stats: func(s kafka.Stats) {
			last = s
			if s.Applied+s.Skipped+s.DeadLetters >= int64(len(rows)) {
				cancel()
			}
		}})
		if err != nil && pctx.Err() == nil {
			return last, 0, err
		}
		if err := ctx.Err(); err != nil {
			return last, 0, err
		}
		return last, time.Since(start), nil
	}
	first, took, err := pass("first")
	if err != nil {
		return out, err
	}
	if first.DeadLetters > 0 {
		return out, fmt.Errorf("bench replay: %d messages went to dead letters", first.DeadLetters)
	}
	out.FirstPerSec = float64(len(rows)) / took.Seconds()
	before, err := replayState(ctx, lv)
	if err != nil {
		return out, err
	}
	second, _, err := pass("second")
	if err != nil {
		return out, err
	}
	after, err := replayState(ctx, lv)
	if err != nil {
		return out, err
	}
	out.SecondSkipped, out.SecondChanged = second.Skipped, after != before || second.Applied > 0
	return out, nil
}

// replayState is what a replay must leave as it was: the audit head and
// every record's entity.
func replayState(ctx context.Context, lv *live.Live) (string, error) {
	log, head, err := lv.AuditLog(ctx)
	if err != nil {
		return "", err
	}
	ents, err := lv.Entities(ctx)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, k := range slices.SortedFunc(maps.Keys(ents), func(a, b record.Key) int { return strings.Compare(a.String(), b.String()) }) {
		fmt.Fprintf(h, "%s\x00%s\n", k, ents[k])
	}
	return fmt.Sprintf("%d %s %x", len(log), head.Hash, h.Sum(nil)), nil
}
