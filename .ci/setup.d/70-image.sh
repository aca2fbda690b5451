# The container image (Dockerfile) for the image test (tests/Gordo.Tests/Image, .ci/image/test.sh):
# installs podman and mmdebstrap if missing, builds the image with `dotnet fsi build.fsx image`
# (local Debian bases on first use, since standard base images cannot be pulled here) and exports
# GORDO_TEST_IMAGE, the image reference (the target's last line). Sourced by .ci/run.

gordo_image_missing=""
command -v podman >/dev/null 2>&1 || gordo_image_missing="$gordo_image_missing podman"
command -v mmdebstrap >/dev/null 2>&1 || gordo_image_missing="$gordo_image_missing mmdebstrap"

if [ -n "$gordo_image_missing" ]; then
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $gordo_image_missing >/dev/null
fi

gordo_image_log="${TMPDIR:-/tmp}/gordo-image-build.log"
gordo_image_start=$SECONDS
dotnet fsi build.fsx image > "$gordo_image_log" 2>&1 \
  || { tail -n 40 "$gordo_image_log"; echo "the image build failed; see $gordo_image_log"; exit 1; }
GORDO_TEST_IMAGE="$(tail -n 1 "$gordo_image_log")"
export GORDO_TEST_IMAGE
echo "built $GORDO_TEST_IMAGE in $((SECONDS - gordo_image_start)) s (log: $gordo_image_log)"
