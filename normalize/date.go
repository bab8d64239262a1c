package normalize

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/concord-er/concord/record"
)

// Precision says how much of a date is known.
type Precision int

// Date precisions, from least to most precise.
const (
	Year Precision = iota + 1
	Month
	Day
)

// Date is a calendar date, possibly partial (year, or year and month).
type Date struct {
	Year, Month, Day int
	Precision        Precision
}

// String returns the ISO form at the date's precision: 1990, 1990-05, 1990-05-17.
func (d Date) String() string {
	switch d.Precision {
	case Year:
		return fmt.Sprintf("%04d", d.Year)
	case Month:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Value returns d with facets year, month (yyyy-mm), day and precision.
func (d Date) Value() record.Value {
	var month, day, monthday string
	if d.Precision >= Month {
		month = fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	if d.Precision == Day {
		day, monthday = d.String(), fmt.Sprintf("%02d-%02d", d.Month, d.Day)
	}
	return record.Value{Norm: d.String(), Facets: record.MakeFacets("year", strconv.Itoa(d.Year),
		"precision", [...]string{"", "year", "month", "day"}[d.Precision], "month", month, "day", day, "monthday", monthday)}
}

// Year bounds of a plausible date.
const (
	minYear = 1000
	maxYear = 2999
)

// ParseDate reads a date. The declared layouts (Go time layouts) are tried
// first, in order; a value none of them fits is read only where the reading
// is unambiguous: ISO 8601 (1990-05-17, 1990-05, 1990), compact 19900517,
// written months in English, Spanish, Portuguese, French or German
// (17 May 1990, 17 de mayo de 1990, May 17, 1990), and day/month orders
// that only one reading allows (25/12/1990). Zero placeholders (1990-00-00,
// 19900500) give a partial date. A value that two readings would parse
// differently, or a two-digit year, returns ErrAmbiguous: declare a format.
// A month or day no calendar has returns the date cut to its sure part with
// a *CutDateError (see build).
func ParseDate(raw string, layouts []string) (Date, error) {
	return ParseDateIn(raw, layouts, OrderUnknown)
}

// DateOrder is the order of day and month in dates written as three
// numbers with the year last (17/06/2005): the order a value that both
// read as a date (03/08/1999) is read in. A source's dates show it when
// those only one order reads (17/06/2005, never 06/17/2005) all take one
// (engine infers it so, DateOrderOf); unknown, such a value is ambiguous.
type DateOrder uint8

// Orders of day and month.
const (
	OrderUnknown DateOrder = iota
	DayFirst               // 03/08/1999 is 3 August 1999
	MonthFirst             // 03/08/1999 is 8 March 1999
)

// String names the order as model.json and summary.json write it.
func (o DateOrder) String() string {
	switch o {
	case DayFirst:
		return "day_first"
	case MonthFirst:
		return "month_first"
	}
	return ""
}

// Words names the order in words, as warnings write it: "day first".
func (o DateOrder) Words() string { return strings.ReplaceAll(o.String(), "_", " ") }

// Shown returns, of dayFirst and monthFirst, the counts of dates that
// only day first and only month first read, the count o's order shows
// and the other's.
func (o DateOrder) Shown(dayFirst, monthFirst int64) (shown, other int64) {
	if o == MonthFirst {
		return monthFirst, dayFirst
	}
	return dayFirst, monthFirst
}

// DateOrderNamed returns the order String names; false for another name.
func DateOrderNamed(name string) (DateOrder, bool) {
	for _, o := range []DateOrder{DayFirst, MonthFirst} {
		if o.String() == name {
			return o, true
		}
	}
	return OrderUnknown, false
}

// ParseDateIn is ParseDate with the order of day and month of the
// values no declared layout reads: a value both orders read is read in
// order, unless it is OrderUnknown; declared layouts that write day and
// month in an order of their own read such a value in theirs.
func ParseDateIn(raw string, layouts []string, order DateOrder) (Date, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Date{}, ErrEmpty
	}
	for _, layout := range layouts {
		if d, ok := parseLayout(s, layout); ok {
			return d, nil
		}
	}
	// A time of day after the date, as databases and spreadsheets export
	// one ("17/05/1990 00:00:00", "5/17/1990 12:00:00 AM"): the date is
	// read without it.
	if t := withoutTime(s); t != s {
		s = t
		for _, layout := range layouts {
			if d, ok := parseLayout(s, layout); ok {
				return d, nil
			}
		}
	}
	// A value the declared formats do not fit, written in their order of
	// day and month all the same (2/3/1985 or 02-03-1985 where the format
	// is DD/MM/YYYY), is read in that order, whatever order the source's
	// other dates show: the declared formats come first.
	if o := layoutsOrder(layouts); o != OrderUnknown {
		order = o
	}
	d, _, err := parseAuto(s, order)
	if err == nil || len(layouts) == 0 {
		return d, err // d is the date kept when err is a *CutDateError, else zero
	}
	declared := func(err error) error {
		return fmt.Errorf("%w (declared formats: %s)", err, strings.Join(layouts, ", "))
	}
	var c *CutDateError
	if !errors.As(err, &c) {
		return d, declared(err)
	}
	// Where both orders of day and month failed, only the year was kept:
	// a declared format says which number is the month.
	if c.Kept.Precision == Year {
		for _, layout := range layouts {
			if cd, cc, ok := cutByLayout(s, layout); ok {
				d, c, err = cd, cc, cc
				break
			}
		}
	}
	c.Err = declared(c.Err)
	return d, err
}

// cutByLayout reads s, a date that none of the calendar's days is, in the
// order of day, month and year a numeric layout declares (02/01/2006), and
// returns what is sure of it (build): 31/02/1990 declared DD/MM/YYYY keeps
// 1990-02. ok is false when the layout is not three numbers or s does not
// fit it.
func cutByLayout(s, layout string) (Date, *CutDateError, bool) {
	order := make([]byte, 0, 3)
	for _, f := range strings.FieldsFunc(layout, func(r rune) bool { return !layoutElement(r) }) {
		switch f {
		case "02", "_2", "2":
			order = append(order, 'd')
		case "01", "1":
			order = append(order, 'm')
		case "2006":
			order = append(order, 'y')
		default:
			return Date{}, nil, false
		}
	}
	nums := strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if len(order) != 3 || len(nums) != 3 {
		return Date{}, nil, false
	}
	var y, m, d int
	for i, o := range order {
		switch n := atoi(nums[i]); o {
		case 'y':
			if len(nums[i]) != 4 {
				return Date{}, nil, false
			}
			y = n
		case 'm':
			m = n
		case 'd':
			d = n
		}
	}
	if y == 0 || m == 0 && d == 0 {
		return Date{}, nil, false
	}
	kept, err := build(s, y, m, d, Day)
	var c *CutDateError
	if !errors.As(err, &c) {
		return Date{}, nil, false
	}
	return kept, c, true
}

// layoutsOrder returns the order of day and month that the layouts
// writing both as numbers before the year declare (02/01/2006 is
// DayFirst; 2006-01-02 declares none), or OrderUnknown when none does or
// two disagree.
func layoutsOrder(layouts []string) DateOrder {
	order := OrderUnknown
	for _, layout := range layouts {
		day, month, year := -1, -1, -1
		for i, f := range strings.FieldsFunc(layout, func(r rune) bool { return !layoutElement(r) }) {
			switch f {
			case "02", "_2", "2":
				day = i
			case "01", "1":
				month = i
			case "2006", "06":
				year = i
			}
		}
		if day < 0 || month < 0 || year < max(day, month) {
			continue
		}
		o := DayFirst
		if month < day {
			o = MonthFirst
		}
		if order != OrderUnknown && order != o {
			return OrderUnknown
		}
		order = o
	}
	return order
}

// layoutElement reports whether r may be part of a Go layout's element
// (2006, 01, _2, Jan) rather than a separator.
func layoutElement(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_'
}

// timeOfDay matches a time of day after a date, and its zone; the first
// group is where it starts.
var timeOfDay = regexp.MustCompile(`\d((?:\s+|T)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?\s*(?:[aApP]\.?\s?[mM]\.?)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)$`)

func parseLayout(s, layout string) (Date, bool) {
	switch layout {
	case ExcelLayout:
		return parseSerial(s)
	case ExcelCellLayout:
		if n, err := strconv.Atoi(strings.SplitN(s, ".", 2)[0]); err != nil || n <= maxYearNumber {
			return Date{}, false
		}
		return parseSerial(s)
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		// A layout may be written in a different case than the value
		// ("MAY"): only one that writes a name has letters to differ in.
		if !hasLetter(layout) {
			return Date{}, false
		}
		if t, err = time.Parse(layout, titleMonths(s)); err != nil {
			return Date{}, false
		}
	}
	p := Year
	switch {
	case hasDay(layout):
		p = Day
	case hasMonth(layout):
		p = Month
	}
	d := Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day(), Precision: p}
	if twoDigitYear(layout) {
		d.Year = centuryOf(d.Year%100, time.Now().Year())
	}
	if p < Day {
		d.Day = 0
	}
	if p < Month {
		d.Month = 0
	}
	if d.Year < minYear || d.Year > maxYear {
		return Date{}, false
	}
	return d, true
}

// ExcelLayout is the layout of a spreadsheet's serial dates: the number
// of days since 30 December 1899, as a cell formatted as a number writes
// a date (29221 is 1 January 1980), with a fraction for the time of day.
// config.DateLayout gives it for the format "excel".
const ExcelLayout = "excel"

// ExcelCellLayout is the layout of the dates of a spreadsheet's cells
// read as the workbook stores them (an xlsx source's: engine.FieldOptions
// sets it after the formats a field declares): a cell formatted as a date
// holds its serial date (ExcelLayout), and one formatted as a number may
// hold a year, so that a number up to maxYearNumber is not read as a
// serial (1985 is the year 1985, not 7 June 1905) but as the number it
// is, and a serial is a day from 1 October 1905 on.
const ExcelCellLayout = "excel cell"

// maxYearNumber is the largest number ExcelCellLayout leaves to be read
// as a year.
const maxYearNumber = 2100

// maxSerial is the serial date of the last day maxYear has.
var maxSerial = int(time.Date(maxYear, time.December, 31, 0, 0, 0, 0, time.UTC).Sub(excelEpoch).Hours() / 24)

// excelEpoch is day 0 of serial dates after February 1900. The 1900
// system counts a 29 February 1900 (day 60) that no calendar has, as
// Lotus 1-2-3 did: the days before it are one later than it says.
var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// SerialDate reports whether raw looks like a spreadsheet's serial date
// (ExcelLayout) rather than a number of another kind: five digits, a day
// from 1927 to 2173 (29221), a fraction after them or not. Fewer digits
// are a year (1985) or no date (an age); a date column of such numbers
// was exported from cells formatted as numbers.
func SerialDate(raw string) bool {
	s := strings.TrimSpace(raw)
	whole, _, _ := strings.Cut(s, ".")
	_, ok := parseSerial(s)
	return ok && len(whole) == 5
}

// parseSerial reads s as a serial date: a whole number of days, 1 to
// maxSerial, of at most six digits (19900517 is a date written
// together, not a serial), and a fraction of a day passed over. Day 60,
// the 29 February 1900 the system counts, is no date.
func parseSerial(s string) (Date, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) == 0 || len(whole) > 6 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return Date{}, false
	}
	n, err := strconv.Atoi(whole)
	if err != nil || n < 1 || n > maxSerial || n == 60 {
		return Date{}, false
	}
	if n < 60 {
		n++
	}
	t := excelEpoch.AddDate(0, 0, n)
	return Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day(), Precision: Day}, true
}

// twoDigitYear reports whether layout writes the year in two digits (06):
// an 06 that is no part of a 2006 (counted, not cut out, so that a date
// read with a layout allocates nothing for it).
func twoDigitYear(layout string) bool {
	return strings.Count(layout, "06") > strings.Count(layout, "2006")
}

// centuryOf reads a two-digit year yy as the latest year ending in it that
// is not after thisYear: the dates people link by (births, incorporations,
// filings) are past ones, and a legacy export's 15/03/65 is a birth in 1965,
// where Go's own rule (69–99 in the 1900s, 00–68 in the 2000s) would read
// 2065 and set the person apart from every record that writes 1965.
func centuryOf(yy, thisYear int) int {
	y := thisYear - thisYear%100 + yy
	if y > thisYear {
		y -= 100
	}
	return y
}

// hasDay reports whether layout writes the day of the month: a 2 (or 02,
// _2, 002) that is no part of the year or a month's or weekday's name.
func hasDay(layout string) bool {
	return strings.Contains(layoutNames.Replace(layout), "2")
}

// layoutNames cuts out of a layout the elements whose digits or letters
// are no day: built once, as a Replacer's tables cost more than the
// replacing (it was built for every date read).
var layoutNames = strings.NewReplacer("2006", "", "Jan", "", "January", "", "Mon", "", "Monday", "")

func hasMonth(layout string) bool {
	l := strings.ReplaceAll(layout, "2006", "")
	return strings.Contains(l, "1") || strings.Contains(l, "Jan")
}

func titleMonths(s string) string {
	b := []byte(strings.ToLower(s))
	for i := range b {
		if b[i] >= 'a' && b[i] <= 'z' && (i == 0 || !isLetter(b[i-1])) {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// hasLetter reports whether s holds an ASCII letter.
func hasLetter(s string) bool {
	for i := range len(s) {
		if isLetter(s[i]) {
			return true
		}
	}
	return false
}

// months maps folded month names and abbreviations to month numbers: in
// English, Spanish, Portuguese, French and German; then Italian, Dutch,
// Turkish and Polish; then Russian, as transliterated (январь → ianvar',
// марта → marta) and as Latin-script documents write it (yanvarya), in the
// genitive a day takes too; and in Roman numerals (romanMonths).
var months = func() map[string]int {
	m := map[string]int{}
	for i, names := range []string{
		"january jan enero ene janeiro janvier janv januar jaenner gennaio januari ocak styczen stycznia ianvar ianvaria yanvar yanvarya",
		"february feb febrero fevereiro fev fevrier fevr februar febbraio februari subat luty lutego fevral fevralia fevralya",
		"march mar marzo marco mars marz maerz maart mart marzec marca marta",
		"april apr abril abr avril avr aprile nisan kwiecien kwietnia aprel aprelia aprelya",
		"may mayo maio mai maggio mei mayis maj maja maia maya",
		"june jun junio junho juin juni giugno haziran czerwiec czerwca iiun iiunia iyun iyunya",
		"july jul julio julho juillet juil juli luglio temmuz lipiec lipca iiul iiulia iyul iyulya",
		"august aug agosto ago aout augustus agustos sierpien sierpnia avgust avgusta",
		"september sep sept septiembre setiembre setembro set septembre settembre eylul wrzesien wrzesnia sentiabr sentiabria sentyabr sentyabrya",
		"october oct octubre outubro out octobre okt oktober ottobre ekim pazdziernik pazdziernika oktiabr oktiabria oktyabr oktyabrya",
		"november nov noviembre novembro novembre kasim listopad listopada noiabr noiabria noyabr noyabrya",
		"december dec diciembre dic dezembro dez decembre dezember dicembre aralik grudzien grudnia dekabr dekabria dekabrya",
	} {
		for _, n := range strings.Fields(names) {
			m[n] = i + 1
		}
		m[romanMonths[i]] = i + 1
	}
	return m
}()

// romanMonths are the months in Roman numerals, as Polish, Czech and
// other Central and Eastern European documents write a date (12.III.1985).
var romanMonths = strings.Fields("i ii iii iv v vi vii viii ix x xi xii")

// fillers are words that may stand between the parts of a written date.
// fillers are the words of a written date that say nothing of it: "de",
// "of", ordinal endings, and the qualifier sanctions lists write before a
// date of birth known to a year or so ("circa 1965", "approx. 1965",
// "1965 (approximately)"), passed over so that the date keeps the
// precision it is written to; the ±1 year level of the date comparison
// takes up the year either side.
var fillers = set("de del of the th st nd rd le der " +
	"circa c ca approx approximately about abt around est estimated aprox aproximadamente alrededor hacia cerca " +
	"vers env environ etwa ungefahr dob born nacido nacida")

// withoutTime returns s without a time of day after its date.
func withoutTime(s string) string {
	if strings.IndexByte(s, ':') >= 0 {
		if m := timeOfDay.FindStringSubmatchIndex(s); m != nil {
			return s[:m[2]]
		}
	}
	return s
}

// DateOrderOf returns the order of day and month a date written as three
// numbers shows by itself: DayFirst when only day first reads it as a
// date (17/06/2005), MonthFirst when only month first does (06/17/2005),
// OrderUnknown otherwise (both do, neither does, or it is written another
// way: ISO, a month's name, dots, which only day first writes).
func DateOrderOf(raw string) DateOrder {
	s := strings.TrimSpace(raw)
	if s == "" {
		return OrderUnknown
	}
	_, shown, _ := parseAuto(withoutTime(s), OrderUnknown)
	return shown
}

// parseAuto reads a date no declared layout reads (one of three numbers
// that both orders of day and month read, in order), and returns the
// order the value shows by itself too (DateOrderOf).
func parseAuto(s string, order DateOrder) (Date, DateOrder, error) {
	// ISO 8601 with a time: keep the date.
	if len(s) > 10 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	// A note in brackets after the date says nothing of it: (age 59).
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(strings.TrimSpace(s), ")") {
		s = s[:i]
	}
	var toks []string
	for _, t := range strings.Fields(Fold(s)) {
		toks = append(toks, splitDigits(t)...) // 12MAR1965, as mainframes and MRZs write it
	}
	var nums []string
	month, monthAt := 0, 0 // monthAt: the numbers before the month's name
	for _, t := range toks {
		switch {
		case isDigits(t):
			nums = append(nums, t)
		case months[t] > 0 && month == 0:
			month, monthAt = months[t], len(nums)
		case ordinal(t) != "":
			nums = append(nums, ordinal(t))
		case fillers[t]:
		case t == "xx": // XX/XX/1975: a day and a month not known, as 00/00/1975
			nums = append(nums, "00")
		default:
			return Date{}, OrderUnknown, fmt.Errorf("%w: unrecognised date %q", ErrInvalid, s)
		}
	}
	var d Date
	var err error
	switch {
	case month > 0:
		d, err = writtenMonth(s, month, nums, monthAt)
	case len(nums) == 1:
		d, err = compact(s, nums[0])
	case len(nums) == 2 && len(nums[0]) == 4: // 1990-05
		d, err = build(s, atoi(nums[0]), atoi(nums[1]), 0, Month)
	case len(nums) == 2 && len(nums[1]) == 4: // 05/1990
		d, err = build(s, atoi(nums[1]), atoi(nums[0]), 0, Month)
	case len(nums) == 3:
		return numeric(s, nums, order)
	default:
		err = fmt.Errorf("%w: unrecognised date %q", ErrInvalid, s)
	}
	return d, OrderUnknown, err
}

// splitDigits splits a word where digits and letters meet: 12mar1965 is
// 12, mar, 1965; 12th is 12, th (a filler).
func splitDigits(t string) []string {
	var out []string
	start := 0
	for i := 1; i < len(t); i++ {
		if isDigit(t[i]) != isDigit(t[i-1]) {
			out = append(out, t[start:i])
			start = i
		}
	}
	return append(out, t[start:])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// writtenMonth reads a date whose month is a name. Its two-digit year is
// read only where the order says which number it is: day, month, year
// (12-MAR-65, as Oracle's DD-MON-YY exports write it), the year the latest
// ending in those digits not after the current one (centuryOf).
func writtenMonth(s string, month int, nums []string, monthAt int) (Date, error) {
	var year, day []string
	for _, n := range nums {
		if len(n) == 4 {
			year = append(year, n)
		} else {
			day = append(day, n)
		}
	}
	switch {
	case len(year) == 1 && len(day) == 0:
		return build(s, atoi(year[0]), month, 0, Month)
	case len(year) == 1 && len(day) == 1:
		return build(s, atoi(year[0]), month, atoi(day[0]), Day)
	case len(year) == 0 && len(day) == 2 && monthAt == 1 && len(nums[1]) == 2:
		return build(s, centuryOf(atoi(nums[1]), time.Now().Year()), month, atoi(nums[0]), Day)
	case len(year) == 0 && len(day) >= 1:
		return Date{}, fmt.Errorf("%w: date %q has no four-digit year; declare a format", ErrAmbiguous, s)
	}
	return Date{}, fmt.Errorf("%w: unrecognised date %q", ErrInvalid, s)
}

// compact reads a run of digits: 1990, 199005, 19900517.
func compact(s, n string) (Date, error) {
	switch len(n) {
	case 4:
		return build(s, atoi(n), 0, 0, Year)
	case 6:
		return build(s, atoi(n[:4]), atoi(n[4:]), 0, Month)
	case 8:
		if y := atoi(n[:4]); y >= minYear && y <= maxYear {
			return build(s, y, atoi(n[4:6]), atoi(n[6:]), Day)
		}
		return Date{}, fmt.Errorf("%w: date %q is not YYYYMMDD; declare a format", ErrAmbiguous, s)
	}
	return Date{}, fmt.Errorf("%w: unrecognised date %q", ErrInvalid, s)
}

// numeric reads three numbers: Y-M-D when the first has four digits, else
// D/M/Y or M/D/Y when only one of them is a valid date (the order it
// shows), or D.M.Y when written with dots (dottedDMY); one both read is
// read in order, ambiguous when it is unknown.
func numeric(s string, n []string, order DateOrder) (Date, DateOrder, error) {
	if len(n[0]) == 4 {
		d, err := build(s, atoi(n[0]), atoi(n[1]), atoi(n[2]), Day)
		return d, OrderUnknown, err
	}
	if len(n[2]) != 4 {
		return Date{}, OrderUnknown, fmt.Errorf("%w: date %q has no four-digit year; declare a format", ErrAmbiguous, s)
	}
	y, a, b := atoi(n[2]), atoi(n[0]), atoi(n[1])
	dmy, errDMY := build(s, y, b, a, Day)
	mdy, errMDY := build(s, y, a, b, Day)
	switch {
	case errDMY == nil && dottedDMY(s):
		return dmy, OrderUnknown, nil
	case errDMY == nil && errMDY == nil && dmy == mdy: // 05/05/1990
		return dmy, OrderUnknown, nil
	case errDMY == nil && errMDY == nil && order == DayFirst:
		return dmy, OrderUnknown, nil
	case errDMY == nil && errMDY == nil && order == MonthFirst:
		return mdy, OrderUnknown, nil
	case errDMY == nil && errMDY == nil:
		return Date{}, OrderUnknown, fmt.Errorf("%w: %q could be day/month or month/day; declare a format", ErrAmbiguous, s)
	case errDMY == nil:
		return dmy, DayFirst, nil
	case errMDY == nil:
		return mdy, MonthFirst, nil
	}
	d, err := yearOnly(errDMY)
	return d, OrderUnknown, err
}

// dottedDMY reports whether a date is written day.month.year, with dots
// and no other separator (12.03.1965): the order of every country that
// writes dates with dots (Germany, Switzerland, Russia, Poland, Turkey,
// the Nordics, …); none writes the month first with them.
func dottedDMY(s string) bool {
	return strings.Count(s, ".") == 2 && !strings.ContainsAny(s, "/-")
}

// build checks a date; zero month or day lower the precision (placeholders).
// A month or day that no calendar has (1856-86-18, 1985-02-30: a digit
// mistyped) fails with a *CutDateError that keeps what is sure of it: the
// year, and the month when only the day is impossible.
func build(s string, y, m, d int, p Precision) (Date, error) {
	if y < minYear || y > maxYear {
		return Date{}, fmt.Errorf("%w: year %d of %q is out of range", ErrInvalid, y, s)
	}
	if p >= Month && m == 0 {
		if p == Day && d != 0 {
			return cut(Date{Year: y, Precision: Year}, fmt.Errorf("%w: %q has a day but no month", ErrInvalid, s))
		}
		return Date{Year: y, Precision: Year}, nil
	}
	if p >= Month && (m < 1 || m > 12) {
		return cut(Date{Year: y, Precision: Year}, fmt.Errorf("%w: month %d of %q is out of range", ErrInvalid, m, s))
	}
	if p == Day && d == 0 {
		return Date{Year: y, Month: m, Precision: Month}, nil
	}
	if p == Day {
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if d < 1 || t.Day() != d {
			return cut(Date{Year: y, Month: m, Precision: Month}, fmt.Errorf("%w: day %d of %q does not exist", ErrInvalid, d, s))
		}
	}
	return Date{Year: y, Month: m, Day: d, Precision: p}, nil
}

// CutDateError is a date whose year is sure and whose month or day no
// calendar has: Kept is what is sure of it, the year (and the month when
// only the day is impossible). The value is kept at that precision and
// reported too, so that a mistyped 1856-86-18 still agrees with 1856-06-18
// on its year (the date comparison's partial level) and the rejects say
// what was cut.
type CutDateError struct {
	Kept Date
	Err  error // wraps ErrInvalid
}

func (e *CutDateError) Error() string {
	return fmt.Sprintf("%s; kept %s", e.Err, e.Kept)
}

func (e *CutDateError) Unwrap() error { return e.Err }

// cut returns a date cut to what is sure of it, and the error that says so.
func cut(kept Date, err error) (Date, error) {
	return kept, &CutDateError{Kept: kept, Err: err}
}

// yearOnly cuts a *CutDateError's date to its year (when two orders of day
// and month both fail, the month is not sure either); other errors are
// returned as they are.
func yearOnly(err error) (Date, error) {
	var c *CutDateError
	if errors.As(err, &c) {
		return cut(Date{Year: c.Kept.Year, Precision: Year}, c.Err)
	}
	return Date{}, err
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ordinal returns the digits of 1st, 2nd, 17th; "" otherwise.
func ordinal(t string) string {
	for _, suf := range []string{"st", "nd", "rd", "th", "o", "er"} {
		if d := strings.TrimSuffix(t, suf); d != t && isDigits(d) && len(d) <= 2 {
			return d
		}
	}
	return ""
}

func atoi(s string) int {
	if len(s) > 9 {
		return -1
	}
	n, _ := strconv.Atoi(s)
	return n
}
