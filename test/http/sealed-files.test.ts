import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  insertMemberBar,
  joinWithMemberBar,
  MEMBER_BAR_MARKER,
} from '../../src/server/http/member-bar.ts';
import { SealedFiles } from '../../src/server/http/sealed-files.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'sealed-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('SealedFiles', () => {
  it('reads a built page once and serves it from memory afterwards (within the recheck time)', () => {
    const files = new SealedFiles(root);
    writeFileSync(path.join(root, 'page.html'), 'first');
    expect(files.read('page.html')).toBe('first');
    writeFileSync(path.join(root, 'page.html'), 'second');
    expect(files.read('page.html')).toBe('first');
  });

  it('does not remember misses, so made-up paths cannot fill memory', () => {
    const files = new SealedFiles(root);
    expect(files.read('later.html')).toBeNull();
    writeFileSync(path.join(root, 'later.html'), 'now built');
    expect(files.read('later.html')).toBe('now built');
  });

  it('refuses paths that leave its folder', () => {
    writeFileSync(path.join(os.tmpdir(), 'outside-sealed.html'), 'secret');
    expect(new SealedFiles(root).read('../outside-sealed.html')).toBeNull();
  });

  it('cuts a page at its markers, and joining the parts with a bar makes the page insertMemberBar makes', () => {
    const files = new SealedFiles(root);
    const page = `<header>${MEMBER_BAR_MARKER}</header><main>Café “pay” £5</main><footer>${MEMBER_BAR_MARKER}</footer>`;
    writeFileSync(path.join(root, 'bar.html'), page);
    const parts = files.readParts('bar.html', MEMBER_BAR_MARKER)!;
    expect(parts).toHaveLength(3);
    for (const member of [
      { firstName: 'Ann', surname: 'Lee' },
      { firstName: '<script>alert(1)</script>', surname: 'O’Brien & "Co"' },
    ]) {
      const joined = Buffer.concat(joinWithMemberBar(parts, member)).toString('utf8');
      expect(joined).toBe(insertMemberBar(page, member));
      expect(joined).not.toContain('<script>');
    }
    expect(files.readParts('bar.html', MEMBER_BAR_MARKER)).toBe(parts);
    expect(files.readParts('missing.html', MEMBER_BAR_MARKER)).toBeNull();
    expect(files.readParts('../outside-sealed.html', MEMBER_BAR_MARKER)).toBeNull();
  });

  it('says whether a page holds a marker, once per page, and null for a missing or outside one', () => {
    const files = new SealedFiles(root);
    writeFileSync(path.join(root, 'marked.html'), `<p>${MEMBER_BAR_MARKER}</p>`);
    expect(files.includes('marked.html', MEMBER_BAR_MARKER)).toBe(true);
    expect(files.includes('marked.html', '<!--other-->')).toBe(false);
    writeFileSync(path.join(root, 'marked.html'), '<p>rebuilt without it</p>');
    expect(files.includes('marked.html', MEMBER_BAR_MARKER)).toBe(true);
    expect(files.includes('missing.html', MEMBER_BAR_MARKER)).toBeNull();
    expect(files.includes('../outside-sealed.html', MEMBER_BAR_MARKER)).toBeNull();
  });

  it('joins a page without a marker as it is', () => {
    const files = new SealedFiles(root);
    writeFileSync(path.join(root, 'plain.html'), '<p>No bar here</p>');
    const parts = files.readParts('plain.html', MEMBER_BAR_MARKER)!;
    const joined = joinWithMemberBar(parts, { firstName: 'A', surname: 'B' });
    expect(Buffer.concat(joined).toString('utf8')).toBe('<p>No bar here</p>');
  });

  it('serves a rebuilt page, image or marker anew once the recheck time has passed, and forgets a deleted one', () => {
    const files = new SealedFiles(root, { recheckMs: 0 });
    const page = path.join(root, 'rebuilt.html');
    writeFileSync(page, `<p>${MEMBER_BAR_MARKER}old</p>`);
    expect(files.read('rebuilt.html')).toBe(`<p>${MEMBER_BAR_MARKER}old</p>`);
    expect(files.includes('rebuilt.html', MEMBER_BAR_MARKER)).toBe(true);
    expect(files.readBytes('rebuilt.html')).toEqual(
      new TextEncoder().encode(`<p>${MEMBER_BAR_MARKER}old</p>`),
    );
    // Same size, a later time: a rebuild that changed one letter.
    writeFileSync(page, `<p>${MEMBER_BAR_MARKER}new</p>`);
    utimesSync(page, new Date(), new Date(Date.now() + 5_000));
    expect(files.read('rebuilt.html')).toBe(`<p>${MEMBER_BAR_MARKER}new</p>`);
    expect(files.readBytes('rebuilt.html')).toEqual(
      new TextEncoder().encode(`<p>${MEMBER_BAR_MARKER}new</p>`),
    );
    writeFileSync(page, '<p>no marker now, and longer</p>');
    expect(files.includes('rebuilt.html', MEMBER_BAR_MARKER)).toBe(false);
    expect(
      Buffer.concat(files.readParts('rebuilt.html', MEMBER_BAR_MARKER)!).toString('utf8'),
    ).toBe('<p>no marker now, and longer</p>');
    unlinkSync(page);
    expect(files.read('rebuilt.html')).toBeNull();
    expect(files.readBytes('rebuilt.html')).toBeNull();
  });
});
