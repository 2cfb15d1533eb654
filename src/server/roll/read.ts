/**
 * The roll file's rules, for the members CLI and the staff console alike:
 * bytes in, every valid row or every problem out (all or nothing). A warrant
 * number follows the registration form's rules, a surname the same name rules
 * as registration, and a status is serving or retired.
 */
import { checkName, MAX_NAME_LENGTH, type NameProblem } from '../rules/person-name.ts';
import { checkWarrantNumber } from '../rules/warrant-number.ts';
import type { RollStatus } from '../store/schema.ts';
import { decodeRollFile, readRollRecords, ROLL_FILE_MESSAGES } from './file.ts';
import { createPace, type Pace } from './pace.ts';

/** One valid roll row. `line` is its 1-based line number in the file. */
export interface RollRow {
  line: number;
  warrantNumber: string;
  surname: string;
  status: RollStatus;
}

export type RollReadResult = { ok: true; rows: RollRow[] } | { ok: false; errors: string[] };

const ROLL_STATUSES: readonly RollStatus[] = ['serving', 'retired'];

/** Most problem lines listed; the rest are counted, so a wholly wrong file stays readable. */
export const MAX_LISTED_PROBLEMS = 100;

const SURNAME_PROBLEMS: Record<NameProblem, string> = {
  missing: 'the surname is missing',
  tooLong: `the surname is longer than ${MAX_NAME_LENGTH} characters`,
  control:
    'the surname contains hidden control characters (such as NUL or a line break); remove them',
};

/** The message for warrant numbers that a spreadsheet stored as numbers. */
export function lostZerosMessage(count: number, firstLine: number): string {
  return `Column warrant_number looks like numbers that lost their leading zeros (${count} lines have fewer than 6 digits, the first is line ${firstLine}): format the column as text in the spreadsheet, restore the zeros and save again.`;
}

function limitProblems(problems: string[]): string[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  const more = problems.length - MAX_LISTED_PROBLEMS;
  return [
    ...problems.slice(0, MAX_LISTED_PROBLEMS),
    `…and ${more} more line${more === 1 ? '' : 's'} with problems: fix the lines above and import again to see them.`,
  ];
}

/** Reads and checks a roll file's text (already decoded), yielding to the event loop through `pace`. */
export async function readRollText(
  text: string,
  pace: Pace = createPace(),
): Promise<RollReadResult> {
  const file = await readRollRecords(text, pace);
  if (!file.ok) return file;
  const total = file.records.length;
  const problems: string[] = [];
  const rows: RollRow[] = [];
  const seen = new Map<string, number>();
  const shortLines: number[] = [];
  for (const [index, { line, cells }] of file.records.entries()) {
    await pace.step('checking', index, total);
    const found: string[] = [];
    const warrant = checkWarrantNumber(cells.warrant_number);
    if (!warrant.ok) found.push(`warrant number: ${warrant.message}`);
    if (/^[0-9]{1,5}$/.test(cells.warrant_number)) shortLines.push(line);
    const surname = checkName(cells.surname, 'surname');
    if (!surname.ok) found.push(SURNAME_PROBLEMS[surname.problem]);
    const status = ROLL_STATUSES.find((s) => s === cells.status.toLowerCase());
    if (!status)
      found.push(
        cells.status === ''
          ? 'the status is missing (serving or retired)'
          : `status must be serving or retired, not "${cells.status}"`,
      );
    if (warrant.ok) {
      const first = seen.get(warrant.digits);
      if (first) found.push(`the warrant number repeats line ${first}`);
      else seen.set(warrant.digits, line);
    }
    if (found.length > 0) problems.push(`Line ${line}: ${found.join('; ')}`);
    else if (warrant.ok && surname.ok && status)
      rows.push({ line, warrantNumber: warrant.digits, surname: surname.name, status });
  }
  problems.push(...file.errors);
  const hints = shortLines.length >= 2 ? [lostZerosMessage(shortLines.length, shortLines[0])] : [];
  if (problems.length > 0) return { ok: false, errors: [...hints, ...limitProblems(problems)] };
  if (rows.length === 0) return { ok: false, errors: [ROLL_FILE_MESSAGES.noRows] };
  return { ok: true, rows };
}

/** Reads and checks a roll file as saved (bytes), for the CLI and the console upload. */
export async function readRollFile(
  bytes: Uint8Array,
  pace: Pace = createPace(),
): Promise<RollReadResult> {
  await pace.step('reading', 0, 0);
  const decoded = decodeRollFile(bytes);
  if (!decoded.ok) return { ok: false, errors: [decoded.message] };
  await pace.step('reading', 0, 0);
  return readRollText(decoded.text, pace);
}
