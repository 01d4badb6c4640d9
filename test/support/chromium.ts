import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';

/** Debian's Chromium, headless, launched the one way the browser tests share (test/support/browser.ts). */
export function launchChromium(): Promise<Browser> {
  return launchBrowser();
}

/** Where browser tests write screenshots (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS_DIR = path.resolve('test/artifacts/web');

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** A context (its own storage: one signed-in person) whose page errors are collected for the test to check. */
export async function newPerson(browser: Browser, baseUrl: string, viewport = { width: 1100, height: 760 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  context.setDefaultTimeout(45_000); // generous for a busy CI machine; a healthy run waits a fraction of it
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}
