import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadFunctions } from '../../scripts/lib/functions.ts';
import {
  loadScheduledFunctions,
  nextRunAfter,
  startScheduler,
  type ScheduledFunction,
} from '../../scripts/lib/scheduler.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/scheduled');

describe('schedules', () => {
  it.each([
    ['@hourly', '2026-12-01T03:10:00Z', '2026-12-01T04:00:00.000Z'],
    ['@hourly', '2026-12-01T03:00:00Z', '2026-12-01T04:00:00.000Z'],
    ['@daily', '2026-12-01T03:10:00Z', '2026-12-02T00:00:00.000Z'],
    ['*/15 * * * *', '2026-12-01T03:15:00Z', '2026-12-01T03:30:00.000Z'],
    ['30 2 * * *', '2026-12-01T03:10:00Z', '2026-12-02T02:30:00.000Z'],
    ['0 9 * * 1', '2026-12-01T10:00:00Z', '2026-12-07T09:00:00.000Z'],
    ['0 0 1 * *', '2026-12-31T23:59:00Z', '2027-01-01T00:00:00.000Z'],
  ])('runs %s next after %s at %s (UTC)', (schedule, after, next) => {
    expect(nextRunAfter(schedule, new Date(after)).toISOString()).toBe(next);
  });

  it.each(['61 * * * *', 'every hour', '* * *', '@sometimes'])(
    'refuses "%s", naming it',
    (schedule) => {
      expect(() => nextRunAfter(schedule, new Date())).toThrow(`schedule "${schedule}"`);
    },
  );
});

describe('loading scheduled functions', () => {
  it('loads the functions with a schedule and leaves them out of routing', async () => {
    const scheduled = await loadScheduledFunctions(FIXTURES);
    expect(scheduled.map((f) => [f.name, f.schedule])).toEqual([['tick', '*/15 * * * *']]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const routed = await loadFunctions(FIXTURES);
    expect(routed.map((f) => f.name)).toEqual(['page']);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('finds the hourly maintenance function among the site’s functions', async () => {
    const scheduled = await loadScheduledFunctions(path.join(ROOT, 'functions'));
    expect(scheduled).toContainEqual(
      expect.objectContaining({ name: 'maintenance', schedule: '@hourly' }),
    );
  });
});

describe('the local scheduler', () => {
  afterEach(() => vi.useRealTimers());

  it('calls each function at its scheduled times with next_run, and no more once stopped', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T03:10:00Z') });
    const calls: { at: string; method: string; body: unknown }[] = [];
    const fn: ScheduledFunction = {
      name: 'tick',
      file: 'tick.ts',
      schedule: '*/15 * * * *',
      handler: async (req) => {
        calls.push({ at: new Date().toISOString(), method: req.method, body: await req.json() });
        return new Response('ok');
      },
    };
    const scheduler = startScheduler([fn], { siteUrl: () => 'http://localhost:8888' });

    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000 + 1);
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    expect(calls).toEqual([
      {
        at: '2026-12-01T03:15:00.000Z',
        method: 'POST',
        body: { next_run: '2026-12-01T03:30:00.000Z' },
      },
      {
        at: '2026-12-01T03:30:00.000Z',
        method: 'POST',
        body: { next_run: '2026-12-01T03:45:00.000Z' },
      },
    ]);

    scheduler.stop();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(calls).toHaveLength(2);
  });

  it('keeps running after a function throws or answers an error', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T03:59:00Z') });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    let call = 0;
    const fn: ScheduledFunction = {
      name: 'flaky',
      file: 'flaky.ts',
      schedule: '@hourly',
      handler: () => {
        call += 1;
        if (call === 1) return Promise.reject(new Error('first run fails'));
        return Promise.resolve(new Response('store unavailable', { status: 503 }));
      },
    };
    const scheduler = startScheduler([fn], { siteUrl: () => 'http://localhost:8888' });
    await vi.advanceTimersByTimeAsync(61 * 60_000);
    scheduler.stop();
    expect(call).toBe(2);
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([
      'scheduled flaky failed:',
      'scheduled flaky: answered 503',
    ]);
    errors.mockRestore();
  });
});
