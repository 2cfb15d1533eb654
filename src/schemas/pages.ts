import { z } from 'astro/zod';

/** Frontmatter of a plain page (`content/pages/<slug>.md`), served at `/<slug>/`. */
export const pagesSchema = z.object({
  /** Page title. */
  title: z.string().trim().min(1, 'Give the page a title'),
  /** Optional description for search engines and link previews. */
  summary: z.string().trim().optional(),
});
