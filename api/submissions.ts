/**
 * Submitting an application: form, eligibility, deadline and uniqueness are checked before
 * anything is created; then the application workflow starts (and acknowledges by email).
 */
import type { KV } from '@nats-io/kv';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { applicationWorkflowId } from '../schemas/application.js';
import type { Candidate } from '../schemas/candidate.js';
import { DUTY_STATIONS } from '../schemas/reference.js';
import type { CandidateStore } from '../stores/candidates.js';
import { open, seal } from '../stores/crypto.js';
import type { KeyStore } from '../stores/keys.js';
import type { ReferenceData } from '../stores/reference-data.js';
import { startApplication, unlessNotFound } from './applications.js';
import { eligibilityProblems, type FieldProblem } from './eligibility.js';
import { getPosition } from './positions.js';
import { listForCandidate } from '../stores/candidate-applications.js';
import { kvToken } from '../stores/kv.js';

export const SubmissionSchema = z.object({
  candidateId: z.string().min(1).max(64),
  positionId: z.string().min(1).max(40),
  /** Answers to the position's questions, by question id. */
  answers: z.record(z.string(), z.string().trim().max(5000)).default({}),
  /**
   * The same key for a retry or a double-click: the same application comes back, never a second one.
   * A new key for a new submission: refused if the candidate already applied.
   */
  submissionKey: z.string().min(8).max(100),
});
export type SubmissionInput = z.input<typeof SubmissionSchema>;

export type SubmissionResult =
  | { ok: true; applicationId: string; repeated: boolean }
  | { ok: false; status: 404 | 409 | 422; problems: FieldProblem[]; applicationId?: string };

export interface SubmissionDeps {
  client: Client;
  taskQueue: string;
  candidates: CandidateStore;
  keys: KeyStore;
  submissions: KV;
  reference: ReferenceData;
  clock?: () => Date;
}

/** What is kept of a submission besides the workflow: answers and documents, sealed per candidate. */
const StoredSubmissionSchema = z.object({
  submissionKey: z.string(),
  submittedAt: z.string(),
  sealed: z.string(),
});

export async function submitApplication(
  deps: SubmissionDeps,
  raw: SubmissionInput,
): Promise<SubmissionResult> {
  const now = (deps.clock ?? (() => new Date()))();
  const req = SubmissionSchema.parse(raw);
  const applicationId = applicationWorkflowId(req.positionId, req.candidateId);
  const refuse = (status: 404 | 409 | 422, problems: FieldProblem[]): SubmissionResult => ({
    ok: false,
    status,
    problems,
  });

  const candidate = await deps.candidates.get(req.candidateId);
  if (!candidate) return refuse(404, [{ field: 'candidateId', message: 'no such candidate' }]);
  if (!candidate.confirmed) {
    return refuse(422, [{ field: 'candidateId', message: 'confirm your email address before applying' }]);
  }
  const view = await unlessNotFound(getPosition(deps.client, req.positionId));
  if (!view) return refuse(404, [{ field: 'positionId', message: 'no such position' }]);
  const position = view.position;

  // A retry with the same key gives back the same application, even after the deadline.
  const existing = await readStored(deps, applicationId);
  if (existing) {
    if (existing.submissionKey !== req.submissionKey) {
      return {
        ...refuse(409, [{ field: 'positionId', message: 'you have already applied to this position' }]),
        applicationId,
      };
    }
    await start(deps, candidate, position, applicationId, existing.submittedAt);
    return { ok: true, applicationId, repeated: true };
  }

  if (view.status !== 'open' || now.getTime() > Date.parse(position.deadline)) {
    const city = DUTY_STATIONS[position.dutyStation].city;
    return refuse(422, [
      {
        field: 'positionId',
        message: `applications closed on ${position.deadlineLocal} in ${city} (${position.timeZone})`,
      },
    ]);
  }

  const problems: FieldProblem[] = [];
  for (const q of position.questions) {
    if (q.required && !req.answers[q.id]?.trim())
      problems.push({ field: `answers.${q.id}`, message: `required: ${q.text}` });
  }
  const attached = [];
  for (const kind of position.requiredDocuments) {
    // The newest document of each kind on the profile: a candidate is never asked twice for a CV.
    const doc = candidate.profile.documents.filter((d) => d.kind === kind).at(-1);
    if (doc) attached.push(doc);
    else
      problems.push({
        field: `documents.${kind}`,
        message: `add a ${kind.replaceAll('_', ' ')} to your profile first`,
      });
  }
  problems.push(...eligibilityProblems(candidate, position, now, deps.reference));
  if (problems.length) return refuse(422, problems);

  const key = await deps.keys.keyFor(req.candidateId);
  const record = {
    submissionKey: req.submissionKey,
    submittedAt: now.toISOString(),
    sealed: seal(
      key,
      JSON.stringify({ answers: req.answers, documents: attached }),
      `submission:${applicationId}`,
    ),
  };
  await listForCandidate(deps.submissions, req.candidateId, applicationId, record.submittedAt);
  try {
    await deps.submissions.create(storeKey(applicationId), JSON.stringify(record));
  } catch {
    // A concurrent submission won the race: the same key shares its application, another is refused.
    const winner = await readStored(deps, applicationId);
    if (!winner || winner.submissionKey !== req.submissionKey) {
      return {
        ...refuse(409, [{ field: 'positionId', message: 'you have already applied to this position' }]),
        applicationId,
      };
    }
    await start(deps, candidate, position, applicationId, winner.submittedAt);
    return { ok: true, applicationId, repeated: true };
  }
  await start(deps, candidate, position, applicationId, record.submittedAt);
  return { ok: true, applicationId, repeated: false };
}

/** The answers and documents of an application, for those allowed to read them. */
export async function readSubmission(
  deps: Pick<SubmissionDeps, 'keys' | 'submissions'>,
  applicationId: string,
  candidateId: string,
) {
  const stored = await readStored(deps, applicationId);
  const key = await deps.keys.existing(candidateId);
  if (!stored || !key) return undefined;
  return JSON.parse(open(key, stored.sealed, `submission:${applicationId}`).toString()) as {
    answers: Record<string, string>;
    documents: Candidate['profile']['documents'];
  };
}

const storeKey = (applicationId: string) => `submission.${kvToken(applicationId)}`;

async function readStored(deps: Pick<SubmissionDeps, 'submissions'>, applicationId: string) {
  const entry = await deps.submissions.get(storeKey(applicationId));
  if (!entry || entry.operation !== 'PUT') return undefined;
  return StoredSubmissionSchema.parse(entry.json());
}

async function start(
  deps: SubmissionDeps,
  candidate: Candidate,
  position: Awaited<ReturnType<typeof getPosition>>['position'],
  applicationId: string,
  submittedAt: string,
): Promise<void> {
  // Deterministic id with USE_EXISTING: however many of these race, one workflow exists.
  await startApplication(deps.client, deps.taskQueue, {
    applicationId,
    candidateId: candidate.candidateId,
    recruiterId: position.recruiterId,
    position: {
      positionId: position.positionId,
      reference: position.reference,
      title: position.title,
      dutyStation: position.dutyStation,
      deadline: position.deadline,
    },
    policy: position.policy,
    submittedAt,
  });
}
