// The site's image service: Astro's sharp service with AVIF encoded at a set effort.
import sharpService from 'astro/assets/services/sharp';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashTransform } from 'astro/assets/utils';
import imageService, { AVIF_EFFORT, AVIF_EFFORT_OPTION } from '../../src/lib/image-service.ts';
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

describe('names of the copies (Astro’s hash of the options, which keys its image cache)', () => {
  const imageConfig = { service: config.service } as unknown as Parameters<
    NonNullable<typeof imageService.validateOptions>
  >[1];
  const src = { src: '/photo.jpg', width: 1600, height: 900, format: 'jpg' as const };

  async function hashOf(options: Partial<Transform>, effort?: number) {
    const valid = await imageService.validateOptions!({ src, ...options }, imageConfig);
    const options_ = effort === undefined ? valid : { ...valid, [AVIF_EFFORT_OPTION]: effort };
    return hashTransform(options_, config.service.entrypoint, imageService.propertiesToHash ?? []);
  }

  it('of an AVIF copy change with the encoder effort, so a new effort is not served from the cache', async () => {
    const valid = await imageService.validateOptions!(
      { src, width: 480, format: 'avif' },
      imageConfig,
    );
    expect(valid).toMatchObject({ [AVIF_EFFORT_OPTION]: AVIF_EFFORT });
    expect(await hashOf({ width: 480, format: 'avif' })).not.toBe(
      await hashOf({ width: 480, format: 'avif' }, AVIF_EFFORT + 1),
    );
  });

  it.each<[string, Partial<Transform>]>([
    ['WebP', { width: 480, format: 'webp' }],
    ['AVIF at a set quality (encoded by Astro)', { width: 480, format: 'avif', quality: 80 }],
    [
      'AVIF cropped to fit (encoded by Astro)',
      { width: 400, height: 400, fit: 'cover', format: 'avif' },
    ],
  ])(
    'of %s carry no effort: their names stay as Astro’s own service gives them',
    async (_, options) => {
      const valid = await imageService.validateOptions!({ src, ...options }, imageConfig);
      expect(valid).not.toHaveProperty(AVIF_EFFORT_OPTION);
      const astros = await sharpService.validateOptions!({ src, ...options }, imageConfig);
      expect(await hashOf(options)).toBe(
        hashTransform(astros, config.service.entrypoint, imageService.propertiesToHash ?? []),
      );
    },
  );

  it('never reach the <img> as an attribute', async () => {
    const valid = await imageService.validateOptions!(
      { src, width: 480, format: 'avif', alt: 'A photo' },
      imageConfig,
    );
    const attributes = await imageService.getHTMLAttributes!(valid, imageConfig);
    expect(attributes).not.toHaveProperty(AVIF_EFFORT_OPTION);
    expect(attributes).toMatchObject({ alt: 'A photo', width: 480 });
  });
});
