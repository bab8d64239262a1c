package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/progress"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/postgres"
	"github.com/concord-er/concord/store/sqlite"
)

// storePath is the config's store: its store: path (a file path, or
// file:PATH; relative to the config file), concord.db beside it, or a
// postgres:// URL as it is.
func storePath(cfg *config.Config) string {
	path := cfg.Store
	if path == "" {
		path = "concord.db"
	}
	if rest, ok := strings.CutPrefix(path, "file://"); ok {
		path = rest
	} else if rest, ok := strings.CutPrefix(path, "file:"); ok {
		path = rest
	}
	if !filepath.IsAbs(path) && !strings.Contains(path, "://") {
		path = filepath.Join(cfg.Dir, path)
	}
	return path
}

// storeDir is where files that go beside the store are written (the
// rejects of upsert): the store file's directory, or the config's for a
// database.
func storeDir(cfg *config.Config) string {
	if path := storePath(cfg); !postgres.IsURL(path) {
		return filepath.Dir(path)
	}
	return cfg.Dir
}

// storeOptions say how a command opens its store.
type storeOptions struct {
	readOnly bool // an existing store, for reading alone (perhaps a write-protected copy)
	sync     bool // every commit waits for the disk
}

// openStoreAt opens the store at path: the one place that names a
// backend. A postgres:// URL is a PostgreSQL database (its commits are
// durable as the server is set up, so sync has no say); anything else is
// an SQLite file.
func openStoreAt(path string, opt storeOptions) (store.Store, error) {
	if postgres.IsURL(path) {
		return postgres.Open(context.Background(), path, postgres.Options{ReadOnly: opt.readOnly})
	}
	return sqlite.Open(path, sqlite.Options{ReadOnly: opt.readOnly, Sync: opt.sync})
}

// openStore loads the config and opens its store.
func openStore(configPath string, opt storeOptions) (store.Store, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, err
	}
	return openStoreAt(storePath(cfg), opt)
}

// withLive opens the config's store for the commands that read it
// (readOnly) or review in it, with progress while it loads.
func withLive(ctx context.Context, env Env, cfgPath string, readOnly bool, fn func(*live.Live) error) error {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	db, err := openStoreAt(storePath(cfg), storeOptions{readOnly: readOnly})
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := audit.KeyFromEnv()
	if err != nil {
		return err
	}
	l, err := live.Open(ctx, db, live.Options{Options: engine.Options{Progress: progress.New(stderrFile(env), "open store")},
		AuditKey: key, ReadOnly: readOnly, Shared: cfg.Shared})
	if err != nil {
		return err
	}
	return fn(l)
}

// openWriter opens the config's store for a command that changes it
// (upsert, serve): the model given once, the audit key from the
// environment, progress while it loads. The caller closes the store.
func openWriter(ctx context.Context, env Env, cfg *config.Config, modelPath string, log *slog.Logger, opt storeOptions) (store.Store, *live.Live, error) {
	var m *model.Model
	if modelPath != "" {
		var err error
		if m, err = readModel(modelPath); err != nil {
			return nil, nil, err
		}
	}
	return openWriterWith(ctx, env, cfg, m, log, opt)
}

// openWriterWith is openWriter with the model in hand (nil: the store's).
// It sets in cfg what the model found in the sources' values: the orders
// of day and month of their dates, the names read as party names
// (engine.ReadAsModel).
func openWriterWith(ctx context.Context, env Env, cfg *config.Config, m *model.Model, log *slog.Logger, opt storeOptions) (store.Store, *live.Live, error) {
	lopt := live.Options{Model: m, Shared: cfg.Shared, Options: engine.Options{Logger: log, Progress: progress.New(stderrFile(env), "open store")}}
	var err error
	if lopt.AuditKey, err = audit.KeyFromEnv(); err != nil {
		return nil, nil, err
	}
	db, err := openStoreAt(storePath(cfg), opt)
	if err != nil {
		return nil, nil, err
	}
	l, err := live.Open(ctx, db, lopt)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	// Rows read from now on read their values as the model's training did.
	engine.ReadAsModel(cfg, l.Model())
	return db, l, nil
}

// existingStore opens the config's store if it exists, and returns nil
// if it does not: batch resolve uses a store but never creates one.
func existingStore(cfg *config.Config) (store.Store, error) {
	path := storePath(cfg)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !postgres.IsURL(path) {
		return nil, nil
	}
	return openStoreAt(path, storeOptions{})
}

// storedDecisions reads reviewers' decisions from the config's store, if
// it exists, for batch resolve to honour.
func storedDecisions(ctx context.Context, cfg *config.Config) ([]record.Decision, error) {
	db, err := existingStore(cfg)
	if db == nil || err != nil {
		return nil, err
	}
	defer db.Close()
	return live.ReadDecisions(ctx, db)
}

// auditResolve writes a batch run into the audit log of the config's
// store, if it exists: the model's digest (as real-time entries name it),
// and the digest of the entities and review pairs written, so that the
// run's decisions can be checked against the files later. It returns the
// entry's sequence number.
func auditResolve(ctx context.Context, cfg *config.Config, out string, sum ResolveSummary) (int64, error) {
	db, err := existingStore(cfg)
	if db == nil || err != nil {
		return 0, err
	}
	defer db.Close()
	model, err := os.ReadFile(filepath.Join(out, "model.json"))
	if err != nil {
		return 0, err
	}
	var outputs []byte
	for _, n := range []string{"clusters.csv", "review.csv"} {
		data, err := os.ReadFile(filepath.Join(out, n))
		if err != nil {
			return 0, err
		}
		outputs = append(append(outputs, n...), data...)
	}
	key, err := audit.KeyFromEnv()
	if err != nil {
		return 0, err
	}
	e, err := live.AuditRun(ctx, db, audit.Entry{Actor: audit.ActorModel, Action: "resolve", Model: audit.Digest(model),
		Evidence: audit.Digest(outputs),
		Detail:   fmt.Sprintf("%d records, %d entities, %d decisions honoured", sum.Records, sum.Entities, sum.Decisions)}, time.Now(), key)
	return e.Seq, err
}

// parseKey reads a record key written source/id.
func parseKey(s string) (record.Key, error) {
	src, id, ok := strings.Cut(s, "/")
	if !ok || src == "" || id == "" {
		return record.Key{}, fmt.Errorf("record %q: write it as SOURCE/ID", s)
	}
	return record.Key{Source: src, ID: id}, nil
}

// entityArg reads an entity named on the command line by its id, or by
// one of its records as SOURCE/ID: the entity that holds the record now,
// which entityOf finds. Entity ids never hold a "/". A key written wrong
// is a usage error with the command's synopsis as its hint.
func entityArg(ctx context.Context, arg, hint string, entityOf func(context.Context, record.Key) (record.EntityID, error)) (record.EntityID, error) {
	if !strings.Contains(arg, "/") {
		return record.EntityID(arg), nil
	}
	k, err := parseKey(arg)
	if err != nil {
		return "", &usageError{msg: err.Error(), hint: hint}
	}
	return entityOf(ctx, k)
}

// liveEntity finds the entity of a record as l holds it.
func liveEntity(l *live.Live) func(context.Context, record.Key) (record.EntityID, error) {
	return func(ctx context.Context, k record.Key) (record.EntityID, error) {
		r, err := l.Record(ctx, k, access.Everything)
		return r.Entity, err
	}
}

// entityNotFound adds to a "not found" error, when one of the entities
// was named by id (args as given), where ids come from: a batch run's
// clusters.csv names entities by plain hashes, the store (after an import
// too) by keyed ones of its own.
func entityNotFound(err error, args ...string) error {
	if !errors.Is(err, store.ErrNotFound) || !slices.ContainsFunc(args, func(a string) bool { return !strings.Contains(a, "/") }) {
		return err
	}
	return fmt.Errorf("%w (the store names entities by ids of its own, not by those of a batch run's clusters.csv: name an entity by one of its records, SOURCE/ID)", err)
}
