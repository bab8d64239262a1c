package audit

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// MarshalJSON writes e as encoding/json would by reflection, field by
// field in declaration order, byte for byte (FuzzEntryJSON compares the
// two): the text an entry is hashed and stored as is fixed by the logs
// already written. Each entry is encoded twice (to hash it, and to store
// it), by the writer, once for every change and every read.
func (e Entry) MarshalJSON() ([]byte, error) {
	return e.appendJSON(make([]byte, 0, 512))
}

func (e Entry) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	t, err := e.Time.MarshalJSON()
	if err != nil {
		return nil, err
	}
	b = append(b, `,"time":`...)
	b = append(b, t...)
	b = appendField(b, "actor", e.Actor)
	b = appendField(b, "action", e.Action)
	b = appendList(b, "records", e.Records)
	b = appendList(b, "entities", e.Entities)
	b = appendOmitEmpty(b, "model", e.Model)
	b = appendOmitEmpty(b, "evidence", e.Evidence)
	b = appendOmitEmpty(b, "content", e.Content)
	b = appendOmitEmpty(b, "detail", e.Detail)
	b = appendField(b, "prev", e.Prev)
	b = appendField(b, "hash", e.Hash)
	return append(b, '}'), nil
}

func appendField(b []byte, name, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, v)
}

func appendOmitEmpty(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	return appendField(b, name, v)
}

func appendList(b []byte, name string, vs []string) []byte {
	if len(vs) == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

// appendString writes s as a JSON string. What encoding/json writes as is
// (printable ASCII but for the quote, the backslash and the HTML
// characters it escapes) is copied; anything else — digests, ids and
// actors seldom hold it — is left to encoding/json, so that its escapes
// are the ones written.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plain[s[i]] {
			q, _ := json.Marshal(s) // a string: cannot fail
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plain holds the bytes encoding/json copies into a string as they are.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
