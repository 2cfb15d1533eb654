import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SealedFiles } from '../../src/server/http/sealed-files.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'sealed-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('SealedFiles', () => {
  it('reads a built page once and serves it from memory afterwards', () => {
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
});
