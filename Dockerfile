# One image for the worker and the API: TypeScript run by tsx, as in development.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY schemas ./schemas
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
COPY data ./data
COPY scripts/binaries.mjs ./scripts/binaries.mjs
USER node
CMD ["node", "--import", "tsx", "workers/main.ts"]
