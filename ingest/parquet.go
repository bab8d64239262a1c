package ingest

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// parquetRows reads the rows of a Parquet file (columnar exports, and
// Splink's own data sets, ship as Parquet) as rows of JSON objects: each
// row the object of its columns by name, a nested group an object, a list
// a list, a date and a timestamp as ISO 8601 text, so that the paths and
// filters of JSON rows read them (ids[type=passport].number). A value is
// written as its type says it reads (parquetLeaf): a DECIMAL as its
// decimal digits, a TIME as a clock, a UUID as its text, an INT96 as the
// timestamp older writers stored in it. Rows are
// numbered from 1 where a text file's have lines. Parquet needs the whole
// file at hand: it is read into memory first, up to maxParquetBytes
// (gzipped too). A file that cannot be opened as Parquet fails the
// source; a row that cannot be decoded ends the file with a reject that
// says where (a file cut short, or lying about its sizes).
type parquetRows struct {
	schema *parquet.Schema
	fields []parquet.Field // the schema's columns
	reader *parquet.GenericReader[any]
	buf    [1]parquet.Row
	// decimals holds the DECIMAL columns, whose digits are written from
	// the row's own values (parquetDecimals); decimalAt gives each
	// column's index in it, or −1, and decimalPath each one's by its path.
	decimals      []parquetDecimal
	decimalAt     []int
	decimalPath   map[string]int
	decimalFields []parquet.Field // the columns that hold a DECIMAL, which writeDecimals walks
	inMemory      bool            // the file was read whole into memory (parquetSource)
	row           int             // rows read, the last one's number
	max           int
	done          bool
	failed        error // why the rows after the last one read cannot be
}

// maxParquetBytes bounds a Parquet file read into memory: one gzipped, or
// given as a stream (a pipe); one in a file of its own is read in place.
const maxParquetBytes = 4 << 30

// sizedReaderAt is a file that can be read at any offset, and its size:
// an *os.File of a source (fileReader), or rows given in memory
// (*bytes.Reader).
type sizedReaderAt interface {
	io.ReaderAt
	Size() int64
}

// parquetReadBuffer is what a column's pages are read through from a file
// read in place: 256 KiB read 200,000 rows 4% faster than parquet-go's
// 4 KiB (benchstat, n = 6), at most a few megabytes for a wide file.
const parquetReadBuffer = 256 << 10

// parquetMagic starts and ends every Parquet file.
const parquetMagic = "PAR1"

// parquetSource returns the Parquet file r holds, to be read at any
// offset, and its size: r itself when it can be so read and starts as a
// Parquet file does (its pages are then read as they are needed, the
// file never in memory whole), else r's content, decompressed, read into
// memory first (inMemory).
func parquetSource(r io.Reader) (src io.ReaderAt, size int64, inMemory bool, err error) {
	if f, ok := r.(sizedReaderAt); ok {
		var magic [len(parquetMagic)]byte
		if n, err := f.ReadAt(magic[:], 0); n == len(magic) && string(magic[:]) == parquetMagic {
			return f, f.Size(), false, nil
		} else if isDone(err) {
			return nil, 0, false, err
		}
	}
	dec, err := decompress(r)
	if err != nil {
		return nil, 0, false, err
	}
	data, err := io.ReadAll(io.LimitReader(dec, maxParquetBytes+1))
	if err != nil {
		return nil, 0, false, err
	}
	if len(data) > maxParquetBytes {
		return nil, 0, false, fmt.Errorf("a Parquet file gzipped or given as a stream is read whole into memory, and this one is longer than %d bytes", int64(maxParquetBytes))
	}
	return bytes.NewReader(data), int64(len(data)), true, nil
}

// isDone reports whether err says that reading was stopped (its context
// done), not that the file is bad.
func isDone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func newParquetRows(r io.Reader, maxRow int) (p *parquetRows, err error) {
	src, size, inMemory, err := parquetSource(r)
	if err != nil {
		return nil, err
	}
	// The reader trusts the file's own sizes and offsets: one that lies
	// about them may make it panic, in this goroutine.
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, fmt.Errorf("not a Parquet file that can be read: %v", v)
		}
	}()
	pf, err := parquet.OpenFile(src, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true), parquet.ReadBufferSize(parquetReadBuffer))
	if err != nil {
		if isDone(err) {
			return nil, err
		}
		return nil, fmt.Errorf("not a Parquet file that can be read: %w", err)
	}
	if err := checkParquetSizes(pf.Metadata(), size); err != nil {
		return nil, err
	}
	if err := checkParquetPages(pf.Metadata(), src, size); err != nil {
		return nil, err
	}
	schema := pf.Schema()
	p = &parquetRows{schema: schema, fields: schema.Fields(), reader: parquet.NewGenericReader[any](pf), max: maxRow, inMemory: inMemory}
	if p.decimals, err = parquetDecimals(schema); err != nil {
		return nil, err
	}
	if len(p.decimals) > 0 {
		p.decimalAt = make([]int, len(schema.Columns()))
		for i := range p.decimalAt {
			p.decimalAt[i] = -1
		}
		p.decimalPath = make(map[string]int, len(p.decimals))
		for i, d := range p.decimals {
			p.decimalAt[d.column] = i
			p.decimalPath[d.path] = i
		}
		for _, f := range p.fields {
			if slices.ContainsFunc(p.decimals, func(d parquetDecimal) bool {
				return d.path == f.Name() || strings.HasPrefix(d.path, f.Name()+pathSep)
			}) {
				p.decimalFields = append(p.decimalFields, f)
			}
		}
	}
	return p, nil
}

// parquetDecimal is a DECIMAL column: its path among the schema's nodes
// (a list's repeated group and element too), its index among the file's
// columns, and its scale.
type parquetDecimal struct {
	path   string // the nodes' names joined by pathSep
	column int
	scale  int32
}

// pathSep joins the names of a column's nodes: a byte no name of a
// Parquet file this reader opens holds in practice, and only a key.
const pathSep = "\x00"

// maxDecimalDigits bounds a DECIMAL column's precision: the reader
// computes with powers of ten as large as its scale, so that a file that
// declares a scale of a billion would hold it for as long as that takes.
// 76 digits is twice what a 16-byte decimal, the largest most writers
// write, holds.
const maxDecimalDigits = 76

// parquetDecimals returns the DECIMAL columns of schema. The reader gives
// a DECIMAL of 9 digits or fewer as a float32 and one of 18 as a float64,
// which keep 7 and 15 of them (a national id of nine digits would read as
// another number), and a longer one as a binary fraction: their digits
// are written from the row's own values instead (writeDecimals). A
// DECIMAL whose precision or scale is out of bounds fails the source.
func parquetDecimals(schema *parquet.Schema) ([]parquetDecimal, error) {
	var out []parquetDecimal
	var walk func(n parquet.Node, path []string) error
	walk = func(n parquet.Node, path []string) error {
		if !n.Leaf() {
			for _, f := range n.Fields() {
				if err := walk(f, append(path[:len(path):len(path)], f.Name())); err != nil {
					return err
				}
			}
			return nil
		}
		lt := n.Type().LogicalType()
		if lt == nil {
			return nil
		}
		d, ok := lt.Value.(*format.DecimalType)
		if !ok {
			return nil
		}
		if d.Precision < 1 || d.Precision > maxDecimalDigits || d.Scale < 0 || d.Scale > d.Precision {
			return fmt.Errorf("not a Parquet file that can be read: column %s is a DECIMAL of precision %d and scale %d (at most %d digits, and a scale from 0 to the precision)",
				strings.Join(path, "."), d.Precision, d.Scale, maxDecimalDigits)
		}
		if leaf, ok := schema.Lookup(path...); ok {
			out = append(out, parquetDecimal{path: strings.Join(path, pathSep), column: leaf.ColumnIndex, scale: d.Scale})
		}
		return nil
	}
	for _, f := range schema.Fields() {
		if err := walk(f, []string{f.Name()}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Bounds on what a Parquet file's column chunks say they hold, which the
// reader allocates on trust: uncompressed, at most maxParquetChunk bytes
// and maxParquetInflation times their compressed size (a megabyte at
// least); compressed, no more than the file.
const (
	maxParquetChunk     = 2 << 30
	maxParquetInflation = 100
)

// maxParquetPageValues bounds the values a page may say it holds: the
// reader allocates its levels for that many before decoding them, and a
// few bytes of run-length encoding can claim two billion.
const maxParquetPageValues = 1 << 24

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

// checkParquetPages reads the header of each page of each column chunk,
// as the reader will, and refuses a file with a page that says it holds
// more than the file has after it, or, uncompressed, more than
// maxParquetChunk or maxParquetInflation times its compressed size (a
// megabyte at least), or more than maxParquetPageValues values: the
// reader allocates what a page's header says
// before it reads a byte of it (a file of a few kilobytes had it allocate
// 1.9 GB). A chunk's pages are read to the end of its bytes and on until
// they hold the values it says it has, as the reader reads them.
func checkParquetPages(md *format.FileMetaData, src io.ReaderAt, size int64) error {
	if p, ok := src.(interface{ peeker() io.ReaderAt }); ok {
		src = p.peeker()
	}
	protocol := &thrift.CompactProtocol{}
	var buf []byte
	for g, rg := range md.RowGroups {
		for c, col := range rg.Columns {
			if len(col.EncryptedColumnMetadata) > 0 {
				continue // read with its keys, or not at all
			}
			m := &col.MetaData
			pos := m.DataPageOffset
			if d := m.DictionaryPageOffset; d > 0 && d < pos {
				pos = d
			}
			bad := func(what string, args ...any) error {
				return fmt.Errorf("not a Parquet file that can be read: column %d of row group %d: %s", c, g, fmt.Sprintf(what, args...))
			}
			if pos < 0 || pos > size {
				return bad("its pages start at %d, in a file of %d bytes", pos, size)
			}
			end := min(pos+m.TotalCompressedSize, size)
			for values := int64(0); pos < size && (pos < end || values < m.NumValues); {
				var h format.PageHeader
				var read int
				var err error
				if buf, read, err = pageHeader(src, pos, size, buf, protocol, &h); err != nil {
					if isDone(err) {
						return err
					}
					return bad("a page at byte %d has no header that can be read: %v", pos, err)
				}
				pos += int64(read)
				compressed, uncompressed := int64(h.CompressedPageSize), int64(h.UncompressedPageSize)
				if compressed < 0 || compressed > size-pos || uncompressed < 0 || uncompressed > maxParquetChunk ||
					uncompressed > maxParquetInflation*max(compressed, 1<<20) {
					return bad("a page at byte %d says it holds %d bytes, %d compressed, where the file has %d more", pos, uncompressed, compressed, size-pos)
				}
				pos += compressed
				n := int64(0)
				switch {
				case h.DataPageHeader.Valid:
					n = int64(h.DataPageHeader.V.NumValues)
				case h.DataPageHeaderV2.Valid:
					n = int64(h.DataPageHeaderV2.V.NumValues)
				case h.DictionaryPageHeader.Valid:
					n = int64(h.DictionaryPageHeader.V.NumValues)
				}
				if n > maxParquetPageValues {
					return bad("a page at byte %d says it holds %d values (at most %d are read: writers write 20,000 to a page by default)", pos-compressed, n, maxParquetPageValues)
				}
				if !h.DictionaryPageHeader.Valid {
					values += n
				}
			}
		}
	}
	return nil
}

// maxPageHeader bounds a page header read (its statistics may hold a
// column's least and greatest values: a few hundred bytes as a rule).
const maxPageHeader = 1 << 20

// pageHeader decodes into h the page header at pos of src, a file of
// size bytes, read through buf (returned, grown as needed), and returns
// its length: read first in 4 KiB, then in more, up to maxPageHeader,
// while the header runs on past what was read.
func pageHeader(src io.ReaderAt, pos, size int64, buf []byte, protocol thrift.Protocol, h *format.PageHeader) ([]byte, int, error) {
	for want := int64(256); ; want *= 16 {
		n := min(want, size-pos, maxPageHeader)
		if int64(cap(buf)) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := src.ReadAt(buf, pos); err != nil && !errors.Is(err, io.EOF) {
			return buf, 0, err
		}
		*h = format.PageHeader{}
		r := protocol.NewReaderFromBytes(buf)
		err := thrift.NewDecoder(r).Decode(h)
		if err == nil {
			read, ok := r.(interface{ BytesRead() int })
			if !ok || read.BytesRead() <= 0 {
				return buf, 0, errors.New("it is empty")
			}
			return buf, read.BytesRead(), nil
		}
		if n == size-pos || n == maxPageHeader {
			return buf, 0, err
		}
	}
}

// next returns the next row as its JSON object would read (decodedRow);
// one longer than max as JSON text is cut short, to be rejected.
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
		if isDone(p.failed) {
			return ndjsonLine{}, p.failed
		}
		p.done = true
		return p.broken(p.failed), nil
	}
	p.buf[0] = p.buf[0][:0]
	n, err := p.reader.ReadRows(p.buf[:])
	switch {
	case n == 0 && (err == nil || errors.Is(err, io.EOF)):
		p.done = true
		return ndjsonLine{}, io.EOF
	case n == 0 && isDone(err):
		return ndjsonLine{}, err
	case n == 0:
		p.done = true
		return p.broken(err), nil
	case errors.Is(err, io.EOF): // the last row, read with the end
		p.done = true
	case err != nil:
		p.failed = err
	}
	p.row++
	var v any
	if err := p.schema.Reconstruct(&v, p.buf[0]); err != nil {
		return ndjsonLine{line: p.row, reason: fmt.Sprintf("row %d cannot be decoded: %v", p.row, err)}, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return ndjsonLine{line: p.row, reason: fmt.Sprintf("row %d is no group of columns", p.row)}, nil
	}
	p.writeDecimals(obj, p.buf[0])
	for _, f := range p.fields {
		if v, ok := obj[f.Name()]; ok {
			obj[f.Name()] = parquetValue(f, v, 0)
		}
	}
	l = decodedRow(p.row, obj)
	if l.obj != nil && jsonSize(l.obj) > p.max {
		text, _ := json.Marshal(l.obj)
		return ndjsonLine{line: p.row, text: text[:min(len(text), p.max)], overlong: true}, nil
	}
	return l, nil
}

// writeDecimals writes into obj, the object of row, the digits of its
// DECIMAL values (parquetDecimals), each in its place: the values of a
// column that are there (not null) come in the row in the order the
// object holds them, inside lists too. Where the object holds another
// number of them than the row (a MAP's, which the reader gives unscaled
// and parquetLeaf writes), the column's values are left as they are.
func (p *parquetRows) writeDecimals(obj map[string]any, row parquet.Row) {
	if len(p.decimals) == 0 {
		return
	}
	values := make([][]parquet.Value, len(p.decimals))
	for _, v := range row {
		if c := v.Column(); c >= 0 && c < len(p.decimalAt) && p.decimalAt[c] >= 0 && !v.IsNull() {
			values[p.decimalAt[c]] = append(values[p.decimalAt[c]], v)
		}
	}
	places := make([][]func(any), len(p.decimals))
	for _, f := range p.decimalFields {
		if v, ok := obj[f.Name()]; ok {
			p.decimalPlaces(f, []string{f.Name()}, v, func(x any) { obj[f.Name()] = x }, places, 0)
		}
	}
	for i, d := range p.decimals {
		if len(places[i]) != len(values[i]) {
			continue
		}
		for j, v := range values[i] {
			if text, ok := decimalText(v, d.scale); ok {
				places[i][j](text)
			}
		}
	}
}

// decimalPlaces adds to places, in the order the object holds them, a
// setter of each DECIMAL value v holds: v is node n's value, at path
// among the schema's nodes, which set replaces; to depth maxNesting.
func (p *parquetRows) decimalPlaces(n parquet.Node, path []string, v any, set func(any), places [][]func(any), depth int) {
	if v == nil || depth > maxNesting {
		return
	}
	if list, ok := v.([]any); ok {
		elem, below := listElementPath(n)
		if elem == n && !n.Repeated() {
			return
		}
		elemPath := append(path[:len(path):len(path)], below...)
		for i := range list {
			if _, nested := list[i].([]any); nested && elem == n {
				continue // a repeated node's element is no list
			}
			p.decimalPlaces(elem, elemPath, list[i], func(x any) { list[i] = x }, places, depth+1)
		}
		return
	}
	if n.Leaf() {
		if i, ok := p.decimalPath[strings.Join(path, pathSep)]; ok {
			places[i] = append(places[i], set)
		}
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, f := range n.Fields() {
		if fv, ok := m[f.Name()]; ok {
			p.decimalPlaces(f, append(path[:len(path):len(path)], f.Name()), fv, func(x any) { m[f.Name()] = x }, places, depth+1)
		}
	}
}

// maxDecimalBytes bounds the bytes of a DECIMAL value written as digits:
// those of maxDecimalDigits digits.
const maxDecimalBytes = 32

// decimalText returns the digits of v, a DECIMAL value of scale (its
// unscaled number: a 32 or 64-bit integer, or the big-endian two's
// complement bytes of one), with the decimal point where the scale puts
// it and no zeros after it at the end: 12345678, 1234.5, -0.05.
func decimalText(v parquet.Value, scale int32) (string, bool) {
	var x any
	switch v.Kind() {
	case parquet.Int32:
		x = v.Int32()
	case parquet.Int64:
		x = v.Int64()
	case parquet.ByteArray, parquet.FixedLenByteArray:
		x = v.ByteArray()
	default:
		return "", false
	}
	n, ok := unscaled(x)
	if !ok {
		return "", false
	}
	return scaledDigits(n.String(), int(scale)), true
}

// unscaled returns a DECIMAL's unscaled number, v: a whole number, or
// the big-endian two's complement bytes of one (at most maxDecimalBytes).
func unscaled(v any) (*big.Int, bool) {
	if t, ok := wholeNumber(v); ok {
		return big.NewInt(t), true
	}
	b, ok := v.([]byte)
	if !ok || len(b) == 0 || len(b) > maxDecimalBytes {
		return nil, false
	}
	x := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return x, true
}

// scaledDigits writes the integer digits (a "-" before them when
// negative) with scale of them after a decimal point, the point and the
// zeros that end the fraction left out.
func scaledDigits(digits string, scale int) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	if scale <= 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-scale], strings.TrimRight(digits[len(digits)-scale:], "0")
	if frac == "" {
		if whole == "0" {
			sign = ""
		}
		return sign + whole
	}
	return sign + whole + "." + frac
}

// broken is the reject that ends a file whose rows after row p.row could
// not be decoded.
func (p *parquetRows) broken(err error) ndjsonLine {
	return ndjsonLine{line: p.row + 1, reason: fmt.Sprintf("the Parquet file cannot be read from row %d on: %v", p.row+1, err)}
}

// parquetValue returns v, the value of node n as the reader gives it,
// with each of its leaves written as its type says it reads (parquetLeaf:
// a date as ISO 8601 text): within lists and groups too, to depth
// maxNesting.
func parquetValue(n parquet.Node, v any, depth int) any {
	if v == nil || depth > maxNesting {
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
		if value, ok := mapValue(n); ok {
			for k, fv := range x {
				x[k] = parquetValue(value, fv, depth+1)
			}
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
	return parquetLeaf(n, v)
}

// parquetLeaf returns v, the value of leaf node n as the reader gives
// it, as its type says it reads: a DATE, a TIMESTAMP and the INT96 that
// older writers (Hive, Impala, Spark before 3) stored timestamps in as
// ISO 8601 text, a TIME as a clock (13:45:00.5), a UUID as its text, a
// DECIMAL the reader gives as a binary fraction or (in a MAP) as its
// unscaled number as decimal digits, and
// bytes of no type as text when they are UTF-8, else as hexadecimal (not
// the base64 JSON would write).
func parquetLeaf(n parquet.Node, v any) any {
	var lt any
	if l := n.Type().LogicalType(); l != nil {
		lt = l.Value
	}
	if d, ok := lt.(*format.DecimalType); ok {
		// In a MAP the reader gives a DECIMAL's unscaled number.
		if x, ok := unscaled(v); ok {
			return scaledDigits(x.String(), int(d.Scale))
		}
	}
	switch x := v.(type) {
	case deprecated.Int96:
		nanos := time.Duration(uint64(x[1])<<32 | uint64(x[0]))
		return time.Unix((int64(x[2])-julianUnixEpoch)*86400, 0).Add(nanos).UTC().Format(time.RFC3339Nano)
	case []byte:
		if _, ok := lt.(*format.UUIDType); ok && len(x) == 16 {
			h := hex.EncodeToString(x)
			return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		}
		if utf8.Valid(x) {
			return string(x)
		}
		return hex.EncodeToString(x)
	case *big.Float:
		return x.Text('f', -1)
	}

	t, ok := wholeNumber(v)
	if !ok {
		return v
	}
	switch x := lt.(type) {
	case *format.DateType:
		return time.Unix(t*86400, 0).UTC().Format(time.DateOnly)
	case *format.TimestampType:
		if x.Unit.Value != nil {
			return time.Unix(0, 0).Add(time.Duration(t) * x.Unit.Value.Duration()).UTC().Format(time.RFC3339Nano)
		}
	case *format.TimeType:
		if x.Unit.Value != nil {
			if d := time.Duration(t) * x.Unit.Value.Duration(); d >= 0 && d < 24*time.Hour {
				return time.Time{}.Add(d).Format("15:04:05.999999999")
			}
		}
	}
	return v
}

// julianUnixEpoch is the Julian day number of 1 January 1970, from which
// an INT96 timestamp counts its days.
const julianUnixEpoch = 2440588

// listElement returns the node of the elements of list node n: the
// element of a LIST's repeated group (its three-level form, or a
// two-level one's repeated child), or n itself, a field written repeated.
func listElement(n parquet.Node) parquet.Node {
	elem, _ := listElementPath(n)
	return elem
}

// listElementPath is listElement, with the names of the nodes from n down
// to the element (none when it is n itself).
func listElementPath(n parquet.Node) (parquet.Node, []string) {
	if n.Leaf() || !isList(n.Type().LogicalType()) {
		return n, nil
	}
	fs := n.Fields()
	if len(fs) != 1 {
		return n, nil
	}
	rep := fs[0]
	if !rep.Leaf() && len(rep.Fields()) == 1 {
		return rep.Fields()[0], []string{rep.Name(), rep.Fields()[0].Name()}
	}
	return rep, []string{rep.Name()}
}

// mapValue returns the node of the values of MAP node n (its repeated
// group's value), which the reader gives as an object of its keys.
func mapValue(n parquet.Node) (parquet.Node, bool) {
	lt := n.Type().LogicalType()
	if lt == nil {
		return nil, false
	}
	if _, ok := lt.Value.(*format.MapType); !ok {
		return nil, false
	}
	fs := n.Fields()
	if len(fs) != 1 || fs[0].Leaf() {
		return nil, false
	}
	for _, f := range fs[0].Fields() {
		if f.Name() == "value" {
			return f, true
		}
	}
	return nil, false
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
