import { getImage } from 'astro:assets';
import type { ImageMetadata } from 'astro';
import stylesheet from '../styles/global.css?raw';
import { readPageBackground } from './page-background';

export { HERO_WIDTHS, chooseWidths } from './hero-widths';

/** The page background of the built site, e.g. `#ffffff` (the stylesheet's `--page`). */
export const PAGE_BACKGROUND = readPageBackground(stylesheet);

/** Formats every hero is made in: AVIF and WebP keep transparency, JPEG cannot. */
export type HeroFormat = 'avif' | 'webp' | 'jpeg';

/**
 * One optimised copy of `src`. Every JPEG is flattened onto the page background:
 * JPEG has no alpha channel, and a transparent logo would otherwise get black
 * where it was clear.
 */
export function getHeroImage(src: ImageMetadata, width: number, format: HeroFormat) {
  return getImage({
    src,
    width,
    format,
    ...(format === 'jpeg' ? { background: PAGE_BACKGROUND } : {}),
  });
}

/** A `srcset` of `src` in one format at each width. */
export async function buildSrcset(
  src: ImageMetadata,
  widths: readonly number[],
  format: HeroFormat,
): Promise<string> {
  const images = await Promise.all(widths.map((width) => getHeroImage(src, width, format)));
  return images.map((image, i) => `${image.src} ${widths[i]}w`).join(', ');
}

/** Absolute URL of a JPEG for link previews (og:image), at most 1280 px wide. */
export async function buildShareImageUrl(src: ImageMetadata, site: URL): Promise<string> {
  const image = await getHeroImage(src, Math.min(1280, src.width), 'jpeg');
  return new URL(image.src, site).href;
}
