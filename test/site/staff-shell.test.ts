import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { html as markup } from '../../src/server/html/safe-html.ts';
import {
  renderStaffPage,
  STAFF_MAIN_END,
  STAFF_MAIN_START,
} from '../../src/server/staff/html/shell';
import { SealedFiles } from '../../src/server/http/sealed-files';
import { distDir, sealedDir } from './support/dist';

describe('the staff console shell', () => {
  const shell = readFileSync(path.join(sealedDir, 'staff/index.html'), 'utf8');

  it('is sealed, never in dist/', () => {
    expect(existsSync(path.join(distDir, 'staff'))).toBe(false);
  });

  it('carries the block markers as comments, once each, and the member bar marker', () => {
    expect(shell.split(STAFF_MAIN_START)).toHaveLength(2);
    expect(shell.split(STAFF_MAIN_END)).toHaveLength(2);
    expect(shell).toContain('<!--member-bar-->');
  });

  it('gives console pages the site header, stylesheets and the staff navigation', () => {
    const html = renderStaffPage(
      {
        title: 'Review queue',
        section: '/api/staff/review',
        body: markup`<h1>Queue body</h1>`,
        user: { firstName: 'Ann', surname: 'Lee' },
      },
      new SealedFiles(sealedDir),
    );
    expect(html).toContain('<h1>Queue body</h1>');
    expect(html).not.toContain('<h1>Staff console</h1>');
    expect(html).toMatch(/<link rel="stylesheet" href="\/_astro\/[^"]+\.css">/);
    expect(html).toContain('<a href="/api/staff/review" aria-current="page">');
    expect(html).toMatch(/<title>Review queue \| Staff console \| [^<]+<\/title>/);
    expect(html).toContain('Ann Lee');
  });
});
