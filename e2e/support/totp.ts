import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import type { Page } from 'playwright-core';

/**
 * An authenticator app for browser tests: it reads the key shown on
 * /two-factor/setup/ and makes RFC 6238 codes with @oslojs/otp, each of a
 * step after the last one it gave (the site refuses a step twice), waiting
 * for the next 30-second step when the drift allowance is used up.
 */
export class TestAuthenticator {
  private lastStep = -Infinity;

  constructor(readonly key: Uint8Array) {}

  /** Reads the key from the set-up page. */
  static async fromSetupPage(page: Page): Promise<TestAuthenticator> {
    const text = (await page.textContent('#totp-key'))!.replace(/\s/g, '');
    return new TestAuthenticator(decodeBase32IgnorePadding(text));
  }

  /** A code the site has not seen yet. */
  async nextCode(): Promise<string> {
    for (;;) {
      const current = Math.floor(Date.now() / 30_000);
      const step = Math.max(current, this.lastStep + 1);
      if (step <= current + 1) {
        this.lastStep = step;
        return generateHOTP(this.key, BigInt(step), 6);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Sets up TOTP on the set-up page the browser is on; returns the app and the recovery codes. */
export async function completeTotpSetup(
  page: Page,
): Promise<{ app: TestAuthenticator; recoveryCodes: string[] }> {
  const app = await TestAuthenticator.fromSetupPage(page);
  await page.fill('#two-factor-setup-code', await app.nextCode());
  await Promise.all([
    page.waitForURL(/\/api\/two-factor\/setup$/),
    page.click('#two-factor-setup button[type="submit"]'),
  ]);
  const recoveryCodes = await page.$$eval('#recovery-codes code', (els) =>
    els.map((e) => e.textContent ?? ''),
  );
  return { app, recoveryCodes };
}
