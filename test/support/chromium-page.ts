import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';

/** Headless Debian Chromium, driven by playwright-core (see test/support/browser.ts). */
export function launchChromium(): Promise<Browser> {
  return launchBrowser();
}
