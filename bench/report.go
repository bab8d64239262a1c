package bench

import (
	"fmt"
	"math"
	"strings"
)

// Markdown renders results as docs/benchmarks.md.
func Markdown(sizes []Size, machine, command string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Benchmarks

End to end: `+"`concord resolve`"+` on synthetic data from internal/synth (five sources of
people and companies, about 30%% of people with more than one record, families and
namesakes as hard negatives), from CSV files to clusters.csv, model.json and
summary.json, with the generator's truth given for accuracy. Each size is run %d
times in a fresh process; times are medians, peak memory the largest of the runs.

Machine: %s. Regenerate with:

    %s

| records | wall s (min–max) | load | blocking | training (u sample / compare / EM) | scoring | clustering | candidate pairs | pairs/s/core | peak RSS | pairwise F1 | B-cubed F1 | pair completeness |
|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
`, runsOf(sizes), machine, command)
	for _, s := range sizes {
		st := s.Stages
		fmt.Fprintf(&b, "| %d | **%.1f** (%.1f–%.1f) | %.1f | %.1f | %.1f (%.1f / %.1f / %.1f) | %.1f | %.1f | %d | %.0f | %.2f GiB | %.4f | %.4f | %.4f |\n",
			s.Records, s.WallSeconds, s.WallMin, s.WallMax, st["load"], st["blocking"], st["training"],
			st["training_u_sample"], st["compare"], st["training_em"], st["scoring"], st["clustering"],
			s.CandidatePairs, s.PairsPerCoreSec, float64(s.PeakRSSBytes)/(1<<30), s.PairwiseF1, s.BCubedF1, s.PairCompleteness)
	}
	if len(sizes) >= 2 {
		first, last := sizes[0], sizes[len(sizes)-1]
		ratioN := float64(last.Records) / float64(first.Records)
		nlogn := ratioN * math.Log(float64(last.Records)) / math.Log(float64(first.Records))
		fmt.Fprintf(&b, `
## Scale curve

From %d to %d records (×%.1f): wall time ×%.2f, where n·log n grows ×%.2f and n ×%.1f;
peak memory ×%.2f; pairwise F1 %.4f → %.4f (difference %.4f).
`, first.Records, last.Records, ratioN, last.WallSeconds/first.WallSeconds, nlogn, ratioN,
			float64(last.PeakRSSBytes)/float64(max(first.PeakRSSBytes, 1)), first.PairwiseF1, last.PairwiseF1, last.PairwiseF1-first.PairwiseF1)
	}
	b.WriteString(`
Columns: *compare* is computing the comparison levels of every candidate pair (done once,
during training, and reused by scoring); *pairs/s/core* is candidate pairs divided by
compare + scoring seconds and by the cores used; *u sample* compares 500,000 random pairs
to estimate u. Wall time includes process start, reading the truth, and writing every
output file.
`)
	return b.String()
}

func runsOf(s []Size) int {
	if len(s) == 0 {
		return 0
	}
	return s[0].Runs
}
