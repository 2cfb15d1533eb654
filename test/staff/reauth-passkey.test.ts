/**
 * Staff re-authentication with a passkey: a staff member whose only second
 * factor is a passkey confirms an import or export with their password and that
 * passkey (user verified), answering a challenge issued for that purpose only.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import passkeysFn from '../../functions/passkeys.ts';
import reauth from '../../functions/staff-reauth.ts';
import roll from '../../functions/staff-roll.ts';
import { createSession } from '../../src/server/sessions.ts';
import { hasRecentReauth } from '../../src/server/staff/reauth.ts';
import { ENGINES, SEED_PASSWORD, giveTotp, seedUser } from '../server/support.ts';
import { createSoftPasskey, type SoftPasskey } from '../support/authenticator.ts';
import { call, flashOf, SITE, useStaffStore } from './support.ts';

/** Past the 10-minute re-authentication window, within the 30-minute idle limit. */
const SIGNED_IN_AGO_MS = 15 * 60_000;

interface Staffer {
  id: string;
  cookie: string;
  sessionId: string;
  passkey: SoftPasskey;
}

interface Options {
  options: {
    challenge: string;
    userVerification: string;
    allowCredentials: { id: string }[];
  };
}

describe.each(ENGINES)('staff re-authentication with a passkey (%s)', (engine) => {
  const store = useStaffStore(engine);
  let keyOnly: Staffer;
  let other: Staffer;

  /**
   * A confirmed staff account whose second factor is a passkey, fully signed in
   * long enough ago that its sign-in no longer counts for an import.
   */
  async function staffWithPasskey(username: string): Promise<Staffer> {
    const id = await seedUser(store.db, { username, role: 'staff', status: 'confirmed' });
    const passkey = createSoftPasskey();
    await passkey.register(store.db, id);
    const { token, session } = await createSession(id, 'staff', {
      db: store.db,
      twoFactorVerified: true,
      now: Date.now() - SIGNED_IN_AGO_MS,
    });
    return { id, cookie: `session=${token}`, sessionId: session.id, passkey };
  }

  async function challengeFor(who: Staffer): Promise<Options['options']> {
    const res = await call(reauth, '/api/staff/reauth/passkey-options', {
      cookie: who.cookie,
      body: '{}',
      type: 'application/json',
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as Options).options;
  }

  function confirm(who: Staffer, fields: Record<string, string>) {
    return call(reauth, '/api/staff/reauth', {
      cookie: who.cookie,
      form: { next: '/api/staff/roll', code: '', ...fields },
    });
  }

  beforeAll(async () => {
    keyOnly = await staffWithPasskey('keyholder');
    other = await staffWithPasskey('otherkeyholder');
  });

  it('offers the passkey, not a code, to staff without an authenticator app', async () => {
    const page = await (await call(roll, '/api/staff/roll', { cookie: keyOnly.cookie })).text();
    expect(page).toContain('data-passkey-reauth');
    expect(page).toContain('name="passkey"');
    expect(page).not.toContain('name="code"');
  });

  it('asks only for the account’s own passkeys, with the user verified', async () => {
    const options = await challengeFor(keyOnly);
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials.map((c) => c.id)).toEqual([keyOnly.passkey.id]);
  });

  it('confirms the password and passkey, then lets the import through', async () => {
    const { challenge } = await challengeFor(keyOnly);
    const answer = keyOnly.passkey.answer(challenge, SITE);
    const res = await confirm(keyOnly, {
      password: SEED_PASSWORD,
      passkey: JSON.stringify(answer),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/api/staff/roll');
    expect(flashOf(res)).toMatchObject({ kind: 'ok' });
    expect(await hasRecentReauth(keyOnly.sessionId)).toBe(true);
    // The same answer again: its challenge is spent.
    const replay = await confirm(keyOnly, {
      password: SEED_PASSWORD,
      passkey: JSON.stringify(answer),
    });
    expect(replay.status).toBe(422);
  });

  it('refuses a wrong password, another account’s passkey, an unverified user and a sign-in challenge', async () => {
    const fresh = await staffWithPasskey('refusedholder');
    const wrongPassword = await confirm(fresh, {
      password: 'not-the-password-at-all',
      passkey: JSON.stringify(fresh.passkey.answer((await challengeFor(fresh)).challenge, SITE)),
    });
    expect(wrongPassword.status).toBe(422);
    expect(await wrongPassword.text()).toContain('That password is not right');

    const borrowed = await confirm(fresh, {
      password: SEED_PASSWORD,
      passkey: JSON.stringify(other.passkey.answer((await challengeFor(fresh)).challenge, SITE)),
    });
    expect(borrowed.status).toBe(422);
    expect(await borrowed.text()).toContain('not one of yours');

    const unverified = await confirm(fresh, {
      password: SEED_PASSWORD,
      passkey: JSON.stringify(
        fresh.passkey.answer((await challengeFor(fresh)).challenge, SITE, { userVerified: false }),
      ),
    });
    expect(unverified.status).toBe(422);

    const signInOptions = await call(passkeysFn, '/api/passkeys/sign-in-options', {
      body: '{}',
      type: 'application/json',
      headers: { accept: 'application/json' },
    });
    const { options } = (await signInOptions.json()) as Options;
    const wrongPurpose = await confirm(fresh, {
      password: SEED_PASSWORD,
      passkey: JSON.stringify(fresh.passkey.answer(options.challenge, SITE)),
    });
    expect(wrongPurpose.status).toBe(422);

    const otherSite = await confirm(fresh, {
      password: SEED_PASSWORD,
      passkey: JSON.stringify(
        fresh.passkey.answer((await challengeFor(fresh)).challenge, 'https://evil.test'),
      ),
    });
    expect(otherSite.status).toBe(422);
    expect(await hasRecentReauth(fresh.sessionId)).toBe(false);
  });

  it('says a code needs an authenticator app, and refuses an unreadable answer', async () => {
    const fresh = await staffWithPasskey('codeholder');
    const code = await confirm(fresh, { password: SEED_PASSWORD, code: '123456' });
    expect(code.status).toBe(422);
    expect(await code.text()).toContain('confirm with your passkey instead');
    const garbage = await confirm(fresh, { password: SEED_PASSWORD, passkey: 'not json' });
    expect(garbage.status).toBe(400);
    expect(await hasRecentReauth(fresh.sessionId)).toBe(false);
  });

  it('offers both to staff with an app and a passkey; no passkey options without one', async () => {
    const both = await staffWithPasskey('bothholder');
    await giveTotp(store.db, both.id);
    const page = await (await call(roll, '/api/staff/roll', { cookie: both.cookie })).text();
    expect(page).toContain('name="code"');
    expect(page).toContain('data-passkey-reauth');

    const appOnlyId = await seedUser(store.db, {
      username: 'apponlyholder',
      role: 'staff',
      status: 'confirmed',
    });
    await giveTotp(store.db, appOnlyId);
    const { token } = await createSession(appOnlyId, 'staff', {
      db: store.db,
      twoFactorVerified: true,
      now: Date.now() - SIGNED_IN_AGO_MS,
    });
    const appOnly = `session=${token}`;
    const appPage = await (await call(roll, '/api/staff/roll', { cookie: appOnly })).text();
    expect(appPage).not.toContain('data-passkey-reauth');
    const none = await call(reauth, '/api/staff/reauth/passkey-options', {
      cookie: appOnly,
      body: '{}',
      type: 'application/json',
      headers: { accept: 'application/json' },
    });
    expect(none.status).toBe(422);
  });
});
