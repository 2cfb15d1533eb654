import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  hasStoredFiles,
  mirrorIntoStore,
  writeFromStore,
} from '../../src/integrations/pagefind-files.ts';

let root: string;
let output: string;
let store: string;
const bytes = (text: string) => new TextEncoder().encode(text);
const read = (file: string) => readFileSync(file, 'utf8');
const inode = (file: string) => statSync(file).ino;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'pagefind-files-'));
  output = path.join(root, 'dist/pagefind');
  store = path.join(root, 'cache/pagefind-files');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A first build: Pagefind's files written, then mirrored into the store. */
function firstBuild() {
  mkdirSync(path.join(output, 'fragment'), { recursive: true });
  writeFileSync(path.join(output, 'fragment/en_1.pf_fragment'), 'one');
  writeFileSync(path.join(output, 'fragment/en_2.pf_fragment'), 'two');
  writeFileSync(path.join(output, 'pagefind-entry.json'), '{"version":1}');
  mirrorIntoStore(output, store);
  // The next build starts from an empty dist/.
  rmSync(path.join(root, 'dist'), { recursive: true });
}

describe('writing Pagefind’s files through the store', () => {
  it('has nothing to link from before a first build', () => {
    expect(hasStoredFiles(store)).toBe(false);
    mkdirSync(path.join(store, 'fragment'), { recursive: true });
    expect(hasStoredFiles(store)).toBe(false);
    firstBuild();
    expect(hasStoredFiles(store)).toBe(true);
  });

  it('links files with the same bytes, writes changed and new ones, and keeps the store to this build', () => {
    firstBuild();
    const linked = writeFromStore(
      [
        { path: 'fragment/en_1.pf_fragment', content: bytes('one') },
        { path: 'pagefind-entry.json', content: bytes('{"version":2}') },
        { path: 'fragment/en_3.pf_fragment', content: bytes('three') },
      ],
      output,
      store,
    );
    expect(linked).toBe(1);
    expect(inode(path.join(output, 'fragment/en_1.pf_fragment'))).toBe(
      inode(path.join(store, 'fragment/en_1.pf_fragment')),
    );
    expect(read(path.join(output, 'pagefind-entry.json'))).toBe('{"version":2}');
    expect(read(path.join(output, 'fragment/en_3.pf_fragment'))).toBe('three');

    mirrorIntoStore(output, store);
    expect(read(path.join(store, 'pagefind-entry.json'))).toBe('{"version":2}');
    expect(read(path.join(store, 'fragment/en_3.pf_fragment'))).toBe('three');
    expect(() => statSync(path.join(store, 'fragment/en_2.pf_fragment'))).toThrow();
  });

  it('never links a stored file whose bytes differ, even under the same name and size', () => {
    firstBuild();
    // Changed in place after it was stored (a linked file shares its bytes with dist/).
    writeFileSync(path.join(store, 'fragment/en_1.pf_fragment'), 'ONE');
    const linked = writeFromStore(
      [{ path: 'fragment/en_1.pf_fragment', content: bytes('one') }],
      output,
      store,
    );
    expect(linked).toBe(0);
    expect(read(path.join(output, 'fragment/en_1.pf_fragment'))).toBe('one');
  });
});
