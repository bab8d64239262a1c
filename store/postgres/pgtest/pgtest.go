// Package pgtest gives tests an empty PostgreSQL schema of their own: in
// the database CONCORD_TEST_POSTGRES names (scripts/with-postgres.sh
// starts one and sets it), or else in a throw-away server it starts
// itself when PostgreSQL is installed. A package whose tests use it runs
// them through Main, which stops that server.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable that gives a database to test in.
const EnvURL = "CONCORD_TEST_POSTGRES"

var (
	once     sync.Once
	startURL string
	startErr error
	stopFn   func()
)

// Main runs a package's tests and then stops the server Schema started,
// if it started one: func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if stopFn != nil {
		stopFn()
	}
	return code
}

// URL returns the database the tests may use: CONCORD_TEST_POSTGRES, or a
// server started for this test binary. Without either it skips the test,
// except under CI=true, where a database .ci/run should have made
// available is a failure.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	once.Do(func() {
		var srv *server
		if srv, startErr = start(false); startErr == nil {
			startURL, stopFn = srv.url, srv.stop
		}
	})
	if startErr == nil {
		return startURL
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("no PostgreSQL: %s is not set (.ci/run sets it) and none could be started: %v", EnvURL, startErr)
	}
	t.Skipf("PostgreSQL tests skipped: %s is not set (scripts/with-postgres.sh CMD sets it) and none could be started: %v", EnvURL, startErr)
	return ""
}

// server is a throw-away PostgreSQL server.
type server struct {
	url  string
	stop func()                     // stops it and removes its files
	ctl  func(args ...string) error // runs pg_ctl on its data
}

// start runs initdb and pg_ctl of the newest PostgreSQL installed, as
// scripts/with-postgres.sh does; durable: with synchronous commits.
func start(durable bool) (*server, error) {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		return nil, errors.New("no initdb in /usr/lib/postgresql/*/bin")
	}
	slices.SortFunc(bins, func(a, b string) int { return version(a) - version(b) })
	bin := filepath.Dir(bins[len(bins)-1])
	dir, err := os.MkdirTemp("", "concord-pg-")
	if err != nil {
		return nil, err
	}
	// initdb refuses to run as root: as root the cluster belongs to the
	// postgres user.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root without a postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w: %s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	srv := &server{url: "postgres://concord@/postgres?host=" + url.QueryEscape(dir) + "&sslmode=disable"}
	commit := "off"
	if durable {
		commit = "on"
	}
	srv.ctl = func(args ...string) error {
		return run("pg_ctl", append([]string{"-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60",
			"-o", "-c listen_addresses='' -k " + dir + " -c fsync=off -c synchronous_commit=" + commit + " -c full_page_writes=off"}, args...)...)
	}
	srv.stop = func() {
		_ = run("pg_ctl", "-D", data, "-m", "fast", "stop") // best effort, at exit
		os.RemoveAll(dir)
	}
	if err := run("initdb", "-D", data, "-A", "trust", "-U", "concord", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := srv.ctl("start"); err != nil {
		srv.stop()
		return nil, err
	}
	return srv, nil
}

// Server starts a PostgreSQL server for one test alone, stopped after it,
// and returns the URL of its database and a function that restarts it as
// a crash would (an immediate stop: no checkpoint, connections cut) with
// its data kept. Its commits are synchronous (with asynchronous commit a
// crash may lose a transaction whose commit was acknowledged, and a test
// of what survives a crash would fail for PostgreSQL's sake, not ours);
// the operating system does not crash, so fsync stays off. Without PostgreSQL installed it skips the test, except
// under CI=true, where it fails.
func Server(t testing.TB) (string, func() error) {
	t.Helper()
	srv, err := start(true)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no PostgreSQL server could be started: %v", err)
		}
		t.Skipf("PostgreSQL tests skipped: no server could be started: %v", err)
	}
	t.Cleanup(srv.stop)
	return srv.url, func() error { return srv.ctl("-m", "immediate", "restart") }
}

// version reads the major version from /usr/lib/postgresql/N/bin/initdb.
func version(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

var schemas atomic.Int64

// Schema creates an empty schema for one test and returns the URL that
// opens a store in it (search_path); the schema is dropped after the test.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("concord_test_%d_%d", os.Getpid(), schemas.Add(1))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
