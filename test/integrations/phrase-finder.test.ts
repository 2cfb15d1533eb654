import { describe, expect, it } from 'vitest';
import { createPhraseFinder } from '../../src/integrations/sealed/phrase-finder.ts';

/** What the finder must agree with: every phrase looked for on its own. */
const naive = (phrases: string[], text: string) =>
  phrases.flatMap((p, i) => (text.includes(p) ? [i] : []));

describe('createPhraseFinder', () => {
  it('finds phrases anywhere in the text, at the start and at the very end', () => {
    const phrases = ['members only sentence number one', 'the second secret phrase here', 'abc'];
    const find = createPhraseFinder(phrases);
    expect(find('the second secret phrase here and more')).toEqual([1]);
    expect(find('text ending in members only sentence number one')).toEqual([0]);
    expect(find('xxabcxx members only sentence number one!')).toEqual([0, 2]);
    expect(find('members only sentence number on')).toEqual([]);
    expect(find('')).toEqual([]);
  });

  it('tells apart phrases that share their first characters', () => {
    const prefix = 'a shared opening of more than thirty-two characters, then ';
    const phrases = [`${prefix}one ending`, `${prefix}another ending`, `${prefix}one ending`];
    const find = createPhraseFinder(phrases);
    expect(find(`say ${prefix}another ending`)).toEqual([1]);
    expect(find(`say ${prefix}one ending`)).toEqual([0, 2]);
  });

  it('agrees with looking for each phrase on its own, on random text', () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const word = () => ['ab', 'ba', 'aab', 'b', 'a', 'é', '’'][Math.floor(random() * 7)];
    const phraseOf = (n: number) => Array.from({ length: n }, word).join(' ');
    for (let round = 0; round < 50; round++) {
      const phrases = Array.from({ length: 20 }, () => phraseOf(2 + Math.floor(random() * 20)));
      const text = phraseOf(400);
      expect(createPhraseFinder(phrases)(text)).toEqual(naive(phrases, text));
    }
  });

  it('finds nothing when there are no phrases', () => {
    expect(createPhraseFinder([])('any text')).toEqual([]);
  });
});
