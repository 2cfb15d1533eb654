import { escapeHtml } from '../responses.ts';
import { FORM_ERROR, type FieldSpec, type FormSpec, type FormState } from './spec.ts';

/** The id of a field's input, unique on the page. */
export function fieldId(form: FormSpec, field: FieldSpec): string {
  return `${form.id}-${field.name}`;
}

/** Comment markers around a rendered form, so a function can swap in the error state. */
export function formMarkers(formId: string): { start: string; end: string } {
  return { start: `<!--form:${formId}-->`, end: `<!--/form:${formId}-->` };
}

/**
 * Renders a form as HTML that works without JavaScript: labels, hints and errors
 * tied to inputs with `aria-describedby`, an error summary linking to each field,
 * kept values except passwords. The same output serves the built page (empty
 * state) and the function's 422 answer (error state).
 */
export function renderForm(form: FormSpec, state: FormState = {}): string {
  const errors = state.errors ?? {};
  const { start, end } = formMarkers(form.id);
  const submitClass = ['button', form.submitClass].filter(Boolean).join(' ');
  return [
    start,
    `<form class="form" id="${form.id}" method="post" action="${form.action}" novalidate${form.enhance === false ? '' : ' data-enhance'}>`,
    renderErrorSummary(form, errors),
    ...form.fields.map((field) => renderField(form, field, state)),
    `<button type="submit" class="${submitClass}">${escapeHtml(form.submitLabel)}</button>`,
    `</form>`,
    end,
  ].join('');
}

/** The list of problems at the top of the form; an empty placeholder when there are none. */
function renderErrorSummary(form: FormSpec, errors: Readonly<Record<string, string>>): string {
  const items: string[] = [];
  if (errors[FORM_ERROR]) items.push(`<li>${escapeHtml(errors[FORM_ERROR])}</li>`);
  for (const field of form.fields) {
    const message = errors[field.name];
    if (!message) continue;
    const target = field.type === 'hidden' ? '' : ` href="#${fieldId(form, field)}"`;
    items.push(
      `<li>${target ? `<a${target}>` : ''}${escapeHtml(message)}${target ? '</a>' : ''}</li>`,
    );
  }
  const titleId = `${form.id}-error-title`;
  if (items.length === 0) {
    return `<div class="error-summary" id="${form.id}-errors" tabindex="-1" hidden></div>`;
  }
  return (
    `<div class="error-summary" id="${form.id}-errors" role="alert" aria-labelledby="${titleId}" tabindex="-1">` +
    `<h2 class="error-summary__title" id="${titleId}">There is a problem</h2>` +
    `<ul class="error-summary__list">${items.join('')}</ul></div>`
  );
}

function renderField(form: FormSpec, field: FieldSpec, state: FormState): string {
  const id = fieldId(form, field);
  const value = field.type === 'password' ? '' : (state.values?.[field.name] ?? '');
  if (field.type === 'hidden') {
    return `<input type="hidden" id="${id}" name="${field.name}" value="${escapeHtml(value)}">`;
  }
  const error = state.errors?.[field.name];
  const describedBy: string[] = [];
  let hint = '';
  if (field.hint) {
    describedBy.push(`${id}-hint`);
    hint = `<p class="field__hint" id="${id}-hint">${escapeHtml(field.hint)}</p>`;
  }
  let errorHtml = '';
  if (error) {
    describedBy.push(`${id}-error`);
    errorHtml = `<p class="field__error" id="${id}-error"><span class="visually-hidden">Error: </span>${escapeHtml(error)}</p>`;
  }
  const attrs = [
    `id="${id}"`,
    `name="${field.name}"`,
    `type="${field.type}"`,
    `class="field__input${field.narrow ? ' field__input--narrow' : ''}"`,
    field.autocomplete ? `autocomplete="${field.autocomplete}"` : '',
    field.inputmode ? `inputmode="${field.inputmode}"` : '',
    field.verbatim ? 'spellcheck="false" autocapitalize="none"' : '',
    describedBy.length ? `aria-describedby="${describedBy.join(' ')}"` : '',
    error ? 'aria-invalid="true"' : '',
    value ? `value="${escapeHtml(value)}"` : '',
  ].filter(Boolean);
  return (
    `<div class="field${error ? ' field--error' : ''}" data-field="${field.name}">` +
    `<label class="field__label" for="${id}">${escapeHtml(field.label)}</label>` +
    hint +
    errorHtml +
    `<input ${attrs.join(' ')}>` +
    `</div>`
  );
}
