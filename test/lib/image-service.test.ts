// The site's image service: Astro's sharp service with AVIF encoded at a set effort.
import sharpService from 'astro/assets/services/sharp';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import imageService, { AVIF_EFFORT } from '../../src/lib/image-service.ts';
import { makePhonePhoto, makeTransparentLogo } from '../support/images.ts';

type Transform = Parameters<typeof imageService.transform>[1];
type Config = Parameters<typeof imageService.transform>[2];

const config = { service: { entrypoint: './src/lib/image-service.ts', config: {} } } as Config;

function transform(input: Buffer, options: Partial<Transform>) {
  return imageService.transform(new Uint8Array(input), { src: 'photo.jpg', ...options }, config);
}

let photo: Buffer;

beforeAll(async () => {
  photo = await makePhonePhoto(1600, 900);
});

describe('AVIF copies', () => {
  it('are the photo resized and encoded at the set effort, not sharp’s default', async () => {
    const { data, format } = await transform(photo, { width: 480, format: 'avif' });
    expect(format).toBe('avif');
    const expected = await sharp(photo)
      .resize({ width: 480 })
      .avif({ effort: AVIF_EFFORT })
      .toBuffer();
    const atDefault = await sharp(photo).resize({ width: 480 }).avif().toBuffer();
    expect(Buffer.from(data).equals(expected)).toBe(true);
    expect(Buffer.from(data).equals(atDefault)).toBe(false);
    expect(await sharp(data).metadata()).toMatchObject({ width: 480, height: 270 });
  });

  it('turn a photo the way its EXIF orientation says, as Astro does', async () => {
    // Orientation 6: the camera was turned; the stored pixels must be rotated 90° to show it.
    const turned = await sharp(photo).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const { data } = await transform(turned, { width: 450, format: 'avif' });
    expect(await sharp(data).metadata()).toMatchObject({ width: 450, height: 800 });
  });

  it('are made here for the dev server too, whose URLs give null for unset options', async () => {
    const url = new URL('http://localhost/_image/?href=%2Fphoto.jpg&w=480&h=270&f=avif');
    const options = sharpService.parseURL(url, config) as Transform;
    expect(options).toMatchObject({ quality: null, fit: null });
    const { data, format } = await imageService.transform(new Uint8Array(photo), options, config);
    expect(format).toBe('avif');
    const expected = await sharp(photo)
      .resize({ width: 480 })
      .avif({ effort: AVIF_EFFORT })
      .toBuffer();
    expect(Buffer.from(data).equals(expected)).toBe(true);
  });

  it('can be sized by height alone', async () => {
    const { data } = await transform(photo, { height: 360, format: 'avif' });
    expect(await sharp(data).metadata()).toMatchObject({ width: 640, height: 360 });
  });

  it('keep a transparent background transparent', async () => {
    const logo = await makeTransparentLogo('png', 800);
    const { data } = await transform(logo, { width: 480, format: 'avif' });
    const { channels } = await sharp(data).metadata();
    expect(channels).toBe(4);
    const corner = await sharp(data)
      .extract({ left: 0, top: 0, width: 1, height: 1 })
      .raw()
      .toBuffer();
    expect(corner[3]).toBe(0);
  });
});

describe('everything else is Astro’s own sharp service', () => {
  it.each<[string, Partial<Transform>]>([
    ['WebP', { width: 480, format: 'webp' }],
    ['JPEG on a background', { width: 480, format: 'jpeg', background: '#ffffff' }],
    ['AVIF cropped to fit', { width: 400, height: 400, fit: 'cover', format: 'avif' }],
    ['AVIF at a set quality', { width: 480, format: 'avif', quality: 80 }],
  ])('%s', async (_, options) => {
    const ours = await transform(photo, options);
    const astros = await sharpService.transform(
      new Uint8Array(photo),
      { src: 'photo.jpg', ...options },
      config,
    );
    expect(ours.format).toBe(astros.format);
    expect(Buffer.from(ours.data).equals(Buffer.from(astros.data))).toBe(true);
  });
});
