import { describe, expect, it } from 'vitest';
import { ageOn, eligibilityProblems } from '../../api/eligibility.js';
import type { Candidate } from '../../schemas/candidate.js';
import type { Position } from '../../schemas/position.js';
import { instantToZoned, localTimeProblem, zonedToInstant } from '../../schemas/time.js';
import { loadReferenceData } from '../../stores/reference-data.js';
import { documentRefusal, MAX_DOCUMENT_BYTES } from '../../stores/documents.js';

const ref = loadReferenceData();

describe('local deadlines', () => {
  it('turns a duty station local time into the right instant, across daylight saving', () => {
    expect(zonedToInstant('2027-01-31T23:59', 'Europe/Paris').toISOString()).toBe('2027-01-31T22:59:00.000Z');
    expect(zonedToInstant('2027-07-31T23:59', 'Europe/Paris').toISOString()).toBe('2027-07-31T21:59:00.000Z');
    expect(zonedToInstant('2027-01-31T23:59', 'Asia/Singapore').toISOString()).toBe(
      '2027-01-31T15:59:00.000Z',
    );
    expect(zonedToInstant('2027-03-14T12:00', 'America/New_York').toISOString()).toBe(
      '2027-03-14T16:00:00.000Z',
    );
    expect(instantToZoned('2027-01-31T15:59:00Z', 'Asia/Singapore')).toBe('2027-01-31T23:59');
  });

  it('keeps the date right on both sides of the date line, and refuses a time the clocks skip', () => {
    // The first and the last places to reach midnight: 25 hours apart on the same calendar date.
    expect(zonedToInstant('2026-12-31T23:59', 'Pacific/Kiritimati').toISOString()).toBe(
      '2026-12-31T09:59:00.000Z',
    );
    expect(zonedToInstant('2026-12-31T23:59', 'Pacific/Pago_Pago').toISOString()).toBe(
      '2027-01-01T10:59:00.000Z',
    );
    expect(instantToZoned('2027-01-01T10:59:00Z', 'Pacific/Pago_Pago')).toBe('2026-12-31T23:59');
    expect(instantToZoned('2026-12-31T09:59:00Z', 'Pacific/Kiritimati')).toBe('2026-12-31T23:59');
    // Samoa skipped 30 December 2011 when it moved across the date line; Lyon skips 02:30 once a year.
    expect(localTimeProblem('2011-12-30T12:00', 'Pacific/Apia')).toMatch(/does not exist in Pacific\/Apia/);
    expect(localTimeProblem('2011-12-29T23:59', 'Pacific/Apia')).toBeUndefined();
    expect(localTimeProblem('2011-12-31T00:00', 'Pacific/Apia')).toBeUndefined();
    expect(localTimeProblem('2027-03-28T02:30', 'Europe/Paris')).toMatch(/the clocks skip it/);
    expect(localTimeProblem('2027-10-31T02:30', 'Europe/Paris')).toBeUndefined();
  });
});

describe('reference data', () => {
  it('has the 196 member countries as data, and ages of majority by country', () => {
    expect(ref.memberCountries.size).toBe(196);
    expect(ref.memberCountries.has('PS')).toBe(true);
    expect(ref.memberCountries.has('KP')).toBe(false);
    expect(ref.ageOfMajority('FR')).toBe(18);
    expect(ref.ageOfMajority('SG')).toBe(21);
  });
});

const position = (contractType: Position['contractType'] = 'fixed_term') => ({ contractType }) as Position;
const candidate = (profile: Partial<Candidate['profile']>): Candidate => ({
  candidateId: 'c',
  createdAt: '',
  confirmed: true,
  profile: { name: 'N', email: 'n@example.org', documents: [], ...profile },
});
const on = new Date('2027-02-01T00:00:00Z');

describe('eligibility', () => {
  it('counts age as birthdays do', () => {
    expect(ageOn('2009-02-01', on)).toBe(18);
    expect(ageOn('2009-02-02', on)).toBe(17);
  });

  it('accepts an adult national of a member country', () => {
    expect(
      eligibilityProblems(candidate({ nationality: 'KE', dateOfBirth: '1990-01-01' }), position(), on, ref),
    ).toEqual([]);
  });

  it('refuses each rule with its own reason and field', () => {
    const fields = (c: Candidate, p = position()) => eligibilityProblems(c, p, on, ref).map((x) => x.field);
    expect(fields(candidate({}))).toEqual(['profile.nationality', 'profile.dateOfBirth']);
    expect(
      eligibilityProblems(candidate({ nationality: 'KP', dateOfBirth: '1990-01-01' }), position(), on, ref)[0]
        ?.message,
    ).toMatch(/196 member countries; KP is not one of them/);
    expect(fields(candidate({ nationality: 'FR', dateOfBirth: '2009-02-02' }))).toEqual([
      'profile.dateOfBirth',
    ]);
    // 20 is of age in France but not in Singapore.
    expect(fields(candidate({ nationality: 'FR', dateOfBirth: '2006-06-01' }))).toEqual([]);
    expect(
      eligibilityProblems(candidate({ nationality: 'SG', dateOfBirth: '2006-06-01' }), position(), on, ref)[0]
        ?.message,
    ).toMatch(/age of majority \(21 for nationals of SG\)/);
    expect(
      fields(candidate({ nationality: 'FR', dateOfBirth: '1980-01-01' }), position('secondment')),
    ).toEqual(['profile.lawEnforcement']);
    expect(
      fields(
        candidate({
          nationality: 'FR',
          dateOfBirth: '1980-01-01',
          lawEnforcement: { serving: true, country: 'FR' },
        }),
        position('secondment'),
      ),
    ).toEqual([]);
  });
});

describe('documents', () => {
  const pdf = new Uint8Array(Buffer.from('%PDF-1.7\n...'));
  it('accepts a PDF and refuses what is not one, with a reason', () => {
    expect(
      documentRefusal({ kind: 'cv', filename: 'cv.pdf', contentType: 'application/pdf', bytes: pdf }),
    ).toBeUndefined();
    expect(
      documentRefusal({
        kind: 'cv',
        filename: 'cv.exe',
        contentType: 'application/x-msdownload',
        bytes: pdf,
      }),
    ).toMatch(/must be PDF or Word/);
    expect(
      documentRefusal({
        kind: 'cv',
        filename: 'cv.pdf',
        contentType: 'application/pdf',
        bytes: new Uint8Array(Buffer.from('MZ\x90\x00')),
      }),
    ).toMatch(/not a PDF/);
    expect(
      documentRefusal({
        kind: 'cv',
        filename: 'cv.pdf',
        contentType: 'application/pdf',
        bytes: new Uint8Array(MAX_DOCUMENT_BYTES + 1),
      }),
    ).toMatch(/limit is 10 MB/);
    expect(
      documentRefusal({
        kind: 'cv',
        filename: 'cv.docx',
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        bytes: new Uint8Array(Buffer.from('PK\x03\x04 word/document.xml')),
      }),
    ).toBeUndefined();
  });
});
