import type { Candidate } from '../schemas/candidate.js';
import type { Position } from '../schemas/position.js';
import type { ReferenceData } from '../stores/reference-data.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Whole years between a date of birth and a day, as a birthday counts them. */
export function ageOn(dateOfBirth: string, day: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = day.getUTCFullYear() - y;
  const beforeBirthday = day.getUTCMonth() + 1 < m || (day.getUTCMonth() + 1 === m && day.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

/**
 * Every reason a candidate may not apply to a position, checked before anything is created.
 * Empty when eligible.
 */
export function eligibilityProblems(
  candidate: Candidate,
  position: Position,
  at: Date,
  ref: ReferenceData,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const p = candidate.profile;
  if (!p.nationality) {
    problems.push({
      field: 'profile.nationality',
      message: 'add your nationality to your profile: eligibility depends on it',
    });
  } else if (!ref.memberCountries.has(p.nationality)) {
    problems.push({
      field: 'profile.nationality',
      message: `positions are open to nationals of INTERPOL's ${ref.memberCountries.size} member countries; ${p.nationality} is not one of them`,
    });
  }
  if (!p.dateOfBirth) {
    problems.push({
      field: 'profile.dateOfBirth',
      message: 'add your date of birth to your profile: eligibility depends on it',
    });
  } else if (p.nationality) {
    const majority = ref.ageOfMajority(p.nationality);
    if (ageOn(p.dateOfBirth, at) < majority) {
      problems.push({
        field: 'profile.dateOfBirth',
        message: `you must have reached the age of majority (${majority} for nationals of ${p.nationality}) to apply`,
      });
    }
  }
  if (position.contractType === 'secondment') {
    const le = p.lawEnforcement;
    if (!le?.serving) {
      problems.push({
        field: 'profile.lawEnforcement',
        message: 'secondments are open only to serving law enforcement officers of member countries',
      });
    } else if (!le.country || !ref.memberCountries.has(le.country)) {
      problems.push({
        field: 'profile.lawEnforcement.country',
        message: 'a secondment needs service in the law enforcement of a member country',
      });
    }
  }
  return problems;
}
