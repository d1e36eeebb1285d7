import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import { kvToken } from './kv.js';

/**
 * The candidate's own list of applications, in the submissions bucket beside the sealed
 * submissions: `candidate.<candidate>.<application>`, ids and a time, no personal data. Written
 * before the submission's workflow starts, so it holds an application from the moment it exists,
 * where visibility lists it a moment after its workflow starts: whatever decides on "an
 * application in progress" (closing an account, removing a document, the retention clock) asks it
 * too (activities/erasure.ts).
 */
const byCandidate = (candidateId: string) => `candidate.${kvToken(candidateId)}`;

/** One entry of a candidate's own list. */
const ListedSubmissionSchema = z.object({ applicationId: z.string(), submittedAt: z.string() });
export type ListedSubmission = z.infer<typeof ListedSubmissionSchema>;

export async function listForCandidate(
  submissions: KV,
  candidateId: string,
  applicationId: string,
  submittedAt: string,
): Promise<void> {
  const entry: ListedSubmission = { applicationId, submittedAt };
  await submissions.put(`${byCandidate(candidateId)}.${kvToken(applicationId)}`, JSON.stringify(entry));
}

/**
 * The applications a candidate submitted since submissions were listed by candidate, and when (a
 * listing may hold one whose submission lost a race or never got its workflow: see
 * applicationIdsOf in activities/erasure.ts).
 */
export async function submittedBy(submissions: KV, candidateId: string): Promise<ListedSubmission[]> {
  const keys: string[] = [];
  for await (const k of await submissions.keys(`${byCandidate(candidateId)}.*`)) keys.push(k);
  const out: ListedSubmission[] = [];
  for (const k of keys) {
    const entry = await submissions.get(k);
    if (entry?.operation === 'PUT') out.push(ListedSubmissionSchema.parse(entry.json()));
  }
  return out;
}
