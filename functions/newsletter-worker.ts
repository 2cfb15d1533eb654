/**
 * Scheduled: every minute, sends the newsletter deliveries that are due, as
 * many as NEWSLETTER_RATE allows. Not reachable over HTTP.
 */
import type { Config } from '@netlify/functions';
import { NEWSLETTER_SCHEDULE, runScheduledNewsletter } from '../src/server/newsletter/run.ts';

export default async (): Promise<Response> => {
  const report = await runScheduledNewsletter();
  if (report.sent + report.retried + report.bounced + report.failed > 0) {
    console.log(
      `newsletter: sent ${report.sent}, retrying ${report.retried}, bounced ${report.bounced}, failed ${report.failed}, ${report.remaining} waiting`,
    );
  }
  return new Response(null, { status: 204 });
};

export const config: Config = { schedule: NEWSLETTER_SCHEDULE };
