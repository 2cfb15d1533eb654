import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import type { AstroConfig, AstroIntegration, AstroIntegrationLogger } from 'astro';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLeakGuard, findSealedLeaks } from '../../src/integrations/sealed/leak-guard.ts';

const SECRET =
  "The Federation's lawyers intend to run the group claim in three stages next spring.";
let root: string;
let dist: string;

function write(file: string, text: string | Buffer) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'leak-guard-'));
  dist = path.join(root, 'dist');
  write(
    path.join(root, 'content/members/claims.md'),
    `---\ntitle: Claims\nsummary: How the claim works.\n---\n\n${SECRET}\n`,
  );
  write(
    path.join(root, 'content/news/public.md'),
    `---\ntitle: Public\nsummary: Open news.\n---\n\nEveryone may read this sentence about the relaunch of the site.\n`,
  );
  write(path.join(dist, 'index.html'), '<main><p>Everyone may read this.</p></main>');
  write(path.join(dist, 'sitemap-0.xml'), '<urlset><url><loc>/news/public/</loc></url></urlset>');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the sealed-content build guard', () => {
  it('passes a public output that holds no members-only text', () => {
    expect(findSealedLeaks(root, dist)).toEqual([]);
  });

  it('names a public page that carries a members-only sentence, even with curly quotes', () => {
    write(path.join(dist, 'news/x/index.html'), `<p>${SECRET.replace("'", '\u2019')}</p>`);
    expect(findSealedLeaks(root, dist)).toEqual([`news/x/index.html: "${SECRET}"`]);
  });

  it('finds members-only text in the RSS feed and in the compressed search index', () => {
    write(
      path.join(dist, 'rss.xml'),
      `<rss><item><description>${SECRET}</description></item></rss>`,
    );
    write(
      path.join(dist, 'pagefind/fragment/en_1.pf_fragment'),
      gzipSync('pagefind_dcd' + JSON.stringify({ url: '/members/claims/', content: SECRET })),
    );
    expect(findSealedLeaks(root, dist)).toEqual([
      `rss.xml: "${SECRET}"`,
      `pagefind/fragment/en_1.pf_fragment: "${SECRET}"`,
      'search index: lists /members/claims/',
    ]);
  });

  it('flags a sealed folder left in dist and a sealed URL in a sitemap', () => {
    write(path.join(dist, 'members/index.html'), '<p>Members</p>');
    write(path.join(dist, 'sitemap-0.xml'), '<urlset><url><loc>/members/</loc></url></urlset>');
    expect(findSealedLeaks(root, dist)).toEqual([
      'members/index.html: a sealed page left in the public output',
      'sitemap-0.xml: lists a members or staff URL',
    ]);
  });

  it('names every leaked sentence among many members-only articles, and no public one', () => {
    const sentence = (n: number, part: string) =>
      `Members-only article ${n} says that the ${part} of its claim is settled this year.`;
    for (let n = 0; n < 200; n++) {
      const body = ['opening', 'middle part', 'final stage'].map((p) => sentence(n, p)).join(' ');
      write(
        path.join(root, `content/news/sealed-${n}.md`),
        `---\ntitle: Sealed ${n}\nsummary: Teaser ${n}.\nmembersOnly: true\n---\n\n${body}\n`,
      );
    }
    write(
      path.join(dist, 'news/a/index.html'),
      `<p>${sentence(7, 'middle part').toUpperCase()}</p><p>${sentence(199, 'final stage')}</p>` +
        '<p>Everyone may read this sentence about the relaunch of the site.</p>',
    );
    write(path.join(dist, 'news/b/index.html'), `<meta content="${sentence(0, 'opening')}">`);
    expect(findSealedLeaks(root, dist)).toEqual([
      // In the order of the sealed sentences, which follows the file names.
      `news/a/index.html: "${sentence(199, 'final stage')}"`,
      `news/a/index.html: "${sentence(7, 'middle part')}"`,
      `news/b/index.html: "${sentence(0, 'opening')}"`,
    ]);
  });
});

/** Runs one hook of an integration the way Astro does, with only the options the guard reads. */
function runHook(
  integration: AstroIntegration,
  hook: 'astro:config:done' | 'astro:build:done',
  options: Record<string, unknown>,
): Promise<void> {
  const run = integration.hooks[hook] as (options: unknown) => void | Promise<void>;
  return (async () => run(options))();
}

describe('the guard read early, then judged last', () => {
  const logger = { info: () => {} } as unknown as AstroIntegrationLogger;
  const configured = (integrations: AstroIntegration[]) =>
    ({
      root: pathToFileURL(root + path.sep),
      cacheDir: pathToFileURL(path.join(root, 'cache') + path.sep),
      integrations,
    }) as unknown as AstroConfig;

  /** The two integrations, configured, with the early reading started over dist/. */
  async function startGuard() {
    const guard = createLeakGuard();
    const config = configured([guard.early, guard.verdict]);
    for (const integration of [guard.early, guard.verdict])
      await runHook(integration, 'astro:config:done', { config });
    const dir = pathToFileURL(dist + path.sep);
    await runHook(guard.early, 'astro:build:done', { dir });
    return { verdict: () => runHook(guard.verdict, 'astro:build:done', { dir, logger }) };
  }

  it('passes what passed, and fails on a file written after the reading began', async () => {
    await expect((await startGuard()).verdict()).resolves.toBeUndefined();
    const guard = await startGuard();
    write(path.join(dist, 'pagefind/pagefind-entry.json'), JSON.stringify({ text: SECRET }));
    await expect(guard.verdict()).rejects.toThrow(`pagefind/pagefind-entry.json: "${SECRET}"`);
  });

  it('reads again a file rewritten after the early reading, even at the same size and time', async () => {
    const page = path.join(dist, 'news/x/index.html');
    const when = new Date();
    write(page, `<p>${'x'.repeat(SECRET.length)}</p>`);
    utimesSync(page, when, when);
    const guard = await startGuard();
    // Once the early reading is done, the same number of bytes with the same time: the
    // stat is as it was, as after two writes within one tick of the file system's clock.
    await new Promise((resolve) => setTimeout(resolve, 50));
    write(page, `<p>${SECRET}</p>`);
    utimesSync(page, when, when);
    await expect(guard.verdict()).rejects.toThrow(`news/x/index.html: "${SECRET}"`);
  });

  it('refuses a build step listed after the verdict, or an early reading without a verdict', async () => {
    const guard = createLeakGuard();
    const later: AstroIntegration = {
      name: 'late-writer',
      hooks: { 'astro:build:done': () => {} },
    };
    await expect(
      runHook(guard.verdict, 'astro:config:done', {
        config: configured([guard.early, guard.verdict, later]),
      }),
    ).rejects.toThrow(/"late-writer" comes later/);
    await expect(
      runHook(guard.early, 'astro:config:done', { config: configured([guard.early]) }),
    ).rejects.toThrow(/needs the guard's verdict/);
  });

  it('remembers clean files between builds, and still finds a leak in changed text or of a new sentence', async () => {
    const page = path.join(dist, 'news/old/index.html');
    const later =
      'Members will vote on the revised rest day agreement in the ballot this coming autumn.';
    write(page, `<p>Everyone may read this. ${later}</p>`);
    await expect((await startGuard()).verdict()).resolves.toBeUndefined();
    const record = JSON.parse(
      readFileSync(path.join(root, 'cache/sealed-leak-guard.json'), 'utf8'),
    ) as { digests: string[] };
    expect(record.digests.length).toBeGreaterThan(1);

    // A members page now says what the unchanged public page already said.
    write(
      path.join(root, 'content/members/ballot.md'),
      `---\ntitle: Ballot\nsummary: The ballot.\n---\n\n${later}\n`,
    );
    await expect((await startGuard()).verdict()).rejects.toThrow(`news/old/index.html: "${later}"`);

    write(page, `<p>${SECRET}</p>`);
    await expect((await startGuard()).verdict()).rejects.toThrow(
      `news/old/index.html: "${SECRET}"`,
    );
  });
});
