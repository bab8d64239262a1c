// Package relatetest generates synthetic networks for relate's benchmarks
// and tests: entities of people and companies, relationships among them
// with hubs (a company paid by thousands), and identifiers some of them
// share — in rings, and at call centres. Everything is invented.
package relatetest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
)

// Options size a synthetic network.
type Options struct {
	Entities      int // one record each
	Relationships int // disclosed relationships, stated by records
	Seed          uint64
}

// Info says what a generated network holds.
type Info struct {
	Records, Relationships, SharedValues int
}

// relTypes are the disclosed relationships, by share of the total.
var relTypes = []struct {
	name  string
	share float64
}{{"paid", 0.7}, {"officer_of", 0.1}, {"associate", 0.1}, {"family", 0.1}}

// Build generates a network (Records) and builds it.
func Build(opt Options) (*relate.Graph, Info) {
	recs, info := Records(opt)
	return BuildFrom(recs), info
}

// BuildFrom builds the graph of records.
func BuildFrom(recs []relate.Record) *relate.Graph {
	b := relate.NewBuilder(relate.Options{})
	for _, r := range recs {
		b.Add(r)
	}
	return b.Build()
}

// Records generates the records of a network. Relationships pick their ends mostly at random, a fifth of them among
// the first hundredth of the entities (hubs); payments carry a date in
// 2020–2025. One entity in fifty shares its phone with one or two others
// (rings), and one in ten thousand holds a call centre's number held by a
// thousand (crowded: no edges).
func Records(opt Options) ([]relate.Record, Info) {
	r := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	n := opt.Entities
	recs := make([]relate.Record, 0, n)
	pick := func() int {
		if r.IntN(5) == 0 {
			return r.IntN(max(n/100, 1)) // a hub
		}
		return r.IntN(n)
	}
	rels := make([][]record.Relation, n)
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	info := Info{Records: n}
	for range opt.Relationships {
		from, to := pick(), pick()
		if from == to {
			to = (to + 1) % n
		}
		u, typ := r.Float64(), relTypes[len(relTypes)-1].name
		for _, t := range relTypes {
			if u < t.share {
				typ = t.name
				break
			}
			u -= t.share
		}
		rel := record.Relation{Type: typ, To: key(to)}
		if typ == "paid" {
			rel.Attributes = map[string]string{"date": start.AddDate(0, 0, r.IntN(6*365)).Format(time.DateOnly),
				"amount": fmt.Sprint(10 + r.IntN(100000))}
		}
		rels[from] = append(rels[from], rel)
		info.Relationships++
	}
	for i := range n {
		rec := relate.Record{Key: key(i), Entity: record.EntityID(fmt.Sprintf("E%07d", i)), Relations: rels[i],
			Kind: record.EntityPerson, Name: fmt.Sprintf("Person %d", i)}
		if i%3 == 0 {
			rec.Kind, rec.Name = record.EntityOrganization, fmt.Sprintf("Company %d Ltd", i)
		}
		phone := fmt.Sprintf("+4420%08d", i)
		switch {
		case i%10_000 == 7:
			phone = "+448000000000" // a call centre
		case i%50 == 1:
			phone = fmt.Sprintf("+4420%08d", i-1-r.IntN(2)*50) // a ring: the phone of another
			info.SharedValues++
		}
		rec.Shared = []relate.Value{{Feature: "phone", Value: phone}, {Feature: "account", Value: fmt.Sprintf("GB%010d", i)}}
		recs = append(recs, rec)
	}
	return recs, info
}

func key(i int) record.Key { return record.Key{Source: "synthetic", ID: fmt.Sprint(i)} }
