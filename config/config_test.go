package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

func TestLoadFull(t *testing.T) {
	cfg, err := config.Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(cfg.Sources), 2; got != want {
		t.Fatalf("sources = %d, want %d", got, want)
	}
	kyc := cfg.Sources[0]
	if kyc.Name != "bank_kyc" || kyc.Format != "csv" || kyc.ID != "customer_no" || kyc.Label != "restricted" || kyc.Encoding != "" {
		t.Errorf("bank_kyc = %+v", kyc)
	}
	var names []string
	for _, f := range kyc.Fields {
		names = append(names, f.Name)
	}
	if want := []string{"full_name", "aliases", "dob", "phone", "email", "national_id", "address"}; !reflect.DeepEqual(names, want) {
		t.Errorf("field order = %v, want %v", names, want)
	}
	if f := kyc.Fields[1]; f.Split != ";" || f.Type != record.KindName {
		t.Errorf("aliases = %+v", f)
	}
	if f := kyc.Fields[2]; !reflect.DeepEqual(f.Formats, []string{"02/01/2006"}) {
		t.Errorf("dob formats = %v", f.Formats)
	}
	if f := kyc.Fields[3]; f.Region != "VE" {
		t.Errorf("phone region = %q", f.Region)
	}
	watch := cfg.Sources[1]
	if watch.Format != "ndjson" {
		t.Errorf("watchlist format inferred = %q, want ndjson", watch.Format)
	}
	if got, want := watch.Fields[1].Formats, []string{"2006-01-02", "2006"}; !reflect.DeepEqual(got, want) {
		t.Errorf("watchlist dob formats = %v, want %v", got, want)
	}
	if got, want := cfg.SourcePath(kyc), filepath.Join("testdata", "data", "bank_kyc.csv"); got != want {
		t.Errorf("SourcePath = %q, want %q", got, want)
	}
	if got, want := cfg.SourcePath(watch), "/abs/watch.ndjson.gz"; got != want {
		t.Errorf("SourcePath = %q, want %q", got, want)
	}
	if got, want := cfg.Model.Thresholds, (config.Thresholds{Match: 0.9, Review: 0.5}); got != want {
		t.Errorf("thresholds = %v, want %v", got, want)
	}
	if got, want := len(cfg.Model.Blocking), 4; got != want {
		t.Errorf("blocking rules = %d, want %d", got, want)
	}
}

func TestColumns(t *testing.T) {
	cfg, err := config.Parse([]byte("sources:\n  - {name: a, path: a.csv, id: id, fields: {addr: {columns: [num, street], type: address}, n: {column: n, type: name}}}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	f := cfg.Sources[0].Fields
	if !reflect.DeepEqual(f[0].Columns, []string{"num", "street"}) || f[0].Column != "num" {
		t.Errorf("addr = %+v", f[0])
	}
	if !reflect.DeepEqual(f[1].Columns, []string{"n"}) {
		t.Errorf("n.Columns = %v, want [n]", f[1].Columns)
	}
}

func TestMergeKeys(t *testing.T) {
	doc := `sources:
  - &base
    name: a
    path: a.csv
    id: id
    fields: &f
      n: {column: n, type: name}
  - {<<: *base, name: b, path: b.csv}
  - {<<: *base, name: c, path: c.csv, fields: {<<: *f, d: {column: d, type: date}}}
`
	cfg, err := config.Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 3 {
		t.Fatalf("sources = %d, want 3", len(cfg.Sources))
	}
	b, c := cfg.Sources[1], cfg.Sources[2]
	if b.Name != "b" || b.Path != "b.csv" || b.ID != "id" || len(b.Fields) != 1 {
		t.Errorf("b = %+v", b)
	}
	if len(c.Fields) != 2 || c.Fields[0].Name != "d" || c.Fields[1].Name != "n" {
		t.Errorf("c fields = %+v, want d then merged n", c.Fields)
	}
}

func TestDefaults(t *testing.T) {
	cfg, err := config.Parse([]byte("sources:\n  - {name: a, path: a.tsv, id: id, fields: {n: {column: n, type: name}}}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Model.Thresholds, config.DefaultThresholds; got != want {
		t.Errorf("thresholds = %v, want %v", got, want)
	}
	if got, want := cfg.Sources[0].Format, "csv"; got != want {
		t.Errorf("format = %q, want %q", got, want)
	}
	// A format is inferred from the path's ending, gzipped too.
	for path, want := range map[string]string{"a.xml": "xml", "a.jsonl": "ndjson", "a.parquet": "parquet", "a.parquet.gz": "parquet", "A.PARQUET": "parquet", "a.xlsx": "xlsx", "a.xlsm": "xlsx"} {
		records := ""
		if want == "xml" {
			records = "records: r, "
		}
		cfg, err := config.Parse([]byte("sources:\n  - {name: a, path: "+path+", "+records+"id: id, fields: {n: {column: n, type: name}}}\n"), "")
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Sources[0].Format; got != want {
			t.Errorf("%s: format %q, want %q", path, got, want)
		}
	}
	// A headerless file's columns.
	cfg, err = config.Parse([]byte("sources:\n  - {name: a, path: a.csv, header: [id, n], id: id, fields: {n: {column: n, type: name}}}\n"), "")
	if err != nil || !reflect.DeepEqual(cfg.Sources[0].Header, []string{"id", "n"}) {
		t.Errorf("header: %v, %v", cfg, err)
	}
	// A workbook's sheet, its groups' sources reading the same.
	cfg, err = config.Parse([]byte("sources:\n  - {name: a, path: a.xlsx, sheet: Lista, id: id, fields: {n: {column: n, type: name}}, groups: {b: {fields: {n: {column: m, type: name}}}}}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cfg.Sources {
		if s.Sheet != "Lista" {
			t.Errorf("source %s: sheet %q, want Lista", s.Name, s.Sheet)
		}
	}
}

func TestKindsAndAliases(t *testing.T) {
	doc := `sources:
  - name: kyc
    path: kyc.csv
    id: id
    kind: {column: tipo, values: {N: person, J: Organisation}}
    fields:
      name:    {column: nombre, type: party}
      aliases: {column: alias, type: name, split: ";", alias_of: name}
      dob:     {column: dob, type: date}
  - name: registry
    path: reg.csv
    id: id
    kind: organization
    fields:
      name: {column: company, type: org_name}
  - name: people
    path: p.csv
    id: id
    kind: person
    fields:
      person: {column: n, type: name}
  - name: payments
    path: pay.csv
    id: id
    fields:
      payee: {column: n, type: name}
  - name: split
    path: s.csv
    id: id
    fields:
      given:   {column: g, type: name}
      surname: {column: s, type: name}
`
	cfg, err := config.Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	kyc := cfg.Sources[0]
	if got, want := kyc.Kind.Column, "tipo"; got != want {
		t.Errorf("kind column = %q, want %q", got, want)
	}
	if got, want := kyc.Kind.Values["J"], record.EntityOrganization; got != want {
		t.Errorf("kind of J = %q, want %q", got, want)
	}
	if got, want := cfg.Sources[1].Kind.Fixed, record.EntityOrganization; got != want {
		t.Errorf("registry kind = %q, want %q", got, want)
	}
	if got, want := len(kyc.Fields), 2; got != want {
		t.Fatalf("kyc has %d fields, want %d (the alias folded into name)", got, want)
	}
	if got, want := kyc.Fields[0].Also, []config.Alias{{Column: "alias", Split: ";"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("name.Also = %v, want %v", got, want)
	}
	kinds := cfg.Kinds()
	if got, want := kinds["name"], record.KindParty; got != want {
		t.Errorf("kind of name (party and org_name) = %q, want %q", got, want)
	}
	// A source of no declared kind with one name reads it as a party's;
	// one that declares its kind, or splits names in two, keeps the type.
	for feature, want := range map[string]record.Kind{"person": record.KindName, "payee": record.KindParty, "given": record.KindName, "surname": record.KindName} {
		if got := kinds[feature]; got != want {
			t.Errorf("kind of %s = %q, want %q", feature, got, want)
		}
	}
}

// mergeBomb is a config whose sources each merge the one before them fan
// times over: depth levels of it expand to fan^depth entries.
func mergeBomb(depth, fan int) string {
	var b strings.Builder
	b.WriteString("sources:\n  - &x0 {name: a, path: x.csv, id: id}\n")
	for i := 1; i < depth; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*x%d, ", i-1), fan), ", ")
		fmt.Fprintf(&b, "  - &x%d {<<: [%s]}\n", i, refs)
	}
	return b.String()
}

func TestKafka(t *testing.T) {
	cfg, err := config.Parse([]byte(`sources:
  - {name: p, path: p.csv, id: id, fields: {n: {column: n, type: name}}}
kafka:
  brokers: [k1:9092, k2:9092]
  topics: {records: concord.records, changes: concord.changes, dead_letters: concord.rejects}
`), "concord.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := config.Kafka{Brokers: []string{"k1:9092", "k2:9092"}, Group: "concord",
		Topics: config.KafkaTopics{Records: "concord.records", Changes: "concord.changes", DeadLetters: "concord.rejects"}}
	if !reflect.DeepEqual(cfg.Kafka, want) {
		t.Errorf("kafka = %+v, want %+v", cfg.Kafka, want)
	}
}

func TestServe(t *testing.T) {
	cfg, err := config.Parse([]byte(`sources:
  - name: kyc
    path: kyc.csv
    id: id
    label: restricted
    sensitive: [dob]
    fields: {n: {column: n, type: name}, dob: {column: d, type: date}}
serve:
  tls: {cert: server.pem, key: server-key.pem, client_ca: ca.pem}
  oidc: {issuer: "https://idp.example", audience: concord, jwks_file: jwks.json, redirect_url: "https://concord.example/login/callback",
         client_secret_file: oidc-secret, auth_url: "https://idp.example/auth", token_url: "https://idp.example/token"}
  api_keys: keys.txt
  labels: [internal, restricted]
  principals:
    - {id: alice@bank, roles: [analyst, reviewer], clearance: restricted}
    - {id: "spiffe://concord/svc/ingest", roles: [writer]}
`), "concord.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Serve
	if s.TLS != (config.TLS{Cert: "server.pem", Key: "server-key.pem", ClientCA: "ca.pem"}) || s.APIKeys != "keys.txt" ||
		s.OIDC != (config.OIDC{Issuer: "https://idp.example", Audience: "concord", JWKSFile: "jwks.json", RedirectURL: "https://concord.example/login/callback",
			ClientSecretFile: "oidc-secret", AuthURL: "https://idp.example/auth", TokenURL: "https://idp.example/token"}) {
		t.Errorf("serve = %+v", s)
	}
	if !reflect.DeepEqual(s.Labels, []string{"internal", "restricted"}) || len(s.Principals) != 2 {
		t.Fatalf("labels %v, %d principals", s.Labels, len(s.Principals))
	}
	if p := s.Principals[0]; p.ID != "alice@bank" || !reflect.DeepEqual(p.Roles, []string{"analyst", "reviewer"}) || p.Clearance != "restricted" {
		t.Errorf("principal = %+v", p)
	}
	if got := cfg.Sources[0].Sensitive; !reflect.DeepEqual(got, []string{"dob"}) {
		t.Errorf("sensitive = %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	const head = "sources:\n  - name: s\n    path: s.csv\n    id: id\n    fields:\n"
	tests := []struct {
		name string
		doc  string
		want []string // substrings of the error, each must appear
	}{
		{"Empty", "", []string{"at least one source"}},
		{"NoSources", "store: x\n", []string{"sources: at least one source is required"}},
		{"UnknownTopKey", "sorces: []\n", []string{`:1: sorces: unknown key`}},
		{"SharedOnFile", "shared: true\nstore: concord.db\n" + head + "      n: {column: n, type: name}\n", []string{`:1: shared: shared mode needs a store many processes write at once: store: postgres://`}},
		{"SharedNotBool", "store: postgres://db/x\nshared: yes please\n" + head + "      n: {column: n, type: name}\n", []string{`:2: shared: must be true or false`}},
		{"UnknownType", head + "      n: {column: n, type: nam}\n", []string{`:6: sources[0].fields.n.type: unknown type "nam"`}},
		{"MissingColumn", head + "      n: {type: name}\n", []string{`:6: sources[0].fields.n: column is required`}},
		{"MissingType", head + "      n: {column: n}\n", []string{`sources[0].fields.n: type is required`}},
		{"BadDateFormat", head + "      d: {column: d, type: date, formats: [dd/mm/yyyy]}\n", []string{`:6: sources[0].fields.d.formats[0]: date format "dd/mm/yyyy" names no year`}},
		{"BadStrftime", head + "      d: {column: d, type: date, formats: [\"%Q\"]}\n", []string{`unsupported directive %Q`}},
		{"FormatsOnName", head + "      n: {column: n, type: name, formats: [\"2006\"]}\n", []string{`formats apply only to type date`}},
		{"BadRegion", head + "      p: {column: p, type: phone, region: Venezuela}\n", []string{`region must be an ISO 3166-1 alpha-2 code`}},
		{"UnknownFieldKey", head + "      n: {column: n, type: name, colum: x}\n", []string{`sources[0].fields.n.colum: unknown key`}},
		{"ExclusiveOnName", head + "      n: {column: n, type: name, exclusive: false}\n", []string{`:6: sources[0].fields.n.exclusive: exclusive applies only to types identifier and date`}},
		{"ExclusiveNotBool", head + "      a: {column: a, type: identifier, exclusive: sometimes}\n", []string{`sources[0].fields.a.exclusive: must be true or false`}},
		{"ExclusiveOnAlias", head + "      a: {column: a, type: identifier}\n      b: {column: b, type: identifier, alias_of: a, exclusive: false}\n", []string{`fields.b.exclusive: an alias field adds values to a: declare exclusive there`}},
		{"ExclusiveConflict", "sources:\n  - {name: a, path: a.csv, id: i, fields: {acct: {column: n, type: identifier, exclusive: false}}}\n  - {name: b, path: b.csv, id: i, fields: {acct: {column: n, type: identifier, exclusive: true}}}\n", []string{`:3: source b.fields.acct.exclusive: exclusive true differs from exclusive false of the same feature in source a`}},
		{"NoID", "sources:\n  - name: s\n    path: s.csv\n    fields: {n: {column: n, type: name}}\n", []string{`:2: source s.id: id is required`}},
		{"NoFormat", "sources:\n  - name: s\n    path: s.dat\n    id: i\n    fields: {n: {column: n, type: name}}\n", []string{`cannot infer the format from "s.dat"`}},
		{"DuplicateSource", "sources:\n  - {name: s, path: a.csv, id: i, fields: {n: {column: n, type: name}}}\n  - {name: s, path: b.csv, id: i, fields: {n: {column: n, type: name}}}\n", []string{`:3: sources[1].name: duplicate source name "s" (first at line 2)`}},
		{"TypeConflict", "sources:\n  - {name: a, path: a.csv, id: i, fields: {n: {column: n, type: name}}}\n  - {name: b, path: b.csv, id: i, fields: {n: {column: n, type: date}}}\n", []string{`source b.fields.n: type date differs from type name`}},
		{"UnknownKind", head + "      n: {column: n, type: name}\n    kind: company\n", []string{`sources[0].kind: unknown kind "company"`}},
		{"KindNoColumn", head + "      n: {column: n, type: name}\n    kind: {values: {a: person}}\n", []string{`kind needs a column`}},
		{"KindBadValue", head + "      n: {column: n, type: name}\n    kind: {column: t, values: {a: persn}}\n", []string{`sources[0].kind.values.a: unknown kind "persn"`}},
		{"AliasOfMissing", head + "      n: {column: n, type: name}\n      a: {column: a, type: name, alias_of: nm}\n", []string{`fields.a.alias_of: no field "nm"`}},
		{"AliasOfType", head + "      n: {column: n, type: name}\n      a: {column: a, type: date, alias_of: n}\n", []string{`fields.a.alias_of: type date differs from type name of n`}},
		{"BlockingUnknownFeature", head + "      n: {column: n, type: name}\nmodel:\n  blocking: [[nme.phonetic]]\n", []string{`model.blocking[0][0]: unknown feature "nme"`}},
		{"ThresholdRange", head + "      n: {column: n, type: name}\nmodel:\n  thresholds: {match: 1.5}\n", []string{`model.thresholds.match: must be a probability`}},
		{"ThresholdOrder", head + "      n: {column: n, type: name}\nmodel:\n  thresholds: {match: 0.5, review: 0.8}\n", []string{`review threshold 0.8 is above match threshold 0.5`}},
		{"ThresholdNaN", head + "      n: {column: n, type: name}\nmodel:\n  thresholds: {match: .nan}\n", []string{`model.thresholds.match: must be a finite number, got ".nan"`}},
		{"ThresholdInf", head + "      n: {column: n, type: name}\nmodel:\n  thresholds: {review: -.inf}\n", []string{`model.thresholds.review: must be a finite number`}},
		{"LimitType", head + "      n: {column: n, type: name}\nlimits: {value_bytes: {nam: 10}}\n", []string{`limits.value_bytes.nam: unknown type "nam"`}},
		{"LimitSize", head + "      n: {column: n, type: name}\nlimits: {row_bytes: 0.5}\n", []string{`limits.row_bytes: must be a whole number of bytes`}},
		{"LimitHuge", head + "      n: {column: n, type: name}\nlimits: {row_bytes: 1e12}\n", []string{`limits.row_bytes: must be a whole number of bytes`}},
		{"LabelUndeclared", head + "      n: {column: n, type: name}\n    label: secret\nserve: {labels: [internal]}\n", []string{`sources[0].label: label "secret" is not one of serve.labels`}},
		{"SensitiveUnknown", head + "      n: {column: n, type: name}\n    sensitive: [dob]\n", []string{`sources[0].sensitive: source s has no field "dob"`}},
		{"LabelTwice", head + "      n: {column: n, type: name}\nserve: {labels: [a, a]}\n", []string{`serve.labels: labels must be distinct`}},
		{"PrincipalRole", head + "      n: {column: n, type: name}\nserve: {principals: [{id: ann, roles: [root]}]}\n", []string{`serve.principals[0].roles: unknown role "root"`}},
		{"PrincipalClearance", head + "      n: {column: n, type: name}\nserve: {labels: [a], principals: [{id: ann, clearance: b}]}\n", []string{`serve.principals[0].clearance: clearance "b" is not one of`}},
		{"PrincipalNoID", head + "      n: {column: n, type: name}\nserve: {principals: [{roles: [viewer]}]}\n", []string{`serve.principals[0]: a principal needs an id`}},
		{"PrincipalTwice", head + "      n: {column: n, type: name}\nserve: {principals: [{id: a}, {id: a}]}\n", []string{`principal "a" listed twice`}},
		{"OIDCNoAudience", head + "      n: {column: n, type: name}\nserve: {oidc: {issuer: x}}\n", []string{`serve.oidc: oidc needs an issuer and an audience`}},
		{"OIDCHalfEndpoints", head + "      n: {column: n, type: name}\nserve: {oidc: {issuer: x, audience: c, redirect_url: r, auth_url: a}}\n", []string{`oidc needs both auth_url and token_url`}},
		{"OIDCSecretNoRedirect", head + "      n: {column: n, type: name}\nserve: {oidc: {issuer: x, audience: c, client_secret_file: s}}\n", []string{`give its redirect_url`}},
		{"KafkaNoBrokers", head + "      n: {column: n, type: name}\nkafka: {topics: {records: r, dead_letters: d}}\n", []string{`kafka: kafka needs brokers`}},
		{"KafkaNoDeadLetters", head + "      n: {column: n, type: name}\nkafka: {brokers: [b:9092], topics: {records: r}}\n", []string{`kafka.topics needs records and dead_letters`}},
		{"KafkaPlainInClear", head + "      n: {column: n, type: name}\nkafka: {brokers: [b:9092], topics: {records: r, dead_letters: d}, sasl: {mechanism: PLAIN, username: u, password_file: p}}\n", []string{`PLAIN sends the password as it is: it needs kafka.tls`}},
		{"KafkaSASLNoPassword", head + "      n: {column: n, type: name}\nkafka: {brokers: [b:9092], topics: {records: r, dead_letters: d}, sasl: {mechanism: SCRAM-SHA-256, username: u}}\n", []string{`sasl needs a username and a password_file`}},
		{"KafkaSASLMechanism", head + "      n: {column: n, type: name}\nkafka: {brokers: [b:9092], topics: {records: r, dead_letters: d}, sasl: {mechanism: GSSAPI, username: u, password_file: p}}\n", []string{`mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`}},
		{"KafkaCertNoKey", head + "      n: {column: n, type: name}\nkafka: {brokers: [b:9092], topics: {records: r, dead_letters: d}, tls: {cert: c.pem}}\n", []string{`cert and key go together`}},
		{"KafkaUnknownKey", head + "      n: {column: n, type: name}\nkafka: {brokers: [b:9092], topics: {records: r, dead_letters: d, dlq: x}}\n", []string{`kafka.topics.dlq: unknown key`}},
		{"ServeUnknownKey", head + "      n: {column: n, type: name}\nserve: {tls: {certificate: x}}\n", []string{`serve.tls.certificate: unknown key`}},
		{"MergeItself", "sources:\n  - &a {name: x, path: x.csv, id: id, <<: *a}\n", []string{`:2: sources[0]: merge key refers to a mapping that contains it`}},
		{"MergeFanOut", mergeBomb(12, 8), []string{`merge keys bring in more than 10000 entries`}},
		{"BadDelimiter", "sources:\n  - {name: a, path: a.csv, delimiter: ';;', id: i, fields: {n: {column: n, type: name}}}\n", []string{`delimiter must be one character`}},
		{"RecordsOfCSV", "sources:\n  - {name: a, path: a.csv, records: results, id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.records: records applies only to JSON (ndjson) and XML sources`}},
		{"DelimiterOfXML", "sources:\n  - {name: a, path: a.xml, records: r, delimiter: ';', id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.delimiter: delimiter applies only to csv sources`}},
		{"XMLWithoutRecords", "sources:\n  - {name: a, path: sdn.xml.gz, id: uid, fields: {n: {column: lastName, type: name}}}\n", []string{`source a.records: an XML source needs records: the element each record is`}},
		{"UnknownFormat", "sources:\n  - {name: a, path: a.dat, format: orc, id: i, fields: {n: {column: n, type: name}}}\n", []string{`unknown format "orc" (want csv, ndjson, xml, parquet, xlsx or fixed)`}},
		{"EncodingOfParquet", "sources:\n  - {name: a, path: a.parquet, encoding: latin1, id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.encoding: encoding applies only to text sources`}},
		{"EncodingOfXLSX", "sources:\n  - {name: a, path: a.xlsx, encoding: latin1, id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.encoding: encoding applies only to text sources`}},
		{"HeaderOfXLSX", "sources:\n  - {name: a, path: a.xlsx, header: [i, n], id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.header: header applies only to csv and fixed sources`}},
		{"FixedWithoutWidths", "sources:\n  - {name: a, path: a.dat, format: fixed, header: [i, n], id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.widths: a fixed-width source needs header (its columns' names) and widths (their widths in characters), as many of each: 2 names, 0 widths`}},
		{"WidthsOfCSV", "sources:\n  - {name: a, path: a.csv, widths: [3, 4], id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.widths: widths applies only to fixed sources`}},
		{"WidthZero", "sources:\n  - {name: a, path: a.dat, format: fixed, header: [i, n], widths: [3, 0], id: i, fields: {n: {column: n, type: name}}}\n", []string{`widths[1]: a column is 1 character wide or more, got 0`}},
		{"HeaderTwice", "sources:\n  - {name: a, path: a.csv, header: [i, n, i], id: i, fields: {n: {column: n, type: name}}}\n", []string{`sources[0].header[2]: a column's name must be given, once: "i"`}},
		{"HeaderEmpty", "sources:\n  - {name: a, path: a.csv, header: [], id: i, fields: {n: {column: n, type: name}}}\n", []string{`header names the columns of a file without a header line`}},
		{"SheetOfCSV", "sources:\n  - {name: a, path: a.csv, sheet: Hoja1, id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.sheet: sheet applies only to xlsx sources`}},
		{"EmptySheet", "sources:\n  - {name: a, path: a.xlsx, sheet: '', id: i, fields: {n: {column: n, type: name}}}\n", []string{`sheet must name a worksheet`}},
		{"RecordsOfParquet", "sources:\n  - {name: a, path: a.parquet, records: results, id: i, fields: {n: {column: n, type: name}}}\n", []string{`source a.records: records applies only to JSON (ndjson) and XML sources`}},
		{"ColumnAndColumns", head + "      a: {column: x, columns: [x, y], type: address}\n", []string{`give column or columns, not both`}},
		{"SplitOnColumns", head + "      a: {columns: [x, y], split: ';', type: address}\n", []string{`split applies to a single column`}},
		{"InvalidYAML", "sources: [\n", []string{`invalid YAML`}},
		{"RelUnknownSource", head + "      n: {column: n, type: name}\nrelationships: [{type: x, source: nope, from: self, to: self}]\n", []string{`relationships[0].source: no source "nope"`}},
		{"RelUnknownGroup", head + "      n: {column: n, type: name}\nrelationships: [{type: x, source: s, from: officer, to: self}]\n", []string{`source s has no group "officer"`}},
		{"RelSameEnds", head + "      n: {column: n, type: name}\nrelationships: [{type: x, source: s, from: self, to: self}]\n", []string{`from and to are both "self"`}},
		{"RelBadType", head + "      n: {column: n, type: name}\nrelationships: [{type: Officer Of, source: s, from: self, to: self}]\n", []string{`relationship type "Officer Of" must be lower-case`}},
		{"RelReservedType", head + "      n: {column: n, type: name}\nrelationships: [{type: shares_phone, source: s, from: self, to: self}]\n", []string{`is one the network derives`}},
		{"RelNoTo", head + "      n: {column: n, type: name}\nrelationships: [{type: x, source: s, from: self}]\n", []string{`relationships[0].to: to is required`}},
		{"RelSelfOfContainer", "sources:\n  - name: p\n    path: p.csv\n    id: id\n    groups:\n      a: {fields: {n: {column: a, type: name}}}\nrelationships: [{type: paid, source: p, from: a, to: self}]\n", []string{`source p makes no record of its own`}},
		{"RelToNoColumn", head + "      n: {column: n, type: name}\nrelationships: [{type: x, source: s, from: self, to: {source: s}}]\n", []string{`{source: NAME, column: COLUMN}`}},
		{"RelToUnknownSource", head + "      n: {column: n, type: name}\nrelationships: [{type: x, source: s, from: self, to: {source: t, column: c}}]\n", []string{`no source "t" makes records`}},
		{"GroupNoFields", "sources:\n  - name: p\n    path: p.csv\n    id: id\n    groups:\n      a: {kind: person}\n", []string{`a group needs at least one field`}},
		{"GroupNamedSelf", "sources:\n  - name: p\n    path: p.csv\n    id: id\n    groups:\n      self: {fields: {n: {column: a, type: name}}}\n", []string{`group name must be`}},
		{"GroupClash", "sources:\n  - name: p\n    path: p.csv\n    id: id\n    groups:\n      a: {fields: {n: {column: a, type: name}}}\n  - name: p.a\n    path: q.csv\n    id: id\n    fields: {n: {column: a, type: name}}\n", []string{`duplicate source name "p.a"`}},
		{"GroupTypeClash", "sources:\n  - name: p\n    path: p.csv\n    id: id\n    fields: {n: {column: n, type: name}}\n    groups:\n      a: {fields: {n: {column: a, type: date}}}\n", []string{`type date differs from type name`}},
		{"SeveralAtOnce", head + "      n: {column: n, type: nam}\n      d: {column: d, type: date, formats: [x]}\n", []string{`unknown type "nam"`, `date format "x" names no year`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.doc), "concord.yaml")
			if err == nil {
				t.Fatal("Parse succeeded, want error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\n does not contain %q", err, w)
				}
			}
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("error %T is not a *ValidationError", err)
			} else if ve.File != "concord.yaml" {
				t.Errorf("ValidationError.File = %q", ve.File)
			}
		})
	}
}

func TestDateLayout(t *testing.T) {
	tests := []struct{ in, want string }{
		{"02/01/2006", "02/01/2006"},
		{"%d/%m/%Y", "02/01/2006"},
		{"%Y%m%d", "20060102"},
		{"%-d.%-m.%y", "2.1.06"},
		{"%d %b %Y", "02 Jan 2006"},
		{"DD/MM/YYYY", "02/01/2006"},
		{"YYYY-MM", "2006-01"},
		{"D MMM YY", "2 Jan 06"},
		{"MMMM D, YYYY", "January 2, 2006"},
		{"YYYY", "2006"},
		{"excel", normalize.ExcelLayout}, // a spreadsheet's serial dates
		{" Excel ", normalize.ExcelLayout},
	}
	for _, tt := range tests {
		got, err := config.DateLayout(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("DateLayout(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "dd/mm/yyyy", "%d/%m", "02/01", "%"} {
		if got, err := config.DateLayout(bad); err == nil {
			t.Errorf("DateLayout(%q) = %q, want error", bad, got)
		}
	}
}

// FuzzParse checks that no config text crashes the parser or makes it run
// long: it either fails with a *ValidationError or gives a config with a
// source.
func FuzzParse(f *testing.F) {
	f.Add([]byte("sources:\n  - {name: s, path: s.csv, id: id, fields: {n: {column: n, type: name}}}\n"))
	f.Add([]byte("sources:\n  - &a {name: x, path: x.csv, id: id, <<: *a}\n"))
	f.Add([]byte(mergeBomb(6, 4)))
	f.Add([]byte("model:\n  thresholds: {match: .nan}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse(data, "f.yaml")
		if err != nil {
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			return
		}
		if len(cfg.Sources) == 0 {
			t.Fatal("a config without sources was accepted")
		}
	})
}

func TestLimits(t *testing.T) {
	cfg, err := config.Parse([]byte("sources:\n  - {name: s, path: s.csv, id: id, fields: {n: {column: n, type: name}}}\n"+
		"limits: {row_bytes: 4096, value_bytes: {name: 50, address: 300}}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Limits.RowBytes != 4096 || cfg.Limits.ValueBytes[record.KindName] != 50 || cfg.Limits.ValueBytes[record.KindAddress] != 300 {
		t.Errorf("limits = %+v", cfg.Limits)
	}
}

// shared: true on a PostgreSQL store, in either order of the keys.
func TestSharedMode(t *testing.T) {
	const src = "sources:\n  - {name: s, path: s.csv, id: id, fields: {n: {column: n, type: name}}}\n"
	for _, doc := range []string{"shared: true\nstore: postgres://db/concord\n" + src, "store: postgresql://db/concord\nshared: true\n" + src} {
		cfg, err := config.Parse([]byte(doc), "concord.yaml")
		if err != nil || !cfg.Shared {
			t.Errorf("Parse(%q) = shared %v, %v", doc, cfg != nil && cfg.Shared, err)
		}
	}
	cfg, err := config.Parse([]byte(src), "concord.yaml")
	if err != nil || cfg.Shared {
		t.Errorf("default: shared %v, %v; want the memory-resident mode", cfg != nil && cfg.Shared, err)
	}
}

// kafka.session_timeout is a bounded duration.
func TestKafkaSessionTimeout(t *testing.T) {
	const src = "sources:\n  - {name: s, path: s.csv, id: id, fields: {n: {column: n, type: name}}}\n"
	cfg, err := config.Parse([]byte(src+"kafka: {brokers: [b:9092], session_timeout: 10s, topics: {records: r, dead_letters: d}}\n"), "concord.yaml")
	if err != nil || cfg.Kafka.SessionTimeout != 10*time.Second {
		t.Fatalf("session_timeout 10s: %v, %v", cfg, err)
	}
	for _, bad := range []string{"1s", "2h", "soon"} {
		_, err := config.Parse([]byte(src+"kafka: {brokers: [b:9092], session_timeout: "+bad+", topics: {records: r, dead_letters: d}}\n"), "concord.yaml")
		if err == nil || !strings.Contains(err.Error(), "kafka.session_timeout: must be a duration from 6s to 30m") {
			t.Errorf("session_timeout %s: %v", bad, err)
		}
	}
}

func TestGroupsAndRelationships(t *testing.T) {
	doc := `sources:
  - name: registry
    path: registry.csv
    id: filing
    label: internal
    sensitive: [dob, reg]
    kind: organization
    fields:
      name: {column: company, type: org_name}
      reg:  {column: reg_no, type: identifier}
    groups:
      officer:
        kind: person
        fields:
          name: {column: officer, type: name}
          dob:  {column: officer_dob, type: date}
  - name: payments
    path: payments.csv
    id: ref
    groups:
      originator: {fields: {name: {column: from_name, type: party}}}
      beneficiary: {fields: {name: {column: to_name, type: party}}}
relationships:
  - {type: officer_of, source: registry, from: officer, to: self}
  - {type: paid, source: payments, from: originator, to: beneficiary, attributes: [amount, date]}
  - {type: director_of, source: registry, from: self, to: {source: registry, column: parent_filings, split: ";"}}
serve: {labels: [internal]}
`
	cfg, err := config.Parse([]byte(doc), "concord.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range cfg.Sources {
		names = append(names, s.Name)
	}
	if want := []string{"registry", "registry.officer", "payments.originator", "payments.beneficiary"}; !slices.Equal(names, want) {
		t.Fatalf("sources %q, want %q (a source with groups and no fields makes no records)", names, want)
	}
	off := cfg.Sources[1]
	if off.Of != "registry" || off.Group != "officer" || off.Path != "registry.csv" || off.ID != "filing" || off.Label != "internal" {
		t.Errorf("officer part = %+v: want the file, id and label of registry", off)
	}
	if off.Kind.Fixed != record.EntityPerson || len(off.Fields) != 2 {
		t.Errorf("officer part kind %v, %d fields; want person, 2", off.Kind.Fixed, len(off.Fields))
	}
	if !slices.Equal(off.Sensitive, []string{"dob"}) || !slices.Equal(cfg.Sources[0].Sensitive, []string{"reg"}) {
		t.Errorf("sensitive: officer %q, registry %q; want each its own of [dob reg]", off.Sensitive, cfg.Sources[0].Sensitive)
	}
	if want := []config.Relation{{Type: "officer_of", To: "registry"}}; !reflect.DeepEqual(off.Relations, want) {
		t.Errorf("officer relations %+v, want %+v", off.Relations, want)
	}
	if want := []config.Relation{{Type: "paid", To: "payments.beneficiary", Attributes: []string{"amount", "date"}}}; !reflect.DeepEqual(cfg.Sources[2].Relations, want) {
		t.Errorf("originator relations %+v, want %+v", cfg.Sources[2].Relations, want)
	}
	if want := []config.Relation{{Type: "director_of", To: "registry", Column: "parent_filings", Split: ";"}}; !reflect.DeepEqual(cfg.Sources[0].Relations, want) {
		t.Errorf("registry relations %+v, want %+v", cfg.Sources[0].Relations, want)
	}
	if len(cfg.Sources[3].Relations) != 0 {
		t.Error("a relationship is stated by its from end only")
	}
	if r := cfg.Relationships[1]; r.FromSource != "payments.originator" || r.ToSource != "payments.beneficiary" {
		t.Errorf("paid ends %s → %s", r.FromSource, r.ToSource)
	}
	var parts []string
	for _, s := range cfg.Parts("payments") {
		parts = append(parts, s.Name)
	}
	if want := []string{"payments.originator", "payments.beneficiary"}; !slices.Equal(parts, want) {
		t.Errorf("Parts(payments) = %q, want %q", parts, want)
	}
	if got := cfg.Parts("registry"); len(got) != 2 {
		t.Errorf("Parts(registry) has %d sources, want 2", len(got))
	}
}

// TestSourceFiles: a path that is a pattern reads every file it matches,
// in name order, named as the config writes the path (directories
// passed over); a file whose very name is the pattern is read alone; a
// pattern that matches none is an error; a plain path is itself.
func TestSourceFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"pay/2026-02.csv", "pay/2026-01.csv", "pay/notes.txt", "pay/old.csv/x", "kyc[1].csv", "kyc1.csv"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &config.Config{Dir: dir}
	for _, c := range []struct {
		path  string
		names []string
		err   string
	}{
		{"pay/*.csv", []string{"pay/2026-01.csv", "pay/2026-02.csv"}, ""},
		{"kyc[1].csv", []string{"kyc[1].csv"}, ""},
		{"kyc.csv", []string{"kyc.csv"}, ""},
		{"pay/*.parquet", nil, `no file matches "pay/*.parquet"`},
	} {
		paths, names, err := cfg.SourceFiles(config.Source{Name: "s", Path: c.path})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want %q", c.path, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(names, c.names) || len(paths) != len(names) || paths[0] != filepath.Join(dir, names[0]) {
			t.Errorf("%s: %q %q %v, want %q", c.path, paths, names, err, c.names)
		}
	}
}
