package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/eval"
	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store/sqlite"
)

// streamGroup is the records per transaction when streaming: concord
// upsert's group commit (live.Live.Stream), which bench runs too.
const streamGroup = live.StreamGroup

// noReject fails a benchmark stream on any reject: its records are all good.
func noReject(r engine.Reject) error {
	return fmt.Errorf("bench stream: record %s rejected: %s", r.RecordID, r.Reason)
}

// LiveOptions configure MeasureLive.
type LiveOptions struct {
	Sizes []int // records stored, about
	// Sample is how many records are deleted and upserted again, one at a
	// time, against a store holding all the others; 0 = 5000.
	Sample int
	// StreamMax is the largest size also streamed whole into an empty
	// store by upsert, to compare with batch; 0 = 100000.
	StreamMax int
	Seed      uint64
	Dir       string
	Log       interface{ Write([]byte) (int, error) }
}

// LiveSize is the real-time result of one size.
type LiveSize struct {
	Records       int
	BatchSeconds  float64 // in-process Resolve of every record
	ImportSeconds float64 // storing the batch result
	Upsert        Latency // re-upserting the sample into the full store
	Delete        Latency // deleting the sample from the full store
	UpsertsPerSec float64 // sample upserts / their total time
	// GroupedPerSec is the sample deleted and upserted again in
	// transactions of streamGroup records, as concord upsert commits a
	// sustained stream: records per second.
	GroupedPerSec float64
	Agreement     float64 // pairwise F1 of the store after the sample against batch
	// StreamSeconds is the time to upsert every record into an empty store
	// (0 when the size is over StreamMax); StreamAgreement its pairwise F1
	// against batch.
	StreamSeconds   float64
	StreamAgreement float64
	// Reopen is the time to open the full store again: reading the model
	// and loading records, index and links into memory.
	ReopenSeconds float64
	// ClientError is the time a client's mistake takes to be refused (a
	// delete of a record that is not stored, a bad verdict), and
	// AfterError the upsert that follows each: as fast as any other when
	// nothing was reloaded.
	ClientError, AfterError Latency
	// CatchUp is a change made after a second writer's (another Live on
	// the same store): it first catches up from the change log.
	CatchUp Latency
	// Reloads counts the full reloads the mistakes and the second writer
	// caused: none is the design.
	Reloads int64
}

// mistakesAndSecondWriter measures, on a full store, the refusal of a
// client's mistake and the upsert after it, then changes made alternately
// by lv and a second Live on the same store, each catching up on the
// other's.
func mistakesAndSecondWriter(ctx context.Context, db *sqlite.DB, lv *live.Live, recs []record.Record, s *LiveSize) error {
	reloads := lv.Reloads()
	n := min(200, len(recs))
	var errs, after []time.Duration
	for i, r := range recs[:n] {
		t0 := time.Now()
		var err error
		if i%2 == 0 {
			_, err = lv.Delete(ctx, record.Key{Source: "bench-missing", ID: fmt.Sprint(i)})
		} else {
			_, err = lv.Decide(ctx, record.Decision{A: recs[i-1].Key, B: r.Key, Verdict: "maybe", Reviewer: "bench"})
		}
		errs = append(errs, time.Since(t0))
		if err == nil {
			return fmt.Errorf("bench: a client's mistake was accepted")
		}
		t0 = time.Now()
		if _, err := lv.Upsert(ctx, r); err != nil {
			return err
		}
		after = append(after, time.Since(t0))
	}
	second, err := live.Open(ctx, db, live.Options{})
	if err != nil {
		return err
	}
	var catchUps []time.Duration
	for i := 0; i+1 < n && len(catchUps) < 50; i += 2 {
		if _, err := second.Upsert(ctx, recs[i]); err != nil {
			return err
		}
		t0 := time.Now()
		if _, err := lv.Upsert(ctx, recs[i+1]); err != nil {
			return err
		}
		catchUps = append(catchUps, time.Since(t0))
	}
	s.ClientError, s.AfterError, s.CatchUp = latency(errs), latency(after), latency(catchUps)
	s.Reloads = lv.Reloads() - reloads
	return nil
}

// Latency summarises operation times in milliseconds.
type Latency struct {
	P50, P90, P99, Max float64
}

func latency(d []time.Duration) Latency {
	ms := make([]float64, len(d))
	for i, x := range d {
		ms[i] = float64(x) / 1e6
	}
	slices.Sort(ms)
	q := func(p float64) float64 { return ms[min(len(ms)-1, int(math.Ceil(p*float64(len(ms))))-1)] }
	return Latency{P50: q(0.50), P90: q(0.90), P99: q(0.99), Max: ms[len(ms)-1]}
}

// MeasureLive measures real-time resolution: for each size, a batch run
// is imported into a fresh store, then a random sample of records is
// deleted and upserted again one at a time, each timed. Sizes up to
// StreamMax are also streamed whole by upsert into an empty store.
func MeasureLive(ctx context.Context, opt LiveOptions) ([]LiveSize, error) {
	if opt.Sample <= 0 {
		opt.Sample = 5000
	}
	if opt.StreamMax <= 0 {
		opt.StreamMax = 100000
	}
	var out []LiveSize
	for _, n := range opt.Sizes {
		dir := filepath.Join(opt.Dir, fmt.Sprintf("live%d", n))
		people := int(math.Round(float64(n) / recordsPerPerson))
		logf(opt.Log, "generating %d people (about %d records) in %s", people, n, dir)
		cfgPath, _, err := synth.Write(dir, synth.Options{Seed: opt.Seed, People: people})
		if err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		cfg, err := config.Load(cfgPath)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		res, err := engine.Resolve(ctx, cfg, func(engine.Reject) error { return nil }, engine.ResolveOptions{})
		if err != nil {
			return nil, err
		}
		s := LiveSize{Records: len(res.Records), BatchSeconds: time.Since(start).Seconds()}
		logf(opt.Log, "  %d records: batch %.1fs", s.Records, s.BatchSeconds)
		batch := make(map[record.Key]record.EntityID, len(res.Records))
		for i, r := range res.Records {
			batch[r.Key] = res.Entities[i]
		}

		db, lv, err := openLive(ctx, filepath.Join(dir, "full.db"), res)
		if err != nil {
			return nil, err
		}
		start = time.Now()
		if err := lv.Import(ctx, res); err != nil {
			db.Close()
			return nil, err
		}
		s.ImportSeconds = time.Since(start).Seconds()
		logf(opt.Log, "  imported in %.1fs", s.ImportSeconds)
		var recs []record.Record // the sample
		for _, i := range rand.New(rand.NewPCG(opt.Seed, 99)).Perm(len(res.Records))[:min(opt.Sample, len(res.Records))] {
			recs = append(recs, res.Records[i])
		}
		if n > opt.StreamMax {
			// Measure as a server would run: holding the store's memory
			// copy, not the batch run as well.
			res = nil
			runtime.GC()
		}
		var dels, ups []time.Duration
		for _, r := range recs {
			t0 := time.Now()
			if _, err := lv.Delete(ctx, r.Key); err != nil {
				db.Close()
				return nil, err
			}
			dels = append(dels, time.Since(t0))
		}
		var total time.Duration
		for _, r := range recs {
			t0 := time.Now()
			if _, err := lv.Upsert(ctx, r); err != nil {
				db.Close()
				return nil, err
			}
			d := time.Since(t0)
			ups = append(ups, d)
			total += d
		}
		s.Upsert, s.Delete = latency(ups), latency(dels)
		s.UpsertsPerSec = float64(len(recs)) / total.Seconds()
		for pass := range 2 { // delete the sample, then upsert it again
			start := time.Now()
			if _, err := lv.Stream(ctx, live.Records(recs), live.StreamOptions{Normalized: true, Delete: pass == 0, Reject: noReject}); err != nil {
				db.Close()
				return nil, err
			}
			if pass == 1 {
				s.GroupedPerSec = float64(len(recs)) / time.Since(start).Seconds()
			}
		}
		if s.Agreement, err = agreement(ctx, lv, batch); err != nil {
			db.Close()
			return nil, err
		}
		start = time.Now()
		if _, err := live.Open(ctx, db, live.Options{}); err != nil {
			db.Close()
			return nil, err
		}
		s.ReopenSeconds = time.Since(start).Seconds()
		runtime.GC()
		if err := mistakesAndSecondWriter(ctx, db, lv, recs, &s); err != nil {
			db.Close()
			return nil, err
		}
		db.Close()
		logf(opt.Log, "  client error max %.2f ms, upsert after it p50 %.2f ms; after a second writer's change p50 %.2f ms, max %.2f ms; %d reloads",
			s.ClientError.Max, s.AfterError.P50, s.CatchUp.P50, s.CatchUp.Max, s.Reloads)
		logf(opt.Log, "  upsert p50 %.2f ms, p99 %.2f ms, %.0f/s one per transaction, %.0f/s grouped; agreement with batch %.4f",
			s.Upsert.P50, s.Upsert.P99, s.UpsertsPerSec, s.GroupedPerSec, s.Agreement)

		if n <= opt.StreamMax {
			db, lv, err := openLive(ctx, filepath.Join(dir, "stream.db"), res)
			if err != nil {
				return nil, err
			}
			start = time.Now()
			if _, err := lv.Stream(ctx, live.Records(res.Records), live.StreamOptions{Normalized: true, Reject: noReject}); err != nil {
				db.Close()
				return nil, err
			}
			s.StreamSeconds = time.Since(start).Seconds()
			s.StreamAgreement, err = agreement(ctx, lv, batch)
			db.Close()
			if err != nil {
				return nil, err
			}
			logf(opt.Log, "  streamed by upsert in %.1fs (%.2f× batch); agreement %.4f", s.StreamSeconds, s.StreamSeconds/s.BatchSeconds, s.StreamAgreement)
		}
		out = append(out, s)
	}
	return out, nil
}

// openLive opens a new store at path for real-time resolution with the
// batch run's model.
func openLive(ctx context.Context, path string, res *engine.Resolution) (*sqlite.DB, *live.Live, error) {
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		return nil, nil, err
	}
	lv, err := live.Open(ctx, db, live.Options{Model: res.Model})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, lv, nil
}

func agreement(ctx context.Context, l *live.Live, batch map[record.Key]record.EntityID) (float64, error) {
	got, err := l.Entities(ctx)
	if err != nil {
		return 0, err
	}
	ta, pa := eval.NewAssignments(), eval.NewAssignments()
	for k, e := range batch {
		ta.Add(k.Source, k.ID, string(e))
	}
	for k, e := range got {
		pa.Add(k.Source, k.ID, string(e))
	}
	return eval.Evaluate(ta, pa).PairwiseF1, nil
}

// LiveMarkdown renders real-time results as docs/realtime.md.
func LiveMarkdown(sizes []LiveSize, sample int, machine, command string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Real-time benchmarks

Real-time resolution against the embedded SQLite store, on synthetic data from
internal/synth. For each size, a batch run is imported into a fresh store; then %d
random records are deleted one at a time and upserted again one at a time, each a
committed transaction, from one client. Latencies are per operation, in
milliseconds; *agreement* is the pairwise F1 of the store's partition against the
batch run's; *upserts/s* is the sample's count over their summed latencies (one
record per transaction); *grouped/s* is the sample deleted and upserted again in
transactions of %d records, as `+"`concord upsert`"+` commits a sustained stream. Sizes up to 100k are also streamed whole into an empty
store, in transactions of %d records as `+"`concord upsert`"+`'s group commit makes them,
and compared with the in-process batch run (load, train, score, cluster) of the same
records. *reopen* is the time to open the full store again: a restart loads records,
blocking index and links into memory; it does not re-train or re-resolve.

Machine: %s. Regenerate with:

    %s

| records stored | upsert p50 | p90 | p99 | max | upserts/s | grouped/s | delete p50 | p99 | agreement | import s | reopen s | batch s | stream s (× batch) | stream records/s | stream agreement |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
`, sample, streamGroup, streamGroup, machine, command)
	for _, s := range sizes {
		stream, rate, streamAgree := "–", "–", "–"
		if s.StreamSeconds > 0 {
			stream = fmt.Sprintf("**%.1f** (%.2f×)", s.StreamSeconds, s.StreamSeconds/s.BatchSeconds)
			rate = fmt.Sprintf("%.0f", float64(s.Records)/s.StreamSeconds)
			streamAgree = fmt.Sprintf("%.4f", s.StreamAgreement)
		}
		fmt.Fprintf(&b, "| %d | **%.2f** | %.2f | **%.2f** | %.1f | **%.0f** | **%.0f** | %.2f | %.2f | %.4f | %.1f | %.1f | %.1f | %s | %s | %s |\n",
			s.Records, s.Upsert.P50, s.Upsert.P90, s.Upsert.P99, s.Upsert.Max, s.UpsertsPerSec, s.GroupedPerSec,
			s.Delete.P50, s.Delete.P99, s.Agreement, s.ImportSeconds, s.ReopenSeconds, s.BatchSeconds, stream, rate, streamAgree)
	}
	fmt.Fprintf(&b, `
## Mistakes and a second writer

On the full store after the sample: 200 clients' mistakes (a delete of a record that is
not stored, a verdict that is not one), each followed by an upsert; then a second `+"`Live`"+`
opens the same store and the two take turns, 50 changes each: every change of the first
comes after one of the second and catches up on it from the change log first. *reloads*
counts the times the memory copy was read again whole (none is the design).

| records stored | mistake p50 | max | upsert after it p50 | p99 | change after the other writer's p50 | p99 | max | reloads |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|
`)
	for _, s := range sizes {
		fmt.Fprintf(&b, "| %d | %.2f | **%.2f** | **%.2f** | %.2f | %.2f | %.2f | **%.2f** | **%d** |\n", s.Records,
			s.ClientError.P50, s.ClientError.Max, s.AfterError.P50, s.AfterError.P99, s.CatchUp.P50, s.CatchUp.P99, s.CatchUp.Max, s.Reloads)
	}
	writeLiveTargets(&b, sizes)
	return b.String()
}

// writeLiveTargets states each target of the real-time issue, at the
// largest size stored and the largest size streamed, and whether it was met.
func writeLiveTargets(b *strings.Builder, sizes []LiveSize) {
	if len(sizes) == 0 {
		return
	}
	last := sizes[len(sizes)-1]
	fmt.Fprintf(b, "\n## Targets\n\n| target | measured | |\n|---|---:|---|\n")
	fmt.Fprintf(b, "| upsert p50 ≤ 1 ms with %d records stored | %.2f ms | %s |\n", last.Records, last.Upsert.P50, met(last.Upsert.P50 <= 1))
	fmt.Fprintf(b, "| upsert p99 ≤ 10 ms with %d records stored | %.2f ms | %s |\n", last.Records, last.Upsert.P99, met(last.Upsert.P99 <= 10))
	fmt.Fprintf(b, "| ≥ 3,000 upserts/s sustained: a stream, committed in groups | %.0f/s | %s |\n", last.GroupedPerSec, met(last.GroupedPerSec >= 3000))
	fmt.Fprintf(b, "| the same, one record per transaction | %.0f/s | %s |\n", last.UpsertsPerSec, met(last.UpsertsPerSec >= 3000))
	fmt.Fprintf(b, "| a client's mistake refused in < 10 ms with %d records stored (max) | %.2f ms | %s |\n", last.Records, last.ClientError.Max, met(last.ClientError.Max < 10))
	fmt.Fprintf(b, "| the upsert after a mistake as fast as any (p50 ≤ 1.5× the sample's) | %.2f ms vs %.2f ms | %s |\n", last.AfterError.P50, last.Upsert.P50, met(last.AfterError.P50 <= 1.5*last.Upsert.P50))
	fmt.Fprintf(b, "| a second writer's change caught up in ≤ 100 ms (max, with the change itself) | %.2f ms | %s |\n", last.CatchUp.Max, met(last.CatchUp.Max <= 100))
	fmt.Fprintf(b, "| no full reload for mistakes or a second writer | %d | %s |\n", last.Reloads, met(last.Reloads == 0))
	for _, s := range sizes {
		if s.StreamSeconds > 0 {
			r := s.StreamSeconds / s.BatchSeconds
			fmt.Fprintf(b, "| streaming %d records by upsert ≤ 3× batch | %.2f× | %s |\n", s.Records, r, met(r <= 3))
		}
		fmt.Fprintf(b, "| same partition as batch at %d records (pairwise F1) | %.4f | %s |\n", s.Records, s.Agreement, met(s.Agreement >= 0.99))
	}
	b.WriteString(`
The store is durable against a killed process: every commit reaches the write-ahead
log before it is acknowledged (` + "`--sync`" + ` also waits for the disk). A background
goroutine checkpoints the log into the database file, so commits do not pay for it;
*max* is the rare commit that still does, or a garbage collection. Above the sizes it
streams, the benchmark lets go of the batch run before timing upserts, holding only the
store's memory copy as a server would (about what batch resolve needs for the same
records). Batch times include training (u sampling alone takes about 2 s); streaming
reuses the batch run's model.
`)
}
