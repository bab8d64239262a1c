package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// upsert maps rows to records by their sources' config, as files of those
// sources would be read, and applies them in one transaction. A row that
// cannot be read, or a value that cannot be normalised, is a reject (the
// record of a value reject is kept without that value).
func (s *Server) upsert(ctx context.Context, rows []uploadRow) ([]changeBody, []uploadError, error) {
	var rejects []uploadError
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
		src, index := s.sources[name], bySource[name]
		var buf bytes.Buffer
		for _, i := range index {
			line, err := json.Marshal(rows[i].Row)
			if err != nil {
				return nil, nil, fmt.Errorf("row %d: %w", i, err)
			}
			buf.Write(line)
			buf.WriteByte('\n')
		}
		opt := engine.IngestOptions(src)
		opt.Format, opt.Encoding, opt.Stream, opt.File = ingest.FormatNDJSON, "utf-8", true, "request"
		opt.MaxRowBytes = s.opt.Limits.RowBytes
		rd, err := ingest.Open(&buf, opt)
		if err != nil {
			return nil, nil, err
		}
		norm := engine.NewNormalizer(src, s.opt.Limits)
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var re *ingest.RowError
			if errors.As(err, &re) {
				rejects = append(rejects, uploadError{Index: index[re.Line-1], Field: re.Field, Reason: re.Reason})
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			i := index[rec.Line-1]
			for _, p := range norm.Record(&rec) {
				rejects = append(rejects, uploadError{Index: i, Field: p.Field, Reason: "value kept out: " + p.Reason})
			}
			recs = append(recs, rowRecord{i, rec})
		}
	}
	slices.SortFunc(recs, func(a, b rowRecord) int { return a.index - b.index })
	for _, r := range recs {
		ops = append(ops, live.Op{Record: r.rec})
	}
	slices.SortStableFunc(rejects, func(a, b uploadError) int { return a.Index - b.Index })
	if len(ops) == 0 {
		return nil, rejects, nil
	}
	chs, err := s.l.Apply(ctx, ops)
	if err != nil {
		return nil, rejects, err
	}
	out := make([]changeBody, len(chs))
	for i, ch := range chs {
		out[i] = changeOf(ch)
	}
	return out, rejects, nil
}

func sortStrings(s []string) { sort.Strings(s) }
