import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkWarrantNumber,
  WARRANT_MESSAGES,
  wrongLengthMessage,
} from '../../src/server/rules/warrant-number.ts';
import { checkEmail, EMAIL_MESSAGES } from '../../src/server/rules/email-address.ts';
import { checkUsername, USERNAME_MESSAGES } from '../../src/server/rules/username.ts';
import { checkName, NAME_MESSAGES, normaliseSurname } from '../../src/server/rules/person-name.ts';
import {
  checkPassword,
  PASSWORD_MESSAGES,
  siteWordMessage,
} from '../../src/server/rules/password-policy.ts';
import { loadCommonPasswords } from '../../src/server/rules/common-passwords.ts';

const site = { siteName: 'Metropolitan Police Federation' };

describe('warrant numbers', () => {
  it('accepts exactly six ASCII digits and strips spaces', () => {
    expect(checkWarrantNumber('123456')).toEqual({ ok: true, digits: '123456' });
    expect(checkWarrantNumber(' 12 34 56 ')).toEqual({ ok: true, digits: '123456' });
    expect(checkWarrantNumber('012345')).toEqual({ ok: true, digits: '012345' });
  });
  it('asks for the number when it is empty', () => {
    expect(checkWarrantNumber('')).toEqual({ ok: false, message: WARRANT_MESSAGES.required });
    expect(checkWarrantNumber('   ')).toEqual({ ok: false, message: WARRANT_MESSAGES.required });
    expect(checkWarrantNumber(undefined)).toEqual({
      ok: false,
      message: WARRANT_MESSAGES.required,
    });
  });
  it.each([
    'P123456',
    'p123456',
    'P 123456',
    'PAY123456',
    'pay 123456',
    'Pay no. 123456',
    'P12345',
  ])('rejects a warrant number with a P or pay prefix: %s', (value) => {
    expect(checkWarrantNumber(value)).toEqual({
      ok: false,
      message: 'Enter the 6 digits only, without the P or pay prefix',
    });
  });
  it('rejects 5 and 7 digits, saying how many were typed', () => {
    expect(checkWarrantNumber('12345')).toEqual({ ok: false, message: wrongLengthMessage(5) });
    expect(checkWarrantNumber('1234567')).toEqual({ ok: false, message: wrongLengthMessage(7) });
    expect(wrongLengthMessage(5)).toBe('A warrant number has exactly 6 digits; you entered 5');
  });
  it('rejects letters', () => {
    expect(checkWarrantNumber('12a456')).toEqual({ ok: false, message: WARRANT_MESSAGES.letters });
    expect(checkWarrantNumber('abcdef')).toEqual({ ok: false, message: WARRANT_MESSAGES.letters });
  });
  it('rejects non-ASCII digits', () => {
    expect(checkWarrantNumber('١٢٣٤٥٦')).toEqual({ ok: false, message: WARRANT_MESSAGES.nonAscii });
    expect(checkWarrantNumber('１２３４５６')).toEqual({
      ok: false,
      message: WARRANT_MESSAGES.nonAscii,
    });
  });
  it('rejects dashes and other marks', () => {
    expect(checkWarrantNumber('123-456')).toEqual({ ok: false, message: WARRANT_MESSAGES.symbols });
  });
});

describe('email addresses', () => {
  it('trims, keeps the typed case and lower-cases for comparison', () => {
    expect(checkEmail('  Alice.Smith@Example.COM ')).toEqual({
      ok: true,
      email: 'Alice.Smith@Example.COM',
      emailLower: 'alice.smith@example.com',
    });
  });
  it.each(['', '   '])('asks for an address when empty (%j)', (value) => {
    expect(checkEmail(value)).toEqual({ ok: false, message: EMAIL_MESSAGES.required });
  });
  it.each([
    'alice',
    'alice@',
    '@example.com',
    'alice@example',
    'a b@example.com',
    'alice@exa_mple.com',
    'alice..b@example.com',
    'alice@-example.com',
  ])('rejects a malformed address: %s', (value) => {
    expect(checkEmail(value)).toEqual({
      ok: false,
      message: 'Enter an email address in the form name@example.com',
    });
  });
  it.each([
    'pc@met.police.uk',
    'pc@police.uk',
    'PC@Some.Force.Police.UK',
    'pc@met.pnn.police.uk',
    'pc@pnn.example.org',
  ])('rejects a police work address: %s', (value) => {
    expect(checkEmail(value)).toEqual({
      ok: false,
      message: 'Use a personal email: work email cannot receive our messages',
    });
  });
  it('rejects the extra work domains from configuration, and their subdomains', () => {
    expect(checkEmail('x@staff.example.net', ['example.net'])).toEqual({
      ok: false,
      message: EMAIL_MESSAGES.work,
    });
    expect(checkEmail('x@example.net', ['example.net']).ok).toBe(false);
    expect(checkEmail('x@notexample.net', ['example.net']).ok).toBe(true);
  });
  it('accepts addresses that only look police-like', () => {
    expect(checkEmail('fan@policeuk.com').ok).toBe(true);
    expect(checkEmail('fan@police.uk.example.com').ok).toBe(true);
  });
});

describe('usernames', () => {
  it('accepts 3 to 32 letters, digits, dots, dashes and underscores', () => {
    expect(checkUsername('Al_B-2.c')).toEqual({
      ok: true,
      username: 'Al_B-2.c',
      usernameLower: 'al_b-2.c',
    });
    expect(checkUsername('abc').ok).toBe(true);
    expect(checkUsername('a'.repeat(32)).ok).toBe(true);
  });
  it('names each problem', () => {
    expect(checkUsername('')).toEqual({ ok: false, message: USERNAME_MESSAGES.required });
    expect(checkUsername('ab')).toEqual({ ok: false, message: USERNAME_MESSAGES.tooShort });
    expect(checkUsername('a'.repeat(33))).toEqual({
      ok: false,
      message: USERNAME_MESSAGES.tooLong,
    });
    expect(checkUsername('al ice')).toEqual({ ok: false, message: USERNAME_MESSAGES.characters });
    expect(checkUsername('zoë')).toEqual({ ok: false, message: USERNAME_MESSAGES.characters });
  });
  it('refuses an email address or the email local part as the username', () => {
    expect(checkUsername('alice@example.com')).toEqual({
      ok: false,
      message: "Don't use your email as your username",
    });
    expect(checkUsername('Alice.Smith', 'alice.smith@example.com')).toEqual({
      ok: false,
      message: "Don't use your email as your username",
    });
    expect(checkUsername('alice.s', 'alice.smith@example.com').ok).toBe(true);
  });
});

describe('names', () => {
  it('trims and accepts any script', () => {
    expect(checkName('  Siobhán ', 'firstName')).toEqual({ ok: true, name: 'Siobhán' });
    expect(checkName('李', 'surname')).toEqual({ ok: true, name: '李' });
    expect(checkName('محمد', 'firstName').ok).toBe(true);
  });
  it('requires each name with its own message', () => {
    expect(checkName('', 'firstName')).toMatchObject({
      ok: false,
      message: NAME_MESSAGES.firstNameRequired,
    });
    expect(checkName(' ', 'surname')).toMatchObject({
      ok: false,
      message: NAME_MESSAGES.surnameRequired,
    });
  });
  it('treats a name made only of invisible characters as missing', () => {
    // Zero-width space and joiners, bidi marks, the BOM, Hangul fillers, a Braille blank.
    for (const blank of [
      '\u200B',
      '\u200F',
      '\u200E\u200D',
      '\uFEFF\u2060',
      '\u3164',
      '\u115F\u1160',
      '\u2800',
      ' \u00AD ',
    ]) {
      expect(checkName(blank, 'surname')).toMatchObject({
        ok: false,
        problem: 'missing',
        message: NAME_MESSAGES.surnameRequired,
      });
    }
    // Joiners inside a real name stay: Persian names are written with a zero-width non-joiner.
    expect(checkName('\u0645\u06CC\u200C\u0631\u0648\u06CC', 'firstName').ok).toBe(true);
  });
  it('allows 100 characters and refuses 101, counting code points', () => {
    expect(checkName('😀'.repeat(100), 'surname').ok).toBe(true);
    expect(checkName('a'.repeat(101), 'surname')).toMatchObject({
      ok: false,
      message: 'Use 100 characters or fewer',
    });
  });
  it('refuses control characters', () => {
    expect(checkName('Ann\u0000', 'firstName')).toMatchObject({
      ok: false,
      message: NAME_MESSAGES.control,
    });
  });
  it('normalises surnames for roll comparison', () => {
    expect(normaliseSurname("O'Brien")).toBe(normaliseSurname('OBRIEN'));
    expect(normaliseSurname('Müller-Jones')).toBe('mullerjones');
  });
});

describe('passwords', () => {
  it('accepts 8 to 256 characters counted as code points', () => {
    expect(checkPassword('quiet-ember', site)).toEqual({ ok: true, password: 'quiet-ember' });
    expect(checkPassword('🔑🔑🔑🔑🔑🔑🔑🔑', site)).toEqual({
      ok: true,
      password: '🔑🔑🔑🔑🔑🔑🔑🔑',
    });
    expect(checkPassword('🔑🔑🔑🔑🔑🔑🔑', site)).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.tooShort,
    });
    expect(checkPassword('x'.repeat(255) + '🔑', site)).toEqual({
      ok: true,
      password: 'x'.repeat(255) + '🔑',
    });
    expect(checkPassword('x'.repeat(257), site)).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.tooLong,
    });
  });
  it('never trims: surrounding spaces count towards the length', () => {
    expect(checkPassword('  abc12  ', site)).toEqual({ ok: true, password: '  abc12  ' });
  });
  it('has no composition rules', () => {
    expect(checkPassword('correct horse battery staple', site)).toEqual({
      ok: true,
      password: 'correct horse battery staple',
    });
  });
  it('rejects the most common passwords whatever their case', () => {
    expect(checkPassword('password', site)).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.common,
    });
    expect(checkPassword('Trustno1', site)).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.common,
    });
    expect(checkPassword('QWERTYUIOP', site)).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.common,
    });
  });
  it('rejects the site name, police and federation in any case', () => {
    expect(checkPassword('MyPoliceLife', site)).toEqual({
      ok: false,
      message: siteWordMessage('police'),
    });
    expect(checkPassword('fedERATION2024', site)).toEqual({
      ok: false,
      message: siteWordMessage('federation'),
    });
    expect(checkPassword('metropolitan!', site)).toEqual({
      ok: false,
      message: siteWordMessage('metropolitan'),
    });
  });
  it('rejects the username and the email local part', () => {
    expect(checkPassword('xxAlice99xx', { ...site, username: 'alice99' })).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.username,
    });
    expect(checkPassword('j.bloggs-secret', { ...site, email: 'J.Bloggs@example.com' })).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.email,
    });
  });
  it('ships a list of 3,000 common passwords with its origin', () => {
    const text = fs.readFileSync('data/common-passwords.txt', 'utf8');
    expect(text.startsWith('# ')).toBe(true);
    expect(text).toMatch(/zxcvbn/);
    expect(loadCommonPasswords().size).toBe(3000);
  });
});

describe('warrant number HMAC', () => {
  it('stays HMAC-SHA256 over the six digits, so stored roll and member HMACs keep matching', async () => {
    const { hmacWarrantNumber } = await import('../../src/server/warrant.ts');
    // Known answer: changing the algorithm would orphan every stored HMAC.
    expect(hmacWarrantNumber('123456', 'a-key-of-some-length-for-the-test')).toBe(
      'f2f510752209c7a93797d33db82c921189f242a723614a9ee39fc59b594402b6',
    );
  });

  it('refuses anything but six digits', async () => {
    const { hmacWarrantNumber } = await import('../../src/server/warrant.ts');
    expect(() => hmacWarrantNumber('12345', 'k')).toThrow(/6 digits/);
  });
});
