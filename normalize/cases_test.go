package normalize_test

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// TestCases runs the hand-checked corpus in testdata/cases.tsv. Its
// expectations were written by hand, not generated: when a case fails,
// decide whether the code or the expectation is wrong before changing either.
func TestCases(t *testing.T) {
	cases := readCases(t)
	kinds := map[string]int{}
	for _, c := range cases {
		kinds[c.kind]++
		if got := render(record.Kind(c.kind), c.opts, c.in); got != c.want {
			t.Errorf("cases.tsv:%d: %s %q\n got  %s\n want %s", c.line, c.kind, c.in, got, c.want)
		}
	}
	// The corpus is a deliverable: keep it large and balanced.
	if len(cases) < 200 {
		t.Errorf("corpus has %d cases, want at least 200", len(cases))
	}
	for _, k := range []string{"name", "date", "phone", "address"} {
		if kinds[k] < 30 {
			t.Errorf("corpus has %d %s cases, want at least 30", kinds[k], k)
		}
	}
}

// corpusCase is one line of testdata/cases.tsv: a kind, its options (a
// region, date formats), the raw value and what it must render as.
type corpusCase struct {
	line                 int
	kind, opts, in, want string
}

var lineBreaks = strings.NewReplacer(`\n`, "\n", `\r`, "\r")

// readCases reads testdata/cases.tsv, skipping blank lines and comments.
func readCases(tb testing.TB) []corpusCase {
	f, err := os.Open("testdata/cases.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var out []corpusCase
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 4 {
			tb.Fatalf("cases.tsv:%d: want 4 tab-separated columns, got %d", line, len(cols))
		}
		// Line breaks in an input are written \n and \r (a SWIFT field's lines).
		out = append(out, corpusCase{line, cols[0], cols[1], lineBreaks.Replace(cols[2]), cols[3]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func render(kind record.Kind, opts, in string) string {
	var opt normalize.Options
	switch kind {
	case record.KindDate:
		if opts != "" {
			opt.DateFormats = strings.Split(opts, "|")
		}
	case record.KindPhone:
		opt.Region = opts
	}
	// A placeholder is found by Value, before any parser.
	if why := normalize.Placeholder(kind, in); why != "" {
		return "ERR empty"
	}
	switch kind {
	case record.KindName:
		n, err := normalize.ParseName(in)
		if err != nil {
			return errName(err)
		}
		return join(n.Norm(), "g="+strings.Join(n.Given, " "), "s="+strings.Join(n.Surnames, ";"), "x="+n.Suffix)
	case record.KindOrgName:
		o, err := normalize.ParseOrg(in)
		if err != nil {
			return errName(err)
		}
		return join(o.Norm(), "f="+o.LegalForm)
	case record.KindParty:
		v, err := normalize.Party(in)
		if err != nil {
			return errName(err)
		}
		return join(v.Norm, "k="+v.Facet("party"), "f="+v.Facet("legal_form"))
	case record.KindAddress:
		a, err := normalize.ParseAddress(in)
		if err != nil {
			return errName(err)
		}
		return join(a.Norm(), "n="+a.Number, "p="+a.Postcode)
	case record.KindPostcode:
		v, err := normalize.Value(kind, in, opt)
		if err != nil {
			return errName(err)
		}
		return join(v.Norm, "a="+v.Facet("area"), "d="+v.Facet("district"), "s="+v.Facet("sector"))
	case record.KindPhone:
		p, err := normalize.ParsePhone(in, opt.Region)
		if err != nil {
			return errName(err)
		}
		if p.Extension != "" {
			return p.E164 + ";ext=" + p.Extension
		}
		return p.E164
	}
	v, err := normalize.Value(kind, in, opt)
	if err != nil {
		if v.Norm != "" { // a date cut to its sure part is kept and reported
			return errName(err) + "; kept " + v.Norm
		}
		return errName(err)
	}
	return v.Norm
}

func join(norm string, parts ...string) string {
	out := []string{norm}
	for _, p := range parts {
		if !strings.HasSuffix(p, "=") {
			out = append(out, p)
		}
	}
	return strings.Join(out, " | ")
}

func errName(err error) string {
	switch {
	case errors.Is(err, normalize.ErrEmpty):
		return "ERR empty"
	case errors.Is(err, normalize.ErrAmbiguous):
		return "ERR ambiguous"
	case errors.Is(err, normalize.ErrInvalid):
		return "ERR invalid"
	}
	return "ERR " + err.Error()
}

// BenchmarkParsePhone parses the phone numbers of testdata/cases.tsv,
// each in its case's region (a mix of international, national and
// invalid numbers). b.N counts numbers.
func BenchmarkParsePhone(b *testing.B) {
	var cases []corpusCase
	for _, c := range readCases(b) {
		if c.kind == string(record.KindPhone) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		b.Fatal("no phone cases in testdata/cases.tsv")
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c := cases[i%len(cases)]
		_, _ = normalize.ParsePhone(c.in, c.opts)
	}
}

// BenchmarkValue normalises every value of testdata/cases.tsv by Value,
// and BenchmarkValueChecks runs only what Value and the loader ask of
// every raw value before its kind's parser (Placeholder, Parts): what
// those checks add to loading. b.N counts values.
func BenchmarkValue(b *testing.B) {
	cases := readCases(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c := cases[i%len(cases)]
		_, _ = normalize.Value(record.Kind(c.kind), c.in, normalize.Options{Region: c.opts})
	}
}

func BenchmarkValueChecks(b *testing.B) {
	cases := readCases(b)
	b.ReportAllocs()
	var room [2]string
	for i := 0; b.Loop(); i++ {
		c := cases[i%len(cases)]
		_ = normalize.Placeholder(record.Kind(c.kind), c.in)
		_ = normalize.AppendParts(room[:0], record.Kind(c.kind), c.in)
	}
}

// BenchmarkDeclaredDate reads dates by the formats their sources declare,
// the first format failing on some, as a file's dates of birth are read.
func BenchmarkDeclaredDate(b *testing.B) {
	formats := [][]string{{"02/01/2006"}, {"2006-01-02", "02/01/2006"}, {"02-Jan-06"}, {"02.01.2006"}}
	values := []string{"17/05/1990", "03/04/1965", "1990-05-17", "17/05/1990", "12-MAR-65", "01-jan-01", "17.05.1990", "1.2.1965"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, _ = normalize.ParseDate(values[i%len(values)], formats[(i/2)%len(formats)])
	}
}
