package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// MarshalJSON writes facets as an object, {"phonetic": "SMT", …}, in
// their order.
func (f Facets) MarshalJSON() ([]byte, error) {
	if f == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 24*len(f)+2)
	b = append(b, '{')
	for i, x := range f {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, x.Name), ':')
		b = appendString(b, x.Value)
	}
	return append(b, '}'), nil
}

// appendString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML characters, U+2028 and U+2029, invalid UTF-8 as
// U+FFFD), so that a record's stored form does not depend on which
// encoder wrote it. Every value of every stored record passes here.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

// UnmarshalJSON reads facets written as an object, keeping their order,
// or as the list of {"name", "value"} pairs stores written before.
func (f *Facets) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*f = nil
		return nil
	case len(data) > 0 && data[0] == '[':
		var list []Facet
		if err := json.Unmarshal(data, &list); err != nil {
			return err
		}
		*f = list
		return nil
	}
	if out, ok := plainFacets(data); ok {
		*f = out
		return nil
	}
	out, err := decodeFacets(data)
	if err != nil {
		return err
	}
	*f = out
	return nil
}

// decodeFacets reads facets written as an object with a json.Decoder.
func decodeFacets(data []byte) (Facets, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("facets: want an object")
	}
	out := Facets{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("facets: %w", err)
		}
		name, _ := t.(string)
		var value string
		if err := d.Decode(&value); err != nil {
			return nil, fmt.Errorf("facets: %q: %w", name, err)
		}
		out = append(out, Facet{Name: FacetName(name), Value: value})
	}
	if _, err := d.Token(); err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	return out, nil
}

// plainFacets reads an object of strings with no escape in them, the form
// facets are written in, without a json.Decoder's per-token cost: records
// are read back from the store on every entity read and at every start.
// Anything else (an escape, bytes that are not UTF-8, another shape) is
// left to the decoder: ok is false.
func plainFacets(data []byte) (out Facets, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	// One copy of the text, whose substrings the values are, and the list
	// made once (no pair without its colon): an entity read decodes a
	// dozen facets for each value of each member.
	text := string(data)
	out = make(Facets, 0, bytes.Count(data, []byte{':'}))
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return out, skipSpace(data, i+1) == len(data)
	}
	for {
		nb, j, ok := plainBytes(data, i)
		if !ok {
			return nil, false
		}
		name := facetName(nb)
		if i = skipSpace(data, j); i >= len(data) || data[i] != ':' {
			return nil, false
		}
		value, j, ok := plainBytes(data, skipSpace(data, i+1))
		if !ok {
			return nil, false
		}
		end := j - 1 // the closing quote
		out = append(out, Facet{Name: name, Value: text[end-len(value) : end]})
		switch i = skipSpace(data, j); {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return out, skipSpace(data, i+1) == len(data)
		default:
			return nil, false
		}
	}
}

// plainBytes returns the bytes of the JSON string at data[i], not
// copied, when it holds no escape and is UTF-8 without control
// characters, and the index after it.
func plainBytes(data []byte, i int) ([]byte, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, 0, false
	}
	end := bytes.IndexByte(data[i+1:], '"')
	if end < 0 {
		return nil, 0, false
	}
	s := data[i+1 : i+1+end]
	for _, c := range s {
		// A control character is one byte in UTF-8 (every byte of a
		// longer sequence is 0x80 or more).
		if c < 0x20 || c == '\\' {
			return nil, 0, false
		}
	}
	if !utf8.Valid(s) {
		return nil, 0, false
	}
	return s, i + 2 + end, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}
