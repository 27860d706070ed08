# One image for the api (default command), the worker (`node dist/src/worker.js`), the mail
# listener (`node dist/src/mail-listener.js`) and the one-shot migration (`node dist/src/db/migrate.js`); see docker-compose.yml.
# No configuration or secrets here: everything comes from the environment at run time.

# --- build: compile with the dev dependencies, then drop them ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build && npm prune --omit=dev

# --- runtime: compiled code and production dependencies only ---
FROM node:20-bookworm-slim
# Optional: Chromium, for connections that attach the report to Lever as a PDF. Off by default: it
# adds about 700 MB to the image (docs/operations.md, "Report PDFs"). `--build-arg WITH_CHROMIUM=1`
# (compose: WITH_CHROMIUM=1 in .env) installs Debian's chromium and points CHROMIUM_PATH at it.
ARG WITH_CHROMIUM=
RUN if [ -n "$WITH_CHROMIUM" ]; then \
      apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core && rm -rf /var/lib/apt/lists/*; \
    fi
ENV CHROMIUM_PATH=${WITH_CHROMIUM:+/usr/bin/chromium}
ENV NODE_ENV=production
# glibc malloc: memory a burst used goes back to the system once freed (src/malloc-env.ts says why and what it measured).
ENV MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
# Owned by root and only readable by the app user: the process cannot rewrite its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# 3000: HTTP (PORT); 2525: SMTP for hire-confirmation replies (INBOUND_SMTP_PORT), `node dist/src/mail-listener.js`;
# 9464-9466: /metrics of the api, the worker and the mail listener (API_/WORKER_/MAIL_LISTENER_METRICS_PORT), internal only.
EXPOSE 3000 2525 9464 9465 9466
# Health checks live in docker-compose.yml, per service (the worker's reads its metrics port).
CMD ["node", "dist/src/main.js"]
