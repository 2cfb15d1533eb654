import type { Node, Root } from 'mdast';
import { retext } from 'retext';
import retextSmartypants from 'retext-smartypants';
import { visit } from 'unist-util-visit';

/**
 * SmartyPants for markdown: straight quotes become curly ones (“ ” ‘ ’), `--` an em dash,
 * `...` an ellipsis and ``` ``like this'' ``` curly double quotes. Gives the same output as
 * remark-smartypants 3 (the plugin behind Astro's `markdown.smartypants`), which it
 * follows step for step, using retext-smartypants for the language work; it differs only
 * in skipping a retext pass over text that pass cannot change.
 *
 * Why: retext parses text into sentences and words before it looks for a quote, and
 * remark-smartypants does that for all of an article's text and then again for every text
 * node. That was 40 % of rendering a news article's markdown, and most text nodes hold
 * neither a dash, dots nor a backtick.
 */
export default function remarkSmartypants() {
  // Quotes first, over all the text at once, so a quote before a link or bold text pairs
  // with its partner after it; quotes are one character each, so positions keep.
  const quotes = retext().use(retextSmartypants, {
    ellipses: false,
    dashes: false,
    backticks: false,
  });
  // Then what changes the text's length, node by node.
  const rest = retext().use(retextSmartypants, { quotes: false });

  return (tree: Root) => {
    const nodes: Node[] = [];
    let allText = '';
    visit(tree, isVisited, (node: Node) => {
      if (isLiteral(node)) {
        allText += node.type === 'text' ? node.value : 'A'.repeat(node.value.length);
      } else {
        // A space, so that a quote at the start of a block reads as an opening one.
        allText += ' ';
      }
      nodes.push(node);
    });
    if (MAY_HOLD_QUOTES.test(allText)) allText = quotes.processSync(allText).toString();

    let start = 0;
    for (const node of nodes) {
      if (!isLiteral(node)) {
        start += 1;
        continue;
      }
      const end = start + node.value.length;
      if (node.type === 'text') {
        const text = allText.slice(start, end);
        node.value = MAY_HOLD_REST.test(text) ? rest.processSync(text).toString() : text;
      }
      start = end;
    }
  };
}

/** Text in which the quotes pass may change something: a straight quote. */
const MAY_HOLD_QUOTES = /["']/;

/**
 * Text in which the second pass may change something: two dashes, two backticks, two
 * straight single quotes, or two dots with nothing or white space between. Every
 * pattern retext-smartypants rewrites there holds one of these; other text is left as is.
 * White space as retext reads it (parse-latin), which also counts U+0085 (next line),
 * unlike JavaScript's `\s`: `.\u0085.\u0085.` is a spaced ellipsis to it.
 */
const MAY_HOLD_REST = /--|``|''|\.[\s\u0085]*\./;

/** Mdast nodes whose text is read: those remark-smartypants reads. */
const VISITED = new Set(['text', 'inlineCode', 'paragraph', 'heading', 'tableCell']);
/** Elements whose content is code, not prose, in MDX. */
const IGNORED_ELEMENTS = new Set(['style', 'script']);

type Literal = Node & { type: 'text' | 'inlineCode'; value: string };

function isLiteral(node: Node): node is Literal {
  return 'value' in node && typeof node.value === 'string';
}

function isVisited(node: Node, _index?: number, parent?: Node): boolean {
  if (!parent || !VISITED.has(node.type)) return false;
  if (parent.type !== 'mdxJsxTextElement') return true;
  const name = 'name' in parent ? parent.name : undefined;
  return typeof name === 'string' && !IGNORED_ELEMENTS.has(name);
}
