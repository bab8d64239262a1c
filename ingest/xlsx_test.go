package ingest_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/record"
)

// xlsxBook writes a workbook as a bank's analyst would: on its first
// sheet, Clientes, a title, a blank row, the header on row 3, a customer
// with a date cell, a national id typed as a number of 15 digits and a
// balance, a blank row, and a customer whose date and id were typed as
// text; a second sheet, Lista, of its own.
func xlsxBook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Clientes"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Lista"); err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("Clientes", "A1", "Clientes al 30/11/2026")
	for i, h := range []string{"cliente", "nombre", "fecha_nac", "cedula", "saldo"} {
		set("Clientes", string(rune('A'+i))+"3", h)
	}
	set("Clientes", "A4", "k-1")
	set("Clientes", "B4", "Juan Pérez García")
	set("Clientes", "C4", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC))
	set("Clientes", "D4", int64(123456789012345))
	set("Clientes", "E4", 1234.5)
	set("Clientes", "A6", "k-2")
	set("Clientes", "B6", "  Ana Gómez ")
	set("Clientes", "C6", "17/06/2005")
	set("Clientes", "D6", "0012345")
	set("Lista", "A1", "id")
	set("Lista", "B1", "name")
	set("Lista", "A2", "s-1")
	set("Lista", "B2", "ACME TRADING LTD")
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxOptions maps the workbook's first sheet.
func xlsxOptions() ingest.Options {
	return ingest.Options{Source: "kyc", File: "clientes.xlsx", Format: ingest.FormatXLSX, ID: "cliente",
		Fields: []ingest.Field{
			{Name: "name", Kind: record.KindName, Column: "nombre"},
			{Name: "dob", Kind: record.KindDate, Column: "fecha_nac"},
			{Name: "id_number", Kind: record.KindIdentifier, Column: "cedula"},
			{Name: "balance", Kind: record.KindText, Column: "saldo"},
		}}
}

// TestXLSX: a worksheet's rows read as a CSV file's, the header the first
// row with a cell in it, blank rows passed over, each record numbered by
// its row in the sheet; cells as the workbook stores them (a date as its
// serial number, a long number in full, text as typed, trimmed); another
// sheet by name; gzipped too.
func TestXLSX(t *testing.T) {
	book := xlsxBook(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(book)
	zw.Close()
	raw := func(r record.Record, f string) []string {
		if ft := r.Feature(f); ft != nil {
			return ft.Raw
		}
		return nil
	}
	for name, in := range map[string][]byte{"plain": book, "gzipped": gz.Bytes()} {
		t.Run(name, func(t *testing.T) {
			r, err := ingest.Open(bytes.NewReader(in), xlsxOptions())
			if err != nil {
				t.Fatal(err)
			}
			recs, rejects := readAll(t, r)
			if len(rejects) != 0 || len(recs) != 2 {
				t.Fatalf("%d records, rejects %v; want 2", len(recs), rejects)
			}
			if recs[0].Key.ID != "k-1" || recs[0].Line != 4 || recs[1].Key.ID != "k-2" || recs[1].Line != 6 {
				t.Errorf("records %s of row %d and %s of row %d, want k-1 of row 4 and k-2 of row 6", recs[0].Key.ID, recs[0].Line, recs[1].Key.ID, recs[1].Line)
			}
			for _, c := range []struct {
				rec   int
				field string
				want  []string
			}{
				{0, "name", []string{"Juan Pérez García"}},
				{0, "dob", []string{"29221"}},
				{0, "id_number", []string{"123456789012345"}},
				{0, "balance", []string{"1234.5"}},
				{1, "name", []string{"Ana Gómez"}},
				{1, "dob", []string{"17/06/2005"}},
				{1, "id_number", []string{"0012345"}},
				{1, "balance", nil},
			} {
				if got := raw(recs[c.rec], c.field); !reflect.DeepEqual(got, c.want) {
					t.Errorf("record %d %s = %q, want %q", c.rec, c.field, got, c.want)
				}
			}
		})
	}
	// A row longer than the bound is rejected, with its number.
	short := xlsxOptions()
	short.MaxRowBytes = 40
	r, err := ingest.Open(bytes.NewReader(book), short)
	if err != nil {
		t.Fatal(err)
	}
	if recs, rejects := readAll(t, r); len(recs) != 1 || recs[0].Key.ID != "k-2" || len(rejects) != 1 || rejects[0].Line != 4 || !strings.Contains(rejects[0].Reason, "longer than 40 bytes") {
		t.Errorf("rows of 40 bytes at most: records %+v, rejects %v; want k-2 and row 4 rejected", recs, rejects)
	}
	lista := ingest.Options{Source: "list", File: "clientes.xlsx", Format: ingest.FormatXLSX, Sheet: "Lista", ID: "id",
		Fields: []ingest.Field{{Name: "name", Kind: record.KindParty, Column: "name"}}}
	r, err = ingest.Open(bytes.NewReader(book), lista)
	if err != nil {
		t.Fatal(err)
	}
	if recs, rejects := readAll(t, r); len(rejects) != 0 || len(recs) != 1 || recs[0].Key.ID != "s-1" || recs[0].Line != 2 {
		t.Errorf("sheet Lista: records %+v, rejects %v; want s-1 of row 2", recs, rejects)
	}
}

// TestXLSXErrors: what is no workbook, a sheet the workbook has not, a
// sheet with no rows and a column the header has not fail the source,
// saying why.
func TestXLSXErrors(t *testing.T) {
	book := xlsxBook(t)
	empty := func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	missing := xlsxOptions()
	missing.Sheet = "Hoja1"
	column := xlsxOptions()
	column.Fields = append(column.Fields, ingest.Field{Name: "phone", Kind: record.KindPhone, Column: "telefono"})
	id := xlsxOptions()
	id.ID = "customer"
	for _, c := range []struct {
		name string
		in   []byte
		opt  ingest.Options
		want string
	}{
		{"csv", []byte("cliente,nombre\nk-1,Ana\n"), xlsxOptions(), "not an Excel workbook"},
		{"cut short", book[:len(book)/2], xlsxOptions(), "not an Excel workbook"},
		{"no sheet of the name", book, missing, `no sheet "Hoja1"; its sheets: Clientes, Lista`},
		{"empty sheet", empty, xlsxOptions(), "is empty: a header row is required"},
		{"no column of the name", book, column, "telefono"},
		{"no id column: the header's columns listed", book, id, `id ("customer"); available columns: cliente, nombre, fecha_nac, cedula, saldo`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ingest.Open(bytes.NewReader(c.in), c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want %q", err, c.want)
			}
		})
	}
}

// FuzzXLSX: whatever bytes an xlsx source holds, reading it neither panics
// nor loses a row without saying so.
func FuzzXLSX(f *testing.F) {
	book := xlsxBook(f)
	f.Add(book)
	f.Add(book[:len(book)-20])
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ingest.Open(bytes.NewReader(in), xlsxOptions())
		if err != nil {
			return
		}
		readAll(t, r)
	})
}

// FuzzXLSXSheet: whatever XML a workbook's first sheet and its shared
// strings hold (the zip around them whole, as FuzzXLSX's mutations seldom
// leave it), reading it neither panics nor loses a row without saying so.
func FuzzXLSXSheet(f *testing.F) {
	book := xlsxBook(f)
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		f.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			f.Fatal(err)
		}
		if parts[zf.Name], err = io.ReadAll(rc); err != nil {
			f.Fatal(err)
		}
		rc.Close()
	}
	const sheet, strs = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
	f.Add(parts[sheet], parts[strs])
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row><row r="1048577"><c r="XFE1"><v>1</v></c></row></sheetData></worksheet>`), parts[strs])
	f.Fuzz(func(t *testing.T, sheetXML, strings []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, zf := range zr.File {
			w, err := zw.Create(zf.Name)
			if err != nil {
				t.Fatal(err)
			}
			switch zf.Name {
			case sheet:
				w.Write(sheetXML)
			case strs:
				w.Write(strings)
			default:
				w.Write(parts[zf.Name])
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := ingest.Open(bytes.NewReader(buf.Bytes()), xlsxOptions())
		if err != nil {
			return
		}
		readAll(t, r)
	})
}

// BenchmarkXLSX reads the 10,000 rows of BenchmarkCSV from a workbook's
// sheet.
func BenchmarkXLSX(b *testing.B) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"id", "name", "alias"}); err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), []any{i, fmt.Sprintf("García López, Ana María %d", i), "AM;Ana"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r, err := ingest.Open(bytes.NewReader(in), people(ingest.FormatXLSX))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			if _, err := r.Next(); errors.Is(err, io.EOF) {
				break
			}
			n++
		}
		if n != 10000 {
			b.Fatalf("%d records, want 10000", n)
		}
	}
}
