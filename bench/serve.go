package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/internal/synth"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/server"
)

// ServeOptions configure MeasureServe.
type ServeOptions struct {
	Sizes []int // records stored, about
	// Seconds each phase runs; 0 = 10.
	Seconds int
	// MatchRate is the screening requests a second; 0 = 200.
	MatchRate int
	// Uploads offer UploadRate records a second in requests of Batch rows
	// (open loop) while Readers read entities, each ReaderRate a second;
	// then Uploaders clients post as fast as they are answered (closed
	// loop) with the same readers; 0 = 3000, 32, 50, 20 and 4.
	UploadRate, Batch, Readers, ReaderRate, Uploaders int
	Seed                                              uint64
	Dir                                               string
	Log                                               io.Writer
	// Profile, when set, is started for the uploads-with-readers and
	// reads-alone phases of the largest size, and the function it returns
	// ends it (the command line's CPU profile).
	Profile func() (stop func(), err error)
}

// WithDefaults returns opt with its zero fields set to the defaults.
func (opt ServeOptions) WithDefaults() ServeOptions {
	if opt.Seconds <= 0 {
		opt.Seconds = 10
	}
	if opt.MatchRate <= 0 {
		opt.MatchRate = 200
	}
	if opt.UploadRate <= 0 {
		opt.UploadRate = 3000
	}
	if opt.Readers <= 0 {
		opt.Readers = 50
	}
	if opt.Batch <= 0 {
		opt.Batch = 32
	}
	if opt.ReaderRate <= 0 {
		opt.ReaderRate = 20
	}
	if opt.Uploaders <= 0 {
		opt.Uploaders = 4
	}
	return opt
}

// warmUp is how long screening, and uploads with readers, run before
// they are measured: the clients open their connections (a TLS handshake
// each, which on 2 cores shared with a server just loaded took up to 200
// ms; 50 readers' at once held uploads up for a second) as clients that
// keep their connections would have done long before.
const warmUp = time.Second

// ServeSize is the result of one size.
type ServeSize struct {
	Records int
	// Match is POST /v1/match at MatchRate: its latencies and the rate
	// achieved.
	Match     Latency
	MatchRate float64
	// Upload is POST /v1/records (Batch rows a request) while readers read
	// entities: records a second and the latency of a request; Reads and
	// Read the readers' meanwhile.
	Upload       Latency
	UploadPerSec float64
	ReadsDuring  float64
	ReadDuring   Latency
	// UploadMax is the records a second of Uploaders clients posting
	// back to back while the readers read, and UploadMaxLat their
	// requests' latency.
	UploadMax    float64
	UploadMaxLat Latency
	// Reads is GET /v1/entities/{id} alone, from 8 readers, for a phase
	// from the end of the uploads; ReadsThen for the phase after it. At a
	// million records the reading connections' page caches fill over the
	// first seconds of reading (docs/serve.md), which the first phase may
	// catch.
	Reads, ReadsThen float64
	Read, ReadThen   Latency
	// EntityPage and SearchPage are the workbench's pages, one reader
	// logged in: an entity (GET /entities/{id}) and a search by the raw
	// values of a record (GET /?f.…).
	EntityPage, SearchPage Latency
	// ModelPage and DataPage are the model and data views: the first load
	// (their counts read from the store) and 20 more (counts reused).
	ModelCold, DataCold float64 // ms
	ModelPage, DataPage Latency
	Errors              int64 // requests that failed (non-2xx or transport errors)
	// Collections are the garbage collections that ran during the
	// measured phases (not their warm-ups), screening to reads alone: at
	// a million records one marks for seconds, and whether one falls
	// inside a phase decides much of what the phase measures.
	Collections uint64
}

// gcCycles returns the garbage collections this process has completed.
func gcCycles() uint64 {
	m := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return m[0].Value.Uint64()
}

// MeasureServe measures the HTTP API on loopback, over TLS, as one
// principal with every role: a batch run is imported into a store, the
// server started over it, then screening at a fixed rate, uploads while
// readers read, and reads alone.
func MeasureServe(ctx context.Context, opt ServeOptions) ([]ServeSize, error) {
	opt = opt.WithDefaults()
	server.TuneGC() // as concord serve does
	var out []ServeSize
	for _, n := range opt.Sizes {
		s, err := measureServeSize(ctx, opt, n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func measureServeSize(ctx context.Context, opt ServeOptions, n int) (ServeSize, error) {
	dir := filepath.Join(opt.Dir, fmt.Sprintf("serve%d", n))
	people := int(math.Round(float64(n) / recordsPerPerson))
	logf(opt.Log, "generating %d people (about %d records) in %s", people, n, dir)
	cfgPath, _, err := synth.Write(dir, synth.Options{Seed: opt.Seed, People: people})
	if err != nil {
		return ServeSize{}, fmt.Errorf("generate: %w", err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return ServeSize{}, err
	}
	res, err := engine.Resolve(ctx, cfg, func(engine.Reject) error { return nil }, engine.ResolveOptions{})
	if err != nil {
		return ServeSize{}, err
	}
	s := ServeSize{Records: len(res.Records)}
	db, lv, err := openLive(ctx, filepath.Join(dir, "serve.db"), res)
	if err != nil {
		return s, err
	}
	defer db.Close()
	if err := lv.Import(ctx, res); err != nil {
		return s, err
	}
	// Screening queries: the raw values of records of the people sources.
	rng := rand.New(rand.NewPCG(opt.Seed, 5))
	var queries [][]byte
	for _, i := range rng.Perm(len(res.Records))[:min(2000, len(res.Records))] {
		r := res.Records[i]
		if r.Kind == record.EntityOrganization {
			continue
		}
		f := map[string][]string{}
		for _, ft := range r.Features {
			if len(ft.Raw) > 0 && ft.Raw[0] != "" {
				f[ft.Name] = ft.Raw
			}
		}
		q, _ := json.Marshal(map[string]any{"features": f, "limit": 10})
		queries = append(queries, q)
	}
	res = nil // hold what a server holds
	entities, err := lv.Entities(ctx)
	if err != nil {
		return s, err
	}
	ids := make([]string, 0, len(entities))
	seen := map[record.EntityID]bool{}
	for _, e := range entities {
		if !seen[e] {
			seen[e] = true
			ids = append(ids, string(e))
		}
	}
	entities, seen = nil, nil
	// A server started on the store holds its memory copy and nothing
	// else. This process resolved and imported the records first, and the
	// garbage of that (some 13 GB at a million records, the collector's
	// goal set while the batch run's results were live) would be marked in
	// one collection inside a measured phase, 6.5 s of it: collected now,
	// the phases start from what a server holds.
	runtime.GC()
	rows, err := sourceRows(cfg, 20000)
	if err != nil {
		return s, err
	}
	moveAddresses(cfg, rows)

	policy, err := access.NewPolicy(nil, nil)
	if err != nil {
		return s, err
	}
	key, line := server.NewAPIKey("bench")
	keys, err := server.ParseAPIKeys(strings.NewReader(line), "bench")
	if err != nil {
		return s, err
	}
	srv, err := server.New(lv, server.Options{Policy: policy, APIKeys: keys, Sources: cfg.Sources, Limits: cfg.Limits, Kinds: cfg.Kinds(),
		Principals: []access.Principal{{ID: "bench", Roles: access.Roles}}})
	if err != nil {
		return s, err
	}
	ts := httptest.NewTLSServer(srv.Handler())
	defer func() {
		ts.Close()
		srv.Close(context.Background())
	}()
	client := ts.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	var errs atomic.Int64
	do := func(method, path string, body []byte) time.Duration {
		req, _ := http.NewRequestWithContext(ctx, method, ts.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			errs.Add(1)
			return time.Since(t0)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			errs.Add(1)
		}
		return time.Since(t0)
	}
	phase := time.Duration(opt.Seconds) * time.Second

	// Screening at a fixed rate (open loop: a request starts on time
	// whether or not the ones before have answered).
	logf(opt.Log, "  %d records served; screening at %d/s for %s after %s of the same, not counted", s.Records, opt.MatchRate, phase, warmUp)
	var mu sync.Mutex
	var wg sync.WaitGroup
	screen := func(d time.Duration) (lat []time.Duration, rate float64) {
		tick := time.NewTicker(time.Second / time.Duration(opt.MatchRate))
		start := time.Now()
		for i := 0; time.Since(start) < d; i++ {
			<-tick.C
			wg.Add(1)
			go func(q []byte) {
				defer wg.Done()
				d := do("POST", "/v1/match", q)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}(queries[i%len(queries)])
		}
		tick.Stop()
		wg.Wait()
		return lat, float64(len(lat)) / time.Since(start).Seconds()
	}
	screen(warmUp)
	gc := gcCycles()
	lat, rate := screen(phase)
	s.Collections += gcCycles() - gc
	s.Match, s.MatchRate = latency(lat), rate

	// reader reads random entities until until, one every pace on
	// average (0: as fast as it can). Its reads are due at random times,
	// the gaps between them drawn from the exponential distribution, so
	// that the readers together make a Poisson stream, as people reading
	// independently do. (Due every pace from one start, 50 readers sent
	// 50 reads at once every 50 ms, and the runnable goroutines queued
	// behind each such burst — 30 to 40 for 10 to 30 ms, in an execution
	// trace — held the uploads' writer up with them.) A read due while
	// the one before waits for its answer starts when that one returns.
	var reads atomic.Int64
	reader := func(until time.Time, into *[]time.Duration, seed uint64, pace time.Duration) {
		defer wg.Done()
		r := rand.New(rand.NewPCG(seed, 9))
		next := time.Now()
		for time.Now().Before(until) {
			if pace > 0 {
				if next = next.Add(time.Duration(r.ExpFloat64() * float64(pace))); !next.Before(until) {
					return
				}
				time.Sleep(time.Until(next))
			}
			d := do("GET", "/v1/entities/"+ids[r.IntN(len(ids))], nil)
			reads.Add(1)
			mu.Lock()
			*into = append(*into, d)
			mu.Unlock()
		}
	}
	batch := min(opt.Batch, len(rows))
	upload := func(b int) time.Duration {
		lo := (b * batch) % max(1, len(rows)-batch)
		body, _ := json.Marshal(map[string]any{"records": rows[lo : lo+batch]})
		return do("POST", "/v1/records", body)
	}
	// uploads posts rows for a phase while the readers read: offered at
	// opt.UploadRate records a second (open loop) or, closed, by
	// opt.Uploaders clients each posting as soon as its last post is
	// answered. It returns the requests' latencies and the records and
	// reads a second.
	uploads := func(closed bool, phase time.Duration) (upLat, readLat []time.Duration, perSec, readsPerSec float64) {
		var uploaded atomic.Int64
		reads.Store(0)
		stop := time.Now().Add(phase)
		start := time.Now()
		post := func(b int) {
			d := upload(b)
			uploaded.Add(int64(batch))
			mu.Lock()
			upLat = append(upLat, d)
			mu.Unlock()
		}
		if closed {
			var next atomic.Int64
			for range opt.Uploaders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for time.Now().Before(stop) {
						post(int(next.Add(1)))
					}
				}()
			}
		} else {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Each request at its own time, start + b·every: none
				// is dropped when one is sent late.
				every := time.Second * time.Duration(batch) / time.Duration(opt.UploadRate)
				n := int(math.Ceil(float64(opt.UploadRate) * phase.Seconds() / float64(batch)))
				var inflight sync.WaitGroup
				for b := range n {
					time.Sleep(time.Until(start.Add(time.Duration(b) * every)))
					inflight.Add(1)
					go func() {
						defer inflight.Done()
						post(b)
					}()
				}
				inflight.Wait()
			}()
		}
		for i := range opt.Readers {
			wg.Add(1)
			go reader(stop, &readLat, uint64(i), time.Second/time.Duration(opt.ReaderRate))
		}
		wg.Wait()
		// Rates over the time from the first request offered to the last
		// answered: a server that falls behind the offered rate shows
		// its own rate, not the one it was offered.
		took := time.Since(start).Seconds()
		return upLat, readLat, float64(uploaded.Load()) / took, float64(reads.Load()) / took
	}
	if opt.Profile != nil && n == slices.Max(opt.Sizes) {
		stopProfile, err := opt.Profile()
		if err != nil {
			return s, err
		}
		defer stopProfile()
	}
	logf(opt.Log, "  uploads at %d records/s (%d rows a request) with %d readers at %d/s each for %s after %s of the same, not counted",
		opt.UploadRate, opt.Batch, opt.Readers, opt.ReaderRate, phase, warmUp)
	uploads(false, warmUp)
	var upLat, readLat []time.Duration
	gc = gcCycles()
	upLat, readLat, s.UploadPerSec, s.ReadsDuring = uploads(false, phase)
	s.Upload, s.ReadDuring = latency(upLat), latency(readLat)
	logf(opt.Log, "  uploads by %d clients as fast as they go, with the readers, for %s", opt.Uploaders, phase)
	upLat, _, s.UploadMax, _ = uploads(true, phase)
	s.UploadMaxLat = latency(upLat)

	// Reads alone, twice: a phase as the uploads end, then another.
	logf(opt.Log, "  entity reads alone (8 readers) for %s, then %s more", phase, phase)
	readAlone := func(seed uint64) (Latency, float64) {
		var alone []time.Duration
		reads.Store(0)
		stop := time.Now().Add(phase)
		start := time.Now()
		for i := range 8 {
			wg.Add(1)
			go reader(stop, &alone, seed+uint64(i), 0)
		}
		wg.Wait()
		return latency(alone), float64(reads.Load()) / time.Since(start).Seconds()
	}
	s.Read, s.Reads = readAlone(100)
	s.ReadThen, s.ReadsThen = readAlone(200)
	s.Collections += gcCycles() - gc
	if err := workbenchPages(ctx, ts, key, ids, queries, phase, &s, &errs); err != nil {
		return s, err
	}
	s.Errors = errs.Load()
	logf(opt.Log, "  match p50 %.2f ms p99 %.2f ms at %.0f/s; uploads %.0f records/s p99 %.1f ms with %.0f reads/s, at most %.0f records/s; reads alone %.0f/s, then %.0f/s; %d errors; %d garbage collections during the measured phases",
		s.Match.P50, s.Match.P99, s.MatchRate, s.UploadPerSec, s.Upload.P99, s.ReadsDuring, s.UploadMax, s.Reads, s.ReadsThen, s.Errors, s.Collections)
	return s, nil
}

// workbenchPages logs in to the workbench as a person would and reads
// entity pages, then search pages, one at a time, for phase/2 each.
func workbenchPages(ctx context.Context, ts *httptest.Server, key string, ids []string, queries [][]byte, phase time.Duration, s *ServeSize, errs *atomic.Int64) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: ts.Client().Transport, Jar: jar}
	form, err := client.Get(ts.URL + "/login")
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(form.Body)
	form.Body.Close()
	m := regexp.MustCompile(`name="login" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		return fmt.Errorf("bench: the workbench's log-in form has no token")
	}
	resp, err := client.PostForm(ts.URL+"/login", url.Values{"token": {key}, "purpose": {"bench"}, "login": {string(m[1])}})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("bench: workbench log-in: %s", resp.Status)
	}
	get := func(path string) time.Duration {
		t0 := time.Now()
		resp, err := client.Get(ts.URL + path)
		if err != nil {
			errs.Add(1)
			return time.Since(t0)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			errs.Add(1)
		}
		return time.Since(t0)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var lat []time.Duration
	for stop := time.Now().Add(phase / 2); time.Now().Before(stop) && ctx.Err() == nil; {
		lat = append(lat, get("/entities/"+url.PathEscape(ids[rng.IntN(len(ids))])))
	}
	s.EntityPage = latency(lat)
	lat = nil
	for i, stop := 0, time.Now().Add(phase/2); time.Now().Before(stop) && ctx.Err() == nil; i++ {
		var q struct{ Features map[string][]string }
		json.Unmarshal(queries[i%len(queries)], &q)
		form := url.Values{}
		for name, vs := range q.Features {
			form.Set("f."+name, vs[0])
		}
		lat = append(lat, get("/?"+form.Encode()))
	}
	s.SearchPage = latency(lat)
	views := func(path string) (float64, Latency) {
		cold := get(path)
		var lat []time.Duration
		for range 20 {
			lat = append(lat, get(path))
		}
		return float64(cold.Microseconds()) / 1000, latency(lat)
	}
	s.ModelCold, s.ModelPage = views("/model")
	s.DataCold, s.DataPage = views("/quality")
	return ctx.Err()
}

// sourceRows reads up to limit rows of every source of cfg (CSV files) as
// upload rows: the source's name and its columns.
func sourceRows(cfg *config.Config, limit int) ([]map[string]any, error) {
	var out []map[string]any
	for _, src := range cfg.Sources {
		path := src.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(cfg.Dir, path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		r := csv.NewReader(f)
		header, err := r.Read()
		for n := 0; err == nil && n < limit/len(cfg.Sources); n++ {
			var rec []string
			if rec, err = r.Read(); err == nil {
				row := map[string]any{}
				for i, c := range header {
					row[c] = rec[i]
				}
				out = append(out, map[string]any{"source": src.Name, "row": row})
			}
		}
		f.Close()
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	// Interleave the sources, as a mixed stream would.
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

// moveAddresses changes the address of every row that has one, as for a
// customer who moved: its house number goes up by two, or, without one,
// it gets a unit number. An upload of the rows is then a stream of real
// updates (the record compares and links anew), not of rows the store
// holds already.
func moveAddresses(cfg *config.Config, rows []map[string]any) {
	columns := map[string]string{} // source → its address column
	for _, src := range cfg.Sources {
		for _, f := range src.Fields {
			if f.Type == record.KindAddress && f.Column != "" {
				columns[src.Name] = f.Column
				break
			}
		}
	}
	for _, r := range rows {
		row, _ := r["row"].(map[string]any)
		col, ok := columns[fmt.Sprint(r["source"])]
		v, _ := row[col].(string)
		if !ok || v == "" {
			continue
		}
		number, rest, _ := strings.Cut(v, " ")
		if n, err := strconv.Atoi(number); err == nil {
			row[col] = strconv.Itoa(n+2) + " " + rest
		} else {
			row[col] = v + " unit 2"
		}
	}
}

// ServeMarkdown renders the results as docs/serve.md.
func ServeMarkdown(sizes []ServeSize, opt ServeOptions, machine, command string) string {
	opt = opt.WithDefaults()
	var b strings.Builder
	fmt.Fprintf(&b, `# HTTP API benchmarks

`+"`concord serve`"+`'s API measured on loopback, over TLS 1.3, as one principal holding every
role (so every request is authenticated, authorised, filtered through a view and
recorded in the audit log, as in production). For each size a batch run of synthetic
data (internal/synth) is imported into a store and served, after a garbage collection
(the phases start from what a server started on the store holds, not the import's
garbage); then, %d seconds each:

- *screening*: `+"`POST /v1/match`"+` at %d requests a second (open loop), each query the raw
  values of a stored person record (so it finds candidates), top 10 with explanations,
  measured after one second of the same load (the client's connections opened, as a
  screening client that keeps its connections has them);
- *uploads with readers*: `+"`POST /v1/records`"+` offered %d records a second in requests of
  %d rows (open loop; rows of the source files with their address changed, as for a
  customer who moved: updates of stored records that compare and link anew), while %d
  readers each `+"`GET /v1/entities/{id}`"+` a random entity %d times a second on average, at
  random times (exponential gaps: together a Poisson stream, as people reading
  independently make), measured after one second of the same load (the clients'
  connections opened, as for screening);
- *most uploads with readers*: the same, but %d clients post as soon as their last post
  is answered (closed loop): the most records a second the server takes meanwhile;
- *reads alone*: 8 readers read entities as fast as they can, for one phase as the
  uploads end and then for another (*then*): at a million records the reading
  connections' page caches fill over the first seconds of reading without writes, which
  the first phase may catch; the target must hold in both;
- *workbench pages*: one person logged in to the workbench reads entity pages, then
  search pages (the raw values of a stored record), one after the other, for half the
  time each.

Latencies in milliseconds, client to client; *collections* are the garbage collections
that ran during the measured phases (at a million records one marks for seconds, and a
phase it falls in measures that). The load generator runs in the same
process and on the same cores as the server, which runs with the garbage collector
target `+"`concord serve`"+` sets (GOGC 400; see server.GCPercent). Rates are counted from the
first request offered to the last answered: a server slower than the offered rate shows
its own rate, and requests wait in line, so their latency grows with the phase. An
upload rate a little under the offered one (2,999 of 3,000) is a server that kept up
with what it was offered, at the latency shown; the closed loop shows how much more it
takes.

The development machine is shared, and its speed changes through the day: one build
read 4,385 entities a second alone at 100k records one morning and 7,095–7,345 an hour
and a half later. Compare runs made side by side, not across days.

Machine: %s. Regenerate with:

    %s

| records stored | match p50 | p90 | p99 | match/s | upload records/s | upload request p50 | p99 | reads/s meanwhile | read p99 meanwhile | most upload records/s | request p99 | reads/s alone | then | read p50 | p99 | collections | errors |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
`, opt.Seconds, opt.MatchRate, opt.UploadRate, opt.Batch, opt.Readers, opt.ReaderRate, opt.Uploaders, machine, command)
	for _, s := range sizes {
		fmt.Fprintf(&b, "| %d | **%.2f** | %.2f | **%.2f** | %.0f | %.0f | %.1f | **%.1f** | %.0f | %.1f | **%.0f** | %.1f | **%.0f** | **%.0f** | %.2f | %.2f | %d | %d |\n",
			s.Records, s.Match.P50, s.Match.P90, s.Match.P99, s.MatchRate, s.UploadPerSec, s.Upload.P50, s.Upload.P99,
			s.ReadsDuring, s.ReadDuring.P99, s.UploadMax, s.UploadMaxLat.P99, s.Reads, s.ReadsThen, s.ReadThen.P50, s.ReadThen.P99, s.Collections, s.Errors)
	}
	if len(sizes) == 0 {
		return b.String()
	}
	last := sizes[len(sizes)-1]
	fmt.Fprintf(&b, "\n## Targets, at %d records\n\n| target | measured | |\n|---|---:|---|\n", last.Records)
	fmt.Fprintf(&b, "| screening p50 ≤ 5 ms at %d requests/s | %.2f ms | %s |\n", opt.MatchRate, last.Match.P50, met(last.Match.P50 <= 5))
	fmt.Fprintf(&b, "| screening p99 ≤ 25 ms at %d requests/s | %.2f ms | %s |\n", opt.MatchRate, last.Match.P99, met(last.Match.P99 <= 25))
	fmt.Fprintf(&b, "| uploads ≥ 3,000 records/s while %d readers query | %.0f/s (closed loop) | %s |\n", opt.Readers, last.UploadMax, met(last.UploadMax >= 3000))
	fmt.Fprintf(&b, "| upload request p99 ≤ 50 ms meanwhile, %d records/s offered | %.1f ms | %s |\n", opt.UploadRate, last.Upload.P99, met(last.Upload.P99 <= 50))
	fmt.Fprintf(&b, "| entity reads ≥ 5,000/s, in both phases | %.0f/s, then %.0f/s | %s |\n", last.Reads, last.ReadsThen, met(min(last.Reads, last.ReadsThen) >= 5000))
	fmt.Fprintf(&b, "| no request failed | %d | %s |\n", last.Errors, met(last.Errors == 0))
	b.WriteString("\n## Workbench pages\n\n| records stored | entity page p50 | p99 | search page p50 | p99 | model page first | then p50 | data page first | then p50 |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range sizes {
		fmt.Fprintf(&b, "| %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.1f ms | %.2f ms | %.1f ms | %.2f ms |\n", s.Records, s.EntityPage.P50, s.EntityPage.P99,
			s.SearchPage.P50, s.SearchPage.P99, s.ModelCold, s.ModelPage.P50, s.DataCold, s.DataPage.P50)
	}
	b.WriteString("\nThe model and data pages count the stored pairs by weight, and the values filled in the\n" +
		"first 2,000 records of each source, on their first load (`concord serve` reads them when it\n" +
		"starts, so that people seldom wait for them); later loads reuse the counts, read again in the\n" +
		"background once a minute old.\n")
	return b.String()
}
