import type { FormSpec } from './spec.ts';

const EMAIL_HINT = "A personal email: work addresses (police.uk) can't receive our messages.";
const NEW_PASSWORD_HINT = 'At least 8 characters; a long passphrase of 15+ is best.';

/** /register/: a new member's details. */
export const registerForm = {
  id: 'register',
  action: '/api/register',
  submitLabel: 'Register',
  fields: [
    { name: 'firstName', label: 'First name', type: 'text', autocomplete: 'given-name' },
    { name: 'surname', label: 'Surname', type: 'text', autocomplete: 'family-name' },
    {
      name: 'email',
      label: 'Email address',
      type: 'email',
      autocomplete: 'email',
      hint: EMAIL_HINT,
      verbatim: true,
    },
    {
      name: 'username',
      label: 'Username',
      type: 'text',
      autocomplete: 'username',
      hint: '3 to 32 characters: letters a to z, digits, dots, dashes or underscores.',
      verbatim: true,
    },
    {
      name: 'warrantNumber',
      label: 'Warrant number',
      type: 'text',
      autocomplete: 'off',
      inputmode: 'numeric',
      hint: '6 digits, without the P or pay prefix.',
      verbatim: true,
      narrow: true,
    },
    {
      name: 'password',
      label: 'Password',
      type: 'password',
      autocomplete: 'new-password',
      hint: NEW_PASSWORD_HINT,
    },
  ],
} as const satisfies FormSpec;

/** /login/: username or email and password; `next` is where to go afterwards. */
export const loginForm = {
  id: 'login',
  action: '/api/login',
  submitLabel: 'Log in',
  fields: [
    {
      name: 'username',
      label: 'Username or email address',
      type: 'text',
      autocomplete: 'username',
      verbatim: true,
    },
    { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' },
    { name: 'next', label: '', type: 'hidden' },
  ],
} as const satisfies FormSpec;

/** /forgot-password/: where to send a reset link. */
export const forgotPasswordForm = {
  id: 'forgot-password',
  action: '/api/password/forgot',
  submitLabel: 'Send me a reset link',
  fields: [
    {
      name: 'email',
      label: 'Email address',
      type: 'email',
      autocomplete: 'email',
      hint: 'The address you registered with.',
      verbatim: true,
    },
  ],
} as const satisfies FormSpec;

/** /reset-password/?token=: a new password; the token travels in a hidden field. */
export const resetPasswordForm = {
  id: 'reset-password',
  action: '/api/password/reset',
  submitLabel: 'Set my new password',
  fields: [
    { name: 'token', label: '', type: 'hidden' },
    {
      name: 'password',
      label: 'New password',
      type: 'password',
      autocomplete: 'new-password',
      hint: NEW_PASSWORD_HINT,
    },
  ],
} as const satisfies FormSpec;

/** /set-password/?token=: an invited colleague chooses the password of their new staff account. */
export const setPasswordForm = {
  id: 'set-password',
  action: '/api/password/set',
  submitLabel: 'Set my password',
  fields: [
    { name: 'token', label: '', type: 'hidden' },
    {
      name: 'password',
      label: 'Password',
      type: 'password',
      autocomplete: 'new-password',
      hint: NEW_PASSWORD_HINT,
    },
  ],
} as const satisfies FormSpec;

/** /verify-email/?token=: one button, so link scanners that only GET consume nothing. */
export const verifyEmailForm = {
  id: 'verify-email',
  action: '/api/verify-email',
  submitLabel: 'Confirm my email address',
  fields: [{ name: 'token', label: '', type: 'hidden' }],
} as const satisfies FormSpec;

/** Account page: change password. */
export const changePasswordForm = {
  id: 'change-password',
  action: '/api/account/password',
  submitLabel: 'Change password',
  fields: [
    {
      name: 'currentPassword',
      label: 'Current password',
      type: 'password',
      autocomplete: 'current-password',
    },
    {
      name: 'newPassword',
      label: 'New password',
      type: 'password',
      autocomplete: 'new-password',
      hint: NEW_PASSWORD_HINT,
    },
  ],
} as const satisfies FormSpec;

/** Account page: change email (the new address must be verified before it is used). */
export const changeEmailForm = {
  id: 'change-email',
  action: '/api/account/email',
  submitLabel: 'Change email address',
  fields: [
    {
      name: 'email',
      label: 'New email address',
      type: 'email',
      autocomplete: 'email',
      hint: EMAIL_HINT,
      verbatim: true,
    },
    {
      name: 'password',
      label: 'Current password',
      type: 'password',
      autocomplete: 'current-password',
    },
  ],
} as const satisfies FormSpec;

/** Account page: download everything held about the member. */
export const exportDataForm = {
  id: 'export-data',
  action: '/api/account/export',
  submitLabel: 'Download my data',
  enhance: false,
  fields: [],
} as const satisfies FormSpec;

/** Account page: erase the account, confirmed by the password. */
export const deleteAccountForm = {
  id: 'delete-account',
  action: '/api/account/delete',
  submitLabel: 'Delete my account',
  submitClass: 'button--warning',
  fields: [
    {
      name: 'password',
      label: 'Password',
      type: 'password',
      autocomplete: 'current-password',
      hint: 'This cannot be undone: your account and everything we hold about you are erased.',
    },
  ],
} as const satisfies FormSpec;

const CODE_FIELD = {
  name: 'code',
  label: '6-digit code from your authenticator app',
  type: 'text',
  autocomplete: 'one-time-code',
  inputmode: 'numeric',
  verbatim: true,
  narrow: true,
} as const;

/** /two-factor/: the second step of signing in with a code from the authenticator app. */
export const twoFactorCodeForm = {
  id: 'two-factor-code',
  action: '/api/two-factor/verify',
  submitLabel: 'Continue',
  fields: [CODE_FIELD, { name: 'next', label: '', type: 'hidden' }],
} as const satisfies FormSpec;

/** /two-factor/: the second step with a recovery code instead (a lost phone). */
export const recoveryCodeForm = {
  id: 'two-factor-recovery',
  action: '/api/two-factor/verify',
  submitLabel: 'Use recovery code',
  fields: [
    {
      name: 'recoveryCode',
      label: 'Recovery code',
      type: 'text',
      autocomplete: 'off',
      hint: 'One of the ten codes you saved when you set up two-factor sign-in, e.g. abcd-efgh-ijkl-mnop. Each works once.',
      verbatim: true,
    },
    { name: 'next', label: '', type: 'hidden' },
  ],
} as const satisfies FormSpec;

/** /two-factor/setup/: one code from the new key turns TOTP on; the answer shows the recovery codes. */
export const setupTwoFactorForm = {
  id: 'two-factor-setup',
  action: '/api/two-factor/setup',
  submitLabel: 'Turn on two-factor sign-in',
  enhance: false,
  fields: [
    { ...CODE_FIELD, hint: 'The code your app shows now for this account.' },
    { name: 'next', label: '', type: 'hidden' },
  ],
} as const satisfies FormSpec;

/** Account page: turn two-factor sign-in off (members only), with the password and a code. */
export const disableTwoFactorForm = {
  id: 'two-factor-off',
  action: '/api/two-factor/disable',
  submitLabel: 'Turn two-factor sign-in off',
  submitClass: 'button--warning',
  fields: [
    {
      name: 'password',
      label: 'Current password',
      type: 'password',
      autocomplete: 'current-password',
    },
    CODE_FIELD,
  ],
} as const satisfies FormSpec;

/** Account page: new recovery codes, shown once on the answer page. */
export const recoveryCodesForm = {
  id: 'recovery-codes',
  action: '/api/two-factor/recovery-codes',
  submitLabel: 'Make new recovery codes',
  enhance: false,
  fields: [
    {
      name: 'password',
      label: 'Current password',
      type: 'password',
      autocomplete: 'current-password',
    },
  ],
} as const satisfies FormSpec;

/** /newsletter/, the home page and the foot of every article: subscribe (double opt-in). */
export const newsletterForm = {
  id: 'newsletter',
  action: '/api/newsletter/subscribe',
  submitLabel: 'Subscribe',
  fields: [
    {
      name: 'email',
      label: 'Email address',
      type: 'email',
      autocomplete: 'email',
      hint: 'We send a link to confirm it is yours. Work addresses (police.uk) cannot receive it.',
      verbatim: true,
    },
    { name: 'name', label: 'Your name (optional)', type: 'text', autocomplete: 'name' },
    { name: 'source', label: '', type: 'hidden' },
  ],
} as const satisfies FormSpec;

/** /newsletter/confirm/?token=: one button, so link scanners that only GET consume nothing. */
export const newsletterConfirmForm = {
  id: 'newsletter-confirm',
  action: '/api/newsletter/confirm',
  submitLabel: 'Confirm my subscription',
  fields: [{ name: 'token', label: '', type: 'hidden' }],
} as const satisfies FormSpec;

/** /newsletter/unsubscribe/?token=: one button posting what RFC 8058's one-click POST sends. */
export const newsletterUnsubscribeForm = {
  id: 'newsletter-unsubscribe',
  action: '/api/newsletter/unsubscribe',
  submitLabel: 'Unsubscribe',
  fields: [
    { name: 'token', label: '', type: 'hidden' },
    { name: 'List-Unsubscribe', label: '', type: 'hidden' },
  ],
} as const satisfies FormSpec;

/** Account page: the newsletter on or off. */
export const memberNewsletterForm = {
  id: 'member-newsletter',
  action: '/api/account/newsletter',
  submitLabel: 'Save newsletter choice',
  fields: [{ name: 'newsletter', label: '', type: 'hidden' }],
} as const satisfies FormSpec;

/** The field names a form accepts, as the body parser's allow-list. */
export function fieldNames<F extends FormSpec>(form: F): F['fields'][number]['name'][] {
  return form.fields.map((f) => f.name);
}
