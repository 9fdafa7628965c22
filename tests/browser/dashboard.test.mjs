// Sở Nội vụ's leader opens Tổng quan: the province's progress against the plan per level, the
// burn-up drawn for each, the forecast, a unit behind its straight line with the reason, every
// unit's stage; then makes the annual report as DOCX from Báo cáo. A screenshot is kept under
// tests/browser/artefacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openBrowser, baseUrl, signIn } from './browser.mjs';

const artefacts = new URL('./artefacts/', import.meta.url);
mkdirSync(artefacts, { recursive: true });

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

test('the leader sees the province behind or on time, unit by unit, and makes the annual report', async () => {
  const page = await signIn(browser, 'lanhdao', { viewport: { width: 1366, height: 900 } });
  await page.goto(`${baseUrl}/`);
  const progress = page.locator('#tien-do');
  assert.match(await progress.innerText(), /Cấp huyện[\s\S]*Cấp xã/);
  assert.equal(await page.locator('svg.chart').count(), 9, 'a burn-up per level and stage: receiving, chỉnh lý, description, số hóa; and the communes\' handover');
  assert.ok(await page.locator('svg.chart').first().isVisible(), 'drawn on the page');
  assert.match(await page.locator('main').innerText(), /Dự báo tiếp nhận xong ngày|Chưa dự báo được/);
  // A unit behind, with why; and in the table of every unit, marked.
  const behind = page.locator('#cham-tien-do li').first();
  assert.match(await behind.innerText(), /đã tiếp nhận .* trên .* m .*theo tiến độ đều đến hạn/);
  await page.locator('#tung-don-vi summary').click();
  const slow = page.locator('#tung-don-vi tr').filter({ hasText: 'Chậm' }).first();
  assert.ok(await slow.isVisible(), 'a unit marked behind in the table of every unit');
  await page.screenshot({ path: new URL('tong-quan-tien-do.png', artefacts).pathname, fullPage: true });

  // Báo cáo: the annual report as DOCX, with the difficulties typed here.
  await page.getByRole('navigation', { name: 'Khu vực' }).getByRole('link', { name: 'Báo cáo' }).click();
  await page.waitForURL(/\/bao-cao$/);
  await page.fill('#f-kho-khan', 'Thiếu kho chứa tài liệu sau sắp xếp.');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Tải DOCX' }).click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^bao-cao-nam-\d{4}\.docx$/);
  await page.context().close();
});
