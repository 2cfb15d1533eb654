/**
 * Reading a roll file as spreadsheets save it: the bytes are decoded (UTF-8,
 * with or without a byte-order mark), split into records by csv-parse
 * (RFC 4180 quoting, any line ending, ragged rows), and the header row is
 * matched to the three columns the roll needs. Problems are described in the
 * spreadsheet's terms (encoding, separator, header spelling), so staff know
 * what to change in the program that saved the file.
 *
 * csv-parse runs as a stream fed a few kilobytes at a time, so a large file
 * is read in slices between which the event loop serves other requests.
 */
import { CsvError, parse } from 'csv-parse';
import { createPace, type Pace } from './pace.ts';

/** The columns a roll must have. */
export const ROLL_COLUMNS = ['warrant_number', 'surname', 'status'] as const;

export type RollColumn = (typeof ROLL_COLUMNS)[number];

/** One data record: its 1-based line number in the file and its cells by column. */
export interface RollRecord {
  line: number;
  cells: Record<RollColumn, string>;
}

export type RollFileResult =
  { ok: true; records: RollRecord[]; errors: string[] } | { ok: false; errors: string[] };

const SAVE_AS = 'In your spreadsheet choose Save As, "CSV UTF-8 (Comma delimited) (*.csv)"';

/** Messages about the file as a whole. */
export const ROLL_FILE_MESSAGES = {
  empty: 'The file is empty: the roll was left as it was.',
  workbook: `The file is a spreadsheet workbook (such as .xlsx, .xls or .ods), not a CSV file. ${SAVE_AS}, and import that file.`,
  pdf: `The file is a PDF, not a CSV file. Open the roll in your spreadsheet, choose Save As, "CSV UTF-8 (Comma delimited) (*.csv)", and import that file.`,
  utf16: `The file is saved as Unicode text (UTF-16), which the roll import does not read. ${SAVE_AS}, and import that file.`,
  semicolons:
    'Line 1: the file uses semicolons between columns; save it as CSV UTF-8 (comma delimited) and import it again.',
  tabs: 'Line 1: the file uses tabs between columns; save it as CSV UTF-8 (comma delimited) and import it again.',
  header: 'Line 1: the header row must name the columns warrant_number, surname and status',
  noRows: 'The file has a header but no rows: the roll was left as it was',
} as const;

/**
 * Document formats a roll is often sent in by mistake, by their leading bytes:
 * a ZIP local file header (.xlsx, .ods, .numbers; PKWARE APPNOTE 4.3.7), an
 * OLE2 compound file (.xls; MS-CFB 2.2), or a PDF header (ISO 32000-2, 7.5.2).
 */
const DOCUMENT_SIGNATURES: { kind: 'workbook' | 'pdf'; bytes: number[] }[] = [
  { kind: 'workbook', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { kind: 'workbook', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { kind: 'pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
];

function documentKind(bytes: Uint8Array): 'workbook' | 'pdf' | null {
  const match = DOCUMENT_SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b));
  return match?.kind ?? null;
}

/** The message for a file in an older single-byte encoding (Windows-1252, Latin-1, Mac Roman…). */
export function legacyEncodingMessage(line: number): string {
  return `The file is not saved as UTF-8: line ${line} has a letter in an older encoding (such as Windows-1252), which would be stored wrongly. ${SAVE_AS}, and import that file.`;
}

/**
 * Header spellings accepted for each column: compared in lower case with
 * everything but letters and digits removed, so `Warrant No.`, `WARRANT
 * NUMBER`, `warrant-number` and `Surname ` are all understood.
 */
const HEADER_NAMES: Record<string, RollColumn> = {
  warrantnumber: 'warrant_number',
  warrantno: 'warrant_number',
  warrantnum: 'warrant_number',
  warrant: 'warrant_number',
  surname: 'surname',
  lastname: 'surname',
  familyname: 'surname',
  status: 'status',
};

/** The column a header cell names, or undefined for a column the roll ignores. */
export function columnOf(header: string): RollColumn | undefined {
  return HEADER_NAMES[
    header
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
  ];
}

/**
 * Decodes a roll file. UTF-8 is the only encoding read: a legacy code page
 * cannot be told apart from another by its bytes (0xFC is ü in Windows-1252
 * but ü, ³ or another letter elsewhere), and a wrong guess stores a surname
 * that never matches, so such files are refused with the way to save them.
 */
export function decodeRollFile(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; message: string } {
  if (bytes.length === 0) return { ok: false, message: ROLL_FILE_MESSAGES.empty };
  const container = documentKind(bytes);
  if (container) return { ok: false, message: ROLL_FILE_MESSAGES[container] };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { ok: false, message: ROLL_FILE_MESSAGES.utf16 };
  const head = bytes.subarray(0, 512);
  // UTF-16 without a byte-order mark: every other byte of Latin text is zero.
  if (head.filter((b) => b === 0).length * 4 >= head.length)
    return { ok: false, message: ROLL_FILE_MESSAGES.utf16 };
  const body =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    const lines = new TextDecoder('utf-8').decode(body).split(/\r\n|\n|\r/);
    const line = lines.findIndex((l) => l.includes('\uFFFD')) + 1;
    return { ok: false, message: legacyEncodingMessage(Math.max(line, 1)) };
  }
}

/** Bytes handed to the parser between two chances to yield (a few milliseconds of work). */
const PARSE_SLICE_BYTES = 16 * 1024;

/**
 * Line numbers for byte offsets met in increasing order, counted as the parse
 * moves on (one scan of the file in all, spread over the parse's slices).
 */
function lineCounter(buffer: Buffer) {
  let counted = 0;
  let breaks = 0;
  /** The line of the first character at or after `offset` that is not a line break. */
  return (offset: number): number => {
    let at = Math.max(offset, counted);
    while (at < buffer.length && buffer[at] === 0x0a) at++;
    for (; counted < at; counted++) if (buffer[counted] === 0x0a) breaks++;
    return breaks + 1;
  };
}

function parseError(error: CsvError, line: number): string {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED')
    return `Line ${line}: a quoted field is not closed (a " starts a cell that never ends), so the rest of the file could not be read`;
  return `Line ${line}: a quote mark is out of place; put quote marks only around a whole cell`;
}

function readHeader(cells: string[]): { ok: true; index: Record<RollColumn, number> } | string {
  if (cells.length === 1 && cells[0].includes(';')) return ROLL_FILE_MESSAGES.semicolons;
  if (cells.length === 1 && cells[0].includes('\t')) return ROLL_FILE_MESSAGES.tabs;
  const index: Partial<Record<RollColumn, number>> = {};
  for (const [i, cell] of cells.entries()) {
    const column = columnOf(cell);
    if (!column) continue;
    const first = index[column];
    if (first !== undefined)
      return `Line 1: the columns "${cells[first]}" and "${cell}" are both read as ${column}; keep one of them`;
    index[column] = i;
  }
  const { warrant_number, surname, status } = index;
  if (warrant_number !== undefined && surname !== undefined && status !== undefined)
    return { ok: true, index: { warrant_number, surname, status } };
  const missing = ROLL_COLUMNS.filter((c) => index[c] === undefined);
  const found = cells.filter((c) => c !== '').map((c) => `"${c}"`);
  return `${ROLL_FILE_MESSAGES.header}; there is no ${missing.join(' or ')} column${found.length ? ` among ${found.join(', ')}` : ''}`;
}

/**
 * Splits decoded text into records under the header. Rows whose cells are all
 * empty (spreadsheets write them for formatted empty rows) are skipped like
 * blank lines; extra columns, and missing trailing cells, are allowed. Each
 * record is taken apart as the parser meets it, so no step runs over the
 * whole file at once.
 */
export async function readRollRecords(
  text: string,
  pace: Pace = createPace(),
): Promise<RollFileResult> {
  // One line ending throughout, so a file mixing them still splits into its lines.
  const buffer = Buffer.from(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), 'utf8');
  await pace.step('reading', 0, 0);
  const lineOf = lineCounter(buffer);
  let header: { ok: true; index: Record<RollColumn, number> } | string | undefined;
  const records: RollRecord[] = [];
  let end = 0;
  const errors: string[] = [];
  const parser = parse({
    relax_column_count: true,
    relax_quotes: true,
    trim: true,
    on_record: (cells: string[], context) => {
      const line = lineOf(end);
      end = context.bytes;
      if (!cells.some((c) => c !== '')) return null;
      if (header === undefined) header = readHeader(cells);
      else if (typeof header !== 'string') {
        const { warrant_number, surname, status } = header.index;
        records.push({
          line,
          cells: {
            warrant_number: cells[warrant_number] ?? '',
            surname: cells[surname] ?? '',
            status: cells[status] ?? '',
          },
        });
      }
      return null;
    },
  });
  // The error reaches the write or end callback; this listener keeps it from being thrown again.
  parser.on('error', () => {});
  try {
    for (let at = 0; at < buffer.length; at += PARSE_SLICE_BYTES) {
      const read = Math.min(at + PARSE_SLICE_BYTES, buffer.length);
      await new Promise<void>((resolve, reject) =>
        parser.write(buffer.subarray(at, read), (error) => (error ? reject(error) : resolve())),
      );
      // The rows so far, and about how many the whole file holds at the same bytes per row.
      const total = Math.round((records.length * buffer.length) / read);
      await pace.step('reading', records.length, total);
    }
    await new Promise<void>((resolve, reject) => {
      parser.once('error', reject);
      parser.once('finish', resolve);
      parser.end();
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    errors.push(parseError(error, lineOf(end)));
  }
  if (header === undefined)
    return { ok: false, errors: errors.length ? errors : [ROLL_FILE_MESSAGES.empty] };
  if (typeof header === 'string') return { ok: false, errors: [header] };
  return { ok: true, records, errors };
}
