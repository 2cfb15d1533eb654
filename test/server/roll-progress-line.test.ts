import { describe, expect, it } from 'vitest';
import { createProgressLine, PLAIN_LINE_EVERY_MS } from '../../src/server/roll/progress-line.ts';

function output(isTTY: boolean, columns?: number) {
  const written: string[] = [];
  return { isTTY, columns, written, write: (text: string) => written.push(text) };
}

const CLEAR_TO_END = new RegExp(`${String.fromCharCode(27)}\\[K$`);

/** A redrawn line as the terminal shows it: without the return and the clearing code. */
const shown = (text: string) => text.replace(/^\r/, '').replace(CLEAR_TO_END, '');

describe('roll import progress in the CLI', () => {
  it('redraws one bar in place on a terminal, and ends the line', async () => {
    const out = output(true);
    const line = createProgressLine(out);
    await line.listener({ phase: 'reading', done: 75_000, total: 150_000 });
    await line.listener({ phase: 'applying', done: 150_000, total: 150_000 });
    line.end();
    expect(out.written[0]).toBe(
      `\rReading   [${'#'.repeat(15)}${'-'.repeat(15)}]  50%  75,000 of about 150,000 rows\x1b[K`,
    );
    expect(out.written[1]).toContain(`[${'#'.repeat(30)}] 100%  150,000 of 150,000 rows`);
    expect(out.written.at(-1)).toBe('\n');
  });

  it('writes plain lines elsewhere, once the import is long: at each new stage and every few seconds', async () => {
    const out = output(false);
    let now = 0;
    const line = createProgressLine(out, () => now);
    await line.listener({ phase: 'reading', done: 1, total: 100 });
    now = PLAIN_LINE_EVERY_MS;
    await line.listener({ phase: 'checking', done: 10, total: 100 });
    now += PLAIN_LINE_EVERY_MS / 2;
    await line.listener({ phase: 'checking', done: 20, total: 100 });
    now += PLAIN_LINE_EVERY_MS;
    await line.listener({ phase: 'checking', done: 60, total: 100 });
    await line.listener({ phase: 'storing', done: 0, total: 100 });
    line.end();
    expect(out.written).toEqual([
      'Checking 10 of 100 rows\n',
      'Checking 60 of 100 rows\n',
      'Storing 0 of 100 rows\n',
    ]);
  });

  it('writes the end of a stage that has a line, however soon it comes, and only once', async () => {
    const out = output(false);
    let now = 0;
    const line = createProgressLine(out, () => now);
    now = PLAIN_LINE_EVERY_MS;
    await line.listener({ phase: 'applying', done: 0, total: 150_000 });
    now += 10;
    await line.listener({ phase: 'applying', done: 150_000, total: 150_000 });
    now += PLAIN_LINE_EVERY_MS;
    await line.listener({ phase: 'applying', done: 150_000, total: 150_000 });
    line.end();
    expect(out.written).toEqual([
      'Applying 0 of 150,000 rows\n',
      'Applying 150,000 of 150,000 rows\n',
    ]);
  });

  it('keeps a stage’s bar where it was through steps that know no count', async () => {
    const out = output(true);
    const line = createProgressLine(out);
    await line.listener({ phase: 'applying', done: 70_000, total: 140_000 });
    await line.listener({ phase: 'applying', done: 0, total: 0 });
    await line.listener({ phase: 'applying', done: 140_000, total: 140_000 });
    line.end();
    expect(out.written).toHaveLength(3);
    expect(out.written[0]).toContain(' 50%  70,000 of 140,000 rows');
    expect(out.written[1]).toContain('100%  140,000 of 140,000 rows');
  });

  it.each([80, 60, 45, 20])(
    'fits the line in a terminal %i columns wide, so a redraw never wraps',
    async (columns) => {
      const out = output(true, columns);
      const line = createProgressLine(out);
      await line.listener({ phase: 'reading', done: 75_000, total: 150_000 });
      await line.listener({ phase: 'applying', done: 150_000, total: 150_000 });
      for (const text of out.written) expect(shown(text).length).toBeLessThan(columns);
      expect(shown(out.written[0])).toMatch(/^Reading {3}/);
      // Whole words only: the count is shown in full or not at all.
      expect(shown(out.written[0])).toMatch(/ 50%( {2}75,000 of about 150,000 rows)?$/);
      if (columns >= 60)
        expect(shown(out.written[0])).toContain('50%  75,000 of about 150,000 rows');
    },
  );

  it('shows 100% only once every row is done', async () => {
    const out = output(true);
    const line = createProgressLine(out);
    await line.listener({ phase: 'applying', done: 149_836, total: 150_000 });
    await line.listener({ phase: 'applying', done: 150_000, total: 150_000 });
    expect(shown(out.written[0])).toContain(' 99%  149,836 of 150,000 rows');
    expect(shown(out.written[1])).toContain('100%  150,000 of 150,000 rows');
  });
});
