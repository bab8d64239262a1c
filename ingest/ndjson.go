package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// peekRows is how many NDJSON rows are read ahead to learn the keys a file
// has, so that a mapping to a key that never appears fails up front.
const peekRows = 100

type ndjsonRows struct {
	br      *bufio.Reader
	line    int
	pending []ndjsonLine // rows read ahead by newNDJSON, served first
	obj     map[string]any
	eof     bool
}

type ndjsonLine struct {
	line int
	text []byte
}

func newNDJSON(r io.Reader) (*ndjsonRows, error) {
	n := &ndjsonRows{br: bufio.NewReaderSize(r, 64<<10)}
	for len(n.pending) < peekRows {
		l, err := n.readLine()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		n.pending = append(n.pending, l)
	}
	return n, nil
}

// readLine returns the next non-blank line.
func (n *ndjsonRows) readLine() (ndjsonLine, error) {
	for !n.eof {
		text, err := n.br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			n.eof = true
		} else if err != nil {
			return ndjsonLine{}, err
		}
		if len(text) == 0 && n.eof {
			break
		}
		n.line++
		text = bytes.TrimRight(text, "\r\n")
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		return ndjsonLine{line: n.line, text: text}, nil
	}
	return ndjsonLine{}, io.EOF
}

// keys returns the keys seen in the rows read ahead, nested ones dotted.
func (n *ndjsonRows) keys() []string {
	seen := map[string]bool{}
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			key := prefix + k
			if !seen[key] {
				seen[key] = true
				out = append(out, key)
			}
			if sub, ok := v.(map[string]any); ok {
				walk(key+".", sub)
			}
		}
	}
	for _, l := range n.pending {
		if obj, err := parseObject(l.text); err == nil {
			walk("", obj)
		}
	}
	return out
}

func parseObject(text []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("invalid JSON: data after the object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a row must be a JSON object, got %s", jsonType(v))
	}
	return obj, nil
}

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
	raw := func() string { return string(l.text) }
	if !utf8.Valid(l.text) {
		return row{}, &RowError{Line: l.line, Raw: raw(), Reason: "row is not valid UTF-8: set the source's encoding (latin1, windows-1252)"}
	}
	obj, err := parseObject(l.text)
	if err != nil {
		return row{}, &RowError{Line: l.line, Raw: raw(), Reason: err.Error()}
	}
	n.obj = obj
	return row{line: l.line, raw: raw, values: n.values}, nil
}

func (n *ndjsonRows) values(_ int, key string) ([]string, error) {
	v, ok := lookup(n.obj, key)
	if !ok {
		return nil, nil
	}
	return scalars(key, v, true)
}

// lookup finds key in obj, first as a literal key, then as a dotted path.
func lookup(obj map[string]any, key string) (any, bool) {
	if v, ok := obj[key]; ok {
		return v, true
	}
	cur := any(obj)
	for _, part := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
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
	case []any:
		if !allowList {
			return nil, fmt.Errorf("key %q holds nested lists", key)
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
	return nil, fmt.Errorf("key %q holds %s, want a value or a list of values", key, jsonType(v))
}

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
