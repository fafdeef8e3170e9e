#!/usr/bin/env bash
# Test stand-in for scripts/conductor-control.sh (same verbs): an "image" is a tag and the "container" is the real
# conductor binary run as a process with the arguments in $STANDIN_DIR/conductor.args (one a line). Every call is
# appended to $STANDIN_DIR/calls; each start leaves conductor-<tag>.log and, once it has exited, conductor-<tag>.exit.
# A tag starting with "broken" starts a conductor whose settings are invalid (it exits at once: never healthy), and
# fetching a tag starting with "missing" fails as an unknown image would.
set -euo pipefail

dir="${STANDIN_DIR:?STANDIN_DIR names the stand-in state folder}"
dll="${CONDUCTOR_DLL:?CONDUCTOR_DLL names the conductor binary}"
printf '%s\n' "$*" >> "$dir/calls"

running_pid() {
  local pid
  pid="$(cat "$dir/conductor.pid" 2> /dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then printf '%s' "$pid"; fi
}

stop() {
  local pid
  pid="$(running_pid)"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2> /dev/null || return 0
    sleep 0.1
  done
  echo "stand-in: the conductor $pid did not stop" >&2
  exit 1
}

case "${1:-}" in
  fetch)
    case "${2:?}" in missing*) echo "stand-in: no image $2" >&2; exit 1 ;; esac
    if [ -n "${3:-}" ]; then [ -f "$3" ] || { echo "stand-in: no archive $3" >&2; exit 1; }; fi
    ;;
  current)
    if [ -n "$(running_pid)" ]; then cat "$dir/conductor.tag"; fi
    ;;
  start)
    tag="${2:-$(cat "$dir/DEPLOYED_TAG")}"
    stop   # like compose recreating the container
    mapfile -t args < "$dir/conductor.args"
    case "$tag" in broken*) args+=("--Storage:BusyTimeout=not-a-time") ;; esac
    printf '%s\n' "$tag" > "$dir/conductor.tag"
    printf '%s\n' "$tag" > "$dir/DEPLOYED_TAG"
    rm -f "$dir/conductor.pid" "$dir/conductor-$tag.exit"
    # Its own session (the test stops it with its workers); output to files so no pipe of the caller stays open.
    # shellcheck disable=SC2016 # expanded by the inner shell
    LOG="$dir/conductor-$tag.log" PIDFILE="$dir/conductor.pid" EXITFILE="$dir/conductor-$tag.exit" setsid bash -c '
      dotnet "$@" > "$LOG" 2>&1 &
      echo $! > "$PIDFILE.tmp" && mv "$PIDFILE.tmp" "$PIDFILE"
      wait $! && code=0 || code=$?
      echo "$code" > "$EXITFILE"' _ "$dll" run "${args[@]}" < /dev/null > /dev/null 2>&1 &
    for _ in $(seq 1 100); do [ -s "$dir/conductor.pid" ] && break; sleep 0.05; done
    ;;
  stop)
    stop
    ;;
  *)
    echo "stand-in: unknown verb '${1:-}'" >&2
    exit 2
    ;;
esac
