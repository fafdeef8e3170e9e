#!/usr/bin/env bash
# Replaces the conductor on this host without orphaning a worker. Run by scripts/ssm-deploy.sh through SSM, by hand,
# or (--start / --stop) by the systemd unit docker/agent-conductor.service.
#
#   deploy-conductor.sh --tag TAG [--archive FILE] [--drain-timeout SECONDS] [--health-timeout SECONDS]
#     1. makes the images TAG available (loads --archive, else pulls what is missing);
#     2. writes true into the shutdown flag: the running conductor stops intake and launches, and once no job is
#        active it writes its ready file and exits;
#     3. starts the conductor TAG (it holds work while the flag reads true) and checks its health endpoint;
#     4. removes the ready file and writes false: the new conductor takes work.
#     A drain longer than --drain-timeout writes false back (the old conductor resumes) and exits 3. A new conductor
#     that does not become healthy is replaced by the previous one again and the script exits 4.
#     Running it again is safe: TAG already running is only checked and released; an interrupted run's leftovers
#     (flag still true, a stale ready file) are cleaned up.
#   deploy-conductor.sh --start   starts the last deployed tag with a clear flag (boot; systemd ExecStart)
#   deploy-conductor.sh --stop    drains and leaves the conductor stopped (systemd ExecStop)
#
# Environment: CONDUCTOR_DATA_DIR (the folder mounted at /data: flag, ready file; default /var/lib/agent-conductor),
# CONDUCTOR_URL (default http://127.0.0.1:5080), CONDUCTOR_API_KEY (when Api:Key is set), CONDUCTOR_CONTROL (the
# container commands, default scripts/conductor-control.sh), DEPLOY_POLL_SECONDS (default 2), DEPLOY_SETTLE_SECONDS
# (how long a written flag may take to be seen: more than Shutdown:PollInterval; default 10).
# Exit codes: 0 done, 2 usage, 3 drain timed out (rolled back), 4 new conductor unhealthy (rolled back), 5 other.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
control_command="${CONDUCTOR_CONTROL:-$here/conductor-control.sh}"
data="${CONDUCTOR_DATA_DIR:-/var/lib/agent-conductor}"
url="${CONDUCTOR_URL:-http://127.0.0.1:5080}"
poll="${DEPLOY_POLL_SECONDS:-2}"
settle="${DEPLOY_SETTLE_SECONDS:-10}"
flag="$data/IS_CONDUCTOR_SHUTTING_DOWN"
ready="$data/CONDUCTOR_READY_FOR_SAFE_SHUTDOWN"
exit_grace=60     # seconds a drained conductor gets to exit after writing its ready file
report_every=30   # seconds between progress lines while draining

mode="" tag="" archive="" drain_timeout=3600 health_timeout=120 interrupted="" resumed=""

log() { printf '%s deploy: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { local code="$1"; shift; log "FAILED: $*" >&2; exit "$code"; }
usage() { echo "usage: deploy-conductor.sh --tag TAG [--archive FILE] [--drain-timeout S] [--health-timeout S] | --start | --stop [--drain-timeout S]" >&2; exit 2; }
# The container commands; a failure ends the deploy (inside $(...) only the subshell: callers add "|| exit 5").
control() { "$control_command" "$@" 9>&- || fail 5 "the container command '$control_command $*' failed"; }
running_tag() { control current; }

while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="${2:-}"; mode=deploy; shift 2 || usage ;;
    --archive) archive="${2:-}"; shift 2 || usage ;;
    --drain-timeout) drain_timeout="${2:-}"; shift 2 || usage ;;
    --health-timeout) health_timeout="${2:-}"; shift 2 || usage ;;
    --start) mode=start; shift ;;
    --stop) mode=stop; shift ;;
    *) usage ;;
  esac
done
[ -n "$mode" ] || usage
[[ "$drain_timeout" =~ ^[0-9]+$ && "$health_timeout" =~ ^[0-9]+$ ]] || fail 2 "timeouts are whole seconds"
if [ "$mode" = deploy ] && ! [[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  fail 2 "'$tag' is not an image tag (letters, digits, _ . -; at most 128)"
fi
[ -z "$archive" ] || [ -f "$archive" ] || fail 2 "no image archive at $archive"
[ -d "$data" ] || fail 5 "$data does not exist: create the conductor's data folder (CONDUCTOR_DATA_DIR)"

# One deploy at a time on this host.
exec 9>"$data/.deploy.lock"
flock -n 9 || fail 5 "another deploy is running on this host ($data/.deploy.lock)"

# The conductor polls the flag file: write it whole (rename) so it never sees half a value.
write_flag() { printf '%s\n' "$1" > "$flag.tmp.$$" && mv -f "$flag.tmp.$$" "$flag"; }
flag_is_true() { [ "$(tr -d '[:space:]' < "$flag" 2>/dev/null | tr '[:upper:]' '[:lower:]')" = true ]; }

api() {
  if [ -n "${CONDUCTOR_API_KEY:-}" ]; then
    # Through stdin, never on the command line (visible in ps).
    printf 'header = "Authorization: Bearer %s"\n' "$CONDUCTOR_API_KEY" | curl -fsS --max-time 5 --config - "$url$1"
  else
    curl -fsS --max-time 5 "$url$1"
  fi
}
healthy() { api /healthz/ready > /dev/null 2>&1; }
active_jobs() { api /v1/status 2>/dev/null | sed -n 's/.*"activeJobs":\([0-9]*\).*/\1/p' | grep . || echo "?"; }
gate_phase() { api /v1/status 2>/dev/null | sed -n 's/.*"gate":"\([A-Za-z]*\)".*/\1/p'; }

# Waits until the conductor's gate reports PHASE: 0 seen, 1 another phase, 2 the status cannot be read.
wait_gate() {
  local deadline=$((SECONDS + settle)) phase=""
  while :; do
    phase="$(gate_phase)"
    [ "$phase" != "$1" ] || return 0
    (( SECONDS < deadline )) || break
    sleep "$poll"
  done
  [ -n "$phase" ] && return 1 || return 2
}

wait_healthy() {
  local deadline=$((SECONDS + health_timeout))
  until healthy; do
    (( SECONDS < deadline )) || return 1
    sleep "$poll"
  done
}

# Waits for the running conductor to exit after the flag turned true. Returns 1 when the drain timed out.
wait_for_exit() {
  local started=$SECONDS deadline=$((SECONDS + drain_timeout)) next_report=$SECONDS drained="" now
  while :; do
    now="$(running_tag)" || exit 5
    [ -n "$now" ] || break
    if [ -z "$drained" ] && [ -f "$ready" ]; then
      drained=1
      deadline=$((SECONDS + exit_grace))
      log "the conductor has drained (ready file written); waiting for it to exit"
    fi
    if (( SECONDS >= deadline )); then
      [ -n "$drained" ] || return 1
      log "drained but still running after ${exit_grace}s: stopping it"
      control stop
      continue
    fi
    if [ -z "$drained" ] && (( SECONDS >= next_report )); then
      log "draining: $(active_jobs) active job(s), $((SECONDS - started))s of ${drain_timeout}s"
      next_report=$((SECONDS + report_every))
    fi
    sleep "$poll"
  done
  [ -n "$drained" ] || [ -f "$ready" ] || log "warning: the conductor exited without writing its ready file"
}

# Drains the running conductor; true once it has exited. On a timeout the flag goes back to false and the old
# conductor resumes, unless it drained just as the timeout passed (then it is exiting and the deploy goes on).
drain() {
  if flag_is_true || [ "$(gate_phase)" = HeldAtStartup ]; then
    # An earlier run stopped half way. A conductor started while the flag read true holds work but never exits
    # on it, so the flag goes false (and is seen) before it turns true again.
    log "the flag already reads true (an interrupted deploy): resetting it first"
    write_flag false
    wait_gate Open || log "warning: the conductor does not report its gate open ($(gate_phase)); going on"
  fi
  rm -f "$ready"   # no drain is in progress now, so a ready file is stale
  trap 'interrupted=1; log "interrupted: writing false back"; write_flag false; exit 130' INT TERM
  write_flag true
  log "wrote true into $flag: the conductor stops intake and launches and exits when no job is active ($(active_jobs) active now)"
  if wait_for_exit; then
    trap 'interrupted=1; log "interrupted: finishing the switch first"' INT TERM
    return 0
  fi
  log "the drain did not finish within ${drain_timeout}s: writing false back"
  write_flag false
  # Seen as open: it resumed. Otherwise it may have drained just as the timeout passed.
  wait_gate Open && resumed=1 || resumed=""
  local now
  now="$(running_tag)" || exit 5
  if [ -z "$resumed" ] && { [ -f "$ready" ] || [ -z "$now" ]; }; then
    log "it drained as the timeout passed: going on"
    drain_timeout=0
    wait_for_exit || true
    trap 'interrupted=1; log "interrupted: finishing the switch first"' INT TERM
    return 0
  fi
  trap - INT TERM
  return 1
}

# Starts TAG held (flag true), checks it, then releases it. Returns 1 when it does not start or is not healthy.
start_and_release() {
  local now
  write_flag true
  log "starting the conductor $1 (holding work until it is healthy)"
  "$control_command" start "$1" 9>&- || { log "the container command '$control_command start $1' failed"; return 1; }
  wait_healthy || return 1
  now="$(running_tag)" || exit 5
  [ "$now" = "$1" ] || { log "the running conductor is '$now', not $1"; return 1; }
  release "$1"
}

release() {
  rm -f "$ready"
  write_flag false
  # Confirmed, so that a deploy right after this one finds an open gate to drain.
  case "$(wait_gate Open; echo $?)" in
    0) log "the conductor $1 is healthy at $url and takes work (wrote false into $flag)" ;;
    1) fail 5 "wrote false into $flag but the conductor $1 reports its gate $(gate_phase)" ;;
    2) log "the conductor $1 is healthy at $url; wrote false into $flag (its status cannot be read to confirm)" ;;
  esac
}

case "$mode" in
  start)
    current="$(running_tag)" || exit 5
    if [ -n "$current" ]; then
      log "the conductor $current is already running"
      wait_healthy || fail 4 "the running conductor $current is not healthy at $url"
      exit 0
    fi
    rm -f "$ready"
    write_flag false
    control start
    wait_healthy || fail 4 "the conductor did not become healthy at $url within ${health_timeout}s"
    log "the conductor $(running_tag) is running"
    exit 0
    ;;
  stop)
    current="$(running_tag)" || exit 5
    [ -n "$current" ] || { log "no conductor is running"; exit 0; }
    if ! drain; then
      log "stopping it anyway: its active workers keep running and the next conductor re-adopts them"
      control stop
    fi
    # The flag stays true until the next --start or deploy, so nothing restarts the conductor into work meanwhile.
    write_flag true
    log "the conductor $current is stopped"
    exit 0
    ;;
esac

log "deploying the conductor $tag (data: $data, health: $url)"
control fetch "$tag" ${archive:+"$archive"}
log "images $tag are available"

current="$(running_tag)" || exit 5
if [ "$current" = "$tag" ]; then
  log "the conductor $tag is already running: checking it"
  wait_healthy || fail 4 "the running conductor $tag is not healthy at $url; nothing was changed"
  release "$tag"
  exit 0
fi

if [ -n "$current" ]; then
  log "draining the conductor $current (timeout ${drain_timeout}s)"
  if ! drain; then
    state="it resumed work"
    [ -n "$resumed" ] || state="its status could not be read to confirm that it resumed"
    fail 3 "the conductor $current did not drain within ${drain_timeout}s ($(active_jobs) active job(s)); wrote false back and $state. Nothing was deployed: deploy again later or with a longer --drain-timeout."
  fi
  log "the conductor $current has exited"
else
  log "no conductor is running"
fi

if ! start_and_release "$tag"; then
  if [ -n "$current" ]; then
    log "the conductor $tag did not become healthy within ${health_timeout}s: going back to $current"
    control stop
    start_and_release "$current" || fail 4 "the conductor $tag did not become healthy and the previous $current did not come back healthy either"
    fail 4 "the conductor $tag did not become healthy at $url within ${health_timeout}s; the previous $current runs again"
  fi
  # A first install has nothing to go back to: it is left running (a rerun checks it again) and released.
  write_flag false
  fail 4 "the conductor $tag did not become healthy at $url within ${health_timeout}s"
fi
log "deployed the conductor $tag"
[ -z "$interrupted" ] || exit 130
