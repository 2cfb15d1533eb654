import { describe, expect, it } from 'vitest';
import {
  loginForm,
  registerForm,
  resetPasswordForm,
} from '../../src/server/http/forms/definitions.ts';
import { renderFormPage, replaceForm } from '../../src/server/http/forms/page.ts';
import { renderForm } from '../../src/server/http/forms/render.ts';
import type { FormSpec, FormState } from '../../src/server/http/forms/spec.ts';
import { toHtmlString } from '../../src/server/html/safe-html.ts';
import { SealedFiles } from '../../src/server/http/sealed-files.ts';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const formHtml = (form: FormSpec, state?: FormState) => toHtmlString(renderForm(form, state));

describe('renderForm', () => {
  it('labels every visible field and links hints with aria-describedby', () => {
    const html = formHtml(registerForm);
    for (const field of registerForm.fields) {
      expect(html).toContain(
        `<label class="field__label" for="register-${field.name}">${field.label}</label>`,
      );
    }
    expect(html).toContain('id="register-warrantNumber-hint"');
    expect(html).toMatch(
      /id="register-warrantNumber"[^>]*inputmode="numeric"[^>]*aria-describedby="register-warrantNumber-hint"/,
    );
    expect(html).toContain('autocomplete="new-password"');
    expect(html).toContain('autocomplete="given-name"');
    expect(html).toContain('6 digits, without the P or pay prefix');
    expect(html).not.toContain('aria-invalid');
    // An empty, hidden summary whose alert region exists before the script fills it.
    expect(html).toContain(
      '<div class="error-summary" id="register-errors" tabindex="-1" hidden><div class="error-summary__alert" role="alert"></div></div>',
    );
  });

  it('shows each error beside its field and in a summary that links to it', () => {
    const html = formHtml(registerForm, {
      values: { firstName: 'Ann', email: 'ann@example.org', password: 'secret-pass' },
      errors: { warrantNumber: 'Enter your warrant number', password: 'Too common' },
    });
    // GOV.UK's pattern: the focused container and the alert region are different nodes.
    expect(html).toContain(
      '<div class="error-summary" id="register-errors" tabindex="-1" aria-labelledby="register-errors-title" autofocus><div class="error-summary__alert" role="alert"><h2 class="error-summary__title" id="register-errors-title">There is a problem</h2>',
    );
    expect(html).not.toMatch(/tabindex="-1"[^>]*role="alert"|role="alert"[^>]*tabindex/);
    expect(html).toContain('<a href="#register-warrantNumber">Enter your warrant number</a>');
    expect(html).toMatch(
      /id="register-warrantNumber-error"><span class="visually-hidden">Error: <\/span>Enter your warrant number/,
    );
    expect(html).toMatch(
      /id="register-warrantNumber"[^>]*aria-describedby="register-warrantNumber-hint register-warrantNumber-error"[^>]*aria-invalid="true"/,
    );
    expect(html).toContain('value="Ann"');
    expect(html).toContain('value="ann@example.org"');
    expect(html).not.toContain('secret-pass');
  });

  it('escapes values so a kept value cannot inject markup', () => {
    const html = formHtml(loginForm, {
      values: { username: '"><script>x</script>', next: '/a"b' },
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).toContain('value="/a&quot;b"');
  });

  it('keeps hidden token values and lists a form-wide error without a link', () => {
    const html = formHtml(resetPasswordForm, {
      values: { token: 'tok' },
      errors: { form: 'This link has expired.' },
    });
    expect(html).toContain(
      '<input type="hidden" id="reset-password-token" name="token" value="tok">',
    );
    expect(html).toContain('<li>This link has expired.</li>');
  });
});

describe('renderFormPage', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'forms-'));
  mkdirSync(path.join(root, '_forms'));
  const shell = `<html><head><title>Log in</title></head><body><header>nav</header>${formHtml(loginForm)}<footer>f</footer></body></html>`;
  writeFileSync(path.join(root, '_forms', 'login.html'), shell);
  const files = new SealedFiles(root);

  it('puts the error state into the built page, keeping the rest of the page', () => {
    const html = renderFormPage(files, 'login', 'Log in', loginForm, {
      errors: { password: 'Enter your password' },
    });
    expect(html).toContain('<title>Error: Log in</title>');
    expect(html).toContain('<header>nav</header>');
    expect(html).toContain('<footer>f</footer>');
    expect(html).toContain('Enter your password');
    expect(html.match(/<form /g)).toHaveLength(1);
  });

  it('falls back to a bare page when the shell was not built', () => {
    const html = renderFormPage(files, 'register', 'Register', registerForm, {
      errors: { email: 'Enter your email address' },
    });
    expect(html).toContain('<title>Error: Register</title>');
    expect(html).toContain('Enter your email address');
  });

  it('returns null when replacing a form the page does not have', () => {
    expect(replaceForm('<p>no form</p>', 'login', 'x')).toBeNull();
  });

  it('never reads outside its root', () => {
    expect(files.read('../../etc/passwd')).toBeNull();
  });
});
