package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/internal/progress"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

const (
	upsertSynopsis = "concord upsert --config concord.yaml [--model model.json] [--source NAME] [--delete] [--rejects FILE] INPUT… (- for stdin)"
	entitySynopsis = "concord entity --config concord.yaml ENTITY   (an entity id, or a record as SOURCE/ID: its entity)"
	recordSynopsis = "concord record --config concord.yaml SOURCE ID"
)

func runUpsert(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "upsert", upsertSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml); its store: names the store (default concord.db beside it)")
	modelPath := fs.String("model", "", "model.json from concord resolve; needed once, the store keeps it")
	sourceName := fs.String("source", "", "the source the inputs belong to (default: the source whose path is the input, or the only source)")
	del := fs.Bool("delete", false, "delete the inputs' records (by id) instead of upserting them")
	rejectsPath := fs.String("rejects", "", "append rejected rows and values here (default rejects.ndjson beside the store)")
	sync := fs.Bool("sync", false, "wait for the disk on every commit, so an acknowledged record also survives power loss")
	logger := logFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cfgPath == "" || fs.NArg() == 0 {
		return &usageError{msg: "--config and at least one INPUT are required", hint: upsertSynopsis}
	}
	log, err := logger()
	if err != nil {
		return err
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	// Each input belongs to one source: settle it before the store loads.
	srcs := make([][]config.Source, fs.NArg())
	for i, in := range fs.Args() {
		if srcs[i], err = inputSource(cfg, in, *sourceName); err != nil {
			return err
		}
	}
	db, lv, err := openWriter(ctx, env, cfg, *modelPath, log, storeOptions{sync: *sync})
	if err != nil {
		return err
	}
	defer db.Close()
	// The sources again, as the model reads them (engine.ReadAsModel):
	// a field it reads as another feature is renamed, or gone.
	for i, in := range fs.Args() {
		if srcs[i], err = inputSource(cfg, in, *sourceName); err != nil {
			return err
		}
	}
	rp := *rejectsPath
	if rp == "" {
		rp = filepath.Join(storeDir(cfg), "rejects.ndjson")
	}
	rf, err := openPrivate(rp, os.O_CREATE|os.O_APPEND|os.O_WRONLY)
	if err != nil {
		return err
	}
	defer rf.Close()
	rejects := json.NewEncoder(rf)
	rejects.SetEscapeHTML(false)
	out := bufio.NewWriter(env.Stdout)
	acks := json.NewEncoder(out)
	acks.SetEscapeHTML(false)
	bar := progress.New(stderrFile(env), "upsert")
	var n, rowRejects, valueRejects int64
	reject := func(r engine.Reject) error {
		if err := rejects.Encode(r); err != nil {
			return fmt.Errorf("write %s: %w", rp, err)
		}
		return nil
	}
	for i, in := range fs.Args() {
		parts := srcs[i]
		rd, size, closeIn, err := openInput(ctx, env, in, parts, cfg.Limits.RowBytes, *del)
		if err != nil {
			return err
		}
		st, err := lv.Stream(ctx, rd, live.StreamOptions{Source: parts[0], Parts: parts[1:], Limits: cfg.Limits, Delete: *del, File: in, Reject: reject,
			Committed: func(chs []live.Change) error {
				// Committed: acknowledge.
				for _, ch := range chs {
					if err := acks.Encode(ch); err != nil {
						return err
					}
				}
				n += int64(len(chs))
				bar.Update(n, rd.read(), size)
				return out.Flush()
			}})
		closeIn()
		rowRejects += st.RowRejects
		valueRejects += st.ValueRejects
		if err != nil {
			return err
		}
	}
	bar.Done()
	verb := "upserted"
	if *del {
		verb = "deleted"
	}
	fmt.Fprintf(env.Stderr, "%d records %s; %d rows and %d values rejected (see %s)\n", n, verb, rowRejects, valueRejects, rp)
	return nil
}

// progressReader is an ingest.Reader with the bytes read so far.
type progressReader struct {
	*ingest.Reader
	read func() int64
}

// openInput opens an INPUT ("-" for stdin) as a reader of the records of
// parts (a source, or a source and its groups' sources). The format
// follows the input's extension, else the source's. A delete reads only
// the id column, and names a record of every part.
func openInput(ctx context.Context, env Env, in string, parts []config.Source, maxRow int, idOnly bool) (progressReader, int64, func(), error) {
	opt := engine.RowOptions(parts)
	opt.MaxRowBytes = maxRow
	opt.File = in
	set := func(o *ingest.Options) {
		if idOnly {
			o.Fields, o.SkipEmpty, o.Relations = nil, false, nil
		}
		switch ext := strings.ToLower(strings.TrimSuffix(in, ".gz")); {
		case strings.HasSuffix(ext, ".ndjson"), strings.HasSuffix(ext, ".jsonl"):
			o.Format = ingest.FormatNDJSON
		case strings.HasSuffix(ext, ".csv"), strings.HasSuffix(ext, ".tsv"):
			o.Format = ingest.FormatCSV
		case strings.HasSuffix(ext, ".xml"):
			o.Format = ingest.FormatXML
		case strings.HasSuffix(ext, ".parquet"):
			o.Format = ingest.FormatParquet
		case strings.HasSuffix(ext, ".xlsx"), strings.HasSuffix(ext, ".xlsm"):
			o.Format = ingest.FormatXLSX
		}
	}
	set(&opt)
	for i := range opt.Parts {
		set(&opt.Parts[i])
	}
	if in == "-" {
		opt.File, opt.Stream = "stdin", true
		for i := range opt.Parts {
			opt.Parts[i].Stream = true
		}
		rd, err := ingest.Open(ingest.ContextReader(ctx, env.Stdin), opt)
		if err != nil {
			return progressReader{}, 0, nil, err
		}
		return progressReader{rd, func() int64 { return 0 }}, 0, func() {}, nil
	}
	f, err := ingest.OpenFile(ctx, in, opt)
	if err != nil {
		return progressReader{}, 0, nil, err
	}
	_, size := f.Progress()
	return progressReader{f.Reader, func() int64 { r, _ := f.Progress(); return r }}, size, func() { f.Close() }, nil
}

// inputSource picks the source an input belongs to, and returns the
// sources its rows make records of (config.Config.Parts).
func inputSource(cfg *config.Config, in, name string) ([]config.Source, error) {
	feeds := config.Feeds(cfg.Sources)
	names := config.Inputs(feeds)
	if name != "" {
		if parts, ok := feeds[name]; ok {
			return parts, nil
		}
		return nil, &usageError{msg: fmt.Sprintf("--source %q is not in the config; sources: %s", name, strings.Join(names, ", ")), hint: upsertSynopsis}
	}
	if abs, err := filepath.Abs(in); err == nil && in != "-" {
		for _, s := range cfg.Sources {
			p, err := filepath.Abs(cfg.SourcePath(s))
			if err != nil {
				continue
			}
			if matched, _ := filepath.Match(p, abs); p == abs || config.IsPattern(s.Path) && matched {
				if s.Of != "" {
					return feeds[s.Of], nil
				}
				return feeds[s.Name], nil
			}
		}
	}
	if len(names) == 1 {
		return feeds[names[0]], nil
	}
	return nil, &usageError{msg: fmt.Sprintf("which source is %s? give --source (one of %s)", in, strings.Join(names, ", ")), hint: upsertSynopsis}
}

func runEntity(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "entity", entitySynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cfgPath == "" || fs.NArg() != 1 {
		return &usageError{msg: "--config and one entity ID are required", hint: entitySynopsis}
	}
	return withLive(ctx, env, *cfgPath, true, func(l *live.Live) error {
		id, err := entityArg(ctx, fs.Arg(0), entitySynopsis, liveEntity(l))
		if err != nil {
			return err
		}
		v, err := l.Entity(ctx, id, access.Everything)
		if err != nil {
			return entityNotFound(err, fs.Arg(0))
		}
		return printJSON(env.Stdout, v)
	})
}

func runRecord(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "record", recordSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cfgPath == "" || fs.NArg() != 2 {
		return &usageError{msg: "--config, a SOURCE and a record ID are required", hint: recordSynopsis}
	}
	return withLive(ctx, env, *cfgPath, true, func(l *live.Live) error {
		r, err := l.Record(ctx, record.Key{Source: fs.Arg(0), ID: fs.Arg(1)}, access.Everything)
		if err != nil {
			return err
		}
		return printJSON(env.Stdout, r)
	})
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
