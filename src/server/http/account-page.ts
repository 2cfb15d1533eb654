/**
 * The account page is a sealed Astro page; its per-member parts (second
 * factors, passkeys and the list of signed-in devices) are filled in per
 * request at the markers the page carries.
 */
import { describeDevice } from '../device-names.ts';
import { html, toHtmlString, type SafeHtml } from '../html/safe-html.ts';
import { getDb } from '../store/db.ts';
import { listUserSessions, type SessionSummary, type SessionValidation } from '../sessions.ts';
import { PASSKEY_NAME_MAX } from '../two-factor/passkey-name.ts';
import { getTwoFactorStatus, type TwoFactorStatus } from '../two-factor/two-factor.ts';
import { disableTwoFactorForm, recoveryCodesForm } from './forms/definitions.ts';
import { renderForm } from './forms/render.ts';

/** The account page's path and its built file. */
export const ACCOUNT_PATH = '/members/account/';
export const ACCOUNT_FILE = 'members/account/index.html';

/** Where the page's per-member parts go. */
export const ACCOUNT_MARKERS = {
  twoFactor: '<!--account:two-factor-->',
  sessions: '<!--account:sessions-->',
} as const;

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});

function time(ms: number | null): SafeHtml {
  if (ms === null) return html`never`;
  const date = new Date(ms);
  return html`<time datetime="${date.toISOString()}">${DATE_TIME.format(date)}</time>`;
}

/** A passkey rename or removal that did not go through, for the page that says so. */
export interface PasskeyProblem {
  id: string;
  action: 'rename' | 'remove';
  message: string;
}

function problemText(id: string, message: string): SafeHtml {
  return html`<p class="field__error" id="${id}"><span class="visually-hidden">Error: </span>${message}</p>`;
}

function renderPasskey(
  p: TwoFactorStatus['passkeys'][number],
  problem: PasskeyProblem | undefined,
): SafeHtml {
  const fieldId = `passkey-name-${p.id}`;
  const renameError = problem?.id === p.id && problem.action === 'rename' ? problem.message : '';
  const removeError = problem?.id === p.id && problem.action === 'remove' ? problem.message : '';
  const errorId = `${fieldId}-error`;
  return html`<li class="passkey${problem?.id === p.id ? ' field--error' : ''}">
    <p><strong>${p.name}</strong>: added ${time(p.createdAt)}, last used ${time(p.lastUsedAt)}</p>
    <form class="inline-form" method="post" action="/api/passkeys/rename">
      <input type="hidden" name="id" value="${p.id}" />
      <label class="field__label" for="${fieldId}">New name for ${p.name}</label>
      ${renameError && problemText(errorId, renameError)}
      <input
        class="field__input"
        id="${fieldId}"
        name="name"
        type="text"
        maxlength="${PASSKEY_NAME_MAX}"
        value="${p.name}"${renameError && html` aria-invalid="true" aria-describedby="${errorId}"`}
      />
      <button type="submit" class="button button--secondary">Rename</button>
    </form>
    ${removeError && problemText(`${fieldId}-remove-error`, removeError)}
    <form class="inline-form" method="post" action="/api/passkeys/remove">
      <input type="hidden" name="id" value="${p.id}" />
      <button type="submit" class="button button--warning">Remove ${p.name}</button>
    </form>
  </li>`;
}

function renderPasskeys(status: TwoFactorStatus, problem?: PasskeyProblem): SafeHtml {
  // A problem with a passkey no longer listed (removed meanwhile) is said above the list.
  const orphan =
    problem &&
    !status.passkeys.some((p) => p.id === problem.id) &&
    problemText('passkey-problem', problem.message);
  const list =
    status.passkeys.length > 0
      ? html`<ul class="passkey-list">
          ${status.passkeys.map((p) => renderPasskey(p, problem))}
        </ul>`
      : html`<p>You have no passkeys yet.</p>`;
  return html`<h3>Passkeys</h3>
    <p>
      A passkey signs you in with your device's fingerprint, face or PIN, with no password or code.
      Adding and using passkeys needs JavaScript; everything else on this page works without it.
    </p>
    ${orphan}${list}
    <form class="form" id="add-passkey" data-passkey-add>
      <div class="error-summary" id="add-passkey-errors" role="alert" tabindex="-1" hidden></div>
      <div class="field">
        <label class="field__label" for="add-passkey-name">Name for the new passkey</label>
        <p class="field__hint" id="add-passkey-name-hint">
          So you can tell them apart, e.g. "Work laptop". Left empty, it is named after this
          browser.
        </p>
        <input
          class="field__input"
          id="add-passkey-name"
          name="name"
          type="text"
          maxlength="${PASSKEY_NAME_MAX}"
          aria-describedby="add-passkey-name-hint"
        />
      </div>
      <button type="submit" class="button" disabled data-needs-webauthn>Add a passkey</button>
      <p class="field__hint" data-webauthn-missing>
        Adding a passkey needs JavaScript and a browser that supports passkeys.
      </p>
    </form>`;
}

/** The two-factor part of the account page. */
export function renderTwoFactorSection(
  status: TwoFactorStatus,
  role: string,
  problem?: PasskeyProblem,
): SafeHtml {
  const left = status.recoveryCodesLeft;
  const totp = status.totp
    ? html`<p>
        Two-factor sign-in is <strong>on</strong> with an authenticator app. You have ${left} unused
        recovery code${left === 1 ? '' : 's'}.
      </p>`
    : html`<p>
          Two-factor sign-in with an authenticator app is <strong>off</strong>.
          ${role === 'staff' ? 'Staff must turn it on (or add a passkey) to use the staff console.' : 'Turning it on means a stolen password alone cannot open your account.'}
        </p>
        <p><a class="button" href="/two-factor/setup/">Set up an authenticator app</a></p>`;
  const codes =
    (status.totp || status.passkeys.length > 0) &&
    html`<h3>Recovery codes</h3>
      <p>
        Each recovery code signs you in once if you lose your phone. Making new codes stops the old
        ones working.
      </p>
      ${renderForm(recoveryCodesForm)}`;
  const off =
    status.totp &&
    role !== 'staff' &&
    html`<h3>Turn two-factor sign-in off</h3>
      <p>This removes your authenticator app, passkeys and recovery codes from your account.</p>
      ${renderForm(disableTwoFactorForm)}`;
  return html`${totp}${codes}${off}${renderPasskeys(status, problem)}`;
}

function renderSession(s: SessionSummary, current: SessionValidation): SafeHtml {
  const unfinished = current.user.twoFactorEnabled && !s.twoFactorVerified;
  const action =
    s.id === current.session.id
      ? html`<strong class="session__this">This device</strong>`
      : html`<form class="inline-form" method="post" action="/api/account/sessions">
          <input type="hidden" name="action" value="end" /><input
            type="hidden"
            name="session"
            value="${s.id}"
          />
          <button type="submit" class="button button--secondary">Sign out this device</button>
        </form>`;
  return html`<li class="session" data-session="${s.id}">
    <p>
      <strong>${describeDevice(s.userAgent)}</strong><br />
      Signed in ${time(s.createdAt)}; last used
      ${time(s.lastUsedAt)}${unfinished ? ' (second step not finished)' : ''}
    </p>
    ${action}
  </li>`;
}

/** The list of signed-in devices, with "this device" marked and sign-out buttons for the others. */
export async function renderSessionsSection(current: SessionValidation): Promise<SafeHtml> {
  const sessions = await listUserSessions(current.user.id, current.user.role);
  const others =
    sessions.length > 1 &&
    html`<form method="post" action="/api/account/sessions">
      <input type="hidden" name="action" value="end-others" />
      <button type="submit" class="button button--warning">Sign out all other devices</button>
    </form>`;
  return html`<ul class="session-list">
      ${sessions.map((s) => renderSession(s, current))}
    </ul>
    ${others}`;
}

/** The account page with its per-member parts filled in. */
export async function completeAccountPage(
  page: string,
  current: SessionValidation,
  problem?: PasskeyProblem,
): Promise<string> {
  let html = page;
  if (html.includes(ACCOUNT_MARKERS.twoFactor)) {
    const status = await getTwoFactorStatus(current.user.id, getDb());
    const part = toHtmlString(renderTwoFactorSection(status, current.user.role, problem));
    html = html.split(ACCOUNT_MARKERS.twoFactor).join(part);
  }
  if (html.includes(ACCOUNT_MARKERS.sessions)) {
    const part = toHtmlString(await renderSessionsSection(current));
    html = html.split(ACCOUNT_MARKERS.sessions).join(part);
  }
  return html;
}
