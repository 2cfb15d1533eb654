// The deploy steps after `astro build` (`npm run build:netlify`, netlify.toml's
// build command): bundle each function into one file for Netlify to zip, then,
// when DATABASE_URL reaches the build, migrate the store under an advisory lock.
// A production deploy without DATABASE_URL fails here: its functions would meet
// an unmigrated store.
import path from 'node:path';
import { BUNDLED_FUNCTIONS_DIR, bundleFunctions } from './lib/function-bundles.ts';
import { migrateWithLock } from './lib/deploy-migrations.ts';

const root = path.resolve(import.meta.dirname, '..');

/** The functions' Node major: AWS_LAMBDA_JS_RUNTIME (`nodejs24.x`), else the build's own. */
function functionsNodeMajor(): number {
  const runtime = /^nodejs(\d+)/.exec(process.env.AWS_LAMBDA_JS_RUNTIME ?? '');
  return Number(runtime?.[1] ?? process.versions.node.split('.')[0]);
}

async function main(): Promise<void> {
  const bundles = await bundleFunctions({ root, nodeMajor: functionsNodeMajor() });
  console.log(`Bundled ${bundles.length} functions into ${BUNDLED_FUNCTIONS_DIR}/:`);
  for (const b of bundles) {
    const imports = b.imports.length ? ` (imports ${b.imports.join(', ')})` : '';
    console.log(`  ${b.name}.mjs  ${(b.bytes / 1024).toFixed(0)} KiB${imports}`);
  }

  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (databaseUrl) {
    const applied = await migrateWithLock(databaseUrl);
    console.log(
      applied.length
        ? `Migrated the store: ${applied.join(', ')}`
        : 'The store is already up to date.',
    );
  } else if (process.env.CONTEXT === 'production') {
    throw new Error(
      'DATABASE_URL is not set for builds: set it in the Netlify UI with the "Builds" and "Functions" scopes, so each deploy migrates the store before its functions go live.',
    );
  } else {
    console.log('DATABASE_URL is not set for this build: no migrations run.');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
