/**
 * Parsing the federation's roll file: CSV, UTF-8 (a BOM is tolerated), header
 * `warrant_number,surname,status`, extra columns ignored. Every bad line is
 * reported by number, so the operator can fix the file in one go.
 */
import { checkWarrantNumber } from './rules/warrant-number.ts';
import type { RollStatus } from './store/schema.ts';

/** One valid roll row. `line` is its 1-based line number in the file. */
export interface RollRow {
  line: number;
  warrantNumber: string;
  surname: string;
  status: RollStatus;
}

export type RollParseResult = { ok: true; rows: RollRow[] } | { ok: false; errors: string[] };

/** Splits one CSV line, honouring double quotes ("" inside quotes is a quote). */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) return null;
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** The columns a roll must have, by name. */
type RollColumn = 'warrant_number' | 'surname' | 'status';

function readHeader(line: string | undefined): Record<RollColumn, number> | null {
  const names = splitCsvLine(line ?? '')?.map((n) => n.toLowerCase());
  if (!names) return null;
  const index = {
    warrant_number: names.indexOf('warrant_number'),
    surname: names.indexOf('surname'),
    status: names.indexOf('status'),
  };
  return Object.values(index).every((column) => column >= 0) ? index : null;
}

/** Parses a roll file; any error means no rows are returned. */
export function parseRollCsv(text: string): RollParseResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const header = readHeader(lines[0]);
  if (!header) {
    return {
      ok: false,
      errors: ['Line 1: the header row must name the columns warrant_number, surname and status'],
    };
  }
  const errors: string[] = [];
  const rows: RollRow[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    if (lines[i].trim() === '') continue;
    const fields = splitCsvLine(lines[i]);
    if (!fields) {
      errors.push(`Line ${line}: a quoted field is not closed`);
      continue;
    }
    const problems: string[] = [];
    const warrant = checkWarrantNumber(fields[header.warrant_number] ?? '');
    if (!warrant.ok) problems.push(`warrant number: ${warrant.message}`);
    const surname = (fields[header.surname] ?? '').normalize('NFC');
    if (!surname) problems.push('the surname is missing');
    else if ([...surname].length > 100) problems.push('the surname is longer than 100 characters');
    const statusText = (fields[header.status] ?? '').toLowerCase();
    const status = statusText === 'serving' || statusText === 'retired' ? statusText : null;
    if (!status) {
      problems.push(`status must be serving or retired, not "${fields[header.status] ?? ''}"`);
    }
    if (warrant.ok) {
      const first = seen.get(warrant.digits);
      if (first) problems.push(`the warrant number repeats line ${first}`);
      else seen.set(warrant.digits, line);
    }
    if (problems.length > 0) errors.push(`Line ${line}: ${problems.join('; ')}`);
    else if (warrant.ok && status)
      rows.push({ line, warrantNumber: warrant.digits, surname, status });
  }
  if (errors.length > 0) return { ok: false, errors };
  if (rows.length === 0)
    return {
      ok: false,
      errors: ['The file has a header but no rows: the roll was left as it was'],
    };
  return { ok: true, rows };
}
