# One image for the worker and the API: TypeScript run by tsx, as in development.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schemas ./schemas
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
COPY stores ./stores
COPY dashboard ./dashboard
COPY data ./data
COPY scripts/binaries.mjs ./scripts/binaries.mjs
# The dashboard is built at image build time (Vite is a dev dependency), then dev dependencies go.
RUN npx vite build --config dashboard/vite.config.ts && npm prune --omit=dev
ENV NODE_ENV=production
USER node
CMD ["node", "--import", "tsx", "workers/main.ts"]
