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
