import { describe, expect, it } from 'vitest';
import { MAX_PAGE_NUMBER, readPageNumber } from '../../src/server/http/page-number.ts';

describe('readPageNumber', () => {
  it.each([
    [null, 1],
    ['', 1],
    ['1', 1],
    ['7', 7],
    ['2.9', 2],
    ['0', 1],
    ['-3', 1],
    ['two', 1],
    ['NaN', 1],
    ['1e400', MAX_PAGE_NUMBER],
    ['Infinity', MAX_PAGE_NUMBER],
    ['99999999999999999999', MAX_PAGE_NUMBER],
    [String(MAX_PAGE_NUMBER + 1), MAX_PAGE_NUMBER],
  ])('reads %j as page %i', (value, expected) => {
    expect(readPageNumber(value)).toBe(expected);
  });
});
