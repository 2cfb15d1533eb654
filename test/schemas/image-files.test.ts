import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'astro/zod';
import sharp from 'sharp';
import {
  findImageProblems,
  imagePath,
  readImageFormat,
  withImageChecks,
} from '../../src/schemas/image-files';
import { newsSchema } from '../../src/schemas/news';
import { makeHeic, makeTransparentLogo } from '../support/images';

const root = mkdtempSync(path.join(os.tmpdir(), 'image-files-'));
const entryDir = path.join(root, 'content/news');
const entry = path.join(entryDir, 'an-article.md');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeImage(name: string, bytes: Uint8Array | string): void {
  mkdirSync(path.join(entryDir, 'images'), { recursive: true });
  writeFileSync(path.join(entryDir, 'images', name), bytes);
}

function writeEntry(frontmatter: string, body = 'Body.'): void {
  mkdirSync(entryDir, { recursive: true });
  writeFileSync(entry, `---\n${frontmatter}\n---\n\n${body}\n`);
}

beforeAll(async () => {
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .jpeg()
    .toBuffer();
  writeImage('photo.jpg', jpeg);
  writeImage('photo-named-png.png', jpeg);
  writeImage('logo.png', await makeTransparentLogo('png', 160));
  writeImage('logo.avif', await makeTransparentLogo('avif', 160));
  writeImage('img-0420.jpg', await makeHeic());
  writeImage('poster.png', Buffer.from('8BPS\0\x01\0\0\0\0\0\0\0\x03', 'latin1'));
  writeImage('damaged.jpg', 'this is not a picture');
  const frame = (colour: string) =>
    sharp({ create: { width: 20, height: 10, channels: 4, background: colour } })
      .png()
      .toBuffer();
  const frames = [await frame('#ff0000'), await frame('#0000ff')];
  writeImage(
    'moving.gif',
    await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer(),
  );
  writeImage(
    'moving.webp',
    await sharp(frames, { join: { animated: true } })
      .webp()
      .toBuffer(),
  );
});

describe('imagePath in the news schema', () => {
  const schema = newsSchema(() => z.string());
  const valid = { title: 'A', date: '2024-03-01', summary: 'S.', imageAlt: 'A logo' };

  it('passes a usable image on to Astro’s image helper', () => {
    expect(schema.parse({ ...valid, image: './images/photo.jpg' }).image).toBe(
      './images/photo.jpg',
    );
  });

  it.each(['./images/img-0420.heic', './images/poster.psd', './images/logo.svg'])(
    'refuses %s before Astro’s helper sees it, naming the file and the formats that work',
    (image) => {
      let reached = false;
      const guarded = imagePath(() => z.string().refine(() => (reached = true)));
      const result = guarded.safeParse(image);
      expect(result.success).toBe(false);
      expect(reached).toBe(false);
      const message = result.error!.issues[0].message;
      expect(message).toContain(`“${path.basename(image)}”`);
      expect(message).toContain('The website can use JPEG, PNG, WebP, AVIF, GIF or TIFF images.');
      const fieldErrors = schema.safeParse({ ...valid, image }).error!.flatten().fieldErrors;
      expect(fieldErrors.image).toEqual([message]);
    },
  );
});

describe('readImageFormat', () => {
  it('reads the real format with sharp, telling AVIF from HEIC', async () => {
    const file = (name: string) => path.join(entryDir, 'images', name);
    expect(await readImageFormat(file('photo.jpg'))).toBe('jpeg');
    expect(await readImageFormat(file('photo-named-png.png'))).toBe('jpeg');
    expect(await readImageFormat(file('logo.png'))).toBe('png');
    expect(await readImageFormat(file('logo.avif'))).toBe('avif');
    expect(await readImageFormat(file('img-0420.jpg'))).toBe('heic');
  });

  it('falls back on the first bytes when sharp cannot read the file', async () => {
    expect(await readImageFormat(path.join(entryDir, 'images', 'poster.png'))).toBe('psd');
    expect(await readImageFormat(path.join(entryDir, 'images', 'damaged.jpg'))).toBeNull();
  });
});

describe('findImageProblems', () => {
  const problemsOf = async (frontmatter: string, body?: string) => {
    writeEntry(frontmatter, body);
    const data = Object.fromEntries(
      frontmatter.split('\n').map((line) => line.split(': ') as [string, string]),
    );
    return findImageProblems(entry, data, ['image'], root);
  };

  it('finds nothing wrong with usable images, whatever their ending says', async () => {
    expect(
      await problemsOf(
        'image: ./images/photo-named-png.png',
        '![A logo](./images/logo.png) and ![remote](https://example.org/a.heic) ![site](/a.heic)',
      ),
    ).toEqual([]);
  });

  it('names the entry, the field and the file of a HEIC photo named .jpg', async () => {
    expect(await problemsOf('image: ./images/img-0420.jpg')).toEqual([
      expect.stringMatching(
        /^content\/news\/an-article\.md, field "image": “img-0420\.jpg” ends in \.jpg but is really a HEIC photo .* The website can use JPEG, PNG, WebP, AVIF, GIF or TIFF images\.$/,
      ),
    ]);
  });

  it('checks the images in the text too, by name and by content', async () => {
    const problems = await problemsOf(
      'title: x',
      'Intro.\n\n![Poster](./images/poster.png "The poster")\n\n![Phone](<./images/img-0420.heic>)\n\n![Broken](./images/damaged.jpg)',
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^content\/news\/an-article\.md, an image in the text: “poster\.png” ends in \.png but is really a Photoshop file/,
      ),
      expect.stringMatching(
        /^content\/news\/an-article\.md, an image in the text: “img-0420\.heic” is a HEIC photo/,
      ),
      expect.stringMatching(
        /an image in the text: “damaged\.jpg” ends in \.jpg but is not a picture the website can read/,
      ),
    ]);
  });

  it.each(['moving.gif', 'moving.webp'])(
    'refuses the animated %s as a hero, whose AVIF and JPEG copies would stack its frames',
    async (name) => {
      expect(await problemsOf(`image: ./images/${name}`)).toEqual([
        `content/news/an-article.md, field "image": “${name}” is an animated picture (2 frames), which cannot be a hero image: choose a still JPEG or PNG. An animation can go in the text instead.`,
      ]);
    },
  );

  it('accepts an animation in the text, which is published as animated WebP', async () => {
    expect(await problemsOf('title: x', '![Moving](./images/moving.gif)')).toEqual([]);
  });

  it('leaves a wrongly named frontmatter image to the schema and a missing one to Astro', async () => {
    expect(await problemsOf('image: ./images/img-0420.heic')).toEqual([]);
    expect(await problemsOf('image: ./images/not-there.jpg')).toEqual([]);
  });
});

describe('withImageChecks', () => {
  it('stops the load with every problem before the schema runs', async () => {
    writeEntry('image: ./images/img-0420.jpg');
    let parsed = false;
    const loader = withImageChecks(
      {
        name: 'fake',
        load: async (context) => {
          await context.parseData({
            id: 'an-article',
            data: { image: './images/img-0420.jpg' },
            filePath: entry,
          });
        },
      },
      ['image'],
    );
    const context = {
      config: { root: new URL(`file://${root}/`) },
      parseData: () => {
        parsed = true;
        return Promise.resolve({});
      },
    } as unknown as Parameters<typeof loader.load>[0];
    await expect(loader.load(context)).rejects.toThrow(
      /An image cannot be used:\n {2}content\/news\/an-article\.md, field "image": “img-0420\.jpg” ends in \.jpg but is really a HEIC photo/,
    );
    expect(parsed).toBe(false);
  });
});
