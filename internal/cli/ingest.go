package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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

// recordOut is a record as written to records.ndjson.
type recordOut struct {
	Source   string                `json:"source"`
	ID       string                `json:"id"`
	Line     int                   `json:"line"`
	Label    string                `json:"label,omitempty"`
	Features map[string]featureOut `json:"features"`
}

type featureOut struct {
	Kind   record.Kind `json:"kind"`
	Raw    []string    `json:"raw"`
	Values []valueOut  `json:"values"`
}

type valueOut struct {
	Norm   string            `json:"norm"`
	Facets map[string]string `json:"facets,omitempty"`
}

func recordJSON(r record.Record) recordOut {
	o := recordOut{Source: r.Key.Source, ID: r.Key.ID, Line: r.Line, Label: r.Label, Features: map[string]featureOut{}}
	for _, f := range r.Features {
		if len(f.Raw) == 0 {
			continue
		}
		fo := featureOut{Kind: f.Kind, Raw: f.Raw, Values: []valueOut{}}
		for _, v := range f.Values {
			fo.Values = append(fo.Values, valueOut{Norm: v.Norm, Facets: v.Facets.Map()})
		}
		o.Features[f.Name] = fo
	}
	return o
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
