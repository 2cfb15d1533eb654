/**
 * Staff re-authentication with a passkey: a staff member whose only second
 * factor is a passkey confirms an import or export with their password and that
 * passkey (user verified). The passkey answers a challenge issued for that
 * purpose only (/api/passkeys/confirm), and the proof it earns is spent once by
 * the re-authentication form.
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

  function postJson(who: Staffer | null, action: string, body: Record<string, string> = {}) {
    return call(passkeysFn, `/api/passkeys/${action}`, {
      cookie: who?.cookie,
      body: JSON.stringify(body),
      type: 'application/json',
      headers: { accept: 'application/json' },
      params: { action },
    });
  }

  async function challengeFor(who: Staffer): Promise<Options['options']> {
    const res = await postJson(who, 'confirm-options');
    expect(res.status).toBe(200);
    return ((await res.json()) as Options).options;
  }

  /** Answers `challenge` with the passkey at /api/passkeys/confirm: the status and body. */
  async function answerWith(who: Staffer, answer: object) {
    const res = await postJson(who, 'confirm', { response: JSON.stringify(answer) });
    return { status: res.status, body: (await res.json()) as { ok: boolean; proof?: string } };
  }

  /** A proof earned with `who`'s passkey, answering a fresh challenge. */
  async function proofFor(who: Staffer): Promise<string> {
    const { challenge } = await challengeFor(who);
    const { status, body } = await answerWith(who, who.passkey.answer(challenge, SITE));
    expect(status).toBe(200);
    return body.proof!;
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

  it('tells passkey-only staff without JavaScript how else to confirm', async () => {
    const page = await (await call(roll, '/api/staff/roll', { cookie: keyOnly.cookie })).text();
    const note = /<p class="field__hint" data-webauthn-missing>([^<]*)<\/p>/.exec(page)?.[1];
    expect(note).toContain('needs JavaScript');
    // With the script off there is no other way in: the note names the alternative.
    expect(note).toContain('/two-factor/setup/');
  });

  it('asks only for the account’s own passkeys, with the user verified', async () => {
    const options = await challengeFor(keyOnly);
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials.map((c) => c.id)).toEqual([keyOnly.passkey.id]);
  });

  it('confirms the password and passkey, then lets the import through', async () => {
    const proof = await proofFor(keyOnly);
    const res = await confirm(keyOnly, { password: SEED_PASSWORD, passkey: proof });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/api/staff/roll');
    expect(flashOf(res)).toMatchObject({ kind: 'ok' });
    expect(await hasRecentReauth(keyOnly.sessionId)).toBe(true);
    // The proof is spent.
    const again = await confirm(keyOnly, { password: SEED_PASSWORD, passkey: proof });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('Use your passkey again');
  });

  it('refuses an answer replayed, from another account’s passkey, without the user verified, to a sign-in challenge or for another site', async () => {
    const fresh = await staffWithPasskey('refusedholder');
    const answer = fresh.passkey.answer((await challengeFor(fresh)).challenge, SITE);
    expect((await answerWith(fresh, answer)).status).toBe(200);
    expect((await answerWith(fresh, answer)).status).toBe(422);

    const borrowed = await answerWith(
      fresh,
      other.passkey.answer((await challengeFor(fresh)).challenge, SITE),
    );
    expect(borrowed).toMatchObject({ status: 422, body: { ok: false } });

    const unverified = await answerWith(
      fresh,
      fresh.passkey.answer((await challengeFor(fresh)).challenge, SITE, { userVerified: false }),
    );
    expect(unverified.status).toBe(422);

    const signIn = await postJson(null, 'sign-in-options');
    const { options } = (await signIn.json()) as Options;
    const wrongPurpose = await answerWith(fresh, fresh.passkey.answer(options.challenge, SITE));
    expect(wrongPurpose.status).toBe(422);

    const otherSite = await answerWith(
      fresh,
      fresh.passkey.answer((await challengeFor(fresh)).challenge, 'https://evil.test'),
    );
    expect(otherSite.status).toBe(422);
    expect(await hasRecentReauth(fresh.sessionId)).toBe(false);
  });

  it('refuses a wrong password with a good proof, another account’s proof, an expired proof and a code', async () => {
    const fresh = await staffWithPasskey('proofholder');
    const wrongPassword = await confirm(fresh, {
      password: 'not-the-password-at-all',
      passkey: await proofFor(fresh),
    });
    expect(wrongPassword.status).toBe(422);
    expect(await wrongPassword.text()).toContain('That password is not right');

    const othersProof = await confirm(fresh, {
      password: SEED_PASSWORD,
      passkey: await proofFor(other),
    });
    expect(othersProof.status).toBe(422);

    const stale = await proofFor(fresh);
    await store.db
      .updateTable('webauthn_challenges')
      .set({ expires_at: Date.now() - 1 })
      .where('purpose', '=', 'passkey-proof')
      .where('user_id', '=', fresh.id)
      .execute();
    expect((await confirm(fresh, { password: SEED_PASSWORD, passkey: stale })).status).toBe(422);

    const code = await confirm(fresh, { password: SEED_PASSWORD, code: '123456' });
    expect(code.status).toBe(422);
    expect(await code.text()).toContain('confirm with your passkey instead');
    expect(await hasRecentReauth(fresh.sessionId)).toBe(false);
  });

  it('keeps confirmation to signed-in accounts', async () => {
    expect((await postJson(null, 'confirm-options')).status).toBe(401);
    expect((await postJson(null, 'confirm', { response: '{}' })).status).toBe(401);
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
    const none = await call(passkeysFn, '/api/passkeys/confirm-options', {
      cookie: appOnly,
      body: '{}',
      type: 'application/json',
      headers: { accept: 'application/json' },
      params: { action: 'confirm-options' },
    });
    expect(none.status).toBe(422);
  });
});
