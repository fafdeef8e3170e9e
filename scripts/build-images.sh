#!/usr/bin/env bash
# Builds the worker and conductor images (docker/worker.Dockerfile, docker/conductor.Dockerfile).
#
#   scripts/build-images.sh                      on a local Debian base (no registry needed; the default here)
#   scripts/build-images.sh --base official      on the official .NET images (the Dockerfiles' default base)
#   scripts/build-images.sh --base-image IMAGE   on any Debian or Ubuntu image with the .NET runtime dependencies
#   options: --tag TAG (default latest), --rebuild-base (debootstrap the local base again)
#
# The .NET apps are published self-contained for linux-x64 and the pinned Codex CLI is installed with npm here, on
# this machine, into artifacts/docker/<image>/ (the build context each Dockerfile expects), so the images need no
# .NET runtime, SDK or npm registry inside. When no Docker engine answers, the script installs Debian's docker.io
# (as root) and starts dockerd in the background (log: /var/log/dockerd.log). The local base is Debian bookworm from
# debootstrap, imported once as agent-conductor/base:bookworm and reused until --rebuild-base.
set -euo pipefail

step() { echo "== [${SECONDS}s] $*"; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

base=local
base_image=""
tag=latest
rebuild_base=false
local_base=agent-conductor/base:bookworm
debian_mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="${2:?--base needs local or official}"; shift 2 ;;
    --base-image) base=custom; base_image="${2:?--base-image needs an image}"; shift 2 ;;
    --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
    --rebuild-base) rebuild_base=true; shift ;;
    *) echo "build-images: unknown argument $1 (see the top of this script)" >&2; exit 2 ;;
  esac
done
case "$base" in local|official|custom) ;; *) echo "build-images: --base is local or official, not '$base'" >&2; exit 2 ;; esac

apt_updated=false
apt_install() {
  [ "$(id -u)" = 0 ] || { echo "build-images: '$*' is missing; install it (as root: apt-get install $*)" >&2; exit 1; }
  if [ "$apt_updated" = false ]; then
    apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

engine_answers() { docker info >/dev/null 2>&1; }

ensure_engine() {
  engine_answers && return
  command -v dockerd >/dev/null || { step "installing docker.io"; apt_install docker.io; }
  [ "$(id -u)" = 0 ] || { echo "build-images: no Docker engine answers and only root can start one" >&2; exit 1; }
  step "starting dockerd (log: /var/log/dockerd.log)"
  # No bridge and no iptables: this machine has no NAT to set up, and every container and build uses the host's network.
  setsid dockerd --bridge=none --iptables=false --ip-masq=false >>/var/log/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    engine_answers && return
    sleep 0.2
  done
  echo "build-images: dockerd did not answer within 30 s; see /var/log/dockerd.log" >&2
  exit 1
}

# A minimal bookworm with what the official runtime-deps image has for a self-contained .NET app (libc, libstdc++,
# zlib come with minbase; OpenSSL and CA certificates are added). apt's caches and lists are left out of the image.
build_local_base() {
  if [ "$rebuild_base" = false ] && docker image inspect "$local_base" >/dev/null 2>&1; then
    step "local base $local_base exists (--rebuild-base to make it again)"
    return
  fi
  command -v debootstrap >/dev/null || { step "installing debootstrap"; apt_install debootstrap; }
  local rootfs
  rootfs="$(mktemp -d)"
  step "debootstrap bookworm into $rootfs"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$debian_mirror" >"$rootfs.log" 2>&1 \
    || { tail -n 20 "$rootfs.log" >&2; rm -rf "$rootfs"; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname
  step "docker import $local_base"
  tar -C "$rootfs" --numeric-owner -c . | docker import --change 'CMD ["/bin/bash"]' - "$local_base" >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
}

ensure_engine
case "$base" in
  local) build_local_base; base_image="$local_base" ;;
  official) base_image="" ;; # the Dockerfiles' own default
esac
base_arg=()
[ -n "$base_image" ] && base_arg=(--build-arg "BASE_IMAGE=$base_image")

step "publishing (self-contained, linux-x64)"
out="$root/artifacts/docker"
rm -rf "$out/worker" "$out/conductor"
publish() {
  # Its own artifacts path, so the solution's bin/ and obj/ (restored without a runtime identifier) stay as they are.
  dotnet publish "$1" -c Release -r linux-x64 --self-contained --nologo -v q \
    --artifacts-path "$out/build" -o "$2" -p:DebugType=none
}
publish worker "$out/worker/app"
publish conductor "$out/conductor/app"

step "the pinned Codex CLI (docker/codex)"
mkdir -p "$out/worker/codex"
cp docker/codex/package.json docker/codex/package-lock.json "$out/worker/codex/"
npm ci --prefix "$out/worker/codex" --omit=dev --no-audit --no-fund --loglevel=error
codex_version="$(node -p 'require("./docker/codex/package.json").dependencies["@openai/codex"]')"

step "agent-conductor/worker:$tag"
docker build --network host "${base_arg[@]}" --build-arg "CODEX_VERSION=$codex_version" \
  -f docker/worker.Dockerfile -t "agent-conductor/worker:$tag" "$out/worker"
step "agent-conductor/conductor:$tag"
docker build --network host "${base_arg[@]}" -f docker/conductor.Dockerfile -t "agent-conductor/conductor:$tag" "$out/conductor"
# Earlier builds of the two images, now untagged (the build cache stays).
for title in agent-conductor/worker agent-conductor/conductor; do
  docker image prune --force --filter "label=org.opencontainers.image.title=$title" >/dev/null
done
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^agent-conductor/(worker|conductor|base):' || true
