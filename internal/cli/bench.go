package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/concord-er/concord/bench"
)

const benchSynopsis = "concord bench [--sizes 100000,300000,1000000] [--runs 3] [--write docs/benchmarks.md] | concord bench --live [--sizes …] [--sample 5000] [--write docs/realtime.md] | concord bench --serve [--sizes …] [--seconds 10] [--cpuprofile FILE] [--memprofile FILE] [--write docs/serve.md] | concord bench --shared --store postgres://… [--sizes …] [--resolvers 1,2,4] [--sample 4000] [--replay 100000] [--write docs/scale.md]"

func runBench(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "bench", benchSynopsis)
	sizes := fs.String("sizes", "100000,300000,1000000", "records per size, comma-separated")
	runs := fs.Int("runs", 3, "runs per size (medians are reported)")
	seed := fs.Uint64("seed", 1, "seed of the synthetic data")
	dir := fs.String("dir", "", "working directory for data and outputs (default: a temporary one, removed afterwards)")
	write := fs.String("write", "", "also write the report to this file (docs/benchmarks.md; docs/realtime.md with --live)")
	liveMode := fs.Bool("live", false, "measure real-time upserts and deletes against the store instead of batch resolve")
	sample := fs.Int("sample", 5000, "with --live: records deleted and upserted again, one at a time, per size")
	serveMode := fs.Bool("serve", false, "measure the HTTP API (loopback, TLS): screening, uploads with readers, reads")
	seconds := fs.Int("seconds", 10, "with --serve: seconds each phase runs")
	cpuProfile := fs.String("cpuprofile", "", "with --serve or --shared: write a CPU profile of the largest size's measured phases to this file")
	memProfile := fs.String("memprofile", "", "with --serve or --shared: write heap profiles as the largest size's measured phases start (FILE.base) and end (FILE); what they allocated: go tool pprof -sample_index=alloc_space -base FILE.base FILE")
	networkMode := fs.Bool("network", false, "measure network queries (neighbours, paths, groups) on a synthetic network")
	entities := fs.Int("entities", 1_000_000, "with --network: entities of the synthetic network")
	relationships := fs.Int("relationships", 5_000_000, "with --network: relationships of the synthetic network")
	queries := fs.Int("queries", 1000, "with --network: queries of each kind")
	sharedMode := fs.Bool("shared", false, "measure shared mode: resolvers side by side on one PostgreSQL store")
	storeURL := fs.String("store", os.Getenv("CONCORD_BENCH_POSTGRES"), "with --shared: the PostgreSQL database (a schema per size is made in it and dropped); default $CONCORD_BENCH_POSTGRES")
	resolvers := fs.String("resolvers", "1,2,4", "with --shared: numbers of resolvers side by side, comma-separated")
	replay := fs.Int("replay", 100000, "with --shared: records sent through a Kafka topic (in-process) and consumed twice; 0 for none")
	if err := parse(fs, args); err != nil {
		return err
	}
	var ns []int
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			return &usageError{msg: fmt.Sprintf("bad size %q: want whole numbers of records, at least 100", f), hint: benchSynopsis}
		}
		ns = append(ns, n)
	}
	if *runs < 1 || fs.NArg() > 0 {
		return &usageError{msg: "--runs must be at least 1", hint: benchSynopsis}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	work := *dir
	if work == "" {
		if work, err = os.MkdirTemp("", "concord-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	cmd := "go run ./cmd/concord bench"
	if len(args) > 0 {
		cmd += " " + strings.Join(args, " ")
	}
	var report string
	switch {
	case btoi(*liveMode)+btoi(*serveMode)+btoi(*sharedMode)+btoi(*networkMode) > 1:
		return &usageError{msg: "one of --live, --serve, --shared and --network at a time", hint: benchSynopsis}
	case *networkMode:
		if *entities < 100 || *relationships < 0 || *queries < 1 {
			return &usageError{msg: "--entities must be at least 100, --queries at least 1", hint: benchSynopsis}
		}
		res, err := bench.MeasureNetwork(ctx, bench.NetworkOptions{Entities: *entities, Relationships: *relationships,
			Queries: *queries, Seed: *seed, Log: env.Stderr})
		if err != nil {
			return err
		}
		report = bench.NetworkMarkdown(res, bench.Machine(), cmd)
		fmt.Fprint(env.Stdout, report)
		if *write != "" {
			return writeSection(*write, report, networkBegin, networkEnd)
		}
		return nil
	case *sharedMode:
		opt := bench.SharedOptions{Sizes: ns, Seed: *seed, Dir: work, URL: *storeURL, Log: env.Stderr, Replay: *replay}
		if *replay <= 0 {
			opt.Replay = -1
		}
		opt.Profile = phaseProfiles(*cpuProfile, *memProfile)
		// The report names the database without where it is.
		cmd = strings.Replace(cmd, *storeURL, "postgres://…", 1)
		if flagSet(fs, "sample") {
			opt.Sample = *sample
		}
		for _, f := range strings.Split(*resolvers, ",") {
			r, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || r < 1 || r > 64 {
				return &usageError{msg: fmt.Sprintf("bad number of resolvers %q: want 1 to 64", f), hint: benchSynopsis}
			}
			opt.Resolvers = append(opt.Resolvers, r)
		}
		res, err := bench.MeasureShared(ctx, opt)
		if err != nil {
			return err
		}
		report = bench.SharedMarkdown(res, opt, bench.Machine(), cmd)
	case *serveMode:
		opt := bench.ServeOptions{Sizes: ns, Seconds: *seconds, Seed: *seed, Dir: work, Log: env.Stderr}
		opt.Profile = phaseProfiles(*cpuProfile, *memProfile)
		res, err := bench.MeasureServe(ctx, opt)
		if err != nil {
			return err
		}
		report = bench.ServeMarkdown(res, opt, bench.Machine(), cmd)
	case *liveMode:
		res, err := bench.MeasureLive(ctx, bench.LiveOptions{Sizes: ns, Sample: *sample, Seed: *seed, Dir: work, Log: env.Stderr})
		if err != nil {
			return err
		}
		report = bench.LiveMarkdown(res, *sample, bench.Machine(), cmd)
	default:
		res, err := bench.Measure(ctx, bench.Options{Sizes: ns, Runs: *runs, Seed: *seed, Dir: work, Exe: exe, Log: env.Stderr})
		if err != nil {
			return err
		}
		report = bench.Markdown(res, bench.Machine(), cmd)
		if *write != "" {
			if old, err := os.ReadFile(*write); err == nil {
				report = keepNetwork(report, string(old))
			}
		}
	}
	fmt.Fprint(env.Stdout, report)
	if *write != "" { // between the file's markers, when it has them (docs/benchmarks.md, docs/scale.md, docs/serve.md keep prose)
		return writeMeasured(*write, report)
	}
	return nil
}

// flagSet reports whether the command line set the flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// Markers of the measured part of a document that holds prose too
// (docs/benchmarks.md, docs/scale.md, docs/serve.md): --write replaces
// what lies between them.
const (
	measuredBegin = "<!-- measured: concord bench writes from here -->"
	measuredEnd   = "<!-- measured: to here -->"
)

// keepNetwork returns the batch report to write over old: with old's
// network section (bench --network) when old is written whole, as it is
// when it has no measured markers (those keep everything outside them).
func keepNetwork(report, old string) string {
	if strings.Contains(old, measuredBegin) {
		return report
	}
	if i, j := strings.Index(old, networkBegin), strings.Index(old, networkEnd); i >= 0 && j > i {
		report += "\n" + old[i:j+len(networkEnd)] + "\n"
	}
	return report
}

// writeMeasured writes report between the markers of the file at path, or
// the whole file when it has none (or does not exist).
func writeMeasured(path, report string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := string(old)
	i, j := strings.Index(text, measuredBegin), strings.Index(text, measuredEnd)
	if i < 0 || j < i {
		return writePrivate(path, []byte(report))
	}
	text = text[:i+len(measuredBegin)] + "\n" + report + text[j:]
	return writePrivate(path, []byte(text))
}

// Markers of the network section of docs/benchmarks.md: bench --network
// --write replaces what lies between them, or adds them at the end, and
// the batch bench's --write keeps them.
const (
	networkBegin = "<!-- network: concord bench --network writes from here -->"
	networkEnd   = "<!-- network: to here -->"
)

// writeSection writes report between the markers begin and end of the
// file at path, adding them at its end when it has none.
func writeSection(path, report, begin, end string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := string(old)
	section := begin + "\n" + report + end
	if i, j := strings.Index(text, begin), strings.Index(text, end); i >= 0 && j > i {
		text = text[:i] + section + text[j+len(end):]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + section + "\n"
	}
	return writePrivate(path, []byte(text))
}

// phaseProfiles returns what starts the profiles asked for of a
// benchmark's measured phases and stops them: a CPU profile written to
// cpu, and heap profiles written to mem+".base" at the start and to mem at
// the end (nil: none asked for).
func phaseProfiles(cpu, mem string) func() (func(), error) {
	if cpu == "" && mem == "" {
		return nil
	}
	return func() (func(), error) {
		stopCPU := func() {}
		if cpu != "" {
			var err error
			if stopCPU, err = startCPUProfile(cpu); err != nil {
				return nil, err
			}
		}
		if mem != "" {
			if err := writeHeapProfile(mem + ".base"); err != nil {
				stopCPU()
				return nil, err
			}
		}
		return func() {
			stopCPU()
			if mem != "" {
				if err := writeHeapProfile(mem); err != nil {
					slog.Warn("bench: heap profile", "err", err)
				}
			}
		}, nil
	}
}
