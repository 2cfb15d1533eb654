import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { USABLE_IMAGE_PATTERN, findUploadProblems } from '../../src/cms/upload-check';
import { makeHeic } from '../support/images';

const jpeg = new Uint8Array(
  await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
    .jpeg()
    .toBuffer(),
);
const heic = new Uint8Array(await makeHeic());

describe('findUploadProblems', () => {
  it('lets usable pictures through, whatever the case of their ending', async () => {
    expect(
      await findUploadProblems([new File([jpeg], 'IMG_0001.JPG'), new File([jpeg], 'a.jpeg')]),
    ).toEqual([]);
  });

  it('refuses a HEIC photo by its name, saying what to do', async () => {
    const [problem] = await findUploadProblems([
      new File([heic], 'img-0420.heic', { type: 'image/heic' }),
    ]);
    expect(problem).toMatch(
      /^“img-0420\.heic” is a HEIC photo \(the iPhone camera format\), which the website cannot use\. On the iPhone, share the photo as JPEG/,
    );
    expect(problem).toContain('The website can use JPEG, PNG, WebP, AVIF, GIF or TIFF images.');
  });

  it('refuses a HEIC photo renamed to .jpg by its first bytes', async () => {
    expect(
      await findUploadProblems([new File([heic], 'img-0420.jpg', { type: 'image/jpeg' })]),
    ).toEqual([expect.stringMatching(/^“img-0420\.jpg” ends in \.jpg but is really a HEIC photo/)]);
  });

  it('names each refused file of several', async () => {
    const problems = await findUploadProblems([
      new File([jpeg], 'ok.jpg'),
      new File(['8BPS'], 'poster.psd'),
      new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'logo.svg'),
      new File(['not a picture'], 'notes.png'),
    ]);
    expect(problems.map((p) => p.slice(0, p.indexOf('”') + 1))).toEqual([
      '“poster.psd”',
      '“logo.svg”',
      '“notes.png”',
    ]);
  });
});

describe('the hero field’s pattern', () => {
  const [source, message] = USABLE_IMAGE_PATTERN;
  // Decap tests the pattern as RegExp(pattern) without flags.
  const pattern = new RegExp(source);

  it.each([
    './images/a.jpg',
    './images/B.JPEG',
    'c.Png',
    'd.webp',
    'e.AVIF',
    'f.gif',
    'g.tif',
    'h.TIFF',
  ])('accepts %s', (value) => expect(pattern.test(value)).toBe(true));

  it.each(['./images/img-0420.heic', 'a.HEIC', 'b.psd', 'c.svg', 'd.jpg.heic', 'e.jpgx', 'noext'])(
    'refuses %s',
    (value) => expect(pattern.test(value)).toBe(false),
  );

  it('says which formats work and names the usual culprit', () => {
    expect(message).toBe(
      'Choose a JPEG, PNG, WebP, AVIF, GIF or TIFF image: the website cannot use other formats, such as HEIC photos from an iPhone.',
    );
  });
});
