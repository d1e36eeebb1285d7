import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type Client,
} from '@temporalio/client';
import { join } from 'node:path';
import { directory } from '../activities/directory.js';
import { kvExamSeats } from '../activities/exam-booking.js';
import { createMailer } from '../activities/mailer.js';
import type { NatsResources } from '../activities/nats.js';
import type { Config } from '../schemas/config.js';
import { kvCandidateStore } from '../stores/candidates.js';
import { objectDocumentStore } from '../stores/documents.js';
import { kvKeyStore } from '../stores/keys.js';
import { loadMasterKey } from '../stores/master-key.js';
import { encryptionCodec } from '../stores/payload-codec.js';
import { kvRequestCounter } from '../stores/rate-limits.js';
import { loadReferenceData } from '../stores/reference-data.js';
import { kvTokenStore } from '../stores/tokens.js';
import type { ApiDeps } from './server.js';

/** Everything the API needs but the read side, which its process runs (readside/projector.ts). */
export type BaseDeps = Omit<ApiDeps, 'projections' | 'index'>;

/** The API's real dependencies, built from the configuration and the NATS resources. */
export function buildDeps(config: Config, nats: NatsResources, client: Client): BaseDeps {
  const masterKey = loadMasterKey(config);
  const keys = kvKeyStore(nats.candidateKeys, masterKey, nats.js);
  const candidates = kvCandidateStore(nats.candidates, keys);
  return {
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    retentionDays: config.RETENTION_DAYS,
    rateLimitPerMinute: config.API_RATE_LIMIT,
    requestCounter: kvRequestCounter(nats.rateLimits, masterKey),
    ...(config.API_TRUST_PROXY ? { trustProxy: config.API_TRUST_PROXY } : {}),
    codec: encryptionCodec(masterKey),
    uiOrigin: `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`,
    nats,
    keys,
    candidates,
    documents: objectDocumentStore(nats.documents, keys),
    reference: loadReferenceData(),
    tokens: kvTokenStore(nats.tokens),
    examSeats: kvExamSeats(nats.examSessions),
    mailer: createMailer({
      delivery: config.SMTP_URL
        ? { kind: 'smtp', url: config.SMTP_URL }
        : { kind: 'outbox', dir: join(config.DATA_DIR, 'outbox') },
      directory: directory({
        people: nats.people,
        candidates,
        hr: { name: 'Human Resources', email: config.HR_MAILBOX },
      }),
      ledger: nats.sentEmails,
      from: config.MAIL_FROM,
    }),
  };
}

/**
 * The API's connection to Temporal. A person is waiting on each call: when the server does not
 * answer, the SDK's default retries (ten attempts, backing off to 5 s, about 20 s in all) held the
 * request that long before its 503; five attempts (about 2 s) ride out a blip, then the caller is
 * told to come back (Retry-After). The worker keeps the SDK's defaults: nobody waits on it.
 */
export const API_TEMPORAL_RETRY = defaultGrpcRetryOptions({ maxAttempts: 5 });

export function apiTemporalConnection(address: string): Promise<Connection> {
  return Connection.connect({ address, interceptors: [makeGrpcRetryInterceptor(API_TEMPORAL_RETRY)] });
}
