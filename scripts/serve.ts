// The local server: dist/, netlify.toml and dist/_headers / _redirects rules,
// and functions/*.ts imported once, answered as Netlify answers them.
// Run directly (`tsx scripts/serve.ts`) it listens on PORT (default 8888).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorCode } from '../src/lib/error-code.ts';
import { closeDb, getDb } from '../src/server/store/db.ts';
import { migrateToLatest } from '../src/server/store/migrations.ts';
import { loadFunctions } from './lib/functions.ts';
import { queueLocalDeploy } from './lib/newsletter-deploy.ts';
import { loadHeaderRules, loadRedirectRules } from './lib/netlify-rules.ts';
import { onShutdown } from './lib/processes.ts';
import { settleRequestBody } from './lib/request-body.ts';
import {
  loadScheduledFunctions,
  startScheduler,
  type ScheduledFunction,
  type Scheduler,
} from './lib/scheduler.ts';
import { handleSiteRequest, type Site } from './lib/site-handler.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** Where the site lives and where to listen. Paths are relative to `root`. */
export interface SiteServerOptions {
  /** The directory holding netlify.toml (default: this repository). */
  root?: string;
  /** The publish directory (default `dist`). */
  distDir?: string;
  /** The functions directory (default `functions`). */
  functionsDir?: string;
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** The site's public origin, given to functions as `context.site.url` (default: the listening URL). */
  siteUrl?: string;
  /** Run the functions that declare `config.schedule` on their schedule (default true). */
  runSchedules?: boolean;
}

/** A site server that is not listening until `listen()`. */
export interface SiteServer {
  /** Loads the rules and functions, then listens; resolves to the URL. */
  listen(): Promise<string>;
  /** Stops accepting, closes idle and busy keep-alive connections. */
  close(): Promise<void>;
  /** `http://localhost:PORT` once listening. */
  readonly url: string;
  /** The number of functions routed. */
  readonly functionCount: number;
  /** The functions run on a schedule. */
  readonly scheduled: readonly ScheduledFunction[];
  readonly server: Server;
}

/** Loads everything the handler needs; rule syntax errors stop the start. */
async function loadSite(
  options: Required<Omit<SiteServerOptions, 'port' | 'host' | 'runSchedules'>>,
): Promise<Site> {
  const configPath = path.join(options.root, 'netlify.toml');
  const [headerRules, redirectRules, functions] = await Promise.all([
    loadHeaderRules({ configPath, file: path.join(options.distDir, '_headers') }),
    loadRedirectRules({ configPath, file: path.join(options.distDir, '_redirects') }),
    loadFunctions(options.functionsDir),
  ]);
  return {
    distDir: options.distDir,
    functions,
    headerRules,
    redirectRules,
    siteUrl: options.siteUrl,
  };
}

/** Creates the local server for a site (see SiteServerOptions for the defaults). */
export function createSiteServer(options: SiteServerOptions = {}): SiteServer {
  const root = path.resolve(options.root ?? repoRoot);
  const distDir = path.resolve(root, options.distDir ?? 'dist');
  const functionsDir = path.resolve(root, options.functionsDir ?? 'functions');
  let site: Site | null = null;
  let url = '';
  let scheduled: ScheduledFunction[] = [];
  let scheduler: Scheduler | null = null;

  const server = createServer((req, res) => {
    if (!site) {
      // Still starting: refuse without reading the body, and close the connection cleanly.
      void settleRequestBody(req, res).then(() => res.writeHead(503).end());
      return;
    }
    handleSiteRequest(site, req, res).catch((error: unknown) => {
      const code = errorCode(error);
      // A client that hangs up mid-stream is not an error worth a log line.
      if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') return;
      console.error(`${req.method} ${req.url} failed:`, error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Error\n');
      else res.destroy();
    });
  });
  // Bounded: slow or idle clients cannot hold sockets for ever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;

  return {
    server,
    get url() {
      return url;
    },
    get functionCount() {
      return site?.functions.length ?? 0;
    },
    get scheduled() {
      return scheduled;
    },
    async listen() {
      const [loaded, schedules] = await Promise.all([
        loadSite({ root, distDir, functionsDir, siteUrl: options.siteUrl ?? '' }),
        loadScheduledFunctions(functionsDir),
      ]);
      scheduled = schedules;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
      });
      const address = server.address();
      if (typeof address !== 'object' || !address) throw new Error('The server has no port');
      const { port } = address;
      url = `http://localhost:${port}`;
      site = { ...loaded, siteUrl: loaded.siteUrl || url };
      if (options.runSchedules ?? true) {
        scheduler = startScheduler(scheduled, { siteUrl: () => site?.siteUrl ?? url });
      }
      return url;
    },
    close() {
      scheduler?.stop();
      scheduler = null;
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(repoRoot, 'dist', 'index.html'))) {
    console.error(
      'dist/ is missing: run `npm run build` first, or `npm start` to build and serve.',
    );
    process.exit(1);
  }
  const server = createSiteServer({
    port: Number(process.env.PORT ?? 8888),
    host: process.env.HOST,
    siteUrl: process.env.SITE_URL,
  });
  // The store's tables are brought up to date at start-up, as on `npm start` (no demo data).
  await migrateToLatest(getDb());
  const url = await server.listen();
  onShutdown(async () => {
    await server.close();
    await closeDb();
  });
  console.log(
    `Serving dist/ and ${server.functionCount} functions on ${url}; on a schedule: ${
      server.scheduled.map((f) => `${f.name} (${f.schedule})`).join(', ') || 'none'
    }`,
  );
  await queueLocalDeploy();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
