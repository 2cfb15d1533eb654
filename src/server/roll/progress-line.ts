/**
 * Roll import progress for a terminal: on a TTY one line redrawn in place
 * (`Reading   [#####-----]  48%  72,000 of about 150,000 rows`); elsewhere
 * (a log, a pipe) a plain line when the stage changes, every few seconds, and
 * when a stage with a line ends, once the import has run that long, so logs
 * stay readable and a short import prints only its result.
 */
import type { ProgressListener, RollPhase } from './pace.ts';

const LABELS: Record<RollPhase, string> = {
  reading: 'Reading',
  checking: 'Checking',
  comparing: 'Comparing',
  storing: 'Storing',
  applying: 'Applying',
};

/** Width of the bar in characters, on a terminal wide enough for it. */
const BAR_WIDTH = 30;

/** Narrowest bar worth drawing; a narrower terminal gets the line without one. */
const MIN_BAR_WIDTH = 10;

/** Width of the stage's name, padded. */
const LABEL_WIDTH = 9;

/** Milliseconds before the first plain line, and between two, when the output is not a terminal. */
export const PLAIN_LINE_EVERY_MS = 2000;

/** Where progress is written: `process.stdout`, or a test's stand-in. */
export interface ProgressOutput {
  isTTY?: boolean;
  /** The terminal's width in characters; the line fits in it, so redrawing never wraps. */
  columns?: number;
  write(text: string): unknown;
}

/** A listener drawing progress on `out`, and `end()` to finish the line. */
export function createProgressLine(
  out: ProgressOutput,
  clock: () => number = Date.now,
): { listener: ProgressListener; end(): void } {
  let drawn = false;
  let lastPhase: RollPhase | undefined;
  let lastLine = -Infinity;
  let lastEnded = false;
  const startedAt = clock();
  const listener: ProgressListener = ({ phase, done, total }) => {
    const about = phase === 'reading' ? 'about ' : '';
    const rows =
      total > 0
        ? `${Math.min(done, total).toLocaleString('en-GB')} of ${about}${total.toLocaleString('en-GB')} rows`
        : '';
    if (out.isTTY) {
      // A step that knows no count (cleaning up) keeps the stage's bar where it was.
      if (total === 0 && phase === lastPhase) return;
      lastPhase = phase;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      // Rounded down: 100% only once every row is done.
      const percent = `${String(Math.floor(share * 100)).padStart(3)}%`;
      const label = LABELS[phase].padEnd(LABEL_WIDTH);
      const words = `${label} ${percent}  ${rows}`;
      // The last column stays empty: a line filling it wraps on some terminals.
      const room = out.columns ? out.columns - 1 : Infinity;
      // The bar takes what the words leave, less its brackets and the space after it.
      const width = Math.min(BAR_WIDTH, room - words.length - 3);
      const bar = (filled: number) => `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `;
      // The widest that fits: with the bar, without it, the percentage alone.
      const line =
        width >= MIN_BAR_WIDTH
          ? `${label} ${bar(Math.floor(share * width))}${percent}  ${rows}`
          : words.length <= room
            ? words
            : `${label} ${percent}`.slice(0, room);
      // \r returns to the line's start; \x1b[K clears what a longer line left.
      out.write(`\r${line}\x1b[K`);
      drawn = true;
      return;
    }
    const now = clock();
    if (now - startedAt < PLAIN_LINE_EVERY_MS) return;
    const ends = total > 0 && done >= total;
    if (phase === lastPhase) {
      // Nothing more of a stage after its end line; its end however soon, else every few seconds.
      if (lastEnded) return;
      if (!ends && now - lastLine < PLAIN_LINE_EVERY_MS) return;
    }
    lastPhase = phase;
    lastLine = now;
    lastEnded = ends;
    out.write(`${LABELS[phase]}${rows ? ` ${rows}` : ''}\n`);
  };
  return {
    listener,
    end() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
