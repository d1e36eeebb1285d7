// The dashboard's only way to the system: the HTTP API, with the signed-in person's token.
import type { ApplicationSummary, ApplicationView, CommandInput } from '../../schemas/application.js';

import type { PositionSummary } from '../../schemas/position.js';

export type { ApplicationSummary, PositionSummary };

export class ApiRefusal extends Error {}

export const tokenStore = {
  get: () => localStorage.getItem('hiring-token') ?? '',
  set: (t: string) => localStorage.setItem('hiring-token', t),
};

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${tokenStore.get()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as {
    error?: string;
    problems?: { field: string; message: string }[];
  };
  if (!res.ok) {
    const problems = data.problems?.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new ApiRefusal(`${data.error ?? res.statusText}${problems ? ` (${problems})` : ''}`);
  }
  return data as T;
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

export const act = (id: string, command: CommandInput) =>
  call<ApplicationView>('POST', `${applicationPath(id)}/transitions`, command);

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
