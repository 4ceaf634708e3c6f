# The API server's image: `docker build -t ik-mirror .` then `docker run -p 3000:3000 ik-mirror`
# (embedded database under /app/data), or `docker compose up --build` (Postgres and Redis).
#
# BASE is the official Node image; CI, which cannot pull it, passes a local base with the same
# layout (node and npm on the PATH, a `node` user): --build-arg BASE=<local image>.
ARG BASE=node:20-bookworm-slim

# ---- build: every dependency, then compile, then keep the production dependencies only ----
FROM ${BASE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before the sources are here (TS5058), and no
# dependency the server runs needs an install script.
RUN npm ci --ignore-scripts --prefer-offline --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
# --noCheck: the same JavaScript, without type-checking again (CI's typecheck does that).
RUN npx tsc -p tsconfig.build.json --noCheck \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: package.json ("type": "module"), production dependencies and dist/ only ----
FROM ${BASE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The embedded PGlite database lives here when DATABASE_URL is not set (mount a volume to keep it).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The V8 flag is npm start's (package.json): see "Lean memory" in docs/design.md.
CMD ["node", "--max-semi-space-size=8", "dist/src/server.js"]
