// Package eval measures a predicted clustering against ground truth with
// pairwise and B-cubed precision, recall and F1.
//
// Both measures are computed from the contingency table of true × predicted
// clusters, never by enumerating pairs, so millions of records take seconds.
package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/concord-er/concord/record"
)

// Metrics is the result of Evaluate. Its JSON form is the output of
// `concord eval`.
type Metrics struct {
	PairwisePrecision float64 `json:"pairwise_precision"`
	PairwiseRecall    float64 `json:"pairwise_recall"`
	PairwiseF1        float64 `json:"pairwise_f1"`
	BCubedPrecision   float64 `json:"bcubed_precision"`
	BCubedRecall      float64 `json:"bcubed_recall"`
	BCubedF1          float64 `json:"bcubed_f1"`
	TrueClusters      int     `json:"true_clusters"`
	PredictedClusters int     `json:"predicted_clusters"`
	Records           int     `json:"records"`         // records in the truth
	TruePairs         int64   `json:"true_pairs"`      // pairs in the same true cluster
	PredictedPairs    int64   `json:"predicted_pairs"` // pairs in the same predicted cluster
	CorrectPairs      int64   `json:"correct_pairs"`   // pairs in both
	// MissingPredictions counts truth records absent from the prediction;
	// each is scored as a singleton.
	MissingPredictions int `json:"missing_predictions"`
	// NotInTruth counts predicted records the truth does not know; they are
	// left out of every measure.
	NotInTruth int `json:"not_in_truth"`
}

// Assignments maps records to cluster labels, as read from a
// source,record_id,entity_id file.
type Assignments struct {
	index  map[string]int32 // record key → position
	labels []int32          // position → cluster number
	names  map[string]int32 // cluster name → number, while adding
	nLabel int
	named  []string // cluster number → name
}

// NewAssignments returns an empty set of assignments, to fill with Add.
func NewAssignments() *Assignments {
	return &Assignments{index: map[string]int32{}, names: map[string]int32{}}
}

// Add assigns a record to a cluster. A record added twice keeps its first
// cluster.
func (a *Assignments) Add(source, id, entity string) {
	key := source + "\x00" + id
	if _, dup := a.index[key]; dup {
		return
	}
	lab, ok := a.names[entity]
	if !ok {
		lab = int32(len(a.names))
		a.names[entity] = lab
		a.named = append(a.named, entity)
		a.nLabel++
	}
	a.index[key] = int32(len(a.labels))
	a.labels = append(a.labels, lab)
}

// Map returns the assignments as record key → cluster label.
func (a *Assignments) Map() map[record.Key]string {
	out := make(map[record.Key]string, len(a.index))
	for key, pos := range a.index {
		src, id, _ := strings.Cut(key, "\x00")
		out[record.Key{Source: src, ID: id}] = strconv.Itoa(int(a.labels[pos]))
	}
	return out
}

// Entity returns the cluster a record is assigned to.
func (a *Assignments) Entity(source, id string) (string, bool) {
	var buf [128]byte
	key := append(append(append(buf[:0], source...), 0), id...)
	pos, ok := a.index[string(key)]
	if !ok {
		return "", false
	}
	return a.named[a.labels[pos]], true
}

// Len returns the number of records.
func (a *Assignments) Len() int { return len(a.labels) }

// ReadAssignments reads a CSV file with the columns source, record_id and
// entity_id (in any order, other columns ignored). name is used in errors.
// A record listed twice is an error.
func ReadAssignments(r io.Reader, name string) (*Assignments, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file: want header source,record_id,entity_id", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))] = i
	}
	si, ok1 := col["source"]
	ii, ok2 := col["record_id"]
	ei, ok3 := col["entity_id"]
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("%s:1: header must have source, record_id and entity_id; got %s", name, strings.Join(header, ","))
	}
	need := max(si, ii, ei)
	a := &Assignments{index: make(map[string]int32)}
	labels := map[string]int32{}
	var lines []int32 // line of each record, for error messages
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0) // only of a row read whole: a bad one may have no field 0
		if len(row) <= need {
			return nil, fmt.Errorf("%s:%d: row has %d fields, want at least %d", name, line, len(row), need+1)
		}
		key := row[si] + "\x00" + row[ii]
		if _, dup := a.index[key]; dup {
			return nil, fmt.Errorf("%s:%d: record %s/%s is listed twice (first at line %d)", name, line, row[si], row[ii], lines[a.index[key]])
		}
		lab, ok := labels[row[ei]]
		if !ok {
			lab = int32(len(labels))
			entity := strings.Clone(row[ei])
			labels[entity] = lab
			a.named = append(a.named, entity)
		}
		pos := int32(len(a.labels))
		a.index[key] = pos
		lines = append(lines, int32(line))
		a.labels = append(a.labels, lab)
	}
	a.nLabel = len(labels)
	return a, nil
}

// Evaluate scores predicted against truth. Truth records missing from the
// prediction count as singletons; predicted records missing from the truth
// are ignored and counted in NotInTruth.
func Evaluate(truth, predicted *Assignments) Metrics {
	m := Metrics{Records: truth.Len(), TrueClusters: truth.nLabel}
	// Predicted label of each truth record; missing ones get fresh labels.
	pred := make([]int32, truth.Len())
	next := int32(predicted.nLabel)
	found := 0
	for key, pos := range truth.index {
		if p, ok := predicted.index[key]; ok {
			pred[pos] = predicted.labels[p]
			found++
		} else {
			pred[pos] = next
			next++
		}
	}
	m.MissingPredictions = truth.Len() - found
	m.NotInTruth = predicted.Len() - found

	trueSize := make([]int64, truth.nLabel)
	predSize := make([]int64, next)
	cells := make(map[[2]int32]int64, truth.Len())
	for pos, t := range truth.labels {
		p := pred[pos]
		trueSize[t]++
		predSize[p]++
		cells[[2]int32{t, p}]++
	}
	for _, n := range predSize {
		if n > 0 {
			m.PredictedClusters++
		}
		m.PredictedPairs += n * (n - 1) / 2
	}
	for _, n := range trueSize {
		m.TruePairs += n * (n - 1) / 2
	}
	var bp, br float64
	for c, n := range cells {
		m.CorrectPairs += n * (n - 1) / 2
		bp += float64(n*n) / float64(predSize[c[1]])
		br += float64(n*n) / float64(trueSize[c[0]])
	}
	m.PairwisePrecision = ratio(m.CorrectPairs, m.PredictedPairs)
	m.PairwiseRecall = ratio(m.CorrectPairs, m.TruePairs)
	m.PairwiseF1 = f1(m.PairwisePrecision, m.PairwiseRecall)
	if n := float64(truth.Len()); n > 0 {
		m.BCubedPrecision, m.BCubedRecall = bp/n, br/n
	} else {
		m.BCubedPrecision, m.BCubedRecall = 1, 1
	}
	m.BCubedF1 = f1(m.BCubedPrecision, m.BCubedRecall)
	return m
}

// ratio is a/b, and 1 when b is 0: no claims, so no wrong ones.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
