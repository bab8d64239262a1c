package ingest

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxRows reads a worksheet of an Excel workbook (.xlsx) as a CSV file's
// rows: its header is the first row that names the source's id column
// (a title and a date above it, as analysts write them, are passed
// over), or, when none of the first maxHeaderRows does, the first of
// those with the most cells in them; each row after it with a cell in it
// is a record, numbered by its row in the sheet, as Excel numbers it. A
// cell is read as the workbook stores it, not as Excel shows it: a number
// in full (an id Excel shows as 1.23457E+15 keeps its digits), a date as
// its serial number (which the date fields of an xlsx source read:
// normalize.ExcelCellLayout), text as written, and a formula's last
// computed value. The workbook is read into memory, up to maxXLSXBytes,
// and its parts unzipped there, up to maxXLSXUnzipped (no temporary
// files). A row whose cells cannot be read (a shared string the workbook
// has not) is rejected.
type xlsxRows struct {
	rows   *excelize.Rows
	max    int // the longest row kept, its cells' bytes; a longer one is rejected
	header []string
	rec    []string
	line   int // the sheet's row number of the last row read
	done   bool
	// ahead holds the rows read while looking for the header, after it.
	ahead []xlsxRow
}

// xlsxRow is a row's cells and its number in the sheet.
type xlsxRow struct {
	cells []string
	line  int
}

// maxHeaderRows bounds the rows looked through for the header.
const maxHeaderRows = 100

// Bounds on a workbook: its bytes, and its parts unzipped.
const (
	maxXLSXBytes    = 1 << 30
	maxXLSXUnzipped = 4 << 30
)

// newXLSX opens the worksheet named sheet ("" for the workbook's first) of
// the workbook r holds and reads its header row, the first to name the
// column id.
func newXLSX(r io.Reader, sheet, id string, maxRow int) (x *xlsxRows, err error) {
	defer func() {
		if v := recover(); v != nil {
			x, err = nil, fmt.Errorf("not an Excel workbook that can be read: %v", v)
		}
	}()
	capped := &capReader{r: r, n: maxXLSXBytes}
	f, err := excelize.OpenReader(capped, excelize.Options{RawCellValue: true,
		UnzipSizeLimit: maxXLSXUnzipped, UnzipXMLSizeLimit: maxXLSXUnzipped})
	if capped.n < 0 {
		return nil, fmt.Errorf("a workbook is read whole into memory, and this one is longer than %d bytes", int64(maxXLSXBytes))
	}
	if err != nil {
		return nil, fmt.Errorf("not an Excel workbook (.xlsx) that can be read: %w", err)
	}
	sheets := f.GetSheetList()
	switch {
	case len(sheets) == 0:
		return nil, errors.New("the workbook has no worksheet")
	case sheet == "":
		sheet = sheets[0]
	case !slices.Contains(sheets, sheet):
		return nil, fmt.Errorf("the workbook has no sheet %q; its sheets: %s", sheet, strings.Join(sheets, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", sheet, err)
	}
	x = &xlsxRows{rows: rows, max: maxRow}
	var read []xlsxRow // the rows with a cell in them, up to the header
	for x.line < maxHeaderRows {
		cells, err := x.cells()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("sheet %q, row %d: %w", sheet, x.line, err)
		}
		if cells == nil {
			continue
		}
		for i, c := range cells {
			cells[i] = strings.TrimSpace(c)
		}
		if slices.Contains(cells, id) {
			x.header = cells
			return x, nil
		}
		read = append(read, xlsxRow{cells, x.line})
	}
	if len(read) == 0 {
		return nil, fmt.Errorf("sheet %q is empty: a header row is required", sheet)
	}
	// No row names the id (the mapping will say so): the header is taken
	// to be the first of the fullest rows, whose columns the error lists.
	at := 0
	for i, r := range read {
		if filled(r.cells) > filled(read[at].cells) {
			at = i
		}
	}
	x.header, x.ahead = read[at].cells, read[at+1:]
	return x, nil
}

// cells returns the cells of the sheet's next row, nil for a row with
// none; io.EOF after the last.
func (x *xlsxRows) cells() ([]string, error) {
	if x.done {
		return nil, io.EOF
	}
	if !x.rows.Next() {
		x.done = true
		if err := x.rows.Error(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	x.line++
	cells, err := x.rows.Columns()
	if err != nil {
		return nil, err
	}
	if filled(cells) == 0 {
		return nil, nil
	}
	return cells, nil
}

// capReader reads r until n bytes are left to read, then fails, with n
// below 0.
type capReader struct {
	r io.Reader
	n int64
}

var errCapped = errors.New("too long")

func (c *capReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		var b [1]byte
		if n, err := c.r.Read(b[:]); n == 0 && err != nil {
			return 0, err // the end, or a failure, right at the bound
		}
		c.n = -1
		return 0, errCapped
	}
	n, err := c.r.Read(p[:min(int64(len(p)), c.n)])
	c.n -= int64(n)
	return n, err
}

// filled counts the cells of a row with something in them.
func filled(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

func (x *xlsxRows) warnings() []string { return nil }

// next returns the next row with a cell in it; a row whose cells cannot be
// read is rejected, and the rows after it are read.
func (x *xlsxRows) next() (r row, err error) {
	defer func() {
		if v := recover(); v != nil {
			x.done = true
			r, err = row{}, &RowError{Line: x.line + 1, Reason: fmt.Sprintf("the workbook cannot be read from row %d on: %v", x.line+1, v)}
		}
	}()
	for {
		if len(x.ahead) > 0 {
			a := x.ahead[0]
			x.ahead = x.ahead[1:]
			return x.row(a.cells, a.line)
		}
		cells, err := x.cells()
		if errors.Is(err, io.EOF) {
			return row{}, io.EOF
		}
		if err != nil {
			if x.done { // the sheet itself cannot be read on
				return row{}, &RowError{Line: x.line + 1, Reason: fmt.Sprintf("the sheet cannot be read from row %d on: %v", x.line+1, err)}
			}
			return row{}, &RowError{Line: x.line, Reason: fmt.Sprintf("row %d cannot be read: %v", x.line, err)}
		}
		if cells == nil {
			continue
		}
		return x.row(cells, x.line)
	}
}

// row makes the row of cells, the sheet's row line, the current one; a
// row whose cells hold more than max bytes is rejected, as a CSV file's
// longer line is.
func (x *xlsxRows) row(cells []string, line int) (row, error) {
	n := 0
	for _, c := range cells {
		n += len(c)
	}
	if n > x.max {
		return row{}, &RowError{Line: line, Raw: cut(strings.Join(cells, "\t"), x.max), Reason: fmt.Sprintf("row longer than %d bytes", x.max)}
	}
	if len(cells) < len(x.header) {
		cells = append(cells, make([]string, len(x.header)-len(cells))...)
	}
	x.rec = cells
	return row{line: line, raw: x.raw, values: x.values}, nil
}

// raw returns the row's cells as the text of a tab-separated line.
func (x *xlsxRows) raw() string {
	return strings.Join(x.rec, "\t")
}

// values returns the cell of column col, trimmed; none when empty. A
// workbook's text is UTF-8: its XML is read as such (excelize).
func (x *xlsxRows) values(col int, _ string) ([]string, error) {
	if v := strings.TrimSpace(x.rec[col]); v != "" {
		return []string{v}, nil
	}
	return nil, nil
}
