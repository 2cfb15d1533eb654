import type { CmsField } from 'decap-cms-core';
import {
  USABLE_EXTENSIONS,
  USABLE_FORMAT_NAMES,
  checkImageFormat,
  checkImageName,
  sniffImageFormat,
} from '../lib/image-formats';

/**
 * Refusing, at upload, image files the site cannot build from. Decap's media library
 * offers every `image/*` file (an iPhone's HEIC included) and has no setting to narrow
 * it, so the check sits in front of Decap's own file input: a file whose name or first
 * bytes show a format the build cannot use is refused with a message an editor can act
 * on, before anything is uploaded or committed.
 */

/**
 * Why the files an editor picked cannot be uploaded (one message per refused file), or
 * an empty list. Reads the first bytes of each file, so a HEIC photo renamed to `.jpg`
 * is caught too.
 */
export async function findUploadProblems(files: readonly File[]): Promise<string[]> {
  const problems: string[] = [];
  for (const file of files) {
    const named = checkImageName(file.name);
    if (named) {
      problems.push(named);
      continue;
    }
    const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
    const sniffed = checkImageFormat(file.name, sniffImageFormat(head));
    if (sniffed) problems.push(sniffed);
  }
  return problems;
}

/** Change events this module has already checked and passed on to Decap. */
const checked = new WeakSet<Event>();

/**
 * Checks every file picked in a file input of the page before Decap sees it; refused
 * files are cleared from the input and explained in an alert (as Decap itself refuses
 * a file over `max_file_size`). Accepted files reach Decap unchanged. `alert` is
 * replaceable for tests.
 */
export function installUploadCheck(
  root: Document = document,
  alert: (message: string) => void = (message) => window.alert(message),
): void {
  root.addEventListener(
    'change',
    (event) => {
      const input = event.target;
      if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
      if (checked.has(event)) return;
      const files = [...(input.files ?? [])];
      if (files.length === 0) return;
      // Held back while the first bytes are read; passed on again once they are fine.
      event.stopImmediatePropagation();
      void findUploadProblems(files).then((problems) => {
        if (problems.length > 0) {
          input.value = '';
          alert(`This file cannot be uploaded.\n\n${problems.join('\n\n')}`);
          return;
        }
        const again = new Event('change', { bubbles: true });
        checked.add(again);
        input.dispatchEvent(again);
      });
    },
    true,
  );
}

/** `jpg` as `[jJ][pP][gG]`: Decap tests a field's pattern without the `i` flag. */
function anyCase(text: string): string {
  return [...text].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');
}

/**
 * Decap's `pattern` for an image field: an image already in the media library (or typed
 * in) must end in a usable format, or the entry cannot be saved and the field says why.
 */
export const USABLE_IMAGE_PATTERN: NonNullable<CmsField['pattern']> = [
  `\\.(${USABLE_EXTENSIONS.map(anyCase).join('|')})$`,
  `Choose a ${USABLE_FORMAT_NAMES} image: the website cannot use other formats, such as HEIC photos from an iPhone.`,
];
