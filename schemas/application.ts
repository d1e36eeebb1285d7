import { z } from 'zod';
import { DutyStationSchema } from './reference.js';

/**
 * The one vocabulary of an application's life. Stages in pipeline order, then the final outcomes.
 * Workflow, API, CLI and dashboard all import this enum; nobody spells a status string by hand.
 */
export const ApplicationStatusSchema = z.enum([
  'submitted',
  'screened',
  'interview',
  'written_exam',
  'offer',
  'accepted',
  'rejected',
  'withdrawn',
  'declined',
  'expired',
]);
export type ApplicationStatus = z.infer<typeof ApplicationStatusSchema>;

export const ActiveStageSchema = ApplicationStatusSchema.extract([
  'submitted',
  'screened',
  'interview',
  'written_exam',
  'offer',
]);
export type ActiveStage = z.infer<typeof ActiveStageSchema>;

export const FinalOutcomeSchema = ApplicationStatusSchema.exclude(ActiveStageSchema.options);
export type FinalOutcome = z.infer<typeof FinalOutcomeSchema>;

export function isFinal(status: ApplicationStatus): status is FinalOutcome {
  return FinalOutcomeSchema.safeParse(status).success;
}

/** Which clock ran out when an application expires: part of the outcome, told to the candidate. */
export const DeadlineKindSchema = z.enum(['interview_confirmation', 'offer_response', 'max_wait']);
export type DeadlineKind = z.infer<typeof DeadlineKindSchema>;

export const RoleSchema = z.enum(['candidate', 'recruiter', 'hr', 'admin', 'system']);
export type Role = z.infer<typeof RoleSchema>;

export const ActorSchema = z.object({
  role: RoleSchema,
  id: z.string().min(1).max(128),
});
export type Actor = z.infer<typeof ActorSchema>;

const Instant = z.iso.datetime({ offset: true });
/**
 * An id people type and paths carry (a staff member's, a position's): letters, digits, "_" and "-",
 * so it is also one NATS key token and safe in a visibility query.
 */
export const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-"');
const Notes = z.string().trim().max(4000);
/**
 * What the candidate is told when a screening or an interview rejects them (by email, and on their
 * page); the command's `notes` stay with staff. Empty: a plain sentence. Absent (requests made
 * before it existed, and so every recorded history): the notes were the reason, and still are
 * for those, so they replay as they ran. The API always sends it (candidateReason in api/server.ts).
 */
const CandidateReason = Notes.optional();

/**
 * Durations, in days, that govern an application. Defaults are the organisation's; a position may
 * override any of them. No duration lives anywhere else.
 */
export const PolicySchema = z.object({
  /** How long the candidate has to confirm an interview invitation. */
  interviewConfirmationDays: z.number().positive().max(60).default(5),
  /** Default respond-by window for an offer when the recruiter gives no date. */
  offerResponseDays: z.number().positive().max(90).default(14),
  /** Recruiter reminder after this many days in a stage without a decision, repeated at this interval. */
  recruiterReminderDays: z.number().positive().max(90).default(7),
  /** Escalation to HR after this many days in a stage without a decision (sent once per stage). */
  recruiterEscalationDays: z.number().positive().max(365).default(21),
  /** "No reply within six months means unsuccessful": counted from the position's deadline. */
  maxWaitDays: z.number().positive().max(730).default(183),
  /** Continue-as-new when the history grows past this many events (the server warns at 10,240). */
  historyEventLimit: z.number().int().min(200).max(10_000).default(2_000),
});
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

export const InterviewModeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('in_person'), dutyStation: DutyStationSchema }),
  z.object({ kind: z.literal('video'), link: z.url({ protocol: /^https$/ }) }),
]);
export type InterviewMode = z.infer<typeof InterviewModeSchema>;

/** Every change a person (or the system) can ask of an application. One shape for updates and signals. */
export const CommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('screen'),
    decision: z.enum(['shortlist', 'reject']),
    notes: Notes.default(''),
    reason: CandidateReason,
  }),
  z.object({
    type: z.literal('schedule_interview'),
    at: Instant,
    mode: InterviewModeSchema,
    contactedBy: z.enum(['email', 'phone']),
  }),
  z.object({
    type: z.literal('reschedule_interview'),
    at: Instant,
    mode: InterviewModeSchema.optional(),
    reason: Notes.default(''),
  }),
  z.object({ type: z.literal('confirm_interview') }),
  z.object({
    type: z.literal('record_interview'),
    outcome: z.enum(['pass', 'fail']),
    notes: Notes.default(''),
    reason: CandidateReason,
  }),
  z.object({ type: z.literal('schedule_exam'), sessionId: z.string().min(1).max(128) }),
  z.object({
    type: z.literal('record_exam_result'),
    score: z.number().min(0).max(100),
    passed: z.boolean(),
  }),
  z.object({
    type: z.literal('make_offer'),
    respondBy: Instant.optional(),
    terms: z.string().trim().min(1).max(4000),
  }),
  z.object({ type: z.literal('accept_offer') }),
  z.object({ type: z.literal('decline_offer'), reason: Notes.default('') }),
  z.object({ type: z.literal('reject'), reason: z.string().trim().min(1).max(4000) }),
  z.object({ type: z.literal('withdraw'), reason: Notes.default('') }),
  z.object({ type: z.literal('extend_deadline'), deadline: DeadlineKindSchema, until: Instant }),
  /** Sent in bulk by the position when it is filled or cancelled: the application closes courteously. */
  z.object({
    type: z.literal('position_closed'),
    reason: z.enum(['filled', 'cancelled']),
    note: Notes.default(''),
  }),
  /**
   * Staff write down what the next person should know (a call with the candidate, a reference
   * checked): on the timeline, which only staff read; the stage, the clocks and the candidate's
   * side stay as they are.
   */
  z.object({ type: z.literal('add_note'), notes: Notes.min(1, 'a note needs words') }),
  /**
   * Another recruiter takes the application over (one leaving, or away for weeks): from now on it
   * is on their board, and the reminders and the candidate's answers go to them. Stage and clocks
   * stay as they are. The system sends it when the position itself is handed over.
   */
  z.object({ type: z.literal('hand_over'), recruiterId: IdSchema, notes: Notes.default('') }),
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandInput = z.input<typeof CommandSchema>;
export type CommandType = Command['type'];

/** What a transition message carries: who asks, and what. */
export const TransitionRequestSchema = z.object({ actor: ActorSchema, command: CommandSchema });
export type TransitionRequest = z.infer<typeof TransitionRequestSchema>;
export type TransitionRequestInput = z.input<typeof TransitionRequestSchema>;

/** Who may ask for what. The system actor is the engine itself (clocks, a position closing its applications). */
export const COMMAND_ROLES: Record<CommandType, readonly Role[]> = {
  screen: ['recruiter'],
  schedule_interview: ['recruiter'],
  reschedule_interview: ['recruiter'],
  confirm_interview: ['candidate'],
  record_interview: ['recruiter'],
  schedule_exam: ['recruiter'],
  record_exam_result: ['recruiter'],
  make_offer: ['recruiter'],
  accept_offer: ['candidate'],
  decline_offer: ['candidate'],
  reject: ['recruiter'],
  withdraw: ['candidate'],
  extend_deadline: ['recruiter', 'hr'],
  add_note: ['recruiter', 'hr'],
  hand_over: ['recruiter', 'hr', 'system'],
  position_closed: ['system', 'recruiter'],
};

export const ExamBookingSchema = z.object({
  sessionId: z.string(),
  dutyStation: DutyStationSchema,
  startsAt: Instant,
  seat: z.number().int().positive(),
});
export type ExamBooking = z.infer<typeof ExamBookingSchema>;

export const InterviewSchema = z.object({
  at: Instant,
  mode: InterviewModeSchema,
  contactedBy: z.enum(['email', 'phone']),
  invitedAt: Instant,
  confirmedAt: Instant.optional(),
  outcome: z.enum(['pass', 'fail']).optional(),
  reschedules: z.number().int().min(0),
});
export type Interview = z.infer<typeof InterviewSchema>;

export const TimelineEntrySchema = z.object({
  seq: z.number().int().min(0),
  at: Instant,
  actor: ActorSchema,
  kind: z.enum(['transition', 'refused', 'reminder', 'escalation', 'deadline', 'effect_failed', 'note']),
  command: z.string().optional(),
  from: ApplicationStatusSchema.optional(),
  to: ApplicationStatusSchema.optional(),
  detail: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const PositionRefSchema = z.object({
  positionId: z.string().min(1).max(64),
  reference: z.string().min(1).max(64),
  title: z.string().min(1).max(300),
  dutyStation: DutyStationSchema,
  /** The submission deadline as an instant; people read it in the duty station's zone. */
  deadline: Instant,
});
export type PositionRef = z.infer<typeof PositionRefSchema>;

/** The whole state, as the query returns it and as continue-as-new carries it. No personal data. */
export const ApplicationStateSchema = z.object({
  applicationId: z.string(),
  candidateId: z.string(),
  recruiterId: z.string(),
  position: PositionRefSchema,
  policy: PolicySchema,
  status: ApplicationStatusSchema,
  submittedAt: Instant,
  stageEnteredAt: Instant,
  /** Reminders sent to the recruiter in the current stage; escalation is sent once per stage. */
  remindersInStage: z.number().int().min(0),
  escalatedInStage: z.boolean(),
  /** Deadlines a recruiter moved; the running timer reads them. */
  extendedDeadlines: z.partialRecord(DeadlineKindSchema, Instant),
  /**
   * Applications started since the `reminding` generation (workflows/generation.ts) remind the
   * candidate before their own deadlines; older ones, absent here, never did and replay so.
   */
  remindsCandidate: z.boolean().optional(),
  /** Which deadline (kind, and the instant it fell at) the candidate was last reminded of. */
  candidateReminded: z.partialRecord(DeadlineKindSchema, Instant).optional(),
  interview: InterviewSchema.optional(),
  exam: ExamBookingSchema.optional(),
  examResult: z.object({ score: z.number(), passed: z.boolean(), recordedAt: Instant }).optional(),
  offer: z.object({ terms: z.string(), madeAt: Instant, respondBy: Instant }).optional(),
  outcome: z
    .object({
      status: FinalOutcomeSchema,
      at: Instant,
      reason: z.string(),
      deadline: DeadlineKindSchema.optional(),
    })
    .optional(),
  /** Monotonic counter of everything that happened: the basis of deterministic email and event ids. */
  seq: z.number().int().min(0),
  timeline: z.array(TimelineEntrySchema),
});
export type ApplicationState = z.infer<typeof ApplicationStateSchema>;

export const UpcomingDeadlineSchema = z.object({
  kind: z.enum([
    'interview_confirmation',
    'offer_response',
    'max_wait',
    'recruiter_reminder',
    'recruiter_escalation',
    'candidate_reminder',
  ]),
  at: Instant,
});
export type UpcomingDeadline = z.infer<typeof UpcomingDeadlineSchema>;

/**
 * What the query answers: the state, the deadlines ahead (soonest first), and how many emails,
 * events and seat releases are still on their way (non-zero for long only if NATS or SMTP is down).
 */
export type ApplicationView = ApplicationState & {
  upcomingDeadlines: UpcomingDeadline[];
  pendingEffects: number;
};

/**
 * What a transition answers: the state it left and the timeline entries it wrote, without the
 * whole timeline (the query has it). Every answer is kept in the application's history, so an
 * answer that carried the timeline made each history grow with the square of its length: it was
 * over half of an accepted application's payload bytes (see README, Performance).
 */
export type TransitionAnswer = Omit<ApplicationView, 'timeline'> & { added: TimelineEntry[] };

/**
 * What a candidate sees of their own application: where it stands, the dates that concern them and
 * the steps so far. Not the recruiters' side of it: their notes, reminders and escalations, refused
 * requests, the service-level clock, which recruiter holds it. (The outcome's reason stays: it is
 * the one the candidate was told by email. A request for their data, `/me/export`, gives all of it.)
 */
export type CandidateApplicationView = Pick<
  ApplicationState,
  | 'applicationId'
  | 'candidateId'
  | 'position'
  | 'status'
  | 'submittedAt'
  | 'stageEnteredAt'
  | 'interview'
  | 'exam'
  | 'examResult'
  | 'offer'
  | 'outcome'
  | 'seq'
> & {
  upcomingDeadlines: UpcomingDeadline[];
  steps: { at: string; from?: ApplicationStatus; to: ApplicationStatus }[];
};

/** The deadlines that ask something of the candidate (the others are the recruiters' clocks). */
const CANDIDATE_DEADLINES: ReadonlySet<UpcomingDeadline['kind']> = new Set([
  'interview_confirmation',
  'offer_response',
  'max_wait',
]);

export function candidateView(v: ApplicationView): CandidateApplicationView {
  return {
    applicationId: v.applicationId,
    candidateId: v.candidateId,
    position: v.position,
    status: v.status,
    submittedAt: v.submittedAt,
    stageEnteredAt: v.stageEnteredAt,
    interview: v.interview,
    exam: v.exam,
    examResult: v.examResult,
    offer: v.offer,
    outcome: v.outcome,
    seq: v.seq,
    upcomingDeadlines: v.upcomingDeadlines.filter((d) => CANDIDATE_DEADLINES.has(d.kind)),
    steps: v.timeline.flatMap((t) =>
      (t.kind === 'transition' || t.kind === 'deadline') && t.to && t.to !== t.from
        ? [{ at: t.at, ...(t.from ? { from: t.from } : {}), to: t.to }]
        : [],
    ),
  };
}

export const ApplicationInputSchema = z.object({
  applicationId: z.string().min(1).max(200),
  candidateId: z.string().min(1).max(64),
  recruiterId: z.string().min(1).max(64),
  position: PositionRefSchema,
  policy: PolicySchema.partial().default({}),
  submittedAt: Instant,
});
export type ApplicationInput = z.input<typeof ApplicationInputSchema>;

/** Deterministic workflow id: one application per candidate and position, and a retry finds it. */
export function applicationWorkflowId(positionId: string, candidateId: string): string {
  return `application/${positionId}/${candidateId}`;
}

export const APPLICATION_TASK_QUEUE = 'hiring-applications';

/** Where an application stands against its service level: reminded in this stage, or escalated to HR. */
export const SlaStatusSchema = z.enum(['ok', 'reminded', 'escalated']);
export type SlaStatus = z.infer<typeof SlaStatusSchema>;

/** One application in a list: what the read side holds for it (readside/), no query to the workflow. */
export const ApplicationSummarySchema = z.object({
  applicationId: z.string(),
  stage: ApplicationStatusSchema,
  positionId: z.string(),
  candidateId: z.string(),
  dutyStation: z.string(),
  nextDeadline: z.string().nullable(),
  sla: SlaStatusSchema,
  submittedAt: z.string(),
});
export type ApplicationSummary = z.infer<typeof ApplicationSummarySchema>;
