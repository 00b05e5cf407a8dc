# Sourced by the test command: gives the database tests a PostgreSQL 15. Backstage's TestDatabases
# silently skips PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is unset (we run
# without Docker), so unless the caller already points that variable at a server, this starts a
# throwaway one on a free loopback port, exports the variable and stops the server when the
# sourcing shell exits. Returns non-zero when no server could be started, so the caller can fail
# instead of testing SQLite only. Needs node on PATH (scripts/env.sh) to find a free port.

if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  bluegreen_pg_start() {
    local bin=/usr/lib/postgresql/15/bin sudo_cmd="" run_as=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    if [ ! -x "$bin/pg_ctl" ] || [ ! -x "$bin/initdb" ]; then
      echo "[postgres] apt-get install postgresql-15" >&2
      $sudo_cmd apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null ||
        return 1
    fi

    BLUEGREEN_PG_DIR="$(mktemp -d)" || return 1
    # PostgreSQL refuses to run as root: as root, the server and its files belong to nobody.
    if [ "$(id -u)" -eq 0 ]; then
      chown nobody "$BLUEGREEN_PG_DIR" || return 1
      run_as=("$(command -v runuser || echo /usr/sbin/runuser)" -u nobody --)
    fi

    local port
    port="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')" || return 1

    "${run_as[@]}" "$bin/initdb" -D "$BLUEGREEN_PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$BLUEGREEN_PG_DIR/initdb.log" 2>&1 || {
      cat "$BLUEGREEN_PG_DIR/initdb.log" >&2
      return 1
    }
    # fsync off: the data is thrown away after the run. The socket goes in our own directory since
    # nobody cannot write /var/run/postgresql; the concurrency tests open dozens of connections.
    "${run_as[@]}" "$bin/pg_ctl" -D "$BLUEGREEN_PG_DIR/data" -l "$BLUEGREEN_PG_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $BLUEGREEN_PG_DIR -c max_connections=300 -c fsync=off" \
      start >/dev/null || {
      cat "$BLUEGREEN_PG_DIR/server.log" >&2
      return 1
    }
    BLUEGREEN_PG_STOP=("${run_as[@]}" "$bin/pg_ctl" -D "$BLUEGREEN_PG_DIR/data" -m fast -w stop)
    export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$port/postgres"
    echo "[postgres] PostgreSQL 15 for the tests on 127.0.0.1:$port" >&2
  }

  bluegreen_pg_stop() {
    if [ -n "${BLUEGREEN_PG_STOP+x}" ]; then "${BLUEGREEN_PG_STOP[@]}" >/dev/null 2>&1; fi
    if [ -n "${BLUEGREEN_PG_DIR:-}" ]; then rm -rf "$BLUEGREEN_PG_DIR"; fi
  }

  trap bluegreen_pg_stop EXIT
  if ! bluegreen_pg_start; then
    echo "[postgres] could not start PostgreSQL 15 for the tests (set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to use another server)" >&2
    bluegreen_pg_stop
    false
  fi
fi
