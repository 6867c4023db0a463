# syntax=docker/dockerfile:1
#
# debate-bot container image.
#
#   docker build -t debate-bot .
#   docker run -d -e TELOXIDE_TOKEN -v debate-bot-data:/data debate-bot   # the bot (CMD run)
#   docker run --rm debate-bot check                        # validate config.toml and responses/
#   docker run --rm -it debate-bot console                  # try it in the terminal, no token
#   docker compose up -d                                    # with compose.yaml: token in .env
#
# The token is never part of the image: pass TELOXIDE_TOKEN at run time
# (TELOXIDE_API_URL optionally points at a self-hosted Bot API server). The SQLite database
# is /data/debate-bot.db (DEBATE_BOT_DATABASE), on the /data volume.
# To use another corpus or configuration, mount over /app/responses or /app/config.toml.

# Keep in step with rust-version in Cargo.toml. The builder must be Debian 12 (bookworm) based
# so the binary's glibc requirements match the distroless *-debian12 runtime.
ARG RUST_VERSION=1.95

# ---- build stages: cargo-chef caches the compiled dependencies in their own layer --------
FROM lukemathwalker/cargo-chef:latest-rust-${RUST_VERSION}-slim-bookworm AS chef
WORKDIR /build
# Strip the symbol table from the release binary (about 3 MB of 13). Panic messages stay; for
# backtraces with function names build with --build-arg RELEASE_STRIP=none. Set here, once, so
# that `cargo chef cook` and `cargo build` use the same profile and the cache stays valid.
ARG RELEASE_STRIP=symbols
ENV CARGO_PROFILE_RELEASE_STRIP=${RELEASE_STRIP}

# The recipe (recipe.json) changes only when the manifests or Cargo.lock change. The whole
# context (trimmed by .dockerignore) is copied so that every target Cargo.toml declares
# (src/, benches/, tests/, ...) is present, whatever the package grows.
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /build/recipe.json recipe.json
# Dependencies only: this layer stays cached as long as the recipe does.
RUN cargo chef cook --release --locked --bin debate-bot --recipe-path recipe.json
# Then only the crate itself is compiled.
COPY . .
RUN cargo build --release --locked --bin debate-bot \
 && install -D -m 0755 target/release/debate-bot /out/debate-bot \
 && mkdir -p /out/data

# ---- runtime: glibc + libgcc only, no shell, no package manager ------------------------
# rustls with webpki-roots compiled into the binary: no OpenSSL and no system CA store needed.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
COPY --from=builder /out/debate-bot /usr/local/bin/debate-bot
# Owned by root and read-only for the bot's user: the bot only reads them. Copied before
# WORKDIR so that /app itself is root's too (WORKDIR would create it owned by the USER).
COPY config.toml /app/config.toml
COPY responses /app/responses
# The bot's only writable place: the SQLite database (quizzes, answers, leaderboards) lives
# in /data, owned by the bot's user so a new named volume inherits that ownership.
# Keep it with e.g. `-v debate-bot-data:/data`; without -v Docker makes an anonymous volume.
COPY --from=builder --chown=65532:65532 /out/data /data
VOLUME /data
# config.toml is looked up in the current folder; its relative paths resolve against /app.
WORKDIR /app
# The database on the volume (the default, next to config.toml in /app, is read-only here);
# plain log lines (no ANSI colours) for docker logs / journald (override with -e NO_COLOR=).
ENV DEBATE_BOT_DATABASE=sqlite:///data/debate-bot.db \
    NO_COLOR=1
# distroless' "nonroot" user, numeric so orchestrators can verify runAsNonRoot.
USER 65532:65532
# Webhook mode listens here ([telegram] webhook_listen); polling needs no port. Prometheus
# metrics, when on (DEBATE_BOT_METRICS_LISTEN=0.0.0.0:9100, as compose.yaml sets it), on 9100.
EXPOSE 8080 9100
# GET /healthz: on the webhook listener in webhook mode, on the metrics listener when polling
# with metrics on; polling without metrics is healthy while running.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/debate-bot", "healthcheck"]
# The bot shuts down on SIGTERM (as on SIGINT) and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/debate-bot"]
CMD ["run"]
