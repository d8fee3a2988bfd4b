# syntax=docker/dockerfile:1
#
# Semantic router container image.
#
#   docker build -t semantic-router:0.1.0 .
#   docker run --rm --read-only -p 8801:8801 -p 50051:50051 -p 8080:8080 -p 9190:9190 \
#     -v "$PWD/my-config.yaml:/etc/semantic-router/config.yaml:ro" semantic-router:0.1.0
#
# The router runs from its TypeScript sources through tsx (no separate build output to drift from
# what the tests run). Two stages: `deps` compiles the native modules (hnswlib-node) with the full
# toolchain image; the runtime stage is the slim Node image with only production dependencies,
# a non-root user, and nothing that needs a writable root filesystem (TSX_DISABLE_CACHE: tsx
# transpiles in memory instead of writing a cache to /tmp). docs/operations.md#container-image.
# test/deploy/container.test.ts checks every path copied here and runs the entrypoint.

ARG NODE_VERSION=20.20

FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
# onnxruntime-node's install script would download GPU libraries; the CPU runtime ships in the
# package itself.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
RUN groupadd --system --gid 10001 router \
  && useradd --system --uid 10001 --gid router --home-dir /nonexistent --shell /usr/sbin/nologin router
ENV NODE_ENV=production \
    TSX_DISABLE_CACHE=1 \
    HOME=/tmp \
    SR_LOG_LEVEL=info \
    SR_HEALTHCHECK_URL=http://127.0.0.1:8080/health
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# gRPC protos (ext_proc, health) are loaded at start-up; the bundled config and examples are there
# for `serve --config config/config.yaml --simulate-backends` demos.
COPY proto ./proto
COPY config ./config
# The embedded default models (category classifier, sentence embedding), a few MB, loaded at start.
COPY models ./models
USER 10001:10001
# gateway (OpenAI-compatible HTTP), ext_proc (gRPC), classification API, Prometheus metrics
EXPOSE 8801 50051 8080 9190
# /health is served on the API port; set SR_HEALTHCHECK_URL when api_port is not 8080.
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.SR_HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/semantic-router.js"]
CMD ["serve", "--config", "/etc/semantic-router/config.yaml"]
