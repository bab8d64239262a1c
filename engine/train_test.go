package engine

import (
	"math"
	"testing"
)

// TestAnchoredElse: the share of a household comparison's matches at else
// comes from the pairs that share an exact identifier, when there are
// enough of them; the other levels keep their proportions and the total.
func TestAnchoredElse(t *testing.T) {
	for _, tt := range []struct {
		name             string
		levels, anchored []float64
		want             []float64
	}{
		{"the anchored share at else", []float64{600, 200, 200}, []float64{90, 5, 5}, []float64{712.5, 237.5, 50}},
		{"too few anchored pairs", []float64{600, 200, 200}, []float64{30, 5, 5}, []float64{600, 200, 200}},
		{"nothing but else", []float64{0, 0, 100}, []float64{60, 0, 0}, []float64{0, 0, 100}},
		{"anchored pairs all at else", []float64{80, 20}, []float64{0, 70}, []float64{0, 100}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := anchoredElse(tt.levels, tt.anchored)
			for j := range tt.want {
				if math.Abs(got[j]-tt.want[j]) > 1e-9 {
					t.Fatalf("anchoredElse(%v, %v) = %v, want %v", tt.levels, tt.anchored, got, tt.want)
				}
			}
		})
	}
}

// TestOrgExactShare: the share of organisations' expected matches at the
// exact level, smoothed; none with too few of them.
func TestOrgExactShare(t *testing.T) {
	for _, tt := range []struct {
		name   string
		levels []float64
		want   float64
	}{
		{"most exact", []float64{900, 50, 50}, (900 + refineSmoothing) / (1000 + 3*refineSmoothing)},
		{"none exact", []float64{0, 500, 500}, refineSmoothing / (1000 + 3*refineSmoothing)},
		{"too few", []float64{minRefineMatches / 2, 0, 0}, 0},
		{"no levels", nil, 0},
	} {
		if got := orgExactShare(tt.levels); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: orgExactShare = %v, want %v", tt.name, got, tt.want)
		}
	}
}
