// Package access decides who may do what and see which records: roles
// grant operations, a clearance covers source labels, and a View is what
// one principal sees, filtered once for every read path. It is pure: no
// I/O, no clock, nothing but the policy and the principal.
package access

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/concord-er/concord/record"
)

// Role is a set of operations a principal may perform.
type Role string

// The roles.
const (
	RoleViewer   Role = "viewer"   // reads records, entities, explanations, the review queue, changes
	RoleAnalyst  Role = "analyst"  // reads, and screens query records (match)
	RoleReviewer Role = "reviewer" // reads, and decides pairs, merges and splits
	RoleWriter   Role = "writer"   // upserts and deletes records
	RoleAdmin    Role = "admin"    // reads, and reads and verifies the audit log
)

// Roles lists every role.
var Roles = []Role{RoleViewer, RoleAnalyst, RoleReviewer, RoleWriter, RoleAdmin}

// Op is an operation a request performs.
type Op string

// The operations.
const (
	OpRead   Op = "read"   // records, entities, explanations, review queue, decisions, changes
	OpMatch  Op = "match"  // screen a query record against the entities
	OpDecide Op = "decide" // decide a pair, merge, split
	OpWrite  Op = "write"  // upsert, delete
	OpAudit  Op = "audit"  // read and verify the audit log
)

var grants = map[Role][]Op{
	RoleViewer:   {OpRead},
	RoleAnalyst:  {OpRead, OpMatch},
	RoleReviewer: {OpRead, OpDecide},
	RoleWriter:   {OpWrite},
	RoleAdmin:    {OpRead, OpAudit},
}

// Principal is an authenticated caller: a person or a service.
type Principal struct {
	ID        string `json:"id"`
	Roles     []Role `json:"roles"`
	Clearance string `json:"clearance,omitempty"` // the highest label it may read; "" = unlabelled sources only
}

// Source is what the policy knows of a source.
type Source struct {
	Label string // "" = unlabelled: every reader sees it
	// Sensitive features are masked unless the reader's clearance is the
	// highest label.
	Sensitive []string
}

// Policy is the access policy of a deployment.
type Policy struct {
	rank    map[string]int // label → its place, 0 the lowest
	top     int
	sources map[string]Source
}

// ErrPolicy is returned for a policy that cannot be enforced.
var ErrPolicy = errors.New("access policy")

// NewPolicy makes a policy from labels, ordered from the lowest to the
// highest (a clearance covers its label and every lower one), and the
// sources' labels and sensitive features.
func NewPolicy(labels []string, sources map[string]Source) (*Policy, error) {
	p := &Policy{rank: map[string]int{}, top: len(labels) - 1, sources: sources}
	for i, l := range labels {
		if l == "" {
			return nil, fmt.Errorf("%w: an empty label", ErrPolicy)
		}
		if _, dup := p.rank[l]; dup {
			return nil, fmt.Errorf("%w: label %q listed twice", ErrPolicy, l)
		}
		p.rank[l] = i
	}
	for name, s := range sources {
		if _, ok := p.rank[s.Label]; s.Label != "" && !ok {
			return nil, fmt.Errorf("%w: source %s has label %q, not one of %v", ErrPolicy, name, s.Label, labels)
		}
	}
	return p, nil
}

// Check reports a principal whose roles or clearance the policy does not
// know.
func (p *Policy) Check(pr Principal) error {
	for _, r := range pr.Roles {
		if _, ok := grants[r]; !ok {
			return fmt.Errorf("%w: principal %s has role %q, not one of %v", ErrPolicy, pr.ID, r, Roles)
		}
	}
	if _, ok := p.rank[pr.Clearance]; pr.Clearance != "" && !ok {
		return fmt.Errorf("%w: principal %s has clearance %q, not a label", ErrPolicy, pr.ID, pr.Clearance)
	}
	return nil
}

// Can reports whether pr may perform op.
func (p *Policy) Can(pr Principal, op Op) bool {
	for _, r := range pr.Roles {
		if slices.Contains(grants[r], op) {
			return true
		}
	}
	return false
}

// Labelled reports whether a source has a label: reading it needs a
// stated purpose.
func (p *Policy) Labelled(source string) bool { return p.sources[source].Label != "" }

// View returns what pr sees when reading for purpose. Labelled sources
// need a stated purpose: without one, pr sees the unlabelled sources
// alone, whatever its clearance. A source the policy does not know is
// treated as unlabelled only if the policy has no labels at all, else
// hidden: a source added to the data but not to the policy stays out of
// sight.
func (p *Policy) View(pr Principal, purpose string) View {
	v := View{visible: map[string]bool{}, unmasked: map[string]bool{}, open: len(p.rank) == 0}
	clearance, cleared := p.rank[pr.Clearance]
	if purpose == "" {
		cleared = false
	}
	for name, s := range p.sources {
		switch {
		case s.Label == "":
			v.visible[name] = true
		case cleared && p.rank[s.Label] <= clearance:
			v.visible[name] = true
		}
		if v.visible[name] {
			v.unmasked[name] = len(s.Sensitive) == 0 || (cleared && clearance == p.top)
			if !v.unmasked[name] {
				v.sensitive = append(v.sensitive, sensitive{name, s.Sensitive})
			}
		}
	}
	return v
}

// View is what one principal sees: the sources it may read, and which of
// their features it sees masked. The zero View sees nothing.
type View struct {
	visible   map[string]bool
	unmasked  map[string]bool
	sensitive []sensitive
	open      bool // no labels configured: unknown sources are unlabelled
	// everything: every source, nothing masked (Everything).
	everything bool
}

type sensitive struct {
	source   string
	features []string
}

// Source reports whether the view holds the records of a source.
func (v View) Source(name string) bool {
	if v.everything {
		return true
	}
	if seen, known := v.visible[name]; known {
		return seen
	}
	return v.open
}

// Key names what the view shows: two views with one key hold the same
// sources and mask the same features, so what is computed for one (a
// network of entities) may be served to the other.
func (v View) Key() string {
	if v.everything {
		return "*"
	}
	var parts []string
	for name, seen := range v.visible {
		if seen {
			parts = append(parts, "+"+name)
		}
	}
	for _, s := range v.sensitive {
		for _, f := range s.features {
			parts = append(parts, "-"+s.source+"."+f)
		}
	}
	if v.open {
		parts = append(parts, "open")
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x00")
}

// Everything reports whether the view holds every source, nothing masked.
func (v View) Everything() bool { return v.everything }

// Record reports whether the view holds a record.
func (v View) Record(k record.Key) bool { return v.Source(k.Source) }

// Masked reports whether a feature of a source is shown masked.
func (v View) Masked(source, feature string) bool {
	switch {
	case !v.Source(source):
		return true
	case v.everything || v.unmasked[source]:
		return false
	}
	for _, s := range v.sensitive {
		if s.source == source {
			return slices.Contains(s.features, feature)
		}
	}
	return false
}

// Mask is the text a masked value is shown as.
const Mask = "•••"

// MaskRecord returns r with the values of its masked features replaced
// by Mask (raw) and left out (normalised), and without the relations it
// states to records of sources the view does not hold: what the view
// shows of it.
func (v View) MaskRecord(r record.Record) record.Record {
	out := r
	out.Relations = nil
	for _, rel := range r.Relations {
		if v.Record(rel.To) {
			out.Relations = append(out.Relations, rel)
		}
	}
	out.Features = make([]record.Feature, len(r.Features))
	for i, f := range r.Features {
		out.Features[i] = f
		if v.Masked(r.Key.Source, f.Name) {
			raw := make([]string, len(f.Raw))
			for j := range raw {
				raw[j] = Mask
			}
			out.Features[i].Raw, out.Features[i].Values = raw, nil
		}
	}
	return out
}

// Everything is the view of an operator at the command line, who holds
// the store itself: every record, nothing masked.
var Everything = View{open: true, everything: true}
