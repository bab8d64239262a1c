// Package bench measures Concord end to end at several scales: it writes
// synthetic data (internal/synth) once per size, runs `concord resolve` on
// it in a child process for each run, and reports per-stage times, pairs
// compared per second per core, peak memory and accuracy. `concord bench`
// drives it; docs/benchmarks.md is its report.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/eval"
	"github.com/concord-er/concord/internal/synth"
)

// Options configure Run.
type Options struct {
	Sizes []int  // records per run, about; the generator makes about 1.58 records per person
	Runs  int    // runs per size; medians are reported
	Seed  uint64 // generator seed
	Dir   string // working directory for data and outputs
	Exe   string // the concord binary to run
	Log   io.Writer
}

// Run is one measured run.
type Run struct {
	WallSeconds float64
	PeakRSS     int64 // bytes
	Summary     summary
}

// summary is the part of summary.json a run reads.
type summary struct {
	Records  int                 `json:"records"`
	Entities int                 `json:"entities"`
	Stats    engine.ResolveStats `json:"stats"`
	Accuracy *eval.Metrics       `json:"accuracy"`
}

// Size is the result of one size: medians over its runs.
type Size struct {
	Records          int                `json:"records"`
	People           int                `json:"people"`
	Runs             int                `json:"runs"`
	WallSeconds      float64            `json:"wall_seconds"`
	WallMin, WallMax float64            `json:"-"`
	Stages           map[string]float64 `json:"stage_seconds"`
	PeakRSSBytes     int64              `json:"peak_rss_bytes"`
	CandidatePairs   int64              `json:"candidate_pairs"`
	PairsPerCoreSec  float64            `json:"pairs_per_core_second"`
	Workers          int                `json:"workers"`
	PairwiseF1       float64            `json:"pairwise_f1"`
	BCubedF1         float64            `json:"bcubed_f1"`
	PairCompleteness float64            `json:"pair_completeness"`
}

// recordsPerPerson is how many records the generator writes per person,
// companies included, on average.
const recordsPerPerson = 1.58

// Measure runs the benchmark.
func Measure(ctx context.Context, opt Options) ([]Size, error) {
	if opt.Runs <= 0 {
		opt.Runs = 3
	}
	var out []Size
	for _, n := range opt.Sizes {
		people := int(math.Round(float64(n) / recordsPerPerson))
		dir := filepath.Join(opt.Dir, fmt.Sprintf("n%d", n))
		logf(opt.Log, "generating %d people (about %d records) in %s", people, n, dir)
		cfg, truth, err := synth.Write(dir, synth.Options{Seed: opt.Seed, People: people})
		if err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		var runs []Run
		for r := 0; r < opt.Runs; r++ {
			run, err := resolve(ctx, opt.Exe, cfg, truth, filepath.Join(dir, "out"))
			if err != nil {
				return nil, err
			}
			logf(opt.Log, "  %d records: run %d: %.1fs, peak %.2f GiB", run.Summary.Records, r+1, run.WallSeconds, float64(run.PeakRSS)/(1<<30))
			runs = append(runs, run)
		}
		s := aggregate(runs)
		s.People = people
		out = append(out, s)
	}
	return out, nil
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

// resolve runs `concord resolve` as a child process, so that its peak
// memory is its own and the time is the whole command's.
func resolve(ctx context.Context, exe, cfg, truth, out string) (Run, error) {
	cmd := exec.CommandContext(ctx, exe, "resolve", "--config", cfg, "--out", out, "--truth", truth)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return Run{}, fmt.Errorf("concord resolve: %w", err)
	}
	run := Run{WallSeconds: time.Since(start).Seconds(), PeakRSS: peakRSS(cmd.ProcessState)}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		return Run{}, err
	}
	if err := json.Unmarshal(data, &run.Summary); err != nil {
		return Run{}, fmt.Errorf("summary.json: %w", err)
	}
	return run, nil
}

func aggregate(runs []Run) Size {
	last := runs[len(runs)-1].Summary
	s := Size{Records: last.Records, Runs: len(runs), Stages: map[string]float64{}, Workers: last.Stats.Workers,
		CandidatePairs: last.Stats.Blocking.CandidatePairs}
	var walls []float64
	stages := map[string][]float64{}
	for _, r := range runs {
		walls = append(walls, r.WallSeconds)
		s.PeakRSSBytes = max(s.PeakRSSBytes, r.PeakRSS)
		for k, v := range r.Summary.Stats.Seconds {
			stages[k] = append(stages[k], v)
		}
	}
	s.WallSeconds = median(walls)
	s.WallMin, s.WallMax = slices.Min(walls), slices.Max(walls)
	for k, v := range stages {
		s.Stages[k] = median(v)
	}
	if t := s.Stages["compare"] + s.Stages["scoring"]; t > 0 && s.Workers > 0 {
		s.PairsPerCoreSec = float64(s.CandidatePairs) / t / float64(s.Workers)
	}
	if a := last.Accuracy; a != nil {
		s.PairwiseF1, s.BCubedF1 = a.PairwiseF1, a.BCubedF1
	}
	if pc := last.Stats.Blocking.PairCompleteness; pc != nil {
		s.PairCompleteness = *pc
	}
	return s
}

func median(x []float64) float64 {
	y := slices.Clone(x)
	slices.Sort(y)
	if len(y)%2 == 1 {
		return y[len(y)/2]
	}
	return (y[len(y)/2-1] + y[len(y)/2]) / 2
}

// Machine describes where the benchmark ran.
func Machine() string {
	return fmt.Sprintf("%s/%s, %d cores, Go %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
}
