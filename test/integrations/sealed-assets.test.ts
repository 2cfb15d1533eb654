import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findAssetReferences,
  planSealedAssets,
  rewriteSealedReferences,
  sealAssets,
} from '../../src/integrations/sealed/sealed-assets.ts';
import { findSealedLeaks } from '../../src/integrations/sealed/leak-guard.ts';

let root: string;
let dist: string;
let sealed: string;

function write(file: string, bytes: string | Buffer) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

const picture = (prefix: string, stem: string) =>
  `<picture><source type="image/avif" srcset="${prefix}/_astro/${stem}_a1.avif 480w, ${prefix}/_astro/${stem}_a2.avif 960w"><img src="${prefix}/_astro/${stem}_j1.jpeg" alt="x" width="960" height="540"></picture>`;

/** A built site: a public article and a members-only one with its own and a shared hero. */
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'sealed-assets-'));
  dist = path.join(root, 'dist');
  sealed = path.join(root, 'sealed');
  for (const stem of ['pay.Ab12Cd34', 'shared.Ef56Gh78', 'members.Ij90Kl12']) {
    for (const name of [`${stem}.jpg`, `${stem}_a1.avif`, `${stem}_a2.avif`, `${stem}_j1.jpeg`]) {
      write(path.join(dist, '_astro', name), `bytes of ${name}`);
    }
  }
  write(
    path.join(dist, '_astro', 'site.Zz11Yy22.css'),
    '.hero{background:url(/_astro/icon.Qq.svg)}',
  );
  write(path.join(dist, '_astro', 'icon.Qq.svg'), '<svg/>');
  write(
    path.join(dist, 'news/pay/index.html'),
    `${picture('', 'pay.Ab12Cd34')}<meta property="og:image" content="https://site.test/_astro/pay.Ab12Cd34_j1.jpeg">`,
  );
  write(path.join(dist, 'news/shared/index.html'), picture('', 'shared.Ef56Gh78'));
  write(
    path.join(sealed, 'members/news/claims/index.html'),
    `${picture('', 'members.Ij90Kl12')}<p>${picture('', 'shared.Ef56Gh78')}</p>`,
  );
  write(
    path.join(sealed, 'members/guide/index.html'),
    `<img src="https://site.test/_astro/members.Ij90Kl12_a1.avif" alt="" width="1" height="1">`,
  );
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('findAssetReferences', () => {
  it('finds root-relative and absolute references in srcsets, attributes and CSS', () => {
    expect([
      ...findAssetReferences(readFileSync(path.join(dist, 'news/pay/index.html'), 'utf8')),
    ]).toEqual(['pay.Ab12Cd34_a1.avif', 'pay.Ab12Cd34_a2.avif', 'pay.Ab12Cd34_j1.jpeg']);
    expect([...findAssetReferences('url(/_astro/icon.Qq.svg)')]).toEqual(['icon.Qq.svg']);
  });
});

describe('planSealedAssets', () => {
  it('seals what only sealed pages use, keeps what any public file uses, drops unused originals', () => {
    const images = ['a.H.jpg', 'a.H_1.avif', 'b.H.png', 'b.H_1.webp', 'c.H_1.avif', 'lone.svg'];
    const plan = planSealedAssets(
      images,
      new Set(['a.H_1.avif', 'c.H_1.avif']),
      new Set(['b.H_1.webp', 'c.H_1.avif']),
    );
    expect(plan).toEqual({ seal: ['b.H_1.webp'], drop: ['a.H.jpg', 'b.H.png'] });
  });
});

describe('rewriteSealedReferences', () => {
  it('points sealed files at /members/_assets/ and leaves public ones alone', () => {
    expect(
      rewriteSealedReferences(
        '<img src="/_astro/s_1.avif" srcset="https://site.test/_astro/s_1.avif 1w, /_astro/p_1.avif 2w">',
        new Set(['s_1.avif']),
      ),
    ).toBe(
      '<img src="/members/_assets/s_1.avif" srcset="https://site.test/members/_assets/s_1.avif 1w, /_astro/p_1.avif 2w">',
    );
  });
});

describe('sealAssets', () => {
  it('moves the members-only hero out of dist/ and points the sealed pages at it', () => {
    const plan = sealAssets(dist, sealed);
    expect(plan.seal.sort()).toEqual([
      'members.Ij90Kl12_a1.avif',
      'members.Ij90Kl12_a2.avif',
      'members.Ij90Kl12_j1.jpeg',
    ]);
    for (const name of plan.seal) {
      expect(existsSync(path.join(dist, '_astro', name)), name).toBe(false);
      expect(readFileSync(path.join(sealed, 'members/_assets', name), 'utf8')).toBe(
        `bytes of ${name}`,
      );
    }
    const claims = readFileSync(path.join(sealed, 'members/news/claims/index.html'), 'utf8');
    expect(claims).toContain('src="/members/_assets/members.Ij90Kl12_j1.jpeg"');
    expect(claims).not.toContain('/_astro/members.');
    expect(readFileSync(path.join(sealed, 'members/guide/index.html'), 'utf8')).toContain(
      'https://site.test/members/_assets/members.Ij90Kl12_a1.avif',
    );
  });

  it('keeps an image a public page shares with a members-only one, and public pages untouched', () => {
    sealAssets(dist, sealed);
    for (const name of [
      'shared.Ef56Gh78_a1.avif',
      'shared.Ef56Gh78_j1.jpeg',
      'pay.Ab12Cd34_j1.jpeg',
      'icon.Qq.svg',
    ]) {
      expect(existsSync(path.join(dist, '_astro', name)), name).toBe(true);
    }
    expect(readFileSync(path.join(sealed, 'members/news/claims/index.html'), 'utf8')).toContain(
      'src="/_astro/shared.Ef56Gh78_j1.jpeg"',
    );
  });

  it('drops the originals Astro copied but no page uses, public or sealed', () => {
    const plan = sealAssets(dist, sealed);
    expect(plan.drop.sort()).toEqual([
      'members.Ij90Kl12.jpg',
      'pay.Ab12Cd34.jpg',
      'shared.Ef56Gh78.jpg',
    ]);
    expect(existsSync(path.join(sealed, 'members/_assets/members.Ij90Kl12.jpg'))).toBe(false);
  });
});

describe('the build guard over images', () => {
  beforeEach(() => {
    write(
      path.join(root, 'content/news/claims.md'),
      '---\ntitle: Claims\nsummary: S.\nmembersOnly: true\nimage: ./images/claims-hero.jpg\n---\n\n![Chart](./images/chart.png)\n',
    );
    write(
      path.join(root, 'content/news/images/claims-hero.jpg'),
      'the members-only hero, as uploaded',
    );
    write(path.join(root, 'content/news/images/chart.png'), 'a chart only members see');
    write(
      path.join(root, 'content/news/open.md'),
      '---\ntitle: Open\nsummary: S.\nimage: ./images/open.jpg\n---\n\n![Also](./images/chart-copy.png)\n',
    );
    write(path.join(root, 'content/news/images/open.jpg'), 'a public hero');
  });

  it('passes once the seal step has run', () => {
    sealAssets(dist, sealed);
    expect(findSealedLeaks(root, dist)).toEqual([]);
  });

  it('names an optimised image no public file uses', () => {
    expect(findSealedLeaks(root, dist)).toEqual(
      expect.arrayContaining([
        'dist/_astro/members.Ij90Kl12_a1.avif: an image no public page uses (images of members-only content belong in sealed/)',
      ]),
    );
  });

  it('names a copy of a picture only members-only content shows, wherever it is in dist/', () => {
    sealAssets(dist, sealed);
    write(path.join(dist, 'downloads/hero.jpg'), 'the members-only hero, as uploaded');
    write(path.join(dist, 'img/x.png'), 'a chart only members see');
    expect(findSealedLeaks(root, dist)).toEqual([
      'dist/downloads/hero.jpg: a copy of content/news/images/claims-hero.jpg, which only members-only content shows',
      'dist/img/x.png: a copy of content/news/images/chart.png, which only members-only content shows',
    ]);
  });

  it('names Astro’s copies of a members-only picture even when a public page shows them', () => {
    sealAssets(dist, sealed);
    write(path.join(dist, '_astro', 'claims-hero.Mm33Nn44_1.jpeg'), 'teaser copy');
    write(
      path.join(dist, 'news/claims/index.html'),
      '<img src="/_astro/claims-hero.Mm33Nn44_1.jpeg">',
    );
    expect(findSealedLeaks(root, dist)).toEqual([
      'dist/_astro/claims-hero.Mm33Nn44_1.jpeg: made from content/news/images/claims-hero.jpg, which only members-only content shows',
    ]);
  });

  it('does not count a picture a public entry also shows as members-only', () => {
    write(path.join(root, 'content/news/images/chart-copy.png'), 'a chart only members see');
    sealAssets(dist, sealed);
    write(path.join(dist, 'img/x.png'), 'a chart only members see');
    expect(findSealedLeaks(root, dist)).toEqual([]);
  });
});
