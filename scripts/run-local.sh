#!/usr/bin/env bash
# The embedded default end to end on one machine, no AWS and no GitHub: starts the conductor (SQLite, local worker
# processes), sends a sample Jira ticket, and waits for its worker to push a branch to a local bare repository.
# The agent is the real Codex CLI pinned in docker/codex (installed here when missing). Without CODEX_API_KEY it talks
# to the scripted model (tests/AgentConductor.ScriptedModel, its "demo" script) on 127.0.0.1: no network, no key. With
# CODEX_API_KEY set it talks to the real OpenAI API instead. CODEX_COMMAND names another agent program.
# Everything lives under data/local-run/ (removed at the start of each run).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
run="$root/data/local-run"
api_port="${API_PORT:-5080}"
worker_port="${WORKER_PORT:-5081}"

rm -rf "$run" && mkdir -p "$run"
echo "== building"
dotnet build conductor -c Release --nologo -v q
dotnet build worker -c Release --nologo -v q -o conductor/bin/Release/net10.0

codex="${CODEX_COMMAND:-$root/docker/codex/node_modules/.bin/codex}"
if [ -z "${CODEX_COMMAND:-}" ] && [ ! -x "$codex" ]; then
  echo "== installing the pinned Codex CLI (docker/codex)"
  npm ci --prefix docker/codex --omit=dev --no-audit --no-fund --loglevel=error
fi
# The workers inherit these from the conductor.
export Agent__Command__0="$codex"
unset Agent__Command__1

pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

model_setting=()
if [ -z "${CODEX_API_KEY:-}" ]; then
  dotnet build tests/AgentConductor.ScriptedModel -c Release --nologo -v q
  export CODEX_API_KEY="sk-scripted-model-local"
  dotnet tests/AgentConductor.ScriptedModel/bin/Release/net10.0/AgentConductor.ScriptedModel.dll --script demo --credential "$CODEX_API_KEY" \
    > "$run/model.log" 2>&1 &
  pids+=("$!")
  base_url=""
  for _ in $(seq 1 100); do
    base_url="$(sed -n 's/.*"baseUrl":"\([^"]*\)".*/\1/p' "$run/model.log")"
    [ -n "$base_url" ] && break
    sleep 0.2
  done
  [ -n "$base_url" ] || { cat "$run/model.log" >&2; echo "run-local: the scripted model did not start" >&2; exit 1; }
  echo "== the agent: $codex against the scripted model at $base_url (log: $run/model.log)"
  model_setting=(--Agent:ModelBaseUrl="$base_url")
else
  echo "== the agent: $codex against the OpenAI API (CODEX_API_KEY is set)"
fi

echo "== a local remote: $run/remote.git"
git init --quiet --bare --initial-branch=main "$run/remote.git"
git init --quiet --initial-branch=main "$run/seed"
echo "# demo app" > "$run/seed/README.md"
git -C "$run/seed" add README.md
git -C "$run/seed" -c user.name=Demo -c user.email=demo@example.com commit --quiet -m "seed"
git -C "$run/seed" push --quiet "$run/remote.git" main

echo "== starting the conductor (API :$api_port, workers :$worker_port)"
dotnet conductor/bin/Release/net10.0/AgentConductor.Conductor.dll run \
  --Urls="http://127.0.0.1:$api_port" --WorkerApi:Urls="http://127.0.0.1:$worker_port" \
  --Storage:DatabasePath="$run/conductor.db" --TaskFiles:WorkFolder="$run/jobs" --LocalLauncher:LogFolder="$run/jobs" \
  --Shutdown:FlagPath="$run/IS_CONDUCTOR_SHUTTING_DOWN" --Shutdown:ReadyPath="$run/CONDUCTOR_READY_FOR_SAFE_SHUTDOWN" \
  --Routing:Default:CloneUrl="file://$run/remote.git" --Routing:Default:BaseBranch=main "${model_setting[@]}" \
  > "$run/conductor.log" 2>&1 &
pids+=("$!")

# node (which the tests need anyway) is the HTTP client here: a fresh machine may have no curl.
get() { node -e 'fetch(process.argv[1]).then(r => r.ok ? r.text() : Promise.reject(r.status)).then(t => process.stdout.write(t), () => process.exit(1))' "$1"; }

for _ in $(seq 1 100); do
  get "http://127.0.0.1:$api_port/healthz/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "== sending a sample ticket"
answer="$(dotnet conductor/bin/Release/net10.0/AgentConductor.Conductor.dll send --sample ticket --url "http://127.0.0.1:$api_port")"
echo "$answer"
job="$(echo "$answer" | sed -n 's/.*"jobId":"\([0-9a-z]*\)".*/\1/p')"
[ -n "$job" ] || { echo "run-local: no job was created" >&2; exit 1; }

echo "== waiting for job $job (its worker: $run/jobs/$job/worker.log)"
state=""
for _ in $(seq 1 300); do
  state="$(get "http://127.0.0.1:$api_port/v1/jobs/$job" | sed -n 's/.*"state":"\([a-z_]*\)".*/\1/p' | head -n 1)"
  case "$state" in succeeded|no_changes|failed|timed_out|cancelled|lost) break ;; esac
  sleep 0.5
done

get "http://127.0.0.1:$api_port/v1/jobs/$job"; echo
echo "== job $job: $state"
git --git-dir "$run/remote.git" branch --list "agent/*"
[ "$state" = "succeeded" ]
