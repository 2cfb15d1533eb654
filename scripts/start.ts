// `npm start`: build when stale, prepare the local store, start the CMS local
// backend, and serve the whole site with its functions on PORT (default 8888).
import { errorCode } from '../src/lib/error-code.ts';
import { prepareLocalData, type DemoLogin } from '../src/server/local-data.ts';
import { closeDb } from '../src/server/store/db.ts';
import { createSiteServer } from './serve.ts';
import { ensureBuilt, isBuildFresh } from './lib/build.ts';
import { queueLocalDeploy } from './lib/newsletter-deploy.ts';
import { onShutdown, startDecapServer, stopChild } from './lib/processes.ts';

/** Prints the demo logins as an aligned table, or why there are none. */
function printLogins(logins: DemoLogin[]): void {
  if (logins.length === 0) {
    console.log('  Demo logins: the store already has accounts (logins are printed when it is');
    console.log('  first seeded; delete the data directory, .data/ by default, to seed again).');
    return;
  }
  console.log('  Demo logins:');
  const width = Math.max(...logins.map((l) => l.role.length));
  for (const login of logins) {
    console.log(`    ${login.role.padEnd(width)}  ${login.username} / ${login.password}`);
  }
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8888);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not "${process.env.PORT}"`);
  }
  if (!isBuildFresh())
    console.log('Building the site (dist/ is missing or older than its sources)…');
  await ensureBuilt();
  const logins = await prepareLocalData();
  const cms = await startDecapServer();
  const server = createSiteServer({ port, host: process.env.HOST, siteUrl: process.env.SITE_URL });
  try {
    await server.listen();
  } catch (error) {
    await stopChild(cms);
    if (errorCode(error) === 'EADDRINUSE') {
      throw new Error(
        `Port ${port} is in use: stop what holds it or run with PORT=<another port>.`,
      );
    }
    throw error;
  }
  onShutdown(async () => {
    await Promise.all([server.close(), stopChild(cms)]);
    await closeDb();
  });
  console.log('');
  console.log(`  Site:     ${server.url}/`);
  console.log(`  CMS:      ${server.url}/admin/${cms ? '' : ' (local backend not started)'}`);
  console.log(`  Members:  ${server.url}/members/`);
  console.log(`  Staff:    ${server.url}/staff/`);
  for (const fn of server.scheduled)
    console.log(`  Schedule: ${fn.name} runs ${fn.schedule} (UTC)`);
  printLogins(logins);
  // The build is live: as after a Netlify deploy, queue its newly ticked newsletter articles.
  await queueLocalDeploy();
  console.log('\n  Ctrl-C stops the site and the CMS backend.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
