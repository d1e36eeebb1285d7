/**
 * `hiring`: the staff's command line (recruiters' work; admins keep the staff and their tokens). It talks to the HTTP API (HIRING_API, default
 * http://127.0.0.1:3000) with a bearer token (HIRING_TOKEN or --token). Every command has --help;
 * --json prints the API's answer for scripts; an error is one line on stderr and a non-zero exit.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import {
  ApplicationStatusSchema,
  type ApplicationSummary,
  type ApplicationView,
  type CommandInput,
} from '../schemas/application.js';
import type { StaffContact } from '../schemas/effects.js';
import type { PositionSummary } from '../schemas/position.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

interface Ctx {
  api: string;
  token: string | undefined;
  json: boolean;
  out: (line: string) => void;
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

interface Command {
  usage: string;
  summary: string;
  options?: Options;
  positionals?: number;
  run(ctx: Ctx, values: Values, args: string[]): Promise<unknown>;
}

/** A usage mistake: exit code 2. */
export class CliError extends Error {}
/** The API refused or could not be reached: exit code 1. */
export class ApiError extends Error {}

const str = (v: Values, name: string): string => {
  const value = v[name];
  if (typeof value !== 'string' || !value) throw new CliError(`--${name} is required`);
  return value;
};
const opt = (v: Values, name: string) => (typeof v[name] === 'string' ? v[name] : undefined);

/** "application/POS-1/cand-7" -> the API's path for it. */
function applicationPath(id: string): string {
  const m = /^application\/([^/]+)\/([^/]+)$/.exec(id);
  if (!m) throw new CliError(`'${id}' is not an application id (application/<positionId>/<candidateId>)`);
  return `/applications/${encodeURIComponent(m[1]!)}/${encodeURIComponent(m[2]!)}`;
}

/**
 * The API's query parameters from the flags given: `{ flag: parameter }`; a flag not given (or
 * empty) is left out, a boolean flag given is `true`.
 */
function queryOf(v: Values, params: Record<string, string>): URLSearchParams {
  const q = new URLSearchParams();
  for (const [flag, param] of Object.entries(params)) {
    const value = v[flag] === true ? 'true' : opt(v, flag);
    if (value) q.set(param, value);
  }
  return q;
}
/** A list narrowed to one recruiter's (positions and applications alike). */
const BY_RECRUITER: Options = { recruiter: { type: 'string' }, mine: { type: 'boolean' } };
const BY_RECRUITER_PARAMS = { recruiter: 'recruiterId', mine: 'mine' };
/** The flags every application list takes, and the API's parameters for them. */
const LIST_OPTIONS: Options = {
  stage: { type: 'string' },
  position: { type: 'string' },
  station: { type: 'string' },
  ...BY_RECRUITER,
};
function listQuery(v: Values, more: Record<string, string>): URLSearchParams {
  return queryOf(v, {
    stage: 'stage',
    position: 'positionId',
    station: 'dutyStation',
    ...BY_RECRUITER_PARAMS,
    ...more,
  });
}

/** What a recruiter writes with a decision: notes for staff, a reason for a rejected candidate. */
const SAID: Options = { notes: { type: 'string' }, reason: { type: 'string' } };

/**
 * A decision that may reject: exactly one of its two flags, and --reason (what a rejected candidate
 * is told) only with the rejecting one; --notes stay with staff either way.
 */
function decision(
  v: Values,
  onward: string,
  rejecting: string,
): { goesOn: boolean; notes: string; reason: string } {
  if (Boolean(v[onward]) === Boolean(v[rejecting]))
    throw new CliError(`give exactly one of --${onward} or --${rejecting}`);
  if (v[onward] && opt(v, 'reason') !== undefined)
    throw new CliError(`--reason is what a rejected candidate is told: use --notes with --${onward}`);
  return { goesOn: Boolean(v[onward]), notes: opt(v, 'notes') ?? '', reason: opt(v, 'reason') ?? '' };
}

function transitionCommand(
  summary: string,
  usage: string,
  options: Options,
  build: (v: Values) => CommandInput,
): Command {
  return {
    summary,
    usage: `${usage} <applicationId>`,
    options,
    positionals: 1,
    async run(ctx, v, [id]) {
      const view = await ctx.call<ApplicationView>('POST', `${applicationPath(id!)}/transitions`, build(v));
      if (!ctx.json) ctx.out(`${view.applicationId}: ${view.status}`);
      return view;
    },
  };
}

const COMMANDS: Record<string, Command> = {
  'positions list': {
    summary: 'list open positions (all with --all)',
    usage:
      'positions list [--station LYO] [--contract fixed_term] [--words "cyber crime"] [--mine | --recruiter ID] [--all]',
    options: {
      station: { type: 'string' },
      contract: { type: 'string' },
      words: { type: 'string' },
      ...BY_RECRUITER,
      all: { type: 'boolean' },
    },
    async run(ctx, v) {
      const q = queryOf(v, {
        station: 'dutyStation',
        contract: 'contractType',
        words: 'words',
        all: 'includeClosed',
        ...BY_RECRUITER_PARAMS,
      });
      const r = await ctx.call<{ positions: PositionSummary[] }>('GET', `/positions?${q.toString()}`);
      if (!ctx.json) {
        for (const p of r.positions)
          ctx.out(
            `${p.positionId}\t${p.status}\t${p.dutyStation}\t${p.contractType}\t${p.deadlineLocal}\t${p.title}`,
          );
        ctx.out(`${r.positions.length} position(s)`);
      }
      return r;
    },
  },
  'positions open': {
    summary: 'publish a vacancy; the deadline is local to the duty station',
    usage:
      'positions open --id P-1 --reference VN-1 --title T --description D --station LYO --contract fixed_term --deadline 2027-01-31T23:59 [--documents cv,motivation_letter]',
    options: {
      id: { type: 'string' },
      reference: { type: 'string' },
      title: { type: 'string' },
      description: { type: 'string' },
      station: { type: 'string' },
      contract: { type: 'string' },
      deadline: { type: 'string' },
      documents: { type: 'string' },
    },
    async run(ctx, v) {
      const p = await ctx.call<{ positionId: string; deadline: string }>('POST', '/positions', {
        positionId: str(v, 'id'),
        reference: str(v, 'reference'),
        title: str(v, 'title'),
        description: str(v, 'description'),
        dutyStation: str(v, 'station'),
        contractType: str(v, 'contract'),
        deadlineLocal: str(v, 'deadline'),
        ...(opt(v, 'documents') ? { requiredDocuments: opt(v, 'documents')!.split(',') } : {}),
      });
      if (!ctx.json) ctx.out(`opened ${p.positionId}, closing ${p.deadline}`);
      return p;
    },
  },
  'positions extend': positionChange(
    'extend the deadline',
    '--deadline 2027-02-15T23:59',
    { deadline: { type: 'string' } },
    (v) => ({
      type: 'extend_deadline',
      deadlineLocal: str(v, 'deadline'),
    }),
  ),
  'positions cancel': positionChange(
    'cancel; applications in progress are closed',
    '--reason "budget"',
    { reason: { type: 'string' } },
    (v) => ({
      type: 'cancel',
      reason: str(v, 'reason'),
    }),
  ),
  'positions fill': positionChange(
    'mark filled; applications in progress are closed',
    '[--application ID]',
    { application: { type: 'string' } },
    (v) => ({
      type: 'fill',
      ...(opt(v, 'application') ? { applicationId: opt(v, 'application') } : {}),
    }),
  ),
  'positions hand-over': positionChange(
    'hand-over to another recruiter, with its applications in progress',
    '--to STAFF_ID',
    { to: { type: 'string' } },
    (v) => ({ type: 'hand_over', recruiterId: str(v, 'to') }),
  ),
  'applications list': {
    summary: 'list applications, filtered',
    usage:
      'applications list [--stage submitted] [--position P-1] [--station LYO] [--mine | --recruiter ID] [--deadline-before ISO] [--limit 50]',
    options: {
      ...LIST_OPTIONS,
      'deadline-before': { type: 'string' },
      limit: { type: 'string' },
    },
    async run(ctx, v) {
      const items = await listApplications(ctx, v);
      if (!ctx.json) {
        for (const a of items)
          ctx.out(`${a.applicationId}\t${a.stage}\t${a.dutyStation}\t${a.nextDeadline ?? '-'}`);
        ctx.out(`${items.length} application(s)`);
      }
      return { items };
    },
  },
  'applications export': {
    summary:
      'the applications as CSV for a spreadsheet, filtered as on the board (ids, position, stage, dates; no names)',
    usage:
      'applications export [--stage submitted] [--position P-1] [--station LYO] [--mine | --recruiter ID] [--contract fixed_term] > applications.csv',
    options: { ...LIST_OPTIONS, contract: { type: 'string' } },
    async run(ctx, v) {
      const q = listQuery(v, { contract: 'contractType' });
      const csv = await ctx.call<string>('GET', `/applications/export.csv?${q.toString()}`);
      if (!ctx.json) ctx.out(csv.replace(/\r\n$/, ''));
      return { csv };
    },
  },
  'applications show': {
    summary: 'one application with its timeline',
    usage: 'applications show <applicationId>',
    positionals: 1,
    async run(ctx, _v, [id]) {
      const a = await ctx.call<ApplicationView>('GET', applicationPath(id!));
      if (!ctx.json) {
        ctx.out(
          `${a.applicationId}  ${a.status}  ${a.position.title} (${a.position.reference}, ${a.position.dutyStation})`,
        );
        for (const t of a.timeline)
          ctx.out(`  ${t.at}  ${t.actor.role.padEnd(9)} ${t.kind.padEnd(10)} ${t.detail}`);
        for (const d of a.upcomingDeadlines) ctx.out(`  next: ${d.kind} at ${d.at}`);
      }
      return a;
    },
  },
  screen: transitionCommand(
    'shortlist or reject at screening (--notes stay with staff; --reason is sent to a rejected candidate)',
    'screen --shortlist|--reject [--reason R] [--notes N]',
    { shortlist: { type: 'boolean' }, reject: { type: 'boolean' }, ...SAID },
    (v) => {
      const { goesOn, notes, reason } = decision(v, 'shortlist', 'reject');
      return { type: 'screen', decision: goesOn ? 'shortlist' : 'reject', notes, reason };
    },
  ),
  'schedule-interview': transitionCommand(
    'invite to an interview, in person or by video',
    'schedule-interview --at 2027-02-03T09:00:00Z (--video https://... | --station LYO) --contacted-by email|phone',
    {
      at: { type: 'string' },
      video: { type: 'string' },
      station: { type: 'string' },
      'contacted-by': { type: 'string' },
    },
    (v) => ({
      type: 'schedule_interview',
      at: str(v, 'at'),
      mode: opt(v, 'video')
        ? { kind: 'video', link: opt(v, 'video')! }
        : { kind: 'in_person', dutyStation: str(v, 'station') as 'LYO' },
      contactedBy: str(v, 'contacted-by') as 'email',
    }),
  ),
  'reschedule-interview': transitionCommand(
    'move an interview',
    'reschedule-interview --at ISO [--reason R]',
    { at: { type: 'string' }, reason: { type: 'string' } },
    (v) => ({
      type: 'reschedule_interview',
      at: str(v, 'at'),
      reason: opt(v, 'reason') ?? '',
    }),
  ),
  'hand-over': transitionCommand(
    'give the application to another recruiter (stage and deadlines stay; they are told)',
    'hand-over --to STAFF_ID [--notes N]',
    { to: { type: 'string' }, notes: { type: 'string' } },
    (v) => ({ type: 'hand_over', recruiterId: str(v, 'to'), notes: opt(v, 'notes') ?? '' }),
  ),
  note: transitionCommand(
    'write a note on the application for staff (no stage change, nobody is written to)',
    'note --notes N',
    { notes: { type: 'string' } },
    (v) => ({ type: 'add_note', notes: str(v, 'notes') }),
  ),
  'record-interview': transitionCommand(
    'record the interview outcome (--notes stay with staff; --reason is sent to a rejected candidate)',
    'record-interview --pass|--fail [--reason R] [--notes N]',
    { pass: { type: 'boolean' }, fail: { type: 'boolean' }, ...SAID },
    (v) => {
      const { goesOn, notes, reason } = decision(v, 'pass', 'fail');
      return { type: 'record_interview', outcome: goesOn ? 'pass' : 'fail', notes, reason };
    },
  ),
  'schedule-exam': transitionCommand(
    'book a written-exam seat',
    'schedule-exam --session LYO-2027-02',
    { session: { type: 'string' } },
    (v) => ({
      type: 'schedule_exam',
      sessionId: str(v, 'session'),
    }),
  ),
  'record-exam': transitionCommand(
    'record the written exam result',
    'record-exam --score 72 --pass|--fail',
    { score: { type: 'string' }, pass: { type: 'boolean' }, fail: { type: 'boolean' } },
    (v) => {
      if (Boolean(v.pass) === Boolean(v.fail)) throw new CliError('give exactly one of --pass or --fail');
      const score = Number(str(v, 'score'));
      if (!Number.isFinite(score)) throw new CliError('--score must be a number from 0 to 100');
      return { type: 'record_exam_result', score, passed: Boolean(v.pass) };
    },
  ),
  offer: transitionCommand(
    'make the offer',
    'offer --terms "P3, two years" [--respond-by ISO]',
    { terms: { type: 'string' }, 'respond-by': { type: 'string' } },
    (v) => ({
      type: 'make_offer',
      terms: str(v, 'terms'),
      ...(opt(v, 'respond-by') ? { respondBy: opt(v, 'respond-by') } : {}),
    }),
  ),
  reject: transitionCommand(
    'reject, with a reason the candidate is told',
    'reject --reason R',
    { reason: { type: 'string' } },
    (v) => ({
      type: 'reject',
      reason: str(v, 'reason'),
    }),
  ),
  extend: transitionCommand(
    'extend a running deadline',
    'extend --deadline interview_confirmation|offer_response|max_wait --until ISO',
    { deadline: { type: 'string' }, until: { type: 'string' } },
    (v) => ({ type: 'extend_deadline', deadline: str(v, 'deadline') as 'max_wait', until: str(v, 'until') }),
  ),
  'exam-sessions create': {
    summary: 'create a written-exam session with a number of seats',
    usage: 'exam-sessions create --id LYO-2027-02 --station LYO --starts-at ISO --capacity 30',
    options: {
      id: { type: 'string' },
      station: { type: 'string' },
      'starts-at': { type: 'string' },
      capacity: { type: 'string' },
    },
    async run(ctx, v) {
      const s = await ctx.call<{ sessionId: string }>('POST', '/exam-sessions', {
        sessionId: str(v, 'id'),
        dutyStation: str(v, 'station'),
        startsAt: str(v, 'starts-at'),
        capacity: Number(str(v, 'capacity')),
      });
      if (!ctx.json) ctx.out(`created exam session ${s.sessionId}`);
      return s;
    },
  },
  'staff list': {
    summary: 'staff and where their emails go (admins)',
    usage: 'staff list',
    async run(ctx) {
      const r = await ctx.call<{ staff: StaffContact[] }>('GET', '/staff');
      if (!ctx.json) {
        for (const s of r.staff) ctx.out(`${s.subject}\t${s.name}\t${s.email}`);
        ctx.out(`${r.staff.length} staff contact(s)`);
      }
      return r;
    },
  },
  'staff add': {
    summary:
      "keep someone's contact (their reminders and candidates' answers go there) and issue their token (admins)",
    usage:
      'staff add <staffId> --name "Jean Martin" --email jean.martin@example.org [--role recruiter|hr|admin] [--days 90]',
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      days: { type: 'string' },
    },
    positionals: 1,
    async run(ctx, v, [subject]) {
      const days = opt(v, 'days');
      if (days !== undefined && !/^\d+$/.test(days))
        throw new CliError('--days must be a whole number of days');
      // The contact first, so that no token is out for someone whose emails would go nowhere.
      const contact = await ctx.call<StaffContact>('PUT', `/staff/${encodeURIComponent(subject!)}`, {
        name: str(v, 'name'),
        email: str(v, 'email'),
      });
      const role = opt(v, 'role');
      const issued = role
        ? await ctx.call<{ token: string }>('POST', '/tokens', {
            role,
            subject,
            ...(days ? { days: Number(days) } : {}),
          })
        : undefined;
      if (!ctx.json) {
        ctx.out(`${contact.subject}: ${contact.name} <${contact.email}>`);
        if (issued) ctx.out(`${role} token, shown this once: ${issued.token}`);
      }
      return { ...contact, ...(issued ? { token: issued.token } : {}) };
    },
  },
  'staff revoke': {
    summary: 'sign someone out everywhere: every token of theirs stops working (admins)',
    usage: 'staff revoke <staffId>',
    positionals: 1,
    async run(ctx, _v, [subject]) {
      const r = await ctx.call<{ revoked: number }>('DELETE', `/tokens/${encodeURIComponent(subject!)}`);
      if (!ctx.json) ctx.out(`${subject}: ${r.revoked} token(s) revoked`);
      return r;
    },
  },
  'staff remove': {
    summary: 'take someone off the staff list once nothing is in their charge, and sign them out (admins)',
    usage: 'staff remove <staffId>',
    positionals: 1,
    async run(ctx, _v, [subject]) {
      const r = await ctx.call<{ revoked: number }>('DELETE', `/staff/${encodeURIComponent(subject!)}`);
      if (!ctx.json) ctx.out(`${subject}: removed, ${r.revoked} token(s) revoked`);
      return r;
    },
  },
  'bulk reject': {
    summary: 'reject every application of a position still in a stage',
    usage: 'bulk reject --position P-1 --stage submitted --reason "the position has been filled"',
    options: { position: { type: 'string' }, stage: { type: 'string' }, reason: { type: 'string' } },
    async run(ctx, v) {
      const stage = ApplicationStatusSchema.safeParse(str(v, 'stage'));
      if (!stage.success)
        throw new CliError(`--stage must be one of ${ApplicationStatusSchema.options.join(', ')}`);
      const items = await listApplications(
        ctx,
        { position: str(v, 'position'), stage: stage.data, limit: '200' },
        true,
      );
      const reason = str(v, 'reason');
      const failures: { applicationId: string; error: string }[] = [];
      let done = 0;
      for (const a of items) {
        try {
          await ctx.call('POST', `${applicationPath(a.applicationId)}/transitions`, {
            type: 'reject',
            reason,
          });
        } catch (err) {
          failures.push({
            applicationId: a.applicationId,
            error: err instanceof Error ? err.message : String(err),
          });
        }
        done += 1;
        if (!ctx.json) process.stderr.write(`\r${progressBar(done, items.length)}`);
      }
      if (!ctx.json) {
        process.stderr.write('\n');
        ctx.out(`rejected ${done - failures.length} of ${items.length}; ${failures.length} failed`);
        for (const f of failures) ctx.out(`  ${f.applicationId}: ${f.error}`);
      }
      if (failures.length) process.exitCode = 1;
      return { total: items.length, rejected: done - failures.length, failures };
    },
  },
  figures: {
    summary: 'applications per stage',
    usage: 'figures',
    async run(ctx) {
      const f = await ctx.call<{ byStage: Record<string, number> }>('GET', '/figures');
      if (!ctx.json) for (const [stage, n] of Object.entries(f.byStage)) ctx.out(`${stage.padEnd(13)} ${n}`);
      return f;
    },
  },
};

function positionChange(
  summary: string,
  usage: string,
  options: Options,
  build: (v: Values) => object,
): Command {
  return {
    summary,
    usage: `positions ${summary.split(' ')[0]} <positionId> ${usage}`,
    options,
    positionals: 1,
    async run(ctx, v, [id]) {
      const p = await ctx.call<{ positionId: string; status: string }>(
        'POST',
        `/positions/${encodeURIComponent(id!)}/changes`,
        build(v),
      );
      if (!ctx.json) ctx.out(`${p.positionId}: ${p.status}`);
      return p;
    },
  };
}

async function listApplications(ctx: Ctx, v: Values, all = false): Promise<ApplicationSummary[]> {
  const q = listQuery(v, { 'deadline-before': 'deadlineBefore' });
  q.set('limit', opt(v, 'limit') ?? '50');
  const items: ApplicationSummary[] = [];
  let cursor: string | null = null;
  do {
    if (cursor) q.set('cursor', cursor);
    const page: { items: ApplicationSummary[]; nextCursor: string | null } = await ctx.call(
      'GET',
      `/applications?${q.toString()}`,
    );
    items.push(...page.items);
    cursor = all ? page.nextCursor : null;
  } while (cursor);
  return items;
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

const ErrorBodySchema = z.object({
  error: z.string(),
  problems: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

function help(): string {
  const lines = ['usage: hiring [--json] [--token T] [--api URL] <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(22)} ${c.summary}`);
  lines.push(
    '',
    'environment: HIRING_API (default http://127.0.0.1:3000), HIRING_TOKEN',
    'hiring <command> --help shows its options',
  );
  return lines.join('\n');
}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out = (l: string) => void process.stdout.write(`${l}\n`),
): Promise<number> {
  const globals = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      token: { type: 'string' },
      api: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: false,
  });
  const words = globals.positionals;
  const name = [`${words[0]} ${words[1]}`, words[0]].find((n) => n && COMMANDS[n]);
  if (!name) {
    if (globals.values.help || words.length === 0) {
      out(help());
      return 0;
    }
    throw new CliError(`unknown command '${words.slice(0, 2).join(' ')}'; see hiring --help`);
  }
  const command = COMMANDS[name]!;
  // Drop the command's own words (the first positionals), keep everything else in order.
  const rest = [...argv];
  for (const word of name.split(' ')) rest.splice(rest.indexOf(word), 1);
  const parsed = parseArgs({
    args: rest,
    options: {
      json: { type: 'boolean' },
      token: { type: 'string' },
      api: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...command.options,
    },
    allowPositionals: true,
    strict: true,
  });
  if (parsed.values.help) {
    out(`usage: hiring ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  if (parsed.positionals.length !== (command.positionals ?? 0)) {
    throw new CliError(`usage: hiring ${command.usage}`);
  }
  const api = String(parsed.values.api ?? env.HIRING_API ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const token = parsed.values.token ?? env.HIRING_TOKEN;
  const json = Boolean(parsed.values.json);
  const ctx: Ctx = {
    api,
    token,
    json,
    out,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      // One key per intended action: when the API restarts under a request, the retry is answered
      // with the first outcome instead of being made (or refused) a second time.
      const idempotencyKey = method === 'POST' ? randomUUID() : undefined;
      let res: Response | undefined;
      for (let attempt = 0; !res; attempt++) {
        try {
          res = await fetch(`${api}${path}`, {
            method,
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(body ? { 'content-type': 'application/json' } : {}),
              ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
            },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
        } catch {
          if (attempt >= 3) throw new ApiError(`cannot reach the API at ${api} (is \`npm start\` running?)`);
          await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        }
      }
      const text = await res.text();
      if (!res.ok) {
        const parsedBody = ErrorBodySchema.safeParse(JSON.parse(text || '{}'));
        const problems = parsedBody.data?.problems?.map((p) => `${p.field}: ${p.message}`).join('; ');
        throw new ApiError(
          `${res.status} ${parsedBody.data?.error ?? res.statusText}${problems ? ` (${problems})` : ''}`,
        );
      }
      // A spreadsheet export is text; everything else the API answers is JSON.
      if (res.headers.get('content-type')?.startsWith('text/csv')) return text as T;
      return JSON.parse(text) as T;
    },
  };
  const result = await command.run(ctx, parsed.values, parsed.positionals);
  if (json) out(JSON.stringify(result, null, 2));
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

export async function runCli(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // One readable line, never a stack trace.
    process.stderr.write(`hiring: ${message.split('\n')[0]}\n`);
    process.exitCode =
      err instanceof CliError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}
