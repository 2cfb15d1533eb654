import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

// The project's news frontmatter (src/schemas/news.ts), without its custom checks.
export const collections = {
  news: defineCollection({
    loader: glob({ base: './content/news', pattern: '**/[^_]*.{md,mdx}' }),
    schema: z.object({
      title: z.string(),
      date: z.coerce.date(),
      summary: z.string(),
      author: z.string().optional(),
      authorRole: z.string().optional(),
      tags: z.array(z.string()).optional(),
      membersOnly: z.boolean().default(false),
      archived: z.boolean().default(false),
      draft: z.boolean().default(false),
      newsletter: z.boolean().default(false),
    }),
  }),
};
