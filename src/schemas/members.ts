import { z } from 'astro/zod';
import { dateField } from './date';

/** Frontmatter of a members-only page (`content/members/<slug>.md`): always sealed. */
export const membersSchema = z.object({
  /** Page title. */
  title: z.string().trim().min(1, 'Give the page a title'),
  /** One or two sentences for the members index. */
  summary: z.string().trim().min(1, 'Write a short summary'),
  /** Date the guidance was written or last reviewed. */
  date: dateField(),
  /** Section of the members area, e.g. "Welfare" or "Legal". */
  category: z.string().trim().min(1, 'Choose a category'),
  /** Drafts are not published. */
  draft: z.boolean().default(false),
});
