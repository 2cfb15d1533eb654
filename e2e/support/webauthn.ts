import type { BrowserContext, Page } from 'playwright-core';

/**
 * Gives `page` Chromium's virtual authenticator (DevTools WebAuthn domain): a
 * platform authenticator with resident keys that verifies the user and answers
 * every request at once.
 */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}
