// Package reviewfile writes the review queue as a CSV file for people to
// fill in, as in a spreadsheet (a verdict and a comment per pair), and
// reads their verdicts back from such a file, every row checked before
// any is taken.
package reviewfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// Columns are the columns of review.csv, a batch run's queue; Write adds
// verdict and comment.
var Columns = []string{"source_a", "record_id_a", "source_b", "record_id_b", "probability", "match_weight", "reason", "match_key"}

// Row is a pair's row of review.csv. Its text (the keys, which come from
// the sources and may be anything, the reason and the rule) is written as
// text (asText): a reviewer opens the file in a spreadsheet.
func Row(a, b record.Key, probability, weight float64, reason, rule string) []string {
	return []string{asText(a.Source), asText(a.ID), asText(b.Source), asText(b.ID),
		strconv.FormatFloat(probability, 'f', 6, 64), strconv.FormatFloat(weight, 'f', 3, 64), asText(reason), asText(rule)}
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula.
const formulaStart = "=+-@\t\r"

// asText writes a cell of text (a record's id comes from its source, and
// may be anything) so that a spreadsheet reads it as text, not as a
// formula (=HYPERLINK(…) in a payment's reference): behind a quote, which
// Read takes off again.
func asText(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// fromText undoes asText.
func fromText(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStart, s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// Write writes pairs of the review queue as CSV to fill in: Columns, then
// empty verdict and comment columns. Given doubt, the record each pair
// holds in doubt (as many as pairs, the pairs of a record together), a
// first column record_in_doubt holds it. A text cell that a spreadsheet
// would read as a formula is written behind a quote (asText).
func Write(w io.Writer, pairs []record.Review, doubt []record.Key) error {
	if doubt != nil && len(doubt) != len(pairs) {
		return fmt.Errorf("reviewfile: %d records in doubt for %d pairs", len(doubt), len(pairs))
	}
	cw := csv.NewWriter(w)
	header := append(slices.Clone(Columns), "verdict", "comment")
	if doubt != nil {
		header = append([]string{"record_in_doubt"}, header...)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i, r := range pairs {
		row := append(Row(r.A, r.B, model.Probability(r.Weight), r.Weight, r.Reason, r.Rule), "", "")
		if doubt != nil {
			row = append([]string{asText(doubt[i].String())}, row...)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Bounds of a file of verdicts.
const (
	MaxBytes  = 64 << 20  // read of a file
	MaxRows   = 1_000_000 // rows of a file
	MaxErrors = 20        // bad rows named, before the count of the rest
)

// verdictColumns are the columns a file of verdicts must name; comment
// may be named too, and other columns (a queue's probability, reason, …)
// are left alone.
var verdictColumns = []string{"source_a", "record_id_a", "source_b", "record_id_b", "verdict"}

// Decision is a decision read from a file, and the line it is on.
type Decision struct {
	record.Decision
	Line int
}

// Decisions returns the decisions of ds, without their lines.
func Decisions(ds []Decision) []record.Decision {
	out := make([]record.Decision, len(ds))
	for i, d := range ds {
		out[i] = d.Decision
	}
	return out
}

// BadFile is the error of a file that cannot be read, or of rows that
// cannot be decided: the file's fault, as its message says. Other errors
// of Read are Options.Stored's.
type BadFile struct{ msg string }

func (e *BadFile) Error() string { return e.msg }

func badFile(format string, args ...any) error {
	return &BadFile{msg: fmt.Sprintf(format, args...)}
}

// Options say who decides the rows of a file and how to check them.
type Options struct {
	Reviewer string
	// Comment goes with the decisions of rows that have none of their own.
	Comment string
	// Stored reports whether a record is there to decide about (for a
	// reader, one its view shows: a record it may not see is not there).
	Stored func(record.Key) (bool, error)
	// CheckText refuses a reviewer's name or a comment (live.CheckReviewer).
	CheckText func(reviewer, comment string) error
}

// Read reads a file of verdicts, named name in errors: CSV, separated by
// commas, semicolons or tabs (as the header is: a spreadsheet of a
// European locale writes semicolons), whose header names source_a,
// record_id_a, source_b, record_id_b and verdict in any order and any case
// (other columns, as Write's, are left alone; a key behind the quote Write
// puts before a formula's first character is read without it). A row's
// verdict is same,
// different or unsure, in any case; a row without one is left in review
// and counted in left. A row's comment, or Options.Comment where it has
// none, goes with its decision. The same pair twice is decided once, or is
// an error where its verdicts differ. Every row is read before any
// decision is returned: each bad row — a verdict unknown, a key empty, a
// record not Stored, a comment CheckText refuses — is named by line and
// field, up to MaxErrors of them, and none is returned. The file's faults
// are a *BadFile.
func Read(r io.Reader, name string, opt Options) (ds []Decision, left int, err error) {
	lr := &io.LimitedReader{R: r, N: MaxBytes + 1}
	br := bufio.NewReaderSize(lr, 64<<10)
	comma, err := sniffComma(br)
	if err != nil {
		return nil, 0, badFile("%s: %v", name, err)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, badFile("%s: empty file: want a header with %s", name, strings.Join(verdictColumns, ", "))
	}
	if err != nil {
		return nil, 0, badFile("%s: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	var missing []string
	for _, c := range verdictColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, 0, badFile("%s:1: the header has no column %s: want %s (a verdict of same, different or unsure per row, or none to leave it in review)",
			name, strings.Join(missing, ", "), strings.Join(verdictColumns, ", "))
	}
	commentCol, hasComment := col["comment"]
	var bad []string
	nbad := 0
	fail := func(line int, field, msg string) {
		if nbad++; len(bad) < MaxErrors {
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
			return nil, 0, badFile("%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0) // only of a row read whole: a bad one may have no field 0
		if rows == MaxRows {
			return nil, 0, badFile("%s:%d: more than %d rows: split the file", name, line, MaxRows)
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
		d := Decision{Decision: record.Decision{
			A:       record.Key{Source: fromText(field("source_a")), ID: fromText(field("record_id_a"))},
			B:       record.Key{Source: fromText(field("source_b")), ID: fromText(field("record_id_b"))},
			Verdict: verdict, Reviewer: opt.Reviewer, Comment: opt.Comment,
		}, Line: line}
		if hasComment && commentCol < len(row) && strings.TrimSpace(row[commentCol]) != "" {
			d.Comment = row[commentCol]
		}
		if f, msg := checkKeys(d.A, d.B); msg != "" {
			fail(line, f, msg)
			continue
		}
		if err := opt.CheckText(opt.Reviewer, d.Comment); err != nil {
			fail(line, "comment", err.Error())
			continue
		}
		found := true
		for i, k := range []record.Key{d.A, d.B} {
			ok, err := opt.Stored(k)
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
				fail(line, "verdict", fmt.Sprintf("%s for %s and %s, decided %s at line %d", d.Verdict, d.A, d.B, ds[i].Verdict, ds[i].Line))
			}
			continue
		}
		seen[p] = len(ds)
		ds = append(ds, d)
	}
	if lr.N <= 0 {
		return nil, 0, badFile("%s: larger than %d MiB: split the file", name, MaxBytes>>20)
	}
	if nbad > 0 {
		if nbad > len(bad) {
			bad = append(bad, fmt.Sprintf("and %d more rows", nbad-len(bad)))
		}
		return nil, 0, badFile("%d rows of %s cannot be decided; nothing was decided:\n%s", nbad, name, strings.Join(bad, "\n"))
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
