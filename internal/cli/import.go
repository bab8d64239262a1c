package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/eval"
	"github.com/concord-er/concord/internal/progress"
	"github.com/concord-er/concord/record"
)

const importSynopsis = "concord import --config concord.yaml --run DIR [--workers N]"

// runImport loads a batch run (the --out DIR of concord resolve) into the
// config's store without training again: the records are read from the
// sources and scored with the run's model (DIR/model.json), which gives
// the run's partition again, and that partition is checked against
// DIR/clusters.csv before anything is stored. A source that changed since
// the run is refused, not imported under the run's name. The store must
// hold no records, as with resolve --import; PostgreSQL is loaded by COPY.
func runImport(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "import", importSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml); its store: names the store (default concord.db beside it)")
	runDir := fs.String("run", "", "output directory of concord resolve: its model.json and clusters.csv")
	workers := fs.Int("workers", 0, "goroutines comparing pairs (default: every core)")
	logger := logFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cfgPath == "" || *runDir == "" || fs.NArg() > 0 {
		return &usageError{msg: "--config and --run are required", hint: importSynopsis}
	}
	if err := checkWorkers(*workers, importSynopsis); err != nil {
		return err
	}
	log, err := logger()
	if err != nil {
		return err
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	m, err := readModel(filepath.Join(*runDir, "model.json"))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	want, err := readAssignments(filepath.Join(*runDir, "clusters.csv"))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	decisions, err := storedDecisions(ctx, cfg)
	if err != nil {
		return err
	}
	// The rejects of this reading of the sources go to the store with the
	// records; the file is only their way there.
	tmp, err := os.MkdirTemp("", "concord-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rejectsPath := filepath.Join(tmp, "rejects.ndjson")
	rejects, err := newNDJSONFile(rejectsPath)
	if err != nil {
		return err
	}
	defer rejects.abort()
	res, err := engine.Resolve(ctx, cfg, func(r engine.Reject) error { return rejects.write(r) }, engine.ResolveOptions{
		Options: engine.Options{Logger: log, Progress: progress.New(stderrFile(env), "load"), Workers: *workers},
		Model:   m, Decisions: decisions})
	if err != nil {
		return err
	}
	if err := rejects.close(); err != nil {
		return err
	}
	if err := samePartition(want, res); err != nil {
		return fmt.Errorf("import: the sources do not give the run in %s again (%w): resolve them again with --import", *runDir, err)
	}
	if err := importResolution(ctx, env, cfg, res, rejectsPath, log); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %d records in %d entities from %s\n", len(res.Records), res.Stats.Clustering.Entities, *runDir)
	return nil
}

// samePartition reports, as an error, how res differs from the partition
// of want: records one holds and the other does not, or records put
// together in one and apart in the other (entity ids aside).
func samePartition(want *eval.Assignments, res *engine.Resolution) error {
	if want.Len() != len(res.Records) {
		return fmt.Errorf("the run holds %d records, the sources %d", want.Len(), len(res.Records))
	}
	toRun := map[record.EntityID]string{} // res's entity → the run's
	toRes := map[string]record.EntityID{}
	moved := 0
	var first record.Key
	for i, r := range res.Records {
		w, ok := want.Entity(r.Key.Source, r.Key.ID)
		if !ok {
			return fmt.Errorf("record %s is not in the run", r.Key)
		}
		e := res.Entities[i]
		if x, seen := toRun[e]; seen && x != w {
			moved++
		} else if y, seen := toRes[w]; seen && y != e {
			moved++
		} else {
			toRun[e], toRes[w] = w, e
			continue
		}
		if moved == 1 {
			first = r.Key
		}
	}
	if moved > 0 {
		return fmt.Errorf("records not with the records the run put them with: %d, the first %s", moved, first)
	}
	return nil
}
