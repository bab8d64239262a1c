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
				// The store keeps the records' values as read, which a
				// run that only writes files drops (engine.ResolveOptions.DropRaw).
				if !strings.Contains(o, `"raw": [`) {
					t.Errorf("record %s/%s in the store has no raw values: %s", row[0], row[1], o)
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

// import loads a run made before into the store with the run's model, not
// trained again: the store holds the run's partition. A run whose
// clusters.csv the sources no longer give is refused and nothing is
// stored; a store that holds records already is refused.
func TestImportRun(t *testing.T) {
	dir := t.TempDir()
	cfg, _, err := synth.Write(dir, synth.Options{Seed: 5, People: 300})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	mustRun(t, "resolve", "--config", cfg, "--out", out)
	if _, err := os.Stat(filepath.Join(dir, "concord.db")); err == nil {
		t.Fatal("resolve without --import made a store")
	}
	clusters := readCSV(t, filepath.Join(out, "clusters.csv"))

	// A run whose clusters.csv moved one record to another entity.
	changed := filepath.Join(dir, "changed")
	if err := os.MkdirAll(changed, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"model.json", "clusters.csv"} {
		text, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "clusters.csv" {
			rows := readCSV(t, filepath.Join(out, name))
			other := ""
			for _, row := range rows[2:] {
				if row[2] != rows[1][2] {
					other = row[2]
					break
				}
			}
			rows[1][2] = other // with another entity's records
			var b strings.Builder
			for _, row := range rows {
				b.WriteString(strings.Join(row, ",") + "\n")
			}
			text = []byte(b.String())
		}
		write(t, filepath.Join(changed, name), string(text))
	}
	if code, _, errs := run(t, "import", "--config", cfg, "--run", changed); code == 0 || !strings.Contains(errs, "do not give the run") {
		t.Errorf("import of a run the sources do not give: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "concord.db")); err == nil {
		t.Error("a refused import made a store")
	}

	code, stdout, errs := run(t, "import", "--config", cfg, "--run", out)
	if code != 0 || !strings.Contains(stdout, "imported") {
		t.Fatalf("import: exit %d: %s %s", code, stdout, errs)
	}
	// The store's entities are the run's, under the store's ids.
	toStore, fromStore := map[string]string{}, map[string]string{}
	for _, row := range clusters[1:min(len(clusters), 61)] {
		o := mustRun(t, "record", "--config", cfg, row[0], row[1])
		ent := between(o, `"entity": "`, `"`)
		if ent == "" {
			t.Fatalf("record %s/%s: no entity in %s", row[0], row[1], o)
		}
		if prev, ok := toStore[row[2]]; ok && prev != ent {
			t.Errorf("run entity %s is two entities in the store: %s and %s", row[2], prev, ent)
		}
		if prev, ok := fromStore[ent]; ok && prev != row[2] {
			t.Errorf("store entity %s holds records of run entities %s and %s", ent, prev, row[2])
		}
		toStore[row[2]], fromStore[ent] = ent, row[2]
	}
	if len(toStore) < 10 {
		t.Fatalf("only %d entities checked", len(toStore))
	}
	if code, _, errs := run(t, "import", "--config", cfg, "--run", out); code == 0 || !strings.Contains(errs, "already") {
		t.Errorf("a second import: exit %d: %s", code, errs)
	}
	if out := mustRun(t, "audit", "verify", "--config", cfg); !strings.Contains(out, "verifies") {
		t.Errorf("audit verify: %s", out)
	}
	if code, _, _ := run(t, "import", "--config", cfg); code != 2 {
		t.Errorf("import without --run: exit %d, want 2", code)
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
