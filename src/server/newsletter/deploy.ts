/**
 * After a live deploy (Netlify's deploy-succeeded event, or `npm start` after
 * its build): queue every article the build marked for the newsletter that
 * was never queued before. Drafts are not in the build's list, and an article
 * queued once is never queued again, however many deploys follow.
 */
import { getDb, type Db } from '../store/db.ts';
import { readArticleIndex, readNewsletterArticle } from './articles.ts';
import { queueArticle, type SendSource } from './queue.ts';

/** What a deploy queued: new sends, and articles already sent before. */
export interface DeployQueueReport {
  queued: { slug: string; sendId: string; recipients: number }[];
  alreadyQueued: string[];
}

/** Queues the newsletter articles of the build in `root` (sealed/) that were never queued. */
export async function queueNewsletterArticles(
  options: { root?: string; db?: Db; now?: number; source?: SendSource; actor?: string } = {},
): Promise<DeployQueueReport> {
  const report: DeployQueueReport = { queued: [], alreadyQueued: [] };
  const wanted = readArticleIndex(options.root).filter((a) => a.newsletter);
  for (const listing of wanted) {
    const article = readNewsletterArticle(listing.slug, options.root);
    if (!article) continue;
    const result = await queueArticle(article, {
      source: options.source ?? 'deploy',
      actor: options.actor ?? 'deploy',
      now: options.now,
      db: options.db ?? getDb(),
    });
    if (result.queued)
      report.queued.push({
        slug: article.slug,
        sendId: result.sendId,
        recipients: result.recipients,
      });
    else report.alreadyQueued.push(article.slug);
  }
  return report;
}
