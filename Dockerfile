# The image every generated workflow runs: `gordo` (builder, server, client) plus the tools the
# workflow's script steps call (bash, kubectl, jq, curl) and the files they hand on (deploy/).
# Build it with `dotnet fsi build.fsx image` (podman, local Debian bases) or with any OCI builder,
# naming the bases (e.g. Microsoft's .NET 10 SDK and runtime-deps images for bookworm):
#   docker build --secret id=nugetconfig,src=$HOME/.nuget/NuGet/NuGet.Config \
#     --build-arg SDK_IMAGE=... --build-arg RUNTIME_IMAGE=... -t gordo-dotnet:VERSION .
# The NuGet configuration is a build secret, so no package feed is written into the image or here.

# A Debian bookworm image with the .NET 10 SDK on PATH (`dotnet fsi build.fsx image` builds one
# from Debian packages and this machine's SDK). The defaults are the local bases it builds.
ARG SDK_IMAGE=localhost/gordo-local/dotnet-sdk:10.0.401
# A Debian bookworm image with apt: the published CLI is self-contained, so it needs only the
# native libraries that .NET's runtime-deps image adds, which the runtime stage installs itself.
ARG RUNTIME_IMAGE=localhost/gordo-local/debian:bookworm

FROM ${SDK_IMAGE} AS publish
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Where a proxy re-signs TLS, NuGet needs that machine's certificate bundle (optional secret
# `cacerts`) and may need `--build-arg NUGET_CERT_REVOCATION_MODE=offline`.
ARG NUGET_CERT_REVOCATION_MODE=online
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY build/TorchSharpNative.targets build/WeakenVersionNeed.cs build/
COPY templates/ templates/
COPY src/ src/
# The package cache is a cache mount, so a warm build restores nothing; ReadyToRun code makes
# short commands (`gordo validate`) start faster. Self-contained, the publish is one composite
# ReadyToRun image of framework and app (src/Gordo.Cli/Gordo.Cli.fsproj): `gordo client`'s fixed
# CPU cost falls by a third (bench/client/README.md).
RUN --mount=type=secret,id=nugetconfig \
    --mount=type=secret,id=cacerts \
    --mount=type=cache,id=gordo-nuget,target=/root/.nuget/packages \
    if [ -s /run/secrets/cacerts ]; then export SSL_CERT_FILE=/run/secrets/cacerts; fi; \
    dotnet publish src/Gordo.Cli -c Release -r linux-x64 --self-contained \
      -p:PublishReadyToRun=true -p:DebugType=none -p:GenerateDocumentationFile=false \
      --configfile /run/secrets/nugetconfig -o /out -nologo -v:q

FROM ${RUNTIME_IMAGE}
# runtime-deps' libraries (libc6, libgcc-s1, libstdc++6, libssl3, zlib1g, ca-certificates; no ICU:
# the CLI runs with invariant globalization) and the script steps' tools. `kubernetes-client` is
# Debian's kubectl.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      bash ca-certificates curl jq kubernetes-client libc6 libgcc-s1 libssl3 libstdc++6 zlib1g \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
# Gordo's user: uid/gid 999, home /home/gordo. USER is numeric so that Kubernetes'
# runAsNonRoot can verify it.
RUN groupadd --system --gid 999 gordo \
 && useradd --system --uid 999 --gid 999 --create-home --home-dir /home/gordo --shell /bin/bash gordo
COPY --from=publish /out/ /opt/gordo/
# Files the workflow hands to third-party containers (the Grafana dashboard): deploy/README.md.
COPY deploy/ /home/gordo/resources/
RUN ln -s /opt/gordo/gordo /usr/local/bin/gordo
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 HOME=/home/gordo
USER 999:999
WORKDIR /home/gordo
ENTRYPOINT ["gordo"]
