// Package model holds a Fellegi–Sunter model: the prior, and for each
// comparison the m and u probabilities of its levels and the term
// frequencies of its values. A Model is a versioned, human-readable JSON
// document that alone determines scoring; Compile turns it into a Scorer.
package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// Version is the model.json format version this package writes and reads.
const Version = 1

// Model is the document written to model.json.
type Model struct {
	Version int `json:"version"`
	// Normalizer is the version of the normalisers (normalize.Version)
	// that read the values the model was trained on; 0 when not recorded,
	// by a build older than the field.
	Normalizer int `json:"normalizer,omitempty"`
	// BlockKeys is the version of how the build that trained the model
	// makes blocking keys (block.KeysVersion), which the records imported
	// with it were stored with; 0 when not recorded, by a build older
	// than the field.
	BlockKeys int `json:"block_keys,omitempty"`
	// Prior is λ, the probability that two records drawn at random are
	// the same entity.
	Prior float64 `json:"prior"`
	// SourcePriors are λ for pairs of records of two given sources, where
	// training could estimate it: how much two sources overlap differs by
	// orders of magnitude. Pairs of other sources use Prior.
	SourcePriors []SourcePrior `json:"source_priors,omitempty"`
	// TFSalt, when set, keys the term-frequency tables: their keys are
	// TFKey(TFSalt, value), not the values, so that model.json holds no
	// names, phones or addresses in clear. (Anyone holding the file can
	// still test a guessed value; the salt only stops tables computed in
	// advance.) Models without it key the tables by the values.
	TFSalt      string       `json:"tf_salt,omitempty"`
	Thresholds  Thresholds   `json:"thresholds"`
	Blocking    [][]string   `json:"blocking"`
	LinkOnly    bool         `json:"link_only,omitempty"`
	Comparisons []Comparison `json:"comparisons"`
	// Placeholders are values of exclusive features (an id, a date of
	// birth) that training found held by so many records of one source,
	// of so many different names, that they stand for a missing value
	// ("SEE FILE" as a national id): records are resolved without them,
	// in batch and in real time. Keyed as the term-frequency tables are.
	Placeholders []Placeholder `json:"placeholders,omitempty"`
	// DateOrders are the orders of day and month training read in a
	// source's dates that both orders read (03/08/1999), where its field
	// declares no formats: the order the source's other dates show
	// (17/06/2005). Real time reads the source's dates in it too.
	DateOrders []DateOrder `json:"date_orders,omitempty"`
	// PartyNames are fields typed name (people's names), of sources that
	// do not declare their records people's, whose names training found
	// to be organisations' often enough that it read them as party names,
	// as real time does.
	PartyNames []PartyName `json:"party_names,omitempty"`
	// Mixed are identifier comparisons whose disagreements between the
	// records of two given sources are read as missing values: the
	// sources hold, under one feature, numbers of different kinds for
	// some of the same people (one a national id, the other a passport),
	// so that a disagreement between them says little. An agreement still
	// counts.
	Mixed []MixedIdentifier `json:"mixed_identifiers,omitempty"`
	// Aliases are identifier, name and date fields that training read as
	// another feature: their source's numbers, names or dates of birth
	// are the ones another source holds under that feature's name (a
	// list's passport and a KYC file's id_number, a customer file's
	// nombre and a list's name). Features are compared by name, so that,
	// read apart, those records were never compared by them. Real time
	// reads the fields so too.
	Aliases []FieldAlias `json:"field_aliases,omitempty"`
	// NameJoins are fields typed name of a source that training found to
	// hold the parts of one name (a given name, a middle name, a surname
	// mapped apart): read as one field, as columns: joins them, before
	// the aliases are. Real time reads them so too.
	NameJoins []NameJoin `json:"name_joins,omitempty"`
	// NameUnions are name fields of a source that no row holds two of (a
	// customer file's person's name and company name in columns of their
	// own): read as one field, after the name joins, before the aliases.
	NameUnions []NameUnion `json:"name_unions,omitempty"`
	Training   *Training   `json:"training,omitempty"`
}

// NameUnion is a source's name fields read as one field As of type Kind
// (Model.NameUnions): the first keeps its columns, the others' columns
// are added to it as alias_of adds them.
type NameUnion struct {
	Source string      `json:"source"`
	Fields []string    `json:"fields"`
	As     string      `json:"as"`
	Kind   record.Kind `json:"kind"`
	// Rows and Together are what training found in the source's first
	// rows: how many held a value of one of the fields, and how many of
	// two.
	Rows     int `json:"rows"`
	Together int `json:"together"`
}

// NameJoin is a source's fields typed name read as one field As, their
// values joined with a space in the order of Fields: titles, then given
// names, then surnames (Model.NameJoins).
type NameJoin struct {
	Source string   `json:"source"`
	Fields []string `json:"fields"`
	As     string   `json:"as"`
	// Rows, Given and OneWord are what training found in the source's
	// first rows: how many held a value of a part, and of each field (in
	// Fields' order) the share of its values that are a known given name
	// and that are one word.
	Rows    int       `json:"rows"`
	Given   []float64 `json:"given"`
	OneWord []float64 `json:"one_word"`
}

// FieldAlias is a field of a source read as feature As (Model.Aliases):
// renamed, or its values added to the source's own field of that name.
type FieldAlias struct {
	Source string      `json:"source"`
	Field  string      `json:"field"`
	Kind   record.Kind `json:"kind"`
	As     string      `json:"as"`
	// With and Shared are what training found: the source (and its
	// feature As) holding the same values, and how many values the two
	// share: numbers held by records named alike, days by names written
	// alike, names by records that may be one party.
	With   string `json:"with"`
	Shared int    `json:"shared"`
	// Adds is set where the source has another field read as As, whose
	// values this field's are added to.
	Adds bool `json:"adds,omitempty"`
	// ViaSource and ViaField name the field that shares them, where it is
	// another's: a feature name takes another's in every source that uses
	// it.
	ViaSource string `json:"via_source,omitempty"`
	ViaField  string `json:"via_field,omitempty"`
}

// GivenShares writes the shares of j's fields' values that are known
// given names as whole percentages, in j.Fields' order: "47%, 6%".
func (j NameJoin) GivenShares() string {
	parts := make([]string, len(j.Given))
	for i, x := range j.Given {
		parts[i] = fmt.Sprintf("%.0f%%", 100*x)
	}
	return strings.Join(parts, ", ")
}

// MixedIdentifier is an identifier comparison of records of sources A and
// B whose disagreements are read as missing (Model.Mixed).
type MixedIdentifier struct {
	A          string `json:"a"`
	B          string `json:"b"`
	Comparison string `json:"comparison"`
	// Pairs and Agreeing are what training found: of the pairs of the two
	// sources that agree exactly on a name and a date of birth known to
	// the day, and both hold the identifier, how many there were and how
	// many agreed on it.
	Pairs    int `json:"pairs"`
	Agreeing int `json:"agreeing"`
}

// DateOrder is the order of day and month of a source's field's dates
// ("day_first" or "month_first": normalize.DateOrder's names), and the
// dates that showed it, and the other, when it was found.
type DateOrder struct {
	Source     string `json:"source"`
	Field      string `json:"field"`
	Order      string `json:"order"`
	DayFirst   int64  `json:"day_first_only"`
	MonthFirst int64  `json:"month_first_only"`
}

// PartyName is a field of a source read as party names (Model.PartyNames),
// and of the records with a value of it that were counted, how many read
// as an organisation's.
type PartyName struct {
	Source        string `json:"source"`
	Field         string `json:"field"`
	Records       int64  `json:"records"`
	Organisations int64  `json:"organisations"`
}

// Placeholder is a value of one feature of one source read as missing.
type Placeholder struct {
	Source  string `json:"source"`
	Feature string `json:"feature"`
	// Key is TFKey(TFSalt, value), or the value when the model has no
	// salt.
	Key string `json:"key"`
	// Records and Names are how many records held it when it was found,
	// and how many different names they had.
	Records int `json:"records"`
	Names   int `json:"names"`
}

// PlaceholderSet returns whether the value norm of feature of source is
// one of m's placeholders (of any source's, for source ""); nil when m has
// none.
func (m *Model) PlaceholderSet() func(source, feature, norm string) bool {
	if len(m.Placeholders) == 0 {
		return nil
	}
	var salt []byte
	if m.TFSalt != "" {
		salt, _ = hex.DecodeString(m.TFSalt) // checked by Compile
	}
	keys := map[[2]string]map[string]bool{}
	for _, p := range m.Placeholders {
		sf := [2]string{p.Source, p.Feature}
		if keys[sf] == nil {
			keys[sf] = map[string]bool{}
		}
		keys[sf][p.Key] = true
	}
	sources := map[string][]string{} // feature → sources with placeholders of it
	for sf := range keys {
		sources[sf[1]] = append(sources[sf[1]], sf[0])
	}
	return func(source, feature, norm string) bool {
		of := []string{source}
		if source == "" {
			of = sources[feature]
		}
		key := norm
		for _, s := range of {
			set := keys[[2]string{s, feature}]
			if set == nil {
				continue
			}
			if salt != nil && key == norm {
				key = TFKey(salt, norm)
			}
			if set[key] {
				return true
			}
		}
		return false
	}
}

// SourcePrior is λ for pairs of a record of source A and one of source B
// (A = B: pairs within one source). The order of A and B does not matter.
type SourcePrior struct {
	A     string  `json:"a"`
	B     string  `json:"b"`
	Prior float64 `json:"prior"`
	// Expected is the number of matches between the two sources training
	// expected among their candidate pairs, for people reading the file.
	Expected float64 `json:"expected_matches"`
}

// Thresholds are match probabilities: at or above Match a pair links, at
// or above Review it goes to human review.
type Thresholds struct {
	Match  float64 `json:"match"`
	Review float64 `json:"review"`
}

// Comparison is a comparison spec with its estimated parameters.
type Comparison struct {
	Name      string      `json:"name"`
	Feature   string      `json:"feature"`
	Kind      record.Kind `json:"kind"`
	TF        bool        `json:"tf,omitempty"`
	Exclusive bool        `json:"exclusive,omitempty"`
	Levels    []Level     `json:"levels"`
	// TFTable holds the relative frequency of values held more than twice,
	// keyed by TFKey (see Model.TFSalt), leaving one holder out: the
	// frequency of a value among the others of the one that holds it.
	// Other values get TFMin, the frequency of a value held once. Of
	// dates, it holds those held by more than four times the average
	// date's holders, and other dates take the exact level's u (no
	// adjustment): a date few hold is as common as most.
	TFTable map[string]float64 `json:"tf_table,omitempty"`
	TFMin   float64            `json:"tf_min,omitempty"`
	// TFTokens holds, for names, the share of holders whose names hold a
	// token (or its commonest spelling one edit away), for tokens held
	// more than twice (keyed by TFKey), divided by the square root of the
	// share of holders of the tokens it is written with (so that a name's
	// product of them is divided by the share of its origin: Sergei goes
	// with Ivanov); other tokens get TFTokenMin. A name too rare to count
	// has its frequency estimated from its tokens' (RareNameFrequency).
	TFTokens   map[string]float64 `json:"tf_tokens,omitempty"`
	TFTokenMin float64            `json:"tf_token_min,omitempty"`
	// TFNameWords lists, for names, the tokens that are names of their
	// own (keyed by TFKey, sorted): held by more than two holders, and by
	// at least 1/SameNameRatio as many as any token one edit away, where
	// a typo's word is held by far fewer than the word it slipped from
	// (Scorer.NameWord, TwoNames).
	TFNameWords []string `json:"tf_name_words,omitempty"`
	// TFOrgOnce, when set, is the frequency of a name when both names of
	// the pair are organisations' whose legal forms do not disagree
	// (OrgNames) and it is not in TFOrgTable:
	// how often an identified organisation's name is another's too, from
	// how many of their names one of them holds in a source and how many
	// two (Good–Turing). A registered company's name is its own, and its
	// words, which tell how rare a person's name is (RareNameFrequency),
	// say little of it. A pair takes it only where it is rarer than what
	// the name would get otherwise.
	TFOrgOnce float64 `json:"tf_org_once,omitempty"`
	// MOrgExact, when set, is m of the exact level among matches of two
	// organisations: the share of them whose names agree exactly, which
	// people's names, written in more ways, hold far below (a person's
	// name is exact in two sources about two times in three, a company's
	// nearly always). An exact match of two organisations' names
	// (OrgNames) weighs by it in place of the level's m (Scorer.OrgShift).
	MOrgExact float64 `json:"m_org_exact,omitempty"`
	// TFOrgTable holds, with TFOrgOnce, the organisations' names that are
	// not one's own (two identified organisations of one source hold
	// them), keyed as TFTable, with the frequency two organisations that
	// agree on them take: that of TFTable, or TFMin. People who write the
	// name too (the officer after whom a company is named) do not count:
	// no organisation is taken for a person.
	TFOrgTable map[string]float64 `json:"tf_org_table,omitempty"`
	// TFOrgForms holds, of the names of TFOrgTable, those no two
	// identified organisations of one source hold under one legal form
	// (one with none written may be any), keyed as TFTable by
	// OrgFormKey(name, form), with the frequency two organisations that
	// agree on the name, both written with that form, take: as a name not
	// in the table would. Capital Molina Servicios Ltd and Capital Molina
	// Servicios SAS are two companies of one register; a payment to
	// CAPITAL MOLINA SERVICIOS LTD can be only the first.
	TFOrgForms map[string]float64 `json:"tf_org_forms,omitempty"`
	// MFormsAgree and UFormsAgree, when both set, weigh the legal forms
	// of two organisations' names that agree exactly and both write one
	// (FormsOf): MFormsAgree is the share of matches whose forms agree
	// (compare.LegalFormsAgree), UFormsAgree the share of pairs of
	// organisations' names drawn at random whose forms agree. Forms that
	// agree add log2(M/U); forms that disagree log2((1−M)/(1−U)), U being
	// that of the forms (UFormsAgreeOf), never above M: Andina Caballero
	// Pacific C.A. and Andina Caballero Pacific S.R.L. are two companies
	// of one name, and a payment to ANDINA CABALLERO PACIFIC C.A. is the
	// first's (Scorer.Forms).
	MFormsAgree float64 `json:"m_forms_agree,omitempty"`
	UFormsAgree float64 `json:"u_forms_agree,omitempty"`
	// UFormsAgreeOf holds, for each legal form organisations' names write
	// (as normalize writes it: sa, gmbh), the share of them whose form
	// agrees with it: u of agreeing with that form, which a common form
	// (a German GmbH) makes larger than a rare one (an e.K.). Two forms
	// weigh by the larger of their shares, and a form not in it by
	// UFormsAgree.
	UFormsAgreeOf map[string]float64 `json:"u_forms_agree_of,omitempty"`
}

// FormsShare returns u of agreeing with legal form f: the share of
// organisations' names whose form agrees with it (UFormsAgreeOf), or, for
// a form not counted, UFormsAgree.
func (c *Comparison) FormsShare(f string) float64 {
	if u, ok := c.UFormsAgreeOf[f]; ok {
		return u
	}
	return c.UFormsAgree
}

// FormsWeights returns what the legal forms of two organisations' names
// that agree exactly add, u being the larger of their shares
// (FormsShare), never above m (MFormsAgree): log2(m/u) where they agree,
// log2((1−m)/(1−u)) where they disagree.
func (c *Comparison) FormsWeights(u float64) (agree, disagree float64) {
	m := c.MFormsAgree
	u = min(u, m)
	return math.Log2(m / u), math.Log2((1 - m) / (1 - u))
}

// How the legal forms of two names relate (FormsOf).
const (
	FormsUnknown  = 0 // either is no organisation's name, or writes no form
	FormsAgree    = 1
	FormsDisagree = 2
)

// FormsOf returns how the legal forms of a and b relate: FormsUnknown
// unless both are organisations' names (OrgName) that write a form, else
// FormsAgree or FormsDisagree (compare.LegalFormsAgree).
func FormsOf(a, b *record.Value) int {
	if !OrgName(a) || !OrgName(b) {
		return FormsUnknown
	}
	fa, fb := a.Facet("legal_form"), b.Facet("legal_form")
	switch {
	case fa == "" || fb == "":
		return FormsUnknown
	case compare.LegalFormsAgree(fa, fb):
		return FormsAgree
	}
	return FormsDisagree
}

// OrgFormKey is the key of an organisation's name written with a legal
// form in Comparison.TFOrgForms (before TFKey salts it).
func OrgFormKey(name, form string) string { return name + "\x00" + form }

// OrgName reports whether v was read as an organisation's name: normalize
// gives the facet "compact" (its words run together) to organisations'
// names alone.
func OrgName(v *record.Value) bool { return v.Facet("compact") != "" }

// OrgNames reports whether a and b are two organisations' names
// (OrgName) whose legal forms do not disagree: one with none written (a
// payment message cut it off, a list leaves it out) may be the other's
// company, but Acme Trading LLC and Acme Trading SA are two companies of
// one name, in two countries as a rule, whose name is no one's own.
func OrgNames(a, b *record.Value) bool {
	if !OrgName(a) || !OrgName(b) {
		return false
	}
	fa, fb := a.Facet("legal_form"), b.Facet("legal_form")
	return fa == "" || fb == "" || fa == fb
}

// RareNameSpan bounds how much rarer than the rarest counted value a name
// estimated from its tokens may be: the tokens of a name are not quite
// independent (a given name goes with a family's origin), so their
// product overstates how rare a name is. It bounds TFOrgOnce alike: no
// data keeps names apart so well that a name alone should weigh more.
const RareNameSpan = 64

// RareNameFrequency estimates the frequency of a name seen by no more
// than the pair that agrees on it, from the frequencies of its distinct
// tokens (space-separated in key): their product, between once/64 and
// once, the frequency of a value counted once. A name of rare
// tokens ("ana quinaga thornwell") is then far rarer than one of common
// tokens that happens to be seen once ("garcia maria").
func RareNameFrequency(key string, tokenFreq func(string) float64, once float64) float64 {
	p := 1.0
	seen := make([]string, 0, 8)
	for tok := range strings.FieldsSeq(key) {
		if slices.Contains(seen, tok) {
			continue
		}
		seen = append(seen, tok)
		p *= tokenFreq(tok)
	}
	return max(min(p, once), once/RareNameSpan)
}

// Level is one comparison level with its m and u probabilities. Weight,
// log2(m/u), is written for people reading the file; Compile recomputes it.
type Level struct {
	compare.LevelSpec
	M      float64 `json:"m"`
	U      float64 `json:"u"`
	Weight float64 `json:"weight"`
}

// Training records how the parameters were estimated.
type Training struct {
	Seed         uint64    `json:"seed"`
	URandomPairs int64     `json:"u_random_pairs"`
	Sessions     []Session `json:"em_sessions"`
	// Refined is how many times m was estimated again over every
	// candidate with the whole model, after the sessions.
	Refined  int      `json:"refined,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// Session is one EM run over the pairs of one blocking rule.
type Session struct {
	Rule       string   `json:"rule"`
	Pairs      int64    `json:"pairs"`
	Estimated  []string `json:"estimated"` // comparisons whose m it estimated
	MatchShare float64  `json:"match_share"`
	Iterations int      `json:"iterations"`
	Converged  bool     `json:"converged"`
	// Skipped says why the session did not run, when it did not.
	Skipped string `json:"skipped,omitempty"`
}

// TFKey is the key of value v in a term-frequency table salted with salt:
// 128 bits of SHA-256(salt, v), in hex.
func TFKey(salt []byte, v string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte{0})
	h.Write([]byte(v))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Spec returns the comparison spec of c.
func (c Comparison) Spec() compare.Spec {
	s := compare.Spec{Name: c.Name, Feature: c.Feature, Kind: c.Kind, TF: c.TF, Exclusive: c.Exclusive}
	for _, l := range c.Levels {
		s.Levels = append(s.Levels, l.LevelSpec)
	}
	return s
}

// FromSpec returns a Comparison for spec with parameters to be estimated.
func FromSpec(s compare.Spec) Comparison {
	c := Comparison{Name: s.Name, Feature: s.Feature, Kind: s.Kind, TF: s.TF, Exclusive: s.Exclusive}
	for _, l := range s.Levels {
		c.Levels = append(c.Levels, Level{LevelSpec: l})
	}
	return c
}

// Write encodes m as indented JSON, with the derived weights filled in.
func (m *Model) Write(w io.Writer) error {
	for i := range m.Comparisons {
		for j := range m.Comparisons[i].Levels {
			l := &m.Comparisons[i].Levels[j]
			l.Weight = round(weight(l.M, l.U), 4)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(m)
}

// Read decodes and validates a model.
func Read(r io.Reader) (*Model, error) {
	var m Model
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if m.Version != Version {
		return nil, fmt.Errorf("model: version %d, this build reads version %d", m.Version, Version)
	}
	// A threshold out of range would match everything, or nothing, in
	// silence (a hand-edited "match": 90 meaning 90%).
	if t := m.Thresholds; !(t.Match > 0 && t.Match <= 1) || !(t.Review >= 0 && t.Review <= t.Match) {
		return nil, fmt.Errorf("model: thresholds match %v and review %v: want probabilities, 0 < review ≤ match ≤ 1 (review may be 0)", t.Match, t.Review)
	}
	if _, err := m.Compile(); err != nil {
		return nil, err
	}
	for _, o := range m.DateOrders {
		if _, ok := normalize.DateOrderNamed(o.Order); !ok {
			return nil, fmt.Errorf("model: date order of %s.%s: %q is neither day_first nor month_first", o.Source, o.Field, o.Order)
		}
	}
	for _, a := range m.Aliases {
		if a.Source == "" || a.Field == "" || a.As == "" || a.As == a.Field {
			return nil, fmt.Errorf("model: field alias %q of source %q as %q: a source, a field and another feature's name are needed", a.Field, a.Source, a.As)
		}
	}
	for _, u := range m.NameUnions {
		if u.Source == "" || len(u.Fields) < 2 || slices.Contains(u.Fields, "") || u.As == "" || !u.Kind.IsName() {
			return nil, fmt.Errorf("model: name union of source %q as %q: a source, two fields or more, the field to read them as and a kind of name are needed", u.Source, u.As)
		}
	}
	for _, j := range m.NameJoins {
		if j.Source == "" || len(j.Fields) < 2 || slices.Contains(j.Fields, "") || j.As == "" {
			return nil, fmt.Errorf("model: name join of source %q as %q: a source, two fields or more and the field to read them as are needed", j.Source, j.As)
		}
	}
	return &m, nil
}

func weight(m, u float64) float64 {
	if m <= 0 || u <= 0 {
		return 0
	}
	return math.Log2(m / u)
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
