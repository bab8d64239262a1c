package server_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/server"
)

// browser is a client with its own cookies that does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (f *fixture) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: f.http.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(data), "%!") {
		b.t.Errorf("%s %s: a value the page could not format: %s", req.Method, req.URL.Path, data)
	}
	return response{resp.StatusCode, resp.Header, string(data)}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// upload posts a form with a file, as a browser sends one
// (multipart/form-data).
func (b *browser) upload(path string, form url.Values, field, name, content string) response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		b.t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// login logs in with principal's key, and returns the session's CSRF
// token from the page.
func (b *browser) login(f *fixture, principal, purpose string) string {
	b.t.Helper()
	r := b.post("/login", url.Values{"token": {f.keys[principal]}, "purpose": {purpose}, "login": {b.loginToken()}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		b.t.Fatalf("log-in as %s: %d %s", principal, r.status, r.body)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "concord_session="} {
		if !strings.Contains(cookie, want) {
			b.t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	home := b.get("/")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(home.body)
	if home.status != 200 || m == nil {
		b.t.Fatalf("home after log-in: %d %s", home.status, home.body)
	}
	return m[1]
}

// inputValue matches the value of a search form's field.
var inputValue = regexp.MustCompile(`name="f\.[^"]*" value="[^"]*"`)

// loginToken loads the log-in form and returns its token (its cookie is
// in the jar).
func (b *browser) loginToken() string {
	b.t.Helper()
	r := b.get("/login")
	m := regexp.MustCompile(`name="login" value="([^"]+)"`).FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		b.t.Fatalf("log-in form: %d %s", r.status, r.body)
	}
	return m[1]
}

func TestWorkbenchLogin(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	if r := b.get("/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Errorf("home without a session: %d %s", r.status, r.header.Get("Location"))
	}
	r := b.get("/login")
	if r.status != 200 || !strings.Contains(r.body, `<label for="token">`) {
		t.Errorf("log-in page: %d %s", r.status, r.body)
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if r := b.post("/login", url.Values{"token": {"not-a-key"}, "login": {b.loginToken()}}); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "not valid") {
		t.Errorf("a wrong token: %d %s", r.status, r.body)
	}
	// A log-in posted without the form's token (from a page elsewhere)
	// is refused, even with a valid key.
	if r := f.browser(t).post("/login", url.Values{"token": {f.keys["ann"]}}); r.status != http.StatusForbidden {
		t.Errorf("a log-in without the form's token: %d", r.status)
	}
	if r := b.post("/login", url.Values{"token": {f.keys["ann"]}, "login": {"forged"}}); r.status != http.StatusForbidden {
		t.Errorf("a log-in with a forged form token: %d", r.status)
	}
	csrf := b.login(f, "ann", "case 7")
	if r := b.get("/"); !strings.Contains(r.body, "ann") || !strings.Contains(r.body, "purpose: case 7") || !strings.Contains(r.body, `name="f.name"`) {
		t.Errorf("home: %s", r.body)
	}
	// A form without the session's token is refused; logging out ends
	// the session.
	if r := b.post("/logout", url.Values{"csrf": {"forged"}}); r.status != http.StatusSeeOther {
		t.Errorf("log-out: %d", r.status)
	}
	b2 := f.browser(t)
	csrf2 := b2.login(f, "ann", "")
	if r := b2.post("/review", url.Values{"csrf": {csrf}, "a": {"pub/a"}, "b": {"pub/b"}, "verdict": {"same"}}); r.status != http.StatusForbidden {
		t.Errorf("a decision with another session's token: %d", r.status)
	}
	b2.post("/logout", url.Values{"csrf": {csrf2}})
	if r := b2.get("/"); r.status != http.StatusSeeOther {
		t.Errorf("home after log-out: %d", r.status)
	}
	if r := b.get("/assets/style.css"); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Errorf("style: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r := b.get("/assets/../workbench.go"); r.status == 200 {
		t.Errorf("an asset outside the set: %d", r.status)
	}
}

// Search → entity → pair waterfall → review and decide, as a reviewer.
func TestWorkbenchFlow(t *testing.T) {
	f := newFixture(t)
	f.put(t, "pub", "a", "ann lee", "111")
	f.put(t, "pub", "b", "ann lee", "222")
	f.put(t, "pub", "c", "bob", "111")
	b := f.browser(t)
	csrf := b.login(f, "ann", "case 7")
	r := b.get("/?f.name=ann+lee")
	m := regexp.MustCompile(`href="/entities/([^"]+)"`).FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("search: %d %s", r.status, r.body)
	}
	r = b.get("/entities/" + m[1])
	if r.status != 200 || !strings.Contains(r.body, "ann lee") || !strings.Contains(r.body, "<h2 id=\"src-pub\">pub</h2>") || !strings.Contains(r.body, "Lineage") {
		t.Fatalf("entity page: %d %s", r.status, r.body)
	}
	r = b.get("/pairs?a=pub/a&b=pub/b")
	if r.status != 200 || !strings.Contains(r.body, "waterfall") || !strings.Contains(r.body, "prior") || !strings.Contains(r.body, `class="bar `) {
		t.Fatalf("pair page: %d %s", r.status, r.body)
	}
	if r := b.get("/pairs?a=pub/a&b=nonsense"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a pair that is not two keys: %d", r.status)
	}
	if r := b.get("/entities/no-such"); r.status != http.StatusNotFound {
		t.Errorf("an entity that does not exist: %d", r.status)
	}
	r = b.get("/review")
	if r.status != 200 || !strings.Contains(r.body, "Review queue") {
		t.Fatalf("review page: %d %s", r.status, r.body)
	}
	r = b.post("/review", url.Values{"csrf": {csrf}, "a": {"pub/a"}, "b": {"pub/c"}, "verdict": {"different"}, "comment": {"not the same phone owner"}})
	if r.status != 200 || !strings.Contains(r.body, "different") {
		t.Fatalf("decide: %d %s", r.status, r.body)
	}
	// Every page read is in the audit log, as the principal's (the access
	// log is written in batches).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		log := f.call(t, "adm", "x", "GET", "/v1/audit?limit=1000", nil)
		if strings.Contains(log.body, `"actor":"principal:ann","action":"request","entities":["`) && strings.Contains(log.body, "GET /entities/{id} 200 purpose=case 7") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the audit log lacks the workbench's reads: %s", log.body)
		}
	}
}

// A reader without the clearance never sees a labelled source in any
// page: not its values, ids, nor its name.
func TestWorkbenchNoLeaks(t *testing.T) {
	f := newFixture(t)
	f.put(t, "pub", "a", "ann", "111")
	f.put(t, "sec", "b", "ann", "9q9q22")
	f.put(t, "sec", "c", "cyrus", "9q9q22")
	f.put(t, "sec", "d", "dora", "5x5y5")
	var all, a live.StoredRecord
	f.call(t, "adm", "x", "GET", "/v1/records/sec/d", nil).decode(t, &all)
	f.call(t, "adm", "x", "GET", "/v1/records/pub/a", nil).decode(t, &a)
	for _, purpose := range []string{"", "case 1"} {
		b := f.browser(t)
		b.login(f, "out", purpose)
		for _, p := range []string{"/", "/?f.name=ann", "/?f.name=cyrus&f.phone=9q9q22", "/?f.phone=5x5y5",
			"/entities/" + string(a.Entity), "/entities/" + string(all.Entity), "/pairs?a=pub/a&b=sec/b", "/review", "/review?order=record",
			"/review/queue.csv", "/review/queue.csv?order=record", "/review/queue.csv?order=strongest",
			"/entities/" + string(a.Entity) + "/network", "/entities/" + string(all.Entity) + "/network",
			"/entities/" + string(a.Entity) + "/network/network.graphml", "/entities/" + string(all.Entity) + "/network/network.gexf",
			"/whynot?a=" + string(a.Entity) + "&b=" + string(all.Entity), "/model", "/audit", "/quality"} {
			r := b.get(p)
			// A search form shows the query's own values back; nothing
			// else may come from sec.
			r.body = inputValue.ReplaceAllString(r.body, "")
			leak(t, "workbench "+p, r)
			if strings.Contains(r.body, ">sec<") {
				t.Errorf("workbench %s names the source sec", p)
			}
		}
	}
	// The cleared reader without a purpose sees nothing of sec either,
	// not even pairs counted in the model's histogram.
	b := f.browser(t)
	b.login(f, "ann", "")
	if r := b.get("/entities/" + string(all.Entity)); r.status != http.StatusNotFound {
		t.Errorf("sec's entity without a purpose: %d", r.status)
	}
	if r := b.get("/model"); !strings.Contains(r.body, "No pairs are stored yet.") {
		t.Errorf("model page counts pairs of sec for a reader without a purpose: %s", r.body)
	}
	b = f.browser(t)
	b.login(f, "ann", "case 1")
	if r := b.get("/model"); !strings.Contains(r.body, `<svg class="histogram"`) {
		t.Errorf("model page shows no pairs to a cleared reader with a purpose: %s", r.body)
	}
}

// The entity's graph and how it formed, why two are apart, split and merge
// from the entity page, the model, and the audit log for an admin.
func TestWorkbenchEntityTools(t *testing.T) {
	f := newFixture(t)
	f.put(t, "pub", "a", "ann lee", "111")
	f.put(t, "pub", "b", "ann lee", "222")
	f.put(t, "pub", "c", "bob", "333")
	var a, c live.StoredRecord
	f.call(t, "ann", "x", "GET", "/v1/records/pub/a", nil).decode(t, &a)
	f.call(t, "ann", "x", "GET", "/v1/records/pub/c", nil).decode(t, &c)
	b := f.browser(t)
	csrf := b.login(f, "ann", "case 7")
	r := b.get("/entities/" + string(a.Entity))
	for _, want := range []string{"<svg class=\"graph\"", "<line ", "How it formed", "Step 1, by model", "Split", "Merge with entity"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("entity page lacks %q", want)
		}
	}
	if r := b.get("/whynot?a=" + string(a.Entity) + "&b=" + string(c.Entity)); r.status != 200 || !strings.Contains(r.body, "are apart") {
		t.Errorf("why-not page: %d %s", r.status, r.body)
	}
	if r := b.get("/quality"); r.status != 200 || !strings.Contains(r.body, `<th scope="row">pub</th><td class="num">3</td>`) ||
		!strings.Contains(r.body, "<caption>Pairs in review per day</caption>") || !strings.Contains(r.body, time.Now().UTC().Format("2006-01-02")) {
		t.Errorf("data quality page: %d %s", r.status, r.body)
	}
	if r := b.get("/model"); r.status != 200 || !strings.Contains(r.body, "<caption>name (name, text)</caption>") || !strings.Contains(r.body, "Blocking rules") ||
		!strings.Contains(r.body, `<svg class="histogram"`) || !strings.Contains(r.body, "1 links and 0 pairs in review") {
		t.Errorf("model page: %d %s", r.status, r.body)
	}
	// Split b off a's entity, then merge it back.
	r = b.post("/entities/"+string(a.Entity)+"/split", url.Values{"csrf": {csrf}, "record": {"pub/b"}, "reason": {"two people"}})
	if r.status != 200 || !strings.Contains(r.body, "Split: 1 records taken out") {
		t.Fatalf("split: %d %s", r.status, r.body)
	}
	var bAfter live.StoredRecord
	f.call(t, "ann", "x", "GET", "/v1/records/pub/b", nil).decode(t, &bAfter)
	if bAfter.Entity == a.Entity {
		t.Fatalf("b still in %s after the split", a.Entity)
	}
	// What keeps them apart now is the split's decision.
	if r := b.get("/whynot?a=" + string(a.Entity) + "&b=" + string(bAfter.Entity)); r.status != 200 ||
		!strings.Contains(r.body, "What keeps them apart") || !strings.Contains(r.body, "a reviewer's decision") {
		t.Errorf("why-not page after a split: %d %s", r.status, r.body)
	}
	r = b.post("/entities/"+string(a.Entity)+"/merge", url.Values{"csrf": {csrf}, "with": {string(bAfter.Entity)}, "reason": {"one person after all"}})
	if r.status != 200 || !strings.Contains(r.body, "Merged") {
		t.Fatalf("merge: %d %s", r.status, r.body)
	}
	// The lineage says who made each change.
	if r := b.get("/entities/" + string(a.Entity)); !strings.Contains(r.body, "by ann, reviewing, through pub/") || !strings.Contains(r.body, "“one person after all”") ||
		!strings.Contains(r.body, "by the model, on an upsert by svc") {
		t.Errorf("lineage without its actors: %s", r.body)
	}
	if r := b.post("/entities/"+string(a.Entity)+"/merge", url.Values{"csrf": {csrf}, "with": {"nonexistent"}, "reason": {"x"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a merge with no such entity: %d", r.status)
	}
	// The audit log is an admin's.
	if r := b.get("/audit"); r.status != http.StatusForbidden {
		t.Errorf("audit page for a reviewer: %d", r.status)
	}
	adm := f.browser(t)
	adm.login(f, "adm", "audit")
	if r := adm.get("/audit?actor=reviewer:ann"); r.status != 200 || !strings.Contains(r.body, "reviewer:ann") || strings.Contains(r.body, "principal:svc") {
		t.Errorf("audit filtered by actor: %d %s", r.status, r.body)
	}
	if r := adm.get("/audit?verify=1"); !strings.Contains(r.body, "verify up to its head") {
		t.Errorf("audit verify: %s", r.body)
	}
}

// reviewFixture is a server whose model sends a pair that agrees on a name
// or a phone alone to review, with records of pub (id, name, phone).
func reviewFixture(t *testing.T, recs ...[3]string) *fixture {
	m := testModel()
	m.Thresholds.Match = 0.9 // one agreement goes to review
	f := newFixtureWith(t, m)
	for _, r := range recs {
		f.put(t, "pub", r[0], r[1], r[2])
	}
	return f
}

// The review queue, most uncertain first or strongest first.
func TestWorkbenchReviewOrders(t *testing.T) {
	f := reviewFixture(t, [3]string{"a", "ann lee", "111"}, [3]string{"b", "ann lee", "222"}, [3]string{"c", "cy", "222"})
	b := f.browser(t)
	b.login(f, "ann", "")
	for _, order := range []string{"", "uncertain", "strongest"} {
		r := b.get("/review?order=" + order)
		if r.status != 200 || strings.Count(r.body, `class="item"`) != 2 {
			t.Errorf("review queue, order %q: %d %s", order, r.status, r.body)
		}
		want := order
		if want == "" {
			want = "uncertain"
		}
		if !strings.Contains(r.body, `value="`+want+`" selected`) {
			t.Errorf("order %q is not the one selected", want)
		}
		// Each pair's waterfall is inline, the first one open.
		if strings.Count(r.body, `<table class="waterfall">`) != 2 || strings.Count(r.body, "<details open>") != 1 {
			t.Errorf("order %q: inline waterfalls: %s", want, r.body)
		}
	}
	if r := b.get("/review?order=strongest&after=garbage"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a cursor the page did not give: %d", r.status)
	}
}

// The review queue in pages, in each order: more pairs than a page holds
// (105 of one name, each pair's phones apart, and one of a phone), every
// one listed once over two pages, most uncertain first (the size of the
// weight never falling) or strongest first (the weight never rising).
func TestWorkbenchReviewPages(t *testing.T) {
	f := longQueueFixture(t)
	b := f.browser(t)
	b.login(f, "ann", "")
	item := regexp.MustCompile(`<a href="/pairs\?a=([^&"]+)&amp;b=([^"]+)">[^<]*</a> <span class="num">(-?[0-9.]+) bits</span>`)
	for _, order := range []string{"uncertain", "strongest"} {
		var weights []float64
		seen, pages := reviewPages(t, b, order, "Next pairs", item, func(m []string) {
			var w float64
			fmt.Sscan(m[3], &w)
			weights = append(weights, w)
		})
		if seen != 106 || pages != 2 {
			t.Errorf("%s: %d pairs over %d pages, want 106 over 2", order, seen, pages)
		}
		for i := 1; i < len(weights); i++ {
			if order == "uncertain" && math.Abs(weights[i]) < math.Abs(weights[i-1]) || order == "strongest" && weights[i] > weights[i-1] {
				t.Fatalf("%s: weight %v after %v", order, weights[i], weights[i-1])
			}
		}
		if slices.Min(weights) == slices.Max(weights) {
			t.Errorf("%s: every pair of one weight, %v: the order is not tested", order, weights[0])
		}
	}
	// By record in doubt: pages of groups, each pair in one group.
	pair := regexp.MustCompile(`<input type="hidden" name="a" value="([^"]+)"><input type="hidden" name="b" value="([^"]+)">`)
	if seen, pages := reviewPages(t, b, "record", "Next records in doubt", pair, func([]string) {}); seen != 106 || pages < 2 {
		t.Errorf("by record: %d pairs over %d pages, want 106 over 2 or more", seen, pages)
	}
}

// reviewPages reads the review page in order, from the first page to the
// last by its link named next, and calls fn with the submatches of each
// pair pair matches (its records the first two), failing on a pair listed
// twice; it returns the pairs and the pages read.
func reviewPages(t *testing.T, b *browser, order, next string, pair *regexp.Regexp, fn func([]string)) (pairs, pages int) {
	t.Helper()
	link := regexp.MustCompile(`<a href="(/review\?order=` + order + `&amp;after=[^"]+)">` + next + `</a>`)
	seen := map[string]bool{}
	for path := "/review?order=" + order; path != "" && pages < 10; {
		r := b.get(path)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		pages++
		for _, m := range pair.FindAllStringSubmatch(r.body, -1) {
			if seen[m[1]+" "+m[2]] {
				t.Errorf("%s: pair %s %s listed twice", order, m[1], m[2])
			}
			seen[m[1]+" "+m[2]] = true
			fn(m)
		}
		path = ""
		if m := link.FindStringSubmatch(r.body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	return len(seen), pages
}

// longQueueFixture is a server whose queue holds more pairs than a page:
// 105 of one name, each pair's phones apart (2.2 bits), and one of a phone
// (0.6 bits).
func longQueueFixture(t *testing.T) *fixture {
	m := testModel()
	m.Thresholds.Match = 0.9
	m.Comparisons[1].Levels[0].U = 0.003 // a phone alone weighs less than a name alone
	f := newFixtureWith(t, m)
	f.put(t, "pub", "c", "cy", "222")
	f.put(t, "pub", "d", "dee", "222")
	for i := range 15 {
		f.put(t, "pub", fmt.Sprintf("n%02d", i), "ann lee", fmt.Sprint(100+i))
	}
	return f
}

// GET /v1/review in pages, in each order, as the workbench's pages.
func TestAPIReviewOrders(t *testing.T) {
	f := longQueueFixture(t)
	for _, order := range []string{"uncertain", "strongest"} {
		var all []record.Review
		for after, pages := "", 0; ; pages++ {
			var page struct {
				Items []record.Review
				Next  string
			}
			r := f.call(t, "ann", "", "GET", "/v1/review?limit=40&order="+order+"&after="+url.QueryEscape(after), nil)
			if r.status != 200 || pages > 3 {
				t.Fatalf("%s, page %d: %d %s", order, pages, r.status, r.body)
			}
			r.decode(t, &page)
			all = append(all, page.Items...)
			if after = page.Next; after == "" {
				break
			}
		}
		if len(all) != 106 {
			t.Errorf("%s: %d pairs, want 106", order, len(all))
		}
		for i := 1; i < len(all); i++ {
			if order == "uncertain" && math.Abs(all[i].Weight) < math.Abs(all[i-1].Weight) || order == "strongest" && all[i].Weight > all[i-1].Weight {
				t.Fatalf("%s: weight %v after %v", order, all[i].Weight, all[i-1].Weight)
			}
		}
		if want := (order == "uncertain"); (all[0].A.ID == "c") != want {
			t.Errorf("%s: first pair %v–%v", order, all[0].A, all[0].B)
		}
	}
	if r := f.call(t, "ann", "", "GET", "/v1/review?order=weakest", nil); r.status != http.StatusUnprocessableEntity {
		t.Errorf("an order that is none: %d", r.status)
	}
}

// The review page lists, when asked, only the pairs whose records are in
// two entities: x–z stays in the queue once a reviewer has put x, y and
// z in one entity pair by pair, and is left out.
func TestWorkbenchReviewApart(t *testing.T) {
	f := reviewFixture(t, [3]string{"x", "ann lee", "111"}, [3]string{"y", "ann lee", "222"}, [3]string{"z", "ann lee", "333"})
	for _, p := range [][2]string{{"pub/x", "pub/y"}, {"pub/y", "pub/z"}} {
		if r := f.call(t, "ann", "case", "POST", "/v1/decisions", map[string]any{"a": p[0], "b": p[1], "verdict": "same"}); r.status != 200 {
			t.Fatalf("decide %v: %d %s", p, r.status, r.body)
		}
	}
	b := f.browser(t)
	b.login(f, "ann", "")
	for _, c := range []struct {
		query string
		items int
	}{{"", 1}, {"?apart=1", 0}, {"?order=strongest", 1}, {"?order=strongest&apart=1", 0}} {
		r := b.get("/review" + c.query)
		if r.status != 200 || strings.Count(r.body, `class="item"`) != c.items {
			t.Errorf("review%s: %d, %d pairs, want %d", c.query, r.status, strings.Count(r.body, `class="item"`), c.items)
		}
		if apart := strings.Contains(c.query, "apart"); apart != strings.Contains(r.body, `value="1" checked`) {
			t.Errorf("review%s: the box is not as asked", c.query)
		}
	}
}

// The review queue by record in doubt: b, held in doubt with a (a name)
// and with c (a phone), is one group, its two pairs decided in one form;
// a verdict left out leaves its pair in the queue, and a form that is
// not one is refused, deciding nothing.
func TestWorkbenchReviewGroups(t *testing.T) {
	f := reviewFixture(t, [3]string{"a", "ann lee", "111"}, [3]string{"b", "ann lee", "222"}, [3]string{"c", "cy", "222"},
		[3]string{"d", "dee", "333"}, [3]string{"e", "dee", "444"})
	b := f.browser(t)
	csrf := b.login(f, "ann", "")
	r := b.get("/review?order=record")
	if r.status != 200 || strings.Count(r.body, `class="group"`) != 2 || !strings.Contains(r.body, `value="record" selected`) {
		t.Fatalf("review by record: %d %s", r.status, r.body)
	}
	// The group of more pairs first: pub/b's, with pub/a and pub/c.
	first, _, _ := strings.Cut(r.body[strings.Index(r.body, `class="group"`)+1:], `class="group"`)
	if !strings.Contains(first, "<legend>pub/b: 2 pairs in review</legend>") || !strings.Contains(first, ">pub/a</a>") || !strings.Contains(first, ">pub/c</a>") {
		t.Errorf("the first group is not pub/b's with pub/a and pub/c: %s", first)
	}
	for _, form := range []url.Values{
		{"csrf": {csrf}, "a": {"pub/a"}, "b": {"pub/b", "pub/c"}, "verdict-0": {"same"}},
		{"csrf": {csrf}, "a": {"pub/a"}, "b": {"pub/b"}, "verdict-0": {"maybe"}},
		{"csrf": {csrf}, "a": {"pub/a"}, "b": {"pub/b"}},
		{"csrf": {csrf}, "a": {"pub/a", "nonsense"}, "b": {"pub/b", "pub/c"}, "verdict-0": {"same"}, "verdict-1": {"different"}},
	} {
		if r := b.post("/review/group?order=record", form); r.status != http.StatusUnprocessableEntity {
			t.Errorf("form %v: %d, want 422", form, r.status)
		}
	}
	if r := b.post("/review/group?order=record", url.Values{"csrf": {"forged"}, "a": {"pub/a"}, "b": {"pub/b"}, "verdict-0": {"same"}}); r.status != http.StatusForbidden {
		t.Errorf("a group decided without the session's token: %d", r.status)
	}
	adm := f.browser(t)
	admCSRF := adm.login(f, "adm", "")
	if r := adm.post("/review/group?order=record", url.Values{"csrf": {admCSRF}, "a": {"pub/a"}, "b": {"pub/b"}, "verdict-0": {"same"}}); r.status != http.StatusForbidden {
		t.Errorf("a group decided by a principal who may not decide: %d", r.status)
	}
	if n := len(f.reviews(t)); n != 3 {
		t.Fatalf("%d pairs in review after refused forms, want 3", n)
	}
	r = b.post("/review/group?order=record", url.Values{"csrf": {csrf}, "a": {"pub/a", "pub/b", "pub/d"}, "b": {"pub/b", "pub/c", "pub/e"},
		"verdict-0": {"same"}, "verdict-1": {"different"}, "verdict-2": {""}, "comment": {"one customer, another's phone"}})
	if r.status != 200 || !strings.Contains(r.body, "2 decided: 1 same, 1 different, 0 unsure") || !strings.Contains(r.body, `value="record" selected`) {
		t.Fatalf("group decided: %d %s", r.status, r.body)
	}
	ea, eb, ec := f.entityOf(t, "pub/a"), f.entityOf(t, "pub/b"), f.entityOf(t, "pub/c")
	if ea != eb || ec == eb {
		t.Errorf("after same a–b and different b–c: entities %s %s %s", ea, eb, ec)
	}
	if rs := f.reviews(t); len(rs) != 1 || rs[0] != "pub/d pub/e" {
		t.Errorf("queue after the group: %v, want the pair left undecided alone", rs)
	}
	// A "same" an earlier "different" keeps from joining is said so.
	if r := f.call(t, "ann", "case", "POST", "/v1/decisions", map[string]any{"a": "pub/a", "b": "pub/d", "verdict": "different"}); r.status != 200 {
		t.Fatalf("decide: %d %s", r.status, r.body)
	}
	r = b.post("/review/group?order=record", url.Values{"csrf": {csrf}, "a": {"pub/b"}, "b": {"pub/d"}, "verdict-0": {"same"}})
	if r.status != 200 || !strings.Contains(r.body, "Judged the same but kept apart by earlier decisions: pub/b and pub/d.") {
		t.Errorf("a same kept apart: %d %s", r.status, r.body)
	}
}

// The model page counts reviewers' verdicts by the model's probability,
// of the pairs whose records the reader may see, as soon as they are
// given: a decision on a record of the restricted source counts for a
// cleared reader alone.
func TestWorkbenchModelVerdicts(t *testing.T) {
	f := reviewFixture(t, [3]string{"a", "ann lee", "111"}, [3]string{"b", "ann lee", "222"}, [3]string{"c", "cy", "222"})
	b := f.browser(t)
	b.login(f, "ann", "case 1")
	if r := b.get("/model"); !strings.Contains(r.body, "No pair has been decided yet.") {
		t.Errorf("model page before any decision: %s", r.body)
	}
	f.put(t, "sec", "d", "ann lee", "999")
	for _, d := range [][3]string{{"pub/a", "pub/b", "same"}, {"pub/b", "pub/c", "different"}, {"pub/a", "sec/d", "different"}} {
		if r := f.call(t, "ann", "case 1", "POST", "/v1/decisions", map[string]any{"a": d[0], "b": d[1], "verdict": d[2]}); r.status != 200 {
			t.Fatalf("decide %v: %d %s", d, r.status, r.body)
		}
	}
	// Each pair agrees on one feature: p 0.82, in the review band.
	row := func(same, different int, share string) string {
		return fmt.Sprintf(`0.80 to 0.90 (review)</th><td class="num">%d</td><td class="num">%d</td><td class="num">0</td><td class="num">%s</td>`, same, different, share)
	}
	other := f.browser(t)
	other.login(f, "out", "")
	for _, c := range []struct {
		b    *browser
		want string
	}{{b, row(1, 2, "33%")}, {other, row(1, 1, "50%")}} {
		if r := c.b.get("/model"); r.status != 200 || !strings.Contains(r.body, c.want) {
			t.Errorf("model page: %d, want %s in %s", r.status, c.want, r.body)
		}
	}
}

// GET /v1/review/groups: the queue grouped by record in doubt, as the
// workbench groups it, filtered as the queue is.
func TestAPIReviewGroups(t *testing.T) {
	f := reviewFixture(t, [3]string{"a", "ann lee", "111"}, [3]string{"b", "ann lee", "222"}, [3]string{"c", "cy", "222"})
	var out struct {
		Groups []live.ReviewGroup `json:"groups"`
		Pairs  int                `json:"pairs"`
		More   bool               `json:"more"`
	}
	f.call(t, "ann", "x", "GET", "/v1/review/groups", nil).decode(t, &out)
	if len(out.Groups) != 1 || out.Groups[0].Record.String() != "pub/b" || len(out.Groups[0].Pairs) != 2 || out.Pairs != 2 || out.More {
		t.Errorf("review groups: %+v", out)
	}
	f.call(t, "ann", "x", "GET", "/v1/review/groups?source=nosuch", nil).decode(t, &out)
	if len(out.Groups) != 0 || out.Pairs != 0 {
		t.Errorf("review groups of a source with none: %+v", out)
	}
	if r := f.call(t, "ann", "x", "GET", "/v1/review/groups?limit=0", nil); r.status != http.StatusUnprocessableEntity {
		t.Errorf("limit 0: %d", r.status)
	}
	// In pages: pub/b's group of two, then dee's of one, then none.
	f.put(t, "pub", "d", "dee", "444")
	f.put(t, "pub", "e", "dee", "555")
	var page struct {
		Groups []live.ReviewGroup `json:"groups"`
		Next   string             `json:"next"`
	}
	var seen []string
	next := ""
	for range 3 {
		page.Next = ""
		f.call(t, "ann", "x", "GET", "/v1/review/groups?limit=1&after="+next, nil).decode(t, &page)
		for _, g := range page.Groups {
			seen = append(seen, fmt.Sprintf("%s:%d", g.Record, len(g.Pairs)))
		}
		if next = page.Next; next == "" {
			break
		}
	}
	if strings.Join(seen, " ") != "pub/b:2 pub/d:1" || next != "" {
		t.Errorf("groups page by page: %v (next %q)", seen, next)
	}
	if r := f.call(t, "ann", "x", "GET", "/v1/review/groups?after=forged", nil); r.status == http.StatusOK {
		t.Errorf("a forged cursor: %d", r.status)
	}
}

// POST /v1/decisions/batch: the pairs of a record in doubt decided at
// once, all or none; a pair the reviewer may not see is not found and
// decides nothing.
func TestAPIDecideAll(t *testing.T) {
	f := reviewFixture(t, [3]string{"a", "ann lee", "111"}, [3]string{"b", "ann lee", "222"}, [3]string{"c", "cy", "222"})
	f.put(t, "sec", "s", "cy", "222")
	batch := func(pairs ...[3]string) map[string]any {
		var ds []map[string]string
		for _, p := range pairs {
			ds = append(ds, map[string]string{"a": p[0], "b": p[1], "verdict": p[2]})
		}
		return map[string]any{"decisions": ds}
	}
	before := f.reviews(t)
	if !slices.Contains(before, "pub/a pub/b") || !slices.Contains(before, "pub/b pub/c") {
		t.Fatalf("review queue %v: want the pairs of pub/b", before)
	}
	for _, tc := range []struct {
		who    string
		body   map[string]any
		status int
	}{
		{"out", batch([3]string{"pub/a", "pub/b", "different"}, [3]string{"pub/c", "sec/s", "same"}), http.StatusNotFound},
		{"ann", batch([3]string{"pub/a", "pub/b", "different"}, [3]string{"pub/b", "pub/nosuch", "same"}), http.StatusNotFound},
		{"ann", batch([3]string{"pub/a", "pub/b", "different"}, [3]string{"pub/b", "pub/b", "same"}), http.StatusUnprocessableEntity},
		{"ann", batch([3]string{"pub/a", "pub/b", "different"}, [3]string{"pub/b", "pub/c", "maybe"}), http.StatusUnprocessableEntity},
		{"ann", batch(), http.StatusUnprocessableEntity},
	} {
		if r := f.call(t, tc.who, "", "POST", "/v1/decisions/batch", tc.body); r.status != tc.status {
			t.Errorf("%s, %v: %d %s, want %d", tc.who, tc.body, r.status, r.body, tc.status)
		}
	}
	if got := f.reviews(t); !slices.Equal(got, before) {
		t.Fatalf("refused batches changed the queue: %v, was %v", got, before)
	}
	var out struct {
		Changes []struct {
			Record record.Key      `json:"record"`
			Entity record.EntityID `json:"entity"`
			Audit  int64           `json:"audit"`
		} `json:"changes"`
	}
	r := f.call(t, "ann", "", "POST", "/v1/decisions/batch", batch([3]string{"pub/a", "pub/b", "different"}, [3]string{"pub/c", "pub/b", "same"}))
	if r.status != 200 {
		t.Fatalf("batch: %d %s", r.status, r.body)
	}
	r.decode(t, &out)
	if len(out.Changes) != 2 || out.Changes[0].Record.String() != "pub/a" || out.Changes[1].Record.String() != "pub/c" || out.Changes[1].Audit != out.Changes[0].Audit+1 {
		t.Fatalf("changes: %+v", out.Changes)
	}
	if f.entityOf(t, "pub/a") == f.entityOf(t, "pub/b") || f.entityOf(t, "pub/c") != f.entityOf(t, "pub/b") || out.Changes[1].Entity != f.entityOf(t, "pub/b") {
		t.Error("the decisions did not hold: pub/a apart from pub/b, pub/c with it")
	}
	for _, p := range f.reviews(t) {
		if p == "pub/a pub/b" || p == "pub/b pub/c" {
			t.Errorf("decided pair %s still in review", p)
		}
	}
}

// The review queue in a spreadsheet, from the workbench: downloaded as
// CSV in the page's order (the reader's view: no pair of a source it may
// not see), filled in, and sent back; a file with a row that cannot be
// decided — a record the reader may not see among them — decides none.
func TestWorkbenchReviewFile(t *testing.T) {
	f := reviewFixture(t, [3]string{"a", "ann lee", "111"}, [3]string{"b", "ann lee", "222"}, [3]string{"c", "cy", "222"})
	f.put(t, "sec", "s", "cy", "222")
	b := f.browser(t)
	csrf := b.login(f, "out", "")
	if r := b.get("/review"); !strings.Contains(r.body, `action="/review/file"`) || !strings.Contains(r.body, `enctype="multipart/form-data"`) {
		t.Fatalf("the review page has no form for a file: %s", r.body)
	}
	dl := b.get("/review/queue.csv?order=record")
	if dl.status != 200 || !strings.Contains(dl.header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(dl.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("queue download: %d %v", dl.status, dl.header)
	}
	rows, err := csv.NewReader(strings.NewReader(dl.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "record_in_doubt" || rows[0][len(rows[0])-2] != "verdict" || len(rows) != 3 || strings.Contains(dl.body, "sec") {
		t.Fatalf("the queue by record, as out sees it: %q", rows)
	}
	verdict := len(rows[0]) - 2
	// A file naming sec/s, which out may not see: not found, nothing decided.
	before := f.reviews(t)
	bad := "source_a,record_id_a,source_b,record_id_b,verdict\npub,a,pub,b,same\npub,c,sec,s,same\n"
	r := b.upload("/review/file", url.Values{"csrf": {csrf}}, "file", "mine.csv", bad)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "mine.csv:3: record_id_b: record sec/s is not in the store") {
		t.Errorf("a file with a record out may not see: %d %s", r.status, r.body)
	}
	if got := f.reviews(t); !slices.Equal(got, before) {
		t.Fatalf("a refused file changed the queue: %v, was %v", got, before)
	}
	// A file over the bound, CSRF, and a principal who may not decide.
	if r := b.upload("/review/file", url.Values{"csrf": {csrf}}, "file", "big.csv", strings.Repeat("x", 9<<20)); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "larger than 8 MiB") {
		t.Errorf("a file over 8 MiB: %d", r.status)
	}
	if r := b.upload("/review/file", url.Values{"csrf": {"forged"}}, "file", "q.csv", dl.body); r.status != http.StatusForbidden {
		t.Errorf("a forged token: %d", r.status)
	}
	adm := f.browser(t)
	admCSRF := adm.login(f, "adm", "case")
	if r := adm.upload("/review/file", url.Values{"csrf": {admCSRF}}, "file", "q.csv", dl.body); r.status != http.StatusForbidden {
		t.Errorf("a principal who may not decide: %d", r.status)
	}
	// The first pair same, the other left, the file sent with semicolons.
	rows[1][verdict] = "same"
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	w.Comma = ';'
	w.WriteAll(rows)
	r = b.upload("/review/file", url.Values{"csrf": {csrf}, "comment": {"the sheet"}}, "file", "queue.csv", sb.String())
	if r.status != 200 || !strings.Contains(r.body, "queue.csv: 1 decided: 1 same, 0 different, 0 unsure; 1 left in review.") {
		t.Fatalf("a filled-in file: %d %s", r.status, r.body)
	}
	pair := rows[1][2] + "/" + rows[1][3] + " " + rows[1][4] + "/" + rows[1][5]
	for _, p := range f.reviews(t) {
		if p == pair {
			t.Errorf("decided pair %s still in review", p)
		}
	}
	a, bb, _ := strings.Cut(pair, " ")
	if f.entityOf(t, a) != f.entityOf(t, bb) {
		t.Errorf("%s and %s judged the same are apart", a, bb)
	}
}

// reviews returns the review queue as "A B" pairs, read through the API.
func (f *fixture) reviews(t *testing.T) []string {
	t.Helper()
	var q struct {
		Items []record.Review `json:"items"`
	}
	f.call(t, "ann", "x", "GET", "/v1/review?limit=1000", nil).decode(t, &q)
	var out []string
	for _, it := range q.Items {
		out = append(out, it.A.String()+" "+it.B.String())
	}
	return out
}

// entityOf returns the entity of a stored record, read through the API.
func (f *fixture) entityOf(t *testing.T, key string) record.EntityID {
	t.Helper()
	var rec live.StoredRecord
	f.call(t, "ann", "x", "GET", "/v1/records/"+key, nil).decode(t, &rec)
	return rec.Entity
}

// A cleared reader who logged in without a purpose sees the labelled
// sources once it states one, and only once.
func TestWorkbenchPurposeLater(t *testing.T) {
	f := newFixture(t)
	f.put(t, "sec", "d", "dora", "555")
	var d live.StoredRecord
	f.call(t, "adm", "x", "GET", "/v1/records/sec/d", nil).decode(t, &d)
	b := f.browser(t)
	csrf := b.login(f, "ann", "")
	if r := b.get("/"); !strings.Contains(r.body, `action="/purpose"`) {
		t.Errorf("no purpose form for a cleared reader without one: %s", r.body)
	}
	if r := b.get("/entities/" + string(d.Entity)); r.status != http.StatusNotFound {
		t.Errorf("sec's entity before a purpose: %d", r.status)
	}
	if r := b.post("/purpose", url.Values{"csrf": {"forged"}, "purpose": {"case 9"}}); r.status != http.StatusBadRequest {
		t.Errorf("a purpose with a forged token: %d", r.status)
	}
	if r := b.post("/purpose", url.Values{"csrf": {csrf}, "purpose": {"case 9"}}); r.status != http.StatusSeeOther {
		t.Errorf("stating a purpose: %d %s", r.status, r.body)
	}
	if r := b.get("/entities/" + string(d.Entity)); r.status != 200 || !strings.Contains(r.body, "dora") || strings.Contains(r.body, `action="/purpose"`) {
		t.Errorf("sec's entity after the purpose: %d %s", r.status, r.body)
	}
	if r := b.post("/purpose", url.Values{"csrf": {csrf}, "purpose": {"another"}}); r.status != http.StatusBadRequest {
		t.Errorf("a second purpose: %d", r.status)
	}
	// A reader without clearance is not asked.
	o := f.browser(t)
	o.login(f, "out", "")
	if r := o.get("/"); strings.Contains(r.body, `action="/purpose"`) {
		t.Error("a purpose form for a reader with no clearance")
	}
}

// A session ends when the API key that opened it is revoked.
func TestWorkbenchRevokedKey(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login(f, "ann", "")
	if r := b.get("/"); r.status != 200 {
		t.Fatalf("home: %d", r.status)
	}
	// Ann's key replaced by a new one: the old one no longer logs in.
	_, line := server.NewAPIKey("ann")
	keys, err := server.ParseAPIKeys(strings.NewReader(line+"\n"), "keys.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.SetAPIKeys(keys); err != nil {
		t.Fatal(err)
	}
	if r := b.get("/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Errorf("home after the key was revoked: %d", r.status)
	}
}

// Rejected values are kept with their records: the entity page lists
// them, the data page counts them by field and what went wrong, and
// neither shows a hidden source's rejects or a masked field's value.
func TestWorkbenchRejects(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("7", 20000) // longer than a value may be
	f.put(t, "pub", "a", "ann", long)
	f.put(t, "sec", "b", "bob", long+"8")
	var a, b live.StoredRecord
	f.call(t, "adm", "x", "GET", "/v1/records/pub/a", nil).decode(t, &a)
	f.call(t, "adm", "x", "GET", "/v1/records/sec/b", nil).decode(t, &b)
	ann := f.browser(t)
	ann.login(f, "ann", "case 3")
	if r := ann.get("/entities/" + string(a.Entity)); !strings.Contains(r.body, `aria-label="Rejected from record pub/a"`) || !strings.Contains(r.body, "phone (line 1): value kept out: invalid value") {
		t.Errorf("entity page lacks pub/a's rejected phone: %s", r.body)
	}
	// phone is sensitive in sec: ann sees the record, not the value.
	if r := ann.get("/entities/" + string(b.Entity)); !strings.Contains(r.body, "phone (line 1): value kept out: invalid value") || strings.Contains(r.body, "77777") {
		t.Errorf("entity page of sec/b: want its reject, masked: %s", r.body)
	}
	r := ann.get("/quality")
	for _, want := range []string{`<th scope="row">pub</th><td>values</td><td>phone</td>`, `<th scope="row">sec</th><td>values</td><td>phone</td>`,
		// Values filled: the phone written, not usable; the name both.
		"<caption>pub: records holding each feature, of all 1</caption>",
		`<th scope="row">phone</th><td class="num">1 (100%)</td><td class="num">0 (0%)</td>`,
		`<th scope="row">name</th><td class="num">1 (100%)</td><td class="num">1 (100%)</td>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("data page lacks %q: %s", want, r.body)
		}
	}
	if strings.Contains(r.body, "20000") || strings.Contains(r.body, "777") {
		t.Errorf("data page shows a reason's numbers or a value: %s", r.body)
	}
	out := f.browser(t)
	out.login(f, "out", "")
	if r := out.get("/quality"); strings.Contains(r.body, ">sec<") || !strings.Contains(r.body, `<th scope="row">pub</th><td>values</td>`) {
		t.Errorf("data page for a reader without clearance: %s", r.body)
	}
}

// Sessions are the store's: a person logged in through one serving
// process is logged in at another over the same store, and logging out
// at either ends the session at both. The store keeps a digest of the
// session's token, not the token.
func TestWorkbenchSessionsShared(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	csrf := b.login(f, "ann", "case 9")
	hs2 := f.second(t)
	other := &browser{t: t, base: hs2.URL, c: b.c} // the same browser, the other process
	if r := other.get("/"); r.status != http.StatusOK || !strings.Contains(r.body, "ann") || !strings.Contains(r.body, "case 9") {
		t.Fatalf("the session at the other process: %d %s", r.status, r.body)
	}
	u, _ := url.Parse(b.base)
	var token string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "concord_session" {
			token = c.Value
		}
	}
	if token == "" {
		t.Fatal("no session cookie")
	}
	var stored []byte
	for _, p := range []string{f.path, f.path + "-wal"} {
		data, _ := os.ReadFile(p)
		stored = append(stored, data...)
	}
	// The session is there (its purpose is), its token is not.
	if !strings.Contains(string(stored), "case 9") || strings.Contains(string(stored), token) {
		t.Error("the store's files must hold the session but not its token")
	}
	if r := other.post("/logout", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("log-out at the other process: %d", r.status)
	}
	if r := b.get("/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Errorf("the first process after a log-out at the other: %d %s", r.status, r.header.Get("Location"))
	}
}

// TestWorkbenchModelLearned: the model page says what training found in
// the sources' values (a date field's order of day and month, names read
// as party names, a field read as another's feature, fields read as one
// name or one field, a value read as missing), of the sources the reader may see alone, naming no other.
func TestWorkbenchModelLearned(t *testing.T) {
	m := testModel()
	m.DateOrders = []model.DateOrder{
		{Source: "pub", Field: "dob", Order: "day_first", DayFirst: 2822},
		{Source: "sec", Field: "dob", Order: "month_first", MonthFirst: 41, DayFirst: 1},
	}
	m.Placeholders = []model.Placeholder{{Source: "sec", Feature: "phone", Key: "k", Records: 120, Names: 118}}
	m.PartyNames = []model.PartyName{{Source: "pub", Field: "name", Records: 200, Organisations: 20}}
	m.Aliases = []model.FieldAlias{{Source: "pub", Field: "documento", As: "passport", With: "sec", Shared: 12},
		{Source: "sec", Field: "pass_no", As: "passport", With: "pub", Shared: 37, Adds: true}}
	m.NameJoins = []model.NameJoin{{Source: "sec", Fields: []string{"forename", "surname"}, As: "name", Rows: 900, Given: []float64{0.47, 0.06}, OneWord: []float64{1, 0.9}}}
	m.NameUnions = []model.NameUnion{{Source: "pub", Fields: []string{"name", "firm"}, As: "name", Kind: "party", Rows: 640, Together: 2}}
	f := newFixtureWith(t, m)
	for _, tt := range []struct {
		principal string
		want      []string
		not       []string
	}{
		{"ann", []string{"Read from the data", "read day first: 2822 of its dates could only be read so, 0 only the other way", "are read as party names", "20 of the 200 records with one read first were an organisation",
			"read month first: 41 of its dates could only be read so, 1 only the other way", "a value held by 120 records of 118 names is read as missing",
			"its values are read as feature passport: source sec holds 12 of them", "its values are added to those of its feature passport: source pub holds 37 of them",
			"forename, surname", "read as one field, name, their values joined in this order: of the first 900 rows holding one, known given names in 47%, 6% of their values",
			"name, firm", "fields of names no row writes two of are read as one field, name, typed party: of the first 640 rows holding one, 2 held two"}, nil},
		{"out", []string{"read day first: 2822", "20 of the 200 records", "its values are read as feature passport: another source holds 12 of them", "of the first 640 rows"},
			[]string{"month first", "120 records", `<th scope="row">sec</th>`, "source sec", "37 of them", "900 rows"}},
	} {
		b := f.browser(t)
		b.login(f, tt.principal, "model")
		r := b.get("/model")
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s: the model page lacks %q", tt.principal, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(r.body, w) {
				t.Errorf("%s: the model page shows %q of a source not cleared for", tt.principal, w)
			}
		}
	}
}

// TestWorkbenchConflictsExplained: the entity page says which conflict
// joining excused (two typos of the phone most of the entity's records
// hold), and the why-not page why a conflict is not excused (a father's
// two records and his son's two hold two phones equally often).
func TestWorkbenchConflictsExplained(t *testing.T) {
	m := testModel()
	phone := &m.Comparisons[1]
	phone.Exclusive = true
	phone.Levels = []model.Level{
		{LevelSpec: compare.LevelSpec{Label: "exact", Method: compare.MethodExact}, M: 0.7, U: 0.0001},
		{LevelSpec: compare.LevelSpec{Label: "one edit", Method: compare.MethodLevenshtein, Threshold: 1}, M: 0.2, U: 0.002},
		{LevelSpec: compare.LevelSpec{Label: "else", Method: compare.MethodElse}, M: 0.1, U: 0.9979},
	}
	f := newFixtureWith(t, m)
	for _, r := range [][3]string{
		{"w1", "ann lee", "5550123"}, {"w2", "ann lee", "5550123"}, {"w3", "ann lee", "5550123"},
		{"w4", "ann lee", "5550124"}, {"w5", "ann lee", "5550923"}, // each a typo of 5550123, two edits apart
		{"p1", "john smith", "5551000"}, {"p2", "john smith", "5551000"},
		{"j1", "john smith", "7779111"}, {"j2", "john smith", "7779111"},
	} {
		f.put(t, "pub", r[0], r[1], r[2])
	}
	entity := func(id string) string {
		var rec live.StoredRecord
		f.call(t, "ann", "x", "GET", "/v1/records/pub/"+id, nil).decode(t, &rec)
		return string(rec.Entity)
	}
	if entity("w4") != entity("w1") || entity("w5") != entity("w1") || entity("p1") == entity("j1") {
		t.Fatalf("entities: w1 %s, w4 %s, w5 %s; p1 %s, j1 %s: want the w's one entity, p and j two",
			entity("w1"), entity("w4"), entity("w5"), entity("p1"), entity("j1"))
	}
	b := f.browser(t)
	b.login(f, "ann", "case 7")
	if r := b.get("/entities/" + entity("w1")); !strings.Contains(r.body, "disagree outright, excused as two typos of the value most of its records hold") {
		t.Errorf("the entity page does not say which conflict was excused: %s", r.body)
	}
	r := b.get("/whynot?a=" + entity("p1") + "&b=" + entity("j1"))
	if !strings.Contains(r.body, "no value of phone is held by more of their records than any other") {
		t.Errorf("the why-not page does not say why the conflict is not excused: %s", r.body)
	}
}

// The model page shows, for a comparison of party names that weighs the
// legal forms of exact matches, each form's u and what forms that agree
// and disagree add, commonest first, and any other form's; a comparison
// that weighs none shows no such table.
func TestWorkbenchModelForms(t *testing.T) {
	m := testModel()
	m.Comparisons[0].Kind = record.KindParty
	m.Comparisons[0].MFormsAgree, m.Comparisons[0].UFormsAgree = 0.9, 0.3
	m.Comparisons[0].UFormsAgreeOf = map[string]float64{"llc": 0.1, "sa": 0.5}
	f := newFixtureWith(t, m)
	b := f.browser(t)
	b.login(f, "ann", "")
	r := b.get("/model")
	row := func(form string, u float64) string {
		agree, disagree := m.Comparisons[0].FormsWeights(u)
		// (html/template writes a plus sign as &#43;)
		return fmt.Sprintf(`<tr><th scope="row">%s</th><td class="num">%.4g</td><td class="num">%s</td><td class="num">%s</td></tr>`, form, u,
			strings.ReplaceAll(fmt.Sprintf("%+.2f", agree), "+", "&#43;"), fmt.Sprintf("%+.2f", disagree))
	}
	sa, llc, other := strings.Index(r.body, row("<code>sa</code>", 0.5)), strings.Index(r.body, row("<code>llc</code>", 0.1)), strings.Index(r.body, row("any other", 0.3))
	if r.status != 200 || !strings.Contains(r.body, "<caption>Legal forms of name:") || sa < 0 || llc < sa || other < llc {
		t.Errorf("model page: %d, rows at %d %d %d: %s", r.status, sa, llc, other, r.body)
	}
	if strings.Count(r.body, "<caption>Legal forms of") != 1 {
		t.Errorf("a table of legal forms for a comparison that weighs none: %s", r.body)
	}
}
