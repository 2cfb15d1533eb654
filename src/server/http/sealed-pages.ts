import type { UserStatus } from '../store/schema.ts';

/** Sealed URL prefixes and who may read them. */
export const SEALED_AREAS = { members: 'member', staff: 'staff' } as const;

/** A sealed page a request may ask for, once its path has been checked. */
export interface SealedPath {
  /** 'members' or 'staff'. */
  area: keyof typeof SEALED_AREAS;
  /** The built file under sealed/, e.g. `members/news/pay/index.html`. */
  file: string;
}

/** A path segment that can name a built page: no dots-only names, no separators, no encodings. */
const SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/**
 * Maps a URL path under /members/ or /staff/ to the built file that serves it,
 * or null when the path cannot name one (traversal, encoded slashes, odd bytes).
 * The caller has already made sure the path ends with '/'.
 */
export function resolveSealedPath(pathname: string): SealedPath | null {
  const segments = pathname.split('/').slice(1, -1);
  const area = segments[0];
  if (area !== 'members' && area !== 'staff') return null;
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment.includes('..')) return null;
  }
  return { area, file: `${segments.join('/')}/index.html` };
}

/**
 * Where the files of sealed content live (images a members-only page shows), under
 * sealed/ and as a URL path: the seal integration moves them there out of dist/_astro/,
 * and the members function serves them to confirmed members only.
 */
export const SEALED_ASSETS_DIR = 'members/_assets';

/** Media types of the files sealed content may carry, by file-name ending. */
export const SEALED_ASSET_TYPES: Readonly<Record<string, string>> = {
  avif: 'image/avif',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  svg: 'image/svg+xml',
};

/** A sealed file a request may ask for, once its path has been checked. */
export interface SealedAsset {
  /** The file under sealed/, e.g. `members/_assets/pay.Ab12_Cd34.avif`. */
  file: string;
  /** Its `Content-Type`. */
  contentType: string;
}

/** A built file name: no separators, no dots-only names, a known ending. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.([A-Za-z0-9]+)$/;

/**
 * Maps `/members/_assets/<file>` to the sealed file and its media type, or null when
 * the path is not one (another folder, traversal, encodings, an unknown ending).
 */
export function resolveSealedAsset(pathname: string): SealedAsset | null {
  const prefix = `/${SEALED_ASSETS_DIR}/`;
  if (!pathname.startsWith(prefix)) return null;
  const name = pathname.slice(prefix.length);
  const match = ASSET_NAME.exec(name);
  if (!match || name.includes('..')) return null;
  const contentType = SEALED_ASSET_TYPES[match[1].toLowerCase()];
  return contentType ? { file: `${SEALED_ASSETS_DIR}/${name}`, contentType } : null;
}

/** Why a signed-in person may not read a sealed page, or that the page is missing. */
export type SealedRefusal = Exclude<UserStatus, 'confirmed'> | 'staff-only' | 'not-found';

/** The built page that explains a refusal (src/pages/members/status/[status].astro). */
export function statusPageFile(refusal: SealedRefusal): string {
  return `members/status/${refusal}/index.html`;
}

/** All refusals, for the page that builds one status page each. */
export const SEALED_REFUSALS: readonly SealedRefusal[] = [
  'unverified',
  'pending',
  'rejected',
  'suspended',
  'staff-only',
  'not-found',
];
