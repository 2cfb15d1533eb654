import { describe, expect, it } from 'vitest';
import { membersSchema } from '../../src/schemas/members';

const valid = {
  title: 'Data breach: your options',
  summary: 'How claims work.',
  date: '2023-09-04',
  category: 'Legal',
};

describe('membersSchema', () => {
  it('accepts a page and defaults draft to false', () => {
    expect(membersSchema.parse(valid)).toMatchObject({ category: 'Legal', draft: false });
  });

  it('refuses an impossible date with the date message', () => {
    const result = membersSchema.safeParse({ ...valid, date: '2023-02-29' });
    expect(result.error?.flatten().fieldErrors.date).toEqual([
      'Use a real date in the form YYYY-MM-DD',
    ]);
  });

  it('refuses a page without a category', () => {
    const result = membersSchema.safeParse({ ...valid, category: '' });
    expect(result.error?.flatten().fieldErrors.category).toEqual(['Choose a category']);
  });
});
