// Package engine runs Concord's stages over the packages below it: the Go
// API behind every CLI command. This file holds the first stage: reading
// every source of a config and normalising its records.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// Log attribute keys.
const (
	LogKeySource = "source"
	LogKeyStage  = "stage"
)

// Progress receives progress reports; internal/progress draws them on a
// terminal. Implementations must be cheap: Update is called often.
type Progress interface {
	Update(records, bytesDone, bytesTotal int64)
	Done()
}

// Options configure a run. The zero value is usable: no logging, no progress.
type Options struct {
	Logger   *slog.Logger
	Progress Progress
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// Reject is one line of rejects.ndjson: a row that could not be read
// (Scope "row"), or a value that could not be normalised (Scope "value";
// the record is kept without that value).
type Reject struct {
	Scope    string `json:"scope"`
	Source   string `json:"source"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	RecordID string `json:"record_id,omitempty"`
	Field    string `json:"field,omitempty"`
	Reason   string `json:"reason"`
	Raw      string `json:"raw"` // the whole row for row rejects, the value for value rejects
}

// Reject scopes.
const (
	ScopeRow   = "row"
	ScopeValue = "value"
)

// SourceStats counts what happened to one source.
type SourceStats struct {
	Name           string                `json:"name"`
	File           string                `json:"file"`
	Rows           int64                 `json:"rows"`            // data rows read
	Records        int64                 `json:"records"`         // rows that became records
	RejectedRows   int64                 `json:"rejected_rows"`   // rows written to rejects
	RejectedValues int64                 `json:"rejected_values"` // values written to rejects
	Fields         map[string]FieldStats `json:"fields"`
	Bytes          int64                 `json:"bytes"`
	Seconds        float64               `json:"seconds"`
}

// FieldStats counts the values of one feature of one source.
type FieldStats struct {
	Present  int64 `json:"present"`  // records with at least one usable value
	Values   int64 `json:"values"`   // usable values
	Rejected int64 `json:"rejected"` // values that could not be normalised
}

// LoadStats summarises a Load.
type LoadStats struct {
	Sources        []SourceStats `json:"sources"`
	Rows           int64         `json:"rows"`
	Records        int64         `json:"records"`
	RejectedRows   int64         `json:"rejected_rows"`
	RejectedValues int64         `json:"rejected_values"`
	Seconds        float64       `json:"seconds"`
}

// Load reads every source of cfg, normalises each record and passes it to
// emit, in source order then file order. Bad rows and unusable values go to
// reject; the run continues. Every source is opened and its mapping checked
// before any row is read, so a mapping error stops the run before any work.
// An error from emit or reject stops the run and is returned.
func Load(ctx context.Context, cfg *config.Config, emit func(record.Record) error, reject func(Reject) error, opt Options) (LoadStats, error) {
	log := opt.logger().With(LogKeyStage, "load")
	start := time.Now()
	files := make([]*ingest.File, len(cfg.Sources))
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	var errs []error
	var total int64
	for i, src := range cfg.Sources {
		f, err := ingest.OpenFile(cfg.SourcePath(src), ingestOptions(src))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files[i] = f
		_, size := f.Progress()
		total += size
	}
	if err := errors.Join(errs...); err != nil {
		return LoadStats{}, err
	}
	stats := LoadStats{}
	var doneBytes, records int64
	for i, src := range cfg.Sources {
		st, err := loadSource(ctx, files[i], src, emit, reject, func(n int64) {
			records += n
			if opt.Progress != nil {
				read, _ := files[i].Progress()
				opt.Progress.Update(records, doneBytes+read, total)
			}
		})
		if err != nil {
			return stats, err
		}
		doneBytes += st.Bytes
		log.Info("source loaded", LogKeySource, src.Name, "rows", st.Rows, "records", st.Records,
			"rejected_rows", st.RejectedRows, "rejected_values", st.RejectedValues)
		stats.Sources = append(stats.Sources, st)
		stats.Rows += st.Rows
		stats.Records += st.Records
		stats.RejectedRows += st.RejectedRows
		stats.RejectedValues += st.RejectedValues
	}
	if opt.Progress != nil {
		opt.Progress.Done()
	}
	stats.Seconds = time.Since(start).Seconds()
	return stats, nil
}

func ingestOptions(src config.Source) ingest.Options {
	opt := ingest.Options{Source: src.Name, File: src.Path, Format: src.Format, ID: src.ID,
		Label: src.Label, Delimiter: src.Delimiter, Encoding: src.Encoding}
	for _, f := range src.Fields {
		opt.Fields = append(opt.Fields, ingest.Field{Name: f.Name, Kind: f.Type, Column: f.Column, Columns: f.Columns, Split: f.Split})
	}
	return opt
}

// progressEvery is how many rows pass between progress reports.
const progressEvery = 4096

func loadSource(ctx context.Context, f *ingest.File, src config.Source, emit func(record.Record) error,
	reject func(Reject) error, progress func(int64)) (SourceStats, error) {
	start := time.Now()
	st := SourceStats{Name: src.Name, File: src.Path, Fields: map[string]FieldStats{}}
	opts := make([]normalize.Options, len(src.Fields))
	for i, fd := range src.Fields {
		opts[i] = normalize.Options{DateFormats: fd.Formats, Region: fd.Region}
	}
	var pending int64
	for {
		if st.Rows%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			progress(pending)
			pending = 0
		}
		rec, err := f.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *ingest.RowError
		if errors.As(err, &re) {
			st.Rows++
			st.RejectedRows++
			if err := reject(Reject{Scope: ScopeRow, Source: re.Source, File: re.File, Line: re.Line,
				RecordID: re.RecordID, Field: re.Field, Reason: re.Reason, Raw: re.Raw}); err != nil {
				return st, err
			}
			continue
		}
		if err != nil {
			return st, fmt.Errorf("source %s: %w", src.Name, err)
		}
		st.Rows++
		for i := range rec.Features {
			feat := &rec.Features[i]
			fs := st.Fields[feat.Name]
			var problems []Reject
			feat.Values, problems = normalizeFeature(feat, opts[i])
			for _, p := range problems {
				p.Source, p.File, p.Line, p.RecordID = src.Name, src.Path, rec.Line, rec.Key.ID
				if err := reject(p); err != nil {
					return st, err
				}
			}
			fs.Rejected += int64(len(problems))
			st.RejectedValues += int64(len(problems))
			fs.Values += int64(len(feat.Values))
			if len(feat.Values) > 0 {
				fs.Present++
			}
			st.Fields[feat.Name] = fs
		}
		if err := emit(rec); err != nil {
			return st, err
		}
		st.Records++
		pending++
	}
	progress(pending)
	st.Bytes, _ = f.Progress()
	st.Seconds = time.Since(start).Seconds()
	return st, nil
}

// normalizeFeature normalises every raw value of a feature, dropping
// duplicates. Values that cannot be normalised are returned as rejects.
func normalizeFeature(feat *record.Feature, opt normalize.Options) ([]record.Value, []Reject) {
	var vals []record.Value
	var rejects []Reject
	for _, raw := range feat.Raw {
		v, err := normalize.Value(feat.Kind, raw, opt)
		if err != nil {
			rejects = append(rejects, Reject{Scope: ScopeValue, Field: feat.Name, Reason: err.Error(), Raw: raw})
			continue
		}
		if !slices.ContainsFunc(vals, func(x record.Value) bool { return x.Norm == v.Norm }) {
			vals = append(vals, v)
		}
	}
	return vals, rejects
}
