/**
 * A generated news corpus for build benches: `count` articles of about 600 words
 * whose frontmatter matches the news schema (src/schemas/news.ts). One in five is
 * members-only, most have headings, some lists, one in twenty is MDX (using the
 * site's Callout component on the project, plain markdown on the reference site,
 * which has no components). Apostrophes and quotations, as in real news, give SmartyPants
 * its real work. Deterministic: the same count gives the same files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One generated article: its file name under content/news/ and its text. */
export interface CorpusFile {
  name: string;
  text: string;
}

const WORDS = (
  'officer federation member pay review welfare claim breach warrant card panel lawyer ' +
  'representative shift overtime allowance pension scheme court hearing misconduct inquiry ' +
  'assault duty training firearms authorisation licence vehicle equipment station custody ' +
  'response neighbourhood inspector sergeant constable chief borough command unit report ' +
  'survey evidence support guidance policy review decision appeal tribunal council national ' +
  'local regional annual quarterly recent early later formal informal urgent routine clear ' +
  'fair safe secure public private serving retired new former independent agreed proposed ' +
  'discuss publish confirm explain require protect record request consider respond improve ' +
  'reduce increase extend delay approve reject update prepare follow attend contact advise ' +
  'meeting process criteria funding statement figures rate level period week month year ' +
  'family health leave sickness injury stress fatigue rest roster rota change consultation ' +
  "officers' federation's member's don't isn't it's"
).split(' ');

const TAGS = [
  'pay',
  'welfare',
  'legal',
  'data breach',
  'firearms',
  'assaults',
  'pensions',
  'training',
  'equipment',
  'members',
];

const AUTHORS = [
  ['Matt Cane', 'Professional Standards Secretary'],
  ['Rick Prior', 'Chair'],
  ['Sarah Long', 'Welfare Lead'],
  ['Dan Hales', 'Treasurer'],
] as const;

/** A small seeded generator (mulberry32), so corpora are the same from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sentences of random words; the article number makes every sentence unique to it. */
function sentenceMaker(random: () => number, article: number): () => string {
  let n = 0;
  return () => {
    const length = 10 + Math.floor(random() * 10);
    const words = Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)]);
    words.splice(3, 0, `item${article}x${n++}`);
    const text = words.join(' ');
    const capitalised = `${text[0].toUpperCase()}${text.slice(1)}`;
    // Every fifth sentence a quotation, as news is written: SmartyPants has work to do.
    return n % 5 === 0 ? `"${capitalised}," the chair said.` : `${capitalised}.`;
  };
}

function paragraph(sentence: () => string, sentences: number): string {
  return Array.from({ length: sentences }, sentence).join(' ');
}

function quoted(text: string): string {
  return JSON.stringify(text);
}

/** The `index`-th article (0-based) of a corpus. `mdxComponents`: MDX may use Callout. */
export function generateArticle(index: number, mdxComponents: boolean): CorpusFile {
  const random = seededRandom(index + 1);
  const sentence = sentenceMaker(random, index);
  const membersOnly = index % 5 === 2;
  const mdx = index % 20 === 7;
  const date = new Date(Date.UTC(2015, 0, 1) + index * 86_400_000 * 0.9);
  const tags = [TAGS[index % TAGS.length], TAGS[(index * 7 + 3) % TAGS.length]];
  const [author, authorRole] = AUTHORS[index % AUTHORS.length];
  const title = `Bulletin ${index + 1}: ${sentence().slice(0, 60).replace(/\.$/, '')}`;

  // About 600 words: 8 paragraphs of 4 to 5 sentences of 14 to 20 words.
  const blocks: string[] = [];
  for (let p = 0; p < 8; p++) {
    if (p === 2 || p === 5) blocks.push(`## ${sentence().slice(0, 50).replace(/\.$/, '')}`);
    if (p === 4 && index % 2 === 0) {
      blocks.push(['- ' + sentence(), '- ' + sentence(), '- ' + sentence()].join('\n'));
    }
    if (p === 6 && mdx && mdxComponents) {
      blocks.push(`<Callout title="Please note">\n\n${paragraph(sentence, 2)}\n\n</Callout>`);
      continue;
    }
    blocks.push(paragraph(sentence, 4 + (p % 2)));
  }
  const frontmatter = [
    '---',
    `title: ${quoted(title)}`,
    `date: ${date.toISOString().slice(0, 10)}`,
    `summary: ${quoted(`Summary of bulletin ${index + 1}. ${sentence()}`)}`,
    `author: ${author}`,
    `authorRole: ${authorRole}`,
    `tags: [${tags.join(', ')}]`,
    `membersOnly: ${membersOnly}`,
    '---',
  ].join('\n');
  return {
    name: `bulletin-${String(index + 1).padStart(5, '0')}.${mdx ? 'mdx' : 'md'}`,
    text: `${frontmatter}\n\n${blocks.join('\n\n')}\n`,
  };
}

/**
 * Writes `count` generated articles into `<root>/content/news/`, beside whatever is
 * there. Returns how many are members-only.
 */
export function writeCorpus(root: string, count: number, mdxComponents: boolean): number {
  const dir = path.join(root, 'content', 'news');
  mkdirSync(dir, { recursive: true });
  let membersOnly = 0;
  for (let i = 0; i < count; i++) {
    const article = generateArticle(i, mdxComponents);
    if (article.text.includes('\nmembersOnly: true\n')) membersOnly++;
    writeFileSync(path.join(dir, article.name), article.text);
  }
  return membersOnly;
}

/**
 * An editor's one-article change: appends a paragraph to the `index`-th article of a
 * corpus already written under `<root>/content/news/`.
 */
export function editArticle(root: string, index: number, mdxComponents: boolean): void {
  const article = generateArticle(index, mdxComponents);
  const file = path.join(root, 'content', 'news', article.name);
  writeFileSync(file, `${article.text}\nA correction the editor added after publishing.\n`);
}
