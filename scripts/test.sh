#!/usr/bin/env bash
# The one test entry point: installs what the tests need beyond the .NET SDK, then runs every test project.
# Used by the README's test command and by .ci/run. Safe to run repeatedly.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ ! -d ../shared/samples ]; then
  echo "test.sh: ../shared (with samples/) must sit beside this repository" >&2
  exit 2
fi

# npm tools used by interop and emulator tests (pinned in tests/tools/package-lock.json).
if [ -f tests/tools/package-lock.json ]; then
  echo "== npm ci (tests/tools)"
  npm ci --prefix tests/tools --no-audit --no-fund --loglevel=error
fi

# The real Codex CLI the worker and end-to-end tests run, from the same pin and lock file the worker image installs.
echo "== npm ci (docker/codex: the pinned Codex CLI)"
npm ci --prefix docker/codex --omit=dev --no-audit --no-fund --loglevel=error

# Debian packages the tests need, installed when missing with one apt-get update: shellcheck, Chromium for the
# dashboard's browser tests (Playwright drives it; it cannot download a browser of its own here), and for the container
# tests the Docker engine and debootstrap (scripts/build-images.sh would install those itself, one update later).
missing=()
command -v shellcheck > /dev/null || missing+=(shellcheck)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v dockerd > /dev/null || missing+=(docker.io)
command -v debootstrap > /dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== apt-get install ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > /dev/null \
    || { echo "test.sh: install ${missing[*]} (Debian packages) first" >&2; exit 2; }
fi

# Every shell script must be clean under shellcheck.
echo "== shellcheck"
find . \( -name node_modules -o -name bin -o -name obj -o -name .git \) -prune -o -name '*.sh' -print0 | xargs -0 shellcheck .ci/run

# Docker: installs and starts the engine when missing, then builds the worker and conductor images the container
# tests run (tests/AgentConductor.EndToEnd.Tests: DockerRunTests, ImageTests). REQUIRE_DOCKER makes those tests fail
# rather than skip when no engine answers.
echo "== images (scripts/build-images.sh)"
bash scripts/build-images.sh
export REQUIRE_DOCKER=1

echo "== dotnet build"
dotnet build AgentConductor.sln -c Release --nologo -v q

echo "== dotnet test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test AgentConductor.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line over all test assemblies ("N passed, N failed").
awk '/(Passed|Failed)! +- Failed:/ {
       gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s; if (p == 0) exit 1 }' "$log" || { echo "test.sh: no test ran" >&2; exit 1; }
exit "$status"
