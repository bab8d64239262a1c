package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/engine"
)

const auditSynopsis = `concord audit verify --config concord.yaml [--file audit.ndjson]   # the store's log, or an exported one against the store's head
concord audit export --config concord.yaml [--out audit.ndjson]`

func runAudit(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "export") {
		return &usageError{msg: "verify or export?", hint: auditSynopsis}
	}
	verb := args[0]
	fs := flags(env, "audit "+verb, auditSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml)")
	file := fs.String("file", "", "verify: an exported log to check instead of the store's own")
	out := fs.String("out", "", "export: write here instead of standard output")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *cfgPath == "" || fs.NArg() > 0 {
		return &usageError{msg: "--config is required", hint: auditSynopsis}
	}
	db, err := openStore(*cfgPath)
	if err != nil {
		return err
	}
	defer db.Close()
	entries, head, err := engine.ReadAudit(ctx, db)
	if err != nil {
		return err
	}
	if verb == "export" {
		w := env.Stdout
		if *out != "" {
			f, err := createPrivate(*out)
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		if err := audit.Write(w, entries); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if *out != "" {
			fmt.Fprintf(env.Stderr, "%d entries written to %s; head seq %d %s\n", len(entries), *out, head.Seq, head.Hash)
		}
		return nil
	}
	source := "the store's audit log"
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		if entries, err = audit.Read(f, *file); err != nil {
			return err
		}
		source = *file
	}
	if err := audit.Verify(entries, &head); err != nil {
		if ve, ok := err.(*audit.VerifyError); ok {
			for _, p := range ve.Problems {
				fmt.Fprintf(env.Stdout, "%s: %s\n", source, p)
			}
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "%s verifies: %d entries, head seq %d\n", source, len(entries), head.Seq)
	return nil
}
