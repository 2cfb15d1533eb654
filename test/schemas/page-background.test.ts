import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPageBackground } from '../../src/lib/page-background';

describe('readPageBackground', () => {
  it('reads --page from the site stylesheet, which the body background uses', () => {
    const css = readFileSync(
      path.resolve(import.meta.dirname, '../../src/styles/global.css'),
      'utf8',
    );
    expect(readPageBackground(css)).toMatch(/^#[0-9a-f]{6}$/);
    expect(css).toMatch(/body\s*\{[^}]*background:\s*var\(--page\)/);
  });

  it('accepts short and long hex colours in any case', () => {
    expect(readPageBackground(':root{--page:#FFF;}')).toBe('#fff');
    expect(readPageBackground(':root { --page: #F5F5F0; }')).toBe('#f5f5f0');
  });

  it('throws, naming the stylesheet, when the colour is missing or not hex', () => {
    expect(() => readPageBackground(':root{--navy:#0b2447;}')).toThrow(
      /global\.css must declare --page/,
    );
    expect(() => readPageBackground(':root{--page: white;}')).toThrow(/--page/);
  });
});
