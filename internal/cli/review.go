package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
)

const reviewSynopsis = `concord review --config concord.yaml [--json] [--limit N] [--source S] [--reason band|conflict|ambiguous|refused] [--apart] [--by-record|--uncertain] [--csv] [--decisions]        # the queue, or the decisions taken
concord review --config concord.yaml --decide same|different|unsure --reviewer NAME [--comment TEXT] SOURCE/ID SOURCE/ID
concord review --config concord.yaml --decide-file FILE.csv --reviewer NAME [--comment TEXT] [--check]     # the verdicts of a file: the queue as --csv lists it, filled in
concord review --config concord.yaml --merge --reviewer NAME --comment TEXT ENTITY ENTITY
concord review --config concord.yaml --split ENTITY --reviewer NAME --comment TEXT SOURCE/ID…
ENTITY: an entity id, or a record as SOURCE/ID (its entity)`

func runReview(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "review", reviewSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml)")
	decide := fs.String("decide", "", "decide a pair: same, different or unsure")
	check := fs.Bool("check", false, "with --decide-file: check every row of the file against the store and count its verdicts, deciding nothing")
	decideFile := fs.String("decide-file", "", "decide the pairs of a CSV `FILE` with a verdict column (same, different, unsure, or empty: left in review) beside source_a, record_id_a, source_b and record_id_b, as --csv lists the queue; every row is checked before any is decided")
	merge := fs.Bool("merge", false, "merge two entities by hand")
	split := fs.String("split", "", "split these records out of `ENTITY` by hand")
	reviewer := fs.String("reviewer", "", "who decides (required to decide, merge or split)")
	comment := fs.String("comment", "", "why (kept in the store; the audit log keeps its digest)")
	decisions := fs.Bool("decisions", false, "list the decisions taken instead of the queue")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	asCSV := fs.Bool("csv", false, "list the queue as CSV, with empty verdict and comment columns to fill in and decide with --decide-file (with --by-record, the record in doubt in a first column, its pairs together)")
	limit := fs.Int("limit", 0, "list at most `N` pairs of the queue, in its order (0: all)")
	source := fs.String("source", "", "list only the pairs with a record of this `SOURCE`")
	reason := fs.String("reason", "", "list only the pairs in review for this reason: band, conflict, ambiguous or refused")
	apart := fs.Bool("apart", false, "list only the pairs whose records are in two entities")
	byRecord := fs.Bool("by-record", false, "list the queue's pairs grouped by the record they hold in doubt, the groups of more pairs first")
	uncertain := fs.Bool("uncertain", false, "list the queue nearest even odds first (the pairs whose verdicts teach the most), not strongest first")
	if err := parse(fs, args); err != nil {
		return err
	}
	acting := *decide != "" || *merge || *split != "" || *decideFile != ""
	switch {
	case *cfgPath == "":
		return &usageError{msg: "--config is required", hint: reviewSynopsis}
	case *limit < 0:
		return &usageError{msg: "--limit must be 0 or more", hint: reviewSynopsis}
	case *reason != "" && !slices.Contains(engine.ReasonKinds, *reason):
		return &usageError{msg: fmt.Sprintf("--reason %q: band, conflict, ambiguous or refused", *reason), hint: reviewSynopsis}
	case btoi(*decide != "")+btoi(*merge)+btoi(*split != "")+btoi(*decideFile != "") > 1:
		return &usageError{msg: "one of --decide, --decide-file, --merge, --split at a time", hint: reviewSynopsis}
	case acting && *reviewer == "":
		return &usageError{msg: "--reviewer is required to decide, merge or split", hint: reviewSynopsis}
	case *check && *decideFile == "":
		return &usageError{msg: "--check checks a --decide-file", hint: reviewSynopsis}
	case *asCSV && (acting || *decisions || *asJSON):
		return &usageError{msg: "--csv lists the queue: not with --json, --decisions, or a decision", hint: reviewSynopsis}
	case (*merge && *comment == "") || (*split != "" && *comment == ""):
		return &usageError{msg: "a manual merge or split needs --comment with the reason", hint: reviewSynopsis}
	case *byRecord && (acting || *decisions):
		return &usageError{msg: "--by-record lists the queue: not with --decisions, --decide, --merge or --split", hint: reviewSynopsis}
	case *uncertain && (*byRecord || acting || *decisions):
		return &usageError{msg: "--uncertain lists the queue in an order of its own: not with --by-record, --decisions, --decide, --merge or --split", hint: reviewSynopsis}
	case *decide != "" && fs.NArg() != 2, *merge && fs.NArg() != 2, *split != "" && fs.NArg() == 0, (!acting || *decideFile != "") && fs.NArg() > 0:
		return &usageError{msg: "wrong number of arguments", hint: reviewSynopsis}
	}
	return withLive(ctx, env, *cfgPath, !acting || *check, func(l *live.Live) error {
		if !acting {
			if *decisions {
				ds, err := l.Decisions(ctx, access.Everything)
				if err != nil {
					return err
				}
				return printDecisions(env, ds, *asJSON)
			}
			q, _, err := l.ReviewPage(ctx, access.Everything, live.ReviewFilter{Source: *source, Kind: *reason, Apart: *apart, Uncertain: *uncertain}, nil, *limit)
			if err != nil {
				return err
			}
			switch {
			case *asCSV:
				return printQueueCSV(env, q, *byRecord)
			case *byRecord:
				return printGroups(env, live.GroupReviews(q), *asJSON)
			}
			return printQueue(env, q, *asJSON)
		}
		if *decideFile != "" {
			return decideFromFile(ctx, env, l, *decideFile, *reviewer, *comment, *check)
		}
		var ch live.Change
		var err error
		switch {
		case *decide != "":
			keys, kerr := parseKeys(fs.Args())
			if kerr != nil {
				return &usageError{msg: kerr.Error(), hint: reviewSynopsis}
			}
			ch, err = l.Decide(ctx, record.Decision{A: keys[0], B: keys[1], Verdict: record.Verdict(*decide), Reviewer: *reviewer, Comment: *comment})
		case *merge:
			var a, b record.EntityID
			if a, err = entityArg(ctx, fs.Arg(0), reviewSynopsis, liveEntity(l)); err != nil {
				return err
			}
			if b, err = entityArg(ctx, fs.Arg(1), reviewSynopsis, liveEntity(l)); err != nil {
				return err
			}
			ch, err = l.Merge(ctx, a, b, *reviewer, *comment)
			err = entityNotFound(err, fs.Args()...)
		default:
			keys, kerr := parseKeys(fs.Args())
			if kerr != nil {
				return &usageError{msg: kerr.Error(), hint: reviewSynopsis}
			}
			var e record.EntityID
			if e, err = entityArg(ctx, *split, reviewSynopsis, liveEntity(l)); err != nil {
				return err
			}
			ch, err = l.Split(ctx, e, keys, *reviewer, *comment)
			err = entityNotFound(err, *split)
		}
		if err != nil {
			return err
		}
		return printJSON(env.Stdout, ch)
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func parseKeys(args []string) ([]record.Key, error) {
	keys := make([]record.Key, len(args))
	for i, a := range args {
		k, err := parseKey(a)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	return keys, nil
}

func printQueue(env Env, q []record.Review, asJSON bool) error {
	if asJSON {
		return printJSON(env.Stdout, q)
	}
	if len(q) == 0 {
		fmt.Fprintln(env.Stdout, "the review queue is empty")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROBABILITY\tWEIGHT\tA\tB\tREASON\tRULE")
	for _, r := range q {
		fmt.Fprintf(tw, "%.4f\t%+.2f\t%s\t%s\t%s\t%s\n", model.Probability(r.Weight), r.Weight, r.A, r.B, r.Reason, r.Rule)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "pairs for review: %d; see one with: concord explain --config … --pair A B\n", len(q))
	return nil
}

// printGroups prints the queue grouped by record in doubt: a group's
// record on its first pair's line, each pair's other record beside.
func printGroups(env Env, gs []live.ReviewGroup, asJSON bool) error {
	if asJSON {
		return printJSON(env.Stdout, gs)
	}
	if len(gs) == 0 {
		fmt.Fprintln(env.Stdout, "the review queue is empty")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECORD\tWITH\tPROBABILITY\tWEIGHT\tREASON")
	pairs := 0
	for _, g := range gs {
		for i, r := range g.Pairs {
			rec := ""
			if i == 0 {
				rec = g.Record.String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%.4f\t%+.2f\t%s\n", rec, g.Other(r), model.Probability(r.Weight), r.Weight, r.Reason)
			pairs++
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "records in doubt: %d, pairs for review: %d; decide one with: concord review --config … --decide same|different --reviewer NAME A B\n", len(gs), pairs)
	return nil
}

func printDecisions(env Env, ds []record.Decision, asJSON bool) error {
	if asJSON {
		return printJSON(env.Stdout, ds)
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERDICT\tA\tB\tREVIEWER\tWHEN\tCOMMENT")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Verdict, d.A, d.B, d.Reviewer, d.Time.Format("2006-01-02 15:04"), strings.ReplaceAll(d.Comment, "\n", " "))
	}
	return tw.Flush()
}
