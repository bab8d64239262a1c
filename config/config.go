// Package config reads concord.yaml into a typed, validated Config.
//
// Loading never touches the data files: it checks the document itself (known
// keys, types, formats, references). Checking that mapped columns exist in the
// data is the job of ingest, before any row is processed.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/concord-er/concord/record"
)

// Formats a source may declare.
const (
	FormatCSV     = "csv"
	FormatNDJSON  = "ndjson"
	FormatXML     = "xml"
	FormatParquet = "parquet"
	FormatXLSX    = "xlsx"
	FormatFixed   = "fixed"
)

// Encodings a source may declare.
var Encodings = []string{"utf-8", "latin1", "windows-1252"}

// Config is a parsed concord.yaml.
type Config struct {
	File  string // path it was read from; "" when parsed from bytes
	Dir   string // directory relative source paths are resolved against
	Store string
	// Shared is shared mode (shared: true): the store, a PostgreSQL
	// database, is written by many resolvers at once — concord serve and
	// consume processes — none of which holds it in memory.
	Shared  bool
	Sources []Source
	// Relationships are the links between records that rows state
	// (relationships:), each read from the rows of its source.
	Relationships []Relationship
	Model         Model
	Limits        Limits
	Serve         Serve
	Kafka         Kafka
}

// Relationship declares a typed, directed link that every row of a
// source states between two of the records it makes: {type: officer_of,
// source: registry, from: officer, to: self}. From and To name a group of
// the source (see Group) or "self", the row's own record.
type Relationship struct {
	Type   string
	Source string // the source as written in the config
	From   string
	To     string
	// FromSource and ToSource are the sources of the ends' records: the
	// source itself for "self", else the group's part ("registry.officer").
	FromSource, ToSource string
	// ToColumn, when set, names a column of record ids instead of a group
	// (to: {source: sanctions, column: associates}): the relationship goes
	// to the record of ToSource with each id the column holds, split by
	// ToSplit.
	ToColumn, ToSplit string
	// Attributes are columns of the row copied onto the relationship as
	// written (a payment's amount and date).
	Attributes []string
	Line       int
}

// Self names, in a relationship, the record of the row itself.
const Self = "self"

// Group is a set of fields of a source's rows that forms a record of its
// own: the officer named in a company filing, a payment's beneficiary.
// Each group becomes a source of its own, named "<source>.<group>", that
// reads the same file: its records have the row's id, its own kind and
// fields, and the source's label. A row whose group fields are all empty
// makes no record of that group.
type Group struct {
	Name   string
	Kind   KindMapping
	Fields []Field
	Line   int
}

// Kafka configures concord consume: the brokers, the consumer group, and
// the topics records come from, entity changes go to, and messages that
// cannot be applied go to with their reason.
type Kafka struct {
	Brokers []string
	Group   string // default "concord"
	// SessionTimeout is how long the group waits for a consumer that
	// stopped answering (killed, cut off) before its partitions go to the
	// others, and how long a rebalance waits for it to rejoin: 6s to 30m;
	// 0 is the client's defaults (45s; a rebalance 60s).
	SessionTimeout time.Duration
	Topics         KafkaTopics
	TLS            *KafkaTLS  // nil: plain TCP
	SASL           *KafkaSASL // nil: no SASL
}

// KafkaTLS turns TLS on for the brokers: CA verifies them (the system's
// roots when empty); Cert and Key, when set, are the client's certificate
// (mutual TLS). Paths are relative to the config.
type KafkaTLS struct{ CA, Cert, Key string }

// KafkaSASL authenticates to the brokers: Mechanism is PLAIN (over TLS
// only), SCRAM-SHA-256 or SCRAM-SHA-512; the password is read from
// PasswordFile, never written in the config.
type KafkaSASL struct{ Mechanism, Username, PasswordFile string }

// KafkaTopics name the topics of concord consume.
type KafkaTopics struct {
	Records     string // records in: JSON objects with source and the source's columns
	Changes     string // entity changes out, each with its sequence; "" relays none
	DeadLetters string // messages not applied, with the reason
}

// Serve configures concord serve: how callers prove who they are, and
// what each may do and see. Secrets (the server's key, API key hashes)
// live in the files named, never in the config text.
type Serve struct {
	TLS     TLS
	OIDC    OIDC
	APIKeys string // file of "principal sha256-hex" lines
	// Labels are the access labels, lowest first: a clearance covers its
	// label and every lower one.
	Labels     []string
	Principals []Principal
}

// TLS names the server's certificate and key, and the CA that signs
// services' client certificates (mTLS); paths are relative to the config.
type TLS struct {
	Cert, Key, ClientCA string
}

// OIDC configures people's bearer tokens: the issuer and the audience a
// token must name, and either a JWKS file of the issuer's keys (offline)
// or none (the keys are fetched from the issuer's discovery document).
// Claim names the claim that is the principal's id (default email, or sub
// when a token has no e-mail).
//
// RedirectURL (…/login/callback) turns on the workbench's log-in at the
// issuer (authorisation code with PKCE), as client Audience; a confidential
// client reads its secret from ClientSecretFile. AuthURL and TokenURL
// stand in for the discovery document's endpoints.
type OIDC struct {
	Issuer, Audience, JWKSFile, Claim string
	RedirectURL, ClientSecretFile     string
	AuthURL, TokenURL                 string
}

// Principal is a caller the server knows: a person or a service (by the
// identity in its client certificate), with roles and a clearance.
type Principal struct {
	ID        string
	Roles     []string
	Clearance string
	Line      int
}

// Limits bound the input: a longer row or value is rejected, with its
// file, line and field, and reading goes on. Zero means the default
// (ingest.MaxRowBytes; normalize.MaxLength of each type), which real data
// never reaches.
type Limits struct {
	RowBytes   int                 // a CSV row or NDJSON line
	ValueBytes map[record.Kind]int // a raw value, by type
}

// maxLimit bounds what a limit may be raised to: 256 MiB.
const maxLimit = 256 << 20

// Source is one named feed.
type Source struct {
	Name   string
	Path   string // absolute or relative to Config.Dir as written
	Format string // csv | ndjson | xml | parquet | xlsx | fixed
	// Sheet is the worksheet an xlsx source reads; "" for the workbook's
	// first.
	Sheet string
	ID    string // column holding the record id
	Label string
	// Sensitive names features shown masked unless the reader's
	// clearance is the highest label.
	Sensitive []string
	Delimiter rune // csv only; 0 means detect from the header line
	// Header names the columns of a CSV file written without a header
	// line (OFAC's sdn.csv: its first line is a row), and those of a
	// fixed-width file, whose Widths, in characters, they have.
	Header   []string
	Widths   []int
	Encoding string // utf-8, latin1, windows-1252; "" when not declared: UTF-8, or Windows-1252 when a file's start is not UTF-8 (ingest)
	// Records is the dotted path of the list of records in a JSON
	// document ({"results": […]}); "" reads NDJSON rows, a JSON array, or
	// a document's first list of objects (ingest). Of an XML source
	// (required) it is the path of its record elements (ingest.Options).
	Records string
	// Kind says what the source's records are about: every record the same
	// (Kind.Fixed), or read from a column through a value map.
	Kind   KindMapping
	Fields []Field
	Line   int // line of the source in the config file
	// AllowSpecial lets the source be a FIFO or a device rather than a
	// regular file (allow_special: true): one that may never end.
	AllowSpecial bool
	// Groups are the source's groups as written; after loading, each is a
	// source of its own in Config.Sources (see Group), and a source with
	// groups and no fields of its own makes no records itself.
	Groups []Group
	// Of is the source whose rows this one reads, for a group's source
	// ("" otherwise); Group is the group's name.
	Of, Group string
	// Relations are the relationships this source's records state, each
	// from the record to the record of the same row in another source.
	Relations []Relation
}

// Relation is a relationship as the source of its from end states it:
// to the record with the same id in source To, or, with Column, to the
// records of To whose ids that column holds (split by Split).
type Relation struct {
	Type          string
	To            string
	Column, Split string
	Attributes    []string
}

// Parts returns the sources whose records the rows of source name make:
// the source itself when it makes records, and the sources of its groups.
func (c *Config) Parts(name string) []Source { return Feeds(c.Sources)[name] }

// Inputs returns the names of feeds that rows come under, sorted, but a
// group's own source: what a user names an input of.
func Inputs(feeds map[string][]Source) []string {
	var out []string
	for n, parts := range feeds {
		if len(parts) > 1 || parts[0].Of == "" {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// Feeds maps every name rows may come under to the sources whose records
// they make: a source with groups to itself (when it makes records) and
// its groups' sources, any other source (a group's too) to itself alone.
func Feeds(sources []Source) map[string][]Source {
	out := map[string][]Source{}
	for _, s := range sources {
		out[s.Name] = append(out[s.Name], s)
		if s.Of != "" {
			out[s.Of] = append(out[s.Of], s)
		}
	}
	return out
}

// KindMapping says what a source's records are: a fixed entity kind, or
// the value of a column mapped to one (kind: {column: type, values:
// {individual: person, entity: organization}}). Unmapped or empty column
// values give an unknown kind; so does a source without kind.
type KindMapping struct {
	Fixed  record.EntityKind
	Column string
	Values map[string]record.EntityKind
}

// Field maps one feature to a column of a source.
type Field struct {
	Name    string      // feature name, e.g. "dob"
	Column  string      // column (CSV header) or key (NDJSON, dotted for nesting)
	Columns []string    // all columns; several are joined with a space (street_number + street)
	Type    record.Kind // feature kind
	Split   string      // separator of multi-valued cells; "" = single-valued
	Formats []string    // date only: Go time layouts, tried in order
	Region  string      // phone only: ISO 3166-1 alpha-2 default region
	// Exclusive, when set, declares of an identifier or a date whether
	// one holder has one value (true: two records that disagree outright
	// are kept apart) or may hold several (false: a bank's accounts, a
	// disagreement is weighed as evidence); unset, identifiers and dates
	// are exclusive unless the data shows their holders to hold several
	// (engine.findSeveralHeld).
	Exclusive *bool
	// DateOrder is, of a date field that declares no formats, the order
	// of day and month its dates are read in when both orders read one
	// (03/08/1999): "day_first" or "month_first", as a model found it in
	// the source's data (engine.ReadAsModel); never in the file.
	DateOrder string
	// ReadAsParty is set of a field typed name, of a source that does not
	// declare its records people's, whose names a model found to be
	// organisations' often enough to read them as party names (ReadKind;
	// engine.ReadAsModel); never in the file.
	ReadAsParty bool
	// Also are more columns whose values are more values of this feature:
	// the fields that name this one in alias_of (aliases of a name, a
	// second date of birth). Filled in by validation.
	Also    []Alias
	AliasOf string // as written: the feature this field adds values to
	Line    int
}

// Alias is a column that adds values to another field's feature.
type Alias struct {
	Column string
	Split  string
}

// Model holds the optional model settings.
type Model struct {
	Blocking   [][]string // each rule: "feature" or "feature.facet" terms, all equal
	Thresholds Thresholds
	// LinkOnly compares only records of different sources (linking files
	// that are each free of duplicates); by default records are also
	// compared within a source.
	LinkOnly bool
}

// Thresholds are match probabilities: pairs at or above Match are linked,
// pairs at or above Review go to human review.
type Thresholds struct {
	Match  float64
	Review float64
}

// DefaultThresholds are used when the config gives none. A match at 0.9
// takes a false link as costing nine missed ones: at 0.95 a party known by
// a name and a country alone (a payment's beneficiary) could never be
// linked, even by a rare exact name (docs/accuracy.md gives the sets
// measured at 0.8 to 0.95).
var DefaultThresholds = Thresholds{Match: 0.90, Review: 0.60}

// ValidationError is one problem in a config file, located by line and by
// the path of the offending field (e.g. "sources[1].fields.dob.formats").
type ValidationError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and validates the config file at path. Errors are joined
// *ValidationError values, one per problem found.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// Parse parses and validates a config document. file names it in errors and
// sets the directory that relative paths are resolved against.
func Parse(data []byte, file string) (*Config, error) {
	p := &parser{file: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, &ValidationError{File: file, Msg: "invalid YAML: " + err.Error()}
	}
	cfg := &Config{File: file, Dir: "."}
	if file != "" {
		cfg.Dir = filepath.Dir(file)
	}
	if len(doc.Content) == 0 {
		p.errf(&doc, "", "empty config: at least one source is required")
		return nil, p.err()
	}
	p.parseConfig(doc.Content[0], cfg)
	if err := p.err(); err != nil {
		return nil, err
	}
	p.expandGroups(cfg)
	p.validate(cfg)
	if err := p.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// SourcePath returns the path of src resolved against the config directory.
func (c *Config) SourcePath(src Source) string {
	if filepath.IsAbs(src.Path) || c.Dir == "" {
		return src.Path
	}
	return filepath.Join(c.Dir, src.Path)
}

// SourceFiles returns the files src reads, resolved against the config
// directory, and their names as errors and rejects give them (as the
// config writes the path): the one file of its path, or, when the path is
// a pattern (data/payments/*.csv; filepath.Match's syntax) and no file has
// that very name, every file it matches, in name order. A pattern that
// matches none is an error.
func (c *Config) SourceFiles(src Source) (paths, names []string, err error) {
	path := c.SourcePath(src)
	if !IsPattern(src.Path) {
		return []string{path}, []string{src.Path}, nil
	}
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		return []string{path}, []string{src.Path}, nil
	}
	matches, err := filepath.Glob(path)
	if err != nil {
		return nil, nil, fmt.Errorf("source %s: path %q: %w", src.Name, src.Path, err)
	}
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.IsDir() {
			continue
		}
		name := m
		if !filepath.IsAbs(src.Path) && c.Dir != "" {
			if rel, err := filepath.Rel(c.Dir, m); err == nil {
				name = rel
			}
		}
		paths, names = append(paths, m), append(names, name)
	}
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("source %s: no file matches %q", src.Name, src.Path)
	}
	return paths, names, nil
}

// IsPattern reports whether a source's path is a pattern of files
// (filepath.Match's syntax) rather than one file's name.
func IsPattern(path string) bool { return strings.ContainsAny(path, "*?[") }

// Kinds returns the kind of every feature name used by any source, as its
// values are read (Source.ReadKind). A name feature that holds person
// names in one source and organisation names in another is a party
// feature.
func (c *Config) Kinds() map[string]record.Kind {
	kinds := make(map[string]record.Kind)
	for _, s := range c.Sources {
		for _, f := range s.Fields {
			read := s.ReadKind(f)
			if k, ok := kinds[f.Name]; ok {
				kinds[f.Name], _ = sharedKind(k, read)
				continue
			}
			kinds[f.Name] = read
		}
	}
	return kinds
}

// DeclaredExclusive returns, for each feature some field of which declares
// exclusive, whether it is (validation makes the sources agree).
func (c *Config) DeclaredExclusive() map[string]bool {
	out := map[string]bool{}
	for _, s := range c.Sources {
		for _, f := range s.Fields {
			if f.Exclusive != nil {
				out[f.Name] = *f.Exclusive
			}
		}
	}
	return out
}

// ReadKind returns the kind a field's values are read as: its type, but
// for the name typed name of a source that declares no kind of record and
// holds one name (with its aliases), which is read as a party name. Such
// a source says nothing of what its records are, and a column of payment
// parties or list entries typed name may hold companies too: read as
// people's names, they would be taken for people and never meet the
// organisations they are. A name with no legal form and no word only
// organisations use reads as a person's either way. A source with more
// names (given name and surname apart, a company's name and its officer's)
// keeps their types, unless the field's names are organisations' often
// enough (ReadAsParty), as they may be too where a column says which
// records are people and which organisations (a customer file's name
// typed name, its companies' rows marked J), and in a source of
// organisations (a register's company typed name; its officer's name,
// typed name too, holds no organisations' and stays a person's). A
// source of people keeps its types.
func (s Source) ReadKind(f Field) record.Kind {
	if f.Type != record.KindName || s.Kind.Fixed == record.EntityPerson {
		return f.Type
	}
	if f.ReadAsParty {
		return record.KindParty
	}
	if s.Kind.Column != "" || s.Kind.Fixed != record.EntityUnknown {
		return f.Type
	}
	names := 0
	for _, g := range s.Fields {
		if g.Type.IsName() && g.AliasOf == "" {
			names++
		}
	}
	if names != 1 {
		return f.Type
	}
	return record.KindParty
}

func sharesKind(a, b record.Kind) bool { _, ok := sharedKind(a, b); return ok }

// sharedKind returns the kind of a feature that one source types a and
// another b, and whether they may share it: the same kind, or two name
// kinds, which mixed are party names.
func sharedKind(a, b record.Kind) (record.Kind, bool) {
	switch {
	case a == b:
		return a, true
	case a.IsName() && b.IsName():
		return record.KindParty, true
	}
	return a, false
}

type parser struct {
	file string
	errs []error
	// merging holds the mappings whose merge keys are being resolved, to
	// refuse a mapping that merges itself; merged counts the entries merge
	// keys have brought in, to bound a fan-out of merges.
	merging map[*yaml.Node]bool
	merged  int
	tooMany bool // the bound on merged entries was reported
}

// maxMerged bounds the entries merge keys may bring into a config: far
// beyond what a config written by hand merges, far below what makes
// parsing slow.
const maxMerged = 10000

func (p *parser) errf(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &ValidationError{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) err() error { return errors.Join(p.errs...) }

// mapping checks that n is a mapping with only the allowed keys (nil: any
// key) and returns its key→value pairs in document order. Aliases are
// followed and merge keys (<<: *anchor) resolved; explicit keys win.
func (p *parser) mapping(n *yaml.Node, field string, allowed ...string) [][2]*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.errf(n, field, "must be a mapping")
		return nil
	}
	var out, merged [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if k.Value == "<<" && k.Tag != "!!str" {
			srcs := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				srcs = v.Content
			}
			if p.merging == nil {
				p.merging = map[*yaml.Node]bool{}
			}
			p.merging[n] = true
			for _, src := range srcs {
				switch src = deref(src); {
				case p.merging[src]:
					p.errf(k, field, "merge key refers to a mapping that contains it")
				case p.merged > maxMerged:
					if !p.tooMany {
						p.errf(k, field, "merge keys bring in more than %d entries", maxMerged)
						p.tooMany = true
					}
				default:
					kvs := p.mapping(src, field, allowed...)
					p.merged += len(kvs)
					merged = append(merged, kvs...)
				}
			}
			delete(p.merging, n)
			continue
		}
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			p.errf(k, join(field, k.Value), "unknown key (allowed: %s)", strings.Join(allowed, ", "))
			continue
		}
		if seen[k.Value] {
			p.errf(k, join(field, k.Value), "duplicate key")
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, v})
	}
	for _, kv := range merged {
		if !seen[kv[0].Value] {
			seen[kv[0].Value] = true
			out = append(out, kv)
		}
	}
	return out
}

// deref follows YAML aliases (*anchor) to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func (p *parser) scalar(n *yaml.Node, field string) string {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		p.errf(n, field, "must be a single value")
		return ""
	}
	return n.Value
}

// list returns the elements of a list node, or nil, with an error saying
// it must be a list of what, when it is not one.
func (p *parser) list(n *yaml.Node, field, what string) []*yaml.Node {
	if n = deref(n); n.Kind != yaml.SequenceNode {
		p.errf(n, field, "must be a list of %s", what)
		return nil
	}
	return n.Content
}

func (p *parser) strings(n *yaml.Node, field string) []string {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.errf(n, field, "must be a list of strings")
		return nil
	}
	var out []string
	for i, c := range n.Content {
		out = append(out, p.scalar(c, fmt.Sprintf("%s[%d]", field, i)))
	}
	return out
}

func (p *parser) float(n *yaml.Node, field string) float64 {
	var f float64
	if n.Kind != yaml.ScalarNode || n.Decode(&f) != nil {
		p.errf(n, field, "must be a number, got %q", n.Value)
	} else if math.IsNaN(f) || math.IsInf(f, 0) {
		p.errf(n, field, "must be a finite number, got %q", n.Value)
		f = 0
	}
	return f
}

// parseLimits reads limits: {row_bytes: N, value_bytes: {TYPE: N, …}}.
func (p *parser) parseLimits(n *yaml.Node, l *Limits) {
	size := func(v *yaml.Node, field string) int {
		x := p.float(v, field)
		if x != float64(int(x)) || x < 1 || x > maxLimit {
			p.errf(v, field, "must be a whole number of bytes from 1 to %d", maxLimit)
			return 0
		}
		return int(x)
	}
	for _, kv := range p.mapping(n, "limits", "row_bytes", "value_bytes") {
		f := join("limits", kv[0].Value)
		switch kv[0].Value {
		case "row_bytes":
			l.RowBytes = size(kv[1], f)
		case "value_bytes":
			l.ValueBytes = map[record.Kind]int{}
			for _, tkv := range p.mapping(kv[1], f) {
				tf := join(f, tkv[0].Value)
				k := record.Kind(tkv[0].Value)
				if !k.Valid() {
					p.errf(tkv[0], tf, "unknown type %q", tkv[0].Value)
					continue
				}
				l.ValueBytes[k] = size(tkv[1], tf)
			}
		}
	}
}

func (p *parser) parseConfig(n *yaml.Node, cfg *Config) {
	var sourcesNode, sharedNode *yaml.Node
	for _, kv := range p.mapping(n, "", "store", "shared", "sources", "relationships", "model", "limits", "serve", "kafka") {
		switch k, v := kv[0].Value, kv[1]; k {
		case "store":
			cfg.Store = p.scalar(v, k)
		case "shared":
			sharedNode = v
			if err := deref(v).Decode(&cfg.Shared); err != nil {
				p.errf(v, k, "must be true or false")
			}
		case "sources":
			sourcesNode = deref(v)
			for i, s := range p.list(v, k, "sources") {
				cfg.Sources = append(cfg.Sources, p.parseSource(s, fmt.Sprintf("sources[%d]", i)))
			}
		case "relationships":
			for i, r := range p.list(v, k, "relationships") {
				cfg.Relationships = append(cfg.Relationships, p.parseRelationship(r, fmt.Sprintf("relationships[%d]", i)))
			}
		case "model":
			p.parseModel(v, &cfg.Model)
		case "limits":
			p.parseLimits(v, &cfg.Limits)
		case "serve":
			p.parseServe(v, &cfg.Serve)
		case "kafka":
			p.parseKafka(v, &cfg.Kafka)
		}
	}
	if cfg.Shared && !strings.HasPrefix(cfg.Store, "postgres://") && !strings.HasPrefix(cfg.Store, "postgresql://") {
		p.errf(sharedNode, "shared", "shared mode needs a store many processes write at once: store: postgres://…")
	}
	if len(cfg.Sources) == 0 {
		if sourcesNode == nil {
			sourcesNode = n
		}
		p.errf(sourcesNode, "sources", "at least one source is required")
	}
	if cfg.Model.Thresholds == (Thresholds{}) {
		cfg.Model.Thresholds = DefaultThresholds
	}
}

func (p *parser) parseSource(n *yaml.Node, field string) Source {
	src := Source{Line: n.Line}
	for _, kv := range p.mapping(n, field, "name", "path", "format", "id", "label", "sensitive", "delimiter", "header", "widths", "encoding", "records", "sheet", "kind", "fields", "groups", "allow_special") {
		k, v := kv[0].Value, kv[1]
		f := join(field, k)
		switch k {
		case "name":
			src.Name = p.scalar(v, f)
		case "path":
			src.Path = p.scalar(v, f)
		case "format":
			src.Format = strings.ToLower(p.scalar(v, f))
			if !slices.Contains([]string{FormatCSV, FormatNDJSON, FormatXML, FormatParquet, FormatXLSX, FormatFixed}, src.Format) {
				p.errf(v, f, "unknown format %q (want csv, ndjson, xml, parquet, xlsx or fixed)", src.Format)
			}
		case "id":
			src.ID = p.scalar(v, f)
		case "label":
			src.Label = p.scalar(v, f)
		case "sensitive":
			src.Sensitive = p.strings(v, f)
		case "delimiter":
			d := p.scalar(v, f)
			switch {
			case d == `\t` || d == "tab":
				src.Delimiter = '\t'
			case len([]rune(d)) == 1 && d != `"` && d != "\n" && d != "\r":
				src.Delimiter = []rune(d)[0]
			default:
				p.errf(v, f, "delimiter must be one character (or \\t), got %q", d)
			}
		case "records":
			src.Records = p.scalar(v, f)
		case "header":
			src.Header = p.strings(v, f)
			seen := map[string]bool{}
			for i, h := range src.Header {
				if h = strings.TrimSpace(h); h == "" || seen[h] {
					p.errf(v, fmt.Sprintf("%s[%d]", f, i), "a column's name must be given, once: %q", h)
				}
				seen[strings.TrimSpace(h)] = true
			}
			if len(src.Header) == 0 {
				p.errf(v, f, "header names the columns of a file without a header line: give them")
			}
		case "widths":
			if err := deref(v).Decode(&src.Widths); err != nil {
				p.errf(v, f, "widths must be a list of the columns' widths in characters: %v", err)
			}
			for i, w := range src.Widths {
				if w < 1 || w > 1<<20 {
					p.errf(v, fmt.Sprintf("%s[%d]", f, i), "a column is 1 character wide or more, got %d", w)
				}
			}
		case "sheet":
			if src.Sheet = p.scalar(v, f); src.Sheet == "" {
				p.errf(v, f, "sheet must name a worksheet")
			}
		case "allow_special":
			if err := deref(v).Decode(&src.AllowSpecial); err != nil {
				p.errf(v, f, "must be true or false")
			}
		case "encoding":
			src.Encoding = strings.ToLower(p.scalar(v, f))
			if src.Encoding == "utf8" {
				src.Encoding = "utf-8"
			}
			if src.Encoding == "latin-1" || src.Encoding == "iso-8859-1" {
				src.Encoding = "latin1"
			}
			if !slices.Contains(Encodings, src.Encoding) {
				p.errf(v, f, "unknown encoding %q (want one of %s)", src.Encoding, strings.Join(Encodings, ", "))
			}
		case "kind":
			src.Kind = p.parseKind(v, f)
		case "fields":
			for _, fkv := range p.mapping(v, f) {
				src.Fields = append(src.Fields, p.parseField(fkv[0], fkv[1], join(f, fkv[0].Value)))
			}
		case "groups":
			for _, gkv := range p.mapping(v, f) {
				src.Groups = append(src.Groups, p.parseGroup(gkv[0], gkv[1], join(f, gkv[0].Value)))
			}
		}
	}
	if src.Format == "" {
		src.Format = formatFromPath(src.Path)
	}
	return src
}

// parseGroup reads one group of a source: {kind, fields}.
func (p *parser) parseGroup(key, n *yaml.Node, field string) Group {
	g := Group{Name: key.Value, Line: key.Line}
	if !featureName.MatchString(g.Name) || g.Name == Self {
		p.errf(key, field, "group name must be letters, digits and _ (starting with a letter), and not %q", Self)
	}
	for _, kv := range p.mapping(n, field, "kind", "fields") {
		k, v := kv[0].Value, kv[1]
		f := join(field, k)
		switch k {
		case "kind":
			g.Kind = p.parseKind(v, f)
		case "fields":
			for _, fkv := range p.mapping(v, f) {
				g.Fields = append(g.Fields, p.parseField(fkv[0], fkv[1], join(f, fkv[0].Value)))
			}
		}
	}
	if len(g.Fields) == 0 {
		p.errf(n, field+".fields", "a group needs at least one field")
	}
	return g
}

// relationshipType is what a relationship's type may be: it names edges
// in every output and export.
var relationshipType = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// parseRelationship reads {type, source, from, to, attributes}.
func (p *parser) parseRelationship(n *yaml.Node, field string) Relationship {
	r := Relationship{Line: n.Line}
	for _, kv := range p.mapping(n, field, "type", "source", "from", "to", "attributes") {
		k, v := kv[0].Value, kv[1]
		f := join(field, k)
		switch k {
		case "type":
			r.Type = p.scalar(v, f)
			switch {
			case !relationshipType.MatchString(r.Type):
				p.errf(v, f, "relationship type %q must be lower-case letters, digits and _ (starting with a letter)", r.Type)
			case strings.HasPrefix(r.Type, "shares_") || r.Type == "possibly_same":
				p.errf(v, f, "relationship type %q is one the network derives (shares_<feature>, possibly_same): choose another", r.Type)
			}
		case "source":
			r.Source = p.scalar(v, f)
		case "from":
			r.From = p.scalar(v, f)
		case "to":
			if deref(v).Kind == yaml.MappingNode {
				for _, tkv := range p.mapping(v, f, "source", "column", "split") {
					switch tf := join(f, tkv[0].Value); tkv[0].Value {
					case "source":
						r.ToSource = p.scalar(tkv[1], tf)
					case "column":
						r.ToColumn = p.scalar(tkv[1], tf)
					case "split":
						r.ToSplit = p.scalar(tkv[1], tf)
					}
				}
				if r.ToSource == "" || r.ToColumn == "" {
					p.errf(v, f, "to names a group, %s, or the records of a source whose ids a column holds: {source: NAME, column: COLUMN}", Self)
				}
				r.To = r.ToSource + "[" + r.ToColumn + "]"
				continue
			}
			r.To = p.scalar(v, f)
		case "attributes":
			r.Attributes = p.strings(v, f)
		}
	}
	for _, req := range [][2]string{{"type", r.Type}, {"source", r.Source}, {"from", r.From}, {"to", r.To}} {
		if req[1] == "" {
			p.errf(n, join(field, req[0]), "%s is required", req[0])
		}
	}
	return r
}

// expandGroups makes every group a source of its own, right after the
// source it reads, and resolves the relationships' ends to sources. A
// source with groups and no fields of its own makes no records: it is
// replaced by its groups' sources.
func (p *parser) expandGroups(cfg *Config) {
	bases := map[string]Source{}
	var out []Source
	for i, s := range cfg.Sources {
		bases[s.Name] = s
		at := &yaml.Node{Line: s.Line}
		for _, name := range s.Sensitive {
			has := slices.ContainsFunc(s.Fields, func(f Field) bool { return f.Name == name })
			for _, g := range s.Groups {
				has = has || slices.ContainsFunc(g.Fields, func(f Field) bool { return f.Name == name })
			}
			if !has {
				p.errf(at, fmt.Sprintf("sources[%d].sensitive", i), "source %s has no field %q", s.Name, name)
			}
		}
		if len(s.Fields) > 0 || len(s.Groups) == 0 {
			own := s
			own.Sensitive = sensitiveOf(s.Sensitive, s.Fields)
			out = append(out, own)
		}
		for _, g := range s.Groups {
			part := s
			part.Name, part.Of, part.Group = s.Name+"."+g.Name, s.Name, g.Name
			part.Kind, part.Fields, part.Line, part.Groups = g.Kind, g.Fields, g.Line, nil
			part.Sensitive = sensitiveOf(s.Sensitive, g.Fields)
			out = append(out, part)
		}
	}
	cfg.Sources = out
	index := map[string]int{}
	for i, s := range cfg.Sources {
		index[s.Name] = i
	}
	seen := map[[4]string]bool{}
	for i := range cfg.Relationships {
		r := &cfg.Relationships[i]
		field, at := fmt.Sprintf("relationships[%d]", i), &yaml.Node{Line: r.Line}
		base, ok := bases[r.Source]
		if !ok {
			p.errf(at, field+".source", "no source %q", r.Source)
			continue
		}
		end := func(name, key string) string {
			if name == Self {
				if len(base.Fields) == 0 {
					p.errf(at, field+"."+key, "source %s makes no record of its own (it has no fields): name one of its groups", base.Name)
				}
				return base.Name
			}
			if !slices.ContainsFunc(base.Groups, func(g Group) bool { return g.Name == name }) {
				var names []string
				for _, g := range base.Groups {
					names = append(names, g.Name)
				}
				p.errf(at, field+"."+key, "source %s has no group %q (its groups: %s; or %s for the row's own record)", base.Name, name, strings.Join(names, ", "), Self)
			}
			return base.Name + "." + name
		}
		r.FromSource = end(r.From, "from")
		if r.ToColumn != "" {
			if _, ok := index[r.ToSource]; !ok {
				p.errf(at, field+".to.source", "no source %q makes records", r.ToSource)
			}
		} else {
			r.ToSource = end(r.To, "to")
		}
		if r.From == r.To {
			p.errf(at, field+".to", "a relationship links two different records of a row: from and to are both %q", r.From)
		}
		if k := [4]string{r.Type, r.FromSource, r.ToSource, r.ToColumn}; seen[k] {
			p.errf(at, field, "relationship %s from %s to %s declared twice", r.Type, r.From, r.To)
		} else {
			seen[k] = true
		}
		for _, a := range r.Attributes {
			if a == "" {
				p.errf(at, field+".attributes", "an attribute names a column; got an empty one")
			}
		}
		if j, ok := index[r.FromSource]; ok {
			cfg.Sources[j].Relations = append(cfg.Sources[j].Relations, Relation{Type: r.Type, To: r.ToSource,
				Column: r.ToColumn, Split: r.ToSplit, Attributes: r.Attributes})
		}
	}
}

// sensitiveOf returns the names in sensitive that fields has.
func sensitiveOf(sensitive []string, fields []Field) []string {
	var out []string
	for _, name := range sensitive {
		if slices.ContainsFunc(fields, func(f Field) bool { return f.Name == name }) {
			out = append(out, name)
		}
	}
	return out
}

// entityKinds maps the words a config may use to entity kinds.
var entityKinds = map[string]record.EntityKind{
	"person": record.EntityPerson, "organization": record.EntityOrganization,
	"organisation": record.EntityOrganization, "unknown": record.EntityUnknown,
}

func (p *parser) entityKind(n *yaml.Node, field string) record.EntityKind {
	word := strings.ToLower(p.scalar(n, field))
	k, ok := entityKinds[word]
	if !ok {
		p.errf(n, field, "unknown kind %q (want person, organization or unknown)", word)
	}
	return k
}

// parseKind reads a source's kind: a word, or {column, values}.
func (p *parser) parseKind(n *yaml.Node, field string) KindMapping {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		return KindMapping{Fixed: p.entityKind(n, field)}
	}
	var km KindMapping
	for _, kv := range p.mapping(n, field, "column", "values") {
		f := join(field, kv[0].Value)
		switch kv[0].Value {
		case "column":
			km.Column = p.scalar(kv[1], f)
		case "values":
			km.Values = map[string]record.EntityKind{}
			for _, vkv := range p.mapping(kv[1], f) {
				km.Values[vkv[0].Value] = p.entityKind(vkv[1], join(f, vkv[0].Value))
			}
		}
	}
	if km.Column == "" {
		p.errf(n, field, "kind needs a column (kind: {column: type, values: {individual: person, entity: organization}}) or a word (person, organization)")
	}
	if len(km.Values) == 0 {
		p.errf(n, field, "kind needs values: a map from the column's values to person or organization")
	}
	return km
}

func formatFromPath(path string) string {
	p := strings.TrimSuffix(strings.ToLower(path), ".gz")
	switch {
	case strings.HasSuffix(p, ".ndjson"), strings.HasSuffix(p, ".jsonl"), strings.HasSuffix(p, ".json"):
		return FormatNDJSON
	case strings.HasSuffix(p, ".tsv"), strings.HasSuffix(p, ".csv"), strings.HasSuffix(p, ".txt"):
		return FormatCSV
	case strings.HasSuffix(p, ".xml"):
		return FormatXML
	case strings.HasSuffix(p, ".parquet"):
		return FormatParquet
	case strings.HasSuffix(p, ".xlsx"), strings.HasSuffix(p, ".xlsm"):
		return FormatXLSX
	}
	return ""
}

func (p *parser) parseField(key, n *yaml.Node, field string) Field {
	fd := Field{Name: key.Value, Line: key.Line}
	if !featureName.MatchString(fd.Name) {
		p.errf(key, field, "feature name must be letters, digits and _ (starting with a letter)")
	}
	for _, kv := range p.mapping(n, field, "column", "columns", "type", "split", "formats", "region", "alias_of", "exclusive") {
		k, v := kv[0].Value, kv[1]
		f := join(field, k)
		switch k {
		case "column":
			fd.Column = p.scalar(v, f)
		case "columns":
			fd.Columns = p.strings(v, f)
		case "type":
			fd.Type = record.Kind(p.scalar(v, f))
			if !fd.Type.Valid() {
				p.errf(v, f, "unknown type %q (want one of %s)", fd.Type, kindList())
			}
		case "split":
			fd.Split = p.scalar(v, f)
			if fd.Split == "" {
				p.errf(v, f, "split separator must not be empty")
			}
		case "formats":
			for i, s := range p.strings(v, f) {
				layout, err := DateLayout(s)
				if err != nil {
					p.errf(v, fmt.Sprintf("%s[%d]", f, i), "%v", err)
					continue
				}
				fd.Formats = append(fd.Formats, layout)
			}
		case "alias_of":
			fd.AliasOf = p.scalar(v, f)
		case "exclusive":
			var x bool
			if err := v.Decode(&x); err != nil {
				p.errf(v, f, "must be true or false")
			}
			fd.Exclusive = &x
		case "region":
			fd.Region = strings.ToUpper(p.scalar(v, f))
			if !regionCode.MatchString(fd.Region) {
				p.errf(v, f, "region must be an ISO 3166-1 alpha-2 code such as GB or VE, got %q", fd.Region)
			}
		}
	}
	switch {
	case fd.Column != "" && len(fd.Columns) > 0:
		p.errf(n, field, "give column or columns, not both")
	case fd.Column != "":
		fd.Columns = []string{fd.Column}
	case len(fd.Columns) > 0:
		fd.Column = fd.Columns[0]
		if fd.Split != "" && len(fd.Columns) > 1 {
			p.errf(n, join(field, "split"), "split applies to a single column")
		}
	default:
		p.errf(n, field, "column is required")
	}
	if fd.Type == "" {
		p.errf(n, field, "type is required (one of %s)", kindList())
	}
	if len(fd.Formats) > 0 && fd.Type != record.KindDate && fd.Type != "" {
		p.errf(n, join(field, "formats"), "formats apply only to type date")
	}
	if fd.Region != "" && fd.Type != record.KindPhone && fd.Type != "" {
		p.errf(n, join(field, "region"), "region applies only to type phone")
	}
	if fd.Exclusive != nil && fd.Type != record.KindIdentifier && fd.Type != record.KindDate && fd.Type != "" {
		p.errf(n, join(field, "exclusive"), "exclusive applies only to types identifier and date")
	}
	return fd
}

var (
	featureName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	sourceName  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	regionCode  = regexp.MustCompile(`^[A-Z]{2}$`)
)

func kindList() string {
	s := make([]string, len(record.Kinds))
	for i, k := range record.Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// parseKafka reads kafka: {brokers, group, topics: {records, changes,
// dead_letters}}.
func (p *parser) parseKafka(n *yaml.Node, k *Kafka) {
	for _, kv := range p.mapping(n, "kafka", "brokers", "group", "session_timeout", "topics", "tls", "sasl") {
		f := join("kafka", kv[0].Value)
		switch kv[0].Value {
		case "brokers":
			k.Brokers = p.strings(kv[1], f)
		case "session_timeout":
			d, err := time.ParseDuration(p.scalar(kv[1], f))
			if err != nil || d < 6*time.Second || d > 30*time.Minute {
				p.errf(kv[1], f, "must be a duration from 6s to 30m (such as 45s)")
			}
			k.SessionTimeout = d
		case "group":
			k.Group = p.scalar(kv[1], f)
		case "tls":
			k.TLS = &KafkaTLS{}
			for _, tkv := range p.mapping(kv[1], f, "ca", "cert", "key") {
				x := p.scalar(tkv[1], join(f, tkv[0].Value))
				switch tkv[0].Value {
				case "ca":
					k.TLS.CA = x
				case "cert":
					k.TLS.Cert = x
				default:
					k.TLS.Key = x
				}
			}
			if (k.TLS.Cert == "") != (k.TLS.Key == "") {
				p.errf(kv[1], f, "cert and key go together (a client certificate)")
			}
		case "sasl":
			k.SASL = &KafkaSASL{}
			for _, skv := range p.mapping(kv[1], f, "mechanism", "username", "password_file") {
				x := p.scalar(skv[1], join(f, skv[0].Value))
				switch skv[0].Value {
				case "mechanism":
					k.SASL.Mechanism = x
				case "username":
					k.SASL.Username = x
				default:
					k.SASL.PasswordFile = x
				}
			}
			switch m := k.SASL.Mechanism; {
			case m != "PLAIN" && m != "SCRAM-SHA-256" && m != "SCRAM-SHA-512":
				p.errf(kv[1], f, "mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
			case k.SASL.Username == "" || k.SASL.PasswordFile == "":
				p.errf(kv[1], f, "sasl needs a username and a password_file (the password is never written in the config)")
			}
		default:
			for _, tkv := range p.mapping(kv[1], f, "records", "changes", "dead_letters") {
				x := p.scalar(tkv[1], join(f, tkv[0].Value))
				switch tkv[0].Value {
				case "records":
					k.Topics.Records = x
				case "changes":
					k.Topics.Changes = x
				default:
					k.Topics.DeadLetters = x
				}
			}
		}
	}
	if len(k.Brokers) == 0 {
		p.errf(n, "kafka", "kafka needs brokers")
	}
	if k.Topics.Records == "" || k.Topics.DeadLetters == "" {
		p.errf(n, "kafka", "kafka.topics needs records and dead_letters (a message that cannot be applied goes there with its reason)")
	}
	if k.SASL != nil && k.SASL.Mechanism == "PLAIN" && k.TLS == nil {
		p.errf(n, "kafka.sasl", "PLAIN sends the password as it is: it needs kafka.tls")
	}
	if k.Group == "" {
		k.Group = "concord"
	}
}

// parseServe reads serve: {tls: {cert, key, client_ca}, api_keys,
// labels, principals: [{id, roles, clearance}]}.
func (p *parser) parseServe(n *yaml.Node, s *Serve) {
	for _, kv := range p.mapping(n, "serve", "tls", "oidc", "api_keys", "labels", "principals") {
		k, v := kv[0].Value, kv[1]
		f := join("serve", k)
		switch k {
		case "tls":
			for _, tkv := range p.mapping(v, f, "cert", "key", "client_ca") {
				tf := join(f, tkv[0].Value)
				switch x := p.scalar(tkv[1], tf); tkv[0].Value {
				case "cert":
					s.TLS.Cert = x
				case "key":
					s.TLS.Key = x
				default:
					s.TLS.ClientCA = x
				}
			}
		case "oidc":
			o := &s.OIDC
			keys := map[string]*string{"issuer": &o.Issuer, "audience": &o.Audience, "jwks_file": &o.JWKSFile, "claim": &o.Claim,
				"redirect_url": &o.RedirectURL, "client_secret_file": &o.ClientSecretFile, "auth_url": &o.AuthURL, "token_url": &o.TokenURL}
			for _, okv := range p.mapping(v, f, "issuer", "audience", "jwks_file", "claim", "redirect_url", "client_secret_file", "auth_url", "token_url") {
				*keys[okv[0].Value] = p.scalar(okv[1], join(f, okv[0].Value))
			}
			if s.OIDC.Issuer == "" || s.OIDC.Audience == "" {
				p.errf(v, f, "oidc needs an issuer and an audience")
			}
			if (s.OIDC.AuthURL == "") != (s.OIDC.TokenURL == "") {
				p.errf(v, f, "oidc needs both auth_url and token_url, or neither (the issuer's discovery document gives them)")
			}
			if s.OIDC.RedirectURL == "" && (s.OIDC.ClientSecretFile != "" || s.OIDC.AuthURL != "") {
				p.errf(v, f, "oidc's client_secret_file, auth_url and token_url serve the log-in at the issuer: give its redirect_url")
			}
		case "api_keys":
			s.APIKeys = p.scalar(v, f)
		case "labels":
			s.Labels = p.strings(v, f)
		case "principals":
			for i, pn := range p.list(v, f, "principals") {
				pf := fmt.Sprintf("%s[%d]", f, i)
				pr := Principal{Line: pn.Line}
				for _, pkv := range p.mapping(pn, pf, "id", "roles", "clearance") {
					switch pkv[0].Value {
					case "id":
						pr.ID = p.scalar(pkv[1], join(pf, "id"))
					case "roles":
						pr.Roles = p.strings(pkv[1], join(pf, "roles"))
					default:
						pr.Clearance = p.scalar(pkv[1], join(pf, "clearance"))
					}
				}
				if pr.ID == "" {
					p.errf(pn, pf, "a principal needs an id")
				}
				s.Principals = append(s.Principals, pr)
			}
		}
	}
}

func (p *parser) parseModel(n *yaml.Node, m *Model) {
	for _, kv := range p.mapping(n, "model", "blocking", "thresholds", "link_only") {
		k, v := kv[0].Value, kv[1]
		f := join("model", k)
		switch k {
		case "blocking":
			for i, r := range p.list(v, f, "rules, each a list of feature terms") {
				rule := p.strings(r, fmt.Sprintf("%s[%d]", f, i))
				if len(rule) == 0 {
					p.errf(r, fmt.Sprintf("%s[%d]", f, i), "a blocking rule needs at least one term")
				}
				m.Blocking = append(m.Blocking, rule)
			}
		case "link_only":
			if err := v.Decode(&m.LinkOnly); err != nil {
				p.errf(v, f, "must be true or false")
			}
		case "thresholds":
			for _, tkv := range p.mapping(v, f, "match", "review") {
				tf := join(f, tkv[0].Value)
				x := p.float(tkv[1], tf)
				if x < 0 || x > 1 {
					p.errf(tkv[1], tf, "must be a probability between 0 and 1, got %v", x)
				}
				if tkv[0].Value == "match" {
					m.Thresholds.Match = x
				} else {
					m.Thresholds.Review = x
				}
			}
			if m.Thresholds.Match == 0 {
				m.Thresholds.Match = DefaultThresholds.Match
			}
			if m.Thresholds.Review > m.Thresholds.Match {
				p.errf(v, f, "review threshold %v is above match threshold %v", m.Thresholds.Review, m.Thresholds.Match)
			}
		}
	}
}

// resolveAliases moves the fields that give alias_of into the field they
// name, as more columns of its values.
func (p *parser) resolveAliases(src *Source, field string) {
	var kept, aliases []Field
	for _, f := range src.Fields {
		if f.AliasOf == "" {
			kept = append(kept, f)
		} else {
			aliases = append(aliases, f)
		}
	}
	for _, a := range aliases {
		at := &yaml.Node{Line: a.Line}
		f := field + ".fields." + a.Name + ".alias_of"
		i := slices.IndexFunc(kept, func(k Field) bool { return k.Name == a.AliasOf })
		switch {
		case i < 0:
			p.errf(at, f, "no field %q in this source to add values to", a.AliasOf)
		case !sharesKind(a.Type, kept[i].Type):
			p.errf(at, f, "type %s differs from type %s of %s", a.Type, kept[i].Type, a.AliasOf)
		case len(a.Columns) > 1:
			p.errf(at, f, "an alias field takes one column")
		case a.Exclusive != nil:
			p.errf(at, field+".fields."+a.Name+".exclusive", "an alias field adds values to %s: declare exclusive there", a.AliasOf)
		default:
			kept[i].Also = append(kept[i].Also, Alias{Column: a.Column, Split: a.Split})
		}
	}
	src.Fields = kept
}

// validateAccess checks labels, sensitive features and principals
// against each other: a label not declared, a sensitive feature the source
// does not have, a clearance that is not a label.
func (p *parser) validateAccess(cfg *Config) {
	labels := cfg.Serve.Labels
	seen := map[string]bool{}
	for _, l := range labels {
		if l == "" || seen[l] {
			p.errf(nil, "serve.labels", "labels must be distinct and not empty, got %q", labels)
		}
		seen[l] = true
	}
	for i, s := range cfg.Sources {
		field := fmt.Sprintf("sources[%d]", i)
		if s.Label != "" && len(labels) > 0 && !seen[s.Label] {
			p.errf(&yaml.Node{Line: s.Line}, field+".label", "label %q is not one of serve.labels %q", s.Label, labels)
		}
	}
	ids := map[string]bool{}
	for i, pr := range cfg.Serve.Principals {
		field := fmt.Sprintf("serve.principals[%d]", i)
		at := &yaml.Node{Line: pr.Line}
		if ids[pr.ID] {
			p.errf(at, field+".id", "principal %q listed twice", pr.ID)
		}
		ids[pr.ID] = true
		if pr.Clearance != "" && !seen[pr.Clearance] {
			p.errf(at, field+".clearance", "clearance %q is not one of serve.labels %q", pr.Clearance, labels)
		}
		for _, r := range pr.Roles {
			if !slices.Contains(Roles, r) {
				p.errf(at, field+".roles", "unknown role %q (want %s)", r, strings.Join(Roles, ", "))
			}
		}
	}
}

// Roles are the roles a principal may hold (see package access).
var Roles = []string{"viewer", "analyst", "reviewer", "writer", "admin"}

// validate checks what needs the whole document: required keys, unique
// names, consistent feature types across sources, blocking references.
func (p *parser) validate(cfg *Config) {
	names := map[string]int{}
	kinds := map[string]record.Kind{}
	kindSrc := map[string]string{}
	exclusive := map[string]bool{} // feature → what its first field that declares exclusive says
	exclusiveSrc := map[string]string{}
	for i, s := range cfg.Sources {
		field := fmt.Sprintf("sources[%d]", i)
		at := &yaml.Node{Line: s.Line}
		switch {
		case s.Name == "":
			p.errf(at, field+".name", "name is required")
		case !sourceName.MatchString(s.Name):
			p.errf(at, field+".name", "source name %q must be letters, digits, '_', '-' or '.'", s.Name)
		case names[s.Name] > 0:
			p.errf(at, field+".name", "duplicate source name %q (first at line %d)", s.Name, names[s.Name])
		default:
			names[s.Name] = s.Line
		}
		if s.Name != "" {
			field = "source " + s.Name
		}
		if s.Path == "" {
			p.errf(at, field+".path", "path is required")
		} else if s.Format == "" {
			p.errf(at, field+".format", "cannot infer the format from %q: set format to csv, ndjson, xml, parquet, xlsx or fixed", s.Path)
		}
		if s.ID == "" {
			p.errf(at, field+".id", "id is required: the column holding the record id")
		}
		if s.Delimiter != 0 && s.Format != FormatCSV {
			p.errf(at, field+".delimiter", "delimiter applies only to csv sources")
		}
		if s.Encoding != "" && (s.Format == FormatParquet || s.Format == FormatXLSX) {
			p.errf(at, field+".encoding", "encoding applies only to text sources: a Parquet file's and a workbook's strings are Unicode")
		}
		if len(s.Header) > 0 && s.Format != FormatCSV && s.Format != FormatFixed {
			p.errf(at, field+".header", "header applies only to csv and fixed sources: the names of a file's columns where it has no header line")
		}
		switch {
		case s.Format == FormatFixed && (len(s.Header) == 0 || len(s.Widths) != len(s.Header)):
			p.errf(at, field+".widths", "a fixed-width source needs header (its columns' names) and widths (their widths in characters), as many of each: %d names, %d widths", len(s.Header), len(s.Widths))
		case len(s.Widths) > 0 && s.Format != FormatFixed:
			p.errf(at, field+".widths", "widths applies only to fixed sources (format: fixed)")
		}
		if s.Sheet != "" && s.Format != FormatXLSX {
			p.errf(at, field+".sheet", "sheet applies only to xlsx sources: the worksheet of an Excel workbook to read")
		}
		switch {
		case s.Records != "" && (s.Format == FormatCSV || s.Format == FormatParquet || s.Format == FormatXLSX || s.Format == FormatFixed):
			p.errf(at, field+".records", "records applies only to JSON (ndjson) and XML sources: the path of a JSON document's list of records, or of an XML file's record elements")
		case s.Records == "" && s.Format == FormatXML:
			p.errf(at, field+".records", "an XML source needs records: the element each record is (sdnEntry; INDIVIDUALS.INDIVIDUAL where the name alone does not tell it)")
		}
		if len(s.Fields) == 0 {
			p.errf(at, field+".fields", "at least one field mapping is required")
		}
		p.resolveAliases(&cfg.Sources[i], field)
		s = cfg.Sources[i]
		for _, f := range s.Fields {
			if f.Type == "" {
				continue
			}
			if f.Exclusive != nil {
				if x, ok := exclusive[f.Name]; ok && x != *f.Exclusive {
					p.errf(&yaml.Node{Line: f.Line}, field+".fields."+f.Name+".exclusive",
						"exclusive %v differs from exclusive %v of the same feature in source %s: it is the feature's, compared across sources", *f.Exclusive, x, exclusiveSrc[f.Name])
				} else if !ok {
					exclusive[f.Name], exclusiveSrc[f.Name] = *f.Exclusive, s.Name
				}
			}
			k, seen := kinds[f.Name]
			if shared, ok := sharedKind(k, f.Type); seen && ok {
				kinds[f.Name] = shared
				continue
			}
			if seen {
				p.errf(&yaml.Node{Line: f.Line}, field+".fields."+f.Name,
					"type %s differs from type %s of the same feature in source %s: features with one name are compared with each other", f.Type, k, kindSrc[f.Name])
				continue
			}
			kinds[f.Name], kindSrc[f.Name] = f.Type, s.Name
		}
	}
	p.validateAccess(cfg)
	for i, rule := range cfg.Model.Blocking {
		for j, term := range rule {
			feature, _, _ := strings.Cut(term, ".")
			if _, ok := kinds[feature]; !ok && feature != "" {
				p.errf(nil, fmt.Sprintf("model.blocking[%d][%d]", i, j), "unknown feature %q in blocking rule", feature)
			}
		}
	}
}
