import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { newsSchema } from './schemas/news';
import { careersSchema } from './schemas/careers';
import { membersSchema } from './schemas/members';
import { pagesSchema } from './schemas/pages';
import { settingsSchema } from './schemas/settings';
import { withRawDates } from './schemas/raw-dates';
import { withImageChecks } from './schemas/image-files';

const markdown = '**/[^_]*.{md,mdx}';

export const collections = {
  news: defineCollection({
    loader: withImageChecks(withRawDates(glob({ base: './content/news', pattern: markdown })), [
      'image',
    ]),
    schema: ({ image }) => newsSchema(image),
  }),
  careers: defineCollection({
    loader: withImageChecks(glob({ base: './content/careers', pattern: markdown })),
    schema: careersSchema,
  }),
  members: defineCollection({
    loader: withImageChecks(withRawDates(glob({ base: './content/members', pattern: markdown }))),
    schema: membersSchema,
  }),
  pages: defineCollection({
    loader: withImageChecks(glob({ base: './content/pages', pattern: markdown })),
    schema: pagesSchema,
  }),
  settings: defineCollection({
    loader: glob({ base: './content/settings', pattern: '*.{yml,yaml}' }),
    schema: settingsSchema,
  }),
};
