package live

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/concord-er/concord/record"
)

// ReviewGroup is a record the review queue holds in doubt and its pairs
// in review, strongest first: a payment that may be any of three
// customers of one name, or a customer with the payments that may be
// theirs, decided together.
type ReviewGroup struct {
	Record record.Key      `json:"record"`
	Pairs  []record.Review `json:"pairs"`
}

// Other returns the record of pair r that is not the group's.
func (g ReviewGroup) Other(r record.Review) record.Key {
	if r.A == g.Record {
		return r.B
	}
	return r.A
}

// GroupReviews groups pairs of the review queue by the record they hold
// in doubt: each pair goes to whichever of its two records more of the
// pairs hold (of two that as many hold, the smaller key), its pairs
// strongest first; the groups of more pairs first, then by record.
func GroupReviews(items []record.Review) []ReviewGroup {
	held := map[record.Key]int{}
	for _, it := range items {
		held[it.A]++
		held[it.B]++
	}
	at := map[record.Key]int{}
	var groups []ReviewGroup
	for _, it := range items {
		k := it.A
		if held[it.B] > held[it.A] || held[it.B] == held[it.A] && it.B.String() < it.A.String() {
			k = it.B
		}
		i, ok := at[k]
		if !ok {
			i = len(groups)
			at[k] = i
			groups = append(groups, ReviewGroup{Record: k})
		}
		groups[i].Pairs = append(groups[i].Pairs, it)
	}
	for _, g := range groups {
		slices.SortStableFunc(g.Pairs, func(a, b record.Review) int { return cmp.Compare(b.Weight, a.Weight) })
	}
	slices.SortStableFunc(groups, func(a, b ReviewGroup) int { return a.Key().Compare(b.Key()) })
	return groups
}

// GroupKey is where a group stands in GroupReviews' order: the groups of
// more pairs first, then by record.
type GroupKey struct {
	Pairs  int        `json:"p"`
	Record record.Key `json:"r"`
}

// Key returns g's place in GroupReviews' order.
func (g ReviewGroup) Key() GroupKey { return GroupKey{Pairs: len(g.Pairs), Record: g.Record} }

// Compare orders keys as GroupReviews orders groups.
func (k GroupKey) Compare(o GroupKey) int {
	return cmp.Or(cmp.Compare(o.Pairs, k.Pairs), strings.Compare(k.Record.String(), o.Record.String()))
}

// GroupsAfter returns the groups, in GroupReviews' order, that come after
// the key after: the page of groups after a cursor.
func GroupsAfter(groups []ReviewGroup, after GroupKey) []ReviewGroup {
	return groups[sort.Search(len(groups), func(i int) bool { return groups[i].Key().Compare(after) > 0 }):]
}

// ByRecordInDoubt returns the pairs of q grouped as GroupReviews groups
// them, one group after another, and beside each pair the record it holds
// in doubt: the queue by record in doubt as a list (doubt is not nil, q
// empty or not).
func ByRecordInDoubt(q []record.Review) (pairs []record.Review, doubt []record.Key) {
	pairs, doubt = make([]record.Review, 0, len(q)), make([]record.Key, 0, len(q))
	for _, g := range GroupReviews(q) {
		for _, r := range g.Pairs {
			pairs = append(pairs, r)
			doubt = append(doubt, g.Record)
		}
	}
	return pairs, doubt
}
