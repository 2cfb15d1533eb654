import { describe, expect, it } from 'vitest';
import { z } from 'astro/zod';
import { newsSchema } from '../../src/schemas/news';

// In tests there is no Astro context, so a plain string stands in for image().
const schema = newsSchema(() => z.string());

const valid = {
  title: 'Assaults on officers keep rising',
  date: '2024-03-01',
  summary: 'The latest figures for England and Wales.',
};

/** The messages Zod gives for `input`, keyed by the field path. */
function messagesFor(input: unknown): Record<string, string[]> {
  const result = schema.safeParse(input);
  if (result.success) return {};
  return result.error.flatten().fieldErrors;
}

describe('newsSchema', () => {
  it('accepts a minimal article and fills the flags with false', () => {
    const entry = schema.parse(valid);
    expect(entry.date).toEqual(new Date('2024-03-01T00:00:00Z'));
    expect(entry).toMatchObject({
      membersOnly: false,
      archived: false,
      draft: false,
      newsletter: false,
    });
  });

  it('accepts a Date as YAML parses an unquoted date', () => {
    expect(schema.parse({ ...valid, date: new Date('2023-08-26') }).date.getUTCDate()).toBe(26);
  });

  it.each(['2024-13-45', '2024-02-30', '1 March 2024', 'soon', ''])(
    'refuses the date %j with a message a person understands',
    (date) => {
      expect(messagesFor({ ...valid, date }).date).toEqual([
        'Use a real date in the form YYYY-MM-DD',
      ]);
    },
  );

  it('asks for a date when there is none', () => {
    const { date: _omitted, ...rest } = valid;
    expect(messagesFor(rest).date?.[0]).toMatch(
      /^Add a date\. Use a real date in the form YYYY-MM-DD$/,
    );
  });

  it('refuses an image without alt text and names imageAlt', () => {
    const errors = messagesFor({ ...valid, image: './images/hero.jpg' });
    expect(errors.imageAlt?.[0]).toMatch(/Describe the image for people who cannot see it/);
  });

  it('refuses an image whose alt text is only spaces', () => {
    expect(
      messagesFor({ ...valid, image: './images/hero.jpg', imageAlt: '   ' }).imageAlt,
    ).toHaveLength(1);
  });

  it('accepts an image with alt text', () => {
    const entry = schema.parse({ ...valid, image: './images/hero.jpg', imageAlt: 'A shield' });
    expect(entry.imageAlt).toBe('A shield');
  });

  it('keeps newsletter when ticked and refuses anything but true or false', () => {
    expect(schema.parse({ ...valid, newsletter: true }).newsletter).toBe(true);
    expect(messagesFor({ ...valid, newsletter: 'yes' }).newsletter).toHaveLength(1);
  });

  it('keeps membersOnly, archived and draft when set', () => {
    const entry = schema.parse({ ...valid, membersOnly: true, archived: true, draft: true });
    expect(entry).toMatchObject({ membersOnly: true, archived: true, draft: true });
  });

  it('refuses a flag written as a string', () => {
    expect(messagesFor({ ...valid, membersOnly: 'yes' }).membersOnly).toHaveLength(1);
  });

  it('refuses an empty title and summary with their own messages', () => {
    const errors = messagesFor({ ...valid, title: ' ', summary: '' });
    expect(errors.title).toEqual(['Give the article a title']);
    expect(errors.summary).toEqual(['Write a short summary']);
  });
});
