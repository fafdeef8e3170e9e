# The conductor image: the published conductor, curl for the health check, tini, and the docker CLI (the client
# alone, without the engine) for Launcher:Kind=docker. Runs as the non-root user "conductor" (uid 10001).
#
# Everything the conductor keeps lives on the volume /data: the SQLite database, the shutdown flag
# IS_CONDUCTOR_SHUTTING_DOWN that a deploy writes, CONDUCTOR_READY_FOR_SAFE_SHUTDOWN, and the jobs' task files.
# The API listens on 127.0.0.1:5080 and the worker listener on 127.0.0.1:5081: run it with --network host (workers
# in containers on the same host reach 127.0.0.1), or set Urls / WorkerApi__Urls (and Api__Key, required beyond
# loopback) together with HEALTHCHECK_URL.
#
# Build it with scripts/build-images.sh, which prepares the build context: app/ holds the conductor published
# self-contained for linux-x64. BASE_IMAGE and why publishing happens outside: see worker.Dockerfile.
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0

# Only the client binary of the distribution's docker.io package: the engine, containerd and runc stay out.
FROM ${BASE_IMAGE} AS docker-cli
RUN apt-get update \
 && cd /tmp && apt-get download docker.io \
 && dpkg-deb -x docker.io_*.deb /tmp/docker.io \
 && install -D -m 0755 /tmp/docker.io/usr/bin/docker /out/usr/local/bin/docker \
 && rm -rf /tmp/docker.io* && apt-get clean && rm -rf /var/lib/apt/lists/*

FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl tini \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /data --shell /usr/sbin/nologin conductor \
 && mkdir -p /data && chown conductor:conductor /data
COPY --from=docker-cli /out/ /
COPY app/ /opt/agent-conductor/
ENV Urls=http://127.0.0.1:5080 \
    WorkerApi__Urls=http://127.0.0.1:5081 \
    HEALTHCHECK_URL=http://127.0.0.1:5080/healthz/ready \
    Storage__DatabasePath=/data/conductor.db \
    Shutdown__FlagPath=/data/IS_CONDUCTOR_SHUTTING_DOWN \
    Shutdown__ReadyPath=/data/CONDUCTOR_READY_FOR_SAFE_SHUTDOWN \
    TaskFiles__WorkFolder=/data/jobs \
    Launcher__Kind=docker \
    DockerLauncher__Image=agent-conductor/worker:latest \
    DOTNET_NOLOGO=1
VOLUME /data
WORKDIR /data
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl --fail --silent --show-error --max-time 4 --output /dev/null "$HEALTHCHECK_URL" || exit 1
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/agent-conductor/AgentConductor.Conductor"]
CMD ["run"]
LABEL org.opencontainers.image.title=agent-conductor/conductor
