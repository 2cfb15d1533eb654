import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withBuildLock } from '../../scripts/lib/build.ts';
import { createSiteServer } from '../../scripts/serve.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Copies dist/ while holding the build lock, so no build can change it halfway. */
async function copyDist(to: string): Promise<void> {
  await withBuildLock(() =>
    Promise.resolve(cpSync(path.join(root, 'dist'), to, { recursive: true })),
  );
}

/**
 * Serves a private copy of the public build (with netlify.toml's headers and the
 * functions), so a rebuild started elsewhere cannot pull pages away mid-test.
 */
export async function serveDistSnapshot(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'site-dist-'));
  await copyDist(path.join(dir, 'dist'));
  const server = createSiteServer({ distDir: path.join(dir, 'dist'), port: 0 });
  const url = await server.listen();
  return {
    url,
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
