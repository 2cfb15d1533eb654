/** Shared set-up for the newsletter tests: subscribers in bulk and a sample article. */
import { generateId, hashSecret } from '../../src/server/crypto.ts';
import type { Db } from '../../src/server/store/db.ts';
import type { SubscriberStatus } from '../../src/server/store/schema.ts';
import type { NewsletterArticle } from '../../src/server/newsletter/articles.ts';
import { unsubscribeToken } from '../../src/server/newsletter/subscribers.ts';
import type { ServerConfig } from '../../src/server/config.ts';

/** Inserts `count` subscribers `<prefix><n>@example.org` in one status; returns their addresses. */
export async function seedSubscribers(
  db: Db,
  config: ServerConfig,
  count: number,
  options: { prefix?: string; status?: SubscriberStatus; userId?: string } = {},
): Promise<string[]> {
  const prefix = options.prefix ?? 'reader';
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, i) => {
    const id = generateId();
    const email = `${prefix}${i}@example.org`;
    return {
      id,
      email,
      email_lower: email.toLowerCase(),
      name: null,
      status: options.status ?? ('subscribed' as const),
      user_id: options.userId ?? null,
      unsubscribe_hash: hashSecret(unsubscribeToken(id, config)),
      consent_source: 'form:/newsletter/',
      consent_at: now,
      created_at: now,
      updated_at: now,
      unsubscribed_at: null,
      bounced_at: null,
    };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('newsletter_subscribers')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  return rows.map((r) => r.email);
}

/** A published article as the build lists it. */
export function sampleArticle(overrides: Partial<NewsletterArticle> = {}): NewsletterArticle {
  return {
    slug: 'pay-award-2026',
    title: 'Pay award for 2026 announced',
    summary: 'The pay award for officers has been announced.',
    date: '2026-11-30',
    path: '/news/pay-award-2026/',
    membersOnly: false,
    newsletter: true,
    imagePath: '/_astro/hero.abc123.jpg',
    imageAlt: 'Officers on patrol',
    bodyHtml:
      '<p>The award is <a href="/news/earlier/">higher than last year</a>.</p><h2 id="x">What changes</h2><ul><li>Base pay</li></ul>',
    ...overrides,
  };
}
