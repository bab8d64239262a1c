package engine

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// emMaxIterations bounds each EM session.
const emMaxIterations = 200

// maxExclusiveElse bounds m of the else level of an exclusive comparison:
// the share of true matches whose date of birth or national id differs
// outright (see model.CapLast).
const maxExclusiveElse = 0.05

// householdRule reports whether every term of a rule is a household
// feature: its pairs are relatives as often as duplicates.
func householdRule(rule block.Rule, comps []*compare.Comparison) bool {
	for _, t := range rule.Terms {
		kind := record.Kind("")
		for _, c := range comps {
			if c.Spec.Feature == t.Feature {
				kind = c.Spec.Kind
			}
		}
		if !kind.Household() {
			return false
		}
	}
	return len(rule.Terms) > 0
}

// relatedParties returns the person-name features that only organisations'
// records hold: the name of a person a filing names (its officer), not of
// the organisation itself. A record is an organisation's when its source
// or its name says so, or, of no declared kind, when it holds an
// organisation's name (a registry mapped without a kind).
func relatedParties(recs []record.Record, comps []*compare.Comparison) map[string]bool {
	out := map[string]bool{}
	for _, c := range comps {
		if c.Spec.Kind == record.KindName {
			out[c.Spec.Feature] = false
		}
	}
	isOrg := func(r *record.Record) bool {
		if r.Kind != record.EntityUnknown {
			return r.Kind == record.EntityOrganization
		}
		return slices.ContainsFunc(r.Features, func(f record.Feature) bool { return f.Kind == record.KindOrgName && len(f.Values) > 0 })
	}
	for i := range recs {
		for f := range out {
			if ft := recs[i].Feature(f); ft != nil && len(ft.Values) > 0 {
				if !isOrg(&recs[i]) {
					delete(out, f) // a person's own name somewhere
					continue
				}
				out[f] = true
			}
		}
	}
	for f, seen := range out {
		if !seen {
			delete(out, f)
		}
	}
	return out
}

// relatedRule reports whether every term of a rule is a feature of
// related (relatedParties).
func relatedRule(rule block.Rule, related map[string]bool) bool {
	for _, t := range rule.Terms {
		if !related[t.Feature] {
			return false
		}
	}
	return len(rule.Terms) > 0
}

// digitsRule reports whether a rule is the digits of identifiers alone.
func digitsRule(rule block.Rule) bool {
	for _, t := range rule.Terms {
		if t.Facet != block.FacetDigits {
			return false
		}
	}
	return len(rule.Terms) > 0
}

// train estimates a model without labels:
//
//   - u, for every comparison, from the comparison vectors of random pairs;
//   - m, by EM over the pattern counts of each blocking rule's pairs, with u
//     fixed; a rule's session estimates only the comparisons of features the
//     rule does not block on, whose agreement the rule did not force (as in
//     Splink), and each m is the average over the sessions that estimated
//     it, weighted by their expected matches;
//   - the prior λ, from the most matches any one session expects, over all
//     possible pairs;
//   - term frequencies of the values of comparisons with TF on.
//
// It returns the model and the comparison levels of every candidate, len(comps)
// bytes each, for scoring to reuse.
func train(ctx context.Context, recs []record.Record, vals *valueTable, comps []*compare.Comparison,
	ix *block.Index, cands []candidate, masks []uint64, rules []block.Rule, opt ResolveOptions, timing map[string]float64) (*model.Model, []uint8, error) {
	t0 := time.Now()
	nC := len(comps)
	numLevels := make([]int, nC)
	for i, c := range comps {
		numLevels[i] = c.NumLevels()
	}

	// u from random pairs, or from all pairs when there are few. The pairs
	// are drawn in sequence from the seeded generator, so the sample is the
	// same on every run; their comparison is spread over the workers.
	// Copies of a record count once (vals.copyOf): a payee named in
	// thousands of payments would otherwise fill the sample with pairs of
	// its copies, which agree on everything, and make its agreement look
	// common among records of different parties.
	n := int32(len(recs))
	drawn := func(a, b int32) bool {
		return ix.Allowed(a, b) && vals.copyOf.counted(a) && vals.copyOf.counted(b)
	}
	var sample []candidate
	if possiblePairs(recs, false, vals.copyOf) <= float64(opt.URandomPairs) {
		for a := int32(0); a < n; a++ {
			for b := a + 1; b < n; b++ {
				if drawn(a, b) {
					sample = append(sample, candidate{A: a, B: b})
				}
			}
		}
	} else {
		rng := seededRand(opt.Seed)
		for tries := 0; len(sample) < opt.URandomPairs && tries < 20*opt.URandomPairs; tries++ {
			a, b := int32(rng.IntN(int(n))), int32(rng.IntN(int(n)))
			if a > b {
				a, b = b, a
			}
			if drawn(a, b) {
				sample = append(sample, candidate{A: a, B: b})
			}
		}
	}
	sampleLevels := make([]uint8, len(sample)*nC)
	if err := vals.compare(ctx, sample, opt.Workers, sampleLevels); err != nil {
		return nil, nil, err
	}
	uCounts := model.Counter{}
	for k := range sample {
		uCounts.Add(sampleLevels[k*nC : (k+1)*nC])
	}
	uPats := uCounts.Patterns()
	if uPats.Total() == 0 {
		return nil, nil, fmt.Errorf("training: no pairs of records to learn from (%d records)", len(recs))
	}
	u := model.EstimateU(uPats, numLevels)
	timing["training_u_sample"] = round3(time.Since(t0).Seconds())
	t0 = time.Now()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}

	// Comparison vectors of the candidates, counted per rule that produces them.
	lv := make([]uint8, len(cands)*nC)
	if err := vals.compare(ctx, cands, opt.Workers, lv); err != nil {
		return nil, nil, err
	}
	if err := vals.readShared(ctx, cands, lv, opt.Workers); err != nil {
		return nil, nil, err
	}
	// Disagreements on identifiers two sources hold of different kinds
	// are read as missing between them, in training and in scoring.
	mixed := findMixed(recs, comps, cands, lv)
	vals.setMixed(mixed, cands, lv)
	// Identifiers one holder holds several of (an account per row) are
	// weighed, not exclusive, from here on: in training, in term
	// frequencies and in the model, whose clustering they keep no records
	// apart in.
	several := slices.DeleteFunc(findSeveralHeld(recs, comps, cands, lv, vals.copyOf.counted), func(s SeveralHeld) bool {
		_, said := opt.declared[s.Comparison]
		return said
	})
	for _, s := range several {
		for _, c := range comps {
			if c.Spec.Name == s.Comparison {
				c.Spec.Exclusive = false
			}
		}
	}
	timing["compare"] = round3(time.Since(t0).Seconds())
	t0 = time.Now()
	counts := make([]model.Counter, len(rules))
	for r := range counts {
		counts[r] = model.Counter{}
	}
	for k := range cands {
		v := lv[k*nC : (k+1)*nC]
		for r := range rules {
			if masks[k]&(1<<r) != 0 {
				counts[r].Add(v)
			}
		}
	}
	sessions := make([]model.Patterns, len(rules))
	for r := range sessions {
		sessions[r] = counts[r].Patterns()
	}

	tr := &model.Training{Seed: opt.Seed, URandomPairs: uPats.Total()}
	for _, s := range several {
		tr.Warnings = append(tr.Warnings, severalHeldWarning(s))
	}
	m0 := make([][]float64, nC)
	for i := range comps {
		m0[i] = model.StartM(numLevels[i] - 1)
	}
	mSum := make([][]float64, nC)
	wSum := make([]float64, nC)
	for i := range comps {
		mSum[i] = make([]float64, numLevels[i]-1)
	}
	var matches float64
	related := relatedParties(recs, comps)
	for r, rule := range rules {
		blocked := ruleFeatures(rule)
		if relatedRule(rule, related) {
			// Organisations that name one person (an officer) are as
			// often two companies as one: EM on them learns officers'
			// companies as matches.
			tr.Sessions = append(tr.Sessions, model.Session{Rule: rule.String(), Pairs: sessions[r].Total(), Skipped: "shares only a person an organisation names"})
			continue
		}
		if householdRule(rule, comps) {
			// Pairs that share only a phone or an address are as often
			// relatives as the same person: EM on them learns households
			// as matches. They are compared and scored, not trained on.
			tr.Sessions = append(tr.Sessions, model.Session{Rule: rule.String(), Pairs: sessions[r].Total(), Skipped: "shares only household features"})
			continue
		}
		if digitsRule(rule) {
			// Its pairs are, but for a few, those of the identifier alone:
			// a second session of them would count their estimate twice.
			tr.Sessions = append(tr.Sessions, model.Session{Rule: rule.String(), Pairs: sessions[r].Total(), Skipped: "the identifier's own pairs, letters aside"})
			continue
		}
		active := make([]bool, nC)
		var names []string
		for i, c := range comps {
			active[i] = !blocked[c.Spec.Feature]
			if active[i] {
				names = append(names, c.Spec.Name)
			}
		}
		pairs := sessions[r].Total()
		s := model.Session{Rule: rule.String(), Pairs: pairs, Estimated: names}
		if pairs == 0 || len(names) == 0 {
			tr.Sessions = append(tr.Sessions, s)
			continue
		}
		em := model.EM(sessions[r], m0, u, active, 0.3, emMaxIterations)
		s.MatchShare, s.Iterations, s.Converged = round3(em.Lambda), em.Iterations, em.Converged
		tr.Sessions = append(tr.Sessions, s)
		expected := em.Lambda * float64(pairs)
		matches = max(matches, expected)
		for i := range comps {
			if em.M[i] == nil {
				continue
			}
			for j, x := range em.M[i] {
				mSum[i][j] += expected * x
			}
			wSum[i] += expected
		}
		if !em.Converged {
			tr.Warnings = append(tr.Warnings, fmt.Sprintf("EM on rule %s stopped after %d iterations with its estimates still moving, by up to %.1e a step (converged is under 1e-6): they are used as they are", rule, emMaxIterations, em.Step))
		}
	}

	timing["training_em"] = round3(time.Since(t0).Seconds())
	// Term-frequency tables are keyed by salted digests, not values:
	// model.json holds no names in clear.
	tfSalt := make([]byte, 16)
	if _, err := cryptorand.Read(tfSalt); err != nil {
		return nil, nil, err
	}
	m := &model.Model{Version: model.Version, Normalizer: normalize.Version, BlockKeys: block.KeysVersion, Training: tr, TFSalt: hex.EncodeToString(tfSalt), Mixed: mixed}
	tr.Warnings = append(tr.Warnings, mixedWarnings(mixed)...)
	m.Prior = min(max(matches/max(possiblePairs(recs, ix.LinkOnly(), vals.copyOf), 1), 1e-12), 0.5)
	t0 = time.Now()
	tfs, err := vals.allTermFrequencies(ctx, opt.Workers)
	if err != nil {
		return nil, nil, err
	}
	if err := vals.markTwoNames(ctx, cands, lv, tfs, opt.Workers); err != nil {
		return nil, nil, err
	}
	timing["training_tf"] = round3(time.Since(t0).Seconds())
	for i, c := range comps {
		mc := model.FromSpec(c.Spec)
		mi := m0[i]
		if wSum[i] > 0 {
			mi = make([]float64, len(mSum[i]))
			for j := range mi {
				mi[j] = mSum[i][j] / wSum[i]
			}
		}
		if c.Spec.Exclusive {
			mi = model.CapLast(mi, maxExclusiveElse)
		}
		mi = model.Monotone(mi, u[i])
		for j := range mc.Levels {
			mc.Levels[j].U, mc.Levels[j].M = u[i][j], mi[j]
		}
		if wSum[i] == 0 {
			// refineM still estimates it, over every candidate, but
			// from starting values no session checked.
			tr.Warnings = append(tr.Warnings, fmt.Sprintf("m of comparison %s was estimated by no blocking rule's session (each rule blocks on %s, or pairs records only by an address, a phone or a postcode, whose pairs are as often neighbours or relatives and are not trained on), only over all candidates from its starting values; a rule on another feature (an identifier, an e-mail) gives it a session", c.Spec.Name, c.Spec.Feature))
		}
		if c.Spec.TF {
			tf := tfs[i]
			mc.TFTable, mc.TFMin, mc.TFOrgOnce = saltedKeys(tfSalt, tf.values), tf.min, tf.orgOnce
			if len(tf.orgValues) > 0 {
				mc.TFOrgTable = saltedKeys(tfSalt, tf.orgValues)
			}
			if len(tf.orgForms) > 0 {
				mc.TFOrgForms = saltedKeys(tfSalt, tf.orgForms)
			}
			if tf.tokens != nil {
				mc.TFTokens, mc.TFTokenMin = saltedKeys(tfSalt, tf.tokens), tf.tokenMin
				mc.TFNameWords = saltedList(tfSalt, tf.names)
			}
		}
		m.Comparisons = append(m.Comparisons, mc)
	}
	t0 = time.Now()
	_, expected, err := sourcePriors(ctx, m, recs, vals, cands, lv, ix.LinkOnly(), opt.Workers)
	if err != nil {
		return nil, nil, err
	}
	// The random pairs that estimated u hold matches at the rate the
	// priors expect: take them out, keep the levels monotone, and estimate
	// the priors again with the weights that gives.
	if possible := possiblePairs(recs, ix.LinkOnly(), vals.copyOf); possible > 0 {
		lambda := min(expected/possible, 0.5)
		nonNull := make([]float64, nC)
		for key, n := range uPats {
			for i := range nC {
				if key[i] != 0 {
					nonNull[i] += float64(n)
				}
			}
		}
		for i := range m.Comparisons {
			if nonNull[i] == 0 {
				continue
			}
			c := &m.Comparisons[i]
			ui, mi := make([]float64, len(c.Levels)), make([]float64, len(c.Levels))
			for j, l := range c.Levels {
				ui[j], mi[j] = l.U, l.M
			}
			ui = model.RemoveMatches(ui, mi, lambda, smoothingU/nonNull[i])
			mi = model.Monotone(mi, ui)
			for j := range c.Levels {
				c.Levels[j].U, c.Levels[j].M = ui[j], mi[j]
			}
		}
	}
	if m.SourcePriors, _, err = sourcePriors(ctx, m, recs, vals, cands, lv, ix.LinkOnly(), opt.Workers); err != nil {
		return nil, nil, err
	}
	timing["training_priors"] = round3(time.Since(t0).Seconds())
	t0 = time.Now()
	for round := range maxRefineRounds {
		moved, err := refineM(ctx, m, recs, vals, cands, lv, opt.Workers)
		if err != nil {
			return nil, nil, err
		}
		if m.SourcePriors, _, err = sourcePriors(ctx, m, recs, vals, cands, lv, ix.LinkOnly(), opt.Workers); err != nil {
			return nil, nil, err
		}
		tr.Refined = round + 1
		if moved < refinedWithin {
			break
		}
	}
	timing["training_refine"] = round3(time.Since(t0).Seconds())
	return m, lv, nil
}

// maxRefineRounds bounds the times m is estimated again over every
// candidate with the whole model (refineM); it stops sooner once no level's
// m moves by refinedWithin bits or more.
const (
	maxRefineRounds = 3
	refinedWithin   = 0.25
)

// refineM estimates m again from every candidate pair, each counted by its
// probability of a match under the whole model (every comparison, the
// priors of its pair of sources, term frequencies): an M step of EM over
// the candidates. A session's EM sees only the comparisons its rule does
// not block on, and a rule on names alone finds namesakes and relatives as
// often as duplicates, whom it can tell apart by nothing else: its match
// class takes them in, and m of an address or a phone comes out as if most
// matches disagreed on it. Nearly every match is a candidate (blocking's
// pair completeness), so the matches among the candidates are a fair
// sample of all matches, for every comparison alike.
//
// It returns the most a level's m moved, in bits.
func refineM(ctx context.Context, m *model.Model, recs []record.Record, vals *valueTable, cands []candidate, lv []uint8, workers int) (float64, error) {
	scorer, err := m.Compile()
	if err != nil {
		return 0, err
	}
	pw, err := newPairWeights(ctx, vals, scorer, workers)
	if err != nil {
		return 0, err
	}
	var moved float64
	nC := len(m.Comparisons)
	offset := make([]int, nC+1) // comparison → its levels' place in a flat array, null first
	for i, c := range m.Comparisons {
		offset[i+1] = offset[i] + len(c.Levels) + 1
	}
	// Posteriors are summed in fixed point (units of 2^-32): integer sums
	// come out the same in whatever order the workers' chunks add up, so
	// that a model trained twice on the same data is the same to the last
	// bit (floating-point sums in the order chunks finished differed in
	// their last digits, enough to tip a pair at a threshold one way or
	// the other). Each posterior is off by at most 2^-33, some 10^-10:
	// over tens of millions of pairs, far less than one pair. Beyond 2^30
	// pairs the unit is coarser, so that sums stay within an int64.
	unit := math.Ldexp(1, min(32, 62-bits.Len(uint(len(cands)))))
	// After them, each comparison that reads legal forms sums the
	// expected matches of two organisations' names that agree exactly
	// and write forms that agree, then those whose forms disagree
	// (model.Comparison.MFormsAgree).
	formsAt := 3 * offset[nC]
	pool := make(chan []int64, workers)
	for range workers {
		pool <- make([]int64, formsAt+2*nC)
	}
	// The second third of each accumulator sums the anchored pairs: those
	// that agree exactly on an exclusive comparison (anchoredElse); the
	// last the pairs of two organisations (orgExactShare).
	excl := scorer.Exclusive()
	err = parallel(ctx, len(cands), workers, func(lo, hi int) {
		acc := <-pool
		for k := lo; k < hi; k++ {
			c := cands[k]
			if !vals.copyOf.counted(c.A) || !vals.copyOf.counted(c.B) {
				continue
			}
			levels := lv[k*nC : (k+1)*nC]
			p := int64(math.Round(model.Probability(pw.of(k, c.A, c.B, levels)) * unit))
			anchored := false
			for _, i := range excl {
				anchored = anchored || levels[i] == 1
			}
			orgs := recs[c.A].Kind == record.EntityOrganization && recs[c.B].Kind == record.EntityOrganization
			for i, l := range levels {
				acc[offset[i]+int(l)] += p
				if anchored {
					acc[offset[nC]+offset[i]+int(l)] += p
				}
				if orgs {
					acc[2*offset[nC]+offset[i]+int(l)] += p
				}
				if l == 1 && scorer.Comps[i].Forms() {
					if va, vb := pw.exactOrgValues(i, c.A, c.B, pw.exactKey(i, c.A, c.B)); va != nil {
						if f := model.FormsOf(va, vb); f != model.FormsUnknown {
							acc[formsAt+2*i+f-1] += p
						}
					}
				}
			}
		}
		pool <- acc
	})
	if err != nil {
		return 0, err
	}
	sum := <-pool
	for range workers - 1 {
		for i, x := range <-pool {
			sum[i] += x
		}
	}
	acc := make([]float64, len(sum))
	for i, x := range sum {
		acc[i] = float64(x) / unit
	}
	for i := range m.Comparisons {
		c := &m.Comparisons[i]
		levels := acc[offset[i]+1 : offset[i+1]] // the null level aside
		if c.Kind.Household() {
			levels = anchoredElse(levels, acc[offset[nC]+offset[i]+1:offset[nC]+offset[i+1]])
		}
		mi := smoothedShares(levels)
		if mi == nil {
			continue // too few matches hold this feature to say more than the sessions did
		}
		ui := make([]float64, len(c.Levels))
		for j := range ui {
			ui[j] = c.Levels[j].U
		}
		if c.Exclusive {
			mi = model.CapLast(mi, maxExclusiveElse)
		}
		if c.Kind.Household() {
			mi = model.FloorLast(mi, minHouseholdElse)
		}
		mi = model.Monotone(mi, ui)
		for j := range c.Levels {
			if max(mi[j], c.Levels[j].M) >= 0.01 { // a rare level's m moves by its smoothing alone
				moved = max(moved, math.Abs(math.Log2(mi[j]/c.Levels[j].M)))
			}
			c.Levels[j].M = mi[j]
		}
		if scorer.Comps[i].Forms() {
			u, of := vals.formsAgreeU(i)
			moved = max(moved, setFormsAgree(c, acc[formsAt+2*i], acc[formsAt+2*i+1], u, of))
		}
		if c.TF && c.TFOrgOnce > 0 && c.Kind.IsName() {
			share := orgExactShare(acc[2*offset[nC]+offset[i]+1 : 2*offset[nC]+offset[i+1]])
			if share > 0 && c.MOrgExact > 0 {
				moved = max(moved, math.Abs(math.Log2(share/c.MOrgExact)))
			}
			c.MOrgExact = share
		}
	}
	return moved, nil
}

// orgExactShare returns the share of the expected matches of two
// organisations at a name comparison's exact level (levels: its levels'
// expected matches, null aside), smoothed as refineM smooths m, or 0 when
// fewer than minRefineMatches hold names on both sides
// (model.Comparison.MOrgExact).
func orgExactShare(levels []float64) float64 {
	if shares := smoothedShares(levels); shares != nil {
		return shares[0]
	}
	return 0
}

// smoothedShares returns each level's share of the expected matches
// (levels: per level, the null level aside), each level given
// refineSmoothing so that one no match reached keeps a little: a pair that
// reaches it is unlikely a match, not impossible. It returns nil when
// fewer than minRefineMatches hold the feature.
func smoothedShares(levels []float64) []float64 {
	total := 0.0
	for _, x := range levels {
		total += x
	}
	if total < minRefineMatches || len(levels) == 0 {
		return nil
	}
	shares := make([]float64, len(levels))
	for j, x := range levels {
		shares[j] = (x + refineSmoothing) / (total + refineSmoothing*float64(len(levels)))
	}
	return shares
}

// anchoredElse returns the expected matches at each level of a household
// comparison (levels, else last) with the share at else taken from the
// anchored pairs (anchored: the same sums over the candidates that agree
// exactly on an exclusive comparison, the same id, account or date of
// birth), when they hold at least minRefineMatches; the other levels keep
// their proportions. The whole model's posteriors take in namesakes that
// blocking on names brings, all the more as data grows, and they disagree
// on address and phone: m of else comes out as if one match in ten
// disagreed on the address (the large heterogeneous set, 95k records:
// 0.11 against 0.05 at a sixth of its size), and the disagreement that
// tells namesakes apart weighs less the more of them there are. Pairs
// that share an exact identifier are nearly all matches, whoever else
// blocking finds.
func anchoredElse(levels, anchored []float64) []float64 {
	n := len(levels) - 1 // else
	a, all := 0.0, 0.0
	for j := range levels {
		a += anchored[j]
		all += levels[j]
	}
	rest := all - levels[n]
	if a < minRefineMatches || rest <= 0 {
		return levels
	}
	share := anchored[n] / a
	out := make([]float64, len(levels))
	for j := range n {
		out[j] = levels[j] / rest * (1 - share) * all
	}
	out[n] = share * all
	return out
}

// minRefineMatches is the fewest expected matches holding a feature on
// both sides for refineM to estimate its m; refineSmoothing the
// pseudo-count each level of it gets.
//
// minHouseholdElse is the least m of a household feature's else level:
// one dataset's matches may all agree on their address, phone or city,
// but people move and change numbers, and a model that takes them for
// different people because of it loses them.
const (
	minHouseholdElse = 0.05
	minRefineMatches = 50
	refineSmoothing  = 0.5
)

// saltedList returns the TFKeys of values under salt, sorted (nil for
// none).
func saltedList(salt []byte, values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, model.TFKey(salt, v))
	}
	slices.Sort(out)
	return out
}

// saltedKeys returns the frequencies of a term-frequency table keyed as
// model.json keeps them: each value by model.TFKey under salt.
func saltedKeys(salt []byte, freqs map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(freqs))
	for v, f := range freqs {
		out[model.TFKey(salt, v)] = f
	}
	return out
}

// smoothingU is the pseudo-count of a level in the random pairs: the
// least share of them RemoveMatches leaves a level.
const smoothingU = 0.5

// Source priors are estimated from histograms of the candidates' match
// weights without prior, in bins of priorBin bits over ±priorRange.
const (
	priorBin        = 0.05
	priorRange      = 80.0
	priorIterations = 200
)

// kindSizes count a source's records by entity kind.
type kindSizes struct{ all, people, orgs float64 }

// A record of unknown kind (a party name with no sign of either) counts
// as a person or an organisation in the proportion its source's records
// of known kind are: counted as compatible with both, a payments file's
// people whose names no lexicon knows made the register's companies look
// like a smaller share of what the payments could be, and λ of the pair
// of sources fell (the large heterogeneous set, 2^-12.7 → 2^-13.3).
func sourceKinds(recs []record.Record, src []uint16, nS int, copies copyIndex) []kindSizes {
	sizes := make([]kindSizes, nS)
	for i, x := range src {
		if !copies.counted(int32(i)) {
			continue
		}
		sizes[x].all++
		switch recs[i].Kind {
		case record.EntityPerson:
			sizes[x].people++
		case record.EntityOrganization:
			sizes[x].orgs++
		}
	}
	for i := range sizes {
		if known := sizes[i].people + sizes[i].orgs; known > 0 && known < sizes[i].all {
			unknown := sizes[i].all - known
			sizes[i].people += unknown * sizes[i].people / known
			sizes[i].orgs += unknown * sizes[i].orgs / known
		}
	}
	return sizes
}

// compatiblePairs counts the pairs of a record of k and one of o (the
// same source when same) that may be one entity: all pairs but those of a
// person and an organisation, which never match.
func (k kindSizes) compatiblePairs(o kindSizes, same bool) float64 {
	if same {
		return k.all*(k.all-1)/2 - k.people*k.orgs
	}
	return k.all*o.all - k.people*o.orgs - k.orgs*o.people
}

// sourcePriors estimates λ for each pair of sources: the expected matches
// among their candidate pairs, Σ P(match), over their possible pairs (those
// of records whose kinds may be one entity: a person and an organisation
// never are, and counting their pairs would dilute λ). The
// probabilities depend on λ, so it is found as a fixed point, starting
// from the global prior. One pseudo-match spread over 1/λ pseudo-pairs at
// the global prior keeps a pair of sources with few pairs near it.
func sourcePriors(ctx context.Context, m *model.Model, recs []record.Record, vals *valueTable, cands []candidate,
	lv []uint8, linkOnly bool, workers int) (priors []model.SourcePrior, expected float64, err error) {
	scorer, err := m.Compile()
	if err != nil {
		return nil, 0, err
	}
	pw, err := newPairWeights(ctx, vals, scorer, workers)
	if err != nil {
		return nil, 0, err
	}
	src, names := vals.src, vals.srcNames
	nS, bins := len(names), int(2*priorRange/priorBin)+1
	nC := len(vals.comps)
	// One histogram per worker, taken for a chunk and given back: pair of
	// sources (lower index first) → bin → candidates.
	pool := make(chan []float64, workers)
	for range workers {
		pool <- make([]float64, nS*nS*bins)
	}
	err = parallel(ctx, len(cands), workers, func(lo, hi int) {
		h := <-pool
		for k := lo; k < hi; k++ {
			c := cands[k]
			if !vals.copyOf.counted(c.A) || !vals.copyOf.counted(c.B) {
				continue
			}
			a, b := src[c.A], src[c.B]
			w := pw.of(k, c.A, c.B, lv[k*nC:(k+1)*nC]) - pw.priorOf(c.A, c.B)
			bin := int(math.Round((min(max(w, -priorRange), priorRange) + priorRange) / priorBin))
			h[(int(min(a, b))*nS+int(max(a, b)))*bins+bin]++
		}
		pool <- h
	})
	if err != nil {
		return nil, 0, err
	}
	hist := <-pool
	for range workers - 1 {
		for i, n := range <-pool {
			hist[i] += n
		}
	}
	sizes := sourceKinds(recs, src, nS, vals.copyOf)
	for a := range nS {
		for b := a; b < nS; b++ {
			if a == b && linkOnly {
				continue
			}
			possible := sizes[a].compatiblePairs(sizes[b], a == b)
			if possible < 1 {
				continue
			}
			h := hist[(a*nS+b)*bins : (a*nS+b+1)*bins]
			lambda, matches := m.Prior, 0.0
			for range priorIterations {
				shift := math.Log2(lambda / (1 - lambda))
				matches = 0
				for i, n := range h {
					if n > 0 {
						matches += n * model.Probability(float64(i)*priorBin-priorRange+shift)
					}
				}
				next := min(max((matches+1)/(possible+1/m.Prior), 1e-12), 0.5)
				done := math.Abs(math.Log2(next/lambda)) < 1e-3
				lambda = next
				if done {
					break
				}
			}
			expected += matches
			priors = append(priors, model.SourcePrior{A: names[a], B: names[b], Prior: lambda, Expected: math.Round(matches)})
		}
	}
	return priors, expected, nil
}

// StaleNormalizer says, when m was trained on values the normalisers of
// another version read (normalize.Version), what that means; "" when they
// are this build's. Values may now read otherwise than the model's and a
// store's: a legal form read as another, a name's word kept or dropped.
func StaleNormalizer(m *model.Model) string {
	return staleModel(m.Normalizer, normalize.Version, "normalisers", "how it normalised values",
		"some values may read otherwise than in the model and the records stored with it")
}

// StaleBlockKeys says, when m was trained by a build that made blocking
// keys otherwise (block.KeysVersion), what that means for a store that
// holds it; "" when the build is this one's. The records stored with it
// keep the keys that build gave them, and a record this build adds finds
// them only by those: Bill Smith stored by version 1 holds no key that
// the William Smith added now looks up. A batch run makes every record's
// keys afresh and is not concerned.
func StaleBlockKeys(m *model.Model) string {
	return staleModel(m.BlockKeys, block.KeysVersion, "blocking keys", "how it made blocking keys",
		"records stored with the model are found only by the keys they were stored with, so some candidates this build would compare are not found")
}

// staleModel says what a model that recorded version had of what (0: a
// build older than the record, which did not record unrecorded) means to
// this build, whose is version now; "" when had is now.
func staleModel(had, now int, what, unrecorded, means string) string {
	if had == now {
		return ""
	}
	trained := fmt.Sprintf("by a build whose %s are version %d", what, had)
	if had == 0 {
		trained = "by a build that did not record " + unrecorded
	}
	return fmt.Sprintf("the model was trained %s; this build's are version %d, and %s: resolve again and import the run to bring them to this version", trained, now, means)
}
