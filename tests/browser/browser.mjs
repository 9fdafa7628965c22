// Shared launcher for the real-browser tests: Debian's chromium driven by playwright-core, and
// sign-in with the demo accounts `kho serve --demo` wrote (random passwords, never fixed ones).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

export const baseUrl = process.env.KHO_URL ?? 'http://127.0.0.1:8080';

export async function openBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export function password(username) {
  const file = process.env.KHO_DEMO_ACCOUNTS;
  if (!file) throw new Error('KHO_DEMO_ACCOUNTS must name the demo-accounts.txt of the running server');
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, secret] = line.split('\t');
    if (name === username) return secret;
  }
  throw new Error(`no demo account ${username}`);
}

/// A fresh browser context signed in as `username` through the login form; `options` are the
/// context's (a phone's viewport, say).
export async function signIn(browser, username, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/\/dang-nhap/);
  // The server lets one address sign in twenty times a minute; the test files together sign in
  // more often. Refused for that, a person waits the minute the message asks for, and so do we.
  for (let attempt = 0; ; attempt++) {
    await page.fill('#f-username', username);
    await page.fill('#f-password', password(username));
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/dang-nhap'));
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const answer = await answered;
    await page.waitForLoadState();
    if (answer.status() !== 429 || attempt === 2) break;
    await page.waitForTimeout(61_000);
  }
  await page.waitForURL((url) => !url.pathname.startsWith('/dang-nhap'));
  return page;
}

/// Nothing overflows the screen: the page is no wider than the viewport (phones included).
export async function assertFits(page, what) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `${what}: the page is ${scrollWidth} px wide on a ${innerWidth} px screen`);
}
