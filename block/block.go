// Package block finds candidate pairs: records that share a key under some
// blocking rule. Each pair is produced once, tagged with the first rule that
// finds it; blocks larger than a cap (very common values) are skipped and
// reported, so a placeholder such as "unknown" cannot blow up memory.
package block

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/concord-er/concord/record"
)

// Term is one part of a rule: a feature, optionally one of its facets.
// The facet "token" gives one key per token of the value.
type Term struct {
	Feature string
	Facet   string
}

func (t Term) String() string {
	if t.Facet == "" {
		return t.Feature
	}
	return t.Feature + "." + t.Facet
}

// Rule pairs records whose values agree on every term.
type Rule struct {
	Terms []Term
}

func (r Rule) String() string {
	s := make([]string, len(r.Terms))
	for i, t := range r.Terms {
		s[i] = t.String()
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// ParseRule reads terms written as "feature" or "feature.facet".
func ParseRule(terms []string) (Rule, error) {
	if len(terms) == 0 {
		return Rule{}, fmt.Errorf("a blocking rule needs at least one term")
	}
	var r Rule
	for _, t := range terms {
		f, facet, _ := strings.Cut(t, ".")
		if f == "" {
			return Rule{}, fmt.Errorf("blocking term %q has no feature", t)
		}
		r.Terms = append(r.Terms, Term{Feature: f, Facet: facet})
	}
	return r, nil
}

// Options tune blocking. The zero value uses the defaults.
type Options struct {
	// MaxBlock is the largest block whose pairs are produced; larger ones
	// are skipped and reported. Default 1000.
	MaxBlock int
	// LinkOnly pairs only records of different sources.
	LinkOnly bool
	// MaxKeys caps the keys one record has under one rule (multi-valued
	// features multiply). Default 64.
	MaxKeys int
}

// CappedBlock is a block skipped for its size.
type CappedBlock struct {
	Rule    int    `json:"rule"`
	Key     string `json:"key"`
	Records int    `json:"records"`
}

// Index holds every record's keys under every rule.
type Index struct {
	rules  []Rule
	opt    Options
	source []string
	keys   [][][]uint64         // rule → record → sorted keys (capped ones removed)
	blocks []map[uint64][]int32 // rule → key → records
	order  [][]uint64           // rule → keys in a fixed order
	Capped []CappedBlock
}

// Build computes the keys of every record under every rule.
func Build(recs []record.Record, rules []Rule, opt Options) *Index {
	if opt.MaxBlock <= 0 {
		opt.MaxBlock = 1000
	}
	if opt.MaxKeys <= 0 {
		opt.MaxKeys = 64
	}
	ix := &Index{rules: rules, opt: opt, source: make([]string, len(recs))}
	for i := range recs {
		ix.source[i] = recs[i].Key.Source
	}
	for ri, rule := range rules {
		keys := make([][]uint64, len(recs))
		blocks := map[uint64][]int32{}
		text := map[uint64]string{}
		for i := range recs {
			for _, k := range ruleKeys(&recs[i], rule, opt.MaxKeys) {
				h := hash(k)
				if !slices.Contains(keys[i], h) {
					keys[i] = append(keys[i], h)
					blocks[h] = append(blocks[h], int32(i))
					if _, ok := text[h]; !ok {
						text[h] = k
					}
				}
			}
		}
		order := make([]uint64, 0, len(blocks))
		for h, members := range blocks {
			if len(members) > opt.MaxBlock {
				ix.Capped = append(ix.Capped, CappedBlock{Rule: ri, Key: strings.ReplaceAll(text[h], "\x1f", " | "), Records: len(members)})
				delete(blocks, h)
				continue
			}
			if len(members) > 1 {
				order = append(order, h)
			}
		}
		for i := range keys {
			keys[i] = slices.DeleteFunc(keys[i], func(h uint64) bool { _, ok := blocks[h]; return !ok })
			slices.Sort(keys[i])
		}
		slices.Sort(order)
		ix.keys = append(ix.keys, keys)
		ix.blocks = append(ix.blocks, blocks)
		ix.order = append(ix.order, order)
	}
	slices.SortFunc(ix.Capped, func(a, b CappedBlock) int {
		if a.Rule != b.Rule {
			return a.Rule - b.Rule
		}
		return b.Records - a.Records
	})
	return ix
}

// ruleKeys returns the key strings of a record under a rule: the
// combinations of its values for every term (none if a term has no value).
func ruleKeys(r *record.Record, rule Rule, maxKeys int) []string {
	keys := []string{""}
	for ti, t := range rule.Terms {
		vals := termValues(r, t)
		if len(vals) == 0 {
			return nil
		}
		next := make([]string, 0, len(keys)*len(vals))
		for _, k := range keys {
			for _, v := range vals {
				if ti > 0 {
					next = append(next, k+"\x1f"+v)
				} else {
					next = append(next, v)
				}
				if len(next) >= maxKeys {
					break
				}
			}
		}
		keys = next
	}
	return keys
}

func termValues(r *record.Record, t Term) []string {
	f := r.Feature(t.Feature)
	if f == nil {
		return nil
	}
	var out []string
	for i := range f.Values {
		v := &f.Values[i]
		if t.Facet == "token" {
			for _, tok := range v.Tokens {
				if !slices.Contains(out, tok) {
					out = append(out, tok)
				}
			}
			continue
		}
		if s := v.Facet(t.Facet); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// Rules returns the rules of the index.
func (ix *Index) Rules() []Rule { return ix.rules }

// Shares reports whether records a and b share a key under rule r, that is
// whether rule r produces the pair.
func (ix *Index) Shares(r int, a, b int32) bool {
	ka, kb := ix.keys[r][a], ix.keys[r][b]
	i, j := 0, 0
	for i < len(ka) && j < len(kb) {
		switch {
		case ka[i] == kb[j]:
			return true
		case ka[i] < kb[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// LinkOnly reports whether only pairs across sources are produced.
func (ix *Index) LinkOnly() bool { return ix.opt.LinkOnly }

// Allowed reports whether a and b may be paired at all (not two records of
// one source when linking only).
func (ix *Index) Allowed(a, b int32) bool {
	return a != b && !(ix.opt.LinkOnly && ix.source[a] == ix.source[b])
}

// Pairs calls fn for every candidate pair once, with a < b and the index
// of the first rule that produces it, in a fixed order. It stops early if
// fn returns false.
func (ix *Index) Pairs(fn func(a, b int32, rule int) bool) {
	for r := range ix.rules {
		if !ix.RulePairs(r, func(a, b int32) bool {
			for p := 0; p < r; p++ {
				if ix.Shares(p, a, b) {
					return true // an earlier rule has it
				}
			}
			return fn(a, b, r)
		}) {
			return
		}
	}
}

// RulePairs calls fn for every pair rule r produces, whether or not an
// earlier rule produces it too: the training set of rule r. A pair sharing
// several keys of the rule is produced once.
func (ix *Index) RulePairs(r int, fn func(a, b int32) bool) bool {
	for _, h := range ix.order[r] {
		members := ix.blocks[r][h]
		for x := 0; x < len(members); x++ {
			for y := x + 1; y < len(members); y++ {
				a, b := members[x], members[y]
				if a > b {
					a, b = b, a
				}
				if !ix.Allowed(a, b) || ix.firstSharedKey(r, a, b) != h {
					continue
				}
				if !fn(a, b) {
					return false
				}
			}
		}
	}
	return true
}

// firstSharedKey returns the smallest key a and b share under rule r.
func (ix *Index) firstSharedKey(r int, a, b int32) uint64 {
	ka, kb := ix.keys[r][a], ix.keys[r][b]
	if len(ka) == 1 && len(kb) == 1 {
		return ka[0]
	}
	i, j := 0, 0
	for i < len(ka) && j < len(kb) {
		switch {
		case ka[i] == kb[j]:
			return ka[i]
		case ka[i] < kb[j]:
			i++
		default:
			j++
		}
	}
	return 0
}

// Count returns the number of pairs each rule contributes first, and in total.
func (ix *Index) Count() (perRule []int64, total int64) {
	perRule = make([]int64, len(ix.rules))
	ix.Pairs(func(_, _ int32, r int) bool {
		perRule[r]++
		total++
		return true
	})
	return perRule, total
}
