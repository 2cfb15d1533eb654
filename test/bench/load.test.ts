import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLoad, loadGenerator } from '../../bench/lib/load.ts';
import { parseWrkOutput, runWrk, wrkVersion } from '../../bench/lib/wrk.ts';

// Every third answer is a 303 (what a member with a lost session gets): a
// failure for the benchmarks, though wrk's own error count starts at 400.
let server: Server;
let url = '';

beforeAll(async () => {
  let n = 0;
  server = createServer((req, res) => {
    if (++n % 3 === 0) res.writeHead(303, { location: '/login/', 'content-length': 0 }).end();
    else res.writeHead(200, { 'content-length': 2 }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('load generation', () => {
  it('reads the figures line among the rest of wrk’s output', () => {
    const output = [
      'Running 1s test @ http://127.0.0.1:1/',
      '  1 threads and 50 connections',
      'WRK_FIGURES {"requests":30,"durationUs":1000000,"non200":10,"socketErrors":1,"p50Us":900,"p99Us":4200}',
      '',
    ].join('\n');
    expect(parseWrkOutput(output)).toEqual({
      requests: 30,
      durationUs: 1_000_000,
      non200: 10,
      socketErrors: 1,
      p50Us: 900,
      p99Us: 4200,
    });
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1')).toThrow(/unable to connect/);
  });

  it.skipIf(!wrkVersion())('counts every answer but a 200 under wrk', async () => {
    const run = await runWrk(url, 1, 4, {});
    expect(run.requests).toBeGreaterThan(30);
    expect(run.non200 / run.requests).toBeCloseTo(1 / 3, 1);
    expect(run.socketErrors).toBe(0);
    expect(run.p99Us).toBeGreaterThanOrEqual(run.p50Us);
  });

  it('reports only the 200s as answered, the rest as failures, and names its generator', async () => {
    const result = await generateLoad(url, 1000);
    expect(result.failures / (result.requests + result.failures)).toBeCloseTo(1 / 3, 1);
    expect(result.perSecond).toBeGreaterThan(0);
    expect(loadGenerator()).toMatch(wrkVersion() ? /^wrk \d/ : /^node:http/);
  });
});
