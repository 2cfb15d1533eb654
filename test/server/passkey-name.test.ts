import { describe, expect, it } from 'vitest';
import { PASSKEY_NAME_MAX } from '../../src/server/two-factor/passkey-name.ts';
import { checkPasskeyName, PASSKEY_MESSAGES } from '../../src/server/two-factor/passkeys.ts';

describe('passkey names', () => {
  it('tidies spaces, composes accents and names an unnamed passkey after the device', () => {
    expect(checkPasskeyName('  Work\t laptop ', 'Chrome on Linux')).toEqual({
      ok: true,
      name: 'Work laptop',
    });
    expect(checkPasskeyName('Cafe\u0301 phone', '')).toEqual({ ok: true, name: 'Café phone' });
    expect(checkPasskeyName('', 'Chrome on Linux')).toEqual({ ok: true, name: 'Chrome on Linux' });
    // A zero-width joiner inside an emoji sequence is part of the name, not a trick.
    expect(checkPasskeyName('👩‍💻 key', '')).toMatchObject({ ok: true });
  });

  it('refuses names that are too long or carry hidden controls', () => {
    expect(checkPasskeyName('x'.repeat(PASSKEY_NAME_MAX + 1), '')).toEqual({
      ok: false,
      message: PASSKEY_MESSAGES.nameTooLong,
    });
    for (const trick of ['Phone\u202Egnp.exe', 'Key\u2066A\u2069', 'Bell\u0007', 'NEL\u0085key'])
      expect(checkPasskeyName(trick, ''), JSON.stringify(trick)).toEqual({
        ok: false,
        message: PASSKEY_MESSAGES.nameHidden,
      });
  });
});
