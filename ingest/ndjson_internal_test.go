package ingest

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// viaText is what parseObject reads of v: v written as JSON text and read
// back, numbers as json.Number.
func viaText(t *testing.T, v any) (any, bool) {
	t.Helper()
	text, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return out, true
}

// deep returns v nested in n objects.
func deep(v any, n int) any {
	for range n {
		v = map[string]any{"a": v}
	}
	return v
}

// TestAsJSONAgreesWithText: a row another format decoded (Parquet's,
// XML's) maps as its JSON text would: asJSON gives what writing it as
// JSON and reading it back gives, for every kind of value the readers
// give, and fails where writing it fails.
func TestAsJSONAgreesWithText(t *testing.T) {
	tests := []struct {
		name string
		v    func() any // a fresh value each call: asJSON converts in place
	}{
		{"text", func() any { return map[string]any{"name": "José Pérez", "empty": "", "quote": `a "b" \ c <d> & e`} }},
		{"text not UTF-8", func() any { return map[string]any{"name": "Jos\xe9 P\xe9rez", "k\xff": "v"} }},
		{"integers", func() any {
			return map[string]any{"i": 7, "i8": int8(-8), "i16": int16(1600), "i32": int32(-32), "i64": int64(math.MinInt64),
				"u": uint(7), "u8": uint8(255), "u16": uint16(16), "u32": uint32(math.MaxUint32), "u64": uint64(math.MaxUint64)}
		}},
		{"floats", func() any {
			return map[string]any{"f": 1.5, "big": 1e21, "small": 1e-7, "whole": 3.0, "f32": float32(0.1), "neg": -0.0}
		}},
		{"booleans and null", func() any { return map[string]any{"t": true, "f": false, "n": nil} }},
		{"nested", func() any {
			return map[string]any{"ids": []any{map[string]any{"type": "passport", "number": int64(12345)}, "x", []any{1, "y"}},
				"addr": map[string]any{"#text": "Calle 1", "lang": "es"}}
		}},
		{"deeper than maxNesting", func() any { return deep(int64(5), maxNesting+5) }},
		{"number already", func() any { return map[string]any{"n": json.Number("0012")} }},
		{"not a number", func() any { return map[string]any{"nan": math.NaN()} }},
		{"infinite, nested", func() any { return map[string]any{"l": []any{math.Inf(1)}} }},
	}
	for _, tt := range tests {
		want, ok := viaText(t, tt.v())
		got, err := asJSON(tt.v(), 0)
		if !ok {
			if err == nil {
				t.Errorf("%s: asJSON gave %v, want the error JSON gives", tt.name, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: asJSON = %#v, %v\nwant %#v", tt.name, got, err, want)
		}
	}
}

// TestDecodedRow: a row that is an object maps; one that is not is
// rejected as its text would be; one JSON cannot write is rejected with
// the reason.
func TestDecodedRow(t *testing.T) {
	if l := decodedRow(3, map[string]any{"id": int64(1)}); l.obj == nil || l.reason != "" || l.obj["id"] != json.Number("1") {
		t.Errorf("an object: %+v", l)
	}
	if l := decodedRow(4, "text alone"); l.obj != nil || l.reason != "a row must be a JSON object, got a string" || string(l.text) != `"text alone"` {
		t.Errorf("a string: %+v", l)
	}
	if l := decodedRow(5, map[string]any{"x": math.NaN()}); l.obj != nil || !strings.HasPrefix(l.reason, "row 5 cannot be read as JSON") {
		t.Errorf("NaN: %+v", l)
	}
}

// TestJSONSize: a row's size is about its JSON text's: exact but for the
// escapes of control characters.
func TestJSONSize(t *testing.T) {
	for _, v := range []any{
		map[string]any{},
		map[string]any{"id": json.Number("12"), "name": "Ana", "ok": true, "no": false, "n": nil},
		map[string]any{"q": `"quoted" \ back <b> & c`, "l": []any{"a", json.Number("1"), map[string]any{"k": "v"}}, "e": []any{}},
	} {
		text, _ := json.Marshal(v)
		if got, want := jsonSize(v), len(text); got != want {
			t.Errorf("jsonSize(%s) = %d, want %d", text, got, want)
		}
	}
}
