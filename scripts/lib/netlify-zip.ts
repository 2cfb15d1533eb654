/**
 * Zips the site's functions the way Netlify's build does: netlify.toml read by
 * @netlify/config, its `[functions]` settings translated for
 * @netlify/zip-it-and-ship-it as @netlify/build translates them
 * (packages/build/src/plugins_core/functions/zisi.ts), the functions runtime
 * taken from AWS_LAMBDA_JS_RUNTIME, else the build's NODE_VERSION.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '@netlify/config';
import { zipFunctions, type FunctionConfig } from '@netlify/zip-it-and-ship-it';

/** One zip, as Netlify would upload it. */
export interface ZippedFunction {
  name: string;
  /** Absolute path of the .zip. */
  zip: string;
  bytes: number;
  /** `nodejs24.x` and the like: the Lambda runtime the function is deployed on. */
  runtime: string | undefined;
  bundler: string | undefined;
  /** `config.path` routes read from the function's source. */
  routes: string[];
  schedule: string | undefined;
}

/** The parts of netlify.toml a deploy reads, resolved by Netlify's own parser. */
export interface DeploySettings {
  buildCommand: string | undefined;
  functionsDirectory: string;
  environment: Record<string, string>;
  functions: Record<string, Record<string, unknown>>;
}

/** Reads netlify.toml (or `configPath`) for the production context, offline. */
export async function readDeploySettings(
  root: string,
  configPath?: string,
): Promise<DeploySettings> {
  const { config } = (await resolveConfig({
    repositoryRoot: root,
    cwd: root,
    config: configPath,
    context: 'production',
    offline: true,
    mode: 'cli',
  })) as {
    config: {
      build: { command?: string; environment?: Record<string, string> };
      functions?: Record<string, Record<string, unknown>>;
      functionsDirectory?: string;
    };
  };
  if (!config.functionsDirectory) throw new Error('netlify.toml names no functions directory');
  return {
    buildCommand: config.build.command,
    functionsDirectory: config.functionsDirectory,
    environment: config.build.environment ?? {},
    functions: config.functions ?? {},
  };
}

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.map(String) : undefined;

const BUNDLERS = ['esbuild_zisi', 'nft', 'zisi', 'none'] as const;

/** `esbuild` becomes `esbuild_zisi` (esbuild with zisi as fallback), as @netlify/build does. */
function nodeBundlerOf(value: unknown): FunctionConfig['nodeBundler'] {
  const name = value === 'esbuild' ? 'esbuild_zisi' : value;
  return BUNDLERS.find((b) => b === name);
}

/** The functions' Node version as @netlify/build chooses it. */
export function lambdaNodeVersion(environment: Record<string, string>): string | undefined {
  return environment.AWS_LAMBDA_JS_RUNTIME || environment.NODE_VERSION || undefined;
}

/**
 * Zips every function netlify.toml points at into `destDir` (plus Netlify's
 * internal functions folder when it exists, as the build does).
 */
export async function zipSiteFunctions(options: {
  root: string;
  destDir: string;
  configPath?: string;
}): Promise<ZippedFunction[]> {
  const { root, destDir } = options;
  const settings = await readDeploySettings(root, options.configPath);
  const nodeVersion = lambdaNodeVersion(settings.environment);
  const config: Record<string, FunctionConfig> = {};
  for (const [pattern, value] of Object.entries(settings.functions)) {
    config[pattern] = {
      externalNodeModules: stringList(value.external_node_modules),
      includedFiles: stringList(value.included_files),
      includedFilesBasePath: root,
      ignoredNodeModules: stringList(value.ignored_node_modules),
      nodeVersion,
      schedule: typeof value.schedule === 'string' ? value.schedule : undefined,
      nodeBundler: nodeBundlerOf(value.node_bundler),
    };
  }
  const internal = path.join(root, '.netlify', 'functions-internal');
  const sources = [...(existsSync(internal) ? [internal] : []), settings.functionsDirectory];
  const results = await zipFunctions(sources, destDir, {
    basePath: root,
    repositoryRoot: root,
    config,
    manifest: path.join(destDir, 'manifest.json'),
  });
  return results.map((r) => {
    const result = r;
    return {
      name: r.name,
      zip: r.path,
      bytes: statSync(r.path).size,
      runtime: result.runtimeVersion,
      bundler: result.bundler,
      routes: (r.routes ?? []).map((route) => route.pattern),
      schedule: r.schedule,
    };
  });
}
