/**
 * Roll files as spreadsheets save them, with the answer the roll reader must
 * give. Shared by the reader's own tests and by the tests that send each file
 * through the members CLI and the staff console, which must answer the same.
 */
import { legacyEncodingMessage, ROLL_FILE_MESSAGES } from '../../src/server/roll/file.ts';
import { lostZerosMessage } from '../../src/server/roll/read.ts';

/** A roll file and what reading it must give: the rows' surnames, or exactly these errors. */
export interface RollFileCase {
  name: string;
  bytes: Uint8Array;
  expected: { surnames: string[] } | { errors: string[] };
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const HEADER = 'warrant_number,surname,status\r\n';
const CONTROL =
  'the surname contains hidden control characters (such as NUL or a line break); remove them';

export const ROLL_FILE_CASES: RollFileCase[] = [
  {
    name: 'an Excel workbook (.xlsx, a ZIP file)',
    bytes: Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
      Buffer.from('[Content_Types].xml'),
    ]),
    expected: { errors: [ROLL_FILE_MESSAGES.workbook] },
  },
  {
    name: 'an old Excel workbook (.xls, an OLE2 compound file)',
    bytes: Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
    ]),
    expected: { errors: [ROLL_FILE_MESSAGES.workbook] },
  },
  {
    name: 'a PDF of the roll',
    bytes: utf8('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n'),
    expected: { errors: [ROLL_FILE_MESSAGES.pdf] },
  },
  {
    name: 'Windows-1252 (Excel "CSV (Comma delimited)" with an accented surname)',
    bytes: Buffer.from(`${HEADER}456789,M\xfcller,serving\r\n`, 'latin1'),
    expected: { errors: [legacyEncodingMessage(2)] },
  },
  {
    name: 'Latin-1 with the accented letter further down',
    bytes: Buffer.from(
      `${HEADER}456780,Smith,serving\r\n456781,Ostergaard,serving\r\n456782,\xd8stergaard,retired\r\n`,
      'latin1',
    ),
    expected: { errors: [legacyEncodingMessage(4)] },
  },
  {
    name: 'UTF-16 with a byte-order mark (Excel "Unicode text")',
    bytes: Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('warrant_number\tsurname\tstatus\r\n456789\tMüller\tserving\r\n', 'utf16le'),
    ]),
    expected: { errors: [ROLL_FILE_MESSAGES.utf16] },
  },
  {
    name: 'UTF-16 big-endian',
    bytes: Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      Buffer.from('warrant_number,surname,status\r\n', 'utf16le').swap16(),
    ]),
    expected: { errors: [ROLL_FILE_MESSAGES.utf16] },
  },
  {
    name: 'UTF-16 without a byte-order mark',
    bytes: Buffer.from(`${HEADER}456789,Smith,serving\r\n`, 'utf16le'),
    expected: { errors: [ROLL_FILE_MESSAGES.utf16] },
  },
  {
    name: 'UTF-8 with a byte-order mark and CRLF (Excel "CSV UTF-8")',
    bytes: utf8(`\uFEFF${HEADER}456789,Müller,serving\r\n456790,Østergård,retired\r\n`),
    expected: { surnames: ['Müller', 'Østergård'] },
  },
  {
    name: 'UTF-8 without a byte-order mark, LF and old Mac CR line ends',
    bytes: utf8('warrant_number,surname,status\n456789,Łukasz,serving\r456790,Þórsson,retired\n'),
    expected: { surnames: ['Łukasz', 'Þórsson'] },
  },
  {
    name: 'rows of empty cells after the data (formatted empty rows)',
    bytes: utf8(`${HEADER}123456,Smith,serving\r\n,,\r\n , , \r\n,,,\r\n\r\n`),
    expected: { surnames: ['Smith'] },
  },
  {
    name: 'semicolons between columns (a European-locale spreadsheet)',
    bytes: utf8('warrant_number;surname;status\r\n123456;Smith;serving\r\n'),
    expected: { errors: [ROLL_FILE_MESSAGES.semicolons] },
  },
  {
    name: 'tabs between columns (text export)',
    bytes: utf8('warrant_number\tsurname\tstatus\r\n123456\tSmith\tserving\r\n'),
    expected: { errors: [ROLL_FILE_MESSAGES.tabs] },
  },
  {
    name: 'warrant numbers that lost their leading zeros',
    bytes: utf8(`${HEADER}12345,Smith,serving\r\n4567,Jones,serving\r\n123456,Brown,serving\r\n`),
    expected: {
      errors: [
        lostZerosMessage(2, 2),
        'Line 2: warrant number: A warrant number has exactly 6 digits; you entered 5',
        'Line 3: warrant number: A warrant number has exactly 6 digits; you entered 4',
      ],
    },
  },
  {
    name: 'header spelled differently (case, spaces, "Warrant No.", extra columns)',
    bytes: utf8('Warrant No.,Surname ,STATUS,Rank\r\n123456,Smith,Serving,PC\r\n'),
    expected: { surnames: ['Smith'] },
  },
  {
    name: 'header naming other columns',
    bytes: utf8('Number,Name,Status\r\n123456,Smith,serving\r\n'),
    expected: {
      errors: [
        `${ROLL_FILE_MESSAGES.header}; there is no warrant_number or surname column among "Number", "Name", "Status"`,
      ],
    },
  },
  {
    name: 'two columns read as the warrant number',
    bytes: utf8('warrant_number,Warrant No.,surname,status\r\n123456,123456,Smith,serving\r\n'),
    expected: {
      errors: [
        'Line 1: the columns "warrant_number" and "Warrant No." are both read as warrant_number; keep one of them',
      ],
    },
  },
  {
    name: 'control characters in a surname (NUL, a line break inside quotes)',
    bytes: utf8(
      `${HEADER}123456,Sm\u0000ith,serving\r\n654321,"O'Neill\r\nJr",retired\r\n223344,Reid,serving\r\n`,
    ),
    expected: { errors: [`Line 2: ${CONTROL}`, `Line 3: ${CONTROL}`] },
  },
  {
    name: 'quoted fields, a comma inside quotes and trailing separators',
    bytes: utf8(
      `warrant_number,surname,status,\r\n"123456","Smith, Jr",serving,\r\n654321,O"Brien,retired,,\r\n`,
    ),
    expected: { surnames: ['Smith, Jr', 'O"Brien'] },
  },
  {
    name: 'blank lines, an empty row and a cell over two lines, in mixed line endings',
    bytes: utf8(
      `\r\n\nwarrant_number,surname,status\r\n\r\n123456,Smith,serving\r,,\n654321,"Line\nBreak",retired\n\n223344,,serving\r\n`,
    ),
    expected: { errors: [`Line 7: ${CONTROL}`, 'Line 10: the surname is missing'] },
  },
  {
    name: 'a bad line far down a long file (read in many slices)',
    bytes: utf8(
      `${HEADER}${Array.from({ length: 3000 }, (_, i) => `${100000 + i},Surname${i},serving\r\n`).join('')}999999,,serving\r\n`,
    ),
    expected: { errors: ['Line 3002: the surname is missing'] },
  },
  {
    name: 'a quoted field never closed',
    bytes: utf8(`${HEADER}123456,Smith,serving\r\n"334455,Open,serving\r\n`),
    expected: {
      errors: [
        'Line 3: a quoted field is not closed (a " starts a cell that never ends), so the rest of the file could not be read',
      ],
    },
  },
  {
    name: 'every bad line named, with why',
    bytes: utf8(
      `${HEADER}123456,Smith,serving\r\nP123457,Jones,serving\r\n223344,,resigned\r\n123456,Smith,retired\r\n323344,Reid\r\n`,
    ),
    expected: {
      errors: [
        'Line 3: warrant number: Enter the 6 digits only, without the P or pay prefix',
        'Line 4: the surname is missing; status must be serving or retired, not "resigned"',
        'Line 5: the warrant number repeats line 2',
        'Line 6: the status is missing (serving or retired)',
      ],
    },
  },
  {
    name: 'an empty file',
    bytes: new Uint8Array(0),
    expected: { errors: [ROLL_FILE_MESSAGES.empty] },
  },
  {
    name: 'a header and only empty rows',
    bytes: utf8(`${HEADER},,\r\n`),
    expected: { errors: [ROLL_FILE_MESSAGES.noRows] },
  },
];
