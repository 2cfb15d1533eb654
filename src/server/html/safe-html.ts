/**
 * HTML that is safe by construction, for every page and email built outside Astro.
 *
 * `html` is a tagged template: each interpolated value is escaped as text unless it is
 * already `SafeHtml` (the result of another `html` template or of `trustedHtml`). The
 * `SafeHtml` type is branded, so the compiler refuses a plain string where markup is
 * expected, and markup can only be made here.
 *
 * Escaping follows the OWASP rule for HTML content and quoted attribute values (the same
 * five characters as Hono's `html` helper and `html-escaper`): `&`, `<`, `>`, `"` and `'`.
 * Attribute values must therefore be written in double or single quotes; unquoted
 * attributes, `<script>`/`<style>` bodies and URL schemes (`javascript:`) are not made safe
 * by escaping and must not take outside text.
 */

/**
 * Markup that may be written into a page as is. Make it with `html` or `trustedHtml`.
 * The private field makes the type nominal: no other value, string or object, fits it.
 */
class SafeHtml {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  /** The markup; read through `toHtmlString`. */
  static markupOf(value: SafeHtml): string {
    return value.#markup;
  }
}

// Only the type leaves this module, so markup is made by `html` and `trustedHtml` alone.
export type { SafeHtml };

/** What may be interpolated into `html`: text, numbers, markup, nothing, or lists of them. */
export type HtmlValue =
  SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or as a quoted attribute value. */
export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function isList(value: HtmlValue): value is readonly HtmlValue[] {
  return Array.isArray(value);
}

function renderValue(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return SafeHtml.markupOf(value);
  if (isList(value)) return value.map(renderValue).join('');
  // Text and numbers; String() also keeps a value that slipped past the types from throwing.
  return escapeHtmlText(String(value));
}

/**
 * Builds markup from a template: the literal parts are kept as written, every value is
 * escaped unless it is `SafeHtml`; arrays are joined without separator; `null`,
 * `undefined` and `false` render nothing (for `cond && html\`…\``); numbers render as text.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  for (let index = 0; index < values.length; index += 1) {
    markup += renderValue(values[index]) + (strings[index + 1] ?? '');
  }
  return new SafeHtml(markup);
}

/**
 * Marks markup as already safe, without escaping it. This is the one way to opt out, so a
 * search for `trustedHtml(` finds every place that does; use it only for markup this code
 * wrote itself or that was escaped elsewhere (a pre-rendered file, a built page).
 */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** The markup as a string, to send as a response body or an email part. */
export function toHtmlString(value: SafeHtml): string {
  return SafeHtml.markupOf(value);
}
