import type { CmsField, CmsFieldDateTime } from 'decap-cms-core';

/**
 * Field blocks shared by several collections. Every block mirrors a field of a Zod
 * schema in src/schemas/ (test/cms/schema-drift.test.ts keeps them in step):
 * `required: false` exactly where the schema has `.optional()` or `.default()`.
 */

/** Reminder repeated wherever an editor types free text. */
const NO_WARRANTS = 'Never write warrant numbers or other personal details of officers in content.';

/** A required title. */
export const titleField = (hint: string): CmsField => ({
  label: 'Title',
  name: 'title',
  widget: 'string',
  hint,
});

/** A required one- or two-sentence summary. */
export const summaryField = (hint: string): CmsField => ({
  label: 'Summary',
  name: 'summary',
  widget: 'text',
  hint: `${hint} ${NO_WARRANTS}`,
});

/** The date fields' widget: Decap's datetime with "Now" in Europe/London (src/cms/date-widget.ts). */
export const DATE_WIDGET = 'federation-date';

/**
 * A calendar date written as YYYY-MM-DD (what the schemas' date fields read).
 * Its "Now" is today in Europe/London (src/cms/date-widget.ts); the picker
 * shows the stored day as it is, in no time zone (`picker_utc: false` with a
 * date-only format parses and writes the same day).
 */
export const dateField = (hint: string): CmsField => {
  const options: Omit<CmsFieldDateTime, 'widget'> = {
    format: 'YYYY-MM-DD',
    date_format: 'D MMMM YYYY',
    time_format: false,
    picker_utc: false,
  };
  // A registered widget of our own, with datetime's options (Decap's types know built-ins only).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
  return {
    label: 'Date',
    name: 'date',
    ...options,
    widget: DATE_WIDGET,
    hint,
  } as unknown as CmsField;
};

/** An on/off switch that is off unless the editor turns it on. */
export const switchField = (name: string, label: string, hint: string): CmsField => ({
  label,
  name,
  widget: 'boolean',
  default: false,
  required: false,
  hint,
});

/** The "archived, may be out of date" switch of news and careers. */
export const archivedField = switchField(
  'archived',
  'Archived',
  'Shows an "archived, may be out of date" notice at the top. Use it instead of deleting old items.',
);

/** The draft switch of news and members pages. */
export const draftField = switchField(
  'draft',
  'Draft (not published)',
  'While this is on, the page is not built at all, even after it is published here.',
);

/** The markdown body; `mdx` offers the site's components (callout, contact box, role card). */
export const bodyField = (mdx = false): CmsField => ({
  label: 'Body',
  name: 'body',
  widget: 'markdown',
  editor_components: mdx ? ['image', 'callout', 'contact-box', 'role-card'] : ['image'],
  hint: NO_WARRANTS,
});

/** A list of links (label and address), empty unless the editor adds some. */
export const linkListField = (name: string, label: string, hint: string): CmsField => ({
  label,
  name,
  widget: 'list',
  required: false,
  default: [],
  hint,
  fields: [
    { label: 'Link text', name: 'label', widget: 'string' },
    { label: 'Address', name: 'url', widget: 'string', hint: 'A full address, e.g. https://...' },
  ],
});
