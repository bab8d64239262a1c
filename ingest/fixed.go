package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// fixedRows reads a fixed-width file, as core banking systems export
// them: each line a row, its columns the runs of characters widths give,
// in order, named by header, their spaces trimmed. A line shorter than the
// widths has its last columns empty; what a line holds after them is no
// column. A first line that names the columns (each run its header
// name, in any case, or the name's start where the column is narrower)
// is the file's header, not a row. Blank lines are
// passed over; an overlong line is rejected.
type fixedRows struct {
	lines  *lineReader
	header []string
	widths []int
	rec    []string
	text   string
}

// newFixed reads a fixed-width file of lines of at most maxRow bytes, its
// columns of widths characters named by header.
func newFixed(r io.Reader, maxRow int, header []string, widths []int) (*fixedRows, error) {
	if len(header) == 0 || len(header) != len(widths) {
		return nil, fmt.Errorf("a fixed-width file needs the names (header) and widths of its columns, as many of one as of the other: %d names, %d widths", len(header), len(widths))
	}
	for i, w := range widths {
		if w < 1 {
			return nil, fmt.Errorf("column %q is %d characters wide: widths are at least 1", header[i], w)
		}
	}
	f := &fixedRows{lines: &lineReader{r: buffered(r), max: maxRow}, header: make([]string, len(header)), widths: widths}
	for i, h := range header {
		f.header[i] = strings.TrimSpace(h)
	}
	// A first line that writes the columns' names is the file's header.
	for {
		l, _, err := f.lines.next()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return nil, fmt.Errorf("first line: %w", err)
		}
		if strings.TrimSpace(l.text) == "" {
			continue
		}
		if !l.overlong && f.namesColumns(l.text) {
			return f, nil
		}
		f.lines.unread(l)
		return f, nil
	}
}

// namesColumns reports whether line writes the header's names in their
// columns, each whole or cut to its width (CO for country).
func (f *fixedRows) namesColumns(line string) bool {
	cells := f.cut(line, nil)
	if len(cells) != len(f.header) {
		return false
	}
	for i, cell := range cells {
		cell = strings.ToLower(strings.TrimSpace(cell))
		if cell == "" || !strings.HasPrefix(strings.ToLower(f.header[i]), cell) {
			return false
		}
	}
	return true
}

// cut appends to buf the columns of line.
func (f *fixedRows) cut(line string, buf []string) []string {
	buf = buf[:0]
	rest := line
	for _, w := range f.widths {
		n := 0
		for i := range rest {
			if n == w {
				buf = append(buf, rest[:i])
				rest = rest[i:]
				n = -1
				break
			}
			n++
		}
		if n >= 0 { // the line ends within the column
			buf = append(buf, rest)
			rest = ""
		}
	}
	return buf
}

func (f *fixedRows) warnings() []string { return nil }

func (f *fixedRows) next() (row, error) {
	for {
		l, n, err := f.lines.next()
		if err != nil {
			return row{}, err
		}
		if l.overlong {
			return row{}, &RowError{Line: n, Raw: l.text, Reason: fmt.Sprintf("line longer than %d bytes", f.lines.max)}
		}
		if strings.TrimSpace(l.text) == "" {
			continue
		}
		f.rec, f.text = f.cut(l.text, f.rec), l.text
		return row{line: n, raw: f.raw, values: f.values}, nil
	}
}

func (f *fixedRows) raw() string { return f.text }

func (f *fixedRows) values(col int, _ string) ([]string, error) {
	return cellValues(f.rec[col], f.header[col])
}
