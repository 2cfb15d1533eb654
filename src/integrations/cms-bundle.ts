import type { AstroIntegration } from 'astro';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { CMS_PUBLIC_PATH, type CmsBuildSettings } from './cms-bundle/bundler.ts';
import { defaultCacheRoot, ensureCmsBundle, type CmsBundle } from './cms-bundle/cache.ts';

/** The module the admin page imports: `export const cmsScript: string` (the bundle's URL). */
const VIRTUAL_ID = 'virtual:cms-bundle';
const RESOLVED_ID = '\0' + VIRTUAL_ID;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Builds the content manager's browser bundle (Decap CMS, about 6 MB) outside Vite and
 * caches it by what it is made from (cms-bundle/cache.ts), so a content-only publish
 * reuses it. The bundle is made only when a page imports `virtual:cms-bundle` (only
 * /admin/ does, so a build without that page never makes it); `astro build` copies it
 * into dist/_astro/, and `astro dev` serves it from the cache and rebuilds it when one of
 * its sources changes.
 */
export default function cmsBundle(): AstroIntegration {
  let current: CmsBundle | undefined;
  let root = '';

  const plugin = (logger: { info(message: string): void }): Plugin => {
    let settings: CmsBuildSettings = { nodeEnv: 'production', mode: 'production', minify: true };
    return {
      name: 'cms-bundle',
      configResolved(config) {
        // What Vite itself gives client code for process.env.NODE_ENV and import.meta.env.MODE.
        settings = {
          nodeEnv: process.env.NODE_ENV || config.mode,
          mode: config.mode,
          minify: config.command === 'build',
        };
      },
      resolveId: (id) => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
      async load(id) {
        if (id !== RESOLVED_ID) return undefined;
        const started = performance.now();
        current = await ensureCmsBundle({ root, cacheRoot: defaultCacheRoot(root), settings });
        const took = ((performance.now() - started) / 1000).toFixed(1);
        logger.info(
          `${current.reused ? 'reused' : 'built'} ${current.script} (${settings.nodeEnv}, ${took} s)`,
        );
        return `export const cmsScript = ${JSON.stringify(CMS_PUBLIC_PATH + current.script)};`;
      },
      configureServer(server) {
        // An edit to one of its sources makes the next load of /admin/ bundle again. (Not
        // this.addWatchFile: that would put the site's stylesheets into the admin page's
        // module graph, and Astro would then style the page with them.)
        server.watcher.on('change', (file) => {
          if (!current?.sources.includes(path.resolve(file))) return;
          const virtual = server.moduleGraph.getModuleById(RESOLVED_ID);
          if (virtual) server.moduleGraph.invalidateModule(virtual);
          server.ws.send({ type: 'full-reload' });
        });
        server.middlewares.use((req, res, next) => {
          const url = req.url?.split('?')[0] ?? '';
          const name = url.startsWith(CMS_PUBLIC_PATH) ? url.slice(CMS_PUBLIC_PATH.length) : '';
          if (!current?.files.includes(name)) return next();
          res.setHeader('Content-Type', CONTENT_TYPES[path.extname(name)] ?? 'text/plain');
          res.setHeader('Cache-Control', 'no-cache');
          res.end(readFileSync(path.join(current.dir, name)));
        });
      },
    };
  };

  return {
    name: 'cms-bundle',
    hooks: {
      'astro:config:setup': ({ config, updateConfig, logger }) => {
        root = fileURLToPath(config.root);
        updateConfig({ vite: { plugins: [plugin(logger)] } });
      },
      'astro:build:done': ({ dir }) => {
        if (!current) return;
        const target = path.join(fileURLToPath(dir), CMS_PUBLIC_PATH);
        mkdirSync(target, { recursive: true });
        for (const name of current.files)
          copyFileSync(path.join(current.dir, name), path.join(target, name));
      },
    },
  };
}
