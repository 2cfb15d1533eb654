import { describe, expect, it } from 'vitest';
import { sampleArticle } from './support.ts';
import {
  MAX_HTML_BYTES,
  personalise,
  prepareMessage,
} from '../../src/server/newsletter/message.ts';

const site = { siteName: 'Example Federation', siteUrl: 'https://www.example.org' };
const TOKEN = 'T'.repeat(43);

describe('a newsletter email', () => {
  const message = personalise(
    prepareMessage(sampleArticle(), 'full', site),
    site,
    'a@example.org',
    TOKEN,
  );

  it('carries both RFC 8058 headers with the https one-click address', () => {
    expect(message.headers).toEqual({
      'List-Unsubscribe': `<https://www.example.org/api/newsletter/unsubscribe?token=${TOKEN}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('shows an unsubscribe link to the one-button page in both parts', () => {
    const page = `https://www.example.org/newsletter/unsubscribe/?token=${TOKEN}`;
    expect(message.html).toContain(`href="${page}"`);
    expect(message.text).toContain(page);
  });

  it('has the title, summary, hero as an absolute JPEG and body links made absolute', () => {
    expect(message.subject).toBe('Pay award for 2026 announced');
    expect(message.html).toContain('src="https://www.example.org/_astro/hero.abc123.jpg"');
    expect(message.html).toContain('alt="Officers on patrol"');
    expect(message.html).toContain('href="https://www.example.org/news/earlier/"');
    expect(message.html).not.toMatch(/(href|src)="\/(?!\/)/);
    expect(message.text).toContain('higher than last year (https://www.example.org/news/earlier/)');
    expect(message.text).toContain('- Base pay');
  });

  it('uses a table layout with inline styles only and no external stylesheet or script', () => {
    expect(message.html).toMatch(/^<!doctype html>/);
    expect(message.html).toMatch(/<table\s+role="presentation"/);
    expect(message.html).not.toMatch(/<style|<link|<script|class="/i);
    expect(message.html).toMatch(/<p style="[^"]+">The award/);
    expect(Buffer.byteLength(message.html)).toBeLessThan(MAX_HTML_BYTES);
  });

  it('escapes the title and summary', () => {
    const tricky = prepareMessage(
      sampleArticle({
        title: 'Pay <b>& "conditions"</b>',
        summary: '<img src=x onerror=alert(1)>',
      }),
      'full',
      site,
    );
    expect(tricky.html).toContain('Pay &lt;b&gt;&amp; &quot;conditions&quot;&lt;/b&gt;');
    expect(tricky.html).not.toContain('<img src=x');
  });

  it('sends a long article as its summary and a link, staying under 100 KB', () => {
    const long = sampleArticle({ bodyHtml: '<p>word </p>'.repeat(20_000) });
    const prepared = prepareMessage(long, 'full', site);
    expect(Buffer.byteLength(prepared.html)).toBeLessThan(MAX_HTML_BYTES);
    expect(prepared.html).toContain('This article is long, so read it on our website.');
    expect(prepared.html).toContain('href="https://www.example.org/news/pay-award-2026/"');
  });

  it('gives a members-only teaser no body and no image, only a link to log in', () => {
    const teaser = prepareMessage(
      sampleArticle({ membersOnly: true, bodyHtml: '<p>SEALED-BODY</p>' }),
      'teaser',
      site,
    );
    expect(teaser.html).not.toContain('SEALED-BODY');
    expect(teaser.text).not.toContain('SEALED-BODY');
    expect(teaser.html).not.toContain('<img');
    expect(teaser.html).toContain(
      'https://www.example.org/login/?next=%2Fmembers%2Fnews%2Fpay-award-2026%2F',
    );
  });
});

describe('NEWSLETTER_RATE', () => {
  it('defaults to 60 a minute and refuses anything but a whole number of at least 1', async () => {
    const { readNewsletterRate, DEFAULT_NEWSLETTER_RATE } =
      await import('../../src/server/newsletter/worker.ts');
    expect(readNewsletterRate({})).toBe(DEFAULT_NEWSLETTER_RATE);
    expect(DEFAULT_NEWSLETTER_RATE).toBe(60);
    expect(readNewsletterRate({ NEWSLETTER_RATE: ' 600 ' })).toBe(600);
    for (const bad of ['0', '-5', '1.5', 'fast', '1e3x']) {
      expect(() => readNewsletterRate({ NEWSLETTER_RATE: bad })).toThrow(/NEWSLETTER_RATE/);
    }
  });
});
