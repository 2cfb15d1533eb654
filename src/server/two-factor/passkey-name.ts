/**
 * The longest passkey name, in characters. Its own module so the account page
 * can show the limit without bundling the WebAuthn library into every
 * function that draws that page.
 */
export const PASSKEY_NAME_MAX = 60;
