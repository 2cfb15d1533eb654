/**
 * The staff console's newsletter actions: the page's data, a test send to the
 * staff member's own address, sending a published article by hand, and
 * cancelling a send. Every action is audited.
 */
import { recordAudit } from '../audit.ts';
import { getConfig } from '../config.ts';
import { generateSecret } from '../crypto.ts';
import { readArticleIndex, readNewsletterArticle } from '../newsletter/articles.ts';
import { personalise, prepareMessage } from '../newsletter/message.ts';
import { cancelSend, listQueuedArticles, listSends, queueArticle } from '../newsletter/queue.ts';
import { countSubscribers, listSubscribers } from '../newsletter/subscribers.ts';
import { openNewsletterTransport, describeSendError } from '../newsletter/transport.ts';
import { getDb } from '../store/db.ts';
import type { SubscriberStatus } from '../store/schema.ts';
import type { NewsletterPageData } from './html/newsletter-page.ts';

const STATUSES: SubscriberStatus[] = ['pending', 'subscribed', 'unsubscribed', 'bounced'];

/** A status from the query string, defaulting to subscribed. */
export function readSubscriberStatus(value: string | null): SubscriberStatus {
  return STATUSES.find((status) => status === value) ?? 'subscribed';
}

/** Everything the newsletter page shows. */
export async function loadNewsletterPage(
  status: SubscriberStatus,
  ownEmail: string,
): Promise<NewsletterPageData> {
  const db = getDb();
  const queued = await listQueuedArticles(db);
  return {
    counts: await countSubscribers(db),
    status,
    subscribers: await listSubscribers(status, { db }),
    sends: await listSends({ db }),
    articles: readArticleIndex().map((a) => ({ ...a, queuedAt: queued.get(a.slug) ?? null })),
    ownEmail,
  };
}

/** An action's outcome, as the flash message says it. */
export type ActionResult = { ok: true; message: string } | { ok: false; message: string };

const NO_ARTICLE = 'Choose a published article from the list.';

/** Sends `slug` to the staff member only, as a confirmed member would get it. */
export async function sendTestToSelf(
  slug: string,
  staff: { username: string; email: string },
): Promise<ActionResult> {
  const config = getConfig();
  const article = readNewsletterArticle(slug);
  if (!article) return { ok: false, message: NO_ARTICLE };
  const prepared = prepareMessage(article, 'full', config);
  // A random token: the test's unsubscribe link leads nowhere, as it belongs to no subscriber.
  const message = personalise(prepared, config, staff.email, generateSecret());
  const transport = openNewsletterTransport(config);
  try {
    await transport.deliver({ ...message, subject: `[Test] ${message.subject}` });
  } catch (error) {
    return { ok: false, message: `The test could not be sent: ${describeSendError(error)}` };
  } finally {
    transport.close();
  }
  await recordAudit(getDb(), {
    actor: staff.username,
    action: 'newsletter.test',
    target: article.slug,
  });
  return { ok: true, message: `A test of "${article.title}" was sent to ${staff.email}.` };
}

/** Queues `slug` for every subscriber, unless it was ever queued before. */
export async function sendArticleByHand(slug: string, actor: string): Promise<ActionResult> {
  const article = readNewsletterArticle(slug);
  if (!article) return { ok: false, message: NO_ARTICLE };
  // An article goes out once ever: do not spend it on an empty list.
  if ((await countSubscribers()).subscribed === 0)
    return { ok: false, message: 'Nobody is subscribed yet, so nothing was queued.' };
  const result = await queueArticle(article, { source: 'staff', actor });
  if (!result.queued) {
    return {
      ok: false,
      message: `"${article.title}" was already sent (queued ${new Date(result.queuedAt).toISOString().slice(0, 10)}); an article is never sent twice.`,
    };
  }
  return {
    ok: true,
    message: `"${article.title}" is queued for ${result.recipients} subscriber${result.recipients === 1 ? '' : 's'}.`,
  };
}

/** Cancels what is still waiting in a send. */
export async function cancelSendByStaff(sendId: string, actor: string): Promise<ActionResult> {
  const done = await cancelSend(sendId, { actor });
  return done
    ? { ok: true, message: 'The send is cancelled: nothing more of it will go out.' }
    : { ok: false, message: 'That send has already finished or was cancelled.' };
}
