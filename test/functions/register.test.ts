import { describe, expect, it } from 'vitest';
import { call, countRows, form, mailTo, newMemberDetails, readBody } from './support.ts';

const register = (await import('../../functions/register.ts')).default;

describe('POST /api/register', () => {
  it('answers a valid registration with 202 {"ok":true} and a verification email', async () => {
    const details = newMemberDetails();
    const res = await call(register, { path: '/api/register', body: details, json: true });
    expect(res.status).toBe(202);
    expect(await readBody(res)).toMatchObject({ ok: true });
    expect(mailTo(details.email).join('\n')).toContain('/verify-email/?token=');
  });

  it('answers the same for an email or username that already has an account', async () => {
    const first = newMemberDetails();
    const fresh = await call(register, { path: '/api/register', body: first, json: true });
    const again = newMemberDetails({ email: first.email.toUpperCase() });
    const sameEmail = await call(register, { path: '/api/register', body: again, json: true });
    const sameUsername = await call(register, {
      path: '/api/register',
      body: newMemberDetails({ username: first.username }),
      json: true,
    });
    const bodies = await Promise.all([fresh, sameEmail, sameUsername].map((r) => r.text()));
    expect([fresh.status, sameEmail.status, sameUsername.status]).toEqual([202, 202, 202]);
    expect(new Set(bodies).size).toBe(1);
  });

  it('sends a browser without JavaScript on to the check-your-email page with a 303', async () => {
    const res = await call(register, { path: '/api/register', body: form(newMemberDetails()) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/register/check-email/');
  });

  it('answers 422 with a message for each wrong field, and writes nothing', async () => {
    const before = await countRows();
    const res = await call(register, {
      path: '/api/register',
      json: true,
      body: newMemberDetails({
        firstName: '',
        email: 'pc.smith@met.police.uk',
        warrantNumber: 'P123456',
        password: 'short',
      }),
    });
    expect(res.status).toBe(422);
    const body = await readBody(res);
    expect(body.ok).toBe(false);
    expect(body.errors.firstName).toBe('Enter your first name');
    expect(body.errors.email).toMatch(/personal email/);
    expect(body.errors.warrantNumber).toMatch(/without the P or pay prefix/);
    expect(body.errors.password).toMatch(/8/);
    expect(body.errors.surname).toBeUndefined();
    expect(await countRows()).toEqual(before);
  });

  it('re-renders the page without JavaScript: errors beside fields, values kept, password dropped', async () => {
    const details = newMemberDetails({ warrantNumber: '12345' });
    const res = await call(register, { path: '/api/register', body: form(details) });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<title>Error: Register</title>');
    expect(html).toContain(
      '<a href="#register-warrantNumber">A warrant number has exactly 6 digits; you entered 5</a>',
    );
    expect(html).toMatch(
      /id="register-warrantNumber-error">.*you entered 5<\/p><input id="register-warrantNumber"[^>]*aria-invalid="true"/,
    );
    expect(html).toContain(`value="${details.email}"`);
    expect(html).not.toContain(details.password);
  });

  it('answers 429 with Retry-After after three emails to one address in ten minutes', async () => {
    const details = newMemberDetails();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await call(register, {
        path: '/api/register',
        body: details,
        json: true,
        ip: `198.51.100.${i}`,
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a cross-site post with 403 and writes nothing', async () => {
    const before = await countRows();
    const res = await call(register, {
      path: '/api/register',
      body: form(newMemberDetails()),
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    const noMetadata = await call(register, {
      path: '/api/register',
      body: form(newMemberDetails()),
      noFetchMetadata: true,
      headers: { origin: 'https://evil.example' },
    });
    expect(noMetadata.status).toBe(403);
    expect(await countRows()).toEqual(before);
  });

  it('accepts a post without Fetch Metadata when Origin is the site', async () => {
    const res = await call(register, {
      path: '/api/register',
      body: newMemberDetails(),
      json: true,
      noFetchMetadata: true,
      headers: { origin: 'http://site.test' },
    });
    expect(res.status).toBe(202);
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const res = await call(register, { method: 'GET', path: '/api/register' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('refuses bad bodies with 400, 413 and 415', async () => {
    const unknown = await call(register, {
      path: '/api/register',
      body: { ...newMemberDetails(), isAdmin: true },
      json: true,
    });
    expect(unknown.status).toBe(400);
    const broken = await call(register, {
      path: '/api/register',
      body: '{"firstName":',
      type: 'application/json',
    });
    expect(broken.status).toBe(400);
    const huge = await call(register, {
      path: '/api/register',
      body: form({ firstName: 'a'.repeat(70_000) }),
    });
    expect(huge.status).toBe(413);
    const text = await call(register, {
      path: '/api/register',
      body: 'firstName=a',
      type: 'text/plain',
    });
    expect(text.status).toBe(415);
  });
});
