// The dashboard's only way to the system: the HTTP API, with the signed-in person's token.
import type { ApplicationSummary, ApplicationView, CommandInput } from '../../schemas/application.js';

import type { PositionSummary } from '../../schemas/position.js';

export type { ApplicationSummary, PositionSummary };

/** The API said no: its message, the fields it named, and the rest of its answer (an existing id). */
export class ApiRefusal extends Error {
  constructor(
    message: string,
    readonly status = 0,
    readonly problems: { field: string; message: string }[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const tokenStore = {
  get: () => localStorage.getItem('hiring-token') ?? '',
  set: (t: string) => localStorage.setItem('hiring-token', t),
};

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${tokenStore.get()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answer<T>(res);
}

async function answer<T>(res: Response): Promise<T> {
  const data = (await res.json().catch(() => ({}))) as {
    error?: string;
    problems?: { field: string; message: string }[];
  };
  if (!res.ok) {
    const problems = data.problems ?? [];
    const listed = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new ApiRefusal(
      `${data.error ?? res.statusText}${listed ? ` (${listed})` : ''}`,
      res.status,
      problems,
      data,
    );
  }
  return data as T;
}

/** Sends a file as it is (the API checks its bytes, not its name); the type from its name if the browser gave none. */
export async function upload<T>(path: string, file: File): Promise<T> {
  const type =
    file.type ||
    (file.name.toLowerCase().endsWith('.pdf')
      ? 'application/pdf'
      : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  const res = await fetch(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenStore.get()}`, 'content-type': type },
    body: file,
  });
  return answer<T>(res);
}

/**
 * One key per intended action, kept while the form is on screen: a double click or a retry after a
 * lost answer sends the same key, and the API gives back the same result instead of acting twice.
 * (getRandomValues: randomUUID needs a secure context, and the API may be served over plain http.)
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const applicationPath = (id: string) => {
  const [, positionId, candidateId] = id.split('/');
  return `/applications/${encodeURIComponent(positionId ?? '')}/${encodeURIComponent(candidateId ?? '')}`;
};

export const listApplications = (query: Record<string, string>) =>
  call<{ items: ApplicationSummary[] }>(
    'GET',
    `/applications?${new URLSearchParams({ limit: '200', ...query }).toString()}`,
  );

/** One transition; with a key, a repeat of the same intended action is answered, not made twice. */
export const act = <V = ApplicationView>(id: string, command: CommandInput, idempotencyKey?: string) =>
  call<V>(
    'POST',
    `${applicationPath(id)}/transitions`,
    command,
    idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  );

/** What the /events feed carries: ids, types and stages only, never personal data. */
export interface LiveEvent {
  type: string;
  eventId: string;
  occurredAt: string;
  positionId: string;
  applicationId?: string;
  status?: string;
}

/** Live events, read from the API's server-sent event stream (fetch, so the token goes in a header). */
export async function followEvents(onEvent: (e: LiveEvent) => void, signal: AbortSignal) {
  const res = await fetch('/events', { headers: { authorization: `Bearer ${tokenStore.get()}` }, signal });
  if (!res.ok || !res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = chunk.split('\n').find((l) => l.startsWith('data: '));
      if (data) onEvent(JSON.parse(data.slice(6)) as LiveEvent);
    }
  }
}

/** Fetches a file with the token (a plain link cannot send it) and hands it to the browser to save. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${tokenStore.get()}` } });
  if (!res.ok) {
    const data = (await res.json().catch(() => ({}))) as { error?: string };
    throw new ApiRefusal(data.error ?? res.statusText);
  }
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
