// The site's SmartyPants plugin against remark-smartypants, the one Astro ships: the same
// HTML for every kind of text SmartyPants rewrites, for every markdown file in content/,
// and for a thousand random mixes of quotes, dashes, dots and markup.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createMarkdownProcessor } from '@astrojs/markdown-remark';
import type { Root } from 'mdast';
import remarkSmartypantsUpstream from 'remark-smartypants';
import { unified } from 'unified';
import { beforeAll, describe, expect, it } from 'vitest';
import remarkSmartypants from '../../src/lib/remark-smartypants.ts';

type Processor = Awaited<ReturnType<typeof createMarkdownProcessor>>;
let ours: Processor;
let upstream: Processor;

beforeAll(async () => {
  ours = await createMarkdownProcessor({ smartypants: false, remarkPlugins: [remarkSmartypants] });
  upstream = await createMarkdownProcessor({ smartypants: true });
});

async function expectSameHtml(markdown: string): Promise<string> {
  const [a, b] = await Promise.all([ours.render(markdown), upstream.render(markdown)]);
  expect(a.code).toBe(b.code);
  return a.code;
}

describe('the same output as remark-smartypants', () => {
  it.each([
    [
      'double quotes',
      '"Pay talks," she said, "resume today."',
      '“Pay talks,” she said, “resume today.”',
    ],
    [
      'apostrophes and single quotes',
      "It's the officers' 'right' in the '90s.",
      'It’s the officers’ ‘right’ in the ’90s.',
    ],
    [
      'quotes around bold text and links',
      'A "**bold** claim" and "[a link](/x/)".',
      '“<strong>bold</strong> claim” and “<a href="/x/">a link</a>”',
    ],
    [
      'a quote opening a heading',
      '## "Quoted" heading',
      '<h2 id="quoted-heading">“Quoted” heading</h2>',
    ],
    ['em dashes', 'Pay -- and pensions --- rose.', 'Pay — and pensions'],
    ['ellipses', 'Wait... and . . . then....', 'Wait… and'],
    ['backticks', "``Quoted like this''.", '“Quoted like this”.'],
    [
      'quotes in inline code, which stay straight',
      'Run `echo "x"` then "go".',
      '<code>echo "x"</code> then “go”.',
    ],
    [
      'dots and dashes in inline code',
      'See `a...b--c` and a...b--c.',
      '<code>a...b--c</code> and a…b—c.',
    ],
  ])('%s', async (_, markdown, expected) => {
    expect(await expectSameHtml(markdown)).toContain(expected);
  });

  it.each([
    ['a table', '| "a" | b -- c |\n|---|---|\n| \'d\' | e... |'],
    ['a list', '- "one"\n- it\'s two\n- three -- four...'],
    ['a quote', '> "Quoted," he said... --'],
    ['a fenced code block', '```\n"x" -- y...\n```\n\nAfter "it".'],
    ['inline HTML', 'A <span>"quoted"</span> word -- and <em>\'this\'</em>.'],
    ['dots with no-break and thin spaces', 'One.\u00a0.\u00a0. two.\u2009.\u2009. three . \t. end'],
    [
      'dots with next-line characters, white space to retext',
      'Wait.\u0085.\u0085. and . \u0085. \u0085.',
    ],
    ['nested quotes', '"She said \'no\' -- twice."'],
    ['a quote after inline code', '`x`\'s value and `y`"z"'],
    ['text with nothing to change', 'Plain words, commas; and one full stop. Another-one.'],
    ['two dots only', 'Version 1..2 and a.b.c'],
  ])('%s', async (_, markdown) => {
    await expectSameHtml(markdown);
  });

  it('for every markdown file in content/', async () => {
    const root = path.resolve(import.meta.dirname, '../../content');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
      /\.mdx?$/.test(f),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const body = readFileSync(path.join(root, file), 'utf8').replace(/^---[\s\S]*?\n---/, '');
      await expectSameHtml(body);
    }
  });

  it('for a thousand random mixes of quotes, dashes, dots, spaces and markup', async () => {
    const pieces = [
      '"',
      "'",
      '`',
      '``',
      "''",
      '-',
      '--',
      '---',
      '.',
      '..',
      '...',
      ' ',
      '\u00a0',
      '\n',
      '\n\n',
      'word',
      'it',
      's',
      '90',
      '**',
      '_',
      '[a](/b/)',
      '`c`',
      '## ',
      '- ',
      '> ',
      '<b>',
      '</b>',
      '(',
      ')',
      ',',
      '!',
      '?',
      '“',
      '’',
      '–',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let n = 0; n < 1000; n++) {
      const length = 1 + Math.floor(random() * 30);
      const text = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]);
      await expectSameHtml(text.join(''));
    }
  });
});

describe('MDX elements', () => {
  /** A paragraph holding an inline JSX element named `name` around quoted text. */
  function treeWith(name: string | null): Root {
    return {
      type: 'root',
      children: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', value: 'Before "this" -- ' },
            {
              type: 'mdxJsxTextElement',
              name,
              attributes: [],
              children: [{ type: 'text', value: 'inside "that"...' }],
            },
          ],
        },
      ],
    } as Root;
  }

  it.each([['span'], ['script'], ['style'], [null]])(
    'are read, or left alone for code, as remark-smartypants does (<%s>)',
    (name) => {
      const a = treeWith(name);
      const b = treeWith(name);
      remarkSmartypants()(a);
      unified().use(remarkSmartypantsUpstream).runSync(b);
      expect(a).toEqual(b);
    },
  );
});
