import { z } from 'zod';
import { ExamSessionSchema } from '../../schemas/exam.js';
import { PositionCommandSchema, PositionDraftSchema } from '../../schemas/position.js';
import { DutyStationSchema } from '../../schemas/reference.js';
import { unlessNotFound } from '../applications.js';
import { HttpError } from '../errors.js';
import {
  PositionSearchSchema,
  changePosition,
  getPosition,
  openPosition,
  searchPositions,
} from '../positions.js';
import { ByRecruiter, Id, isStaff, principalOf, recruiterOf, type RouteContext, STAFF } from './context.js';

/** Vacancies, the reference data their forms pick from, written-exam sessions, and a position's timeline. */
export function positionRoutes({ r, deps, who, knownStaff }: RouteContext): void {
  // ---- Positions

  r.get(
    '/positions',
    {
      config: { access: 'public' },
      schema: {
        querystring: PositionSearchSchema.extend({
          includeClosed: z.stringbool().default(false),
          ...ByRecruiter.shape,
        }),
      },
    },
    async (req) => {
      const { mine, recruiterId, ...q } = req.query;
      // Closed positions and who a position belongs to are for staff: a candidate's or visitor's
      // includeClosed, mine and recruiterId are ignored.
      const principal = await principalOf(req, deps.tokens);
      const staff = isStaff(principal);
      const owner = recruiterOf({ mine, recruiterId }, principal);
      const positions = await searchPositions(deps.client, {
        ...q,
        includeClosed: Boolean(staff && q.includeClosed),
        ...(owner ? { recruiterId: owner } : {}),
      });
      // Who is in charge of a vacancy is for staff too.
      return { positions: staff ? positions : positions.map(({ recruiterId: _r, ...p }) => p) };
    },
  );
  r.get(
    '/positions/:positionId',
    { config: { access: 'public' }, schema: { params: z.object({ positionId: Id }) } },
    async (req) => {
      const view = await unlessNotFound(getPosition(deps.client, req.params.positionId));
      if (!view) throw new HttpError(404, 'no such position');
      const { recruiterId, ...position } = view.position;
      // Who is in charge is for staff; candidates and visitors see the vacancy.
      return isStaff(await principalOf(req, deps.tokens))
        ? { ...position, recruiterId, status: view.status }
        : { ...position, status: view.status };
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
      // HR hands a vacancy over (the workflow keeps the other changes to recruiters and admins).
      config: { access: ['recruiter', 'hr', 'admin'] },
      schema: { params: z.object({ positionId: Id }), body: PositionCommandSchema },
    },
    async (req) => {
      const p = who(req);
      if (req.body.type === 'hand_over') await knownStaff(req.body.recruiterId, 'recruiterId');
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

  r.get(
    '/positions/:positionId/events',
    { config: { access: STAFF }, schema: { params: z.object({ positionId: Id }) } },
    async (req) => {
      const record = await deps.projections.position(req.params.positionId);
      if (!record) throw new HttpError(404, 'no events for this position yet');
      return record;
    },
  );
}
