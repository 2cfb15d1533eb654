/* global process, Buffer, URL, Request, Response */
// One unzipped function bundle, run in this process as a warm Lambda instance
// runs it: the working directory is the bundle's root, the module is imported
// once, then each request from the parent (over the IPC channel) is answered by
// its default export. Plain JavaScript: it runs under the deploy's Node, not tsx.
// argv[2]: the function's module, relative to the bundle root (from Netlify's entry point).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const startCpu = process.cpuUsage();
/** CPU time (user + system) this process has spent since it began running this file. */
const cpuMs = () => {
  const used = process.cpuUsage(startCpu);
  return (used.user + used.system) / 1000;
};

let handler;
async function load() {
  if (handler) return;
  const mod = await import(pathToFileURL(path.resolve(process.argv[2])).href);
  if (typeof mod.default !== 'function')
    throw new Error(`${process.argv[2]} has no default export`);
  handler = mod.default;
}

function parseCookies(header) {
  const jar = new Map();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return jar;
}

/** The Functions v2 context fields the site's functions read. */
function contextFor(request, message) {
  const jar = parseCookies(request.headers.get('cookie'));
  const site = process.env.URL ?? process.env.SITE_URL ?? '';
  return {
    ip: message.ip,
    params: message.params ?? {},
    requestId: `req-${message.id}`,
    url: new URL(request.url),
    site: { url: site, id: 'site', name: 'site' },
    deploy: { context: process.env.CONTEXT ?? 'production', id: 'deploy', published: true },
    account: { id: 'account' },
    server: { region: 'local' },
    geo: {},
    cookies: {
      get: (name) => jar.get(name),
      set: () => {
        throw new Error('context.cookies.set is not emulated here: set the header');
      },
      delete: () => {
        throw new Error('context.cookies.delete is not emulated here: set the header');
      },
    },
    waitUntil: () => {},
    json: (value) => Response.json(value),
  };
}

async function answer(message) {
  await load();
  const request = new Request(message.url, {
    method: message.method,
    headers: message.headers,
    body: message.body == null ? undefined : Buffer.from(message.body, 'base64'),
  });
  const response = await handler(request, contextFor(request, message));
  const body = Buffer.from(await response.arrayBuffer()).toString('base64');
  return { status: response.status, headers: [...response.headers], body };
}

process.on('message', (message) => {
  const reply = (fields) => process.send({ id: message.id, cpuMs: cpuMs(), ...fields });
  const work = message.type === 'load' ? load().then(() => ({ type: 'loaded' })) : answer(message);
  work.then(
    (fields) => reply({ type: 'response', ...fields }),
    (error) => reply({ type: 'error', message: String(error?.stack ?? error) }),
  );
});

process.send({ type: 'ready', cpuMs: cpuMs() });
