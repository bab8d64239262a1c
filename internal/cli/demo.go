package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/demo"
	"github.com/concord-er/concord/internal/progress"
	"github.com/concord-er/concord/record"
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
	sum, err := resolveRun(ctx, cfg, dir, engine.ResolveOptions{Options: engine.Options{Logger: log, Progress: progress.New(stderrFile(env), "demo")}}, nil)
	if err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(dir, "summary.json"), sum); err != nil {
		return err
	}
	printResolveSummary(env, sum, dir)
	if err := printEntities(env, input, dir); err != nil {
		return err
	}
	if err := printReview(env, filepath.Join(dir, "review.csv")); err != nil {
		return err
	}
	return printRejects(env, filepath.Join(dir, "rejects.ndjson"))
}

// printEntities lists the entities of more than one record, with the name
// each source gives.
func printEntities(env Env, input, out string) error {
	names, err := demoNames(input)
	if err != nil {
		return err
	}
	rows, err := readCSVRows(filepath.Join(out, "clusters.csv"))
	if err != nil {
		return err
	}
	members := map[string][]string{}
	var order []string
	for _, r := range rows {
		if _, ok := members[r[2]]; !ok {
			order = append(order, r[2])
		}
		members[r[2]] = append(members[r[2]], r[0]+"/"+r[1])
	}
	fmt.Fprintln(env.Stdout, "\nEntities found in more than one record:")
	for _, e := range order {
		if len(members[e]) < 2 {
			continue
		}
		fmt.Fprintf(env.Stdout, "  %s\n", e)
		for _, k := range members[e] {
			fmt.Fprintf(env.Stdout, "    %-24s %s\n", k, names[k])
		}
	}
	return nil
}

func printReview(env Env, path string) error {
	rows, err := readCSVRows(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nPairs for human review (%s):\n", path)
	for _, r := range rows {
		fmt.Fprintf(env.Stdout, "  %s/%s ~ %s/%s  p=%s  %s\n", r[0], r[1], r[2], r[3], r[4][:5], r[6])
	}
	return nil
}

// demoNames reads the name of every demo record from the records the
// ingest stage would write, by loading the sources again.
func demoNames(input string) (map[string]string, error) {
	cfg, err := config.Load(filepath.Join(input, demo.ConfigName))
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	_, err = engine.Load(context.Background(), cfg, func(r record.Record) error {
		for _, f := range []string{"full_name", "company", "representative"} {
			if ft := r.Feature(f); ft != nil && len(ft.Raw) > 0 {
				names[r.Key.String()] = strings.Join(ft.Raw, " | ")
				break
			}
		}
		return nil
	}, func(engine.Reject) error { return nil }, engine.Options{})
	return names, err
}

func readCSVRows(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[1:], nil
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
