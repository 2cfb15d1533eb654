/**
 * The /two-factor/ pages: sealed Astro pages (site header and styles) whose
 * per-account parts are filled in per request: the set-up page's QR code and
 * key, the sign-in step's `next`, the recovery codes shown once.
 */
import type { SessionUser } from '../sessions.ts';
import { STAFF_SECTIONS } from '../staff/html/shell.ts';
import type { UserRole } from '../store/schema.ts';
import { ACCOUNT_PATH } from './account-page.ts';
import { DEFAULT_AFTER_LOGIN, safeNextPath } from './next-path.ts';
import type { TotpSetup } from '../two-factor/two-factor.ts';
import { recoveryCodeForm, setupTwoFactorForm, twoFactorCodeForm } from './forms/definitions.ts';
import { renderFormInShell } from './forms/page.ts';
import type { FormSpec, FormState } from './forms/spec.ts';
import { insertMemberBar, MEMBER_BAR_MARKER } from './member-bar.ts';
import { html, toHtmlString, trustedHtml } from '../html/safe-html.ts';
import type { SealedFiles } from './sealed-files.ts';

/** Built files of the pages. */
export const TWO_FACTOR_FILES = {
  verify: 'two-factor/index.html',
  setup: 'two-factor/setup/index.html',
  codes: 'two-factor/recovery-codes/index.html',
} as const;

/** Markers the pages carry. */
export const TWO_FACTOR_MARKERS = {
  setup: '<!--two-factor:setup-->',
  codes: '<!--two-factor:codes-->',
  next: '<!--two-factor:next-->',
} as const;

function fallback(title: string, markers: string[], forms: FormSpec[]): string {
  const blocks = forms.map((f) => trustedHtml(`<!--form:${f.id}--><!--/form:${f.id}-->`));
  return toHtmlString(
    html`<!doctype html>
      <html lang="en-GB">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>${title}</title>
        </head>
        <body>
          <header>${trustedHtml(MEMBER_BAR_MARKER)}</header>
          <main id="main">
            <h1>${title}</h1>
            ${markers.map(trustedHtml)}${blocks}
          </main>
        </body>
      </html>`,
  );
}

/** The bar on the second step: only a way out, since the person is not signed in yet. */
function halfSignedInBar(): string {
  return toHtmlString(
    html`<div class="member-bar">
      <form class="member-bar__logout" method="post" action="/api/logout">
        <button type="submit" class="button button--link">Cancel and log out</button>
      </form>
    </div>`,
  );
}

/** Renders every form of a page, with `state` applied to `active` only. */
function withForms(
  shell: string,
  title: string,
  forms: FormSpec[],
  values: Record<string, string>,
  active?: { form: FormSpec; state: FormState },
): string {
  let page = shell;
  for (const form of forms) {
    const state =
      active && active.form.id === form.id
        ? { ...active.state, values: { ...values, ...active.state.values } }
        : { values };
    page = renderFormInShell(page, title, form, state);
  }
  return page;
}

/** /two-factor/: the second step of signing in, with `next` kept in both forms. */
export function renderVerifyPage(
  files: SealedFiles,
  next: string,
  active?: { form: FormSpec; state: FormState },
): string {
  const title = 'Enter your code';
  const forms = [twoFactorCodeForm, recoveryCodeForm];
  const shell = files.read(TWO_FACTOR_FILES.verify) ?? fallback(title, [], forms);
  const page = withForms(shell, title, forms, { next }, active);
  return page.split(MEMBER_BAR_MARKER).join(halfSignedInBar());
}

/** The QR code and the key as text, for the set-up page. */
export function renderTotpSetup(setup: TotpSetup): string {
  // uqr's SVG holds only rectangles and path data: markup this code asked for.
  const svg = trustedHtml(
    setup.qrSvg.replace(
      '<svg ',
      '<svg role="img" aria-labelledby="totp-qr-label" class="totp-qr__image" ',
    ),
  );
  return toHtmlString(
    html`<figure class="totp-qr">
        ${svg}
        <figcaption id="totp-qr-label">QR code for your authenticator app</figcaption>
      </figure>
      <p>
        Cannot scan it? Choose “enter a setup key” in the app and type this key (spaces do not
        matter):
      </p>
      <p class="totp-key"><code id="totp-key">${setup.manualKey}</code></p>`,
  );
}

/**
 * The set-up page's landing pages: it sends people on only to one of these.
 * The page holds an authenticator key that stays the same between loads, and
 * echoing text from the address beside it in a compressed answer would let an
 * attacker who sees the answers' lengths guess the key a letter at a time
 * (BREACH; Gluck, Harris and Prado, 2013).
 */
const SETUP_RETURN_PATHS: ReadonlySet<string> = new Set([
  DEFAULT_AFTER_LOGIN,
  ACCOUNT_PATH,
  ...STAFF_SECTIONS.map((s) => s.href),
]);

/** Where to go after setting up an authenticator: `candidate` when it is a landing page, else home for the role. */
export function setupReturnPath(candidate: string | null | undefined, role: UserRole): string {
  const path = safeNextPath(candidate);
  if (path && SETUP_RETURN_PATHS.has(path)) return path;
  return role === 'staff' ? '/staff/' : DEFAULT_AFTER_LOGIN;
}

/** /two-factor/setup/: QR code, key and the code field; `next` from `setupReturnPath`. */
export function renderSetupPage(
  files: SealedFiles,
  user: Pick<SessionUser, 'firstName' | 'surname'>,
  setup: TotpSetup,
  next: string,
  state?: FormState,
): string {
  const title = 'Set up two-factor sign-in';
  const shell =
    files.read(TWO_FACTOR_FILES.setup) ??
    fallback(title, [TWO_FACTOR_MARKERS.setup], [setupTwoFactorForm]);
  const filled = shell.split(TWO_FACTOR_MARKERS.setup).join(renderTotpSetup(setup));
  const page = withForms(
    filled,
    title,
    [setupTwoFactorForm],
    { next },
    state ? { form: setupTwoFactorForm, state } : undefined,
  );
  return insertMemberBar(page, user);
}

/** The recovery codes, shown once, with the way on. */
export function renderRecoveryCodesPage(
  files: SealedFiles,
  user: Pick<SessionUser, 'firstName' | 'surname'>,
  codes: string[],
  next: string,
): string {
  const title = 'Save your recovery codes';
  const shell =
    files.read(TWO_FACTOR_FILES.codes) ??
    fallback(title, [TWO_FACTOR_MARKERS.codes, TWO_FACTOR_MARKERS.next], []);
  const list = toHtmlString(
    html`<ol class="recovery-codes" id="recovery-codes">
      ${codes.map((c) => html`<li><code>${c}</code></li>`)}
    </ol>`,
  );
  const link = toHtmlString(
    html`<p><a class="button" href="${next}">I have saved my codes: continue</a></p>`,
  );
  const page = shell
    .split(TWO_FACTOR_MARKERS.codes)
    .join(list)
    .split(TWO_FACTOR_MARKERS.next)
    .join(link);
  return insertMemberBar(page, user);
}
