import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attr, distDir, findTags, listFiles, readPage } from './support/dist';

const adminScripts = findTags(readPage('/admin/'), 'script');
const bundleSrc = adminScripts.map((t) => attr(t, 'src')).find(Boolean) ?? '';
const bundleFile = path.join(distDir, bundleSrc);

describe('the content manager bundle', () => {
  it('is the one script /admin/ loads, a module from /_astro/ named by its content hash', () => {
    expect(adminScripts).toHaveLength(1);
    expect(bundleSrc).toMatch(/^\/_astro\/cms\.[A-Z0-9]{8}\.js$/);
    expect(attr(adminScripts[0], 'type')).toBe('module');
    expect(existsSync(bundleFile)).toBe(true);
  });

  it('carries React’s production build and the preview stylesheets it points to', () => {
    const code = readFileSync(bundleFile, 'utf8');
    // React's production build replaces its error messages with numbered ones.
    expect(code).toContain('Minified React error');
    const styles = [...code.matchAll(/"(\/_astro\/cms-[\w-]+\.[A-Z0-9]{8}\.css)"/g)].map(
      (m) => m[1],
    );
    expect(styles).toHaveLength(2);
    for (const href of styles) expect(existsSync(path.join(distDir, href)), href).toBe(true);
  });

  it('has the WebAssembly of Decap’s WebP encoder beside it, where its chunks look for it', () => {
    const chunks = listFiles(path.join(distDir, '_astro')).filter((f) =>
      /[\\/]cms-chunk\.\w+\.js$/.test(f),
    );
    const wanted = chunks.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/"\/_astro\/(cms-webp_\w+\.\w+\.wasm)"/g)].map(
        (m) => m[1],
      ),
    );
    expect(wanted.length).toBeGreaterThan(0);
    for (const name of wanted)
      expect(existsSync(path.join(distDir, '_astro', name)), name).toBe(true);
  });

  it('is loaded by no other page', () => {
    const name = path.basename(bundleFile);
    const others = listFiles(distDir).filter(
      (f) =>
        f.endsWith('.html') &&
        !f.startsWith(path.join(distDir, 'admin') + path.sep) &&
        readFileSync(f, 'utf8').includes(name),
    );
    expect(others).toEqual([]);
  });
});
