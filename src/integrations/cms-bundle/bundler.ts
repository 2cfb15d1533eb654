/**
 * How the content manager's browser bundle is made: esbuild bundles src/cms/entry.ts
 * (Decap CMS, React and the site's CMS code) into one ES module, plus the two site
 * stylesheets the preview pane loads. Also lists the project files the bundle is made
 * from, for the cache key (cache.ts).
 */
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundle's entry, relative to the project root. */
export const CMS_ENTRY = 'src/cms/entry.ts';

/** Where the built files are served from (they are copied into dist/_astro/). */
export const CMS_PUBLIC_PATH = '/_astro/';

/** What changes the bundle's bytes besides its sources. */
export interface CmsBuildSettings {
  /** `process.env.NODE_ENV` inside the bundle: "production" selects React's production build. */
  nodeEnv: string;
  /** Vite's mode (`import.meta.env.MODE`), which some of Decap's libraries read as Vite gives it. */
  mode: string;
  /** Minified for `astro build`; readable in `astro dev`. */
  minify: boolean;
}

/** Decap's modules import Node's `path`; its browser shim (src/cms/shims/path.ts). */
const PATH_SHIM = 'src/cms/shims/path.ts';

/**
 * Vite's default browser targets ("modules"), which the bundle was built for before, but
 * Safari 14.1: esbuild 0.28 refuses array destructuring for Safari 14.0 (a bug it cannot
 * work around), and 14.1 is where Safari's own updates reach anyway.
 */
const TARGET = ['es2020', 'edge88', 'firefox78', 'chrome87', 'safari14.1'];

/** This file: the options below are part of what the bundle is made from. */
export const BUNDLER_SOURCE = fileURLToPath(import.meta.url);

/**
 * Redirects Decap's own imports of Node's `path` to the browser shim. Other code keeps
 * the real module (none of it runs in the browser).
 */
function decapPathShim(root: string): esbuild.Plugin {
  return {
    name: 'decap-path-shim',
    setup(build) {
      build.onResolve({ filter: /^path\/?$/ }, (args) =>
        /[\\/]decap-cms-[^\\/]+[\\/]/.test(args.importer)
          ? { path: path.join(root, PATH_SHIM) }
          : undefined,
      );
    },
  };
}

/**
 * `import url from './styles.css?url'` (as Vite allows): the stylesheet, minified, is
 * emitted beside the bundle and the import gives its public URL.
 */
function cssUrl(): esbuild.Plugin {
  return {
    name: 'css-url',
    setup(build) {
      build.onResolve({ filter: /\.css\?url$/ }, (args) => ({
        path: path.resolve(args.resolveDir, args.path.slice(0, -'?url'.length)),
        namespace: 'css-url',
      }));
      build.onLoad({ filter: /.*/, namespace: 'css-url' }, async (args) => {
        const css = await esbuild.transform(readFileSync(args.path, 'utf8'), {
          loader: 'css',
          minify: true,
          target: TARGET,
        });
        return { contents: css.code, loader: 'file', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * `new URL('file.wasm', import.meta.url)` in jSquash, Decap's WebP encoder, which finds
 * its WebAssembly this way (Vite supports it, esbuild does not): the file is emitted
 * beside the bundle and the URL points at it, instead of at a name next to the chunk
 * where no such file is.
 */
function importMetaUrlAssets(): esbuild.Plugin {
  const pattern = /new URL\((["'])([\w.-]+\.wasm)\1,\s*import\.meta\.url\)/g;
  return {
    name: 'import-meta-url-assets',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]@jsquash[\\/].*\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const assets: string[] = [];
        const contents = source.replace(pattern, (_match, _quote, file: string) => {
          assets.push(file);
          return `new URL(__asset${assets.length - 1}, import.meta.url)`;
        });
        const imports = assets.map(
          (file, i) => `import __asset${i} from ${JSON.stringify('./' + file)};\n`,
        );
        return { contents: imports.join('') + contents, loader: 'js' };
      });
    },
  };
}

function buildOptions(root: string, settings: CmsBuildSettings): esbuild.BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [CMS_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    minify: settings.minify,
    legalComments: 'none',
    define: {
      'process.env.NODE_ENV': JSON.stringify(settings.nodeEnv),
      // What Vite gives browser code (zustand, inside Decap, checks MODE for its dev tools).
      'import.meta.env': JSON.stringify({
        BASE_URL: '/',
        MODE: settings.mode,
        DEV: settings.mode !== 'production',
        PROD: settings.mode === 'production',
        SSR: false,
      }),
    },
    // Code Decap loads on demand (the WebP encoder) stays out of the script /admin/ loads.
    splitting: true,
    entryNames: 'cms.[hash]',
    chunkNames: 'cms-chunk.[hash]',
    assetNames: 'cms-[name].[hash]',
    loader: { '.wasm': 'file' },
    publicPath: CMS_PUBLIC_PATH,
    plugins: [decapPathShim(root), cssUrl(), importMetaUrlAssets()],
    logLevel: 'silent',
  };
}

/** Project-relative path of a metafile input ("css-url:/abs/x.css" or "src/a.ts"). */
function inputPath(root: string, key: string): string {
  const withoutNamespace = key.replace(/^[\w-]+:(?=[\\/]|[A-Za-z]:)/, '');
  return path.relative(root, path.resolve(root, withoutNamespace)).split(path.sep).join('/');
}

/**
 * The project files the bundle is made from, relative to `root` and sorted: the entry's
 * import graph without npm packages (package-lock.json stands for those), found by an
 * esbuild pass that bundles nothing (tens of milliseconds), plus the path shim, which
 * only Decap's modules import.
 */
export async function listCmsSources(root: string, settings: CmsBuildSettings): Promise<string[]> {
  const scan = await esbuild.build({
    ...buildOptions(root, settings),
    packages: 'external',
    minify: false,
    write: false,
    outdir: path.join(root, '.cms-scan'),
    metafile: true,
  });
  // "<define:…>" inputs are esbuild's own, made from the settings (hashed separately).
  const sources = Object.keys(scan.metafile.inputs)
    .filter((key) => !key.startsWith('<'))
    .map((key) => inputPath(root, key));
  return [...new Set([...sources, PATH_SHIM])].sort();
}

/** What a build wrote into its folder. */
export interface CmsBuildOutput {
  /** File name of the ES module to load (e.g. "cms.ABCD1234.js"). */
  script: string;
  /** Every file written, names only (the script, its chunks, the preview stylesheets, WebAssembly). */
  files: string[];
}

/** Bundles the content manager into `outDir` (which must exist). */
export async function bundleCms(
  root: string,
  settings: CmsBuildSettings,
  outDir: string,
): Promise<CmsBuildOutput> {
  const result = await esbuild.build({
    ...buildOptions(root, settings),
    outdir: outDir,
    write: true,
    metafile: true,
  });
  const outputs = Object.entries(result.metafile.outputs);
  // Chunks Decap imports on demand are entry points too: the script is the one for ours.
  const script = outputs.find(([, output]) => output.entryPoint === CMS_ENTRY)?.[0];
  if (!script) throw new Error('esbuild wrote no script for the content manager');
  return {
    script: path.basename(script),
    files: outputs.map(([file]) => path.basename(file)).sort(),
  };
}

/** The bundler's version, part of the cache key. */
export const ESBUILD_VERSION = esbuild.version;
