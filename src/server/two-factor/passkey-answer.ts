/**
 * Reading a browser's WebAuthn answer (the JSON that @simplewebauthn/browser's
 * startRegistration / startAuthentication return), sent by the page scripts as
 * text. Only the shape is checked here; the signature is checked by
 * @simplewebauthn/server. Types only from that library, so a function that
 * merely reads answers does not bundle it.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/** The fields every WebAuthn answer has (W3C WebAuthn 3, 5.1 PublicKeyCredential). */
function isCredentialAnswer(
  value: unknown,
): value is { id: string; rawId: string; type: 'public-key'; response: object } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    'rawId' in value &&
    typeof value.rawId === 'string' &&
    'type' in value &&
    value.type === 'public-key' &&
    'response' in value &&
    typeof value.response === 'object' &&
    value.response !== null
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isRegistrationAnswer(value: unknown): value is RegistrationResponseJSON {
  return isCredentialAnswer(value);
}

function isAuthenticationAnswer(value: unknown): value is AuthenticationResponseJSON {
  return isCredentialAnswer(value);
}

/** A registration answer from its JSON text, or null when the text is not one. */
export function parseRegistrationAnswer(text: string): RegistrationResponseJSON | null {
  const value = parseJson(text);
  return isRegistrationAnswer(value) ? value : null;
}

/** An authentication answer from its JSON text, or null when the text is not one. */
export function parseAuthenticationAnswer(text: string): AuthenticationResponseJSON | null {
  const value = parseJson(text);
  return isAuthenticationAnswer(value) ? value : null;
}
