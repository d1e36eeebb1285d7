/**
 * The HTTP API: positions, candidates and their documents, applications and every transition, HR
 * figures and the live event feed. Schemas come from schemas/ and give validation, types and the
 * OpenAPI document (GET /openapi.json) from the same objects. Every route declares who may call it.
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import fastifyRateLimit, {
  type FastifyRateLimitStore,
  type FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExamSeats } from '../activities/exam-booking.js';
import type { Mailer } from '../activities/mailer.js';
import type { NatsResources } from '../activities/nats.js';
import {
  ApplicationStatusSchema,
  COMMAND_ROLES,
  CommandSchema,
  applicationWorkflowId,
  candidateView,
  SlaStatusSchema,
  type ApplicationView,
  type Command,
  type Role,
} from '../schemas/application.js';
import {
  AccountRequestSchema,
  CodeRequestSchema,
  ConfirmationCodeSchema,
  DocumentRefSchema,
  ProfilePatchSchema,
  SignInSchema,
  type DocumentRef,
} from '../schemas/candidate.js';
import type { Config } from '../schemas/config.js';
import { EVENT_STREAM, type DomainEvent } from '../schemas/events.js';
import { ExamSessionSchema } from '../schemas/exam.js';
import { DocumentKindSchema, PositionCommandSchema, PositionDraftSchema } from '../schemas/position.js';
import { ContractTypeSchema, DutyStationSchema } from '../schemas/reference.js';
import { applicationIdsOf } from '../activities/erasure.js';
import { CODE_ATTEMPTS, type CandidateStore } from '../stores/candidates.js';
import type { DocumentStore } from '../stores/documents.js';
import type { KeyStore } from '../stores/keys.js';
import type { ReferenceData } from '../stores/reference-data.js';
import type { RequestCounter } from '../stores/rate-limits.js';
import type { Principal, TokenStore } from '../stores/tokens.js';
import { getApplication, transition, unlessNotFound } from './applications.js';
import { csv } from './csv.js';
import { errorHandler, HttpError } from './errors.js';
import type { ApiMetrics } from './metrics.js';
import {
  changePosition,
  getPosition,
  openPosition,
  PositionSearchSchema,
  searchPositions,
} from './positions.js';
import { readSubmission, submitApplication } from './submissions.js';
import { eraseCandidate, exportCandidate, touchRetention } from './privacy.js';
import { readiness } from './readiness.js';
import type { ApplicationIndex } from '../readside/application-index.js';
import type { ProjectionStore } from '../readside/projector.js';
import { figures as computeFigures } from '../readside/projection.js';

export interface ApiDeps {
  client: Client;
  taskQueue: string;
  nats: NatsResources;
  candidates: CandidateStore;
  documents: DocumentStore;
  keys: KeyStore;
  reference: ReferenceData;
  tokens: TokenStore;
  examSeats: ExamSeats;
  mailer: Mailer;
  /** Days personal data is kept after a candidate's last activity (RETENTION_DAYS). */
  retentionDays: number;
  /** The payload codec: the Temporal Web UI decodes payloads through /codec, for staff only. */
  codec?: PayloadCodec;
  /** Where the Temporal Web UI runs, allowed to call /codec from the browser. */
  uiOrigin?: string;
  /** The read side: the projections' records (timelines) and the index the lists come from. */
  projections: ProjectionStore;
  index: ApplicationIndex;
  /** Writes pino's JSON lines from this level up (LOG_LEVEL); unset: no request log (tests). */
  logLevel?: Config['LOG_LEVEL'];
  /** Requests a minute per client address to the sign-up and code routes (API_RATE_LIMIT); 0 or unset: none. */
  rateLimitPerMinute?: number;
  /** Where the counts behind that limit are kept: in NATS, shared by every API process (stores/rate-limits.ts). */
  requestCounter: RequestCounter;
  /** The reverse proxies trusted to name the client (API_TRUST_PROXY); unset: none. */
  trustProxy?: string;
  /** Prometheus metrics of the answers and transitions (api/metrics.ts); unset: none kept. */
  metrics?: ApiMetrics;
}

/** Who may call a route: 'public', or the roles allowed. */
type Access = 'public' | Exclude<Role, 'system'>[];
const STAFF: Access = ['recruiter', 'hr', 'admin'];
const ANYONE_SIGNED_IN: Access = ['candidate', 'recruiter', 'hr', 'admin'];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-"');

/** What the application lists (the board, its export) filter by. */
const ListFilter = z.object({
  stage: ApplicationStatusSchema.optional(),
  positionId: Id.optional(),
  dutyStation: DutyStationSchema.optional(),
  sla: SlaStatusSchema.optional(),
  /** Staff: the applications a given recruiter is in charge of (HR looking at someone's load). */
  recruiterId: Id.optional(),
  /** Staff: the applications the caller is in charge of (a recruiter's own board). */
  mine: z.stringbool().optional(),
});

/**
 * The index's filter for a list request: a candidate sees their own applications only; "mine" is
 * the caller's own recruiter id and wins over a recruiterId sent with it.
 */
function listFilter(
  { mine, ...q }: z.infer<typeof ListFilter>,
  p: Principal,
): Omit<z.infer<typeof ListFilter>, 'mine'> & { candidateId?: string } {
  if (p.role === 'candidate') {
    const { recruiterId: _, ...own } = q;
    return { ...own, candidateId: p.subject };
  }
  return mine ? { ...q, recruiterId: p.subject } : q;
}

const TRANSITIONS_ROUTE = '/applications/:positionId/:candidateId/transitions';

/**
 * A screening or interview sent without `reason` tells a rejected candidate a plain sentence, never
 * the recruiter's notes: the workflow takes a missing reason as a request from before reasons
 * existed, whose notes were the candidate's reason (schemas/application.ts, CandidateReason).
 */
function candidateReason(command: Command): Command {
  if ((command.type === 'screen' || command.type === 'record_interview') && command.reason === undefined)
    return { ...command, reason: '' };
  return command;
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
    const token = bearer(req);
    const principal = token ? await deps.tokens.verify(token) : undefined;
    if (!principal) throw new HttpError(401, 'sign in: a valid bearer token is required');
    if (!access.includes(principal.role)) {
      throw new HttpError(403, `this is for ${access.join(', ')}; you are signed in as ${principal.role}`);
    }
    req.principal = principal;
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  const who = (req: FastifyRequest): Principal => req.principal!;

  // Liveness: the process answers. Readiness: its Temporal and NATS servers answer too (readiness.ts).
  r.get('/health', { config: { access: 'public' }, schema: { hide: true } }, () => ({ ok: true }));
  r.get('/ready', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const state = await readiness(deps);
    return reply.code(state.ready ? 200 : 503).send(state);
  });
  r.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());

  // ---- Positions

  r.get(
    '/positions',
    {
      config: { access: 'public' },
      schema: {
        querystring: PositionSearchSchema.extend({
          includeClosed: z.stringbool().default(false),
          recruiterId: Id.optional(),
          /** Staff: the caller's own vacancies. */
          mine: z.stringbool().optional(),
        }),
      },
    },
    async (req) => {
      const { mine, recruiterId, ...q } = req.query;
      // Closed positions and who a position belongs to are for staff: a candidate's or visitor's
      // includeClosed, mine and recruiterId are ignored.
      const token = bearer(req);
      const principal = token ? await deps.tokens.verify(token) : undefined;
      const staff = principal && principal.role !== 'candidate' ? principal : undefined;
      const owner = staff && (mine ? staff.subject : recruiterId);
      return {
        positions: await searchPositions(deps.client, {
          ...q,
          includeClosed: Boolean(staff && q.includeClosed),
          ...(owner ? { recruiterId: owner } : {}),
        }),
      };
    },
  );
  r.get(
    '/positions/:positionId',
    { config: { access: 'public' }, schema: { params: z.object({ positionId: Id }) } },
    async (req) => {
      const view = await unlessNotFound(getPosition(deps.client, req.params.positionId));
      if (!view) throw new HttpError(404, 'no such position');
      return { ...view.position, status: view.status };
    },
  );
  r.post(
    '/positions',
    {
      config: { access: ['recruiter', 'admin'] },
      schema: { body: PositionDraftSchema.omit({ recruiterId: true }) },
    },
    async (req, reply) => {
      const position = await openPosition(deps.client, deps.taskQueue, {
        ...req.body,
        recruiterId: who(req).subject,
      });
      return reply.status(201).send(position);
    },
  );
  r.post(
    '/positions/:positionId/changes',
    {
      config: { access: ['recruiter', 'admin'] },
      schema: { params: z.object({ positionId: Id }), body: PositionCommandSchema },
    },
    async (req) => {
      const p = who(req);
      const view = await changePosition(deps.client, req.params.positionId, {
        actor: { role: p.role, id: p.subject },
        command: req.body,
      });
      return { ...view.position, status: view.status };
    },
  );

  // ---- Reference data for forms: the nationality a candidate picks is one of these.
  r.get('/member-countries', { config: { access: 'public' } }, () => ({
    countries: [...deps.reference.memberCountries]
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en')),
  }));

  // ---- Exam sessions

  r.get(
    '/exam-sessions',
    {
      config: { access: STAFF },
      schema: {
        querystring: z.object({
          dutyStation: DutyStationSchema.optional(),
          includePast: z.stringbool().default(false),
        }),
      },
    },
    async (req) => ({
      // Sessions still ahead, unless asked: a seat can only be booked in one of those.
      sessions: await deps.examSeats.listSessions({
        dutyStation: req.query.dutyStation,
        ...(req.query.includePast ? {} : { startsAfter: new Date() }),
      }),
    }),
  );
  r.post(
    '/exam-sessions',
    { config: { access: ['recruiter', 'admin'] }, schema: { body: ExamSessionSchema } },
    async (req, reply) => {
      // Candidates are booked into it for a convocation: it must still lie ahead.
      if (Date.parse(req.body.startsAt) <= Date.now())
        throw new HttpError(422, 'an exam session must start in the future', [
          { field: 'startsAt', message: `must be in the future (got ${req.body.startsAt})` },
        ]);
      return reply.status(201).send(await deps.examSeats.createSession(req.body));
    },
  );

  // ---- Candidates

  /**
   * The candidate did something (signed up or in, changed their profile, applied): their data's
   * retention period starts again (RETENTION_DAYS after their last activity).
   */
  const active = (candidateId: string) =>
    touchRetention(deps.client, deps.taskQueue, candidateId, deps.retentionDays);
  /** What the candidate sent with the application (answers, documents), opened with their key. */
  const submissionOf = (applicationId: string, candidateId: string) =>
    readSubmission({ keys: deps.keys, submissions: deps.nats.submissions }, applicationId, candidateId);

  /**
   * Who applied, as the recruiters screening the application need it: a name to address, an address
   * to write to, and what eligibility was judged on. Not the date of birth: the age rule is checked
   * at submission, and a recruiter has no other use for it. Null once the candidate is erased.
   */
  const applicantOf = async (candidateId: string) => {
    const c = await deps.candidates.get(candidateId);
    if (!c) return null;
    const { name, email, nationality, lawEnforcement } = c.profile;
    return { name, email, nationality: nationality ?? null, lawEnforcement: lawEnforcement ?? null };
  };

  r.post(
    '/candidates',
    { config: { access: 'public', ...limited }, schema: { body: AccountRequestSchema } },
    async (req, reply) => {
      const { candidateId, code } = await deps.candidates.createAccount(req.body);
      await active(candidateId);
      await deps.mailer.sendRaw({
        emailId: `account:${candidateId}:confirm`,
        to: { kind: 'candidate', id: candidateId },
        subject: 'Confirm your email address',
        text: `Your confirmation code is ${code}. It is valid for 24 hours.`,
      });
      return reply.status(201).send({ candidateId, confirmation: 'a code was sent to your email address' });
    },
  );
  /** The file itself, under its own name and type; never cached on the way (personal data). */
  const sendDocument = async (reply: FastifyReply, candidateId: string, ref: DocumentRef) => {
    const bytes = await deps.documents.get(candidateId, ref.documentId);
    if (!bytes) throw new HttpError(404, "the document is gone: its owner's data has been erased");
    return reply
      .header('content-type', ref.contentType)
      .header('content-disposition', attachment(ref.filename))
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(bytes));
  };
  const wrongCode = () =>
    new HttpError(
      422,
      `the code is wrong, has expired or was used (${CODE_ATTEMPTS} wrong tries void a code): ask for a new one at POST /candidates/code`,
      [{ field: 'code', message: 'wrong, expired or used' }],
    );
  r.post(
    '/candidates/:candidateId/confirm',
    {
      config: { access: 'public', ...limited },
      schema: {
        params: z.object({ candidateId: z.string().min(1).max(64) }),
        body: z.object({ code: ConfirmationCodeSchema }),
      },
    },
    async (req) => {
      if (!(await deps.candidates.confirm(req.params.candidateId, req.body.code))) throw wrongCode();
      await active(req.params.candidateId);
      return { token: await deps.tokens.issue('candidate', req.params.candidateId) };
    },
  );
  // Signing in again (a new device, a lost token) or a first code that expired or never came: a
  // code by email, then the code for a token. The answer is the same whether or not an account has
  // the address, so the route tells nobody who has applied here.
  r.post(
    '/candidates/code',
    { config: { access: 'public', ...limited }, schema: { body: CodeRequestSchema } },
    async (req, reply) => {
      const issued = await deps.candidates.issueCode(req.body.email);
      if (issued) {
        await deps.mailer.sendRaw({
          emailId: `account:${issued.candidateId}:code:${issued.serial}`,
          to: { kind: 'candidate', id: issued.candidateId },
          subject: 'Your sign-in code',
          text: `Your sign-in code is ${issued.code}. It is valid for 30 minutes. If you did not ask for it, you can ignore this message: nobody can sign in without it.`,
        });
      }
      return reply.status(202).send({
        message: `if an account has this address, a code is on its way to it (at most one a minute)`,
      });
    },
  );
  r.post(
    '/candidates/sign-in',
    { config: { access: 'public', ...limited }, schema: { body: SignInSchema } },
    async (req) => {
      const candidateId = await deps.candidates.candidateIdFor(req.body.email);
      if (!candidateId || !(await deps.candidates.confirm(candidateId, req.body.code))) throw wrongCode();
      await active(candidateId);
      return { candidateId, token: await deps.tokens.issue('candidate', candidateId) };
    },
  );
  r.get('/me', { config: { access: ['candidate'] } }, async (req) => {
    const c = await deps.candidates.get(who(req).subject);
    if (!c) throw new HttpError(404, 'no profile');
    return c;
  });
  r.patch('/me', { config: { access: ['candidate'] }, schema: { body: ProfilePatchSchema } }, async (req) => {
    const updated = await deps.candidates.updateProfile(who(req).subject, req.body);
    await active(who(req).subject);
    return updated;
  });
  r.get(
    '/me/documents/:documentId',
    {
      config: { access: ['candidate'] },
      schema: { params: z.object({ documentId: DocumentRefSchema.shape.documentId }) },
    },
    async (req, reply) => {
      const candidateId = who(req).subject;
      const ref = (await deps.candidates.get(candidateId))?.profile.documents.find(
        (d) => d.documentId === req.params.documentId,
      );
      if (!ref) throw new HttpError(404, 'no such document on your profile');
      return sendDocument(reply, candidateId, ref);
    },
  );
  r.delete(
    '/me/documents/:documentId',
    {
      config: { access: ['candidate'] },
      schema: { params: z.object({ documentId: DocumentRefSchema.shape.documentId }) },
    },
    async (req) => {
      const candidateId = who(req).subject;
      const { documentId } = req.params;
      // Refused by the store, and nothing changed, when the document is not on the profile.
      await deps.candidates.removeDocument(candidateId, documentId);
      // A file an application was submitted with stays for the recruiters screening it (it goes with
      // the candidate's key at erasure); any other file is deleted now.
      const keptFor: string[] = [];
      const listing = { client: deps.client, submissions: deps.nats.submissions };
      for (const applicationId of await applicationIdsOf(listing, candidateId)) {
        const sent = await submissionOf(applicationId, candidateId);
        if (sent?.documents.some((d) => d.documentId === documentId)) keptFor.push(applicationId);
      }
      if (keptFor.length === 0) await deps.documents.delete(candidateId, documentId);
      await active(candidateId);
      return { removed: documentId, keptFor };
    },
  );
  r.post(
    '/me/documents',
    {
      config: { access: ['candidate'] },
      schema: {
        querystring: z.object({ kind: DocumentKindSchema, filename: z.string().min(1).max(255) }),
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) {
        throw new HttpError(
          415,
          'send the file itself, with Content-Type application/pdf or the Word .docx type',
        );
      }
      const candidateId = who(req).subject;
      const ref = await deps.documents.put(candidateId, {
        kind: req.query.kind,
        filename: req.query.filename,
        contentType: req.headers['content-type'] ?? '',
        bytes: req.body,
      });
      await deps.candidates.addDocument(candidateId, ref);
      await active(candidateId);
      return reply.status(201).send(ref);
    },
  );

  // ---- Applications

  r.post(
    '/applications',
    {
      config: { access: ['candidate'] },
      schema: {
        headers: z.object({ 'idempotency-key': z.string().min(8).max(100) }),
        body: z.object({ positionId: Id, answers: z.record(z.string(), z.string().max(5000)).default({}) }),
      },
    },
    async (req, reply) => {
      const result = await submitApplication(
        {
          client: deps.client,
          taskQueue: deps.taskQueue,
          candidates: deps.candidates,
          keys: deps.keys,
          submissions: deps.nats.submissions,
          reference: deps.reference,
        },
        {
          candidateId: who(req).subject,
          positionId: req.body.positionId,
          answers: req.body.answers,
          submissionKey: req.headers['idempotency-key'],
        },
      );
      if (result.ok) await active(who(req).subject);
      if (!result.ok) {
        const message =
          result.status === 409
            ? 'you have already applied to this position'
            : 'the application was not accepted';
        throw new HttpError(
          result.status,
          message,
          result.problems,
          result.applicationId ? { applicationId: result.applicationId } : {},
        );
      }
      return reply.status(result.repeated ? 200 : 201).send({ applicationId: result.applicationId });
    },
  );

  r.get(
    '/applications',
    {
      config: { access: ANYONE_SIGNED_IN },
      schema: {
        querystring: ListFilter.extend({
          deadlineBefore: z.iso.datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().regex(/^\d+$/).optional(),
        }),
      },
    },
    (req) => {
      const { deadlineBefore, limit, cursor, ...q } = req.query;
      const filter = { ...listFilter(q, who(req)), deadlineBefore };
      const skip = Number(cursor ?? 0);
      // From the read side's index: no request leaves the process, whatever the load on Temporal.
      const { items, more } = deps.index.list(filter, skip, limit);
      return { source: 'read-side' as const, items, nextCursor: more ? String(skip + items.length) : null };
    },
  );

  // The board's list as a spreadsheet, for HR's reports: every application the filters match (no
  // paging), from the read side, by id and position: no names (they stay on the board).
  r.get(
    '/applications/export.csv',
    {
      config: { access: STAFF },
      schema: {
        querystring: ListFilter.extend({ contractType: ContractTypeSchema.optional() }),
      },
    },
    async (req, reply) => {
      const { contractType, ...q } = req.query;
      const filter = listFilter(q, who(req));
      const positions = new Map(
        (
          await searchPositions(deps.client, {
            includeClosed: true,
            ...(contractType ? { contractType } : {}),
          })
        ).map((p) => [p.positionId, p]),
      );
      const now = Date.now();
      const rows = [...deps.index.matching(filter)]
        .filter((a) => !contractType || positions.has(a.positionId))
        .map((a) => {
          const p = positions.get(a.positionId);
          return [
            a.applicationId,
            a.positionId,
            p?.reference ?? null,
            p?.title ?? null,
            p?.contractType ?? null,
            a.dutyStation,
            a.status,
            a.submittedAt,
            a.stageSince,
            // A closed application is in no stage: its days since closing would read as waiting.
            a.closedAt ? null : Math.floor((now - Date.parse(a.stageSince)) / 86_400_000),
            a.nextDeadline ?? null,
            a.sla ?? null,
          ];
        });
      const day = new Date(now).toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="applications-${day}.csv"`)
        .send(
          csv(
            [
              'application',
              'position',
              'reference',
              'title',
              'contract_type',
              'duty_station',
              'stage',
              'submitted_at',
              'in_stage_since',
              'days_in_stage',
              'next_deadline',
              'service_level',
            ],
            rows,
          ),
        );
    },
  );

  // The names on the recruiters' board: the read side lists ids only (no personal data leaves the
  // candidates' sealed profiles for it), so the board asks for the names of the cards it shows.
  // Only of applications the read side knows: not a directory of every account.
  r.post(
    '/applications/applicants',
    {
      config: { access: STAFF },
      schema: { body: z.object({ applicationIds: z.array(z.string().min(1).max(200)).max(200) }) },
    },
    async (req) => {
      const applicants: Record<string, { name: string }> = {};
      const known = [...new Set(req.body.applicationIds)].flatMap((id) => {
        const a = deps.index.get(id);
        return a ? [{ id, candidateId: a.candidateId }] : [];
      });
      for (let i = 0; i < known.length; i += 16) {
        await Promise.all(
          known.slice(i, i + 16).map(async ({ id, candidateId }) => {
            const applicant = await applicantOf(candidateId);
            if (applicant) applicants[id] = { name: applicant.name };
          }),
        );
      }
      return { applicants };
    },
  );

  const ownApplication = async (req: FastifyRequest, applicationId: string) => {
    const p = who(req);
    const handle = deps.client.workflow.getHandle(applicationId);
    const view = await unlessNotFound(getApplication(handle));
    if (!view) throw new HttpError(404, 'no such application');
    // Another candidate's application does not exist, as far as a candidate can tell.
    if (p.role === 'candidate' && view.candidateId !== p.subject)
      throw new HttpError(404, 'no such application');
    return { handle, view };
  };
  // The candidate sees their side of it; staff see all of it.
  const seenBy = (req: FastifyRequest, view: ApplicationView) =>
    who(req).role === 'candidate' ? candidateView(view) : view;
  const AppParams = z.object({ positionId: Id, candidateId: z.string().min(1).max(64) });

  r.get(
    '/applications/:positionId/:candidateId',
    { config: { access: ANYONE_SIGNED_IN }, schema: { params: AppParams } },
    async (req) => {
      const id = applicationWorkflowId(req.params.positionId, req.params.candidateId);
      const { view } = await ownApplication(req, id);
      // Two reads of the candidate's sealed data, independent of each other.
      const [submission, applicant] = await Promise.all([
        submissionOf(id, view.candidateId),
        who(req).role === 'candidate' ? null : applicantOf(view.candidateId),
      ]);
      return { ...seenBy(req, view), submission: submission ?? null, applicant };
    },
  );
  // A document the candidate attached to this application (a CV to screen), for staff and for the
  // candidate: only those of the submission, never the rest of the profile.
  r.get(
    '/applications/:positionId/:candidateId/documents/:documentId',
    {
      config: { access: ANYONE_SIGNED_IN },
      schema: { params: AppParams.extend({ documentId: DocumentRefSchema.shape.documentId }) },
    },
    async (req, reply) => {
      const id = applicationWorkflowId(req.params.positionId, req.params.candidateId);
      const { view } = await ownApplication(req, id);
      const submission = await submissionOf(id, view.candidateId);
      const ref = submission?.documents.find((d) => d.documentId === req.params.documentId);
      if (!ref) throw new HttpError(404, 'no such document in this application');
      return sendDocument(reply, view.candidateId, ref);
    },
  );
  r.post(
    TRANSITIONS_ROUTE,
    {
      config: { access: ['candidate', 'recruiter', 'hr'] },
      schema: {
        params: AppParams,
        body: CommandSchema,
        // Optional: a client that may retry (a lost answer, a restart) sends one per intended action.
        headers: z.object({ 'idempotency-key': z.string().min(8).max(100).optional() }),
      },
    },
    async (req) => {
      const p = who(req);
      const allowed = COMMAND_ROLES[req.body.type];
      if (!allowed.includes(p.role)) {
        throw new HttpError(403, `'${req.body.type}' is for ${allowed.join(' or ')}, not ${p.role}`);
      }
      const { handle } = await ownApplication(
        req,
        applicationWorkflowId(req.params.positionId, req.params.candidateId),
      );
      // The actor comes from the token, never from the body.
      await transition(
        handle,
        { actor: { role: p.role, id: p.subject }, command: candidateReason(req.body) },
        req.headers['idempotency-key'],
      );
      // A person at a screen sees the whole application, timeline included: the update's own answer
      // leaves the timeline out (it is kept in history), the query has it.
      return seenBy(req, await getApplication(handle));
    },
  );

  // ---- Timelines from the read side (built from the event stream)

  r.get(
    '/applications/:positionId/:candidateId/events',
    { config: { access: STAFF }, schema: { params: AppParams } },
    async (req) => {
      const record = await deps.projections.application(
        applicationWorkflowId(req.params.positionId, req.params.candidateId),
      );
      if (!record) throw new HttpError(404, 'no events for this application yet');
      return record;
    },
  );
  r.get(
    '/positions/:positionId/events',
    { config: { access: STAFF }, schema: { params: z.object({ positionId: Id }) } },
    async (req) => {
      const record = await deps.projections.position(req.params.positionId);
      if (!record) throw new HttpError(404, 'no events for this position yet');
      return record;
    },
  );

  // ---- HR figures and the live feed

  r.get('/figures', { config: { access: STAFF } }, () => {
    // Every figure from the read side's index, in one pass in memory: counts through visibility
    // took 15 s at the 95th percentile over 10,000 open applications (eleven COUNT queries on the
    // dev server's SQLite), one pass over the bucket 1.5 s. They lag the workflows by moments.
    return { source: 'read-side' as const, ...computeFigures(deps.index.all()) };
  });

  r.get('/events', { config: { access: STAFF }, schema: { hide: true } }, async (req, reply) => {
    const consumer = await deps.nats.js.consumers.get(EVENT_STREAM, { deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    reply.raw.write(': connected\n\n');
    req.raw.on('close', () => void messages.close());
    for await (const m of messages) {
      const e = m.json<DomainEvent>();
      // Ids, types and stages only: the feed carries no personal data.
      const data = {
        type: e.type,
        eventId: e.eventId,
        occurredAt: e.occurredAt,
        positionId: e.positionId,
        ...('applicationId' in e ? { applicationId: e.applicationId, status: e.status } : {}),
      };
      reply.raw.write(`event: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`);
    }
    return reply;
  });

  // ---- Data protection: subject access and erasure

  const privacy = {
    client: deps.client,
    nats: deps.nats,
    candidates: deps.candidates,
    documents: deps.documents,
    keys: deps.keys,
    tokens: deps.tokens,
  };
  /**
   * Each erasure in the log, by id (an id says nothing of the person): a restore from a backup older
   * than an erasure brings the candidate's key back, and these lines say whom to erase again.
   */
  const erased = (req: FastifyRequest, candidateId: string, by: 'candidate' | 'admin') =>
    req.log.info({ candidateId, by }, 'candidate erased');
  r.get('/me/export', { config: { access: ['candidate'] } }, async (req) =>
    exportCandidate(privacy, who(req).subject),
  );
  r.delete('/me', { config: { access: ['candidate'] } }, async (req, reply) => {
    await eraseCandidate(privacy, who(req).subject);
    erased(req, who(req).subject, 'candidate');
    return reply.status(204).send();
  });
  r.get(
    '/candidates/:candidateId/export',
    {
      config: { access: ['admin'] },
      schema: { params: z.object({ candidateId: Id }) },
    },
    async (req) => exportCandidate(privacy, req.params.candidateId),
  );
  r.delete(
    '/candidates/:candidateId',
    {
      config: { access: ['admin'] },
      schema: { params: z.object({ candidateId: Id }) },
    },
    async (req, reply) => {
      await eraseCandidate(privacy, req.params.candidateId);
      erased(req, req.params.candidateId, 'admin');
      return reply.status(204).send();
    },
  );

  // ---- Codec endpoint for the Temporal Web UI (its --ui-codec-endpoint points here)

  const CodecBody = z.object({
    payloads: z.array(
      z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') }),
    ),
  });
  const cors = (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (origin && deps.uiOrigin && origin === deps.uiOrigin) {
      void reply.header('access-control-allow-origin', origin);
      void reply.header('access-control-allow-credentials', 'true');
      void reply.header('access-control-allow-headers', 'authorization, content-type, x-namespace');
      void reply.header('access-control-allow-methods', 'POST, OPTIONS');
    }
  };
  for (const op of ['encode', 'decode'] as const) {
    r.options(`/codec/${op}`, { config: { access: 'public' }, schema: { hide: true } }, (req, reply) => {
      cors(req, reply);
      return reply.status(204).send();
    });
    r.post(`/codec/${op}`, { config: { access: STAFF }, schema: { body: CodecBody } }, async (req, reply) => {
      cors(req, reply);
      if (!deps.codec) throw new HttpError(404, 'no payload codec configured');
      const payloads = req.body.payloads.map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(p.data, 'base64'),
      }));
      const out = await deps.codec[op](payloads);
      return {
        payloads: out.map((p) => ({
          metadata: Object.fromEntries(
            Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
          ),
          data: Buffer.from(p.data ?? []).toString('base64'),
        })),
      };
    });
  }

  // ---- Staff tokens (admins; the first admin token comes from `npm run admin-token`)

  r.post(
    '/tokens',
    {
      config: { access: ['admin'] },
      schema: {
        body: z.object({
          role: z.enum(['recruiter', 'hr', 'admin']),
          subject: Id,
          // How long it holds; 90 days unless said.
          days: z.number().int().min(1).max(365).optional(),
        }),
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send({ token: await deps.tokens.issue(req.body.role, req.body.subject, req.body.days) }),
  );
  // Someone who leaves (or loses a laptop) is signed out everywhere at once: every token issued to
  // the subject, staff or candidate, stops working in every process. Answers how many were revoked.
  r.delete(
    '/tokens/:subject',
    {
      config: { access: ['admin'] },
      schema: { params: z.object({ subject: z.string().min(1).max(64) }) },
    },
    async (req) => ({ revoked: await deps.tokens.revokeSubject(req.params.subject) }),
  );
  // Signing out: the token presented stops working, here and in every other process.
  r.delete('/session', { config: { access: ANYONE_SIGNED_IN } }, async (req, reply) => {
    await deps.tokens.revoke(bearer(req));
    return reply.status(204).send();
  });

  // ---- The HR dashboard (built by `npm run build:dashboard` into dashboard/dist)

  const dist = fileURLToPath(new URL('../dashboard/dist/', import.meta.url));
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
  };
  const sendFile = async (reply: FastifyReply, file: string) => {
    const path = join(dist, file);
    if (!path.startsWith(dist) || !existsSync(path)) throw new HttpError(404, 'not found');
    return reply.type(types[extname(path)] ?? 'application/octet-stream').send(await readFile(path));
  };
  r.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
    sendFile(reply, 'index.html'),
  );
  r.get(
    '/assets/:file',
    {
      config: { access: 'public' },
      schema: { hide: true, params: z.object({ file: z.string().regex(/^[\w.-]+$/) }) },
    },
    (req, reply) => sendFile(reply, `assets/${req.params.file}`),
  );

  await app.ready();
  return { app, routes };
}

/** Content-Disposition for a file name in any script: an ASCII stand-in, and the name itself (RFC 6266). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // encodeURIComponent leaves ' ( ) * ! as they are; the extended value may not hold them.
  const encoded = encodeURIComponent(filename).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The token of an `Authorization: Bearer …` header; '' without one. */
function bearer(req: FastifyRequest): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7).trim() : '';
}
