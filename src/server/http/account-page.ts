/**
 * The account page is a sealed Astro page; its per-member parts (second
 * factors, passkeys and the list of signed-in devices) are filled in per
 * request at the markers the page carries.
 */
import { getDb } from '../store/db.ts';
import { listUserSessions, type SessionValidation } from '../sessions.ts';
import { getTwoFactorStatus, type TwoFactorStatus } from '../two-factor/two-factor.ts';
import { describeDevice } from '../device-names.ts';
import { disableTwoFactorForm, recoveryCodesForm } from './forms/definitions.ts';
import { renderForm } from './forms/render.ts';
import { escapeHtml } from './responses.ts';

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

function time(ms: number | null): string {
  if (ms === null) return 'never';
  const date = new Date(ms);
  return `<time datetime="${date.toISOString()}">${escapeHtml(DATE_TIME.format(date))}</time>`;
}

function renderPasskeys(status: TwoFactorStatus): string {
  const rows = status.passkeys
    .map((p) => {
      const id = escapeHtml(p.id);
      const fieldId = `passkey-name-${id}`;
      return (
        `<li class="passkey">` +
        `<p><strong>${escapeHtml(p.name)}</strong>: added ${time(p.createdAt)}, last used ${time(p.lastUsedAt)}</p>` +
        `<form class="inline-form" method="post" action="/api/passkeys/rename">` +
        `<input type="hidden" name="id" value="${id}">` +
        `<label class="field__label" for="${fieldId}">New name for ${escapeHtml(p.name)}</label>` +
        `<input class="field__input" id="${fieldId}" name="name" type="text" maxlength="60" value="${escapeHtml(p.name)}">` +
        `<button type="submit" class="button button--secondary">Rename</button></form>` +
        `<form class="inline-form" method="post" action="/api/passkeys/remove">` +
        `<input type="hidden" name="id" value="${id}">` +
        `<button type="submit" class="button button--warning">Remove ${escapeHtml(p.name)}</button></form>` +
        `</li>`
      );
    })
    .join('');
  const list = rows ? `<ul class="passkey-list">${rows}</ul>` : '<p>You have no passkeys yet.</p>';
  return (
    `<h3>Passkeys</h3>` +
    `<p>A passkey signs you in with your device's fingerprint, face or PIN, with no password or code. ` +
    `Adding and using passkeys needs JavaScript; everything else on this page works without it.</p>` +
    list +
    `<form class="form" id="add-passkey" data-passkey-add>` +
    `<div class="error-summary" id="add-passkey-errors" tabindex="-1" hidden></div>` +
    `<div class="field"><label class="field__label" for="add-passkey-name">Name for the new passkey</label>` +
    `<p class="field__hint" id="add-passkey-name-hint">So you can tell them apart, e.g. "Work laptop".</p>` +
    `<input class="field__input" id="add-passkey-name" name="name" type="text" maxlength="60" aria-describedby="add-passkey-name-hint"></div>` +
    `<button type="submit" class="button" disabled data-needs-webauthn>Add a passkey</button>` +
    `<p class="field__hint" data-webauthn-missing>Adding a passkey needs JavaScript and a browser that supports passkeys.</p>` +
    `</form>`
  );
}

/** The two-factor part of the account page. */
export function renderTwoFactorSection(status: TwoFactorStatus, role: string): string {
  const totp = status.totp
    ? `<p>Two-factor sign-in is <strong>on</strong> with an authenticator app. You have ${status.recoveryCodesLeft} unused recovery code${status.recoveryCodesLeft === 1 ? '' : 's'}.</p>`
    : `<p>Two-factor sign-in with an authenticator app is <strong>off</strong>. ${role === 'staff' ? 'Staff must turn it on (or add a passkey) to use the staff console.' : 'Turning it on means a stolen password alone cannot open your account.'}</p>` +
      `<p><a class="button" href="/two-factor/setup/">Set up an authenticator app</a></p>`;
  const codes =
    status.totp || status.passkeys.length > 0
      ? `<h3>Recovery codes</h3><p>Each recovery code signs you in once if you lose your phone. Making new codes stops the old ones working.</p>` +
        renderForm(recoveryCodesForm)
      : '';
  const off =
    status.totp && role !== 'staff'
      ? `<h3>Turn two-factor sign-in off</h3><p>This removes your authenticator app, passkeys and recovery codes from your account.</p>` +
        renderForm(disableTwoFactorForm)
      : '';
  return totp + codes + off + renderPasskeys(status);
}

/** The list of signed-in devices, with "this device" marked and sign-out buttons for the others. */
export async function renderSessionsSection(current: SessionValidation): Promise<string> {
  const sessions = await listUserSessions(current.user.id, current.user.role);
  const items = sessions
    .map((s) => {
      const here = s.id === current.session.id;
      const action = here
        ? `<strong class="session__this">This device</strong>`
        : `<form class="inline-form" method="post" action="/api/account/sessions">` +
          `<input type="hidden" name="action" value="end"><input type="hidden" name="session" value="${escapeHtml(s.id)}">` +
          `<button type="submit" class="button button--secondary">Sign out this device</button></form>`;
      return (
        `<li class="session" data-session="${escapeHtml(s.id)}">` +
        `<p><strong>${escapeHtml(describeDevice(s.userAgent))}</strong><br>` +
        `Signed in ${time(s.createdAt)}; last used ${time(s.lastUsedAt)}${s.twoFactorVerified ? '' : ' (second step not finished)'}</p>` +
        `${action}</li>`
      );
    })
    .join('');
  const others =
    sessions.length > 1
      ? `<form method="post" action="/api/account/sessions"><input type="hidden" name="action" value="end-others">` +
        `<button type="submit" class="button button--warning">Sign out all other devices</button></form>`
      : '';
  return `<ul class="session-list">${items}</ul>${others}`;
}

/** The account page with its per-member parts filled in. */
export async function completeAccountPage(
  page: string,
  current: SessionValidation,
): Promise<string> {
  let html = page;
  if (html.includes(ACCOUNT_MARKERS.twoFactor)) {
    const status = await getTwoFactorStatus(current.user.id, getDb());
    html = html
      .split(ACCOUNT_MARKERS.twoFactor)
      .join(renderTwoFactorSection(status, current.user.role));
  }
  if (html.includes(ACCOUNT_MARKERS.sessions)) {
    html = html.split(ACCOUNT_MARKERS.sessions).join(await renderSessionsSection(current));
  }
  return html;
}
