// @ts-check
// The plain Astro 5 site that bench/build.bench.ts builds beside the project: the same
// news collection, one page template, MDX and the sitemap, and nothing of ours.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';

export default defineConfig({
  site: 'https://reference.example.org',
  trailingSlash: 'always',
  // Astro's default cache is node_modules/.astro: the bench links the project's node_modules.
  cacheDir: './.astro-cache',
  build: { format: 'directory' },
  integrations: [mdx(), sitemap()],
});
