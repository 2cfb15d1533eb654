import type { Plugin } from 'vite';
import { fileURLToPath } from 'node:url';

const pathShim = fileURLToPath(new URL('./shims/path.ts', import.meta.url));

/**
 * Lets Vite bundle Decap CMS for the browser: Decap's modules import Node's `path`,
 * which Vite leaves out of client bundles. Only Decap's own client imports are
 * redirected to a small shim; server code keeps the real module.
 */
export default function decapBrowserShims(): Plugin {
  return {
    name: 'decap-browser-shims',
    enforce: 'pre',
    resolveId(id, importer, options) {
      if (options?.ssr || (id !== 'path' && id !== 'path/')) return null;
      if (!importer || !/[\\/]decap-cms-[^\\/]+[\\/]/.test(importer)) return null;
      return pathShim;
    },
  };
}
