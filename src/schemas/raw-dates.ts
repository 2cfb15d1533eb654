import { readFile } from 'node:fs/promises';
import type { Loader, LoaderContext } from 'astro/loaders';
import { parse } from 'yaml';
import { isRecord } from '../lib/is-record.ts';

const frontmatter = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---/;

/** The frontmatter of a markdown file, or null when it has none or cannot be read. */
async function readFrontmatter(filePath: string): Promise<string | null> {
  try {
    return frontmatter.exec(await readFile(filePath, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Frontmatter as plain YAML strings (the `core` schema has no timestamp type), or `{}`. */
function parseRawFrontmatter(yaml: string): Record<string, unknown> {
  try {
    const raw: unknown = parse(yaml, { schema: 'core' });
    return isRecord(raw) ? raw : {};
  } catch {
    return {};
  }
}

/**
 * The text of a top-level `key: 2024-03-01` line, the way editors and the CMS write a
 * date, without parsing the whole frontmatter; null for anything else (quoted, a time,
 * over several lines, the key twice), which the YAML parser then reads.
 */
function plainDateLine(yaml: string, key: string): string | null {
  const name = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = [...yaml.matchAll(new RegExp(`^${name}[ \t]*:(.*)$`, 'gm'))];
  if (lines.length !== 1) return null;
  return /^[ \t]+(\d{4}-\d{2}-\d{2})[ \t]*(?:[ \t]#.*)?\r?$/.exec(lines[0][1])?.[1] ?? null;
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
  const dateKeys = Object.keys(data).filter((key) => data[key] instanceof Date);
  if (dateKeys.length === 0) return data;
  const yaml = await readFrontmatter(filePath);
  if (yaml === null) return data;
  let raw: Record<string, unknown> | undefined;
  const texts: Record<string, string> = {};
  for (const key of dateKeys) {
    const text = plainDateLine(yaml, key) ?? (raw ??= parseRawFrontmatter(yaml))[key];
    if (typeof text === 'string') texts[key] = text;
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
