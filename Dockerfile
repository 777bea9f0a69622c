# syntax=docker/dockerfile:1
#
# revaerd in a slim Debian bookworm image, run as an unprivileged user.
#
#   docker build -t revaer --build-arg REVAER_BUILD_REVISION="$(git rev-parse --short=12 HEAD)" .
#   docker run -d --name revaer -p 7070:7070 -p 6881:6881/tcp -p 6881:6881/udp \
#     -e DATABASE_URL=postgres://revaer:secret@db.example/revaer \
#     -v revaer-state:/var/lib/revaer -v /srv/downloads:/downloads -v /srv/media:/media \
#     --read-only --tmpfs /tmp revaer
#
# Only DATABASE_URL (or DATABASE_URL_FILE, for secrets) is required. The
# image sets REVAER_BIND=0.0.0.0:7070 and JSON logs; see the README's
# "Deploy" section. `ops/check-dockerfile` lints this file and checks that
# the runtime stage installs every library the binary links.

ARG DEBIAN_RELEASE=bookworm

# ---- build -------------------------------------------------------------
FROM rust:1-${DEBIAN_RELEASE} AS builder

# The build packages of ops/install-deps (its test-only and database-server
# packages are not needed here).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ \
      libarchive-dev \
      libpq-dev \
      libtorrent-rasterbar-dev \
      pkg-config \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

# The context has no .git; the revision shown by /health/full and
# revaer_build_info comes from here.
ARG REVAER_BUILD_REVISION=unknown
ENV REVAER_BUILD_REVISION=${REVAER_BUILD_REVISION}

RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p revaerd \
 && install -D -m 0755 target/release/revaerd /out/revaerd

# ---- runtime -----------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim AS runtime

# Exactly the shared libraries revaerd links (ops/check-dockerfile verifies
# this list against `ldd` of a release build), plus CA certificates for
# HTTPS trackers and TLS to PostgreSQL.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates \
      libarchive13 \
      libpq5 \
      libssl3 \
      libtorrent-rasterbar2.0 \
 && rm -rf /var/lib/apt/lists/*

# Override to match the owner of your bind-mounted directories, or run
# with `docker run --user UID:GID` (the data directories must then be
# writable by that user).
ARG UID=10001
ARG GID=10001
RUN groupadd --system --gid "${GID}" revaer \
 && useradd --system --uid "${UID}" --gid revaer --no-create-home \
      --home-dir /var/lib/revaer --shell /usr/sbin/nologin revaer \
 && install -d -o revaer -g revaer -m 0750 /var/lib/revaer /downloads /media

COPY --from=builder /out/revaerd /usr/local/bin/revaerd

# Numeric, so Kubernetes runAsNonRoot and the host can tell it is not root.
USER ${UID}:${GID}
WORKDIR /var/lib/revaer

# Inside the container the API must listen beyond loopback; the healthcheck
# derives its URL (http://127.0.0.1:7070/health) from the same variable.
ENV REVAER_BIND=0.0.0.0:7070 \
    REVAER_LOG_FORMAT=json

# Resume data and state; downloads in progress; the library FsOps fills.
VOLUME ["/var/lib/revaer", "/downloads", "/media"]

# HTTP API; BitTorrent peers (TCP and uTP).
EXPOSE 7070 6881/tcp 6881/udp

# revaerd drains HTTP and saves resume data for every torrent on SIGTERM;
# give it time: `docker stop --time 30`.
STOPSIGNAL SIGTERM

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["revaerd", "healthcheck"]

ENTRYPOINT ["revaerd"]
