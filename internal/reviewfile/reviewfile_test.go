package reviewfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/concord-er/concord/record"
)

// checkText refuses a comment with a control character, as
// live.CheckReviewer does.
func checkText(_, comment string) error {
	if strings.ContainsAny(comment, "\x1b\x00") {
		return errors.New("the comment holds a control character")
	}
	return nil
}

// read reads a file of the tests: reviewer rev, comment c.
func read(file, c string) ([]Decision, int, error) {
	return Read(strings.NewReader(file), "f", Options{Reviewer: "rev", Comment: c, Stored: storedKeys, CheckText: checkText})
}

// storedKeys reports the records p/1 to p/9 and q/1 as stored.
func storedKeys(k record.Key) (bool, error) {
	return k.Source == "p" && len(k.ID) == 1 && k.ID >= "1" && k.ID <= "9" || k == record.Key{Source: "q", ID: "1"}, nil
}

func TestReadDecisionFile(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string // "A B verdict comment @line"
		left int
		err  string // in the error; "" for none
	}{
		{name: "the queue as --csv lists it, filled in",
			file: "source_a,record_id_a,source_b,record_id_b,probability,match_weight,reason,match_key,verdict,comment\n" +
				"p,1,p,2,0.7,1.2,in the review band,,same,one passport\n" +
				"p,1,p,3,0.7,1.2,in the review band,,,\n" +
				"p,3,p,4,0.7,1.2,in the review band,,different,\n",
			want: []string{"p/1 p/2 same one passport @2", "p/3 p/4 different default @4"}, left: 1},
		{name: "a spreadsheet's: semicolons, a BOM, headers in capitals, verdicts too",
			file: "\uFEFFSource_A;Record_ID_A;Source_B;Record_ID_B;Verdict\r\np;1;p;2; Same \r\np;2;q;1;UNSURE\r\n",
			want: []string{"p/1 p/2 same default @2", "p/2 q/1 unsure default @3"}},
		{name: "tabs, columns in another order",
			file: "verdict\trecord_id_b\tsource_b\trecord_id_a\tsource_a\n" + "different\t2\tp\t1\tp\n" + "\n" + "\t2\tp\t3\tp\n",
			want: []string{"p/1 p/2 different default @2"}, left: 1},
		{name: "a short row",
			file: "verdict\trecord_id_b\tsource_b\trecord_id_a\tsource_a\n" + "different\t2\tp\t1\tp\n" + "\n" + "same\t5\n",
			err:  "f:4: source_a: empty"},
		{name: "the same pair twice alike, decided once",
			file: "source_a,record_id_a,source_b,record_id_b,verdict\np,1,p,2,same\np,2,p,1,Same\n",
			want: []string{"p/1 p/2 same default @2"}},
		{name: "the same pair twice unalike",
			file: "source_a,record_id_a,source_b,record_id_b,verdict\np,1,p,2,same\np,2,p,1,different\n",
			err:  "f:3: verdict: different for p/2 and p/1, decided same at line 2"},
		{name: "no verdict column",
			file: "source_a,record_id_a,source_b,record_id_b,probability\np,1,p,2,0.7\n",
			err:  "f:1: the header has no column verdict"},
		{name: "empty", file: "", err: "f: empty file"},
		{name: "bad rows, each named",
			file: "source_a,record_id_a,source_b,record_id_b,verdict,comment\n" +
				"p,1,p,2,sme,\n" + "p,1,p,1,same,\n" + "p,1,x,9,same,\n" + ",1,p,2,same,\n" + "p,1,p,2,same,\x1b[2J\n" + "p,3,p,4,same,fine\n",
			err: `5 rows of f cannot be decided; nothing was decided:
f:2: verdict: "sme": want same, different or unsure (or nothing, to leave the pair in review)
f:3: record_id_b: p/1 and itself
f:4: record_id_b: record x/9 is not in the store
f:5: source_a: empty
f:6: comment: the comment holds a control character`},
		{name: "a broken quote", file: "source_a,record_id_a,source_b,record_id_b,verdict\np,\"1,p,2,same\n", err: "f: parse error on line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, left, err := read(tc.file, "default")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
				if ds != nil {
					t.Errorf("decisions returned with the error: %v", ds)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				if d.Reviewer != "rev" {
					t.Errorf("reviewer %q", d.Reviewer)
				}
				got = append(got, fmt.Sprintf("%s %s %s %s @%d", d.A, d.B, d.Verdict, d.Comment, d.Line))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") || left != tc.left {
				t.Errorf("got %q, %d left\nwant %q, %d left", got, left, tc.want, tc.left)
			}
		})
	}
}

// Bad rows past MaxErrors are counted, not listed; a store that
// fails is an error of its own.
func TestReadDecisionFileBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString("source_a,record_id_a,source_b,record_id_b,verdict\n")
	for range MaxErrors + 5 {
		b.WriteString("p,1,p,2,maybe\n")
	}
	_, _, err := read(b.String(), "")
	if err == nil || strings.Count(err.Error(), "\nf:") != MaxErrors || !strings.HasSuffix(err.Error(), "and 5 more rows") {
		t.Errorf("error %v", err)
	}
	if bad := (*BadFile)(nil); !errors.As(err, &bad) {
		t.Errorf("bad rows: %T, want a *BadFile", err)
	}
	broken := errors.New("store down")
	_, _, err = Read(strings.NewReader("source_a,record_id_a,source_b,record_id_b,verdict\np,1,p,2,same\n"), "f",
		Options{Reviewer: "rev", CheckText: checkText, Stored: func(record.Key) (bool, error) { return false, broken }})
	if bad := (*BadFile)(nil); !errors.Is(err, broken) || errors.As(err, &bad) {
		t.Errorf("error %v, want the store's, not the file's", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add("source_a,record_id_a,source_b,record_id_b,verdict,comment\np,1,p,2,same,ok\np,1,p,3,,\n")
	f.Add("\uFEFFSource_A;Record_ID_A;Source_B;Record_ID_B;Verdict\r\np;1;q;1; Different \r\n")
	f.Add("verdict\trecord_id_b\tsource_b\trecord_id_a\tsource_a\nunsure\t2\tp\t1\tp\n")
	f.Add("source_a,record_id_a,source_b,record_id_b,verdict\np,1,p,2,same\np,2,p,1,different\n")
	f.Fuzz(func(t *testing.T, file string) {
		ds, left, err := read(file, "")
		if err != nil {
			if ds != nil || left != 0 {
				t.Fatalf("decisions with an error: %v", err)
			}
			return
		}
		seen := map[record.Pair]bool{}
		for _, d := range ds {
			ok, _ := storedKeys(d.A)
			okB, _ := storedKeys(d.B)
			if !d.Verdict.Valid() || d.A == d.B || !ok || !okB || d.Line < 2 || seen[record.NewPair(d.A, d.B)] {
				t.Fatalf("decision %+v", d)
			}
			seen[record.NewPair(d.A, d.B)] = true
		}
	})
}

// Write puts a quote before a text cell a spreadsheet would read as a
// formula, and Read takes it off: a payment's reference =HYPERLINK(…)
// or -7 goes out as text and comes back as the record's key.
func TestWriteReadFormulas(t *testing.T) {
	a := record.Key{Source: "pay", ID: `=HYPERLINK("http://x","y")`}
	b := record.Key{Source: "pay", ID: "-7"}
	c := record.Key{Source: "kyc", ID: "k1"}
	pairs := []record.Review{{A: a, B: b, Weight: -1.5, Reason: "in the review band"}, {A: b, B: c, Weight: 2, Reason: "@once"}}
	var buf bytes.Buffer
	if err := Write(&buf, pairs, []record.Key{b, b}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pay/-7", "pay", `'=HYPERLINK("http://x","y")`, "pay", "'-7", "0.261204", "-1.500", "in the review band", "", "", ""}
	if len(rows) != 3 || !slices.Equal(rows[1], want) || rows[2][7] != "'@once" {
		t.Fatalf("written:\n%q\nwant row 1 %q", rows, want)
	}
	for _, r := range rows[1:] {
		r[9] = "same"
	}
	var filled bytes.Buffer
	csv.NewWriter(&filled).WriteAll(rows)
	ds, _, err := Read(&filled, "f", Options{Reviewer: "rev", CheckText: checkText, Stored: func(record.Key) (bool, error) { return true, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].A != a || ds[0].B != b || ds[1].A != b || ds[1].B != c {
		t.Errorf("read back %+v", ds)
	}
}

// Row, which a batch run's review.csv is written with too, writes its
// text cells as text and its numbers as numbers.
func TestRowAsText(t *testing.T) {
	tests := []struct {
		a, b         record.Key
		reason, rule string
		want         []string
	}{
		{record.Key{Source: "kyc", ID: "k1"}, record.Key{Source: "pay", ID: "p1"}, "in the review band", "name",
			[]string{"kyc", "k1", "pay", "p1", "0.500000", "0.000", "in the review band", "name"}},
		{record.Key{Source: "+src", ID: "=1+1"}, record.Key{Source: "pay", ID: "-7"}, "@once", "\tname",
			[]string{"'+src", "'=1+1", "pay", "'-7", "0.500000", "0.000", "'@once", "'\tname"}},
		{record.Key{Source: "kyc", ID: "'=x"}, record.Key{Source: "pay", ID: "7-"}, "", "",
			[]string{"kyc", "'=x", "pay", "7-", "0.500000", "0.000", "", ""}},
	}
	for _, tt := range tests {
		if got := Row(tt.a, tt.b, 0.5, 0, tt.reason, tt.rule); !slices.Equal(got, tt.want) {
			t.Errorf("Row(%v, %v) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}
