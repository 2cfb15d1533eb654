import { renderErrorSummary, renderField, renderHiddenInput } from '../../html/form-parts.ts';
import { html, trustedHtml, type SafeHtml } from '../../html/safe-html.ts';
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
export function renderForm(form: FormSpec, state: FormState = {}): SafeHtml {
  const errors = state.errors ?? {};
  const { start, end } = formMarkers(form.id);
  const submitClass = ['button', form.submitClass].filter(Boolean).join(' ');
  const summaryErrors = [
    ...(errors[FORM_ERROR] ? [{ message: errors[FORM_ERROR] }] : []),
    ...form.fields.flatMap((field) => {
      const message = errors[field.name];
      if (!message) return [];
      return [{ message, fieldId: field.type === 'hidden' ? undefined : fieldId(form, field) }];
    }),
  ];
  // The markers are constant comments written by this module.
  return html`${trustedHtml(start)}<form class="form" id="${form.id}" method="post" action="${form.action}" novalidate${form.enhance === false ? '' : html` data-enhance`}>${renderErrorSummary({ id: `${form.id}-errors`, errors: summaryErrors })}${form.fields.map((field) => renderFormField(form, field, state))}<button type="submit" class="${submitClass}">${form.submitLabel}</button></form>${trustedHtml(end)}`;
}

function renderFormField(form: FormSpec, field: FieldSpec, state: FormState): SafeHtml {
  const id = fieldId(form, field);
  const value = field.type === 'password' ? '' : (state.values?.[field.name] ?? '');
  if (field.type === 'hidden') return renderHiddenInput(field.name, value, id);
  return renderField({
    id,
    name: field.name,
    label: field.label,
    type: field.type,
    hint: field.hint,
    error: state.errors?.[field.name],
    value,
    autocomplete: field.autocomplete,
    inputmode: field.inputmode,
    verbatim: field.verbatim,
    narrow: field.narrow,
  });
}
