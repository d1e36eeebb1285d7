/**
 * What every group of routes shares: the typed router, the dependencies, who is calling, and the few
 * helpers more than one group uses. The groups (positions, candidates, applications, staff,
 * dashboard) are registered in this order by buildApp (api/server.ts), after its hooks.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, type Role } from '../../schemas/application.js';
import type { DocumentRef } from '../../schemas/candidate.js';
import type { Contact } from '../../schemas/effects.js';
import type { Principal } from '../../stores/tokens.js';
import type { ApiDeps } from '../deps.js';
import { UnknownRecipient } from '../../activities/directory.js';
import { HttpError } from '../errors.js';
import { touchRetention } from '../privacy.js';
import { readSubmission } from '../submissions.js';

/** Who may call a route: 'public', or the roles allowed. */
export type Access = 'public' | Exclude<Role, 'system'>[];
export const STAFF: Access = ['recruiter', 'hr', 'admin'];
export const ANYONE_SIGNED_IN: Access = ['candidate', 'recruiter', 'hr', 'admin'];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** An id in a path or a query: letters, digits, "_" and "-". */
export const Id = IdSchema;

export type Router = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RouteContext {
  r: Router;
  deps: ApiDeps;
  /** The caller, as the authentication hook found them (routes that are not public only). */
  who: (req: FastifyRequest) => Principal;
  /** The rate limit of the routes that make accounts or send and check codes (none when unset). */
  limited: { rateLimit?: { max: number; timeWindow: number } };
  /**
   * The candidate did something (signed up or in, changed their profile, applied): their data's
   * retention period starts again (RETENTION_DAYS after their last activity).
   */
  active: (candidateId: string) => Promise<unknown>;
  /** What the candidate sent with the application (answers, documents), opened with their key. */
  submissionOf: (applicationId: string, candidateId: string) => ReturnType<typeof readSubmission>;
  /** The file itself, under its own name and type; never cached on the way (personal data). */
  sendDocument: (reply: FastifyReply, candidateId: string, ref: DocumentRef) => Promise<FastifyReply>;
  /**
   * Refuses (422, naming `field`) a hand-over to someone the staff list does not have: their board
   * would hold the work and their emails would go nowhere.
   */
  knownStaff: (recruiterId: string, field: string) => Promise<void>;
  /** Where a staff member's emails go; null when no admin has kept it. */
  staffContact: (subject: string) => Promise<Contact | null>;
}

export function routeContext(r: Router, deps: ApiDeps, limited: RouteContext['limited']): RouteContext {
  // One key read: the contact the staff member's emails go to.
  const staffContact = (subject: string) =>
    deps.directory.lookup({ kind: 'recruiter', id: subject }).catch((err: unknown) => {
      if (err instanceof UnknownRecipient) return null;
      throw err;
    });
  return {
    staffContact,
    r,
    deps,
    who: (req) => req.principal!,
    limited,
    active: (candidateId) => touchRetention(deps.client, deps.taskQueue, candidateId, deps.retentionDays),
    submissionOf: (applicationId, candidateId) =>
      readSubmission({ keys: deps.keys, submissions: deps.nats.submissions }, applicationId, candidateId),
    knownStaff: async (recruiterId, field) => {
      if ((await staffContact(recruiterId)) === null)
        throw new HttpError(422, `no staff member '${recruiterId}': an admin adds them first (Staff page)`, [
          { field, message: `no staff member '${recruiterId}'` },
        ]);
    },
    sendDocument: async (reply, candidateId, ref) => {
      const bytes = await deps.documents.get(candidateId, ref.documentId);
      if (!bytes) throw new HttpError(404, "the document is gone: its owner's data has been erased");
      return reply
        .header('content-type', ref.contentType)
        .header('content-disposition', attachment(ref.filename))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(bytes));
    },
  };
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

/**
 * Who the request's bearer token names, if it names anyone: the authentication hook's check, and a
 * public route that shows staff more (GET /positions) asks it too.
 */
export async function principalOf(
  req: FastifyRequest,
  tokens: ApiDeps['tokens'],
): Promise<Principal | undefined> {
  const token = bearer(req);
  return token ? tokens.verify(token) : undefined;
}

/** Staff narrow a list to one recruiter's: their own (`mine`), or anyone's (`recruiterId`). */
export const ByRecruiter = z.object({
  /** Staff: a given recruiter's (HR looking at someone's load). */
  recruiterId: Id.optional(),
  /** Staff: the caller's own (a recruiter's own board and vacancies). */
  mine: z.stringbool().optional(),
});

/**
 * The recruiter a list is narrowed to: the caller for `mine` (it wins over a recruiterId sent with
 * it), the one named for staff, nobody for a candidate or visitor (whose a list is stays with staff).
 */
export function recruiterOf(
  { mine, recruiterId }: z.infer<typeof ByRecruiter>,
  p: Principal | undefined,
): string | undefined {
  if (!isStaff(p)) return undefined;
  return mine ? p.subject : recruiterId;
}

/** A recruiter, HR or an admin: someone who sees more than a candidate or a visitor. */
export const isStaff = (p: Principal | undefined): p is Principal =>
  p !== undefined && p.role !== 'candidate';

/** The token of an `Authorization: Bearer …` header; '' without one. */
export function bearer(req: FastifyRequest): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7).trim() : '';
}
