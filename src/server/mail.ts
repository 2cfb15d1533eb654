/**
 * Outgoing email through nodemailer: SMTP when SMTP_URL is set, otherwise (never
 * in production) each message is written as an `.eml` file in DATA_DIR/mail/
 * (local runs, tests).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { isRecord } from '../lib/is-record.ts';
import { getConfig, type ServerConfig } from './config.ts';

/** A message ready to send. `purpose` names the file in the outbox and is never secret. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  purpose: string;
  /** An HTML alternative to `text` (newsletters). */
  html?: string;
  /** Extra header fields, e.g. `List-Unsubscribe`. */
  headers?: Record<string, string>;
}

let transport: { key: string; transporter: Transporter<unknown> } | undefined;

function transporterFor(config: ServerConfig): Transporter<unknown> {
  const key = config.smtpUrl ?? 'outbox';
  if (transport?.key !== key) {
    const transporter = config.smtpUrl
      ? nodemailer.createTransport(config.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    transport = { key, transporter };
  }
  return transport.transporter;
}

/** The folder where messages are written when there is no SMTP server. */
export function outboxDir(config: ServerConfig = getConfig()): string {
  return path.join(config.dataDir, 'mail');
}

let sequence = 0;

/**
 * Sends a message (or writes it to the outbox outside production). Throws when
 * the message cannot be sent; in production without SMTP it never reaches here,
 * since the configuration is refused at start.
 */
export async function sendMail(
  message: MailMessage,
  config: ServerConfig = getConfig(),
): Promise<void> {
  if (!config.smtpUrl && config.production) {
    throw new Error('SMTP_URL is not set: production mail is never written to an outbox');
  }
  const info: unknown = await transporterFor(config).sendMail({
    from: `${config.siteName} <${config.mailFrom}>`,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    ...(message.headers ? { headers: message.headers } : {}),
  });
  if (config.smtpUrl) return;
  const dir = outboxDir(config);
  await fs.mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  sequence = (sequence + 1) % 1_000_000;
  const name = `${stamp}-${process.pid}-${String(sequence).padStart(6, '0')}-${message.purpose}.eml`;
  // The stream transport (buffer: true) hands back the whole message as a Buffer.
  const eml = isRecord(info) ? info.message : undefined;
  if (!Buffer.isBuffer(eml)) throw new Error('the outbox transport returned no message');
  await fs.writeFile(path.join(dir, name), eml);
}

/**
 * Sends a message after its transaction has committed. A failure is logged by
 * purpose only (never the body, which may hold a token) and does not undo the action.
 */
export async function deliverMail(
  message: MailMessage,
  config: ServerConfig = getConfig(),
): Promise<void> {
  try {
    await sendMail(message, config);
  } catch (error) {
    console.error(
      `Sending the ${message.purpose} email failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
