/**
 * Passkey functions: what they refuse. The full WebAuthn ceremony runs in
 * e2e/two-factor.e2e.ts against Chromium's virtual authenticator.
 */
import { describe, expect, it } from 'vitest';
import { call, createAccount, form, logIn, sessionCookieFrom } from './support.ts';

const passkeys = (await import('../../functions/passkeys.ts')).default;
const { getDb } = await import('../../src/server/store/db.ts');

/** The part of the creation options these tests read. */
interface RegisterOptions {
  options: {
    rp: { id: string };
    authenticatorSelection: { residentKey: string; userVerification: string };
  };
}

async function storedPasskey(userId: string, id: string, name = 'Old phone') {
  await getDb()
    .insertInto('passkeys')
    .values({
      id,
      user_id: userId,
      public_key: 'AAAA',
      counter: 0,
      transports: '["internal"]',
      name,
      created_at: Date.now(),
      last_used_at: null,
    })
    .execute();
}

function post(action: string, body: unknown, cookie?: string, json = true) {
  return call(passkeys, {
    path: `/api/passkeys/${action}`,
    body: typeof body === 'string' ? body : body,
    cookie,
    json,
  });
}

describe('passkey functions', () => {
  it('offers sign-in options for this site to anyone, and stores the challenge once', async () => {
    const res = await post('sign-in-options', {});
    expect(res.status).toBe(200);
    const { options } = (await res.json()) as { options: { rpId: string; challenge: string } };
    expect(options.rpId).toBe('site.test');
    const rows = await getDb()
      .selectFrom('webauthn_challenges')
      .selectAll()
      .where('challenge', '=', options.challenge)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].purpose).toBe('sign-in');
  });

  it('refuses a sign-in with an unknown passkey or an unreadable answer, starting no session', async () => {
    const unknown = await post('sign-in', {
      response: JSON.stringify({ id: 'nope', rawId: 'nope', type: 'public-key', response: {} }),
    });
    expect(unknown.status).toBe(422);
    expect(sessionCookieFrom(unknown)).toBeNull();
    expect(await unknown.json()).toMatchObject({ ok: false });
    const garbage = await post('sign-in', { response: 'not json' });
    expect(garbage.status).toBe(400);
    const forged = await createAccount('confirmed');
    await storedPasskey(forged.id, 'forged-credential');
    const bad = await post('sign-in', {
      response: JSON.stringify({
        id: 'forged-credential',
        rawId: 'forged-credential',
        type: 'public-key',
        response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' },
        clientExtensionResults: {},
      }),
    });
    expect(bad.status).toBe(422);
    expect(sessionCookieFrom(bad)).toBeNull();
  });

  it('registers only for a signed-in account, and refuses a forged answer', async () => {
    expect((await post('register-options', {})).status).toBe(401);
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    const options = await post('register-options', {}, cookie);
    expect(options.status).toBe(200);
    const body = (await options.json()) as RegisterOptions;
    expect(body.options.rp.id).toBe('site.test');
    expect(body.options.authenticatorSelection.residentKey).toBe('required');
    const forged = await post(
      'register',
      {
        response: JSON.stringify({
          id: 'x',
          rawId: 'x',
          type: 'public-key',
          response: { clientDataJSON: 'e30', attestationObject: 'AAAA' },
          clientExtensionResults: {},
        }),
        name: 'Mine',
      },
      cookie,
    );
    expect(forged.status).toBe(422);
    const rows = await getDb()
      .selectFrom('passkeys')
      .select('id')
      .where('user_id', '=', account.id)
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('asks staff passkeys for user verification', async () => {
    const staff = await createAccount('confirmed', 'staff');
    const cookie = await logIn(staff.username, staff.password);
    const body = (await (await post('register-options', {}, cookie)).json()) as RegisterOptions;
    expect(body.options.authenticatorSelection.userVerification).toBe('required');
  });

  it('renames and removes only the account’s own passkeys', async () => {
    const owner = await createAccount('confirmed');
    const other = await createAccount('confirmed');
    const ownerCookie = await logIn(owner.username, owner.password);
    const otherCookie = await logIn(other.username, other.password);
    // As when this session registered it: the session stays fully signed in.
    await storedPasskey(owner.id, 'owners-key');
    await getDb()
      .updateTable('sessions')
      .set({ two_factor_verified: 1 })
      .where('user_id', '=', owner.id)
      .execute();
    const stranger = await post(
      'rename',
      form({ id: 'owners-key', name: 'Mine now' }),
      otherCookie,
      false,
    );
    expect(stranger.status).toBe(422);
    // Without JavaScript: the account page again, saying what went wrong.
    const strangerPage = await stranger.text();
    expect(strangerPage).toContain('<title>Error: Your account</title>');
    expect(strangerPage).toMatch(
      /class="field__error" id="passkey-problem">.*There is no such passkey/s,
    );
    const renamed = await post(
      'rename',
      form({ id: 'owners-key', name: '  Work   laptop ' }),
      ownerCookie,
      false,
    );
    expect(renamed.status).toBe(303);
    const long = await post(
      'rename',
      form({ id: 'owners-key', name: 'x'.repeat(61) }),
      ownerCookie,
    );
    expect(long.status).toBe(422);
    const longNoScript = await post(
      'rename',
      form({ id: 'owners-key', name: 'x'.repeat(61) }),
      ownerCookie,
      false,
    );
    expect(longNoScript.status).toBe(422);
    const longPage = await longNoScript.text();
    // Beside that passkey's name field, which points to it.
    expect(longPage).toMatch(
      /id="passkey-name-owners-key-error">.*<input[^>]*id="passkey-name-owners-key"[^>]*aria-invalid="true" aria-describedby="passkey-name-owners-key-error"/s,
    );
    const row = await getDb()
      .selectFrom('passkeys')
      .select('name')
      .where('id', '=', 'owners-key')
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('Work laptop');
    expect((await post('remove', form({ id: 'owners-key' }), otherCookie, false)).status).toBe(422);
    expect((await post('remove', form({ id: 'owners-key' }), ownerCookie, false)).status).toBe(303);
    const gone = await getDb()
      .selectFrom('passkeys')
      .select('id')
      .where('id', '=', 'owners-key')
      .execute();
    expect(gone).toHaveLength(0);
  });

  it('keeps a staff member’s last passkey when it is their only second factor', async () => {
    const { giveTotp, totpCodeAt } = await import('../server/support.ts');
    const verify = (await import('../../functions/two-factor-verify.ts')).default;
    const staff = await createAccount('confirmed', 'staff');
    const key = await giveTotp(getDb(), staff.id);
    const half = await logIn(staff.username, staff.password);
    const done = await call(verify, {
      path: '/api/two-factor/verify',
      cookie: half,
      body: form({ code: await totpCodeAt(key, Date.now()) }),
    });
    const cookie = sessionCookieFrom(done)!;
    await storedPasskey(staff.id, 'staff-only-key');
    await getDb()
      .updateTable('users')
      .set({ totp_secret: null })
      .where('id', '=', staff.id)
      .execute();
    const res = await post('remove', form({ id: 'staff-only-key' }), cookie);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /Staff must keep a second factor/,
    );
    const kept = await getDb()
      .selectFrom('passkeys')
      .select('id')
      .where('id', '=', 'staff-only-key')
      .execute();
    expect(kept).toHaveLength(1);
  });

  it('answers 404 for an unknown passkey action', async () => {
    expect((await post('frobnicate', {})).status).toBe(404);
  });
});
