# One image for every node: MODE=central or MODE=store picks the role at boot.

# Build: the TypeScript compiler and the rest of the dev dependencies live only here.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# .npmrc carries legacy-peer-deps=true, without which npm ci refuses the lockfile.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY migrations migrations
COPY scripts scripts
COPY bench bench
RUN npm run build

# Run: production dependencies and the compiled code, nothing else.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
# The base image's unprivileged user; the app writes nothing to disk when DATABASE_URL is set.
USER node
# Ready means "can serve": the database answers (and, at a store, the replica is loaded). The
# probe is node's own fetch, so the image needs no curl; the port follows the app's defaults.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const port = process.env.PORT || (process.env.MODE === 'store' ? 8083 : 8081); fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node as PID 1, without npm or a shell in between, so SIGTERM reaches the app's graceful shutdown.
CMD ["node", "dist/src/main.js"]
