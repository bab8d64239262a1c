package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestLine(t *testing.T) {
	tests := []struct {
		records, done, total int64
		elapsed              time.Duration
		want                 string
	}{
		{0, 0, 0, 0, "load: 0 records"},
		{5000, 50, 100, 2 * time.Second, "load: 5000 records, 2500 records/s, 50%, ETA 2s"},
		{1000, 100, 100, time.Second, "load: 1000 records, 1000 records/s, 100%"},
		{10, 25, 100, 10 * time.Second, "load: 10 records, 1 records/s, 25%, ETA 30s"},
	}
	for _, tt := range tests {
		if got := Line("load", tt.records, tt.done, tt.total, tt.elapsed); got != tt.want {
			t.Errorf("Line(%d, %d, %d, %v) = %q, want %q", tt.records, tt.done, tt.total, tt.elapsed, got, tt.want)
		}
	}
}

func TestSilentWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "load")
	b.Update(10, 1, 2)
	b.Done()
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal", buf.String())
	}
}

func TestThrottled(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	b := newBar(&buf, "load", true, func() time.Time { return now })
	b.Update(1, 1, 10)
	now = now.Add(10 * time.Millisecond)
	b.Update(2, 2, 10) // too soon: skipped
	now = now.Add(time.Second)
	b.Update(3, 3, 10)
	b.Done()
	if got := strings.Count(buf.String(), "\r"); got != 2 {
		t.Errorf("drew %d times, want 2: %q", got, buf.String())
	}
	if !strings.HasSuffix(buf.String(), "\n") {
		t.Errorf("Done did not end the line: %q", buf.String())
	}
}
