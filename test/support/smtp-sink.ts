/**
 * A small SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET,
 * NOOP, QUIT) on 127.0.0.1 for tests and benchmarks. It keeps every message
 * it accepts, and refuses recipients as told: `reply(address)` returns the
 * reply to RCPT TO (e.g. `451 4.3.0 try later` or `550 5.1.1 no such user`),
 * or null to accept.
 */
import net from 'node:net';

/** A message the sink accepted. */
export interface SinkMessage {
  from: string;
  to: string[];
  data: string;
}

/** A running sink. */
export interface SmtpSink {
  port: number;
  url: string;
  messages: SinkMessage[];
  /** Messages accepted per recipient address (lower case). */
  countFor(address: string): number;
  close(): Promise<void>;
}

export async function startSmtpSink(
  options: { reply?: (address: string) => string | null; keepData?: boolean } = {},
): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let data: string[] = [];
    let from = '';
    let to: string[] = [];
    const send = (line: string) => socket.write(`${line}\r\n`);
    send('220 sink.test ESMTP');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push({ from, to, data: options.keepData === false ? '' : data.join('\r\n') });
            for (const address of to) counts.set(address, (counts.get(address) ?? 0) + 1);
            data = [];
            to = [];
            send('250 2.0.0 queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') send('250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8');
        else if (verb === 'HELO') send('250 sink.test');
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          to = [];
          send('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          const address = (/<([^>]*)>/.exec(line)?.[1] ?? '').toLowerCase();
          const refusal = options.reply?.(address) ?? null;
          if (refusal) send(refusal);
          else {
            to.push(address);
            send('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          if (to.length === 0) send('503 5.5.1 no recipients');
          else {
            inData = true;
            send('354 go ahead');
          }
        } else if (verb === 'RSET') {
          to = [];
          data = [];
          send('250 2.0.0 ok');
        } else if (verb === 'NOOP') send('250 2.0.0 ok');
        else if (verb === 'QUIT') {
          send('221 2.0.0 bye');
          socket.end();
        } else send('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    countFor: (address) => counts.get(address.toLowerCase()) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
