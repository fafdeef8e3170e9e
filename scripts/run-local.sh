#!/usr/bin/env bash
# scripts/run-local.sh [--keep] [--screenshot FILE]
#
# The embedded default end to end on one machine, no AWS and no GitHub: builds the conductor and the worker, starts the
# conductor (SQLite, local worker processes), sends a sample Jira ticket, prints the job's state changes as they happen
# while its worker pushes a branch to a local bare repository, and ends with a summary. Exit 0 when the job succeeded.
# The agent is the real Codex CLI pinned in docker/codex (installed here when missing). Without CODEX_API_KEY it talks
# to the scripted model (tests/AgentConductor.ScriptedModel, its "demo" script) on 127.0.0.1: no network, no key. With
# CODEX_API_KEY set it talks to the real OpenAI API instead. CODEX_COMMAND names another agent program.
#
# Ports, on 127.0.0.1: API_PORT (the API and the dashboard, default 5080) and WORKER_PORT (the workers' gRPC, default
# 5081); the run stops before building when either is taken. The scripted model takes a free port of its own.
# The job gets 30 minutes (Reconcile:JobTimeout); the conductor ends it `timed_out` after that.
#
#   --keep             after the summary, keep the conductor running (its dashboard shows the job) until Ctrl-C
#   --screenshot FILE  save a PNG of the job's dashboard page: Debian's Chromium (/usr/bin/chromium, or CHROMIUM)
#                      driven by tests/tools/dashboard-screenshot.js (playwright-core; the script installs tests/tools
#                      when missing). `scripts/run-local.sh --screenshot docs/dashboard.png` retakes the README's picture.
#
# Everything lives under data/local-run/ (removed at the start of each run): build.log, model.log, conductor.log,
# conductor.db, jobs/<job-id>/worker.log, remote.git.
set -euo pipefail

caller="$PWD"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$root/data/local-run"
api_port="${API_PORT:-5080}"
worker_port="${WORKER_PORT:-5081}"
job_timeout_minutes=30

# Clears the progress ticker's line (there is one on a terminal only).
untick() { if [ -t 1 ]; then printf '\r\033[K'; fi; }
fail() { untick; printf 'run-local: %s\n' "$*" >&2; exit 1; }
# A path as the caller can use it: relative when they stand in the repository root.
shown() { if [ "$caller" = "$root" ]; then printf '%s' "${1#"$root"/}"; else printf '%s' "$1"; fi; }

keep=false
screenshot=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=true ;;
    --screenshot)
      if [ $# -lt 2 ] || [ -z "$2" ]; then fail "--screenshot needs a file name, e.g. --screenshot docs/dashboard.png"; fi
      case "$2" in /*) screenshot="$2" ;; *) screenshot="$caller/$2" ;; esac
      shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
cd "$root"

# ---- what the run needs --------------------------------------------------------------------------------------------

command -v dotnet >/dev/null || fail "dotnet is missing: install the .NET 10 SDK and put dotnet on PATH"
dotnet --list-sdks 2>/dev/null | grep -q '^10\.' ||
  fail "the .NET 10 SDK is missing (dotnet --list-sdks shows: $(dotnet --list-sdks 2>/dev/null | cut -d' ' -f1 | paste -sd' ' -))"
command -v node >/dev/null || fail "node is missing: install node (18 or later; 20 for --screenshot) and npm"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 18 ] || fail "node $(node --version) is too old: 18 or later is needed (its fetch is the HTTP client here)"
command -v git >/dev/null || fail "git is missing: install git"
codex="${CODEX_COMMAND:-$root/docker/codex/node_modules/.bin/codex}"
if [ -z "${CODEX_COMMAND:-}" ] && [ ! -x "$codex" ]; then
  command -v npm >/dev/null || fail "npm is missing: it installs the pinned Codex CLI (docker/codex)"
elif [ -n "${CODEX_COMMAND:-}" ] && ! command -v "$codex" >/dev/null; then
  fail "CODEX_COMMAND=$codex is not a program"
fi
if [ -n "$screenshot" ]; then
  [ "$node_major" -ge 20 ] || fail "--screenshot needs node 20 or later (playwright-core); this is $(node --version)"
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
    fail "--screenshot needs Chromium at ${CHROMIUM:-/usr/bin/chromium}: apt-get install chromium (or set CHROMIUM)"
  [ -d tests/tools/node_modules/playwright-core ] || command -v npm >/dev/null ||
    fail "npm is missing: --screenshot installs tests/tools (playwright-core) with it"
fi

# A port the conductor could not bind: node, which the run needs anyway, tries it and says why not (EADDRINUSE when
# another program holds it).
port_problem() {
  node -e 'const s = require("net").createServer();
    s.once("error", e => { process.stdout.write(e.code ?? e.message); process.exit(0); })
     .listen(Number(process.argv[1]), "127.0.0.1", () => s.close())' "$1"
}
check_port() { # VARIABLE VALUE DEFAULT
  local problem
  if ! [[ "$2" =~ ^[0-9]{1,5}$ ]] || [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then fail "$1=$2 is not a port number"; fi
  problem="$(port_problem "$2")"
  case "$problem" in
    "") ;;
    EADDRINUSE) fail "port $2 on 127.0.0.1 ($1, default $3) is taken: stop what holds it (ss -ltnp 'sport = :$2' shows \
it) or choose another port, e.g. $1=$(($2 + 100)) scripts/run-local.sh" ;;
    *) fail "cannot listen on 127.0.0.1:$2 ($1, default $3): $problem; choose another port with $1=..." ;;
  esac
}
check_port API_PORT "$api_port" 5080
check_port WORKER_PORT "$worker_port" 5081
[ "$api_port" != "$worker_port" ] || fail "API_PORT and WORKER_PORT are both $api_port: give them different ports"

# ---- progress --------------------------------------------------------------------------------------------------------

phase() { phase_start=$SECONDS; printf '== %s\n' "$*"; }
# A line under the current phase, with the seconds since it began; on a terminal it also clears the ticker.
note() {
  untick
  printf '   %4ss  %s\n' "$((SECONDS - phase_start))" "$*"
  last_note=$SECONDS
}
# While something slow works: a live counter on a terminal, a line every 30 s elsewhere (CI logs, pipes).
tick() {
  if [ -t 1 ]; then
    printf '\r\033[K   %4ss  %s' "$((SECONDS - phase_start))" "$1"
  elif [ $((SECONDS - last_note)) -ge 30 ]; then
    note "$1"
  fi
}

# dotnet build with a line per project as it is built (dotnet's minimal verbosity, filtered), the elapsed time while
# it works, the whole log in build.log and its errors when it fails.
build() {
  local log="$run/build.log" seen=0 line name finished pid status=0
  dotnet build "$1" -c Release --nologo -v m -tl:off >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  last_note=$SECONDS
  while :; do
    finished=true
    kill -0 "$pid" 2>/dev/null && finished=false
    # Whole lines only: a line still being written is read on the next round.
    while IFS= read -r line; do
      seen=$((seen + 1))
      case "$line" in
        *" -> "*) name="${line%% -> *}"; note "built ${name##* }" ;;
        *"up-to-date for restore"*) note "packages already restored" ;;
        *"  Restored "*) name="${line##*/}"; note "restored packages of ${name%% *}" ;;
      esac
    done < <(tail -n "+$((seen + 1))" "$log")
    $finished && break
    tick "still building..."
    sleep 1
  done
  untick
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    note "failed"
    grep -E ': (error|warning) ' "$log" | sort -u | head -n 20 >&2 || true
    fail "dotnet build $1 failed (exit $status); the whole log: $(shown "$log")"
  fi
}

# Waits until "$@" succeeds while process $pid lives, up to $limit seconds; false otherwise.
wait_for() {
  local pid="$1" limit="$2" what="$3"; shift 3
  last_note=$SECONDS
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ $((SECONDS - phase_start)) -lt "$limit" ] || return 1
    tick "$what"
    sleep 0.5
  done
  untick
}

# node (which the run needs anyway) is the HTTP client here: a fresh machine may have no curl.
get() { node -e 'fetch(process.argv[1]).then(r => r.ok ? r.text() : Promise.reject(r.status)).then(t => process.stdout.write(t), () => process.exit(1))' "$1"; }

# ---- stopping what the run started -----------------------------------------------------------------------------------

pids=()
alive() { local pid; for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }
stop_all() {
  local pid file workers=() _
  untick
  # A worker still running (the run was interrupted) outlives its conductor by design. Interrupt it as the conductor's
  # stop would, when its pid is still that worker's, and give it 15 s to report to the conductor before stopping that.
  for file in "$run"/jobs/*/worker.pid; do
    if [ ! -f "$file" ] || [ -f "${file%.pid}.exit" ]; then continue; fi
    pid="$(cat "$file")"
    if grep -q AgentConductor.Worker "/proc/$pid/cmdline" 2>/dev/null && kill -INT "$pid" 2>/dev/null; then workers+=("$pid"); fi
  done
  for _ in $(seq 1 30); do
    alive "${workers[@]}" || break
    sleep 0.5
  done
  for pid in "${workers[@]}" "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

# ---- the run ---------------------------------------------------------------------------------------------------------

rm -rf "$run" && mkdir -p "$run"

# The conductor's build builds the worker too and records where its output is (LocalLauncher's default command).
# Earlier versions of this script also built the worker into the conductor's folder, where it would be found first.
rm -f conductor/bin/Release/net10.0/AgentConductor.Worker.*
if [ -z "${CODEX_API_KEY:-}" ]; then
  target=tests/AgentConductor.ScriptedModel
  phase "building the conductor, the worker and the scripted model (dotnet build -c Release; log: $(shown "$run/build.log"))"
else
  target=conductor
  phase "building the conductor and the worker (dotnet build -c Release; log: $(shown "$run/build.log"))"
fi
build "$target"

if [ -z "${CODEX_COMMAND:-}" ] && [ ! -x "$codex" ]; then
  phase "installing the pinned Codex CLI (npm ci --prefix docker/codex)"
  npm ci --prefix docker/codex --omit=dev --no-audit --no-fund --loglevel=error
fi
if [ -n "$screenshot" ] && [ ! -d tests/tools/node_modules/playwright-core ]; then
  phase "installing tests/tools (playwright-core, for --screenshot)"
  npm ci --prefix tests/tools --no-audit --no-fund --loglevel=error
fi
# The workers inherit these from the conductor.
export Agent__Command__0="$codex"
unset Agent__Command__1

model_setting=()
model_log=""
if [ -z "${CODEX_API_KEY:-}" ]; then
  phase "starting the scripted model (log: $(shown "$run/model.log"))"
  model_log="$run/model.log"
  export CODEX_API_KEY="sk-scripted-model-local"
  : > "$model_log"
  dotnet tests/AgentConductor.ScriptedModel/bin/Release/net10.0/AgentConductor.ScriptedModel.dll --script demo --credential "$CODEX_API_KEY" \
    >> "$model_log" 2>&1 &
  pids+=("$!")
  model_url() { base_url="$(sed -n 's/.*"baseUrl":"\([^"]*\)".*/\1/p' "$model_log")"; [ -n "$base_url" ]; }
  wait_for "${pids[-1]}" 60 "starting..." model_url || { cat "$model_log" >&2; fail "the scripted model did not start"; }
  note "listening at $base_url; the agent: $(shown "$codex")"
  model_setting=(--Agent:ModelBaseUrl="$base_url")
else
  phase "the agent: $(shown "$codex") against the OpenAI API (CODEX_API_KEY is set)"
fi

phase "making the target repository: a local bare repository $(shown "$run/remote.git") with one commit on main"
git init --quiet --bare --initial-branch=main "$run/remote.git"
git init --quiet --initial-branch=main "$run/seed"
echo "# demo app" > "$run/seed/README.md"
git -C "$run/seed" add README.md
git -C "$run/seed" -c user.name=Demo -c user.email=demo@example.com commit --quiet -m "seed"
git -C "$run/seed" push --quiet "$run/remote.git" main

api="http://127.0.0.1:$api_port"
conductor_dll=conductor/bin/Release/net10.0/AgentConductor.Conductor.dll
phase "starting the conductor: API and dashboard $api/, workers 127.0.0.1:$worker_port (log: $(shown "$run/conductor.log"))"
dotnet "$conductor_dll" run \
  --Urls="$api" --WorkerApi:Urls="http://127.0.0.1:$worker_port" \
  --Storage:DatabasePath="$run/conductor.db" --TaskFiles:WorkFolder="$run/jobs" --LocalLauncher:LogFolder="$run/jobs" \
  --Shutdown:FlagPath="$run/IS_CONDUCTOR_SHUTTING_DOWN" --Shutdown:ReadyPath="$run/CONDUCTOR_READY_FOR_SAFE_SHUTDOWN" \
  --Routing:Default:CloneUrl="file://$run/remote.git" --Routing:Default:BaseBranch=main \
  --Reconcile:JobTimeout="00:$job_timeout_minutes:00" "${model_setting[@]}" \
  > "$run/conductor.log" 2>&1 &
pids+=("$!")
conductor_pid="$!"
ready() { get "$api/healthz/ready" >/dev/null 2>&1; }
if ! wait_for "$conductor_pid" 120 "starting..." ready; then
  tail -n 20 "$run/conductor.log" >&2
  kill -0 "$conductor_pid" 2>/dev/null && fail "the conductor was not ready after 120 s; its log: $(shown "$run/conductor.log")"
  fail "the conductor stopped at startup (above: the end of its log, $(shown "$run/conductor.log"))"
fi
note "ready"

phase "sending a sample Jira ticket (conductor send --sample ticket)"
answer="$(dotnet "$conductor_dll" send --sample ticket --url "$api")" || fail "send failed: $answer"
echo "$answer" > "$run/send.txt"
job="$(sed -n 's/.*"jobId":"\([0-9a-z]*\)".*/\1/p' <<<"$answer" | head -n 1)"
[ -n "$job" ] || fail "no job was created; the conductor answered: $answer"
note "$(sed -n 's/.*"note":"\([^"]*\)".*/\1/p' <<<"$answer")"

worker_log="$run/jobs/$job/worker.log"
phase "following job $job (dashboard: $api/#/jobs/$job; worker log: $(shown "$worker_log"))"
# Prints each new entry of the audit trail and each change of what the worker says it does, as they happen; writes the
# job's final JSON to job.json. Exit 2 when the job outlives the wait, 3 when the conductor stops answering.
follow_status=0
node - "$api" "$job" "$run/job.json" "$(((job_timeout_minutes + 3) * 60))" <<'JS' &
const fs = require('node:fs');
const [api, id, out, waitSeconds] = process.argv.slice(2);
const ENDED = ['succeeded', 'no_changes', 'failed', 'timed_out', 'cancelled', 'lost', 'budget_exceeded'];
const ACTIVE = ['launching', 'launched', 'connected', 'running'];
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const clock = at => new Date(at).toTimeString().slice(0, 8);
const line = (at, what, why) => console.log(`   ${clock(at)}  ${what.padEnd(24)} ${(why ?? '').replace(/\s+/g, ' ').slice(0, 110)}`);
(async () => {
  const deadline = Date.now() + Number(waitSeconds) * 1000;
  let shown = 0, doing = '', failures = 0, detail;
  for (;;) {
    try {
      const response = await fetch(`${api}/v1/jobs/${id}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      detail = await response.json();
      failures = 0;
    } catch (error) {
      if (++failures >= 20) {
        console.error(`run-local: the conductor stopped answering (${error.cause?.code ?? error.message})`);
        process.exit(3);
      }
      await sleep(500);
      continue;
    }
    const job = detail.job;
    for (const e of detail.events.slice(shown)) {
      line(e.at, e.event === 'state' ? (e.from ? `${e.from} -> ${e.to}` : e.to) : e.event.replace(/_/g, ' '), e.reason);
    }
    shown = detail.events.length;
    const now = ACTIVE.includes(job.state) && job.phase ? [job.phase.replace(/_/g, ' '), job.step].filter(Boolean).join(': ') : '';
    if (now && now !== doing) line(Date.now(), 'worker', now);
    doing = now || doing;
    if (ENDED.includes(job.state)) break;
    if (Date.now() > deadline) {
      console.error(`run-local: job ${id} is still ${job.state} after ${waitSeconds} s`);
      fs.writeFileSync(out, JSON.stringify(detail));
      process.exit(2);
    }
    await sleep(500);
  }
  fs.writeFileSync(out, JSON.stringify(detail));
})();
JS
# In the background so that a signal stops the run at once (bash runs its trap during `wait`, not during a command).
pids+=("$!")
wait "$!" || follow_status=$?
[ "$follow_status" -ne 3 ] || fail "the conductor stopped during the run; its log: $(shown "$run/conductor.log")"
[ -f "$run/job.json" ] || fail "could not follow job $job; the conductor's log: $(shown "$run/conductor.log")"

if [ -n "$screenshot" ]; then
  phase "taking the screenshot of the job's dashboard page"
  node tests/tools/dashboard-screenshot.js "$api" "$job" "$screenshot" || fail "the screenshot failed"
fi

# ---- the summary -----------------------------------------------------------------------------------------------------

# The job's facts, one per NUL-terminated field, read without any shell evaluation (the agent wrote some of them).
# shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
mapfile -d '' -t f < <(node -e '
  const d = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")), j = d.job, r = d.result ?? {}, u = j.usage;
  const seconds = ms => ms == null ? "" : `${(ms / 1000).toFixed(1)} s`;
  const cost = j.cost?.total != null ? `${j.cost.total} ${j.cost.currency}`
    : "unknown (the conductor has no price for it: docs/costs-and-budgets.md)";
  const fields = [
    j.state, j.stateReason ?? "", j.ticketKey ? `ticket ${j.ticketKey}` : `incident ${j.incidentId}`, j.title ?? "",
    seconds(j.durationMs), j.branch ?? r.branch ?? "", j.commit ?? r.commit ?? "", j.pullRequestUrl ?? r.pullRequestUrl ?? "",
    `${u.inputTokens} in (${u.cachedInputTokens} cached), ${u.outputTokens} out (${u.reasoningOutputTokens} reasoning); cost ${cost}`,
    (r.summary ?? "").replace(/\s+/g, " ").slice(0, 200), r.errorCode ? `${r.errorCode}: ${r.errorMessage ?? ""}` : ""];
  process.stdout.write(fields.map(v => String(v) + "\0").join(""));' "$run/job.json")
state="${f[0]}" reason="${f[1]}" subject="${f[2]}" title="${f[3]}" took="${f[4]}" branch="${f[5]}" commit="${f[6]}"
pull_request="${f[7]}" tokens="${f[8]}" said="${f[9]}" error="${f[10]}"

remote="$(shown "$run/remote.git")"
phase "summary"
row() { printf '%-14s %s\n' "$1" "$2"; }
row job "$job: $subject, \"$title\""
row state "$state${reason:+ ($reason)}${took:+ after $took}"
[ -z "$error" ] || row error "$error"
[ -z "$said" ] || row "agent's note" "$said"
if [ -n "$commit" ]; then
  row branch "$branch"
  row "head commit" "$commit"
else
  row branch "none was pushed${branch:+ (it would have been $branch)}"
fi
row tokens "$tokens"
if [ -n "$pull_request" ]; then
  row "pull request" "$pull_request"
else
  row "pull request" "none: the worker opens one only on a GitHub repository with a GitHub token (GITHUB_TOKEN or the"
  row "" "conductor's GitHub App), and this run's target is the local bare repository $remote."
  if [ -n "$commit" ]; then
    row "" "The pushed branch holds the agent's work:"
    row "" "git -C $remote log --stat main..$branch"
  fi
fi
row "worker log" "$(shown "$worker_log")"
row "conductor log" "$(shown "$run/conductor.log")"
[ -z "$model_log" ] || row "model log" "$(shown "$model_log") (the scripted model)"
row database "$(shown "$run/conductor.db") (SQLite)"
[ -z "$screenshot" ] || row screenshot "$(shown "$screenshot")"

outcome=""
if [ "$follow_status" -eq 2 ]; then
  outcome="job $job did not end within $((job_timeout_minutes + 3)) minutes (still $state)"
elif [ "$state" != succeeded ]; then
  outcome="job $job ended $state${error:+: $error}; its worker log: $(shown "$worker_log")"
fi
if $keep; then
  [ -z "$outcome" ] || printf 'run-local: %s\n' "$outcome" >&2
  phase "the conductor keeps running: $api/#/jobs/$job (Ctrl-C stops it)"
  wait "$conductor_pid" || true
fi
[ -z "$outcome" ] || fail "$outcome"
