import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../src/schemas/settings';

const valid = {
  siteName: 'Metropolitan Police Federation',
  notice: { title: 'Register again', text: 'Everyone registers afresh.' },
  contactEmail: 'enquiries@example.org',
  feedbackEmail: 'webfeedback@example.org',
};

describe('settingsSchema', () => {
  it('accepts the settings and defaults the notice to off and the link lists to empty', () => {
    const settings = settingsSchema.parse(valid);
    expect(settings.notice.enabled).toBe(false);
    expect(settings).toMatchObject({ social: [], community: [] });
  });

  it.each(['contactEmail', 'feedbackEmail'] as const)('requires %s', (field) => {
    const { [field]: _omitted, ...rest } = valid;
    const errors = settingsSchema.safeParse(rest).error?.flatten().fieldErrors;
    expect(errors?.[field]).toEqual([`${field} is required: give an email address`]);
  });

  it.each(['contactEmail', 'feedbackEmail'] as const)(
    'refuses a %s that is not an address',
    (field) => {
      const errors = settingsSchema
        .safeParse({ ...valid, [field]: 'the office' })
        .error?.flatten().fieldErrors;
      expect(errors?.[field]?.[0]).toMatch(/must be an email address/);
    },
  );

  it('refuses a social link without a label', () => {
    expect(
      settingsSchema.safeParse({ ...valid, social: [{ label: '', url: 'https://example.org' }] })
        .success,
    ).toBe(false);
  });
});
