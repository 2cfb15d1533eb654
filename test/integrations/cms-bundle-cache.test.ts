import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CmsBuildSettings } from '../../src/integrations/cms-bundle/bundler';
import {
  computeCmsCacheKey,
  defaultCacheRoot,
  ensureCmsBundle,
  readCacheEntry,
} from '../../src/integrations/cms-bundle/cache';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const production: CmsBuildSettings = { nodeEnv: 'production', mode: 'production', minify: true };

/** A small project shaped like the site: the CMS entry, a schema, a stylesheet and content. */
const files: Record<string, string> = {
  'src/cms/entry.ts': "import { start } from './start';\nstart();\n",
  'src/cms/start.ts': [
    "import { newsFields } from '../schemas/news';",
    "import styles from '../styles/site.css?url';",
    'export function start() {',
    '  console.log(newsFields, styles, process.env.NODE_ENV);',
    "  addEventListener('load', () => import('./later'));",
    '}',
  ].join('\n'),
  'src/cms/later.ts': "export const loadedOnDemand = 'on demand';\n",
  'src/cms/shims/path.ts': "export const sep = '/';\n",
  'src/schemas/news.ts': "export const newsFields = ['title', 'date'];\n",
  'src/styles/site.css': 'body { color: navy; }\n',
  'src/pages/index.astro': '<p>Home</p>\n',
  'content/news/first.md': '---\ntitle: First\n---\nHello.\n',
  'package-lock.json': '{"lockfileVersion": 3}\n',
  'tsconfig.json': '{}\n',
};

let root: string;
let cacheRoot: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'cms-bundle-cache-'));
  for (const [name, text] of Object.entries(files)) write(name, text);
  cacheRoot = path.join(root, 'node_modules/.cache/cms');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(name: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  writeFileSync(path.join(root, name), text);
}

const keyOf = async (settings = production) => (await computeCmsCacheKey(root, settings)).key;

describe('the content manager bundle cache key', () => {
  it('follows the import graph: the CMS code, the schemas and stylesheets it imports, never content', async () => {
    const { files: sources } = await computeCmsCacheKey(root, production);
    expect(sources.map((f) => path.relative(root, f)).sort()).toEqual([
      'package-lock.json',
      'src/cms/entry.ts',
      'src/cms/later.ts',
      'src/cms/shims/path.ts',
      'src/cms/start.ts',
      'src/schemas/news.ts',
      'src/styles/site.css',
      'tsconfig.json',
    ]);
  });

  it('stays the same when only content or unrelated pages change', async () => {
    const before = await keyOf();
    write('content/news/first.md', '---\ntitle: First, corrected\n---\nHello again.\n');
    write('content/news/second.md', '---\ntitle: Second\n---\nNew.\n');
    write('src/pages/index.astro', '<p>Welcome</p>\n');
    expect(await keyOf()).toBe(before);
  });

  it.each([
    ['a CMS source', 'src/cms/start.ts', '// a comment\n'],
    ['a schema it imports', 'src/schemas/news.ts', "export const extra = 'summary';\n"],
    ['a stylesheet it imports', 'src/styles/site.css', 'h1 { color: red; }\n'],
    ['the path shim', 'src/cms/shims/path.ts', "export const delimiter = ':';\n"],
    ['the lockfile', 'package-lock.json', ' '],
    ['tsconfig.json', 'tsconfig.json', ' '],
  ])('changes when %s changes', async (_what, file, added) => {
    const before = await keyOf();
    write(file, readFileSync(path.join(root, file), 'utf8') + added);
    expect(await keyOf()).not.toBe(before);
  });

  it('changes with the build settings', async () => {
    const key = await keyOf();
    expect(await keyOf({ ...production, nodeEnv: 'development' })).not.toBe(key);
    expect(await keyOf({ ...production, mode: 'development' })).not.toBe(key);
    expect(await keyOf({ ...production, minify: false })).not.toBe(key);
  });

  it("covers the site's CMS sources and nothing under content/", async () => {
    const { files: sources } = await computeCmsCacheKey(repoRoot, production);
    const relative = sources.map((f) => path.relative(repoRoot, f));
    expect(relative).toEqual(
      expect.arrayContaining([
        'src/cms/entry.ts',
        'src/cms/start.ts',
        'src/cms/collections.ts',
        'src/cms/shims/path.ts',
        'src/styles/global.css',
        'package-lock.json',
      ]),
    );
    expect(
      relative.filter((f) => f.startsWith('content/') || f.startsWith('node_modules/')),
    ).toEqual([]);
  });
});

describe('the content manager bundle cache', () => {
  it('stores the cache in node_modules/.cache/cms unless CMS_BUNDLE_CACHE says otherwise', () => {
    expect(defaultCacheRoot('/site', {})).toBe('/site/node_modules/.cache/cms');
    expect(defaultCacheRoot('/site', { CMS_BUNDLE_CACHE: '/cache/cms' })).toBe('/cache/cms');
  });

  it('builds once, then reuses the entry, also after a content edit', async () => {
    const first = await ensureCmsBundle({ root, cacheRoot, settings: production });
    expect(first.reused).toBe(false);
    expect(first.script).toMatch(/^cms\.\w+\.js$/);
    const script = readFileSync(path.join(first.dir, first.script), 'utf8');
    expect(script).toContain('"production"');
    expect(script).toMatch(/\/_astro\/cms-site\.\w+\.css/);
    // Code imported on demand is a chunk of its own, kept in the entry beside the script.
    const chunk = first.files.find((f) => f.startsWith('cms-chunk.'));
    expect(chunk).toBeDefined();
    expect(script).toContain(`/_astro/${chunk}`);
    expect(script).not.toContain('on demand');
    write('content/news/first.md', 'changed\n');
    const second = await ensureCmsBundle({ root, cacheRoot, settings: production });
    expect(second).toMatchObject({ reused: true, dir: first.dir, script: first.script });
    // Only the entry itself: no staging folder is left behind.
    expect(readdirSync(cacheRoot)).toEqual([first.key]);
  });

  it('rebuilds when a source changes', async () => {
    const first = await ensureCmsBundle({ root, cacheRoot, settings: production });
    write('src/schemas/news.ts', "export const newsFields = ['title', 'date', 'summary'];\n");
    const second = await ensureCmsBundle({ root, cacheRoot, settings: production });
    expect(second.reused).toBe(false);
    expect(second.key).not.toBe(first.key);
    expect(readFileSync(path.join(second.dir, second.script), 'utf8')).toContain('summary');
  });

  it('does not use an entry whose file was cut short, and replaces it', async () => {
    const first = await ensureCmsBundle({ root, cacheRoot, settings: production });
    const scriptFile = path.join(first.dir, first.script);
    const whole = readFileSync(scriptFile, 'utf8');
    writeFileSync(scriptFile, whole.slice(0, whole.length / 2));
    expect(readCacheEntry(first.dir, first.key)).toBeNull();
    const again = await ensureCmsBundle({ root, cacheRoot, settings: production });
    expect(again.reused).toBe(false);
    expect(readFileSync(path.join(again.dir, again.script), 'utf8')).toBe(whole);
  });

  it('does not use a folder without its manifest (a build that stopped halfway)', async () => {
    const { key } = await computeCmsCacheKey(root, production);
    mkdirSync(path.join(cacheRoot, key), { recursive: true });
    writeFileSync(path.join(cacheRoot, key, 'cms.HALF.js'), 'export {');
    const bundle = await ensureCmsBundle({ root, cacheRoot, settings: production });
    expect(bundle.reused).toBe(false);
    expect(existsSync(path.join(bundle.dir, 'cms.HALF.js'))).toBe(false);
    expect(existsSync(path.join(bundle.dir, bundle.script))).toBe(true);
  });

  it('does not use a manifest of another key or with an unreadable shape', async () => {
    const first = await ensureCmsBundle({ root, cacheRoot, settings: production });
    expect(readCacheEntry(first.dir, 'another-key')).toBeNull();
    writeFileSync(path.join(first.dir, 'manifest.json'), '{"format": 1, "key": ');
    expect(readCacheEntry(first.dir, first.key)).toBeNull();
  });
});
