package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/server"
)

// Every operation the API's document lists checks its caller's roles: a
// principal holding one role alone is refused (403) exactly the
// operations that role does not grant, and may call the others (whatever
// they answer then). An operation the table does not name fails the test,
// so that a new one is given its place in it.
func TestRolesEveryOperation(t *testing.T) {
	f, e := roleFixture(t)

	type call struct {
		method, path string
		body         any
		needs        access.Op // "": any principal
	}
	calls := map[string]call{
		"whoami":         {"GET", "/v1/whoami", nil, ""},
		"get-record":     {"GET", "/v1/records/pub/a", nil, access.OpRead},
		"put-record":     {"PUT", "/v1/records/pub/b", map[string]string{"name": "bo"}, access.OpWrite},
		"delete-record":  {"DELETE", "/v1/records/pub/nosuch", nil, access.OpWrite},
		"upload-records": {"POST", "/v1/records", map[string]any{"records": []any{map[string]any{"source": "pub", "row": map[string]string{"id": "c", "name": "cy"}}}}, access.OpWrite},
		"stream-records": {"POST", "/v1/sources/pub/records", nil, access.OpWrite},
		"get-entity":     {"GET", "/v1/entities/" + e, nil, access.OpRead},
		"how-entity":     {"GET", "/v1/entities/" + e + "/how", nil, access.OpRead},
		"entity-network": {"GET", "/v1/entities/" + e + "/network", nil, access.OpRead},
		"explain-pair":   {"GET", "/v1/explain/pair?a=pub/a&b=pub/a", nil, access.OpRead},
		"why-not":        {"GET", "/v1/explain/why-not?a=" + e + "&b=" + e, nil, access.OpRead},
		"match":          {"POST", "/v1/match", map[string]any{"features": map[string][]string{"name": {"ann"}}}, access.OpMatch},
		"review-queue":   {"GET", "/v1/review", nil, access.OpRead},
		"review-groups":  {"GET", "/v1/review/groups", nil, access.OpRead},
		"decide":         {"POST", "/v1/decisions", map[string]string{"a": "pub/a", "b": "pub/nosuch", "verdict": "same"}, access.OpDecide},
		"decide-all":     {"POST", "/v1/decisions/batch", map[string]any{"decisions": []any{map[string]string{"a": "pub/a", "b": "pub/nosuch", "verdict": "same"}}}, access.OpDecide},
		"merge":          {"POST", "/v1/merges", map[string]string{"a": e, "b": e, "comment": "one"}, access.OpDecide},
		"split":          {"POST", "/v1/entities/" + e + "/split", map[string]any{"records": []string{"pub/nosuch"}, "comment": "two"}, access.OpDecide},
		"network-groups": {"GET", "/v1/network/groups", nil, access.OpRead},
		"network-path":   {"GET", "/v1/network/path?from=" + e + "&to=" + e, nil, access.OpRead},
		"network-export": {"GET", "/v1/network/export?format=json", nil, access.OpRead},
		"changes":        {"GET", "/v1/changes", nil, access.OpRead},
		"change-stream":  {"GET", "/v1/changes/stream", nil, access.OpRead},
		"audit-log":      {"GET", "/v1/audit", nil, access.OpAudit},
		"audit-verify":   {"GET", "/v1/audit/verify", nil, access.OpAudit},
	}
	var doc struct {
		Paths map[string]map[string]struct{ OperationID string }
	}
	f.call(t, "only-viewer", "", "GET", "/v1/openapi.json", nil).decode(t, &doc)
	listed := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			listed++
			if _, ok := calls[op.OperationID]; !ok {
				t.Errorf("%s %s (%s): no role check in this test's table", strings.ToUpper(method), path, op.OperationID)
			}
		}
	}
	if listed != len(calls) {
		t.Errorf("the document lists %d operations, the table %d", listed, len(calls))
	}
	// /metrics is the admin's too, outside the document.
	calls["metrics"] = call{"GET", "/metrics", nil, access.OpAudit}

	for name, c := range calls {
		for _, role := range access.Roles {
			principal := "only-" + string(role)
			status := roleCall(t, f, principal, c.method, c.path, c.body)
			granted := c.needs == "" || f.opt.Policy.Can(access.Principal{Roles: []access.Role{role}}, c.needs)
			if refused := status == http.StatusForbidden; refused == granted || status == http.StatusUnauthorized {
				t.Errorf("%s (%s %s) as %s: %d; the role grants it: %v", name, c.method, c.path, role, status, granted)
			}
		}
	}
}

// roleCall makes a call and returns its status: as soon as the answer's
// headers come (the change feed's stream goes on), and with a row of
// NDJSON for the streaming upload.
func roleCall(t *testing.T, f *fixture, principal, method, path string, body any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req := f.request(ctx, principal, "case 1", method, path, body)
	if strings.HasPrefix(path, "/v1/sources/") {
		req.Body = io.NopCloser(strings.NewReader(`{"id": "s1", "name": "sam"}` + "\n"))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusForbidden {
		var p struct{ Detail string }
		json.NewDecoder(resp.Body).Decode(&p)
		if !strings.Contains(p.Detail, principal) && !strings.Contains(p.Detail, "role") {
			t.Errorf("%s %s as %s: refused without saying why: %q", method, path, principal, p.Detail)
		}
	}
	return resp.StatusCode
}

// Every page of the workbench checks its reader's roles as the API does:
// a person holding one role alone is refused (403) exactly the pages
// that role does not grant.
func TestWorkbenchRoles(t *testing.T) {
	f, e := roleFixture(t)
	pages := []struct {
		method, path string
		form         url.Values
		needs        access.Op
	}{
		{"GET", "/", nil, access.OpRead},
		{"GET", "/entities/" + e, nil, access.OpRead},
		{"GET", "/entities/" + e + "/network", nil, access.OpRead},
		{"GET", "/entities/" + e + "/network/network.graphml", nil, access.OpRead},
		{"GET", "/pairs?a=pub/a&b=pub/a", nil, access.OpRead},
		{"GET", "/review", nil, access.OpRead},
		{"GET", "/whynot?a=" + e + "&b=" + e, nil, access.OpRead},
		{"GET", "/model", nil, access.OpRead},
		{"GET", "/quality", nil, access.OpRead},
		{"GET", "/audit", nil, access.OpAudit},
		{"POST", "/review", url.Values{"a": {"pub/a"}, "b": {"pub/nosuch"}, "verdict": {"same"}}, access.OpDecide},
		{"POST", "/entities/" + e + "/split", url.Values{"records": {"pub/nosuch"}, "reason": {"x"}}, access.OpDecide},
		{"POST", "/entities/" + e + "/merge", url.Values{"with": {"nosuch"}, "reason": {"x"}}, access.OpDecide},
	}
	for _, role := range access.Roles {
		principal := "only-" + string(role)
		b := f.browser(t)
		if r := b.post("/login", url.Values{"token": {f.keys[principal]}, "purpose": {"case 1"}, "login": {b.loginToken()}}); r.status != http.StatusSeeOther {
			t.Fatalf("log-in as %s: %d %s", principal, r.status, r.body)
		}
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(b.get("/").body)
		if m == nil {
			t.Fatalf("no form token for %s", principal)
		}
		for _, p := range pages {
			var r response
			if p.method == "GET" {
				r = b.get(p.path)
			} else {
				form := url.Values{"csrf": {m[1]}}
				for k, v := range p.form {
					form[k] = v
				}
				r = b.post(p.path, form)
			}
			granted := f.opt.Policy.Can(access.Principal{Roles: []access.Role{role}}, p.needs)
			if refused := r.status == http.StatusForbidden; refused == granted {
				t.Errorf("%s %s as %s: %d; the role grants it: %v", p.method, p.path, role, r.status, granted)
			}
		}
	}
}

// roleFixture is a fixture with a record, pub/a, in entity e, and a
// principal for each role alone, only-ROLE, cleared for every source.
func roleFixture(t *testing.T) (f *fixture, e string) {
	t.Helper()
	f = newFixture(t)
	f.put(t, "pub", "a", "ann", "1")
	var rec live.StoredRecord
	f.call(t, "adm", "x", "GET", "/v1/records/pub/a", nil).decode(t, &rec)
	var lines []string
	for _, r := range access.Roles {
		id := "only-" + string(r)
		f.opt.Principals = append(f.opt.Principals, access.Principal{ID: id, Roles: []access.Role{r}, Clearance: "secret"})
		key, line := server.NewAPIKey(id)
		f.keys[id], lines = key, append(lines, line)
	}
	keys, err := server.ParseAPIKeys(strings.NewReader(strings.Join(lines, "\n")), "keys.txt")
	if err != nil {
		t.Fatal(err)
	}
	f.opt.APIKeys = keys
	f.start(t)
	return f, string(rec.Entity)
}
