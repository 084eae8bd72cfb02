# syntax=docker/dockerfile:1
# The one image for every role: `api`, `worker`, or both (no argument).

# Production dependencies only. Native packages (sharp, resvg) ship prebuilt binaries for
# linux-x64 glibc, which is why the build and runtime stages share the same slim Debian base.
FROM node:24-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Fixes to dependencies, applied by the postinstall script (patch-package).
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/.data
COPY --from=deps /app/node_modules ./node_modules
# Sources, migrations, tsconfig.json (decorator settings for tsx, a runtime dependency that runs the
# TypeScript as it is) and shipped assets; .dockerignore keeps tests, tooling and local data out.
COPY . .
# Local media (souvenirs and photos when no S3 bucket is set) lives on a volume; creating the
# directory here gives a fresh named volume the right owner.
RUN mkdir -p /app/.data/media && chown -R node:node /app/.data
ARG GIT_SHA=""
ENV GIT_SHA=${GIT_SHA}
USER node
EXPOSE 8000
# No curl in the slim image: node itself asks /healthz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (graceful shutdown); `--import tsx` keeps it one process
# so the signal reaches the server rather than a wrapper. A small young generation keeps start-up
# garbage (≈150 MB while the ORM loads) from being promoted: ≈280 MB RSS idle instead of ≈460 MB.
ENTRYPOINT ["node", "--max-semi-space-size=16", "--import", "tsx", "src/main.ts"]
CMD []
