package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/cluster"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
)

// ErrNoModel is returned by Open when neither the store nor the options
// hold a model.
var ErrNoModel = errors.New("the store has no model: train one with concord resolve and pass its model.json")

// metaModel is the store metadata key of the model.
const metaModel = "model"

// LiveOptions configure Open.
type LiveOptions struct {
	Options
	// Model is stored on first use; later opens use the stored one. Giving
	// a different model than the stored one is an error.
	Model *model.Model
	// MaxBlock skips blocking keys held by more records, as batch blocking
	// does; 0 = 1000.
	MaxBlock int
	// MaxComponent bounds how many records one change re-clusters; 0 =
	// 20000. Links beyond it are left as they are.
	MaxComponent int
}

// Live resolves records one at a time against a store: Upsert and Delete
// change the entities of the records they touch and nothing else, and
// return what changed. Entities are the clustering of the stored links
// (pairs scored at or above the match threshold) exactly as batch Resolve
// clusters them, so the partition does not depend on the order records
// arrive in. A Live is safe for concurrent use; changes are serialised.
type Live struct {
	st        store.Store
	scorer    *model.Scorer
	rules     []block.Rule
	linkOnly  bool
	matchW    float64
	reviewW   float64
	conflicts *conflicts
	opt       LiveOptions
	mu        sync.Mutex
}

// Open prepares real-time resolution over st.
func Open(ctx context.Context, st store.Store, opt LiveOptions) (*Live, error) {
	if opt.MaxBlock <= 0 {
		opt.MaxBlock = 1000
	}
	if opt.MaxComponent <= 0 {
		opt.MaxComponent = 20000
	}
	tx, err := st.Begin(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m := opt.Model
	stored, err := tx.Meta(metaModel)
	switch {
	case errors.Is(err, store.ErrNotFound) && m == nil:
		return nil, ErrNoModel
	case errors.Is(err, store.ErrNotFound):
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			return nil, err
		}
		if err := tx.SetMeta(metaModel, buf.Bytes()); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		sm, err := model.Read(bytes.NewReader(stored))
		if err != nil {
			return nil, fmt.Errorf("stored model: %w", err)
		}
		if m != nil {
			var buf bytes.Buffer
			if err := m.Write(&buf); err != nil {
				return nil, err
			}
			if !bytes.Equal(buf.Bytes(), stored) {
				return nil, errors.New("the store already has a different model; resolving with two models would mix their decisions")
			}
		}
		m = sm
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s, err := m.Compile()
	if err != nil {
		return nil, err
	}
	l := &Live{st: st, scorer: s, linkOnly: m.LinkOnly, opt: opt,
		matchW: logit(m.Thresholds.Match), reviewW: logit(m.Thresholds.Review), conflicts: newConflicts(s, nil)}
	for _, terms := range m.Blocking {
		r, err := block.ParseRule(terms)
		if err != nil {
			return nil, fmt.Errorf("stored model: %w", err)
		}
		l.rules = append(l.rules, r)
	}
	return l, nil
}

// Model returns the model Live scores with.
func (l *Live) Model() *model.Model { return l.scorer.Model }

// Change is what one Upsert or Delete did.
type Change struct {
	Op     string          `json:"op"` // "upsert" or "delete"
	Record record.Key      `json:"record"`
	Entity record.EntityID `json:"entity,omitempty"` // the record's entity now; empty after a delete
	// Previous is the record's entity before, for an update or delete.
	Previous record.EntityID `json:"previous,omitempty"`
	// Events are the lineage entries written: entities created, merged,
	// split or removed.
	Events []store.Event `json:"events,omitempty"`
	// Moved counts the other records whose entity changed.
	Moved int `json:"moved"`
	// Compared counts the candidate pairs scored; Links and Reviews the
	// pairs that linked or went to review.
	Compared int `json:"compared"`
	Links    int `json:"links"`
	Reviews  int `json:"reviews"`
	// CappedKeys counts blocking keys skipped for being too common.
	CappedKeys int `json:"capped_keys,omitempty"`
}

// Upsert adds a normalised record, or replaces the stored record with its
// key, and resolves it against the store.
func (l *Live) Upsert(ctx context.Context, rec record.Record) (Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := Change{Op: "upsert", Record: rec.Key}
	tx, err := l.st.Begin(ctx, true)
	if err != nil {
		return ch, err
	}
	defer tx.Rollback()
	seeds := []record.Key{rec.Key}
	prev := map[record.Key]record.EntityID{}
	old, err := tx.Record(rec.Key)
	switch {
	case err == nil:
		ch.Previous = old.Entity
		prev[rec.Key] = old.Entity
		if seeds, err = l.neighbours(tx, rec.Key, old.Entity, seeds); err != nil {
			return ch, err
		}
		if err := tx.DeleteRecord(rec.Key); err != nil {
			return ch, err
		}
	case !errors.Is(err, store.ErrNotFound):
		return ch, err
	}
	data, err := json.Marshal(&rec)
	if err != nil {
		return ch, fmt.Errorf("record %s: %w", rec.Key, err)
	}
	perRule := block.Keys(&rec, l.rules, 0)
	var keys []uint64
	for _, ks := range perRule {
		keys = append(keys, ks...)
	}
	if err := tx.PutRecord(store.Record{Key: rec.Key, Data: data, Keys: keys}); err != nil {
		return ch, err
	}

	// Candidates: records sharing a key, tagged with the first rule.
	rule := map[record.Key]int{}
	var cands []record.Key
	for ri, ks := range perRule {
		for _, k := range ks {
			held, err := tx.Blocked(k, l.opt.MaxBlock+1)
			if err != nil {
				return ch, err
			}
			if len(held) > l.opt.MaxBlock {
				ch.CappedKeys++
				continue
			}
			for _, c := range held {
				if _, seen := rule[c]; seen || c == rec.Key || (l.linkOnly && c.Source == rec.Key.Source) {
					continue
				}
				rule[c] = ri
				cands = append(cands, c)
			}
		}
	}
	slices.SortFunc(cands, keyCmp)
	levels := make([]uint8, len(l.scorer.Comps))
	va := l.scorer.Values(&rec)
	for _, c := range cands {
		sc, cr, err := l.load(tx, c)
		if err != nil {
			return ch, err
		}
		w := l.scorer.CompareValues(va, l.scorer.Values(&cr), levels, nil)
		ch.Compared++
		conflicted := l.conflicts.levels(levels)
		switch {
		case w >= l.matchW && !conflicted:
			if err := tx.PutLink(store.Link{A: rec.Key, B: c, Weight: w}); err != nil {
				return ch, err
			}
			ch.Links++
			seeds = append(seeds, c)
			prev[c] = sc.Entity
		case w >= l.reviewW:
			reason := "review band"
			if w >= l.matchW {
				reason = "scores as a match but disagrees on " + l.describe(va, l.scorer.Values(&cr))
			}
			if err := tx.PutReview(store.Review{A: rec.Key, B: c, Weight: w, Reason: reason, Rule: l.rules[rule[c]].String()}); err != nil {
				return ch, err
			}
			ch.Reviews++
		}
	}
	if err := l.recluster(tx, seeds, prev, &ch); err != nil {
		return ch, err
	}
	return ch, tx.Commit()
}

// Delete removes a record and re-resolves the records it linked.
// A missing record returns an error wrapping store.ErrNotFound.
func (l *Live) Delete(ctx context.Context, key record.Key) (Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := Change{Op: "delete", Record: key}
	tx, err := l.st.Begin(ctx, true)
	if err != nil {
		return ch, err
	}
	defer tx.Rollback()
	old, err := tx.Record(key)
	if err != nil {
		return ch, err
	}
	ch.Previous = old.Entity
	seeds, err := l.neighbours(tx, key, old.Entity, nil)
	if err != nil {
		return ch, err
	}
	if err := tx.DeleteRecord(key); err != nil {
		return ch, err
	}
	prev := map[record.Key]record.EntityID{}
	if len(seeds) == 0 {
		e, err := tx.AddEvent(store.Event{Kind: store.EventRemoved, Entity: old.Entity, Record: key})
		if err != nil {
			return ch, err
		}
		ch.Events = append(ch.Events, e)
	} else if err := l.recluster(tx, seeds, prev, &ch); err != nil {
		return ch, err
	}
	return ch, tx.Commit()
}

// neighbours appends to seeds the other members of a record's entity and
// the records it links to.
func (l *Live) neighbours(tx store.Tx, key record.Key, entity record.EntityID, seeds []record.Key) ([]record.Key, error) {
	members, err := tx.Members(entity)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	links, err := tx.Links(key)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m != key {
			seeds = append(seeds, m)
		}
	}
	for _, k := range links {
		seeds = append(seeds, other(k, key))
	}
	return seeds, nil
}

func other(k store.Link, key record.Key) record.Key {
	if k.A == key {
		return k.B
	}
	return k.A
}

// load reads and decodes a stored record.
func (l *Live) load(tx store.Tx, key record.Key) (store.Record, record.Record, error) {
	var r record.Record
	s, err := tx.Record(key)
	if err != nil {
		return s, r, err
	}
	if err := json.Unmarshal(s.Data, &r); err != nil {
		return s, r, fmt.Errorf("record %s: stored data: %w", key, err)
	}
	return s, r, nil
}

// describe names the exclusive comparisons two records disagree on.
func (l *Live) describe(va, vb [][]record.Value) string {
	var names []string
	for _, i := range l.conflicts.excl {
		c := l.scorer.Comps[i]
		if lv, _, _ := c.Level(va[i], vb[i]); lv == c.Else() {
			names = append(names, c.Spec.Name)
		}
	}
	return fmt.Sprint(names)
}

// recluster clusters the connected part of the link graph around seeds
// as batch clustering would, then names the resulting entities so that
// ids stay stable: the largest part of an entity keeps its id; entities
// joined into one keep the id of the one contributing most records; a
// part with no id gets a new one. prev holds entities of records whose
// stored entity is no longer what they had (the upserted record).
func (l *Live) recluster(tx store.Tx, seeds []record.Key, prev map[record.Key]record.EntityID, ch *Change) error {
	// Gather the component: records reachable over links, plus the
	// members of every entity touched.
	index := map[record.Key]int{}
	var keys []record.Key
	var edges []store.Link
	seenEdge := map[record.Pair]bool{}
	seenEntity := map[record.EntityID]bool{}
	queue := slices.Clone(seeds)
	for len(queue) > 0 && len(keys) < l.opt.MaxComponent {
		k := queue[0]
		queue = queue[1:]
		if _, ok := index[k]; ok {
			continue
		}
		s, err := tx.Record(k)
		if err != nil {
			return err
		}
		index[k] = len(keys)
		keys = append(keys, k)
		if _, ok := prev[k]; !ok {
			prev[k] = s.Entity
		}
		if e := s.Entity; e != "" && !seenEntity[e] {
			seenEntity[e] = true
			members, err := tx.Members(e)
			if err != nil {
				return err
			}
			queue = append(queue, members...)
		}
		links, err := tx.Links(k)
		if err != nil {
			return err
		}
		for _, lk := range links {
			if p := record.NewPair(lk.A, lk.B); !seenEdge[p] {
				seenEdge[p] = true
				edges = append(edges, lk)
			}
			queue = append(queue, other(lk, k))
		}
	}
	// Cluster in key order, so the result does not depend on arrival order.
	slices.SortFunc(keys, keyCmp)
	for i, k := range keys {
		index[k] = i
	}
	recs := make([][][]record.Value, len(keys))
	for i, k := range keys {
		_, r, err := l.load(tx, k)
		if err != nil {
			return err
		}
		recs[i] = l.scorer.Values(&r)
	}
	var ce []cluster.Edge
	for _, e := range edges {
		a, okA := index[e.A]
		b, okB := index[e.B]
		if okA && okB {
			ce = append(ce, cluster.Edge{A: int32(min(a, b)), B: int32(max(a, b)), Weight: e.Weight})
		}
	}
	levels := make([]uint8, len(l.scorer.Comps))
	conflict := func(a, b int32) bool {
		if len(l.conflicts.excl) == 0 {
			return false
		}
		clear(levels)
		for _, i := range l.conflicts.excl {
			lv, _, _ := l.scorer.Comps[i].Level(recs[a][i], recs[b][i])
			levels[i] = uint8(lv)
		}
		return l.conflicts.levels(levels)
	}
	cr := cluster.Greedy(len(keys), ce, cluster.Options{Threshold: l.matchW, Conflict: conflict})

	// Groups, largest first, then by smallest key.
	groupOf := map[int32][]int{}
	for i, lb := range cr.Labels {
		groupOf[lb] = append(groupOf[lb], i)
	}
	groups := make([][]int, 0, len(groupOf))
	for _, g := range groupOf {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b []int) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return a[0] - b[0] // members are in key order
	})
	// Name the groups.
	names := make([]record.EntityID, len(groups))
	taken := map[record.EntityID]int{} // id → group
	for gi, g := range groups {
		count := map[record.EntityID]int{}
		for _, i := range g {
			if e := prev[keys[i]]; e != "" {
				count[e]++
			}
		}
		var best record.EntityID
		for e, n := range count {
			if _, used := taken[e]; used {
				continue
			}
			if best == "" || n > count[best] || (n == count[best] && e < best) {
				best = e
			}
		}
		if best == "" {
			var err error
			if best, err = newEntityID(tx, keys[g[0]]); err != nil {
				return err
			}
		}
		names[gi] = best
		taken[best] = gi
	}
	// Lineage and moves.
	for gi, g := range groups {
		id := names[gi]
		sources := map[record.EntityID]bool{}
		for _, i := range g {
			if e := prev[keys[i]]; e != "" {
				sources[e] = true
			}
		}
		var absorbed []record.EntityID
		var splitFrom []record.EntityID
		for e := range sources {
			switch _, kept := taken[e]; {
			case e == id:
			case kept:
				splitFrom = append(splitFrom, e)
			default:
				absorbed = append(absorbed, e)
			}
		}
		slices.Sort(absorbed)
		slices.Sort(splitFrom)
		var events []store.Event
		if !sources[id] && len(splitFrom) == 0 && len(absorbed) == 0 {
			events = append(events, store.Event{Kind: store.EventCreated, Entity: id})
		}
		for _, e := range splitFrom {
			events = append(events, store.Event{Kind: store.EventSplit, Entity: e, Others: []record.EntityID{id}})
		}
		if len(absorbed) > 0 {
			events = append(events, store.Event{Kind: store.EventMerged, Entity: id, Others: absorbed})
		}
		for _, e := range events {
			e.Record = ch.Record
			e, err := tx.AddEvent(e)
			if err != nil {
				return err
			}
			ch.Events = append(ch.Events, e)
		}
		for _, i := range g {
			k := keys[i]
			if k == ch.Record && ch.Op == "upsert" {
				ch.Entity = id
				if err := tx.SetEntity(k, id); err != nil {
					return err
				}
				continue
			}
			if prev[k] != id {
				if err := tx.SetEntity(k, id); err != nil {
					return err
				}
				ch.Moved++
			}
		}
	}
	// Entities whose id no group kept and none absorbed lost every record.
	for _, e := range sortedEntities(prev) {
		if _, kept := taken[e]; kept || absorbedSomewhere(ch.Events, e) {
			continue
		}
		if members, err := tx.Members(e); err == nil && len(members) > 0 {
			continue // records outside the component still hold it
		}
		ev, err := tx.AddEvent(store.Event{Kind: store.EventRemoved, Entity: e, Record: ch.Record})
		if err != nil {
			return err
		}
		ch.Events = append(ch.Events, ev)
	}
	return nil
}

func absorbedSomewhere(events []store.Event, e record.EntityID) bool {
	for _, ev := range events {
		if ev.Kind == store.EventMerged && slices.Contains(ev.Others, e) {
			return true
		}
	}
	return false
}

func sortedEntities(m map[record.Key]record.EntityID) []record.EntityID {
	var out []record.EntityID
	for _, e := range m {
		if e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return out
}

// newEntityID names a new entity after the smallest key of its records,
// as batch Resolve does, adding a counter if that id was ever used.
func newEntityID(tx store.Tx, k record.Key) (record.EntityID, error) {
	for n := 0; ; n++ {
		h := fnv.New64a()
		h.Write([]byte(k.Source))
		h.Write([]byte{0})
		h.Write([]byte(k.ID))
		if n > 0 {
			fmt.Fprintf(h, "\x00%d", n)
		}
		id := record.EntityID(fmt.Sprintf("E%016x", h.Sum64()))
		used, err := tx.EntityUsed(id)
		if err != nil {
			return "", err
		}
		if !used {
			return id, nil
		}
	}
}

func keyCmp(a, b record.Key) int {
	switch {
	case a.Less(b):
		return -1
	case b.Less(a):
		return 1
	}
	return 0
}

// StoredRecord is a record as the store holds it now.
type StoredRecord struct {
	Record  record.Record   `json:"record"`
	Entity  record.EntityID `json:"entity"`
	Links   []store.Link    `json:"links,omitempty"`
	Reviews []store.Review  `json:"reviews,omitempty"`
}

// EntityView is an entity as the store holds it now, with its lineage.
type EntityView struct {
	ID      record.EntityID `json:"id"`
	Records []StoredRecord  `json:"records"`
	Lineage []store.Event   `json:"lineage"`
}

// Record returns a stored record with its entity, links and reviews.
func (l *Live) Record(ctx context.Context, key record.Key) (StoredRecord, error) {
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return StoredRecord{}, err
	}
	defer tx.Rollback()
	return l.storedRecord(tx, key)
}

func (l *Live) storedRecord(tx store.Tx, key record.Key) (StoredRecord, error) {
	s, r, err := l.load(tx, key)
	if err != nil {
		return StoredRecord{}, err
	}
	out := StoredRecord{Record: r, Entity: s.Entity}
	if out.Links, err = tx.Links(key); err != nil {
		return out, err
	}
	out.Reviews, err = tx.Reviews(key)
	return out, err
}

// Entity returns an entity's records and lineage. An id that was used
// once (merged away, removed) returns its lineage and no records; an id
// never used returns an error wrapping store.ErrNotFound.
func (l *Live) Entity(ctx context.Context, id record.EntityID) (EntityView, error) {
	v := EntityView{ID: id}
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return v, err
	}
	defer tx.Rollback()
	members, err := tx.Members(id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return v, err
	}
	for _, k := range members {
		r, err := l.storedRecord(tx, k)
		if err != nil {
			return v, err
		}
		v.Records = append(v.Records, r)
	}
	if v.Lineage, err = tx.Events(id); err != nil {
		return v, err
	}
	if len(v.Records) == 0 && len(v.Lineage) == 0 {
		return v, fmt.Errorf("entity %s: %w", id, store.ErrNotFound)
	}
	return v, nil
}

// Entities returns the entity of every stored record.
func (l *Live) Entities(ctx context.Context) (map[record.Key]record.EntityID, error) {
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := map[record.Key]record.EntityID{}
	err = tx.Records(func(r store.Record) bool {
		out[r.Key] = r.Entity
		return true
	})
	return out, err
}

// Check verifies the store is consistent: every record decodes, belongs
// to an entity, and is linked only to records of its own entity or to
// records kept apart by a conflict (never to a missing one).
func (l *Live) Check(ctx context.Context) error {
	tx, err := l.st.Begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var keys []record.Key
	var problems []error
	err = tx.Records(func(r store.Record) bool {
		var rec record.Record
		switch {
		case r.Entity == "":
			problems = append(problems, fmt.Errorf("record %s has no entity", r.Key))
		case json.Unmarshal(r.Data, &rec) != nil:
			problems = append(problems, fmt.Errorf("record %s: stored data does not decode", r.Key))
		case rec.Key != r.Key:
			problems = append(problems, fmt.Errorf("record %s: stored data is of %s", r.Key, rec.Key))
		}
		keys = append(keys, r.Key)
		return len(problems) < 20
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		links, err := tx.Links(k)
		if err != nil {
			return err
		}
		for _, lk := range links {
			if _, err := tx.Record(other(lk, k)); err != nil {
				problems = append(problems, fmt.Errorf("record %s links to %s: %w", k, other(lk, k), err))
			}
		}
	}
	return errors.Join(problems...)
}

// Import stores a batch resolution in an empty store, in one transaction:
// every record with its entity and blocking keys, the links, the pairs
// for review, and a "created" event per entity. Upserts then continue
// from it. The resolution's model must be the one Live was opened with.
func (l *Live) Import(ctx context.Context, res *Resolution, progress func(done, total int)) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	tx, err := l.st.Begin(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if n, err := tx.CountRecords(); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("import: the store already holds %d records", n)
	}
	total := len(res.Records) + len(res.Links) + len(res.Review)
	report := func(done int) {
		if progress != nil && (done%10000 == 0 || done == total) {
			progress(done, total)
		}
	}
	for i := range res.Records {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec := &res.Records[i]
		data, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("record %s: %w", rec.Key, err)
		}
		var keys []uint64
		for _, ks := range block.Keys(rec, l.rules, 0) {
			keys = append(keys, ks...)
		}
		if err := tx.PutRecord(store.Record{Key: rec.Key, Entity: res.Entities[i], Data: data, Keys: keys}); err != nil {
			return err
		}
		report(i + 1)
	}
	for i, e := range res.Links {
		if err := tx.PutLink(store.Link{A: res.Records[e.A].Key, B: res.Records[e.B].Key, Weight: e.Weight}); err != nil {
			return err
		}
		report(len(res.Records) + i + 1)
	}
	for i, r := range res.Review {
		if err := tx.PutReview(store.Review{A: r.A, B: r.B, Weight: r.Weight, Reason: r.Reason, Rule: r.Rule}); err != nil {
			return err
		}
		report(len(res.Records) + len(res.Links) + i + 1)
	}
	first := map[record.EntityID]record.Key{}
	for i := range res.Records {
		e, k := res.Entities[i], res.Records[i].Key
		if f, ok := first[e]; !ok || k.Less(f) {
			first[e] = k
		}
	}
	ids := make([]record.EntityID, 0, len(first))
	for e := range first {
		ids = append(ids, e)
	}
	slices.Sort(ids)
	for _, e := range ids {
		if _, err := tx.AddEvent(store.Event{Kind: store.EventCreated, Entity: e, Record: first[e]}); err != nil {
			return err
		}
	}
	return tx.Commit()
}
