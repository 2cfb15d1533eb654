import { describe, expect, it } from 'vitest';
import { careersSchema } from '../../src/schemas/careers';

const valid = { title: 'Special Constables', summary: 'Volunteer officers.', order: 5 };

describe('careersSchema', () => {
  it('accepts a role and defaults highlights to empty and archived to false', () => {
    expect(careersSchema.parse(valid)).toEqual({ ...valid, highlights: [], archived: false });
  });

  it('refuses an order that is not a whole number', () => {
    const result = careersSchema.safeParse({ ...valid, order: 2.5 });
    expect(result.success).toBe(false);
    expect(result.error?.flatten().fieldErrors.order).toEqual(['order must be a whole number']);
  });

  it('refuses an order written as text', () => {
    const result = careersSchema.safeParse({ ...valid, order: 'first' });
    expect(result.error?.flatten().fieldErrors.order).toEqual(['order must be a whole number']);
  });

  it('asks for an order when there is none', () => {
    const { order: _omitted, ...rest } = valid;
    expect(careersSchema.safeParse(rest).error?.flatten().fieldErrors.order?.[0]).toMatch(/order/);
  });

  it('refuses an apply link that is not a full web address', () => {
    const result = careersSchema.safeParse({ ...valid, applyUrl: 'metpolicecareers' });
    expect(result.error?.flatten().fieldErrors.applyUrl?.[0]).toMatch(/full web address/);
  });

  it('refuses an empty highlight', () => {
    expect(careersSchema.safeParse({ ...valid, highlights: ['Same powers', ''] }).success).toBe(
      false,
    );
  });
});
