// Runs the functions that declare `config.schedule` on their schedule, as
// Netlify runs Scheduled Functions: cron expressions or @hourly-style names,
// in UTC, each run a POST whose JSON body holds `next_run`.
import { randomUUID } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isRecord } from '../../src/lib/is-record.ts';
import { createContext } from './function-context.ts';
import type { FunctionHandler } from './functions.ts';

/** A function module with a schedule instead of a path. */
export interface ScheduledFunction {
  name: string;
  file: string;
  handler: FunctionHandler;
  /** The expression from `config.schedule`, checked at load. */
  schedule: string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A module's default export that can answer a request. */
function isHandler(value: unknown): value is FunctionHandler {
  return typeof value === 'function';
}

/** Longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/**
 * The first time strictly after `after` that `schedule` names, in UTC.
 * Throws an Error naming the expression when it is not a valid schedule.
 */
export function nextRunAfter(schedule: string, after: Date): Date {
  // Netlify takes five fields (minute hour day month weekday) or a name such as @hourly.
  if (!/^@\w+$/.test(schedule.trim()) && schedule.trim().split(/\s+/).length !== 5) {
    throw new Error(`schedule "${schedule}" is not a cron expression: it needs five fields`);
  }
  let expression;
  try {
    expression = CronExpressionParser.parse(schedule, { currentDate: after, tz: 'UTC' });
  } catch (error) {
    throw new Error(`schedule "${schedule}" is not a cron expression: ${messageOf(error)}`);
  }
  return expression.next().toDate();
}

/**
 * Imports the modules in `dir` whose `config.schedule` is set (each once: a
 * module the router imported is the same instance). A bad expression stops the start.
 */
export async function loadScheduledFunctions(dir: string): Promise<ScheduledFunction[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => EXTENSIONS.includes(path.extname(f)) && !f.endsWith('.d.ts'))
    .sort();
  const scheduled: ScheduledFunction[] = [];
  for (const fileName of files) {
    const file = path.join(dir, fileName);
    const mod: unknown = await import(pathToFileURL(file).href);
    if (!isRecord(mod) || !isRecord(mod.config) || !isHandler(mod.default)) continue;
    const schedule = mod.config.schedule;
    if (typeof schedule !== 'string' || !schedule) continue;
    try {
      nextRunAfter(schedule, new Date());
    } catch (error) {
      throw new Error(`functions/${fileName}: ${messageOf(error)}`);
    }
    scheduled.push({
      name: path.basename(fileName, path.extname(fileName)),
      file,
      handler: mod.default,
      schedule,
    });
  }
  return scheduled;
}

/** Calls one scheduled function as Netlify does; a throw or a failure status is logged. */
export async function invokeScheduled(
  fn: ScheduledFunction,
  siteUrl: string,
  nextRun: Date,
): Promise<Response | null> {
  const requestId = randomUUID().replaceAll('-', '');
  const request = new Request(new URL(`/.netlify/functions/${fn.name}`, siteUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-nf-request-id': requestId },
    body: JSON.stringify({ next_run: nextRun.toISOString() }),
  });
  const { context } = createContext({ request, ip: '127.0.0.1', params: {}, requestId, siteUrl });
  try {
    const response = await fn.handler(request, context);
    if (!response.ok) console.error(`scheduled ${fn.name}: answered ${response.status}`);
    await response.body?.cancel();
    return response;
  } catch (error) {
    console.error(`scheduled ${fn.name} failed:`, error);
    return null;
  }
}

/** A running scheduler. */
export interface Scheduler {
  /** Stops every timer; a run in progress finishes. */
  stop(): void;
}

/**
 * Runs each function at every time its schedule names, from now on. A run
 * still going when the next is due is not doubled: that time is skipped.
 * Timers do not keep the process alive.
 */
export function startScheduler(
  functions: ScheduledFunction[],
  options: { siteUrl: () => string },
): Scheduler {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  const arm = (fn: ScheduledFunction, due: Date) => {
    if (stopped) return;
    const wait = due.getTime() - Date.now();
    const timer = setTimeout(
      () => (wait > MAX_TIMER_MS ? arm(fn, due) : void fire(fn, due)),
      Math.max(0, Math.min(wait, MAX_TIMER_MS)),
    );
    timer.unref();
    timers.set(fn.name, timer);
  };

  const running = new Set<string>();
  const fire = async (fn: ScheduledFunction, due: Date) => {
    const next = nextRunAfter(fn.schedule, new Date(Math.max(Date.now(), due.getTime())));
    arm(fn, next);
    if (running.has(fn.name)) return;
    running.add(fn.name);
    try {
      await invokeScheduled(fn, options.siteUrl(), next);
    } finally {
      running.delete(fn.name);
    }
  };

  for (const fn of functions) arm(fn, nextRunAfter(fn.schedule, new Date()));
  return {
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
