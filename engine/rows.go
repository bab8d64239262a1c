package engine

import (
	"bytes"
	"errors"
	"io"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/record"
)

// MappedRow is a row given as a JSON object (an API request, a Kafka
// message) read into a record, as a line of its source's file would be.
type MappedRow struct {
	Index  int // the row's position in the rows given
	Record record.Record
	// Kept lists the values that could not be normalised: the record is
	// kept without them.
	Kept []RowProblem
}

// RowProblem is why a row, or one value of it, was not taken.
type RowProblem struct {
	Index         int
	Field, Reason string
}

// MapRows reads rows of one source, each a JSON object of the source's
// columns, into records, mapped and normalised as a file of the source
// is: parts are the sources whose records its rows make
// (config.Config.Parts), and a row may make one record of each. A row
// that cannot be read is a reject (Index, Field, Reason); a value that
// cannot be normalised is left out of its record, which is kept. file
// names where the rows came from in messages. Records come in row order;
// the error is for what no row caused (never for a row's content).
func MapRows(parts []config.Source, limits config.Limits, file string, rows [][]byte) ([]MappedRow, []RowProblem, error) {
	var buf bytes.Buffer
	for _, r := range rows {
		buf.Write(r)
		buf.WriteByte('\n')
	}
	if len(parts) == 0 {
		return nil, nil, errors.New("map rows: no source")
	}
	rd, err := ingest.Open(&buf, JSONRowOptions(parts, file, limits.RowBytes))
	if err != nil {
		return nil, nil, err
	}
	norms := map[string]*Normalizer{}
	for _, p := range parts {
		norms[p.Name] = NewNormalizer(p, limits)
	}
	var out []MappedRow
	var rejects []RowProblem
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, rejects, nil
		}
		var re *ingest.RowError
		if errors.As(err, &re) {
			rejects = append(rejects, RowProblem{Index: re.Line - 1, Field: re.Field, Reason: re.Reason})
			continue
		}
		unread, kept := KeptOut(err)
		if err != nil && !kept {
			return nil, nil, err
		}
		m := MappedRow{Index: rec.Line - 1}
		for _, p := range append(unread, norms[rec.Key.Source].Record(&rec)...) {
			m.Kept = append(m.Kept, RowProblem{Index: m.Index, Field: p.Field, Reason: "value kept out: " + p.Reason})
		}
		m.Record = rec
		out = append(out, m)
	}
}
