package compare

import (
	"slices"

	"github.com/concord-er/concord/record"
)

// DefaultSpec returns the comparison Concord uses for a feature of a kind
// when the model names none.
func DefaultSpec(feature string, kind record.Kind) Spec {
	s := Spec{Name: feature, Feature: feature, Kind: kind}
	lv := func(label, method, facet string, t float64) LevelSpec {
		return LevelSpec{Label: label, Method: method, Facet: facet, Threshold: t}
	}
	els := lv("else", MethodElse, "", 0)
	switch kind {
	case record.KindName, record.KindParty:
		// Person names, or a party's: people's and organisations' names in
		// one feature, each value normalised as its kind, compared by the
		// levels both kinds of name have (tokens, sorted, phonetic).
		s.TF = true
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "sorted", 0),
			lv("joined", MethodJoined, "", 0),
			lv("nickname", MethodNickname, "", 0),
			lv("other spelling", MethodSpelling, "", 0),
			lv("subset", MethodSubset, "", 0),
			lv("nickname, subset", MethodNickSubset, "", 0),
			lv("parts dropped", MethodNameParts, "", 0),
			lv("a letter apart", MethodOrgTypo, "", 0),
			lv("a typo", MethodNameTypo, "", 0),
			lv("similar ≥0.92", MethodNameSim, "", 0.92),
			lv("truncated", MethodTruncated, "", 0),
			lv("acronym", MethodAcronym, "", 0),
			lv("phonetic", MethodPhonetic, "", 0),
			lv("subset, a typo", MethodSubsetTypo, "", 0),
			lv("nickname, a typo", MethodNickTypo, "", 0),
			lv("similar ≥0.80", MethodNameSim, "", 0.80),
			lv("shared words", MethodOrgWords, "", 0.25),
			els,
		}
		if kind == record.KindName {
			// People's names alone: no organisation's acronym to meet, nor
			// words to share as organisations do.
			s.Levels = slices.DeleteFunc(s.Levels, func(l LevelSpec) bool {
				return l.Method == MethodAcronym || l.Method == MethodOrgTypo || l.Method == MethodOrgWords
			})
		}
	case record.KindOrgName:
		s.TF = true
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "compact", 0),
			lv("reordered", MethodExact, "sorted", 0),
			lv("a letter apart", MethodOrgTypo, "", 0),
			lv("similar ≥0.92", MethodJaroWinkler, "compact", 0.92),
			lv("truncated", MethodTruncated, "", 0),
			lv("subset", MethodSubset, "", 0),
			lv("acronym", MethodAcronym, "", 0),
			lv("phonetic", MethodPhonetic, "", 0),
			lv("subset, a typo", MethodSubsetTypo, "", 0),
			lv("similar ≥0.80", MethodNameSim, "", 0.80),
			lv("shared words", MethodOrgWords, "", 0.25),
			els,
		}
	case record.KindDate:
		// A date many hold (1 January of a year, as sources write a year
		// alone; a refugee's registered date of birth) says less than
		// one few do.
		s.Exclusive = true
		s.TF = true
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "", 0),
			lv("day/month swapped", MethodDateSwap, "", 0),
			lv("partial", MethodDatePartial, "", 0),
			lv("one edit", MethodDateEdit, "", 0),
			lv("same month", MethodDateMonth, "", 0),
			lv("same day, another year", MethodDateDay, "", 0),
			lv("two edits", MethodDateEdit, "", 2),
			lv("cut, one edit", MethodDatePartEdit, "", 0),
			lv("±1 year", MethodDateYears, "", 1),
			els,
		}
	case record.KindPhone:
		// Numbers in E.164 form: one edit of the whole number, so that the
		// same digits in two countries (+57 300…, +58 300…) never agree. A
		// number several people share (a landline, a switchboard) counts
		// for less by its frequency.
		s.TF = true
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "", 0),
			lv("one edit", MethodLevenshtein, "", 1),
			els,
		}
	case record.KindEmail:
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "", 0),
			lv("same local part", MethodExact, "local", 0),
			lv("similar ≥0.88", MethodJaroWinkler, "full", 0.88),
			els,
		}
	case record.KindIdentifier:
		s.Exclusive = true
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "", 0),
			lv("one edit", MethodDamerau, "", 1),
			els,
		}
	case record.KindAddress:
		// One source writes the city or district into the address line,
		// another keeps them apart; a payment message cuts the line at
		// its field length: "contained" is as specific as exact.
		s.TF = true // a block of flats or an office tower is shared by many
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "", 0),
			lv("contained", MethodContained, "number", 0),
			lv("contained, a typo", MethodContained, "number", 1),
			lv("tokens ≥0.75", MethodJaccard, "", 0.75),
			lv("tokens ≥0.5", MethodJaccard, "", 0.5),
			lv("tokens ≥0.25", MethodJaccard, "", 0.25),
			els,
		}
	case record.KindPostcode:
		// Codes whose parts can be read (the UK's, Canada's, the
		// Netherlands': normalize.PostcodeFacets) agree by the smallest
		// area both are in, as one person's records often write another
		// street of one town.
		s.TF = true
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "", 0),
			lv("one edit", MethodDamerau, "", 1),
			lv("same sector", MethodExact, "sector", 0),
			lv("same district", MethodExact, "district", 0),
			lv("same area", MethodExact, "area", 0),
			els,
		}
	case record.KindCity, record.KindText:
		s.TF = true
		s.Levels = []LevelSpec{
			lv("exact", MethodExact, "", 0),
			lv("similar ≥0.9", MethodJaroWinkler, "", 0.9),
			els,
		}
	case record.KindCountry:
		// Most records of a source share its home country: agreeing on a
		// rarer one says more.
		s.TF = true
		s.Levels = []LevelSpec{lv("exact", MethodExact, "", 0), els}
	default: // anything else: equal or not
		s.Levels = []LevelSpec{lv("exact", MethodExact, "", 0), els}
	}
	return s
}
