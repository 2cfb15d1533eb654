import { describe, expect, it, vi } from 'vitest';
import { registerMember, verifyEmail } from '../../src/server/registration.ts';
import { authenticateMember } from '../../src/server/authentication.ts';
import { requestPasswordReset, resetPassword } from '../../src/server/password-reset.ts';
import { hashSecret } from '../../src/server/crypto.ts';
import { useTestStore } from './support.ts';

describe('logs', () => {
  // An unreachable mail server makes every send fail and be logged.
  const store = useTestStore('sqlite', { SMTP_URL: 'smtp://127.0.0.1:9/' });

  it('never hold passwords, tokens, session ids or warrant numbers, even when mail fails', async () => {
    const lines: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(
          args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '),
        );
      });
    }
    const password = 'secret-heron-velvet';
    const warrant = '864213';
    expect(
      await registerMember({
        firstName: 'Lee',
        surname: 'Park',
        email: 'lee@example.com',
        username: 'leepark',
        warrantNumber: warrant,
        password,
      }),
    ).toEqual({ ok: true });
    const tokenRow = await store.db
      .selectFrom('email_tokens')
      .selectAll()
      .executeTakeFirstOrThrow();
    await verifyEmail('x'.repeat(43));
    const login = await authenticateMember('leepark', password);
    await authenticateMember('leepark', 'wrong-but-secret-guess');
    await requestPasswordReset('lee@example.com');
    await resetPassword('y'.repeat(43), 'another-secret-pass');
    vi.restoreAllMocks();
    const text = lines.join('\n');
    expect(lines.some((l) => /verify-email email failed/.test(l))).toBe(true);
    for (const secret of [
      password,
      warrant,
      'wrong-but-secret-guess',
      'another-secret-pass',
      tokenRow.token_hash,
    ]) {
      expect(text).not.toContain(secret);
    }
    if (login.ok) {
      expect(text).not.toContain(login.token);
      expect(text).not.toContain(login.session.id);
      expect(text).not.toContain(hashSecret(login.token.split('.')[1]));
    }
    expect(text).not.toMatch(/token=/);
  });
});
