package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/concord-er/concord"

// tiers places every package of the module, as in DESIGN.md. A package may
// import module packages of lower tiers only; tier 1 may import only tier 0
// (record, and nickname: the forms of given names, which comparisons and
// blocking both read). A new package must be added here, which forces the
// decision.
var tiers = map[string]int{
	"record": 0, "nickname": 0,

	"config": 1, "ingest": 1, "normalize": 1, "block": 1, "compare": 1, "cluster": 1,
	"audit": 1, "access": 1, "eval": 1, "internal/synth": 1,
	"internal/progress": 1, "internal/demo": 1, "internal/archtest": 1, "internal/testpki": 1,

	"model": 2, "explain": 2, "store": 2, "relate": 2, "relate/relatetest": 2,

	"engine": 3, "internal/reviewfile": 3,

	"live": 4, "internal/fixture": 4,

	"server": 5, "web": 5, "internal/accuracy": 5, "kafka": 5,
	"bench":        6, // bench --serve drives a server
	"internal/cli": 7,
	"cmd/concord":  8,
}

// sameTier lists the imports within a tier that DESIGN.md states:
// explain reads the model's evidence.
var sameTier = map[string][]string{"explain": {"model"}, "relate/relatetest": {"relate"}}

// neverImported may not be imported by any package but a command under cmd/.
var neverImported = []string{"cmd/concord", "internal/cli"}

// onlyImportedBy lists packages only the named ones may import: the
// server is started by the command line alone.
var onlyImportedBy = map[string][]string{"server": {"internal/cli", "bench"}}

func tierOf(pkg string) (int, bool) {
	if t, ok := tiers[pkg]; ok {
		return t, true
	}
	// Backends and suites live below their interface: store/sqlite, store/storetest.
	if strings.HasPrefix(pkg, "store/") {
		return tiers["store"], true
	}
	return 0, false
}

func TestImportDirection(t *testing.T) {
	root := filepath.Join("..", "..")
	imports := map[string][]string{} // package → module packages it imports
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if _, ok := imports[pkg]; !ok {
			imports[pkg] = nil
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if dep, ok := strings.CutPrefix(p, module+"/"); ok {
				imports[pkg] = append(imports[pkg], dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 8 {
		t.Fatalf("found only %d packages under %s: is the walk broken?", len(imports), root)
	}
	pkgs := make([]string, 0, len(imports))
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		tier, ok := tierOf(pkg)
		if !ok {
			t.Errorf("package %s has no tier: add it to tiers in %s", pkg, "internal/archtest/imports_test.go")
			continue
		}
		for _, dep := range imports[pkg] {
			dt, ok := tierOf(dep)
			switch {
			case !ok:
				t.Errorf("%s imports %s, which has no tier", pkg, dep)
			case contains(neverImported, dep) && !strings.HasPrefix(pkg, "cmd/"):
				t.Errorf("%s imports %s: nothing may import it", pkg, dep)
			case onlyImportedBy[dep] != nil && !contains(onlyImportedBy[dep], pkg):
				t.Errorf("%s imports %s: only %v may import it", pkg, dep, onlyImportedBy[dep])
			case tier == 1 && dt != 0:
				t.Errorf("%s (tier 1) imports %s: tier 1 may import only tier 0", pkg, dep)
			case dt >= tier && !(strings.HasPrefix(dep, "store") && strings.HasPrefix(pkg, "store")) && !contains(sameTier[pkg], dep):
				t.Errorf("%s (tier %d) imports %s (tier %d): imports must point down", pkg, tier, dep, dt)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestTierZeroImportsOnlyStd keeps the packages of tier 0 (the vocabulary,
// the nicknames) free of dependencies.
func TestTierZeroImportsOnlyStd(t *testing.T) {
	for pkg, tier := range tiers {
		if tier != 0 {
			continue
		}
		entries, err := os.ReadDir(filepath.Join("..", "..", pkg))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "..", pkg, e.Name()), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
					t.Errorf("%s/%s imports %s: tier 0 may import only the standard library", pkg, e.Name(), p)
				}
			}
		}
	}
}
