package server

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"

	"github.com/danielgtaylor/huma/v2"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// upsert maps rows to records by their sources' config, as files of those
// sources would be read, and applies them in one transaction. A row that
// cannot be read, or a value that cannot be normalised, is a reject (the
// record of a value reject is kept without that value).
func (s *Server) upsert(ctx context.Context, v access.View, rows []uploadRow) ([]changeBody, []uploadError, error) {
	var rejects []uploadError
	var kept []engine.Reject // rejects for the store (live.KeepRejects)
	var ops []live.Op
	// Rows of one source are read together, line i+1 being row index[i].
	bySource := map[string][]int{}
	for i, r := range rows {
		bySource[r.Source] = append(bySource[r.Source], i)
	}
	names := make([]string, 0, len(bySource))
	for n := range bySource {
		names = append(names, n)
	}
	sort.Strings(names)
	type rowRecord struct {
		index int
		rec   record.Record
	}
	var recs []rowRecord
	for _, name := range names {
		parts, index := s.feeds[name], bySource[name]
		lines := make([][]byte, len(index))
		for j, i := range index {
			lines[j] = rows[i].Row.bytes()
		}
		mapped, bad, err := engine.MapRows(parts, s.opt.Limits, "request", lines)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range bad {
			rejects = append(rejects, uploadError{Index: index[p.Index], Field: p.Field, Reason: p.Reason})
			kept = append(kept, engine.Reject{Scope: engine.ScopeRow, Source: name, File: "request", Line: index[p.Index] + 1,
				Field: p.Field, Reason: p.Reason, Raw: string(lines[p.Index])})
		}
		for _, m := range mapped {
			for _, p := range m.Kept {
				rejects = append(rejects, uploadError{Index: index[p.Index], Field: p.Field, Reason: p.Reason})
				kept = append(kept, engine.Reject{Scope: engine.ScopeValue, Source: name, File: "request", Line: index[p.Index] + 1,
					RecordID: m.Record.Key.ID, Field: p.Field, Reason: p.Reason})
			}
			recs = append(recs, rowRecord{index[m.Index], m.Record})
		}
	}
	slices.SortFunc(recs, func(a, b rowRecord) int { return a.index - b.index })
	for _, r := range recs {
		ops = append(ops, live.Op{Record: r.rec})
	}
	slices.SortStableFunc(rejects, func(a, b uploadError) int { return a.Index - b.Index })
	var chs []live.Change
	if len(ops) > 0 {
		var err error
		if chs, err = s.l.Apply(ctx, ops); err != nil {
			return nil, rejects, err
		}
	}
	if err := s.l.KeepRejects(ctx, kept); err != nil {
		return nil, rejects, err
	}
	out := make([]changeBody, len(chs))
	for i, ch := range chs {
		out[i] = changeOf(ch, v)
	}
	return out, rejects, nil
}

func sortStrings(s []string) { sort.Strings(s) }

// rowObject is a row's columns as the request wrote them: the bytes of
// its JSON object, which engine.MapRows reads as it reads a line of the
// source's NDJSON file, so that numbers keep their digits. (Decoded into
// a map and encoded again, as rows were, an identifier of 20 digits came
// back with a float's 17: 12345678901234567890 as 12345678901234567000.)
type rowObject []byte

// UnmarshalJSON keeps the object's bytes: huma has checked the body
// against the schema (an object) before.
func (r *rowObject) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

// MarshalJSON writes the object kept.
func (r rowObject) MarshalJSON() ([]byte, error) { return r.bytes(), nil }

// Schema is an object of any columns.
func (rowObject) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeObject, AdditionalProperties: &huma.Schema{}}
}

// bytes returns the object, {} when there is none.
func (r rowObject) bytes() []byte {
	if len(r) == 0 {
		return []byte("{}")
	}
	return r
}

// with returns the row with column set to value, every other column as
// it was written (numbers with all their digits).
func (r rowObject) with(column, value string) (rowObject, error) {
	dec := json.NewDecoder(bytes.NewReader(r.bytes()))
	dec.UseNumber()
	var cols map[string]any
	if err := dec.Decode(&cols); err != nil {
		return nil, err
	}
	if cols == nil {
		cols = map[string]any{}
	}
	cols[column] = value
	return json.Marshal(cols)
}
