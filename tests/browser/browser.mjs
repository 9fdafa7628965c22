// Shared launcher for the real-browser tests: Debian's chromium driven by playwright-core.
import { chromium } from 'playwright-core';

export const baseUrl = process.env.KHO_URL ?? 'http://127.0.0.1:8080';

export async function openBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
