package cli_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store/postgres/pgtest"
	"github.com/concord-er/concord/store/sqlite"
)

// resolve --import loads the batch result into the config's store, an
// embedded file or a PostgreSQL database (by COPY): the same entities as
// clusters.csv, and real time goes on from there. A store that holds
// records already is refused.
func TestResolveImport(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			cfg, _, err := synth.Write(dir, synth.Options{Seed: 3, People: 300})
			if err != nil {
				t.Fatal(err)
			}
			// A row of the wrong width, rejected and kept.
			csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
			if len(csvs) == 0 {
				t.Fatal("the synthetic set has no CSV source")
			}
			f, err := os.OpenFile(csvs[0], os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("too,few\n"); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if backend == "postgres" {
				text, err := os.ReadFile(cfg)
				if err != nil {
					t.Fatal(err)
				}
				write(t, cfg, "store: \""+pgtest.Schema(t)+"\"\n"+string(text))
			}
			out := filepath.Join(dir, "out")
			code, _, errs := run(t, "resolve", "--config", cfg, "--out", out, "--import")
			if code != 0 || !strings.Contains(errs, "imported") {
				t.Fatalf("resolve --import: exit %d: %s", code, errs)
			}
			clusters := readCSV(t, filepath.Join(out, "clusters.csv"))
			// Records the batch put together are one entity in the store.
			byBatch := map[string]string{}
			checked := 0
			for _, row := range clusters[1:] {
				if checked == 40 {
					break
				}
				code, o, errs := run(t, "record", "--config", cfg, row[0], row[1])
				if code != 0 {
					t.Fatalf("record %s/%s: exit %d: %s", row[0], row[1], code, errs)
				}
				ent := between(o, `"entity": "`, `"`)
				if prev, ok := byBatch[row[2]]; ok && prev != ent {
					t.Errorf("batch entity %s is two entities in the store: %s and %s", row[2], prev, ent)
				}
				if ent != row[2] {
					t.Errorf("record %s/%s: clusters.csv names its entity %s, the store %s", row[0], row[1], row[2], ent)
				}
				byBatch[row[2]] = ent
				checked++
			}
			if code, _, errs := run(t, "resolve", "--config", cfg, "--out", filepath.Join(dir, "again"), "--import"); code == 0 || !strings.Contains(errs, "already") {
				t.Errorf("a second import: exit %d: %s", code, errs)
			}
			if out := mustRun(t, "audit", "verify", "--config", cfg); !strings.Contains(out, "verifies") {
				t.Errorf("audit verify: %s", out)
			}
			if backend != "sqlite" {
				return
			}
			// A record rewritten around the log is found.
			db, err := sqlite.Open(filepath.Join(dir, "concord.db"), sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			tx, err := db.Begin(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			// The run's rejects are kept in the store, for the data view.
			text, err := os.ReadFile(filepath.Join(out, "rejects.ndjson"))
			if err != nil {
				t.Fatal(err)
			}
			counts, err := tx.RejectCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var kept int64
			for _, c := range counts {
				kept += c.N
			}
			if lines := int64(strings.Count(string(text), "\n")); lines == 0 || kept != lines {
				t.Errorf("%d rejects kept in the store, %d in rejects.ndjson", kept, lines)
			}
			key := record.Key{Source: clusters[1][0], ID: clusters[1][1]}
			r, err := tx.Record(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			r.Data = []byte(strings.Replace(string(r.Data), `"norm":"`, `"norm":"x`, 1))
			if err := tx.PutRecord(ctx, r); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if code, out, errs := run(t, "audit", "verify", "--config", cfg); code == 0 || !strings.Contains(out+errs, "not what the import stored") {
				t.Errorf("audit verify after a record was rewritten: exit %d: %s %s", code, out, errs)
			}
		})
	}
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
