import { describe, expect, it } from 'vitest';
import { normalise, textOf } from '../../src/integrations/sealed/sealed-text.ts';

// The folding the phrase checks rely on, spelt out one step at a time.
const plainly = (text: string) =>
  text
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s+/g, ' ')
    .toLowerCase();

const samples = [
  'The Federation\u2019s \u201cgroup claim\u201d \u2013 stage one\u2026',
  'Tabs\tand\nnew lines\r\nand\u00a0no-break\u00a0 spaces   in runs, a single space, and a trailing one ',
  '\u2018single\u2019 \u201a\u201b\u2032 \u201e \u2014 \u00a0\u00a0 \t\t',
  '',
  'ÉCOLE İstanbul ß',
];

describe('folding text for the sealed-sentence checks', () => {
  it.each(samples)('normalise(%j) folds quotes, dashes, ellipses, whitespace and case', (text) => {
    expect(normalise(text)).toBe(plainly(text));
  });

  it('takes the text of HTML with tags, scripts and entities gone and whitespace collapsed', () => {
    expect(
      textOf(
        '<p>One\n  <em>two</em>\t&amp; three&#39;s</p><script>var x = "<b>";</script>\n<p>&quot;four&#34;</p>',
      ),
    ).toBe(` One two & three's "four" `);
  });
});
