package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// peekRows is how many NDJSON rows are read ahead to learn the keys a file
// has, so that a mapping to a key that never appears fails up front.
const peekRows = 100

type ndjsonRows struct {
	lines *lineReader // an NDJSON file's lines; nil for a JSON array's
	array *arrayElements
	// other reads the rows of a file of another format, each as its
	// JSON object would read (decodedRow): an XML file's records
	// (xmlElements), a Parquet file's rows (parquetRows); nil for JSON.
	other   interface{ next() (ndjsonLine, error) }
	max     int          // the longest row kept
	pending []ndjsonLine // rows read ahead by newNDJSON, served first
	// peekedAll says that the rows read ahead are the whole file.
	peekedAll bool
	obj       map[string]any
}

type ndjsonLine struct {
	line int
	text []byte
	// obj is a row another format decoded (an XML record, a Parquet
	// row), its values as parseObject reads them from JSON text
	// (decodedRow); text is then nil, and written only for a reject.
	obj      map[string]any
	overlong bool   // longer than the reader's bound: text is cut short
	reason   string // why the row is rejected, where no text could be read (XML not well formed)
}

// decodedRow returns a line of v, a row another format decoded, whose
// values are as parseObject would read them from v's JSON text (asJSON):
// so a Parquet or XML row maps as its JSON object would, without writing
// and reading that text. A row that is no object is rejected as its text
// would be; one whose values JSON cannot write (a NaN) with the encoder's
// error.
func decodedRow(line int, v any) ndjsonLine {
	v, err := asJSON(v, 0)
	if err != nil {
		return ndjsonLine{line: line, reason: fmt.Sprintf("row %d cannot be read as JSON: %v", line, err)}
	}
	obj, err := asObject(v)
	if err != nil {
		text, _ := json.Marshal(v)
		return ndjsonLine{line: line, text: text, reason: err.Error()}
	}
	return ndjsonLine{line: line, obj: obj}
}

// asJSON returns v as parseObject reads it from v's JSON text: integers
// json.Number, text valid UTF-8, objects and lists converted in place.
// What it does not know (a float, whose text JSON writes its own way,
// text that is not UTF-8, a value nested deeper than maxNesting) goes
// through JSON text.
func asJSON(v any, depth int) (any, error) {
	if depth <= maxNesting {
		switch x := v.(type) {
		case nil, bool:
			return v, nil
		case string:
			if utf8.ValidString(x) {
				return x, nil
			}
		case int, int8, int16, int32, int64:
			return json.Number(strconv.FormatInt(reflect.ValueOf(x).Int(), 10)), nil
		case uint, uint8, uint16, uint32, uint64:
			return json.Number(strconv.FormatUint(reflect.ValueOf(x).Uint(), 10)), nil
		case []any:
			for i := range x {
				e, err := asJSON(x[i], depth+1)
				if err != nil {
					return nil, err
				}
				x[i] = e
			}
			return x, nil
		case map[string]any:
			if validKeys(x) {
				for k, e := range x {
					e, err := asJSON(e, depth+1)
					if err != nil {
						return nil, err
					}
					x[k] = e
				}
				return x, nil
			}
		}
	}
	text, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return readJSON(text)
}

// validKeys reports whether every key of m is UTF-8.
func validKeys(m map[string]any) bool {
	for k := range m {
		if !utf8.ValidString(k) {
			return false
		}
	}
	return true
}

// jsonSize is about the size of v's JSON text (a control character's
// escape may be shorter).
func jsonSize(v any) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		if x {
			return 4
		}
		return 5
	case json.Number:
		return len(x)
	case string:
		n := len(x) + 2
		for i := range len(x) {
			switch c := x[i]; {
			case c == '"' || c == '\\':
				n++
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 5
			}
		}
		return n
	case []any:
		n := 2 + max(len(x)-1, 0)
		for _, e := range x {
			n += jsonSize(e)
		}
		return n
	case map[string]any:
		n := 2 + max(len(x)-1, 0)
		for k, e := range x {
			n += len(k) + 3 + jsonSize(e)
		}
		return n
	}
	return 0
}

// newNDJSON reads rows of JSON objects from r: a row a line (NDJSON), the
// elements of one JSON array, objects written over several lines one
// after another, or the elements of a list in a JSON document (records:
// its path; or, where the file's first object does not hold the key of
// the record id, id, its first list of objects: see documentRecords).
func newNDJSON(r io.Reader, peek, maxRow int, records, id string) (*ndjsonRows, error) {
	br := buffered(r)
	n := &ndjsonRows{max: maxRow}
	switch {
	case records != "":
		n.array = &arrayElements{r: br, max: maxRow, line: 1, document: true}
		if err := n.array.documentRecords(records, ""); err != nil {
			return nil, err
		}
	case isArray(br):
		n.array = &arrayElements{r: br, max: maxRow, line: 1}
		if _, err := n.array.skipSpace(); err != nil { // the '[' isArray saw
			return nil, err
		}
	case multiline(br):
		// A row written over several lines: JSON objects one after
		// another, as jq writes them; or a document wrapping its list of
		// records, where the first object holds a list of objects, not
		// the id's key, and is not followed by another.
		keys, list, next := firstKeys(br, peek == 0)
		n.array = &arrayElements{r: br, max: maxRow, line: 1, values: true}
		if list && !next && !holdsID(keys, id) {
			n.array.values, n.array.document = false, true
			if err := n.array.documentRecords("", id); err != nil {
				return nil, err
			}
		}
	default:
		n.lines = &lineReader{r: br, max: maxRow}
	}
	return n, n.readAhead(peek)
}

// newXMLRows reads the elements at path records of an XML file as rows of
// JSON objects (xmlElements).
func newXMLRows(r io.Reader, peek, maxRow int, records string) (*ndjsonRows, error) {
	br := buffered(r)
	x, err := newXMLElements(br, records, maxRow)
	if err != nil {
		return nil, err
	}
	return otherRows(x, peek, maxRow)
}

// newParquet reads the rows of a Parquet file as rows of JSON objects
// (parquetRows).
func newParquet(r io.Reader, peek, maxRow int) (*ndjsonRows, error) {
	p, err := newParquetRows(r, maxRow)
	if err != nil {
		return nil, err
	}
	return otherRows(p, peek, maxRow)
}

// otherRows reads the rows of a file of another format that other gives
// as JSON objects, peek of them ahead.
func otherRows(other interface{ next() (ndjsonLine, error) }, peek, maxRow int) (*ndjsonRows, error) {
	n := &ndjsonRows{max: maxRow, other: other}
	return n, n.readAhead(peek)
}

// readAhead reads up to peek rows ahead, served first, so that the keys
// they hold check the mapping (keys).
func (n *ndjsonRows) readAhead(peek int) error {
	for len(n.pending) < peek {
		l, err := n.readLine()
		if errors.Is(err, io.EOF) {
			n.peekedAll = true
			break
		}
		if err != nil {
			return err
		}
		n.pending = append(n.pending, l)
	}
	return nil
}

// readLine returns the next non-blank line, or the next element of a
// JSON array.
func (n *ndjsonRows) readLine() (ndjsonLine, error) {
	if n.other != nil {
		return n.other.next()
	}
	if n.array != nil {
		l, err := n.array.next()
		if !errors.Is(err, errAfterArray) {
			return l, err
		}
		// Rows after the array: read a line each, numbered on.
		n.lines, n.array = &lineReader{r: n.array.r, max: n.max, n: n.array.line - 1}, nil
	}
	for {
		l, num, err := n.lines.next()
		if err != nil {
			return ndjsonLine{}, err
		}
		if !l.overlong && strings.TrimSpace(l.text) == "" {
			continue
		}
		return ndjsonLine{line: num, text: []byte(l.text), overlong: l.overlong}, nil
	}
}

// keys returns the keys seen in the rows read ahead, nested ones dotted.
func (n *ndjsonRows) keys() []string {
	seen := map[string]bool{}
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		// In name order, so that the columns an error lists are always
		// in the same order.
		for _, k := range slices.Sorted(maps.Keys(m)) {
			v := m[k]
			key := prefix + k
			if !seen[key] {
				seen[key] = true
				out = append(out, key)
			}
			switch x := v.(type) {
			case map[string]any:
				walk(key+".", x)
			case []any: // a list of objects: ids.number for [{"number": …}]
				for _, e := range x {
					if sub, ok := e.(map[string]any); ok {
						walk(key+".", sub)
					}
				}
			}
		}
	}
	for _, l := range n.pending {
		if l.obj != nil {
			walk("", l.obj)
		} else if obj, err := parseObject(l.text); err == nil {
			walk("", obj)
		}
	}
	return out
}

func parseObject(text []byte) (map[string]any, error) {
	v, err := readJSON(text)
	if err != nil {
		return nil, err
	}
	return asObject(v)
}

// readJSON reads the one JSON value text holds, its numbers as
// json.Number.
func readJSON(text []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("invalid JSON: data after the object")
	}
	return v, nil
}

// asObject returns v as a row's object, or why a row cannot be v.
func asObject(v any) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a row must be a JSON object, got %s", jsonType(v))
	}
	return obj, nil
}

func (n *ndjsonRows) warnings() []string { return nil }

func (n *ndjsonRows) next() (row, error) {
	var l ndjsonLine
	if len(n.pending) > 0 {
		l, n.pending = n.pending[0], n.pending[1:]
	} else {
		var err error
		if l, err = n.readLine(); err != nil {
			return row{}, err
		}
	}
	raw := func() string {
		if l.text == nil && l.obj != nil {
			l.text, _ = json.Marshal(l.obj)
		}
		return string(l.text)
	}
	if l.reason != "" {
		return row{}, &RowError{Line: l.line, Raw: raw(), Reason: l.reason}
	}
	if l.overlong {
		return row{}, &RowError{Line: l.line, Raw: raw(), Reason: fmt.Sprintf("row longer than %d bytes (kept here cut short)", n.max)}
	}
	obj := l.obj // a row another format decoded
	if obj == nil {
		if !utf8.Valid(l.text) {
			return row{}, &RowError{Line: l.line, Raw: raw(), Reason: "row is not valid UTF-8: set the source's encoding (latin1, windows-1252)"}
		}
		var err error
		if obj, err = parseObject(l.text); err != nil {
			return row{}, &RowError{Line: l.line, Raw: raw(), Reason: err.Error()}
		}
	}
	n.obj = obj
	return row{line: l.line, raw: raw, values: n.values}, nil
}

func (n *ndjsonRows) values(_ int, key string) ([]string, error) {
	found := lookup(n.obj, key)
	var out []string
	for _, v := range found {
		vals, err := scalars(key, v, true)
		if err != nil {
			if se := shapeOf(err); se != nil {
				se.v = v // the whole value: every element's keys, and all of it kept
			}
			return nil, err
		}
		out = append(out, vals...)
	}
	return out, nil
}

// lookup finds key in obj: first as a literal key, then as a dotted path.
// A path goes through lists of objects, each element in turn, and a part
// may filter them: ids[type=passport].number is the number of every
// element of ids whose type is passport.
func lookup(obj map[string]any, key string) []any {
	if v, ok := obj[key]; ok {
		return []any{v}
	}
	cur := []any{obj}
	for _, part := range splitPath(key) {
		name, field, want, filtered := parsePart(part)
		var next []any
		for _, c := range cur {
			for _, m := range objects(c) {
				v, ok := m[name]
				if !ok {
					continue
				}
				if !filtered {
					next = append(next, v)
					continue
				}
				for _, e := range objects(v) {
					if s, err := scalars(field, e[field], false); err == nil && len(s) == 1 && strings.EqualFold(s[0], want) {
						next = append(next, e)
					}
				}
			}
		}
		if len(next) == 0 {
			return nil
		}
		cur = next
	}
	return cur
}

// objects returns v as a list of objects: itself, or the objects of a list.
func objects(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// splitPath splits a path on the dots outside brackets, without
// JSONPath's "$." before it.
func splitPath(key string) []string {
	key = strings.TrimPrefix(key, "$.")
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(key); i++ {
		switch key[i] {
		case '[':
			depth++
		case ']':
			depth--
		case '.':
			if depth == 0 {
				parts = append(parts, key[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, key[start:])
}

// parsePart reads "name" or "name[field=value]"; "name[]" and "name[*]",
// as JSONPath writes every element of a list, read as "name".
func parsePart(part string) (name, field, value string, filtered bool) {
	name, rest, ok := strings.Cut(part, "[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return part, "", "", false
	}
	if rest == "]" || rest == "*]" {
		return name, "", "", false
	}
	field, value, ok = strings.Cut(strings.TrimSuffix(rest, "]"), "=")
	if !ok {
		return part, "", "", false
	}
	return name, strings.TrimSpace(field), strings.Trim(strings.TrimSpace(value), `"'`), true
}

// PathColumn returns the column a path reads, without its filters: the
// key that must appear in the file (ids[type=passport].number → ids.number).
func PathColumn(path string) string {
	parts := splitPath(path)
	for i, p := range parts {
		parts[i], _, _, _ = parsePart(p)
	}
	return strings.Join(parts, ".")
}

func scalars(key string, v any, allowList bool) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if s := strings.TrimSpace(x); s != "" {
			return []string{s}, nil
		}
		return nil, nil
	case json.Number:
		return []string{x.String()}, nil
	case bool:
		return []string{strconv.FormatBool(x)}, nil
	case map[string]any:
		// An XML element with attributes and text: its text
		// (<id type="passport">B63358773</id>).
		if t, ok := x["#text"].(string); ok {
			return scalars(key, t, false)
		}
	case []any:
		if !allowList {
			return nil, &ShapeError{Key: key, v: v}
		}
		var out []string
		for _, e := range x {
			s, err := scalars(key, e, false)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
		}
		return out, nil
	}
	return nil, &ShapeError{Key: key, v: v}
}

// ShapeError is a key that holds objects, or lists in a list, where a
// field wants values: the mapping names the wrong key (a list of typed
// ids, not its numbers), not a bad row. Next keeps the row's record
// without that field's values and reports them (FieldErrors).
type ShapeError struct {
	Key string
	v   any
}

func (e *ShapeError) Error() string {
	keys := objectKeys(e.v)
	if len(keys) == 0 {
		what := jsonType(e.v)
		if _, ok := e.v.([]any); ok {
			what = "lists in a list"
		}
		return fmt.Sprintf("key %q holds %s, want a value or a list of values", e.Key, what)
	}
	return fmt.Sprintf("key %q holds objects (keys %s), want a value or a list of values: read one of their keys with a path, such as %q",
		e.Key, strings.Join(keys, ", "), examplePath(e.Key, keys))
}

// Raw returns the JSON the key holds, cut short at maxShapeRaw bytes.
func (e *ShapeError) Raw() string {
	b, err := json.Marshal(e.v)
	if err != nil {
		return ""
	}
	if len(b) > maxShapeRaw {
		b = b[:maxShapeRaw]
	}
	return strings.ToValidUTF8(string(b), "")
}

// maxShapeRaw bounds the JSON a ShapeError's reject keeps.
const maxShapeRaw = 1024

// maxKeysShown bounds the keys a ShapeError names.
const maxKeysShown = 8

// objectKeys returns the sorted keys of the objects v is or holds (a
// list's elements, one level down), at most maxKeysShown.
func objectKeys(v any) []string {
	seen := map[string]bool{}
	add := func(m map[string]any) {
		for k := range m {
			seen[k] = true
		}
	}
	switch x := v.(type) {
	case map[string]any:
		add(x)
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				add(m)
			}
		}
	}
	keys := slices.Sorted(maps.Keys(seen))
	if len(keys) > maxKeysShown {
		keys = append(keys[:maxKeysShown], "…")
	}
	return keys
}

// examplePath is a path that reads one of keys under key: a key that
// names a value (number, value…), else the first that is not a
// discriminator (type, kind, scheme…), filtered by the
// discriminator when the objects have one and the key none yet:
// ids[type=…].number.
func examplePath(key string, keys []string) string {
	var value, disc string
	for _, k := range keys {
		switch {
		case discriminators[strings.ToLower(k)]:
			if disc == "" {
				disc = k
			}
		case valueKeys[strings.ToLower(k)] && !valueKeys[strings.ToLower(value)] || value == "" && k != "…":
			value = k
		}
	}
	if value == "" {
		value = keys[0]
	}
	if disc == "" || disc == value || strings.HasSuffix(key, "]") { // a filter already chooses the objects
		return key + "." + value
	}
	return key + "[" + disc + "=…]." + value
}

// valueKeys are keys that name an object's value, chosen first for an
// example path.
var valueKeys = map[string]bool{"number": true, "value": true, "id": true, "name": true, "code": true}

// discriminators are the keys objects of several kinds in one list are
// told apart by.
var discriminators = map[string]bool{"type": true, "kind": true, "scheme": true, "schema": true, "category": true, "idtype": true, "id_type": true}

func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// isArray reports whether a file of JSON rows is one JSON array of them
// ([{…}, {…}], as many exports and APIs write a list) rather than a row a
// line: its first character, spaces aside, is '['.
func isArray(r *bufio.Reader) bool {
	c, _, ok := firstByte(r)
	return ok && c == '['
}

// firstByte returns the first byte of r that is not a space, and its
// offset, read ahead; ok is false when there is none.
func firstByte(r *bufio.Reader) (c byte, at int, ok bool) {
	for n := 1; ; n++ {
		b, err := r.Peek(n)
		if err != nil || len(b) < n {
			return 0, 0, false
		}
		switch c := b[n-1]; c {
		case ' ', '\t', '\r', '\n':
		default:
			return c, n - 1, true
		}
	}
}

// multiline reports whether a file of JSON rows starts with an object
// written over several lines: a pretty-printed row, or a document
// wrapping a list of rows ({"total": 2, "results": [{…}, …]}, as APIs and
// exports write one): its first character, spaces aside, is '{' and its
// first line is no whole JSON value, as an NDJSON row is. A document
// written on one line reads as one row unless records names its list.
func multiline(r *bufio.Reader) bool {
	c, start, ok := firstByte(r)
	if !ok || c != '{' {
		return false
	}
	for n := start + 2; ; n++ {
		b, err := r.Peek(n)
		if err != nil || len(b) < n {
			return false // no line end before the end of the file, or the buffer: a row
		}
		if b[n-1] == '\n' {
			return !json.Valid(b[start:n])
		}
	}
}

// firstKeys returns the keys of the file's first object (multiline) as
// far as the reader's buffer holds it, whether one of them holds a list of
// objects, and whether the object, ending there, is followed by another
// value: what tells rows written over several lines from a document
// wrapping its list of rows. Of a stream (rows read as they arrive) it
// reads only what has arrived, not waiting for the buffer to fill.
func firstKeys(r *bufio.Reader, stream bool) (keys []string, list, next bool) {
	n := r.Size()
	if stream {
		n = r.Buffered()
	}
	b, _ := r.Peek(n)
	return ownKeys(b)
}

// holdsID reports whether keys, an object's own, hold the key of the
// record id, id (or, of a path, its first key).
func holdsID(keys []string, id string) bool {
	return slices.Contains(keys, id) || slices.Contains(keys, strings.SplitN(PathColumn(id), ".", 2)[0])
}

// ownKeys returns the own keys of the JSON object b starts with, as far
// as b holds it, whether one of them holds a list of objects, and whether
// the object, ending in b, is followed by another.
func ownKeys(b []byte) (keys []string, list, next bool) {
	var sc jsonScan
	start := -1
	var last string // the string that ended last at depth 1
	for i := 0; i < len(b); i++ {
		c := b[i]
		wasString := sc.inString
		closed := sc.step(c)
		switch {
		case closed && sc.depth == 1:
			json.Unmarshal(b[start:i+1], &last) // a key's when ':' follows
		case wasString:
		case c == '"':
			start, last = i, ""
		case c == ':' && sc.depth == 1 && last != "":
			keys, last = append(keys, last), ""
			after := bytes.TrimLeft(b[i+1:], " \t\r\n")
			if len(after) > 0 && after[0] == '[' {
				after = bytes.TrimLeft(after[1:], " \t\r\n")
				list = list || len(after) > 0 && after[0] == '{'
			}
		case (c == '}' || c == ']') && sc.depth == 0:
			rest := bytes.TrimLeft(b[i+1:], " \t\r\n")
			return keys, list, len(rest) > 0 && rest[0] == '{'
		}
	}
	return keys, list, false
}

// jsonScan follows JSON text a byte at a time: how deep in objects and
// lists, and whether in a string.
type jsonScan struct {
	depth             int
	inString, escaped bool
}

// step reads byte c, and reports whether it closed a string.
func (s *jsonScan) step(c byte) (closedString bool) {
	switch {
	case s.inString:
		switch {
		case s.escaped:
			s.escaped = false
		case c == '\\':
			s.escaped = true
		case c == '"':
			s.inString = false
			return true
		}
	case c == '"':
		s.inString = true
	case c == '{' || c == '[':
		s.depth++
	case c == '}' || c == ']':
		s.depth--
	}
	return false
}

// maxDocumentKeys bounds the keys documentRecords reads past, at every
// depth, looking for the list of records.
const maxDocumentKeys = 10000

// documentRecords reads a JSON document ({…}) up to the start of the list
// of records at path (dotted keys: "results", "data.items"), or, with path
// "", of the first list among the document's own keys whose first object
// holds the key of the record id, id (a list of the sources or datasets a
// document describes before its results holds none), so that next reads
// its elements. Keys before it, and their values, are passed over, each
// value read no further than the reader's bound; keys after it are not
// read.
func (a *arrayElements) documentRecords(path, id string) error {
	var want []string
	if path != "" {
		want = strings.Split(strings.TrimPrefix(path, "$."), ".")
	}
	c, err := a.skipSpace()
	if err != nil || c != '{' {
		return errors.New("the file is no JSON document: its first character is not '{'")
	}
	var seen []string // keys passed over, for the error
	for keys := 0; keys < maxDocumentKeys; keys++ {
		if c, err = a.skipSpace(); err != nil {
			break
		}
		if c == ',' {
			continue
		}
		if c == '}' {
			break
		}
		line := a.line
		raw, err := a.value(c)
		var key string
		if err != nil || raw.overlong || json.Unmarshal(raw.text, &key) != nil {
			return fmt.Errorf("JSON document: a key on line %d is no JSON string", line)
		}
		if c, err = a.skipSpace(); err != nil || c != ':' {
			return fmt.Errorf("JSON document: no ':' after key %q on line %d", key, line)
		}
		if c, err = a.skipSpace(); err != nil {
			break
		}
		switch {
		case len(want) > 1 && key == want[0] && c == '{':
			want = want[1:]
			seen = nil
			continue
		case len(want) == 1 && key == want[0] && c == '[':
			return nil
		case len(want) == 0 && c == '[':
			next, err := a.skipSpace()
			if err != nil {
				break
			}
			if err := a.r.UnreadByte(); err != nil {
				return err
			}
			if next == '{' {
				b, _ := a.r.Peek(a.r.Size())
				if keys, _, _ := ownKeys(b); holdsID(keys, id) {
					return nil
				}
			}
		}
		seen = append(seen, key)
		if _, err := a.value(c); err != nil {
			break
		}
	}
	if len(seen) > maxKeysShown {
		seen = append(seen[:maxKeysShown], "…")
	}
	if len(want) == 0 {
		return fmt.Errorf("JSON document: no list of objects with key %q among its keys (%s): name the list of records with records:", id, strings.Join(seen, ", "))
	}
	return fmt.Errorf("JSON document: no list at %q (keys there: %s)", path, strings.Join(seen, ", "))
}

// arrayElements reads the elements of a JSON array one by one, each as a
// row of its own with the line it starts on, without reading the whole
// array: its bytes are scanned for the end of each element (brackets and
// braces outside strings). An element longer than max is kept cut short
// (overlong), as a line is.
type arrayElements struct {
	r    *bufio.Reader // past the array's '['
	max  int
	line int  // the line the reader is on
	done bool // the array's ']' was read
	// document says the array is a JSON document's list of records
	// (documentRecords): what follows it is the document's, not rows.
	document bool
	// values says the rows are JSON values one after another, with no
	// array around them: objects written over several lines.
	values bool
}

// next returns the next element; io.EOF after the last. A file that ends
// inside an element gives what there was, which then fails to parse as an
// object and is rejected with its line.
func (a *arrayElements) next() (ndjsonLine, error) {
	if a.done {
		return ndjsonLine{}, io.EOF
	}
	c, err := a.skipSpace()
	if err != nil {
		return ndjsonLine{}, err
	}
	if c == ',' {
		if c, err = a.skipSpace(); err != nil {
			return ndjsonLine{}, err
		}
	}
	if c == ']' && !a.values {
		a.done = true
		if a.document {
			return ndjsonLine{}, io.EOF // the document's other keys are not rows
		}
		if _, err := a.skipSpace(); err == nil {
			_ = a.r.UnreadByte() // the byte skipSpace just read
			return ndjsonLine{}, errAfterArray
		}
		return ndjsonLine{}, io.EOF
	}
	return a.value(c)
}

// value reads a JSON value whose first byte, c, was just read: to its end,
// kept up to the reader's bound (overlong past it).
func (a *arrayElements) value(c byte) (ndjsonLine, error) {
	var err error
	el := ndjsonLine{line: a.line}
	add := func(c byte) {
		if len(el.text) < a.max {
			el.text = append(el.text, c)
		} else {
			el.overlong = true
		}
	}
	var sc jsonScan
	for {
		add(c)
		sc.step(c)
		if sc.depth == 0 && !sc.inString {
			// An object, a list or a string ends here (a quote out of a
			// string closed one); another scalar at the next ',', ']',
			// '}' or space.
			if next, err := a.r.Peek(1); err != nil || c == '}' || c == ']' || c == '"' || strings.IndexByte(",]} \t\r\n", next[0]) >= 0 {
				return el, nil
			}
		}
		if c, err = a.r.ReadByte(); err != nil {
			if errors.Is(err, io.EOF) {
				a.done = true
				return el, nil
			}
			return ndjsonLine{}, err
		}
		if c == '\n' {
			a.line++
		}
	}
}

// errAfterArray says that a JSON array's file goes on after it: what
// follows is read a line a row, as NDJSON (a file of one array per line
// loses none of its lines).
var errAfterArray = errors.New("data after the JSON array")

// skipSpace returns the next byte that is not a space, counting lines.
func (a *arrayElements) skipSpace() (byte, error) {
	for {
		c, err := a.r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case '\n':
			a.line++
		case ' ', '\t', '\r':
		default:
			return c, nil
		}
	}
}
