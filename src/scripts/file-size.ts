/**
 * File inputs marked `data-max-bytes`: a chosen file larger than that is refused
 * at once, beside the field (the text of `data-too-large`), and the form will not
 * post it, so a file the server (or Netlify, before it) would refuse is never
 * uploaded. Without this script the server's own refusal says the same.
 */
import { clearFieldErrors, showFieldError } from './field-errors.ts';

function checkSize(input: HTMLInputElement): void {
  const limit = Number(input.dataset.maxBytes);
  const tooLarge = Array.from(input.files ?? []).some((file) => file.size > limit);
  const message = tooLarge ? (input.dataset.tooLarge ?? 'The file is too large.') : '';
  clearFieldErrors(input.closest('.field') ?? input.parentElement ?? input);
  input.setCustomValidity(message);
  if (tooLarge) showFieldError(input, message);
}

for (const input of document.querySelectorAll<HTMLInputElement>(
  'input[type="file"][data-max-bytes]',
)) {
  input.addEventListener('change', () => checkSize(input));
  // A file kept by the browser when the page came back (history) is checked too.
  if (input.files?.length) checkSize(input);
}
