/** Image files for tests, made with sharp: transparent logos, a HEIC photo, a phone photo. */
import sharp from 'sharp';

/** Page background the JPEG copies must be flattened onto (src/styles/global.css `--page`). */
export const NAVY = { r: 0x0b, g: 0x24, b: 0x47 };

/** Lossless settings that keep the alpha channel (sharp's TIFF default, JPEG, drops it). */
const FORMAT_OPTIONS = {
  png: {},
  gif: {},
  webp: { lossless: true },
  avif: { lossless: true },
  tiff: { compression: 'lzw' },
} as const;

/**
 * A 16:9 logo `width` wide (1600 unless given): a navy square in the middle of a fully
 * transparent canvas, in `format` (png, webp, avif, gif or tiff, all with alpha).
 */
export async function makeTransparentLogo(
  format: 'png' | 'webp' | 'avif' | 'gif' | 'tiff',
  width = 1600,
): Promise<Buffer> {
  const height = Math.round((width * 9) / 16);
  const side = Math.round(width / 4);
  const square = await sharp({
    create: { width: side, height: side, channels: 4, background: { ...NAVY, alpha: 1 } },
  })
    .png()
    .toBuffer();
  return sharp({
    create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
  })
    .composite([{ input: square, left: (width - side) / 2, top: Math.round((height - side) / 2) }])
    .toFormat(format, FORMAT_OPTIONS[format])
    .toBuffer();
}

/**
 * A HEIC photo as far as any reader can tell: an AV1-coded HEIF (all sharp can write)
 * whose brands say `heic`, so sharp reports it as HEIF with HEVC compression, browsers
 * and Decap see `ftypheic`, and Astro cannot use it.
 */
export async function makeHeic(): Promise<Buffer> {
  const bytes = Buffer.from(
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#19376d' } })
      .avif()
      .toBuffer(),
  );
  const size = bytes.readUInt32BE(0);
  for (let at = 8; at < size; at += 4) {
    if (bytes.toString('latin1', at, at + 4) === 'avif') bytes.write('heic', at, 'latin1');
  }
  return bytes;
}

/**
 * A phone-sized photo, `width`×`height`: noise at three scales (broad patches, details,
 * grain), so that, like a real photo, it still has structure once shrunk to a hero and
 * JPEG cannot squeeze it much. At quality 90 a 6000×4000 picture weighs about 12 MB, as
 * phones write them.
 */
export async function makePhonePhoto(width = 6000, height = 4000): Promise<Buffer> {
  const layer = (w: number, h: number, sigma: number) =>
    sharp({
      create: {
        width: w,
        height: h,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma },
      },
    })
      .resize(width, height, { kernel: 'cubic' })
      .raw()
      .toBuffer();
  const [broad, detail, grain] = await Promise.all([
    layer(Math.ceil(width / 100), Math.ceil(height / 100), 70),
    layer(Math.ceil(width / 10), Math.ceil(height / 10), 50),
    layer(width, height, 60),
  ]);
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = Math.round(broad[i] * 0.4 + detail[i] * 0.25 + grain[i] * 0.35);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}
