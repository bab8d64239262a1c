package ingest_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/record"
)

// fixedOptions maps a core banking system's fixed-width export: a
// customer number of 8 characters, a name of 30, a date of birth of 8
// and a country of 2.
func fixedOptions() ingest.Options {
	return ingest.Options{Source: "core", File: "clientes.dat", Format: ingest.FormatFixed, ID: "cust_no",
		Header: []string{"cust_no", "name", "dob", "country"}, Widths: []int{8, 30, 8, 2},
		Fields: []ingest.Field{
			{Name: "name", Kind: record.KindName, Column: "name"},
			{Name: "dob", Kind: record.KindDate, Column: "dob"},
			{Name: "country", Kind: record.KindCountry, Column: "country"},
		}}
}

// TestFixed: a fixed-width file's lines cut into columns by their widths
// in characters (an accented letter one), spaces trimmed; a first line
// that names the columns is the header; a line that ends early has its
// last columns empty, what follows the columns is none of them; blank
// lines passed over; an overlong line rejected with its number.
func TestFixed(t *testing.T) {
	in := "CUST_NO NAME                          DOB     CO\n" +
		"00012345PÉREZ GARCÍA, JUAN            19800101VE\n" +
		"\n" +
		"00012346ANA GOMEZ                     19751231COFILLER\n" +
		"00012347LUIS MORA\n" +
		"00012348" + strings.Repeat("X", 200) + "\n"
	opt := fixedOptions()
	opt.MaxRowBytes = 100
	r, err := ingest.Open(strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejects := readAll(t, r)
	var got []string
	for _, rec := range recs {
		row := []string{rec.Key.ID}
		for _, f := range rec.Features {
			row = append(row, strings.Join(f.Raw, ","))
		}
		got = append(got, fmt.Sprintf("%s@%d", strings.Join(row, "|"), rec.Line))
	}
	want := []string{"00012345|PÉREZ GARCÍA, JUAN|19800101|VE@2", "00012346|ANA GOMEZ|19751231|CO@4", "00012347|LUIS MORA||@5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records %q, want %q", got, want)
	}
	if len(rejects) != 1 || rejects[0].Line != 6 || !strings.Contains(rejects[0].Reason, "longer than 100 bytes") {
		t.Errorf("rejects %v, want line 6's, overlong", rejects)
	}
	// Latin-1, declared: the widths count characters.
	latin := []byte("00000001NU\xd1EZ, MAR\xcdA" + strings.Repeat(" ", 18) + "19900517ES\n")
	opt = fixedOptions()
	opt.Encoding = "latin1"
	r, err = ingest.Open(bytes.NewReader(latin), opt)
	if err != nil {
		t.Fatal(err)
	}
	if recs, rejects := readAll(t, r); len(rejects) != 0 || len(recs) != 1 || recs[0].Features[0].Raw[0] != "NUÑEZ, MARÍA" || recs[0].Features[1].Raw[0] != "19900517" {
		t.Errorf("latin-1: %+v, %v", recs, rejects)
	}
	// Names and widths must agree, and a mapped column be named.
	bad := fixedOptions()
	bad.Widths = bad.Widths[:3]
	if _, err := ingest.Open(strings.NewReader(in), bad); err == nil || !strings.Contains(err.Error(), "4 names, 3 widths") {
		t.Errorf("3 widths for 4 names: err %v", err)
	}
}

// FuzzFixed: whatever a fixed-width file holds, reading it neither panics
// nor loses a row without saying so.
func FuzzFixed(f *testing.F) {
	f.Add([]byte("CUST_NO NAME                          DOB     CO\n00012345PÉREZ GARCÍA, JUAN            19800101VE\n00012347LUIS\n"))
	f.Add([]byte("\xff\xfe\n\n\r\n12345678"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ingest.Open(bytes.NewReader(in), fixedOptions())
		if err != nil {
			return
		}
		recs, rejects := readAll(t, r)
		if lines := bytes.Count(in, []byte("\n")) + 1; len(recs)+len(rejects) > lines {
			t.Fatalf("%d records and %d rejects from %d lines", len(recs), len(rejects), lines)
		}
	})
}
