package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvRows reads delimited text with a header line. It keeps the bytes of the
// current row so that a rejected row can be written out verbatim.
type csvRows struct {
	cr     *csv.Reader
	tee    *tee
	header []string
	last   int64 // input offset where the next row starts
	rec    []string
}

// delimiters are the candidates tried when a source declares none.
var delimiters = []rune{',', ';', '\t', '|'}

func newCSV(r io.Reader, delim rune) (*csvRows, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if delim == 0 {
		head, _ := br.Peek(64 << 10)
		delim = sniff(head)
	}
	t := &tee{r: br}
	cr := csv.NewReader(t)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = delim != ' ' && delim != '\t'
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: a header line is required")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	c := &csvRows{cr: cr, tee: t, header: make([]string, len(header))}
	for i, h := range header {
		c.header[i] = strings.TrimSpace(h)
		if !utf8.ValidString(h) {
			return nil, errors.New("header is not valid UTF-8: set the source's encoding (latin1, windows-1252)")
		}
	}
	c.last = cr.InputOffset()
	return c, nil
}

// sniff picks the candidate delimiter that occurs most often, outside
// quotes, in the first line of head.
func sniff(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(head) {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if !quoted {
			counts[r]++
		}
	}
	best, n := ',', 0
	for _, d := range delimiters {
		if counts[d] > n {
			best, n = d, counts[d]
		}
	}
	return best
}

func (c *csvRows) next() (row, error) {
	c.tee.discard(c.last)
	start := c.last
	rec, err := c.cr.Read()
	end := c.cr.InputOffset()
	c.last = end
	raw := func() string {
		return strings.TrimRight(string(c.tee.span(start, end)), "\r\n")
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return row{}, &RowError{Line: pe.StartLine, Raw: raw(),
				Reason: fmt.Sprintf("malformed CSV: %v (line %d, column %d)", pe.Err, pe.Line, pe.Column)}
		}
		return row{}, err // io.EOF or a read error
	}
	line, _ := c.cr.FieldPos(0)
	if len(rec) != len(c.header) {
		return row{}, &RowError{Line: line, Raw: raw(),
			Reason: fmt.Sprintf("row has %d fields, header has %d", len(rec), len(c.header))}
	}
	c.rec = rec
	return row{line: line, raw: raw, values: c.values}, nil
}

func (c *csvRows) values(col int, _ string) ([]string, error) {
	v := strings.TrimSpace(c.rec[col])
	if !utf8.ValidString(v) {
		return nil, fmt.Errorf("column %q is not valid UTF-8: set the source's encoding (latin1, windows-1252)", c.header[col])
	}
	if v == "" {
		return nil, nil
	}
	return []string{v}, nil
}

// tee remembers the bytes read through it from offset base on, so that the
// text of the current row can be recovered.
type tee struct {
	r    io.Reader
	buf  []byte
	base int64
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

func (t *tee) span(start, end int64) []byte {
	lo, hi := start-t.base, end-t.base
	if lo < 0 || hi > int64(len(t.buf)) || lo > hi {
		return nil
	}
	return t.buf[lo:hi]
}

// discard forgets the bytes before offset upto, compacting the buffer only
// when enough has accumulated to make the copy worthwhile.
func (t *tee) discard(upto int64) {
	k := upto - t.base
	if k <= 0 || (k < 256<<10 && k < int64(len(t.buf))) {
		return
	}
	n := copy(t.buf, t.buf[k:])
	t.buf = t.buf[:n]
	t.base = upto
}
