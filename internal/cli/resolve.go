package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/eval"
	"github.com/concord-er/concord/internal/progress"
	"github.com/concord-er/concord/internal/reviewfile"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

const resolveSynopsis = "concord resolve --config concord.yaml --out DIR [--workers N] [--model model.json] [--truth truth.csv] [--import]"

// ResolveSummary is summary.json of a resolve run.
type ResolveSummary struct {
	Command  string              `json:"command"`
	Version  string              `json:"version"`
	Config   string              `json:"config"`
	Started  time.Time           `json:"started"`
	Seconds  float64             `json:"seconds"`
	Records  int                 `json:"records"`
	Entities int                 `json:"entities"`
	Prior    float64             `json:"prior"`
	Model    string              `json:"model"` // "trained" or the file reused
	Stats    engine.ResolveStats `json:"stats"`
	Accuracy *eval.Metrics       `json:"accuracy,omitempty"`
	// Decisions counts the reviewers' decisions read from the store and
	// honoured by clustering.
	Decisions int `json:"decisions"`
	// Audit is the sequence number of the run's entry in the store's
	// audit log, when the config's store exists.
	Audit   int64    `json:"audit,omitempty"`
	Outputs []string `json:"outputs"`
}

func runResolve(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "resolve", resolveSynopsis)
	cf := addConfigFlags(fs, env)
	workers := fs.Int("workers", 0, "goroutines comparing pairs (default: every core)")
	modelPath := fs.String("model", "", "reuse this model.json instead of training")
	truthPath := fs.String("truth", "", "ground truth (source,record_id,entity_id): adds pair completeness and accuracy to summary.json")
	seed := fs.Uint64("seed", 1, "seed of the random pairs that estimate u")
	memLimit := fs.String("memory-limit", "3.5GiB", "soft limit of the Go heap (GiB or MiB suffix; 0 for none); the GOMEMLIMIT environment variable overrides it")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (go tool pprof) to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile, taken after clustering, to this file")
	imp := fs.Bool("import", false, "also load the result into the config's store, which must hold no records yet (real time, serve and consume go on from it)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := setMemoryLimit(*memLimit); err != nil {
		return &usageError{msg: err.Error(), hint: resolveSynopsis}
	}
	if err := checkWorkers(*workers, resolveSynopsis); err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	cfg, log, err := cf.load(fs, resolveSynopsis)
	if err != nil {
		return err
	}
	decisions, err := storedDecisions(ctx, cfg)
	if err != nil {
		return err
	}
	out := cf.out
	opt := engine.ResolveOptions{Options: engine.Options{Logger: log, Progress: progress.New(stderrFile(env), "load"),
		Workers: *workers}, Seed: *seed, Decisions: decisions}
	if *modelPath != "" {
		if opt.Model, err = readModel(*modelPath); err != nil {
			return err
		}
	}
	var truth *eval.Assignments
	if *truthPath != "" {
		if truth, err = readAssignments(*truthPath); err != nil {
			return err
		}
	}
	set, err := newOutputSet(*out)
	if err != nil {
		return err
	}
	defer set.abort()
	var after func(*engine.Resolution) error
	// The files name records by key; only the store keeps their values.
	opt.DropRaw = !*imp
	if *imp {
		after = func(res *engine.Resolution) error {
			if err := importResolution(ctx, env, cfg, res, set.path("rejects.ndjson"), log); err != nil {
				return err
			}
			// The files name entities as the store does.
			if err := writeClusters(set.path("clusters.csv"), res); err != nil {
				return err
			}
			if len(cfg.Relationships) > 0 {
				return writeRelationships(set.path("relationships.csv"), res)
			}
			return nil
		}
	}
	sum, err := resolveRun(ctx, cfg, set, opt, truth, after)
	if err != nil {
		return err
	}
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	if *modelPath != "" {
		sum.Model = *modelPath
	}
	if sum.Audit, err = auditResolve(ctx, cfg, set.tmp, sum); err != nil {
		return err
	}
	if err := writeJSONFile(set.path("summary.json"), sum); err != nil {
		return err
	}
	if err := set.commit(); err != nil {
		return err
	}
	printResolveSummary(env, sum, *out)
	return nil
}

// checkWorkers refuses a --workers value other than 0 (every core) to
// engine.MaxWorkers.
func checkWorkers(n int, synopsis string) error {
	if n < 0 || n > engine.MaxWorkers() {
		return &usageError{msg: fmt.Sprintf("bad --workers %d: want 0 (every core) to %d", n, engine.MaxWorkers()), hint: synopsis}
	}
	return nil
}

// setMemoryLimit sets a soft limit on the Go heap: the garbage collector
// works harder near it instead of letting the heap double. It is soft: a
// run that needs more memory slows down rather than fails. The default,
// 3.5 GiB, keeps a million records under 4 GiB of resident memory; at
// 3 GiB the collector ran almost without pause once the records were
// loaded, and every later stage paid for it.
func setMemoryLimit(limit string) error {
	if os.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	n, err := parseBytes(limit)
	if err != nil {
		return fmt.Errorf("bad --memory-limit %q: %v", limit, err)
	}
	if n > 0 {
		debug.SetMemoryLimit(n)
	}
	return nil
}

// parseBytes reads sizes such as 3GiB, 512MiB or 0.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   float64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"G", 1 << 30}, {"M", 1 << 20}, {"", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			x, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil || !(x >= 0) || x*u.mult > 1<<60 {
				return 0, fmt.Errorf("want a size such as 3GiB or 512MiB")
			}
			return int64(x * u.mult), nil
		}
	}
	return 0, fmt.Errorf("want a size such as 3GiB or 512MiB")
}

func startCPUProfile(path string) (func(), error) {
	f, err := createPrivate(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func writeHeapProfile(path string) error {
	f, err := createPrivate(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	return f.Close()
}

func readModel(path string) (*model.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := model.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// resolveRun resolves cfg and writes clusters.csv, model.json, review.csv
// and rejects.ndjson into out, then calls after (when set) with the
// result; the caller writes summary.json and commits.
func resolveRun(ctx context.Context, cfg *config.Config, out *outputSet, opt engine.ResolveOptions, truth *eval.Assignments,
	after func(*engine.Resolution) error) (ResolveSummary, error) {
	start := time.Now()
	rejects, err := newNDJSONFile(out.path("rejects.ndjson"))
	if err != nil {
		return ResolveSummary{}, err
	}
	defer rejects.abort()
	if truth != nil {
		opt.Truth = func(k record.Key) (string, bool) { return truth.Entity(k.Source, k.ID) }
	}
	res, err := engine.Resolve(ctx, cfg, func(r engine.Reject) error { return rejects.write(r) }, opt)
	if err != nil {
		return ResolveSummary{}, err
	}
	if err := rejects.close(); err != nil {
		return ResolveSummary{}, err
	}
	if err := writeClusters(out.path("clusters.csv"), res); err != nil {
		return ResolveSummary{}, err
	}
	if err := writeReview(out.path("review.csv"), res.Review); err != nil {
		return ResolveSummary{}, err
	}
	if err := writeModel(out.path("model.json"), res.Model); err != nil {
		return ResolveSummary{}, err
	}
	outputs := []string{"clusters.csv", "model.json", "review.csv", "rejects.ndjson", "summary.json"}
	if len(cfg.Relationships) > 0 {
		if err := writeRelationships(out.path("relationships.csv"), res); err != nil {
			return ResolveSummary{}, err
		}
		outputs = append(outputs, "relationships.csv")
	}
	if after != nil {
		if err := after(res); err != nil {
			return ResolveSummary{}, err
		}
	}
	sum := ResolveSummary{Command: "resolve", Version: Version, Config: cfg.File, Started: start.UTC(),
		Records: len(res.Records), Entities: res.Stats.Clustering.Entities, Prior: res.Model.Prior,
		Model: "trained", Stats: res.Stats, Decisions: len(opt.Decisions),
		Outputs: outputs}
	if truth != nil {
		pred := eval.NewAssignments()
		for i, r := range res.Records {
			pred.Add(r.Key.Source, r.Key.ID, string(res.Entities[i]))
		}
		m := eval.Evaluate(truth, pred)
		sum.Accuracy = &m
	}
	sum.Seconds = time.Since(start).Seconds()
	return sum, nil
}

func writeClusters(path string, res *engine.Resolution) error {
	return writeCSV(path, func(w *csv.Writer) error {
		if err := w.Write([]string{"source", "record_id", "entity_id"}); err != nil {
			return err
		}
		for i, r := range res.Records {
			if err := w.Write([]string{r.Key.Source, r.Key.ID, string(res.Entities[i])}); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeRelationships writes the relationships the records state, one row
// each, with the entities of both ends (to_entity is empty when no record
// has the key the relation names) and the attributes as a JSON object.
func writeRelationships(path string, res *engine.Resolution) error {
	entity := make(map[record.Key]record.EntityID, len(res.Records))
	for i, r := range res.Records {
		entity[r.Key] = res.Entities[i]
	}
	return writeCSV(path, func(w *csv.Writer) error {
		if err := w.Write([]string{"type", "from_source", "from_id", "from_entity", "to_source", "to_id", "to_entity", "attributes"}); err != nil {
			return err
		}
		for i, r := range res.Records {
			for _, rel := range r.Relations {
				attrs := ""
				if len(rel.Attributes) > 0 {
					b, err := json.Marshal(rel.Attributes)
					if err != nil {
						return err
					}
					attrs = string(b)
				}
				if err := w.Write([]string{rel.Type, r.Key.Source, r.Key.ID, string(res.Entities[i]),
					rel.To.Source, rel.To.ID, string(entity[rel.To]), attrs}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func writeReview(path string, pairs []engine.ReviewPair) error {
	return writeCSV(path, func(w *csv.Writer) error {
		if err := w.Write(reviewfile.Columns); err != nil {
			return err
		}
		for _, p := range pairs {
			if err := w.Write(reviewfile.Row(p.A, p.B, p.Probability, p.Weight, p.Reason, p.Rule)); err != nil {
				return err
			}
		}
		return nil
	})
}

func writeCSV(path string, body func(*csv.Writer) error) error {
	f, err := createPrivate(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	w := csv.NewWriter(bw)
	if err := body(w); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func writeModel(path string, m *model.Model) error {
	f, err := createPrivate(path)
	if err != nil {
		return err
	}
	if err := m.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func printResolveSummary(env Env, s ResolveSummary, out string) {
	st := s.Stats
	fmt.Fprintf(env.Stdout, "%d records → %d entities (%.2fs)\n", s.Records, s.Entities, s.Seconds)
	fmt.Fprintf(env.Stdout, "  rows rejected %d, values rejected %d\n", st.Load.RejectedRows, st.Load.RejectedValues)
	fmt.Fprintf(env.Stdout, "  candidate pairs %d (reduction ratio %.6f)", st.Blocking.CandidatePairs, st.Blocking.ReductionRatio)
	if st.Blocking.PairCompleteness != nil {
		fmt.Fprintf(env.Stdout, ", pair completeness %.4f", *st.Blocking.PairCompleteness)
	}
	fmt.Fprintf(env.Stdout, "\n  matches %d, review %d, merges refused %d (conflicts, ambiguous, or an entity that would not hold together)\n", st.Scoring.Matches, st.Scoring.Review, st.Clustering.Refused)
	if s.Accuracy != nil {
		a := s.Accuracy
		fmt.Fprintf(env.Stdout, "  accuracy: pairwise P %.4f R %.4f F1 %.4f; B-cubed F1 %.4f\n", a.PairwisePrecision, a.PairwiseRecall, a.PairwiseF1, a.BCubedF1)
	}
	for _, w := range st.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", filepath.Join(out, "{"+strings.Join(s.Outputs, ",")+"}"))
}

// importResolution loads a batch result into the config's store (created
// if it is a file that does not exist yet), with its model and the
// rejects the run wrote to rejectsPath: the store must hold no records.
// res's entities are then the store's ids (keyed with the store's digest
// secret, so they differ from a batch run's), the same partition.
func importResolution(ctx context.Context, env Env, cfg *config.Config, res *engine.Resolution, rejectsPath string, log *slog.Logger) error {
	db, l, err := openWriterWith(ctx, env, cfg, res.Model, log, storeOptions{})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer db.Close()
	start := time.Now()
	if err := l.Import(ctx, res); err != nil {
		return err
	}
	if err := keepRejectsFile(ctx, l, rejectsPath); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	stored, err := l.Entities(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for i, r := range res.Records {
		res.Entities[i] = stored[r.Key]
	}
	fmt.Fprintf(env.Stderr, "imported %d records into the store in %.1f s\n", len(res.Records), time.Since(start).Seconds())
	return nil
}

// keepRejectsFile keeps the rejects of a batch run in the store, a
// thousand at a time.
func keepRejectsFile(ctx context.Context, l *live.Live, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	var batch []engine.Reject
	for {
		var r engine.Reject
		derr := dec.Decode(&r)
		if derr == nil {
			if batch = append(batch, r); len(batch) < 1000 {
				continue
			}
		} else if !errors.Is(derr, io.EOF) {
			return fmt.Errorf("%s: %w", path, derr)
		}
		if err := l.KeepRejects(ctx, batch); err != nil {
			return err
		}
		batch = batch[:0]
		if derr != nil {
			return nil // the end of the file
		}
	}
}
