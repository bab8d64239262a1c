package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/internal/progress"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// A decisions file holds a team's verdicts on pairs of records, as people
// write them in a spreadsheet: the review queue as CSV (concord review
// --csv, or a batch run's review.csv) with its verdict column filled in.

// Bounds of a decisions file.
const (
	maxDecisionBytes  = 64 << 20  // read of a file
	maxDecisionRows   = 1_000_000 // rows of a file
	maxDecisionErrors = 20        // bad rows named, before the count of the rest
)

// decisionColumns are the columns a decisions file must name; comment may
// be named too, and other columns (a queue's probability, reason, …) are
// left alone.
var decisionColumns = []string{"source_a", "record_id_a", "source_b", "record_id_b", "verdict"}

// fileDecision is a decision read from a file, and the line it is on.
type fileDecision struct {
	record.Decision
	line int
}

// readDecisionFile reads a decisions file, named name in errors: CSV,
// separated by commas, semicolons or tabs (as the header is: a
// spreadsheet of a European locale writes semicolons), whose header names
// decisionColumns in any order and any case. A row's verdict is same,
// different or unsure, in any case; a row without one is left in review
// and counted in left. A row's comment, or comment where it has none,
// goes with its decision; reviewer decides them all. The same pair twice
// is decided once, or is an error where its verdicts differ. Every row is
// read before any decision is returned: each bad row — a record that
// stored does not report, a comment live.CheckReviewer refuses — is named
// by line and field, up to maxDecisionErrors of them, and none is
// returned.
func readDecisionFile(r io.Reader, name, reviewer, comment string, stored func(record.Key) (bool, error)) (ds []fileDecision, left int, err error) {
	lr := &io.LimitedReader{R: r, N: maxDecisionBytes + 1}
	br := bufio.NewReaderSize(lr, 64<<10)
	comma, err := sniffComma(br)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, fmt.Errorf("%s: empty file: want a header with %s", name, strings.Join(decisionColumns, ", "))
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	var missing []string
	for _, c := range decisionColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, 0, fmt.Errorf("%s:1: the header has no column %s: want %s (a verdict of same, different or unsure per row, or none to leave it in review)",
			name, strings.Join(missing, ", "), strings.Join(decisionColumns, ", "))
	}
	commentCol, hasComment := col["comment"]
	var bad []string
	nbad := 0
	fail := func(line int, field, msg string) {
		if nbad++; len(bad) < maxDecisionErrors {
			bad = append(bad, fmt.Sprintf("%s:%d: %s: %s", name, line, field, msg))
		}
	}
	seen := map[record.Pair]int{} // index in ds of each pair decided
	for rows := 0; ; rows++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0) // only of a row read whole: a bad one may have no field 0
		if rows == maxDecisionRows {
			return nil, 0, fmt.Errorf("%s:%d: more than %d rows: split the file", name, line, maxDecisionRows)
		}
		field := func(c string) string {
			if i := col[c]; i < len(row) {
				return row[i]
			}
			return ""
		}
		verdict := record.Verdict(strings.ToLower(strings.TrimSpace(field("verdict"))))
		if verdict == "" {
			left++
			continue
		}
		if !verdict.Valid() {
			fail(line, "verdict", fmt.Sprintf("%q: want same, different or unsure (or nothing, to leave the pair in review)", field("verdict")))
			continue
		}
		d := fileDecision{Decision: record.Decision{
			A:       record.Key{Source: field("source_a"), ID: field("record_id_a")},
			B:       record.Key{Source: field("source_b"), ID: field("record_id_b")},
			Verdict: verdict, Reviewer: reviewer, Comment: comment,
		}, line: line}
		if hasComment && commentCol < len(row) && strings.TrimSpace(row[commentCol]) != "" {
			d.Comment = row[commentCol]
		}
		if f, msg := checkKeys(d.A, d.B); msg != "" {
			fail(line, f, msg)
			continue
		}
		if err := live.CheckReviewer(reviewer, d.Comment); err != nil {
			fail(line, "comment", err.Error())
			continue
		}
		found := true
		for i, k := range []record.Key{d.A, d.B} {
			ok, err := stored(k)
			if err != nil {
				return nil, 0, err
			}
			if !ok {
				fail(line, []string{"record_id_a", "record_id_b"}[i], fmt.Sprintf("record %s is not in the store", k))
				found = false
			}
		}
		if !found {
			continue
		}
		p := record.NewPair(d.A, d.B)
		if i, ok := seen[p]; ok {
			if ds[i].Verdict != d.Verdict {
				fail(line, "verdict", fmt.Sprintf("%s for %s and %s, decided %s at line %d", d.Verdict, d.A, d.B, ds[i].Verdict, ds[i].line))
			}
			continue
		}
		seen[p] = len(ds)
		ds = append(ds, d)
	}
	if lr.N <= 0 {
		return nil, 0, fmt.Errorf("%s: larger than %d MiB: split the file", name, maxDecisionBytes>>20)
	}
	if nbad > 0 {
		if nbad > len(bad) {
			bad = append(bad, fmt.Sprintf("and %d more rows", nbad-len(bad)))
		}
		return nil, 0, fmt.Errorf("%d rows of %s cannot be decided; nothing was decided:\n%s", nbad, name, strings.Join(bad, "\n"))
	}
	return ds, left, nil
}

// checkKeys returns what is wrong with a pair's keys, and in which
// field, or "" twice.
func checkKeys(a, b record.Key) (field, msg string) {
	switch {
	case a.Source == "":
		return "source_a", "empty"
	case a.ID == "":
		return "record_id_a", "empty"
	case b.Source == "":
		return "source_b", "empty"
	case b.ID == "":
		return "record_id_b", "empty"
	case a == b:
		return "record_id_b", fmt.Sprintf("%s and itself", a)
	}
	return "", ""
}

// sniffComma returns the separator of a CSV file by its first line (its
// first 64 KiB at most): the commonest of comma, semicolon and tab (a
// comma where there is none).
func sniffComma(br *bufio.Reader) (rune, error) {
	first, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, err
	}
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	comma, most := ',', bytes.Count(first, []byte{','})
	for _, c := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte{byte(c)}); n > most {
			comma, most = c, n
		}
	}
	return comma, nil
}

// printQueueCSV lists the queue as review.csv's columns and empty verdict
// and comment columns: a file to fill in and decide with --decide-file.
func printQueueCSV(env Env, q []record.Review) error {
	w := csv.NewWriter(env.Stdout)
	if err := w.Write(append(slices.Clone(reviewColumns), "verdict", "comment")); err != nil {
		return err
	}
	for _, r := range q {
		if err := w.Write(append(reviewRow(r.A, r.B, model.Probability(r.Weight), r.Weight, r.Reason, r.Rule), "", "")); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// decidedFile is what concord review --decide-file prints.
type decidedFile struct {
	File     string                 `json:"file"`
	Decided  int                    `json:"decided"`
	Verdicts map[record.Verdict]int `json:"verdicts"`
	Left     int                    `json:"left_in_review"` // rows without a verdict
	// Audit is the sequence numbers of the first and last decisions'
	// audit entries.
	Audit [2]int64 `json:"audit"`
}

// decideFromFile takes the decisions of a file (readDecisionFile, gzipped
// or not) once every row is checked, its records in the store too: in
// transactions of
// live.MaxDecisions, each all or none, so that a store that fails midway
// leaves the decisions of the transactions before, and the error says
// how many.
func decideFromFile(ctx context.Context, env Env, l *live.Live, path, reviewer, comment string) error {
	if err := live.CheckReviewer(reviewer, comment); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := ingest.Decompress(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ds, left, err := readDecisionFile(r, path, reviewer, comment, func(k record.Key) (bool, error) {
		_, err := l.Record(ctx, k, access.Everything)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return err
	}
	out := decidedFile{File: path, Verdicts: map[record.Verdict]int{}, Left: left}
	bar := progress.New(stderrFile(env), "decide")
	for batch := range slices.Chunk(ds, live.MaxDecisions) {
		decisions := make([]record.Decision, len(batch))
		for i, d := range batch {
			decisions[i] = d.Decision
		}
		chs, err := l.DecideAll(ctx, decisions)
		if err != nil {
			return fmt.Errorf("%s: the decisions from line %d: %w (the %d before them are decided)", path, batch[0].line, err, out.Decided)
		}
		for i, ch := range chs {
			if out.Decided == 0 {
				out.Audit[0] = ch.Audit
			}
			out.Audit[1] = ch.Audit
			out.Decided++
			out.Verdicts[decisions[i].Verdict]++
		}
		bar.Update(int64(out.Decided), int64(out.Decided), int64(len(ds)))
	}
	bar.Done()
	return printJSON(env.Stdout, out)
}
