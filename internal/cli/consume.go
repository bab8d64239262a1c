package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/kafka"
	"github.com/concord-er/concord/live"
)

const consumeSynopsis = "concord consume --config concord.yaml [--model model.json]"

// runConsume resolves the records of the config's Kafka topic into its
// store until stopped, and relays entity changes.
func runConsume(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "consume", consumeSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml) with a kafka: section")
	modelPath := fs.String("model", "", "model.json from concord resolve; needed once, the store keeps it")
	logger := logFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cfgPath == "" || fs.NArg() > 0 {
		return &usageError{msg: "--config is required, and nothing else", hint: consumeSynopsis}
	}
	log, err := logger()
	if err != nil {
		return err
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	if len(cfg.Kafka.Brokers) == 0 {
		return fmt.Errorf("%s: no kafka: section (brokers, group, topics)", cfg.File)
	}
	db, l, err := openWriter(ctx, env, cfg, *modelPath, log, storeOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(env.Stderr, "concord consume: %s from %v as group %s\n", cfg.Kafka.Topics.Records, cfg.Kafka.Brokers, cfg.Kafka.Group)
	var last kafka.Stats
	start := time.Now()
	opt := kafka.Options{Config: cfg, Live: l, Log: log, Stats: func(s kafka.Stats) { last = s }}
	if cfg.Shared {
		// Transactions of a stream's size in shared mode, where they hold
		// their keys' locks until they commit (live.SharedStreamGroup).
		opt.MaxBatch = live.SharedStreamGroup
	}
	err = kafka.Consume(ctx, opt)
	fmt.Fprintf(env.Stderr, "concord consume: stopped after %s: %d messages applied, %d skipped as applied before, %d dead letters, %d changes relayed\n",
		time.Since(start).Round(time.Second), last.Applied, last.Skipped, last.DeadLetters, last.Relayed)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
