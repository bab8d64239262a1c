package accuracy

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/eval"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

var write = flag.Bool("write", false, "write docs/accuracy.md")

type dataset struct {
	name, task, config string
	target             float64 // minimum pairwise F1
	truth              func(recs []record.Record) map[record.Key]string
}

// febrlTruth reads the entity from Febrl's record ids: rec-N-org and
// rec-N-dup-K are entity N.
func febrlTruth(recs []record.Record) map[record.Key]string {
	t := make(map[record.Key]string, len(recs))
	for _, r := range recs {
		parts := strings.Split(r.Key.ID, "-")
		if len(parts) >= 2 {
			t[r.Key] = parts[1]
		}
	}
	return t
}

// historicalTarget is a floor under the historical figures' pairwise F1
// (0.90 on 5 December 2026), not a goal.
const historicalTarget = 0.88

// historicalTruth reads the entity from the historical figures' record
// ids: Q2296770-4 is entity Q2296770.
func historicalTruth(recs []record.Record) map[record.Key]string {
	t := make(map[record.Key]string, len(recs))
	for _, r := range recs {
		if i := strings.LastIndexByte(r.Key.ID, '-'); i > 0 {
			t[r.Key] = r.Key.ID[:i]
		}
	}
	return t
}

// patstatTarget is a floor under the PATSTAT applicants' pairwise F1
// (0.96 on 5 December 2026), not a goal.
const patstatTarget = 0.94

// indepTarget is a floor under the independent generator's pairwise F1
// (0.95 on 5 December 2026), not a goal.
const indepTarget = 0.92

// germanTarget is a floor under the German-style set's pairwise F1 (0.96
// on 6 December 2026), not a goal.
const germanTarget = 0.93

// chicagoTarget is a floor under the Chicago early-childhood sites'
// pairwise F1 (0.92 on 5 December 2026), not a goal.
const chicagoTarget = 0.90

type result struct {
	dataset
	records          int
	truePairs, cands int64
	completeness     float64
	m                eval.Metrics
	seconds          float64
	pred             map[record.Key]string // predicted entity per record
	queue            reviewQueue
}

// reviewQueue is what a run leaves people to review: its pairs, the
// records they hold in doubt (live.GroupReviews), and the share of the
// pairs whose records truth puts in one entity, by the model's
// probability where it says the pair is in the review band. A pair of a
// record truth does not score (the German-style register's officers) is
// no verdict either way: counted apart (unscored), not in the shares.
type reviewQueue struct {
	pairs, groups, unscored int
	same                    float64    // share of the scored pairs that are one entity (−1: none)
	band                    [3]float64 // of the band's scored pairs at 0.6–0.7, 0.7–0.8, 0.8–0.9, the share that are one entity (−1: none)
}

// queueOf measures the review queue of a run against truth.
func queueOf(review []engine.ReviewPair, truth map[record.Key]string) reviewQueue {
	q := reviewQueue{pairs: len(review), same: -1, band: [3]float64{-1, -1, -1}}
	rs := make([]record.Review, len(review))
	same := 0
	var inBand, sameInBand [3]int
	for i, p := range review {
		rs[i] = record.Review{A: p.A, B: p.B, Weight: p.Weight, Reason: p.Reason}
		ea, okA := truth[p.A]
		eb, okB := truth[p.B]
		if !okA || !okB {
			q.unscored++
			continue
		}
		one := ea == eb
		if one {
			same++
		}
		if engine.ReasonKind(p.Reason) == engine.KindBand {
			if k := int(p.Probability*10) - 6; k >= 0 && k < 3 {
				inBand[k]++
				if one {
					sameInBand[k]++
				}
			}
		}
	}
	q.groups = len(live.GroupReviews(rs))
	if scored := q.pairs - q.unscored; scored > 0 {
		q.same = float64(same) / float64(scored)
	}
	for k := range inBand {
		if inBand[k] > 0 {
			q.band[k] = float64(sameInBand[k]) / float64(inBand[k])
		}
	}
	return q
}

func TestAccuracy(t *testing.T) {
	febrl := filepath.Join("..", "..", "examples", "febrl")
	sets := []dataset{
		{"Febrl1", "dedupe, 1000 records", filepath.Join(febrl, "febrl1.yaml"), 0.95, febrlTruth},
		{"Febrl2", "dedupe, 5000 records", filepath.Join(febrl, "febrl2.yaml"), 0.95, febrlTruth},
		{"Febrl3", "dedupe, 5000 records", filepath.Join(febrl, "febrl3.yaml"), 0.97, febrlTruth},
		{"Febrl4", "link 5000 ↔ 5000", filepath.Join(febrl, "febrl4.yaml"), 0.99, febrlTruth},
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "data", "febrl", "dataset1.csv")); err != nil {
		t.Logf("Febrl data not found in ../shared/data/febrl: Febrl rows skipped")
		sets = nil
	}
	// Splink's demo data (examples/historical): people of Wikidata with
	// errors Splink's authors added, a set none of Concord's generators
	// wrote. The cluster is the record id without its number.
	sets = append(sets, dataset{"Historical figures", "Splink's historical_figures_with_errors_50k: dedupe, people of Wikidata with errors added (names, dates of birth, places, postcodes), many values missing",
		filepath.Join("..", "..", "examples", "historical", "historical.yaml"), historicalTarget, historicalTruth})
	// dedupe-examples' Chicago early-childhood sites (examples/chicago):
	// organisations alone, from five files of the city's agencies.
	chicago := filepath.Join("..", "..", "examples", "chicago")
	sets = append(sets, dataset{"Chicago early-childhood sites", "dedupe-examples' Chicago sites: dedupe, organisations alone (a site's name, often with its agency's before it, address, ZIP, a phone without its area code), from five files",
		filepath.Join(chicago, "chicago.yaml"), chicagoTarget,
		func([]record.Record) map[record.Key]string {
			return readTruth(t, filepath.Join(chicago, "truth.csv.gz"))
		}})
	// dedupe-examples' PATSTAT applicants (examples/patstat): companies'
	// names as patent filings write them, in a column of no declared kind.
	patstat := filepath.Join("..", "..", "examples", "patstat")
	sets = append(sets, dataset{"PATSTAT applicants", "dedupe-examples' patent applicants: dedupe, companies' names as filings write them (legal forms with and without dots, places after them, typos, older names), mapped as party names of no declared kind, with patent classes",
		filepath.Join(patstat, "patstat.yaml"), patstatTarget,
		func([]record.Record) map[record.Key]string {
			return readTruth(t, filepath.Join(patstat, "truth.csv.gz"))
		}})
	// The independent generator's set (examples/indep, scripts/indepgen):
	// a multi-source AML set whose conventions Concord's own generators
	// did not choose.
	indep := filepath.Join("..", "..", "examples", "indep")
	sets = append(sets, dataset{"Independent generator", "scripts/indepgen, seed 1: a US bank's customers (names in three columns, companies in a fourth), an acquired bank's nested KYC, a register and its officers, a JSON watch list, two-party wires; a fifth of the people pay from two accounts no source shows together",
		filepath.Join(indep, "indep.yaml"), indepTarget,
		func([]record.Record) map[record.Key]string {
			return readTruth(t, filepath.Join(indep, "truth.csv.gz"))
		}})
	// The German-style set (examples/eu, scripts/eugen): a third
	// generator's conventions.
	german := filepath.Join("..", "..", "examples", "eu")
	sets = append(sets, dataset{"German-style set", "scripts/eugen, seed 1: a bank's customers (given name, surname and company name in columns of their own, mapped as three fields), a commercial register (its officers in the register's own cell, not scored), an EU-style JSON list, SEPA payments of two parties; juniors, namesakes, and each GmbH & Co. KG's Verwaltungs GmbH at its address",
		filepath.Join(german, "eu.yaml"), germanTarget,
		func([]record.Record) map[record.Key]string {
			return readTruth(t, filepath.Join(german, "truth.csv.gz"))
		}})
	synthDir := t.TempDir()
	// The German-style set mapped with each field under its column's
	// name: aliases, name joins and unions together.
	sets = append(sets, dataset{"German-style set, fields named by their columns", "the same, its config naming each field after its column (the register's firma and registernummer, the list's wholename, birthdate and regnumber, the payments' dbtr_nm, cdtr_nm, dbtr_iban and cdtr_iban)",
		variant(t, german, "eu.yaml", synthDir, "eu-columns.yaml",
			"      name:    {column: firma, type: org_name}", "      firma:   {column: firma, type: org_name}",
			"      reg_no:  {column: registernummer, type: identifier}", "      registernummer: {column: registernummer, type: identifier}",
			"      name:     {column: nameAlias.wholeName, type: party}", "      wholename: {column: nameAlias.wholeName, type: party}",
			"      dob:      {column: birthdate.birthdate, type: date}", "      birthdate: {column: birthdate.birthdate, type: date}",
			`      reg_no:   {column: "identification[identificationTypeCode=regnumber].number", type: identifier}`,
			`      regnumber: {column: "identification[identificationTypeCode=regnumber].number", type: identifier}`,
			"          name: {column: geschaeftsfuehrer, type: name, split: \";\"}", "          geschaeftsfuehrer: {column: geschaeftsfuehrer, type: name, split: \";\"}",
			"{fields: {name: {column: Dbtr_Nm, type: party}, iban: {column: Dbtr_IBAN, type: identifier}}}", "{fields: {dbtr_nm: {column: Dbtr_Nm, type: party}, dbtr_iban: {column: Dbtr_IBAN, type: identifier}}}",
			"{fields: {name: {column: Cdtr_Nm, type: party}, iban: {column: Cdtr_IBAN, type: identifier}}}", "{fields: {cdtr_nm: {column: Cdtr_Nm, type: party}, cdtr_iban: {column: Cdtr_IBAN, type: identifier}}}"),
		germanTarget,
		func([]record.Record) map[record.Key]string {
			return readTruth(t, filepath.Join(german, "truth.csv.gz"))
		}})
	// The same set mapped as a user who maps each of the customers' name
	// columns as a field would: training must read them as one name
	// (engine.learnNameJoins), or no other source's name meets them.
	sets = append(sets, dataset{"Independent generator, name parts mapped apart", "the same, its config mapping the customers' FirstName, MiddleName and LastName as three fields typed name, and BusinessName as a field of its own: read as one name, and the business name as that field's, as their values show (0.9327 when they were read apart)",
		variant(t, indep, "indep.yaml", synthDir, "indep-apart.yaml",
			"      name:        {columns: [FirstName, MiddleName, LastName], type: name}\n",
			"      first_name:  {column: FirstName, type: name}\n      middle_name: {column: MiddleName, type: name}\n      last_name:   {column: LastName, type: name}\n",
			"      company:     {column: BusinessName, type: org_name, alias_of: name}\n", "      company:     {column: BusinessName, type: org_name}\n"), indepTarget,
		func([]record.Record) map[record.Key]string {
			return readTruth(t, filepath.Join(indep, "truth.csv.gz"))
		}})
	synthCfg, synthTruth, err := synth.Write(synthDir, synth.Options{Seed: 1, People: 5000})
	if err != nil {
		t.Fatal(err)
	}
	sets = append(sets, dataset{"Synthetic", "5 sources, people and companies, seed 1", synthCfg, 0.97,
		func([]record.Record) map[record.Key]string { return readTruth(t, synthTruth) }})
	// A second multi-source set, generated with other conventions than
	// the heterogeneous sets (a generator written apart from theirs).
	ukCfg, ukTruth, err := synth.WriteUK(filepath.Join(synthDir, "uk"), synth.UKOptions{Seed: 1, People: 3000})
	if err != nil {
		t.Fatal(err)
	}
	sets = append(sets, dataset{"UK-style", "4 sources with other conventions (a bank's customers, Companies House appointments, a FollowTheMoney-style list, wires whose beneficiaries carry a name alone), people and companies, seed 1", ukCfg, ukTarget,
		func([]record.Record) map[record.Key]string { return readTruth(t, ukTruth) }})
	// heteroSet writes a heterogeneous set into dir and adds it to the
	// sets measured.
	heteroSet := func(name, task, dir string, opt synth.HeteroOptions, target float64) *synth.HeteroSet {
		cfg, truth, set, err := synth.WriteHetero(filepath.Join(synthDir, dir), opt)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, dataset{name, task, cfg, target,
			func([]record.Record) map[record.Key]string { return readTruth(t, truth) }})
		return set
	}
	hetero := heteroSet("Heterogeneous", "4 sources (KYC, registry, sanctions, payments), people and companies, seed 1", "hetero",
		synth.HeteroOptions{Seed: 1, People: 6000}, heteroTarget)
	// The same set with its payments' parties mapped by their names and
	// countries alone, as payment messages may carry no account and no
	// address: a party is then linked by its name's rarity, and a payment
	// naming one of two namesakes can be told from the other by nothing.
	sets = append(sets, dataset{"Heterogeneous, payments of a name and a country", "the same, its payments mapped without their accounts and addresses: each party a name and a country", nameOnlyPayments(t, filepath.Join(synthDir, "hetero")), nameOnlyTarget,
		func([]record.Record) map[record.Key]string {
			return readTruth(t, filepath.Join(synthDir, "hetero", "truth.csv"))
		}})
	// The same set with a company named alike in 1,500 more payments and
	// a person in 750: blocks over the size cap that copies fill.
	heteroSet("Heterogeneous, busy payees", "the same, and one company in 1,500 more payments and one person in 750, written alike (most true pairs are theirs)", "hetero-busy",
		synth.HeteroOptions{Seed: 1, People: 6000, BusyPayments: 1500}, heteroTarget)
	// The same set with values written as many systems write them: words
	// and fillers where values are missing, labels around identifiers,
	// payment parties in banks' forms.
	// They must cost next to nothing (messyCost).
	heteroSet(messySet, "the same, with N/A, SIN DIRECCION, 01/01/1900, 0 and the like where KYC rows and payments have no value, SEE FILE and 01/01/1970 too (placeholders only their number of holders tells), labels around identifiers (C.I. V-12.345.678, Passport B63358773 (Syrian)), accounts before payments' parties (/VE4301… JUAN PEREZ), and payment parties as banks write them: a tenth of people's as surnames and initials (PEREZ GARCIA J C), a tenth of companies' with the person for whose attention (ACME LTD ATTN JOHN SMITH), and one KYC row in twenty in UTF-8 inside the Latin-1 file (JosÃ© MuÃ±oz)", "hetero-messy",
		synth.HeteroOptions{Seed: 1, People: 6000, Messy: true}, heteroTarget)
	// The same set with East Asian people's family names in other
	// romanisations in a third of their records.
	heteroSet("Heterogeneous, other romanisations", "the same, a third of East Asian people's records with their family name in another romanisation than their other records' (Yi and Rhee for Lee, Pak for Park, Chang and Cheung for Zhang, Wong for Wang and Huang, Ng for Wu, Jo for Cho)", "hetero-romanised",
		synth.HeteroOptions{Seed: 1, People: 6000, Romanisations: true}, heteroTarget)
	// The same set with some companies named by their acronyms.
	heteroSet("Heterogeneous, acronyms", "the same, a fifth of the companies of three words or more named by their initials in half their KYC rows and payments (PDP, PDP C.A., PDPCA for Pacífico Delgado Pacífico C.A.) and given them as an alias by the sanctions list", "hetero-acronyms",
		synth.HeteroOptions{Seed: 1, People: 6000, Acronyms: true}, heteroTarget)
	// The same set mapped as a user who names each field after its column
	// would: training must find the fields that hold one another's names,
	// numbers and dates (engine.learnAliases), or compare none of them.
	heteroSet("Heterogeneous, fields named by their columns", "the same, its config naming each field after its column (nombre, company, documento, reg_no, the list's national_id, passport and registration apart, fecha_nac and birth_date): read as one feature where their values show it (0.6230 when they were read apart)", "hetero-columns",
		synth.HeteroOptions{Seed: 1, People: 6000, ColumnNames: true}, heteroTarget)
	// The seed-1 set mapped as other readers of the README would: each
	// config differs from the generator's in what a user may leave out
	// or get wrong, and must score as it does.
	heteroTruth := func([]record.Record) map[record.Key]string {
		return readTruth(t, filepath.Join(synthDir, "hetero", "truth.csv"))
	}
	heteroDir := filepath.Join(synthDir, "hetero")
	sets = append(sets,
		dataset{"Heterogeneous, mapped loosely", "the same, its config declaring no kinds, no date formats and no phone region, every name typed name, the list's aliases a field of their own: kinds, the order of day and month and the names that are companies' read from the sources' first rows, phones without a country code rejected with a warning", variant(t, heteroDir, "concord.yaml", heteroDir, "loose.yaml",
			"    kind: {column: tipo, values: {N: person, J: organization}}\n", "",
			"    kind: organization\n", "",
			"    kind: {column: schema, values: {Person: person, Company: organization}}\n", "",
			`, formats: ["DD/MM/YYYY"]`, "",
			", region: VE", "",
			"type: party", "type: name",
			"type: org_name", "type: name",
			", alias_of: name}", "}"), heteroTarget, heteroTruth},
		dataset{"Heterogeneous, sources declared people's", "the same, its KYC file, list and payments declared people's (kind: person) though they hold companies too, their names typed party: the names that read as companies' are taken for organisations", variant(t, heteroDir, "concord.yaml", heteroDir, "people.yaml",
			"    kind: {column: tipo, values: {N: person, J: organization}}\n", "    kind: person\n",
			"    kind: {column: schema, values: {Person: person, Company: organization}}\n", "    kind: person\n",
			"    id: ref\n", "    id: ref\n    kind: person\n"), heteroTarget, heteroTruth},
		dataset{"Heterogeneous, the list's ids mapped whole", "the same, the list's ids (a list of objects with a type and a number) mapped as one field: each entry kept without them, and a warning naming the path that reads them", variant(t, heteroDir, "concord.yaml", heteroDir, "ids.yaml",
			"      id_number:   {column: \"ids[type=national_id].number\", type: identifier}\n", "      ids:         {column: ids, type: identifier}\n",
			"      reg_number:  {column: \"ids[type=registration].number\", type: identifier, alias_of: id_number}\n", "",
			"      passport:    {column: \"ids[type=passport].number\", type: identifier, alias_of: id_number}\n", ""), heteroTarget, heteroTruth})
	// The same kind of data at the size of the held-out set (about 90k
	// records), where names collide more often and each pair's prior is
	// smaller: measured when the file is written, as it takes a while
	// under the race detector.
	var large *synth.HeteroSet
	if *write {
		large = heteroSet("Heterogeneous, large", "the same 4 sources at 6× the people, seed 7", "hetero-large",
			synth.HeteroOptions{Seed: 7, People: 36000}, heteroLargeTarget)
		heteroSet("Heterogeneous, large, messy values", "the large set with messy values, as the messy row's", "hetero-large-messy",
			synth.HeteroOptions{Seed: 7, People: 36000, Messy: true}, heteroLargeTarget)
		// The held-out set's size with payments of a name and a country:
		// more namesakes for each such payment to be told from.
		sets = append(sets, dataset{"Heterogeneous, large, payments of a name and a country", "the large set, its payments mapped as the name-and-country row's", nameOnlyPayments(t, filepath.Join(synthDir, "hetero-large")), nameOnlyLargeTarget,
			func([]record.Record) map[record.Key]string {
				return readTruth(t, filepath.Join(synthDir, "hetero-large", "truth.csv"))
			}})
	} else {
		t.Log("the large heterogeneous set is measured with -write only")
	}

	var results []result
	var breakdown, largeBreakdown string
	for _, ds := range sets {
		t.Run(ds.name, func(t *testing.T) {
			r := run(t, ds)
			results = append(results, r)
			if ds.name == "Heterogeneous, large" {
				_, b := heteroReport(large, r.pred)
				largeBreakdown = largeSummary(b)
				if b.personOrg > 0 || b.datedRelatives > 0.01 {
					t.Errorf("large set: %d entities hold a person and an organisation (want none); relatives with dates of birth merged %.4f of the time (want ≤ 0.01)", b.personOrg, b.datedRelatives)
				}
			}
			if ds.name == "Heterogeneous" {
				var b heteroBreakdown
				breakdown, b = heteroReport(hetero, r.pred)
				if b.personOrg > 0 {
					t.Errorf("%d predicted entities hold a person and an organisation, want none", b.personOrg)
				}
				t.Logf("recall gap between name origins: %.1f points; over pairs of distinctive names %.1f", 100*b.originGap, 100*b.distinctiveGap)
				if b.datedRelatives > 0.01 {
					t.Errorf("relatives with dates of birth merged %.4f of the time, want ≤ 0.01", b.datedRelatives)
				}
			}
			t.Logf("%s: pairwise P %.4f R %.4f F1 %.4f", ds.name, r.m.PairwisePrecision, r.m.PairwiseRecall, r.m.PairwiseF1)
			if r.m.PairwiseF1 < ds.target {
				t.Errorf("%s pairwise F1 = %.4f, target ≥ %.2f", ds.name, r.m.PairwiseF1, ds.target)
			}
		})
	}
	f1 := map[string]float64{}
	for _, r := range results {
		f1[r.dataset.name] = r.m.PairwiseF1
	}
	if plain, ok := f1["Heterogeneous"]; ok {
		if with, ok := f1[messySet]; ok && with < plain-messyCost {
			t.Errorf("messy values cost %.4f of pairwise F1 (%.4f against %.4f without them), want at most %.3f", plain-with, with, plain, messyCost)
		}
	}
	if *write {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "accuracy.md"), []byte(report(results)+breakdown+largeBreakdown), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func run(t *testing.T, ds dataset) result {
	cfg, err := config.Load(ds.config)
	if err != nil {
		t.Fatal(err)
	}
	// A first pass loads the records to build the truth; Resolve loads them again.
	var recs []record.Record
	if _, err := engine.Load(context.Background(), cfg, func(r record.Record) error { recs = append(recs, r); return nil },
		func(engine.Reject) error { return nil }, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	truth := ds.truth(recs)
	start := time.Now()
	res, err := engine.Resolve(context.Background(), cfg, func(engine.Reject) error { return nil }, engine.ResolveOptions{Truth: func(k record.Key) (string, bool) { e, ok := truth[k]; return e, ok }})
	if err != nil {
		t.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	ta, pa := eval.NewAssignments(), eval.NewAssignments()
	for k, e := range truth {
		ta.Add(k.Source, k.ID, e)
	}
	pred := make(map[record.Key]string, len(res.Records))
	for i, r := range res.Records {
		pa.Add(r.Key.Source, r.Key.ID, string(res.Entities[i]))
		pred[r.Key] = string(res.Entities[i])
	}
	b := res.Stats.Blocking
	return result{dataset: ds, records: len(res.Records), truePairs: b.TruePairs, cands: b.CandidatePairs,
		completeness: *b.PairCompleteness, m: eval.Evaluate(ta, pa), seconds: secs, pred: pred, queue: queueOf(res.Review, truth)}
}

// readTruth reads a truth file (source,record_id,entity_id), gzipped or
// not, as concord eval does.
func readTruth(t *testing.T, path string) map[record.Key]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ingest.Decompress(f) // gzipped or not
	if err != nil {
		t.Fatal(err)
	}
	a, err := eval.ReadAssignments(r, path)
	if err != nil {
		t.Fatal(err)
	}
	return a.Map()
}

func report(rs []result) string {
	var b strings.Builder
	b.WriteString(`# Accuracy

Unsupervised: no labels are used for training. Each run uses the example config in
` + "`examples/febrl/`" + ` (or the synthetic generator's) with default settings: u from 500,000
seeded random pairs, m by EM per blocking rule, the prior from the sessions, match
threshold ` + fmt.Sprint(config.DefaultThresholds.Match) + `. Pairs are counted from the contingency table (` + "`concord eval`" + `).

Regenerate this file with:

    go test ./internal/accuracy -run TestAccuracy -write

The same test, run without ` + "`-write`" + ` in CI, fails if pairwise F1 drops below the targets
(Febrl4 0.99, Febrl3 0.97, synthetic 0.97, Febrl1 and Febrl2 0.95, heterogeneous ` + fmt.Sprint(heteroTarget) + `,
UK-style ` + fmt.Sprint(ukTarget) + `, historical figures ` + fmt.Sprint(historicalTarget) + `, Chicago sites ` + fmt.Sprint(chicagoTarget) + `, PATSTAT applicants ` + fmt.Sprint(patstatTarget) + `,
independent generator ` + fmt.Sprint(indepTarget) + `, German-style ` + fmt.Sprint(germanTarget) + `: floors under what they measure, not goals),
or if values written as many systems write them (placeholders for missing values, labels
around identifiers) cost the heterogeneous set more than ` + fmt.Sprint(messyCost) + ` of it (read as they
are written, as by the code of 3 December, they cost 0.075: F1 0.9042; without the
placeholders found by their number of holders, 0.0020, measured before the accounts were
added).
The large heterogeneous set, the size of the held-out set, is measured when the file is
written (target ` + fmt.Sprint(heteroLargeTarget) + `).

| data | task | records | true pairs | candidate pairs | pair completeness | pairwise P | pairwise R | pairwise F1 | B-cubed P | B-cubed R | B-cubed F1 | seconds |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
`)
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %.4f | %.4f | %.4f | **%.4f** | %.4f | %.4f | %.4f | %.1f |\n",
			r.name, r.task, r.records, r.truePairs, r.cands, r.completeness,
			r.m.PairwisePrecision, r.m.PairwiseRecall, r.m.PairwiseF1, r.m.BCubedPrecision, r.m.BCubedRecall, r.m.BCubedF1, r.seconds)
	}
	b.WriteString(`
Seconds are wall time of ` + "`engine.Resolve`" + ` (load, blocking, training, scoring, clustering) on
the 2-core development machine.

What each run leaves to people: the pairs of its review queue (review.csv), the records
they hold in doubt, which the workbench's review by record and ` + "`concord review --by-record`" + `
decide a group at a time (` + "`live.GroupReviews`" + `), and, with the truth as the reviewer, the
share of the pairs that are one entity, over the queue and in each tenth of the review
band (the share the model's probability there would promise is 0.65, 0.75, 0.85: below
it, the model is surer of those pairs than their truth allows; the workbench's model view
counts reviewers' verdicts so). The shares leave out the pairs of a record the truth does
not score (the German-style register's officers: until 7 December they counted as two
entities, and its queue read 0.16 one entity):

| data | pairs in review | of them unscored | records in doubt | one entity | band 0.6–0.7 | band 0.7–0.8 | band 0.8–0.9 |
|---|---:|---:|---:|---:|---:|---:|---:|
`)
	share := func(x float64) string {
		if x < 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f", x)
	}
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %s | %s |\n", r.name, r.queue.pairs, r.queue.unscored, r.queue.groups,
			share(r.queue.same), share(r.queue.band[0]), share(r.queue.band[1]), share(r.queue.band[2]))
	}
	b.WriteString(`
What limits recall: pairs no blocking rule brings together (1 − pair completeness), and
duplicates whose date of birth or national id differs outright from the other record's
while neither agrees even nearly. Concord treats such a pair as two people (a family
member, a namesake) and sends it to review instead of linking it: on Febrl, whose
generator corrupts these fields at random, that costs a little recall; on data with real
families sharing surname, address and phone, it is what keeps precision near 1.

The default match threshold is 0.9 (a false link taken as costing nine missed ones), down
from 0.95 until 3 December 2026. At 0.95 a party that carries a name and a country alone
could not be linked even by a rare exact name: with the prior of its pair of sources, such
a pair scores about 0.8–0.93 (a company named in a wire, APEX VENTURES, against the
register's Apex Ventures Ltd: 0.93), and the review band took them all. Side by side, the
same code (of 3 December) at four thresholds (pairwise F1; namesakes merged of those planted):

| set | 0.80 | 0.85 | 0.90 | 0.95 |
|---|---:|---:|---:|---:|
| heterogeneous, seed 1 | 0.9827 | 0.9822 | 0.9796 | 0.9790 |
| heterogeneous, seed 2 | 0.9821 | 0.9810 | 0.9801 | 0.9794 |
| heterogeneous, seed 3 | 0.9804 | 0.9802 | 0.9788 | 0.9776 |
| heterogeneous, large (seed 7) | 0.9772 | 0.9768 | 0.9758 | 0.9752 |
| UK-style, seed 1 | 0.8660 | 0.8572 | 0.8250 | 0.6510 |
| UK-style, seed 2 | 0.8688 | | 0.8411 | 0.6505 |
| UK-style, seed 3 | 0.8639 | | 0.8391 | 0.6555 |
| namesakes merged, seeds 1, 2, 3, large | 8, 7, 5, 22 | 4, 5, 3, 21 | 3, 5, 3, 14 | 2, 1, 2, 7 |

Precision stays at 0.985 or above at every threshold; Febrl3 and Febrl4 gain a little
(0.9928 → 0.9933 and 0.9964 → 0.9969). A lower threshold gains a few more points where
parties carry a name alone, and merges more namesakes: two people of one rare full name,
one known only from payments, whose other values (a country, an address) disagree, score
a little above 0.8. 0.9 keeps most of the gain and namesakes merged near where they were.
A user who wants fewer links and more review sets ` + "`thresholds.match`" + `.

What limits recall now: payment parties that carry a name and a country and nothing else,
whose names many people share. With six times the people, each source pair's prior is
about 2 bits smaller (six times the records on each side for six times the matches) and
names are shared by more people, so such a party scores below the match threshold even
with the customer's exact name (of 40 customer–payment pairs drawn from those the large set
missed at 0.95, 31 were a name and a country alone, 13 of them in the review band); a
payment that fits a parent and a junior at one address as well is held for review as
ambiguous.

The heterogeneous set's 356 missed pairs, read one by one on 6 December: 174 write the
same name on both sides (namesakes with nothing else to go by, and juniors: a payment
with the name, address and phone of a parent and a junior, whose KYC rows differ by the
date of birth alone, is held as ambiguous, as it should be); 11 differ by a
transliteration (VLADIMIR and WLADIMIR, ANDREI and ANDREY), which reaches a level below
exact agreement, so that a namesake's payment written as the KYC row writes the name
comes within the ambiguity margin; the rest are typos, dropped surnames and nicknames
held as ambiguous among relatives. Spellings of one given name in other
transliterations and languages (Andrei, Andrey and Andrew; Wladimir and Vladimir;
Tatyana and Tatiana; Jewgeni, Yevgeny and Eugene; Djamel and Jamal; Mostafa and Mustafa)
are nicknames of each other now, a level as strong as exact agreement, bounded by the
commoner name's frequency as every near level is (6 December, later): the heterogeneous set
0.9818 → 0.9820, its name-and-country row 0.8910 → 0.8920, messy values 0.9821 → 0.9824,
the independent generator 0.9532 → 0.9537, the German-style set 0.9594 → 0.9597, the
others unchanged. With them, East Asian family names in other romanisations code alike
(Chang and Cheung as Zhang, Yi and Rhee as Lee, Pak as Park, Ng as Wu), and a spelling
that is two names' (Wong for Wang and Huang, Tsui for Xu and Cui) or a Western name too
(Jo for Cho), which no one code can stand for, is a nickname of each: the row of the
set whose East Asian people write their family name in another romanisation in a third
of their records (a variant of the generator, HeteroOptions.Romanisations, added to
measure it) scored 0.9790 with the code of the session's start, 0.9812 now (the set
without them 0.9819); all of them nicknames of each other, as strong as exact
agreement, was tried: 0.9819 there, but the name-and-country row's precision 0.9487 →
0.9464 (Li and Lee, two families in the generator's pools, joined more namesakes). The
phonetic level read one name's codes in the other's as a set, so that Huang Fang (HNK
FNK) held Wang Fang (FNK FNK) but not the other way round: each code is matched once now,
the level the same whichever record comes first (the independent generator 0.9539 →
0.9544, the heterogeneous set 0.9820 → 0.9819: one entity, Lee Do-yun, whose payment
is left apart from its KYC row now, three of the East Asian pairs below). A fuzz test
of every name comparison both ways round (compare.FuzzNameLevels) then found the subset
and truncated levels alike: a token of the other name could be matched twice (Maria
Maria within Maria Lopez), and of two names as long, one was a subset or a cut of the
other one way only. Each token is matched once now, exact matches before initials:
the independent generator 0.9544 → 0.9559, UK-style 0.8668 → 0.8673, the historical
figures 0.8983 → 0.8985, the heterogeneous set 0.9819 → 0.9818 and its messy row 0.9823
→ 0.9816 (pairs written alike on both sides, of entities whose other records moved: an
effect through training and clustering, not these pairs' levels). Its sibling for
the other kinds (compare.FuzzValueLevels) found the addresses' contained level so too;
fixed alike, no figure moved. Jelena and Yelena code alike too, and
names as files of other countries abbreviate them are written out (Fco., Ma. before a
Spanish given name, Mohd., Md., Hdez.), titles of South Asia, Malaysia and West Africa
are dropped (Smt., Shri, Dato' Sri, Tan Sri, Alhaji, Engr.), and Cantonese and Hokkien
names are read family name first (Chan Tai Man, Tan Ah Kow), as are addresses of Hong
Kong, Singapore and India (12/F and G/F floors, Blk 123 #05-67, S560123, H.No.
12-3-456, where the floor or the estate's flat had been read as the house number): no
set here writes these forms (each has its cases in normalize/testdata/cases.tsv); Jeanne and Joanne, a
misspelt vowel after a j that is no y, still code alike (the historical figures lost
0.0009 when every leading je folded as ye does).

An organisation written as its acronym in one source and in full in another (PDVSA and
Petróleos de Venezuela S.A.; IBM CORP. and INTERNATIONAL BUSINESS MACHINES CORP.) met at
no level and shared no blocking key. Each organisation's name now carries the words it
may be shortened to (normalize.Acronyms: its initials with and without particles, alone
and with a legal form written as initials before or after), or the word it is written
as; a default blocking rule pairs names that share one, and an acronym level (between
truncated and phonetic for parties, after subset for organisations' names) holds when
one name is written short and the other in full (7 December): PATSTAT 0.9780 → 0.9798
(IBM CORP. joins the four records that write it in full; Akzo Novel and Sclumberger
join theirs through the change training makes to the weights), the heterogeneous set unchanged but for its pair completeness
(0.9951 → 0.9963: names in full with a typo share their initials), the independent
generator 0.9559 → 0.9558, the others unchanged. The set whose companies' KYC rows and
payments write a fifth of them by their initials, and whose list gives those as
aliases (HeteroOptions.Acronyms, written to measure it), scored 0.9793 with the code
before, 0.9815 now (the set without them 0.9818). The rule adds about 3% to the
candidate pairs (the large set 2,907,383 → 3,002,219).

A syllable of a Korean given name spelt as a Portuguese or Italian particle (the Do of
Lee Do-yun and Do yun Lim, the Da of Kim Da-eun) was left out of the name's phonetic
codes, as the do of Maria do Carmo is, so that LEE DO-YUN coded as Lee Eun-ji and a
payment of one at the other's address scored as the same person's with a near name:
the entity Lee Do-yun, whose payments stayed apart from its list entry as ambiguous
with its neighbour, is the one the distinctive East Asian names lost to the symmetric
phonetic level. A name that begins or ends with an East Asian family name keeps every
word's code now (7 December): the heterogeneous set 0.9818 → 0.9819, the independent
generator 0.9558 → 0.9559, East Asian distinctive pairs 0.9747 → 0.9797 (the gap over
distinctive names 2.5 → 2.0 points); the name-and-country row 0.8920 → 0.8901 and the
large one 0.8328 → 0.8325. That loss is not these names': training, no longer
counting Lee Eun-ji and Lee Do-yun at the phonetic level as one person, halves that
level's m (0.037 → 0.020), and with the weights so moved a handful of common Russian
names written alike in payments alone (six payments of two Mikhail Lebedevs, one of
them in the KYC file) are held apart as ambiguous where they were all put in one entity.
A name that is a particle alone is a name too, and keeps its code: the Vietnamese family
names Lê and Đỗ (Thanh Le coded as Thanh alone, and so met Thanh Tran at the phonetic
level, 8.6 bits, where it is similar ≥0.80 now), Le Van Thanh's middle name, Van
Morrison's given name (the historical figures 0.8985 → 0.8984, PATSTAT 0.9798 → 0.9799;
no generator writes such names).

Two companies of one name under two legal forms (Andina Caballero Pacific C.A. and
Andina Caballero Pacific S.R.L.; Minera Ortega Agro L.L.C. and Agro Ortega Minera
Limited, whose words are the same) agreed on their names at full weight, so that a
payment naming one with its form was as strong a link to the other, and clustering held
both back as ambiguous: on a large set of seed 11 with payments of a name and a
country, 1,664 pairs of a registered company and its payments were missed, most of the
ones read so. The legal
forms of two organisations' names that agree exactly and both write one now weigh as a
comparison of their own (7 December): forms that agree add log2(m/u), forms that
disagree log2((1−m)/(1−u)), m the share of matches whose forms agree, estimated over
every candidate and never above 0.95, u the share of organisations' names whose form
agrees with theirs (a GmbH agreeing with a GmbH says less than an e.K. with an e.K.;
model.json ` + "`m_forms_agree`, `u_forms_agree`, `u_forms_agree_of`" + `; the waterfall's
bar ` + "`legal form of name`" + `): German-style 0.9597 → 0.9858 (a company of the register
and its SEPA payments, its name and form alone, now link), PATSTAT 0.9799 → 0.9832
(m 0.91 there: real filings do change their forms), the independent generator 0.9559 →
0.9571, the name-and-country row 0.8901 → 0.8902, its large row 0.8325 → 0.8349, the
large set 0.9800 → 0.9801, the others unchanged. On seeds not measured above, alike:
German-style seeds 2 and 3 0.9584 → 0.9841 and 0.9599 → 0.9848, the independent
generator's 0.9484 → 0.9506 and 0.9520 → 0.9531, heterogeneous seeds 2 to 5 unchanged
with their accounts and +0.0003 to +0.0008 with payments of a name and a country. A
legal form written with commas for its dots after a single word (DSM N,V., Maasland
N,V,, as some filings write N.V.) is read as one, where it was a person's initials:
PATSTAT 0.9832 → 0.9835, the others unchanged. The place a filing writes after a comma
goes from a name that writes its form first, as it went from one that writes it last
(N.V. NUTRICIA, ZOETERMEER, NL and NAAMLOZE VENNOOTSCHAP NUTRICIA, ZOETERMEER are N.V.
Nutricia, as AKZO NOBEL N.V., ARNHEM was Akzo Nobel N.V.): PATSTAT 0.9835 → 0.9838.
The place Dutch writes after the form with te (DSM N.V. TE HEERLEN, read as a person's
name with initials N and V) was left: taken off, it split the filings of Philips in two,
0.9835 → 0.8584, as PHILIPS ELECTRONICS N.V. TE EINDHOVEN had been the one record whose
words (Philips, Eindhoven) joined the company's filings under its old name (N.V.
Philips' Gloeilampenfabrieken, Eindhoven) to those under its new one; the two names share
no other word, and the truth holds them one company.

A person's name in another romanisation of Arabic or Russian (Hassan Mansour and HASAN
MANSUR, Rasheed and Rashid, Yuriy Belyaev and IURII BELIAEV, Bilal El Rashid and AL
RASHID/BILAL) reached the level similar ≥0.92 at best, the phonetic level or none
(YANUARIY SAMOYLOV and Januarii Samoilov, two edits in each word, weighed −10 bits), and
its frequency was not read. It has a level of its own now, after nickname, with its own
m and u (7 December): each word the other's but for a doubled letter, ee and i, oo and
ou and u, ey and ei, q and k, y and i, an ending iy or ii, a Cyrillic letter as ICAO's
passports write it (Iurii), and the article el (normalize's facet ` + "`spelling`" + `), never other
vowels, which make other names (Khaled and Khalid, Saad and Said), nor words of three
letters (Li and Lee); weighed, as the other near levels are, by the commoner name's
frequency. What it moves is small, as the pairs so written were mostly linked by their
other features: the name-and-country row 0.8902 → 0.8915, the heterogeneous set
unchanged at 0.9819 (its Arabic recall 0.9623 → 0.9641), the historical figures 0.8984 → 0.8989, the large name-and-country row 0.8349
→ 0.8350, the independent generator 0.9571 → 0.9566 (the level similar ≥0.92, without
the romanisations it held, weighs less: 10.8 → 10.4 bits there, and a few typos' pairs
fall under the threshold), the large set 0.9801 → 0.9800, the others unchanged or
0.0001 apart; heterogeneous seeds 2 to 5 with payments of a name and a country +0.0021,
+0.0011, −0.0010, +0.0008, with their accounts −0.0001 to +0.0003, the independent
generator at 87,000 records +0.0001, German-style 0.9858 → 0.9857 (one pair). Two relatives of one name written in two
romanisations (Olga Orlow and her junior Olga Orlov at one address) are now as near to
a payment that names one of them as the name written alike, and it is held for review:
the Slavic recall of this set 0.9449 → 0.9412 (four pairs).

Nickname groups the table lacked (Rafa for Rafael, Khaled for Khalid, Fatma for Fatima,
Masha for Maria, Hans for Johannes, Gianni for John, and about fifty more of Spanish,
Russian, Arabic, English, Italian and German given names; surnames of a given name's
stem, Russell and Mitchell, left out) moved the independent generator 0.9566 → 0.9574,
the name-and-country row 0.8915 → 0.8928, the heterogeneous set 0.9819 → 0.9821 and
the historical figures 0.8989 → 0.8991 (7 December).

The historical figures' dates of birth known to the year are written as 1 January of it,
as Wikidata stores them: 14,386 of 38,790 dates. Each year's 1 January was held by so
many records of different names that 52 of them were read as placeholders, and their
records' dates as missing: 19,564 of the set's 54,645 missed true pairs had such a date
on one side. A date field with five or more dates of 1 January found so writes years
alone so: they are kept, and one or two (a system's 01/01/1900 and 01/01/1970, as the
messy row writes them) are still placeholders. Kept as values, two people born in 1860
agree on 1860-01-01 as if on a day: dates now weigh by their frequency where a date is
held by more than four times as many as the average date (1860-01-01: −1.7 bits), a
person's copies counted once (records of one date whose names share a word), and as
the exact level says otherwise: with every date held by more than two weighed so, Febrl3
lost 0.0009, as a date three of 5,000 records hold is no commoner than most. The
historical figures 0.8991 → 0.9111 (precision 0.9944 → 0.9911, recall 0.8205 → 0.8431);
kept without the dates' frequencies, 0.9087 (precision 0.9812); read as years alone
(1860), 0.8877, as a year and a day in another year then disagree where one digit of
two days differs. Every other row is unchanged. A name's holders were counted apart
where one person's copies wrote its date of birth with a typo (Joseph Carpue born
1764-05-04, 1764-04-04 and 1764-02-04: three holders, so that the name weighed 1.8 bits
less than its exact level, where as the rare name it is it weighs 2.5 more): records of one name whose
dates are one digit apart (the year's last, but for 1 January, the month's or the
day's) are one holder now, 0.9111 → 0.9126, the others unchanged. A word counted as
its commoner spelling one edit away (SIDNSY as Sidney) was weighed against the words
it was written with itself: Pelham alone, so that its company's share was Pelham's
and the word looked forty times commoner than Sidney; it keeps its spelling's company
now: the historical figures 0.9126 → 0.9140, the name-and-country row 0.8928 → 0.8934,
the independent generator 0.9574 → 0.9575, the heterogeneous set unchanged (seeds 2 to 4
with payments of a name and a country +0.0008, +0.0004, +0.0009, with their accounts
0.0000, 0.0000, +0.0003). Eddy for Edward, Mo for Maurice, and Essie and Hettie for
Esther and Hester, which its records write, moved it 0.9140 → 0.9147.

A near level's pair of people's names took the commoner name's frequency as one name
slipped wherever one word apart was a letter from the other: Hu Chun-ming and a payment
to HU CHUN-PING, +5.2 bits as the rare name it seemed, linked at 0.96 with a name and a
country alone. Two words that are each a name of their own (held by more than two
holders, and by not more than twenty times fewer than any word a letter away, whatever
the letter: JENRY and EILLIAM, typos the historical figures hold four and five times,
are none) and sound apart (Catherine and Katherine, Roger and Rodger do not) are two
names now, and keep their level's weight: the large set with payments of a name and a
country 0.8369 → 0.8374 (precision 0.9282 → 0.9295), the name-and-country row 0.8934 →
0.8936, German-style 0.9857 → 0.9858; the historical figures 0.9147 → 0.9146, where
John Williams Batterham's Williams, a typo of a given name, is a surname of its own
(7 December).

Postcodes were compared exact, one edit apart, or not at all: two of one person's records
that write two streets of one district (Henry Hill Hickman born 1800-01-27 at S81 0UN,
Henry Hickman born that day at S81 8AT) disagreed at else, −1.7 bits, and stayed two
entities. Codes whose parts can be read (the UK's, Canada's, the Netherlands') agree now
by the smallest area both are in, as Splink's postcode comparison does: the historical
figures weigh the same sector, district and area +7.9, +5.8 and +3.0 bits (else −3.0),
and score 0.9146 → 0.9174 (recall 0.8498 → 0.8588, precision 0.9901 → 0.9846: footballers
of Stoke born in 1860, whose entities a record that names Thomas alone linked, were kept
apart by their postcodes' disagreement, which a district no longer is); every other row
is unchanged (codes of digits alone, Febrl's, Chicago's and the German-style set's, have
no parts read; UK-style's are drawn at random in a town). A default blocking rule of a
surname that sounds alike in one district added 2,000 pairs and 0.0007 there, and was
left out, as its keys are empty for codes of digits alone (7 December).

Organisations' names that share their own words and differ in others (a site written
with its agency's name before it: Henry Booth House - New Pisgah, New Pisgah Day Care
Center; Gina's Unbelievable Learning Center, Henry Booth House Gina's Unbelievable) were
at else, −11.8 bits, whatever the address and phone agreed on. A level of a quarter of
the two names' words or more in common, after similar ≥0.80, weighs +3.6 bits on the
Chicago sites (else −12.0 now): 0.9174 → 0.9285 (recall 0.8573 → 0.8767, precision
0.9866 → 0.9869). People's names share words as siblings' do, and a party's name counts
only where both read as organisations': with a party's read as neither kind counted too,
a sanctions entry of Kisrty Adeyemi (a typo of Kirsty) and wires of her husband Alistair
were merged, UK-style 0.8673 → 0.8672. Every other row is unchanged (7 December).

The nickname table's groups lacked the Welsh forms of English given names, which the
historical figures' records write for one person as they write the English (Gwilym 105
times, for William; Iorwerth for Edward, Huw, Owain, Dafydd and Dewi, Ioan and Sion,
Tomos, Rhisiart, Harri, Siarl, Iago, Gruffydd, Llywelyn): with them, 0.9174 → 0.9184
(recall 0.8588 → 0.8605), every other row unchanged (7 December).

Organisations' names with a letter slipped in one word (INDUSTRILAL PARVERDE LTD,
INVERSIONES LOEPZ S.R.L., NPORTE GIL S.A.) were at similar ≥0.92, whose weight people's
near names set and whose pairs took no frequency: without an account or an address, 1,800
such pairs of the large set with payments of a name and a country scored below the review
band (−3.8 bits for HODINGS DIEZ S.A.S. against its register entry), where the name
written alike is a match (+6.3). A level of its own for organisations' names, a letter
apart (the same words but one, a letter substituted, dropped, added or two swapped, in
words of five letters or more and without digits), after parts dropped, weighs as an exact
match on the commoner name would, by its frequency among organisations' names, their own m
and their legal forms, never above it (Norte Gil SA and Norte Gil LLC are two companies;
NPORTE GIL S.A. is the first), and a pair whose words apart are both names of their own
(Cabrera, Carrera) takes no frequency. The large set so mapped 0.8374 → 0.8462 (precision
0.9295 → 0.9335, recall 0.7619 → 0.7739: its pairs of payments and register entries
missed 1,457 → 779), the name-and-country row 0.8936 → 0.9042, heterogeneous seed 1
0.9821 → 0.9828 (juniors merged 49 → 45 of 165), seeds 2 and 3 0.9837 → 0.9841 and 0.9828
→ 0.9832 (with payments of a name and a country 0.9057 → 0.9140, 0.9005 → 0.9106), the
large set 0.9801 → 0.9804. People's similar ≥0.92 lost the organisations' typos that had
raised its m: 9.2 → 8.0 bits on the large set, and a few more people's near names fall
short (the heterogeneous row's nickname recall 0.9699 → 0.9651, its typo recall 0.9647 →
0.9697 with the companies'). PATSTAT 0.9838 → 0.9791: four records of PHILIPS NV were
put with Koninklijke Philips Electronics by one pair at the phonetic level
(Philips Gloeilampenfabrieken, Philips) at p 0.9066; that level's weight, re-estimated,
is 0.15 bits lower, and the pair is at p 0.897, under the threshold. Every other row
unchanged (7 December).

People's names with a typo in one word (Bsarbara Wesera and BARBARA WESERA, Edward
Rosloobs and EDWARD ROSLOBOS) were at similar ≥0.92 with other near names (Maria and
Mario, Hu Chun-ming and Hu Chun-ping), 7.5 bits on the large set. A level of its own, as
Splink's name comparisons have one of one edit, after organisations' a letter apart: the
same words but one, a typo (compare.Typo: not another ending) in a word of five letters
or more (shorter ones are syllables another name is a letter from), a near level adjusted
as the others are; it weighs 11.4 bits there, similar ≥0.92 6.7. The large set 0.9804 → 0.9808, with payments
of a name and a country 0.8462 → 0.8480; heterogeneous seed 1 0.9828 → 0.9831 (typo recall
0.9697 → 0.9740), its name-and-country row 0.9042 → 0.9057; seeds 2 and 3 with payments of
a name and a country 0.9140 → 0.9151, 0.9106 → 0.9120, but with their accounts 0.9841 →
0.9838 and 0.9832 → 0.9830: a payment to VALENTINA TERESA ZAMILLA ORTEGA is now as strong
a link (within the ambiguity margin) to a customer Valenina Teresa Zamilla Ortega, a
namesake, as to the customer so named, and goes to review. German-style 0.9858 → 0.9857
(a register company and two SEPA payments at p 0.8992, under the threshold), UK-style
0.8673 → 0.8674, the others unchanged. Vowels for vowels (Gromov and Gromev, Hansen and
Hanson) left at similar ≥0.92 changed nothing measurable (seed 1 the same, the large set
0.9808 → 0.9806) and were not kept. A pair at the typo level whose words apart are both
names of their own (Hansen and Jansen: each held by many, sounding apart) weighs as
similar ≥0.92 does, not as a typo: no row moved (7 December).

The historical figures' records go by forms of their given names the nickname table
lacked: Carl and Karl for Charles (as emigrants' records write it), Georgie and Geordie for
George (who had no group; Jorge, Georg and Giorgio with him), Archie, Teddy, Tommie, Bessie
and Betsy, Dickie, Richie and Ritchie, Robby, Ellen for Helen, Lewis for Louis, Graeme for
Graham, Henrietta for Harriet. With them 0.9184 → 0.9202 (recall 0.8605 → 0.8638), every
other row unchanged. Forms that name another person, though the set's errors write them for
one (Ian, Sean and Evan for John; Georgina for George; Jacob for James), were left out. A
name with a nickname and a typo in another word (PEPE RAYUEZA of José Rauyeza Torford, Bob
Wesra of Robert Wesera) met no level but else; a level of its own after subset, a typo, and
bounded by its weight (compare.NicknameTypo, few pairs: m 0.0002 on the large set): the
historical figures 0.9202 → 0.9207, the German-style set 0.9857 → 0.9860, the others
unchanged. The heterogeneous set is measured too as other readers of the README would map
it (loosely; its sources declared people's; the list's ids mapped whole): those three rows
were measured by hand before (7 December).

The German-style register names many companies alike under other legal forms (Bau West
GmbH, Bau West GmbH & Co. KG, Bau West OHG, Bau West e.K.), so that, counted by name alone,
about one name in six that its companies hold was held by two or more, and the Good–Turing
estimate of how often a company's name is another's was no rarer than a name held once:
no estimate, and a SEPA payment to BAU WEST GMBH met the register's one Bau West GmbH at p
0.60, weighed by the name's frequency among all records. Names are now counted with their
legal forms (two companies of one name under two forms are two names, as their forms
disagreeing makes them two companies): the German-style set 0.9860 → 0.9914 (recall
0.9724 → 0.9830, precision 1.0000), the independent generator 0.9575 → 0.9576, the large set
with payments of a name and a country 0.8480 → 0.8495, the others unchanged, and no hard
negative merged more (near-identical companies, companies and their officers: none). A
fresh large set (seed 11, 36,000 people, 7 December) scores 0.9789 with its accounts and
addresses (unchanged) and 0.8470 → 0.8484 with payments of a name and a country: the large
rows above are no artefact of seed 7.

A name written surnames first before a comma or a payment's slash says where its surnames
end, whatever their language, but the words were read alone: SMITH JONES, MARY ANN and
CALMORE MANSTONE/ANTONIO took the last word for the surname and the one before it for a
middle name, unless its letters or a lexicon said Spanish. The words before the comma are
now the surnames (normalize.Version 53): the heterogeneous set with payments of a name and
a country 0.9057 → 0.9063, the independent generator 0.9576 → 0.9577, the large set's
recall 0.9731 → 0.9732 (F1 0.9808 still), its name-and-country row 0.8495 → 0.8494, the others
unchanged. Version 54 takes them so only where the name's words still end with them once
Arabic compounds are joined (ABDUL RAHMAN, Ahmed Ali: the surname Abdrahman, not Ali and
Abdrahman); no row moved.

Blocking paired a name with another of a surname that sounds alike only when their first
given names start alike, so that a name in one form met the same name in another only by
some other value (a date, a postcode, an address): a payment to BILL SMITH, with a name and
a country alone, was never compared with the customer William Smith, nor PANCHO SANTOS with
Francisco Santos. The key given_initial now holds, beside the given name's initial, those
of the names in full it is a form of (nickname.Full: Bill, Liam, william; Peggy,
margaret), read from the one table the comparisons' nickname levels read (the package
nickname, beside record at the bottom of the imports). The table gained forms any reader
of English records knows (Eddy for Edwin, Hetty for Henrietta, Dot and Dolly for
Dorothy, Peg and Madge for Margaret, Polly for Mary, Nancy for Ann, Tilly and Maud for
Matilda, Jas and Jem for James, Percy, Reg, Monty and others; about eighty groups): the
historical figures 0.9207 → 0.9216 with the forms, 0.9222 with the key too; the heterogeneous
set with payments of a name and a country 0.9063 → 0.9108 (recall 0.8678 → 0.8760), the large
set's 0.8494 → 0.8511, the large set 0.9808 → 0.9809 (messy values 0.9803 → 0.9804), the
independent generator 0.9577 → 0.9578; messy values 0.9828 → 0.9827; the others unchanged.
Candidate pairs grow by about 1% (the large set 3.04 → 3.08 million); juniors merged on the
large set 262 → 264 of 934, on seed 1 unchanged. The forms are mostly English ones, and the
recall gap between name origins grows a little: seed 1 3.5 over all pairs still, 1.4 → 1.5
over distinctive names; the large set 4.2 → 4.3 and 0.8 → 1.0 (7 December). Forms of one
name in other languages joined their groups (Friedrich and Federico for Frederick, Heinrich
and Enrico for Henry, Józef for Joseph, Luigi and Ludwig for Louis, Guillaume for William,
and some thirty more; Johannes, Johann and Hans for John, as Juan and Giovanni were): the
historical figures 0.9222 → 0.9225, the others unchanged. Blocking surnames by their sound
without a final s (Owen, Owens; Williams, William) was tried too: the historical figures
0.9228, the others unchanged, but García, Martínez and Flores lose the last sound of their
code and join commoner blocks (Martín's, Flor's); not kept. Spanish forms that Latin
American payments write (Kike for Enrique, Checo for Sergio, Chente for Vicente, Goyo for
Gregorio, Toño for Antonio, Pili, Santi, Juancho and others) joined their names' groups too:
no row moved, as the generators write only the few the table had. Short forms that are
other people's names, or surnames, in other languages are left out (Nan, Di and Vi, Chinese
and Vietnamese given names; Gil, Sim, Sol, Abe and Chon, surnames; Jan, a man's name in
Dutch and Polish, for Janet): a nickname matches a word of the other name wherever it
stands. The historical figures' precision 0.9847 → 0.9849, recall 0.8677 → 0.8675, F1
0.9225 as before; the other rows unchanged.

A default rule pairs a name's phonetic surname with a date, a postcode or a place only where
a source holding both may write a person's name there: the heterogeneous sets' register
types its companies' names org_name, and [name.surname_phonetic, founded.year] found no
pair (no row moved). The historical figures' [name.surname_phonetic, postcode] finds none
either, for another reason: [postcode] alone finds every pair it would, as no postcode
there fills a block over the cap, and each pair is counted for the first rule that finds it.
Version 55 of the normalisers reads a name's last word of words joined by hyphens as its
surnames, as the comma form says them (Mary Smith-Jones as SMITH-JONES, Mary, not Jones
with a middle name Smith): the historical figures' candidate pairs 2,204,786 → 2,204,899 (pair
completeness 0.8478 → 0.8479; Wikidata's people have such names), the German-style set's
312,681 → 312,616 (pair completeness as before), F1 unchanged; no other row moved. Version 56 reads the words in capitals that
start a name written in mixed case as its surnames (DUPONT Jean-Pierre, VAN DER BERG Jan, as
the German-style list writes its aliases: SCHMITZ Lena, read as a given name Schmitz
before): the German-style set's candidate pairs 312,616 → 312,221 and pair completeness
0.9982 → 0.9984 (its aliases now block with its customers by surname), recall 0.9830 →
0.9829, F1 0.9914 as before, by one pair,
Sertey Kozlow and KOZLOW Sergej, now read with their roles, whose given names two letters
apart are another person's at one surname (a sibling's), where the crossed roles had met
as similar names; no other row moved.

A name written after a structured field's line number (1/KIM MINJUN, 1/DUPONT Jean, as
SWIFT 50F and 59F write it) or an account (/VE4301… KIM MINJUN) was read as a name whose
slash says its order, so that its family name first, or its surname in capitals first, read
as a given name; such a name reads now as it would written alone (8 December). The
heterogeneous set's payments write one in 23 so (4.3%): every row unchanged but payments of a
name and a country 0.9108 → 0.9103 and messy values 0.9827 → 0.9826 (two customers of common
English names, Karen Davis and Daniel Jackson, whose payments' links sat just above the
threshold and fall just below it as the source pair's prior moves by 0.06%); the large set
unchanged (0.9809), its messy row 0.9804 → 0.9805, its name-and-country row 0.8511 → 0.8510.

Chinese names written family name first with a hyphenated given name whose first
syllable is a family name too (Zhou Guo-qiang, WANG XIAO-MING) read family name first now,
and an East Asian given name of two syllables is read as one name: normalize gives it the
facet syllables (Kim Min-jun: min jun), and a name that writes one of its syllables and
not the other, in fewer words (Ling Zhao and Zhao Yu-ling, Min Kim and Kim Min-jun),
compares at else, neither as a name with a middle name left out (subset, phonetic) nor as
a near spelling (ZHAO YU-LING and Zhao Ling were similar at 0.92) (8 December). That
removes the six false pairs that kept the reading out on 7 December, and a few more: the
heterogeneous set 0.9831 → 0.9832, payments of a name and a country 0.9103 → 0.9105
(precision 0.9484 → 0.9490), messy values 0.9826 → 0.9828, acronyms, the fields named by
their columns, the loose mapping, the sources declared people's and the list's ids mapped
whole up by 0.0001 or 0.0002; the large set 0.9809 → 0.9808 (Choi Sru-bin's typo no longer
linked to Choi Su-bin's payments, three payments of LIU XIU-YING linked to a namesake:
moves of the weights, not of these pairs' levels), its name-and-country row unchanged
(0.8510), the other sets unchanged. So are they all with such a given name written apart
after its family name read so too (ZHANG YU TING, PARK JI HOON, Lee Hsien Loong), a
hyphenated one whose last syllable is a family name too (Kim Ha-yoon, Kim Tae-ho, Choi
Seo-yoon, read as a given name and two surnames before), and
with surnames in capitals first after a prefix or particles in small letters (McDONALD
Ronald, van der BERG Jan, Le PEN Marine, as some lists write them), which none of the sets
writes.

Tried and not kept (8 December): the two syllables of an East Asian given name written
with a hyphen joined into one word, as pinyin and the name's own script write it (Zhou
Guo-qiang, ZHOU/GUO-QIANG and 周国强 all zhou guoqiang; Lee Min-ho written minho lee, as
it must read again), where each syllable is one romanisations write and the rest of the
name is a family name: the full configs gain a little (seed 1 0.9831 → 0.9834, the large
set 0.9809 → 0.9811) and the recall gap between origins over distinctive names falls 1.5
→ 0.9 points, but payments of a name and a country lose (0.9108 → 0.9103, the large set
0.8511 → 0.8506), and so do the independent generator (0.9578 → 0.9574) and other
romanisations (0.9824 → 0.9821): a given name written with spaces (Wei hua Zhao, Ye jin
Jung) stays apart from the hyphenated form it read as before, and one syllable's change
in a joined word (Do-eun, Do-yun) reads as a typo. Joining spaced syllables too is the
7 December experiment below.

Tried and not kept (7 December, evening), each measured on seed 1 and the large set:
a name two holders hold who disagree on a date of birth or an id (a parent and the junior
named after them) weighed as a name held once, not as rare as its words make it: seed 1
0.9831 → 0.9838 (precision and recall both up), but payments of a name and a country lose
their links to either holder (0.9108 → 0.9042; the large set's 0.8511 → 0.8494, the large
set 0.9809 → 0.9808). Holding back the links of a group whose members, each by its own
best link, point about equally to two entities that cannot be one (an account's
payments, one written as the father's customer record writes his name, another as the
son's): the large set 0.9809 → 0.9811 and its juniors merged 264 → 257, seed 1 unchanged,
but the independent generator 0.9578 → 0.9569, whose second accounts, exclusive as
mapped, make a person's other payments such a rival; and clustering took twice as long.
Accounts read as identifiers a holder may hold several of whatever the data shows: the
independent generator 0.9578 → 0.9774 (its config does not say what its data is: a fifth of
its people pay from two accounts no source shows together), but seed 1 0.9831 → 0.9784 and
juniors merged 44 → 74, as a parent's and a junior's payments are told apart by their
accounts; exclusive: false stays the user's to declare (README). Chinese names written
family name first with a hyphenated given name whose first syllable is a family name too
(Zhou Guo-qiang, Li Wei-ping) read family name first: right, but Zhao Ling then reads as
Zhao Yu-ling with a syllable dropped, as a middle name may be, and six false pairs follow
on seed 1 (0.9831 → 0.9829). With the two syllables of such a given name joined into one
word besides, as a name in its own script already reads (Kang Hyun-ah, Hyun ah Kang and
KANG HYUN AH all kang hyunah, as 강현아 is), a given name's frequency is its own rather than
the product of its syllables', which made the commonest Chinese and Korean names look
rare (most of the links of a name and a country alone that weigh ten bits or more and are
false are such names: LI WEI-PING, ZHOU GUO-QIANG): precision of payments of a name and a
country 0.9485 → 0.9564 on seed 1 and 0.9345 → 0.9362 on the large set, but recall 0.8760 →
0.8661 and 0.7813 → 0.7786 (F1 0.9108 → 0.9090, 0.8511 → 0.8502), the full configs
unchanged (0.9830, 0.9810): truer weights, and fewer of the links the threshold of 0.9 then
takes. Not kept.

Tried and not kept (7 December): holding back, beside a record's two links about as strong
to two records that cannot be one entity, its weaker links to records that conflict with
one of them (a payment naming father and son at their address, and the son's list entry
of the same name, which had taken the payment to the son): one junior fewer merged on seed
1, but recall lost where the weaker link was the right one (seed 1 0.9831 → 0.9823, the
large set 0.9808 → 0.9807). A level for a place written within a larger one (Banstead,
Reigate and Banstead): historical figures +0.0003, but a city comparison with it can no
longer be screened. A peer's title after a comma dropped from the name (Charles Madden, 1st
Baronet): no gain, as the set's other records of a peer go by words of the title (Novar,
Clifford of Chudleigh).

Tried and not kept: a level of its own for people's names of one surname and other given
names (Edward Henry and Eddy Henry, William Inge and Deane Rudolph Inge), before else.
The historical figures, whose records write many such names of one person, gain 0.0076
(0.9147 → 0.9223); the independent generator lost 0.0003 and UK-style 0.0002, in
precision: siblings at one address, one of them known from wires alone (Debora and Lilia
Guardado Rosales, Luis and Fernando Lugo Soto), are such names too, and merged. What
tells a person written otherwise from a sister there is what the rest of the record says,
and the level would have said the opposite.

How the config is written matters less than it did. Features are compared by their
name, and the heterogeneous set mapped with each field under its column's name
(` + "`nombre`, `company`, `documento`, `reg_no`, `passport`, `fecha_nac`, `birth_date`" + `, …)
scored 0.6230 (its names alone so named, 0.7383; UK-style with the bank's and the
wires' names so named, 0.3319) until training read fields that hold one another's
names, numbers and dates as one feature (` + "`field_aliases`" + ` in model.json): it scores
0.9818 (the row above), as mapped with one name. Thirteen other ways of mapping it
from the README (no kind column, the officer as a group of its own, aliases without
` + "`alias_of`" + `, a list's numbers under one path or apart, no date formats, no phone
region, payment parties typed ` + "`name`" + ` or declared people's, ...) scored 0.9818 to 0.9821
before the near levels' bound of 6 December (below), which lowered the full config 0.0002; leaving the list's
numbers out, 0.9783. Declaring the payments people's and typing their names ` + "`name`" + `
(not ` + "`party`" + `) reads their companies as people: 0.8960, and ` + "`resolve`" + ` warns of it.
A file that writes a person's given name, middle name and surname in columns of their own,
each mapped as a field typed ` + "`name`" + `, compared each as a name of its own, and no other
source's whole name met them: the independent generator's customer file so mapped scored
0.9327, UK-style's bank 0.8450. Training reads such fields as one name now, as ` + "`columns:`" + `
would join them, where the source's first rows show given names in one field and
surnames in another (` + "`name_joins`" + ` in model.json): 0.9494 and 0.8675 (0.8683 as mapped
by us). The customer file's business name, mapped as a field of its own, was then no name
of its records to compare with the register's; no row writes both a person's name and a
business name, and training reads fields of names that no row writes two of as one field
of party names (` + "`name_unions`" + `): 0.9532 (the row above), as the README's config scores.

A third generator, written apart from both (` + "`scripts/eugen`" + `, ` + "`examples/eu`" + `), writes German data: a bank
whose customers' given names, surnames and company names are columns of their own (mapped
from the README as three fields: read as one name, as the rows show), a commercial
register, an EU-style list and SEPA payments. It found three causes, fixed in general: the
German register's legal forms e.K., GbR, PartG mbB, eG, KGaA (and Austria's e.U.) were no
forms, and Kraus Handel e.K. was a person named E K Kraus Handel who never met the
company in a payment (its banks' firms and their payments 0.90 → 1.00); a GmbH & Co. KG's
form agreed with the GmbH beside it (one the other's words and more), so that the KG in the
bank's file was as near its Verwaltungs GmbH, at one address with one officer, as to
itself in the register, and was held back as ambiguous (bank and register 0.965 → 1.000:
a KG's form now agrees only with a KG's); and a name written as the register writes its
officers, "Nikitin, Mikhail, Nürnberg, *14.01.1999", read the place as a middle name
(parts after the second that hold no given name nor initial are left out now). F1 0.9528 →
0.9592, precision 1.0000; mapped with every field under its column's name as well (its
row), the same 0.9592: training reads the bank's three name columns as one name and its
company column as that name's, and every other source's fields as the features they share. What it still misses is mostly by design: a payment or a list
entry that names a company exactly, with its legal form, and carries nothing else, is
left for review (p 0.81 for a name no other company holds), as a list's name-only hit
should be; and persons who pay under a common name alone. The register's officers are not
scored: one cell may name two people, and the date of birth in it is no field of its own.

The heterogeneous set's payments carry an account and often an address, which a payment
message need not: mapped with each party's name and country alone (its row), F1 is 0.8910,
precision 0.9493, recall 0.8395. A party is then linked by its name's rarity against the
prior of its pair of sources, and a payment that names one of two namesakes, or a parent or
a junior, can be told from the other by nothing; most of the false pairs are such, and
most of the missed are payments of a common name, or of a name with a part left out
(RICARDO MORENO for Ricardo Moreno Navby), whose words weigh too little against that prior.
Weighing a country's agreement by how often people of one name share a country, rather
than any two people (0.64 against 0.14 on this set: a name's origin goes with its
country), is the calibrated reading, and was tried: precision 0.9745, but recall 0.7349,
F1 0.8379 (and the heterogeneous set 0.9820 → 0.9802); not kept.

At the held-out set's size (the large set so mapped, its own row) there are six times the
namesakes for each such payment to be told from: F1 0.8231 (precision 0.8979, recall
0.7598) on 6 December, most of its false pairs payments of a common name put with one
customer of that name, through levels stronger than the name itself. A nickname, or one
name whose syllables one writes joined (KANG MIN-JUN, Minjun Kang), is a level as strong
as exact agreement (few random pairs are one: 14.3 bits against exact's 14.9), and its
pairs were adjusted by the commoner name's frequency only upward, so NIKOLAY LEBEDEV
against NIKOLAI LEBEDEV, a common name, weighed +14.4 bits where the name written alike
weighed +10.9 (−4.0 for its frequency), and one customer so named took the payments of
ten namesakes. No pair at a near level now weighs more than the commoner name written
alike would (` + "`model.NearAdjust`" + `), and the joined level is a near level: 0.8310 (precision
0.9263, recall 0.7534); the large set 0.9796 → 0.9798, the heterogeneous set 0.9820 →
0.9817 and its name-and-country row 0.8903 → 0.8899 (a payment a junior and a parent at
one address fit alike, which one had fitted better by the way its name was written, is
held for review as ambiguous), seeds 2 and 3 0.9835 → 0.9836 and 0.9819 → 0.9818,
historical figures 0.8985 → 0.8984, the others unchanged. A surname or middle name of
fewer than four letters one letter from another's is another name, not a slip of it (HU
YAN-BO, a payment, took Zhu Yan-bo's frequency and joined his entity): 0.8310 → 0.8315,
the heterogeneous set 0.9817 → 0.9818 and its name-and-country row 0.8899 → 0.8910
(precision 0.9468 → 0.9493), historical figures 0.8984 → 0.8983, the independent
generator 0.9533 → 0.9532. What is left there is what a name
and a country cannot tell: Elena Zhukin, one customer, and two more people of that name
known only from payments; MICHAIL SMIRNOW, a German transliteration of the commonest
Russian name, which the identified records write twice and so count as rare. Counting a
rare spelling of a name as common as the name its words' commonest spellings write
(ahmed rashid as ahmad rashid, michail smirnow as mikhail smirnov) was tried: +0.0001
here, but the heterogeneous set −0.0005 and PATSTAT −0.0003; not kept.

The UK-style set (` + "`synth.WriteUK`" + `, written apart from the heterogeneous generator, with
British conventions: names in columns, a flat before or after the street, officers as
"SURNAME, Forenames" born in a month, a FollowTheMoney-style list, wires) is mostly
payments: each of its 7,000 wires names a beneficiary by a name and a country alone
(J SMITH, SMITH/JOHN, MR JOHN SMITH, and companies without their legal form), and
most of its true pairs are pairs of such parties. Concord links a name alone only when
the name is rare enough to outweigh the prior (a payment to EUGENE DAY is not taken for
the customer Eugene Day on the name alone, when many share it); the bank, the register and
the list find each other at 0.97–1.00 (bank and register) and 0.7–0.9 (the list, whose
entries often carry a name and a year).

A company's name and a person's are one comparison, but their exact matches are weighed
by frequencies of their own. A person's name that no one else in the data holds may still
be another person's (its words tell how likely: a name of common words is common), and
weighs at most about log2 of the number of identified holders of names, plus six bits
for rare words. A registered company's name is its own: where the identified
organisations (those with an identifier or a founding date) of each source hold their
names alone, as a register's do, two organisations' names that agree on a name no two
organisations of one source hold weigh by how often such a name was found held by two
of one source (Good–Turing: 2·N2/N1 others, N1 and N2 the names held once and twice
in a source, over the holdings of the largest; never rarer than a name held once over
64, the most a person's name gains from rare words), and the waterfall says so
("frequency among organisations' names"). Holders are counted source by source because across
sources one company is often several holders (a register's number, a customer file's,
a payee's account); counted over all sources at once, the heterogeneous set's
companies looked shared by two and got no estimate. On the UK-style set a wire to
CAMPBELL FOODS LTD was held for review against the register's Campbell Foods Limited
at p 0.90 and is now linked at 0.99: F1 0.825 → 0.866 (seeds 2 and 3: 0.841 → 0.868,
0.838 → 0.863), precision up too (0.988 → 0.992); heterogeneous seeds 1, 2 and 3 0.9796
→ 0.9808, 0.9801 → 0.9811, 0.9788 → 0.9799 (organisations' recall 0.9920 → 0.9983),
the large set 0.9758 → 0.9771; no hard negative merged more (near-identical company
names 0, companies and their officers 0). People who write a company's name too (the
officer after whom it is named: Charles Garejo SA) say nothing of how many companies
hold it. Two organisations' names of one name whose
legal forms disagree (Acme Trading LLC, Acme Trading SA) are two companies of one name,
in two countries as a rule, and weigh as any name; one with no legal form written (a
payment cut short) may be either.

A person's name seen too seldom to count is estimated from its words, and words are not
independent: a Slavic given name goes with a Slavic surname, so where Slavic names are a
tenth of the data the product of Sergei's and Ivanov's frequencies made Sergei Ivanov
about ten times rarer than it is, and a payment naming SERGEI IVANOV with a country
alone scored p 0.98 against the one customer so named, among three people of that name.
Each word's frequency is now divided by the square root of its company's share (the
holders of the words it is written with in some name; words of 20 holders or more), so
that a name of two words is divided by the share of the origin both come from, and each
word counts the holders of its commonest spelling one edit away (ANDREY as ANDREI: two
records agreeing on a rarer transliteration are no likelier one person). Heterogeneous
seeds 1, 2 and 3: 0.9808 → 0.9814, 0.9811 → 0.9814, 0.9799 → 0.9806, precision up
(seed 1 0.9862 → 0.9874) and namesakes merged 1.78% → 1.18%; the large set 0.9771 →
0.9776; UK-style seeds 1, 2 and 3 0.8655 → 0.8656, 0.8682 → 0.8689, 0.8632 → 0.8632;
Febrl unchanged. Mapped with the payments' accounts left out (a payment party then
carries a name, an address at most and a country), the set shows what the bias cost
people of the data's smaller origins: precision by origin was Hispanic 0.961, Anglo
0.955, Arabic 0.911, East Asian 0.896, Slavic 0.801, and is now 0.961, 0.958, 0.935,
0.910, 0.853 (F1 0.9490 → 0.9515). What remains are payments that name one of several
people of one name with nothing else to go by.

The large set's registry holds about 800 names that two of its companies share, most of
them (about 720) under two legal forms (Capital Molina Servicios Ltd, Capital Molina
Servicios SAS): such a
name weighed as shared made a payment to CAPITAL MOLINA SERVICIOS LTD, which can be
only the first company, a review at p 0.78. A name is now shared, for two names both
written with a legal form, only where two organisations of one source hold it under that
form (or one without any): the large set 0.9776 → 0.9784 (recall 0.9671 → 0.9687), no
hard negative merged more; the smaller sets, with few such names, unchanged or +0.0001.

A rare name one person writes in three sources that share no value (a customer's date of
birth, a list entry's passport, payments' account) was counted as three holders' and
weighed as a common name: an exact match of ERNESTO QUIROS VERDUGO, a payment party with a
country, scored p 0.75, a review. Records of a name whose three words or more make it rare
are now counted as the fewest holders they can be, joined where their dates and ids do not
disagree. Heterogeneous seeds 1, 2 and 3 0.9815, 0.9817 → 0.9821, 0.9809 → 0.9814, messy
0.9814 → 0.9817, the large set unchanged (0.9785), one namesake pair of 169 merged more.

A payment party that fills its field (35 characters, or 34 where the cut fell after a space,
which reading the file trims) may have lost its legal form to the cut: OCASIO OLIVAS
QUEZADA BETANCOURT HE, of … Hermanos S.C., was read as a person's by its surnames and never
compared with the company. Such a name is now a person's only by a given name, a title or
a comma, else of neither kind; a legal form cut after a space is dropped only in whole
words (… FIERRO S DE; ALTGELD I keeps its numeral); and Mexico's S.C. and A.C. are legal
forms. PATSTAT 0.9619 → 0.9630; the sets above unchanged but the large set's 0.9785 →
0.9786.

Such a name, a company's read as a person's, met its company at the similarity or
truncated level at the level's weight, which people's names set (ZAMBRANA PAGAN MERAZ
GODINEZ HERMAN against Zambrana Pagan Meraz Godinez Hermanos S.C.: p 0.885 with a country,
a review): only people's names a letter apart or cut were weighed by how rare the name
is. A name that fills a field to its last character, that last word cut inside
(normalize.FacetFieldCut), and is the start of the other now weighs so too, whoever's it
is; two companies of one group differ in whole words. And a company's name written with
"and" between two words (y, e, et, und, &) left it as "and", where the same name read as a
person's leaves Spanish "y" out (MOLINA MORA Y ARELLANO DE OLIVAREZ): a company's name
now leaves it out too, and the two agree exactly. The independent generator 0.9516 →
0.9522 (its companies' pairs with wires' beneficiaries: 56 missed → 45), Chicago 0.9171 →
0.9174, UK-style 0.8666 → 0.8669, the others unchanged (the large set 0.9796, messy 0.9785).

A party written with its account before it (/VE6201… TRANSPORTES BARRIDGE
COMERCIALIZAD, as the messy row's payments write a tenth of them) was measured with the
account for the field's length, and the account's slash read as SURNAME/GIVEN's: a
company's name, its form cut off, was taken for a person's and never put with its
company. Both now read the name's own text: the large messy set 0.9785 → 0.9787 (its
payments' pairs with the register's missed 136 → 111); the independent generator 0.9522 →
0.9519, where the prior of the register and the wires' beneficiaries came out 0.27 bits
lower and payments naming three companies with a country alone fell from p 0.90 to
0.896; the others unchanged.

A legal form written out in its own language was no form: PATSTAT's UNILEVER NAAMLOZE
VENNOOTSCHAP and NAAMLOZE VENNOOTSCHAP DSM kept the Dutch words as the name's, and a list's
Общество с ограниченной ответственностью «Ромашка» (OBSHCHESTVO S OGRANICHENNOI
OTVETSTVENNOSTYU ROMASHKA as OFAC transliterates it) was read as a person's name. Forms
written out are forms now (Dutch, Italian, Nordic, Polish, Czech, Turkish; the Russian,
Ukrainian and Kazakh ones in Cyrillic and in the usual transliterations): PATSTAT 0.9775 →
0.9780; the independent generator, whose Russian companies write the form out after the
name (Fomichev Prom Obshchestvo s ogranichennoy otvetstvennostyu, cut by the wires' field
as FOMICHEV PROM OBSHCHESTVO S OGRANIC), 0.9519 → 0.9522 (recall 0.9110 → 0.9124,
precision 0.9967 → 0.9957: the model trained on them joined a few more East Asian
near-namesakes, XIN WANG and XINHONG WANG); the others unchanged.

These causes were found on a set from a generator written apart from internal/synth
(scripts/indepgen: Faker's names, a US bank's customer file with names in three columns
and companies in a fourth, an acquired bank's nested KYC, a register with its officers
in a file of their own, a JSON watch list, two-party wires; mapped from this README as
concord.yaml there; its seed 1 at 2,500 people is examples/indep, measured above), so that
what the engine learns from one generator's habits shows.
The changes above together, its seeds 1, 2 and 3: 0.9259 → 0.9408, 0.9220 → 0.9361,
0.9257 → 0.9394; seeds 4 and 5 with a row per account: 0.9135 → 0.9646, 0.9146 → 0.9637.
Most of what it still misses (three pairs in five) are people who pay from two accounts
where no source shows that anyone holds two: the account, exclusive, keeps their payments
apart. A user who knows better says so (exclusive: false on the account's field): seeds
1, 2 and 3 then 0.9653, 0.9631, 0.9650. Payments alone do not tell: of pairs of payments
that write one name of three words or more, 8% disagree on the account in the
heterogeneous set (juniors and namesakes, one account each) and in this generator's seed
1 alike, 15% in its seed 2.

Identifiers are exclusive: one holder, one value. A bank's customer file that writes a row
per account gives one customer two accounts, and with accounts exclusive a payment from
the second account could never join the customer, nor the payments from the first. An
identifier a tenth of whose pairs that are one holder by another means (the same tax
number; a name and a day of birth) disagree on it is now weighed, not exclusive. The sets
here never trigger it (their people hold one account each) and score as before; the
independent generator's customer file written a row per account (seeds 4 and 5, a fifth
of its people with two accounts) went 0.9135 → 0.9554 and 0.9146 → 0.9564, precision
0.994 → 0.969 and 0.995 → 0.973: the payments of juniors, namesakes and companies of near
names from their own accounts, kept apart by them before, are now weighed by name (seed 4's
false pairs 206 → 1,226, 476 of them a junior's and a parent's).

Banks write payment parties in forms of their own, which the messy row now has too: a
person's surnames before the initials of the given names (PEREZ GARCIA J C, SMITH J R),
read as J C Perez Garcia, and a company's name before the person for whose attention the
payment is (ACME TRADING LTD ATTN: JOHN SMITH, ACME LTD FAO JOHN SMITH), read as the
company: with the normalisers before, which read the first as a given name PEREZ and the
second as a person named Acme, the messy row scored 0.9769 (recall of the companies' pairs
so written 0.66); now 0.9814 (1.00). Blocking pairs a person's name by its phonetic
surname and the first letter of its given name, no longer by all its initials, so that L
TAYLOR meets Linda Barbara Taylor: pair completeness of the UK-style set 0.9599 →
0.9708, of this set 0.9942 → 0.9951, for 11% more candidate pairs.

A file two systems appended to holds rows of both encodings: the messy row's KYC file, in
Latin-1, holds one row in twenty written in UTF-8, which read as Latin-1 is encoded twice
over (José Muñoz as JosÃ© MuÃ±oz, Bogotá as BogotÃ¡). Every value is read as first
written when all its characters are single bytes of Windows-1252 that make UTF-8 (a name
written right, Muñoz, never does), before its kind's normaliser: without it the messy row
scored 0.9803 (recall 0.9723), with it 0.9814, as without such rows. A letter a system
that writes ASCII alone puts a question mark for (MU?OZ) no longer splits the word: the
Chicago sites' file writes Children?s for Children’s, now one word as Children's is
(0.9169 → 0.9170). An ordinal's ending written apart from its number (2850 W 24 TH
BLVD, as one file writes 2850 W. 24Th Blvd) is written against it: 0.9170 → 0.9171.

## Historical figures: data none of Concord's generators wrote

Splink's demo data (` + "`examples/historical`" + `: 50,578 records of 5,156 people of Wikidata with
errors Splink's authors added) asks for what the sets above rarely do: a person's records
often disagree on the date of birth (two typos in one date, 1851-04-11 against 1857-05-11,
or a month no calendar has, 1856-86-18), and many records carry no surname, no date or no
postcode. Mapped as a user would (` + "`historical.yaml`" + `: the full name, date of birth, birth
place, postcode, gender and occupation) it scored 0.7900 (P 0.9974, R 0.6540) with the code
of 4 December: a date two typos apart was a conflict, never linked nor joined through
others (12,518 merges refused, 99% of them of one person), a date with an impossible month
was rejected whole, and no default rule paired records by postcode alone. Now the date
comparison has a level for two edits, of which at most one in the year and none that puts
the years a generation (15 years) apart; a date whose month or day is impossible keeps what
is sure of it, its year (or year and month), marked as cut, and its reject says so; a cut
date is one edit from another as far as both are written (1856 of 1856-86-18 and
1865-06-18: a level of its own, not a generation apart; a year written alone by design, as
a list's 1956, is compared by years apart instead); and each postcode is a blocking rule
alone, as an address's start is. Pairwise F1 0.8407 (P 0.9961, R 0.7273; mapped with first
name and surname in place of the full name, 0.7792 → 0.8306), Splink's fake_1000 0.8344 →
0.8408; Febrl2, 3 and 4 gain a little (0.9924 → 0.9945, 0.9933 → 0.9937, 0.9969 →
0.9973), the heterogeneous and UK-style sets are unchanged to within 0.0001. An exclusive
comparison's level now disagrees outright (a conflict) when the model weighs it within a
bit of else's weight (no longer only at or below it), as weights estimated from the data
cannot tell two such levels apart: on the large set two siblings born 1993-06-02 and 1998-06-08, the younger's
name a subset of the elder's, were two edits apart at −4.26 bits against else's −4.28,
and merged; they do not now, and relatives with dates of birth on both sides are merged
as before, never. The generation bound costs the historical set about 0.02, as its errors
mistype a year's decade or century digit as often as any other (1851 and 1821), and two
such edits in one date stay a conflict (10,749 merges refused); without it, a parent and a
child born one year digit and one day digit apart would not be told apart by their dates.
What limits recall there: pairs no rule blocks (pair completeness 0.77, names misspelt in
both words with the date missing), and pairs in the review band (about 17,000, nearly all
of one person) whose agreement is a name and one more value. The table of given names'
short forms then lacked many English ones the set's records go by (Willie for William,
Fred for Frederick, Sally for Sarah, Ernie, Bert, Hal, Nell): with 37 more, 0.8407 →
0.8451 (the other sets unchanged); with a nickname in quotes dropped from a person's
name (thomas "tom" pettitt, as from Joaquín "El Chapo" Guzmán), 0.8450. Its errors also
write a year wrong as a whole, the day and month kept (1956-06-04 and 1975-06-04: a
conflict at else); a level for the same day in another year, after same month, weighs
+1.19 bits there and takes them up: 0.8450 → 0.8499 (the other sets unchanged; the
RecordLinkage package's RLdata10000, measured apart, unchanged at 0.9139, where the
level weighs +1.96 but such pairs are mostly common German names). It leaves out the 1st
of January, which registers write for a year alone (many refugees are registered born
on it): with it, 94% of the pairs of two people at the level were of that day, it
weighed −0.60, and a father and a son both so written would no longer conflict.

The set's people have many records, and two of one person's may each mistype the date
the others agree on otherwise (1818-03-10 and 1848-08-10 of a man born 1848-03-10): two
edits and a generation apart, they conflict, and whichever joined the entity first kept
the other out. Clustering now excuses such a conflict when more of the records the merge
would join hold one value than any other, two at least, and both records agree with it
at a level that does not disagree outright (a parent's and a child's never do: one holds
the value most share): 0.8499 → 0.8713 (precision 0.9962 → 0.9957, recall 0.7411 →
0.7745); Splink's fake_1000, measured apart, 0.8408 → 0.8542 at precision 1.0. The
ambiguity rule then held back, as a choice between two entities, 5,199 true pairs of
the review queue (and 47 false): a record linking alike to two mistyped readings of its
own date. Two records a record links to are now no choice when their conflict is excused
among the record, those it links to and their copies: 905 such true pairs left (and
43 false), 0.8713 → 0.8748 (fake_1000 0.8615); and a merge refused for a conflict is
tried again once the entities have grown, so that the excuse does not hang on which
records joined first: 0.8749 (fake_1000 0.8631). The heterogeneous sets, UK-style, Febrl
and the organisations' sets unchanged, relatives with dates on both sides merged still
never. Of the 711 true pairs still refused so, those looked at were people born on a
1st of January (1850-01-01, a year known) that training read as a placeholder, held by
too many people of different names: with that value gone, their records' mistyped dates
(1880-01-01, 1850-00-01) have no value most of them hold to be typos of.

Of the records left apart from the rest of their person's (6,294 on 5 December), most
carry a name misspelt in the surname (herbert ganfy, william idsison) with a place of
birth and little else: no default rule paired them, as a place was in none. A person's
phonetic surname, and its given name's, each with each place the same source has (a
` + "`city`" + `: a town, a place of birth) are default rules now: pair completeness
0.7736 → 0.8272, F1 0.8794 → 0.8984 (precision 0.9956 → 0.9948, recall 0.7874 →
0.8190), the other sets unchanged but UK-style 0.8666 → 0.8665 (two more relatives at
one address merged through their towns).

## Organisations alone: Chicago early-childhood sites and PATSTAT applicants

dedupe-examples' Chicago sites (` + "`examples/chicago`" + `: 3,337 records of 1,162 sites from five
files of the city's agencies) are organisations alone, mapped as ` + "`org_name`" + `, address,
ZIP and phone (` + "`chicago.yaml`" + `). Until 5 December an ` + "`org_name`" + ` comparison had
exact, reordered, similar ≥0.92 and shared words: a name written inside the other, as a
site's name after its agency's is (` + "`Marcy Newberry Association - Mosaic`" + `, ` + "`Mosaic`" + `)
or a business's with a place or a trade after it (Fodors–Zagat's restaurants:
` + "`Ciboulette Restaurant`" + `, ` + "`Le Chardonnay (Los Angeles)`" + `), fell to else, at −6 bits,
whatever the address and phone, and so did a misspelt word with another left out. It now
has the levels a person's name has, but for those only a person's has (nicknames, given
names): truncated, subset, phonetic, subset with a typo and similar ≥0.80 after the
three it had (shared words, which similar ≥0.80 always reached first, left out). F1
0.7692 → 0.9169 (P 0.9655 → 0.9856; Fodors–Zagat, not in this repository, 0.8824 →
0.9630, P 1.0000). Ordinals written as words are read as numbers (747 Ninth Ave., 747
9th Ave.), a "the" written after a name is dropped (` + "`Palm, The`" + `), and an address whose
street's name is mistyped (5516 S Mapplewood Ave, 5516 S. Maplewood) is contained in the
other but for a typo, a level of its own (Febrl2, 3 and 4, whose generator mistypes
street names, 0.9945 → 0.9951, 0.9937 → 0.9939, 0.9973 → 0.9974). Its phone numbers have
seven digits and no area code: rejected, never guessed (given Chicago's codes for a trial,
they cost precision, 0.9655 → 0.8875 with the code of 4 December, as an agency's phone is
shared by its sites). What limits recall: a site named by its agency in one file and by
its own name in another with nothing else in common but the address, which agencies share.

dedupe-examples' PATSTAT applicants (` + "`examples/patstat`" + `: 2,379 records of 102 companies,
Philips alone 676 of them, so that its pairs are most of the pairs) are companies' names
as patent filings write them, mapped as ` + "`party`" + ` names of no declared kind, as a user
who does not know that every applicant is a company would, with the patents' classes.
Read by the code of 4 December, ` + "`UNILEVER NV`" + `, ` + "`Heineken NV`" + ` and ` + "`DSM N.V`" + ` were people's
names (a short legal form that is also a name's word counted only with both dots or
after two words) and so was ` + "`AKZO NOBEL N.V., ARNHEM`" + ` (the place after the comma made it
SURNAME, Given), and people of the surname NV merged companies: F1 0.9030 (P 0.9176).
A legal form with no vowel (NV, BV, KG, PT), which no name's word is, now counts after one
word that is no known name; a form written with a dot between its letters counts as
dotted (N.V, S. A); AG, SE, Oy, UG and ApS count after one such word (Bayer AG; Maria Sa,
Kim Se and Ah Too stay people); and a place after a comma that follows a legal form is
left out of the name. F1 0.9431 (P 0.9699); with the applicants declared
` + "`kind: organization`" + `, 0.9648, and typed ` + "`org_name`" + `, 0.9686 (0.8392 with the organisations' levels of 4
December). None of the 26,451 names of the heterogeneous and UK-style sets reads
otherwise, and those sets are unchanged. A name with no legal form and no sign of a person
(` + "`AKZO NOBEL`" + `) was read as a person's too, and never met the same company's records
that read as a firm: it now leaves its record of unknown kind, which may join either, and
such records count in a pair of sources' prior as people and organisations in the
proportion of their source's others (counted as compatible with both, payments whose
people's names no list knows lowered λ of the large heterogeneous set's registry–payments
pair from 2^-12.7 to 2^-13.3, and its F1 to 0.9761): 0.9619, the large set 0.9783 →
0.9785, the others within 0.0001. What is left: a parent and its subsidiary
(` + "`DSM N.V.`" + `, ` + "`DSM IP Assets B.V.`" + `), one name inside the other, which the reference keeps apart.

Two organisations' names whose legal forms are both written and disagree (N.V. and B.V.,
AG and GmbH) now hold no level of the name comparison but exact: a name inside the other
under another form is a parent and its subsidiary as a rule, not one company written
short (` + "`compare.LegalFormsAgree`" + `: equal forms agree, and so do one the other's
words and more, S.A. and S.A. de C.V., one the other's start, as a payment's field cut
short writes S.A. of S.A.S., and Inc., Corp. and Co., which American files write for one
another; two companies of one name and two forms stay at exact, weighed as any name).
The 85 records of DSM N.V. and the 97 of DSM IP Assets B.V. were one entity, through one
pair at subset (` + "`D S M`" + ` and ` + "`D S M IP Assets B.V.`" + `, one patent class shared):
PATSTAT 0.9632 → 0.9774 (precision 0.9702 → 0.9999); heterogeneous seeds 1, 2 and 3
0.9820 (unchanged), 0.9830 → 0.9834, 0.9821 → 0.9819, the other sets unchanged, but the
large heterogeneous set 0.9792 → 0.9775 (messy 0.9783 → 0.9765), through its prior: its
registry and payments hold 7,060 pairs of a company's name inside another's under another
form (a company and its near namesake), none one company, which counted as likely
matches in the registry–payments λ (expected matches 9,724, where 9,522 pairs are true,
copies counted once) and no longer do (8,692): λ 2^-12.78 → 2^-12.94. That left the
estimate under the truth, as true pairs that score below certainty count for less than
one each, and a payment to a company that carries its exact name and nothing else
(PACIFIC DELGADO PACIFIC SA) scored about p 0.90, on either side of the threshold as λ
moved. What held it there was the exact level's m, which people's names set (0.65: a
person's name is written exactly in two sources about two times in three). An exact
match of two organisations' names now weighs by organisations' own m of the level
(model.json ` + "`m_org_exact`" + `: the share of the expected matches of two organisations'
records at exact, summed apart as m is refined over every candidate; 0.84 on the large
set, +0.38 bits): the large set 0.9775 → 0.9796 (messy 0.9765 → 0.9785), p 0.92 for
that payment; the other sets unchanged, PATSTAT 0.9775.
`)
	return b.String()
}

// nameOnlyTarget is the floor of the heterogeneous set whose payments
// carry a name and a country alone: under what it measures (0.8910 on 6
// December 2026).
const nameOnlyTarget = 0.87

// nameOnlyLargeTarget is the same floor at the large set's size (0.83 on
// 6 December 2026), measured with -write.
const nameOnlyLargeTarget = 0.81

// nameOnlyPayments writes beside the heterogeneous set's config in dir one
// that maps its payments' names and countries alone, and returns its path.
func nameOnlyPayments(t *testing.T, dir string) string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(dir, "concord.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	head, payments, ok := strings.Cut(string(text), "  - name: payments\n")
	if !ok {
		t.Fatal("the heterogeneous config has no source payments")
	}
	var kept []string
	dropped := 0
	for line := range strings.Lines(payments) {
		if strings.HasPrefix(line, "      account:") || strings.HasPrefix(line, "      address:") {
			dropped++
		} else {
			kept = append(kept, line)
		}
	}
	if dropped != 2 {
		t.Fatalf("the payments' mapping holds no account and address to leave out:\n%s", payments)
	}
	path := filepath.Join(dir, "names-only.yaml")
	if err := os.WriteFile(path, []byte(head+"  - name: payments\n"+strings.Join(kept, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// variant writes into dir, as name, the config file of an example set (in
// example) with each pair of edits replaced, old by new wherever old
// occurs (each must), and its sources' paths made absolute, and returns
// its path: the set mapped as another user would.
func variant(t *testing.T, example, file, dir, name string, edits ...string) string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(example, file))
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(example)
	if err != nil {
		t.Fatal(err)
	}
	s := string(text)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("%s maps %q otherwise", file, edits[i])
		}
		s = strings.ReplaceAll(s, edits[i], edits[i+1])
	}
	s = strings.ReplaceAll(s, "    path: ", "    path: "+abs+string(filepath.Separator))
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
