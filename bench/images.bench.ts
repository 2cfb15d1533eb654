// What a full-size phone photo costs the build: the 12 hero copies (AVIF, WebP and JPEG at
// 480, 720, 960 and 1280 px) made by the site's image service (src/lib/image-service.ts),
// for a 6000×4000 photo of about 12 MB beside a 1600×900 one, as a ratio. Both are made
// of noise at three scales (test/support/images.ts): harder to compress than most real
// photos.
import imageService from '../src/lib/image-service.ts';
import { HERO_WIDTHS } from '../src/lib/hero-widths.ts';
import { makePhonePhoto } from '../test/support/images.ts';

const FORMATS = ['avif', 'webp', 'jpeg'] as const;

/** What Astro hands its image service for one copy. */
type Transform = Parameters<typeof imageService.transform>[1];

/** Seconds and bytes for every hero copy of `photo`, made one after the other. */
async function makeHeroCopies(photo: Buffer) {
  const sizes: Record<string, number> = {};
  const started = performance.now();
  for (const format of FORMATS) {
    for (const width of HERO_WIDTHS) {
      const transform = {
        src: 'bench.jpg',
        width,
        format,
        ...(format === 'jpeg' ? { background: '#ffffff' } : {}),
      } as Transform;
      const { data } = await imageService.transform(new Uint8Array(photo), transform, {
        service: { entrypoint: './src/lib/image-service.ts', config: {} },
      } as never);
      sizes[`${format} ${width}`] = data.byteLength;
    }
  }
  return { seconds: (performance.now() - started) / 1000, sizes };
}

export async function run(): Promise<Record<string, number | string>> {
  const phone = await makePhonePhoto();
  const standard = await makePhonePhoto(1600, 900);
  const big = await makeHeroCopies(phone);
  const small = await makeHeroCopies(standard);
  return {
    'phone photo 6000×4000 (MB)': Number((phone.length / 1e6).toFixed(1)),
    'phone photo: 12 hero copies (s)': Number(big.seconds.toFixed(1)),
    '1600×900 photo: 12 hero copies (s)': Number(small.seconds.toFixed(1)),
    'phone / 1600×900 time ratio': Number((big.seconds / small.seconds).toFixed(1)),
    'phone photo: largest copy (KiB)': Math.round(Math.max(...Object.values(big.sizes)) / 1024),
    'phone photo: 960px AVIF (KiB)': Math.round(big.sizes['avif 960'] / 1024),
  };
}
