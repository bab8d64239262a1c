package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/concord-er/concord/eval"
	"github.com/concord-er/concord/ingest"
)

const evalSynopsis = "concord eval --truth truth.csv --clusters DIR/clusters.csv"

func runEval(_ context.Context, env Env, args []string) error {
	fs := flags(env, "eval", evalSynopsis)
	truthPath := fs.String("truth", "", "ground truth: CSV with source,record_id,entity_id (may be gzipped)")
	clustersPath := fs.String("clusters", "", "predicted clusters: CSV with source,record_id,entity_id (may be gzipped)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *truthPath == "" || *clustersPath == "" || fs.NArg() > 0 {
		return &usageError{msg: "--truth and --clusters are required", hint: evalSynopsis}
	}
	truth, err := readAssignments(*truthPath)
	if err != nil {
		return err
	}
	pred, err := readAssignments(*clustersPath)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(eval.Evaluate(truth, pred))
}

func readAssignments(path string) (*eval.Assignments, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := ingest.Decompress(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a, err := eval.ReadAssignments(r, path)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return a, nil
}
