/**
 * Passkeys in the browser (WebAuthn through @simplewebauthn/browser, bundled
 * into this page's script): the "log in with a passkey" buttons on /login/
 * and /two-factor/, the "add a passkey" form on the account page, and the
 * "confirm with a passkey" button of the staff console's re-authentication
 * form. Without JavaScript or WebAuthn the buttons stay disabled and the pages
 * say why.
 */
import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

interface Answer {
  ok: boolean;
  next?: string;
  options?: unknown;
  proof?: unknown;
  error?: string;
  errors?: Record<string, string>;
}

async function postJson(url: string, body: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  const answer: unknown = await res.json().catch(() => null);
  return isAnswer(answer) ? answer : { ok: false };
}

function isAnswer(value: unknown): value is Answer {
  return (
    typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean'
  );
}

/** True when the server sent options (made by @simplewebauthn/server for this library). */
function hasOptions<T>(answer: Answer): answer is Answer & { options: T } {
  return typeof answer.options === 'object' && answer.options !== null;
}

function problemText(problem: unknown, fallback: string): string {
  return problem instanceof Error && problem.message ? problem.message : fallback;
}

function messageOf(answer: Answer, fallback: string): string {
  return answer.error ?? Object.values(answer.errors ?? {})[0] ?? fallback;
}

function showError(element: HTMLElement | null, message: string): void {
  if (!element) return;
  element.textContent = message;
  element.hidden = false;
  element.focus();
}

/** The `next` of this page's address, kept when signing in. */
function nextFromAddress(): string {
  return new URLSearchParams(window.location.search).get('next') ?? '';
}

async function signIn(button: HTMLButtonElement): Promise<void> {
  const error = document.getElementById('passkey-sign-in-error');
  button.disabled = true;
  try {
    const options = await postJson('/api/passkeys/sign-in-options');
    if (!options.ok || !hasOptions<PublicKeyCredentialRequestOptionsJSON>(options))
      throw new Error(messageOf(options, 'Passkeys are not available right now.'));
    const response = await startAuthentication({ optionsJSON: options.options });
    const answer = await postJson('/api/passkeys/sign-in', {
      response: JSON.stringify(response),
      next: nextFromAddress(),
    });
    if (!answer.ok) throw new Error(messageOf(answer, 'That passkey could not be checked.'));
    window.location.assign(answer.next ?? '/members/');
  } catch (problem) {
    showError(error, problemText(problem, 'The passkey was not used.'));
    button.disabled = false;
  }
}

async function addPasskey(form: HTMLFormElement): Promise<void> {
  const error = form.querySelector<HTMLElement>('.error-summary');
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const name = form.querySelector<HTMLInputElement>('input[name="name"]')?.value ?? '';
  if (button) button.disabled = true;
  try {
    const options = await postJson('/api/passkeys/register-options');
    if (!options.ok || !hasOptions<PublicKeyCredentialCreationOptionsJSON>(options))
      throw new Error(messageOf(options, 'Passkeys are not available right now.'));
    const response = await startRegistration({ optionsJSON: options.options });
    const answer = await postJson('/api/passkeys/register', {
      response: JSON.stringify(response),
      name,
    });
    if (!answer.ok) throw new Error(messageOf(answer, 'The passkey was not added.'));
    window.location.assign(answer.next ?? window.location.pathname);
  } catch (problem) {
    showError(error, problemText(problem, 'The passkey was not added.'));
    if (button) button.disabled = false;
  }
}

/**
 * Staff re-authentication: the passkey is checked first (/api/passkeys/confirm
 * answers with a proof), then the form itself is sent with the password as
 * typed and the proof, an ordinary POST answered with a redirect or the form again.
 */
async function confirmWithPasskey(button: HTMLButtonElement): Promise<void> {
  const form = button.form;
  const password = form?.querySelector<HTMLInputElement>('input[name="password"]');
  const answerField = form?.querySelector<HTMLInputElement>('input[name="passkey"]');
  if (!form || !password || !answerField) return;
  if (!password.reportValidity()) return;
  const error = form.querySelector<HTMLElement>('#reauth-passkey-error');
  button.disabled = true;
  try {
    const options = await postJson('/api/passkeys/confirm-options');
    if (!options.ok || !hasOptions<PublicKeyCredentialRequestOptionsJSON>(options))
      throw new Error(messageOf(options, 'Passkeys are not available right now.'));
    const response = await startAuthentication({ optionsJSON: options.options });
    const answer = await postJson('/api/passkeys/confirm', { response: JSON.stringify(response) });
    if (!answer.ok || typeof answer.proof !== 'string')
      throw new Error(messageOf(answer, 'That passkey could not be checked.'));
    answerField.value = answer.proof;
    // submit() skips the code field's checks: the passkey stands in for the code.
    form.submit();
  } catch (problem) {
    showError(error, problemText(problem, 'The passkey was not used.'));
    button.disabled = false;
  }
}

if (browserSupportsWebAuthn()) {
  for (const note of document.querySelectorAll<HTMLElement>('[data-webauthn-missing]'))
    note.hidden = true;
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-passkey-sign-in]')) {
    button.disabled = false;
    button.addEventListener('click', () => void signIn(button));
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-passkey-reauth]')) {
    button.disabled = false;
    button.addEventListener('click', () => void confirmWithPasskey(button));
  }
  for (const form of document.querySelectorAll<HTMLFormElement>('[data-passkey-add]')) {
    const button = form.querySelector<HTMLButtonElement>('[data-needs-webauthn]');
    if (button) button.disabled = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void addPasskey(form);
    });
  }
}
