package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/audit"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	synthset "github.com/concord-er/concord/internal/fixture"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/server"
	"github.com/concord-er/concord/store"
	"github.com/concord-er/concord/store/sqlite"
)

// The leak suite: generated data (the five-source synthetic set) with
// labelled sources and a sensitive feature, served to a principal of each
// clearance, with and without a stated purpose. Every read endpoint is
// called on records and entities of every source; no answer may hold a
// record of a source the principal may not read (its key, or a raw value
// no readable record holds), nor a masked value.
func TestLeakSuite(t *testing.T) {
	ctx := context.Background()
	cfg, _ := synthset.Synth(t, 120)
	res := synthset.Resolve(t, cfg, engine.ResolveOptions{})
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "concord.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := live.Open(ctx, db, live.Options{Model: res.Model})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Import(ctx, res); err != nil {
		t.Fatal(err)
	}
	labels := []string{"internal", "restricted", "secret"}
	sourceLabel := map[string]string{"bank": "restricted", "watchlist": "internal", "companies": "secret"}
	sensitive := map[string][]string{"bank": {"national_id", "dob"}}
	sources := map[string]access.Source{}
	for i, s := range cfg.Sources {
		cfg.Sources[i].Label, cfg.Sources[i].Sensitive = sourceLabel[s.Name], sensitive[s.Name]
		sources[s.Name] = access.Source{Label: sourceLabel[s.Name], Sensitive: sensitive[s.Name]}
	}
	policy, err := access.NewPolicy(labels, sources)
	if err != nil {
		t.Fatal(err)
	}
	roles := []access.Role{access.RoleViewer, access.RoleAnalyst, access.RoleReviewer, access.RoleAdmin}
	principals := []access.Principal{{ID: "none", Roles: roles}}
	for _, c := range labels {
		principals = append(principals, access.Principal{ID: c, Roles: roles, Clearance: c})
	}
	keys := map[string]string{}
	var lines []string
	for _, p := range principals {
		k, line := server.NewAPIKey(p.ID)
		keys[p.ID], lines = k, append(lines, line)
	}
	apiKeys, err := server.ParseAPIKeys(strings.NewReader(strings.Join(lines, "\n")), "keys")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(l, server.Options{Policy: policy, Principals: principals, APIKeys: apiKeys, Sources: cfg.Sources, Kinds: cfg.Kinds()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer func() { ts.Close(); srv.Close(ctx) }()
	f := &fixture{http: ts, keys: keys}
	// Headers count as much as bodies.
	get := func(principal, purpose, path string) string {
		r := f.call(t, principal, purpose, "GET", path, nil)
		return r.body + fmt.Sprint(r.header)
	}

	// Targets: records of every source, their entities, pairs across
	// sources, and screening queries from records of every source.
	rng := rand.New(rand.NewPCG(3, 4))
	bySource := map[string][]record.Record{}
	for _, r := range res.Records {
		bySource[r.Key.Source] = append(bySource[r.Key.Source], r)
	}
	entities, err := l.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sample []record.Record
	for _, src := range cfg.Sources {
		recs := bySource[src.Name]
		for range 10 {
			sample = append(sample, recs[rng.IntN(len(recs))])
		}
	}

	// The audit log names records by digests under the store's secret,
	// and entities by their ids: neither of what a view does not hold may
	// show.
	salt := digestSecret(t, db)
	members := map[record.EntityID][]record.Key{}
	for k, e := range entities {
		members[e] = append(members[e], k)
	}
	for _, p := range principals {
		for _, purpose := range []string{"", "case 7"} {
			v := policy.View(p, purpose)
			forbidden := forbiddenText(res.Records, v)
			for _, r := range res.Records {
				if !v.Record(r.Key) {
					forbidden = append(forbidden, audit.KeyDigest(salt, r.Key))
				}
			}
			for e, keys := range members {
				if !slices.ContainsFunc(keys, v.Record) {
					forbidden = append(forbidden, string(e))
				}
			}
			check := func(what, body string) {
				t.Helper()
				for _, s := range forbidden {
					if strings.Contains(body, s) {
						t.Errorf("%s as %s (purpose %q) shows %q", what, p.ID, purpose, s)
						return
					}
				}
			}
			for i, r := range sample {
				key := r.Key.Source + "/" + r.Key.ID
				body := get(p.ID, purpose, "/v1/records/"+key)
				check("record "+key, body)
				if v.Record(r.Key) && r.Feature("national_id") != nil && len(r.Feature("national_id").Raw) > 0 &&
					v.Masked(r.Key.Source, "national_id") != strings.Contains(body, access.Mask) {
					t.Errorf("record %s as %s: masked %v, but the answer says otherwise: %s", key, p.ID, v.Masked(r.Key.Source, "national_id"), body)
				}
				e := string(entities[r.Key])
				check("entity of "+key, get(p.ID, purpose, "/v1/entities/"+e))
				check("how of "+key, get(p.ID, purpose, "/v1/entities/"+e+"/how"))
				o := sample[(i+7)%len(sample)]
				check("pair "+key, get(p.ID, purpose, "/v1/explain/pair?a="+key+"&b="+o.Key.Source+"/"+o.Key.ID))
				check("why-not "+key, get(p.ID, purpose, "/v1/explain/why-not?a="+e+"&b="+string(entities[o.Key])))
				check("network of "+key, get(p.ID, purpose, "/v1/entities/"+e+"/network?depth=3"))
				check("network path from "+key, get(p.ID, purpose, "/v1/network/path?strongest=true&from="+e+"&to="+string(entities[o.Key])))
				check("network export around "+key, get(p.ID, purpose, "/v1/network/export?format=json&entity="+e))
				// Screening echoes the query's own values: only the
				// candidates and the values they were compared with count.
				q := map[string][]string{}
				for _, ft := range r.Features {
					if len(ft.Raw) > 0 && ft.Raw[0] != "" {
						q[ft.Name] = ft.Raw
					}
				}
				var m struct{ Candidates []live.Candidate }
				json.Unmarshal([]byte(f.call(t, p.ID, purpose, "POST", "/v1/match", map[string]any{"features": q}).body), &m)
				for _, c := range m.Candidates {
					var bs []string
					for _, b := range c.Explanation.Bars {
						bs = append(bs, b.B)
					}
					check("match candidate", fmt.Sprint(c.Record, c.Explanation.B, bs))
				}
			}
			check("review queue", get(p.ID, purpose, "/v1/review?limit=1000"))
			check("review groups", get(p.ID, purpose, "/v1/review/groups?limit=1000"))
			check("network groups", get(p.ID, purpose, "/v1/network/groups?min_size=2&limit=1000"))
			check("network export", get(p.ID, purpose, "/v1/network/export?format=json"))
			check("network export", get(p.ID, purpose, "/v1/network/export?format=gexf"))
			check("changes", get(p.ID, purpose, "/v1/changes?limit=1000"))
			check("whoami", get(p.ID, purpose, "/v1/whoami"))
			check("change stream", stream(t, f, p.ID, purpose))
			check("metrics", get(p.ID, purpose, "/metrics"))
			check("audit verification", get(p.ID, purpose, "/v1/audit/verify"))
			redacted, entries := 0, 0
			for path := "/v1/audit?limit=300"; path != ""; {
				var page struct {
					Entries []struct{ Redacted bool }
					Next    string
				}
				r := f.call(t, p.ID, purpose, "GET", path, nil)
				check("audit log", r.body+fmt.Sprint(r.header))
				r.decode(t, &page)
				for _, e := range page.Entries {
					entries++
					if e.Redacted {
						redacted++
					}
				}
				path = ""
				if page.Next != "" {
					path = "/v1/audit?limit=300&after=" + page.Next
				}
			}
			// Who holds every source sees the log as it is; who does
			// not, without the records it does not hold.
			holdsAll := !slices.ContainsFunc(cfg.Sources, func(s config.Source) bool { return !v.Source(s.Name) })
			if entries == 0 || (redacted == 0) != holdsAll {
				t.Errorf("audit log as %s (purpose %q): %d of %d entries redacted; holds every source: %v", p.ID, purpose, redacted, entries, holdsAll)
			}
		}
	}
}

// stream reads the change feed's Server-Sent Events for a second: what
// it sends at once (every past event the reader may see), headers
// included.
func stream(t *testing.T, f *fixture, principal, purpose string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(f.request(ctx, principal, purpose, "GET", "/v1/changes/stream", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body) // ends with the deadline
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "data: ") {
		t.Errorf("change stream as %s: %d, %.200s", principal, resp.StatusCode, body)
	}
	return string(body) + fmt.Sprint(resp.Header)
}

// digestSecret reads the secret of the store's record digests.
func digestSecret(t *testing.T, st store.Store) []byte {
	t.Helper()
	tx, err := st.Begin(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	salt, err := tx.Meta(context.Background(), "audit_salt")
	if err != nil {
		t.Fatal(err)
	}
	return salt
}

// forbiddenText lists what no answer to view may hold: the key of every
// record it may not read (as JSON writes it), and each raw value of such
// a record, or of a masked feature, that no record it reads shows.
func forbiddenText(recs []record.Record, v access.View) []string {
	shown := map[string]bool{}
	for _, r := range recs {
		if !v.Record(r.Key) {
			continue
		}
		for _, f := range r.Features {
			if !v.Masked(r.Key.Source, f.Name) {
				for _, raw := range f.Raw {
					shown[raw] = true
				}
				for _, val := range f.Values {
					shown[val.Norm] = true
				}
			}
		}
	}
	var shownText strings.Builder // every shown value, to find a hidden one inside a shown one
	for s := range shown {
		shownText.WriteString(s)
		shownText.WriteByte(0)
	}
	all := shownText.String()
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if len(s) >= 5 && !seen[s] && !shown[s] && !strings.Contains(all, s) {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, r := range recs {
		visible := v.Record(r.Key)
		if !visible {
			k, _ := json.Marshal(r.Key)
			out = append(out, string(k))
		}
		for _, f := range r.Features {
			if visible && !v.Masked(r.Key.Source, f.Name) {
				continue
			}
			for _, raw := range f.Raw {
				add(raw)
			}
			for _, val := range f.Values {
				add(val.Norm)
			}
		}
	}
	return out
}
