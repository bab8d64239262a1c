package engine

import (
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/cluster"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// ResolveOptions configure Resolve. The zero value trains a model with the
// defaults and uses every core.
type ResolveOptions struct {
	Options
	Model *model.Model // a trained model to reuse; nil trains one
	Seed  uint64       // seed of the random pairs that estimate u; 0 = 1
	// URandomPairs is how many random pairs estimate u; 0 = 500000.
	URandomPairs int
	// MaxBlock caps block sizes (see block.Options); 0 = 1000.
	MaxBlock int
	// Truth, when set, gives the true entity of a record, so that
	// blocking statistics include pair completeness. It is called once per
	// record, after loading, and not kept.
	Truth func(record.Key) (entity string, ok bool)
	// Decisions are reviewers' verdicts (from the store): clustering
	// follows every "same" and never crosses a "different", and decided
	// pairs leave the review list.
	Decisions []record.Decision
	// DropRaw drops each record's raw values (record.Feature.Raw) as it
	// is loaded, once they are normalised: for a caller that needs of
	// Resolution.Records only their keys and relations (concord resolve
	// writing files), so that the raw text is not held, and scanned by
	// the garbage collector, through the whole run.
	DropRaw bool
	// declared are the features whose exclusivity the config declares
	// (config.Config.DeclaredExclusive): training leaves them as said.
	declared map[string]bool
}

// Resolution is the outcome of Resolve.
type Resolution struct {
	Records  []record.Record   // without raw values under ResolveOptions.DropRaw
	Entities []record.EntityID // per record
	// Links are the pairs that linked: scored at or above the match
	// threshold without a conflict, as indexes into Records.
	Links  []cluster.Edge
	Model  *model.Model
	Review []ReviewPair
	Stats  ResolveStats
}

// ReviewPair is a pair a person should look at: its probability is in the
// review band, or it matched but joining it would have merged records that
// conflict.
type ReviewPair struct {
	A, B        record.Key
	Probability float64
	Weight      float64
	Reason      string
	Rule        string // the first blocking rule that found the pair
}

// ResolveStats go to summary.json.
type ResolveStats struct {
	Load       LoadStats       `json:"load"`
	Blocking   BlockingStats   `json:"blocking"`
	Scoring    ScoringStats    `json:"scoring"`
	Clustering ClusteringStats `json:"clustering"`
	// Seconds per stage: load, blocking, values (preparing every value
	// for comparison), training (of which training_u_sample, compare — the
	// comparison of every candidate pair — and training_em), scoring,
	// clustering.
	Seconds  map[string]float64 `json:"seconds"`
	Workers  int                `json:"workers"`
	Warnings []string           `json:"warnings,omitempty"`
	// Placeholders are the values read as missing because so many records
	// of one source, of different names, held them (see findPlaceholders).
	Placeholders []FoundPlaceholder `json:"placeholders,omitempty"`
	// YearsAsJanuary are the dates of 1 January that would be
	// placeholders but for their number: years a date field writes so
	// (yearsKept), kept as values.
	YearsAsJanuary []FoundPlaceholder `json:"years_as_january,omitempty"`
	// FieldAliases are the fields read as another source's feature of
	// another name, as the model keeps them: found by training
	// (learnAliases), or the given model's.
	FieldAliases []model.FieldAlias `json:"field_aliases,omitempty"`
	// NameJoins are the fields read as one name (learnNameJoins), as the
	// model keeps them.
	NameJoins []model.NameJoin `json:"name_joins,omitempty"`
	// NameUnions are the fields of names no row holds two of, read as one
	// (nameUnion), as the model keeps them.
	NameUnions []model.NameUnion `json:"name_unions,omitempty"`
}

// BlockingStats describe the candidate pairs.
type BlockingStats struct {
	Rules          []RuleStats         `json:"rules"`
	CandidatePairs int64               `json:"candidate_pairs"`
	PossiblePairs  float64             `json:"possible_pairs"`
	ReductionRatio float64             `json:"reduction_ratio"`
	CappedBlocks   []block.CappedBlock `json:"capped_blocks,omitempty"`
	// BlocksOfCopies are blocks over the size cap read as copies
	// (block.Index.Collapsed): records whose values are all alike, such
	// as a payee in many payments. CopyPairs of the candidates pair a copy
	// with the first of its copies.
	BlocksOfCopies []block.CappedBlock `json:"blocks_of_copies,omitempty"`
	CopyPairs      int64               `json:"copy_pairs,omitempty"`
	// Defaults are the rules chosen by default, with why, when the config
	// gives none.
	Defaults []DefaultRule `json:"default_rules,omitempty"`
	// SourcePairs count the candidate pairs of each pair of sources.
	SourcePairs []SourcePairStats `json:"source_pairs"`
	// PairCompleteness is the share of true pairs among the candidates,
	// when a truth was given.
	PairCompleteness *float64 `json:"pair_completeness,omitempty"`
	TruePairs        int64    `json:"true_pairs,omitempty"`
}

// SourcePairStats count the candidate pairs of two sources (A = B: pairs
// within one source).
type SourcePairStats struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Pairs int64  `json:"pairs"`
	// AnchorPairs are the candidates that share an identifier exactly
	// (a rule of one identifier feature found them): taken as true
	// matches found without names.
	AnchorPairs int64 `json:"anchor_pairs,omitempty"`
	// ExpectedCompleteness estimates, from the anchor pairs, the pair
	// completeness of blocking for matches that share no identifier: the
	// share of anchor pairs that some other rule finds too. Absent when
	// the two sources share no identifier pair.
	ExpectedCompleteness *float64 `json:"expected_pair_completeness,omitempty"`
	// Prior is λ of the pair of sources in the model (its own, or the
	// global prior).
	Prior float64 `json:"prior"`
}

// sourcePairs counts the candidates of each pair of sources, in source
// order, and estimates their expected completeness: masks give the rules
// that find each candidate, anchors the rules of one identifier feature.
func sourcePairs(recs []record.Record, cands []candidate, masks []uint64, anchors uint64) []SourcePairStats {
	src, names := sourceIndexes(recs)
	n := len(names)
	counts, anchored, found := make([]int64, n*n), make([]int64, n*n), make([]int64, n*n)
	for k, c := range cands {
		a, b := int(src[c.A]), int(src[c.B])
		i := min(a, b)*n + max(a, b)
		counts[i]++
		if masks[k]&anchors != 0 {
			anchored[i]++
			if masks[k]&^anchors != 0 {
				found[i]++
			}
		}
	}
	var out []SourcePairStats
	for a := range n {
		for b := a; b < n; b++ {
			i := a*n + b
			sp := SourcePairStats{A: names[a], B: names[b], Pairs: counts[i], AnchorPairs: anchored[i]}
			if anchored[i] > 0 {
				pc := round3(float64(found[i]) / float64(anchored[i]))
				sp.ExpectedCompleteness = &pc
			}
			out = append(out, sp)
		}
	}
	return out
}

// anchorRules returns the mask of rules that are one identifier feature
// alone: the pairs they find share an identifier exactly.
func anchorRules(rules []block.Rule, kinds map[string]record.Kind) uint64 {
	var mask uint64
	for r, rule := range rules {
		if len(rule.Terms) == 1 && rule.Terms[0].Facet == "" && kinds[rule.Terms[0].Feature] == record.KindIdentifier {
			mask |= 1 << r
		}
	}
	return mask
}

// RuleStats count the pairs a rule found first.
type RuleStats struct {
	Rule  string `json:"rule"`
	Pairs int64  `json:"pairs"`
}

// ScoringStats count scored pairs by outcome.
type ScoringStats struct {
	Pairs   int64 `json:"pairs"`
	Matches int64 `json:"matches"`
	Review  int64 `json:"review"`
	// Conflicts counts pairs that scored as matches but disagree on an
	// exclusive feature; they go to review instead of linking.
	Conflicts int64 `json:"conflicts"`
}

// ClusteringStats describe the entities.
type ClusteringStats struct {
	Entities      int   `json:"entities"`
	Merges        int   `json:"merges"`
	Refused       int   `json:"refused_merges"`
	LargestEntity int   `json:"largest_entity"`
	SizeHistogram []int `json:"size_histogram"` // entities of size 1, 2, …, last bucket ≥ len
}

// candidate is a pair of record indexes with the first rule that found it.
type candidate = block.Pair

// Resolve loads every source of cfg, trains a model (unless one is given),
// scores candidate pairs and clusters records into entities. Rejected rows
// and values go to reject as in Load.
func Resolve(ctx context.Context, cfg *config.Config, reject func(Reject) error, opt ResolveOptions) (*Resolution, error) {
	log := opt.logger().With(LogKeyStage, "resolve")
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	opt.Workers = min(opt.Workers, MaxWorkers())
	opt.declared = cfg.DeclaredExclusive()
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.URandomPairs <= 0 {
		opt.URandomPairs = 500000
	}
	res := &Resolution{Stats: ResolveStats{Seconds: map[string]float64{}, Workers: opt.Workers}}
	stage := func(name string, start time.Time) {
		res.Stats.Seconds[name] = round3(time.Since(start).Seconds())
		log.Info("stage done", "name", name, "seconds", res.Stats.Seconds[name])
	}

	// The config is read as the data or the model says where it leaves
	// the reading open (firstRows): a copy of it holds what was learned.
	c := *cfg
	c.Sources = slices.Clone(cfg.Sources)
	for i := range c.Sources {
		c.Sources[i].Fields = slices.Clone(c.Sources[i].Fields)
	}
	cfg = &c
	if opt.Model != nil {
		// Read as the model's sources were, nothing learned anew.
		ReadAsModel(cfg, opt.Model)
		opt.KeepLearned = true
	}
	start := time.Now()
	// Fields that hold the parts of one name, or one name in one column or
	// another: read as one (learnNameJoins), and said so.
	var joinNotes []string
	if opt.Model == nil {
		res.Stats.NameJoins, res.Stats.NameUnions = learnNameJoins(ctx, cfg)
		readJoinedFields(cfg, res.Stats.NameJoins) // as ReadAsModel reads them
		joinNotes = nameJoinNotes(cfg, res.Stats.NameJoins)
		readUnitedFields(cfg, res.Stats.NameUnions)
		joinNotes = append(joinNotes, nameUnionNotes(cfg, res.Stats.NameUnions)...)
	} else {
		res.Stats.NameJoins, res.Stats.NameUnions = opt.Model.NameJoins, opt.Model.NameUnions
	}
	opt.namesLater = true
	load, err := Load(ctx, cfg, func(r record.Record) error {
		if opt.DropRaw {
			for i := range r.Features {
				r.Features[i].Raw = nil
			}
		}
		res.Records = append(res.Records, r)
		return nil
	}, reject, opt.Options)
	if err != nil {
		return nil, err
	}
	res.Stats.Load = load
	orders, parties := learned(cfg, load)
	// Fields of two sources that hold one another's values, named
	// differently: read as one feature (learnAliases), or warned of.
	seed := maphash.MakeSeed()
	ids, days := sharedIDs(numberColumns(res.Records, seed)), sharedDays(res.Records)
	var aliases []model.FieldAlias
	if opt.Model == nil {
		aliases = learnAliases(cfg, res.Records, ids, days, seed)
		readAliased(res.Records, aliases)
		res.Stats.FieldAliases = aliases
	} else {
		res.Stats.FieldAliases = opt.Model.Aliases // read so as the sources were loaded
	}
	ReadAsModel(cfg, &model.Model{DateOrders: orders, PartyNames: parties, Aliases: aliases}) // the plan's kinds read party names so
	res.Stats.Warnings = append(res.Stats.Warnings, joinNotes...)
	res.Stats.Warnings = append(res.Stats.Warnings, load.Warnings...)
	res.Stats.Warnings = append(res.Stats.Warnings, unsharedNames(cfg)...)
	res.Stats.Warnings = append(res.Stats.Warnings, aliasNotes(aliases)...)
	res.Stats.Warnings = append(res.Stats.Warnings, idWarnings(ids, aliases)...)
	res.Stats.Warnings = append(res.Stats.Warnings, dayWarnings(days, aliases)...)
	stage("load", start)
	recs := res.Records

	kinds := cfg.Kinds()
	plan, err := NewPlan(cfg, opt.Model)
	if err != nil {
		return nil, err
	}
	m, rules, linkOnly := opt.Model, plan.Rules, plan.LinkOnly
	res.Stats.Blocking.Defaults = plan.Defaults
	if m != nil {
		if note := StaleNormalizer(m); note != "" {
			res.Stats.Warnings = append(res.Stats.Warnings, note)
		}
	}

	start = time.Now()
	// Copies of a record (one source and kind, values all alike: a payee
	// in every payment of an account) are found once: blocking reads a
	// block over the cap that they fill as copies, training counts each
	// set of copies once, and clustering checks merges over one of each.
	copyOf := copyIndex(block.CopiesOf(recs))
	// Values of ids and dates held by so many records of different names
	// that they stand for missing ones: found (or taken from the model
	// given) and removed before anything reads the records.
	exclusive := plan.ExclusiveFeatures()
	var isPlaceholder func(source, feature, norm string) bool
	if m != nil {
		isPlaceholder = m.PlaceholderSet()
	} else {
		found, years := findPlaceholders(recs, exclusive, copyOf.counted, opt.Workers)
		res.Stats.Placeholders, res.Stats.YearsAsJanuary = found, years
		if len(years) > 0 {
			res.Stats.Warnings = append(res.Stats.Warnings, fmt.Sprintf("%d dates of 1 January, each held by many records of one source with different names, were read as the years a source writes so and kept, not as missing values (see years_as_january)", len(years)))
		}
		if len(found) > 0 {
			isPlaceholder = placeholderSet(found)
			res.Stats.Warnings = append(res.Stats.Warnings, fmt.Sprintf("%d values of ids or dates, each held by many records of one source with different names, were read as missing: placeholders a file writes for none (see placeholders)", len(found)))
		}
	}
	if isPlaceholder != nil && dropPlaceholders(recs, exclusive, isPlaceholder) > 0 {
		copyOf = copyIndex(block.CopiesOf(recs)) // records that differed by one may be copies now
	}
	ix := block.Build(recs, rules, block.Options{MaxBlock: opt.MaxBlock, LinkOnly: linkOnly, CopyOf: copyOf})
	cands := ix.Candidates()
	// The copy pairs, last, are in no rule's training set, nor any pair
	// of a copy whose first copy stands for it: two records alike say
	// nothing of how records that differ compare.
	firstCopy := len(cands) - ix.CopyPairs()
	perRule := make([]int64, len(rules))
	for _, c := range cands {
		perRule[c.Rule]++
	}
	// The rules that produce each pair: the training set of each rule.
	masks := make([]uint64, len(cands))
	err = parallel(ctx, len(cands), opt.Workers, func(lo, hi int) {
		for k := lo; k < min(hi, firstCopy); k++ {
			c := cands[k]
			if !copyOf.counted(c.A) || !copyOf.counted(c.B) {
				continue // a copy's pair: its first copy's stands for it
			}
			masks[k] = 1 << c.Rule
			for r := int(c.Rule) + 1; r < len(rules); r++ {
				if ix.Shares(r, c.A, c.B) {
					masks[k] |= 1 << r
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	bs := BlockingStats{CandidatePairs: int64(len(cands)), PossiblePairs: possiblePairs(recs, linkOnly, nil),
		Defaults: res.Stats.Blocking.Defaults, SourcePairs: sourcePairs(recs, cands, masks, anchorRules(rules, kinds))}
	for i, r := range rules {
		bs.Rules = append(bs.Rules, RuleStats{Rule: r.String(), Pairs: perRule[i]})
	}
	if bs.PossiblePairs > 0 {
		bs.ReductionRatio = 1 - float64(len(cands))/bs.PossiblePairs
	}
	bs.CappedBlocks = ix.Capped[:min(len(ix.Capped), 20)]
	bs.BlocksOfCopies, bs.CopyPairs = ix.Collapsed[:min(len(ix.Collapsed), 20)], int64(ix.CopyPairs())
	if len(ix.Capped) > 0 {
		res.Stats.Warnings = append(res.Stats.Warnings, fmt.Sprintf("%d blocks over the size cap were skipped (see blocking.capped_blocks)", len(ix.Capped)))
	}
	if len(ix.Collapsed) > 0 {
		res.Stats.Warnings = append(res.Stats.Warnings, fmt.Sprintf("%d blocks over the size cap hold copies of records (values all alike) and were read as copies: one of each compared, each copy paired with it (see blocking.blocks_of_copies)", len(ix.Collapsed)))
	}
	if opt.Truth != nil {
		if bs.TruePairs, bs.PairCompleteness, err = pairCompleteness(ctx, recs, ix, opt.Truth, opt.Workers); err != nil {
			return nil, err
		}
	}
	res.Stats.Blocking = bs
	ix.Release()
	stage("blocking", start)

	comps, err := plan.Comparisons()
	if err != nil {
		return nil, err
	}
	start = time.Now()
	vals, err := newValueTable(ctx, recs, comps, opt.Workers)
	if err != nil {
		return nil, err
	}
	vals.copyOf = copyOf
	stage("values", start)

	var lv []uint8 // levels of the candidates, when training computed them
	if m == nil {
		start = time.Now()
		m, lv, err = train(ctx, recs, vals, comps, ix, cands, masks, rules, opt, res.Stats.Seconds)
		if err != nil {
			return nil, err
		}
		m.Blocking, m.LinkOnly, m.Thresholds = plan.Blocking, plan.LinkOnly, plan.Thresholds
		salt, err := hex.DecodeString(m.TFSalt)
		if err != nil {
			return nil, fmt.Errorf("tf salt: %w", err)
		}
		m.Placeholders = modelPlaceholders(res.Stats.Placeholders, salt)
		m.DateOrders, m.PartyNames, m.Aliases = orders, parties, aliases
		m.NameJoins, m.NameUnions = res.Stats.NameJoins, res.Stats.NameUnions
		res.Stats.Warnings = append(res.Stats.Warnings, m.Training.Warnings...)
		stage("training", start)
	}
	res.Model = m
	scorer, err := m.Compile()
	if err != nil {
		return nil, err
	}
	for i := range res.Stats.Blocking.SourcePairs {
		sp := &res.Stats.Blocking.SourcePairs[i]
		sp.Prior = model.Probability(scorer.PriorWeightFor(sp.A, sp.B))
	}

	start = time.Now()
	conflicts := newConflicts(scorer, vals)
	conflicts.kinds = recordKinds(recs)
	pw, err := newPairWeights(ctx, vals, scorer, opt.Workers)
	if err != nil {
		return nil, err
	}
	nC := len(comps)
	if lv == nil { // a given model: compare here
		vals.setMixed(m.Mixed, nil, nil)
		lv = make([]uint8, len(cands)*nC)
		if err := vals.compare(ctx, cands, opt.Workers, lv); err != nil {
			return nil, err
		}
	}
	matchW := scorer.MatchWeight()
	ruleNames := make([]string, len(rules))
	for r, rule := range rules {
		ruleNames[r] = rule.String()
	}
	// Scoring sorts each candidate into a link, a pair to review, or
	// neither, in two passes over chunks of candidates: the first weighs
	// every pair and counts each chunk's links and pairs to review; the
	// second weighs again the pairs kept (a fifth of them, as a rule) and
	// writes them straight into lists allocated once at their size: links,
	// and pairs to review as indexes, written out after clustering.
	classOf := func(w float64, levels []uint8) uint8 {
		switch scorer.Decide(w, levels) {
		case model.Conflict:
			return conflict
		case model.Match:
			return link
		case model.Review:
			return band
		}
		return dropped
	}
	class := make([]uint8, len(cands))
	type counts struct{ edges, review, conflicts int }
	perChunk := make([]counts, (len(cands)+scoreChunk-1)/scoreChunk)
	err = parallelChunks(ctx, len(cands), scoreChunk, opt.Workers, func(lo, hi int) {
		n := &perChunk[lo/scoreChunk]
		for k := lo; k < hi; k++ {
			c, levels := cands[k], lv[k*nC:(k+1)*nC]
			class[k] = classOf(pw.of(k, c.A, c.B, levels), levels)
			switch class[k] {
			case link:
				n.edges++
			case conflict:
				n.review++
				n.conflicts++
			case band:
				n.review++
			}
		}
	})
	if err != nil {
		return nil, err
	}
	// Of the copy pairs to review (copies that alike do not score as a
	// match), one for each set of copies is enough.
	asked := map[int32]bool{}
	for k := firstCopy; k < len(cands); k++ {
		if a := cands[k].A; class[k] == band {
			if asked[a] {
				class[k] = dropped
				perChunk[k/scoreChunk].review--
			}
			asked[a] = true
		}
	}
	ss := ScoringStats{Pairs: int64(len(cands))}
	nEdges, nReview, nConflicts := 0, 0, 0
	offsets := make([]counts, len(perChunk))
	for i, n := range perChunk {
		offsets[i] = counts{edges: nEdges, review: nReview}
		nEdges += n.edges
		nReview += n.review
		nConflicts += n.conflicts
	}
	edges := make([]cluster.Edge, nEdges)
	// Pairs to review are kept as candidate indexes and weights until
	// clustering has added its refused merges; then they are sorted and
	// written out once, with their keys and reasons.
	review := make([]pendingReview, nReview)
	err = parallelChunks(ctx, len(cands), scoreChunk, opt.Workers, func(lo, hi int) {
		at := offsets[lo/scoreChunk]
		for k := lo; k < hi; k++ {
			if class[k] == dropped {
				continue
			}
			c := cands[k]
			w := pw.of(k, c.A, c.B, lv[k*nC:(k+1)*nC])
			if class[k] == link {
				edges[at.edges] = cluster.Edge{A: c.A, B: c.B, Weight: w}
				at.edges++
				continue
			}
			review[at.review] = pendingReview{weight: w, index: int32(k), class: class[k]}
			at.review++
		}
	})
	if err != nil {
		return nil, err
	}
	ss.Matches, ss.Review, ss.Conflicts = int64(nEdges), int64(nReview), int64(nConflicts)
	res.Stats.Scoring = ss
	res.Links = edges
	stage("scoring", start)

	start = time.Now()
	forced, cannot := decisionConstraints(recs, opt.Decisions)
	copt := cluster.Options{Threshold: matchW, Conflict: conflicts.check, Ambiguity: scorer.Ambiguity(),
		Copies: copiesApart(copyOf, forced, cannot)}
	if len(cannot) > 0 {
		copt.CannotLink = func(a, b int32) bool { return cannot[[2]int32{min(a, b), max(a, b)}] }
	}
	copt.Admit = entityAdmits(scorer, vals)
	copt.Excuse = EntityExcuses(scorer, tableLevels{vals}, conflicts.kinds)
	cr := cluster.Greedy(len(recs), append(slices.Clip(edges), forced...), copt)
	for i, r := range cr.Refused {
		review = append(review, pendingReview{weight: r.Weight, index: int32(i), class: refused})
	}
	pairOf := func(p pendingReview) (a, b int32) {
		if p.class == refused {
			return cr.Refused[p.index].A, cr.Refused[p.index].B
		}
		return cands[p.index].A, cands[p.index].B
	}
	if len(opt.Decisions) > 0 {
		decided := map[record.Pair]bool{}
		for _, d := range opt.Decisions {
			decided[record.NewPair(d.A, d.B)] = true
		}
		review = slices.DeleteFunc(review, func(p pendingReview) bool {
			a, b := pairOf(p)
			return decided[record.NewPair(recs[a].Key, recs[b].Key)]
		})
	}
	// Highest weight first; pairs of equal weight stay in candidate
	// order, refused merges after them.
	slices.SortStableFunc(review, func(x, y pendingReview) int { return cmp.Compare(y.weight, x.weight) })
	res.Review = make([]ReviewPair, len(review))
	for i, p := range review {
		a, b := pairOf(p)
		r := &res.Review[i]
		r.A, r.B, r.Weight, r.Probability = recs[a].Key, recs[b].Key, p.weight, model.Probability(p.weight)
		switch p.class {
		case conflict:
			k := int(p.index)
			r.Reason = ConflictReason(scorer.Disagreements(lv[k*nC : (k+1)*nC]))
			r.Rule = ruleNames[cands[k].Rule]
		case band:
			r.Reason, r.Rule = ReasonBand, ruleNames[cands[p.index].Rule]
		case refused:
			r.Reason = RefusalReason(cr.Refused[p.index], func(i int32) record.Key { return recs[i].Key }, scorer.Comps)
		}
	}
	res.Entities = entityIDs(recs, cr.Labels)
	res.Stats.Clustering = clusteringStats(cr)
	stage("clustering", start)
	return res, nil
}

// entityAdmits is clustering's check that the entity a link would form
// holds together (model.Scorer.Admits), reading the levels of the
// records' pairs from the value table.
func entityAdmits(scorer *model.Scorer, vals *valueTable) func(ga, gb []int32, e cluster.Edge) ([2]int32, []int, bool) {
	lv := tableLevels{vals}
	return func(ga, gb []int32, e cluster.Edge) ([2]int32, []int, bool) {
		return scorer.Admits(e.Weight, lv, e.A, e.B, ga, gb)
	}
}

// learned returns what load learned from the sources' first rows (its
// FieldStats' DateOrder and ReadAs), as a model keeps it.
func learned(cfg *config.Config, load LoadStats) (orders []model.DateOrder, parties []model.PartyName) {
	for i, src := range cfg.Sources {
		if i >= len(load.Sources) {
			break
		}
		for _, f := range src.Fields {
			fs := load.Sources[i].Fields[f.Name]
			if fs.DateOrder != "" {
				orders = append(orders, model.DateOrder{Source: src.Name, Field: f.Name, Order: fs.DateOrder, DayFirst: fs.DayFirst, MonthFirst: fs.MonthFirst})
			}
			if fs.ReadAs == string(record.KindParty) {
				parties = append(parties, model.PartyName{Source: src.Name, Field: f.Name, Records: fs.Counted, Organisations: fs.Organisations})
			}
		}
	}
	return orders, parties
}

// ReadAsModel sets in cfg's fields what m learned from their sources'
// values: of a date field that declares no formats, the order of day and
// month (model.Model.DateOrders); of a field typed name, that it is read
// as party names (PartyNames); of a field read as another feature, its
// new name, or its columns added to that feature's field (Aliases). So a
// source's rows read in real time, or again in batch with m, are read as
// training read them. Copies of cfg's sources (config.Config.Parts) taken
// after it read them so; one taken before may not: a field it renames or
// gives to another is renamed or gone in cfg's sources alone.
func ReadAsModel(cfg *config.Config, m *model.Model) {
	field := func(source, name string, fn func(f *config.Field)) {
		for i := range cfg.Sources {
			if cfg.Sources[i].Name != source {
				continue
			}
			for j := range cfg.Sources[i].Fields {
				if f := &cfg.Sources[i].Fields[j]; f.Name == name {
					fn(f)
				}
			}
		}
	}
	readJoinedFields(cfg, m.NameJoins)
	readUnitedFields(cfg, m.NameUnions)
	for _, o := range m.DateOrders {
		field(o.Source, o.Field, func(f *config.Field) {
			if f.Type == record.KindDate && len(f.Formats) == 0 {
				f.DateOrder = o.Order
			}
		})
	}
	for _, p := range m.PartyNames {
		field(p.Source, p.Field, func(f *config.Field) { f.ReadAsParty = f.Type == record.KindName })
	}
	readAliasedFields(cfg, m.Aliases)
}

// readAliasedFields changes cfg's fields as aliases say (model.Model.
// Aliases), in each source's field order: a field read as a feature its
// source has no field of takes that name; one read as a feature its source
// has a field of adds its columns to that field's (as alias_of does) and
// goes. A field already read so (renamed or gone) is left: ReadAsModel may
// run twice on one config. A source that shows the field's values masked
// shows the feature's so.
func readAliasedFields(cfg *config.Config, aliases []model.FieldAlias) {
	if len(aliases) == 0 {
		return
	}
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		of := func(name string) int {
			return slices.IndexFunc(aliases, func(a model.FieldAlias) bool { return a.Source == s.Name && a.Field == name })
		}
		if !slices.ContainsFunc(s.Fields, func(f config.Field) bool { return of(f.Name) >= 0 }) {
			continue
		}
		// A new slice: copies of the source made before read it as it was.
		s.Fields, s.Sensitive = slices.Clone(s.Fields), slices.Clone(s.Sensitive)
		for j := 0; j < len(s.Fields); j++ {
			f := &s.Fields[j]
			k := of(f.Name)
			if k < 0 {
				continue
			}
			as := aliases[k].As
			if sens := slices.Index(s.Sensitive, f.Name); sens >= 0 {
				s.Sensitive[sens] = as
				s.Sensitive = slices.Compact(slices.Sorted(slices.Values(s.Sensitive)))
			}
			t := slices.IndexFunc(s.Fields, func(g config.Field) bool { return g.Name == as })
			if t < 0 {
				f.Name = as
				continue
			}
			col := f.Column
			if col == "" && len(f.Columns) > 0 {
				col = f.Columns[0]
			}
			to := &s.Fields[t]
			to.Also = append(slices.Clip(to.Also), config.Alias{Column: col, Split: f.Split})
			to.Also = append(to.Also, f.Also...)
			s.Fields = slices.Delete(s.Fields, j, j+1)
			j--
		}
	}
}

// EntityExcuses is clustering's test of conflicts that are mistyped
// readings of the value an entity's records agree on (model.Scorer.
// Excuses), for records whose kinds may be one entity: a person and an
// organisation never are.
func EntityExcuses(scorer *model.Scorer, lv model.Levels, kinds []record.EntityKind) func(ga, gb []int32) func(x, y int32) bool {
	return func(ga, gb []int32) func(x, y int32) bool {
		excused := scorer.Excuses(lv, slices.Concat(ga, gb))
		return func(x, y int32) bool {
			return (kinds == nil || kinds[x].Compatible(kinds[y])) && excused(x, y)
		}
	}
}

// tableLevels are the value table's levels, as model.Levels.
type tableLevels struct{ t *valueTable }

func (l tableLevels) Level(i int, x, y int32) int { return l.t.level(i, x, y) }
func (l tableLevels) Has(i int, x int32) bool     { return l.t.cols[i].cells[x].key != noValue }

// decisionConstraints turns reviewers' decisions into forced edges
// (same) and cannot-link pairs (different) over record indexes. Decisions
// about records not loaded are ignored.
func decisionConstraints(recs []record.Record, ds []record.Decision) ([]cluster.Edge, map[[2]int32]bool) {
	if len(ds) == 0 {
		return nil, nil
	}
	index := make(map[record.Key]int32, len(recs))
	for i := range recs {
		index[recs[i].Key] = int32(i)
	}
	var forced []cluster.Edge
	cannot := map[[2]int32]bool{}
	for _, d := range ds {
		a, okA := index[d.A]
		b, okB := index[d.B]
		if !okA || !okB || a == b {
			continue
		}
		a, b = min(a, b), max(a, b)
		switch d.Verdict {
		case record.VerdictSame:
			forced = append(forced, cluster.Edge{A: a, B: b, Weight: cluster.Forced})
		case record.VerdictDifferent:
			cannot[[2]int32{a, b}] = true
		}
	}
	return forced, cannot
}

// copiesApart returns the copies of records for clustering (cluster.
// Options.Copies): copyOf, but that a record under a person's decision is
// a set of copies of its own, and the other copies of such a record the
// first of them.
func copiesApart(copyOf []int32, forced []cluster.Edge, cannot map[[2]int32]bool) []int32 {
	if copyOf == nil || len(forced)+len(cannot) == 0 {
		return copyOf
	}
	decided := map[int32]bool{}
	for _, e := range forced {
		decided[e.A], decided[e.B] = true, true
	}
	for p := range cannot {
		decided[p[0]], decided[p[1]] = true, true
	}
	out := slices.Clone(copyOf)
	moved := map[int32]int32{} // a decided first copy → the new first of the others
	for i, f := range copyOf {
		switch {
		case decided[int32(i)]:
			out[i] = int32(i)
		case decided[f]:
			if nf, ok := moved[f]; ok {
				out[i] = nf
			} else {
				moved[f], out[i] = int32(i), int32(i)
			}
		}
	}
	return out
}

// checkRule reports a blocking term naming a feature or facet that does
// not exist, which would otherwise silently produce no pairs.
func checkRule(r block.Rule, kinds map[string]record.Kind) error {
	for _, t := range r.Terms {
		kind, ok := kinds[t.Feature]
		if !ok {
			return fmt.Errorf("blocking rule %s: no source has a feature %q", r, t.Feature)
		}
		facet := strings.TrimSuffix(t.Facet, "_pairs")
		if facet == "" || facet == "norm" || facet == "token" || t.Facet == block.FacetLetters || t.Facet == block.FacetDigits || slices.Contains(normalize.Facets(kind), facet) {
			continue
		}
		if t.Facet == block.FacetGivenInitial && slices.Contains(normalize.Facets(kind), "given") {
			continue
		}
		return fmt.Errorf("blocking rule %s: %s values (%s) have no facet %q; facets: norm, token, letters, digits, given_initial of names, %s (and any of them but letters, digits and given_initial with _pairs)",
			r, t.Feature, kind, t.Facet, strings.Join(normalize.Facets(kind), ", "))
	}
	return nil
}

// DefaultSpecs returns one default comparison per feature of cfg, in the
// order features first appear.
func DefaultSpecs(cfg *config.Config) []compare.Spec {
	var specs []compare.Spec
	kinds := cfg.Kinds()
	declared := cfg.DeclaredExclusive()
	seen := map[string]bool{}
	for _, s := range cfg.Sources {
		for _, f := range s.Fields {
			if !seen[f.Name] {
				seen[f.Name] = true
				spec := compare.DefaultSpec(f.Name, kinds[f.Name])
				if x, ok := declared[f.Name]; ok {
					spec.Exclusive = x
				}
				specs = append(specs, spec)
			}
		}
	}
	return specs
}

// DefaultRule is a blocking rule chosen by default, with why.
type DefaultRule struct {
	Rule   []string `json:"rule"`
	Reason string   `json:"reason"`
}

// DefaultBlocking derives blocking rules from the features each source
// has, so that every pair of sources that shares a feature able to find
// its matches is blocked by it: each identifier, phone and e-mail alone;
// each address by where it starts (house number and first street words);
// each date alone; each postcode alone; every name by any two of its
// words' phonetic codes, so that sources with nothing but a name in common
// (a payment party and a customer) are paired, in any word order and with
// a surname dropped; a name that may be an organisation's by its acronyms
// (PDVSA, Petróleos de Venezuela S.A.);
// a person name's phonetic surname with the year of each date and with
// each postcode the same source has, and its phonetic surname and given
// name each with each place (a town, a place of birth) the same source
// has; and, for a source that splits names
// into two features (given name, surname), their phonetic codes together.
// A rule combining features is made only when some source has them all,
// and one with a name's surname or given name only when that source does
// not type the name an organisation's (a register's company beside the
// date it was founded).
func DefaultBlocking(cfg *config.Config) []DefaultRule {
	kinds := cfg.Kinds()
	has := make([]map[string]record.Kind, len(cfg.Sources)) // per source, its features as it reads them
	holders := map[string][]string{}
	for i, src := range cfg.Sources {
		has[i] = map[string]record.Kind{}
		for _, f := range src.Fields {
			has[i][f.Name] = src.ReadKind(f)
			holders[f.Name] = append(holders[f.Name], src.Name)
		}
	}
	together := func(fs ...string) bool {
		for _, h := range has {
			all := true
			for _, f := range fs {
				_, ok := h[f]
				all = all && ok
			}
			if all {
				return true
			}
		}
		return false
	}
	// personWith reports whether some source has the name n, where it
	// may be a person's, beside the feature f: an organisation's name has
	// no surname (a register's company beside the date it was founded).
	personWith := func(n, f string) bool {
		for _, h := range has {
			k, ok := h[n]
			if _, withF := h[f]; ok && withF && k != record.KindOrgName {
				return true
			}
		}
		return false
	}
	var names, dates, postcodes, cities []string
	var rules []DefaultRule
	add := func(reason string, terms ...string) { rules = append(rules, DefaultRule{Rule: terms, Reason: reason}) }
	for _, f := range sortedKeys(kinds) {
		switch k := kinds[f]; {
		case k == record.KindIdentifier || k == record.KindPhone || k == record.KindEmail:
			add(fmt.Sprintf("%s: the same %s (in %s)", f, k, strings.Join(holders[f], ", ")), f)
			if k == record.KindIdentifier {
				add(fmt.Sprintf("%s: the same digits, letters aside (P-J61566600, J61566600)", f), f+"."+block.FacetDigits)
			}
		case k.IsName():
			names = append(names, f)
		case k == record.KindDate:
			dates = append(dates, f)
		case k == record.KindPostcode:
			postcodes = append(postcodes, f)
		case k == record.KindCity:
			cities = append(cities, f)
		case k == record.KindAddress:
			add(fmt.Sprintf("%s: the same house number and first street words, or with no number the same place and named building (in %s), whatever a source writes after them", f, strings.Join(holders[f], ", ")), f+".start")
		}
	}
	for _, d := range dates {
		add(fmt.Sprintf("%s: the same date (in %s)", d, strings.Join(holders[d], ", ")), d)
	}
	for _, p := range postcodes {
		add(fmt.Sprintf("%s: the same postcode (in %s), as an address by where it starts: a street or part of one in the UK, the Netherlands or Canada; a postcode a whole town shares makes a block over the cap, left out", p, strings.Join(holders[p], ", ")), p)
	}
	// Parts of a name split over two features (given, surname) are not
	// whole names: their letters alone say little.
	split := map[string]bool{}
	for i, a := range names {
		for _, b := range names[i+1:] {
			if kinds[a] == record.KindName && kinds[b] == record.KindName && together(a, b) {
				split[a], split[b] = true, true
			}
		}
	}
	for _, n := range names {
		add(fmt.Sprintf("%s: two name words that sound alike, in any order (in %s): pairs sources that share nothing but a name", n, strings.Join(holders[n], ", ")), n+".phonetic_pairs")
		if !split[n] {
			add(fmt.Sprintf("%s: the same letters, words written together or apart in any order (Ji-hoon Cho, Cho Jihoon)", n), n+"."+block.FacetLetters)
			if kinds[n] != record.KindOrgName {
				add(fmt.Sprintf("%s: a surname that sounds alike and a given name that starts alike or is a form of one that does, for nicknames, misspelt given names and initials (Dan/Daniel Halares, L Taylor/Linda Barbara Taylor, Bill/William Smith)", n), n+".surname_phonetic", n+"."+block.FacetGivenInitial)
			}
		}
		if kinds[n] == record.KindOrgName || kinds[n] == record.KindParty {
			add(fmt.Sprintf("%s: an organisation's acronym and its name in full (PDVSA, Petróleos de Venezuela S.A.)", n), n+"."+block.FacetAcronyms)
		}
		if kinds[n] == record.KindOrgName {
			continue
		}
		for _, d := range dates {
			if personWith(n, d) {
				add(fmt.Sprintf("%s with %s: a surname that sounds alike and the same year, for given names written differently", n, d), n+".surname_phonetic", d+".year")
			}
		}
		for _, p := range postcodes {
			if personWith(n, p) {
				add(fmt.Sprintf("%s with %s: a surname that sounds alike and the same postcode", n, p), n+".surname_phonetic", p)
			}
		}
		if split[n] {
			continue
		}
		for _, c := range cities {
			if personWith(n, c) {
				add(fmt.Sprintf("%s with %s: a surname that sounds alike and the same place, for given names written differently", n, c), n+".surname_phonetic", c)
				add(fmt.Sprintf("%s with %s: a given name that sounds alike and the same place, for misspelt surnames (Herbert Gandy, Herbert Ganfy)", n, c), n+".given_phonetic", c)
			}
		}
	}
	for i, a := range names {
		for _, b := range names[i+1:] {
			if split[a] && split[b] && together(a, b) {
				add(fmt.Sprintf("%s and %s: the phonetic codes of both parts of a split name", a, b), a+".phonetic", b+".phonetic")
			}
		}
	}
	return rules
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func possiblePairs(recs []record.Record, linkOnly bool, copies copyIndex) float64 {
	n := 0.0
	per := map[string]float64{}
	for i := range recs {
		if copies.counted(int32(i)) {
			n++
			per[recs[i].Key.Source]++
		}
	}
	if !linkOnly {
		return n * (n - 1) / 2
	}
	total := n * n
	for _, c := range per {
		total -= c * c
	}
	return total / 2
}

// pairCompleteness counts the true pairs and the share of them compared:
// that some rule produces, or copies stand for (block.Index.Compared).
func pairCompleteness(ctx context.Context, recs []record.Record, ix *block.Index, truth func(record.Key) (string, bool), workers int) (int64, *float64, error) {
	groups := map[string][]int32{}
	for i := range recs {
		if e, ok := truth(recs[i].Key); ok {
			groups[e] = append(groups[e], int32(i))
		}
	}
	list := make([][]int32, 0, len(groups))
	for _, g := range groups {
		if len(g) > 1 {
			list = append(list, g)
		}
	}
	var totalN, foundN atomic.Int64
	err := parallelChunks(ctx, len(list), 1024, workers, func(lo, hi int) {
		var t, f int64
		for _, g := range list[lo:hi] {
			for x := 0; x < len(g); x++ {
				for y := x + 1; y < len(g); y++ {
					a, b := g[x], g[y]
					if !ix.Allowed(a, b) {
						continue
					}
					t++
					if ix.Compared(a, b) {
						f++
					}
				}
			}
		}
		totalN.Add(t)
		foundN.Add(f)
	})
	if err != nil {
		return 0, nil, err
	}
	total, found := totalN.Load(), foundN.Load()
	pc := 1.0
	if total > 0 {
		pc = float64(found) / float64(total)
	}
	return total, &pc, nil
}

// parallel runs fn over [0, n) in chunks on workers goroutines.
func parallel(ctx context.Context, n, workers int, fn func(lo, hi int)) error {
	return parallelChunks(ctx, n, 4096, workers, fn)
}

// scoreChunk is how many candidate pairs one worker scores at a time.
const scoreChunk = 16384

// parallelEach runs fn for each of [0, n) on workers goroutines.
func parallelEach(ctx context.Context, n, workers int, fn func(i int)) error {
	return parallelChunks(ctx, n, 1, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			fn(i)
		}
	})
}

// parallelChunks runs fn over [0, n) in chunks of chunk items, each
// starting at a multiple of chunk, on workers goroutines.
func parallelChunks(ctx context.Context, n, chunk, workers int, fn func(lo, hi int)) error {
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				fn(lo, min(lo+chunk, n))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// conflicts decides whether two records may share an entity. Exclusive
// features (date of birth, national id) have one value per entity: a pair
// that disagrees outright on one of them (the else level: not a typo, not
// a swap, not within a year) and agrees, even nearly, on none is a conflict. It
// never links on its own, and clustering never joins groups across it; so
// family members sharing surname, address and phone, or namesakes with
// different dates of birth, stay apart however much else they share.
type conflicts struct {
	scorer *model.Scorer
	vals   *valueTable
	mu     sync.Mutex
	cache  map[uint64]bool
	excl   []int
	kinds  []record.EntityKind // per record, when any is known
}

// recordKinds returns the entity kind of every record, or nil when none
// is known.
func recordKinds(recs []record.Record) []record.EntityKind {
	var kinds []record.EntityKind
	for i := range recs {
		if recs[i].Kind != record.EntityUnknown && kinds == nil {
			kinds = make([]record.EntityKind, len(recs))
		}
		if kinds != nil {
			kinds[i] = recs[i].Kind
		}
	}
	return kinds
}

func newConflicts(s *model.Scorer, vals *valueTable) *conflicts {
	c := &conflicts{scorer: s, vals: vals, cache: map[uint64]bool{}}
	c.excl = s.Exclusive()
	return c
}

// levels reports whether a comparison vector is a conflict.
func (c *conflicts) levels(levels []uint8) bool { return c.scorer.Conflict(levels) }

// check reports whether records a and b conflict: a person and an
// organisation, or a pair that conflicts on exclusive features.
func (c *conflicts) check(a, b int32) bool {
	if c.kinds != nil && !c.kinds[a].Compatible(c.kinds[b]) {
		return true
	}
	if len(c.excl) == 0 {
		return false
	}
	if a > b {
		a, b = b, a
	}
	key := uint64(a)<<32 | uint64(uint32(b))
	c.mu.Lock()
	v, ok := c.cache[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	levels := make([]uint8, len(c.scorer.Comps))
	for _, i := range c.excl {
		levels[i] = uint8(c.vals.level(i, a, b))
	}
	bad := c.levels(levels)
	c.mu.Lock()
	c.cache[key] = bad
	c.mu.Unlock()
	return bad
}

// entityIDs names each cluster after its smallest record key, so that the
// same cluster gets the same id in every run.
func entityIDs(recs []record.Record, labels []int32) []record.EntityID {
	// Labels are record indexes (the smallest of each cluster).
	smallest := make([]int32, len(recs))
	for i := range smallest {
		smallest[i] = -1
	}
	for i, l := range labels {
		if s := smallest[l]; s < 0 || recs[i].Key.Less(recs[s].Key) {
			smallest[l] = int32(i)
		}
	}
	byLabel := make([]record.EntityID, len(recs))
	ids := make([]record.EntityID, len(recs))
	for i, l := range labels {
		if byLabel[l] == "" {
			byLabel[l] = record.NewEntityID(recs[smallest[l]].Key, 0)
		}
		ids[i] = byLabel[l]
	}
	return ids
}

func clusteringStats(cr cluster.Result) ClusteringStats {
	size := make([]int, len(cr.Labels)) // labels are record indexes
	for _, l := range cr.Labels {
		size[l]++
	}
	st := ClusteringStats{Merges: cr.Merges, Refused: len(cr.Refused), SizeHistogram: make([]int, 10)}
	for _, n := range size {
		if n > 0 {
			st.Entities++
			st.LargestEntity = max(st.LargestEntity, n)
			st.SizeHistogram[min(n, 10)-1]++
		}
	}
	return st
}

// MaxWorkers bounds the goroutines a run uses: four per core, and 256 at
// least; more only adds overhead.
func MaxWorkers() int { return max(256, 4*runtime.NumCPU()) }

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// What scoring makes of a candidate pair, and where a pair to review
// comes from.
const (
	dropped  uint8 = iota
	link           // scores as a match
	conflict       // scores as a match, disagrees on an exclusive feature
	band           // in the review band
	refused        // a merge clustering refused
)

// pendingReview is a pair to review before it is written out: a
// candidate's index (conflict, band) or a refused merge's (refused).
type pendingReview struct {
	weight float64
	index  int32
	class  uint8
}

// seededRand returns the generator of the random pairs for u.
func seededRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func ruleFeatures(r block.Rule) map[string]bool {
	out := map[string]bool{}
	for _, t := range r.Terms {
		out[t.Feature] = true
	}
	return out
}
