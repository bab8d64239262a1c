package engine

import (
	"regexp"
	"strings"

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
		return "ambiguous: as strong as a link to " + unseenRecord + ", which cannot be one entity with it"
	}
	if rest, ok := strings.CutPrefix(reason, separatedPrefix); ok {
		if rest, ok := strings.CutSuffix(rest, separatedSuffix); ok {
			// The split between the two keys: the one " and " followed by
			// a source name and its slash (an id may hold " and ").
			var x, y string
			n := 0
			for i := 0; i+len(separatedBetween) <= len(rest); i++ {
				if strings.HasPrefix(rest[i:], separatedBetween) && sourceOf(rest[i+len(separatedBetween):]) != "" && sourceOf(rest[:i]) != "" {
					x, y = rest[:i], rest[i+len(separatedBetween):]
					n++
				}
			}
			if n == 1 {
				return separatedPrefix + name(x) + separatedBetween + name(y) + separatedSuffix
			}
		}
		return separatedPrefix + "two records that cannot be one entity" + separatedSuffix
	}
	return reason
}
