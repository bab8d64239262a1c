package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/server"
)

const serveSynopsis = "concord serve --config concord.yaml [--model model.json] [--addr :8443] [--dev] [--memory-limit 16GiB]"

func runServe(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "serve", serveSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml) with a serve: section")
	modelPath := fs.String("model", "", "model.json from concord resolve; needed once, the store keeps it")
	addr := fs.String("addr", "", "address to listen on (default :8443; with --dev 127.0.0.1:8080)")
	dev := fs.Bool("dev", false, "to try it out: plain HTTP on the loopback interface only, with a token for every role printed once")
	memLimit := fs.String("memory-limit", "0", "soft limit of the Go heap (GiB or MiB suffix; 0 for none); GOMEMLIMIT overrides it")
	logger := logFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cfgPath == "" || fs.NArg() > 0 {
		return &usageError{msg: "--config is required, and nothing else", hint: serveSynopsis}
	}
	log, err := logger()
	if err != nil {
		return err
	}
	if err := setMemoryLimit(*memLimit); err != nil {
		return &usageError{msg: err.Error(), hint: serveSynopsis}
	}
	server.TuneGC()
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	listen := *addr
	if listen == "" {
		listen = ":8443"
		if *dev {
			listen = "127.0.0.1:8080"
		}
	}
	if *dev {
		if err := loopbackOnly(listen); err != nil {
			return &usageError{msg: err.Error(), hint: serveSynopsis}
		}
	}
	opt, devKey, err := serverOptions(ctx, cfg, *dev, log)
	if err != nil {
		return err
	}
	var tlsCfg *tls.Config
	if !*dev {
		t := cfg.Serve.TLS
		if t.Cert == "" || t.Key == "" {
			return fmt.Errorf("%s: serve.tls needs cert and key (TLS is always on; --dev alone serves plain HTTP on loopback)", cfg.File)
		}
		if tlsCfg, err = server.TLSConfig(cfgRel(cfg, t.Cert), cfgRel(cfg, t.Key), cfgRel(cfg, t.ClientCA)); err != nil {
			return err
		}
	}

	db, l, err := openWriter(ctx, env, cfg, *modelPath, log, storeOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	opt.Version = Version
	srv, err := server.New(l, opt)
	if err != nil {
		return err
	}
	// The workbench's model and data views count every pair and sample
	// every source: read those counts now, not on the first page load.
	go func() {
		names := make([]string, len(cfg.Sources))
		for i, src := range cfg.Sources {
			names[i] = src.Name
		}
		if err := l.WarmCounts(ctx, names); err != nil && ctx.Err() == nil {
			log.Warn("counting pairs and values for the workbench", "err", err)
		}
	}()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), TLSConfig: tlsCfg, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 90 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// SIGHUP reads the API key file again: a key is revoked without a
	// restart.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var devKeys []server.APIKey
	if devKey != "" {
		devKeys = opt.APIKeys[len(opt.APIKeys)-1:]
	}
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		for {
			select {
			case <-hup:
				_ = reloadAPIKeys(cfg, srv, devKeys, log, env.Stderr) // its error is logged there
			case <-stopped:
				return
			}
		}
	}()
	scheme := "https"
	if tlsCfg == nil {
		scheme = "http"
	}
	fmt.Fprintf(env.Stderr, "concord serve: listening on %s://%s (OpenAPI at /v1/openapi.json)\n", scheme, ln.Addr())
	if devKey != "" {
		fmt.Fprintf(env.Stderr, "development token (principal dev, every role; shown once): %s\n", devKey)
	}
	served := make(chan error, 1)
	go func() {
		if tlsCfg != nil {
			served <- hs.ServeTLS(ln, "", "")
		} else {
			served <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: requests in flight finish (a change they made is
	// committed before they answer), then the access log is flushed.
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err = errors.Join(hs.Shutdown(shutdown), srv.Close(shutdown))
	if e := <-served; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	fmt.Fprintln(env.Stderr, "concord serve: stopped")
	if err != nil {
		return err
	}
	return ctx.Err()
}

// serverOptions builds the policy, principals and keys from the config;
// with dev, a principal "dev" with every role and the highest clearance,
// and its key.
func serverOptions(ctx context.Context, cfg *config.Config, dev bool, log *slog.Logger) (server.Options, string, error) {
	opt := server.Options{Sources: cfg.Sources, Limits: cfg.Limits, Kinds: cfg.Kinds(), Logger: log}
	sources := map[string]access.Source{}
	for _, s := range cfg.Sources {
		sources[s.Name] = access.Source{Label: s.Label, Sensitive: s.Sensitive}
	}
	labels := cfg.Serve.Labels
	if len(labels) == 0 {
		// Labels in use but not declared: each its own level, in the
		// order the sources name them.
		for _, s := range cfg.Sources {
			if s.Label != "" && !slices.Contains(labels, s.Label) {
				labels = append(labels, s.Label)
			}
		}
		if len(labels) > 1 {
			return opt, "", fmt.Errorf("%s: sources use labels %q: list them in serve.labels, lowest first", cfg.File, labels)
		}
	}
	var err error
	if opt.Policy, err = access.NewPolicy(labels, sources); err != nil {
		return opt, "", err
	}
	for _, p := range cfg.Serve.Principals {
		pr := access.Principal{ID: p.ID, Clearance: p.Clearance}
		for _, r := range p.Roles {
			pr.Roles = append(pr.Roles, access.Role(r))
		}
		opt.Principals = append(opt.Principals, pr)
	}
	if o := cfg.Serve.OIDC; o.Issuer != "" {
		if opt.OIDC, err = server.NewOIDC(ctx, o.Issuer, o.Audience, cfgRel(cfg, o.JWKSFile), o.Claim); err != nil {
			return opt, "", err
		}
		if o.RedirectURL != "" {
			secret := ""
			if o.ClientSecretFile != "" {
				path := cfgRel(cfg, o.ClientSecretFile)
				if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
					return opt, "", fmt.Errorf("serve.oidc.client_secret_file %s: readable by others (mode %o): make it the owner's alone (chmod 600)", path, st.Mode().Perm())
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return opt, "", fmt.Errorf("serve.oidc.client_secret_file: %w", err)
				}
				secret = strings.TrimSpace(string(data))
			}
			if opt.OIDCLogin, err = server.NewOIDCLogin(ctx, o.Issuer, o.Audience, secret, o.RedirectURL, o.AuthURL, o.TokenURL); err != nil {
				return opt, "", err
			}
		}
	}
	if opt.APIKeys, err = loadAPIKeys(cfg); err != nil {
		return opt, "", err
	}
	if !dev {
		return opt, "", nil
	}
	top := ""
	if len(labels) > 0 {
		top = labels[len(labels)-1]
	}
	opt.Principals = append(opt.Principals, access.Principal{ID: "dev", Roles: access.Roles, Clearance: top})
	key, line := server.NewAPIKey("dev")
	keys, err := server.ParseAPIKeys(strings.NewReader(line), "dev")
	if err != nil {
		return opt, "", err
	}
	opt.APIKeys = append(opt.APIKeys, keys...)
	return opt, key, nil
}

// loadAPIKeys reads the file serve.api_keys names; none without one.
func loadAPIKeys(cfg *config.Config) ([]server.APIKey, error) {
	path := cfg.Serve.APIKeys
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(cfgRel(cfg, path))
	if err != nil {
		return nil, fmt.Errorf("serve.api_keys: %w", err)
	}
	defer f.Close()
	return server.ParseAPIKeys(f, path)
}

// reloadAPIKeys reads serve.api_keys again and gives the server its keys
// (with extra, the development key, kept): a key removed from the file is
// refused from then on. A file that cannot be read, or names a principal
// the server does not know, leaves the keys as they were.
func reloadAPIKeys(cfg *config.Config, srv *server.Server, extra []server.APIKey, log *slog.Logger, status io.Writer) error {
	keys, err := loadAPIKeys(cfg)
	if err == nil {
		err = srv.SetAPIKeys(append(keys, extra...))
	}
	if err != nil {
		log.Error("API keys not reloaded; the keys in use stay", "err", err)
		return err
	}
	fmt.Fprintf(status, "concord serve: API keys reloaded: %d from %s\n", len(keys), cfg.Serve.APIKeys)
	return nil
}

// loopbackOnly refuses a --dev address that is not on the loopback
// interface: plain HTTP never leaves the machine.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--dev serves plain HTTP, so only on a loopback address (127.0.0.1, ::1), not %q", addr)
	}
	return nil
}

// cfgRel resolves a path the config names relative to the config's
// directory; "" stays "".
func cfgRel(cfg *config.Config, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(cfg.Dir, path)
}

const apikeySynopsis = "concord apikey PRINCIPAL >> keys.txt"

// runAPIKey makes an API key: the key on standard error, once, for the
// caller; the line for serve.api_keys (its hash) on standard output.
func runAPIKey(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "apikey", apikeySynopsis)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.ContainsAny(fs.Arg(0), " \t\r\n") || fs.Arg(0) == "" {
		return &usageError{msg: "one PRINCIPAL, without spaces, is required", hint: apikeySynopsis}
	}
	key, line := server.NewAPIKey(fs.Arg(0))
	fmt.Fprintf(env.Stderr, "API key for %s (shown once; the file keeps only its hash): %s\n", fs.Arg(0), key)
	_, err := fmt.Fprintln(env.Stdout, line)
	return err
}
