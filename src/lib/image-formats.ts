/**
 * Which image files the site can build from, and the words an editor reads when a file
 * is refused. One list serves the CMS upload check (browser), the content schemas and
 * the build-time check of each file's real format (src/schemas/image-files.ts).
 *
 * The list is what Astro's image service (sharp) turns into AVIF, WebP and JPEG copies:
 * Astro accepts jpeg, png, webp, gif, avif and tiff as raster input. SVG is left out:
 * Astro copies an SVG unchanged instead of making AVIF, WebP and JPEG copies, and link
 * previews (og:image) cannot show SVG.
 */

/** A format the build can use: its name for people, file-name endings and media types. */
export interface UsableFormat {
  name: string;
  extensions: readonly string[];
  mediaTypes: readonly string[];
}

/** Formats a hero or an image in an article's text may be uploaded in. */
export const USABLE_FORMATS: readonly UsableFormat[] = [
  { name: 'JPEG', extensions: ['jpg', 'jpeg'], mediaTypes: ['image/jpeg'] },
  { name: 'PNG', extensions: ['png'], mediaTypes: ['image/png'] },
  { name: 'WebP', extensions: ['webp'], mediaTypes: ['image/webp'] },
  { name: 'AVIF', extensions: ['avif'], mediaTypes: ['image/avif'] },
  { name: 'GIF', extensions: ['gif'], mediaTypes: ['image/gif'] },
  { name: 'TIFF', extensions: ['tif', 'tiff'], mediaTypes: ['image/tiff'] },
];

/** Every usable ending, lower case without the dot. */
export const USABLE_EXTENSIONS: readonly string[] = USABLE_FORMATS.flatMap((f) => f.extensions);

/** "JPEG, PNG, WebP, AVIF, GIF or TIFF". */
export const USABLE_FORMAT_NAMES = USABLE_FORMATS.map((f) => f.name)
  .join(', ')
  .replace(/, ([^,]+)$/, ' or $1');

/** What a refused format is called, and what its owner can do about it. */
const KNOWN_UNUSABLE: Record<string, { name: string; advice?: string }> = {
  heic: {
    name: 'a HEIC photo (the iPhone camera format)',
    advice:
      'On the iPhone, share the photo as JPEG (or set Settings, Camera, Formats to "Most Compatible"), or open it on a computer and export it as JPEG.',
  },
  heif: { name: 'a HEIF photo', advice: 'Export it as JPEG from your photo app.' },
  psd: { name: 'a Photoshop file', advice: 'Export it from Photoshop as JPEG or PNG.' },
  svg: {
    name: 'an SVG drawing',
    advice: 'Export it as PNG (keep a transparent background if it is a logo).',
  },
  bmp: { name: 'a BMP picture', advice: 'Save it as PNG or JPEG.' },
  ico: { name: 'an icon file', advice: 'Save it as PNG.' },
  pdf: { name: 'a PDF document', advice: 'Export the page you want as JPEG or PNG.' },
  raw: { name: 'a camera RAW file', advice: 'Export it as JPEG from your photo app.' },
  jxl: { name: 'a JPEG XL picture', advice: 'Save it as JPEG.' },
};

/** Camera RAW endings (Canon, Nikon, Sony, Adobe, Fujifilm, Olympus, Panasonic, Pentax). */
const RAW_EXTENSIONS = ['cr2', 'cr3', 'nef', 'arw', 'dng', 'raf', 'orf', 'rw2', 'pef', 'raw'];

/** The lower-case ending of a file name without the dot, or '' when it has none. */
export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The file's own name, without folders ("img-0420.heic"). */
function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}

function describeKind(kind: string): { name: string; advice?: string } {
  if (RAW_EXTENSIONS.includes(kind)) return KNOWN_UNUSABLE.raw;
  if (kind === 'heics' || kind === 'hif') return KNOWN_UNUSABLE.heic;
  return KNOWN_UNUSABLE[kind] ?? { name: kind ? `a .${kind} file` : 'a file without a type' };
}

/** The sentence that closes every refusal. */
const WHAT_WORKS = `The website can use ${USABLE_FORMAT_NAMES} images.`;

/**
 * Why `fileName` cannot be used, judged by its ending, or null when the ending is usable.
 * The message names the file, what it is, what to do and the formats that work.
 */
export function checkImageName(fileName: string): string | null {
  const ext = extensionOf(fileName);
  if (USABLE_EXTENSIONS.includes(ext)) return null;
  const kind = describeKind(ext);
  return [
    `“${baseName(fileName)}” is ${kind.name}, which the website cannot use.`,
    kind.advice,
    WHAT_WORKS,
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * The format a file's first bytes show, or null when they match none known here.
 * Enough of the header to tell the usable formats from the ones people send by mistake
 * (ISO BMFF brands per ISO/IEC 23008-12 for HEIF/HEIC and the AVIF spec for AVIF).
 * `bytes` needs the first 32 bytes of the file.
 */
export function sniffImageFormat(bytes: Uint8Array): string | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  if (ascii(0, 4) === '8BPS') return 'psd';
  if (ascii(0, 2) === 'BM') return 'bmp';
  if (ascii(0, 4) === '%PDF') return 'pdf';
  if (ascii(4, 8) === 'ftyp') {
    // Major brand, then compatible brands: AVIF files may carry `mif1` as major brand.
    const size = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset).getUint32(0));
    const brands = [ascii(8, 12)];
    for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(at, at + 4));
    if (brands.some((b) => b === 'avif' || b === 'avis')) return 'avif';
    if (brands.some((b) => /^(heic|heix|heim|heis|hevc|hevx|heif)$/.test(b))) return 'heic';
    if (brands.some((b) => b === 'mif1' || b === 'msf1')) return 'heif';
    return null;
  }
  const text = ascii(0, Math.min(bytes.length, 32)).trimStart();
  if (text.startsWith('<svg') || text.startsWith('<?xml')) return 'svg';
  return null;
}

/** Sniffed formats that are usable, mapped to the endings that name them. */
const USABLE_SNIFFED: Record<string, readonly string[]> = {
  jpeg: ['jpg', 'jpeg'],
  png: ['png'],
  gif: ['gif'],
  webp: ['webp'],
  avif: ['avif'],
  tiff: ['tif', 'tiff'],
};

/**
 * Why a file whose name ends usably cannot be used after all, judged by its real
 * format (`actual`, as {@link sniffImageFormat} or sharp reports it), or null when
 * that format is usable. A usable format under another usable ending (a JPEG named
 * .png) builds fine and is accepted.
 */
export function checkImageFormat(fileName: string, actual: string | null): string | null {
  if (actual && USABLE_SNIFFED[actual]) return null;
  const name = `“${baseName(fileName)}”`;
  const ext = extensionOf(fileName);
  if (!actual) {
    return `${name} ends in .${ext} but is not a picture the website can read: it may be damaged or another kind of file. Open it in a photo app and save it again as JPEG or PNG. ${WHAT_WORKS}`;
  }
  const kind = describeKind(actual);
  return [
    `${name} ends in .${ext} but is really ${kind.name}, which the website cannot use.`,
    kind.advice,
    WHAT_WORKS,
  ]
    .filter(Boolean)
    .join(' ');
}
