import type { AstroIntegration } from 'astro';
import { fileURLToPath } from 'node:url';
import * as pagefind from 'pagefind';

/**
 * Builds the Pagefind search index over the public output. Listed after the
 * seal integration in astro.config.mjs, so sealed pages are already gone.
 */
export default function searchIndex(): AstroIntegration {
  return {
    name: 'pagefind-index',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const { index, errors } = await pagefind.createIndex({});
        if (!index) throw new Error(`Pagefind failed: ${errors.join(', ')}`);
        const added = await index.addDirectory({ path: fileURLToPath(dir) });
        if (added.errors.length) throw new Error(`Pagefind failed: ${added.errors.join(', ')}`);
        await index.writeFiles({ outputPath: fileURLToPath(new URL('./pagefind/', dir)) });
        logger.info(`indexed ${added.page_count} pages`);
        await pagefind.close();
      },
    },
  };
}
