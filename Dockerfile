# syntax=docker/dockerfile:1
#
# Semantic router container image.
#
#   docker build -t semantic-router:0.1.0 .
#   docker run --rm --read-only -p 8801:8801 -p 50051:50051 -p 8080:8080 -p 9190:9190 \
#     -v "$PWD/my-config.yaml:/etc/semantic-router/config.yaml:ro" semantic-router:0.1.0
#
# The router runs as compiled JavaScript (`npm run build` → dist/): running the TypeScript through
# tsx cost ~90 MB more resident memory and 3x the start-up time (bench/deploy/memory.ts,
# docs/operations.md#resources). Three stages: `deps` installs the production dependencies and
# compiles the native modules (hnswlib-node) with the full toolchain image; `build` compiles src/
# with the dev dependencies (TypeScript); the runtime stage is the slim Node image with the
# production dependencies, dist/, the protos, the config examples and the embedded models, a
# non-root user, and nothing that needs a writable root filesystem.
# docs/operations.md#container-image. test/deploy/container.test.ts checks every path copied here;
# test/deploy/image-serve.test.ts and model-init.test.ts build dist/ the same way and run the
# entrypoint from a staged copy of the image.

ARG NODE_VERSION=20.20

FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
# onnxruntime-node's install script would download GPU libraries; the CPU runtime ships in the
# package itself.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
# Only the TypeScript compiler and type packages are needed here: no install scripts.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
RUN groupadd --system --gid 10001 router \
  && useradd --system --uid 10001 --gid router --home-dir /nonexistent --shell /usr/sbin/nologin router
ENV NODE_ENV=production \
    HOME=/tmp \
    SR_LOG_LEVEL=info \
    SR_HEALTHCHECK_URL=http://127.0.0.1:8080/health
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# package.json: the version reported by the API. dist/ includes the JSON data src/ imports.
COPY package.json ./
COPY --from=build /app/dist ./dist
# gRPC protos (ext_proc, health) are loaded at start-up; the bundled config and examples are there
# for `serve --config config/config.yaml --simulate-backends` demos.
COPY proto ./proto
COPY config ./config
# The embedded default models (category classifier, sentence embedding), a few MB, loaded at start.
COPY models ./models
# The console's front end (/ui/ on the API port): plain HTML, ES modules, CSS; read at start.
COPY ui ./ui
USER 10001:10001
# gateway (OpenAI-compatible HTTP), ext_proc (gRPC), classification API, Prometheus metrics
EXPOSE 8801 50051 8080 9190
# /health is served on the API port; set SR_HEALTHCHECK_URL when api_port is not 8080.
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.SR_HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["serve", "--config", "/etc/semantic-router/config.yaml"]
