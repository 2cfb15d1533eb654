import { describe, expect, it } from 'vitest';
import type { BlockEditorComponentOptions } from 'decap-cms-core';
import {
  calloutComponent,
  contactBoxComponent,
  roleCardComponent,
} from '../../src/cms/editor-components';

const block = (c: unknown) => c as BlockEditorComponentOptions;

/** Writes a component's MDX, then reads it back as the editor does on load. */
function roundTrip(
  component: unknown,
  data: Record<string, string>,
): { mdx: string; data: Record<string, string> } {
  const { toBlock, pattern, fromBlock } = block(component);
  const mdx = toBlock(data);
  const match = mdx.match(pattern);
  if (!match) throw new Error(`pattern does not match its own output:\n${mdx}`);
  return { mdx, data: fromBlock(match) as Record<string, string> };
}

describe('editor components', () => {
  it('write a Callout with its text between blank lines, as MDX needs for markdown inside', () => {
    const { mdx, data } = roundTrip(calloutComponent, {
      title: 'Before you register',
      tone: 'warning',
      body: 'Use a personal email.\n\nKeep your warrant card to hand.',
    });
    expect(mdx).toBe(
      '<Callout title="Before you register" tone="warning">\n\nUse a personal email.\n\nKeep your warrant card to hand.\n\n</Callout>',
    );
    expect(data).toEqual({
      title: 'Before you register',
      tone: 'warning',
      body: 'Use a personal email.\n\nKeep your warrant card to hand.',
    });
  });

  it('leave out empty attributes and the default tone', () => {
    expect(block(calloutComponent).toBlock({ title: '', tone: 'info', body: 'Hi' })).toBe(
      '<Callout>\n\nHi\n\n</Callout>',
    );
    expect(block(contactBoxComponent).toBlock({ title: 'Welfare', email: 'w@example.org' })).toBe(
      '<ContactBox title="Welfare" email="w@example.org" />',
    );
  });

  it('turn a straight quote in an attribute into a typographic one so the MDX stays valid', () => {
    const { mdx, data } = roundTrip(roleCardComponent, {
      title: 'PCSOs',
      summary: 'The "eyes and ears" of a neighbourhood',
      href: '/careers/pcsos/',
    });
    expect(mdx).toContain('summary="The ”eyes and ears” of a neighbourhood"');
    expect(data.href).toBe('/careers/pcsos/');
  });

  it('read a contact box written by hand with attributes in any order', () => {
    const match = '<ContactBox phone="020 7000 0000" title="Legal" />'.match(
      block(contactBoxComponent).pattern,
    );
    expect(block(contactBoxComponent).fromBlock(match!)).toEqual({
      phone: '020 7000 0000',
      title: 'Legal',
    });
  });

  it('preview with the site classes and escaped text', () => {
    const html = String(
      block(calloutComponent).toPreview({ title: '<b>', tone: 'warning', body: 'a & b' }),
    );
    expect(html).toBe(
      '<aside class="callout callout--warning"><h2 class="callout__title">&#60;b&#62;</h2><p>a &#38; b</p></aside>',
    );
  });
});
