/**
 * How newsletter messages leave: pooled SMTP through nodemailer when SMTP_URL
 * is set (a few connections reused for many messages), otherwise `.eml` files
 * in the outbox like every other email. Failures are sorted into temporary
 * (4xx replies, connection trouble: retried later) and permanent (5xx: the
 * address is bounced), after RFC 5321 section 4.2.1.
 */
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { isRecord } from '../../lib/is-record.ts';
import type { ServerConfig } from '../config.ts';
import { sendMail } from '../mail.ts';
import type { NewsletterMessage } from './message.ts';

/** Sends one message; throws the transport's error when it is refused. */
export type Deliver = (message: NewsletterMessage) => Promise<void>;

/** A transport the worker can send through and close when the run ends. */
export interface NewsletterTransport {
  deliver: Deliver;
  close(): void;
}

/** SMTP connections kept open at once by the pool. */
export const SMTP_POOL_SIZE = 5;

/** Opens the newsletter's transport for one worker run. */
export function openNewsletterTransport(config: ServerConfig): NewsletterTransport {
  const from = `${config.siteName} <${config.mailFrom}>`;
  if (!config.smtpUrl) {
    return {
      deliver: (message) => sendMail({ ...message, purpose: 'newsletter' }, config),
      close() {},
    };
  }
  const options: SMTPPool.Options = {
    url: config.smtpUrl,
    pool: true,
    maxConnections: SMTP_POOL_SIZE,
    maxMessages: 500,
  };
  const transporter = nodemailer.createTransport(options);
  return {
    async deliver(message) {
      await transporter.sendMail({ from, ...message });
    },
    close() {
      transporter.close();
    },
  };
}

/** Whether a send error is worth retrying. */
export type FailureKind = 'temporary' | 'permanent';

/**
 * Sorts a transport error: an SMTP reply code of 5xx is permanent; a 4xx
 * reply, a timeout or a connection error is temporary.
 */
export function classifySendError(error: unknown): FailureKind {
  const code = Number(isRecord(error) ? error.responseCode : undefined);
  return code >= 500 && code < 600 ? 'permanent' : 'temporary';
}

/** A short description of a send error for the store and the staff page (never the message). */
export function describeSendError(error: unknown): string {
  const e = isRecord(error) ? error : {};
  const text = textOf(e.response) ?? textOf(e.message) ?? String(error);
  const code = textOf(e.responseCode) ?? textOf(e.code) ?? 'error';
  return `${code}: ${text}`.replace(/\s+/g, ' ').slice(0, 300);
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
