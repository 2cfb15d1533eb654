/**
 * Netlify's deploy-succeeded event (invoked and verified by Netlify itself,
 * not reachable over HTTP): when a production deploy is live, queue each
 * article its build marked for the newsletter that was never queued before.
 * Deploy previews and branch deploys queue nothing.
 */
import type { DeploySucceededEvent } from '@netlify/functions';
import { queueNewsletterArticles } from '../src/server/newsletter/deploy.ts';

export default {
  async deploySucceeded(event: DeploySucceededEvent): Promise<void> {
    if (event.deploy.context !== 'production') return;
    const report = await queueNewsletterArticles();
    for (const q of report.queued) {
      console.log(`newsletter: queued "${q.slug}" for ${q.recipients} subscribers`);
    }
  },
};
