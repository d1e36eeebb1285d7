/**
 * The HTTP API: positions, candidates and their documents, applications and every transition, HR
 * figures and the live event feed. Schemas come from schemas/ and give validation, types and the
 * OpenAPI document (GET /openapi.json) from the same objects. Every route declares who may call it.
 * This file is the shell (hooks, authentication, metrics, rate limits, probes); the routes are in
 * routes/, by area.
 */
import fastifyRateLimit, {
  type FastifyRateLimitStore,
  type FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { COMMAND_ROLES } from '../schemas/application.js';
import type { RequestCounter } from '../stores/rate-limits.js';
import type { ApiDeps } from './deps.js';
import { errorHandler, HttpError } from './errors.js';
import { readiness } from './readiness.js';
import { applicationRoutes, TRANSITIONS_ROUTE } from './routes/applications.js';
import { candidateRoutes } from './routes/candidates.js';
import { principalOf, routeContext, type Access } from './routes/context.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { positionRoutes } from './routes/positions.js';
import { staffRoutes } from './routes/staff.js';

export type { ApiDeps } from './deps.js';
export { attachment } from './routes/context.js';

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

const COMMANDS: ReadonlySet<string> = new Set(Object.keys(COMMAND_ROLES));
/** A transition's command for a metric label: one of ours, or `invalid` (never the caller's own text). */
function commandLabel(body: unknown): string {
  const type = (body as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' && COMMANDS.has(type) ? type : 'invalid';
}

/**
 * @fastify/rate-limit's store over our counter: the plugin makes one child per limited route, and
 * the child's counts are that route's (the plugin hands the route over as `routeInfo`).
 */
function sharedCounts(counter: RequestCounter): FastifyRateLimitStoreCtor {
  class SharedCounts implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly route = 'all',
    ) {}

    incr(
      client: string,
      done: (error: Error | null, result?: { current: number; ttl: number }) => void,
      windowMs: number,
      max: number,
    ): void {
      counter.count(this.route, client, windowMs, max).then(
        (result) => done(null, result),
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
      );
    }

    child(options: object): FastifyRateLimitStore {
      const route = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
      return new SharedCounts(undefined, `${String(route?.method)} ${String(route?.url)}`);
    }
  }
  return SharedCounts;
}

export async function buildApp(deps: ApiDeps): Promise<{ app: FastifyInstance; routes: RouteInfo[] }> {
  const app = Fastify({
    logger: deps.logLevel
      ? { level: deps.logLevel.toLowerCase(), redact: ['req.headers.authorization'] }
      : false,
    bodyLimit: 11 * 1024 * 1024,
    // The client's address (rate limits, logs) is the proxy's unless the proxy is trusted.
    trustProxy: deps.trustProxy ?? false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // Documents arrive as their raw bytes, with their type in Content-Type.
  app.addContentTypeParser(
    [
      'application/pdf',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/octet-stream',
    ],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );
  // Only the routes that make accounts or send and check codes are limited (per route, per address).
  await app.register(fastifyRateLimit, {
    global: false,
    store: sharedCounts(deps.requestCounter),
    errorResponseBuilder: (_req, ctx) =>
      new HttpError(
        429,
        `too many requests from this address: at most ${ctx.max} a minute; try again in ${ctx.after}`,
      ),
  });
  const limited = deps.rateLimitPerMinute
    ? { rateLimit: { max: deps.rateLimitPerMinute, timeWindow: 60_000 } }
    : {};
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'INTERPOL hiring engine', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access });
    }
  });

  const { metrics } = deps;
  if (metrics) {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.answered(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
      if (req.method === 'POST' && route === TRANSITIONS_ROUTE)
        metrics.transition(commandLabel(req.body), reply.statusCode);
    });
  }

  // Authentication: 401 without a valid token, 403 with a token of the wrong role.
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    if (!access || access === 'public') return;
    const principal = await principalOf(req, deps.tokens);
    if (!principal) throw new HttpError(401, 'sign in: a valid bearer token is required');
    if (!access.includes(principal.role)) {
      throw new HttpError(403, `this is for ${access.join(', ')}; you are signed in as ${principal.role}`);
    }
    req.principal = principal;
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  // Liveness: the process answers. Readiness: its Temporal and NATS servers answer too (readiness.ts).
  r.get('/health', { config: { access: 'public' }, schema: { hide: true } }, () => ({ ok: true }));
  r.get('/ready', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const state = await readiness(deps);
    return reply.code(state.ready ? 200 : 503).send(state);
  });
  r.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());

  const ctx = routeContext(r, deps, limited);
  positionRoutes(ctx);
  candidateRoutes(ctx);
  applicationRoutes(ctx);
  staffRoutes(ctx);
  dashboardRoutes(ctx);

  await app.ready();
  return { app, routes };
}
