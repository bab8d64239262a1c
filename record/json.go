package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// MarshalJSON writes facets as an object, {"phonetic": "SMT", …}, in
// their order.
func (f Facets) MarshalJSON() ([]byte, error) {
	if f == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 16*len(f)+2)
	b = append(b, '{')
	for i, x := range f {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(x.Name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(x.Value)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
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
	d := json.NewDecoder(bytes.NewReader(data))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return errors.New("facets: want an object")
	}
	out := Facets{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return fmt.Errorf("facets: %w", err)
		}
		name, _ := t.(string)
		var value string
		if err := d.Decode(&value); err != nil {
			return fmt.Errorf("facets: %q: %w", name, err)
		}
		out = append(out, Facet{Name: name, Value: value})
	}
	if _, err := d.Token(); err != nil {
		return fmt.Errorf("facets: %w", err)
	}
	*f = out
	return nil
}
