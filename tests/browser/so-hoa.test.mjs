// Số hóa in the browser: a commune clerk makes a batch from her fonds, sends a 3-page scan of
// the land file by its TT05 name with a progress bar, and watches the batch's progress climb
// as the server's worker checks and reads the pages, until the hồ sơ has its signed PDF/A; then
// looks at each page beside its OCR text in the page viewer, from the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openBrowser, baseUrl, signIn } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

const scan = readFileSync(new URL('../../crates/digitize/tests/pages/ho-so-3-trang.tif', import.meta.url));

test('a batch is made, a scan uploaded, and its progress followed to the PDF/A', async () => {
  const page = await signIn(browser, 'canbo.muongphang');
  await page.getByRole('link', { name: 'Số hóa', exact: true }).click();
  await page.getByRole('link', { name: 'Lập lô số hóa' }).click();
  await page.fill('#f-name', 'Lô thử — xã Mường Phăng');
  await page.selectOption('#f-fonds', { label: 'X04 — Ủy ban nhân dân xã mường phăng' });
  await page.getByRole('button', { name: 'Lập lô' }).click();
  await page.waitForURL(/\/so-hoa\/\d+$/);
  assert.match(await page.locator('h1').innerText(), /Lô thử — xã Mường Phăng/);

  // Why each hồ sơ stands where it does.
  const land = page.locator('#queue tr[data-dossier]').filter({ hasText: 'giao đất' });
  const code = await land.getAttribute('data-dossier');
  assert.match(await land.locator('.reason').innerText(), /Bảo quản vĩnh viễn/);

  await page.setInputFiles('#f-files', { name: `${code}.tif`, mimeType: 'image/tiff', buffer: scan });
  await page.getByRole('button', { name: 'Tải lên' }).click();
  const item = page.locator('#upload-progress li');
  await item.filter({ hasText: 'nhận 3 trang' }).waitFor({ timeout: 30_000 });
  assert.equal(await item.locator('progress').getAttribute('value'), '100');

  // The live progress follows the worker, without reloading the page.
  await page.waitForFunction(() => document.getElementById('p-percent')?.textContent === '100', null, { timeout: 180_000 });
  await page.waitForFunction(() => document.getElementById('p-dossiers-done')?.textContent === '1', null, { timeout: 60_000 });
  assert.equal(await page.locator('#p-pages-done').innerText(), '3');

  await page.reload();
  await page.locator('#queue tr[data-dossier]').filter({ hasText: 'giao đất' }).getByRole('link', { name: code }).click();
  const link = page.locator('#renditions + table a', { hasText: `${code}.pdf` });
  await link.waitFor();
  // The demo signs with its test certificate, as a province signs with its own.
  assert.match(await page.locator('#renditions + table tr', { hasText: `${code}.pdf` }).innerText(), /đã ký số/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const pdf = readFileSync(await download.path());
  assert.ok(pdf.subarray(0, 8).toString().startsWith('%PDF-1.7'));
  const text = pdf.toString('latin1');
  assert.ok(text.includes('/ByteRange') && text.includes('/ETSI.CAdES.detached'), 'a PAdES signature');

  // The page viewer: the first page beside its text, the next one by the arrow key, zoom by +.
  await page.getByRole('link', { name: /Xem 3 trang đã quét/ }).click();
  await page.waitForURL(/\/trang\/\d+$/);
  assert.match(await page.locator('h1').innerText(), /Trang 1\/3/);
  await page.waitForFunction(() => document.getElementById('page-image')?.naturalWidth > 0);
  assert.ok(await page.evaluate(() => document.getElementById('page-image').naturalWidth <= 1200), 'scaled by the server');
  assert.match(await page.locator('#ocr-text').innerText(), /đất/i);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /Trang 2\/3/.test(document.querySelector('h1').textContent));
  await page.keyboard.press('+');
  assert.equal(await page.locator('#page-image').evaluate((img) => img.style.width), '125%');
  await page.keyboard.press('r');
  assert.match(await page.locator('#page-image').evaluate((img) => img.style.transform), /rotate\(90deg\)/);

  // The pages' text is searched: typed without tone marks in the box on every page, a page hit
  // opens the viewer at that page.
  await page.goto(`${baseUrl}/`);
  await page.locator('header form.search-box input[name=q]').fill('dat');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/tra-cuu\?q=dat/);
  await page.getByRole('link', { name: 'Trang đã số hóa' }).click();
  const hit = page.locator('#results li').first();
  assert.match(await hit.innerText(), /trang \d/);
  assert.ok(await hit.locator('b').count() > 0, 'the word marked in the snippet');
  // Its signed PDF/A opens in the browser at that page.
  const pdfLink = hit.locator('a.pdf');
  const at = (await hit.innerText()).match(/trang (\d+)/)[1];
  assert.match(await pdfLink.innerText(), new RegExp(`PDF, trang ${at}`));
  const href = await pdfLink.getAttribute('href');
  assert.match(href, new RegExp(`^/ban-so-hoa/\\d+\\?xem=1#page=${at}$`));
  const shown = await page.request.get(`${baseUrl}${href}`);
  assert.equal(shown.status(), 200);
  assert.equal(shown.headers()['content-type'], 'application/pdf');
  assert.match(shown.headers()['content-disposition'], /^inline;/);
  await hit.locator('a').first().click();
  await page.waitForURL(/\/trang\/\d+$/);
  assert.match(await page.locator('#ocr-text').innerText(), /đất/i);
});
