import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeploySucceededEvent } from '@netlify/functions';
import { useTestStore } from '../server/support.ts';
import { sampleArticle, seedSubscribers } from './support.ts';
import { ARTICLE_INDEX_FILE, articleBodyFile } from '../../src/server/newsletter/articles.ts';
import { listSends } from '../../src/server/newsletter/queue.ts';

const sealed = mkdtempSync(path.join(os.tmpdir(), 'deploy-event-'));
const article = sampleArticle({ slug: 'ticked-on-deploy' });
const { bodyHtml, ...listing } = article;
mkdirSync(path.join(sealed, 'members', 'newsletter-articles'), { recursive: true });
writeFileSync(path.join(sealed, ARTICLE_INDEX_FILE), JSON.stringify({ articles: [listing] }));
writeFileSync(path.join(sealed, articleBodyFile(article.slug)), JSON.stringify({ bodyHtml }));

const handler = (await import('../../functions/deploy-succeeded.ts')).default;
const event = (context: string) =>
  ({ deploy: { context, id: 'd1' }, site: {} }) as unknown as DeploySucceededEvent;

describe("Netlify's deploy-succeeded event", () => {
  const store = useTestStore('sqlite', { SEALED_DIR: sealed });

  it('queues nothing for a deploy preview or a branch deploy', async () => {
    await seedSubscribers(store.db, store.config, 2);
    await handler.deploySucceeded(event('deploy-preview'));
    await handler.deploySucceeded(event('branch-deploy'));
    expect(await listSends()).toEqual([]);
  });

  it('queues the ticked article once for a production deploy, however often it succeeds', async () => {
    await handler.deploySucceeded(event('production'));
    await handler.deploySucceeded(event('production'));
    const sends = await listSends();
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ slug: 'ticked-on-deploy', recipients: 2, source: 'deploy' });
  });
});
