import type { AstroIntegration } from 'astro';
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { formShellPath } from '../server/http/forms/page.ts';

/** Public pages whose forms the functions re-render with errors when JavaScript is off. */
export const FORM_PAGES = [
  'register',
  'login',
  'forgot-password',
  'reset-password',
  'set-password',
  'verify-email',
  'newsletter',
  'newsletter/confirm',
  'newsletter/unsubscribe',
] as const;

/**
 * Copies each form page as built into `sealed/_forms/<page>.html`: functions
 * can read sealed/ (netlify.toml `included_files`) but not dist/, and they
 * answer an invalid form post with the same page, errors beside the fields.
 * Must run after the seal integration, which empties sealed/.
 */
export default function formShells(options: { sealedDir?: string } = {}): AstroIntegration {
  return {
    name: 'form-shells',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const distDir = fileURLToPath(dir);
        const sealedDir = path.resolve(options.sealedDir ?? 'sealed');
        for (const page of FORM_PAGES) {
          const source = path.join(distDir, page, 'index.html');
          if (!existsSync(source)) {
            logger.warn(`no built page for /${page}/: its form errors fall back to a bare page`);
            continue;
          }
          const target = path.join(sealedDir, formShellPath(page));
          await mkdir(path.dirname(target), { recursive: true });
          await copyFile(source, target);
        }
        logger.info(`copied ${FORM_PAGES.length} form pages into sealed/_forms/`);
      },
    },
  };
}
