import { figures as computeFigures } from '../../readside/projection.js';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isFinal } from '../../schemas/application.js';
import { ContactSchema } from '../../schemas/effects.js';
import { searchPositions } from '../positions.js';
import { type DomainEvent, EVENT_STREAM } from '../../schemas/events.js';
import { readEvent } from '../../readside/projector.js';
import { HttpError } from '../errors.js';
import { ANYONE_SIGNED_IN, Id, type RouteContext, STAFF, bearer } from './context.js';

/**
 * For staff and operators: HR figures, the live event feed, the Web UI's codec, staff contacts,
 * tokens, who is signed in, and signing out.
 */
export function staffRoutes({ r, deps, who, staffContact }: RouteContext): void {
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
      // Only events this code knows, so a message that is none (not JSON, a newer version) neither
      // ends the feed nor writes its own text into it; the projector logs and counts such messages.
      let e: DomainEvent;
      try {
        e = readEvent(m.data);
      } catch {
        continue;
      }
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

  // ---- Staff: who they are and where their emails go (admins keep both)

  // Recruiters get emails of their own (reminders, a candidate's answer to an offer, a withdrawal):
  // without a contact here each of those fails as "no contact for recruiter …".
  // Every staff member sees the list (whom to hand work to); only admins change it.
  r.get('/staff', { config: { access: STAFF } }, async () => ({ staff: await deps.directory.staff() }));
  r.put(
    '/staff/:subject',
    { config: { access: ['admin'] }, schema: { params: z.object({ subject: Id }), body: ContactSchema } },
    async (req) => {
      await deps.directory.putStaff(req.params.subject, req.body);
      return { subject: req.params.subject, ...req.body };
    },
  );

  // Someone leaving: refused while work is in their charge (hand it over first: their emails would
  // go nowhere); then their contact goes and every token of theirs stops working, in every process.
  r.delete(
    '/staff/:subject',
    { config: { access: ['admin'] }, schema: { params: z.object({ subject: Id }) } },
    async (req) => {
      const { subject } = req.params;
      const applications = deps.index
        .all()
        .filter((a) => a.recruiterId === subject && !isFinal(a.status)).length;
      const vacancies = (
        await searchPositions(deps.client, { recruiterId: subject, includeClosed: true })
      ).filter((p) => p.status === 'open' || p.status === 'closed').length;
      if (applications > 0 || vacancies > 0)
        throw new HttpError(
          409,
          `${subject} is still in charge of ${vacancies} vacancies and ${applications} applications in progress: hand them over first`,
          [],
          { vacancies, applications },
        );
      if (!(await deps.directory.removeStaff(subject)))
        throw new HttpError(404, `no staff member '${subject}'`);
      return { subject, revoked: await deps.tokens.revokeSubject(subject) };
    },
  );

  // Who the token presented names: the dashboard's sign-in asks it to know which pages to show,
  // and tells a recruiter whose contact is missing (null) that their emails cannot be sent.
  r.get('/session', { config: { access: ANYONE_SIGNED_IN } }, async (req) => {
    const { role, subject, expiresAt } = who(req);
    const contact = role === 'candidate' ? undefined : await staffContact(subject);
    return {
      role,
      subject,
      ...(expiresAt ? { expiresAt } : {}),
      ...(contact === undefined ? {} : { contact }),
    };
  });

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
}
