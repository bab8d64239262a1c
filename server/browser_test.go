package server_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
)

// chrome returns a browser context on Debian's headless Chromium. Without
// Chromium the test is skipped, except under CI=true (.ci/run installs it).
func chrome(t *testing.T) context.Context {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: .ci/run installs it (apt-get install chromium)")
		}
		t.Skip("browser tests skipped: chromium is not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800))
	// No timeout on the context that starts the browser (it would stop
	// it); the test's own deadline bounds it.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return ctx
}

// html returns the outer HTML of the first element sel matches.
func html(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return s
}

// waitText returns the page's main once it holds text (polling: a page
// that is about to be replaced may match a selector still), or fails.
func waitText(t *testing.T, ctx context.Context, text string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		main, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
		if err == nil && strings.Contains(main, text) {
			return main
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q on the page: %s (%v)", text, main, err)
		}
	}
}

// do runs steps, failing the test on an error, within a minute.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// A reviewer in a real browser: log in, search, open the entity, its pair
// waterfall, and decide a pair with the keyboard alone.
func TestBrowserWorkbench(t *testing.T) {
	ctx := chrome(t)
	m := testModel()
	m.Thresholds.Match = 0.9 // one agreement (p 0.82) goes to review
	f := newFixtureWith(t, m)
	f.put(t, "pub", "a", "ann lee", "111")
	f.put(t, "pub", "b", "ann lee", "222")
	f.put(t, "pub", "c", "bob", "333")
	f.put(t, "sec", "d", "dora", "999222")
	do(t, ctx,
		chromedp.Navigate(f.http.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), f.keys["ann"]),
		chromedp.SendKeys(chromedp.ID("purpose"), "case 7"+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "ann lee"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`table a[href^="/entities/"]`)),
		chromedp.Click(chromedp.CSS(`table a[href^="/entities/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.lineage`)),
	)
	entity := html(t, ctx, "main")
	do(t, ctx, chromedp.Navigate(f.http.URL+"/pairs?a=pub/a&b=pub/b"), chromedp.WaitVisible(chromedp.CSS(`table.waterfall`)))
	pair := html(t, ctx, "main")
	do(t, ctx, chromedp.Navigate(f.http.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`.queue .item.current`)))
	queue := html(t, ctx, "main")
	// Keyboard alone: the first pair is the current one; d decides it.
	do(t, ctx, chromedp.KeyEvent("d"), chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))
	after := html(t, ctx, "main")
	if !strings.Contains(entity, "ann lee") || !strings.Contains(entity, "pub") {
		t.Errorf("entity page: %s", entity)
	}
	if !strings.Contains(pair, "prior") || !strings.Contains(pair, "exact") {
		t.Errorf("pair page: %s", pair)
	}
	if !strings.Contains(queue, "pub/a · pub/b") {
		t.Errorf("review queue: %s", queue)
	}
	if !strings.Contains(after, "different") || strings.Contains(after, "pub/a · pub/b") {
		t.Errorf("after deciding with the keyboard: %s", after)
	}
	// The restricted source is nowhere in the DOM the cleared reader saw
	// for other entities either; a reader without clearance never sees it.
	out := chrome(t)
	do(t, out,
		chromedp.Navigate(f.http.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("token"), f.keys["out"]+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-phone"), "999222"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("h2")),
	)
	dom := html(t, out, "main")
	dom = inputValue.ReplaceAllString(dom, "") // the query's own value
	for _, secret := range []string{"dora", "sec/", ">sec<"} {
		if strings.Contains(dom, secret) {
			t.Errorf("a reader without clearance sees %q: %s", secret, dom)
		}
	}
}

// screenshots, when set, is where TestBrowserAccessibility writes a
// screenshot of each page: go test ./server -run TestBrowserAccessibility
// -args -screenshots "$PWD/docs" regenerates docs/workbench-*.png.
var screenshots = flag.String("screenshots", "", "write a screenshot of each workbench page into this directory")

// axeScript returns axe-core's script (CONCORD_AXE_JS names it; .ci/run
// fetches it from the npm registry). Without it the test is skipped,
// except under CI=true.
func axeScript(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CONCORD_AXE_JS")
	b, err := os.ReadFile(path)
	if path == "" || err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core: CONCORD_AXE_JS=%q: %v (.ci/run sets it)", path, err)
		}
		t.Skipf("accessibility checks skipped: CONCORD_AXE_JS does not name axe-core's axe.min.js (npm pack axe-core)")
	}
	return string(b)
}

// Every page passes axe-core's WCAG 2 A and AA rules, at 1280×800.
func TestBrowserAccessibility(t *testing.T) {
	axe := axeScript(t)
	ctx := chrome(t)
	m := testModel()
	m.Thresholds.Match = 0.9
	f := newFixtureWith(t, m)
	f.put(t, "pub", "a", "ann lee", "111")
	f.put(t, "pub", "b", "ann lee", "222")
	f.put(t, "pub", "c", "ann lee", "111")
	f.put(t, "sec", "d", "dora", "999222")
	f.put(t, "pub", "e", "eve", strings.Repeat("5", 20000)) // a phone rejected: the data view lists it
	// A verdict, which the model view counts; pub/a · pub/b stays in review.
	if r := f.call(t, "ann", "x", "POST", "/v1/decisions", map[string]any{"a": "pub/b", "b": "pub/c", "verdict": "unsure"}); r.status != 200 {
		t.Fatalf("decide: %d %s", r.status, r.body)
	}
	var a live.StoredRecord
	f.call(t, "ann", "x", "GET", "/v1/records/pub/a", nil).decode(t, &a)
	do(t, ctx, chromedp.Navigate(f.http.URL+"/login"), chromedp.WaitVisible(chromedp.ID("token")))
	check := func(name string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
			t.Fatalf("%s: loading axe: %v", name, err)
		}
		// The rules that passed come first, so that a run that checked
		// nothing is seen.
		found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})
			.then(r => [String(r.passes.length)].concat(r.violations.map(v => v.id + ' (' + v.nodes.length + '): ' + v.help)))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: axe: %v", name, err)
		}
		if len(found) == 0 || found[0] == "0" {
			t.Fatalf("%s: axe checked nothing: %v", name, found)
		}
		for _, v := range found[1:] {
			t.Errorf("%s: %s", name, v)
		}
		if *screenshots != "" {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(*screenshots, "workbench-"+name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	check("login")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("token"), f.keys["ann"]), chromedp.SendKeys(chromedp.ID("purpose"), "case 7"+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("f-name")), chromedp.SendKeys(chromedp.ID("f-name"), "ann lee"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`table a[href^="/entities/"]`)))
	check("search")
	for _, p := range []struct{ name, path, wait string }{
		{"entity", "/entities/" + string(a.Entity), "ol.lineage"},
		{"network", "/entities/" + string(a.Entity) + "/network", "h1"},
		{"pair", "/pairs?a=pub/a&b=pub/b", "table.waterfall"},
		{"review", "/review", ".queue .item.current"},
		{"review-groups", "/review?order=record", ".groups .group"},
		{"model", "/model", "table"},
		{"quality", "/quality", "table"},
	} {
		do(t, ctx, chromedp.Navigate(f.http.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		check(p.name)
	}
}

// reviewGroupPage opens, in Chromium, the queue by record in doubt of a
// reviewer whose queue is one group: pub/b, in doubt with pub/a (one name)
// and with pub/c (one phone).
func reviewGroupPage(t *testing.T) (context.Context, *fixture) {
	t.Helper()
	ctx := chrome(t)
	m := testModel()
	m.Thresholds.Match = 0.9 // one agreement goes to review
	f := newFixtureWith(t, m)
	f.put(t, "pub", "a", "ann lee", "111")
	f.put(t, "pub", "b", "ann lee", "222")
	f.put(t, "pub", "c", "cy", "222")
	do(t, ctx,
		chromedp.Navigate(f.http.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("token"), f.keys["ann"]+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.Navigate(f.http.URL+"/review?order=record"),
		chromedp.WaitVisible(chromedp.CSS(`.groups .group`)),
	)
	return ctx, f
}

// A group of the review queue decided in the browser: pub/b, in doubt
// with pub/a and with pub/c, is the same as the one and not the other.
func TestBrowserReviewGroup(t *testing.T) {
	ctx, f := reviewGroupPage(t)
	group := html(t, ctx, "main")
	if !strings.Contains(group, "pub/b: 2 pairs in review") {
		t.Fatalf("review by record: %s", group)
	}
	// Which row is which follows the pairs' weights: choose by the pair.
	same, different := `input[value="same"]`, `input[value="different"]`
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`tr:has(input[name="a"][value="pub/a"]) `+same)),
		chromedp.Click(chromedp.CSS(`tr:has(input[name="b"][value="pub/c"]) `+different)),
		chromedp.SendKeys(chromedp.CSS(`.group input[name="comment"]`), "one customer"),
		chromedp.Click(chromedp.CSS(`.group button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)),
	)
	if after := html(t, ctx, "main"); !strings.Contains(after, "2 decided: 1 same, 1 different") || !strings.Contains(after, "Nothing to review") {
		t.Errorf("after deciding the group: %s", after)
	}
	var a, b, c live.StoredRecord
	f.call(t, "ann", "x", "GET", "/v1/records/pub/a", nil).decode(t, &a)
	f.call(t, "ann", "x", "GET", "/v1/records/pub/b", nil).decode(t, &b)
	f.call(t, "ann", "x", "GET", "/v1/records/pub/c", nil).decode(t, &c)
	if a.Entity != b.Entity || c.Entity == b.Entity {
		t.Errorf("entities after the group: a %s, b %s, c %s", a.Entity, b.Entity, c.Entity)
	}
}

// The queue by record in doubt by keyboard alone: j moves from pair to
// pair, s and d choose verdicts, Enter decides the group.
func TestBrowserReviewGroupKeys(t *testing.T) {
	ctx, f := reviewGroupPage(t)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.groups .item.current`)))
	// Each row's pair: pub/b, the record in doubt, and another.
	var rows [2][2]string
	for i := range rows {
		for j, side := range []string{"a", "b"} {
			v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(fmt.Sprintf(`.groups .item:nth-child(%d) input[name="%s"]`, i+1, side)), "value"))
			if err != nil {
				t.Fatal(err)
			}
			rows[i][j] = v.Value
		}
	}
	other := func(pair [2]string) string {
		if pair[0] == "pub/b" {
			return pair[1]
		}
		return pair[0]
	}
	if o1, o2 := other(rows[0]), other(rows[1]); o1 == o2 || !strings.HasPrefix(o1, "pub/") || !strings.HasPrefix(o2, "pub/") {
		t.Fatalf("the group's rows: %v", rows)
	}
	// The first pair is current, its waterfall open: same; then the
	// second: different; Enter decides the group.
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`details[open]`)),
		chromedp.KeyEvent("s"),
		chromedp.KeyEvent("j"),
		chromedp.WaitVisible(chromedp.CSS(`.groups .item.current:nth-child(2)`)),
		chromedp.KeyEvent("d"),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)),
	)
	if after := html(t, ctx, "main"); !strings.Contains(after, "2 decided: 1 same, 1 different") {
		t.Fatalf("after deciding the group by keyboard: %s", after)
	}
	entity := func(key string) record.EntityID {
		var r live.StoredRecord
		f.call(t, "ann", "x", "GET", "/v1/records/"+key, nil).decode(t, &r)
		return r.Entity
	}
	if b := entity("pub/b"); entity(other(rows[0])) != b || entity(other(rows[1])) == b {
		t.Errorf("after s, j, d, Enter: %s should be with pub/b and %s apart from it", other(rows[0]), other(rows[1]))
	}
}

// Split and merge from the entity page, in the browser: the records part,
// and join again.
func TestBrowserSplitMerge(t *testing.T) {
	ctx := chrome(t)
	f := newFixture(t)
	f.put(t, "pub", "a", "ann lee", "111")
	f.put(t, "pub", "b", "ann lee", "222")
	var a live.StoredRecord
	f.call(t, "ann", "x", "GET", "/v1/records/pub/a", nil).decode(t, &a)
	do(t, ctx,
		chromedp.Navigate(f.http.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("token"), f.keys["ann"]+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.Navigate(f.http.URL+"/entities/"+string(a.Entity)),
		chromedp.WaitVisible(chromedp.ID("split-reason")),
		chromedp.Click(chromedp.CSS(`input[name="record"][value="pub/b"]`)),
		chromedp.SendKeys(chromedp.ID("split-reason"), "two people"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)),
	)
	if after := html(t, ctx, "main"); !strings.Contains(after, "Split: 1 records taken out") || strings.Contains(after, "Record pub/b") {
		t.Fatalf("after the split: %s", after)
	}
	var b live.StoredRecord
	f.call(t, "ann", "x", "GET", "/v1/records/pub/b", nil).decode(t, &b)
	if b.Entity == a.Entity {
		t.Fatal("pub/b is still in the entity after the split")
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.ID("merge-with"), string(b.Entity)),
		chromedp.SendKeys(chromedp.ID("merge-reason"), "the same after all"+kb.Enter),
	)
	// The page before the merge shows a status too: wait for the new one.
	if after := waitText(t, ctx, "Merged"); !strings.Contains(after, "Merged") || !strings.Contains(after, "Record pub/b") || !strings.Contains(after, "Record pub/a") {
		t.Fatalf("after the merge: %s", after)
	}
}
