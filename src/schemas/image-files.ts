import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader, LoaderContext } from 'astro/loaders';
import { z } from 'astro/zod';
import sharp from 'sharp';
import { checkImageFormat, checkImageName, sniffImageFormat } from '../lib/image-formats';
import { isLocalFile, listBodyImages } from '../lib/markdown-images';

/**
 * An image path in frontmatter (`./images/photo.jpg`), refused with a message naming the
 * file and the formats that work before Astro's `image()` helper sees it: given a format
 * it cannot use (HEIC, PSD, ...), Astro fails later with `LocalImageUsedWrongly`, which
 * names neither. `image` is Astro's helper, or a plain string schema in tests; generic, so
 * the result keeps that schema's type (Astro's `ImageMetadata` on the site).
 */
export const imagePath = <Image extends z.ZodTypeAny>(image: () => Image) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = checkImageName(value);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem, fatal: true });
    })
    .pipe(image());

/** What the build needs to know of an image file before optimising it. */
export interface ImageFileInfo {
  /** Real format: sharp's reading (AVIF and HEIC are both `heif` to sharp, told apart by
   * their compression), or the first bytes when sharp cannot read it; null when neither
   * knows the file. */
  format: string | null;
  /** Frames: more than 1 for an animated GIF, WebP or AVIF. */
  pages: number;
}

/** Reads the real format and frame count of `file`; rejects when it cannot be read. */
export async function readImageInfo(file: string): Promise<ImageFileInfo> {
  const bytes = await readFile(file);
  try {
    const { format, compression, pages } = await sharp(bytes).metadata();
    if (format === 'heif') return { format: compression === 'av1' ? 'avif' : 'heic', pages: 1 };
    if (format) return { format, pages: pages ?? 1 };
  } catch {
    // Not readable by sharp (a HEVC-coded HEIC, a Photoshop file): the header tells.
  }
  return { format: sniffImageFormat(bytes.subarray(0, 64)), pages: 1 };
}

/** The real format of an image file (see {@link ImageFileInfo.format}). */
export async function readImageFormat(file: string): Promise<string | null> {
  return (await readImageInfo(file)).format;
}

/**
 * Why a moving picture cannot be a hero: its AVIF and JPEG copies would show every
 * frame stacked one above the other (Astro reads all frames; neither format animates).
 */
export function checkStillImage(fileName: string, pages: number): string | null {
  if (pages <= 1) return null;
  const name = fileName.split(/[\\/]/).pop();
  return `“${name}” is an animated picture (${pages} frames), which cannot be a hero image: choose a still JPEG or PNG. An animation can go in the text instead.`;
}

/**
 * Every problem with the local images one entry uses: `fields` of its frontmatter and
 * the images in its markdown body, each line naming the entry file, the field and the
 * image. The names are checked here too because the schema never sees the body.
 */
export async function findImageProblems(
  entryFile: string,
  data: Record<string, unknown>,
  fields: readonly string[],
  root: string,
): Promise<string[]> {
  const body = await readFile(entryFile, 'utf8')
    .then((text) => text.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---/, ''))
    .catch(() => '');
  const references = [
    ...fields.flatMap((field) => {
      const value = data[field];
      return typeof value === 'string' ? [{ field, image: value.trim() }] : [];
    }),
    ...listBodyImages(body).map((image) => ({ field: 'body', image })),
  ].filter(({ image }) => image && isLocalFile(image));

  const where = path.relative(root, entryFile).split(path.sep).join('/');
  const problems: string[] = [];
  for (const { field, image } of references) {
    const label = field === 'body' ? 'an image in the text' : `field "${field}"`;
    const named = checkImageName(image);
    if (named) {
      // The schema reports a bad frontmatter name itself, with Astro's pointer to the line.
      if (field === 'body') problems.push(`${where}, ${label}: ${named}`);
      continue;
    }
    const file = path.resolve(path.dirname(entryFile), decodeURI(image));
    const info = await readImageInfo(file).catch(() => undefined);
    if (info === undefined) continue; // missing: Astro says so, naming the path.
    const problem =
      checkImageFormat(image, info.format) ??
      (field === 'body' ? null : checkStillImage(image, info.pages));
    if (problem) problems.push(`${where}, ${label}: ${problem}`);
  }
  return problems;
}

/**
 * Wraps a file loader (such as `glob()`) so that every local image an entry uses is
 * checked for a format the build can use before Astro's image pipeline meets it,
 * including a file whose name says JPEG but whose bytes are HEIC. The build stops with
 * one line per problem instead of an image-service error that names no entry.
 */
export function withImageChecks(loader: Loader, fields: readonly string[] = []): Loader {
  return {
    ...loader,
    load: (context: LoaderContext) => {
      const root = fileURLToPath(context.config.root);
      return loader.load({
        ...context,
        parseData: async (props) => {
          if (props.filePath) {
            const problems = await findImageProblems(props.filePath, props.data, fields, root);
            if (problems.length > 0) {
              throw new Error(`An image cannot be used:\n  ${problems.join('\n  ')}`);
            }
          }
          return context.parseData(props);
        },
      });
    },
  };
}
