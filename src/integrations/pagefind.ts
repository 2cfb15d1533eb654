import type { AstroIntegration } from 'astro';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pagefind from 'pagefind';
import { hasStoredFiles, mirrorIntoStore, writeFromStore } from './pagefind-files.ts';

/**
 * Builds the Pagefind search index over the public output. Listed after the
 * seal integration in astro.config.mjs, so sealed pages are already gone. A rebuild
 * links the index files that did not change from a store in Astro's cache folder
 * (pagefind-files.ts) rather than have Pagefind write every one again.
 */
export default function searchIndex(): AstroIntegration {
  let storeDir = '';
  return {
    name: 'pagefind-index',
    hooks: {
      'astro:config:done': ({ config }) => {
        storeDir = path.join(fileURLToPath(config.cacheDir), 'pagefind-files');
      },
      'astro:build:done': async ({ dir, logger }) => {
        const outputDir = fileURLToPath(new URL('./pagefind/', dir));
        const { index, errors } = await pagefind.createIndex({});
        if (!index) throw new Error(`Pagefind failed: ${errors.join(', ')}`);
        const added = await index.addDirectory({ path: fileURLToPath(dir) });
        if (added.errors.length) throw new Error(`Pagefind failed: ${added.errors.join(', ')}`);
        let linked = 0;
        if (hasStoredFiles(storeDir)) {
          const output = await index.getFiles();
          if (output.errors.length) throw new Error(`Pagefind failed: ${output.errors.join(', ')}`);
          linked = writeFromStore(output.files, outputDir, storeDir);
        } else {
          // Nothing to link from: Pagefind writes faster than files written one by one.
          const written = await index.writeFiles({ outputPath: outputDir });
          if (written.errors.length)
            throw new Error(`Pagefind failed: ${written.errors.join(', ')}`);
        }
        await pagefind.close();
        mirrorIntoStore(outputDir, storeDir);
        logger.info(
          `indexed ${added.page_count} pages (${linked} of the index's files unchanged since the last build)`,
        );
      },
    },
  };
}
