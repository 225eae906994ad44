# sagezero daemon image. Node 24 (active LTS); runs as a non-root user with a read-only root filesystem except
# the store directory (mount /var/lib/sagezero as a volume, run with --read-only).
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY data ./data
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# The store is the only thing sagezero writes: keep it on the volume so the root filesystem can be
# read-only (config/example-aws.yaml reads this variable; write `store: ${SAGEZERO_STORE}` in yours).
ENV SAGEZERO_STORE=/var/lib/sagezero/sagezero.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
COPY data ./data
COPY schema ./schema
RUN mkdir -p /var/lib/sagezero && chown node:node /var/lib/sagezero
USER node
VOLUME ["/var/lib/sagezero"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A young generation of 2 MB instead of V8's default (up to 32 MB, reached at start-up while the config
# is parsed): serve with 100 endpoints peaked at 123 MB instead of 143-157 MB against moto, at no
# measurable CPU cost (bench/serve-aws-memory.ts).
ENTRYPOINT ["node", "--max-semi-space-size=2", "dist/cli/main.js"]
CMD ["serve", "-c", "/etc/sagezero/sagezero.yaml", "--host", "0.0.0.0", "--port", "8080"]
