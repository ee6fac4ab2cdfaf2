# Pulang helpline service. Build: docker build -t pulang .
# Run:   docker run --env-file .env -p 3000:3000 --stop-timeout 15 pulang
# One stage: install everything, compile, check the content with the compiled code, then
# drop what only the build needed. It runs compiled JavaScript: no TypeScript at run time.
# See docs/decisions/0011-compiled-build-and-start.md.
FROM node:24-bookworm-slim

WORKDIR /app

# NODE_ENV=production is set only further down: npm ci would leave out the dev
# dependencies (TypeScript) that the build needs.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
# scripts/: npm start's prestart, should anyone run `npm start` in the image.
COPY scripts ./scripts
COPY src ./src
COPY flows ./flows
COPY locales ./locales
COPY directory ./directory
# The web chat's own script and style (WEB_CHAT=on).
COPY public ./public

# Compile (refused on any type error), then refuse to build an image whose flows, texts or
# directory are broken: the compiled check that start-up makes. Then prune in the same
# layer, so the dev dependencies never reach the image. Not --omit=optional: the native
# Argon2 binary is an optional dependency, and without it the service cannot start
# (`npm run image:rehearse` found it). npm keeps TypeScript as i18next's optional peer once
# it is installed; nothing at run time needs it, so it goes by hand.
RUN npm run build \
 && node dist/scripts/flows-check.js \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/typescript \
 && npm cache clean --force \
 && rm -rf src tsconfig.json tsconfig.build.json

ENV NODE_ENV=production
USER node
EXPOSE 3000

# Slim images have no curl: Node's own fetch asks /healthz on loopback (answered while the
# process serves HTTP; HOST must include loopback, as the default 0.0.0.0 does). /readyz
# also needs Redis: that is an orchestrator's readiness probe, not a reason to restart.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node itself is PID 1, not npm: `docker stop`'s SIGTERM reaches the service, which stops
# taking updates, finishes those in flight, waits up to 10 s for queued replies and exits
# (hence --stop-timeout 15 above; Docker's default of 10 s may cut the wait short).
CMD ["node", "dist/main.js"]
