package cluster_test

import (
	"reflect"
	"testing"

	"github.com/concord-er/concord/cluster"
)

func TestGreedyComponents(t *testing.T) {
	edges := []cluster.Edge{{0, 1, 10}, {1, 2, 8}, {3, 4, 12}, {2, 3, -5}, {5, 6, 0}}
	res := cluster.Greedy(7, edges, cluster.Options{Threshold: 0})
	if want := []int32{0, 0, 0, 3, 3, 5, 5}; !reflect.DeepEqual(res.Labels, want) {
		t.Errorf("labels = %v, want %v", res.Labels, want)
	}
	if res.Merges != 4 {
		t.Errorf("merges = %d, want 4", res.Merges)
	}
}

// TestBridgeRefused: record 1 (a parent's partial record) matches both 0
// (father) and 2 (son), who conflict: the weaker edge is refused, so the
// family is not chained into one entity.
func TestBridgeRefused(t *testing.T) {
	edges := []cluster.Edge{{0, 1, 9}, {1, 2, 7}}
	conflicts := map[[2]int32]bool{{0, 2}: true}
	res := cluster.Greedy(3, edges, cluster.Options{Conflict: func(a, b int32) bool {
		if a > b {
			a, b = b, a
		}
		return conflicts[[2]int32{a, b}]
	}})
	if want := []int32{0, 0, 2}; !reflect.DeepEqual(res.Labels, want) {
		t.Errorf("labels = %v, want %v", res.Labels, want)
	}
	if len(res.Refused) != 1 || res.Refused[0].Edge != edges[1] || res.Refused[0].With != [2]int32{0, 2} {
		t.Errorf("refused = %+v", res.Refused)
	}
}

func TestStrongestFirst(t *testing.T) {
	// 1 matches 0 weakly and 2 strongly; 0 and 2 conflict. 1 must go with 2.
	edges := []cluster.Edge{{0, 1, 3}, {1, 2, 20}}
	res := cluster.Greedy(3, edges, cluster.Options{Conflict: func(a, b int32) bool { return a+b == 2 && a != b }})
	if want := []int32{0, 1, 1}; !reflect.DeepEqual(res.Labels, want) {
		t.Errorf("labels = %v, want %v", res.Labels, want)
	}
}

func TestTooLargeToCheck(t *testing.T) {
	edges := []cluster.Edge{{0, 1, 5}, {2, 3, 5}, {1, 2, 4}}
	res := cluster.Greedy(4, edges, cluster.Options{MaxChecks: 3, Conflict: func(a, b int32) bool { return false }})
	if len(res.Refused) != 1 || !res.Refused[0].TooLarge {
		t.Errorf("refused = %+v, want one too-large refusal", res.Refused)
	}
}

func TestDeterministic(t *testing.T) {
	edges := []cluster.Edge{{2, 3, 5}, {0, 1, 5}, {1, 2, 5}}
	a := cluster.Greedy(4, edges, cluster.Options{})
	b := cluster.Greedy(4, []cluster.Edge{edges[2], edges[0], edges[1]}, cluster.Options{})
	if !reflect.DeepEqual(a.Labels, b.Labels) {
		t.Errorf("edge order changed the result: %v vs %v", a.Labels, b.Labels)
	}
}
