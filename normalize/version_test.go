package normalize_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/concord-er/concord/normalize"
)

var update = flag.Bool("update", false, "record testdata/cases.tsv's expectations in testdata/version.tsv, at normalize.Version")

const versionFile = "testdata/version.tsv"

// escapedBreaks writes an input's line breaks back as cases.tsv does.
var escapedBreaks = strings.NewReplacer("\n", `\n`, "\r", `\r`)

// TestVersion keeps normalize.Version honest: testdata/version.tsv holds
// what every case of testdata/cases.tsv normalised to at the version it
// names, and a case that now normalises otherwise (its expectation
// changed, as TestCases holds every case to it) needs the version raised:
// models and stores made by the older one read that value otherwise.
func TestVersion(t *testing.T) {
	cases := readCases(t)
	key := func(c corpusCase) string { return c.kind + "\t" + c.opts + "\t" + escapedBreaks.Replace(c.in) }
	if *update {
		var b strings.Builder
		fmt.Fprintf(&b, "# normalize.Version %d: what each case of cases.tsv normalised to (go test ./normalize -run TestVersion -update)\n", normalize.Version)
		for _, c := range cases {
			fmt.Fprintf(&b, "%s\t%s\n", key(c), c.want)
		}
		if err := os.WriteFile(versionFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(versionFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	recorded, version := map[string]string{}, -1
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# normalize.Version "); ok {
			fmt.Sscanf(v, "%d", &version)
			continue
		}
		i := strings.LastIndexByte(line, '\t')
		if i < 0 {
			t.Fatalf("%s: line %q has no expectation", versionFile, line)
		}
		recorded[line[:i]] = line[i+1:]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if version != normalize.Version {
		t.Fatalf("%s holds the expectations of version %d, normalize.Version is %d: run go test ./normalize -run TestVersion -update", versionFile, version, normalize.Version)
	}
	var changed, added []string
	for _, c := range cases {
		switch want, ok := recorded[key(c)]; {
		case !ok:
			added = append(added, fmt.Sprintf("cases.tsv:%d", c.line))
		case want != c.want:
			changed = append(changed, fmt.Sprintf("cases.tsv:%d %s %q: %s, was %s", c.line, c.kind, c.in, c.want, want))
		}
	}
	if len(changed) > 0 {
		t.Errorf("%d cases normalise otherwise than at version %d: raise normalize.Version, then run go test ./normalize -run TestVersion -update\n%s",
			len(changed), version, strings.Join(changed, "\n"))
	}
	if len(added) > 0 {
		t.Errorf("%d cases are not in %s (%s): if version %d's code normalised them so, run go test ./normalize -run TestVersion -update; if not, raise normalize.Version first",
			len(added), versionFile, strings.Join(added, ", "), version)
	}
}
