import { z } from 'astro/zod';
import { dateField } from './date';
import { imagePath } from './image-files';

/**
 * Frontmatter of a news article (`content/news/<slug>.md`).
 * `image` is resolved by astro:assets so every hero is optimised; pass a plain
 * string schema instead of `image()` where no Astro context exists (tests). Generic, so
 * the image field keeps the type of the schema given (Astro's `ImageMetadata` on the site).
 */
export const newsSchema = <Image extends z.ZodTypeAny>(image: () => Image) =>
  z
    .object({
      /** Headline shown on the page, in lists and in the browser tab. */
      title: z.string().trim().min(1, 'Give the article a title'),
      /** Publication date, e.g. 2024-03-01. */
      date: dateField(),
      /** One or two sentences for lists, search results and the public teaser. */
      summary: z.string().trim().min(1, 'Write a short summary'),
      /** Who wrote or is quoted as the source of the article. */
      author: z.string().trim().optional(),
      /** The author's role, e.g. "Chair". */
      authorRole: z.string().trim().optional(),
      /** Hero image beside the entry (./images/...), in a format the build can use. */
      image: imagePath(image).optional(),
      /** Text alternative for the hero image: required whenever there is an image. */
      imageAlt: z.string().trim().optional(),
      /** Topics, used for related articles. */
      tags: z.array(z.string().trim().min(1)).optional(),
      /** When true the public sees only title and summary; members read the full text. */
      membersOnly: z.boolean().default(false),
      /** When true the page warns that it may be out of date. */
      archived: z.boolean().default(false),
      /** Drafts are not published. */
      draft: z.boolean().default(false),
      /**
       * Email this article to newsletter subscribers when it is published: the
       * first live deploy that holds it queues it, once ever.
       */
      newsletter: z.boolean().default(false),
    })
    .superRefine((entry, ctx) => {
      if (entry.image && !entry.imageAlt) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['imageAlt'],
          message:
            'Describe the image for people who cannot see it (imageAlt is required with image)',
        });
      }
    });
