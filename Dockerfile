# regledger's image, in two stages: one builds (compilers, dev dependencies), the other runs it,
# slim, as the unprivileged `node` user. Node 20 (20.19 or later), as package.json's engines say.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt one can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY projections projections
COPY bench bench
COPY web web
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 LEDGER_DATA_DIR=/var/lib/regledger
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
COPY examples examples
RUN mkdir -p /var/lib/regledger && chown node:node /var/lib/regledger
USER node
VOLUME /var/lib/regledger
EXPOSE 3000
# Healthy once ready: the store answers and the read model has caught up (compose's depends_on waits for it).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=6 CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM ends the change streams, lets commands in flight finish and exits 0 within 10 s.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/cli/main.js", "serve"]
