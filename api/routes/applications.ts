import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ApplicationStatusSchema,
  type ApplicationView,
  COMMAND_ROLES,
  type Command,
  CommandSchema,
  SlaStatusSchema,
  applicationWorkflowId,
  candidateView,
} from '../../schemas/application.js';
import { DocumentRefSchema } from '../../schemas/candidate.js';
import { ContractTypeSchema, DutyStationSchema } from '../../schemas/reference.js';
import type { Principal } from '../../stores/tokens.js';
import { getApplication, transition, unlessNotFound } from '../applications.js';
import { csv } from '../csv.js';
import { HttpError } from '../errors.js';
import { searchPositions } from '../positions.js';
import { submitApplication } from '../submissions.js';
import { ANYONE_SIGNED_IN, ByRecruiter, Id, recruiterOf, type RouteContext, STAFF } from './context.js';

/** What the application lists (the board, its export) filter by. */
const ListFilter = z.object({
  stage: ApplicationStatusSchema.optional(),
  positionId: Id.optional(),
  dutyStation: DutyStationSchema.optional(),
  sla: SlaStatusSchema.optional(),
  /** The recruiter in charge of the applications. */
  ...ByRecruiter.shape,
});

/** The index's filter for a list request: a candidate sees their own applications only. */
function listFilter(
  { mine, recruiterId, ...q }: z.infer<typeof ListFilter>,
  p: Principal,
): Omit<z.infer<typeof ListFilter>, 'mine'> & { candidateId?: string } {
  const recruiter = recruiterOf({ mine, recruiterId }, p);
  return {
    ...q,
    ...(recruiter ? { recruiterId: recruiter } : {}),
    ...(p.role === 'candidate' ? { candidateId: p.subject } : {}),
  };
}

/** Its template, for the API's metrics (transitions by command). */
export const TRANSITIONS_ROUTE = '/applications/:positionId/:candidateId/transitions';

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

/** Applications: submitting, the lists and their export, one application, its documents, its transitions and timeline. */
export function applicationRoutes({
  r,
  deps,
  who,
  active,
  submissionOf,
  sendDocument,
  knownStaff,
}: RouteContext): void {
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
      if (req.body.type === 'hand_over') await knownStaff(req.body.recruiterId, 'recruiterId');
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
}
