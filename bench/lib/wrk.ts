/**
 * wrk (https://github.com/wg/wrk, Debian package `wrk`) as the load generator
 * when it is installed: written in C, it leaves far more of the machine's CPU
 * to the server under test than a Node generator in the same process tree.
 * wrk-figures.lua counts every answer but a 200 (wrk's own count starts at
 * 400, so a 303 to the login page would pass) and prints the run's figures as
 * one JSON line.
 */
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';

/** Figures of one wrk run, as the script prints them; times in microseconds. */
export interface WrkFigures {
  /** Every answer read, whatever its status. */
  requests: number;
  durationUs: number;
  /** Answers whose status was not 200. */
  non200: number;
  /** Connect, read and write errors and timeouts. */
  socketErrors: number;
  p50Us: number;
  p99Us: number;
}

const MARKER = 'WRK_FIGURES ';

/** wrk threads: one, so the other core stays with the server. */
export const WRK_THREADS = 1;

const SCRIPT = path.join(import.meta.dirname, 'wrk-figures.lua');

let version: string | null | undefined;

/** wrk's version line ("wrk 4.1.0 …") when it is on PATH, else null; asked once. */
export function wrkVersion(): string | null {
  if (version !== undefined) return version;
  // `wrk --version` prints its banner and usage, and exits 1; without wrk, spawning fails.
  const { stdout, error } = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  const found = error ? null : /^wrk (?:debian\/)?(\S+)/m.exec(stdout);
  version = found ? `wrk ${found[1]}` : null;
  return version;
}

/** The figures line in wrk's output; throws, quoting the output, when it has none. */
export function parseWrkOutput(output: string): WrkFigures {
  const line = output.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) throw new Error(`wrk printed no figures:\n${output}`);
  return JSON.parse(line.slice(MARKER.length)) as WrkFigures;
}

/**
 * Runs wrk against `url` for `seconds` (whole seconds: wrk's smallest unit)
 * with `connections` keep-alive connections, each sending `headers`.
 */
export function runWrk(
  url: string,
  seconds: number,
  connections: number,
  headers: Record<string, string>,
): Promise<WrkFigures> {
  const args = [
    `--threads=${WRK_THREADS}`,
    `--connections=${connections}`,
    `--duration=${seconds}s`,
    '--timeout=10s',
    `--script=${SCRIPT}`,
    ...Object.entries(headers).map(([name, value]) => `--header=${name}: ${value}`),
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
      else resolve(parseWrkOutput(stdout));
    });
  });
}
