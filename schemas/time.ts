import { z } from 'zod';

/** A wall-clock time at a place, as people write it: "2027-01-31T23:59". */
export const LocalDateTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'a local date and time like 2027-01-31T23:59');

/** Minutes east of UTC of `timeZone` at the given instant. Pure (Intl only): safe in workflows. */
export function offsetMinutes(instantMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instantMs);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the clocks of `timeZone` show `local`. Across a daylight-saving change the
 * offset is looked up twice, so "23:59 in Lyon" is 22:59Z in winter and 21:59Z in summer.
 */
export function zonedToInstant(local: string, timeZone: string): Date {
  const [date, time] = local.split('T') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let instant = wall - offsetMinutes(wall, timeZone) * 60_000;
  const second = wall - offsetMinutes(instant, timeZone) * 60_000;
  if (second !== instant) instant = second;
  return new Date(instant);
}

/**
 * Why a local time cannot be a deadline in `timeZone`, if it cannot: the clocks skip it (02:30 on
 * the night summer time starts in Lyon; all of 30 December 2011 in Apia, which crossed the date
 * line). Such a time would silently become another one.
 */
export function localTimeProblem(local: string, timeZone: string): string | undefined {
  return instantToZoned(zonedToInstant(local, timeZone), timeZone) === local
    ? undefined
    : `${local} does not exist in ${timeZone}: the clocks skip it`;
}

/** The wall-clock time `instant` shows in `timeZone`, as "YYYY-MM-DDTHH:mm". */
export function instantToZoned(instant: Date | string, timeZone: string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + offsetMinutes(ms, timeZone) * 60_000).toISOString().slice(0, 16);
}
