# PostgreSQL (Debian package `postgresql`) for the PostgresReporter tests (tests/Gordo.Tests/Builder).
# Installs postgresql if missing, starts a private cluster on 127.0.0.1 at a non-default port as
# the unprivileged `postgres` user (or the current user when not root), creates the test user and
# database, and exports GORDO_TEST_POSTGRES_{HOST,PORT,USER,PASSWORD,DATABASE}.
# Idempotent: a server already answering on the port is reused. Sourced by .ci/run.

gordo_pg_port="${GORDO_POSTGRES_PORT:-15432}"
gordo_pg_dir="${TMPDIR:-/tmp}/gordo-postgres"

gordo_pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(gordo_pg_bin)" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

gordo_pg_as() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if ! "$(gordo_pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$gordo_pg_port"; then
  mkdir -p "$gordo_pg_dir"
  if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$gordo_pg_dir"; fi
  if [ ! -f "$gordo_pg_dir/data/PG_VERSION" ]; then
    gordo_pg_as "$(gordo_pg_bin)/initdb" -D "$gordo_pg_dir/data" -U postgres \
      --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi
  gordo_pg_as "$(gordo_pg_bin)/pg_ctl" -D "$gordo_pg_dir/data" -l "$gordo_pg_dir/postgres.log" -w \
    -o "-p ${gordo_pg_port} -k ${gordo_pg_dir} -c listen_addresses=127.0.0.1" start >/dev/null \
    || { echo "postgres did not start; see $gordo_pg_dir/postgres.log"; exit 1; }
  gordo_pg_as "$(gordo_pg_bin)/psql" -q -h "$gordo_pg_dir" -p "$gordo_pg_port" -U postgres -d postgres \
    -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gordo') THEN CREATE ROLE gordo LOGIN PASSWORD 'gordo-test'; END IF; END \$\$;" >/dev/null
  if ! gordo_pg_as "$(gordo_pg_bin)/psql" -tA -h "$gordo_pg_dir" -p "$gordo_pg_port" -U postgres -d postgres \
      -c "SELECT 1 FROM pg_database WHERE datname = 'gordo_test'" | grep -q 1; then
    gordo_pg_as "$(gordo_pg_bin)/psql" -q -h "$gordo_pg_dir" -p "$gordo_pg_port" -U postgres -d postgres \
      -c "CREATE DATABASE gordo_test OWNER gordo" >/dev/null
  fi
fi

export GORDO_TEST_POSTGRES_HOST=127.0.0.1
export GORDO_TEST_POSTGRES_PORT="$gordo_pg_port"
export GORDO_TEST_POSTGRES_USER=gordo
export GORDO_TEST_POSTGRES_PASSWORD=gordo-test
export GORDO_TEST_POSTGRES_DATABASE=gordo_test
