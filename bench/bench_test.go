package bench

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/eval"
	"github.com/concord-er/concord/record"
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
		"wall time ×10.00, where n·log n grows ×12.00", "go run ./cmd/concord bench",
		"| end to end ≤ 60 s (median) | 100.0 s | **missed** |", "| peak RSS ≤ 4 GiB | 3.00 GiB | met |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestLatency(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if got, want := latency(d), (Latency{P50: 50, P90: 90, P99: 99, Max: 100}); got != want {
		t.Errorf("latency = %+v, want %+v", got, want)
	}
}

func TestLiveMarkdown(t *testing.T) {
	sizes := []LiveSize{
		{Records: 100000, BatchSeconds: 4, StreamSeconds: 14, Agreement: 1, StreamAgreement: 1,
			Upsert: Latency{P50: 0.1, P99: 0.5}, UpsertsPerSec: 5000, GroupedPerSec: 9000},
		{Records: 1000000, BatchSeconds: 40, Agreement: 0.98, Upsert: Latency{P50: 0.2, P99: 12}, UpsertsPerSec: 2900, GroupedPerSec: 4000,
			ClientError: Latency{P50: 0.01, Max: 0.5}, AfterError: Latency{P50: 0.4}, CatchUp: Latency{Max: 150}, Reloads: 1},
	}
	md := LiveMarkdown(sizes, 5000, "linux/amd64", "go run ./cmd/concord bench --live")
	for _, want := range []string{"| 100000 | **0.10**", "**14.0** (3.50×)", "| 1000000 | **0.20**",
		"| upsert p50 ≤ 1 ms with 1000000 records stored | 0.20 ms | met |",
		"| upsert p99 ≤ 10 ms with 1000000 records stored | 12.00 ms | **missed** |",
		"| ≥ 3,000 upserts/s sustained: a stream, committed in groups | 4000/s | met |",
		"| the same, one record per transaction | 2900/s | **missed** |",
		"| streaming 100000 records by upsert ≤ 3× batch | 3.50× | **missed** |",
		"| same partition as batch at 1000000 records (pairwise F1) | 0.9800 | **missed** |",
		"| a client's mistake refused in < 10 ms with 1000000 records stored (max) | 0.50 ms | met |",
		"| the upsert after a mistake as fast as any (p50 ≤ 1.5× the sample's) | 0.40 ms vs 0.20 ms | **missed** |",
		"| a second writer's change caught up in ≤ 100 ms (max, with the change itself) | 150.00 ms | **missed** |",
		"| no full reload for mistakes or a second writer | 1 | **missed** |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// MeasureLive end to end on a small store: the partition equals batch,
// mistakes and a second writer reload nothing.
func TestMeasureLiveSmall(t *testing.T) {
	sizes, err := MeasureLive(context.Background(), LiveOptions{Sizes: []int{1500}, Sample: 120, Seed: 1, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s := sizes[0]
	if s.Agreement != 1 || s.StreamAgreement != 1 {
		t.Errorf("agreement with batch %.4f, streamed %.4f; want 1", s.Agreement, s.StreamAgreement)
	}
	if s.Reloads != 0 {
		t.Errorf("%d full reloads for mistakes and a second writer, want none", s.Reloads)
	}
	if s.ClientError.Max <= 0 || s.AfterError.P50 <= 0 || s.CatchUp.P50 <= 0 {
		t.Errorf("mistakes and second writer not measured: %+v", s)
	}
}

// gcCycles counts collections as they end: a bench phase reports those
// that ran inside it.
func TestGCCycles(t *testing.T) {
	before := gcCycles()
	runtime.GC()
	if after := gcCycles(); after <= before {
		t.Errorf("collections counted %d before a collection and %d after", before, after)
	}
}

// MeasureServe end to end on a small store, over loopback TLS.
func TestMeasureServeSmall(t *testing.T) {
	opt := ServeOptions{Sizes: []int{1500}, Seconds: 1, MatchRate: 40, UploadRate: 400, Readers: 4, Batch: 16, Seed: 1, Dir: t.TempDir()}
	sizes, err := MeasureServe(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	s := sizes[0]
	if s.Errors != 0 || s.MatchRate < 20 || s.UploadPerSec <= 0 || s.UploadMax <= 0 || s.Reads <= 0 || s.ReadsThen <= 0 || s.ReadsDuring <= 0 || s.Match.P50 <= 0 ||
		s.EntityPage.P50 <= 0 || s.SearchPage.P50 <= 0 {
		t.Errorf("serve measured %+v", s)
	}
	md := ServeMarkdown(sizes, opt, "test", "go run ./cmd/concord bench --serve")
	for _, want := range []string{"| screening p50 ≤ 5 ms at 40 requests/s |", "| entity reads ≥ 5,000/s, in both phases |", "| no request failed | 0 | met |", "| entity page p50 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// The serve benchmark's uploads are real updates: each row with an
// address has it changed, the number up by two or a unit added; rows of
// sources without an address stay as they were.
func TestMoveAddresses(t *testing.T) {
	cfg := &config.Config{Sources: []config.Source{
		{Name: "kyc", Fields: []config.Field{{Name: "name", Column: "name", Type: record.KindName}, {Name: "address", Column: "addr", Type: record.KindAddress}}},
		{Name: "pay", Fields: []config.Field{{Name: "name", Column: "name", Type: record.KindName}}},
	}}
	rows := []map[string]any{
		{"source": "kyc", "row": map[string]any{"name": "ann", "addr": "399 Mill Avenue"}},
		{"source": "kyc", "row": map[string]any{"name": "bo", "addr": "Calle 5"}},
		{"source": "kyc", "row": map[string]any{"name": "cy", "addr": ""}},
		{"source": "pay", "row": map[string]any{"name": "dee", "addr": "7 Elm Road"}},
	}
	moveAddresses(cfg, rows)
	for i, want := range []string{"401 Mill Avenue", "Calle 5 unit 2", "", "7 Elm Road"} {
		if got := rows[i]["row"].(map[string]any)["addr"]; got != want {
			t.Errorf("row %d: address %q, want %q", i, got, want)
		}
	}
}
