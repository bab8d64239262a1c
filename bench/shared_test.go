package bench

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/concord-er/concord/store/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// MeasureShared end to end on a small store: resolvers side by side leave
// the batch partition, and the report holds every run.
func TestMeasureSharedSmall(t *testing.T) {
	opt := SharedOptions{Sizes: []int{1500}, Resolvers: []int{1, 2}, Sample: 200, Replay: 300, Seed: 1, Dir: t.TempDir(), URL: pgtest.URL(t)}
	sizes, err := MeasureShared(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	s := sizes[0]
	if s.Agreement != 1 {
		t.Errorf("agreement with batch %.4f, want 1", s.Agreement)
	}
	if len(s.Runs) != 2 || s.Runs[1].Resolvers != 2 {
		t.Fatalf("runs %+v", s.Runs)
	}
	for _, r := range s.Runs {
		if r.Upsert.P50 <= 0 || r.UpsertsPerSec <= 0 || r.GroupedPerSec <= 0 {
			t.Errorf("run not measured: %+v", r)
		}
	}
	if r := s.Replay; r.Messages < 200 || r.Messages > 300 || r.FirstPerSec <= 0 || r.SecondSkipped != int64(r.Messages) || r.SecondChanged {
		t.Errorf("replay %+v: want up to 300 consumed, then every one skipped and nothing changed", r)
	}
	md := SharedMarkdown(sizes, opt, "test", "concord bench --shared")
	if !strings.Contains(md, "| 2 |") || !strings.Contains(md, "1.0000") || !strings.Contains(md, "skipped; nothing changed") {
		t.Errorf("report:\n%s", md)
	}
}

// A URL that is not PostgreSQL's is refused before any work.
func TestMeasureSharedNeedsPostgres(t *testing.T) {
	if _, err := MeasureShared(context.Background(), SharedOptions{Sizes: []int{10}, URL: "concord.db"}); err == nil || !strings.Contains(err.Error(), "postgres://") {
		t.Errorf("error = %v", err)
	}
}
