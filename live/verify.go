package live

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// VerifyState checks the store's state against its audit log (entries,
// read from the same store): a state the log does not account for was
// written around it. It finds a model installed without its entry (or
// swapped after it), a decision with no reviewer's entry for it (a
// forged constraint), a record whose last entry is not the upsert that
// stored it as it is now (moved, rewritten or inserted), and a store
// with records or a model but an empty log. It returns the problems
// found; an error only when the store cannot be read.
func VerifyState(ctx context.Context, st store.Store, entries []audit.Entry) ([]audit.Problem, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var probs []audit.Problem
	add := func(sources []string, format string, args ...any) {
		probs = append(probs, audit.Problem{Position: len(entries), Kind: audit.KindUnlogged, Detail: fmt.Sprintf(format, args...), Sources: sources})
	}
	salt, err := digestSecret(ctx, tx, false)
	if errors.Is(err, ErrNoModel) {
		salt, err = nil, nil // never written: nothing to name
	}
	if err != nil {
		return nil, err
	}
	digests := audit.NewDigester(salt) // every stored record is digested
	// The model: its digest is the evidence of the last model entry.
	model, err := tx.Meta(ctx, metaModel)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		last := ""
		for _, e := range entries {
			if e.Action == "model" {
				last = e.Evidence
			}
		}
		if last != audit.Digest(model) {
			add(nil, "the installed model (digest %.12s) is not the one the log last installed", audit.Digest(model))
		}
	}
	// Records: the last upsert or delete naming each stored record must
	// be an upsert of its present content.
	last := map[string]audit.Entry{}
	for _, e := range entries {
		if e.Action == string(ChangeUpsert) || e.Action == string(ChangeDelete) || e.Action == actionImport {
			for _, r := range e.Records {
				last[r] = e
			}
		}
	}
	imported := map[string]string{} // content digest of each stored record an import entry accounts for
	n := 0
	err = tx.Records(ctx, func(r store.Record) bool {
		n++
		if len(probs) >= maxStateProblems {
			return false
		}
		d := digests.Key(r.Key)
		src := []string{r.Key.Source}
		e, ok := last[d]
		switch {
		case ok && e.Action == actionImport:
			imported[d] = digests.Content(r.Data)
		case !ok:
			add(src, "record %s: stored, but no upsert in the log stored it", d)
		case e.Action != string(ChangeUpsert):
			add(src, "record %s: stored, but the log's last entry for it (seq %d) deleted it", d, e.Seq)
		case e.Content != "" && e.Content != digests.Content(r.Data):
			add(src, "record %s: its content is not what the upsert at seq %d stored", d, e.Seq)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	// An import entry's records, while none has changed since, hold the
	// contents it names; once one has, the rest are accounted for by
	// presence alone.
	for _, e := range entries {
		if e.Action != actionImport || len(e.Records) == 0 || len(probs) >= maxStateProblems {
			continue
		}
		contents := make([]string, 0, len(e.Records))
		for _, r := range e.Records {
			if c, ok := imported[r]; ok && last[r].Seq == e.Seq {
				contents = append(contents, c)
			}
		}
		if len(contents) == len(e.Records) && importEvidence(contents) != e.Evidence {
			add(nil, "records imported at seq %d: their contents are not what the import stored", e.Seq)
		}
	}
	if len(entries) == 0 && (n > 0 || model != nil) {
		add(nil, "the store holds %d records and a model, but its audit log is empty", n)
	}
	// Decisions: each has its reviewer's entry naming both records.
	ds, err := tx.Decisions(ctx, record.Key{})
	if err != nil {
		return nil, err
	}
	byReviewer := map[string][]audit.Entry{}
	for _, e := range entries {
		if strings.HasPrefix(e.Actor, audit.ActorReviewer) {
			byReviewer[e.Actor] = append(byReviewer[e.Actor], e)
		}
	}
	for _, d := range ds {
		if len(probs) >= maxStateProblems {
			break
		}
		a, b := digests.Key(d.A), digests.Key(d.B)
		if !slices.ContainsFunc(byReviewer[audit.ActorReviewer+d.Reviewer], func(e audit.Entry) bool {
			return slices.Contains(e.Records, a) && slices.Contains(e.Records, b) &&
				(e.Detail == e.Action || e.Detail == e.Action+" "+string(d.Verdict))
		}) {
			add([]string{d.A.Source, d.B.Source}, "decision %q on records %s and %s by %q: no entry of that reviewer's in the log decided it", d.Verdict, a, b, d.Reviewer)
		}
	}
	return probs, nil
}

// maxStateProblems bounds the problems VerifyState lists.
const maxStateProblems = 100

// Verification is what Verify found.
type Verification struct {
	Entries int             `json:"entries"`
	Head    audit.Head      `json:"head"`
	Chain   string          `json:"chain"` // "" when the chain verifies, else what breaks it
	State   []audit.Problem `json:"state,omitempty"`
}

// OK reports whether the log and the state both verify.
func (v Verification) OK() bool { return v.Chain == "" && len(v.State) == 0 }

// Verify checks the store's audit log — its chain up to the head — and the
// state against it (VerifyState).
func (l *Live) Verify(ctx context.Context) (Verification, error) {
	entries, head, err := ReadAudit(ctx, l.st)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Entries: len(entries), Head: head}
	if err := audit.Verify(entries, &head); err != nil {
		v.Chain = err.Error()
	}
	v.State, err = VerifyState(ctx, l.st, entries)
	return v, err
}
