// Images editors upload, built for real in a copy of the site: transparent heroes in
// every format with alpha, a full-size phone photo, members-only heroes and text images
// (one shared with a public article), and formats the build cannot use.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles } from '../../src/integrations/sealed/public-output';
import { readPageBackground } from '../../src/lib/page-background';
import { makeHeic, makePhonePhoto, makeTransparentLogo, NAVY } from '../support/images';
import { attr, findTags, metaContent } from './support/dist';
import { createTempProject, type TempProject } from './support/temp-project';

const TRANSPARENT = ['png', 'webp', 'avif', 'gif', 'tiff'] as const;
const pageBackground = readPageBackground(
  readFileSync(path.resolve(import.meta.dirname, '../../src/styles/global.css'), 'utf8'),
);
const background = {
  r: parseInt(pageBackground.slice(1, 3), 16),
  g: parseInt(pageBackground.slice(3, 5), 16),
  b: parseInt(pageBackground.slice(5, 7), 16),
};

function article(slug: string, fields: Record<string, string | boolean>, body: string): string {
  const lines = Object.entries({
    title: `Image check ${slug}`,
    date: '2026-11-20',
    summary: `Checks how the site builds ${slug}.`,
    ...fields,
  }).map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : value}`);
  return `---\n${lines.join('\n')}\n---\n\n${body}\n`;
}

function writeFile(project: TempProject, relative: string, bytes: Buffer | string): void {
  const file = path.join(project.dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

let project: TempProject;
let build: { code: number | null; output: string };
let dist: string;
let sealed: string;
let phoneBytes: Buffer;
let membersHero: Buffer;
let membersChart: Buffer;

beforeAll(async () => {
  project = createTempProject('images-site-', ['src/pages/admin']);
  dist = path.join(project.dir, 'dist');
  sealed = path.join(project.dir, 'sealed');
  for (const format of TRANSPARENT) {
    writeFile(
      project,
      `content/news/images/logo-${format}.${format}`,
      await makeTransparentLogo(format),
    );
    writeFile(
      project,
      `content/news/logo-${format}.md`,
      article(
        `logo-${format}`,
        { image: `./images/logo-${format}.${format}`, imageAlt: 'A navy square' },
        'A logo on a clear background.',
      ),
    );
  }
  phoneBytes = await makePhonePhoto();
  writeFile(project, 'content/news/images/img-0420.jpg', phoneBytes);
  writeFile(
    project,
    'content/news/phone-photo.md',
    article(
      'phone-photo',
      { image: './images/img-0420.jpg', imageAlt: 'Officers at a briefing' },
      'Straight from a phone.',
    ),
  );
  membersHero = await sharp({
    create: { width: 1400, height: 800, channels: 3, background: '#7a1f5c' },
  })
    .jpeg()
    .toBuffer();
  membersChart = await sharp({
    create: { width: 700, height: 400, channels: 3, background: '#1f7a3a' },
  })
    .png()
    .toBuffer();
  writeFile(project, 'content/news/images/members-hero.jpg', membersHero);
  writeFile(project, 'content/members/images/members-chart.png', membersChart);
  writeFile(
    project,
    'content/news/members-hero.md',
    article(
      'members-hero',
      { image: './images/members-hero.jpg', imageAlt: 'A plum rectangle', membersOnly: true },
      'Only members read this article about the image check.',
    ),
  );
  writeFile(
    project,
    'content/news/members-shared-hero.md',
    article(
      'members-shared-hero',
      { image: './images/logo-png.png', imageAlt: 'A navy square', membersOnly: true },
      'Only members read this one, but its hero is also public.',
    ),
  );
  writeFile(
    project,
    'content/members/image-check.md',
    `---\ntitle: Image check\nsummary: A members page with a chart.\ndate: 2026-11-20\ncategory: Welfare\n---\n\n![A green chart](./images/members-chart.png)\n`,
  );
  build = await project.build();
}, 600_000);

afterAll(() => project?.remove());

/** HTML of a built page of the copy (sealed pages from sealed/). */
function page(sitePath: string): string {
  const base = sitePath.startsWith('/members/') ? sealed : dist;
  return readFileSync(path.join(base, sitePath, 'index.html'), 'utf8');
}

/** The file a site URL names in the copy's output. */
function fileOf(url: string): string {
  const pathname = new URL(url, 'http://x').pathname;
  return pathname.startsWith('/members/') ? path.join(sealed, pathname) : path.join(dist, pathname);
}

/** Every candidate of every `srcset` and `src` inside the page's hero picture. */
function heroFiles(html: string): { type: string; url: string }[] {
  const picture = html.match(/<picture class="hero">[\s\S]*?<\/picture>/)?.[0] ?? '';
  const sources = findTags(picture, 'source').flatMap((tag) =>
    (attr(tag, 'srcset') ?? '')
      .split(',')
      .map((c) => ({ type: attr(tag, 'type')!, url: c.trim().split(/\s+/)[0] })),
  );
  const [img] = findTags(picture, 'img');
  const jpegs = img
    ? [
        attr(img, 'src')!,
        ...(attr(img, 'srcset') ?? '').split(',').map((c) => c.trim().split(/\s+/)[0]),
      ]
    : [];
  return [...sources, ...jpegs.map((url) => ({ type: 'image/jpeg', url }))];
}

/** The colour and alpha at (x, y) given as fractions of the width and height. */
async function pixelAt(file: string, fx: number, fy: number) {
  const { data, info } = await sharp(file)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const x = Math.floor(info.width * fx);
  const y = Math.floor(info.height * fy);
  const at = (y * info.width + x) * 4;
  return { r: data[at], g: data[at + 1], b: data[at + 2], alpha: data[at + 3] };
}

function expectColour(
  actual: { r: number; g: number; b: number },
  expected: typeof NAVY,
  label: string,
) {
  for (const channel of ['r', 'g', 'b'] as const) {
    expect(
      Math.abs(actual[channel] - expected[channel]),
      `${label} ${channel}`,
    ).toBeLessThanOrEqual(6);
  }
}

describe('the build with every kind of upload', () => {
  it('succeeds, the leak guard included', () => {
    expect(build.code, build.output.slice(-3000)).toBe(0);
    expect(build.output).toContain('no members-only text in the public output');
  });
});

describe.each(TRANSPARENT)('a transparent %s hero', (format) => {
  it('has JPEG copies (fallback, srcset and share picture) flattened onto the page background', async () => {
    const html = page(`/news/logo-${format}/`);
    const jpegs = heroFiles(html).filter((f) => f.type === 'image/jpeg');
    const share = metaContent(html, 'og:image')!;
    expect(share).toMatch(/\.jpe?g$/);
    expect(jpegs.length).toBeGreaterThanOrEqual(4);
    for (const url of [...new Set([...jpegs.map((f) => f.url), share])]) {
      const file = fileOf(url);
      expect((await sharp(file).metadata()).format, url).toBe('jpeg');
      expectColour(await pixelAt(file, 0.05, 0.05), background, `${url} corner`);
      expectColour(await pixelAt(file, 0.5, 0.5), NAVY, `${url} centre`);
    }
  });

  it('keeps the transparency in its AVIF and WebP copies', async () => {
    const copies = heroFiles(page(`/news/logo-${format}/`)).filter((f) => f.type !== 'image/jpeg');
    expect(copies.map((f) => f.type)).toEqual(expect.arrayContaining(['image/avif', 'image/webp']));
    for (const { url } of copies) {
      expect((await pixelAt(fileOf(url), 0.05, 0.05)).alpha, url).toBe(0);
      expect((await pixelAt(fileOf(url), 0.5, 0.5)).alpha, url).toBe(255);
    }
  });
});

describe('a 6000×4000 phone photo of about 12 MB', () => {
  it('is the size phones write', () => {
    expect(phoneBytes.length).toBeGreaterThan(10_000_000);
  });

  it('becomes copies no wider than the largest hero width, and its original is not published', async () => {
    const urls = [...new Set(heroFiles(page('/news/phone-photo/')).map((f) => f.url))];
    expect(urls.length).toBe(12);
    for (const url of urls) {
      const { width, height } = await sharp(fileOf(url)).metadata();
      expect(width, url).toBeLessThanOrEqual(1280);
      expect(Math.abs(width / height - 1.5), url).toBeLessThan(0.01);
    }
    const large = listFiles(dist).filter((f) => readFileSync(f).length > 2_000_000);
    expect(large.map((f) => path.relative(dist, f))).toEqual([]);
  });
});

describe('images of members-only content', () => {
  const publicFiles = () => listFiles(dist);
  const sameBytes = (bytes: Buffer) =>
    publicFiles().filter((f) => {
      const content = readFileSync(f);
      return content.length === bytes.length && content.equals(bytes);
    });

  it('leave no file of a members-only hero or text image in dist/', () => {
    expect(publicFiles().filter((f) => /members-(hero|chart)/.test(path.basename(f)))).toEqual([]);
    expect(sameBytes(membersHero)).toEqual([]);
    expect(sameBytes(membersChart)).toEqual([]);
  });

  it('go with the sealed pages, which point at them under /members/_assets/', () => {
    for (const [sitePath, name] of [
      ['/members/news/members-hero/', 'members-hero'],
      ['/members/image-check/', 'members-chart'],
    ] as const) {
      const html = page(sitePath);
      const urls = [...html.matchAll(/(?:src|srcset)="([^"]+)"/g)]
        .flatMap((m) => m[1].split(','))
        .map((c) => c.trim().split(/\s+/)[0])
        .filter((u) => u.includes(name));
      expect(urls.length, sitePath).toBeGreaterThan(0);
      for (const url of urls) {
        expect(url).toMatch(new RegExp(`^/members/_assets/${name}\\.`));
        expect(existsSync(fileOf(url)), url).toBe(true);
      }
      expect(html).not.toMatch(new RegExp(`/_astro/${name}`));
    }
  });

  it('leave the public teaser without a picture or a share image', () => {
    const teaser = page('/news/members-hero/');
    expect(teaser).not.toMatch(/<picture\b|<img\b/);
    expect(metaContent(teaser, 'og:image')).toBeUndefined();
    expect(teaser).not.toContain('"image"');
  });

  it('keep a hero a public article also shows public, for both pages', () => {
    const members = heroFiles(page('/members/news/members-shared-hero/'));
    const open = heroFiles(page('/news/logo-png/'));
    expect(members.map((f) => f.url).sort()).toEqual(open.map((f) => f.url).sort());
    for (const { url } of members) {
      expect(url, url).toMatch(/^\/_astro\//);
      expect(existsSync(fileOf(url)), url).toBe(true);
    }
  });
});

describe('a hero in a format the build cannot use', () => {
  let failed: TempProject | undefined;
  let result: { code: number | null; output: string };

  beforeAll(async () => {
    failed = createTempProject('images-heic-', ['src/pages/admin']);
    writeFile(failed, 'content/news/images/img-0420.heic', await makeHeic());
    writeFile(
      failed,
      'content/news/iphone-hero.md',
      article('iphone-hero', { image: './images/img-0420.heic', imageAlt: 'A photo' }, 'Body.'),
    );
    result = await failed.build();
  }, 300_000);
  afterAll(() => failed?.remove());

  it('stops the build with the entry, the field, the file and the formats that work', () => {
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/content\/news\/iphone-hero\.md/);
    expect(result.output).toMatch(
      /image[^\n]*“img-0420\.heic” is a HEIC photo \(the iPhone camera format\), which the website cannot use\./,
    );
    expect(result.output).toContain(
      'The website can use JPEG, PNG, WebP, AVIF, GIF or TIFF images.',
    );
    expect(result.output).not.toContain('LocalImageUsedWrongly');
  });
});

describe('a HEIC photo whose name says JPEG', () => {
  let failed: TempProject | undefined;
  let result: { code: number | null; output: string };

  beforeAll(async () => {
    failed = createTempProject('images-fake-jpeg-', ['src/pages/admin']);
    writeFile(failed, 'content/news/images/img-0421.jpg', await makeHeic());
    writeFile(
      failed,
      'content/news/renamed-hero.md',
      article('renamed-hero', { image: './images/img-0421.jpg', imageAlt: 'A photo' }, 'Body.'),
    );
    result = await failed.build();
  }, 300_000);
  afterAll(() => failed?.remove());

  it('stops the build naming the entry, the field and what the file really is', () => {
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'content/news/renamed-hero.md, field "image": “img-0421.jpg” ends in .jpg but is really a HEIC photo (the iPhone camera format)',
    );
  });
});
