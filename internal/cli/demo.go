package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/demo"
	"github.com/concord-er/concord/internal/progress"
)

const demoSynopsis = "concord demo [--out DIR]"

func runDemo(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "demo", demoSynopsis)
	out := fs.String("out", "", "output directory (default: a new temporary directory)")
	logger := logFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: "unexpected arguments", hint: demoSynopsis}
	}
	log, err := logger()
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		if dir, err = os.MkdirTemp("", "concord-demo-"); err != nil {
			return err
		}
	}
	input := filepath.Join(dir, "input")
	if err := demo.WriteTo(input); err != nil {
		return fmt.Errorf("write example data: %w", err)
	}
	cfg, err := config.Load(filepath.Join(input, demo.ConfigName))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Concord demo: %d synthetic sources (%s)\n\n", len(cfg.Sources), input)
	sum, err := ingestRun(ctx, env, cfg, dir, engine.Options{Logger: log, Progress: progress.New(stderrFile(env), "demo")})
	if err != nil {
		return err
	}
	printLoadSummary(env, sum.Load, dir)
	if err := printSamples(env, filepath.Join(dir, "records.ndjson")); err != nil {
		return err
	}
	return printRejects(env, filepath.Join(dir, "rejects.ndjson"))
}

// demoSamples are the records whose normalisation the demo shows.
var demoSamples = map[string]bool{
	"bank_kyc/C-1001": true, "bank_kyc/C-1008": true, "watchlist/WL-002": true, "watchlist/WL-003": true,
	"watchlist/WL-005": true, "registry/J-30123456-7": true,
}

func printSamples(env Env, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintln(env.Stdout, "\nHow some values normalise:")
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r recordOut
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if !demoSamples[r.Source+"/"+r.ID] {
			continue
		}
		fmt.Fprintf(env.Stdout, "  %s/%s\n", r.Source, r.ID)
		names := make([]string, 0, len(r.Features))
		for n := range r.Features {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			ft := r.Features[n]
			var norms []string
			for _, v := range ft.Values {
				norms = append(norms, v.Norm)
			}
			fmt.Fprintf(env.Stdout, "    %-11s %-40s → %s\n", n, quote(strings.Join(ft.Raw, " | ")), strings.Join(norms, " | "))
		}
	}
	return sc.Err()
}

func printRejects(env Env, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(env.Stdout, "\nRejected rows and values (all kept in %s):\n", path)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r engine.Reject
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		where := fmt.Sprintf("%s:%d", r.File, r.Line)
		if r.Field != "" {
			where += " " + r.Field
		}
		fmt.Fprintf(env.Stdout, "  %-5s %-28s %s\n", r.Scope, where, r.Reason)
	}
	return sc.Err()
}
