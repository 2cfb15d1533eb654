import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basename, dirname, extname, join, normalize } from '../../src/cms/shims/path';

const samples = [
  'content/news/a.md',
  '/content/news/',
  'a//b/../c/./d.jpg',
  '../up/x.tar.gz',
  'file',
  '/',
  '.hidden',
  '',
];

describe('the browser path shim', () => {
  it('agrees with Node on basename, dirname, extname and normalize', () => {
    for (const p of samples) {
      expect([basename(p), dirname(p), extname(p), normalize(p)], p).toEqual([
        posix.basename(p),
        posix.dirname(p),
        posix.extname(p),
        posix.normalize(p),
      ]);
    }
    expect(basename('a/b.md', '.md')).toBe(posix.basename('a/b.md', '.md'));
  });

  it('agrees with Node on join when the first segment has no leading ./', () => {
    expect(join('content/news', 'images', 'a.jpg')).toBe(
      posix.join('content/news', 'images', 'a.jpg'),
    );
    expect(join('content/news/', '../pages', 'b.md')).toBe(
      posix.join('content/news/', '../pages', 'b.md'),
    );
    expect(join('/media', 'a.jpg')).toBe(posix.join('/media', 'a.jpg'));
  });

  it('keeps a leading ./ so an uploaded image stays relative to its entry for Astro', () => {
    expect(join('./images', 'hero.jpg')).toBe('./images/hero.jpg');
    expect(join('./images/', '/hero.jpg')).toBe('./images/hero.jpg');
    expect(join('./', '../x.jpg')).toBe('../x.jpg');
  });
});
