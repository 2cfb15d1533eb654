import type { AstroIntegration } from 'astro';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isRecord } from '../lib/is-record.ts';
import { linkIfUnchanged } from './linked-files.ts';
import {
  ARTICLE_BODIES_BUNDLE,
  articleBodyFile,
  isArticleSlug,
} from '../server/newsletter/articles.ts';

/**
 * Splits the one page holding every published article's body
 * (src/pages/members/newsletter-article-bodies.json.ts) into a file per article,
 * `members/newsletter-articles/<slug>.json` as `{ "bodyHtml": … }`, then deletes it:
 * a send reads one small file, and the build renders one page instead of one per
 * article (each Astro page costs about a millisecond whatever its size). Must run
 * before the seal integration, which moves /members/ out of dist/ into `sealedDir`.
 *
 * A body the previous build wrote to `sealedDir` with the same bytes is linked rather
 * than written again: creating thousands of files is most of this step's cost, and the
 * seal integration replaces the previous `sealedDir` right after.
 */
export default function newsletterBodies(options: { sealedDir?: string } = {}): AstroIntegration {
  return {
    name: 'newsletter-bodies',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const distDir = fileURLToPath(dir);
        const previousDir = path.resolve(options.sealedDir ?? 'sealed');
        const bundle = path.join(distDir, ARTICLE_BODIES_BUNDLE);
        if (!existsSync(bundle)) {
          logger.warn(
            `no ${ARTICLE_BODIES_BUNDLE} was built: newsletters will send summaries only`,
          );
          return;
        }
        const data: unknown = JSON.parse(readFileSync(bundle, 'utf8'));
        if (!isRecord(data) || !isRecord(data.bodies))
          throw new Error(`${ARTICLE_BODIES_BUNDLE} holds no "bodies" object`);
        mkdirSync(path.dirname(path.join(distDir, articleBodyFile('x'))), { recursive: true });
        let written = 0;
        let reused = 0;
        const toWrite: [file: string, text: string][] = [];
        for (const [slug, bodyHtml] of Object.entries(data.bodies)) {
          // The reader refuses any other name, so a file under one would never be read.
          if (!isArticleSlug(slug) || typeof bodyHtml !== 'string') {
            logger.warn(`skipped the newsletter body of "${slug}": not a plain article slug`);
            continue;
          }
          const file = articleBodyFile(slug);
          const text = JSON.stringify({ bodyHtml });
          if (linkIfUnchanged(path.join(previousDir, file), path.join(distDir, file), text))
            reused++;
          else toWrite.push([path.join(distDir, file), text]);
          written++;
        }
        await writeInParallel(toWrite);
        rmSync(bundle);
        logger.info(
          `wrote ${written} newsletter article bodies (${reused} unchanged since the last build)`,
        );
      },
    },
  };
}

/** Files written at once: the build disk creates files faster several at a time. */
const PARALLEL_WRITES = 16;

/** Writes each `[file, text]`, a few at a time; rejects when one cannot be written. */
async function writeInParallel(files: readonly [file: string, text: string][]): Promise<void> {
  let next = 0;
  const writer = async () => {
    while (next < files.length) {
      const [file, text] = files[next++];
      await writeFile(file, text);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_WRITES }, writer));
}
