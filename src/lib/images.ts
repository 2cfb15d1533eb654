import { getImage } from 'astro:assets';
import type { ImageMetadata } from 'astro';

/** Widths generated for every hero; larger than the source are skipped (never upscale). */
export const HERO_WIDTHS = [480, 720, 960, 1280] as const;

/** Widths to generate for `src`: the standard ones it can fill, or its own width if smaller. */
export function chooseWidths(
  src: ImageMetadata,
  widths: readonly number[] = HERO_WIDTHS,
): number[] {
  const usable = widths.filter((w) => w <= src.width);
  return usable.length > 0 ? usable : [src.width];
}

/** A `srcset` of `src` in one format at each width. */
export async function buildSrcset(
  src: ImageMetadata,
  widths: readonly number[],
  format: 'avif' | 'webp' | 'jpeg',
): Promise<string> {
  const images = await Promise.all(widths.map((width) => getImage({ src, width, format })));
  return images.map((image, i) => `${image.src} ${widths[i]}w`).join(', ');
}

/** Absolute URL of a JPEG for link previews (og:image), at most 1280 px wide. */
export async function buildShareImageUrl(src: ImageMetadata, site: URL): Promise<string> {
  const image = await getImage({ src, width: Math.min(1280, src.width), format: 'jpeg' });
  return new URL(image.src, site).href;
}
