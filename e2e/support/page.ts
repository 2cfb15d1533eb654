import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, describeViolations } from './browser';

/** A page in its own browser context, with the console errors it has logged so far. */
export interface OpenedPage {
  page: Page;
  errors: string[];
  status: number | undefined;
  close: () => Promise<void>;
}

/** Opens `url` in a fresh context, recording console errors (CSP refusals among them). */
export async function openPage(
  browser: Browser,
  url: string,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto(url);
  return { page, errors, status: response?.status(), close: () => context.close() };
}

/** Fails with axe's findings, and the page's address, unless the page has no violations. */
export async function expectAxeClean(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${page.url()}\n${describeViolations(violations)}`).toEqual([]);
}
