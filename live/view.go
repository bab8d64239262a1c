package live

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/cluster"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/explain"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// Every read of Live goes through a reader's view (access.View), here and
// nowhere else: a record the view does not hold is not found, a link,
// review, decision, lineage event or explanation step that names one is
// left out, and masked features show no values. The command line reads
// with access.Everything. Each read is one snapshot of the store: it never
// waits for a change and never sees half of one.

// StoredRecord is a record as the store holds it now, as a reader sees it.
type StoredRecord struct {
	Record  record.Record   `json:"record"`
	Entity  record.EntityID `json:"entity"`
	Links   []record.Link   `json:"links,omitempty"`
	Reviews []record.Review `json:"reviews,omitempty"`
}

// EntityView is an entity as the store holds it now, with its lineage, as
// a reader sees it: its records with their links (a record's reviews are
// on its own page).
type EntityView struct {
	ID      record.EntityID `json:"id"`
	Records []StoredRecord  `json:"records"`
	Lineage []record.Event  `json:"lineage"`
}

// Ready reports whether the store can be read: a read of its audit head.
func (l *Live) Ready(ctx context.Context) error {
	return l.read(ctx, func(tx store.Tx) error {
		_, err := tx.AuditHead(ctx)
		return err
	})
}

// read runs fn in a read transaction: one snapshot of the store.
func (l *Live) read(ctx context.Context, fn func(tx store.Tx) error) error {
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

func notFound(what string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(what, args...), store.ErrNotFound)
}

// Record returns a stored record with its entity, links and reviews.
func (l *Live) Record(ctx context.Context, key record.Key, v access.View) (StoredRecord, error) {
	var out StoredRecord
	err := l.read(ctx, func(tx store.Tx) (err error) {
		out, err = l.storedRecord(ctx, tx, key, v, true)
		return err
	})
	return out, err
}

// storedRecord reads a record with its entity and links, and its reviews
// when withReviews (a record's page; an entity's members leave them out).
func (l *Live) storedRecord(ctx context.Context, tx store.Tx, key record.Key, v access.View, withReviews bool) (StoredRecord, error) {
	if !v.Record(key) {
		return StoredRecord{}, notFound("record %s", key)
	}
	s, err := tx.Record(ctx, key)
	if err != nil {
		return StoredRecord{}, err
	}
	out := StoredRecord{Entity: s.Entity}
	if out.Record, err = decodeFor(s, v); err != nil {
		return out, err
	}
	links, err := tx.Links(ctx, key)
	if err != nil {
		return out, err
	}
	out.Links = slices.DeleteFunc(links, func(lk record.Link) bool { return !v.Record(other(lk, key)) })
	if !withReviews {
		return out, nil
	}
	reviews, err := tx.Reviews(ctx, key, nil, 0)
	out.Reviews = reviewsAsSeen(slices.DeleteFunc(reviews, func(r record.Review) bool { return !v.Record(r.A) || !v.Record(r.B) }), v)
	return out, err
}

// decodeFor decodes a stored record as the view shows it (its sensitive
// values masked), to be shown and let go: its strings share one copy of
// the stored bytes (record.DecodeShared), or, in a form that reads
// otherwise, are decoded one by one.
func decodeFor(s store.Record, v access.View) (record.Record, error) {
	var r record.Record
	if !record.DecodeShared(s.Data, &r) {
		var err error
		if r, err = decodeRecord(s); err != nil {
			return record.Record{}, err
		}
	}
	return v.MaskRecord(r), nil
}

// visibleMembers returns the members of an entity the view holds, in key
// order; found says whether the entity has members at all.
func visibleMembers(ctx context.Context, tx store.Tx, id record.EntityID, v access.View) (keys []record.Key, found bool, err error) {
	all, err := tx.Members(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return slices.DeleteFunc(all, func(k record.Key) bool { return !v.Record(k) }), true, nil
}

// visibleEvents keeps the lineage events whose change a record of the
// view caused.
func visibleEvents(evs []record.Event, v access.View) []record.Event {
	return slices.DeleteFunc(evs, func(e record.Event) bool { return !v.Record(e.Record) })
}

// Entity returns an entity's records and lineage. An entity whose members
// the view holds none of is not found; an id that was used once (merged
// away, removed) returns the lineage the view may see and no records.
func (l *Live) Entity(ctx context.Context, id record.EntityID, v access.View) (EntityView, error) {
	out := EntityView{ID: id}
	err := l.read(ctx, func(tx store.Tx) error {
		// The members and their links in one go; each member the view
		// holds, with the links to records it holds.
		recs, links, err := tx.MemberRecords(ctx, id)
		found := err == nil
		if errors.Is(err, store.ErrNotFound) {
			err = nil
		}
		if err != nil {
			return err
		}
		byRecord := map[record.Key][]record.Link{}
		for _, lk := range links {
			if v.Record(lk.A) && v.Record(lk.B) {
				byRecord[lk.A] = append(byRecord[lk.A], lk)
				if lk.B != lk.A {
					byRecord[lk.B] = append(byRecord[lk.B], lk)
				}
			}
		}
		for _, s := range recs {
			if !v.Record(s.Key) {
				continue
			}
			r := StoredRecord{Entity: s.Entity, Links: byRecord[s.Key]}
			if r.Record, err = decodeFor(s, v); err != nil {
				return err
			}
			out.Records = append(out.Records, r)
		}
		if found && len(out.Records) == 0 {
			return notFound("entity %s", id)
		}
		evs, err := tx.Events(ctx, id, 0, 0)
		if err != nil {
			return err
		}
		out.Lineage = visibleEvents(evs, v)
		if len(out.Records) == 0 && len(out.Lineage) == 0 {
			return notFound("entity %s", id)
		}
		return nil
	})
	return out, err
}

// maxScan bounds the items one page reads past a view's filter: a reader
// who may see few of them gets a short (even empty) page and the cursor
// to go on from, rather than a scan of the whole list.
const maxScan = 20000

// Lineage returns a page of an entity's lineage, oldest first: the events
// after sequence number after that the view may see, at most limit (0:
// all), and the sequence number to read on after.
func (l *Live) Lineage(ctx context.Context, id record.EntityID, v access.View, after int64, limit int) ([]record.Event, int64, error) {
	return l.eventPage(ctx, id, v, after, limit)
}

// Changes returns the lineage events of every entity after sequence
// number after, oldest first, that the view may see, at most limit (0:
// all): the change feed; and the sequence number to resume after, past
// the events the view does not show.
func (l *Live) Changes(ctx context.Context, v access.View, after int64, limit int) ([]record.Event, int64, error) {
	evs, next, err := l.eventPage(ctx, "", v, after, limit)
	for i := range evs {
		evs[i].Actor, evs[i].Why = "", "" // who changed what, and why, is the audit log's, not every subscriber's
	}
	return evs, next, err
}

func (l *Live) eventPage(ctx context.Context, id record.EntityID, v access.View, after int64, limit int) ([]record.Event, int64, error) {
	var out []record.Event
	err := l.read(ctx, func(tx store.Tx) error {
		return scanPage(limit, func(n int) (int, bool, error) {
			evs, err := tx.Events(ctx, id, after, n)
			for i, e := range evs {
				after = e.Seq
				if v.Record(e.Record) {
					out = append(out, e)
					if limit > 0 && len(out) == limit {
						return i + 1, true, err
					}
				}
			}
			return len(evs), false, err
		})
	})
	return out, after, err
}

// scanPage reads a filtered list in batches until read says the page is
// full, the list ends, or maxScan items were read (limit 0: the whole
// list). read(n) reads up to n more items (0: all) and returns how many
// it consumed, and whether the page is full.
func scanPage(limit int, read func(n int) (int, bool, error)) error {
	for scanned := 0; ; {
		want := 0
		if limit > 0 {
			want = max(limit, 64)
		}
		n, full, err := read(want)
		scanned += n
		if err != nil || full || limit <= 0 || n < want || scanned >= maxScan {
			return err
		}
	}
}

// Reviews returns the review queue, strongest first, as the view sees it.
func (l *Live) Reviews(ctx context.Context, v access.View) ([]record.Review, error) {
	rs, _, err := l.ReviewPage(ctx, v, ReviewFilter{}, nil, 0)
	return rs, err
}

// ReviewFilter narrows the review queue; its zero value keeps every pair.
type ReviewFilter struct {
	// Source keeps the pairs with a record of this source on either side.
	Source string
	// Kind keeps the pairs whose reason is of this kind (engine.ReasonKind:
	// band, conflict, ambiguous, refused).
	Kind string
	// MinProbability and MaxProbability keep the pairs whose probability
	// lies between them, bounds included (MaxProbability 0: no bound).
	MinProbability, MaxProbability float64
	// Apart keeps the pairs whose records are in two entities: a pair in
	// the review band whose records other links have put in one entity
	// asks nothing of a reviewer that the entity does not.
	Apart bool
	// Uncertain reads the queue nearest even odds first (the size of a
	// pair's weight, smallest first), not strongest first: the pairs a
	// reviewer's verdict teaches most.
	Uncertain bool
}

// keeps reports whether r passes the filter's source, reason and
// probability (the store keeps the pairs apart: store.ReviewQuery).
func (f ReviewFilter) keeps(r record.Review) bool {
	if f.Source != "" && r.A.Source != f.Source && r.B.Source != f.Source {
		return false
	}
	if f.Kind != "" && engine.ReasonKind(r.Reason) != f.Kind {
		return false
	}
	p := model.Probability(r.Weight)
	return p >= f.MinProbability && (f.MaxProbability <= 0 || p <= f.MaxProbability)
}

// ReviewPage returns a page of the review queue, strongest first (or
// nearest even odds first: f.Uncertain): the pairs after the pair after
// (nil: from the first) both of whose records the view holds and that f
// keeps, at most limit (0: all); and the pair to read on after, nil at the
// end of the queue.
func (l *Live) ReviewPage(ctx context.Context, v access.View, f ReviewFilter, after *record.Review, limit int) ([]record.Review, *record.Review, error) {
	var out []record.Review
	more := false
	err := l.read(ctx, func(tx store.Tx) error {
		return scanPage(limit, func(n int) (int, bool, error) {
			rs, err := tx.ReviewQueue(ctx, store.ReviewQuery{Uncertain: f.Uncertain, Apart: f.Apart, After: after, Limit: n})
			more = n > 0 && len(rs) == n
			for i := range rs {
				after = &rs[i]
				if v.Record(rs[i].A) && v.Record(rs[i].B) && f.keeps(rs[i]) {
					out = append(out, rs[i])
					if limit > 0 && len(out) == limit {
						more = true
						return i + 1, true, err
					}
				}
			}
			return len(rs), false, err
		})
	})
	if !more {
		after = nil
	}
	return reviewsAsSeen(out, v), after, err
}

// reviewsAsSeen rewrites, in place, the reasons of pairs in review (both
// of whose records v holds) as v sees them: a record a reason quotes from
// a source v hides is not named (engine.ReasonAsSeen).
func reviewsAsSeen(rs []record.Review, v access.View) []record.Review {
	for i := range rs {
		rs[i].Reason = engine.ReasonAsSeen(rs[i].Reason, rs[i].A, rs[i].B, v.Source, v.Everything())
	}
	return rs
}

// SourceCounts returns how many records each source v shows has stored;
// the counts may be a minute old (counts.go).
func (l *Live) SourceCounts(ctx context.Context, v access.View) (map[string]int64, error) {
	all, err := l.perSource.get(ctx, l.now, func(ctx context.Context) (n map[string]int64, err error) {
		err = l.read(ctx, func(tx store.Tx) (err error) {
			n, err = tx.CountBySource(ctx)
			return err
		})
		return n, err
	})
	out := map[string]int64{}
	for src, n := range all {
		if v.Source(src) {
			out[src] = n
		}
	}
	return out, err
}

// WeightBin is how many stored pairs weigh from Bits to Bits+1 bits.
type WeightBin struct {
	Bits           int
	Links, Reviews int64
}

// WeightHistogram counts the stored links and pairs in review by match
// weight, in whole bits, of the pairs whose records v shows both: pairs
// with a record of a source v hides are not counted. The counts may be
// a minute old (counts.go).
func (l *Live) WeightHistogram(ctx context.Context, v access.View) ([]WeightBin, error) {
	counts, err := l.weights.get(ctx, l.now, func(ctx context.Context) (counts []store.WeightCount, err error) {
		err = l.read(ctx, func(tx store.Tx) (err error) {
			counts, err = tx.WeightCounts(ctx)
			return err
		})
		return counts, err
	})
	if err != nil {
		return nil, err
	}
	bins := map[int]*WeightBin{}
	for _, c := range counts {
		if !v.Source(c.A) || !v.Source(c.B) {
			continue
		}
		b := bins[c.Bits]
		if b == nil {
			b = &WeightBin{Bits: c.Bits}
			bins[c.Bits] = b
		}
		b.Links += c.Links
		b.Reviews += c.Reviews
	}
	out := make([]WeightBin, 0, len(bins))
	for _, b := range bins {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(x, y WeightBin) int { return cmp.Compare(x.Bits, y.Bits) })
	return out, nil
}

// ReviewsAmong returns the pairs in review between records of keys, as v
// sees them (both records visible), each once: within an entity, the
// conflicts and ambiguities among its records.
func (l *Live) ReviewsAmong(ctx context.Context, keys []record.Key, v access.View) ([]record.Review, error) {
	in := map[record.Key]bool{}
	for _, k := range keys {
		in[k] = v.Record(k)
	}
	var out []record.Review
	seen := map[record.Pair]bool{}
	err := l.read(ctx, func(tx store.Tx) error {
		for _, k := range keys {
			if !in[k] {
				continue
			}
			rs, err := tx.Reviews(ctx, k, nil, 0)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if p := record.NewPair(r.A, r.B); in[r.A] && in[r.B] && !seen[p] {
					seen[p] = true
					out = append(out, r)
				}
			}
		}
		return nil
	})
	return reviewsAsSeen(out, v), err
}

// DecisionsAbout returns the reviewers' decisions that name one of keys,
// as v sees them (both records visible), each once.
func (l *Live) DecisionsAbout(ctx context.Context, keys []record.Key, v access.View) ([]record.Decision, error) {
	var out []record.Decision
	seen := map[record.Pair]bool{}
	err := l.read(ctx, func(tx store.Tx) error {
		for _, k := range keys {
			if !v.Record(k) {
				continue
			}
			ds, err := tx.Decisions(ctx, k)
			if err != nil {
				return err
			}
			for _, d := range ds {
				if p := record.NewPair(d.A, d.B); !seen[p] && v.Record(d.A) && v.Record(d.B) {
					seen[p] = true
					out = append(out, d)
				}
			}
		}
		return nil
	})
	return out, err
}

// Decisions returns every reviewer's decision on records the view holds.
func (l *Live) Decisions(ctx context.Context, v access.View) ([]record.Decision, error) {
	var out []record.Decision
	err := l.read(ctx, func(tx store.Tx) (err error) {
		out, err = tx.Decisions(ctx, record.Key{})
		out = slices.DeleteFunc(out, func(d record.Decision) bool { return !v.Record(d.A) || !v.Record(d.B) })
		return err
	})
	return out, err
}

// ExplainPair returns the match-weight waterfall of two stored records.
// Values of masked features are not shown; the weights are the model's.
func (l *Live) ExplainPair(ctx context.Context, a, b record.Key, v access.View) (explain.Waterfall, error) {
	var w explain.Waterfall
	if !v.Record(a) || !v.Record(b) {
		return w, notFound("records %s, %s", a, b)
	}
	err := l.read(ctx, func(tx store.Tx) error {
		recs, err := l.records(ctx, tx, a, b)
		if err != nil {
			return err
		}
		w = l.waterfall(&recs[0], &recs[1], v)
		return nil
	})
	return w, err
}

// waterfall explains a pair as the view may see it.
func (l *Live) waterfall(a, b *record.Record, v access.View) explain.Waterfall {
	return l.maskedWaterfall(a, b, v, true)
}

// maskedWaterfall explains a pair, masking the values of b (and of a,
// when maskA) the view does not show.
func (l *Live) maskedWaterfall(a, b *record.Record, v access.View, maskA bool) explain.Waterfall {
	w := explain.Pair(l.scorer, a, b)
	for i := range w.Bars {
		bar := &w.Bars[i]
		name := strings.TrimPrefix(bar.Name, "tf ")
		for _, c := range l.scorer.Model.Comparisons {
			if c.Name != name {
				continue
			}
			// A value read from another feature (a town from the address
			// line) is masked with that feature too.
			masked := func(source, from string) bool {
				return v.Masked(source, c.Feature) || from != "" && v.Masked(source, from)
			}
			if maskA && masked(a.Key.Source, bar.AFrom) && bar.A != "" {
				bar.A = access.Mask
			}
			if masked(b.Key.Source, bar.BFrom) && bar.B != "" {
				bar.B = access.Mask
			}
		}
	}
	return w
}

// recordsGroup is the group of recs, records read from the store: their
// kinds, sources, and comparison values made when first asked for.
func (l *Live) recordsGroup(recs []record.Record) group {
	g := group{kinds: make([]record.EntityKind, len(recs)), sources: make([]string, len(recs)),
		values: lazyValues(len(recs), func(i int32) [][]record.Value { return l.scorer.Values(&recs[i]) })}
	for i := range recs {
		g.kinds[i], g.sources[i] = recs[i].Kind, recs[i].Key.Source
	}
	return g
}

// How explains an entity: the merges that built it, in the order
// clustering makes them, each with its waterfall or decision — among the
// members the view holds.
func (l *Live) How(ctx context.Context, id record.EntityID, v access.View) (explain.How, error) {
	h := explain.How{Entity: id}
	err := l.read(ctx, func(tx store.Tx) error {
		keys, _, err := visibleMembers(ctx, tx, id, v)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return notFound("entity %s", id)
		}
		h.Records = keys
		recs, err := l.records(ctx, tx, keys...)
		if err != nil {
			return err
		}
		index := make(map[record.Key]int32, len(keys))
		g := l.recordsGroup(recs)
		for i := range recs {
			index[recs[i].Key] = int32(i)
		}
		// The links and decisions among the members, as the store holds them.
		var edges []cluster.Edge
		decided := map[record.Pair]record.Decision{}
		for i, k := range keys {
			links, err := tx.Links(ctx, k)
			if err != nil {
				return err
			}
			for _, lk := range links {
				if j, ok := index[other(lk, k)]; ok && int32(i) < j {
					edges = append(edges, cluster.Edge{A: int32(i), B: j, Weight: lk.Weight})
				}
			}
			ds, err := tx.Decisions(ctx, k)
			if err != nil {
				return err
			}
			for _, d := range ds {
				decided[record.NewPair(d.A, d.B)] = d
				o := d.A
				if o == k {
					o = d.B
				}
				if j, ok := index[o]; ok && int32(i) < j && d.Verdict == record.VerdictSame {
					edges = append(edges, cluster.Edge{A: int32(i), B: j, Weight: cluster.Forced})
				}
			}
		}
		g.different = func(a, b int32) bool {
			return decided[record.NewPair(keys[a], keys[b])].Verdict == record.VerdictDifferent
		}
		opt := l.clusterOptions(g)
		opt.Steps = true
		cr := cluster.Greedy(len(keys), edges, opt)
		for i, st := range cr.Steps {
			a, b := &recs[st.A], &recs[st.B]
			step := explain.Step{Order: i + 1, By: "model", Joined: st.Sizes, Waterfall: l.waterfall(a, b, v)}
			for _, p := range st.Excused {
				step.Excused = append(step.Excused, [2]record.Key{recs[p[0]].Key, recs[p[1]].Key})
			}
			if d, ok := decided[record.NewPair(a.Key, b.Key)]; ok && st.Weight == cluster.Forced {
				step.By, step.Comment = "reviewer "+d.Reviewer, d.Comment
			}
			h.Steps = append(h.Steps, step)
		}
		return nil
	})
	return h, err
}

// maxWhyNotPairs bounds the pairs WhyNot scores.
const maxWhyNotPairs = 100000

// WhyNot explains why two entities are apart: the best pair across them
// against the thresholds, and the conflicts and decisions that keep their
// records apart — among the members the view holds.
func (l *Live) WhyNot(ctx context.Context, a, b record.EntityID, v access.View) (explain.WhyNot, error) {
	w := explain.WhyNot{A: a, B: b}
	err := l.read(ctx, func(tx store.Tx) error {
		ka, _, err := visibleMembers(ctx, tx, a, v)
		if err != nil {
			return err
		}
		kb, _, err := visibleMembers(ctx, tx, b, v)
		if err != nil {
			return err
		}
		if len(ka) == 0 || len(kb) == 0 {
			return notFound("entities %s, %s", a, b)
		}
		if a == b {
			return fmt.Errorf("%w: %s is one entity", ErrBadDecision, a)
		}
		ra, err := l.records(ctx, tx, ka...)
		if err != nil {
			return err
		}
		rb, err := l.records(ctx, tx, kb...)
		if err != nil {
			return err
		}
		decided := map[record.Pair]record.Decision{}
		for _, k := range ka {
			ds, err := tx.Decisions(ctx, k)
			if err != nil {
				return err
			}
			for _, d := range ds {
				decided[record.NewPair(d.A, d.B)] = d
			}
		}
		// A conflict that joining the entities would excuse (two typos of
		// the value most of their records hold: model.Scorer.Excuses)
		// does not keep them apart; one that it would not says why.
		both := slices.Concat(ra, rb)
		members := make([]int32, len(both))
		for i := range both {
			members[i] = int32(i)
		}
		consensus := l.scorer.Consensus(groupLevels{l.scorer, l.recordsGroup(both)}, members)
		var conflicts []explain.Separation
		bestOK, kindsShown := false, false // the best pair may be one entity; a kinds separation is listed
		for i := range ra {
			for j := range rb {
				if w.Pairs == maxWhyNotPairs {
					break
				}
				wf := l.waterfall(&ra[i], &rb[j], v)
				w.Pairs++
				// The best pair is one of two records that may be one
				// entity, where any is.
				compatible := ra[i].Kind.Compatible(rb[j].Kind)
				if w.Best == nil || compatible && !bestOK || compatible == bestOK && wf.Weight > w.Best.Weight {
					w.Best, bestOK = &wf, compatible
				}
				if !compatible && !kindsShown {
					kindsShown = true
					w.Separations = append(w.Separations, explain.Separation{A: ra[i].Key, B: rb[j].Key, Kind: explain.SeparationKinds,
						Detail: fmt.Sprintf("%s is %s's record, %s %s's: a person and an organisation are never one entity", ra[i].Key, explain.KindArticle(ra[i].Kind), rb[j].Key, explain.KindArticle(rb[j].Kind))})
				}
				if d, ok := decided[record.NewPair(ra[i].Key, rb[j].Key)]; ok && d.Verdict == record.VerdictDifferent {
					w.Separations = append(w.Separations, explain.Separation{A: ra[i].Key, B: rb[j].Key, Kind: "decision",
						Detail: fmt.Sprintf("reviewer %s decided they are different: %s", d.Reviewer, d.Comment)})
				}
				if len(conflicts) < 5 {
					if levels := l.levels(&ra[i], &rb[j]); l.scorer.Conflict(levels) {
						detail := "they disagree outright on " + strings.Join(l.scorer.Disagreements(levels), ", ")
						if ra[i].Kind.Compatible(rb[j].Kind) {
							u := consensus.Unexcused(int32(i), int32(len(ra)+j))
							if u.Comparison < 0 {
								continue
							}
							detail += ", which joining the entities would not read as typos: " +
								explain.Unexcused(u, l.scorer.Comps[u.Comparison].Spec.Name, both[u.Record].Key)
						}
						conflicts = append(conflicts, explain.Separation{A: ra[i].Key, B: rb[j].Key, Kind: "conflict", Detail: detail})
					}
				}
			}
		}
		w.Separations = append(w.Separations, conflicts...)
		// Pairs across the entities held for review by clustering (batch
		// and real time put them in the queue alike): a link as strong as
		// one to a record it cannot be one entity with, or a merge that
		// would join conflicting records. The best pair's own first.
		inB := map[record.Key]bool{}
		for _, k := range kb {
			inB[k] = true
		}
		var held []explain.Separation
		for _, k := range ka {
			rs, err := tx.Reviews(ctx, k, nil, 0)
			if err != nil {
				return err
			}
			for _, r := range reviewsAsSeen(rs, v) {
				o := other(record.Link{A: r.A, B: r.B}, k)
				if !inB[o] || r.Reason == engine.ReasonBand {
					continue
				}
				s := explain.Separation{A: k, B: o, Kind: "review", Detail: r.Reason}
				if w.Best != nil && record.NewPair(k, o) == record.NewPair(w.Best.A, w.Best.B) {
					held = slices.Insert(held, 0, s)
				} else if len(held) < 5 {
					held = append(held, s)
				}
			}
		}
		w.Separations = append(w.Separations, held...)
		if w.Best != nil && w.Best.Outcome == explain.OutcomeMatch && len(w.Separations) == 0 {
			links, err := tx.Links(ctx, w.Best.A)
			if err != nil {
				return err
			}
			w.Unlinked = !slices.ContainsFunc(links, func(lk record.Link) bool { return other(lk, w.Best.A) == w.Best.B })
		}
		w.Summarise()
		return nil
	})
	return w, err
}

// KeepRejects keeps rows and values that could not be used in the store,
// for the data view and the entity page. Their reasons and raw text are
// record contents: they are read through a view (Rejects, RejectCounts).
func (l *Live) KeepRejects(ctx context.Context, rejects []engine.Reject) error {
	if len(rejects) == 0 {
		return nil
	}
	at := l.now()
	rs := make([]store.Reject, len(rejects))
	for i, r := range rejects {
		rs[i] = store.Reject{At: at, Scope: r.Scope, Source: r.Source, ID: r.RecordID, Line: r.Line, Field: r.Field, Reason: r.Reason, Raw: r.Raw}
	}
	return l.change(ctx, func(_ *Live, tx store.Tx) ([]toAudit, error) {
		return nil, tx.PutRejects(ctx, rs)
	})
}

// RejectCounts counts the kept rejects of the sources v shows, by source,
// scope, field and class (reasons without the values they quote).
func (l *Live) RejectCounts(ctx context.Context, v access.View) ([]store.RejectCount, error) {
	var counts []store.RejectCount
	err := l.read(ctx, func(tx store.Tx) (err error) {
		counts, err = tx.RejectCounts(ctx)
		return err
	})
	return slices.DeleteFunc(counts, func(c store.RejectCount) bool { return !v.Source(c.Source) }), err
}

// Rejects returns the kept rejects of records as v shows them: none of a
// source v hides; a value of a feature v masks, and a whole row, shown as
// access.Mask with its reason's class alone (a reason quotes the value).
func (l *Live) Rejects(ctx context.Context, keys []record.Key, v access.View) ([]store.Reject, error) {
	keys = slices.DeleteFunc(slices.Clone(keys), func(k record.Key) bool { return !v.Record(k) })
	var rs []store.Reject
	err := l.read(ctx, func(tx store.Tx) (err error) {
		rs, err = tx.RejectsOf(ctx, keys)
		return err
	})
	for i := range rs {
		if rs[i].Scope != engine.ScopeValue || v.Masked(rs[i].Source, rs[i].Field) {
			rs[i].Raw, rs[i].Reason = access.Mask, store.RejectClass(rs[i].Reason)
		}
	}
	return rs, err
}

// FillSample is how many records of each source FeatureFill reads.
const FillSample = 2000

// Fill is how many of a sample of a source's records hold a value of each
// feature: Raw counts a value as written, Values one that normalised.
type Fill struct {
	Sampled     int
	Raw, Values map[string]int // feature → records
}

// FeatureFill reads the first FillSample records (by id) of each source
// v shows and counts, per feature, the records holding a value: as
// written, and normalised (the difference is values rejected). The counts
// may be a minute old (counts.go).
func (l *Live) FeatureFill(ctx context.Context, sources []string, v access.View) (map[string]Fill, error) {
	out := map[string]Fill{}
	for _, src := range sources {
		if !v.Source(src) {
			continue
		}
		f, err := l.fill(src).get(ctx, l.now, func(ctx context.Context) (Fill, error) { return l.readFill(ctx, src) })
		if err != nil {
			return nil, err
		}
		out[src] = f
	}
	return out, nil
}

// readFill counts the values filled in the first FillSample records of a
// source. It reads which features a record holds, not their values.
func (l *Live) readFill(ctx context.Context, src string) (Fill, error) {
	f := Fill{Raw: map[string]int{}, Values: map[string]int{}}
	err := l.read(ctx, func(tx store.Tx) error {
		var derr error
		err := tx.SourceRecords(ctx, src, FillSample, func(s store.Record) bool {
			var r struct {
				Features []struct {
					Name   string
					Raw    []json.RawMessage
					Values []json.RawMessage
				}
			}
			if err := json.Unmarshal(s.Data, &r); err != nil {
				derr = fmt.Errorf("record %s: stored data: %w", s.Key, err)
				return false
			}
			f.Sampled++
			for _, ft := range r.Features {
				if len(ft.Raw) > 0 {
					f.Raw[ft.Name]++
				}
				if len(ft.Values) > 0 {
					f.Values[ft.Name]++
				}
			}
			return true
		})
		return cmp.Or(err, derr)
	})
	return f, err
}

// BacklogDay is how many pairs were in review at the last note of a day
// (UTC), counting only pairs whose records v shows both.
type BacklogDay struct {
	Day     time.Time
	Pending int64
}

// Backlog returns the review backlog of the last days as v sees it, one
// point per day that has a note (the first change of each hour notes it).
func (l *Live) Backlog(ctx context.Context, days int, v access.View) ([]BacklogDay, error) {
	since := l.now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-days)
	var notes []store.BacklogNote
	err := l.read(ctx, func(tx store.Tx) (err error) {
		notes, err = tx.Backlog(ctx, since)
		return err
	})
	// Notes of one time are one count; a day's is its last.
	var out []BacklogDay
	var at time.Time
	for _, n := range notes {
		if !n.At.Equal(at) {
			at = n.At
			day := at.Truncate(24 * time.Hour)
			if len(out) == 0 || !out[len(out)-1].Day.Equal(day) {
				out = append(out, BacklogDay{Day: day})
			}
			out[len(out)-1].Pending = 0
		}
		if v.Source(n.A) && v.Source(n.B) {
			out[len(out)-1].Pending += n.N
		}
	}
	return out, err
}

// ErrTooManySessions is SaveSession's refusal of a new session when the
// store holds as many live ones as it may.
var ErrTooManySessions = errors.New("too many workbench sessions")

// SaveSession stores a workbench session: a new one only while no more
// than max are stored, once the expired ones are dropped. Session reads
// one (store.ErrNotFound when there is none); EndSession ends one.
// Sessions are the store's, so that every serving process knows them.
func (l *Live) SaveSession(ctx context.Context, s store.WebSession, max int64) error {
	return l.change(ctx, func(_ *Live, tx store.Tx) ([]toAudit, error) {
		_, err := tx.WebSession(ctx, s.ID)
		isNew := errors.Is(err, store.ErrNotFound)
		if err != nil && !isNew {
			return nil, err
		}
		if err := tx.PutWebSession(ctx, s, l.now()); err != nil {
			return nil, err
		}
		if isNew {
			if n, err := tx.CountWebSessions(ctx); err != nil || n > max {
				return nil, cmp.Or(err, ErrTooManySessions)
			}
		}
		return nil, nil
	})
}

// Session reads a workbench session.
func (l *Live) Session(ctx context.Context, id string) (s store.WebSession, err error) {
	err = l.read(ctx, func(tx store.Tx) (err error) {
		s, err = tx.WebSession(ctx, id)
		return err
	})
	return s, err
}

// EndSession ends a workbench session.
func (l *Live) EndSession(ctx context.Context, id string) error {
	return l.change(ctx, func(_ *Live, tx store.Tx) ([]toAudit, error) { return nil, tx.DeleteWebSession(ctx, id) })
}

// StartLogin stores a log-in under way at an OIDC issuer, while no more
// than max are stored once the expired ones are dropped
// (ErrTooManySessions); TakeLogin reads one and deletes it, so that a
// flow is finished once, by whichever serving process the issuer sends
// the person back to.
func (l *Live) StartLogin(ctx context.Context, f store.LoginFlow, max int64) error {
	return l.change(ctx, func(_ *Live, tx store.Tx) ([]toAudit, error) {
		if err := tx.PutLoginFlow(ctx, f, l.now()); err != nil {
			return nil, err
		}
		if n, err := tx.CountLoginFlows(ctx); err != nil || n > max {
			return nil, cmp.Or(err, ErrTooManySessions)
		}
		return nil, nil
	})
}

// TakeLogin reads a log-in under way and deletes it.
func (l *Live) TakeLogin(ctx context.Context, id string) (f store.LoginFlow, err error) {
	err = l.change(ctx, func(_ *Live, tx store.Tx) ([]toAudit, error) {
		f, err = tx.TakeLoginFlow(ctx, id)
		return nil, err
	})
	return f, err
}
