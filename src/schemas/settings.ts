import { z } from 'astro/zod';

const linkSchema = z.object({
  /** Text of the link. */
  label: z.string().trim().min(1),
  /** Where it goes. */
  url: z.string().trim().min(1),
});

/** A required email address, with messages that name the field. */
const emailField = (name: string) =>
  z
    .string({ required_error: `${name} is required: give an email address` })
    .trim()
    .email(`${name} must be an email address, e.g. enquiries@example.org`);

/** Site-wide settings (`content/settings/site.yml`). */
export const settingsSchema = z.object({
  /** Name of the association, shown in the header and page titles. */
  siteName: z.string().trim().min(1),
  /** Short line under the name. */
  tagline: z.string().trim().optional(),
  /** Banner shown on every public page while `enabled` is true. */
  notice: z.object({
    enabled: z.boolean().default(false),
    title: z.string().trim().min(1),
    text: z.string().trim().min(1),
    link: z.string().trim().optional(),
  }),
  /** General enquiries address. */
  contactEmail: emailField('contactEmail'),
  /** Where "send feedback about this page" goes. */
  feedbackEmail: emailField('feedbackEmail'),
  /** Social media accounts. */
  social: z.array(linkSchema).default([]),
  /** Community links (e.g. charities, welfare services). */
  community: z.array(linkSchema).default([]),
});

export type SiteSettings = z.output<typeof settingsSchema>;
