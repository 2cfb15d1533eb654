/**
 * A field's error in the browser, in the markup the server renders for it
 * (src/server/html/form-parts.ts): the message above the control, the field
 * marked, and the control `aria-invalid` and described by the message.
 */

/** Removes every field error shown inside `root` (a form, or one field's wrapper). */
export function clearFieldErrors(root: ParentNode): void {
  for (const error of root.querySelectorAll('.field__error')) error.remove();
  for (const field of root.querySelectorAll('.field--error'))
    field.classList.remove('field--error');
  for (const input of root.querySelectorAll<HTMLInputElement>('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const ids = (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((id) => id && !id.endsWith('-error'));
    if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
    else input.removeAttribute('aria-describedby');
  }
}

/** Shows `message` beside `input`, as the server renders a field's error, and ties it to the input. */
export function showFieldError(input: HTMLInputElement, message: string): void {
  const field = input.closest('.field');
  const errorId = `${input.id}-error`;
  const error = document.createElement('p');
  error.className = 'field__error';
  error.id = errorId;
  const prefix = document.createElement('span');
  prefix.className = 'visually-hidden';
  prefix.textContent = 'Error: ';
  error.append(prefix, message);
  input.before(error);
  field?.classList.add('field--error');
  input.setAttribute('aria-invalid', 'true');
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  input.setAttribute('aria-describedby', [...ids, errorId].join(' '));
}
