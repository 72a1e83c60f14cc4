# Hall's image: multi-stage, non-root, for amd64 and arm64 (a Raspberry Pi 4 or 5 on a 64-bit OS).
# Hall supports Node.js 22 and 24 (package.json engines: >=22); the image runs the current LTS, 24.
# Both stages share the base, so the node_modules built in the first one match the second.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 ships prebuilt Node-API binaries for amd64 and arm64: no toolchain is needed
# (ssh2's optional cpu-features addon is skipped without one; ssh2 works without it)
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY service ./service
# prune last: the build needs TypeScript, the runtime only the production dependencies
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
# ping for the health checks of type "ping"; nothing else from the system (ssh2 is JavaScript)
RUN apt-get update \
  && apt-get install -y --no-install-recommends iputils-ping \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data /config /traefik-dynamic \
  && chown node:node /data /traefik-dynamic
WORKDIR /app
ENV NODE_ENV=production \
    HALL_HOST=127.0.0.1 HALL_PORT=8080 HALL_DB=/data/hall.db HALL_CONFIG=/config/domains.json
# code owned by root, run by `node` (uid 1000): the service cannot rewrite itself
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/service/dist ./service/dist
COPY bin ./bin
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HALL_PORT || 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `docker compose run --rm hall validate /config/domains.json` runs any other command of the CLI.
# Node flags for a small Pi, the same as deploy/hall.service's (see there): young-generation
# semi-spaces of 1 MB instead of 16, no Maglev, and an old generation let grow by 30 % between
# full collections; about 20 MB less RSS idle, 30 MB after a load, 20 MB less under mixed traffic
ENTRYPOINT ["node", "--max-semi-space-size=1", "--no-maglev", "--heap-growing-percent=30", "service/dist/cli.js"]
CMD ["serve"]
