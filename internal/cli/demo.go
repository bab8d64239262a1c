package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/live"

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
	files := 0 // a group (the registry's representatives) reads its source's file
	for _, src := range cfg.Sources {
		if src.Of == "" {
			files++
		}
	}
	fmt.Fprintf(env.Stdout, "Concord demo: %d synthetic sources (%s)\n\n", files, input)
	set, err := newOutputSet(dir)
	if err != nil {
		return err
	}
	defer set.abort()
	sum, err := resolveRun(ctx, cfg, set, engine.ResolveOptions{Options: engine.Options{Logger: log, Progress: progress.New(stderrFile(env), "demo")}}, nil, nil)
	if err != nil {
		return err
	}
	if err := writeJSONFile(set.path("summary.json"), sum); err != nil {
		return err
	}
	if err := set.commit(); err != nil {
		return err
	}
	printResolveSummary(env, sum, dir)
	if err := printEntities(env, input, dir); err != nil {
		return err
	}
	if err := printReview(env, filepath.Join(dir, "review.csv")); err != nil {
		return err
	}
	if err := printRejects(env, filepath.Join(dir, "rejects.ndjson")); err != nil {
		return err
	}
	return demoLive(ctx, env, cfg, dir)
}

// demoLive loads the demo's records into the store, one transaction, as
// concord upsert would, and explains the strongest pair left for review.
func demoLive(ctx context.Context, env Env, cfg *config.Config, dir string) error {
	m, err := readModel(filepath.Join(dir, "model.json"))
	if err != nil {
		return err
	}
	path := storePath(cfg)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	db, err := openStoreAt(path, storeOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := audit.KeyFromEnv()
	if err != nil {
		return err
	}
	lv, err := live.Open(ctx, db, live.Options{Model: m, AuditKey: key})
	if err != nil {
		return err
	}
	var ops []live.Op
	engine.ReadAsModel(cfg, m) // as upsert reads rows: as the model's training did
	if _, err := engine.Load(ctx, cfg, func(r record.Record) error { ops = append(ops, live.Op{Record: r}); return nil },
		func(engine.Reject) error { return nil }, engine.Options{}); err != nil {
		return err
	}
	if _, err := lv.Apply(ctx, ops); err != nil {
		return err
	}
	queue, err := lv.Reviews(ctx, access.Everything)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nReal time: %d records upserted into %s; review queue: %d.\n", len(ops), path, len(queue))
	if len(queue) > 0 {
		w, err := lv.ExplainPair(ctx, queue[0].A, queue[0].B, access.Everything)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Why the strongest pair is in review (concord explain --pair):\n%s", w.Text())
	}
	cfgFile := filepath.Join(cfg.Dir, demo.ConfigName)
	fmt.Fprintf(env.Stdout, "\nGo on with:\n  concord review --config %s\n  concord upsert --config %s MORE.csv\n  concord audit verify --config %s\n",
		quote(cfgFile), quote(cfgFile), quote(cfgFile))
	return nil
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
