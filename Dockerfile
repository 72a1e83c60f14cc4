# Hall's image: built on a current LTS Node (Node 20 is past its end of life), runs as non-root.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 is a native addon: compile it here so the runtime image needs no toolchain
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY service ./service
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# ping for health checks; nothing else from the system is needed (ssh2 is pure JavaScript)
RUN apt-get update && apt-get install -y --no-install-recommends iputils-ping \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data /config && chown node:node /data
WORKDIR /app
ENV NODE_ENV=production HALL_HOST=127.0.0.1 HALL_PORT=8080 HALL_DB=/data/hall.db HALL_CONFIG=/config/domains.json
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/service/dist ./service/dist
COPY bin ./bin
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HALL_PORT || 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "service/dist/cli.js", "serve"]
