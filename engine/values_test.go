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
	ctx := context.Background()
	cfgPath, _, err := synth.Write(tb.TempDir(), synth.Options{Seed: 5, People: people})
	if err != nil {
		tb.Fatal(err)
	}
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
	for _, terms := range cfg.Model.Blocking {
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
	return s
}

// TestValueTableAgreesWithScorer checks the batch fast path against the
// scorer that explain and real time use: for every candidate pair, the
// levels from value ids and the weight from per-value tables must equal
// what model.Scorer computes from the records' values.
func TestValueTableAgreesWithScorer(t *testing.T) {
	s := newCandidateSet(t, 1500)
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
	// Term frequencies counted on this table, as training counts them: the
	// weights then read them rather than the model's salted table, and
	// must come out the same.
	for i, c := range s.comps {
		if c.Spec.TF {
			s.vals.termFrequencies(i)
		}
	}
	pw, err := newPairWeights(context.Background(), s.vals, scorer, s.recs, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, want, queried := make([]uint8, len(s.comps)), make([]uint8, len(s.comps)), make([]uint8, len(s.comps))
	queries := map[int32]*model.Query{}
	tf, shared := 0, 0
	all := make([]uint8, len(s.cands)*len(s.comps))
	if err := s.vals.compare(context.Background(), s.cands, 2, all); err != nil {
		t.Fatal(err)
	}
	for k, c := range s.cands {
		got = all[k*len(s.comps) : (k+1)*len(s.comps)]
		w := pw.of(c.A, c.B, got)
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
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s ~ %s, %s: level %d from ids, %d from values", s.recs[c.A].Key, s.recs[c.B].Key, s.comps[i].Spec.Name, got[i], want[i])
			}
			if got[i] == 1 && s.comps[i].Spec.TF {
				tf++
			}
			if got[i] > 1 && int(got[i]) <= pw.subset[i] && pw.subsetTF(i, c.A, c.B) != 0 {
				shared++
			}
		}
		if math.Abs(w-ref) > 1e-9 {
			t.Fatalf("%s ~ %s: weight %v from tables, %v from the scorer", s.recs[c.A].Key, s.recs[c.B].Key, w, ref)
		}
	}
	if tf == 0 {
		t.Error("no pair agreed exactly on a comparison with term frequencies: the TF path went untested")
	}
	if shared == 0 {
		t.Error("no pair of names sharing a name was adjusted by its frequency: that path went untested")
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
