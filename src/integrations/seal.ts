import type { AstroIntegration } from 'astro';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { sealAssets } from './sealed/sealed-assets.ts';

/**
 * URL prefixes whose pages are members-only (or filled in per account, as the
 * two-factor pages are) and must never be served from dist/.
 */
export const SEALED_PREFIXES = ['members', 'staff', 'two-factor'] as const;

/**
 * Moves a folder: a rename, one step whatever the number of pages, when both sides are
 * on one file system; a copy then a delete across file systems (EXDEV).
 */
async function moveDir(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EXDEV')) throw error;
    await cp(from, to, { recursive: true });
    await rm(from, { recursive: true, force: true });
  }
}

/**
 * Moves every sealed page out of the public output once Astro has written it,
 * into `sealedDir`, which only the `members` function reads, then the images only
 * those pages show (sealed/sealed-assets.ts). Runs before search indexing so
 * nothing sealed can be indexed.
 */
export default function seal(options: { sealedDir?: string } = {}): AstroIntegration {
  return {
    name: 'seal-members-pages',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const distDir = fileURLToPath(dir);
        const sealedDir = path.resolve(options.sealedDir ?? 'sealed');
        await rm(sealedDir, { recursive: true, force: true });
        await mkdir(sealedDir, { recursive: true });
        for (const prefix of SEALED_PREFIXES) {
          const from = path.join(distDir, prefix);
          if (!existsSync(from)) continue;
          await moveDir(from, path.join(sealedDir, prefix));
          logger.info(`sealed /${prefix}/ into ${path.relative(process.cwd(), sealedDir)}/`);
        }
        const assets = sealAssets(distDir, sealedDir);
        logger.info(
          `sealed ${assets.seal.length} image files of members-only content; dropped ${assets.drop.length} unused originals`,
        );
      },
    },
  };
}
