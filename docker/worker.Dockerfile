# The worker image: the published worker, git, Debian's nodejs with the pinned Codex CLI, CA certificates, tini,
# setpriv (util-linux). The worker runs as root so that it can run the agent as the unprivileged user "agent" (uid
# 10001, Agent:RunAs), which then cannot read the worker's environment, memory or files (docs/security.md). The
# launcher drops every capability but CHOWN, KILL, SETUID and SETGID and sets no-new-privileges; the agent has none.
# No secrets are baked in (the launcher passes JOB_TOKEN, GITHUB_TOKEN and CODEX_API_KEY at run time; only the
# worker holds them).
#
# Build it with scripts/build-images.sh, which prepares the build context this file expects:
#   app/     the worker, published self-contained for linux-x64 (so the base needs no .NET runtime)
#   codex/   node_modules of docker/codex (npm ci of the pinned @openai/codex, integrity-checked by its lock file)
# Publishing and npm run beside the build rather than in a build stage: an SDK stage would need the SDK image and
# the NuGet and npm registries from inside the build, which machines without a container registry do not have.
# BASE_IMAGE is any Debian or Ubuntu image with the runtime dependencies of a self-contained .NET app: the official
# runtime-deps image by default, or the local Debian base the script makes where no registry can be reached.
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates git nodejs tini util-linux \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin agent
# The job's folder (WORK_DIR): not under /tmp, where Codex refuses to create its helper binaries. Sticky and writable
# like /tmp, so a worker run as another user (--user; no separation, it warns) can use it too; a root worker creates
# its own folders in it with exact modes (task/ and state/ for itself only, repo/ handed to the agent's user), and the
# sticky bit keeps the agent from removing or replacing them. The worker empties it at start.
RUN install -d -m 1777 /work
# Owned by root and not writable by the agent user.
COPY app/ /opt/agent-worker/
COPY codex/node_modules/ /opt/codex/node_modules/
ENV PATH=/opt/codex/node_modules/.bin:$PATH \
    DOTNET_NOLOGO=1 \
    WORK_DIR=/work
WORKDIR /
# Fails the build when the Codex CLI does not run as the agent's user on this base (or is not the pinned version).
ARG CODEX_VERSION=
RUN v="$(setpriv --reuid=10001 --regid=10001 --clear-groups --no-new-privs -- env HOME=/tmp codex --version)" \
 && echo "$v" && { [ -z "$CODEX_VERSION" ] || [ "$v" = "codex-cli $CODEX_VERSION" ]; }
# tini as PID 1 forwards the stop signal to the worker (which then pushes partial work and reports) and reaps the
# agent's orphaned children.
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/agent-worker/AgentConductor.Worker"]
LABEL org.opencontainers.image.title=agent-conductor/worker
