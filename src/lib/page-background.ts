/**
 * The page's background colour, read from the site stylesheet's `--page` custom property,
 * so JPEG copies of transparent images are flattened onto the colour the page shows
 * around them (JPEG has no transparency; unflattened, clear pixels turn black).
 * src/lib/images.ts applies it to the stylesheet as built.
 */

/**
 * The `--page` colour declared in `css` (a `#rgb` or `#rrggbb` hex value).
 * Throws when it is missing or not hex, so a changed stylesheet cannot silently
 * turn transparent heroes black.
 */
export function readPageBackground(css: string): string {
  const match = /--page:\s*(#[0-9a-f]{3}(?:[0-9a-f]{3})?)\s*;/i.exec(css);
  if (!match) {
    throw new Error(
      'src/styles/global.css must declare --page: #rrggbb (the page background that JPEG copies of transparent images are flattened onto)',
    );
  }
  return match[1].toLowerCase();
}
