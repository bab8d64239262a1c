package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// xmlElements reads the records of an XML file (sanctions lists ship as
// XML: OFAC's SDN list, the UN's consolidated list, the EU's): each
// element at the records path, as the JSON object of its attributes and
// child elements (by their local names; a child written more than once a
// list, one of text alone its text, the text of one with attributes or
// children under "#text"), a row with the line it starts on, so that the
// paths and filters of JSON rows read it: idList.id[idType=Passport].idNumber.
// The file is read an element at a time; an element longer than max bytes
// is rejected, cut short; XML that is not well formed ends the file with a
// reject that says where.
type xmlElements struct {
	dec   *xml.Decoder
	in    *tokenBound // the decoder's input, bounded a token at a time
	want  []string    // the records path: local names, the record's last
	max   int
	open  []string // local names of the elements open outside a record
	start int64    // the input offset of the record being read
	over  bool     // the record being read is longer than max
	deep  bool     // the record being read nests deeper than maxNesting
	done  bool
}

// openTags writes the elements open outside a record: where XML that is
// not well formed was found.
func (x *xmlElements) openTags() string {
	if len(x.open) == 0 {
		return ""
	}
	return "<" + strings.Join(x.open, "><") + ">"
}

// maxNesting bounds how deep a record's values nest: an XML record's
// elements, a Parquet row's groups and lists.
const maxNesting = 64

func newXMLElements(r *bufio.Reader, records string, max int) (*xmlElements, error) {
	if records == "" {
		return nil, fmt.Errorf("an XML source needs records: the element each record is%s", repeatedElements(r))
	}
	// A token longer than a record may be ends the file (the decoder
	// cannot pass over it unread); a text a few times that long still
	// leaves the record rejected alone, and the file read on.
	in := &tokenBound{r: r, limit: 4 * max}
	dec := xml.NewDecoder(in)
	dec.CharsetReader = asRead
	dec.Strict = true
	// HTML's named entities (&eacute;, &nbsp;), which lists exported by
	// hand write, read as their characters rather than end the file.
	dec.Entity = xml.HTMLEntity
	return &xmlElements{dec: dec, in: in, want: strings.Split(records, "."), max: max}, nil
}

// asRead is the XML decoders' CharsetReader: the file was read into UTF-8
// already (its encoding, declared or detected), and the encoding its
// declaration names is that of the bytes before.
func asRead(_ string, in io.Reader) (io.Reader, error) { return in, nil }

// tokenBound reads the XML decoder's input, failing a token (a tag, a
// text) that runs longer than limit bytes: the decoder holds a token
// whole, however long.
type tokenBound struct {
	r     *bufio.Reader
	n     int
	limit int
}

var errTokenTooLong = errors.New("a tag or text too long")

func (b *tokenBound) ReadByte() (byte, error) {
	if b.n >= b.limit {
		return 0, errTokenTooLong
	}
	b.n++
	return b.r.ReadByte()
}

func (b *tokenBound) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		return 0, errTokenTooLong
	}
	n, err := b.r.Read(p[:min(len(p), b.limit-b.n)])
	b.n += n
	return n, err
}

// token returns the decoder's next token, read within the bound.
func (x *xmlElements) token() (xml.Token, error) {
	x.in.n = 0
	return x.dec.Token()
}

// skip reads to the end of the element just opened.
func (x *xmlElements) skip() error {
	for depth := 1; depth > 0; {
		tok, err := x.token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// next returns the next record as its JSON object would read
// (decodedRow); io.EOF after the last.
func (x *xmlElements) next() (ndjsonLine, error) {
	for !x.done {
		line, _ := x.dec.InputPos()
		offset := x.dec.InputOffset()
		tok, err := x.token()
		if errors.Is(err, io.EOF) {
			x.done = true
			break
		}
		if err != nil {
			x.done = true
			at, _ := x.dec.InputPos()
			return ndjsonLine{line: max(at, line, 1), text: []byte(x.openTags()), reason: x.notWellFormed(err).Error()}, nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !x.isRecord(t.Name.Local) {
				if len(x.open) >= maxNesting {
					x.done = true
					return ndjsonLine{line: max(line, 1), text: []byte(x.openTags()), reason: fmt.Sprintf("XML elements nested deeper than %d outside a record (the rest of the file is not read)", maxNesting)}, nil
				}
				x.open = append(x.open, t.Name.Local)
				continue
			}
			startLine, _ := x.dec.InputPos()
			x.start, x.over, x.deep = offset, false, false
			v, err := x.element(t, 1)
			if err == nil && !x.deep && !x.over {
				return decodedRow(startLine, v), nil
			}
			text, _ := json.Marshal(v)
			cut := text[:min(len(text), x.max)] // what was read of it, where it is rejected
			switch {
			case err != nil:
				x.done = true
				return ndjsonLine{line: startLine, text: cut, reason: err.Error()}, nil
			case x.deep:
				return ndjsonLine{line: startLine, text: cut, reason: fmt.Sprintf("XML elements nested deeper than %d", maxNesting)}, nil
			}
			return ndjsonLine{line: startLine, text: cut, overlong: true}, nil
		case xml.EndElement:
			if n := len(x.open); n > 0 {
				x.open = x.open[:n-1]
			}
		}
	}
	return ndjsonLine{}, io.EOF
}

// isRecord reports whether an element named local, opened where x.open
// says, is at the records path: its name the path's last, the open
// elements' last ones the names before it.
func (x *xmlElements) isRecord(local string) bool {
	n := len(x.want)
	if local != x.want[n-1] || len(x.open) < n-1 {
		return false
	}
	return slices.Equal(x.open[len(x.open)-(n-1):], x.want[:n-1])
}

// element reads the element start opened, to its end, as a value: its
// text, or an object of its attributes and children.
func (x *xmlElements) element(start xml.StartElement, depth int) (any, error) {
	obj := map[string]any{}
	if depth > maxNesting {
		x.deep = true
	}
	for _, a := range start.Attr {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
			continue
		}
		add(obj, a.Name.Local, a.Value)
	}
	var text strings.Builder
	for {
		if x.over || x.deep || x.dec.InputOffset()-x.start > int64(x.max) {
			// The rest of the element is passed over: the record is
			// rejected, and the file read on after it.
			x.over = x.over || !x.deep
			if err := x.skip(); err != nil {
				return obj, x.notWellFormed(err)
			}
			return obj, nil
		}
		tok, err := x.token()
		if err != nil {
			return obj, x.notWellFormed(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			v, err := x.element(t, depth+1)
			add(obj, t.Name.Local, v)
			if err != nil {
				return obj, err
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			s := strings.TrimSpace(text.String())
			if len(obj) == 0 {
				return s, nil
			}
			if s != "" {
				add(obj, "#text", s)
			}
			return obj, nil
		}
	}
}

// notWellFormed is the reason of a reject where the XML read is not well
// formed, after which no more of the file is read.
func (x *xmlElements) notWellFormed(err error) error {
	switch {
	case errors.Is(err, io.EOF):
		err = io.ErrUnexpectedEOF
	case errors.Is(err, errTokenTooLong):
		err = fmt.Errorf("a tag or text longer than %d bytes, four times what a row may hold", x.in.limit)
	}
	return fmt.Errorf("XML not well formed: %v (the rest of the file is not read)", err)
}

// add sets key of obj to v, or adds v to the list key holds: a child
// element written more than once.
func add(obj map[string]any, key string, v any) {
	switch old := obj[key].(type) {
	case nil:
		obj[key] = v
	case []any:
		obj[key] = append(old, v)
	default:
		obj[key] = []any{old, v}
	}
}

// maxElementsShown bounds the elements an error names.
const maxElementsShown = 5

// repeatedElements names the elements that the start of an XML file
// repeats under one parent, the commonest first, as an error's hint: one
// of them is likely the records'.
func repeatedElements(r *bufio.Reader) string {
	b, _ := r.Peek(r.Size())
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = asRead
	var open []string
	count := map[string]int{}
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name.Local)
			count[strings.Join(open, ".")]++
		case xml.EndElement:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	var paths []string
	for p, n := range count {
		if n > 1 && strings.Contains(p, ".") {
			paths = append(paths, p)
		}
	}
	slices.SortFunc(paths, func(a, b string) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return strings.Compare(a, b)
	})
	if len(paths) == 0 {
		return ""
	}
	if len(paths) > maxElementsShown {
		paths = paths[:maxElementsShown]
	}
	for i, p := range paths {
		// The path from the root's child down, as records takes it.
		paths[i] = p[strings.IndexByte(p, '.')+1:]
	}
	return fmt.Sprintf(" (elements its start repeats: %s)", strings.Join(paths, ", "))
}
