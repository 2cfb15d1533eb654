// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import { createIndexing } from './src/integrations/indexing.ts';
import seal from './src/integrations/seal.ts';
import newsletterBodies from './src/integrations/newsletter-bodies.ts';
import searchIndex from './src/integrations/pagefind.ts';
import cspHeaders from './src/integrations/csp-headers.ts';
import formShells from './src/integrations/form-shells.ts';
import { createLeakGuard } from './src/integrations/sealed/leak-guard.ts';
import cmsBundle from './src/integrations/cms-bundle.ts';
import { resolveBuildSiteUrl } from './src/integrations/site-url.ts';
import remarkSmartypants from './src/lib/remark-smartypants.ts';

// Throws, before anything is written, for a production deploy that does not know its address.
const site = resolveBuildSiteUrl(process.env);
// Each page's own <meta name="robots"> decides whether the sitemap lists it.
const indexing = createIndexing();
const leakGuard = createLeakGuard();

export default defineConfig({
  site,
  trailingSlash: 'always',
  // Stylesheets as files, never inline: the CSP allows styles from 'self' only.
  // concurrency: two pages rendered at once; on a 2-core build machine this cut the static
  // routes of 3,000 articles from 8-10 s to 6 s (npm run bench -- build).
  build: { format: 'directory', inlineStylesheets: 'never', concurrency: 2 },
  // Scripts as files too: Astro inlines any script smaller than this limit (default 4 KiB).
  vite: { build: { assetsInlineLimit: 0 } },
  // Astro's sharp service with a faster AVIF encoder setting (src/lib/image-service.ts).
  image: { service: { entrypoint: './src/lib/image-service.ts' } },
  // Curly quotes, dashes and ellipses as Astro's own SmartyPants makes them, at about half
  // its cost (src/lib/remark-smartypants.ts); MDX takes the same setting.
  markdown: { smartypants: false, remarkPlugins: [remarkSmartypants] },
  integrations: [
    mdx(),
    // Decap CMS for /admin/, bundled outside Vite and cached; first, so dist/ holds it
    // before the hooks below look at dist/.
    cmsBundle(),
    indexing.integration,
    sitemap({ filter: indexing.filter }),
    // Before seal: splits the one page of newsletter bodies into a file per article.
    newsletterBodies(),
    // Order matters: seal moves members pages out of dist/ before the search index is built.
    seal(),
    // After seal, which empties sealed/: keeps a copy of each form page for the functions.
    formShells(),
    // Starts reading dist/ for members-only text while Pagefind indexes it in its own process.
    leakGuard.early,
    searchIndex(),
    cspHeaders(),
    // Last: fails the build if any members-only text reached dist/, RSS, sitemaps or the index,
    // reading again whatever changed since the early reading.
    leakGuard.verdict,
  ],
});
