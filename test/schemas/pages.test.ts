import { describe, expect, it } from 'vitest';
import { pagesSchema } from '../../src/schemas/pages';

describe('pagesSchema', () => {
  it('accepts a page with a title only', () => {
    expect(pagesSchema.parse({ title: 'About us' })).toEqual({ title: 'About us' });
  });

  it('refuses a page without a title', () => {
    expect(pagesSchema.safeParse({ summary: 'x' }).success).toBe(false);
  });
});
