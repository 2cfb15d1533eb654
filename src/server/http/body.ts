import { parse as parseJsonTree, type AnyNode } from '@humanwhocodes/momoa';
import { readCappedBytes } from './capped-body.ts';
import { HttpError } from './errors.ts';

/** The largest request body any function reads (docs/security.md § Bad input). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Field values as strings, keyed by field name; a missing field reads as ''. */
export type Fields<K extends string> = Record<K, string>;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/**
 * Reads a form or JSON body that may hold only `allowed` fields, each a string.
 * Refuses an oversized body (413), a content type other than form or JSON (415),
 * a body that does not parse, holds an unknown or repeated field, or a value that
 * is not text (400). Missing fields come back as '' so validation can name them.
 */
export async function readFields<K extends string>(
  req: Request,
  allowed: readonly K[],
): Promise<Fields<K>> {
  const type = mediaType(req.headers.get('content-type'));
  if (type !== FORM && type !== JSON_TYPE) {
    throw new HttpError(
      415,
      'Send the form as application/x-www-form-urlencoded or application/json.',
    );
  }
  const text = await readText(req);
  const pairs = type === FORM ? parseFormPairs(text) : parseJsonPairs(text);
  return collectFields(pairs, allowed);
}

/** Reads an empty-or-ignored body for actions that take no fields, still enforcing the cap. */
export async function readNoFields(req: Request): Promise<void> {
  const type = mediaType(req.headers.get('content-type'));
  const text = await readText(req);
  if (text.trim() === '' || (type === JSON_TYPE && text.trim() === '{}')) return;
  if (type !== FORM && type !== JSON_TYPE) {
    throw new HttpError(
      415,
      'Send the form as application/x-www-form-urlencoded or application/json.',
    );
  }
  const pairs = type === FORM ? parseFormPairs(text) : parseJsonPairs(text);
  collectFields(pairs, []);
}

function mediaType(header: string | null): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** Reads the body as UTF-8, stopping as soon as it passes the cap. */
async function readText(req: Request): Promise<string> {
  const bytes = await readCappedBytes(req, MAX_BODY_BYTES, {
    tooLarge: 'The request is too large: the limit is 64 KiB.',
    unreadable: 'The request body could not be read.',
  });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'The request body is not valid UTF-8 text.');
  }
}

function parseFormPairs(text: string): [string, unknown][] {
  return [...new URLSearchParams(text)];
}

function parseJsonPairs(text: string): [string, unknown][] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'The request body must be a JSON object of fields.');
  }
  const repeated = firstRepeatedName(text);
  if (repeated !== null)
    throw new HttpError(400, `The field ${printable(repeated)} was sent more than once.`);
  return Object.entries(value);
}

/**
 * The first name that appears twice in one object of a JSON text, or null. JSON.parse
 * keeps the last of them silently; a message with repeated names is not I-JSON
 * (RFC 7493 § 2.3), and a form with a repeated field is refused too. Names are compared
 * as decoded ("\u0065mail" is "email").
 */
function firstRepeatedName(text: string): string | null {
  try {
    return repeatedNameIn(parseJsonTree(text, { mode: 'json' }).body);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

function repeatedNameIn(node: AnyNode): string | null {
  if (node.type === 'Array') {
    for (const element of node.elements) {
      const repeated = repeatedNameIn(element.value);
      if (repeated !== null) return repeated;
    }
  } else if (node.type === 'Object') {
    const names = new Set<string>();
    for (const member of node.members) {
      const name = member.name.type === 'String' ? member.name.value : member.name.name;
      if (names.has(name)) return name;
      names.add(name);
      const repeated = repeatedNameIn(member.value);
      if (repeated !== null) return repeated;
    }
  }
  return null;
}

/** Half of a surrogate pair without its other half. */
const LONE_SURROGATE = /\p{Surrogate}/u;

function collectFields<K extends string>(
  pairs: [string, unknown][],
  allowed: readonly K[],
): Fields<K> {
  const isAllowed = (name: string): name is K => (allowed as readonly string[]).includes(name);
  // Object.fromEntries cannot type a record over a generic key union; the map sets every key.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- see the line above
  const fields = Object.fromEntries(allowed.map((name) => [name, ''])) as Fields<K>;
  const seen = new Set<string>();
  for (const [name, value] of pairs) {
    if (!isAllowed(name)) throw new HttpError(400, `Unexpected field: ${printable(name)}.`);
    if (seen.has(name)) throw new HttpError(400, `The field ${name} was sent more than once.`);
    if (typeof value !== 'string') throw new HttpError(400, `The field ${name} must be text.`);
    // A JSON escape can name half of a surrogate pair (\ud800), which is no character at all
    // and stores as invalid UTF-8; I-JSON refuses it (RFC 7493 § 2.1). Form posts never carry one.
    if (LONE_SURROGATE.test(value))
      throw new HttpError(
        400,
        `The field ${name} holds an escape that is not a character (\\uD800–\\uDFFF alone).`,
      );
    seen.add(name);
    fields[name] = value;
  }
  return fields;
}

/** A short, safe rendering of a client-supplied name for an error message. */
function printable(name: string): string {
  const clean = name.replace(/[^\w.-]/g, '?').slice(0, 40);
  return clean === '' ? '(empty name)' : clean;
}
