package server

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"math"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"golang.org/x/oauth2"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/block"
	"github.com/concord-er/concord/explain"
	"github.com/concord-er/concord/internal/reviewfile"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
	"github.com/concord-er/concord/store"
)

// The workbench: the pages people use, served at / by concord serve,
// rendered on the server from the same operations as the API, with the
// same principals and views. Everything it serves is embedded; nothing is
// loaded from elsewhere (the Content-Security-Policy says so).
//
//go:embed workbench
var workbenchFiles embed.FS

// Sessions: a person logs in once with an API key or an OIDC token, and
// the browser holds only a random session id (HttpOnly, SameSite=Strict,
// Secure over TLS).
const (
	sessionCookie = "concord_session"
	sessionTTL    = 8 * time.Hour
	maxSessions   = 10000
)

type session struct {
	principal access.Principal
	purpose   string
	csrf      string // the token every form of the session carries
	expires   time.Time
	// key is the hash of the API key that logged in (none for an OIDC
	// token): the session ends when the key is revoked.
	key *[sha256.Size]byte
}

type workbench struct {
	s     *Server
	pages map[string]*template.Template
	now   func() time.Time
}

const (
	oidcCookie = "concord_oidc" // binds a flow to the browser that began it
	flowTTL    = 10 * time.Minute
	maxFlows   = 10000
)

// page is what a page handler gives to render: its template and data.
type page struct {
	name   string
	data   any
	status int
	// download, when set, is served as a file to save instead of the
	// page: an export.
	download *download
}

// download is a file a page serves to save.
type download struct {
	name, contentType string
	body              []byte
}

// pageData is what every page's template sees.
type pageData struct {
	Principal, Purpose, CSRF, Error string
	// NeedPurpose is set when the principal is cleared for labelled
	// sources but stated no purpose: they stay hidden until it does.
	NeedPurpose bool
	Data        any
}

func newWorkbench(s *Server) (*workbench, error) {
	w := &workbench{s: s, pages: map[string]*template.Template{}, now: time.Now}
	names, err := fs.Glob(workbenchFiles, "workbench/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"barClass": barClass, "add": func(a, b int) int { return a + b }, "maxRejects": func() int { return store.MaxRejects },
		"actorLabel": actorLabel,
		"percent":    func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"fillClass":  func(f float64) string { return fmt.Sprintf("w%d", int(math.Round(f*20))) }, "prob": func(p *float64) string {
			if p == nil {
				return ""
			}
			return fmt.Sprintf("%.3g", *p)
		}}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "workbench/"), ".html")
		if base == "layout" || base == "parts" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(workbenchFiles, "workbench/layout.html", "workbench/parts.html", name)
		if err != nil {
			return nil, fmt.Errorf("workbench: %w", err)
		}
		w.pages[base] = t
	}
	return w, nil
}

// barClass draws a weight as a bar by class (the pages allow no inline
// style): half a rem a bit, up to ten, green for, red against.
func barClass(weight float64) string {
	n := min(int(math.Round(math.Abs(weight)*2)), 20)
	if weight < 0 {
		return fmt.Sprintf("neg w%d", n)
	}
	return fmt.Sprintf("pos w%d", n)
}

// actorLabel says who an audit actor is, for a lineage entry.
func actorLabel(actor string) string {
	switch {
	case actor == audit.ActorModel:
		return "the model"
	case actor == audit.ActorSystem:
		return "an import"
	case strings.HasPrefix(actor, audit.ActorReviewer):
		return strings.TrimPrefix(actor, audit.ActorReviewer) + ", reviewing"
	case strings.HasPrefix(actor, audit.ActorPrincipal):
		return "the model, on an upsert by " + strings.TrimPrefix(actor, audit.ActorPrincipal)
	}
	return actor
}

// routes registers the workbench's pages on the server's mux.
func (w *workbench) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /assets/{file}", w.asset)
	mux.HandleFunc("GET /login", w.loginPage)
	mux.HandleFunc("GET /login/oidc", w.oidcStart)
	mux.HandleFunc("GET /login/callback", w.oidcCallback)
	mux.HandleFunc("POST /login", w.login)
	mux.HandleFunc("POST /logout", w.logout)
	mux.HandleFunc("POST /purpose", w.setPurpose)
	mux.HandleFunc("GET /{$}", w.handle(access.OpRead, w.search))
	mux.HandleFunc("GET /entities/{id}", w.handle(access.OpRead, w.entity))
	mux.HandleFunc("GET /entities/{id}/network", w.handle(access.OpRead, w.network))
	mux.HandleFunc("GET /entities/{id}/network/{file}", w.handle(access.OpRead, w.networkExport))
	mux.HandleFunc("GET /pairs", w.handle(access.OpRead, w.pair))
	mux.HandleFunc("GET /review", w.handle(access.OpRead, w.review))
	mux.HandleFunc("POST /review", w.handle(access.OpDecide, w.decide))
	mux.HandleFunc("POST /review/group", w.handle(access.OpDecide, w.decideGroup))
	mux.HandleFunc("GET /review/queue.csv", w.handle(access.OpRead, w.reviewCSV))
	mux.HandleFunc("POST /review/file", w.handleBody(access.OpDecide, maxVerdictFile, true, w.decideFile))
	mux.HandleFunc("POST /entities/{id}/split", w.handle(access.OpDecide, w.split))
	mux.HandleFunc("POST /entities/{id}/merge", w.handle(access.OpDecide, w.merge))
	mux.HandleFunc("GET /whynot", w.handle(access.OpRead, w.whyNot))
	mux.HandleFunc("GET /model", w.handle(access.OpRead, w.model))
	mux.HandleFunc("GET /quality", w.handle(access.OpRead, w.quality))
	mux.HandleFunc("GET /audit", w.handle(access.OpAudit, w.auditLog))
}

// headers are the security headers of every workbench response.
func headers(rw http.ResponseWriter) {
	h := rw.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func (w *workbench) asset(rw http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	types := map[string]string{"style.css": "text/css; charset=utf-8", "workbench.js": "text/javascript; charset=utf-8"}
	ct, ok := types[name]
	if !ok {
		http.NotFound(rw, r)
		return
	}
	b, err := workbenchFiles.ReadFile("workbench/" + name)
	if err != nil {
		http.NotFound(rw, r)
		return
	}
	headers(rw)
	rw.Header().Set("Content-Type", ct)
	rw.Write(b)
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// loginCookie carries the log-in form's token before there is a session:
// the form must send it back (a page elsewhere cannot log a person in to
// an account of its choosing).
const loginCookie = "concord_login"

// loginPage is the log-in form, with a fresh token in a cookie and in the
// form.
func (w *workbench) loginPage(rw http.ResponseWriter, r *http.Request) {
	w.loginAgain(rw, r, http.StatusOK, "")
}

// login checks a token as the API does (an API key, or an OIDC token) and
// starts a session for its principal.
func (w *workbench) login(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		w.loginAgain(rw, r, http.StatusBadRequest, "the form could not be read")
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get("login"))) != 1 {
		w.loginAgain(rw, r, http.StatusForbidden, "the log-in form has expired: log in again")
		return
	}
	token, purpose := strings.TrimSpace(r.PostForm.Get("token")), strings.TrimSpace(r.PostForm.Get("purpose"))
	if err := checkPurpose(purpose); err != nil {
		w.loginAgain(rw, r, http.StatusBadRequest, "the purpose is at most 200 characters, without control characters")
		return
	}
	probe := r.Clone(r.Context())
	probe.TLS = nil // the token is what logs in here
	probe.Header = http.Header{"Authorization": {"Bearer " + token}}
	p, err := w.s.authenticate(probe)
	if err != nil || token == "" {
		w.s.metrics.authFailures.Inc()
		w.s.log.Warn("workbench log-in failed", "remote", r.RemoteAddr)
		w.loginAgain(rw, r, http.StatusUnauthorized, "that token is not valid")
		return
	}
	sess := &session{principal: p, purpose: purpose, csrf: randomToken(), expires: w.now().Add(sessionTTL)}
	if w.s.opt.OIDC == nil || !looksLikeJWT(token) {
		sum := sha256.Sum256([]byte(token))
		sess.key = &sum
	} else if _, exp, err := w.s.opt.OIDC.verify(r.Context(), token); err == nil && exp.Before(sess.expires) {
		sess.expires = exp // a session outlives its token no more than the token does
	}
	if !w.startSession(rw, r, sess, "POST /login") {
		return
	}
	http.Redirect(rw, r, "/", http.StatusSeeOther)
}

// startSession keeps sess and gives the browser its cookie, or shows the
// log-in form when there are too many sessions.
func (w *workbench) startSession(rw http.ResponseWriter, r *http.Request, sess *session, request string) bool {
	p := sess.principal
	token := randomToken()
	if err := w.s.l.SaveSession(r.Context(), sess.stored(sessionDigest(token)), maxSessions); err != nil {
		w.notStored(rw, r, err, "too many sessions; try again later", "the session could not be stored; try again")
		return false
	}
	w.s.access.add(audit.Entry{Actor: audit.ActorPrincipal + p.ID, Action: "request", Detail: request + " 303" + purposeDetail(sess.purpose)})
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: int(sess.expires.Sub(w.now()) / time.Second)})
	return true
}

// notStored shows the log-in form again when a session or a log-in could
// not be stored: full when the store holds as many as it may, else failed
// (and the error is logged).
func (w *workbench) notStored(rw http.ResponseWriter, r *http.Request, err error, full, failed string) {
	if errors.Is(err, live.ErrTooManySessions) {
		w.loginAgain(rw, r, http.StatusServiceUnavailable, full)
		return
	}
	w.s.log.Error("workbench log-in not stored", "err", err)
	w.loginAgain(rw, r, http.StatusInternalServerError, failed)
}

// stored is the session as the store keeps it, under id.
func (s *session) stored(id string) store.WebSession {
	ws := store.WebSession{ID: id, Principal: s.principal.ID, Purpose: s.purpose, CSRF: s.csrf, Expires: s.expires}
	if s.key != nil {
		ws.KeyHash = hex.EncodeToString(s.key[:])
	}
	return ws
}

// sessionDigest is what the store keeps of a session's token: the store
// never holds what a browser could present.
func sessionDigest(token string) string {
	sum := sha256.Sum256([]byte("concord session\x00" + token))
	return hex.EncodeToString(sum[:])
}

// oidcStart sends a person to the issuer to log in, with a new flow's
// state, nonce and PKCE challenge; a cookie binds the flow to this
// browser, so that nobody can finish it in another's.
func (w *workbench) oidcStart(rw http.ResponseWriter, r *http.Request) {
	if w.s.opt.OIDCLogin == nil || w.s.opt.OIDC == nil {
		http.NotFound(rw, r)
		return
	}
	state, binder, nonce, verifier := randomToken(), randomToken(), randomToken(), oauth2.GenerateVerifier()
	flow := store.LoginFlow{ID: sessionDigest(state), Binder: sessionDigest(binder), Nonce: nonce, Verifier: verifier, Expires: w.now().Add(flowTTL)}
	if err := w.s.l.StartLogin(r.Context(), flow, maxFlows); err != nil {
		w.notStored(rw, r, err, "too many log-ins under way; try again later", "the log-in could not be begun; try again")
		return
	}
	// Lax: the cookie must come back with the issuer's redirect, a
	// top-level navigation from another site.
	http.SetCookie(rw, &http.Cookie{Name: oidcCookie, Value: binder, Path: "/login", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: int(flowTTL / time.Second)})
	http.Redirect(rw, r, w.s.opt.OIDCLogin.authURL(state, nonce, verifier), http.StatusFound)
}

// oidcCallback finishes a flow: the state names it, the cookie proves
// this browser began it, the code is exchanged with its PKCE verifier,
// and the ID token must carry its nonce and name a principal.
func (w *workbench) oidcCallback(rw http.ResponseWriter, r *http.Request) {
	if w.s.opt.OIDCLogin == nil || w.s.opt.OIDC == nil {
		http.NotFound(rw, r)
		return
	}
	q := r.URL.Query()
	c, err := r.Cookie(oidcCookie)
	flow, ferr := store.LoginFlow{}, store.ErrNotFound
	if err == nil && q.Get("state") != "" { // a browser that began no flow costs the store nothing
		flow, ferr = w.s.l.TakeLogin(r.Context(), sessionDigest(q.Get("state"))) // a state is used once
		if ferr != nil && !errors.Is(ferr, store.ErrNotFound) {
			w.s.log.Error("workbench log-in not read", "err", ferr)
		}
	}
	http.SetCookie(rw, &http.Cookie{Name: oidcCookie, Value: "", Path: "/login", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	switch {
	case ferr != nil || w.now().After(flow.Expires) || subtle.ConstantTimeCompare([]byte(sessionDigest(c.Value)), []byte(flow.Binder)) != 1:
		w.oidcFailed(rw, r, http.StatusForbidden, "that log-in was not begun here, or has expired: log in again", "state")
		return
	case q.Get("error") != "":
		w.oidcFailed(rw, r, http.StatusUnauthorized, "the identity provider did not log you in", "issuer refused")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	raw, err := w.s.opt.OIDCLogin.idToken(ctx, q.Get("code"), flow.Verifier)
	if err != nil {
		w.oidcFailed(rw, r, http.StatusUnauthorized, "the identity provider did not confirm the log-in", "exchange")
		return
	}
	nonce, exp, err := w.s.opt.OIDC.verify(ctx, raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(nonce), []byte(flow.Nonce)) != 1 {
		w.oidcFailed(rw, r, http.StatusUnauthorized, "the identity provider's answer does not verify", "token")
		return
	}
	probe := r.Clone(ctx)
	probe.TLS = nil
	probe.Header = http.Header{"Authorization": {"Bearer " + raw}}
	p, err := w.s.authenticate(probe)
	if err != nil {
		w.oidcFailed(rw, r, http.StatusUnauthorized, "you are not a user of this workbench", "principal")
		return
	}
	sess := &session{principal: p, csrf: randomToken(), expires: w.now().Add(sessionTTL)}
	if exp.Before(sess.expires) {
		sess.expires = exp // a session outlives its token no more than the token does
	}
	if !w.startSession(rw, r, sess, "GET /login/callback") {
		return
	}
	// A page, not a redirect: the session cookie is SameSite=Strict, and a
	// redirect that began at the issuer would not carry it.
	w.render(rw, r, nil, page{name: "loggedin"}, "")
}

// oidcFailed counts and logs a failed log-in at the issuer (what failed,
// never a token) and shows the log-in form again.
func (w *workbench) oidcFailed(rw http.ResponseWriter, r *http.Request, status int, why, what string) {
	w.s.metrics.authFailures.Inc()
	w.s.log.Warn("workbench log-in at the issuer failed", "step", what, "remote", r.RemoteAddr)
	w.loginAgain(rw, r, status, why)
}

// loginData is the log-in form's: its token, and whether people may log
// in at the issuer.
type loginData struct {
	Token    string
	AtIssuer bool
}

// loginAgain shows the log-in form again, with a fresh token, and why.
func (w *workbench) loginAgain(rw http.ResponseWriter, r *http.Request, status int, why string) {
	token := randomToken()
	http.SetCookie(rw, &http.Cookie{Name: loginCookie, Value: token, Path: "/login", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	w.render(rw, r, nil, page{name: "login", data: loginData{Token: token, AtIssuer: w.s.opt.OIDCLogin != nil && w.s.opt.OIDC != nil}, status: status}, why)
}

func purposeDetail(p string) string {
	if p == "" {
		return ""
	}
	return " purpose=" + p
}

// session returns the request's live session (a copy), or nil. A session
// past its time, or whose API key was revoked since, is ended.
func (w *workbench) session(r *http.Request) (string, *session) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", nil
	}
	id := sessionDigest(c.Value)
	ws, err := w.s.l.Session(r.Context(), id)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			w.s.log.Error("workbench session not read", "err", err)
		}
		return "", nil
	}
	p, known := w.s.principals[ws.Principal]
	sess := &session{principal: p, purpose: ws.Purpose, csrf: ws.CSRF, expires: ws.Expires}
	if ws.KeyHash != "" {
		var key [sha256.Size]byte
		if b, err := hex.DecodeString(ws.KeyHash); err == nil && len(b) == len(key) {
			copy(key[:], b)
		}
		sess.key = &key
	}
	if !known || w.now().After(sess.expires) || (sess.key != nil && !w.s.keyValid(*sess.key)) {
		if err := w.s.l.EndSession(r.Context(), id); err != nil {
			w.s.log.Error("workbench session not ended", "err", err)
		}
		return "", nil
	}
	return id, sess
}

// validCSRF checks a form's token against its session's.
func validCSRF(r *http.Request, s *session) bool {
	return subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(s.csrf)) == 1
}

// setPurpose states the session's purpose, once: labelled sources the
// principal is cleared for show from then on.
func (w *workbench) setPurpose(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 64<<10)
	id, sess := w.session(r)
	if sess == nil {
		http.Redirect(rw, r, "/login", http.StatusSeeOther)
		return
	}
	purpose := ""
	if r.ParseForm() == nil && validCSRF(r, sess) {
		purpose = strings.TrimSpace(r.PostForm.Get("purpose"))
	}
	bad := purpose == "" || sess.purpose != "" || checkPurpose(purpose) != nil
	if !bad {
		sess.purpose = purpose
		if err := w.s.l.SaveSession(r.Context(), sess.stored(id), maxSessions); err != nil {
			w.s.log.Error("workbench session not stored", "err", err)
			bad = true
		}
	}
	if bad {
		w.render(rw, r, sess, page{name: "search", status: http.StatusBadRequest, data: w.searchForm(nil)},
			"a purpose is stated once a session, up to 200 characters without control characters")
		return
	}
	w.s.access.add(audit.Entry{Actor: audit.ActorPrincipal + sess.principal.ID, Action: "request", Detail: "POST /purpose 303" + purposeDetail(purpose)})
	http.Redirect(rw, r, "/", http.StatusSeeOther)
}

func (w *workbench) logout(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 64<<10)
	id, s := w.session(r)
	if s != nil && r.ParseForm() == nil && validCSRF(r, s) {
		if err := w.s.l.EndSession(r.Context(), id); err != nil {
			w.s.log.Error("workbench session not ended", "err", err)
		}
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(rw, r, "/login", http.StatusSeeOther)
}

// handle wraps a page: the session (or the log-in page), the role, the
// view, bounds and time, the CSRF token of a form, the access log entry.
func (w *workbench) handle(op access.Op, fn func(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error)) http.HandlerFunc {
	return w.handleBody(op, 64<<10, false, fn)
}

// handleBody is handle of a page whose form's body may be up to limit
// bytes, and, with files, a form that sends files (multipart/form-data,
// held in memory: they are within limit).
func (w *workbench) handleBody(op access.Op, limit int64, files bool, fn func(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error)) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		_, sess := w.session(r)
		if sess == nil {
			http.Redirect(rw, r, "/login", http.StatusSeeOther)
			return
		}
		r.Body = http.MaxBytesReader(rw, r.Body, limit)
		if r.Method == http.MethodPost {
			var err error
			if files {
				err = r.ParseMultipartForm(limit)
				if r.MultipartForm != nil {
					defer r.MultipartForm.RemoveAll()
				}
			} else {
				err = r.ParseForm()
			}
			if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
				size := fmt.Sprintf("%d KiB", limit>>10)
				if limit%(1<<20) == 0 {
					size = fmt.Sprintf("%d MiB", limit>>20)
				}
				w.render(rw, r, sess, page{name: "search", status: http.StatusRequestEntityTooLarge, data: w.searchForm(nil)},
					"the form is larger than "+size+": send less at once")
				return
			}
			if err != nil || !validCSRF(r, sess) {
				w.render(rw, r, sess, page{name: "search", status: http.StatusForbidden, data: w.searchForm(nil)}, "the form has expired: load the page again")
				return
			}
		}
		c := &caller{principal: sess.principal, purpose: sess.purpose}
		status := http.StatusOK
		defer func() {
			w.s.access.add(audit.Entry{Actor: audit.ActorPrincipal + c.principal.ID, Action: "request", Entities: c.entities,
				Detail: r.Method + " " + routeOf(r) + " " + fmt.Sprint(status) + purposeDetail(c.purpose)})
		}()
		if !w.s.opt.Policy.Can(c.principal, op) {
			status = http.StatusForbidden
			w.render(rw, r, sess, page{name: "search", status: status, data: w.searchForm(nil)}, fmt.Sprintf("%s may not %s", c.principal.ID, op))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), w.s.opt.Timeout)
		defer cancel()
		p, err := fn(ctx, r, c, w.s.opt.Policy.View(c.principal, c.purpose))
		msg := ""
		if err != nil {
			status, msg = http.StatusInternalServerError, "internal error"
			var se huma.StatusError
			if errors.As(w.s.fail(err), &se) {
				status, msg = se.GetStatus(), se.Error()
			}
			if p.name == "" { // a page that failed before it had anything to show
				p = page{name: "search", data: w.searchForm(nil)}
			}
		}
		if p.status == 0 {
			p.status = status
		}
		status = p.status
		if d := p.download; d != nil && err == nil {
			headers(rw)
			rw.Header().Set("Content-Type", d.contentType)
			rw.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.name}))
			rw.WriteHeader(status)
			rw.Write(d.body)
			return
		}
		w.render(rw, r, sess, p, msg)
	}
}

func (w *workbench) render(rw http.ResponseWriter, r *http.Request, s *session, p page, errMsg string) {
	headers(rw)
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	d := pageData{Data: p.data, Error: errMsg}
	if s != nil {
		d.Principal, d.Purpose, d.CSRF = s.principal.ID, s.purpose, s.csrf
		d.NeedPurpose = s.purpose == "" && s.principal.Clearance != ""
	}
	if p.status == 0 {
		p.status = http.StatusOK
	}
	rw.WriteHeader(p.status)
	if err := w.pages[p.name].ExecuteTemplate(rw, "layout", d); err != nil {
		w.s.log.Error("workbench page", "page", p.name, "err", err)
	}
}

// Search.

type searchField struct {
	Name  string
	Kind  record.Kind
	Value string
}

type searchData struct {
	Fields     []searchField
	Kind       string
	Asked      bool
	Candidates []live.Candidate
	Rejected   []uploadError
}

// searchForm is the search form of the config's features, filled from q.
func (w *workbench) searchForm(q map[string][]string) *searchData {
	d := &searchData{}
	for name, kind := range w.s.opt.Kinds {
		val := ""
		if vs := q["f."+name]; len(vs) > 0 {
			val = strings.TrimSpace(vs[0])
		}
		d.Fields = append(d.Fields, searchField{Name: name, Kind: kind, Value: val})
	}
	slices.SortFunc(d.Fields, func(a, b searchField) int { return strings.Compare(a.Name, b.Name) })
	if len(d.Fields) > 50 {
		d.Fields = d.Fields[:50]
	}
	return d
}

func (w *workbench) search(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	q := r.URL.Query()
	d := w.searchForm(q)
	p := page{name: "search", data: d}
	if k := q.Get("kind"); k == "person" || k == "organization" {
		d.Kind = k
	}
	in := &matchIn{}
	in.Body.Kind = record.EntityKind(d.Kind)
	in.Body.Features = map[string][]string{}
	for _, f := range d.Fields {
		if f.Value != "" {
			in.Body.Features[f.Name] = []string{f.Value}
		}
	}
	if len(in.Body.Features) == 0 {
		return p, nil
	}
	d.Asked = true
	if !w.s.opt.Policy.Can(c.principal, access.OpMatch) {
		return p, huma.Error403Forbidden(fmt.Sprintf("principal %s may not %s", c.principal.ID, access.OpMatch))
	}
	query, err := w.s.query(in, &d.Rejected)
	if err != nil {
		return p, err
	}
	if d.Candidates, err = w.s.l.Match(ctx, query, v, 20); err != nil {
		return p, err
	}
	for _, cand := range d.Candidates {
		c.touched(cand.Entity)
	}
	return p, nil
}

// Entity.

// maxEntityRecords bounds the records (and lineage entries) an entity page
// shows; a larger entity shows the first ones, and not how it formed.
const maxEntityRecords = 500

type entityData struct {
	ID        record.EntityID
	Total     int // records the reader may see, shown or not
	Records   []live.StoredRecord
	Sources   []sourceGroup
	Lineage   []record.Event
	How       *explain.How
	Graph     *graph
	CanDecide bool
	Done      string // what a change just did
}

// networkPage is an entity's page of relationships.
type networkPage struct {
	ID      record.EntityID
	Network networkView
	Graph   *graph
}

// networkExport serves the network around an entity (two hops, at most
// DefaultNodes entities) as GraphML or GEXF, to open in Gephi, Cytoscape
// or yEd; a network still being built is a 503 that says so.
func (w *workbench) networkExport(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	id := record.EntityID(r.PathValue("id"))
	format, _ := strings.CutPrefix(r.PathValue("file"), "network.")
	if format != relate.FormatGraphML && format != relate.FormatGEXF {
		return page{}, huma.Error404NotFound("no such export: want network.graphml or network.gexf")
	}
	if _, err := w.s.l.Entity(ctx, id, v); err != nil {
		return page{}, err
	}
	c.touched(id)
	g, _, ok := w.s.l.NetworkIfBuilt(ctx, v)
	if !ok {
		return page{}, huma.Error503ServiceUnavailable("the network is being built: try again in a while")
	}
	n, err := g.Neighbours(id, relate.DefaultDepth, relate.DefaultNodes, relate.Filter{})
	if err != nil {
		return page{}, err
	}
	var buf bytes.Buffer
	if err := relate.Write(&buf, n, format); err != nil {
		return page{}, err
	}
	return page{download: &download{name: string(id) + "-network." + format, contentType: relate.ContentTypes[format], body: buf.Bytes()}}, nil
}

// maxNetworkDrawn bounds the neighbours a network page draws.
const maxNetworkDrawn = 40

// networkGraph draws an entity among its neighbours: it in the middle,
// each neighbour on a circle around it (the strongest first, at most
// maxNetworkDrawn), one line to each for all the edges between them —
// solid for a disclosed relationship, dashed for a shared identifier,
// dotted for a pair in review; thicker is stronger.
func networkGraph(id record.EntityID, edges []networkEdgeView) *graph {
	type tie struct {
		other        record.EntityID
		name         string
		weight       float64
		disclosed    bool
		review       bool
		descriptions []string
	}
	var ties []*tie
	byOther := map[record.EntityID]*tie{}
	for _, e := range edges {
		t, ok := byOther[e.Other]
		if !ok {
			t = &tie{other: e.Other, name: e.OtherName}
			byOther[e.Other] = t
			ties = append(ties, t)
		}
		t.weight = max(t.weight, e.Weight)
		t.disclosed = t.disclosed || e.Arrow != "—"
		t.review = t.review || e.Type == relate.PossiblySame
		t.descriptions = append(t.descriptions, fmt.Sprintf("%s %s (%.2f)", e.Arrow, e.Type, e.Weight))
	}
	if len(ties) == 0 {
		return nil
	}
	slices.SortStableFunc(ties, func(a, b *tie) int { return cmp.Compare(b.weight, a.weight) })
	ties = ties[:min(len(ties), maxNetworkDrawn)]
	const size, radius = 520, 200
	g := &graph{Size: size, Nodes: []graphNode{{X: size / 2, Y: size / 2, TX: size/2 + 12, TY: size/2 + 4, Label: string(id)}}}
	for i, t := range ties {
		label := string(t.other)
		if t.name != "" {
			label = t.name
		}
		n := onCircle(i, len(ties), size, radius, label)
		g.Nodes = append(g.Nodes, n)
		class := "s" + fmt.Sprint(min(1+int(t.weight*4), 4))
		switch {
		case t.disclosed:
			class += " strong"
		case t.review:
			class += " review"
		default:
			class += " shared"
		}
		g.Edges = append(g.Edges, graphEdge{X1: size / 2, Y1: size / 2, X2: n.X, Y2: n.Y, Class: class,
			Label: string(t.other) + ": " + strings.Join(t.descriptions, ", ")})
	}
	return g
}

// network is the page of an entity's edges in the network: its
// relationships, shared identifiers and pairs in review with other
// entities. A network not built yet is built in the background while the
// page says so.
func (w *workbench) network(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	id := record.EntityID(r.PathValue("id"))
	if _, err := w.s.l.Entity(ctx, id, v); err != nil {
		return page{}, err // not found for a reader who may see none of its records
	}
	c.touched(id)
	n, err := w.entityNetwork(ctx, id, v)
	if err != nil {
		return page{}, err
	}
	return page{name: "network", data: &networkPage{ID: id, Network: n, Graph: networkGraph(id, n.Edges)}}, nil
}

// networkView is the entity's edges in the network its reader sees: its
// relationships, the identifiers it shares, the entities it may be.
type networkView struct {
	Ready bool  // the network is built (else it is being built)
	AsOf  int64 // the audit sequence it is as of
	Found bool  // the entity is in it (it may be newer than the network)
	Edges []networkEdgeView
	More  int // edges not shown
}

type networkEdgeView struct {
	Type      string
	Arrow     string // → it states the relation, ← the other does, — neither
	Other     record.EntityID
	OtherName string
	Weight    float64
	Evidence  []string
}

// maxEntityEdges bounds the edges an entity page lists.
const maxEntityEdges = 100

// entityNetwork reads the entity's edges, without waiting for a network
// being built.
func (w *workbench) entityNetwork(ctx context.Context, id record.EntityID, v access.View) (networkView, error) {
	g, seq, ok := w.s.l.NetworkIfBuilt(ctx, v)
	out := networkView{Ready: ok, AsOf: seq}
	if !ok {
		return out, nil
	}
	edges, more, err := g.EdgesOf(id, maxEntityEdges, relate.Filter{})
	if errors.Is(err, relate.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.Found, out.More = true, more
	for _, e := range edges {
		ev := networkEdgeView{Type: e.Type, Arrow: "—", Other: e.To, Weight: e.Weight}
		if e.To == id {
			ev.Other = e.From
		}
		if e.Directed {
			ev.Arrow = "→"
			if e.To == id {
				ev.Arrow = "←"
			}
		}
		if n, ok := g.Node(ev.Other); ok {
			ev.OtherName = n.Name
		}
		for i, x := range e.Evidence {
			if i == 3 {
				ev.Evidence = append(ev.Evidence, fmt.Sprintf("and %d more", len(e.Evidence)-3))
				break
			}
			ev.Evidence = append(ev.Evidence, x.Text())
		}
		out.Edges = append(out.Edges, ev)
	}
	return out, nil
}

// graph is an entity's records and the links and decisions between them,
// laid out on a circle, as SVG coordinates.
type graph struct {
	Size  int
	Nodes []graphNode
	Edges []graphEdge
}

type graphNode struct {
	X, Y, TX, TY int
	Label        string
}

// onCircle places node i of n, labelled, on a circle of radius about the
// middle of a drawing of size, its label beside it.
func onCircle(i, n, size, radius int, label string) graphNode {
	a := 2 * math.Pi * float64(i) / float64(n)
	x, y := size/2+int(float64(radius)*math.Cos(a)), size/2+int(float64(radius)*math.Sin(a))
	return graphNode{X: x, Y: y, TX: x + 12, TY: y + 4, Label: label}
}

type graphEdge struct {
	X1, Y1, X2, Y2 int
	Class, Label   string
}

// maxGraph bounds the records an entity's graph draws.
const maxGraph = 60

// keysOf returns the keys of records.
func keysOf(recs []live.StoredRecord) []record.Key {
	keys := make([]record.Key, len(recs))
	for i, sr := range recs {
		keys[i] = sr.Record.Key
	}
	return keys
}

// graphOf lays out an entity's records with their links (thicker as
// they are stronger; strong at or above matchW), reviewers' decisions, and
// the pairs among them in review (conflicts, ambiguities): each pair once,
// a decision before a review before a link.
func graphOf(recs []live.StoredRecord, decisions []record.Decision, reviews []record.Review, matchW float64) *graph {
	if len(recs) < 2 || len(recs) > maxGraph {
		return nil
	}
	const size, radius = 520, 190
	g := &graph{Size: size}
	at := map[record.Key]int{}
	for i, sr := range recs {
		at[sr.Record.Key] = i
		g.Nodes = append(g.Nodes, onCircle(i, len(recs), size, radius, sr.Record.Key.String()))
	}
	seen := map[record.Pair]bool{}
	edge := func(a, b record.Key, class, label string) {
		i, okA := at[a]
		j, okB := at[b]
		p := record.NewPair(a, b)
		if !okA || !okB || seen[p] {
			return
		}
		seen[p] = true
		g.Edges = append(g.Edges, graphEdge{X1: g.Nodes[i].X, Y1: g.Nodes[i].Y, X2: g.Nodes[j].X, Y2: g.Nodes[j].Y, Class: class, Label: label})
	}
	for _, d := range decisions {
		if d.Verdict == record.VerdictSame || d.Verdict == record.VerdictDifferent {
			edge(d.A, d.B, string(d.Verdict)+" s2", fmt.Sprintf("%s · %s: decided %s by %s", d.A, d.B, d.Verdict, d.Reviewer))
		}
	}
	for _, rv := range reviews {
		edge(rv.A, rv.B, "review s2", fmt.Sprintf("%s · %s: in review (%s), %.1f bits", rv.A, rv.B, rv.Reason, rv.Weight))
	}
	for _, sr := range recs {
		for _, l := range sr.Links {
			class := "s" + fmt.Sprint(min(1+int(l.Weight/8), 4))
			if l.Weight >= matchW {
				class += " strong"
			}
			edge(l.A, l.B, class, fmt.Sprintf("%s · %s: %.1f bits", l.A, l.B, l.Weight))
		}
	}
	return g
}

type sourceGroup struct {
	Name    string
	Records []recordView
}

type recordView struct {
	Key      record.Key
	Kind     record.EntityKind
	Rejects  []store.Reject // its values that could not be used, and its row's
	Features []featureView
	Links    []linkView
}

type featureView struct{ Name, Values string }

type linkView struct {
	A, B, Other record.Key
	Weight      float64
}

func (w *workbench) entity(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	id := record.EntityID(r.PathValue("id"))
	ev, err := w.s.l.Entity(ctx, id, v)
	if err != nil {
		return page{}, err
	}
	c.touched(id)
	d := &entityData{ID: ev.ID, Records: ev.Records, Total: len(ev.Records), Lineage: ev.Lineage, CanDecide: w.s.opt.Policy.Can(c.principal, access.OpDecide)}
	if len(d.Records) > maxEntityRecords {
		d.Records = d.Records[:maxEntityRecords]
	}
	if len(ev.Lineage) > maxEntityRecords {
		d.Lineage = ev.Lineage[len(ev.Lineage)-maxEntityRecords:]
	}
	if d.Total <= maxEntityRecords {
		how, err := w.s.l.How(ctx, id, v)
		switch {
		case err == nil:
			d.How = &how
		case !errors.Is(err, store.ErrNotFound):
			return page{}, err
		}
	}
	if len(ev.Records) <= maxGraph {
		keys := keysOf(ev.Records)
		decisions, err := w.s.l.DecisionsAbout(ctx, keys, v)
		if err != nil {
			return page{}, err
		}
		reviews, err := w.s.l.ReviewsAmong(ctx, keys, v)
		if err != nil {
			return page{}, err
		}
		d.Graph = graphOf(ev.Records, decisions, reviews, model.Logit(w.s.l.Model().Thresholds.Match))
	}
	rejects, err := w.s.l.Rejects(ctx, keysOf(d.Records), v)
	if err != nil {
		return page{}, err
	}
	rejectsOf := map[record.Key][]store.Reject{}
	for _, rj := range rejects {
		k := record.Key{Source: rj.Source, ID: rj.ID}
		rejectsOf[k] = append(rejectsOf[k], rj)
	}
	bySource := map[string]int{}
	for _, sr := range d.Records {
		rv := recordView{Key: sr.Record.Key, Kind: sr.Record.Kind, Rejects: rejectsOf[sr.Record.Key]}
		for _, f := range sr.Record.Features {
			rv.Features = append(rv.Features, featureView{Name: f.Name, Values: strings.Join(f.Raw, "; ")})
		}
		for _, l := range sr.Links {
			other := l.A
			if other == sr.Record.Key {
				other = l.B
			}
			if v.Record(other) {
				rv.Links = append(rv.Links, linkView{A: sr.Record.Key, B: other, Other: other, Weight: l.Weight})
			}
		}
		i, ok := bySource[rv.Key.Source]
		if !ok {
			i = len(d.Sources)
			bySource[rv.Key.Source] = i
			d.Sources = append(d.Sources, sourceGroup{Name: rv.Key.Source})
		}
		d.Sources[i].Records = append(d.Sources[i].Records, rv)
	}
	return page{name: "entity", data: d}, nil
}

// Pair.

func (w *workbench) pair(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	a, err := parseKey(r.URL.Query().Get("a"))
	if err != nil {
		return page{}, err
	}
	b, err := parseKey(r.URL.Query().Get("b"))
	if err != nil {
		return page{}, err
	}
	wf, err := w.s.l.ExplainPair(ctx, a, b, v)
	if err != nil {
		return page{}, err
	}
	return page{name: "pair", data: wf}, nil
}

func (w *workbench) whyNot(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	q := r.URL.Query()
	a, b := record.EntityID(strings.TrimSpace(q.Get("a"))), record.EntityID(strings.TrimSpace(q.Get("b")))
	wn, err := w.s.l.WhyNot(ctx, a, b, v)
	if err != nil {
		return page{}, err
	}
	c.touched(a, b)
	return page{name: "whynot", data: wn}, nil
}

// Model.

type modelData struct {
	Prior, PriorWeight, MatchWeight, ReviewWeight float64
	Match, Review                                 float64
	Blocking                                      []ruleView
	Comparisons                                   []comparisonView
	Histogram                                     histogram
	Learned                                       []learnedView
	Verdicts                                      []verdictBand
}

// verdictBand is a band of the model's probabilities and the verdicts
// reviewers gave the pairs it scores in the band: a calibration check
// with the reviewers' verdicts as labels.
type verdictBand struct {
	From, To                float64
	Same, Different, Unsure int
	Review                  bool // the band lies in the review band
}

// SameShare is the share of the band's pairs reviewers judged the same
// of those they judged the same or different, in per cent ("—" without
// any).
func (b verdictBand) SameShare() string {
	if b.Same+b.Different == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(b.Same)/float64(b.Same+b.Different))
}

// verdictEdges are the probabilities that bound the verdict bands; the
// review and match thresholds are added to them.
var verdictEdges = []float64{0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1}

// verdictBands counts the verdicts of labelled pairs by the band of the
// model's probabilities each falls in (the last band holds 1), bands
// bounded by verdictEdges and the thresholds; bands no pair falls in
// are left out.
func verdictBands(pairs []live.LabelledPair, review, match float64) []verdictBand {
	edges := append(slices.Clone(verdictEdges), review, match)
	slices.Sort(edges)
	edges = slices.Compact(edges)
	bands := make([]verdictBand, len(edges)-1)
	for i := range bands {
		bands[i] = verdictBand{From: edges[i], To: edges[i+1], Review: edges[i] >= review && edges[i+1] <= match}
	}
	for _, p := range pairs {
		pr := model.Probability(p.Weight)
		i, found := slices.BinarySearch(edges, pr)
		if !found {
			i--
		}
		i = max(0, min(i, len(bands)-1))
		switch p.Verdict {
		case record.VerdictSame:
			bands[i].Same++
		case record.VerdictDifferent:
			bands[i].Different++
		default:
			bands[i].Unsure++
		}
	}
	return slices.DeleteFunc(bands, func(b verdictBand) bool { return b.Same+b.Different+b.Unsure == 0 })
}

// learnedView is what training found in a source's values and reads them
// by, in batch and in real time: the order of day and month of a date
// field, names read as party names, a field read as another's feature, a
// value read as missing.
type learnedView struct {
	Source, Field, What string
}

// learned returns what m found in the sources v shows (a source's name
// is no one else's to see), in m's order.
func learned(m *model.Model, v access.View) []learnedView {
	var out []learnedView
	for _, o := range m.DateOrders {
		if order, ok := normalize.DateOrderNamed(o.Order); ok && v.Source(o.Source) {
			shown, other := order.Shown(o.DayFirst, o.MonthFirst)
			out = append(out, learnedView{o.Source, o.Field, fmt.Sprintf("dates both orders of day and month read (03/08/1999) are read %s: %d of its dates could only be read so, %d only the other way",
				order.Words(), shown, other)})
		}
	}
	for _, p := range m.PartyNames {
		if v.Source(p.Source) {
			out = append(out, learnedView{p.Source, p.Field, fmt.Sprintf("names typed as people's are read as party names, people's or organisations': %d of the %d records with one read first were an organisation's", p.Organisations, p.Records)})
		}
	}
	for _, j := range m.NameJoins {
		if v.Source(j.Source) {
			out = append(out, learnedView{j.Source, strings.Join(j.Fields, ", "), fmt.Sprintf("fields typed name that hold the parts of one name are read as one field, %s, their values joined in this order: of the first %d rows holding one, known given names in %s of their values", j.As, j.Rows, j.GivenShares())})
		}
	}
	for _, u := range m.NameUnions {
		if v.Source(u.Source) {
			out = append(out, learnedView{u.Source, strings.Join(u.Fields, ", "), fmt.Sprintf("fields of names no row writes two of are read as one field, %s, typed %s: of the first %d rows holding one, %d held two", u.As, u.Kind, u.Rows, u.Together)})
		}
	}
	for _, a := range m.Aliases {
		if !v.Source(a.Source) {
			continue
		}
		holder := "another source"
		if v.Source(a.With) {
			holder = "source " + a.With
		}
		read := "its values are read as feature %s"
		if a.Adds {
			read = "its values are added to those of its feature %s"
		}
		out = append(out, learnedView{a.Source, a.Field, fmt.Sprintf(read+": %s holds %d of them under that name", a.As, holder, a.Shared)})
	}
	for _, p := range m.Placeholders {
		if v.Source(p.Source) {
			out = append(out, learnedView{p.Source, p.Feature, fmt.Sprintf("a value held by %d records of %d names is read as missing: a placeholder written for none", p.Records, p.Names)})
		}
	}
	return out
}

// ruleView is a blocking rule with the candidate pairs it found when the
// model was trained.
type ruleView struct {
	Rule    string
	Pairs   int64
	Trained bool   // the model's training ran it
	Note    string // why training did not estimate from it, when it did not
}

// histogram draws the stored pairs by match weight: one bar per whole
// bit, links and pairs in review stacked, heights on a log scale (the few
// pairs in review beside thousands of links would not show on a linear
// one), with the review and match thresholds as lines.
type histogram struct {
	Width, Height   int
	Bars            []histBar
	Bins            []live.WeightBin
	ReviewX, MatchX float64
	Links, Reviews  int64
	Ticks           []histTick // bits marked under the bars
	ViewHeight      int        // the bars' height and the ticks' row
}

type histTick struct {
	X    float64
	Bits int
}

type histBar struct {
	X, W             float64
	LinkY, LinkH     float64
	ReviewY, ReviewH float64
	Title            string
}

// newHistogram lays bins out over width × height, from the lowest bin (or
// the review threshold) to the highest (or the match threshold).
func newHistogram(bins []live.WeightBin, reviewW, matchW float64) histogram {
	h := histogram{Width: 640, Height: 180, Bins: bins}
	if len(bins) == 0 {
		return h
	}
	lo := min(bins[0].Bits, int(math.Floor(reviewW))-1)
	hi := max(bins[len(bins)-1].Bits, int(math.Ceil(matchW))) + 1
	step := float64(h.Width) / float64(hi-lo)
	height := func(n int64) float64 { return math.Log1p(float64(n)) }
	top := 0.0
	for _, b := range bins {
		top = max(top, height(b.Links+b.Reviews))
		h.Links += b.Links
		h.Reviews += b.Reviews
	}
	scale := float64(h.Height) / top
	for _, b := range bins {
		all := height(b.Links+b.Reviews) * scale
		links := all * float64(b.Links) / float64(b.Links+b.Reviews)
		x := float64(b.Bits-lo) * step
		h.Bars = append(h.Bars, histBar{X: x, W: max(step-1, 1),
			ReviewY: float64(h.Height) - all, ReviewH: all - links,
			LinkY: float64(h.Height) - links, LinkH: links,
			Title: fmt.Sprintf("%d to %d bits: %d links, %d in review", b.Bits, b.Bits+1, b.Links, b.Reviews)})
	}
	h.ReviewX, h.MatchX = (reviewW-float64(lo))*step, (matchW-float64(lo))*step
	every := max(1, (hi-lo)/10)
	every = []int{1, 2, 5, 10, 20, 50}[min(sort.SearchInts([]int{1, 2, 5, 10, 20, 50}, every), 5)]
	for b := lo + (every-lo%every)%every; b < hi; b += every {
		h.Ticks = append(h.Ticks, histTick{X: float64(b-lo) * step, Bits: b})
	}
	h.ViewHeight = h.Height + 16
	return h
}

type comparisonView struct {
	Name, Feature string
	Kind          record.Kind
	Levels        []levelView
	// FormsM, where the comparison weighs the legal forms of exact
	// matches of organisations' names, is m of forms that agree, and
	// Forms each form counted (and any other) with its u and weights.
	FormsM float64
	Forms  []formView
}

// formView is a legal form's u, and what two names that agree exactly add
// where both write it, or where it disagrees with a form no commoner
// (model.Comparison.FormsWeights).
type formView struct {
	Form            string // "" for any form not counted
	U               float64
	Agree, Disagree float64
}

type levelView struct {
	Label  string
	M, U   float64
	Weight float64
}

func (w *workbench) model(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	scorer := w.s.l.Scorer()
	m := scorer.Model
	d := &modelData{Prior: m.Prior, PriorWeight: model.Logit(m.Prior), Match: m.Thresholds.Match, Review: m.Thresholds.Review,
		MatchWeight: model.Logit(m.Thresholds.Match), ReviewWeight: model.Logit(m.Thresholds.Review)}
	sessions := map[string]model.Session{}
	if m.Training != nil {
		for _, se := range m.Training.Sessions {
			sessions[se.Rule] = se
		}
	}
	for _, rule := range m.Blocking {
		rv := ruleView{Rule: strings.Join(rule, " + ")}
		if br, err := block.ParseRule(rule); err == nil {
			if se, ok := sessions[br.String()]; ok {
				rv.Pairs, rv.Trained, rv.Note = se.Pairs, true, se.Skipped
			}
		}
		d.Blocking = append(d.Blocking, rv)
	}
	bins, err := w.s.l.WeightHistogram(ctx, v)
	if err != nil {
		return page{}, err
	}
	d.Histogram = newHistogram(bins, d.ReviewWeight, d.MatchWeight)
	for i, mc := range m.Comparisons {
		cv := comparisonView{Name: mc.Name, Feature: mc.Feature, Kind: mc.Kind}
		for _, l := range mc.Levels {
			cv.Levels = append(cv.Levels, levelView{Label: l.Label, M: l.M, U: l.U, Weight: math.Log2(l.M / l.U)})
		}
		if scorer.WeighsForms(i) {
			cv.FormsM = mc.MFormsAgree
			forms := slices.Sorted(maps.Keys(mc.UFormsAgreeOf))
			slices.SortStableFunc(forms, func(a, b string) int { return cmp.Compare(mc.UFormsAgreeOf[b], mc.UFormsAgreeOf[a]) })
			for _, f := range append(forms, "") {
				u := mc.FormsShare(f)
				agree, disagree := mc.FormsWeights(u)
				cv.Forms = append(cv.Forms, formView{Form: f, U: u, Agree: agree, Disagree: disagree})
			}
		}
		d.Comparisons = append(d.Comparisons, cv)
	}
	d.Learned = learned(m, v)
	labelled, err := w.s.l.LabelledPairs(ctx, v)
	if err != nil {
		return page{}, err
	}
	d.Verdicts = verdictBands(labelled, m.Thresholds.Review, m.Thresholds.Match)
	return page{name: "model", data: d}, nil
}

// Data quality.

type qualityData struct {
	Sources []sourceQuality
	Total   int64
	Rejects []store.RejectCount // by source, scope, field and class
	Backlog backlogChart
}

// backlogDays is how far back the data view draws the review backlog.
const backlogDays = 90

// backlogChart draws the pairs in review per day, a bar a day.
type backlogChart struct {
	Width, Height int
	Days          []live.BacklogDay
	Bars          []backlogBar
	Max           int64
}

type backlogBar struct {
	X, W, Y, H float64
	Title      string
}

func newBacklogChart(days []live.BacklogDay, now time.Time) backlogChart {
	c := backlogChart{Width: 640, Height: 120, Days: days}
	for _, d := range days {
		c.Max = max(c.Max, d.Pending)
	}
	first := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-backlogDays)
	step := float64(c.Width) / backlogDays
	for _, d := range days {
		h := 0.0
		if c.Max > 0 {
			h = float64(c.Height) * float64(d.Pending) / float64(c.Max)
		}
		x := float64(d.Day.Sub(first)/(24*time.Hour)) * step
		c.Bars = append(c.Bars, backlogBar{X: x, W: max(step-1, 1), Y: float64(c.Height) - h, H: h,
			Title: fmt.Sprintf("%s: %d pairs in review", d.Day.Format("2006-01-02"), d.Pending)})
	}
	return c
}

type sourceQuality struct {
	Name     string
	Records  int64
	Format   string
	Features []string
	Sampled  int // records read for Fill
	Fill     []featureFill
}

// featureFill is the share of a sample of a source's records that hold a
// value of a feature, as written and normalised.
type featureFill struct {
	Name        string
	Raw, Values int
	RawShare    float64
	ValueShare  float64
}

// quality is what the store holds per source the reader may see: its
// records, against the source's configured fields.
func (w *workbench) quality(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	counts, err := w.s.l.SourceCounts(ctx, v)
	if err != nil {
		return page{name: "quality", data: &qualityData{}}, err
	}
	d := &qualityData{}
	for name, n := range counts {
		sq := sourceQuality{Name: name, Records: n}
		if src, ok := w.s.sources[name]; ok {
			sq.Format = src.Format
			for _, f := range src.Fields {
				sq.Features = append(sq.Features, f.Name)
			}
		}
		d.Sources = append(d.Sources, sq)
		d.Total += n
	}
	slices.SortFunc(d.Sources, func(a, b sourceQuality) int { return strings.Compare(a.Name, b.Name) })
	names := make([]string, len(d.Sources))
	for i, sq := range d.Sources {
		names[i] = sq.Name
	}
	fills, err := w.s.l.FeatureFill(ctx, names, v)
	if err != nil {
		return page{}, err
	}
	for i := range d.Sources {
		sq := &d.Sources[i]
		f := fills[sq.Name]
		sq.Sampled = f.Sampled
		for _, name := range sq.Features {
			ff := featureFill{Name: name, Raw: f.Raw[name], Values: f.Values[name]}
			if f.Sampled > 0 {
				ff.RawShare, ff.ValueShare = float64(ff.Raw)/float64(f.Sampled), float64(ff.Values)/float64(f.Sampled)
			}
			sq.Fill = append(sq.Fill, ff)
		}
	}
	days, err := w.s.l.Backlog(ctx, backlogDays, v)
	if err != nil {
		return page{}, err
	}
	d.Backlog = newBacklogChart(days, time.Now())
	if d.Rejects, err = w.s.l.RejectCounts(ctx, v); err != nil {
		return page{}, err
	}
	slices.SortStableFunc(d.Rejects, func(a, b store.RejectCount) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), cmp.Compare(b.N, a.N))
	})
	return page{name: "quality", data: d}, nil
}

// Audit.

type auditData struct {
	Actor    string
	Entries  []live.AuditEntry
	Next     int64
	Verified string
}

// auditPage is how many entries the audit page lists, and auditScan how
// many it reads at most to find them under a filter.
const (
	auditPage = 100
	auditScan = 20000
)

func (w *workbench) auditLog(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	q := r.URL.Query()
	d := &auditData{Actor: strings.TrimSpace(q.Get("actor"))}
	if len(d.Actor) > 200 {
		d.Actor = d.Actor[:200]
	}
	p := page{name: "audit", data: d}
	if q.Get("verify") != "" {
		ver, err := w.s.l.VerifyAs(ctx, v)
		if err != nil {
			return p, err
		}
		d.Verified = fmt.Sprintf("The log's %d entries verify up to its head (%d), and the store agrees with them.", ver.Entries, ver.Head.Seq)
		if !ver.OK() {
			d.Verified = fmt.Sprintf("The log does NOT verify: %s %d problems with the store's state.", ver.Chain, len(ver.State))
		}
	}
	after := int64(0)
	fmt.Sscan(q.Get("after"), &after)
	for scanned := 0; len(d.Entries) < auditPage && scanned < auditScan; {
		es, err := w.s.l.AuditPage(ctx, v, after, 1000)
		if err != nil {
			return p, err
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			scanned++
			after = e.Seq
			if d.Actor == "" || strings.Contains(e.Actor, d.Actor) {
				d.Entries = append(d.Entries, e)
				if len(d.Entries) == auditPage {
					d.Next = e.Seq
					break
				}
			}
		}
	}
	return p, nil
}

// Review.

type reviewData struct {
	Items  []reviewItem
	Groups []reviewGroup // by record: the queue's pairs, grouped by the record they hold in doubt
	Done   string
	Order  string // "uncertain", "strongest" or "record"
	Apart  bool   // only the pairs whose records are in two entities
	Next   string // the cursor of the next page, in Order
}

// reviewGroup is a record the queue holds in doubt and its pairs in
// review, strongest first: the entities it may belong to, decided
// together (a payment that may be any of three customers of one name; a
// customer with the payments that may be theirs).
type reviewGroup struct {
	Record record.Key
	Items  []reviewItem
}

// reviewPage is how many pairs the review page lists.
const reviewPage = 100

// review lists the queue in pages: most uncertain first (the pairs whose
// weight is nearest even odds), strongest first, or by record in doubt
// (the first maxGroupScan pairs grouped, live.GroupReviews, a page of
// groups at a time); with apart, only the pairs whose records are in two
// entities.
func (w *workbench) review(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	q := r.URL.Query()
	d := &reviewData{Order: "uncertain"}
	if o := q.Get("order"); o == "strongest" || o == "record" {
		d.Order = o
	}
	d.Apart = q.Get("apart") != ""
	f := live.ReviewFilter{Apart: d.Apart, Uncertain: d.Order == "uncertain"}
	p := page{name: "review", data: d}
	cur := q.Get("after")
	if d.Order == "record" {
		groups, _, _, err := w.s.reviewGroupsAfter(ctx, v, f, cur)
		if err != nil {
			return p, err
		}
		if err := w.reviewGroups(ctx, v, d, groups); err != nil {
			return p, err
		}
		if n := len(d.Groups); n < len(groups) {
			d.Next = w.s.cursors.seal(groups[n-1].Key())
		}
		return p, nil
	}
	var after *record.Review
	if cur != "" {
		after = &record.Review{}
		if err := w.s.cursors.open(cur, after); err != nil {
			return p, err
		}
	}
	items, next, err := w.s.l.ReviewPage(ctx, v, f, after, reviewPage)
	if err != nil {
		return p, err
	}
	if next != nil {
		d.Next = w.s.cursors.seal(next)
	}
	return p, w.reviewItems(ctx, v, d, items)
}

// reviewItem is a pair of the queue, with its waterfall for the first
// reviewInline of a page (shown inline, the first one open); in a
// group, Other is the pair's record that is not the group's.
type reviewItem struct {
	record.Review
	Other     record.Key
	Waterfall *explain.Waterfall
	Open      bool
}

// reviewGroups puts into d the first groups whose pairs fill a review
// page (one group at least), the first reviewInline pairs with their
// waterfalls.
func (w *workbench) reviewGroups(ctx context.Context, v access.View, d *reviewData, groups []live.ReviewGroup) error {
	pairs := 0
	for _, lg := range groups {
		if pairs > 0 && pairs+len(lg.Pairs) > reviewPage {
			break
		}
		g := reviewGroup{Record: lg.Record}
		for _, r := range lg.Pairs[:min(len(lg.Pairs), reviewPage)] {
			g.Items = append(g.Items, reviewItem{Review: r, Other: lg.Other(r)})
		}
		for i := range g.Items {
			if pairs < reviewInline {
				if err := w.inlineWaterfall(ctx, v, &g.Items[i]); err != nil {
					return err
				}
			}
			pairs++
		}
		d.Groups = append(d.Groups, g)
	}
	return nil
}

// reviewInline is how many pairs of a review page carry their waterfall.
const reviewInline = 20

func (w *workbench) reviewItems(ctx context.Context, v access.View, d *reviewData, items []record.Review) error {
	for i, it := range items {
		ri := reviewItem{Review: it, Open: i == 0}
		if i < reviewInline {
			if err := w.inlineWaterfall(ctx, v, &ri); err != nil {
				return err
			}
		}
		d.Items = append(d.Items, ri)
	}
	return nil
}

// inlineWaterfall gives it its pair's waterfall, to show inline; a pair
// whose record was deleted meanwhile has none.
func (w *workbench) inlineWaterfall(ctx context.Context, v access.View, it *reviewItem) error {
	wf, err := w.s.l.ExplainPair(ctx, it.A, it.B, v)
	switch {
	case err == nil:
		it.Waterfall = &wf
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}

func (w *workbench) decide(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	a, errA := parseKey(r.PostForm.Get("a"))
	b, errB := parseKey(r.PostForm.Get("b"))
	if err := errors.Join(errA, errB); err != nil {
		return page{name: "review", data: &reviewData{}}, huma.Error422UnprocessableEntity("the pair is not source/id twice")
	}
	if !v.Record(a) || !v.Record(b) {
		return page{name: "review", data: &reviewData{}}, huma.Error404NotFound("not found")
	}
	verdict := record.Verdict(r.PostForm.Get("verdict"))
	ch, err := w.s.l.Decide(ctx, record.Decision{A: a, B: b, Verdict: verdict, Reviewer: c.principal.ID, Comment: r.PostForm.Get("comment")})
	if err != nil {
		return page{name: "review", data: &reviewData{}}, err
	}
	c.touched(ch.Entity)
	p, err := w.review(ctx, r, c, v)
	if err == nil {
		p.data.(*reviewData).Done = fmt.Sprintf("%s and %s: %s; %s is now in entity %s.", a, b, verdict, a, ch.Entity)
	}
	return p, err
}

// decideGroup records a reviewer's verdicts on the pairs of a group of
// the queue (reviewGroup), one form: a[i] and b[i] name pair i, verdict-i
// its verdict (none: left in the queue). Each verdict is a decision of its
// own, as if given pair by pair, cannot-links first, all stored in one
// transaction or none (live.DecideAll).
func (w *workbench) decideGroup(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	as, bs := r.PostForm["a"], r.PostForm["b"]
	bad := func(msg string) (page, error) {
		return page{name: "review", data: &reviewData{Order: "record"}}, huma.Error422UnprocessableEntity(msg)
	}
	if len(as) != len(bs) || len(as) == 0 || len(as) > reviewPage {
		return bad(fmt.Sprintf("a group is 1 to %d pairs, each a and b", reviewPage))
	}
	var ds []record.Decision
	for i := range as {
		verdict := record.Verdict(r.PostForm.Get(fmt.Sprintf("verdict-%d", i)))
		if verdict == "" {
			continue
		}
		a, errA := parseKey(as[i])
		b, errB := parseKey(bs[i])
		if err := errors.Join(errA, errB); err != nil {
			return bad("a pair is not source/id twice")
		}
		if !verdict.Valid() {
			return bad(fmt.Sprintf("verdict %q: want same, different or unsure", verdict))
		}
		if !v.Record(a) || !v.Record(b) {
			return page{name: "review", data: &reviewData{Order: "record"}}, huma.Error404NotFound("not found")
		}
		ds = append(ds, record.Decision{A: a, B: b, Verdict: verdict, Reviewer: c.principal.ID, Comment: r.PostForm.Get("comment")})
	}
	if len(ds) == 0 {
		return bad("no verdict given")
	}
	first := map[record.Verdict]int{record.VerdictDifferent: 0, record.VerdictUnsure: 1, record.VerdictSame: 2}
	slices.SortStableFunc(ds, func(x, y record.Decision) int { return cmp.Compare(first[x.Verdict], first[y.Verdict]) })
	chs, err := w.s.l.DecideAll(ctx, ds)
	if err != nil {
		return page{name: "review", data: &reviewData{Order: "record"}}, err
	}
	count := map[record.Verdict]int{}
	for i, ch := range chs {
		c.touched(ch.Entity)
		count[ds[i].Verdict]++
	}
	last := chs[len(chs)-1]
	// A "same" that earlier decisions keep from joining (a reviewer's
	// "different" between the two entities) is said so, not passed over.
	var apart []string
	for _, d := range ds {
		if d.Verdict != record.VerdictSame {
			continue
		}
		a, errA := w.s.l.Record(ctx, d.A, v)
		b, errB := w.s.l.Record(ctx, d.B, v)
		if err := errors.Join(errA, errB); err != nil {
			return page{name: "review", data: &reviewData{Order: "record"}}, err
		}
		if a.Entity != b.Entity {
			apart = append(apart, fmt.Sprintf("%s and %s", d.A, d.B))
		}
	}
	p, err := w.review(ctx, r, c, v)
	if err == nil {
		done := fmt.Sprintf("%d decided: %d same, %d different, %d unsure; %s is now in entity %s.",
			len(ds), count[record.VerdictSame], count[record.VerdictDifferent], count[record.VerdictUnsure], last.Record, last.Entity)
		if len(apart) > 0 {
			done += fmt.Sprintf(" Judged the same but kept apart by earlier decisions: %s.", strings.Join(apart, "; "))
		}
		p.data.(*reviewData).Done = done
	}
	return p, err
}

// maxVerdictFile bounds a file of verdicts sent from the review page.
const maxVerdictFile = 8 << 20

// maxQueueCSV bounds the pairs the review page's CSV lists.
const maxQueueCSV = 100_000

// reviewCSV is the review queue as the reader sees it, in the page's order
// (most uncertain or strongest first, or by record in doubt), as a CSV
// file to fill in (internal/reviewfile): the first maxQueueCSV pairs.
func (w *workbench) reviewCSV(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	q := r.URL.Query()
	order := q.Get("order")
	f := live.ReviewFilter{Apart: q.Get("apart") != "", Uncertain: order != "record" && order != "strongest"}
	items, _, err := w.s.l.ReviewPage(ctx, v, f, nil, maxQueueCSV)
	if err != nil {
		return page{}, err
	}
	var doubt []record.Key
	if order == "record" {
		items, doubt = live.ByRecordInDoubt(items)
	}
	var buf bytes.Buffer
	if err := reviewfile.Write(&buf, items, doubt); err != nil {
		return page{}, err
	}
	return page{download: &download{name: "review-queue.csv", contentType: "text/csv; charset=utf-8", body: buf.Bytes()}}, nil
}

// decideFile decides the verdicts of a file sent from the review page
// (reviewfile.Read): every row checked first, its records ones the reader
// sees (one it may not is not found, as anywhere), and nothing decided if
// any row cannot be; then by live.DecideMany, each decision audited
// alone.
func (w *workbench) decideFile(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	// A file refused shows the queue with the reason.
	failed := func(err error) (page, error) {
		p, perr := w.review(ctx, r, c, v)
		if perr != nil {
			p = page{name: "review", data: &reviewData{Order: "uncertain"}}
		}
		return p, err
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return failed(huma.Error422UnprocessableEntity("choose a file of verdicts: the queue's CSV with its verdict column filled in"))
	}
	defer f.Close()
	name := hdr.Filename
	if name = filepath.Base(name); len(name) > 100 || name == "." || name == "/" {
		name = "the file"
	}
	ds, left, err := reviewfile.Read(f, name, reviewfile.Options{Reviewer: c.principal.ID, Comment: r.PostForm.Get("comment"), CheckText: live.CheckReviewer,
		Stored: func(k record.Key) (bool, error) {
			if !v.Record(k) {
				return false, nil
			}
			_, err := w.s.l.Record(ctx, k, v)
			if errors.Is(err, store.ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		}})
	if bad := (*reviewfile.BadFile)(nil); errors.As(err, &bad) {
		return failed(huma.Error422UnprocessableEntity(bad.Error()))
	}
	if err != nil {
		return failed(err)
	}
	decisions := reviewfile.Decisions(ds)
	chs, err := w.s.l.DecideMany(ctx, decisions, nil)
	count := map[record.Verdict]int{}
	for i, ch := range chs {
		c.touched(ch.Entity)
		count[decisions[i].Verdict]++
	}
	decided := len(chs)
	if err != nil {
		if decided > 0 {
			err = fmt.Errorf("%s: the decisions from line %d (the %d before them are decided): %w", name, ds[decided].Line, decided, err)
		}
		return failed(err)
	}
	p, err := w.review(ctx, r, c, v)
	if err == nil {
		p.data.(*reviewData).Done = fmt.Sprintf("%s: %d decided: %d same, %d different, %d unsure; %d left in review.",
			name, decided, count[record.VerdictSame], count[record.VerdictDifferent], count[record.VerdictUnsure], left)
	}
	return p, err
}

// Merge and split.

func (w *workbench) split(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	id := record.EntityID(r.PathValue("id"))
	var part []record.Key
	for _, s := range r.PostForm["record"] {
		k, err := parseKey(s)
		if err != nil {
			return w.entityAfter(ctx, r, c, v, id, "")
		}
		part = append(part, k)
	}
	ch, err := w.s.l.SplitSeen(ctx, id, part, v, c.principal.ID, r.PostForm.Get("reason"))
	if err != nil {
		p, _ := w.entityAfter(ctx, r, c, v, id, "")
		return p, err
	}
	c.touched(id, ch.Entity)
	return w.entityAfter(ctx, r, c, v, id, fmt.Sprintf("Split: %d records taken out of %s.", len(part), id))
}

func (w *workbench) merge(ctx context.Context, r *http.Request, c *caller, v access.View) (page, error) {
	id := record.EntityID(r.PathValue("id"))
	with := record.EntityID(strings.TrimSpace(r.PostForm.Get("with")))
	ch, err := w.s.l.MergeSeen(ctx, id, with, v, c.principal.ID, r.PostForm.Get("reason"))
	if err != nil {
		p, _ := w.entityAfter(ctx, r, c, v, id, "")
		return p, err
	}
	c.touched(id, with, ch.Entity)
	r.SetPathValue("id", string(ch.Entity))
	return w.entityAfter(ctx, r, c, v, ch.Entity, fmt.Sprintf("Merged %s and %s into %s.", id, with, ch.Entity))
}

// entityAfter is the entity page after a change, with what it did.
func (w *workbench) entityAfter(ctx context.Context, r *http.Request, c *caller, v access.View, id record.EntityID, done string) (page, error) {
	r.SetPathValue("id", string(id))
	p, err := w.entity(ctx, r, c, v)
	if d, ok := p.data.(*entityData); ok {
		d.Done = done
	}
	return p, err
}
