import { z } from 'astro/zod';

/** Frontmatter of a careers role (`content/careers/<slug>.md`). */
export const careersSchema = z.object({
  /** Name of the role, e.g. "Special Constables". */
  title: z.string().trim().min(1, 'Give the role a title'),
  /** One or two sentences for the careers index. */
  summary: z.string().trim().min(1, 'Write a short summary'),
  /** Position on the careers index, smallest first. */
  order: z
    .number({
      required_error: 'Give the role an order (1 comes first)',
      invalid_type_error: 'order must be a whole number',
    })
    .int('order must be a whole number'),
  /** Short selling points shown as a list. */
  highlights: z.array(z.string().trim().min(1)).default([]),
  /** Where to apply, if the role is open. */
  applyUrl: z.string().url('applyUrl must be a full web address (https://...)').optional(),
  /** Archived roles carry an "archived, may be out of date" notice. */
  archived: z.boolean().default(false),
});
