// Package cli implements the concord command: one file and FlagSet per
// subcommand, typed options wired to the library below, exit codes.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"

	"github.com/concord-er/concord/config"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the command ran and failed
	ExitUsage = 2 // the command line was wrong
	ExitBug   = 3 // Concord failed on its own: a panic, reported with its stack
)

// Env is what a command may touch: its streams. Tests pass buffers.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

var commands = map[string]command{
	"ingest":    {"read and normalise every source of a config; write records, rejects and a summary", runIngest},
	"resolve":   {"resolve records into entities: train (or reuse) a model, score pairs, cluster", runResolve},
	"import":    {"load a batch run (resolve --out DIR) into the store, checked against its clusters.csv", runImport},
	"eval":      {"score clusters against ground truth (pairwise and B-cubed)", runEval},
	"demo":      {"run the bundled example end to end", runDemo},
	"bench":     {"measure speed, memory and accuracy at several scales on synthetic data", runBench},
	"normalize": {"show how values normalise, e.g. concord normalize --kind name 'GARCÍA, Juan'", runNormalize},
	"version":   {"print the version", runVersion},
	"upsert":    {"resolve records one at a time against the store (real time); --delete removes them", runUpsert},
	"entity":    {"show an entity of the store: its records and lineage", runEntity},
	"record":    {"show a record of the store: its entity, links and reviews", runRecord},
	"explain":   {"explain a pair (waterfall), an entity (how) or two entities (why not)", runExplain},
	"review":    {"list the review queue; decide pairs; merge or split entities by hand", runReview},
	"audit":     {"verify or export the hash-chained audit log", runAudit},
	"serve":     {"serve the HTTP API (TLS, API keys or client certificates, need-to-know views)", runServe},
	"apikey":    {"make an API key for a principal: the key once, and the line for serve.api_keys", runAPIKey},
	"network":   {"the network around entities: relationships, shared identifiers, paths, groups, export", runNetwork},
	"consume":   {"resolve records from a Kafka topic into the store, relay entity changes", runConsume},
}

// Version is set at build time with -ldflags "-X .../internal/cli.Version=…".
var Version = "dev"

// ExitSignal is the exit code of a command stopped by SIGINT or SIGTERM.
const ExitSignal = 130

// Main runs the concord command line as the process does, and returns the
// exit code. The first SIGINT or SIGTERM cancels the command, which stops
// at its next step (an upsert stream commits what it acknowledged); a
// second one exits at once with ExitSignal, for a command blocked where it
// cannot see the first (reading a terminal or a pipe that never ends).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		cancel()
		if _, ok := <-sigs; ok {
			fmt.Fprintln(stderr, "concord: second signal: exiting now")
			os.Exit(ExitSignal)
		}
	}()
	return Run(ctx, args, stdin, stdout, stderr)
}

// Run runs the concord command line and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stdout, stderr = safeWriter{stdout}, safeWriter{stderr}
	env := Env{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "concord: unknown command %q\n\n", args[0])
		usage(stderr)
		return ExitUsage
	}
	err := runRecovered(ctx, cmd, env, args[1:])
	var be *bugError
	if errors.As(err, &be) {
		fmt.Fprintf(stderr, "concord %s: internal error (a bug in Concord; please report it with this text): %v\n%s", args[0], be.value, be.stack)
		return ExitBug
	}
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintf(stderr, "concord %s: interrupted: stopped after the last committed step\n", args[0])
		return ExitSignal
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.Is(err, errReported):
		return ExitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "concord %s: %s\n", args[0], ue.msg)
		if ue.hint != "" {
			fmt.Fprintf(stderr, "usage: %s\n", ue.hint)
		}
		return ExitUsage
	default:
		fmt.Fprintf(stderr, "concord %s: %v\n", args[0], err)
		return ExitError
	}
}

// bugError is a panic recovered from a command.
type bugError struct {
	value any
	stack []byte
}

func (b *bugError) Error() string { return fmt.Sprint("panic: ", b.value) }

// runRecovered runs cmd, turning a panic in its goroutine into a
// *bugError, so that a crash exits with ExitBug rather than the runtime's
// 2, which means a usage error here.
func runRecovered(ctx context.Context, cmd command, env Env, args []string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &bugError{value: v, stack: debug.Stack()}
		}
	}()
	return cmd.run(ctx, env, args)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Concord resolves records from many sources into entities and explains every link.")
	fmt.Fprintln(w, "\nusage: concord <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'concord <command> -h' for a command's flags.")
}

// usageError is a mistake on the command line; hint shows the right form.
type usageError struct {
	msg, hint string
}

func (e *usageError) Error() string { return e.msg }

// flags returns a FlagSet for a subcommand that prints its usage to env.Stderr.
func flags(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("concord "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// errReported is a usage error the flag package has already printed.
var errReported = errors.New("usage error reported")

// parse parses args, flags before, between or after the positional
// arguments (everything after "--" is positional). -h returns
// flag.ErrHelp; a bad flag returns errReported, since the flag package
// has printed the problem and usage.
func parse(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return errReported
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// logFlag adds --log-level and returns a function building the logger.
// Logs go to stderr as text and never contain record contents.
func logFlag(fs *flag.FlagSet, env Env) func() (*slog.Logger, error) {
	level := fs.String("log-level", "warn", "log level: debug, info, warn or error")
	return func() (*slog.Logger, error) {
		var l slog.Level
		if err := l.UnmarshalText([]byte(*level)); err != nil {
			return nil, &usageError{msg: fmt.Sprintf("bad --log-level %q: want debug, info, warn or error", *level)}
		}
		return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: l})), nil
	}
}

// configFlags are the flags of the commands that read a config and write
// into an output directory.
type configFlags struct {
	config, out *string
	logger      func() (*slog.Logger, error)
}

func addConfigFlags(fs *flag.FlagSet, env Env) configFlags {
	return configFlags{
		config: fs.String("config", "", "config file (concord.yaml)"),
		out:    fs.String("out", "", "output directory (created if missing)"),
		logger: logFlag(fs, env),
	}
}

// load checks the flags after parsing and loads the config.
func (c configFlags) load(fs *flag.FlagSet, synopsis string) (*config.Config, *slog.Logger, error) {
	if *c.config == "" || *c.out == "" || fs.NArg() > 0 {
		return nil, nil, &usageError{msg: "--config and --out are required", hint: synopsis}
	}
	log, err := c.logger()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := config.Load(*c.config)
	if err != nil {
		return nil, nil, err
	}
	return cfg, log, nil
}

func runVersion(_ context.Context, env Env, _ []string) error {
	fmt.Fprintln(env.Stdout, "concord", Version)
	return nil
}

// stderrFile returns env.Stderr as an *os.File when it is one, so progress
// can tell whether it is a terminal.
func stderrFile(env Env) io.Writer {
	w := env.Stderr
	if s, ok := w.(safeWriter); ok {
		w = s.w // progress writes only its own text
	}
	if f, ok := w.(*os.File); ok {
		return f
	}
	return env.Stderr
}

func quote(s string) string {
	if strings.ContainsAny(s, " \t\"'") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
