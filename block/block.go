// Package block finds candidate pairs: records that share a key under some
// blocking rule. Each pair is produced once, tagged with the first rule that
// finds it; blocks larger than a cap (very common values) are skipped and
// reported, so a placeholder such as "unknown" cannot blow up memory,
// unless copies of records fill them (see copies.go).
package block

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/concord-er/concord/nickname"
	"github.com/concord-er/concord/record"
)

// Term is one part of a rule: a feature, optionally one of its facets.
// The facet "token" gives one key per token of the value; a facet ending
// in "_pairs" (phonetic_pairs, token_pairs) one key per two words of it;
// "letters" the letters of the value in sorted order, so that words
// written together or apart and in any order (Ji-hoon Cho, Cho Jihoon)
// share a key.
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
	// CopyOf is the records' copies (CopiesOf) when the caller has them;
	// nil: found when a block over the cap first needs them.
	CopyOf []int32
}

// CappedBlock is a block skipped for its size.
type CappedBlock struct {
	Rule    int    `json:"rule"`
	Key     string `json:"key"`
	Records int    `json:"records"`
}

// Index holds every record's keys under every rule, in flat sorted arrays:
// per rule, the keys of each record (sorted, at keyOff[i]:keyOff[i+1]) and
// the (key, record) entries sorted by key, whose runs are the blocks.
type Index struct {
	rules   []Rule
	opt     Options
	source  []int32
	kind    []uint8 // per record: 0 unknown, 1 person, 2 organisation
	keyOff  [][]uint32
	keys    [][]uint64
	entries [][]entry
	capped  []map[uint64]bool
	Capped  []CappedBlock
	// collapsed holds, per rule, the keys of blocks over the cap read as
	// copies: only the first records of copies are in their entries, and
	// only two of those share the key.
	collapsed []map[uint64]bool
	// Collapsed are the blocks over the cap read as copies, Records their
	// size with the copies.
	Collapsed []CappedBlock
	copyOnce  sync.Once
	copyOf    []int32         // see copiesOf; nil until a block over the cap asks
	hidden    map[int32]int32 // first copies hidden in a block read as copies → the first such rule
	copies    []Pair          // copy pairs (copyPairs)
}

type entry struct {
	key uint64
	rec int32
}

// Build computes the keys of every record under every rule, and sorts each
// rule's keys into blocks, on every core.
func Build(recs []record.Record, rules []Rule, opt Options) *Index {
	if opt.MaxBlock <= 0 {
		opt.MaxBlock = 1000
	}
	if opt.MaxKeys <= 0 {
		opt.MaxKeys = 64
	}
	n := len(rules)
	ix := &Index{rules: rules, opt: opt, source: make([]int32, len(recs)), kind: make([]uint8, len(recs)),
		keyOff: make([][]uint32, n), keys: make([][]uint64, n), entries: make([][]entry, n), capped: make([]map[uint64]bool, n),
		collapsed: make([]map[uint64]bool, n)}
	sources := map[string]int32{}
	for i := range recs {
		s, ok := sources[recs[i].Key.Source]
		if !ok {
			s = int32(len(sources))
			sources[recs[i].Key.Source] = s
		}
		ix.source[i] = s
		ix.kind[i] = kindBit(recs[i].Kind)
	}
	ix.recordKeys(recs)
	capped, collapsed, hidden := make([][]CappedBlock, n), make([][]CappedBlock, n), make([][]int32, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for ri := range rules {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			capped[ri], collapsed[ri], hidden[ri] = ix.buildRule(recs, ri)
		}()
	}
	wg.Wait()
	ix.hidden = map[int32]int32{}
	for ri := range rules {
		ix.Capped = append(ix.Capped, capped[ri]...)
		ix.Collapsed = append(ix.Collapsed, collapsed[ri]...)
		for _, f := range hidden[ri] {
			if _, ok := ix.hidden[f]; !ok {
				ix.hidden[f] = int32(ri)
			}
		}
	}
	ix.copies = ix.copyPairs(ix.hidden)
	return ix
}

// recordKeys fills keyOff and keys: every record's distinct key hashes
// under every rule, sorted. Each worker reads its own range of records
// once for all rules, so a record's features are fetched from memory once
// rather than once per rule.
func (ix *Index) recordKeys(recs []record.Record) {
	n, nR := len(recs), len(ix.rules)
	workers := max(1, min(runtime.GOMAXPROCS(0), n/4096))
	type part struct {
		keys   [][]uint64 // rule → the range's keys
		counts [][]uint32 // rule → keys per record of the range
	}
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := part{keys: make([][]uint64, nR), counts: make([][]uint32, nR)}
			for ri := range nR {
				p.keys[ri] = make([]uint64, 0, hi-lo)
				p.counts[ri] = make([]uint32, hi-lo)
			}
			var scratch []uint64
			var kh keyHasher
			for i := lo; i < hi; i++ {
				for ri, rule := range ix.rules {
					scratch = scratch[:0]
					for _, h := range kh.hashes(&recs[i], rule, ix.opt.MaxKeys) {
						if !slices.Contains(scratch, h) {
							scratch = append(scratch, h)
						}
					}
					slices.Sort(scratch)
					p.keys[ri] = append(p.keys[ri], scratch...)
					p.counts[ri][i-lo] = uint32(len(scratch))
				}
			}
			parts[w] = p
		}()
	}
	wg.Wait()
	for ri := range nR {
		total := 0
		for _, p := range parts {
			total += len(p.keys[ri])
		}
		off, keys := make([]uint32, n+1), make([]uint64, 0, total)
		i := 0
		for _, p := range parts {
			keys = append(keys, p.keys[ri]...)
			for _, c := range p.counts[ri] {
				off[i+1] = off[i] + c
				i++
			}
			p.keys[ri], p.counts[ri] = nil, nil
		}
		ix.keyOff[ri], ix.keys[ri] = off, keys
	}
}

// buildRule sorts the entries of rule ri into blocks, leaving out keys of
// one record and blocks over the size cap, but for those read as copies
// (readAsCopies), of which it keeps the first copies; it returns the
// blocks capped, those read as copies, and the first copies whose copies
// these hid.
func (ix *Index) buildRule(recs []record.Record, ri int) (capped, collapsed []CappedBlock, hidden []int32) {
	rule := ix.rules[ri]
	off, keys := ix.keyOff[ri], ix.keys[ri]
	entries := make([]entry, 0, len(keys))
	for i := range recs {
		for _, h := range keys[off[i]:off[i+1]] {
			entries = append(entries, entry{h, int32(i)})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return int(a.rec - b.rec)
	})
	// Drop singleton keys and capped blocks from the entries.
	cappedKeys, collapsedKeys := map[uint64]bool{}, map[uint64]bool{}
	out := entries[:0]
	for lo := 0; lo < len(entries); {
		hi := lo + 1
		for hi < len(entries) && entries[hi].key == entries[lo].key {
			hi++
		}
		switch size := hi - lo; {
		case size > ix.opt.MaxBlock:
			key := entries[lo].key
			b := CappedBlock{Rule: ri, Key: keyText(&recs[entries[lo].rec], rule, ix.opt.MaxKeys, key), Records: size}
			kept, ok := ix.readAsCopies(recs, entries[lo:hi])
			if !ok {
				cappedKeys[key] = true
				capped = append(capped, b)
				break
			}
			collapsedKeys[key] = true
			collapsed = append(collapsed, b)
			for _, e := range entries[lo:hi] {
				if f := ix.copyOf[e.rec]; f != e.rec {
					hidden = append(hidden, f)
				}
			}
			if len(kept) > 1 {
				out = append(out, kept...)
			}
		case size > 1:
			out = append(out, entries[lo:hi]...)
		}
		lo = hi
	}
	bySize := func(a, b CappedBlock) int { return b.Records - a.Records }
	slices.SortFunc(capped, bySize)
	slices.SortFunc(collapsed, bySize)
	ix.entries[ri], ix.capped[ri], ix.collapsed[ri] = slices.Clip(out), cappedKeys, collapsedKeys
	return capped, collapsed, hidden
}

// keyText recovers the text of a key hash from one of its records.
func keyText(r *record.Record, rule Rule, maxKeys int, h uint64) string {
	for _, k := range ruleKeys(r, rule, maxKeys) {
		if hash(k) == h {
			return strings.ReplaceAll(k, "\x1f", " | ")
		}
	}
	return ""
}

// ruleKeys returns the key strings of a record under a rule: the
// combinations of its values for every term (none if a term has no value).
func ruleKeys(r *record.Record, rule Rule, maxKeys int) []string {
	keys := []string{""}
	for ti, t := range rule.Terms {
		vals := appendTermValues(nil, r, t)
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

// appendTermValues appends the distinct values of a term in a record to out.
func appendTermValues(out []string, r *record.Record, t Term) []string {
	f := r.Feature(t.Feature)
	if f == nil {
		return out
	}
	base, pairs := strings.CutSuffix(t.Facet, "_pairs")
	for i := range f.Values {
		v := &f.Values[i]
		if pairs {
			out = appendPairs(out, v, base)
			continue
		}
		if t.Facet == "token" {
			for _, tok := range v.Tokens {
				if !slices.Contains(out, tok) {
					out = append(out, tok)
				}
			}
			continue
		}
		if t.Facet == FacetLetters {
			if s := letters(v.Norm); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
			continue
		}
		if t.Facet == FacetGivenInitial {
			out = appendGivenInitials(out, v.Facet("given"))
			continue
		}
		if t.Facet == FacetAcronyms {
			for w := range strings.FieldsSeq(v.Facet(FacetAcronyms)) {
				if !slices.Contains(out, w) {
					out = append(out, w)
				}
			}
			continue
		}
		if t.Facet == FacetDigits {
			if s := Digits(v.Norm); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
			continue
		}
		if s := v.Facet(t.Facet); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// FacetLetters is the facet of a term whose key is the value's letters,
// sorted.
const FacetLetters = "letters"

// KeysVersion numbers how blocking keys are made from a record's values.
// A store keeps each record's keys as the build that wrote the record made
// them, and finds it by those alone: a build that makes them otherwise
// (raise it then) warns of a store whose model an older build trained
// (engine.StaleBlockKeys). 2: given_initial holds the initials of the
// names in full a given name is a form of.
const KeysVersion = 2

// FacetGivenInitial is the facet of a term whose keys are the first letter
// of a person's name's first given name (its facet "given"), and of each
// name in full that name is a form of (nickname.Full): L Taylor, Linda
// Taylor and Linda Barbara Taylor share one, as their initials do not, and
// so do Bill, Liam and William, Betty and Elizabeth.
const FacetGivenInitial = "given_initial"

// appendGivenInitials appends to out the keys of the facet given_initial
// of a name whose given names are given, those out does not hold yet.
func appendGivenInitials(out []string, given string) []string {
	first, _, _ := strings.Cut(given, " ")
	if first == "" {
		return out
	}
	add := func(name string) {
		_, size := utf8.DecodeRuneInString(name)
		if s := name[:size]; !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(first)
	for _, full := range nickname.Full(first) {
		add(full)
	}
	return out
}

// FacetAcronyms is the facet of organisations' names (normalize.Acronyms)
// whose words are each a key: the acronym a name is written as, or those
// a name written in full may be shortened to (PDVSA; Petróleos de
// Venezuela S.A.).
const FacetAcronyms = "acronyms"

// FacetDigits is the facet of a term whose key is the digits of the value,
// in order, when it has at least minDigits of them: an identifier one source
// writes with a letter of its type and another without (P-J61566600,
// J61566600, 61566600).
const FacetDigits = "digits"

// minDigits is the fewest digits a digits key is made of: fewer say too
// little about which identifier it is.
const minDigits = 6

// Digits returns the digits of s, or "" when it has fewer than minDigits:
// the key of the digits facet.
func Digits(s string) string {
	var buf [32]byte
	return string(AppendDigits(buf[:0], s))
}

// AppendDigits appends to dst the digits of s, as Digits reads them, and
// returns dst unchanged when s has too few.
func AppendDigits(dst []byte, s string) []byte {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	if n < minDigits {
		return dst
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			dst = append(dst, s[i])
		}
	}
	return dst
}

// letters returns the bytes of s but spaces, sorted.
func letters(s string) string {
	b := []byte(strings.ReplaceAll(s, " ", ""))
	slices.Sort(b)
	return string(b)
}

// maxPairWords bounds the words whose pairs make keys (a long name has
// many pairs).
const maxPairWords = 8

// appendPairs appends the keys of a "_pairs" term: every two distinct
// words of the facet (or of the tokens, for "token"), in sorted order, or
// the word itself when there is one. Two names share a key when they share
// two words, whatever else they have and in whatever order.
func appendPairs(out []string, v *record.Value, facet string) []string {
	var words []string
	if facet == "token" {
		words = v.Tokens
	} else {
		words = strings.Fields(v.Facet(facet))
	}
	if len(words) > maxPairWords {
		words = words[:maxPairWords]
	}
	add := func(k string) []string {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
		return out
	}
	distinct := 0
	for i, a := range words {
		for _, b := range words[i+1:] {
			if a == b {
				continue
			}
			distinct++
			out = add(min(a, b) + " " + max(a, b))
		}
	}
	if distinct == 0 && len(words) > 0 {
		out = add(words[0])
	}
	return out
}

// hash is 64-bit FNV-1a.
func hash(s string) uint64 { return fnvAdd(fnvOffset, s) }

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvAdd continues an FNV-1a hash h with the bytes of s.
func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// keyHasher computes what hash gives for each of ruleKeys' strings,
// without building the strings: FNV-1a of a key continues the hash of its
// prefix. Its buffers are reused from one record to the next, so building
// an index does not allocate per record.
type keyHasher struct {
	vals         []string
	states, next []uint64
}

// hashes returns the hashes of r's keys under rule, in ruleKeys' order;
// the slice is valid until the next call.
func (kh *keyHasher) hashes(r *record.Record, rule Rule, maxKeys int) []uint64 {
	kh.states = append(kh.states[:0], fnvOffset) // the hash of ""
	for ti, t := range rule.Terms {
		kh.vals = appendTermValues(kh.vals[:0], r, t)
		if len(kh.vals) == 0 {
			return nil
		}
		kh.next = kh.next[:0]
		for _, k := range kh.states {
			if ti > 0 {
				k = fnvAdd(k, "\x1f")
			}
			for _, v := range kh.vals {
				kh.next = append(kh.next, fnvAdd(k, v))
				if len(kh.next) >= maxKeys {
					break
				}
			}
		}
		kh.states, kh.next = kh.next, kh.states
	}
	return kh.states
}

// Rules returns the rules of the index.
func (ix *Index) Rules() []Rule { return ix.rules }

// Shares reports whether records a and b share a key under rule r, that is
// whether rule r produces the pair.
func (ix *Index) Shares(r int, a, b int32) bool {
	_, ok := ix.firstSharedKey(r, a, b)
	return ok
}

// Release frees the keys and blocks once the pairs have been taken; only
// Allowed and LinkOnly may be called afterwards.
func (ix *Index) Release() {
	ix.keyOff, ix.keys, ix.entries, ix.capped, ix.collapsed = nil, nil, nil, nil, nil
}

// LinkOnly reports whether only pairs across sources are produced.
func (ix *Index) LinkOnly() bool { return ix.opt.LinkOnly }

// Allowed reports whether a and b may be paired at all: not a person and
// an organisation, nor two records of one source when linking only.
func (ix *Index) Allowed(a, b int32) bool {
	return a != b && ix.kind[a]|ix.kind[b] != 3 && !(ix.opt.LinkOnly && ix.source[a] == ix.source[b])
}

func kindBit(k record.EntityKind) uint8 {
	switch k {
	case record.EntityPerson:
		return 1
	case record.EntityOrganization:
		return 2
	}
	return 0
}

// Pair is a candidate pair of record indexes, A < B, with the index of
// the first rule that produces it.
type Pair struct {
	A, B int32
	Rule int32
}

// Candidates returns every candidate pair once, in the order of Pairs, in
// one slice allocated at its size; the copy pairs come last (CopyPairs).
func (ix *Index) Candidates() []Pair {
	found := ix.pairsByRule()
	total := len(ix.copies)
	for _, ps := range found {
		total += len(ps)
	}
	out := make([]Pair, 0, total)
	for r, ps := range found {
		for _, p := range ps {
			out = append(out, Pair{A: p[0], B: p[1], Rule: int32(r)})
		}
		found[r] = nil
	}
	return append(out, ix.copies...)
}

// Pairs calls fn for every candidate pair once, with a < b and the index
// of the first rule that produces it, in a fixed order, the copy pairs
// last (tagged with the first rule that read their block as copies). It
// stops early if fn returns false.
func (ix *Index) Pairs(fn func(a, b int32, rule int) bool) {
	for r, ps := range ix.pairsByRule() {
		for _, p := range ps {
			if !fn(p[0], p[1], r) {
				return
			}
		}
	}
	for _, p := range ix.copies {
		if !fn(p.A, p.B, int(p.Rule)) {
			return
		}
	}
}

// pairsByRule finds, for each rule, the pairs it produces first (no
// earlier rule produces them), each rule on its own core.
func (ix *Index) pairsByRule() [][][2]int32 {
	found := make([][][2]int32, len(ix.rules))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for r := range ix.rules {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ix.RulePairs(r, func(a, b int32) bool {
				for p := 0; p < r; p++ {
					if ix.Shares(p, a, b) {
						return true // an earlier rule has it
					}
				}
				found[r] = append(found[r], [2]int32{a, b})
				return true
			})
		}()
	}
	wg.Wait()
	return found
}

// RulePairs calls fn for every pair rule r produces, whether or not an
// earlier rule produces it too: the training set of rule r. A pair sharing
// several keys of the rule is produced once.
func (ix *Index) RulePairs(r int, fn func(a, b int32) bool) bool {
	entries := ix.entries[r]
	for lo := 0; lo < len(entries); {
		hi := lo + 1
		for hi < len(entries) && entries[hi].key == entries[lo].key {
			hi++
		}
		for x := lo; x < hi; x++ {
			for y := x + 1; y < hi; y++ {
				a, b := entries[x].rec, entries[y].rec // a < b: sorted by record within a key
				if !ix.Allowed(a, b) {
					continue
				}
				if k, _ := ix.firstSharedKey(r, a, b); k != entries[lo].key {
					continue // counted under the smaller key they share
				}
				if !fn(a, b) {
					return false
				}
			}
		}
		lo = hi
	}
	return true
}

// firstSharedKey returns the smallest key a and b share under rule r,
// capped blocks aside, and blocks read as copies unless a and b are both
// the first of their copies.
func (ix *Index) firstSharedKey(r int, a, b int32) (uint64, bool) {
	off, keys := ix.keyOff[r], ix.keys[r]
	ka, kb := keys[off[a]:off[a+1]], keys[off[b]:off[b+1]]
	i, j := 0, 0
	for i < len(ka) && j < len(kb) {
		switch {
		case ka[i] == kb[j]:
			if !ix.capped[r][ka[i]] && (!ix.collapsed[r][ka[i]] || ix.copyOf[a] == a && ix.copyOf[b] == b) {
				return ka[i], true
			}
			i++
			j++
		case ka[i] < kb[j]:
			i++
		default:
			j++
		}
	}
	return 0, false
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

// Keys returns the keys of one record under each rule, for an index kept
// outside this package (the store of real-time resolution): per rule, the
// distinct hashes of the record's keys, each hash also covering the rule's
// position, so the keys of every rule can share one index.
func Keys(r *record.Record, rules []Rule, maxKeys int) [][]uint64 {
	if maxKeys <= 0 {
		maxKeys = 64
	}
	out := make([][]uint64, len(rules))
	for ri, rule := range rules {
		for _, k := range ruleKeys(r, rule, maxKeys) {
			h := hash(fmt.Sprintf("%d\x1e%s", ri, k))
			if !slices.Contains(out[ri], h) {
				out[ri] = append(out[ri], h)
			}
		}
	}
	return out
}
