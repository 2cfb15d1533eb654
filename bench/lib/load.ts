/**
 * The HTTP load generator of the benchmarks: a fixed number of keep-alive
 * connections on loopback, each sending its next GET as soon as the last
 * answers. wrk when it is installed (bench/lib/wrk.ts), else node:http in this
 * process, which competes with the server for the CPU: the figures name which.
 */
import { Agent, get } from 'node:http';
import { runWrk, WRK_THREADS, wrkVersion } from './wrk.ts';

/** Concurrent connections every load run keeps busy. */
export const CONNECTIONS = 50;

/** A run stops after this many requests even before its time is up. */
const MAX_REQUESTS = 500_000;

/** Figures of one load run; latencies in milliseconds. */
export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

function requestOnce(url: string, agent: Agent, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** The value at quantile `q` (0-1) of ascending `sorted`, or 0 when empty. */
export function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** The middle value (upper middle for an even count), or 0 when empty. */
export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** The generator `generateLoad` uses, for the figures: "wrk 4.1.0, 1 thread" or "node:http in process". */
export function loadGenerator(): string {
  const wrk = wrkVersion();
  return wrk ? `${wrk}, ${WRK_THREADS} thread` : 'node:http in process';
}

/**
 * Keeps `CONNECTIONS` requests in flight for `ms` (whole seconds, at least one,
 * under wrk); anything but a 200, or a request that fails, counts as a failure.
 */
export async function generateLoad(
  url: string,
  ms: number,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  if (!wrkVersion()) return generateNodeLoad(url, ms, headers);
  const run = await runWrk(url, Math.max(1, Math.round(ms / 1000)), CONNECTIONS, headers);
  const answered = run.requests - run.non200;
  return {
    requests: answered,
    perSecond: answered / (run.durationUs / 1e6),
    p50: run.p50Us / 1000,
    p99: run.p99Us / 1000,
    failures: run.non200 + run.socketErrors,
  };
}

/** `generateLoad` with node:http in this process, stopping early at `MAX_REQUESTS`. */
async function generateNodeLoad(
  url: string,
  ms: number,
  headers: Record<string, string>,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + ms;
  const worker = async () => {
    while (performance.now() < deadline && latencies.length + failures < MAX_REQUESTS) {
      const t0 = performance.now();
      const status = await requestOnce(url, agent, headers).catch(() => 0);
      if (status === 200) latencies.push(performance.now() - t0);
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures,
  };
}

/** The median over runs of one latency figure, to two decimals, for a table. */
export function medianMs(runs: LoadResult[], key: 'p50' | 'p99'): string {
  return median(runs.map((r) => r[key])).toFixed(2);
}

/** The median over runs of requests per second. */
export function medianRate(runs: LoadResult[]): number {
  return median(runs.map((r) => r.perSecond));
}

/** All failures over all runs. */
export function countFailures(runs: LoadResult[]): number {
  return runs.reduce((n, r) => n + r.failures, 0);
}
