import type { CmsCollection, CmsField } from 'decap-cms-core';
import {
  archivedField,
  bodyField,
  dateField,
  draftField,
  linkListField,
  summaryField,
  switchField,
  titleField,
} from './fields';
import { USABLE_IMAGE_PATTERN } from './upload-check';
import { USABLE_FORMAT_NAMES } from '../lib/image-formats';

/**
 * Uploaded images go beside the entries (content/<collection>/images/) and are written as
 * `./images/<file>`, the form astro:assets resolves, so an uploaded hero is optimised like
 * every other one.
 */
const besideEntries = { media_folder: 'images', public_folder: './images' } as const;

/** News articles: content/news/<slug>.md (src/schemas/news.ts). */
export const newsCollection: CmsCollection = {
  name: 'news',
  label: 'News',
  label_singular: 'News article',
  description:
    'Articles for /news/. Members-only articles show their title and summary to everyone.',
  folder: 'content/news',
  extension: 'md',
  format: 'frontmatter',
  create: true,
  slug: '{{slug}}',
  summary: "{{title}} — {{date | date('D MMM YYYY')}}",
  sortable_fields: [{ field: 'date', default_sort: 'desc' }, 'title'],
  view_filters: [
    { label: 'Members-only', field: 'membersOnly', pattern: true },
    { label: 'Archived', field: 'archived', pattern: true },
  ],
  preview_path: 'news/{{slug}}/',
  ...besideEntries,
  fields: [
    titleField('The headline, shown on the page, in lists and in search results.'),
    dateField('Publication date. Articles are listed newest first.'),
    summaryField('One or two sentences for lists, search results and link previews.'),
    {
      label: 'Author',
      name: 'author',
      widget: 'string',
      required: false,
      hint: 'Who wrote the article or is quoted as its source (optional).',
    },
    {
      label: 'Author role',
      name: 'authorRole',
      widget: 'string',
      required: false,
      hint: 'For example "Chair" or "General Secretary" (optional).',
    },
    {
      label: 'Hero image',
      name: 'image',
      widget: 'image',
      required: false,
      choose_url: false,
      pattern: USABLE_IMAGE_PATTERN,
      hint: `A landscape photo at least 1600 pixels wide, as ${USABLE_FORMAT_NAMES} (not HEIC: on an iPhone, share it as JPEG). The site makes smaller copies for phones; a logo may have a transparent background.`,
    },
    {
      label: 'Image description (alt text)',
      name: 'imageAlt',
      widget: 'string',
      required: false,
      hint: 'Required with an image: say what the photo shows for people who cannot see it, e.g. "Officers on patrol on Westminster Bridge". Do not start with "Image of".',
    },
    {
      label: 'Tags',
      name: 'tags',
      widget: 'list',
      required: false,
      hint: 'Topics, separated by commas, e.g. "pay, welfare". Articles sharing a tag are shown as related.',
    },
    switchField(
      'membersOnly',
      'Members-only',
      'Members-only: the public sees the title and summary; members see everything.',
    ),
    archivedField,
    draftField,
    switchField(
      'newsletter',
      'Email this article to subscribers when it is published',
      'Sent once, by the first publish that makes it live; later edits and re-publishing never send it again. Members-only articles go in full only to confirmed members: everyone else gets the title, the summary and a link to log in.',
    ),
    bodyField(),
  ],
};

/** Careers roles: content/careers/<slug>.md (src/schemas/careers.ts). */
export const careersCollection: CmsCollection = {
  name: 'careers',
  label: 'Careers',
  label_singular: 'Role',
  description: 'Roles listed on /careers/, in the order you give them.',
  folder: 'content/careers',
  extension: 'md',
  format: 'frontmatter',
  create: true,
  slug: '{{slug}}',
  summary: '{{order}}. {{title}}',
  sortable_fields: [{ field: 'order', default_sort: 'asc' }, 'title'],
  preview_path: 'careers/{{slug}}/',
  ...besideEntries,
  fields: [
    titleField('Name of the role, e.g. "Special Constables".'),
    summaryField('One or two sentences for the careers page.'),
    {
      label: 'Order',
      name: 'order',
      widget: 'number',
      value_type: 'int',
      min: 1,
      hint: 'Position on the careers page: 1 comes first.',
    },
    {
      label: 'Highlights',
      name: 'highlights',
      widget: 'list',
      required: false,
      default: [],
      hint: 'Short selling points, one per line, shown as a list.',
      field: { label: 'Highlight', name: 'highlight', widget: 'string' },
    },
    {
      label: 'Application link',
      name: 'applyUrl',
      widget: 'string',
      required: false,
      pattern: ['^https?://\\S+$', 'Give a full web address starting with https://'],
      hint: 'Where to apply, if the role is open. Leave empty when it is not.',
    },
    archivedField,
    bodyField(),
  ],
};

/** Members-only pages: content/members/<slug>.md (src/schemas/members.ts). */
export const membersCollection: CmsCollection = {
  name: 'members',
  label: 'Members pages',
  label_singular: 'Members page',
  description:
    'Pages only confirmed members can read, under /members/. The public never sees them.',
  folder: 'content/members',
  extension: 'md',
  format: 'frontmatter',
  create: true,
  slug: '{{slug}}',
  summary: '{{category}}: {{title}}',
  sortable_fields: ['title', 'date', 'category'],
  ...besideEntries,
  fields: [
    titleField('Page title.'),
    summaryField('One or two sentences for the members index.'),
    dateField('When the guidance was written or last checked.'),
    {
      label: 'Category',
      name: 'category',
      widget: 'string',
      hint: 'Section of the members area, e.g. "Welfare" or "Legal".',
    },
    draftField,
    bodyField(),
  ],
};

const pageFields = (mdx: boolean): CmsField[] => [
  titleField('Page title.'),
  {
    label: 'Summary',
    name: 'summary',
    widget: 'text',
    required: false,
    hint: 'Optional: a sentence for search engines and link previews.',
  },
  bodyField(mdx),
];

/** Plain pages: content/pages/<slug>.md (src/schemas/pages.ts), served at /<slug>/. */
export const pagesCollection: CmsCollection = {
  name: 'pages',
  label: 'Pages',
  label_singular: 'Page',
  description: 'Plain pages such as About, Privacy and the accessibility statement.',
  folder: 'content/pages',
  extension: 'md',
  format: 'frontmatter',
  create: true,
  slug: '{{slug}}',
  preview_path: '{{slug}}/',
  ...besideEntries,
  fields: pageFields(false),
};

/** Pages written in MDX: the same schema, with the site's components in the editor. */
export const componentPagesCollection: CmsCollection = {
  ...pagesCollection,
  name: 'component-pages',
  label: 'Pages with components',
  label_singular: 'Page with components',
  description: 'Pages that use a callout, a contact box or a role card (saved as .mdx).',
  extension: 'mdx',
  fields: pageFields(true),
};

/** Site-wide settings: content/settings/site.yml (src/schemas/settings.ts). */
export const settingsCollection: CmsCollection = {
  name: 'settings',
  label: 'Site settings',
  delete: false,
  files: [
    {
      name: 'site',
      label: 'Site settings',
      file: 'content/settings/site.yml',
      fields: [
        {
          label: 'Site name',
          name: 'siteName',
          widget: 'string',
          hint: 'Shown in the header and page titles.',
        },
        {
          label: 'Tagline',
          name: 'tagline',
          widget: 'string',
          required: false,
          hint: 'Short line under the name (optional).',
        },
        {
          label: 'Site-wide notice',
          name: 'notice',
          widget: 'object',
          collapsed: false,
          hint: 'A banner on every public page, for example how to register for the members section.',
          fields: [
            switchField('enabled', 'Show the notice', 'Turn off to hide the banner everywhere.'),
            { label: 'Notice title', name: 'title', widget: 'string' },
            { label: 'Notice text', name: 'text', widget: 'text' },
            {
              label: 'Notice link',
              name: 'link',
              widget: 'string',
              required: false,
              hint: 'A page on this site, e.g. /how-to-access-the-members-section/ (optional).',
            },
          ],
        },
        {
          label: 'Contact email',
          name: 'contactEmail',
          widget: 'string',
          hint: 'General enquiries address.',
        },
        {
          label: 'Feedback email',
          name: 'feedbackEmail',
          widget: 'string',
          hint: 'Where "send feedback about this page" goes.',
        },
        linkListField('social', 'Social media', 'Accounts shown in the footer.'),
        linkListField('community', 'Community links', 'Charities and welfare services.'),
      ],
    },
  ],
};

/** Every collection, in the order of the CMS sidebar. */
export const collections: CmsCollection[] = [
  newsCollection,
  careersCollection,
  pagesCollection,
  componentPagesCollection,
  membersCollection,
  settingsCollection,
];
