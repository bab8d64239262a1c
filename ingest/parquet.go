package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// parquetRows reads the rows of a Parquet file (columnar exports, and
// Splink's own data sets, ship as Parquet) as rows of JSON objects: each
// row the object of its columns by name, a nested group an object, a list
// a list, a date and a timestamp as ISO 8601 text, so that the paths and
// filters of JSON rows read them (ids[type=passport].number). Rows are
// numbered from 1 where a text file's have lines. Parquet needs the whole
// file at hand: it is read into memory first, up to maxParquetBytes
// (gzipped too). A file that cannot be opened as Parquet fails the
// source; a row that cannot be decoded ends the file with a reject that
// says where (a file cut short, or lying about its sizes).
type parquetRows struct {
	fields []parquet.Field // the schema's columns
	reader *parquet.GenericReader[any]
	buf    [1]any
	row    int // rows read, the last one's number
	max    int
	done   bool
	failed error // why the rows after the last one read cannot be
}

// maxParquetBytes bounds a Parquet file read into memory.
const maxParquetBytes = 4 << 30

func newParquetRows(r io.Reader, maxRow int) (p *parquetRows, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxParquetBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxParquetBytes {
		return nil, fmt.Errorf("a Parquet file is read whole into memory, and this one is longer than %d bytes", int64(maxParquetBytes))
	}
	// The reader trusts the file's own sizes and offsets: one that lies
	// about them may make it panic, in this goroutine.
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, fmt.Errorf("not a Parquet file that can be read: %v", v)
		}
	}()
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)), parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, fmt.Errorf("not a Parquet file that can be read: %w", err)
	}
	if err := checkParquetSizes(pf.Metadata(), int64(len(data))); err != nil {
		return nil, err
	}
	return &parquetRows{fields: pf.Schema().Fields(), reader: parquet.NewGenericReader[any](pf), max: maxRow}, nil
}

// Bounds on what a Parquet file's column chunks say they hold, which the
// reader allocates on trust: uncompressed, at most maxParquetChunk bytes
// and maxParquetInflation times their compressed size (a megabyte at
// least); compressed, no more than the file.
const (
	maxParquetChunk     = 2 << 30
	maxParquetInflation = 100
)

// checkParquetSizes refuses a file whose column chunks say they hold more
// than they could (the bounds above), or a negative size or row
// count: a file cut short or lying about its sizes would have the reader
// allocate what it says.
func checkParquetSizes(md *format.FileMetaData, size int64) error {
	if md.NumRows < 0 {
		return fmt.Errorf("not a Parquet file that can be read: it says it holds %d rows", md.NumRows)
	}
	for g, rg := range md.RowGroups {
		if rg.NumRows < 0 {
			return fmt.Errorf("not a Parquet file that can be read: row group %d says it holds %d rows", g, rg.NumRows)
		}
		for c, col := range rg.Columns {
			m := col.MetaData
			if m.TotalCompressedSize < 0 || m.TotalCompressedSize > size || m.TotalUncompressedSize < 0 ||
				m.TotalUncompressedSize > maxParquetChunk || m.TotalUncompressedSize > maxParquetInflation*max(m.TotalCompressedSize, 1<<20) {
				return fmt.Errorf("not a Parquet file that can be read: column %d of row group %d says it holds %d bytes, %d compressed, in a file of %d", c, g, m.TotalUncompressedSize, m.TotalCompressedSize, size)
			}
		}
	}
	return nil
}

// next returns the next row as the text of its JSON object; one longer
// than max is cut short, to be rejected.
func (p *parquetRows) next() (l ndjsonLine, err error) {
	if p.done {
		return ndjsonLine{}, io.EOF
	}
	defer func() {
		if v := recover(); v != nil {
			p.done = true
			l, err = p.broken(fmt.Errorf("%v", v)), nil
		}
	}()
	if p.failed != nil {
		p.done = true
		return p.broken(p.failed), nil
	}
	p.buf[0] = nil
	n, err := p.reader.Read(p.buf[:])
	switch {
	case n == 0 && (err == nil || errors.Is(err, io.EOF)):
		p.done = true
		return ndjsonLine{}, io.EOF
	case n == 0:
		p.done = true
		return p.broken(err), nil
	case errors.Is(err, io.EOF): // the last row, read with the end
		p.done = true
	case err != nil:
		p.failed = err
	}
	p.row++
	obj, ok := p.buf[0].(map[string]any)
	if !ok {
		return ndjsonLine{line: p.row, reason: fmt.Sprintf("row %d is no group of columns", p.row)}, nil
	}
	for _, f := range p.fields {
		if v, ok := obj[f.Name()]; ok {
			obj[f.Name()] = parquetValue(f, v, 0)
		}
	}
	text, err := json.Marshal(obj)
	if err != nil {
		return ndjsonLine{line: p.row, reason: fmt.Sprintf("row %d cannot be read as JSON: %v", p.row, err)}, nil
	}
	if len(text) > p.max {
		return ndjsonLine{line: p.row, text: text[:p.max], overlong: true}, nil
	}
	return ndjsonLine{line: p.row, text: text}, nil
}

// broken is the reject that ends a file whose rows after row p.row could
// not be decoded.
func (p *parquetRows) broken(err error) ndjsonLine {
	return ndjsonLine{line: p.row + 1, reason: fmt.Sprintf("the Parquet file cannot be read from row %d on: %v", p.row+1, err)}
}

// parquetValue returns v, the value of node n as the reader gives it,
// with its dates and timestamps (numbers of days, or of a unit since
// 1970) written as ISO 8601 text: within lists and groups too, to depth
// maxXMLDepth.
func parquetValue(n parquet.Node, v any, depth int) any {
	if v == nil || depth > maxXMLDepth {
		return v
	}
	switch x := v.(type) {
	case []any:
		elem := listElement(n)
		for i := range x {
			x[i] = parquetValue(elem, x[i], depth+1)
		}
		return x
	case map[string]any:
		if n.Leaf() {
			return x
		}
		for _, f := range n.Fields() {
			if fv, ok := x[f.Name()]; ok {
				x[f.Name()] = parquetValue(f, fv, depth+1)
			}
		}
		return x
	}
	if !n.Leaf() {
		return v
	}
	lt := n.Type().LogicalType()
	if lt == nil {
		return v
	}
	t, ok := wholeNumber(v)
	if !ok {
		return v
	}
	switch x := lt.Value.(type) {
	case *format.DateType:
		return time.Unix(t*86400, 0).UTC().Format(time.DateOnly)
	case *format.TimestampType:
		if x.Unit.Value != nil {
			return time.Unix(0, 0).Add(time.Duration(t) * x.Unit.Value.Duration()).UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// listElement returns the node of the elements of list node n: the
// element of a LIST's repeated group (its three-level form, or a
// two-level one's repeated child), or n itself, a field written repeated.
func listElement(n parquet.Node) parquet.Node {
	if n.Leaf() || !isList(n.Type().LogicalType()) {
		return n
	}
	fs := n.Fields()
	if len(fs) != 1 {
		return n
	}
	rep := fs[0]
	if !rep.Leaf() && len(rep.Fields()) == 1 {
		return rep.Fields()[0]
	}
	return rep
}

// isList reports whether lt is a LIST annotation.
func isList(lt *format.LogicalType) bool {
	if lt == nil {
		return false
	}
	switch lt.Value.(type) {
	case *format.ListType:
		return true
	}
	return false
}

// wholeNumber returns v, a number the reader gives, as an int64.
func wholeNumber(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	case uint32:
		return int64(x), true
	}
	return 0, false
}
