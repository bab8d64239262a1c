package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// TestPageHeader: a page header is read whole however long it is (one
// whose statistics hold a column's least and greatest long values runs
// past the first bytes read), up to maxPageHeader; one cut short by the
// file's end fails.
func TestPageHeader(t *testing.T) {
	protocol := &thrift.CompactProtocol{}
	for _, long := range []int{0, 300, 10_000, 100_000} {
		var h format.PageHeader
		h.Type = format.DataPage
		h.CompressedPageSize, h.UncompressedPageSize = 5, 5
		h.DataPageHeader = thrift.New(format.DataPageHeader{NumValues: 7,
			Statistics: format.Statistics{MinValue: []byte(strings.Repeat("a", long)), MaxValue: []byte(strings.Repeat("z", long))}})
		enc, err := thrift.Marshal(protocol, &h)
		if err != nil {
			t.Fatal(err)
		}
		file := append([]byte("PAR1"), enc...)
		file = append(file, "12345PAR1"...)
		var got format.PageHeader
		_, n, err := pageHeader(bytes.NewReader(file), 4, int64(len(file)), nil, protocol, &got)
		if err != nil || n != len(enc) || got.DataPageHeader.V.NumValues != 7 || len(got.DataPageHeader.V.Statistics.MaxValue) != long {
			t.Errorf("a header of %d bytes: read %d, %d values, err %v", len(enc), n, got.DataPageHeader.V.NumValues, err)
		}
		cut := file[:4+len(enc)-1]
		if _, _, err := pageHeader(bytes.NewReader(cut), 4, int64(len(cut)), nil, protocol, &got); err == nil {
			t.Errorf("a header of %d bytes cut by the file's end: no error", len(enc))
		}
	}
}
