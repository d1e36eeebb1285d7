import { DUTY_STATIONS, type DutyStation } from '../schemas/reference.js';

// Building an Intl.DateTimeFormat costs far more than formatting with one (it was the costliest
// line of email rendering in a profile of the benchmark): one per duty station, made on first use.
const formats = new Map<DutyStation, Intl.DateTimeFormat>();

function formatAt(station: DutyStation): Intl.DateTimeFormat {
  let format = formats.get(station);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: DUTY_STATIONS[station].timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(station, format);
  }
  return format;
}

/** "Tuesday 1 December 2026 at 23:59 in Lyon (Europe/Paris)": how a person reads a deadline. */
export function atDutyStation(instant: string, station: DutyStation): string {
  const { city, timeZone } = DUTY_STATIONS[station];
  const local = formatAt(station).format(new Date(instant));
  return `${local.replace(/^(\w+), /, '$1 ')} in ${city} (${timeZone})`;
}
