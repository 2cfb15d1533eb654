/**
 * Progressive enhancement for the site's forms (those marked `data-enhance`):
 * posts with fetch and `Accept: application/json`, shows the errors beside the
 * fields and in the summary without a reload, and follows `next` on success.
 * Without this script, or without fetch, the forms post normally and the
 * server answers with the same errors on a full page.
 */

import { clearFieldErrors, showFieldError } from './field-errors.ts';

interface FormAnswer {
  ok: boolean;
  next?: string;
  errors?: Record<string, string>;
  error?: string;
}

/** The form's fields as name/value pairs (these forms have no file inputs). */
function formText(form: HTMLFormElement): [string, string][] {
  return Array.from(new FormData(form), ([name, value]) => [
    name,
    typeof value === 'string' ? value : value.name,
  ]);
}

function isTextRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

/** The server's JSON answer, checked; anything else is treated as a failure to reach it. */
function readFormAnswer(value: unknown): FormAnswer {
  if (typeof value !== 'object' || value === null || !('ok' in value)) {
    throw new Error('The answer is not a form answer');
  }
  const { ok } = value;
  const next = 'next' in value ? value.next : undefined;
  const errors = 'errors' in value ? value.errors : undefined;
  const error = 'error' in value ? value.error : undefined;
  return {
    ok: ok === true,
    next: typeof next === 'string' ? next : undefined,
    errors: isTextRecord(errors) ? errors : undefined,
    error: typeof error === 'string' ? error : undefined,
  };
}

/** Copies `?next=` and `?token=` from the address into the form's hidden fields. */
function fillHiddenFromUrl(form: HTMLFormElement): void {
  const params = new URLSearchParams(window.location.search);
  for (const name of ['next', 'token']) {
    const input = form.querySelector<HTMLInputElement>(`input[type="hidden"][name="${name}"]`);
    const value = params.get(name);
    if (input && !input.value && value) input.value = value;
  }
}

/**
 * Where to go after a successful post: `next` resolved against this page when
 * it stays on this origin (the server only sends such paths), else this page.
 */
function sameOriginTarget(next: string | undefined): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return window.location.href;
  try {
    const target = new URL(next, window.location.href);
    if (target.origin === window.location.origin) return target.href;
  } catch {
    // an unreadable value falls through to this page
  }
  return window.location.href;
}

function summaryItem(message: string, target?: HTMLInputElement): HTMLLIElement {
  const item = document.createElement('li');
  if (!target) {
    item.textContent = message;
    return item;
  }
  const link = document.createElement('a');
  link.href = `#${target.id}`;
  link.textContent = message;
  item.append(link);
  return item;
}

/**
 * Fills the error summary and shows it, as GOV.UK Frontend does: the inner `role="alert"`
 * region announces the problems, and focus moves to the summary container (a separate
 * node), so keyboard and screen-reader users start from the list of problems.
 */
function showSummary(form: HTMLFormElement, items: HTMLLIElement[]): void {
  const summary = form.querySelector<HTMLElement>('.error-summary');
  if (!summary) return;
  let alert = summary.querySelector<HTMLElement>('.error-summary__alert');
  if (!alert) {
    alert = document.createElement('div');
    alert.className = 'error-summary__alert';
    alert.setAttribute('role', 'alert');
    summary.replaceChildren(alert);
  }
  const titleId = `${summary.id}-title`;
  const title = document.createElement('h2');
  title.className = 'error-summary__title';
  title.id = titleId;
  title.textContent = 'There is a problem';
  const list = document.createElement('ul');
  list.className = 'error-summary__list';
  list.append(...items);
  alert.replaceChildren(title, list);
  summary.setAttribute('aria-labelledby', titleId);
  summary.hidden = false;
  summary.focus();
}

/**
 * A summary link moves focus to its field (not only the scroll position), with the
 * field's label in view, as GOV.UK Frontend's error summary does.
 */
function focusLinkedField(event: MouseEvent): void {
  if (!(event.target instanceof Element)) return;
  const link = event.target.closest<HTMLAnchorElement>('.error-summary a[href^="#"]');
  if (!link) return;
  const input = document.getElementById(link.hash.slice(1));
  if (!input) return;
  event.preventDefault();
  const label = document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
  (label ?? input).scrollIntoView();
  input.focus({ preventScroll: true });
}

function showErrors(form: HTMLFormElement, answer: FormAnswer): void {
  clearFieldErrors(form);
  const items: HTMLLIElement[] = [];
  const errors = answer.errors ?? {};
  const formWide = errors.form ?? answer.error;
  if (formWide) items.push(summaryItem(formWide));
  for (const [name, message] of Object.entries(errors)) {
    if (name === 'form') continue;
    const input = form.querySelector<HTMLInputElement>(`[name="${CSS.escape(name)}"]`);
    if (input && input.type !== 'hidden') {
      showFieldError(input, message);
      items.push(summaryItem(message, input));
    } else {
      items.push(summaryItem(message));
    }
  }
  for (const input of form.querySelectorAll<HTMLInputElement>('input[type="password"]'))
    input.value = '';
  showSummary(form, items);
  if (!/^Error: /.test(document.title)) document.title = `Error: ${document.title}`;
}

async function submitEnhanced(
  form: HTMLFormElement,
  button: HTMLButtonElement | null,
): Promise<void> {
  let answer: FormAnswer;
  try {
    const response = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(formText(form)),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    answer = readFormAnswer(await response.json());
  } catch {
    // Anything unexpected: let the browser post the form the ordinary way.
    form.submit();
    return;
  } finally {
    if (button) button.disabled = false;
  }
  if (answer.ok) {
    window.location.assign(sameOriginTarget(answer.next));
    return;
  }
  showErrors(form, answer);
}

function enhance(form: HTMLFormElement): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    void submitEnhanced(form, button);
  });
}

document.addEventListener('click', focusLinkedField);

// A page answered with errors (no JavaScript on the post, or a reload) starts at its summary.
document.querySelector<HTMLElement>('.error-summary:not([hidden])')?.focus();

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-enhance]')) {
  fillHiddenFromUrl(form);
  if ('fetch' in window && 'FormData' in window) enhance(form);
}
