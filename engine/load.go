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
	"runtime"
	"slices"
	"strings"
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

// Options configure a run. The zero value is usable: no logging, no
// progress, every core.
type Options struct {
	Logger   *slog.Logger
	Progress Progress
	Workers  int // goroutines normalising and comparing; 0 = every core
	// KeepLearned reads dates in the orders of day and month the
	// config's fields hold (config.Field.DateOrder), finding none in the
	// data (a run with a model given).
	KeepLearned bool
	// namesLater leaves the warning of sources that share no name feature
	// (unsharedNames) to the caller: Resolve reads fields as others
	// first (learnAliases).
	namesLater bool
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

// namePartsWarnings warns of each source that maps names to several
// fields typed name (not aliases), one of which holds a single word in
// onePartShare of its records or more where another source holds whole
// names: a given name and a surname mapped apart, compared as names of
// their own, and neither with the other source's whole name (the
// UK-style set so mapped 0.8676 → 0.8245), that training did not read
// as one name (learnNameJoins). Sources that all map the parts alike
// (Febrl's given name and surname) are not.
func namePartsWarnings(cfg *config.Config, stats []SourceStats) []string {
	fields := map[string]map[string]FieldStats{}
	for _, st := range stats {
		fields[st.Name] = st.Fields
	}
	oneWord := func(fs FieldStats) float64 { return float64(fs.OneWord) / float64(max(fs.Present, 1)) }
	// whole reports whether a source other than skip holds whole names,
	// under whatever feature name.
	whole := func(skip string) bool {
		for _, src := range cfg.Sources {
			if src.Name == skip {
				continue
			}
			for _, f := range src.Fields {
				if fs := fields[src.Name][f.Name]; f.Type.IsName() && f.AliasOf == "" && fs.Present >= minInvalidWarned && oneWord(fs) < 1-onePartShare {
					return true
				}
			}
		}
		return false
	}
	var out []string
	for _, src := range cfg.Sources {
		var names, columns []string
		part := ""
		for _, f := range src.Fields {
			if f.Type != record.KindName || f.AliasOf != "" {
				continue
			}
			names = append(names, f.Name)
			columns = append(columns, f.Column)
			if fs := fields[src.Name][f.Name]; part == "" && fs.Present >= minInvalidWarned && oneWord(fs) >= onePartShare && whole(src.Name) {
				part = fmt.Sprintf("%s holds one word in %d of its %d records, where other sources hold whole names", f.Name, fs.OneWord, fs.Present)
			}
		}
		if len(names) < 2 || part == "" || slices.Contains(columns, "") {
			continue
		}
		out = append(out, fmt.Sprintf("source %s (%s): fields %s are typed name, and %s: if they are parts of one name (a given name, a surname), map them as one field, name: {columns: [%s], type: name}; mapped apart, each is compared as a name of its own, and no whole name of another source meets them",
			src.Name, src.Path, strings.Join(names, ", "), part, strings.Join(columns, ", ")))
	}
	return out
}

// onePartShare is the share of a name field's records holding one word
// from which namePartsWarnings takes it for a part of a name, and one
// less than which it takes another source's for whole names.
const onePartShare = 0.8

// KeptOut returns, when err is an *ingest.FieldErrors (a record read with
// fields whose keys hold objects, not values), those fields' value
// rejects, and true: the record Next returned with err is kept.
func KeptOut(err error) ([]Reject, bool) {
	if err == nil {
		return nil, false // before fe, which escapes: no allocation for a record read well
	}
	var fe *ingest.FieldErrors
	if !errors.As(err, &fe) {
		return nil, false
	}
	out := make([]Reject, len(fe.Fields))
	for i, f := range fe.Fields {
		out[i] = Reject{Scope: ScopeValue, Source: fe.Source, File: fe.File, Line: fe.Line, RecordID: fe.RecordID,
			Field: f.Field, Reason: f.Reason, Raw: f.Raw}
	}
	return out, true
}

// SourceStats counts what happened to one source.
type SourceStats struct {
	Name string `json:"name"`
	File string `json:"file"`
	// Files are the files a source whose path is a pattern read (the
	// first maxListedFiles of them), and FileCount their number.
	Files          []string `json:"files,omitempty"`
	FileCount      int      `json:"file_count,omitempty"`
	Rows           int64    `json:"rows"`            // data rows read
	Records        int64    `json:"records"`         // rows that became records
	RejectedRows   int64    `json:"rejected_rows"`   // rows written to rejects
	RejectedValues int64    `json:"rejected_values"` // values written to rejects
	// EmptyRows are rows of a group's source (registry.officer) whose
	// group fields were all empty: no record of the group, no reject.
	EmptyRows int64 `json:"empty_rows,omitempty"`
	// Relations counts the relationships its records state.
	Relations int64                 `json:"relations,omitempty"`
	Fields    map[string]FieldStats `json:"fields"`
	Bytes     int64                 `json:"bytes"`
	Seconds   float64               `json:"seconds"`
	// Warnings are problems with the file beyond single rows (a rejected
	// row that spans many lines).
	Warnings []string `json:"warnings,omitempty"`
}

// maxListedFiles bounds the files of a source summary.json names.
const maxListedFiles = 1000

// FieldStats counts the values of one feature of one source.
type FieldStats struct {
	Present  int64 `json:"present"`  // records with at least one usable value
	Values   int64 `json:"values"`   // usable values
	Rejected int64 `json:"rejected"` // values that could not be normalised
	// DateOrder is the order of day and month the field's dates were
	// read in where both orders read one, found in the source's first
	// rows (dateOrders): "day_first", "month_first", or "" for none;
	// DayFirst and MonthFirst count the dates there that only one
	// order reads, when they were counted.
	DateOrder  string `json:"date_order,omitempty"`
	DayFirst   int64  `json:"day_first_only,omitempty"`
	MonthFirst int64  `json:"month_first_only,omitempty"`
	// ReadAs is "party" for a field typed name read as party names, as
	// the source's first rows showed (firstRows): of Counted records with
	// a name there, Organisations had an organisation's.
	ReadAs        string `json:"read_as,omitempty"`
	Counted       int64  `json:"counted,omitempty"`
	Organisations int64  `json:"organisations,omitempty"`
	// OneWord counts, of a name field, the records whose first name is a
	// single word (namePartsWarnings).
	OneWord int64 `json:"one_word,omitempty"`
}

// LoadStats summarises a Load.
type LoadStats struct {
	Sources        []SourceStats `json:"sources"`
	Rows           int64         `json:"rows"`
	Records        int64         `json:"records"`
	RejectedRows   int64         `json:"rejected_rows"`
	RejectedValues int64         `json:"rejected_values"`
	Seconds        float64       `json:"seconds"`
	// Warnings gather the sources' warnings, each naming its source.
	Warnings []string `json:"warnings,omitempty"`
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
	held := false // a source read whole into memory is kept open for its turn
	for i, src := range cfg.Sources {
		f, err := openSource(ctx, cfg, src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, size := f.Progress()
		total += size
		if f.InMemory() {
			// Read whole into memory when opened (a workbook, a gzipped
			// Parquet file): the first such source is kept for its turn,
			// each later one opened again at its own, after the first is
			// read and closed, so that one is in memory at a time.
			if held {
				f.Close()
				continue
			}
			held = true
		}
		files[i] = f
	}
	if err := errors.Join(errs...); err != nil {
		return LoadStats{}, err
	}
	stats := LoadStats{}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, MaxWorkers())
	var doneBytes, records int64
	for i, src := range cfg.Sources {
		if files[i] == nil {
			f, err := openSource(ctx, cfg, src)
			if err != nil {
				return stats, err
			}
			files[i] = f
		}
		st, err := loadSource(ctx, files[i], src, cfg.Limits, !opt.KeepLearned, emit, reject, func(n int64) {
			records += n
			if opt.Progress != nil {
				read, _ := files[i].Progress()
				opt.Progress.Update(records, doneBytes+read, total)
			}
		}, workers)
		if err != nil {
			return stats, err
		}
		doneBytes += st.Bytes
		st.Warnings = append(files[i].Warnings(), st.Warnings...)
		files[i].Close()
		files[i] = nil // what it holds (a Parquet file, a workbook) may go
		for _, w := range st.Warnings {
			stats.Warnings = append(stats.Warnings, fmt.Sprintf("source %s (%s): %s", src.Name, src.Path, w))
		}
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
	if !opt.namesLater {
		stats.Warnings = append(stats.Warnings, unsharedNames(cfg)...)
	}
	stats.Warnings = append(stats.Warnings, namePartsWarnings(cfg, stats.Sources)...)
	stats.Seconds = time.Since(start).Seconds()
	return stats, nil
}

// unsharedNames reports each pair of sources that both hold names of the
// same kind of party (people's, or organisations') but share no name
// feature: features are compared by their name, so their records would
// never be compared by name, and only an identifier, a phone or an
// address could bring them together. (Different names for different
// parties, as a filing's company and its officer, are meant: a pair that
// shares one name feature is not reported.)
func unsharedNames(cfg *config.Config) []string {
	type held struct {
		names        []string
		people, orgs bool // the kinds of party its names may be
	}
	srcs := make([]held, len(cfg.Sources))
	for i, src := range cfg.Sources {
		h := &srcs[i]
		for _, f := range src.Fields {
			if !f.Type.IsName() || f.AliasOf != "" {
				continue
			}
			h.names = append(h.names, f.Name)
			h.people = h.people || f.Type != record.KindOrgName
			h.orgs = h.orgs || f.Type != record.KindName
		}
		switch src.Kind.Fixed {
		case record.EntityPerson:
			h.orgs = false
		case record.EntityOrganization:
			h.people = false
		}
	}
	var out []string
	for i, a := range srcs {
		for j := i + 1; j < len(srcs); j++ {
			b := srcs[j]
			if !(a.people && b.people || a.orgs && b.orgs) || slices.ContainsFunc(a.names, func(n string) bool { return slices.Contains(b.names, n) }) {
				continue
			}
			out = append(out, fmt.Sprintf("sources %s (%s) and %s (%s) both hold names but share no name feature, so their records are never compared by name: features are compared by their name; give the same party's name one feature name in both",
				cfg.Sources[i].Name, strings.Join(a.names, ", "), cfg.Sources[j].Name, strings.Join(b.names, ", ")))
		}
	}
	return out
}

// openSource opens src's files as Load reads them (its rows bounded by
// cfg's limits). Close it when done.
func openSource(ctx context.Context, cfg *config.Config, src config.Source) (*ingest.File, error) {
	opt := ingestOptions(src)
	opt.MaxRowBytes = cfg.Limits.RowBytes
	paths, names, err := cfg.SourceFiles(src)
	if err != nil {
		return nil, err
	}
	return ingest.OpenFiles(ctx, paths, names, opt)
}

// IngestOptions returns the ingest options that read src's files.
func IngestOptions(src config.Source) ingest.Options { return ingestOptions(src) }

// JSONRowOptions returns RowOptions(parts) for rows given as NDJSON over
// time (an upload, a stream): named file in messages, each bounded by
// maxRow bytes.
func JSONRowOptions(parts []config.Source, file string, maxRow int) ingest.Options {
	opt := RowOptions(parts)
	opt.File, opt.MaxRowBytes = file, maxRow
	opt.Format, opt.Encoding, opt.Stream = ingest.FormatNDJSON, "utf-8", true
	for i := range opt.Parts {
		opt.Parts[i].Format, opt.Parts[i].Encoding, opt.Parts[i].Stream = ingest.FormatNDJSON, "utf-8", true
	}
	return opt
}

// RowOptions returns the ingest options that read rows into the records
// of every source in parts (config.Config.Parts: a source and its
// groups' sources) at once, each row read once.
func RowOptions(parts []config.Source) ingest.Options {
	opt := ingestOptions(parts[0])
	for _, p := range parts[1:] {
		opt.Parts = append(opt.Parts, ingestOptions(p))
	}
	return opt
}

func ingestOptions(src config.Source) ingest.Options {
	opt := ingest.Options{Source: src.Name, File: src.Path, Format: src.Format, ID: src.ID, AllowSpecial: src.AllowSpecial,
		Label: src.Label, Delimiter: src.Delimiter, Encoding: src.Encoding, Records: src.Records, Sheet: src.Sheet, Header: src.Header, Widths: src.Widths,
		Kind: src.Kind.Fixed, KindColumn: src.Kind.Column, KindValues: src.Kind.Values, SkipEmpty: src.Of != ""}
	for _, r := range src.Relations {
		opt.Relations = append(opt.Relations, ingest.Relation{Type: r.Type, To: r.To, Column: r.Column, Split: r.Split, Attributes: r.Attributes})
	}
	for _, f := range src.Fields {
		fd := ingest.Field{Name: f.Name, Kind: src.ReadKind(f), Column: f.Column, Columns: f.Columns, Split: f.Split}
		if len(f.Columns) > 1 {
			kind := fd.Kind
			fd.Missing = func(cell string) bool { return normalize.Placeholder(kind, strings.TrimSpace(cell)) != "" }
		}
		for _, a := range f.Also {
			fd.Also = append(fd.Also, ingest.Alias{Column: a.Column, Split: a.Split})
		}
		opt.Fields = append(opt.Fields, fd)
	}
	return opt
}

// batchSize is how many rows a normalisation worker takes at a time.
const batchSize = 1024

// item is one row of a batch: a record, or a row that was rejected.
type item struct {
	rec      record.Record
	file     string   // the file rec was read from, as rejects name it
	reject   *Reject  // set for a rejected row
	rejects  []Reject // values of rec that could not be read or normalised
	unread   int      // the first unread of rejects are fields that could not be read (KeptOut)
	kindRead bool     // a record of a source of people read as another kind by its party name (inferKind)
	// orgNamed has bit i set when feature i, typed name (people's
	// names), holds a value that reads as an organisation's name.
	orgNamed uint64
}

type batch struct {
	items []item
	done  chan struct{}
}

// loadSource reads one source. One goroutine reads rows; workers normalise
// batches of them; the results are emitted in file order, so the output is
// the same whatever the number of workers.
func loadSource(ctx context.Context, f *ingest.File, src config.Source, limits config.Limits, learn bool, emit func(record.Record) error,
	reject func(Reject) error, progress func(int64), workers int) (SourceStats, error) {
	start := time.Now()
	st := SourceStats{Name: src.Name, File: src.Path, Fields: map[string]FieldStats{}}
	orgNamed := map[string]int64{}  // by field: records whose people's name reads as an organisation's
	ambiguous := map[string]int64{} // by field: values rejected as ambiguous
	invalid := map[string]int64{}   // by field: values rejected as invalid
	serials := map[string]int64{}   // by field: of those, values that read as a spreadsheet's serial dates
	unread := map[string]int64{}    // by field: rows whose key held objects (KeptOut)
	people := declaresPeople(src)   // inferKind
	var orgsRead, noneRead int64    // records of a source of people read as organisations', of no kind
	unreadReason := map[string]string{}
	var firstRowReject *Reject
	var duplicates int64 // rows rejected as another's id
	var firstDuplicate *Reject
	opts := FieldOptions(src, limits)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var readErr error
	end := false // the last batch was read
	next := func() *batch {
		b := &batch{done: make(chan struct{})}
		for len(b.items) < batchSize {
			rec, err := f.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err == nil {
				b.items = append(b.items, item{rec: rec, file: f.Name()})
				continue
			}
			if kept, ok := KeptOut(err); ok {
				b.items = append(b.items, item{rec: rec, file: f.Name(), rejects: kept, unread: len(kept)})
				continue
			}
			var re *ingest.RowError // here, not above: it escapes, and a row read well allocates none
			if errors.As(err, &re) {
				b.items = append(b.items, item{reject: &Reject{Scope: ScopeRow, Source: re.Source, File: re.File,
					Line: re.Line, RecordID: re.RecordID, Field: re.Field, Reason: re.Reason, Raw: re.Raw}})
				continue
			}
			readErr = fmt.Errorf("source %s: %w", src.Name, err)
			break
		}
		end = len(b.items) < batchSize || readErr != nil
		return b
	}
	// The first rows, read before the others are, may show how to read
	// fields the config leaves open (firstRows); kinds[i], when set, is
	// the kind field i's values are read as.
	kinds := make([]record.Kind, len(src.Fields))
	var first []*batch
	if learn {
		first = firstRows(src, opts, kinds, st.Fields, next, &end)
	}
	learnt := 0 // the rows that showed it
	for _, b := range first {
		learnt += len(b.items)
	}

	todo := make(chan *batch, 2*workers)    // to the workers
	ordered := make(chan *batch, 4*workers) // to the collector, in file order

	// The reader: the first batches, then the rest of the file.
	go func() {
		defer close(todo)
		defer close(ordered)
		for {
			var b *batch
			switch {
			case len(first) > 0:
				b, first = first[0], first[1:]
			case end:
				return
			default:
				b = next()
			}
			if len(b.items) == 0 {
				return
			}
			select {
			case ordered <- b:
			case <-ctx.Done():
				return
			}
			select {
			case todo <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			cache := newValueCache(len(src.Fields), true)
			for b := range todo {
				for k := range b.items {
					it := &b.items[k]
					if it.reject != nil {
						continue
					}
					for i := range it.rec.Features {
						if i < len(kinds) && kinds[i] != "" {
							it.rec.Features[i].Kind = kinds[i]
						}
						var problems []Reject
						var orgNamed bool
						it.rec.Features[i].Values, problems, orgNamed = cache.normalize(i, &it.rec.Features[i], opts[i])
						it.rejects = append(it.rejects, problems...)
						if orgNamed && i < 64 {
							it.orgNamed |= 1 << i
						}
					}
					it.kindRead = inferKind(&it.rec, people)
				}
				close(b.done)
			}
		}()
	}
	for b := range ordered {
		select {
		case <-b.done:
		case <-ctx.Done():
			return st, ctx.Err()
		}
		var n int64
		for k := range b.items {
			it := &b.items[k]
			st.Rows++
			if it.reject != nil {
				st.RejectedRows++
				if firstRowReject == nil {
					firstRowReject = it.reject
				}
				if strings.HasPrefix(it.reject.Reason, ingest.DuplicateID) {
					duplicates++
					if firstDuplicate == nil {
						firstDuplicate = it.reject
					}
				}
				if err := reject(*it.reject); err != nil {
					return st, err
				}
				continue
			}
			rec := it.rec
			for j, p := range it.rejects {
				if j < it.unread {
					if unread[p.Field] == 0 {
						unreadReason[p.Field] = p.Reason
					}
					unread[p.Field]++
				}
				p.Source, p.File, p.Line, p.RecordID = src.Name, it.file, rec.Line, rec.Key.ID
				if err := reject(p); err != nil {
					return st, err
				}
				fs := st.Fields[p.Field]
				fs.Rejected++
				st.Fields[p.Field] = fs
				switch {
				case strings.HasPrefix(p.Reason, ambiguousReason):
					ambiguous[p.Field]++
				case strings.HasPrefix(p.Reason, invalidReason):
					invalid[p.Field]++
					if normalize.SerialDate(p.Raw) {
						serials[p.Field]++
					}
				}
			}
			st.RejectedValues += int64(len(it.rejects))
			switch {
			case !it.kindRead:
			case it.rec.Kind == record.EntityOrganization:
				orgsRead++
			default:
				noneRead++
			}
			for i, feat := range rec.Features {
				if it.orgNamed&(1<<i) != 0 {
					orgNamed[feat.Name]++
				}
				fs := st.Fields[feat.Name]
				if len(feat.Values) > 0 && len(feat.Values[0].Tokens) == 1 && feat.Kind.IsName() {
					fs.OneWord++
				}
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
			st.Relations += int64(len(rec.Relations))
			n++
		}
		progress(n)
	}
	if readErr != nil {
		return st, readErr
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	st.Bytes, _ = f.Progress()
	st.EmptyRows = f.Skipped()
	if names := f.Names(); len(names) > 1 || names[0] != src.Path {
		st.Files, st.FileCount = names[:min(len(names), maxListedFiles)], len(names)
	}
	st.Seconds = time.Since(start).Seconds()
	if orgsRead+noneRead > 0 {
		st.Warnings = append(st.Warnings, fmt.Sprintf("the source declares its records people's (kind: person), but %d of them have names, typed party, that read as an organisation's (a legal form, or a word such as inversiones or trading), and %d names that say neither (nothing in them says a person's or a company's): they are read so, as organisations and of no kind, as in a source that declares none; a source that holds both declares no kind, or a kind column, and one of people alone types its names name", orgsRead, noneRead))
	}
	// Half of a source's rows or more rejected: a mapping that does not
	// fit the file (an id column of another, a file of another layout),
	// rarely rows gone bad one by one. The rejects say why, row by row.
	// Rows that repeat an earlier row's id, a hundredth of the rows or
	// more (ten at least): a file written a row per account or per
	// address under one customer's id, whose other rows' values are lost.
	if r := firstDuplicate; r != nil && duplicates >= minInvalidWarned && 100*duplicates >= st.Rows && 2*st.RejectedRows < st.Rows {
		st.Warnings = append(st.Warnings, fmt.Sprintf("%d of its %d rows repeat an earlier row's id (the first, line %d: %s) and were rejected, their values with them: a file written a row per account or per address under one id? map as id a column that is one row's alone",
			duplicates, st.Rows, r.Line, r.Reason))
	}
	if r := firstRowReject; r != nil && st.RejectedRows >= minInvalidWarned && 2*st.RejectedRows >= st.Rows {
		where := ""
		if r.Field != "" {
			where = ", field " + r.Field
		}
		st.Warnings = append(st.Warnings, fmt.Sprintf("%d of its %d rows were rejected (the first, line %d%s: %s): check the source's mapping against the file",
			st.RejectedRows, st.Rows, r.Line, where, r.Reason))
	}
	for _, f := range src.Fields {
		if order, ok := normalize.DateOrderNamed(st.Fields[f.Name].DateOrder); ok {
			shown, other := order.Shown(st.Fields[f.Name].DayFirst, st.Fields[f.Name].MonthFirst)
			st.Warnings = append(st.Warnings, fmt.Sprintf("field %s: dates both orders of day and month read (03/08/1999) are read %s, as %d of its dates in the first %d rows can only be read so (%d only the other way); declare its formats to read them otherwise",
				f.Name, order.Words(), shown, learnt, other))
		}
		// Values rejected as ambiguous, ambiguousShare of the field's or
		// more: dates whose day and month could be either, in no declared
		// format and no order the data shows, and phones written without
		// a country code in a field that declares no region, or, half of
		// them or more, no valid number of the region it declares. Neither
		// is guessed.
		if n, fs := ambiguous[f.Name], st.Fields[f.Name]; n > 0 && float64(n) >= ambiguousShare*float64(fs.Present+fs.Rejected) {
			switch {
			case f.Type == record.KindDate:
				st.Warnings = append(st.Warnings, fmt.Sprintf("field %s: %d dates were rejected as ambiguous (day and month both 12 or less, in no format the field declares): declare its formats, DD/MM/YYYY or MM/DD/YYYY, to read them", f.Name, n))
			case f.Type == record.KindPhone && f.Region == "":
				st.Warnings = append(st.Warnings, fmt.Sprintf("field %s: %d numbers were rejected as written without a country code (0212-1234567) in a field that declares no region: declare its region, the country whose numbers the source writes without one (region: GB, say), to read them", f.Name, n))
			case f.Type == record.KindPhone && 2*n >= fs.Present+fs.Rejected:
				// Half or more: a region of the wrong country, or numbers
				// written without their area code (seven digits), not a
				// few numbers of no allocated range.
				st.Warnings = append(st.Warnings, fmt.Sprintf("field %s: %d numbers written without a country code were rejected as no valid number of its region %s (numbers of another country, or cut short: without an area code): check the region, the country whose numbers the source writes without one", f.Name, n, f.Region))
			}
		}
		// Half of a field's values or more rejected as no value of its
		// type (ages in a date of birth's column, names in an e-mail's):
		// a column or a type mapped wrongly. The rejects say why, value
		// by value; a warning names no value.
		if n, fs := invalid[f.Name], st.Fields[f.Name]; n >= minInvalidWarned && 2*n >= fs.Present+fs.Rejected {
			if f.Type == record.KindDate && 2*serials[f.Name] >= n {
				// Most of them whole numbers a spreadsheet writes for
				// dates: a column exported from cells formatted as numbers.
				st.Warnings = append(st.Warnings, fmt.Sprintf("field %s: %d of its %d values were rejected as no valid date, %d of them whole numbers such as a spreadsheet writes for a date (29221 for 1 January 1980): declare formats: [excel] to read them so", f.Name, n, fs.Present+fs.Rejected, serials[f.Name]))
			} else {
				st.Warnings = append(st.Warnings, fmt.Sprintf("field %s: %d of its %d values were rejected as no valid %s (the rejects file says why, value by value): check that its column and type are the ones meant", f.Name, n, fs.Present+fs.Rejected, f.Type))
			}
		}
		// Rows whose key held objects where the field wants values:
		// kept without it, each a value reject; the reason names the
		// objects' keys and a path that reads one.
		if n := unread[f.Name]; n > 0 {
			st.Warnings = append(st.Warnings, fmt.Sprintf("field %s: %d rows were kept without it, as its key holds no values there: %s", f.Name, n, unreadReason[f.Name]))
		}
		n, present := orgNamed[f.Name], st.Fields[f.Name].Present
		if f.Type != record.KindName || n < minOrgNamed || float64(n) < orgNamedShare*float64(present) {
			continue
		}
		done := "they are parsed and compared as people's names, and a record of no declared kind is taken for a person; a column that holds both is typed party"
		switch {
		case src.ReadKind(f) == record.KindParty && !f.ReadAsParty:
			done = "as the source declares no kind, its names are read as party names and those records taken for organisations; type the field party to say so"
		case st.Fields[f.Name].ReadAs == string(record.KindParty) || f.ReadAsParty:
			done = "as its first rows held as many (or the model found so), its names are read as party names (those records taken for organisations where the source declares no kind); type the field party to say so"
		}
		st.Warnings = append(st.Warnings, fmt.Sprintf("field %s is typed name (people's names), but %d of the %d records with one read as an organisation's (a legal form, or a word such as inversiones or trading): %s", f.Name, n, present, done))
	}
	return st, nil
}

// What a source's first rows show of how to read the rest (firstRows): of
// a date field that declares no formats, the order of day and month of
// its dates; of a field typed name, in a source that does not declare
// its records people's, that it holds organisations' names.
//
// A date both orders of day and month read (03/08/1999) is read in the
// order the source's other dates show (normalize.DateOrderOf): of the
// field's dates in the first learnRows rows, at least orderEvidence that
// only day first reads (17/06/2005) and at most one in orderNoise as many
// that only month first does (a row written the other way), or the
// reverse. Otherwise such a date stays ambiguous: rejected, and warned
// of, never guessed.
//
// A field typed name whose names there are organisations' (a legal form,
// an organisation's word: normalize.IsOrgName) in minOrgNamed records and
// orgNamedShare of those with one, or more, is read as party names: a
// list's aliases beside its names, typed name, of companies too; a
// customer file's one name typed name, whose kind column marks its
// companies' rows (the record keeps the kind its column gives); a
// register's company typed name beside its officer's.
const (
	learnRows     = 50000
	orderEvidence = 20
	orderNoise    = 50
)

// firstRows reads, with next, the first batches of src's rows (up to
// learnRows, or all when end is set first) when src has fields whose
// reading they may settle, sets in opts and kinds what they show (an
// order of day and month, party names), notes it in fields, and returns
// the batches, to be normalised first.
func firstRows(src config.Source, opts []normalize.Options, kinds []record.Kind, fields map[string]FieldStats, next func() *batch, end *bool) []*batch {
	// A source of no kind, of kinds a column gives, or of organisations
	// may hold organisations' names in a field typed name.
	mixed := src.Kind.Fixed != record.EntityPerson
	var dates, names []int // the fields whose reading the data may settle
	for i, fd := range src.Fields {
		switch {
		case fd.Type == record.KindDate && len(fd.Formats) == 0 && opts[i].DateOrder == normalize.OrderUnknown:
			dates = append(dates, i)
		case mixed && src.ReadKind(fd) == record.KindName:
			names = append(names, i)
		}
	}
	if len(dates) == 0 && len(names) == 0 {
		return nil
	}
	var first []*batch
	for rows := 0; rows < learnRows && !*end; {
		b := next()
		first, rows = append(first, b), rows+len(b.items)
	}
	each := func(i int, fn func(raw []string)) {
		for _, b := range first {
			for k := range b.items {
				if it := &b.items[k]; it.reject == nil && i < len(it.rec.Features) && len(it.rec.Features[i].Raw) > 0 {
					fn(it.rec.Features[i].Raw)
				}
			}
		}
	}
	for _, i := range dates {
		var shown [3]int64 // by normalize.DateOrder
		each(i, func(raw []string) {
			for _, r := range raw {
				shown[normalize.DateOrderOf(r)]++
			}
		})
		day, month := shown[normalize.DayFirst], shown[normalize.MonthFirst]
		if day == 0 && month == 0 {
			continue
		}
		fs := fields[src.Fields[i].Name]
		fs.DayFirst, fs.MonthFirst = day, month
		switch {
		case day >= orderEvidence && month*orderNoise <= day:
			opts[i].DateOrder = normalize.DayFirst
		case month >= orderEvidence && day*orderNoise <= month:
			opts[i].DateOrder = normalize.MonthFirst
		}
		fs.DateOrder = opts[i].DateOrder.String()
		fields[src.Fields[i].Name] = fs
	}
	for _, i := range names {
		var named, orgs int64
		each(i, func(raw []string) {
			named++
			if slices.ContainsFunc(raw, normalize.IsOrgName) {
				orgs++
			}
		})
		if orgs >= minOrgNamed && float64(orgs) >= orgNamedShare*float64(named) {
			kinds[i] = record.KindParty
			fs := fields[src.Fields[i].Name]
			fs.ReadAs, fs.Counted, fs.Organisations = string(record.KindParty), named, orgs
			fields[src.Fields[i].Name] = fs
		}
	}
	return first
}

// invalidReason begins the reason of a value rejected as no value of its
// field's type; a field of which half the values or more, and at least
// minInvalidWarned, were is warned of.
var invalidReason = normalize.ErrInvalid.Error()

const minInvalidWarned = 10

// ambiguousReason begins the reason of a value rejected as ambiguous; a
// date field, or a phone field that declares no region, is warned of when
// at least ambiguousShare of its values were (a phone field that declares
// one, when half of them were).
var ambiguousReason = normalize.ErrAmbiguous.Error()

const ambiguousShare = 0.01

// A field typed name is reported as holding organisations' names when at
// least minOrgNamed records, and orgNamedShare of those with a value, have
// one that reads as an organisation's: a few people named like a company
// ("Banco", "Holding") are not a mistyped column.
const (
	minOrgNamed   = 10
	orgNamedShare = 0.02
)

// valueCache remembers the normalised values of raw values, per field: a
// value that repeats (a town, a date, a given name) is normalised once and
// its records share one copy of it. Each field keeps at most cacheMax
// entries.
type valueCache struct {
	fields []map[string]cached
	// orgNamed asks normalize to tell people's names that read as an
	// organisation's (Load reports them; real-time upserts do not ask).
	orgNamed bool
}

type cached struct {
	// vals are the raw value's values, one per part (normalize.Parts:
	// a name and its alias written in one cell, two phone numbers), as a
	// slice shared by the records that have only them.
	vals []record.Value
	bad  []badPart // parts that could not be normalised
	// orgNamed is set for a value typed name (a person's) that reads as
	// an organisation's name.
	orgNamed bool
}

// badPart is a part of a raw value that could not be normalised.
type badPart struct {
	raw string
	err error
}

const cacheMax = 1 << 16

func newValueCache(fields int, orgNamed bool) *valueCache {
	c := &valueCache{fields: make([]map[string]cached, fields), orgNamed: orgNamed}
	for i := range c.fields {
		c.fields[i] = map[string]cached{}
	}
	return c
}

// normalize normalises every raw value of feature i, dropping duplicates.
// Values that cannot be normalised are returned as rejects.
// When the cache was made to, it also reports whether a value typed name
// reads as an organisation's name (see loadSource).
func (c *valueCache) normalize(i int, feat *record.Feature, opt normalize.Options) ([]record.Value, []Reject, bool) {
	var vals []record.Value
	var rejects []Reject
	orgNamed := false
	m := c.fields[i]
	for _, raw := range feat.Raw {
		e, ok := m[raw]
		if !ok {
			e = c.values(feat.Kind, raw, opt)
			if len(m) < cacheMax {
				m[raw] = e
			}
		}
		for _, b := range e.bad {
			rejects = append(rejects, Reject{Scope: ScopeValue, Field: feat.Name, Reason: b.err.Error(), Raw: b.raw})
		}
		orgNamed = orgNamed || e.orgNamed
		if len(feat.Raw) == 1 && len(e.bad) == 0 {
			return e.vals, nil, orgNamed // shared: values are never modified after normalisation
		}
		for _, v := range e.vals {
			if !slices.ContainsFunc(vals, func(x record.Value) bool { return x.Norm == v.Norm }) {
				vals = append(vals, v)
			}
		}
	}
	return vals, rejects, orgNamed
}

// values normalises raw as a cell (normalize.ReadCell), dropping
// duplicates.
func (c *valueCache) values(kind record.Kind, raw string, opt normalize.Options) cached {
	var e cached
	normalize.ReadCell(kind, raw, opt, func(part, spelling string, v record.Value) {
		if !slices.ContainsFunc(e.vals, func(x record.Value) bool { return x.Norm == v.Norm }) {
			e.vals = append(e.vals, v)
		}
		if spelling == "" {
			e.orgNamed = e.orgNamed || c.orgNamed && (kind == record.KindName && normalize.IsOrgName(part) ||
				kind == record.KindParty && v.Facet("party") == string(record.EntityOrganization))
		}
	}, func(part string, err error) { e.bad = append(e.bad, badPart{part, err}) })
	return e
}

// Normalizer normalises records of one source one at a time, as Load does
// for whole files: for real-time upserts.
type Normalizer struct {
	src   config.Source
	opts  []normalize.Options
	cache *valueCache
}

// NewNormalizer returns a Normalizer for src, whose values limits bound.
func NewNormalizer(src config.Source, limits config.Limits) *Normalizer {
	return &Normalizer{src: src, opts: FieldOptions(src, limits), cache: newValueCache(len(src.Fields), false)}
}

// FieldOptions returns the normalisation options of each field of src,
// in its order, as Load reads the source's values: declared formats and
// region (an xlsx source's dates also as serial dates), the order of day
// and month a model learned, limits.
func FieldOptions(src config.Source, limits config.Limits) []normalize.Options {
	opts := make([]normalize.Options, len(src.Fields))
	for i, fd := range src.Fields {
		order, _ := normalize.DateOrderNamed(fd.DateOrder)
		formats := fd.Formats
		if src.Format == config.FormatXLSX && fd.Type == record.KindDate {
			// A workbook's date cells hold serial dates, whatever
			// format Excel shows them in.
			formats = append(slices.Clip(formats), normalize.ExcelCellLayout)
		}
		opts[i] = normalize.Options{DateFormats: formats, DateOrder: order, Region: fd.Region, MaxBytes: limits.ValueBytes[fd.Type]}
	}
	return opts
}

// Record fills in the values of a record read from the source (its
// features in the source's field order, as ingest yields them) and returns
// the raw values that could not be normalised.
func (n *Normalizer) Record(rec *record.Record) []Reject {
	var rejects []Reject
	for i := range rec.Features {
		if i >= len(n.opts) {
			break
		}
		var problems []Reject
		rec.Features[i].Values, problems, _ = n.cache.normalize(i, &rec.Features[i], n.opts[i])
		for _, p := range problems {
			p.Source, p.File, p.Line, p.RecordID = n.src.Name, n.src.Path, rec.Line, rec.Key.ID
			rejects = append(rejects, p)
		}
	}
	inferKind(rec, declaresPeople(n.src))
	return rejects
}

// inferKind gives a record whose source declares no kind (and whose kind
// column, if any, gave none) the kind its names tell: the kind its first
// party name reads as (a legal form or an organisation word makes an
// organisation's, anything else a person's: a payment party named like
// the officer after whom a company is named is that person, not the
// company); without a party name, the kind of its first name: an
// organisation's (a filing's company, before its officer's name) or a
// person's (a customer, before an employer's).
//
// A source declared people's (kind: person, declaredPerson) that types a
// name party says its column holds companies too: a record of it with no
// name typed name takes the kind its first party name reads as, as a
// record of a source of no kind does (an organisation's, or none when the
// name says neither: AKZO NOBEL), and inferKind reports that it overrode
// the declared kind (Load warns of them). A kind column's kind is the
// row's own and stays.
func inferKind(rec *record.Record, declaredPerson bool) (overrode bool) {
	if rec.Kind == record.EntityPerson && declaredPerson {
		if k, ok := partyKind(rec); ok && k != record.EntityPerson {
			rec.Kind = k
			return true
		}
	}
	if rec.Kind != record.EntityUnknown {
		return false
	}
	first := record.EntityUnknown
	for _, f := range rec.Features {
		if len(f.Values) == 0 {
			continue
		}
		switch {
		case f.Kind == record.KindParty:
			rec.Kind = record.EntityKind(f.Values[0].Facet("party"))
			return
		case f.Kind == record.KindName && first == record.EntityUnknown:
			first = record.EntityPerson
		case f.Kind == record.KindOrgName && first == record.EntityUnknown:
			first = record.EntityOrganization
		}
	}
	rec.Kind = first
	return false
}

// partyKind returns the kind rec's first party name reads as, and
// whether it has one and no name typed name (a person's record with an
// employer typed party is a person's still).
func partyKind(rec *record.Record) (record.EntityKind, bool) {
	kind, found := record.EntityUnknown, false
	for _, f := range rec.Features {
		switch {
		case len(f.Values) == 0:
		case f.Kind == record.KindName:
			return record.EntityPerson, false
		case f.Kind == record.KindParty && !found:
			kind, found = record.EntityKind(f.Values[0].Facet("party")), true
		}
	}
	return kind, found
}

// declaresPeople reports whether src declares every record of it a
// person's (kind: person, not a column).
func declaresPeople(src config.Source) bool {
	return src.Kind.Column == "" && src.Kind.Fixed == record.EntityPerson
}
