import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { restoreRawDates } from '../../src/schemas/raw-dates';

const dir = mkdtempSync(path.join(tmpdir(), 'raw-dates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a markdown file with the given frontmatter and returns its path. */
function writeEntry(name: string, frontmatter: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `---\n${frontmatter}\n---\n\nBody text.\n`);
  return file;
}

describe('restoreRawDates', () => {
  it('gives back the typed text of a date YAML rolled over', async () => {
    const file = writeEntry('rolled.md', 'title: Broken\ndate: 2024-13-45');
    // What Astro's YAML parser makes of 2024-13-45.
    const parsed = { title: 'Broken', date: new Date(Date.UTC(2024, 12, 45)) };
    expect(await restoreRawDates(parsed, file)).toEqual({ title: 'Broken', date: '2024-13-45' });
  });

  it('leaves data without dates untouched', async () => {
    const data = { title: 'No date' };
    expect(await restoreRawDates(data, path.join(dir, 'missing.md'))).toBe(data);
  });

  it('keeps the parsed date when the file cannot be read', async () => {
    const date = new Date('2024-03-01');
    expect(await restoreRawDates({ date }, path.join(dir, 'missing.md'))).toEqual({ date });
  });

  it('reads a plain date line, with a comment, and leaves other fields as parsed', async () => {
    const file = writeEntry(
      'comment.md',
      'title: "date: 2020-01-01"\ndate: 2024-02-30 # typo\nsummary: |\n  date: 1999-01-01',
    );
    const parsed = { title: 'date: 2020-01-01', date: new Date(Date.UTC(2024, 1, 30)) };
    expect(await restoreRawDates(parsed, file)).toEqual({
      title: 'date: 2020-01-01',
      date: '2024-02-30',
    });
  });

  it('reads what YAML makes of a date written any other way', async () => {
    const file = writeEntry('time.md', 'updated: 2024-13-01 09:30\npublished:\n  2024-04-31');
    const parsed = {
      updated: new Date(Date.UTC(2025, 0, 1, 9, 30)),
      published: new Date(Date.UTC(2024, 4, 1)),
    };
    expect(await restoreRawDates(parsed, file)).toEqual({
      updated: '2024-13-01 09:30',
      published: '2024-04-31',
    });
  });
});
