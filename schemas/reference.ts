import { z } from 'zod';

/**
 * INTERPOL duty stations where interviews and written exams take place, with their IANA time zone:
 * a deadline is read by people as a local time at the station ("23:59 in Lyon").
 * Built from ../shared/reference/interpol-locations.tsv; a code change adds a station, because
 * workflows validate against this list and must replay the same way.
 */
export const DUTY_STATIONS = {
  LYO: { city: 'Lyon', country: 'FR', kind: 'General Secretariat (headquarters)', timeZone: 'Europe/Paris' },
  SIN: {
    city: 'Singapore',
    country: 'SG',
    kind: 'INTERPOL Global Complex for Innovation',
    timeZone: 'Asia/Singapore',
  },
  BUE: {
    city: 'Buenos Aires',
    country: 'AR',
    kind: 'Regional Bureau',
    timeZone: 'America/Argentina/Buenos_Aires',
  },
  YAO: { city: 'Yaoundé', country: 'CM', kind: 'Regional Bureau', timeZone: 'Africa/Douala' },
  ABJ: { city: 'Abidjan', country: 'CI', kind: 'Regional Bureau', timeZone: 'Africa/Abidjan' },
  SAL: { city: 'San Salvador', country: 'SV', kind: 'Regional Bureau', timeZone: 'America/El_Salvador' },
  NBO: { city: 'Nairobi', country: 'KE', kind: 'Regional Bureau', timeZone: 'Africa/Nairobi' },
  HRE: { city: 'Harare', country: 'ZW', kind: 'Regional Bureau', timeZone: 'Africa/Harare' },
  ADD: {
    city: 'Addis Ababa',
    country: 'ET',
    kind: 'Special Representative Office to the African Union',
    timeZone: 'Africa/Addis_Ababa',
  },
  BRU: {
    city: 'Brussels',
    country: 'BE',
    kind: 'Special Representative Office to the European Union',
    timeZone: 'Europe/Brussels',
  },
  NYC: {
    city: 'New York',
    country: 'US',
    kind: 'Special Representative Office to the United Nations',
    timeZone: 'America/New_York',
  },
  BKK: { city: 'Bangkok', country: 'TH', kind: 'Liaison Office', timeZone: 'Asia/Bangkok' },
} as const satisfies Record<string, { city: string; country: string; kind: string; timeZone: string }>;

export const DutyStationSchema = z.enum(Object.keys(DUTY_STATIONS) as [keyof typeof DUTY_STATIONS]);
export type DutyStation = z.infer<typeof DutyStationSchema>;

export const ContractTypeSchema = z.enum([
  'fixed_term',
  'project_fixed_term',
  'short_term',
  'temporary',
  'internship',
  'mentorship',
  'secondment',
  'roster',
]);
export type ContractType = z.infer<typeof ContractTypeSchema>;
