import { html, toHtmlString, trustedHtml } from '../../html/safe-html.ts';
import type { SealedFiles } from '../sealed-files.ts';
import { formMarkers, renderForm } from './render.ts';
import type { FormSpec, FormState } from './spec.ts';

/** Where the build keeps a copy of each public form page for the functions to read. */
export const FORM_SHELL_DIR = '_forms';

/** The shell file of a form page, e.g. `register` → `_forms/register.html`. */
export function formShellPath(page: string): string {
  return `${FORM_SHELL_DIR}/${page}.html`;
}

/**
 * Replaces the form's block (between its markers) in a built page with `html`.
 * Returns null when the page has no such form.
 */
export function replaceForm(page: string, formId: string, html: string): string | null {
  const { start, end } = formMarkers(formId);
  const from = page.indexOf(start);
  const to = page.indexOf(end, from);
  if (from < 0 || to < 0) return null;
  return page.slice(0, from) + html + page.slice(to + end.length);
}

/** Marks the page title as an error page, so screen readers hear it first. */
export function markTitleAsError(page: string): string {
  return page.replace(/<title>(?!Error: )/, '<title>Error: ');
}

/** A bare page when the built shell is missing (a function run without a build). */
function fallbackPage(title: string, form: FormSpec): string {
  const { start, end } = formMarkers(form.id);
  return toHtmlString(
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main id="main"><h1>${title}</h1>${trustedHtml(start)}${trustedHtml(end)}</main></body></html>`,
  );
}

/**
 * `shell` (a built page holding `form`) with the form re-rendered in `state`;
 * a bare page when there is no shell (a function run without a build).
 */
export function renderFormInShell(
  shell: string | null,
  title: string,
  form: FormSpec,
  state: FormState,
): string {
  const formHtml = toHtmlString(renderForm(form, state));
  const html =
    (shell && replaceForm(shell, form.id, formHtml)) ??
    replaceForm(fallbackPage(title, form), form.id, formHtml)!;
  return state.errors && Object.keys(state.errors).length > 0 ? markTitleAsError(html) : html;
}

/**
 * The built public page `page` with `form` re-rendered in `state`: the 422
 * answer of a form posted without JavaScript shows the same page, errors
 * beside the fields.
 */
export function renderFormPage(
  files: SealedFiles,
  page: string,
  title: string,
  form: FormSpec,
  state: FormState,
): string {
  return renderFormInShell(files.read(formShellPath(page)), title, form, state);
}
