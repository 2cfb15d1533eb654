/** Markdown images (`![alt](./images/a.jpg "title")`) in a body, as written, in order. */
export function listBodyImages(markdown: string): string[] {
  const found = markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g);
  return [...found].map((m) => m[1]);
}

/** True when `reference` names a file beside the entry (not a web address or a site path). */
export function isLocalFile(reference: string): boolean {
  return !/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(reference);
}
