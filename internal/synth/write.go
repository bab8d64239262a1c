package synth

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
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
	if err := os.MkdirAll(dir, 0o755); err != nil {
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
	if err := os.WriteFile(config, []byte(ConfigYAML), 0o644); err != nil {
		return "", "", err
	}
	return config, truth, nil
}

func writeCSV(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	w.Write(header)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
