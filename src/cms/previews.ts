import { createElement as h, type ReactNode } from 'react';
import type { PreviewTemplateComponentProps } from 'decap-cms-core';
import { formatDate } from '../lib/format';

/**
 * Preview templates: the same markup and classes as the public layouts
 * (src/pages/news/[slug].astro, careers/[slug].astro, [slug].astro), drawn with the
 * site's own stylesheet, so the preview pane shows what the public will get.
 */

type Props = PreviewTemplateComponentProps;

function text(props: Props, name: string): string {
  const value: unknown = props.entry.getIn(['data', name]);
  return typeof value === 'string' ? value : '';
}

function flag(props: Props, name: string): boolean {
  return props.entry.getIn(['data', name]) === true;
}

/** Decap keeps list fields as Immutable.js lists, which `toJS()` turns into arrays. */
function hasToJS(value: unknown): value is { toJS: () => unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'toJS' in value &&
    typeof value.toJS === 'function'
  );
}

/**
 * A field's rendered widget. decap-cms-core types it as the global `JSX.Element`, which
 * React 19's types no longer declare, so the value is retyped as the React node it is.
 */
function widget(props: Props, name: string): ReactNode {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- see the comment above: the library's type name no longer resolves
  return props.widgetFor(name);
}

function list(props: Props, name: string): string[] {
  const value: unknown = props.entry.getIn(['data', name]);
  const items = hasToJS(value) ? value.toJS() : value;
  return Array.isArray(items) ? items.filter((i): i is string => typeof i === 'string' && !!i) : [];
}

/** "1 March 2024", as the site prints dates; empty while the date is unset or invalid. */
function displayDate(value: string): string {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? formatDate(date) : '';
}

/** The page frame the site wraps every article in. */
function frame(...children: ReactNode[]) {
  return h('main', { id: 'main' }, h('div', { className: 'wrap' }, ...children));
}

function archivedNotice(kind: string) {
  return h(
    'div',
    { className: 'callout callout--warning', role: 'note' },
    h(
      'p',
      null,
      h('strong', null, `Archived ${kind}.`),
      ' This is archived material and may be out of date.',
    ),
  );
}

/** A news article, as on /news/<slug>/. */
export function NewsPreview(props: Props) {
  const author = text(props, 'author');
  const role = text(props, 'authorRole');
  const date = text(props, 'date');
  const tags = list(props, 'tags');
  const image = text(props, 'image');
  return frame(
    h(
      'article',
      { className: 'article' },
      h('h1', null, text(props, 'title')),
      h(
        'p',
        { className: 'article-meta' },
        h('time', { dateTime: date }, displayDate(date)),
        author && ' ',
        author &&
          h(
            'span',
            { className: 'article-meta__author' },
            role ? `By ${author}, ${role}` : `By ${author}`,
          ),
      ),
      tags.length > 0 &&
        h(
          'ul',
          { className: 'tags inline-list', 'aria-label': 'Topics' },
          ...tags.map((tag) => h('li', { className: 'tag', key: tag }, tag)),
        ),
      flag(props, 'archived') && archivedNotice('article'),
      flag(props, 'membersOnly') &&
        h(
          'div',
          { className: 'callout', role: 'note' },
          h(
            'p',
            null,
            h('strong', null, 'Members-only.'),
            ' The public sees only the title and summary.',
          ),
        ),
      h('p', { className: 'lede' }, text(props, 'summary')),
      image &&
        h(
          'picture',
          { className: 'hero' },
          h('img', { src: props.getAsset(image)?.url, alt: text(props, 'imageAlt') }),
        ),
      h('div', { className: 'prose' }, widget(props, 'body')),
    ),
  );
}

/** A careers role, as on /careers/<slug>/. */
export function CareersPreview(props: Props) {
  const highlights = list(props, 'highlights');
  const title = text(props, 'title');
  const applyUrl = text(props, 'applyUrl');
  const archived = flag(props, 'archived');
  return frame(
    h(
      'article',
      { className: 'article' },
      h('p', { className: 'eyebrow' }, h('a', { href: '/careers/' }, 'Careers')),
      h('h1', null, title),
      archived && archivedNotice('role'),
      h('p', { className: 'lede' }, text(props, 'summary')),
      highlights.length > 0 &&
        h(
          'section',
          { className: 'highlights' },
          h('h2', null, 'At a glance'),
          h('ul', null, ...highlights.map((line) => h('li', { key: line }, line))),
        ),
      h('div', { className: 'prose' }, widget(props, 'body')),
      applyUrl &&
        !archived &&
        h(
          'p',
          null,
          h('a', { className: 'button', href: applyUrl }, `Apply to become one of our ${title}`),
        ),
    ),
  );
}

/** A plain page, as on /<slug>/. */
export function PagePreview(props: Props) {
  const summary = text(props, 'summary');
  return frame(
    h(
      'article',
      { className: 'article' },
      h('h1', null, text(props, 'title')),
      summary && h('p', { className: 'lede' }, summary),
      h('div', { className: 'prose' }, widget(props, 'body')),
    ),
  );
}
