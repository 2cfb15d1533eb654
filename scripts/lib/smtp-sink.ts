/**
 * A mail server that keeps what it receives, for tests and benches that send
 * real mail over SMTP (RFC 5321): EHLO/HELO, MAIL, RCPT, DATA (with the
 * dot-stuffing of §4.5.2 undone), RSET, NOOP, QUIT. No TLS, no AUTH: it
 * listens on 127.0.0.1 only.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** One message as the server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent (headers and body, CRLF line ends). */
  raw: string;
  /** The body with quoted-printable soft breaks and escapes decoded, for finding links. */
  text: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`: the SMTP_URL that reaches the sink. */
  url: string;
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or to come) that `match` accepts. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** Decodes quoted-printable (RFC 2045 §6.7) well enough to read links and words. */
export function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

const address = (arg: string) => /<([^>]*)>/.exec(arg)?.[1] ?? arg.trim();

function serve(socket: Socket, deliver: (mail: ReceivedMail) => void): void {
  let buffer = '';
  let from = '';
  let to: string[] = [];
  let data: string[] | null = null;
  const reply = (line: string) => socket.write(`${line}\r\n`);
  reply('220 127.0.0.1 ESMTP sink');
  socket.setEncoding('latin1');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data) {
        if (line === '.') {
          const raw = Buffer.from(data.join('\r\n'), 'latin1').toString('utf8');
          deliver({ from, to, raw, text: decodeQuotedPrintable(data.join('\r\n')) });
          data = null;
          from = '';
          to = [];
          reply('250 2.0.0 queued');
        } else {
          data.push(line.startsWith('..') ? line.slice(1) : line);
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      const arg = line.slice(line.indexOf(':') + 1);
      if (verb === 'EHLO') socket.write('250-127.0.0.1\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
      else if (verb === 'HELO') reply('250 127.0.0.1');
      else if (verb === 'MAIL') {
        from = address(arg);
        reply('250 2.1.0 ok');
      } else if (verb === 'RCPT') {
        to.push(address(arg));
        reply('250 2.1.5 ok');
      } else if (verb === 'DATA') {
        if (to.length === 0) reply('554 5.5.1 no valid recipients');
        else {
          data = [];
          reply('354 end data with <CR><LF>.<CR><LF>');
        }
      } else if (verb === 'RSET') {
        from = '';
        to = [];
        reply('250 2.0.0 ok');
      } else if (verb === 'NOOP') reply('250 2.0.0 ok');
      else if (verb === 'QUIT') {
        reply('221 2.0.0 bye');
        socket.end();
      } else reply('502 5.5.2 command not implemented');
    }
  });
}

/** Starts a sink on a free port of 127.0.0.1. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<(mail: ReceivedMail) => void>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, (mail) => {
      messages.push(mail);
      for (const waiter of waiters) waiter(mail);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the SMTP sink is not listening');
  const { port } = address;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(match, timeoutMs = 10_000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching mail reached the SMTP sink within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (mail: ReceivedMail) => {
          if (!match(mail)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(mail);
        };
        waiters.add(waiter);
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
