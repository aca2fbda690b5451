# InfluxDB 1.x (Debian package `influxdb`) for the InfluxDataProvider tests (tests/Gordo.Tests/Data).
# Installs influxdb and curl if missing, starts influxd on 127.0.0.1 with authentication on,
# creates the test admin user, and exports GORDO_TEST_INFLUX_URI (Gordo's uri format
# <user>:<password>@<host>:<port>/<db>). Idempotent: a server already answering is reused.
# Sourced by .ci/run (set -euo pipefail is active).

gordo_influx_port="${GORDO_INFLUX_PORT:-18086}"
gordo_influx_dir="${TMPDIR:-/tmp}/gordo-influxdb"

if ! command -v influxd >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq influxdb curl >/dev/null
fi

if ! curl -sf -o /dev/null "http://127.0.0.1:${gordo_influx_port}/ping"; then
  mkdir -p "$gordo_influx_dir"
  influxd config 2>/dev/null \
    | sed -e "s#/var/lib/influxdb#${gordo_influx_dir}#g" \
          -e "s#^bind-address = .*#bind-address = \"127.0.0.1:$((gordo_influx_port + 2))\"#" \
          -e "s#^  bind-address = \":8086\"#  bind-address = \"127.0.0.1:${gordo_influx_port}\"#" \
          -e "s#^  auth-enabled = false#  auth-enabled = true#" \
    > "$gordo_influx_dir/influxdb.conf"
  nohup influxd -config "$gordo_influx_dir/influxdb.conf" > "$gordo_influx_dir/influxd.log" 2>&1 &
  for _ in $(seq 1 60); do
    curl -sf -o /dev/null "http://127.0.0.1:${gordo_influx_port}/ping" && break
    sleep 0.5
  done
  curl -sf -o /dev/null "http://127.0.0.1:${gordo_influx_port}/ping" \
    || { echo "influxd did not start; see $gordo_influx_dir/influxd.log"; exit 1; }
  # The first admin user may be created without credentials.
  curl -s -o /dev/null -XPOST "http://127.0.0.1:${gordo_influx_port}/query" \
    --data-urlencode "q=CREATE USER gordo WITH PASSWORD 'gordo-test' WITH ALL PRIVILEGES" || true
fi

export GORDO_TEST_INFLUX_URI="gordo:gordo-test@127.0.0.1:${gordo_influx_port}/gordo_test"
