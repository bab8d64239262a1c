package engine

import (
	"regexp"
	"strings"

	"github.com/concord-er/concord/cluster"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/record"
)

// The reasons of a refused merge quote the records that keep a pair apart,
// which may be records of neither side of the pair: a reader who sees the
// pair may not see them. ReasonAsSeen rewrites such a reason for a reader.
const (
	ambiguousPrefix  = "ambiguous: as strong as a link to "
	ambiguousMiddle  = ", which cannot be one entity with "
	separatedPrefix  = "matches, but joining would put "
	separatedSuffix  = " in one entity"
	separatedBetween = " and "
	weakPrefix       = "matches, but not as one entity: "
	weakMiddle       = " disagree on "
	weakSuffix       = ", which the pair has no value of"
	// unseenRecord stands for a quoted record the reader may not see.
	unseenRecord = "another record"
)

// ReasonBand is the reason of a pair whose probability is in the review
// band; ReasonTooLarge of a link clustering did not follow because the
// entities it would join were too large to check for conflicts.
const (
	ReasonBand     = "review band"
	ReasonTooLarge = "too large to check for conflicts"
)

// ConflictReason is the reason of a pair that scores as a match but
// disagrees outright on features one entity has one value of (the
// comparisons named).
func ConflictReason(disagreements []string) string {
	return conflictPrefix + strings.Join(disagreements, ", ")
}

const conflictPrefix = "scores as a match but disagrees on "

// Kinds of the reasons a pair is in review (ReasonKind): in the review
// band; scoring as a match but in conflict; held back as ambiguous; or a
// match clustering did not follow for the entity it would form.
const (
	KindBand      = "band"
	KindConflict  = "conflict"
	KindAmbiguous = "ambiguous"
	KindRefused   = "refused"
)

// ReasonKinds are the kinds ReasonKind returns, in that order.
var ReasonKinds = []string{KindBand, KindConflict, KindAmbiguous, KindRefused}

// ReasonKind returns the kind of a review pair's reason.
func ReasonKind(reason string) string {
	switch {
	case reason == ReasonBand:
		return KindBand
	case strings.HasPrefix(reason, conflictPrefix):
		return KindConflict
	case strings.HasPrefix(reason, ambiguousPrefix):
		return KindAmbiguous
	}
	return KindRefused
}

// AmbiguousReason is the reason a link is held back: it is as strong as a
// link to with, which cannot be one entity with of (a record of the pair).
func AmbiguousReason(with, of record.Key) string {
	return ambiguousPrefix + with.String() + ambiguousMiddle + of.String()
}

// SeparatedReason is the reason a matching pair is not followed: joining
// it would put x and y, which conflict, in one entity.
func SeparatedReason(x, y record.Key) string {
	return separatedPrefix + x.String() + separatedBetween + y.String() + separatedSuffix
}

// WeakReason is the reason a matching pair is not followed: the entity it
// would form does not hold together, since x and y, one on each side,
// disagree on features (comparisons) of which the pair has no value
// (model.Scorer.Admits).
func WeakReason(x, y record.Key, features []string) string {
	return weakPrefix + x.String() + separatedBetween + y.String() + weakMiddle + strings.Join(features, ", ") + weakSuffix
}

// RefusalReason is the reason of a link clustering refused (r), quoting
// records by key and the model's comparisons (comps) by name: batch and
// real time give the same.
func RefusalReason(r cluster.Refusal, key func(int32) record.Key, comps []*compare.Comparison) string {
	switch {
	case r.TooLarge:
		return ReasonTooLarge
	case r.Ambiguous:
		return AmbiguousReason(key(r.With[1]), key(r.With[0]))
	case r.Weak:
		names := make([]string, len(r.Detail))
		for i, c := range r.Detail {
			names[i] = comps[c].Spec.Name
		}
		return WeakReason(key(r.With[0]), key(r.With[1]), names)
	}
	return SeparatedReason(key(r.With[0]), key(r.With[1]))
}

// keyStart matches the start of a quoted key: a source name and its slash.
var keyStart = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*/`)

// sourceOf returns the source of a quoted key, "" when it is not one.
func sourceOf(key string) string {
	if m := keyStart.FindString(key); m != "" && len(key) > len(m) {
		return m[:len(m)-1]
	}
	return ""
}

// ReasonAsSeen returns the reason of a pair in review (a, b) as a reader
// who sees the sources visible sees it: a record it quotes from another
// source is named "another record". A reason that quotes records in a form
// it cannot read with certainty names none of them unless the reader sees
// every source (all).
func ReasonAsSeen(reason string, a, b record.Key, visible func(source string) bool, all bool) string {
	if all {
		return reason
	}
	name := func(key string) string {
		if s := sourceOf(key); s != "" && visible(s) {
			return key
		}
		return unseenRecord
	}
	if rest, ok := strings.CutPrefix(reason, ambiguousPrefix); ok {
		for _, of := range []record.Key{a, b} {
			if with, ok := strings.CutSuffix(rest, ambiguousMiddle+of.String()); ok {
				return ambiguousPrefix + name(with) + ambiguousMiddle + of.String()
			}
		}
		return ambiguousPrefix + unseenRecord + ", which cannot be one entity with it"
	}
	if rest, ok := strings.CutPrefix(reason, separatedPrefix); ok {
		if rest, ok := strings.CutSuffix(rest, separatedSuffix); ok {
			if x, y, ok := twoKeys(rest); ok {
				return separatedPrefix + name(x) + separatedBetween + name(y) + separatedSuffix
			}
		}
		return separatedPrefix + "two records that cannot be one entity" + separatedSuffix
	}
	if rest, ok := strings.CutPrefix(reason, weakPrefix); ok {
		if rest, ok := strings.CutSuffix(rest, weakSuffix); ok {
			if i := strings.LastIndex(rest, weakMiddle); i >= 0 {
				if x, y, ok := twoKeys(rest[:i]); ok {
					return weakPrefix + name(x) + separatedBetween + name(y) + rest[i:] + weakSuffix
				}
			}
		}
		return weakPrefix + "two of its records disagree on what the pair has no value of"
	}
	return reason
}

// twoKeys splits two quoted keys joined by " and ": at the one " and "
// that a source name and its slash follow, and that one precedes (an id
// may hold " and "). A key with an empty id counts as a key here, so
// that a reason it could be read into two ways is read into none.
func twoKeys(s string) (x, y string, ok bool) {
	n := 0
	for i := 0; i+len(separatedBetween) <= len(s); i++ {
		if strings.HasPrefix(s[i:], separatedBetween) && keyStart.MatchString(s[i+len(separatedBetween):]) && keyStart.MatchString(s[:i]) {
			x, y = s[:i], s[i+len(separatedBetween):]
			n++
		}
	}
	return x, y, n == 1
}
