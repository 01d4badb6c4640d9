import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchChromium, newPerson, screenshot } from '../support/chromium.ts';
import { startSystem, type RunningSystem } from '../support/system.ts';

/**
 * Session expiry in Wetty Web, on a system whose web sessions last 3 seconds: a page that comes
 * back after its session expired lands on the login screen and says why.
 */
describe('Wetty Web session expiry (Chromium)', function () {
  this.timeout(60_000);
  let system: RunningSystem;
  let browser: Browser;

  before(async function () {
    this.timeout(300_000);
    system = await startSystem({ WEB_TOKEN_TTL_SECONDS: '3', SUPERVISOR_READY_TIMEOUT_SECONDS: '170' }, { readyTimeoutMs: 180_000 });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('an expired session sends the user to the login screen with the reason', async () => {
    const username = `dave_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    expect((await system.http.post('/users/auth/register', { json: { username, password } })).status).to.equal(201);

    const { context, page, errors } = await newPerson(browser, system.http.baseUrl);
    await page.goto('/app/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/app/chats');
    await page.locator(`[data-me="${username}"]`).waitFor();
    // The tab goes away (the saved session stays in the browser's storage) and comes back too late.
    await page.close();
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const later = await context.newPage();
    later.on('pageerror', (err) => errors.push(err.message));
    await later.goto('/app/chats');
    await later.waitForURL('**/app/login', { timeout: 20_000 });
    await later.locator('[data-auth-notice]').waitFor();
    await screenshot(later, 'session-expired');
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
