#!/usr/bin/env bash
# The container commands behind scripts/deploy-conductor.sh, on Docker Compose (docker/compose.yaml). Tests put a
# stand-in in its place through CONDUCTOR_CONTROL (one that runs the conductor as a plain process).
#
#   conductor-control.sh fetch TAG [ARCHIVE]  conductor and worker images TAG: docker load ARCHIVE, else pull what is missing
#   conductor-control.sh current              prints the tag of the running conductor container; nothing when none runs
#   conductor-control.sh start [TAG]          (re)creates and starts the conductor on TAG (default: the last one started)
#   conductor-control.sh stop                 stops the conductor container (SIGTERM: it exits promptly; its workers
#                                             keep running and the next conductor re-adopts them)
#
# Environment: CONDUCTOR_ENV_FILE (default /etc/agent-conductor/conductor.env: CONDUCTOR_IMAGE, WORKER_IMAGE,
# DOCKER_GID and the conductor's own settings), CONDUCTOR_DATA_DIR (default /var/lib/agent-conductor),
# CONDUCTOR_COMPOSE_FILE (default docker/compose.yaml of this checkout).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
env_file="${CONDUCTOR_ENV_FILE:-/etc/agent-conductor/conductor.env}"
data="${CONDUCTOR_DATA_DIR:-/var/lib/agent-conductor}"
compose_file="${CONDUCTOR_COMPOSE_FILE:-$root/docker/compose.yaml}"
container=agent-conductor
tag_file="$data/DEPLOYED_TAG"

[ -f "$env_file" ] || { echo "conductor-control: no settings file at $env_file (see docker/conductor.env.example)" >&2; exit 2; }

# A value from the settings file (the last KEY=value line), so these scripts and compose read the same images.
setting() { sed -n "s/^$1=//p" "$env_file" | tail -n 1; }
conductor_image="$(setting CONDUCTOR_IMAGE)"; conductor_image="${conductor_image:-agent-conductor/conductor}"
worker_image="$(setting WORKER_IMAGE)"; worker_image="${worker_image:-agent-conductor/worker}"

compose() {
  CONDUCTOR_IMAGE="$conductor_image" WORKER_IMAGE="$worker_image" CONDUCTOR_DATA_DIR="$data" CONDUCTOR_ENV_FILE="$env_file" \
    docker compose --env-file "$env_file" -f "$compose_file" "$@"
}

case "${1:-}" in
  fetch)
    tag="${2:?fetch needs a tag}"
    if [ -n "${3:-}" ]; then
      docker load --input "$3"
    fi
    for image in "$conductor_image:$tag" "$worker_image:$tag"; do
      docker image inspect "$image" > /dev/null 2>&1 || docker pull --quiet "$image"
    done
    ;;
  current)
    # Fails (rather than printing nothing) when the engine cannot be asked.
    image="$(docker ps --filter "name=^$container\$" --filter status=running --format '{{.Image}}')"
    [ -z "$image" ] || printf '%s\n' "${image##*:}"
    ;;
  start)
    tag="${2:-$(cat "$tag_file" 2> /dev/null || true)}"
    [ -n "$tag" ] || { echo "conductor-control: no tag given and none deployed yet ($tag_file)" >&2; exit 2; }
    CONDUCTOR_TAG="$tag" compose up --detach --no-build conductor
    printf '%s\n' "$tag" > "$tag_file"
    ;;
  stop)
    if docker ps --quiet --filter "name=^$container\$" --filter status=running | grep -q .; then
      docker stop --time 120 "$container" > /dev/null
    fi
    ;;
  *)
    echo "usage: conductor-control.sh fetch TAG [ARCHIVE] | current | start [TAG] | stop" >&2
    exit 2
    ;;
esac
