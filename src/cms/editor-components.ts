import type { BlockEditorComponentOptions, CmsField, EditorComponentField } from 'decap-cms-core';

/**
 * Editor components for the site's MDX components (src/components/mdx/). Each one
 * writes the MDX the site renders and reads it back, and previews with the same
 * classes as the site, so the preview pane matches the published page.
 */

type Attributes = Record<string, string>;

/**
 * Decap's type for editor component fields leaves out settings its widgets accept
 * there (`required`, `hint`, `options`, `default`), so fields are written as CmsField.
 */
function componentFields(fields: CmsField[]): EditorComponentField[] {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- the library's type is narrower than what its widgets accept (see above)
  return fields as unknown as EditorComponentField[];
}

/** Reads `name="value"` pairs from the attribute part of a JSX tag. */
export function parseAttributes(source: string): Attributes {
  const attributes: Attributes = {};
  for (const match of source.matchAll(/(\w+)="([^"]*)"/g)) attributes[match[1]] = match[2];
  return attributes;
}

/**
 * Writes JSX string attributes, skipping empty ones. A straight double quote cannot
 * appear inside a JSX string, so it becomes a typographic one.
 */
export function writeAttributes(attributes: Record<string, unknown>): string {
  return Object.entries(attributes)
    .filter(([, value]) => typeof value === 'string' && value.trim() !== '')
    .map(([name, value]) => ` ${name}="${String(value).trim().replace(/"/g, '”')}"`)
    .join('');
}

/** Escapes text for the preview's HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Paragraphs of plain text as HTML, for previews. */
function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
    .join('');
}

const ATTRS = '((?:\\s+\\w+="[^"]*")*)';

/** `<Callout title tone>` with markdown text between blank lines. */
export const calloutComponent: BlockEditorComponentOptions = {
  id: 'callout',
  label: 'Callout',
  fields: componentFields([
    { name: 'title', label: 'Heading (optional)', widget: 'string', required: false },
    {
      name: 'tone',
      label: 'Style',
      widget: 'select',
      options: [
        { label: 'Information (blue)', value: 'info' },
        { label: 'Warning (amber)', value: 'warning' },
      ],
      default: 'info',
    },
    {
      name: 'body',
      label: 'Text',
      widget: 'text',
      hint: 'Leave an empty line between paragraphs. Avoid the characters { } < >.',
    },
  ]),
  pattern: new RegExp(`^<Callout${ATTRS}\\s*>\\n\\n([\\s\\S]*?)\\n\\n</Callout>`),
  fromBlock: (match) => ({ ...parseAttributes(match[1] ?? ''), body: match[2] ?? '' }),
  toBlock: ({ title, tone, body }) =>
    `<Callout${writeAttributes({ title, tone: tone === 'warning' ? 'warning' : '' })}>\n\n${String(body ?? '').trim()}\n\n</Callout>`,
  toPreview: ({ title, tone, body }) =>
    `<aside class="callout${tone === 'warning' ? ' callout--warning' : ''}">${
      title ? `<h2 class="callout__title">${escapeHtml(String(title))}</h2>` : ''
    }${paragraphs(String(body ?? ''))}</aside>`,
};

/** `<ContactBox title email phone hours />`. */
export const contactBoxComponent: BlockEditorComponentOptions = {
  id: 'contact-box',
  label: 'Contact box',
  fields: componentFields([
    { name: 'title', label: 'Who to contact', widget: 'string', hint: 'e.g. "Welfare team"' },
    { name: 'email', label: 'Email', widget: 'string', required: false },
    { name: 'phone', label: 'Phone', widget: 'string', required: false },
    {
      name: 'hours',
      label: 'Hours',
      widget: 'string',
      required: false,
      hint: 'e.g. "Monday to Friday, 9am to 5pm"',
    },
  ]),
  pattern: new RegExp(`^<ContactBox${ATTRS}\\s*/>`),
  fromBlock: (match) => parseAttributes(match[1] ?? ''),
  toBlock: ({ title, email, phone, hours }) =>
    `<ContactBox${writeAttributes({ title, email, phone, hours })} />`,
  toPreview: ({ title, email, phone, hours }) => {
    const row = (label: string, value: unknown) =>
      typeof value === 'string' && value ? `<dt>${label}</dt><dd>${escapeHtml(value)}</dd>` : '';
    return `<section class="panel contact-box"><h2>${escapeHtml(String(title ?? ''))}</h2><dl class="contact-box__list">${row('Email', email)}${row('Phone', phone)}${row('Hours', hours)}</dl></section>`;
  },
};

/** `<RoleCard title summary href />`. */
export const roleCardComponent: BlockEditorComponentOptions = {
  id: 'role-card',
  label: 'Role card',
  fields: componentFields([
    { name: 'title', label: 'Role', widget: 'string' },
    { name: 'summary', label: 'One-line summary', widget: 'string' },
    { name: 'href', label: 'Link', widget: 'string', hint: 'Usually /careers/<role>/' },
  ]),
  pattern: new RegExp(`^<RoleCard${ATTRS}\\s*/>`),
  fromBlock: (match) => parseAttributes(match[1] ?? ''),
  toBlock: ({ title, summary, href }) => `<RoleCard${writeAttributes({ title, summary, href })} />`,
  toPreview: ({ title, summary, href }) =>
    `<section class="card role-card"><h2 class="card__title"><a href="${escapeHtml(String(href ?? ''))}">${escapeHtml(String(title ?? ''))}</a></h2><p>${escapeHtml(String(summary ?? ''))}</p></section>`,
};

/** Every editor component, registered by src/cms/start.ts. */
export const editorComponents = [calloutComponent, contactBoxComponent, roleCardComponent];
