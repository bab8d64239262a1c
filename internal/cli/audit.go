package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/live"
)

const auditSynopsis = `concord audit verify --config concord.yaml [--file audit.ndjson] [--public-key KEY] [--head anchor.json]
concord audit export --config concord.yaml [--out audit.ndjson]
concord audit anchor --config concord.yaml            # the signed head, to keep outside the store
concord audit keygen --out audit.key                  # a signing key; set CONCORD_AUDIT_KEY_FILE to it
concord audit secret --out digest.secret              # a digest secret kept outside a new store; set CONCORD_DIGEST_SECRET_FILE to it`

func runAudit(ctx context.Context, env Env, args []string) error {
	verbs := map[string]bool{"verify": true, "export": true, "anchor": true, "keygen": true, "secret": true}
	if len(args) == 0 || !verbs[args[0]] {
		return &usageError{msg: "verify, export, anchor, keygen or secret?", hint: auditSynopsis}
	}
	verb := args[0]
	fs := flags(env, "audit "+verb, auditSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml)")
	file := fs.String("file", "", "verify: an exported log to check instead of the store's own")
	out := fs.String("out", "", "export: write here instead of standard output; keygen, secret: the file to create")
	pubKey := fs.String("public-key", "", "verify: the public key the head must be signed with (as keygen prints it); default: the key of "+audit.KeyEnv)
	anchorPath := fs.String("head", "", "verify: an anchor (audit anchor's output) whose entry the log must still hold")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if verb == "secret" {
		if *out == "" || fs.NArg() > 0 {
			return &usageError{msg: "--out is required", hint: auditSynopsis}
		}
		if err := audit.NewSecret(*out); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "wrote %s: set %s=%s before a new store is first written; the store then keeps only a check of it\n", *out, audit.SecretEnv, *out)
		return nil
	}
	if verb == "keygen" {
		if *out == "" || fs.NArg() > 0 {
			return &usageError{msg: "--out is required", hint: auditSynopsis}
		}
		key, err := audit.NewKey(*out)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "public key: %s\n", audit.PublicKeyString(key.Public().(ed25519.PublicKey)))
		fmt.Fprintf(env.Stderr, "wrote %s (keep it outside the store and its backups; set %s=%s for commands that write the store)\n", *out, audit.KeyEnv, *out)
		return nil
	}
	if *cfgPath == "" || fs.NArg() > 0 {
		return &usageError{msg: "--config is required", hint: auditSynopsis}
	}
	db, err := openStore(*cfgPath, storeOptions{readOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	entries, head, err := live.ReadAudit(ctx, db)
	if err != nil {
		return err
	}
	switch verb {
	case "export":
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
	case "anchor":
		a := audit.Anchor{Seq: head.Seq, Hash: head.Hash, Sig: head.Sig}
		if key, err := audit.KeyFromEnv(); err != nil {
			return err
		} else if key != nil {
			a.PublicKey = audit.PublicKeyString(key.Public().(ed25519.PublicKey))
		}
		if a.Sig == "" {
			fmt.Fprintln(env.Stderr, "warning: the head is not signed; the anchor still pins the log up to it")
		}
		return json.NewEncoder(env.Stdout).Encode(a)
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
	pub, err := verifyKey(*pubKey)
	if err != nil {
		return &usageError{msg: err.Error(), hint: auditSynopsis}
	}
	checks := []error{audit.Verify(entries, &head)}
	if pub != nil {
		checks = append(checks, audit.CheckSignature(entries, head, pub))
	}
	if *anchorPath != "" {
		data, err := os.ReadFile(*anchorPath)
		if err != nil {
			return err
		}
		var a audit.Anchor
		if err := json.Unmarshal(data, &a); err != nil {
			return fmt.Errorf("%s: not an anchor written by concord audit anchor: %w", *anchorPath, err)
		}
		checks = append(checks, audit.CheckAnchor(entries, a, pub))
	}
	// The store's state against the log: a model, record or decision
	// written around it.
	state, err := live.VerifyState(ctx, db, entries)
	if err != nil {
		return err
	}
	if len(state) > 0 {
		checks = append(checks, &audit.VerifyError{Problems: state})
	}
	var failed []error
	for _, err := range checks {
		var ve *audit.VerifyError
		if errors.As(err, &ve) {
			for _, p := range ve.Problems {
				fmt.Fprintf(env.Stdout, "%s: %s\n", source, p)
			}
		}
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return failed[0]
	}
	switch {
	case pub != nil:
		fmt.Fprintf(env.Stdout, "%s verifies: %d entries, head seq %d, signed by the key\n", source, len(entries), head.Seq)
	default:
		fmt.Fprintf(env.Stdout, "%s verifies: %d entries, head seq %d\n", source, len(entries), head.Seq)
		fmt.Fprintf(env.Stderr, "note: no public key given: whoever can write the store could have rewritten the log and its head; pass --public-key (or set %s) and keep anchors outside the store\n", audit.KeyEnv)
	}
	return nil
}

// verifyKey returns the public key to check the head with: the one given,
// else the one of the signing key in the environment, else nil.
func verifyKey(given string) (ed25519.PublicKey, error) {
	if given != "" {
		return audit.ParsePublicKey(given)
	}
	key, err := audit.KeyFromEnv()
	if err != nil || key == nil {
		return nil, err
	}
	return key.Public().(ed25519.PublicKey), nil
}
