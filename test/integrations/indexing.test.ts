import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtFileFor, isNoindex, robotsDirectives } from '../../src/integrations/indexing.ts';

describe('robots directives of a page', () => {
  it('reads the content of <meta name="robots"> whatever the attribute order, case and quotes', () => {
    expect(robotsDirectives('<meta name="robots" content="noindex, nofollow">')).toEqual([
      'noindex',
      'nofollow',
    ]);
    expect(robotsDirectives("<META CONTENT='NoIndex' NAME='Robots' />")).toEqual(['noindex']);
    expect(robotsDirectives('<meta content=none name=robots>')).toEqual(['none']);
    expect(robotsDirectives('<meta name="description" content="noindex in the text">')).toEqual([]);
  });

  it('treats noindex and none as not indexed, and anything else as indexed', () => {
    expect(isNoindex('<head><meta name="robots" content="noindex, nofollow"></head>')).toBe(true);
    expect(isNoindex('<meta name="robots" content="none">')).toBe(true);
    expect(isNoindex('<meta name="robots" content="nofollow">')).toBe(false);
    expect(isNoindex('<p>noindex</p><meta name="viewport" content="width=device-width">')).toBe(
      false,
    );
  });
});

describe('the built file of a sitemap URL', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'indexing-'));
  mkdirSync(path.join(out, 'news', 'café'), { recursive: true });
  writeFileSync(path.join(out, 'index.html'), '');
  writeFileSync(path.join(out, 'news', 'café', 'index.html'), '');

  it('maps directory URLs, including percent-encoded ones, to their index.html', () => {
    expect(builtFileFor(out, 'https://site.test/')).toBe(path.join(out, 'index.html'));
    expect(builtFileFor(out, 'https://site.test/news/caf%C3%A9/')).toBe(
      path.join(out, 'news', 'café', 'index.html'),
    );
  });

  it('gives nothing for a page that was not built or a path that climbs out', () => {
    expect(builtFileFor(out, 'https://site.test/missing/')).toBeNull();
    expect(builtFileFor(out, 'https://site.test/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
  });
});
