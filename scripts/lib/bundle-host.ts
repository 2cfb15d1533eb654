/**
 * Runs Netlify function zips as Lambda would: each unzipped into a folder of
 * its own with nothing around it (no node_modules above, no sources), made
 * read-only, and run in a process of its own under the deploy's Node with the
 * folder as working directory. Requests go in as Web `Request`s and come back
 * as `Response`s, over the process's IPC channel.
 *
 * Read-only: when this process is root (file modes do not bind root), the
 * function runs as the unprivileged `nobody` user; otherwise the folder's
 * write bits are removed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import extract from 'extract-zip';

const RUNNER = path.join(import.meta.dirname, 'bundle-runner.mjs');
const NOBODY = 65_534;

/** Unzips `zip` into `dir` (created), then removes every write bit under it. */
export async function unpackReadOnly(zip: string, dir: string): Promise<void> {
  await extract(zip, { dir: path.resolve(dir) });
  const lock = (p: string) => {
    const stat = statSync(p);
    if (stat.isDirectory()) for (const name of readdirSync(p)) lock(path.join(p, name));
    chmodSync(p, stat.mode & 0o555);
  };
  lock(dir);
}

/** The function module Netlify's entry point hands to its bootstrap, relative to the bundle root. */
export function bundleMainFile(dir: string): string {
  const entry = readFileSync(path.join(dir, '___netlify-entry-point.mjs'), 'utf8');
  const main = /getLambdaHandler\(['"]([^'"]+)['"]\)/.exec(entry)?.[1];
  if (!main) throw new Error(`${dir}: no function module named in ___netlify-entry-point.mjs`);
  return main;
}

/** Per-request details the platform supplies. */
export interface InvokeOptions {
  ip?: string;
  params?: Record<string, string>;
}

/** A running function instance. */
export interface FunctionInstance {
  /** Answers one request; a thrown handler error comes back as a 500 with `x-bundle-error`. */
  invoke(request: Request, options?: InvokeOptions): Promise<Response>;
  /** Imports the module without a request; resolves with the CPU ms spent so far. */
  load(): Promise<number>;
  /** CPU ms (user + system) the instance has spent since its runner started, as of the last answer. */
  readonly cpuMs: number;
  /** Everything the function printed on stdout and stderr. */
  output(): string;
  readonly exited: boolean;
  readonly exitCode: number | null;
  stop(): Promise<void>;
}

interface RunnerReply {
  id?: number;
  type: 'ready' | 'response' | 'loaded' | 'error';
  cpuMs: number;
  status?: number;
  headers?: [string, string][];
  body?: string;
  message?: string;
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Starts the bundle unpacked in `dir` under `nodeBin`, with exactly `env` as
 * its environment (nothing inherited, as on Lambda). `hostDir` is a
 * readable folder outside the bundle for the runner script.
 */
export async function startFunction(options: {
  dir: string;
  hostDir: string;
  nodeBin: string;
  env: Record<string, string>;
}): Promise<FunctionInstance> {
  const runner = path.join(options.hostDir, 'bundle-runner.mjs');
  copyFileSync(RUNNER, runner);
  chmodSync(runner, 0o444);
  const asNobody = process.getuid?.() === 0;
  const child: ChildProcess = fork(runner, [bundleMainFile(options.dir)], {
    cwd: options.dir,
    execPath: options.nodeBin,
    execArgv: [],
    env: { PATH: '/usr/bin:/bin', HOME: '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...(asNobody ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  let cpuMs = 0;
  let exitCode: number | null = null;
  let exited = false;
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (r: RunnerReply) => void; reject: (e: Error) => void }
  >();
  const failAll = (why: string) => {
    for (const { reject } of pending.values()) reject(new Error(`${why}\n${output}`));
    pending.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (reply: RunnerReply) => {
      cpuMs = reply.cpuMs;
      if (reply.type === 'ready') return resolve();
      const waiter = pending.get(reply.id!);
      pending.delete(reply.id!);
      waiter?.resolve(reply);
    });
    child.on('exit', (code, signal) => {
      exited = true;
      exitCode = code;
      const why = `the function process exited (${signal ?? code})`;
      reject(new Error(`${why}\n${output}`));
      failAll(why);
    });
  });
  await ready;

  const send = (message: Record<string, unknown>): Promise<RunnerReply> => {
    if (exited) return Promise.reject(new Error(`the function process has exited\n${output}`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ id, ...message });
    });
  };

  return {
    async invoke(request, invokeOptions = {}) {
      const body =
        request.body === null ? null : Buffer.from(await request.arrayBuffer()).toString('base64');
      const reply = await send({
        type: 'request',
        method: request.method,
        url: request.url,
        headers: [...request.headers],
        body,
        ip: invokeOptions.ip ?? '203.0.113.7',
        params: invokeOptions.params ?? {},
      });
      if (reply.type === 'error') {
        return new Response(reply.message, { status: 500, headers: { 'x-bundle-error': '1' } });
      }
      const status = reply.status!;
      const headers = new Headers();
      for (const [name, value] of reply.headers!) headers.append(name, value);
      return new Response(NULL_BODY.has(status) ? null : Buffer.from(reply.body!, 'base64'), {
        status,
        headers,
      });
    },
    async load() {
      const reply = await send({ type: 'load' });
      if (reply.type === 'error') throw new Error(reply.message);
      return reply.cpuMs;
    },
    get cpuMs() {
      return cpuMs;
    },
    output: () => output,
    get exited() {
      return exited;
    },
    get exitCode() {
      return exitCode;
    },
    stop() {
      if (exited) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
