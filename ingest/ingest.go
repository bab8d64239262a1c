// Package ingest reads source files (CSV with any delimiter, NDJSON; plain or
// gzip; UTF-8, UTF-16 with a byte-order mark, Latin-1 or Windows-1252) into
// records, one row at a time.
//
// A Reader checks the field mapping against the file's columns when it is
// opened, before any row is read, and fails with a *MappingError naming the
// source, the fields and the available columns. After that, a bad row never
// stops the stream: Next returns a *RowError for it, carrying the row's raw
// text, and the next call carries on with the following row. A row whose
// fields' keys hold objects where values are wanted is no bad row: Next
// returns its record without them, and a *FieldErrors that says which.
package ingest

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	unicodeenc "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/concord-er/concord/record"
)

// MaxIDBytes bounds a record id: ids name records in every output, the
// store and the audit log.
const MaxIDBytes = 256

// MaxAttributeBytes bounds a relationship attribute's value; a longer one
// is cut.
const MaxAttributeBytes = 1000

// Formats understood by Open.
const (
	FormatCSV     = "csv"
	FormatNDJSON  = "ndjson"
	FormatXML     = "xml"
	FormatParquet = "parquet"
	FormatXLSX    = "xlsx"
	FormatFixed   = "fixed"
)

// InMemory reports whether the file was read whole into memory when
// opened: a workbook, a Parquet file gzipped or given as a stream.
func (r *Reader) InMemory() bool {
	switch rows := r.rows.(type) {
	case *xlsxRows:
		return true
	case *ndjsonRows:
		p, ok := rows.other.(*parquetRows)
		return ok && p.inMemory
	}
	return false
}

// jsonRows reports whether format's rows are read as JSON objects, their
// values by paths: NDJSON's, XML's and Parquet's.
func jsonRows(format string) bool {
	return format == FormatNDJSON || format == FormatXML || format == FormatParquet
}

// Options describe one source: where its values are and how to read them.
type Options struct {
	Source    string // source name, copied into every key and error
	File      string // file name used in errors
	Format    string // csv | ndjson | xml | parquet | xlsx | fixed
	Sheet     string // xlsx only: the worksheet read; "" for the first
	ID        string // column holding the record id
	Label     string // access label copied into every record
	Delimiter rune   // csv only; 0 detects it from the header line
	// Header names the columns of a CSV file written without a header
	// line (its first line is a row), and those of a fixed-width file,
	// whose Widths, in characters, they have.
	Header   []string
	Widths   []int
	Encoding string // "", "utf-8", "latin1" or "windows-1252"
	Fields   []Field
	// Kind is the entity kind of every record; KindColumn, when set, names
	// a column whose values KindValues maps to kinds instead (values it
	// does not map give an unknown kind).
	Kind       record.EntityKind
	KindColumn string
	KindValues map[string]record.EntityKind
	// Stream says the input arrives over time (standard input, a pipe):
	// Open reads ahead only what it must, the CSV header line, so that the
	// first rows are read as soon as they arrive. NDJSON columns are then
	// not checked against rows read ahead; a row without an id is rejected
	// on its own.
	Stream bool
	// Records is the dotted path of the list of records in a JSON
	// document ({"results": […]}); "" reads a document's first list of
	// objects (a file whose first line is no whole JSON value, but '{'),
	// and NDJSON rows or a JSON array otherwise. Of an XML file, it is
	// the path of the elements that are the records (sdnEntry,
	// INDIVIDUALS.INDIVIDUAL): the element's name, after as many of its
	// parents' as tell it from others of its name; it is required.
	Records string
	// MaxRowBytes bounds a row (CSV) or line (NDJSON); 0 = MaxRowBytes.
	MaxRowBytes int
	// AllowSpecial lets OpenFile read a FIFO or a device.
	AllowSpecial bool
	// SkipEmpty passes over a row whose fields are all empty: it makes no
	// record of this source (a filing without an officer makes no officer
	// record). Skipped counts them.
	SkipEmpty bool
	// Relations are the relationships each record states, each to the
	// record with the same id in another source.
	Relations []Relation
	// Parts are more sources whose records the same rows make (the
	// sources of a source's groups): Next gives each row's record of this
	// source, then those of Parts, in order. A row's reject that every
	// part finds (a missing id) is given once.
	Parts []Options
}

// Relation is a relationship each record states (record.Relation): to the
// record of the same row in source To, or, with Column, to each record of
// To whose id the column holds (split by Split); with the values of the
// Attributes columns.
type Relation struct {
	Type          string
	To            string
	Column, Split string
	Attributes    []string
}

// MaxRelations bounds the relations one record states; more are a reject.
const MaxRelations = 1000

func (o Options) maxRow() int {
	if o.MaxRowBytes > 0 {
		return o.MaxRowBytes
	}
	return MaxRowBytes
}

// Field maps a feature to a column.
type Field struct {
	Name   string
	Kind   record.Kind
	Column string // CSV header name, or NDJSON key (dotted for nested objects)
	// Columns, when set, replaces Column: the values of several columns
	// joined by a space into one (street number and street name).
	Columns []string
	// Missing, when set, reports a cell of Columns that stands for no
	// value (NA as R writes it, N/A): it is left out of the join as an
	// empty cell is, so that FRANK, NA, MUELLER is Frank Mueller. A
	// field of one column leaves its cells to the normaliser, which
	// rejects a placeholder with its reason.
	Missing func(cell string) bool
	Split   string // separator of multi-valued cells; "" = single value
	// Also are more columns whose values are more values of the feature
	// (aliases of a name), each split by its own separator.
	Also []Alias
}

// Alias is a column that adds values to a field.
type Alias struct {
	Column string
	Split  string
}

// RowError describes a row that could not be read. It is what rejects.ndjson
// holds: enough to find the row and fix it, and the row itself.
type RowError struct {
	Source   string `json:"source"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	RecordID string `json:"record_id,omitempty"`
	Field    string `json:"field,omitempty"`
	Reason   string `json:"reason"`
	Raw      string `json:"raw"`
}

func (e *RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d", e.File, e.Line)
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// DuplicateID begins the reason of a row rejected because an earlier row
// of the source has its id.
const DuplicateID = "duplicate record id"

// FieldErrors comes with a record Next returns: the row was read, but the
// values of some of its fields could not be (a key that holds objects,
// ShapeError), and the record is kept without them. Each is a value
// reject, as a value that does not normalise is.
type FieldErrors struct {
	Source   string
	File     string
	Line     int
	RecordID string
	Fields   []FieldError
}

// shapeOf returns err as a *ShapeError, or nil when it is none.
func shapeOf(err error) *ShapeError {
	if err == nil {
		return nil // before se, which escapes: no allocation for a row read well
	}
	var se *ShapeError
	if !errors.As(err, &se) {
		return nil
	}
	return se
}

// keepUnread returns unread with field name's FieldError added, and nil,
// when err, reading the field, is a *ShapeError (the record is kept
// without the field); else unread and err as they are.
func keepUnread(unread []FieldError, name string, err error) ([]FieldError, error) {
	if se := shapeOf(err); se != nil {
		return append(unread, FieldError{Field: name, Reason: se.Error(), Raw: se.Raw()}), nil
	}
	return unread, err
}

// FieldError is one field of a row whose values could not be read.
type FieldError struct {
	Field  string
	Reason string
	Raw    string // what the field's key holds, cut short
}

func (e *FieldErrors) Error() string {
	var b strings.Builder
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s:%d: field %s: %s", e.File, e.Line, f.Field, f.Reason)
	}
	return b.String()
}

// MappingError reports fields whose columns the file does not have.
type MappingError struct {
	Source    string
	File      string
	Missing   []string // "field (column)" for each missing mapping
	Hints     []string // suggestions, e.g. `column "Nombre" differs only in case`
	Available []string // the columns the file has
	paths     []string // the missing columns (keys, paths), as mapped
}

func (e *MappingError) Error() string {
	msg := fmt.Sprintf("source %s (%s): column not found for %s; available columns: %s",
		e.Source, e.File, strings.Join(e.Missing, ", "), strings.Join(e.Available, ", "))
	if len(e.Hints) > 0 {
		msg += " (" + strings.Join(e.Hints, "; ") + ")"
	}
	return msg
}

// ErrFormat is returned by Open for an unknown format or encoding.
var ErrFormat = errors.New("unsupported format")

// Reader yields the records of one source.
type Reader struct {
	opt  Options
	rows rowReader
	seen map[string]firstSeen // record id → where first seen (shared by the files of a File)
	// unseen are mapped NDJSON keys no row has held yet, when the rows
	// read ahead held none of them but were not the whole file.
	unseen []string
	index  [][]int // column indexes of each field (csv)
	also   [][]int // column indexes of each field's Also columns (csv)
	idIdx  int
	kind   int     // column index of the kind column (csv)
	attrs  [][]int // column indexes of each relation's attributes (csv)
	toIdx  []int   // column index of each relation's Column (csv)
	// skipped counts rows passed over as empty (Options.SkipEmpty).
	skipped int64
	parts   []*Reader // readers of Options.Parts, over the same rows
	queue   []result  // what the last row made, not yet given
	// encoding is the warning about an encoding read from the file, not
	// declared ("" when none was guessed).
	encoding string
	// rowsRead counts the rows read (bad ones too); ended says the file's end
	// was reached: a file that ends with no row is warned of.
	rowsRead int64
	ended    bool
	// unmapped counts the kind column's values that KindValues does not
	// name, by value (maxUnmappedKinds of them; the rest under "").
	unmapped map[string]int64
}

// maxUnmappedKinds bounds the distinct kind values Reader.unmapped counts.
const maxUnmappedKinds = 32

// firstSeen is where a record id was first seen: the file, and its line.
type firstSeen struct {
	file string
	line int
}

type result struct {
	rec record.Record
	err error
}

// Skipped returns how many rows were passed over because their fields
// were all empty (Options.SkipEmpty), this source's and its parts'.
func (rd *Reader) Skipped() int64 {
	n := rd.skipped
	for _, p := range rd.parts {
		n += p.skipped
	}
	return n
}

// rowReader is implemented by the CSV, NDJSON (XML, Parquet) and XLSX readers.
type rowReader interface {
	// next returns the next row's line, raw text, and a lookup of columns.
	next() (row, error)
	// warnings are problems with the file as a whole, so far.
	warnings() []string
}

type row struct {
	line int
	raw  func() string
	// values returns the raw values of column i (csv) or key (ndjson).
	values func(col int, key string) ([]string, error)
}

// Open reads the header (CSV) or the first rows (NDJSON) of r and checks the
// mapping. r is the file's content, possibly gzip-compressed.
func Open(r io.Reader, opt Options) (*Reader, error) {
	if opt.File == "" {
		opt.File = opt.Source
	}
	var dec io.Reader
	var note string
	var err error
	switch {
	case opt.Format == FormatParquet:
		dec = r // read in place where it can be (parquetSource); binary, as a workbook is
	case opt.Format == FormatXLSX:
		dec, err = decompress(r) // binary: no text encoding to read it in
	default:
		dec, note, err = decode(r, opt.Encoding, !opt.Stream)
	}
	if err != nil {
		return nil, fmt.Errorf("source %s (%s): %w", opt.Source, opt.File, err)
	}
	rd := &Reader{opt: opt, seen: make(map[string]firstSeen), encoding: note}
	var cols []string
	// An NDJSON file longer than the rows read ahead may hold a key first
	// after them (a list's companies after its people, a property few rows
	// have): its mapping is checked as the rows are read, and a key no row
	// held is warned of at the end (Warnings).
	later := false
	switch opt.Format {
	case FormatCSV, "":
		c, err := newCSV(dec, opt.Delimiter, opt.maxRow(), opt.Header, opt.ID)
		if err != nil {
			return nil, fmt.Errorf("source %s (%s): %w", opt.Source, opt.File, err)
		}
		rd.rows, cols = c, c.header
	case FormatFixed:
		fx, err := newFixed(dec, opt.maxRow(), opt.Header, opt.Widths)
		if err != nil {
			return nil, fmt.Errorf("source %s (%s): %w", opt.Source, opt.File, err)
		}
		rd.rows, cols = fx, fx.header
	case FormatXLSX:
		x, err := newXLSX(dec, opt.Sheet, opt.ID, opt.maxRow())
		if err != nil {
			return nil, fmt.Errorf("source %s (%s): %w", opt.Source, opt.File, err)
		}
		rd.rows, cols = x, x.header
	case FormatNDJSON, FormatXML, FormatParquet:
		peek := peekRows
		if opt.Stream {
			peek = 0
		}
		var n *ndjsonRows
		switch opt.Format {
		case FormatXML:
			n, err = newXMLRows(dec, peek, opt.maxRow(), opt.Records)
		case FormatParquet:
			n, err = newParquet(dec, peek, opt.maxRow())
		default:
			n, err = newNDJSON(dec, peek, opt.maxRow(), opt.Records, opt.ID)
		}
		if err != nil {
			return nil, fmt.Errorf("source %s (%s): %w", opt.Source, opt.File, err)
		}
		rd.rows, cols, later = n, n.keys(), !n.peekedAll
		// Rows read ahead none of which is an object (a file of no rows,
		// or of bad ones) have no keys to check a mapping against: the
		// rows are read, the bad ones rejected, and the file warned of at
		// its end (Warnings).
		later = later || len(cols) == 0
	default:
		return nil, fmt.Errorf("source %s: %w %q", opt.Source, ErrFormat, opt.Format)
	}
	lenient := opt.Stream && jsonRows(opt.Format) // (a stream's JSON rows were not read ahead to check against)
	check := func(r *Reader) error {
		err := r.resolveColumns(cols)
		var me *MappingError
		if err != nil && later && errors.As(err, &me) {
			r.unseen, err = me.paths, nil
		}
		if lenient {
			err = nil
		}
		return err
	}
	if err := check(rd); err != nil {
		return nil, err
	}
	for _, po := range opt.Parts {
		po.File = opt.File
		part := &Reader{opt: po, rows: rd.rows, seen: make(map[string]firstSeen)}
		if err := check(part); err != nil {
			return nil, err
		}
		rd.parts = append(rd.parts, part)
	}
	return rd, nil
}

// Decompress returns r's content, gunzipped when it starts with gzip's
// magic bytes: what sources, ground truth and cluster files may be.
func Decompress(r io.Reader) (io.Reader, error) { return decompress(r) }

func decompress(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, bufferSize(r))
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(zr, readBuffer)
	}
	return br, nil
}

// readBuffer is the size of the buffers sources are read through.
const readBuffer = 64 << 10

// bufferSize is the read buffer for r: readBuffer, or less for a reader
// that says how much it holds (rows given in memory: an HTTP upload's
// rows of one source, a few kilobytes, were each read through 64 KiB —
// 14% of what bench --serve's uploads allocated).
func bufferSize(r io.Reader) int {
	if l, ok := r.(interface{ Len() int }); ok && l.Len() < readBuffer {
		return max(l.Len()+1, 512)
	}
	return readBuffer
}

// buffered returns r as a *bufio.Reader: r itself when it is one, of any
// size (lineReader reads lines longer than its reader's buffer).
func buffered(r io.Reader) *bufio.Reader {
	if br, ok := r.(*bufio.Reader); ok {
		return br
	}
	return bufio.NewReaderSize(r, readBuffer)
}

// sniffBytes is how much of a file without a declared encoding is read
// ahead to tell UTF-8 from a legacy single-byte encoding.
const sniffBytes = 1 << 20

// decode strips gzip compression, converts the encoding to UTF-8 and removes
// a byte-order mark. With sniff set (a file, not a stream, which would
// have to be waited for), its first sniffBytes are read ahead:
//   - with no encoding declared, a file they show is not UTF-8 is read as
//     Windows-1252, the encoding of most legacy Western files and a
//     superset of Latin-1's letters;
//   - with Latin-1 or Windows-1252 declared, a file they show is UTF-8,
//     with characters beyond ASCII, is read as UTF-8: read as declared,
//     each of those would be two or three wrong ones (García as GarcÃ­a),
//     and Latin-1 text is never valid UTF-8 so by chance.
//
// note says what was read otherwise than declared. Declared UTF-8 is held
// to: its invalid rows are rejected.
func decode(r io.Reader, encoding string, sniff bool) (out io.Reader, note string, err error) {
	br, err := decompress(r)
	if err != nil {
		return nil, "", err
	}
	out = br
	declared := strings.ToLower(encoding)
	// A UTF-16 byte-order mark starts what spreadsheets save as Unicode
	// text: the file is UTF-16, whatever is declared (no text of another
	// encoding starts ÿþ or þÿ).
	if bom, _ := br.Peek(2); len(bom) == 2 && (bom[0] == 0xFF && bom[1] == 0xFE || bom[0] == 0xFE && bom[1] == 0xFF) {
		note := ""
		if declared != "" {
			note = fmt.Sprintf("the source declares encoding %s, but the file starts with a UTF-16 byte-order mark (as spreadsheets save Unicode text): it is read as UTF-16", encoding)
		}
		return transform.NewReader(br, unicodeenc.UTF16(unicodeenc.LittleEndian, unicodeenc.ExpectBOM).NewDecoder()), note, nil
	}
	switch declared {
	case "", "latin1", "latin-1", "iso-8859-1", "windows-1252", "cp1252":
		if !sniff {
			break
		}
		br = bufio.NewReaderSize(br, sniffBytes)
		out = br
		head, err := br.Peek(sniffBytes)
		utf8Head := validUTF8Start(head, err != nil)
		switch {
		case declared == "" && !utf8Head:
			switch xmlDeclares(head) { // the file declares it
			case "iso-8859-1":
				return charmap.ISO8859_1.NewDecoder().Reader(br), "", nil
			case "windows-1252":
				return charmap.Windows1252.NewDecoder().Reader(br), "", nil
			}
			return charmap.Windows1252.NewDecoder().Reader(br), "no encoding is declared and the file's first bytes are not UTF-8: it is read as windows-1252; declare the source's encoding (utf-8, latin1, windows-1252) to say which it is", nil
		case declared != "" && utf8Head && !isASCIIBytes(head):
			if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
				_, _ = br.Discard(3)
			}
			return br, fmt.Sprintf("the source declares encoding %s, but the file's first bytes are UTF-8 with characters beyond ASCII, which read as %s would each be two or three wrong ones (García as GarcÃ­a): it is read as UTF-8; declare encoding utf-8", encoding, encoding), nil
		}
	}
	switch declared {
	case "", "utf-8", "utf8":
		if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
			_, _ = br.Discard(3)
		}
	case "latin1", "latin-1", "iso-8859-1":
		out = charmap.ISO8859_1.NewDecoder().Reader(br)
	case "windows-1252", "cp1252":
		out = charmap.Windows1252.NewDecoder().Reader(br)
	default:
		return nil, "", fmt.Errorf("%w: encoding %q", ErrFormat, encoding)
	}
	return out, "", nil
}

// xmlDeclaration is an XML file's declaration and the encoding it names.
var xmlDeclaration = regexp.MustCompile(`^<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// xmlDeclares returns the single-byte encoding an XML declaration at the
// start of head names, as iso-8859-1 or windows-1252; "" for any other, or
// none.
func xmlDeclares(head []byte) string {
	m := xmlDeclaration.FindSubmatch(head)
	if m == nil {
		return ""
	}
	switch strings.ToLower(string(m[1])) {
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
		return "iso-8859-1"
	case "windows-1252", "cp1252":
		return "windows-1252"
	}
	return ""
}

// isASCIIBytes reports whether b is all ASCII.
func isASCIIBytes(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// validUTF8Start reports whether b, the start of a text (all of it when
// whole), is UTF-8: a character cut at the end of a start does not count
// against it.
func validUTF8Start(b []byte, whole bool) bool {
	if !whole {
		i := len(b) - 1
		for i > 0 && len(b)-i < utf8.UTFMax && !utf8.RuneStart(b[i]) {
			i--
		}
		if i >= 0 && !utf8.FullRune(b[i:]) {
			b = b[:i]
		}
	}
	return utf8.Valid(b)
}

func (rd *Reader) resolveColumns(cols []string) error {
	col := func(c string) string { return c }
	if jsonRows(rd.opt.Format) {
		col = PathColumn
	}
	pos := make(map[string]int, len(cols))
	dup := map[string]bool{}
	for i, c := range cols {
		if _, ok := pos[c]; ok {
			dup[c] = true
		}
		pos[c] = i
	}
	me := &MappingError{Source: rd.opt.Source, File: rd.opt.File, Available: cols}
	find := func(what, path string) int {
		col := col(path)
		if i, ok := pos[col]; ok && !dup[col] {
			return i
		}
		me.Missing = append(me.Missing, fmt.Sprintf("%s (%q)", what, col))
		me.paths = append(me.paths, path)
		if dup[col] {
			me.Hints = append(me.Hints, fmt.Sprintf("column %q appears more than once", col))
			return -1
		}
		for _, c := range cols {
			if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(col)) {
				me.Hints = append(me.Hints, fmt.Sprintf("did you mean %q?", c))
			}
		}
		return -1
	}
	rd.idIdx = find("id", rd.opt.ID)
	if rd.opt.KindColumn != "" {
		rd.kind = find("kind", rd.opt.KindColumn)
	}
	rd.index = make([][]int, len(rd.opt.Fields))
	rd.also = make([][]int, len(rd.opt.Fields))
	for i, f := range rd.opt.Fields {
		for _, col := range f.columns() {
			rd.index[i] = append(rd.index[i], find(f.Name, col))
		}
		for _, a := range f.Also {
			rd.also[i] = append(rd.also[i], find(f.Name, a.Column))
		}
	}
	rd.attrs = make([][]int, len(rd.opt.Relations))
	rd.toIdx = make([]int, len(rd.opt.Relations))
	for i, r := range rd.opt.Relations {
		if r.Column != "" {
			rd.toIdx[i] = find(r.Type+" ids", r.Column)
		}
		for _, a := range r.Attributes {
			rd.attrs[i] = append(rd.attrs[i], find(r.Type+" attribute", a))
		}
	}
	if len(me.Missing) > 0 {
		return me
	}
	return nil
}

// Next returns the next record. At the end of input it returns io.EOF. For
// a bad row it returns a *RowError; the caller records it and calls Next
// again. With a *FieldErrors it returns a record too: keep the record and
// report each field as a value reject. Any other error (an I/O failure)
// ends the stream.
// Warnings are problems with the file as a whole found so far, beyond
// single rows: an encoding read from the file rather than declared, a
// rejected row that spans many lines, where a quote left open may have
// taken rows with it, a file that ended with no row. The caller names the
// source.
func (rd *Reader) Warnings() []string {
	var out []string
	if rd.encoding != "" {
		out = append(out, rd.encoding)
	}
	if rd.ended && rd.rowsRead == 0 {
		out = append(out, "the file holds no rows, so the source has no records: check its path and export")
	}
	if !rd.ended {
		return append(out, rd.rows.warnings()...)
	}
	for _, r := range append([]*Reader{rd}, rd.parts...) {
		group := ""
		if r != rd {
			group = r.opt.Source + ": "
		}
		if len(r.unseen) > 0 && rd.rowsRead > 0 {
			out = append(out, fmt.Sprintf("%sno row read held %s, mapped in the config (the first %d rows did not either, and the run went on): check the mapping",
				group, strings.Join(r.unseen, ", "), peekRows))
		}
		if w := r.unmappedWarning(group); w != "" {
			out = append(out, w)
		}
	}
	return append(out, rd.rows.warnings()...)
}

// countUnmapped counts v, a value of the kind column that KindValues does
// not name.
func (rd *Reader) countUnmapped(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	if rd.unmapped == nil {
		rd.unmapped = map[string]int64{}
	}
	if _, ok := rd.unmapped[v]; !ok && len(rd.unmapped) >= maxUnmappedKinds {
		v = ""
	}
	rd.unmapped[v]++
}

// unmappedWarning says which values of the kind column its values: map
// does not name, the commonest first, and what became of their records,
// after group (a part's source, or ""); "" when every value was named.
func (rd *Reader) unmappedWarning(group string) string {
	if len(rd.unmapped) == 0 {
		return ""
	}
	type count struct {
		v string
		n int64
	}
	// Only a code many rows share is named: a column of another kind
	// (names, ids) mapped as the kind's must not put record contents in a
	// warning.
	var counts []count
	total := int64(0)
	for v, n := range rd.unmapped {
		total += n
		if v != "" && n >= minKindShown {
			counts = append(counts, count{v, n})
		}
	}
	_, overflow := rd.unmapped[""]
	slices.SortFunc(counts, func(a, b count) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.v, b.v)) })
	var shown []string
	for _, c := range counts[:min(5, len(counts))] {
		shown = append(shown, fmt.Sprintf("%q %d", c.v, c.n))
	}
	which := ""
	switch {
	case overflow:
		which = fmt.Sprintf(" (more than %d values: is it the column meant?)", maxUnmappedKinds)
	case len(shown) > 0:
		which = " (" + strings.Join(shown, ", ") + ")"
	}
	return fmt.Sprintf("%s%d rows hold a value of the kind column %s that its values: map does not name%s: their records' kinds are read from their names, as a source without a kind's are; add the values to the map",
		group, total, rd.opt.KindColumn, which)
}

// minKindShown is the fewest rows a kind value not in the map is held by
// for a warning to name it.
const minKindShown = 3

// sawKeys drops from r.unseen the keys row holds.
func (rd *Reader) sawKeys(r row) {
	rd.unseen = slices.DeleteFunc(rd.unseen, func(path string) bool {
		vals, err := r.values(-1, path)
		return err == nil && len(vals) > 0 || shapeOf(err) != nil
	})
}

func (rd *Reader) Next() (record.Record, error) {
	for len(rd.queue) == 0 {
		r, err := rd.rows.next()
		if errors.Is(err, io.EOF) {
			rd.ended = true
		} else {
			rd.rowsRead++
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) {
				re.Source, re.File = rd.opt.Source, rd.opt.File
			}
			return record.Record{}, err
		}
		var seen []RowError
		for _, part := range append([]*Reader{rd}, rd.parts...) {
			if len(part.unseen) > 0 {
				part.sawKeys(r)
			}
			rec, empty, err := part.build(r)
			var re *RowError
			switch {
			case empty:
				part.skipped++
			case errors.As(err, &re) && slices.ContainsFunc(seen, func(s RowError) bool { return s.Field == re.Field && s.Reason == re.Reason }):
				// every part finds it: given once
			default:
				if re != nil {
					seen = append(seen, *re)
				}
				rd.queue = append(rd.queue, result{rec, err})
			}
		}
	}
	next := rd.queue[0]
	rd.queue = rd.queue[1:]
	return next.rec, next.err
}

// build makes the record of one row; empty says it was passed over
// (Options.SkipEmpty).
func (rd *Reader) build(r row) (_ record.Record, empty bool, _ error) {
	reject := func(field, id, format string, args ...any) (record.Record, bool, error) {
		return record.Record{}, false, &RowError{Source: rd.opt.Source, File: rd.opt.File, Line: r.line,
			RecordID: id, Field: field, Reason: fmt.Sprintf(format, args...), Raw: r.raw()}
	}
	ids, err := r.values(rd.idIdx, rd.opt.ID)
	if err != nil {
		return reject(rd.opt.ID, "", "id: %v", err)
	}
	if len(ids) != 1 || ids[0] == "" {
		return reject(rd.opt.ID, "", "missing record id in column %q", rd.opt.ID)
	}
	id := ids[0]
	if len(id) > MaxIDBytes {
		return reject(rd.opt.ID, "", "record id of %d bytes, longer than %d", len(id), MaxIDBytes)
	}
	if strings.ContainsFunc(id, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }) {
		return reject(rd.opt.ID, "", "record id %q holds a control character", id)
	}
	if first, dup := rd.seen[id]; dup {
		if first.file != rd.opt.File {
			return reject(rd.opt.ID, id, "%s (first seen in %s at line %d)", DuplicateID, first.file, first.line)
		}
		return reject(rd.opt.ID, id, "%s (first seen at line %d)", DuplicateID, first.line)
	}
	rec := record.Record{
		Key:      record.Key{Source: rd.opt.Source, ID: id},
		Line:     r.line,
		Label:    rd.opt.Label,
		Kind:     rd.opt.Kind,
		Features: make([]record.Feature, len(rd.opt.Fields)),
	}
	if rd.opt.KindColumn != "" {
		vals, err := r.values(rd.kind, rd.opt.KindColumn)
		if err != nil {
			return reject(rd.opt.KindColumn, id, "kind: %v", err)
		}
		if len(vals) == 1 {
			if rec.Kind = kindOf(rd.opt.KindValues, vals[0]); rec.Kind == record.EntityUnknown {
				rd.countUnmapped(vals[0])
			}
		}
	}
	// A field whose key holds objects (ShapeError) is left empty and
	// reported: the mapping, not the row, is at fault, and the record's
	// other fields stand.
	var unread []FieldError
	for i, f := range rd.opt.Fields {
		vals, err := fieldValues(r, rd.index[i], f.columns(), f.Missing)
		if unread, err = keepUnread(unread, f.Name, err); err != nil {
			return reject(f.Name, id, "%v", err)
		}
		if f.Split != "" {
			vals = split(vals, f.Split)
		}
		for j, a := range f.Also {
			more, err := r.values(rd.also[i][j], a.Column)
			if unread, err = keepUnread(unread, f.Name, err); err != nil {
				return reject(f.Name, id, "%v", err)
			}
			if a.Split != "" {
				more = split(more, a.Split)
			}
			vals = append(vals, more...)
		}
		rec.Features[i] = record.Feature{Name: f.Name, Kind: f.Kind, Raw: vals}
	}
	if rd.opt.SkipEmpty && !hasValue(rec.Features) {
		if len(unread) > 0 { // nothing else to keep: the row is the reject
			return reject(unread[0].Field, id, "%s", unread[0].Reason)
		}
		return record.Record{}, true, nil
	}
	for i, rel := range rd.opt.Relations {
		out := record.Relation{Type: rel.Type, To: record.Key{Source: rel.To, ID: id}}
		tos := []string{id}
		if rel.Column != "" {
			vals, err := r.values(rd.toIdx[i], rel.Column)
			if err != nil {
				return reject(rel.Column, id, "%s ids: %v", rel.Type, err)
			}
			if rel.Split != "" {
				vals = split(vals, rel.Split)
			}
			tos = tos[:0]
			for _, v := range vals {
				if v = strings.TrimSpace(v); v != "" && len(v) <= MaxIDBytes && !slices.Contains(tos, v) {
					tos = append(tos, v)
				}
			}
			if len(tos) > MaxRelations {
				return reject(rel.Column, id, "%s: %d ids, more than %d", rel.Type, len(tos), MaxRelations)
			}
		}
		for j, col := range rel.Attributes {
			vals, err := r.values(rd.attrs[i][j], col)
			if err != nil {
				return reject(col, id, "%s attribute: %v", rel.Type, err)
			}
			v := strings.TrimSpace(strings.Join(vals, "; "))
			if v == "" {
				continue
			}
			if len(v) > MaxAttributeBytes {
				v = strings.ToValidUTF8(v[:MaxAttributeBytes], "")
			}
			if out.Attributes == nil {
				out.Attributes = map[string]string{}
			}
			out.Attributes[col] = v
		}
		for _, to := range tos {
			out.To.ID = to
			rec.Relations = append(rec.Relations, out)
		}
	}
	rd.seen[id] = firstSeen{rd.opt.File, r.line}
	if len(unread) > 0 {
		return rec, false, &FieldErrors{Source: rd.opt.Source, File: rd.opt.File, Line: r.line, RecordID: id, Fields: unread}
	}
	return rec, false, nil
}

// hasValue reports whether any feature holds a value that is not blank.
func hasValue(features []record.Feature) bool {
	for _, f := range features {
		for _, v := range f.Raw {
			if strings.TrimSpace(v) != "" {
				return true
			}
		}
	}
	return false
}

// kindOf maps a kind column's value to a kind, ignoring case and spaces
// around it; a value not in the map gives an unknown kind.
func kindOf(values map[string]record.EntityKind, v string) record.EntityKind {
	v = strings.TrimSpace(v)
	if k, ok := values[v]; ok {
		return k
	}
	for w, k := range values {
		if strings.EqualFold(w, v) {
			return k
		}
	}
	return record.EntityUnknown
}

func (f Field) columns() []string {
	if len(f.Columns) > 0 {
		return f.Columns
	}
	return []string{f.Column}
}

// fieldValues returns the values of a field: those of its column, or the
// values of its columns joined by a space, but those missing reports.
func fieldValues(r row, index []int, cols []string, missing func(string) bool) ([]string, error) {
	if len(cols) == 1 {
		return r.values(index[0], cols[0])
	}
	var parts []string
	for i, col := range cols {
		vals, err := r.values(index[i], col)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			if missing == nil || !missing(v) {
				parts = append(parts, v)
			}
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return []string{strings.Join(parts, " ")}, nil
}

// split splits every value on sep and drops empty parts.
func split(vals []string, sep string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, sep) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// ContextReader returns a reader of r that fails with ctx's error once ctx
// is done, so that reading a long or endless input stops when asked to.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
