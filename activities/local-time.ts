import { DUTY_STATIONS, type DutyStation } from '../schemas/reference.js';

/** "Tuesday 1 December 2026 at 23:59 in Lyon (Europe/Paris)": how a person reads a deadline. */
export function atDutyStation(instant: string, station: DutyStation): string {
  const { city, timeZone } = DUTY_STATIONS[station];
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
  return `${local.replace(/^(\w+), /, '$1 ')} in ${city} (${timeZone})`;
}
