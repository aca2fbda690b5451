#!/usr/bin/env bash
# Enters the container image IMAGE (`dotnet fsi build.fsx image` prints its reference) and, as
# the image's non-root user, runs what a workflow runs: `gordo --version`, `gordo validate`,
# `gordo local-build` of .ci/image/test-config.yaml (Dense, PCA and LSTM models), then
# `gordo run-server` on loopback: /healthcheck, a prediction and /metrics (ENABLE_PROMETHEUS)
# answer 200. Also checks the script steps' tools (bash, kubectl, jq, curl) and the Grafana
# dashboard the workflow uploads.
# OCI containers cannot be run on this machine (no cgroups), so the image is entered with
# `podman image mount` + chroot (needs root); its root file system stays read-only (as with
# Kubernetes' readOnlyRootFilesystem), with a tmpfs on /tmp. Usage: .ci/image/test.sh IMAGE [PORT]
set -euo pipefail

image="${1:?usage: .ci/image/test.sh IMAGE [PORT]}"
port="${2:-18555}"
here="$(cd "$(dirname "$0")" && pwd)"

fail() { echo "image test: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (podman image mount, mount, chroot)"
command -v podman >/dev/null || fail "needs podman (Debian package podman)"

user="$(podman image inspect --format '{{.Config.User}}' "$image")"
entrypoint="$(podman image inspect --format '{{json .Config.Entrypoint}}' "$image")"
[ "$entrypoint" = '["gordo"]' ] || fail "entrypoint is $entrypoint, not [\"gordo\"]"
uid="${user%%:*}"
[[ "$uid" =~ ^[0-9]+$ ]] && [ "$uid" != 0 ] || fail "USER '$user' is not a numeric non-root user"
mapfile -t image_env < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image" | sed '/^$/d')

root="$(podman image mount "$image")"
mounts=()
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" || true; done
  podman image unmount "$image" >/dev/null || true
}
trap cleanup EXIT

mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount --bind /dev "$root/dev" && mounts+=("$root/dev")
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp" && mounts+=("$root/tmp")
install -d -o "$uid" "$root/tmp/work"
install -o "$uid" -m 0644 "$here/test-config.yaml" "$root/tmp/work/config.yaml"

# Runs a shell command inside the image as its user, in /tmp/work, with the image's environment.
inside() {
  chroot --userspec="$user" "$root" /usr/bin/env -i "${image_env[@]}" \
    /bin/bash -c "cd /tmp/work && $1"
}

echo "== tools"
inside 'bash --version | head -n 1; kubectl version --client 2>&1 | head -n 1; jq --version; curl --version | head -n 1'
[ "$(inside "echo '{\"t\":\"2024-01-02T03:04:05Z\"}' | jq '.t | fromdate'")" = 1704164645 ] \
  || fail "jq fromdate (the workflow's scripts use it) does not work"
dashboard=/home/gordo/resources/grafana/dashboards/machines.json
inside "jq -e '.dashboard.panels | length > 0' $dashboard" >/dev/null \
  || fail "the Grafana step's $dashboard is missing or has no panels"
echo "$dashboard: a dashboard with panels"

echo "== gordo --version"
expected="gordo ${image##*:}"
version="$(inside 'gordo --version')"
echo "$version"
[ "$version" = "$expected" ] || fail "gordo --version printed '$version', not '$expected'"

echo "== gordo validate"
inside 'gordo validate config.yaml'

echo "== gordo local-build"
start=$SECONDS
inside 'gordo local-build config.yaml --output models' | tee "$root/tmp/work/build.out"
grep -q "3 built, 0 failed" "$root/tmp/work/build.out" || fail "local-build did not build the 3 machines"
echo "built in $((SECONDS - start)) s"

echo "== gordo run-server"
# exec all the way down, so that $! is the server's process.
(exec chroot --userspec="$user" "$root" /usr/bin/env -i "${image_env[@]}" \
  MODEL_COLLECTION_DIR=/tmp/work/models ENABLE_PROMETHEUS=true \
  /bin/bash -c "cd /tmp/work && exec gordo run-server --host 127.0.0.1 --port $port --log-level warning") &
server_pid=$!
for _ in $(seq 1 120); do
  code="$(inside "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/healthcheck" || true)"
  [ "$code" = 200 ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "run-server exited"
  sleep 0.5
done
[ "$code" = 200 ] || fail "/healthcheck answered '$code', not 200"

x='[[0.1, 0.2, 0.3, 0.4], [0.2, 0.3, 0.4, 0.5], [0.3, 0.4, 0.5, 0.6], [0.4, 0.5, 0.6, 0.7], [0.5, 0.6, 0.7, 0.8]]'
post() { # model path, JSON body; prints the status code, then the body
  inside "curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' -d '$2' http://127.0.0.1:$port/gordo/v0/plant/$1"
}
for request in "pump-1/anomaly/prediction|{\"X\": $x, \"y\": $x}|total-anomaly-scaled" \
               "pump-2/prediction|{\"X\": $x}|model-output" \
               "lstm-1/prediction|{\"X\": $x}|model-output"; do
  IFS='|' read -r path body column <<< "$request"
  reply="$(post "$path" "$body")"
  [ "$(tail -n 1 <<< "$reply")" = 200 ] || fail "POST $path: $reply"
  grep -q "$column" <<< "$reply" || fail "POST $path has no '$column': $reply"
  echo "POST $path: 200"
done

metrics="$(inside "curl -sf http://127.0.0.1:$port/metrics")" || fail "/metrics did not answer 200"
for name in gordo_server_info gordo_server_request_duration_seconds gordo_server_requests_total; do
  grep -q "^$name" <<< "$metrics" || fail "/metrics has no $name"
done
echo "/metrics: 200 with Gordo's metric names"
echo "image test: $image passed"
