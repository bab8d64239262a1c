package engine

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

// candidateSet is a synthetic batch up to blocking: its records, the
// compiled default comparisons, their value table and the candidate pairs.
type candidateSet struct {
	cfg   *config.Config
	recs  []record.Record
	comps []*compare.Comparison
	vals  *valueTable
	cands []candidate
}

func newCandidateSet(tb testing.TB, people int) *candidateSet {
	tb.Helper()
	cfgPath, _, err := synth.Write(tb.TempDir(), synth.Options{Seed: 5, People: people})
	if err != nil {
		tb.Fatal(err)
	}
	return newCandidateSetFrom(tb, cfgPath)
}

// newHeteroCandidateSet is newCandidateSet of the heterogeneous set
// (internal/synth), blocked by the default rules.
func newHeteroCandidateSet(tb testing.TB, people int) *candidateSet {
	tb.Helper()
	cfgPath, _, _, err := synth.WriteHetero(tb.TempDir(), synth.HeteroOptions{Seed: 5, People: people})
	if err != nil {
		tb.Fatal(err)
	}
	return newCandidateSetFrom(tb, cfgPath)
}

// newCandidateSetFrom is the candidate set of a config's sources, blocked
// by its rules or, with none, the default ones.
func newCandidateSetFrom(tb testing.TB, cfgPath string) *candidateSet {
	tb.Helper()
	ctx := context.Background()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		tb.Fatal(err)
	}
	s := &candidateSet{cfg: cfg}
	if _, err := Load(ctx, cfg, func(r record.Record) error { s.recs = append(s.recs, r); return nil },
		func(Reject) error { return nil }, Options{}); err != nil {
		tb.Fatal(err)
	}
	var rules []block.Rule
	blocking := cfg.Model.Blocking
	if len(blocking) == 0 {
		for _, d := range DefaultBlocking(cfg) {
			blocking = append(blocking, d.Rule)
		}
	}
	for _, terms := range blocking {
		r, err := block.ParseRule(terms)
		if err != nil {
			tb.Fatal(err)
		}
		rules = append(rules, r)
	}
	ix := block.Build(s.recs, rules, block.Options{})
	s.cands = ix.Candidates()
	for _, spec := range DefaultSpecs(cfg) {
		s.comps = append(s.comps, compare.MustCompile(spec))
	}
	if s.vals, err = newValueTable(ctx, s.recs, s.comps, 2); err != nil {
		tb.Fatal(err)
	}
	s.vals.copyOf = copyIndex(block.CopiesOf(s.recs)) // as Resolve counts them
	return s
}

// TestValueTableAgreesWithScorer checks the batch fast path against the
// scorer that explain and real time use: for every candidate pair, the
// levels from value ids and the weight from per-value tables must equal
// what model.Scorer computes from the records' values.
//
// On the heterogeneous set, payment parties have no town but write one
// into their address line: the towns read from it (model.DerivedTowns)
// must be compared alike on both paths, counting only when they agree.
//
// On the UK-style and heterogeneous sets, companies of the register named
// in wires or payments agree exactly on names no other company holds:
// their frequency is the one of organisations' names
// (model.Comparison.TFOrgOnce) on both paths. On the heterogeneous set,
// their legal forms weigh too (model.Comparison.MFormsAgree; the UK-style
// register writes too few forms for them to tell: its companies are
// nearly all Ltd), and organisations' names a letter apart are weighed by
// the scorer for both. On the UK-style set, people's names a typo apart
// in words that are both names of their own weigh as similar names do
// (model.TwoNamesDown), read once (the mark nearTwoNames) or again.
func TestValueTableAgreesWithScorer(t *testing.T) {
	t.Run("synthetic", func(t *testing.T) {
		testValueTableAgreesWithScorer(t, newCandidateSet(t, 1500), false, false, false, false)
	})
	t.Run("heterogeneous", func(t *testing.T) {
		testValueTableAgreesWithScorer(t, newHeteroCandidateSet(t, 800), true, true, true, false)
	})
	t.Run("UK-style", func(t *testing.T) {
		cfgPath, _, err := synth.WriteUK(t.TempDir(), synth.UKOptions{Seed: 5, People: 1000})
		if err != nil {
			t.Fatal(err)
		}
		testValueTableAgreesWithScorer(t, newCandidateSetFrom(t, cfgPath), false, true, false, true)
	})
}

// countedLevels counts the term frequencies of s's table, as training
// counts them (weights then read them rather than the model's salted
// table, and must come out the same), and returns the levels of every
// candidate, a comparison after another, and the counts.
func countedLevels(tb testing.TB, s *candidateSet) ([]uint8, []tfCounts) {
	tb.Helper()
	tfs := make([]tfCounts, len(s.comps))
	for i, c := range s.comps {
		if c.Spec.TF {
			tfs[i] = s.vals.termFrequencies(i)
		}
	}
	all := make([]uint8, len(s.cands)*len(s.comps))
	if err := s.vals.compare(context.Background(), s.cands, 2, all); err != nil {
		tb.Fatal(err)
	}
	return all, tfs
}

func testValueTableAgreesWithScorer(t *testing.T, s *candidateSet, derived, orgs, weighsForms, twoNamesTyped bool) {
	res, err := Resolve(context.Background(), s.cfg, func(Reject) error { return nil }, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scorer, err := res.Model.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.cands) < 500 {
		t.Fatalf("only %d candidate pairs", len(s.cands))
	}
	all, tfs := countedLevels(t, s)
	// The names the candidates share, read once as training reads them,
	// and read again once the names of their own are counted: weights
	// from them (candidate k) and from the names read again (−1) must both
	// come out as the scorer's.
	if err := s.vals.readShared(context.Background(), s.cands, all, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.vals.markTwoNames(context.Background(), s.cands, all, tfs, 2); err != nil {
		t.Fatal(err)
	}
	if sh := s.vals.shared; sh == nil || !slices.ContainsFunc(sh.keys, func(x uint32) bool { return x >= sharedFirst }) {
		t.Fatal("no shared name was read for any candidate")
	}
	pw, err := newPairWeights(context.Background(), s.vals, scorer, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, want, queried := make([]uint8, len(s.comps)), make([]uint8, len(s.comps)), make([]uint8, len(s.comps))
	queries := map[int32]*model.Query{}
	tf, shared, near, orgNames, orgForms, orgTypos, twoNames := 0, 0, 0, 0, 0, 0, 0
	var forms [3]int // exact matches of names by how their legal forms relate (model.FormsOf), where they weigh
	var towns [3]int // pairs comparing a derived town, by level: 0, 1, more
	for k, c := range s.cands {
		got = all[k*len(s.comps) : (k+1)*len(s.comps)]
		w, again := pw.of(k, c.A, c.B, got), pw.of(-1, c.A, c.B, got)
		ref := scorer.Compare(&s.recs[c.A], &s.recs[c.B], want, nil)
		// Real time prepares one record's values once for all its
		// candidates, and compares them with each in turn, keeping the
		// adjustment of each exact match it finds: the same levels and
		// weight.
		q := queries[c.A]
		if q == nil {
			q = scorer.NewQuery(scorer.Values(&s.recs[c.A]))
			queries[c.A] = q
		}
		if qw := scorer.CompareQuery(s.recs[c.A].Key.Source, s.recs[c.B].Key.Source, q, scorer.Values(&s.recs[c.B]), queried, nil); qw != ref || !slices.Equal(queried, want) {
			t.Fatalf("%s ~ %s: CompareQuery %v %v, Compare %v %v", s.recs[c.A].Key, s.recs[c.B].Key, qw, queried, ref, want)
		}
		va, vb := scorer.Values(&s.recs[c.A]), scorer.Values(&s.recs[c.B])
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s ~ %s, %s: level %d from ids, %d from values", s.recs[c.A].Key, s.recs[c.B].Key, s.comps[i].Spec.Name, got[i], want[i])
			}
			if len(va[i]) > 0 && len(vb[i]) > 0 && (va[i][0].IsDerived() || vb[i][0].IsDerived()) {
				towns[min(got[i], 2)]++ // missing, agreeing, other (which must not be)
			}
			if got[i] == 1 && scorer.WeighsForms(i) {
				if va, vb := pw.exactOrgValues(i, c.A, c.B, pw.exactKey(i, c.A, c.B)); va != nil {
					forms[model.FormsOf(va, vb)]++
				} else {
					forms[model.FormsUnknown]++
				}
			}
			if got[i] == 1 && s.comps[i].Spec.TF {
				tf++
				if key := pw.exactKey(i, c.A, c.B); pw.tfOrg[i] != nil {
					switch va, vb := pw.orgNames(i, c.A, c.B, key); {
					case va == nil:
					case pw.tfOrg[i][key] > pw.tf[i][key]:
						orgNames++
					case math.IsNaN(pw.tfOrg[i][key]) && model.OrgForm(va, vb) != "":
						orgForms++
					}
				}
			}
			if got[i] > 1 && int(got[i]) <= pw.subset[i] && pw.subsetTF(i, k, c.A, c.B) != 0 {
				shared++
			}
			if tf := pw.level[i][got[i]].tf; (tf == tfNear || tf == tfSharedOrNear) && pw.nearTF(i, k, got[i], c.A, c.B) != 0 {
				near++
			}
			if pw.level[i][got[i]].tf == tfOrgTypo {
				orgTypos++
			}
			if lw := pw.level[i][got[i]]; lw.down != 0 && pw.nearTF(i, k, got[i], c.A, c.B) == lw.down {
				twoNames++
			}
		}
		if math.Abs(w-ref) > 1e-9 || math.Abs(again-ref) > 1e-9 {
			t.Fatalf("%s ~ %s: weight %v from tables (%v reading names again), %v from the scorer", s.recs[c.A].Key, s.recs[c.B].Key, w, again, ref)
		}
	}
	if tf == 0 {
		t.Error("no pair agreed exactly on a comparison with term frequencies: the TF path went untested")
	}
	if shared == 0 {
		t.Error("no pair of names sharing a name was adjusted by its frequency: that path went untested")
	}
	if derived && near == 0 {
		t.Error("no pair of names at a near level was adjusted by its frequency: that path went untested")
	}
	t.Logf("%d pairs of names at a near level adjusted by their frequency", near)
	if orgs && orgNames == 0 {
		t.Error("no pair of organisations' names was weighed by their own frequency: that path went untested")
	}
	t.Logf("%d pairs of organisations' names weighed by their own frequency, %d by their legal form's", orgNames, orgForms)
	if weighsForms && orgTypos == 0 {
		t.Error("no pair of organisations' names a letter apart: that path went untested")
	}
	t.Logf("%d pairs of organisations' names a letter apart", orgTypos)
	if twoNamesTyped && twoNames == 0 {
		t.Error("no pair of people's names a typo apart in two names of their own was weighed as similar names: that path went untested")
	}
	t.Logf("%d pairs of people's names a typo apart in two names of their own, weighed as similar names", twoNames)
	if weighsForms && forms[model.FormsAgree] == 0 {
		t.Error("no exact match of organisations' names was weighed by legal forms that agree: that path went untested")
	}
	t.Logf("exact matches of names by their legal forms: %d agree, %d disagree, %d neither", forms[model.FormsAgree], forms[model.FormsDisagree], forms[model.FormsUnknown])
	if towns[2] != 0 {
		t.Errorf("%d pairs compared a town read from an address at a level after the first", towns[2])
	}
	if derived && (towns[0] == 0 || towns[1] == 0) {
		t.Errorf("pairs comparing a town read from an address: %d disagreeing (as missing), %d agreeing: a path went untested", towns[0], towns[1])
	}
	// Keys shared by many records share one id.
	for i, keys := range s.vals.keys {
		if s.comps[i].Spec.Kind == record.KindCity && keys.Len() > len(s.recs)/4 {
			t.Errorf("%s: %d distinct keys for %d records", s.comps[i].Spec.Name, keys.Len(), len(s.recs))
		}
	}
}

// BenchmarkCandidateLevels compares the candidate pairs of about 20,000
// synthetic records: all of them with every comparison on one goroutine,
// the comparison stage of concord resolve (ns/pair), then one comparison
// at a time (ns/op is per pair). The records fit in cache here; at a
// million records, see concord bench and docs/benchmarks.md.
func BenchmarkCandidateLevels(b *testing.B) {
	s := newCandidateSet(b, 15000)
	levels := make([]uint8, len(s.cands)*len(s.comps))
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			if err := s.vals.compare(context.Background(), s.cands, 1, levels); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(s.cands)), "ns/pair")
	})
	for i, comp := range s.comps {
		b.Run(comp.Spec.Name, func(b *testing.B) {
			for k := 0; b.Loop(); k++ {
				c := s.cands[k%len(s.cands)]
				s.vals.level(i, c.A, c.B)
			}
		})
	}
}

// BenchmarkTermFrequencies counts the term frequencies of every comparison
// that has them, as training does, over about 20,000 synthetic records
// and about 16,000 heterogeneous ones (payments, filings and list entries
// grouped by identifier into holders).
func BenchmarkTermFrequencies(b *testing.B) {
	for _, c := range []struct {
		name string
		s    *candidateSet
	}{{"synthetic", newCandidateSet(b, 15000)}, {"heterogeneous", newHeteroCandidateSet(b, 6000)}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for i, comp := range c.s.comps {
					if comp.Spec.TF {
						c.s.vals.termFrequencies(i)
					}
				}
			}
		})
	}
}

// BenchmarkPairWeights weighs every candidate pair, as each pass of
// training over the candidates (the priors, refining m) and scoring do, on
// about 16,000 heterogeneous records (names at the subset levels adjusted
// by the name they share) and about 20,000 synthetic ones: with the shared
// names read once for all passes (readShared, as training does), and read
// again from both records at each weighing. ns/pair is per candidate.
func BenchmarkPairWeights(b *testing.B) {
	for _, c := range []struct {
		name string
		s    *candidateSet
	}{{"heterogeneous", newHeteroCandidateSet(b, 6000)}, {"synthetic", newCandidateSet(b, 15000)}} {
		ctx := context.Background()
		s := c.s
		res, err := Resolve(ctx, s.cfg, func(Reject) error { return nil }, ResolveOptions{})
		if err != nil {
			b.Fatal(err)
		}
		scorer, err := res.Model.Compile()
		if err != nil {
			b.Fatal(err)
		}
		nC := len(s.comps)
		lv := make([]uint8, len(s.cands)*nC)
		if err := s.vals.compare(ctx, s.cands, 1, lv); err != nil {
			b.Fatal(err)
		}
		if _, err := s.vals.allTermFrequencies(ctx, 1); err != nil {
			b.Fatal(err)
		}
		if err := s.vals.readShared(ctx, s.cands, lv, 1); err != nil {
			b.Fatal(err)
		}
		pw, err := newPairWeights(ctx, s.vals, scorer, 1)
		if err != nil {
			b.Fatal(err)
		}
		for _, read := range []struct {
			name string
			once bool
		}{{"read once", true}, {"read again", false}} {
			b.Run(c.name+"/"+read.name, func(b *testing.B) {
				sum := 0.0
				for b.Loop() {
					for k, cand := range s.cands {
						at := k
						if !read.once {
							at = -1
						}
						sum += pw.of(at, cand.A, cand.B, lv[k*nC:(k+1)*nC])
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(s.cands)), "ns/pair")
				if math.IsNaN(sum) {
					b.Fatal("a weight is not a number")
				}
			})
		}
	}
}
