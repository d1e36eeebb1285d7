// How the dashboard says things: stage names, instants in the duty station's time and the reader's.
import type { FormEvent } from 'react';
import { DUTY_STATIONS, type DutyStation } from '../../schemas/reference.js';

export const label = (s: string) => s.replaceAll('_', ' ');

/** "Tue 2 Feb 2027, 23:59 in Lyon (22:59 your time)": a deadline as each reader needs it. */
export function when(instant: string | null | undefined, station: string): string {
  if (!instant) return '—';
  const tz = DUTY_STATIONS[station as DutyStation]?.timeZone ?? 'UTC';
  const city = DUTY_STATIONS[station as DutyStation]?.city ?? station;
  const fmt = (timeZone?: string) =>
    new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      ...(timeZone ? { timeZone } : {}),
    }).format(new Date(instant));
  return `${fmt(tz)} in ${city} (${fmt()} your time)`;
}

/**
 * "8 Dec 2026, 14:05" and "8 Dec 2026" in the reader's own time: the month in words, as `when` has
 * it, because "08/12/2026" is the 8th of December to some readers and the 12th of August to others.
 */
const INSTANT = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const DAY = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });
export const instant = (at: string) => INSTANT.format(new Date(at));
export const day = (at: string) => DAY.format(new Date(at));

/** A text field of a submitted form, trimmed. */
export function field(e: FormEvent<HTMLFormElement>, name: string): string {
  const raw = new FormData(e.currentTarget).get(name);
  return typeof raw === 'string' ? raw.trim() : '';
}

/** The message of whatever went wrong, for a person to read. */
export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A duty station by its city, as people name it. */
export const cityOf = (station: string) => DUTY_STATIONS[station as DutyStation]?.city ?? station;

/** The dashboard's own addresses of a position and an application. */
export const positionLink = (id: string) => `#/position/${encodeURIComponent(id)}`;
export const applicationLink = (id: string) => `#/application/${encodeURIComponent(id)}`;
