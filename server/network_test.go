package server_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
	"github.com/concord-er/concord/server"
)

// TestNetworkAPI: each caller queries the network its view holds. A
// record it may not see states no edge and shares no value, a masked
// identifier links nothing, and no path crosses either; a cleared caller
// sees it all, with its evidence.
func TestNetworkAPI(t *testing.T) {
	f := newFixture(t)
	fields := []config.Field{{Name: "name", Columns: []string{"name"}, Type: record.KindText},
		{Name: "account", Columns: []string{"account"}, Type: record.KindIdentifier},
		{Name: "national_id", Columns: []string{"national_id"}, Type: record.KindIdentifier}}
	f.opt.Sources = []config.Source{
		{Name: "pub", Format: "ndjson", ID: "id", Fields: fields, Relations: []config.Relation{{Type: "knows", To: "sec"}}},
		{Name: "sec", Format: "ndjson", ID: "id", Label: "restricted", Sensitive: []string{"national_id"}, Fields: fields},
		// payments: rows of two groups, the payer stating the payment
		{Name: "pay.payer", Of: "pay", Group: "payer", Format: "ndjson", ID: "ref", Fields: []config.Field{{Name: "name", Columns: []string{"payer"}, Type: record.KindText}},
			Relations: []config.Relation{{Type: "paid", To: "pay.payee", Attributes: []string{"amount"}}}},
		{Name: "pay.payee", Of: "pay", Group: "payee", Format: "ndjson", ID: "ref", Fields: []config.Field{{Name: "name", Columns: []string{"payee"}, Type: record.KindText}}},
	}
	policy, err := access.NewPolicy([]string{"restricted", "secret"}, map[string]access.Source{
		"pub": {}, "sec": {Label: "restricted", Sensitive: []string{"national_id"}}, "pay.payer": {}, "pay.payee": {}})
	if err != nil {
		t.Fatal(err)
	}
	f.opt.Policy = policy
	f.opt.Kinds = map[string]record.Kind{"name": record.KindText, "account": record.KindIdentifier, "national_id": record.KindIdentifier}
	f.http.Close()
	f.start(t)
	for _, r := range []struct{ src, id, name, account, nid string }{
		{"pub", "1", "Ann Quist", "ACC-0001", ""}, {"pub", "2", "Bo Renner", "ACC-0002", ""},
		{"sec", "1", "Cyrus Vale", "ACC-0001", "NID-777"}, {"sec", "2", "Dora Wynn", "ACC-0002", "NID-777"},
	} {
		body := map[string]string{"name": r.name, "account": r.account, "national_id": r.nid}
		if resp := f.call(t, "svc", "", "PUT", "/v1/records/"+r.src+"/"+r.id, body); resp.status != 200 {
			t.Fatalf("put %s/%s: %d %s", r.src, r.id, resp.status, resp.body)
		}
	}
	// A payment uploaded under its source's name makes its two parties;
	// a streamed one too.
	up := f.call(t, "svc", "", "POST", "/v1/records", map[string]any{"records": []map[string]any{
		{"source": "pay", "row": map[string]string{"ref": "x1", "payer": "Ann Quist", "payee": "Eve Stone", "amount": "70"}}}})
	if up.status != 200 || strings.Count(up.body, `"op":"upsert"`) != 2 {
		t.Fatalf("upload of a payment: %d %s, want its two parties upserted", up.status, up.body)
	}
	req, _ := http.NewRequest("POST", f.http.URL+strings.Replace(server.StreamPath, "{source}", "pay", 1),
		strings.NewReader(`{"ref": "x2", "payer": "Bo Renner", "payee": "Fay Lund", "amount": "9"}`+"\n"))
	req.Header.Set("Authorization", "Bearer "+f.keys["svc"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	streamed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(streamed), `"change"`) != 2 {
		t.Fatalf("streamed payment: %d %s, want its two parties", resp.StatusCode, streamed)
	}
	entity := map[string]string{}
	for _, k := range []string{"pub/1", "pub/2", "sec/1", "sec/2", "pay.payer/x1", "pay.payee/x1"} {
		var rec struct{ Entity string }
		f.call(t, "adm", "audit", "GET", "/v1/records/"+k, nil).decode(t, &rec)
		entity[k] = rec.Entity
	}
	ann, bo := entity["pub/1"], entity["pub/2"]
	q := func(who, path string, want int) string {
		t.Helper()
		r := f.call(t, who, "case 9", "GET", path, nil)
		if r.status != want {
			t.Fatalf("%s %s: %d %s, want %d", who, path, r.status, r.body, want)
		}
		return r.body
	}

	// The cleared admin: every edge, with its evidence.
	var n relate.Network
	r := f.call(t, "adm", "case 9", "GET", "/v1/entities/"+ann+"/network?depth=3", nil)
	r.decode(t, &n)
	var types []string
	for _, e := range n.Edges {
		types = append(types, e.Type)
	}
	got := strings.Join(types, " ")
	for _, want := range []string{"knows", "shares_account", "shares_national_id", "paid"} {
		if !strings.Contains(got, want) {
			t.Errorf("the admin's network around Ann has edges %q, want %s among them", got, want)
		}
	}
	if r.header.Get("Concord-As-Of") == "" {
		t.Error("no Concord-As-Of header")
	}
	for _, q := range []string{"type=knows,shares_national_id", "type=knows&type=shares_national_id"} {
		var filtered relate.Network
		f.call(t, "adm", "case 9", "GET", "/v1/entities/"+ann+"/network?depth=3&"+q, nil).decode(t, &filtered)
		var got []string
		for _, e := range filtered.Edges {
			got = append(got, e.Type)
		}
		if len(got) == 0 || strings.Contains(strings.Join(got, " "), "shares_account") || strings.Contains(strings.Join(got, " "), "paid") {
			t.Errorf("?%s: edges %q, want knows and shares_national_id alone", q, got)
		}
	}
	var p relate.Path
	f.call(t, "adm", "case 9", "GET", "/v1/network/path?from="+ann+"&to="+bo, nil).decode(t, &p)
	if len(p.Edges) != 3 {
		t.Errorf("the admin's path Ann → Bo: %d hops, want 3 (through Cyrus and Dora)", len(p.Edges))
	}

	// Cleared for sec, but its national ids masked: no edge from them.
	body := q("ann", "/v1/entities/"+ann+"/network?depth=3", 200)
	if strings.Contains(body, "NID-777") || strings.Contains(body, "shares_national_id") {
		t.Errorf("a masked identifier links entities for ann: %s", body)
	}
	q("ann", "/v1/network/path?from="+ann+"&to="+bo, 404)

	// Not cleared for sec: nothing of it, in any answer.
	for _, path := range []string{
		"/v1/entities/" + ann + "/network?depth=6",
		"/v1/network/groups?min_size=2",
		"/v1/network/export?format=json",
		"/v1/network/export?format=graphml",
		"/v1/network/export?format=gexf&entity=" + ann,
	} {
		body := q("out", path, 200)
		for _, s := range []string{"Cyrus", "Dora", `"source":"sec"`, "NID-777", entity["sec/1"], entity["sec/2"]} {
			if strings.Contains(body, s) {
				t.Errorf("%s as out shows %q: %s", path, s, body)
			}
		}
	}
	q("out", "/v1/network/path?strongest=true&from="+ann+"&to="+bo, 404)
	q("out", "/v1/entities/"+entity["sec/1"]+"/network", 404)

	// Bad queries, and the roles: a writer may not read the network.
	q("adm", "/v1/entities/"+ann+"/network?depth=9", 422)
	q("adm", "/v1/network/path?from="+ann+"&to="+bo+"&since=yesterday", 422)
	q("adm", "/v1/network/export?format=dot", 422)
	q("svc", "/v1/network/groups", 403)
	if r := f.call(t, "", "", "GET", "/v1/network/groups", nil); r.status != 401 {
		t.Errorf("groups without credentials: %d", r.status)
	}
	if ct := f.call(t, "adm", "case 9", "GET", "/v1/network/export?format=graphml&entity="+url.QueryEscape(ann), nil).header.Get("Content-Type"); ct != "application/graphml+xml" {
		t.Errorf("GraphML export served as %q", ct)
	}

	// The workbench's entity page lists the same edges, as its reader may
	// see them.
	b := f.browser(t)
	b.login(f, "adm", "case 9")
	page := ""
	for range 200 {
		if page = b.get("/entities/" + ann + "/network").body; !strings.Contains(page, "being built") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{"→ knows", "— shares_account", "ACC0001, held by 2 entities", `href="/entities/` + entity["sec/1"] + `"`,
		`<svg class="graph"`, "<title>" + entity["sec/1"] + ": → knows (1.00), — shares_account (1.00)</title>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the admin's entity page lacks %q:\n%s", want, page)
		}
	}
	dl := b.get("/entities/" + ann + "/network/network.graphml")
	if dl.status != 200 || dl.header.Get("Content-Type") != "application/graphml+xml" ||
		!strings.Contains(dl.header.Get("Content-Disposition"), "attachment") || !strings.Contains(dl.body, `<data key="type">knows</data>`) {
		t.Errorf("GraphML download: %d %v\n%s", dl.status, dl.header, dl.body)
	}
	if r := b.get("/entities/" + ann + "/network/network.dot"); r.status != 404 {
		t.Errorf("an unknown export: %d", r.status)
	}
	b = f.browser(t)
	b.login(f, "out", "case 9")
	for range 200 {
		if page = b.get("/entities/" + ann + "/network").body; !strings.Contains(page, "being built") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(page, "→ paid") || strings.Contains(page, entity["sec/1"]) || strings.Contains(page, "knows") {
		t.Errorf("out's network page of Ann shows an edge to a record it may not see:\n%s", page)
	}
	if r := b.get("/entities/" + entity["sec/1"] + "/network"); r.status != 404 {
		t.Errorf("out's network page of Cyrus: %d, want 404", r.status)
	}
	if r := b.get("/entities/" + entity["sec/1"] + "/network/network.gexf"); r.status != 404 {
		t.Errorf("out's GEXF of Cyrus: %d, want 404", r.status)
	}
	if r := b.get("/entities/" + ann + "/network/network.gexf"); r.status != 200 || strings.Contains(r.body, "Cyrus") || strings.Contains(r.body, entity["sec/1"]) {
		t.Errorf("out's GEXF around Ann: %d, shows what it may not see:\n%s", r.status, r.body)
	}
	if r := b.get("/entities/" + ann); !strings.Contains(r.body, `href="/entities/`+ann+`/network"`) {
		t.Error("the entity page does not link to its network")
	}
}
