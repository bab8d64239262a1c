package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/progress"
	"github.com/concord-er/concord/record"
)

const ingestSynopsis = "concord ingest --config concord.yaml --out DIR"

func runIngest(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "ingest", ingestSynopsis)
	cf := addConfigFlags(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, log, err := cf.load(fs, ingestSynopsis)
	if err != nil {
		return err
	}
	sum, err := ingestRun(ctx, env, cfg, *cf.out, engine.Options{Logger: log, Progress: progress.New(stderrFile(env), "ingest")})
	if err != nil {
		return err
	}
	printLoadSummary(env, sum.Load, *cf.out)
	return nil
}

// Summary is summary.json.
type Summary struct {
	Command  string           `json:"command"`
	Version  string           `json:"version"`
	Config   string           `json:"config"`
	Started  time.Time        `json:"started"`
	Seconds  float64          `json:"seconds"`
	Load     engine.LoadStats `json:"load"`
	Outputs  []string         `json:"outputs"`
	Warnings []string         `json:"warnings,omitempty"`
}

// ingestRun loads every source and writes records.ndjson, rejects.ndjson
// and summary.json into out.
func ingestRun(ctx context.Context, env Env, cfg *config.Config, out string, opt engine.Options) (Summary, error) {
	start := time.Now()
	set, err := newOutputSet(out)
	if err != nil {
		return Summary{}, err
	}
	defer set.abort()
	records, err := newNDJSONFile(set.path("records.ndjson"))
	if err != nil {
		return Summary{}, err
	}
	defer records.abort()
	rejects, err := newNDJSONFile(set.path("rejects.ndjson"))
	if err != nil {
		return Summary{}, err
	}
	defer rejects.abort()
	stats, err := engine.Load(ctx, cfg,
		func(r record.Record) error { return records.write(recordJSON(r)) },
		func(r engine.Reject) error { return rejects.write(r) }, opt)
	if err != nil {
		return Summary{}, err
	}
	if err := records.close(); err != nil {
		return Summary{}, err
	}
	if err := rejects.close(); err != nil {
		return Summary{}, err
	}
	sum := Summary{Command: "ingest", Version: Version, Config: cfg.File, Started: start.UTC(),
		Seconds: time.Since(start).Seconds(), Load: stats, Warnings: stats.Warnings,
		Outputs: []string{"records.ndjson", "rejects.ndjson", "summary.json"}}
	if err := writeJSONFile(set.path("summary.json"), sum); err != nil {
		return Summary{}, err
	}
	return sum, set.commit()
}

// recordJSON is a record as records.ndjson holds it: the record's one JSON
// shape (record.Record), without the features the row left empty.
func recordJSON(r record.Record) record.Record {
	r.Features = slices.DeleteFunc(slices.Clone(r.Features), func(f record.Feature) bool { return len(f.Raw) == 0 })
	return r
}

func printLoadSummary(env Env, st engine.LoadStats, out string) {
	fmt.Fprintf(env.Stdout, "%d rows from %d sources: %d records, %d rows rejected, %d values rejected (%.2fs)\n",
		st.Rows, len(st.Sources), st.Records, st.RejectedRows, st.RejectedValues, st.Seconds)
	for _, s := range st.Sources {
		fmt.Fprintf(env.Stdout, "  %-12s %6d rows %6d records %4d rows rejected %4d values rejected\n",
			s.Name, s.Rows, s.Records, s.RejectedRows, s.RejectedValues)
	}
	for _, w := range st.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", filepath.Join(out, "{records.ndjson,rejects.ndjson,summary.json}"))
}

// ndjsonFile writes one JSON value per line, buffered, to a file that
// appears under its name only once closed successfully.
type ndjsonFile struct {
	f    *os.File
	w    *bufio.Writer
	enc  *json.Encoder
	path string
	done bool
}

func newNDJSONFile(path string) (*ndjsonFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &ndjsonFile{f: f, w: w, enc: enc, path: path}, nil
}

func (n *ndjsonFile) write(v any) error {
	if err := n.enc.Encode(v); err != nil {
		return fmt.Errorf("write %s: %w", n.path, err)
	}
	return nil
}

func (n *ndjsonFile) close() error {
	n.done = true
	if err := n.w.Flush(); err != nil {
		n.f.Close()
		os.Remove(n.f.Name())
		return fmt.Errorf("write %s: %w", n.path, err)
	}
	if err := n.f.Close(); err != nil {
		os.Remove(n.f.Name())
		return fmt.Errorf("write %s: %w", n.path, err)
	}
	if err := os.Rename(n.f.Name(), n.path); err != nil {
		return fmt.Errorf("write %s: %w", n.path, err)
	}
	return nil
}

// abort removes the partial file unless close succeeded.
func (n *ndjsonFile) abort() {
	if !n.done {
		n.f.Close()
		os.Remove(n.f.Name())
	}
}

func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writePrivate(path, append(data, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
