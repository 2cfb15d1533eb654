/** The newsletter's own short emails (plain text, like the members area's). */
import type { ServerConfig } from '../config.ts';
import type { MailMessage } from '../mail.ts';

type Site = Pick<ServerConfig, 'siteName' | 'siteUrl'>;

/** Asks an address to confirm its subscription: the link opens a page whose button POSTs. */
export function confirmSubscriptionMessage(
  site: Site,
  to: string,
  name: string | null,
  token: string,
): MailMessage {
  const link = `${site.siteUrl}/newsletter/confirm/?token=${encodeURIComponent(token)}`;
  return {
    to,
    purpose: 'newsletter-confirm',
    subject: `Confirm your subscription to the ${site.siteName} newsletter`,
    text:
      `${name ? `Hello ${name},` : 'Hello,'}\n\n` +
      `Someone, we hope you, asked to receive the ${site.siteName} newsletter at this address. ` +
      `To confirm, open this link and press the button on the page:\n\n${link}\n\n` +
      `The link works once and lasts 48 hours. If you did not ask, ignore this email: ` +
      `you will not be subscribed and we will not write again.` +
      `\n\n--\n${site.siteName}\n${site.siteUrl}/`,
  };
}
