package synth

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// ConfigYAML is the concord.yaml that maps the files Write produces.
const ConfigYAML = `# Synthetic people and companies from internal/synth; everything is invented.
sources:
  - name: bank
    path: bank.csv
    id: id
    fields: &people
      full_name:   {column: name, type: name}
      aliases:     {column: alias, type: name, split: ";"}
      dob:         {column: dob, type: date, formats: ["DD/MM/YYYY"]}
      phone:       {column: phone, type: phone, region: VE}
      email:       {column: email, type: email}
      national_id: {column: national_id, type: identifier}
      address:     {column: address, type: address}
      city:        {column: city, type: city}
  - {name: registry, path: registry.csv, id: id, fields: *people}
  - {name: watchlist, path: watchlist.csv, id: id, fields: *people}
  - name: companies
    path: companies.csv
    id: id
    fields: &companies
      company: {column: name, type: org_name}
      reg_no:  {column: reg_no, type: identifier}
      phone:   {column: phone, type: phone, region: VE}
      address: {column: address, type: address}
      city:    {column: city, type: city}
      founded: {column: founded, type: date}
  - {name: suppliers, path: suppliers.csv, id: id, fields: *companies}
model:
  blocking:
    - [national_id]
    - [phone]
    - [email]
    - [reg_no]
    - [full_name.surname_phonetic, dob]
    - [full_name.given_phonetic, dob]
    - [full_name.given_phonetic, full_name.surname_phonetic, city]
    - [company.sorted]
    - [company.first, city]
`

// Write generates a dataset into dir: one CSV per source, truth.csv and
// concord.yaml. It returns the paths of the config and the truth.
func Write(dir string, opt Options) (config, truth string, err error) {
	ds := Generate(opt)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	people := map[string][][]string{}
	for _, p := range ds.People {
		people[p.Source] = append(people[p.Source], []string{p.ID, p.Name, p.Alias, p.DOB, p.Phone, p.Email, p.NationalID, p.Address, p.City})
	}
	for _, src := range []string{SourceBank, SourceRegistry, SourceWatchlist} {
		if err := writeCSV(filepath.Join(dir, src+".csv"), []string{"id", "name", "alias", "dob", "phone", "email", "national_id", "address", "city"}, people[src]); err != nil {
			return "", "", err
		}
	}
	companies := map[string][][]string{}
	for _, c := range ds.Companies {
		companies[c.Source] = append(companies[c.Source], []string{c.ID, c.Name, c.RegNo, c.Phone, c.Address, c.City, c.Founded})
	}
	for _, src := range []string{SourceCompanies, SourceSuppliers} {
		if err := writeCSV(filepath.Join(dir, src+".csv"), []string{"id", "name", "reg_no", "phone", "address", "city", "founded"}, companies[src]); err != nil {
			return "", "", err
		}
	}
	var rows [][]string
	for _, p := range ds.People {
		rows = append(rows, []string{p.Source, p.ID, p.Entity})
	}
	for _, c := range ds.Companies {
		rows = append(rows, []string{c.Source, c.ID, c.Entity})
	}
	truth = filepath.Join(dir, "truth.csv")
	if err := writeCSV(truth, []string{"source", "record_id", "entity_id"}, rows); err != nil {
		return "", "", err
	}
	config = filepath.Join(dir, "concord.yaml")
	if err := os.WriteFile(config, []byte(ConfigYAML), 0o600); err != nil {
		return "", "", err
	}
	return config, truth, nil
}

func writeCSV(path string, header []string, rows [][]string) error {
	return writeCSVWith(path, header, rows, ',', nil)
}

// writeCSVWith writes a CSV file with the given delimiter, encoded by enc
// (nil: UTF-8).
func writeCSVWith(path string, header []string, rows [][]string, comma rune, enc *encoding.Encoder) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	var out io.WriteCloser = nopCloser{bw}
	if enc != nil {
		out = transform.NewWriter(bw, enc)
	}
	w := csv.NewWriter(out)
	w.Comma = comma
	w.Write(header)
	w.WriteAll(rows)
	if err := errors.Join(w.Error(), out.Close()); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// HeteroConfigYAML maps the files WriteHetero produces, written as a user
// would from the README: kinds, party names, alias lists and identifier
// lists; no model settings, so every default is exercised.
const HeteroConfigYAML = `# Heterogeneous synthetic AML data from internal/synth; everything is invented.
sources:
  - name: kyc
    path: kyc.csv
    encoding: latin1
    delimiter: ";"
    id: cliente
    kind: {column: tipo, values: {N: person, J: organization}}
    fields:
      name:        {column: nombre, type: party}
      dob:         {column: fecha_nac, type: date, formats: ["DD/MM/YYYY"]}
      id_number:   {column: documento, type: identifier}
      phone:       {column: telefono, type: phone, region: VE}
      address:     {column: direccion, type: address}
      city:        {column: ciudad, type: city}
      country:     {column: nacionalidad, type: country}
  - name: registry
    path: registry.csv
    id: filing_id
    kind: organization
    fields:
      name:        {column: company, type: org_name}
      id_number:   {column: reg_no, type: identifier}
      founded:     {column: incorporated, type: date}
      address:     {column: address, type: address}
      city:        {column: city, type: city}
      officer:     {column: officer, type: name}
  - name: sanctions
    path: sanctions.ndjson
    id: id
    kind: {column: schema, values: {Person: person, Company: organization}}
    fields:
      name:        {column: name, type: party}
      aliases:     {column: aliases, type: party, alias_of: name}
      dob:         {column: birth_date, type: date}
      id_number:   {column: "ids[type=national_id].number", type: identifier}
      reg_number:  {column: "ids[type=registration].number", type: identifier, alias_of: id_number}
      passport:    {column: "ids[type=passport].number", type: identifier, alias_of: id_number}
      country:     {column: nationality, type: country}
  - name: payments
    path: payments.csv
    id: ref
    fields:
      name:        {column: name, type: party}
      account:     {column: account, type: identifier}
      address:     {column: address, type: address}
      country:     {column: country, type: country}
`

// columnNamed rewrites HeteroConfigYAML with each field named after its
// column (HeteroOptions.ColumnNames).
var columnNamed = strings.NewReplacer(
	"      name:        {column: nombre,", "      nombre:      {column: nombre,",
	"      name:        {column: company,", "      company:     {column: company,",
	"      dob:         {column: fecha_nac,", "      fecha_nac:   {column: fecha_nac,",
	"      id_number:   {column: documento,", "      documento:   {column: documento,",
	"      id_number:   {column: reg_no,", "      reg_no:      {column: reg_no,",
	"      dob:         {column: birth_date,", "      birth_date:  {column: birth_date,",
	`      id_number:   {column: "ids[type=national_id].number"`, `      national_id: {column: "ids[type=national_id].number"`,
	`      reg_number:  {column: "ids[type=registration].number", type: identifier, alias_of: id_number}`, `      registration: {column: "ids[type=registration].number", type: identifier}`,
	`type: identifier, alias_of: id_number}`, `type: identifier}`)

// WriteHetero generates a heterogeneous dataset into dir: kyc.csv (Latin-1,
// semicolons), registry.csv, sanctions.ndjson, payments.csv, truth.csv and
// concord.yaml. It returns the paths of the config and the truth, and the
// generated set with what tests need to score it.
func WriteHetero(dir string, opt HeteroOptions) (config, truth string, set *HeteroSet, err error) {
	set = GenerateHetero(opt)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", nil, err
	}
	columns := map[string][]string{
		SourceKYC:      {"cliente", "tipo", "nombre", "fecha_nac", "documento", "telefono", "direccion", "ciudad", "nacionalidad"},
		SourceFilings:  {"filing_id", "company", "reg_no", "incorporated", "address", "city", "officer", "officer_dob", "officer_role"},
		SourcePayments: {"ref", "name", "account", "address", "country"},
	}
	rows := map[string][][]string{}
	var nested bytes.Buffer
	var truthRows [][]string
	for _, r := range set.Records {
		truthRows = append(truthRows, []string{r.Source, r.ID, r.Entity})
		if r.Nested != nil {
			b, err := json.Marshal(r.Nested)
			if err != nil {
				return "", "", nil, err
			}
			nested.Write(b)
			nested.WriteByte('\n')
			continue
		}
		r.Fields[columns[r.Source][0]] = r.ID
		row := make([]string, len(columns[r.Source]))
		for i, c := range columns[r.Source] {
			row[i] = r.Fields[c]
		}
		rows[r.Source] = append(rows[r.Source], row)
	}
	kyc := filepath.Join(dir, "kyc.csv")
	if err := writeCSVWith(kyc, columns[SourceKYC], rows[SourceKYC], ';', charmap.ISO8859_1.NewEncoder()); err != nil {
		return "", "", nil, err
	}
	for _, src := range []string{SourceFilings, SourcePayments} {
		if err := writeCSV(filepath.Join(dir, src+".csv"), columns[src], rows[src]); err != nil {
			return "", "", nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "sanctions.ndjson"), nested.Bytes(), 0o600); err != nil {
		return "", "", nil, err
	}
	truth = filepath.Join(dir, "truth.csv")
	if err := writeCSV(truth, []string{"source", "record_id", "entity_id"}, truthRows); err != nil {
		return "", "", nil, err
	}
	config = filepath.Join(dir, "concord.yaml")
	text := HeteroConfigYAML
	if opt.ColumnNames {
		text = columnNamed.Replace(text)
	}
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		return "", "", nil, err
	}
	return config, truth, set, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
