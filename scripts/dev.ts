// `npm run dev`: Astro's dev server plus the CMS local backend, stopped together.
// Members pages are gated by the members function: check gating with `npm start`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { onShutdown, startDecapServer, stopChild } from './lib/processes.ts';

const root = path.resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const cms = await startDecapServer();
  const astro = spawn(process.execPath, [path.join(root, 'node_modules/astro/astro.js'), 'dev'], {
    cwd: root,
    stdio: 'inherit',
  });
  const stopAll = async () => {
    await Promise.all([stopChild(astro), stopChild(cms)]);
  };
  onShutdown(stopAll);
  // When Astro stops by itself, the backend goes with it.
  astro.on('exit', (code) => {
    void stopChild(cms).then(() => process.exit(code ?? 0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
