#!/usr/bin/env bash
# Records what the real, pinned Codex CLI (docker/codex) prints when it plays each scripted-model scenario: stdout (the
# JSONL events) into tests/tools/codex-transcripts/<name>.jsonl, and the exit code, stderr, last message (-o file) and
# how it was run into <name>.meta.json. Worker tests replay these where running the CLI would prove nothing more (the
# event translator, how a run is judged). Run it again after changing the pin; the diff shows what the new CLI changed.
# Needs node/npm and the .NET SDK; no network beyond npm (the model is tests/AgentConductor.ScriptedModel on 127.0.0.1).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$root/tests/tools/codex-transcripts"
# Not under /tmp: Codex refuses to create its helper binaries under the temp dir.
work="$root/artifacts/codex-transcripts"
codex="$root/docker/codex/node_modules/.bin/codex"
credential="sk-scripted-model-recorder"

[ -x "$codex" ] || npm ci --prefix docker/codex --omit=dev --no-audit --no-fund --loglevel=error
dotnet build tests/AgentConductor.ScriptedModel -c Release --nologo -v q >/dev/null
model_dll="$root/tests/AgentConductor.ScriptedModel/bin/Release/net10.0/AgentConductor.ScriptedModel.dll"
version="$("$codex" --version)"

model=""
stop_model() { if [ -n "$model" ]; then kill "$model" 2>/dev/null || true; wait "$model" 2>/dev/null || true; model=""; fi; }
trap stop_model EXIT

# record NAME SCRIPT INTERRUPT [extra codex arguments...]: INTERRUPT=yes sends SIGINT once the model hangs.
record() {
  local name="$1" script="$2" interrupt="$3"
  shift 3
  rm -rf "$work" && mkdir -p "$work/home"
  dotnet "$model_dll" --script "$script" --credential "$credential" >"$work/model.log" 2>&1 &
  model=$!
  local base_url=""
  for _ in $(seq 1 100); do
    base_url="$(sed -n 's/.*"baseUrl":"\([^"]*\)".*/\1/p' "$work/model.log")"
    [ -n "$base_url" ] && break
    sleep 0.1
  done
  [ -n "$base_url" ] || { cat "$work/model.log" >&2; echo "record: the scripted model did not start" >&2; exit 1; }

  git init --quiet --initial-branch=main "$work/repo"
  echo "# app" >"$work/repo/README.md"
  git -C "$work/repo" add README.md
  git -C "$work/repo" -c user.name=Seed -c user.email=seed@example.com commit --quiet -m seed

  # The arguments the worker passes (worker/Agent/CodexCommand.cs, CodexModelProvider.cs).
  local args=(exec --json --sandbox danger-full-access --skip-git-repo-check -C "$work/repo" -o "$work/last-message.md" "$@"
    -c model_provider=agent_conductor
    -c "model_providers.agent_conductor={name=\"agent_conductor\",base_url=\"$base_url\",wire_api=\"responses\",env_key=\"CODEX_API_KEY\"}" -)
  local status=0
  echo "Make the change the ticket asks for." >"$work/prompt.txt"
  CODEX_HOME="$work/home" CODEX_API_KEY="$credential" "$codex" "${args[@]}" <"$work/prompt.txt" >"$work/stdout.jsonl" 2>"$work/stderr.txt" &
  local agent=$!
  if [ "$interrupt" = yes ]; then
    for _ in $(seq 1 300); do
      grep -q 'HangMidStream' "$work/model.log" && break
      sleep 0.1
    done
    sleep 0.5
    kill -INT "$agent"
  fi
  wait "$agent" || status=$?
  stop_model

  cp "$work/stdout.jsonl" "$out/$name.jsonl"
  # shellcheck disable=SC2016 # the JavaScript reads its values from the environment
  NAME="$name" SCRIPT="$script" VERSION="$version" STATUS="$status" INTERRUPT="$interrupt" WORK="$work" node -e '
    const fs = require("fs");
    const env = process.env;
    const read = (file) => fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
    const meta = {
      codex: env.VERSION,
      script: env.SCRIPT,
      model: process.argv.includes("-m") ? process.argv[process.argv.indexOf("-m") + 1] : null,
      interrupted: env.INTERRUPT === "yes",
      exitCode: Number(env.STATUS),
      repository: `${env.WORK}/repo`,
      stderr: read(`${env.WORK}/stderr.txt`).split("\n").filter(Boolean),
      lastMessage: read(`${env.WORK}/last-message.md`),
    };
    fs.writeFileSync(`tests/tools/codex-transcripts/${env.NAME}.meta.json`, JSON.stringify(meta, null, 2) + "\n");
  ' -- "$@"
  echo "== $name: exit $status, $(wc -l <"$out/$name.jsonl") events"
}

record code-mode-success shell-patch-message no
record function-tools-success shell-patch-message no -m scripted-function-tools
record recover-5xx recover-5xx no
record unauthorized unauthorized no
record response-failed response-failed no
record interrupted edit-then-hang yes
rm -rf "$work"
