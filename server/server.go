// Package server is Concord's HTTP API: concord serve. Every request under
// /v1 proves who it comes from (a client certificate or an API key), is
// allowed by the principal's roles, reads through the principal's view
// (live filters every read through it), and is recorded in the audit log
// with the purpose it states. The API is described by an OpenAPI 3.1
// document at /v1/openapi.json; errors are RFC 9457 problem+json.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	gojson "github.com/goccy/go-json"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// PurposeHeader states why a caller reads: reads of labelled sources need
// one, and the audit log keeps it.
const PurposeHeader = "Concord-Purpose"

// Options configure a Server.
type Options struct {
	Policy     *access.Policy
	Principals []access.Principal
	APIKeys    []APIKey
	OIDC       *OIDC // nil: no OIDC tokens
	// OIDCLogin lets people log in to the workbench at the issuer (nil:
	// they paste a token); it needs OIDC to check the tokens it brings.
	OIDCLogin *OIDCLogin
	// Sources map uploaded rows to features, as the config's sources do;
	// Kinds are the features' types, for screening queries.
	Sources []config.Source
	Limits  config.Limits
	Kinds   map[string]record.Kind
	Logger  *slog.Logger
	// MaxBody bounds a request body; 0 = 8 MiB.
	MaxBody int64
	// Timeout bounds a request's work; 0 = 30 s. A change feed's long
	// poll waits up to MaxWait beyond it.
	Timeout time.Duration
	Version string
}

// GCPercent is the garbage collector's target a serving process sets
// (unless GOGC is set): four times the live heap rather than twice. With a
// million records in memory, the collector's marking under load made the
// upload p99 995 ms at the default 100 and 189 ms at 400 (docs/serve.md),
// for a heap that may grow to five times the live one before a cycle; a
// memory limit (GOMEMLIMIT, or serve --memory-limit) caps that.
const GCPercent = 400

// TuneGC sets GCPercent, unless the GOGC environment variable chose.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}

// MaxWait is the longest a change feed request waits for a change.
const MaxWait = 30 * time.Second

// Server serves the API over one Live.
type Server struct {
	l          *live.Live
	opt        Options
	principals map[string]access.Principal
	keys       atomic.Pointer[[]APIKey] // replaced whole by SetAPIKeys
	sources    map[string]config.Source
	feeds      map[string][]config.Source // by the name rows come under (config.Feeds)
	mux        *http.ServeMux
	api        huma.API
	log        *slog.Logger
	access     *accessLog
	metrics    *metrics
	cursors    *cursors
}

// New makes a server over l. It checks the policy, principals and keys:
// a principal with an unknown role or clearance, or a key for a principal
// that is not configured, is an error.
func New(l *live.Live, opt Options) (*Server, error) {
	if opt.Policy == nil {
		return nil, errors.New("server: no access policy")
	}
	if opt.MaxBody <= 0 {
		opt.MaxBody = 8 << 20
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{l: l, opt: opt, principals: map[string]access.Principal{},
		sources: map[string]config.Source{}, mux: http.NewServeMux(), log: opt.Logger}
	var err error
	if s.cursors, err = newCursors(); err != nil {
		return nil, err
	}
	for _, p := range opt.Principals {
		if err := opt.Policy.Check(p); err != nil {
			return nil, err
		}
		s.principals[p.ID] = p
	}
	if err := s.SetAPIKeys(opt.APIKeys); err != nil {
		return nil, err
	}
	for _, src := range opt.Sources {
		s.sources[src.Name] = src
	}
	s.feeds = config.Feeds(opt.Sources)
	cfg := huma.DefaultConfig("Concord", opt.Version)
	cfg.Formats = map[string]huma.Format{"application/json": responseJSON, "json": responseJSON}
	cfg.OpenAPIPath = "/v1/openapi"
	cfg.DocsPath = ""    // the docs page loads scripts from a CDN: not served
	cfg.SchemasPath = "" // schemas are in the OpenAPI document
	cfg.CreateHooks = nil
	cfg.Info.Description = "Entity resolution: records from many sources resolved into entities, each link explained, every read filtered by the caller's clearance and recorded in the audit log."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"apiKey": {Type: "http", Scheme: "bearer", Description: "an API key (serve.api_keys), or an OIDC token from serve.oidc's issuer"},
		"mTLS":   {Type: "mutualTLS", Description: "a client certificate signed by serve.tls.client_ca"},
	}
	cfg.Security = []map[string][]string{{"apiKey": {}}, {"mTLS": {}}}
	s.api = humago.New(s.mux, cfg)
	s.metrics = newMetrics()
	s.access = newAccessLog(l, s.log, s.metrics)
	s.routes()
	s.mux.HandleFunc("POST "+StreamPath, s.uploadStream)
	s.documentStream()
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", s.ready)
	s.mux.Handle("GET /metrics", s.metrics.handler())
	wb, err := newWorkbench(s)
	if err != nil {
		return nil, err
	}
	wb.routes(s.mux)
	return s, nil
}

// Close flushes the access log: call it after the HTTP server has shut
// down, before the store closes.
func (s *Server) Close(ctx context.Context) error { return s.access.close(ctx) }

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if err := s.l.Ready(r.Context()); err != nil {
		problem(w, http.StatusServiceUnavailable, "the store cannot be read")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// SetAPIKeys replaces the API keys the server accepts, as when the key
// file changed (a key revoked, one added): requests after it are checked
// against keys alone. A key for a principal the server does not know is
// an error, and the keys in use stay.
func (s *Server) SetAPIKeys(keys []APIKey) error {
	for _, k := range keys {
		if _, ok := s.principals[k.Principal]; !ok {
			return fmt.Errorf("server: an API key names principal %q, which serve.principals does not list", k.Principal)
		}
	}
	keys = slices.Clone(keys)
	s.keys.Store(&keys)
	return nil
}

// Handler returns the server's handler: recovery, metrics, bounds,
// authentication and the access log around the routes.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic serving a request", "route", r.Pattern, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !rec.wrote {
					problem(rec, http.StatusInternalServerError, "internal error")
				}
			}
			s.metrics.observe(routeOf(r), rec.status, time.Since(start))
		}()
		s.serve(rec, r)
	})
}

func (s *Server) serve(w *statusWriter, r *http.Request) {
	protected := strings.HasPrefix(r.URL.Path, "/v1/") || r.URL.Path == "/metrics"
	if !protected {
		s.mux.ServeHTTP(w, r)
		return
	}
	p, err := s.authenticate(r)
	if err != nil {
		// Who tried is not known; where from, on what, and why it failed
		// is logged (never the credential), and counted.
		s.metrics.authFailures.Inc()
		s.log.Warn("authentication failed", "remote", r.RemoteAddr, "method", r.Method, "path", r.URL.Path, "reason", err.Error())
		w.Header().Set("WWW-Authenticate", `Bearer realm="concord"`)
		problem(w, http.StatusUnauthorized, err.Error())
		return
	}
	purpose := r.Header.Get(PurposeHeader)
	if err := checkPurpose(purpose); err != nil {
		problem(w, http.StatusBadRequest, err.Error())
		return
	}
	if r.URL.Path == "/metrics" && !s.opt.Policy.Can(p, access.OpAudit) {
		problem(w, http.StatusForbidden, "metrics need the admin role")
		return
	}
	c := &caller{principal: p, purpose: purpose}
	ctx, cancel := withCaller(r.Context(), c), context.CancelFunc(func() {})
	switch {
	case r.Method == http.MethodPost && streamUpload.MatchString(r.URL.Path):
		// A streaming upload is bounded by its size and its idle time.
		r.Body = http.MaxBytesReader(w, r.Body, maxStreamBytes)
	case strings.HasPrefix(r.URL.Path, "/v1/changes"):
		r.Body = http.MaxBytesReader(w, r.Body, s.opt.MaxBody)
		ctx, cancel = context.WithTimeout(ctx, s.opt.Timeout+MaxWait)
	default:
		r.Body = http.MaxBytesReader(w, r.Body, s.opt.MaxBody)
		ctx, cancel = context.WithTimeout(ctx, s.opt.Timeout)
	}
	defer cancel()
	s.mux.ServeHTTP(w, r.WithContext(ctx))
	if r.URL.Path == "/metrics" || r.URL.Path == "/v1/openapi.json" {
		return
	}
	detail := r.Method + " " + routeOf(r) + " " + fmt.Sprint(w.status)
	if purpose != "" {
		detail += " purpose=" + purpose
	}
	s.access.add(audit.Entry{Actor: audit.ActorPrincipal + p.ID, Action: "request", Entities: c.entities, Detail: detail})
}

// streamUpload matches the streaming upload's paths.
var streamUpload = regexp.MustCompile(`^/v1/sources/[^/]+/records$`)

// routeOf names a request's route by its pattern, never by its path (which
// holds ids).
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		_, path, _ := strings.Cut(r.Pattern, " ")
		return path
	}
	return "unmatched"
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// problem writes an RFC 9457 problem.
func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail})
}

// accessLog appends one audit entry per request. Requests hand their
// entries to a goroutine that queues them in batches (every 100 ms or 256
// requests) for the audit log, where the next change of the process
// carries them — an upload's, or the flush this log makes when none
// comes (live.Live.QueueAccess): a read waits neither for the store's
// writers nor for uploads queued before them. A request waits for room
// only when the queue is full, rather than go unrecorded.
type accessLog struct {
	l       *live.Live
	log     *slog.Logger
	m       *metrics
	ch      chan audit.Entry
	done    chan struct{}
	closeMu sync.Once
	// flush asks the flusher for a change that carries what is queued;
	// flushed is closed when the flusher has stopped.
	flush   chan struct{}
	flushed chan struct{}
}

func newAccessLog(l *live.Live, log *slog.Logger, m *metrics) *accessLog {
	a := &accessLog{l: l, log: log, m: m, ch: make(chan audit.Entry, 4096), done: make(chan struct{}),
		flush: make(chan struct{}, 1), flushed: make(chan struct{})}
	go a.flusher()
	go a.run()
	return a
}

func (a *accessLog) add(e audit.Entry) { a.ch <- e }

func (a *accessLog) run() {
	defer close(a.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	var batch []audit.Entry
	// queue queues the batch and asks for a flush, also with no batch:
	// what a failed flush left is written by a later one.
	queue := func() {
		if len(batch) > 0 {
			if err := a.l.QueueAccess(context.Background(), batch); err != nil {
				a.m.accessErrors.Inc()
				a.log.Error("the access log could not be queued", "requests", len(batch), "error", err)
			}
			batch = batch[:0]
		}
		select {
		case a.flush <- struct{}{}:
		default: // a flush is asked for already
		}
	}
	for {
		select {
		case e, ok := <-a.ch:
			if !ok {
				queue()
				close(a.flush)
				<-a.flushed
				return
			}
			if batch = append(batch, e); len(batch) >= 256 {
				queue()
			}
		case <-t.C:
			queue()
		}
	}
}

// flusher writes what is queued when asked (every 100 ms at least), until
// the log closes, and once more then. What a failed flush left queued is
// written by the next.
func (a *accessLog) flusher() {
	defer close(a.flushed)
	write := func() {
		if err := a.l.FlushAccess(context.Background()); err != nil {
			a.m.accessErrors.Inc()
			a.log.Error("the access log could not be written", "error", err)
		}
	}
	for range a.flush {
		write()
	}
	write()
}

func (a *accessLog) close(ctx context.Context) error {
	a.closeMu.Do(func() { close(a.ch) })
	select {
	case <-a.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("access log: %w", ctx.Err())
	}
}

// metrics are the server's Prometheus metrics: by route pattern and
// status, never by anything a request names.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	seconds      *prometheus.HistogramVec
	accessErrors prometheus.Counter
	authFailures prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "concord_http_requests_total", Help: "Requests by route and status."}, []string{"route", "status"}),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "concord_http_request_seconds", Help: "Request duration by route.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30}}, []string{"route"}),
		accessErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "concord_access_log_errors_total", Help: "Batches of requests the audit log could not take."}),
		authFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "concord_auth_failures_total", Help: "Requests refused because they proved no known identity."}),
	}
	m.reg.MustRegister(m.requests, m.seconds, m.accessErrors, m.authFailures, prometheus.NewGoCollector())
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, fmt.Sprint(status)).Inc()
	m.seconds.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// responseJSON writes response bodies with goccy/go-json, which encodes
// them faster than encoding/json (entity reads alone at 100k records: 2–9%
// more a second in three alternating pairs of bench --serve runs); request
// bodies are read with encoding/json, as huma does, since they come from
// outside.
var responseJSON = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		enc := gojson.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	},
	Unmarshal: json.Unmarshal,
}
