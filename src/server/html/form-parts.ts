/**
 * The pieces every form is drawn with, on the public pages and in the staff console:
 * a field (label, hint, error and control tied together with `aria-describedby`) and
 * the error summary, following GOV.UK Frontend's error-summary pattern
 * (https://design-system.service.gov.uk/components/error-summary/):
 *
 * - the summary container takes focus (`tabindex="-1"`, focused on load with `autofocus`
 *   and by src/scripts/forms.ts), and is labelled by its title;
 * - the announcement comes from a separate inner `role="alert"` node, never the focused one;
 * - each message links to its field, and the field shows the same message beside it.
 */
import { html, type HtmlValue, type SafeHtml } from './safe-html.ts';

/** The heading of every error summary. */
export const ERROR_SUMMARY_TITLE = 'There is a problem';

/** One problem listed in an error summary. */
export interface SummaryError {
  message: string;
  /** The id of the field's control; the message links there. None for form-wide problems. */
  fieldId?: string;
}

/** What an error summary shows. */
export interface ErrorSummary {
  /** The container's id, e.g. `register-errors`. */
  id: string;
  errors: readonly SummaryError[];
  /** A different heading, e.g. "The file was not imported: nothing has changed". */
  title?: string;
  /** Text between the heading and the list. */
  intro?: HtmlValue;
  /** Text after the list. */
  after?: HtmlValue;
}

/**
 * The error summary; with no errors, a hidden, empty placeholder that the form script
 * fills (its inner alert region exists from the start, so filling it is announced).
 */
export function renderErrorSummary(summary: ErrorSummary): SafeHtml {
  if (summary.errors.length === 0) {
    return html`<div class="error-summary" id="${summary.id}" tabindex="-1" hidden><div class="error-summary__alert" role="alert"></div></div>`;
  }
  const titleId = `${summary.id}-title`;
  const items = summary.errors.map(({ message, fieldId }) =>
    fieldId ? html`<li><a href="#${fieldId}">${message}</a></li>` : html`<li>${message}</li>`,
  );
  return html`<div class="error-summary" id="${summary.id}" tabindex="-1" aria-labelledby="${titleId}" autofocus><div class="error-summary__alert" role="alert"><h2 class="error-summary__title" id="${titleId}">${summary.title ?? ERROR_SUMMARY_TITLE}</h2>${summary.intro ?? ''}<ul class="error-summary__list">${items}</ul>${summary.after ?? ''}</div></div>`;
}

/** A choice of a `select` field. */
export interface FieldOption {
  value: string;
  label: string;
}

/** A labelled form field. */
export interface Field {
  /** The control's id, unique on the page; the label, hint and error hang off it. */
  id: string;
  name: string;
  label: string;
  /** `input` (default), `textarea` or `select`. */
  control?: 'input' | 'textarea' | 'select';
  /** The input's type (`text`, `email`, `password`, `file`, `search`, `date` …). */
  type?: string;
  hint?: string;
  /** The field's error message, shown beside it and announced with it. */
  error?: string;
  value?: string;
  options?: readonly FieldOption[];
  autocomplete?: string;
  inputmode?: string;
  /** Names, emails, usernames: no spelling correction or capitalisation. */
  verbatim?: boolean;
  narrow?: boolean;
  required?: boolean;
  maxlength?: number;
  rows?: number;
  accept?: string;
  /** A file input's largest file in bytes, checked in the browser (src/scripts/file-size.ts). */
  maxBytes?: number;
  /** The message for a file over `maxBytes`. */
  tooLargeMessage?: string;
}

/** A field: wrapper, label, hint, error and control, with `aria-describedby` and `aria-invalid`. */
export function renderField(field: Field): SafeHtml {
  const hintId = `${field.id}-hint`;
  const errorId = `${field.id}-error`;
  const describedBy = [field.hint ? hintId : '', field.error ? errorId : '']
    .filter(Boolean)
    .join(' ');
  const hint = field.hint && html`<p class="field__hint" id="${hintId}">${field.hint}</p>`;
  const error =
    field.error &&
    html`<p class="field__error" id="${errorId}"><span class="visually-hidden">Error: </span>${field.error}</p>`;
  return html`<div class="field${field.error ? ' field--error' : ''}" data-field="${field.name}"><label class="field__label" for="${field.id}">${field.label}</label>${hint}${error}${renderControl(field, describedBy)}</div>`;
}

function renderControl(field: Field, describedBy: string): SafeHtml {
  const control = field.control ?? 'input';
  const value = field.value ?? '';
  const attributes = html`id="${field.id}" name="${field.name}"${control === 'input' && html` type="${field.type ?? 'text'}"`} class="field__input${field.narrow ? ' field__input--narrow' : ''}"${field.autocomplete && html` autocomplete="${field.autocomplete}"`}${field.inputmode && html` inputmode="${field.inputmode}"`}${field.verbatim && html` spellcheck="false" autocapitalize="none"`}${describedBy && html` aria-describedby="${describedBy}"`}${field.error && html` aria-invalid="true"`}${field.required && html` required`}${field.maxlength !== undefined && html` maxlength="${field.maxlength}"`}${field.accept && html` accept="${field.accept}"`}${field.maxBytes !== undefined && html` data-max-bytes="${field.maxBytes}"`}${field.tooLargeMessage && html` data-too-large="${field.tooLargeMessage}"`}`;
  if (control === 'textarea') {
    return html`<textarea ${attributes} rows="${field.rows ?? 3}">${value}</textarea>`;
  }
  if (control === 'select') {
    const options = (field.options ?? []).map(
      (option) =>
        html`<option value="${option.value}"${option.value === value && html` selected`}>${option.label}</option>`,
    );
    return html`<select ${attributes}>${options}</select>`;
  }
  return html`<input ${attributes}${value && html` value="${value}"`}>`;
}

/** A hidden input carrying a value back with the form. */
export function renderHiddenInput(name: string, value: string, id?: string): SafeHtml {
  return html`<input type="hidden"${id ? html` id="${id}"` : ''} name="${name}" value="${value}">`;
}
