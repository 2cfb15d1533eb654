import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedUser, useTestStore } from '../server/support.ts';
import { seedSubscribers } from './support.ts';
import {
  normalise,
  readCollection,
  sealedSentences,
  textOf,
} from '../../src/integrations/sealed/sealed-text.ts';
import type { NewsletterArticle } from '../../src/server/newsletter/articles.ts';
import type { NewsletterMessage } from '../../src/server/newsletter/message.ts';
import { queueArticle } from '../../src/server/newsletter/queue.ts';
import { drainNewsletterQueue } from '../../src/server/newsletter/worker.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** A members-only article of the site's own content, its body as simple HTML. */
function membersOnlyArticles(): NewsletterArticle[] {
  return readCollection(root, 'news')
    .filter((e) => e.data.membersOnly === true && e.data.draft !== true)
    .map((e) => ({
      slug: e.slug,
      title: String(e.data.title),
      summary: String(e.data.summary),
      date: '2026-01-01',
      path: `/news/${e.slug}/`,
      membersOnly: true,
      newsletter: true,
      imagePath: null,
      imageAlt: null,
      bodyHtml: e.body
        .split(/\n{2,}/)
        .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
        .join('\n'),
    }));
}

/** Every sealed sentence found anywhere in a message (subject, text part, HTML part). */
function sealedIn(message: NewsletterMessage, sentences: string[]): string[] {
  const haystack = normalise(
    [message.subject, message.text, textOf(message.html), message.html].join('\n'),
  );
  return sentences.filter((s) => haystack.includes(normalise(s)));
}

describe('members-only articles in the newsletter', () => {
  const store = useTestStore('sqlite');
  const sentences = sealedSentences(root);
  const articles = membersOnlyArticles();
  const messages: NewsletterMessage[] = [];
  let publicReaders: string[] = [];
  let pendingMember = '';
  let suspendedMember = '';
  let confirmedMember = '';

  beforeAll(async () => {
    publicReaders = await seedSubscribers(store.db, store.config, 3, { prefix: 'public' });
    const pendingId = await seedUser(store.db, { username: 'pending_reader', status: 'pending' });
    const suspendedId = await seedUser(store.db, {
      username: 'suspended_reader',
      status: 'suspended',
    });
    const confirmedId = await seedUser(store.db, {
      username: 'confirmed_reader',
      status: 'confirmed',
    });
    [pendingMember] = await seedSubscribers(store.db, store.config, 1, {
      prefix: 'pending',
      userId: pendingId,
    });
    [suspendedMember] = await seedSubscribers(store.db, store.config, 1, {
      prefix: 'suspended',
      userId: suspendedId,
    });
    [confirmedMember] = await seedSubscribers(store.db, store.config, 1, {
      prefix: 'confirmed',
      userId: confirmedId,
    });
    for (const article of articles) await queueArticle(article, { source: 'cli', actor: 'test' });
    await drainNewsletterQueue({
      deliver: (m) => {
        messages.push(m);
        return Promise.resolve();
      },
      rate: null,
    });
  });

  it('has members-only articles with sealed text to test against', () => {
    expect(articles.length).toBeGreaterThan(0);
    expect(sentences.length).toBeGreaterThan(0);
    expect(messages).toHaveLength(articles.length * 6);
  });

  it('sends a public subscriber and members who are not confirmed none of the sealed text', () => {
    for (const to of [...publicReaders, pendingMember, suspendedMember]) {
      const theirs = messages.filter((m) => m.to === to);
      expect(theirs).toHaveLength(articles.length);
      for (const message of theirs) {
        expect(sealedIn(message, sentences), `${to}: ${message.subject}`).toEqual([]);
        expect(message.text).toMatch(/Log in to read it in full/);
        expect(message.html).toContain('/login/?next=');
      }
    }
  });

  it('sends a confirmed member the full text (so the check above can fail)', () => {
    const theirs = messages.filter((m) => m.to === confirmedMember);
    expect(theirs).toHaveLength(articles.length);
    expect(theirs.flatMap((m) => sealedIn(m, sentences)).length).toBeGreaterThan(0);
  });
});
