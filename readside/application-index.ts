import type { KV } from '@nats-io/kv';
import {
  isFinal,
  type ApplicationStatus,
  type ApplicationSummary,
  type SlaStatus,
} from '../schemas/application.js';
import type { VisibilityFilter } from '../schemas/search-attributes.js';
import { applicationKey, type ApplicationRecord } from './projection.js';
import type { ProjectionStore } from './projector.js';

/** What the lists select by: visibility's filters, and what changes with every step. */
export interface ApplicationFilter extends VisibilityFilter {
  stage?: ApplicationStatus;
  /** An instant: applications whose next deadline falls at or before it. */
  deadlineBefore?: string;
  sla?: SlaStatus;
  /** The recruiter in charge (a recruiter's own board). */
  recruiterId?: string;
}

/** What the index keeps of a record: everything but the timeline, which lists never show. */
export type IndexedApplication = Omit<ApplicationRecord, 'timeline'>;

/**
 * The read side's applications in memory, kept current by following the projection bucket: the
 * dashboard's lists and HR figures are answered here without a request to NATS or Temporal. Each
 * API process holds its own (about 470 bytes of heap per application: bench/index-memory.ts), filled from the bucket's last
 * values at start and then from every change the projector writes. It lags the workflows by the
 * event lane and the projector: moments.
 *
 * Listing order is the newest submission first (visibility's order for running workflows), ties by
 * id, so a page boundary does not move as applications change stage.
 */
export class ApplicationIndex {
  /** By bucket key: a deletion names the key only. */
  private readonly byKey = new Map<string, IndexedApplication>();
  /** Keys, newest submission first; a submission time never changes, so a key keeps its place. */
  private readonly order: string[] = [];

  private constructor(private readonly stop_: () => void) {}

  /** Opens the index and resolves once it holds every application the bucket held at the start. */
  static async open(
    store: ProjectionStore,
    onError: (err: unknown, key: string) => void = (err, key) =>
      console.error(`application index: record ${key} skipped:`, err),
  ): Promise<ApplicationIndex> {
    // The last revision at the start: once it is delivered (or nothing more is pending) the index
    // holds everything written before it opened.
    const last = (await store.kv.status()).streamInfo.state.last_seq;
    // Not the key-value watch: a watch whose consumer the server lost (deleted by an operator,
    // say) fell silent for good; the store's ordered consumer is recreated from where it was.
    const messages = await (await store.applicationsConsumer()).consume();
    const index = new ApplicationIndex(() => void messages.close());
    let caughtUp: () => void = () => {};
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (last === 0) caughtUp();
    void (async () => {
      for await (const m of messages) {
        let key = m.subject;
        try {
          const entry = store.entry(m);
          key = entry.key;
          if (entry.record) {
            const { timeline: _, ...rest } = entry.record;
            index.put(key, rest);
          } else {
            // An erased candidate's application: its key is deleted, and it leaves every list.
            index.remove(key);
          }
        } catch (err) {
          // Records hold ids and facts only (projection.ts): the key may be logged.
          onError(err, key);
        }
        if (m.seq >= last || m.info.pending === 0) caughtUp();
      }
    })();
    // No application key at all (the bucket holds positions only): nothing is delivered to wait
    // for, so the bucket is asked whether it has any.
    await Promise.race([ready, noApplicationKeys(store.kv).then((none) => none && caughtUp())]);
    await ready;
    return index;
  }

  stop(): void {
    this.stop_();
  }

  get size(): number {
    return this.byKey.size;
  }

  get(applicationId: string): IndexedApplication | undefined {
    return this.byKey.get(applicationKey(applicationId));
  }

  all(): IndexedApplication[] {
    return [...this.byKey.values()];
  }

  /** One page of the applications the filter selects, and whether more follow. */
  list(
    filter: ApplicationFilter,
    skip: number,
    limit: number,
  ): { items: ApplicationSummary[]; more: boolean } {
    const items: ApplicationSummary[] = [];
    let matched = 0;
    for (const a of this.matching(filter)) {
      if (matched++ < skip) continue;
      if (items.length === limit) return { items, more: true };
      items.push(summary(a));
    }
    return { items, more: false };
  }

  /** Every application the filter selects, in listing order, as the index keeps it (exports). */
  *matching(filter: ApplicationFilter): Generator<IndexedApplication> {
    const before = filter.deadlineBefore ? Date.parse(filter.deadlineBefore) : undefined;
    for (const key of this.order) {
      const a = this.byKey.get(key)!;
      if (filter.candidateId && a.candidateId !== filter.candidateId) continue;
      if (filter.positionId && a.positionId !== filter.positionId) continue;
      if (filter.stage && a.status !== filter.stage) continue;
      if (filter.dutyStation && a.dutyStation !== filter.dutyStation) continue;
      if (filter.sla && (a.sla ?? 'ok') !== filter.sla) continue;
      if (filter.recruiterId && a.recruiterId !== filter.recruiterId) continue;
      if (filter.running && isFinal(a.status)) continue;
      // An application with no running clock, or one not known yet, has no deadline to be due.
      if (before !== undefined && !(a.nextDeadline && Date.parse(a.nextDeadline) <= before)) continue;
      yield a;
    }
  }

  private put(key: string, a: IndexedApplication): void {
    if (!this.byKey.has(key)) this.order.splice(this.place(a), 0, key);
    this.byKey.set(key, a);
  }

  private remove(key: string): void {
    if (!this.byKey.delete(key)) return;
    this.order.splice(this.order.indexOf(key), 1);
  }

  /** Where a new key goes in `order`: binary search on (submittedAt descending, id ascending). */
  private place(a: IndexedApplication): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = this.byKey.get(this.order[mid]!)!;
      const after =
        b.submittedAt > a.submittedAt ||
        (b.submittedAt === a.submittedAt && b.applicationId < a.applicationId);
      if (after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function summary(a: IndexedApplication): ApplicationSummary {
  return {
    applicationId: a.applicationId,
    stage: a.status,
    positionId: a.positionId,
    candidateId: a.candidateId,
    dutyStation: a.dutyStation,
    nextDeadline: a.nextDeadline ?? null,
    sla: a.sla ?? 'ok',
    submittedAt: a.submittedAt,
  };
}

async function noApplicationKeys(kv: KV): Promise<boolean> {
  const keys = await kv.keys('application.>');
  for await (const _ of keys) {
    keys.stop();
    return false;
  }
  return true;
}
