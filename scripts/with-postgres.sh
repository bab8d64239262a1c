#!/usr/bin/env bash
# with-postgres.sh CMD…: runs CMD with a throw-away PostgreSQL server and
# CONCORD_TEST_POSTGRES naming a database in it. The server is Debian's
# (installed with apt-get when missing and run as root), its cluster in a
# temporary directory reached over a Unix socket there (no port to clash
# with), stopped and removed on exit. initdb refuses to run as root: as
# root the cluster belongs to the postgres user.
set -euo pipefail
if [ $# -eq 0 ]; then
	echo "usage: scripts/with-postgres.sh CMD [ARG…]" >&2
	exit 2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "with-postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
		exit 1
	fi
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
PGTMP=$(mktemp -d /tmp/concord-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
	chown postgres:postgres "$PGTMP"
	as_pg=(runuser -u postgres --)
fi
stop() {
	"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast stop >/dev/null 2>&1 || true
	rm -rf "$PGTMP"
}
trap stop EXIT
"${as_pg[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -A trust -U concord -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# Shared buffers: a quarter of the memory, PostgreSQL's advice for a server
# of its own, between 128 MB (its default) and 8 GB. With the default, the
# indexes of a million records (about 0.6 GB) do not fit, and most index
# pages a write touches are read in again from the kernel (docs/scale.md).
# The server takes the memory as pages are used, not at start.
mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
buffers_mb=$((mem_kb / 4 / 1024))
buffers_mb=$((buffers_mb < 128 ? 128 : buffers_mb > 8192 ? 8192 : buffers_mb))
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 60 \
	-o "-c listen_addresses='' -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=${buffers_mb}MB" start >/dev/null
export CONCORD_TEST_POSTGRES="postgres://concord@/postgres?host=$PGTMP&sslmode=disable"
"$@"
