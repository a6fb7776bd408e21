# syntax=docker/dockerfile:1
# modelgraph: the registry's GraphQL server (Apollo Federation v2 subgraph) in a production image.
#
#   docker build -t modelgraph .
#   docker run -p 4000:4000 -e REGISTRY_ADMIN_TOKEN=… -e DATABASE_URL=mysql://user:pass@db:3306/modelgraph modelgraph
#
# The image listens on 0.0.0.0, so the server refuses to start in open local mode (every caller ADMIN):
# give it REGISTRY_ADMIN_TOKEN (16+ characters) or AUTH_JWKS_URL/AUTH_ISSUER/AUTH_AUDIENCE.
# Without DATABASE_URL it keeps an embedded SQLite store in /app/data (mount a volume there).

ARG NODE_IMAGE=node:20-slim

# 1. Compile TypeScript (dev dependencies; lifecycle scripts off: `prepare` would build before the sources are here).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY client ./client
COPY bench ./bench
RUN npm run build

# 2. Production dependencies only. better-sqlite3 is native: its install script fetches a prebuilt binary
#    or compiles one (python3, make, g++), for this image's Node ABI, which the runtime stage shares.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# 3. Runtime: compiled output and production dependencies, as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATABASE_URL=sqlite:/app/data/registry.db
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 4000
# /ready: 200 once migrated and the database answers (503 while writes cannot be stored); /health: the process.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# The same command as `npm start` (its heap bound included).
CMD ["node", "--max-old-space-size=384", "dist/src/main.js"]
