package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/internal/progress"
	"github.com/concord-er/concord/internal/reviewfile"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// printQueueCSV lists the queue as review.csv's columns and empty verdict
// and comment columns: a file to fill in and decide with --decide-file.
// By record, it lists the pairs grouped by the record they hold in doubt
// (live.GroupReviews), that record in a first column.
func printQueueCSV(env Env, q []record.Review, byRecord bool) error {
	if !byRecord {
		return reviewfile.Write(env.Stdout, q, nil)
	}
	pairs, doubt := live.ByRecordInDoubt(q)
	return reviewfile.Write(env.Stdout, pairs, doubt)
}

// decidedFile is what concord review --decide-file prints.
type decidedFile struct {
	File    string `json:"file"`
	Decided int    `json:"decided"`
	// Checked is set when the file was checked alone (--check): nothing
	// decided, Verdicts what it would decide.
	Checked  bool                   `json:"checked_only,omitempty"`
	Verdicts map[record.Verdict]int `json:"verdicts"`
	Left     int                    `json:"left_in_review"` // rows without a verdict
	// Audit is the sequence numbers of the first and last decisions'
	// audit entries.
	Audit [2]int64 `json:"audit"`
}

// decideFromFile takes the decisions of a file (reviewfile.Read, gzipped
// or not), or with checkOnly counts them and takes none, once every row
// is checked, its records in the store too: by live.DecideMany, so that a
// store that fails midway leaves the decisions of the transactions
// before, and the error says how many.
func decideFromFile(ctx context.Context, env Env, l *live.Live, path, reviewer, comment string, checkOnly bool) error {
	if err := live.CheckReviewer(reviewer, comment); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := ingest.Decompress(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ds, left, err := reviewfile.Read(r, path, reviewfile.Options{Reviewer: reviewer, Comment: comment, CheckText: live.CheckReviewer,
		Stored: func(k record.Key) (bool, error) {
			_, err := l.Record(ctx, k, access.Everything)
			if errors.Is(err, store.ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		}})
	if err != nil {
		return err
	}
	out := decidedFile{File: path, Verdicts: map[record.Verdict]int{}, Left: left}
	if checkOnly {
		out.Checked = true
		for _, d := range ds {
			out.Verdicts[d.Verdict]++
		}
		return printJSON(env.Stdout, out)
	}
	bar := progress.New(stderrFile(env), "decide")
	decisions := reviewfile.Decisions(ds)
	chs, err := l.DecideMany(ctx, decisions, func(taken int) { bar.Update(int64(taken), int64(taken), int64(len(ds))) })
	bar.Done()
	for i, ch := range chs {
		if i == 0 {
			out.Audit[0] = ch.Audit
		}
		out.Audit[1] = ch.Audit
		out.Verdicts[decisions[i].Verdict]++
	}
	if out.Decided = len(chs); err != nil {
		return fmt.Errorf("%s: the decisions from line %d: %w (the %d before them are decided)", path, ds[len(chs)].Line, err, out.Decided)
	}
	return printJSON(env.Stdout, out)
}
