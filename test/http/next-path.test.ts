import { describe, expect, it } from 'vitest';
import {
  chooseNextPath,
  DEFAULT_AFTER_LOGIN,
  safeNextPath,
} from '../../src/server/http/next-path.ts';

describe('safeNextPath', () => {
  it('keeps same-site paths with their query', () => {
    expect(safeNextPath('/members/news/pay-deal/')).toBe('/members/news/pay-deal/');
    expect(safeNextPath('/members/?page=2')).toBe('/members/?page=2');
  });

  it('refuses anything that could leave the site', () => {
    for (const bad of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '\\\\evil.example',
      'javascript:alert(1)',
      'members/',
      '/\tevil',
      '',
    ]) {
      expect(safeNextPath(bad), bad).toBeNull();
    }
  });

  it('keeps an encoded newline as part of a same-site path', () => {
    const result = safeNextPath('/%0a/evil');
    expect(new URL(result!, 'http://a.test').host).toBe('a.test');
  });
});

describe('chooseNextPath', () => {
  const site = 'http://localhost:8888';

  it('prefers the form field, then the login page’s own ?next=', () => {
    expect(chooseNextPath('/members/a/', null, site)).toBe('/members/a/');
    expect(chooseNextPath('', `${site}/login/?next=%2Fmembers%2Fb%2F`, site)).toBe('/members/b/');
  });

  it('ignores a Referer from another origin and falls back to the members home', () => {
    expect(chooseNextPath('', 'https://evil.example/login/?next=%2Fstaff%2F', site)).toBe(
      DEFAULT_AFTER_LOGIN,
    );
    expect(chooseNextPath('//evil.example', 'not a url', site)).toBe(DEFAULT_AFTER_LOGIN);
  });
});
