package accuracy

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/record"
)

// Supervised m per level from true pairs (all pairs of each true entity),
// against the trained model's m.
func TestZZM(t *testing.T) {
	dir := os.Getenv("ZZ_MDIR")
	if dir == "" {
		t.Skip()
	}
	cfg, err := config.Load(dir + "/concord.yaml")
	if err != nil {
		t.Fatal(err)
	}
	truth := readTruth(t, dir+"/truth.csv")
	var recs []record.Record
	if _, err := engine.Load(context.Background(), cfg, func(r record.Record) error { recs = append(recs, r); return nil },
		func(engine.Reject) error { return nil }, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := engine.Resolve(context.Background(), cfg, func(engine.Reject) error { return nil }, engine.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := res.Model.Compile()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string][]int{}
	for i, r := range recs {
		by[truth[r.Key]] = append(by[truth[r.Key]], i)
	}
	nC := len(res.Model.Comparisons)
	counts := make([][]float64, nC)
	for i, c := range res.Model.Comparisons {
		counts[i] = make([]float64, len(c.Levels)+1)
	}
	levels := make([]uint8, nC)
	for _, ms := range by {
		for x := range ms {
			for y := x + 1; y < len(ms); y++ {
				a, b := &recs[ms[x]], &recs[ms[y]]
				if a.Key.Source > b.Key.Source {
					a, b = b, a
				}
				if !(a.Key.Source == "kyc" && b.Key.Source == "payments") && os.Getenv("ZZ_ALL") == "" {
					continue
				}
				sc.Compare(a, b, levels, nil)
				for i := range nC {
					counts[i][levels[i]]++
				}
			}
		}
	}
	for i, c := range res.Model.Comparisons {
		tot := 0.0
		for _, n := range counts[i][1:] {
			tot += n
		}
		for j, l := range c.Levels {
			fmt.Printf("%-10s %-18s model m %.4f  true m %.4f  (n %.0f)\n", c.Name, l.Label, l.M, counts[i][j+1]/tot, counts[i][j+1])
		}
	}
}
