// Package progress draws a one-line progress report (records, records/s,
// percentage and ETA) on a terminal, and stays silent anywhere else.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Bar reports progress on one line, redrawn at most ten times a second.
type Bar struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	start   time.Time
	last    time.Time
	now     func() time.Time
	drawn   bool
	enabled bool
}

// New returns a Bar writing to w. It draws only when w is a terminal.
func New(w io.Writer, label string) *Bar {
	enabled := false
	if f, ok := w.(*os.File); ok {
		enabled = term.IsTerminal(int(f.Fd()))
	}
	return newBar(w, label, enabled, time.Now)
}

func newBar(w io.Writer, label string, enabled bool, now func() time.Time) *Bar {
	return &Bar{w: w, label: label, enabled: enabled, now: now, start: now()}
}

// Update reports that records have been processed, done of total bytes.
func (b *Bar) Update(records, done, total int64) {
	if !b.enabled {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.drawn && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last, b.drawn = now, true
	fmt.Fprintf(b.w, "\r\033[K%s", Line(b.label, records, done, total, now.Sub(b.start)))
}

// Done ends the line.
func (b *Bar) Done() {
	if !b.enabled || !b.drawn {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintln(b.w)
}

// Line formats one progress report.
func Line(label string, records, done, total int64, elapsed time.Duration) string {
	s := fmt.Sprintf("%s: %d records", label, records)
	if secs := elapsed.Seconds(); secs > 0 {
		s += fmt.Sprintf(", %.0f records/s", float64(records)/secs)
	}
	if total > 0 && done > 0 {
		frac := min(float64(done)/float64(total), 1)
		s += fmt.Sprintf(", %.0f%%", frac*100)
		if frac < 1 && elapsed > 0 {
			eta := time.Duration(float64(elapsed) * (1 - frac) / frac)
			s += fmt.Sprintf(", ETA %s", eta.Round(time.Second))
		}
	}
	return s
}
