/**
 * Bundles each functions/<name>.ts into one ES module for the deploy, with
 * every npm package inlined except the native ones.
 *
 * Why a step of our own: @netlify/zip-it-and-ship-it (15.x) packs Functions
 * v2 with its NFT bundler unless `node_bundler = "none"`, whatever else
 * netlify.toml says, and NFT copies each npm package as its own files (~650
 * modules, 390–740 ms of CPU to load) plus every file it guesses the code
 * reads. netlify.toml points the functions directory at these bundles with
 * `node_bundler = "none"`, so Netlify zips each bundle as it is with the
 * `included_files` netlify.toml lists: the native @node-rs/argon2 for the
 * functions whose bundle imports it, the sealed pages, the password list.
 */
import { readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/** Where the bundles go; netlify.toml's `[functions] directory` names the same folder. */
export const BUNDLED_FUNCTIONS_DIR = '.netlify/functions-bundled';

/** Optional packages that are never installed (pg's native client). */
const ABSENT_OPTIONAL = ['pg-native'];

const SQLITE_ABSENT = `export default class Database {
  constructor() {
    throw new Error(
      'SQLite is not part of the deploy bundles: set DATABASE_URL to a postgres:// URL for the functions.',
    );
  }
}
`;

/**
 * Native packages (@node-rs/argon2) stay imports, marked free of side effects
 * so a bundle that never calls them (most functions never hash a password)
 * drops the import: only the functions that use it need its native file.
 */
const keepNativeExternal: Plugin = {
  name: 'keep-native-external',
  setup(b) {
    b.onResolve({ filter: /^@node-rs\/argon2$/ }, (args) => ({
      path: args.path,
      external: true,
      sideEffects: false,
    }));
  },
};

/**
 * better-sqlite3 is the local store only: production runs on PostgreSQL. Its
 * native file (2.2 MB) stays out of every bundle; a function that reached for
 * it anyway fails with a message naming the fix.
 */
const leaveOutSqlite: Plugin = {
  name: 'leave-out-sqlite',
  setup(b) {
    b.onResolve({ filter: /^better-sqlite3$/ }, () => ({
      path: 'better-sqlite3',
      namespace: 'sqlite-absent',
    }));
    b.onLoad({ filter: /.*/, namespace: 'sqlite-absent' }, () => ({
      contents: SQLITE_ABSENT,
      loader: 'js',
    }));
  },
};

const isBuiltin = (name: string) =>
  name.startsWith('node:') || builtinModules.includes(name.split('/')[0]);

/** The function entry files in `functionsDir` (`.ts`, not declarations), sorted. */
export function listFunctionSources(functionsDir: string): string[] {
  return readdirSync(functionsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => path.join(functionsDir, f));
}

/** What one bundle holds, for the build log. */
export interface FunctionBundle {
  name: string;
  file: string;
  bytes: number;
  /** Packages the bundle imports at run time (pg's never-loaded native client aside). */
  imports: string[];
}

/**
 * Bundles every function in `<root>/functions` into `<root>/<outDir>/<name>.mjs`
 * (the folder is emptied first). `nodeMajor` sets the syntax target.
 */
export async function bundleFunctions(options: {
  root: string;
  outDir?: string;
  nodeMajor: number;
}): Promise<FunctionBundle[]> {
  const outDir = path.resolve(options.root, options.outDir ?? BUNDLED_FUNCTIONS_DIR);
  rmSync(outDir, { recursive: true, force: true });
  const sources = listFunctionSources(path.join(options.root, 'functions'));
  const result = await build({
    absWorkingDir: options.root,
    entryPoints: sources,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: false,
    platform: 'node',
    format: 'esm',
    target: `node${options.nodeMajor}`,
    // Whitespace and syntax only: names stay readable in the functions' logs.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // CommonJS packages inside an ES module still call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    external: ABSENT_OPTIONAL,
    plugins: [keepNativeExternal, leaveOutSqlite],
    metafile: true,
    logLevel: 'warning',
  });
  return Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.mjs'))
    .map(([file, output]) => ({
      name: path.basename(file, '.mjs'),
      file: path.resolve(options.root, file),
      bytes: output.bytes,
      imports: [
        ...new Set(
          output.imports
            .filter((i) => i.external && !isBuiltin(i.path) && !ABSENT_OPTIONAL.includes(i.path))
            .map((i) => i.path),
        ),
      ].sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
