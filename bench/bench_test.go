package bench

import (
	"strings"
	"testing"

	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/eval"
)

func run(wall float64, rss int64, load, compare, scoring float64) Run {
	pc := 0.999
	return Run{WallSeconds: wall, PeakRSS: rss, Summary: summary{Records: 1000,
		Stats: engine.ResolveStats{Workers: 2, Seconds: map[string]float64{"load": load, "compare": compare, "scoring": scoring},
			Blocking: engine.BlockingStats{CandidatePairs: 4000, PairCompleteness: &pc}},
		Accuracy: &eval.Metrics{PairwiseF1: 0.98, BCubedF1: 0.99}}}
}

func TestAggregate(t *testing.T) {
	s := aggregate([]Run{run(10, 100, 1, 2, 0.5), run(30, 300, 3, 1, 1), run(20, 200, 2, 1.5, 0.5)})
	if s.WallSeconds != 20 || s.WallMin != 10 || s.WallMax != 30 {
		t.Errorf("wall = %v (%v–%v), want median 20 of 10–30", s.WallSeconds, s.WallMin, s.WallMax)
	}
	if s.PeakRSSBytes != 300 {
		t.Errorf("peak = %d, want the largest, 300", s.PeakRSSBytes)
	}
	if s.Stages["load"] != 2 || s.Stages["compare"] != 1.5 || s.Stages["scoring"] != 0.5 {
		t.Errorf("stage medians = %v", s.Stages)
	}
	// 4000 pairs / (1.5 + 0.5 s) / 2 workers = 1000 pairs per core-second.
	if s.PairsPerCoreSec != 1000 {
		t.Errorf("pairs/s/core = %v, want 1000", s.PairsPerCoreSec)
	}
	if s.PairwiseF1 != 0.98 || s.PairCompleteness != 0.999 {
		t.Errorf("accuracy = %v %v", s.PairwiseF1, s.PairCompleteness)
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	a := aggregate([]Run{run(10, 1<<30, 1, 1, 1)})
	b := aggregate([]Run{run(100, 3<<30, 1, 1, 1)})
	a.Records, b.Records = 100000, 1000000
	md := Markdown([]Size{a, b}, "linux/amd64", "go run ./cmd/concord bench")
	for _, want := range []string{"| 100000 | **10.0**", "| 1000000 | **100.0**", "1.00 GiB", "3.00 GiB",
		"wall time ×10.00, where n·log n grows ×12.00", "go run ./cmd/concord bench"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}
