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
