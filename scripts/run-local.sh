#!/usr/bin/env bash
# The embedded default end to end on one machine, no AWS and no GitHub: starts the conductor (SQLite, local worker
# processes), sends a sample Jira ticket, and waits for its worker to push a branch to a local bare repository.
# The agent is the scripted Codex stand-in (tests/tools/fake-codex.js) unless CODEX_COMMAND names a real one.
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

echo "== a local remote: $run/remote.git"
git init --quiet --bare --initial-branch=main "$run/remote.git"
git init --quiet --initial-branch=main "$run/seed"
echo "# demo app" > "$run/seed/README.md"
git -C "$run/seed" add README.md
git -C "$run/seed" -c user.name=Demo -c user.email=demo@example.com commit --quiet -m "seed"
git -C "$run/seed" push --quiet "$run/remote.git" main

export Agent__Command__0="${CODEX_COMMAND:-node}"
if [ -z "${CODEX_COMMAND:-}" ]; then
  export Agent__Command__1="$root/tests/tools/fake-codex.js"
  export FAKE_CODEX_EDITS="docs/health-check.md=The agent added a health check."
fi

echo "== starting the conductor (API :$api_port, workers :$worker_port)"
dotnet conductor/bin/Release/net10.0/AgentConductor.Conductor.dll run \
  --Urls="http://127.0.0.1:$api_port" --WorkerApi:Urls="http://127.0.0.1:$worker_port" \
  --Storage:DatabasePath="$run/conductor.db" --TaskFiles:WorkFolder="$run/jobs" --LocalLauncher:LogFolder="$run/jobs" \
  --Shutdown:FlagPath="$run/IS_CONDUCTOR_SHUTTING_DOWN" --Shutdown:ReadyPath="$run/CONDUCTOR_READY_FOR_SAFE_SHUTDOWN" \
  --Routing:Default:CloneUrl="file://$run/remote.git" --Routing:Default:BaseBranch=main \
  > "$run/conductor.log" 2>&1 &
conductor=$!
trap 'kill "$conductor" 2>/dev/null || true' EXIT

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

echo "== waiting for job $job"
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
