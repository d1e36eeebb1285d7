import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reference data an operator updates without a code change: the member countries (they change at
 * each General Assembly) and the age of majority where it differs from 18. Tab-separated files
 * under data/, read at start-up.
 */
export interface ReferenceData {
  memberCountries: ReadonlyMap<string, string>;
  ageOfMajority(country: string): number;
}

const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'data');

function readTsv(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));
}

export function loadReferenceData(dir = dataDir): ReferenceData {
  const memberCountries = new Map(
    readTsv(join(dir, 'member-countries.tsv')).map(([code, name]) => [code!, name!]),
  );
  const ages = new Map(readTsv(join(dir, 'age-of-majority.tsv')).map(([code, age]) => [code!, Number(age)]));
  return {
    memberCountries,
    ageOfMajority: (country) => ages.get(country) ?? 18,
  };
}
