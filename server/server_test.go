package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/explain"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/server"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/sqlite"
)

var update = flag.Bool("update", false, "write docs/openapi.json from the server")

// testModel links two records that agree on name or phone (p 0.82 for
// one agreement), and sends none to review.
func testModel() *model.Model {
	exact := func(feature string) model.Comparison {
		return model.Comparison{Name: feature, Feature: feature, Kind: record.KindText, Levels: []model.Level{
			{LevelSpec: compare.LevelSpec{Label: "exact", Method: compare.MethodExact}, M: 0.9, U: 0.001},
			{LevelSpec: compare.LevelSpec{Label: "else", Method: compare.MethodElse}, M: 0.5, U: 0.99},
		}}
	}
	return &model.Model{Version: model.Version, Prior: 0.01,
		Thresholds:  model.Thresholds{Match: 0.8, Review: 0.5},
		Blocking:    [][]string{{"name"}, {"phone"}},
		Comparisons: []model.Comparison{exact("name"), exact("phone")}}
}

// fixture is a server over an empty store with two sources — pub,
// unlabelled, and sec, restricted with its phone sensitive — and a
// principal of each kind, each with an API key.
type fixture struct {
	srv  *server.Server
	http *httptest.Server
	keys map[string]string // principal → API key
	l    *live.Live
	db   store.Store
	path string // the store's file
	opt  server.Options
}

func newFixture(t *testing.T) *fixture { return newFixtureWith(t, testModel()) }

// newFixtureWith is newFixture with the store's model m.
func newFixtureWith(t *testing.T, m *model.Model) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "concord.db")
	db, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := live.Open(context.Background(), db, live.Options{Model: m})
	if err != nil {
		t.Fatal(err)
	}
	fields := []config.Field{{Name: "name", Columns: []string{"name"}, Type: record.KindText}, {Name: "phone", Columns: []string{"phone"}, Type: record.KindText}}
	sources := []config.Source{
		{Name: "pub", Format: "ndjson", ID: "id", Fields: fields},
		{Name: "sec", Format: "ndjson", ID: "id", Label: "restricted", Sensitive: []string{"phone"}, Fields: fields},
	}
	policy, err := access.NewPolicy([]string{"restricted", "secret"}, map[string]access.Source{
		"pub": {}, "sec": {Label: "restricted", Sensitive: []string{"phone"}}})
	if err != nil {
		t.Fatal(err)
	}
	principals := []access.Principal{
		{ID: "svc", Roles: []access.Role{access.RoleWriter}},
		{ID: "ann", Roles: []access.Role{access.RoleViewer, access.RoleAnalyst, access.RoleReviewer}, Clearance: "restricted"},
		{ID: "out", Roles: []access.Role{access.RoleViewer, access.RoleAnalyst, access.RoleReviewer}},
		{ID: "adm", Roles: []access.Role{access.RoleAdmin}, Clearance: "secret"},
		{ID: "spiffe://concord/svc/ingest", Roles: []access.Role{access.RoleWriter}},
	}
	f := &fixture{keys: map[string]string{}, l: l, db: db, path: path}
	var lines []string
	for _, p := range principals[:4] {
		key, line := server.NewAPIKey(p.ID)
		f.keys[p.ID] = key
		lines = append(lines, line)
	}
	keys, err := server.ParseAPIKeys(strings.NewReader("# keys\n"+strings.Join(lines, "\n")+"\n"), "keys.txt")
	if err != nil {
		t.Fatal(err)
	}
	f.opt = server.Options{Policy: policy, Principals: principals, APIKeys: keys, Sources: sources,
		Kinds: map[string]record.Kind{"name": record.KindText, "phone": record.KindText}, Version: "test"}
	t.Cleanup(func() { db.Close() })
	f.start(t)
	return f
}

// second serves f.opt from another process over the same store: a Live
// and a server of its own.
func (f *fixture) second(t *testing.T) *httptest.Server {
	t.Helper()
	l2, err := live.Open(context.Background(), f.db, live.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv2, err := server.New(l2, f.opt)
	if err != nil {
		t.Fatal(err)
	}
	hs2 := httptest.NewServer(srv2.Handler())
	t.Cleanup(func() {
		hs2.Close()
		srv2.Close(context.Background())
	})
	return hs2
}

// start serves f.opt (again, after a test changed it).
func (f *fixture) start(t *testing.T) {
	t.Helper()
	srv, err := server.New(f.l, f.opt)
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.http = srv, httptest.NewServer(srv.Handler())
	hs := f.http
	t.Cleanup(func() {
		hs.Close()
		srv.Close(context.Background())
	})
}

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
}

// call makes a request as principal (none: no credentials) with a purpose.
func (f *fixture) call(t *testing.T, principal, purpose, method, path string, body any) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(f.request(context.Background(), principal, purpose, method, path, body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(data)}
}

// request is a request to the server as principal (none when ""),
// stating purpose, with body as JSON (none when nil).
func (f *fixture) request(ctx context.Context, principal, purpose, method, path string, body any) *http.Request {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequestWithContext(ctx, method, f.http.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if principal != "" {
		req.Header.Set("Authorization", "Bearer "+f.keys[principal])
	}
	if purpose != "" {
		req.Header.Set(server.PurposeHeader, purpose)
	}
	return req
}

func (f *fixture) put(t *testing.T, source, id, name, phone string) {
	t.Helper()
	if r := f.call(t, "svc", "", "PUT", "/v1/records/"+source+"/"+id, map[string]string{"name": name, "phone": phone}); r.status != 200 {
		t.Fatalf("put %s/%s: %d %s", source, id, r.status, r.body)
	}
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	if r := f.call(t, "", "", "GET", "/healthz", nil); r.status != 200 {
		t.Errorf("healthz: %d", r.status)
	}
	if r := f.call(t, "", "", "GET", "/readyz", nil); r.status != 200 {
		t.Errorf("readyz: %d", r.status)
	}
	for _, path := range []string{"/v1/whoami", "/v1/openapi.json", "/v1/records/pub/a", "/metrics"} {
		r := f.call(t, "", "", "GET", path, nil)
		if r.status != 401 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s without credentials: %d %s %s", path, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
	f.keys["forger"] = "ck_" + strings.Repeat("0", 64)
	if r := f.call(t, "forger", "", "GET", "/v1/whoami", nil); r.status != 401 {
		t.Errorf("an unknown key: %d", r.status)
	}
	r := f.call(t, "ann", "case 1", "GET", "/v1/whoami", nil)
	var who struct {
		Principal access.Principal
		Sees      []string
	}
	r.decode(t, &who)
	if r.status != 200 || who.Principal.ID != "ann" || strings.Join(who.Sees, ",") != "pub,sec" {
		t.Errorf("whoami: %d %s", r.status, r.body)
	}
	if r := f.call(t, "ann", "", "GET", "/v1/whoami", nil); !strings.Contains(r.body, `"sees":["pub"]`) {
		t.Errorf("whoami without a purpose: %s", r.body)
	}
	if r := f.call(t, "ann", strings.Repeat("p", 201), "GET", "/v1/whoami", nil); r.status != 400 {
		t.Errorf("a purpose too long: %d", r.status)
	}
	if r := f.call(t, "ann", "", "GET", "/metrics", nil); r.status != 403 {
		t.Errorf("metrics as a viewer: %d", r.status)
	}
	// Five requests proved no identity: four without credentials, one
	// with an unknown key.
	if r := f.call(t, "adm", "", "GET", "/metrics", nil); r.status != 200 || !strings.Contains(r.body, "concord_http_requests_total") ||
		!strings.Contains(r.body, "concord_auth_failures_total 5\n") {
		t.Errorf("metrics as admin: %d, failures %q", r.status, regexp.MustCompile(`concord_auth_failures_total .*`).FindString(r.body))
	}
}

// Each role may do what it grants and nothing else.
func TestRoles(t *testing.T) {
	f := newFixture(t)
	f.put(t, "pub", "a", "ann", "1")
	for _, tc := range []struct {
		principal, method, path string
		body                    any
		want                    int
	}{
		{"svc", "GET", "/v1/records/pub/a", nil, 403},
		{"ann", "PUT", "/v1/records/pub/b", map[string]string{"name": "x"}, 403},
		{"ann", "DELETE", "/v1/records/pub/a", nil, 403},
		{"adm", "POST", "/v1/match", map[string]any{"features": map[string][]string{"name": {"ann"}}}, 403},
		{"svc", "POST", "/v1/decisions", map[string]any{"a": "pub/a", "b": "pub/b", "verdict": "same"}, 403},
		{"ann", "GET", "/v1/audit", nil, 403},
		{"ann", "GET", "/v1/audit/verify", nil, 403},
		{"adm", "GET", "/v1/audit/verify", nil, 200},
		{"adm", "GET", "/v1/records/pub/a", nil, 200},
		{"ann", "POST", "/v1/match", map[string]any{"features": map[string][]string{"name": {"ann"}}}, 200},
		{"ann", "POST", "/v1/match", map[string]any{"features": map[string][]string{"colour": {"red"}}}, 422},
		{"svc", "PUT", "/v1/records/nosuch/a", map[string]string{"name": "x"}, 404},
		{"ann", "GET", "/v1/explain/pair?a=pub&b=pub/a", nil, 422},
		{"ann", "GET", "/v1/review?after=garbage", nil, 422},
		{"ann", "GET", "/v1/review?reason=nonsense", nil, 422},
		{"ann", "GET", "/v1/review?max_probability=2", nil, 422},
		{"ann", "GET", "/v1/review?limit=0", nil, 422},
		{"ann", "GET", "/v1/changes?limit=0", nil, 422},
		{"adm", "GET", "/v1/audit?limit=0", nil, 422},
		{"adm", "GET", "/v1/audit?limit=1001", nil, 422},
		{"ann", "GET", "/v1/review?reason=band&apart=true&source=pub&min_probability=0.5&max_probability=0.99", nil, 200},
	} {
		if r := f.call(t, tc.principal, "case", tc.method, tc.path, tc.body); r.status != tc.want {
			t.Errorf("%s %s %s: %d, want %d: %s", tc.principal, tc.method, tc.path, r.status, tc.want, r.body)
		}
	}
}

// Numbers in uploaded rows keep their digits, as in a source's NDJSON
// file: an id or a value of 20 digits is not read as a float (which kept
// 17 of them), by POST /v1/records or by PUT /v1/records/{source}/{id}.
func TestUploadNumbersKeepDigits(t *testing.T) {
	f := newFixture(t)
	const digits = "12345678901234567890"
	up := f.call(t, "svc", "", "POST", "/v1/records", map[string]any{"records": []map[string]any{
		{"source": "pub", "row": map[string]any{"id": json.Number(digits), "name": json.Number(digits), "phone": json.Number("1.50")}},
	}})
	if up.status != 200 || strings.Contains(up.body, "rejects") {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	if r := f.call(t, "svc", "", "PUT", "/v1/records/pub/p", map[string]any{"name": json.Number(digits), "phone": "111"}); r.status != 200 {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	for id, want := range map[string][2]string{digits: {digits, "1.50"}, "p": {digits, "111"}} {
		var rec live.StoredRecord
		r := f.call(t, "adm", "case 1", "GET", "/v1/records/pub/"+id, nil)
		if r.status != 200 {
			t.Fatalf("GET pub/%s: %d %s", id, r.status, r.body)
		}
		r.decode(t, &rec)
		name, phone := rec.Record.Feature("name"), rec.Record.Feature("phone")
		if !slices.Equal(name.Raw, want[:1]) || !slices.Equal(phone.Raw, want[1:]) {
			t.Errorf("pub/%s: name %q, phone %q; want %q", id, name.Raw, phone.Raw, want)
		}
	}
}

// The API end to end: writes, reads through views, screening, review,
// the change feed and the audit trail of it all.
func TestFlow(t *testing.T) {
	f := newFixture(t)
	// pub/a and sec/b share a name, sec/b and sec/c a phone: one entity.
	f.put(t, "pub", "a", "ann", "111")
	up := f.call(t, "svc", "", "POST", "/v1/records", map[string]any{"records": []map[string]any{
		{"source": "sec", "row": map[string]any{"id": "b", "name": "ann", "phone": "999222"}},
		{"source": "sec", "row": map[string]any{"id": "c", "name": "cyrus", "phone": "999222"}},
		{"source": "sec", "row": map[string]any{"name": "no id"}},
	}})
	var upload struct {
		Changes []struct{ Entity string }
		Rejects []struct {
			Index  int
			Reason string
		}
	}
	up.decode(t, &upload)
	if up.status != 200 || len(upload.Changes) != 2 || len(upload.Rejects) != 1 || upload.Rejects[0].Index != 2 {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	// svc writes sec without holding it: it learns nothing of sec's
	// entities.
	for _, ch := range upload.Changes {
		if ch.Entity != "" {
			t.Errorf("a writer whose view does not hold sec is told a sec record's entity: %s", up.body)
		}
	}
	var c live.StoredRecord
	f.call(t, "ann", "case 1", "GET", "/v1/records/sec/c", nil).decode(t, &c)
	entity := string(c.Entity)

	var ev live.EntityView
	f.call(t, "ann", "case 1", "GET", "/v1/entities/"+entity, nil).decode(t, &ev)
	if len(ev.Records) != 3 {
		t.Fatalf("cleared reader sees %d records of the entity", len(ev.Records))
	}
	for _, r := range ev.Records {
		if p := r.Record.Feature("phone"); r.Record.Key.Source == "sec" && p.Raw[0] != access.Mask {
			t.Errorf("sec phone shown to a reader below secret: %v", p.Raw)
		}
	}
	f.call(t, "ann", "", "GET", "/v1/entities/"+entity, nil).decode(t, &ev)
	if len(ev.Records) != 1 {
		t.Errorf("without a purpose the reader sees %d records, want pub's alone", len(ev.Records))
	}
	if r := f.call(t, "adm", "case 1", "GET", "/v1/records/sec/b", nil); !strings.Contains(r.body, "999222") {
		t.Errorf("admin (secret) does not see the phone: %s", r.body)
	}

	// Screening.
	var m struct{ Candidates []live.Candidate }
	f.call(t, "ann", "case 1", "POST", "/v1/match", map[string]any{"features": map[string][]string{"phone": {"999222"}}}).decode(t, &m)
	if len(m.Candidates) != 1 || m.Candidates[0].Entity != record.EntityID(entity) || len(m.Candidates[0].Explanation.Bars) == 0 {
		t.Errorf("match: %+v", m)
	}

	// Review: decide sec/b and pub/a apart, then split, then merge back.
	r := f.call(t, "ann", "case 1", "POST", "/v1/decisions", map[string]any{"a": "pub/a", "b": "sec/b", "verdict": "different", "comment": "two people"})
	if r.status != 200 {
		t.Fatalf("decide: %d %s", r.status, r.body)
	}
	var rec live.StoredRecord
	f.call(t, "ann", "case 1", "GET", "/v1/records/pub/a", nil).decode(t, &rec)
	if string(rec.Entity) == entity {
		// pub/a may keep the id: then sec/b moved.
		var b live.StoredRecord
		f.call(t, "ann", "case 1", "GET", "/v1/records/sec/b", nil).decode(t, &b)
		if b.Entity == rec.Entity {
			t.Fatal("a decision did not split the entity")
		}
	}
	if r := f.call(t, "out", "", "POST", "/v1/decisions", map[string]any{"a": "pub/a", "b": "sec/c", "verdict": "same"}); r.status != 404 {
		t.Errorf("a decision on a record the reviewer cannot see: %d", r.status)
	}
	// The queue's filters reach the queue: no pair has a record of a
	// source that does not exist, and the pairs kept as apart are.
	var queue struct{ Items []record.Review }
	f.call(t, "ann", "case 1", "GET", "/v1/review?source=nosuch", nil).decode(t, &queue)
	if len(queue.Items) != 0 {
		t.Errorf("review queue of a source that does not exist: %+v", queue.Items)
	}
	f.call(t, "ann", "case 1", "GET", "/v1/review?apart=true", nil).decode(t, &queue)
	for _, it := range queue.Items {
		var a, b live.StoredRecord
		f.call(t, "ann", "case 1", "GET", "/v1/records/"+it.A.String(), nil).decode(t, &a)
		f.call(t, "ann", "case 1", "GET", "/v1/records/"+it.B.String(), nil).decode(t, &b)
		if a.Entity == b.Entity {
			t.Errorf("review queue, apart: %v and %v are one entity", it.A, it.B)
		}
	}

	// The change feed: a waiting request wakes on the next change.
	done := make(chan response)
	var feed struct {
		Events []record.Event
		Next   int64
	}
	f.call(t, "ann", "case 1", "GET", "/v1/changes", nil).decode(t, &feed)
	if len(feed.Events) == 0 {
		t.Fatal("no events in the change feed")
	}
	go func() {
		done <- f.call(t, "ann", "case 1", "GET", fmt.Sprintf("/v1/changes?after=%d&wait=20", feed.Next), nil)
	}()
	time.Sleep(200 * time.Millisecond)
	f.put(t, "pub", "z", "zed", "777")
	select {
	case r := <-done:
		var more struct{ Events []record.Event }
		r.decode(t, &more)
		if len(more.Events) == 0 || more.Events[0].Seq <= feed.Next {
			t.Errorf("long poll: %s", r.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll did not wake on a change")
	}

	// The audit trail: every request is there, with its purpose, and the
	// log verifies.
	time.Sleep(300 * time.Millisecond) // one batch of the access log
	var log struct {
		Entries []struct{ Actor, Action, Detail string }
		Next    string
	}
	f.call(t, "adm", "", "GET", "/v1/audit?limit=1000", nil).decode(t, &log)
	var reads, writes int
	for _, e := range log.Entries {
		if e.Actor == "principal:ann" && e.Action == "request" && strings.Contains(e.Detail, "purpose=case 1") {
			reads++
		}
		if e.Actor == "principal:svc" && e.Action == "upsert" {
			writes++
		}
	}
	if reads < 5 || writes != 4 {
		t.Errorf("audit log: %d of ann's requests with their purpose, %d upserts by svc", reads, writes)
	}
	var page struct {
		Entries []struct{ Seq int64 }
		Next    string
	}
	f.call(t, "adm", "", "GET", "/v1/audit?limit=2", nil).decode(t, &page)
	var page2 struct{ Entries []struct{ Seq int64 } }
	f.call(t, "adm", "", "GET", "/v1/audit?limit=2&after="+page.Next, nil).decode(t, &page2)
	if len(page.Entries) != 2 || len(page2.Entries) != 2 || page2.Entries[0].Seq != page.Entries[1].Seq+1 {
		t.Errorf("audit pages: %+v then %+v", page, page2)
	}
	var v struct{ OK bool }
	vr := f.call(t, "adm", "", "GET", "/v1/audit/verify", nil)
	if vr.decode(t, &v); !v.OK {
		t.Errorf("verify: %s", vr.body)
	}
}

// Nothing of a source a principal may not read reaches it: not a value,
// not an id, not through any read endpoint.
func TestNoLeaks(t *testing.T) {
	f := newFixture(t)
	f.put(t, "pub", "a", "ann", "111")
	f.put(t, "sec", "b", "ann", "9q9q22")
	f.put(t, "sec", "c", "cyrus", "9q9q22")
	f.put(t, "sec", "d", "dora", "5x5y5")
	var all live.StoredRecord
	f.call(t, "adm", "x", "GET", "/v1/records/sec/d", nil).decode(t, &all)
	var a live.StoredRecord
	f.call(t, "adm", "x", "GET", "/v1/records/pub/a", nil).decode(t, &a)
	paths := []string{"/v1/records/sec/b", "/v1/records/pub/a", "/v1/entities/" + string(all.Entity), "/v1/entities/" + string(a.Entity),
		"/v1/entities/" + string(a.Entity) + "/how", "/v1/entities/" + string(all.Entity) + "/how",
		"/v1/explain/pair?a=pub/a&b=sec/b", "/v1/explain/why-not?a=" + string(a.Entity) + "&b=" + string(all.Entity),
		"/v1/review", "/v1/changes", "/v1/whoami"}
	for _, purpose := range []string{"", "case 1"} {
		for _, p := range paths {
			r := f.call(t, "out", purpose, "GET", p, nil)
			leak(t, p, r)
		}
		// Screening echoes the query's own values; no candidate nor any
		// value compared with it may come from sec.
		r := f.call(t, "out", purpose, "POST", "/v1/match", map[string]any{"features": map[string][]string{"name": {"cyrus", "dora"}, "phone": {"9q9q22", "5x5y5"}}})
		var m struct{ Candidates []live.Candidate }
		r.decode(t, &m)
		if r.status != 200 || len(m.Candidates) != 0 {
			t.Errorf("screening for sec's values finds %s", r.body)
		}
		r = f.call(t, "out", purpose, "POST", "/v1/match", map[string]any{"features": map[string][]string{"name": {"ann"}}})
		leak(t, "match", r)
		// Without a purpose, even a cleared reader sees nothing of sec.
		r = f.call(t, "ann", "", "GET", "/v1/records/sec/b", nil)
		if r.status != 404 {
			t.Errorf("sec/b without a purpose: %d", r.status)
		}
	}
	// A writer that does not hold sec writes it blind: its answers are
	// alike whether a record was there or not, and name no entity.
	there := f.call(t, "svc", "", "PUT", "/v1/records/sec/b", map[string]string{"name": "ann", "phone": "9q9q22"})
	absent := f.call(t, "svc", "", "PUT", "/v1/records/sec/e", map[string]string{"name": "eve", "phone": "7z7z7"})
	var thereCh, absentCh map[string]any
	there.decode(t, &thereCh)
	absent.decode(t, &absentCh)
	delete(thereCh, "record")
	delete(absentCh, "record")
	delete(thereCh, "audit")
	delete(absentCh, "audit")
	if there.status != 200 || absent.status != 200 || fmt.Sprint(thereCh) != fmt.Sprint(absentCh) {
		t.Errorf("blind writes: %d %s and %d %s", there.status, there.body, absent.status, absent.body)
	}
	for _, id := range []string{"b", "nosuch"} {
		if r := f.call(t, "svc", "", "DELETE", "/v1/records/sec/"+id, nil); r.status != 404 || !strings.Contains(r.body, `"not found"`) {
			t.Errorf("a blind writer deletes sec/%s: %d %s", id, r.status, r.body)
		}
	}
	if r := f.call(t, "adm", "x", "GET", "/v1/records/sec/b", nil); r.status != 200 {
		t.Errorf("sec/b after the blind writer's delete: %d", r.status)
	}
	if r := f.call(t, "svc", "", "DELETE", "/v1/records/pub/a", nil); r.status != 200 || !strings.Contains(r.body, `"previous"`) {
		t.Errorf("the writer deletes pub/a: %d %s", r.status, r.body)
	}
}

// leak fails when r shows a value, id or name of sec's records. The
// phone numbers hold letters no entity id (hexadecimal), time or weight
// can, so that none shows one by chance.
func leak(t *testing.T, what string, r response) {
	t.Helper()
	text := r.body + fmt.Sprint(r.header)
	for _, secret := range []string{`"sec"`, "sec/", "cyrus", "dora", "9q9q22", "5x5y5"} {
		if strings.Contains(text, secret) {
			t.Errorf("%s (%d) shows %q: %s", what, r.status, secret, r.body)
		}
	}
}

// docs/openapi.json is the document the server serves.
func TestOpenAPI(t *testing.T) {
	f := newFixture(t)
	r := f.call(t, "ann", "", "GET", "/v1/openapi.json", nil)
	if r.status != 200 || !strings.Contains(r.body, `"openapi":"3.1.0"`) {
		t.Fatalf("openapi: %d %.200s", r.status, r.body)
	}
	var doc any
	r.decode(t, &doc)
	served, _ := json.MarshalIndent(doc, "", "  ")
	served = append(served, '\n')
	path := filepath.Join("..", "docs", "openapi.json")
	if *update {
		if err := os.WriteFile(path, served, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./server -run TestOpenAPI -update)", err)
	}
	if !bytes.Equal(committed, served) {
		t.Error("docs/openapi.json differs from the document the server serves: run go test ./server -run TestOpenAPI -update")
	}
	for _, op := range []string{"/v1/records/{source}/{id}", "/v1/match", "/v1/changes", "/v1/review", "/v1/audit/verify", "/v1/entities/{id}/how"} {
		if !strings.Contains(string(served), `"`+op+`"`) {
			t.Errorf("the document lacks %s", op)
		}
	}
}

// The change feed as Server-Sent Events: past events, then each new one
// as it commits, as the reader's view lets it see them; a reconnecting
// client resumes after Last-Event-ID.
func TestChangeStream(t *testing.T) {
	f := newFixture(t)
	f.put(t, "pub", "a", "ann", "111")
	f.put(t, "sec", "b", "bob", "222")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func(principal, lastID string) (*bufio.Scanner, func()) {
		req, _ := http.NewRequestWithContext(ctx, "GET", f.http.URL+"/v1/changes/stream", nil)
		req.Header.Set("Authorization", "Bearer "+f.keys[principal])
		req.Header.Set(server.PurposeHeader, "case 1")
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return bufio.NewScanner(resp.Body), func() { resp.Body.Close() }
	}
	// next reads the next event: its id and data.
	next := func(sc *bufio.Scanner) (string, record.Event) {
		t.Helper()
		var id string
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				var e record.Event
				if err := json.Unmarshal([]byte(v), &e); err != nil {
					t.Fatalf("event data %s: %v", v, err)
				}
				return id, e
			}
		}
		t.Fatalf("the stream ended: %v", sc.Err())
		return "", record.Event{}
	}
	sc, closeStream := open("out", "")
	id, e := next(sc)
	if e.Record.Source != "pub" || id != fmt.Sprint(e.Seq) {
		t.Fatalf("first event for the outsider: id %s %+v", id, e)
	}
	f.put(t, "sec", "c", "cy", "333") // hidden from the outsider
	f.put(t, "pub", "d", "dan", "444")
	_, e = next(sc)
	if e.Record != (record.Key{Source: "pub", ID: "d"}) {
		t.Fatalf("next event for the outsider: %+v (sec's must not show)", e)
	}
	closeStream()
	sc, closeStream = open("ann", id)
	defer closeStream()
	_, e = next(sc)
	if e.Record != (record.Key{Source: "sec", ID: "b"}) {
		t.Errorf("resumed after %s: %+v, want sec/b's event", id, e)
	}
}

// A streaming upload: NDJSON rows in, each acknowledged (or rejected) as
// it commits, while the client is still sending.
func TestStreamUpload(t *testing.T) {
	f := newFixture(t)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", f.http.URL+"/v1/sources/pub/records", pr)
	req.Header.Set("Authorization", "Bearer "+f.keys["svc"])
	req.Header.Set("Content-Type", "application/x-ndjson")
	type answer struct {
		resp *http.Response
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		got <- answer{resp, err}
	}()
	fmt.Fprintln(pw, `{"id": "a", "name": "ann", "phone": "111"}`)
	a := <-got
	if a.err != nil || a.resp.StatusCode != 200 {
		t.Fatalf("stream: %v %v", a.resp, a.err)
	}
	defer a.resp.Body.Close()
	sc := bufio.NewScanner(a.resp.Body)
	line := func() map[string]json.RawMessage {
		t.Helper()
		if !sc.Scan() {
			t.Fatalf("the answer ended: %v", sc.Err())
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		return m
	}
	// The first row is acknowledged before the second is sent.
	if m := line(); m["change"] == nil || !strings.Contains(string(m["change"]), `"id":"a"`) {
		t.Fatalf("first acknowledgement: %v", m)
	}
	fmt.Fprintln(pw, `{"name": "no id"}`)
	fmt.Fprintln(pw, `{"id": "b", "name": "ann", "phone": "222"}`)
	pw.Close()
	var changes, rejects int
	for sc.Scan() {
		var m map[string]json.RawMessage
		json.Unmarshal(sc.Bytes(), &m)
		if m["change"] != nil {
			changes++
		}
		if m["reject"] != nil {
			rejects++
		}
	}
	if changes != 1 || rejects != 1 {
		t.Errorf("after the first: %d changes, %d rejects; want 1 and 1", changes, rejects)
	}
	if r := f.call(t, "ann", "", "GET", "/v1/records/pub/b", nil); r.status != 200 {
		t.Errorf("streamed record: %d", r.status)
	}
	if r := f.call(t, "ann", "", "POST", "/v1/sources/pub/records", nil); r.status != 403 {
		t.Errorf("a streaming upload by a viewer: %d", r.status)
	}
	if r := f.call(t, "svc", "", "POST", "/v1/sources/none/records", nil); r.status != 404 {
		t.Errorf("a streaming upload to no source: %d", r.status)
	}
}

// A reviewer decides about the records they may see, and no other: a
// split by a reviewer without clearance parts the visible records from
// each other and leaves a hidden member undecided; a merge is logged as
// one.
func TestSplitAndMergeSeen(t *testing.T) {
	f := newFixture(t)
	f.put(t, "pub", "p1", "lu", "555")
	f.put(t, "pub", "p2", "lu", "555")
	f.put(t, "sec", "s1", "lu", "555")
	var rec live.StoredRecord
	f.call(t, "adm", "case 2", "GET", "/v1/records/sec/s1", nil).decode(t, &rec)
	entity := string(rec.Entity)
	var ev live.EntityView
	if f.call(t, "adm", "case 2", "GET", "/v1/entities/"+entity, nil).decode(t, &ev); len(ev.Records) != 3 {
		t.Fatalf("the three records are %d in one entity", len(ev.Records))
	}
	if r := f.call(t, "out", "", "POST", "/v1/entities/"+entity+"/split", map[string]any{"records": []string{"pub/p2"}, "comment": "two people"}); r.status != 200 {
		t.Fatalf("split: %d %s", r.status, r.body)
	}
	ds, err := f.l.Decisions(context.Background(), access.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || record.NewPair(ds[0].A, ds[0].B) != record.NewPair(record.Key{Source: "pub", ID: "p1"}, record.Key{Source: "pub", ID: "p2"}) {
		t.Errorf("decisions after the split: %+v, want pub/p1 and pub/p2 apart alone", ds)
	}
	var p1, p2 live.StoredRecord
	f.call(t, "out", "", "GET", "/v1/records/pub/p1", nil).decode(t, &p1)
	f.call(t, "out", "", "GET", "/v1/records/pub/p2", nil).decode(t, &p2)
	if p1.Entity == p2.Entity {
		t.Fatal("the split did not part pub/p1 and pub/p2")
	}
	if r := f.call(t, "out", "", "POST", "/v1/merges", map[string]any{"a": p1.Entity, "b": p2.Entity, "comment": "one after all"}); r.status != 200 {
		t.Fatalf("merge: %d %s", r.status, r.body)
	}
	var log struct{ Entries []audit.Entry }
	f.call(t, "adm", "", "GET", "/v1/audit", nil).decode(t, &log)
	actions := map[string]int{}
	for _, e := range log.Entries {
		if e.Actor == audit.ActorReviewer+"out" {
			actions[e.Action]++
		}
	}
	if actions["split"] != 1 || actions["merge"] != 1 {
		t.Errorf("the reviewer's entries: %v, want a split and a merge", actions)
	}
}

// typedFixture is newFixture with the sources' name and phone fields, and
// the model's comparisons of them, of the kinds given.
func typedFixture(t *testing.T, name, phone config.Field) *fixture {
	t.Helper()
	m := testModel()
	m.Comparisons[0].Kind, m.Comparisons[1].Kind = name.Type, phone.Type
	f := newFixtureWith(t, m)
	f.http.Close()
	for i := range f.opt.Sources {
		f.opt.Sources[i].Fields = []config.Field{name, phone}
	}
	f.opt.Kinds["name"], f.opt.Kinds["phone"] = name.Type, phone.Type
	f.start(t)
	return f
}

// TestMatchSpellings checks that a screening query written with ä, ö or ü
// is asked in its other spelling too (normalize.Spelling), as a stored
// record's name is held: Jürgen Müller finds JUERGEN MUELLER exactly.
func TestMatchSpellings(t *testing.T) {
	f := typedFixture(t, config.Field{Name: "name", Columns: []string{"name"}, Type: record.KindName},
		config.Field{Name: "phone", Columns: []string{"phone"}, Type: record.KindText})
	f.put(t, "pub", "a", "JUERGEN MUELLER", "111")
	for _, q := range []string{"Jürgen Müller", "MÜLLER, Jürgen", "JURGEN MULLER"} {
		var res struct{ Candidates []live.Candidate }
		f.call(t, "ann", "case 1", "POST", "/v1/match", map[string]any{"features": map[string][]string{"name": {q}}}).decode(t, &res)
		found := len(res.Candidates) == 1 && slices.ContainsFunc(res.Candidates[0].Explanation.Bars,
			func(b explain.Bar) bool { return b.Name == "name" && b.Level == "exact" })
		if want := q != "JURGEN MULLER"; found != want {
			t.Errorf("match %q: found at exact %v, want %v: %+v", q, found, want, res.Candidates)
		}
	}
}

// TestMatchReadsAsItsSource: a query like a source's records reads its
// values as the source's are read (a phone in the source's region); like
// no source, a phone without a country code is rejected, never guessed.
func TestMatchReadsAsItsSource(t *testing.T) {
	f := typedFixture(t, config.Field{Name: "name", Columns: []string{"name"}, Type: record.KindText},
		config.Field{Name: "phone", Columns: []string{"phone"}, Type: record.KindPhone, Region: "VE"})
	f.put(t, "pub", "a", "ann lee", "0414-555 1234")
	for _, tt := range []struct {
		source string
		status int
		found  bool
	}{{"pub", 200, true}, {"", 422, false}} {
		r := f.call(t, "ann", "case 1", "POST", "/v1/match", map[string]any{"source": tt.source, "features": map[string][]string{"phone": {"0414 5551234"}}})
		var res struct{ Candidates []live.Candidate }
		if r.status == 200 {
			r.decode(t, &res)
		}
		if r.status != tt.status || (len(res.Candidates) == 1) != tt.found {
			t.Errorf("a query like %q: %d, %d candidates; want %d, found %v: %s", tt.source, r.status, len(res.Candidates), tt.status, tt.found, r.body)
		}
	}
}
