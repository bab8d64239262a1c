package config

import (
	"fmt"
	"strings"
	"time"
)

// DateLayout turns a date format as written in a config into a Go time
// layout. Three notations are accepted:
//
//   - Go layouts, as in the time package: "02/01/2006", "2006-01", "Jan 2 2006";
//   - strftime: "%d/%m/%Y", "%Y%m%d", "%d %b %Y";
//   - pattern letters: "DD/MM/YYYY", "YYYY-MM", "D MMM YY".
//
// The layout must name a year; a format the time package cannot round-trip
// is an error. The format "excel" (any case) reads a spreadsheet's serial
// dates, days since 30 December 1899 (29221 is 1 January 1980): its
// layout is ExcelDates, which normalize reads (normalize.ExcelLayout).
func DateLayout(format string) (string, error) {
	if strings.TrimSpace(format) == "" {
		return "", fmt.Errorf("empty date format")
	}
	if strings.EqualFold(strings.TrimSpace(format), ExcelDates) {
		return ExcelDates, nil
	}
	layout := format
	switch {
	case strings.Contains(format, "%"):
		var err error
		if layout, err = fromStrftime(format); err != nil {
			return "", err
		}
	case strings.Contains(format, "YY") || strings.Contains(format, "DD") || strings.Contains(format, "MM"):
		layout = fromPattern(format)
	}
	ref := time.Date(1987, time.November, 23, 0, 0, 0, 0, time.UTC)
	t, err := time.Parse(layout, ref.Format(layout))
	if err != nil || t.Year() != ref.Year() {
		return "", fmt.Errorf("date format %q names no year: use a Go layout (02/01/2006), strftime (%%d/%%m/%%Y) or letters (DD/MM/YYYY)", format)
	}
	return layout, nil
}

// ExcelDates is the layout of the format "excel"; normalize.ExcelLayout
// is the same string (config and normalize import neither the other).
const ExcelDates = "excel"

var strftime = map[byte]string{
	'Y': "2006", 'y': "06", 'm': "01", 'd': "02", 'e': "_2", 'b': "Jan", 'h': "Jan",
	'B': "January", 'H': "15", 'M': "04", 'S': "05", 'j': "002", 'a': "Mon", 'A': "Monday", '%': "%",
}

func fromStrftime(format string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(format) {
			return "", fmt.Errorf("date format %q ends with a lone %%", format)
		}
		i++
		if format[i] == '-' && i+1 < len(format) { // %-d, %-m: unpadded
			i++
			switch format[i] {
			case 'd':
				b.WriteString("2")
				continue
			case 'm':
				b.WriteString("1")
				continue
			}
		}
		s, ok := strftime[format[i]]
		if !ok {
			return "", fmt.Errorf("date format %q: unsupported directive %%%c", format, format[i])
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func fromPattern(format string) string {
	r := strings.NewReplacer(
		"YYYY", "2006", "yyyy", "2006", "YY", "06", "yy", "06",
		"MMMM", "January", "MMM", "Jan", "MM", "01", "DD", "02", "dd", "02",
	)
	layout := r.Replace(format)
	// Single letters after the multi-letter forms are gone: M and D unpadded.
	var b strings.Builder
	for i := 0; i < len(layout); i++ {
		switch layout[i] {
		case 'M':
			b.WriteString("1")
		case 'D':
			b.WriteString("2")
		default:
			b.WriteByte(layout[i])
		}
	}
	return b.String()
}
