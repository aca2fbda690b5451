# Headless Chromium (Debian `chromium`) for the server's index-page test, and Debian's Python
# stack (python3-requests, python3-pandas) for the Python client compatibility test
# (tests/Gordo.Tests/Server). Idempotent: installs only what is missing. Sourced by .ci/run.

gordo_client_missing=""
command -v chromium >/dev/null 2>&1 || gordo_client_missing="$gordo_client_missing chromium"
/usr/bin/python3 -c "import requests" >/dev/null 2>&1 || gordo_client_missing="$gordo_client_missing python3-requests"
/usr/bin/python3 -c "import pandas" >/dev/null 2>&1 || gordo_client_missing="$gordo_client_missing python3-pandas"

if [ -n "$gordo_client_missing" ]; then
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $gordo_client_missing >/dev/null
fi
