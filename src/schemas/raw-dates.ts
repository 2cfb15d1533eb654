import { readFile } from 'node:fs/promises';
import type { Loader, LoaderContext } from 'astro/loaders';
import { parse } from 'yaml';
import { isRecord } from '../lib/is-record.ts';

const frontmatter = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---/;

/**
 * Reads the frontmatter of a markdown file as plain YAML strings (the `core` schema has no
 * timestamp type), or `{}` when it cannot. Used only to recover what the editor typed.
 */
async function readRawFrontmatter(filePath: string): Promise<Record<string, unknown>> {
  try {
    const match = frontmatter.exec(await readFile(filePath, 'utf8'));
    const raw: unknown = match ? parse(match[1], { schema: 'core' }) : null;
    return isRecord(raw) ? raw : {};
  } catch {
    return {};
  }
}

/**
 * Puts back the text of every top-level date the YAML parser turned into a `Date`.
 * Astro's YAML parser rolls impossible dates over (`2024-13-45` becomes 14 February 2025),
 * so without this a typo would publish under a wrong date instead of failing the build.
 */
export async function restoreRawDates<T extends Record<string, unknown>>(
  data: T,
  filePath: string,
): Promise<T> {
  if (!Object.values(data).some((value) => value instanceof Date)) return data;
  const raw = await readRawFrontmatter(filePath);
  const texts: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    const text = raw[key];
    if (value instanceof Date && typeof text === 'string') texts[key] = text;
  }
  return Object.assign({}, data, texts);
}

/**
 * Wraps a file loader (such as `glob()`) so its schema sees dates as written, letting
 * the schema's date check refuse impossible days with a message that names the field.
 */
export function withRawDates(loader: Loader): Loader {
  return {
    ...loader,
    load: (context: LoaderContext) =>
      loader.load({
        ...context,
        parseData: async (props) =>
          context.parseData(
            props.filePath
              ? { ...props, data: await restoreRawDates(props.data, props.filePath) }
              : props,
          ),
      }),
  };
}
