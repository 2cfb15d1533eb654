/**
 * The local stand-in for Netlify's deploy-succeeded event: once a build is
 * being served, queue the newsletter articles it holds that were never queued.
 */
import { queueNewsletterArticles } from '../../src/server/newsletter/deploy.ts';

/** Queues what the served build newly publishes, and says so. */
export async function queueLocalDeploy(): Promise<void> {
  const report = await queueNewsletterArticles();
  for (const q of report.queued) {
    console.log(`  Newsletter: queued "${q.slug}" for ${q.recipients} subscriber(s).`);
  }
}
