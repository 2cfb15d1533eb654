import { describe, expect, it } from 'vitest';
import { isFullRollMatch, lookupRoll } from '../../src/server/roll/match.ts';
import { normaliseSurname } from '../../src/server/rules/person-name.ts';
import { createMigrator, migrateToLatest } from '../../src/server/store/migrations.ts';
import { hmacWarrantNumber } from '../../src/server/warrant.ts';
import { ENGINES, seedUser, useTestStore } from './support.ts';

/** The surname form stored before 0013_membership: accents stripped by NFKD only. */
function legacyNormalise(surname: string): string {
  return surname
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** Pairs of spellings of one surname as people and payroll systems write them. */
const SAME_SURNAME: [string, string][] = [
  ['Østergård', 'Ostergard'],
  ['Müller', 'Muller'],
  ['Müller', 'Mueller'],
  ['Muller', 'MUELLER'],
  ['Łukasz', 'Lukasz'],
  ['Straße', 'Strasse'],
  ['STRAẞE', 'strasse'],
  ['Ærø', 'Aero'],
  ['Ðorđević', 'Dordevic'],
  ['Guðmundsdóttir', 'Gudmundsdottir'],
  ['Þórsson', 'Thorsson'],
  ['Yıldız', 'Yildiz'],
  ['İnce', 'Ince'],
  ['O’Neill', "O'Neill"],
  ['O‘Neill', 'ONeill'],
  ['Smith-Jones', 'Smith Jones'],
  ['Smith‐Jones', 'smithjones'],
  ['Nguyễn', 'Nguyen'],
  ['Hölscher', 'Hoelscher'],
  ['Ćosić', 'Cosic'],
  ['Ŀlobet', 'Llobet'],
  ['Dvořák', 'Dvorak'],
  ['Иванов', 'Ivanov'],
  ['Müller', 'Mu\u0308ller'],
];

const DIFFERENT_SURNAME: [string, string][] = [
  ['Smith', 'Smyth'],
  ['Muller', 'Miller'],
  ['Ostergard', 'Ostergaard2'],
  ['Jones', ''],
];

describe('surname comparison with the roll', () => {
  it.each(SAME_SURNAME)('treats %s and %s as the same surname', (a, b) => {
    expect(normaliseSurname(a)).toBe(normaliseSurname(b));
  });

  it.each(DIFFERENT_SURNAME)('keeps %s and %s apart', (a, b) => {
    expect(normaliseSurname(a)).not.toBe(normaliseSurname(b));
  });

  it('stores only lower-case ASCII letters and digits for scripts the transliteration knows', () => {
    for (const [a] of SAME_SURNAME) expect(normaliseSurname(a)).toMatch(/^[a-z0-9]+$/);
  });

  it('gives an old stored form the same new form as the name itself', () => {
    const names = [
      ...SAME_SURNAME.flat(),
      '김민준',
      '王',
      'Σωκράτης',
      'ﬁnn',
      'शर्मा',
      'Ǆokić',
      'ÅSTRÖM',
      'Van der Berg',
    ];
    for (const name of names)
      expect(normaliseSurname(legacyNormalise(name)), name).toBe(normaliseSurname(name));
  });
});

describe.each(ENGINES)('0013_membership on %s', (engine) => {
  const store = useTestStore(engine);

  it('recomputes stored roll surnames so old rows match transliterated names', async () => {
    const migrator = await createMigrator(store.db);
    const down = await migrator.migrateTo('0002_staff_console');
    expect(down.error).toBeUndefined();
    const key = store.config.warrantKey;
    const rows = [
      ['610001', 'Østergård'],
      ['610002', 'Łukasz'],
      ['610003', 'Smith'],
      ['610004', 'Straße'],
    ] as const;
    await store.db
      .insertInto('roll_entries')
      .values(
        rows.map(([number, surname]) => ({
          warrant_hmac: hmacWarrantNumber(number, key),
          surname_norm: legacyNormalise(surname),
          status: 'serving' as const,
        })),
      )
      .execute();
    const pendingId = await seedUser(store.db, {
      username: 'ostergard',
      surname: 'Ostergard',
      status: 'pending',
      warrant: '610001',
    });
    await migrateToLatest(store.db);
    for (const [number, typed] of [
      ['610001', 'Ostergard'],
      ['610002', 'Lukasz'],
      ['610003', 'SMITH'],
      ['610004', 'Strasse'],
    ] as const) {
      const match = await lookupRoll(store.db, hmacWarrantNumber(number, key), typed);
      expect(isFullRollMatch(match), typed).toBe(true);
    }
    // The registration's stored flag is refreshed too, so the review queue shows the match.
    const flags = await store.db
      .selectFrom('users')
      .select(['roll_on_roll', 'roll_surname_match'])
      .where('id', '=', pendingId)
      .executeTakeFirstOrThrow();
    expect(flags).toEqual({ roll_on_roll: 1, roll_surname_match: 1 });
  });
});
