/**
 * The site's emails: plain text, short, saying who sent them and why. Links
 * lead to pages whose button POSTs, so link scanners cannot use a token.
 */
import type { ServerConfig } from './config.ts';
import type { MailMessage } from './mail.ts';

type Site = Pick<ServerConfig, 'siteName' | 'siteUrl'>;

function footer(site: Site): string {
  return `\n\n--\n${site.siteName}\n${site.siteUrl}/\nYou are receiving this because someone used this address on our members area.`;
}

/** A message to `to`, greeting them by first name and signed with the site's footer. */
function compose(
  site: Site,
  to: string,
  firstName: string,
  parts: { purpose: string; subject: string; body: string },
): MailMessage {
  return {
    to,
    purpose: parts.purpose,
    subject: parts.subject,
    text: `Hello ${firstName},\n\n${parts.body}${footer(site)}`,
  };
}

function link(site: Site, pathname: string, token: string): string {
  return `${site.siteUrl}${pathname}?token=${encodeURIComponent(token)}`;
}

/** Asks a new registrant to confirm their address. */
export function verifyEmailMessage(
  site: Site,
  to: string,
  firstName: string,
  token: string,
): MailMessage {
  return compose(site, to, firstName, {
    purpose: 'verify-email',
    subject: `Confirm your email for the ${site.siteName} members area`,
    body: `You registered for the ${site.siteName} members area. To confirm this is your email address, open this link and press the button on the page:\n\n${link(site, '/verify-email/', token)}\n\nThe link works once and lasts 48 hours. If you did not register, ignore this email and nothing more will happen.`,
  });
}

/** Tells an existing account holder that someone tried to register with their details. */
export function accountExistsMessage(site: Site, to: string, firstName: string): MailMessage {
  return compose(site, to, firstName, {
    purpose: 'account-exists',
    subject: `You already have a ${site.siteName} account`,
    body: `Someone, perhaps you, tried to register for the ${site.siteName} members area with your email address or username. You already have an account, so nothing was changed.\n\nTo sign in, go to ${site.siteUrl}/login/. If you have forgotten your password, reset it at ${site.siteUrl}/forgot-password/.\n\nIf this was not you, you can ignore this email.`,
  });
}

/** Carries a password reset link. */
export function passwordResetMessage(
  site: Site,
  to: string,
  firstName: string,
  token: string,
): MailMessage {
  return compose(site, to, firstName, {
    purpose: 'password-reset',
    subject: `Reset your ${site.siteName} password`,
    body: `Someone asked to reset the password of your ${site.siteName} members account. To choose a new password, open this link:\n\n${link(site, '/reset-password/', token)}\n\nThe link works once and lasts 1 hour. Resetting signs you out everywhere. If you did not ask, ignore this email: your password stays as it is.`,
  });
}

/** Asks the holder of a new address to confirm an email change. */
export function emailChangeMessage(
  site: Site,
  to: string,
  firstName: string,
  token: string,
): MailMessage {
  return compose(site, to, firstName, {
    purpose: 'email-change',
    subject: `Confirm your new email for ${site.siteName}`,
    body: `You asked to use this address for your ${site.siteName} members account. To confirm it, open this link and press the button on the page:\n\n${link(site, '/verify-email/', token)}\n\nThe link works once and lasts 24 hours. Until then your old address stays in use. If you did not ask, ignore this email.`,
  });
}

/** Tells a member they have been confirmed. */
export function confirmedMessage(site: Site, to: string, firstName: string): MailMessage {
  return compose(site, to, firstName, {
    purpose: 'confirmed',
    subject: `Your ${site.siteName} membership is confirmed`,
    body: `We have checked your registration against the federation's roll and confirmed your membership. You can now sign in and read the members area at ${site.siteUrl}/members/.`,
  });
}

/** Tells a registrant they were not confirmed, and why. */
export function rejectedMessage(
  site: Site,
  to: string,
  firstName: string,
  reason: string,
): MailMessage {
  const why = reason.trim() ? `The reason given was: ${reason.trim()}` : 'No reason was recorded.';
  return compose(site, to, firstName, {
    purpose: 'rejected',
    subject: `Your ${site.siteName} registration was not confirmed`,
    body: `We could not confirm your registration for the ${site.siteName} members area. ${why}\n\nIf you think this is a mistake, reply to the federation office using the contact details on ${site.siteUrl}/ and we will look again.`,
  });
}

/** What to do when a security notice describes something the member did not do. */
function notMeAdvice(site: Site): string {
  return `If this was not you, reset your password at ${site.siteUrl}/forgot-password/ at once and tell the federation office using the contact details on ${site.siteUrl}/ so we can look into it.`;
}

/** Security notice: the password was changed (by the member or through a reset link). */
export function passwordChangedMessage(site: Site, to: string, firstName: string): MailMessage {
  return compose(site, to, firstName, {
    purpose: 'password-changed',
    subject: `Your ${site.siteName} password was changed`,
    body: `The password of your ${site.siteName} members account was just changed, and every other device was signed out.\n\n${notMeAdvice(site)}`,
  });
}

/**
 * Security notice of an email change, to the old address (`toOld`) and the new
 * one: the old address is told how to report a change it did not make.
 */
export function emailChangedMessages(
  site: Site,
  firstName: string,
  oldEmail: string,
  newEmail: string,
): MailMessage[] {
  return [
    compose(site, oldEmail, firstName, {
      purpose: 'email-changed-old',
      subject: `The email address of your ${site.siteName} account was changed`,
      body: `The email address of your ${site.siteName} members account was changed from this address to ${newEmail}. We will not write to this address again.\n\nIf you did not make this change, your account may be in someone else's hands: contact the federation office at once using the details on ${site.siteUrl}/ and quote this email, so we can put it right.`,
    }),
    compose(site, newEmail, firstName, {
      purpose: 'email-changed-new',
      subject: `Your ${site.siteName} account now uses this address`,
      body: `Your ${site.siteName} members account now uses this email address.\n\n${notMeAdvice(site)}`,
    }),
  ];
}

/** Security notice: two-factor sign-in was turned off (by the member, or reset by `byStaff`). */
export function twoFactorOffMessage(
  site: Site,
  to: string,
  firstName: string,
  byStaff?: string,
): MailMessage {
  const who = byStaff
    ? `A member of staff (${byStaff}) reset two-factor sign-in on your ${site.siteName} account, as you asked. Your authenticator app, passkeys and recovery codes no longer work here, and you were signed out everywhere. Set it up again the next time you sign in.`
    : `Two-factor sign-in was turned off on your ${site.siteName} members account. Your authenticator app, passkeys and recovery codes no longer work here; signing in now needs only your password.`;
  return compose(site, to, firstName, {
    purpose: 'two-factor-off',
    subject: `Two-factor sign-in was turned off on your ${site.siteName} account`,
    body: `${who}\n\n${notMeAdvice(site)}`,
  });
}

/** Security notice: new recovery codes were made and the old ones stopped working. */
export function recoveryCodesMessage(site: Site, to: string, firstName: string): MailMessage {
  return compose(site, to, firstName, {
    purpose: 'recovery-codes',
    subject: `New recovery codes for your ${site.siteName} account`,
    body: `New recovery codes were made for your ${site.siteName} members account. The old codes no longer work.\n\n${notMeAdvice(site)}`,
  });
}

/** Security notice: a passkey was added. */
export function passkeyAddedMessage(
  site: Site,
  to: string,
  firstName: string,
  name: string,
): MailMessage {
  return compose(site, to, firstName, {
    purpose: 'passkey-added',
    subject: `A passkey was added to your ${site.siteName} account`,
    body: `A passkey named "${name}" was added to your ${site.siteName} members account. It can be used to sign in without a password. You can remove it from your account page at ${site.siteUrl}/members/account/.\n\n${notMeAdvice(site)}`,
  });
}
