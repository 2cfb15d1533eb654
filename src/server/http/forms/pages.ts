import type { FormPage } from '../form-answers.ts';
import {
  forgotPasswordForm,
  loginForm,
  registerForm,
  resetPasswordForm,
  setPasswordForm,
  verifyEmailForm,
  newsletterConfirmForm,
  newsletterForm,
  newsletterUnsubscribeForm,
} from './definitions.ts';

/** /register/ */
export const registerPage: FormPage = {
  page: 'register',
  title: 'Register for the members area',
  form: registerForm,
};

/** /login/ */
export const loginPage: FormPage = { page: 'login', title: 'Log in', form: loginForm };

/** /forgot-password/ */
export const forgotPasswordPage: FormPage = {
  page: 'forgot-password',
  title: 'Reset your password',
  form: forgotPasswordForm,
};

/** /reset-password/ */
export const resetPasswordPage: FormPage = {
  page: 'reset-password',
  title: 'Choose a new password',
  form: resetPasswordForm,
};

/** /set-password/: the invitation's page, worded for a first password rather than a reset. */
export const setPasswordPage: FormPage = {
  page: 'set-password',
  title: 'Choose your password',
  form: setPasswordForm,
};

/** /verify-email/ */
export const verifyEmailPage: FormPage = {
  page: 'verify-email',
  title: 'Confirm your email address',
  form: verifyEmailForm,
};

/** /newsletter/ */
export const newsletterPage: FormPage = {
  page: 'newsletter',
  title: 'Subscribe to our newsletter',
  form: newsletterForm,
};

/** /newsletter/confirm/ */
export const newsletterConfirmPage: FormPage = {
  page: 'newsletter/confirm',
  title: 'Confirm your subscription',
  form: newsletterConfirmForm,
};

/** /newsletter/unsubscribe/ */
export const newsletterUnsubscribePage: FormPage = {
  page: 'newsletter/unsubscribe',
  title: 'Unsubscribe from our newsletter',
  form: newsletterUnsubscribeForm,
};
