import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** The port Decap's local backend listens on (`local_backend: true` expects it). */
export const DECAP_PORT = 8081;

/** True when nothing listens on `port` (checked by binding it for a moment). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

/** Prefixes each line a child writes, so two programs' logs can be told apart. */
function relay(child: ChildProcess, prefix: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) console.log(`${prefix} ${line}`);
    });
  }
}

/**
 * Starts decap-server (the CMS's local backend, writing to this working tree)
 * on port 8081. When the port is taken it says so and returns null: the site
 * still runs, only /admin/ cannot save.
 */
export async function startDecapServer(): Promise<ChildProcess | null> {
  if (!(await isPortFree(DECAP_PORT))) {
    console.log(
      `Port ${DECAP_PORT} is in use, so the CMS local backend was not started ` +
        '(another decap-server may already be running; /admin/ will use it).',
    );
    return null;
  }
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/decap-server/dist/index.js')],
    {
      cwd: root,
      // decap-server reads PORT too: give it its own, not the site's.
      env: { ...process.env, PORT: String(DECAP_PORT), BIND_HOST: '127.0.0.1', MODE: 'fs' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  relay(child, '[cms]');
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) console.log(`[cms] decap-server stopped (exit ${code})`);
  });
  return child;
}

/** Stops a child with SIGTERM, then SIGKILL if it has not gone within two seconds. */
export function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs `stop` once on Ctrl-C or SIGTERM, then exits. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    stop()
      .catch((error: unknown) => console.error(error))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
