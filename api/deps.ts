import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type Client,
} from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { join } from 'node:path';
import { directory, type Directory } from '../activities/directory.js';
import { kvExamSeats, type ExamSeats } from '../activities/exam-booking.js';
import { createMailer, type Mailer } from '../activities/mailer.js';
import type { NatsResources } from '../activities/nats.js';
import type { ApplicationIndex } from '../readside/application-index.js';
import type { ProjectionStore } from '../readside/projector.js';
import type { Config } from '../schemas/config.js';
import { kvCandidateStore, type CandidateStore } from '../stores/candidates.js';
import { objectDocumentStore, type DocumentStore } from '../stores/documents.js';
import { kvKeyStore, type KeyStore } from '../stores/keys.js';
import { loadMasterKey } from '../stores/master-key.js';
import { encryptionCodec } from '../stores/payload-codec.js';
import { kvRequestCounter, type RequestCounter } from '../stores/rate-limits.js';
import { loadReferenceData, type ReferenceData } from '../stores/reference-data.js';
import { kvTokenStore, type TokenStore } from '../stores/tokens.js';
import type { ApiMetrics } from './metrics.js';

/** Everything the API needs but the read side, which its process runs (readside/projector.ts). */
export type BaseDeps = Omit<ApiDeps, 'projections' | 'index'>;

/** The API's real dependencies, built from the configuration and the NATS resources. */
export function buildDeps(config: Config, nats: NatsResources, client: Client): BaseDeps {
  const masterKey = loadMasterKey(config);
  const keys = kvKeyStore(nats.candidateKeys, masterKey, nats.js);
  const candidates = kvCandidateStore(nats.candidates, keys);
  const people = directory({
    people: nats.people,
    candidates,
    hr: { name: 'Human Resources', email: config.HR_MAILBOX },
  });
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
    directory: people,
    mailer: createMailer({
      delivery: config.SMTP_URL
        ? { kind: 'smtp', url: config.SMTP_URL }
        : { kind: 'outbox', dir: join(config.DATA_DIR, 'outbox') },
      directory: people,
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
  /** Where emails go: staff contacts are kept by admins (PUT /staff/:subject). */
  directory: Directory;
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
