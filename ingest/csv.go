package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRowBytes is the default bound on one row of a CSV file (its lines,
// when quoted fields hold line breaks) and one line of an NDJSON file
// (Options.MaxRowBytes): a longer one is rejected, and reading goes on
// after it, so that a file with no line breaks, or a quote never closed,
// cannot fill memory. Real rows are far shorter.
const MaxRowBytes = 1 << 20

// manyLines is how many lines a rejected row may span before the reader
// warns that a quote may have swallowed rows.
const manyLines = 10

// csvRows reads delimited text with a header line, RFC 4180 quoting, and
// recovery from a quote left open: when a quoted field runs past the end of
// a line and the next line is a complete row on its own, the row that
// opened the quote is rejected and reading resumes with that next line,
// rather than swallowing the rest of the file into one field.
type csvRows struct {
	lines  *lineReader
	delim  rune
	trim   bool // leading white space of a field is dropped
	header []string
	rec    []string
	fields []string // reused by split: a row's fields live until the next row
	// warned says when a rejected row spanned many lines.
	warned []string
}

// delimiters are the candidates tried when a source declares none.
var delimiters = []rune{',', ';', '\t', '|'}

// newCSV reads the header line of r, whose rows are delimited by delim (0:
// sniffed from the header), each at most maxRow bytes: the first line that
// names the id column (findHeader: a title above it is passed over, with
// a warning), or the first line. A file written without one (OFAC's
// sdn.csv) has its columns named by header instead, and its first line is
// a row.
func newCSV(r io.Reader, delim rune, maxRow int, header []string, id string) (*csvRows, error) {
	lines := &lineReader{r: buffered(r), max: maxRow}
	var above []int // lines passed over above the header (findHeader)
	// The first line, read alone (a stream's first rows may not have
	// arrived yet): the delimiter a spreadsheet's "sep=;" line names,
	// which is no header; else the header (or the first row), whose
	// delimiter is sniffed unless declared.
	for {
		l, _, err := lines.next()
		if errors.Is(err, io.EOF) && len(header) > 0 {
			break // no rows: the file is warned of at its end
		}
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file: a header line is required")
		}
		if err != nil {
			return nil, fmt.Errorf("header: %w", err)
		}
		if l.text == "" {
			continue
		}
		if d, ok := sepLine(l.text); ok {
			if delim == 0 {
				delim = d
			}
			continue
		}
		lines.unread(l)
		if len(header) == 0 {
			delim, above = findHeader(lines, delim, id)
		}
		if delim == 0 {
			delim = sniff([]byte(l.text))
		}
		break
	}
	c := &csvRows{lines: lines, delim: delim, trim: delim != ' ' && delim != '\t'}
	if len(above) > 0 {
		c.warned = append(c.warned, fmt.Sprintf("lines %d to %d, above the header line (the first to name the id column %q), were passed over: a title, not rows", above[0], above[len(above)-1], id))
	}
	if len(header) > 0 {
		c.header = make([]string, len(header))
		for i, h := range header {
			c.header[i] = strings.TrimSpace(h)
		}
		return c, nil
	}
	first, err := c.record(0)
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: a header line is required")
	}
	if err != nil {
		var re *RowError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("header (line %d): %s", re.Line, re.Reason)
		}
		return nil, fmt.Errorf("header: %w", err)
	}
	c.header = make([]string, len(first.fields))
	for i, h := range first.fields {
		if !utf8.ValidString(h) {
			return nil, errors.New("header is not valid UTF-8: set the source's encoding (latin1, windows-1252)")
		}
		c.header[i] = strings.TrimSpace(h)
	}
	return c, nil
}

// findHeader looks, among the first maxHeaderRows lines of lines (a
// megabyte of them at most), for the first that names the id column,
// each read with delim or, when it is 0, the delimiter sniffed from it: a
// spreadsheet's export may write a title and a date above its header. It
// returns the delimiter of that line and the numbers of the lines above
// it, passed over; the line is pushed back, to be read as the header.
// When no line names it, every line read is pushed back, the first to be
// read as the header (whose columns the mapping's error then lists), and
// delim is returned as it was given.
func findHeader(lines *lineReader, delim rune, id string) (rune, []int) {
	var read []numberedLine
	size := 0
	for len(read) < maxHeaderRows && size <= lines.max {
		l, n, err := lines.next()
		if err != nil {
			break
		}
		read, size = append(read, numberedLine{l, n}), size+len(l.text)
		if l.text == "" || l.overlong {
			continue
		}
		d := delim
		if d == 0 {
			d = sniff([]byte(l.text))
		}
		trial := &csvRows{delim: d, trim: d != ' ' && d != '\t'}
		if fields, err := trial.split(l.text); err == nil && slices.ContainsFunc(fields, func(f string) bool { return strings.TrimSpace(f) == id }) {
			var above []int
			for _, r := range read[:len(read)-1] {
				if r.text != "" {
					above = append(above, r.n)
				}
			}
			lines.unreadAll(read[len(read)-1:])
			return d, above
		}
	}
	lines.unreadAll(read)
	return delim, nil
}

// sepLine reads the line a spreadsheet export may start with to name its
// delimiter ("sep=;", as Excel reads and writes it).
func sepLine(line string) (rune, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "sep=")
	if !ok || utf8.RuneCountInString(rest) != 1 {
		return 0, false
	}
	d, _ := utf8.DecodeRuneInString(rest)
	return d, d != '"'
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

// csvRecord is one row: its fields, its text and the lines it spans.
type csvRecord struct {
	fields []string
	text   string
	line   int // the line it starts on
	lines  int
}

// record reads the next row, skipping blank lines. want is the number of
// fields a complete row has (0 while reading the header): a line that
// follows an open quote and has that many fields on its own is taken as
// the next row.
func (c *csvRows) record(want int) (csvRecord, error) {
	var text string
	var start int
	for {
		l, n, err := c.lines.next()
		if err != nil {
			return csvRecord{}, err
		}
		if l.overlong {
			return csvRecord{}, &RowError{Line: n, Raw: l.text, Reason: fmt.Sprintf("row longer than %d bytes (kept here cut short)", c.lines.max)}
		}
		if l.text != "" {
			text, start = l.text, n
			break
		}
	}
	lines := 1
	for {
		fields, err := c.split(text)
		if err == nil {
			return csvRecord{fields: fields, text: text, line: start, lines: lines}, nil
		}
		if !errors.Is(err, errOpenQuote) {
			return csvRecord{}, c.reject(start, lines, text, "malformed CSV: "+err.Error())
		}
		// A quoted field is still open at the end of the line: it goes on
		// on the next line, unless that line is a row of its own.
		l, _, rerr := c.lines.next()
		if errors.Is(rerr, io.EOF) {
			return csvRecord{}, c.reject(start, lines, text, "malformed CSV: a quoted field is not closed before the end of the file")
		}
		if rerr != nil {
			return csvRecord{}, rerr
		}
		if want > 0 && !l.overlong {
			if f, err := c.split(l.text); err == nil && len(f) == want {
				c.lines.unread(l)
				return csvRecord{}, c.reject(start, lines, text, "malformed CSV: a quoted field is not closed at the end of its line, and the next line is a row of its own")
			}
		}
		if l.overlong || len(text)+1+len(l.text) > c.lines.max {
			return csvRecord{}, c.reject(start, lines+1, cut(text+"\n"+l.text, c.lines.max), fmt.Sprintf("malformed CSV: a quoted field is not closed within %d bytes", c.lines.max))
		}
		text += "\n" + l.text
		lines++
	}
}

// reject returns the error of a row that could not be read, and notes a
// warning when it spans many lines: a quote left open may have taken rows
// with it.
func (c *csvRows) reject(line, lines int, text, reason string) *RowError {
	if lines > manyLines {
		c.warned = append(c.warned, fmt.Sprintf("line %d: one rejected row spans %d lines: a quote left open may have taken rows with it", line, lines))
	}
	return &RowError{Line: line, Raw: text, Reason: reason}
}

func cut(s string, n int) string { return s[:min(len(s), n)] }

var (
	errOpenQuote  = errors.New("quoted field not closed")
	errBareQuote  = errors.New(`bare " in non-quoted field`)
	errAfterQuote = errors.New(`extraneous or missing " in quoted field`)
)

// split cuts one row's text into fields: fields are separated by the
// delimiter; a field that starts with a quote (after leading white space,
// which is dropped when c.trim) runs to the matching quote, a doubled quote
// standing for one.
func (c *csvRows) split(s string) ([]string, error) {
	fields := c.fields[:0]
	defer func() { c.fields = fields[:0] }()
	dl := utf8.RuneLen(c.delim)
	for {
		if c.trim {
			s = strings.TrimLeftFunc(s, unicode.IsSpace)
		}
		if !strings.HasPrefix(s, `"`) {
			i := strings.IndexRune(s, c.delim)
			field := s
			if i >= 0 {
				field = s[:i]
			}
			if strings.ContainsRune(field, '"') {
				return nil, errBareQuote
			}
			fields = append(fields, field)
			if i < 0 {
				return fields, nil
			}
			s = s[i+dl:]
			continue
		}
		// Quoted: the field is s up to the closing quote, with doubled
		// quotes undoubled (copied only when there are some).
		s = s[1:]
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return nil, errOpenQuote
		}
		field := s[:i]
		s = s[i+1:]
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			b.WriteString(field)
			for strings.HasPrefix(s, `"`) {
				b.WriteByte('"')
				s = s[1:]
				i := strings.IndexByte(s, '"')
				if i < 0 {
					return nil, errOpenQuote
				}
				b.WriteString(s[:i])
				s = s[i+1:]
			}
			field = b.String()
		}
		fields = append(fields, field)
		if s == "" {
			return fields, nil
		}
		r, size := utf8.DecodeRuneInString(s)
		if r != c.delim {
			return nil, errAfterQuote
		}
		s = s[size:]
	}
}

func (c *csvRows) warnings() []string { return c.warned }

func (c *csvRows) next() (row, error) {
	rec, err := c.record(len(c.header))
	if err != nil {
		return row{}, err
	}
	raw := func() string { return rec.text }
	if len(rec.fields) != len(c.header) {
		return row{}, c.reject(rec.line, rec.lines, rec.text, fmt.Sprintf("row has %d fields, header has %d", len(rec.fields), len(c.header)))
	}
	c.rec = rec.fields
	return row{line: rec.line, raw: raw, values: c.values}, nil
}

func (c *csvRows) values(col int, _ string) ([]string, error) {
	return cellValues(c.rec[col], c.header[col])
}

// cellValues returns the value of a cell of a text file's column, its
// spaces trimmed; none when empty. A cell that is not UTF-8, read in the
// source's encoding, is an error naming the column.
func cellValues(cell, column string) ([]string, error) {
	v := strings.TrimSpace(cell)
	if !utf8.ValidString(v) {
		return nil, fmt.Errorf("column %q is not valid UTF-8: set the source's encoding (latin1, windows-1252)", column)
	}
	if v == "" {
		return nil, nil
	}
	return []string{v}, nil
}

// textLine is one line of input without its line break.
type textLine struct {
	text string
	// overlong is set when the line was longer than the reader's max:
	// text holds its first max bytes, the rest was skipped.
	overlong bool
}

// lineReader reads lines, numbering them, with push-back.
type lineReader struct {
	r    *bufio.Reader
	max  int // the longest line kept; longer ones are cut short (overlong)
	n    int // lines read
	last int // the number of the line next returned last
	// back holds the lines pushed back, the next one first.
	back []numberedLine
}

// numberedLine is a line and its number.
type numberedLine struct {
	textLine
	n int
}

// next returns the next line and its number; io.EOF after the last.
func (lr *lineReader) next() (l textLine, n int, err error) {
	defer func() { lr.last = n }()
	if len(lr.back) > 0 {
		b := lr.back[0]
		lr.back = lr.back[1:]
		return b.textLine, b.n, nil
	}
	var buf []byte
	overlong := false
	for first := true; ; first = false {
		chunk, err := lr.r.ReadSlice('\n')
		if first && err == nil && len(chunk) <= lr.max {
			// The usual case: the whole line is in the reader's buffer.
			lr.n++
			return textLine{text: string(trimEOL(chunk))}, lr.n, nil
		}
		if len(buf)+len(chunk) <= lr.max {
			buf = append(buf, chunk...)
		} else {
			if !overlong {
				buf = append(buf, chunk[:lr.max-len(buf)]...)
			}
			overlong = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return textLine{}, 0, err
		}
		if err != nil && len(buf) == 0 {
			return textLine{}, 0, io.EOF
		}
		break
	}
	lr.n++
	return textLine{text: string(trimEOL(buf)), overlong: overlong}, lr.n, nil
}

// trimEOL drops a line's "\n" or "\r\n".
func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// unread pushes l, the line next returned last, back: the next call of
// next returns it again.
func (lr *lineReader) unread(l textLine) {
	lr.back = append([]numberedLine{{l, lr.last}}, lr.back...)
}

// unreadAll pushes ls back, in their order, before any line pushed back.
func (lr *lineReader) unreadAll(ls []numberedLine) {
	lr.back = append(slices.Clip(ls), lr.back...)
}
