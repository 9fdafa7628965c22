// The Kế hoạch page as a provincial operator sees it in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, baseUrl, signIn } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

test('Kế hoạch shows the 45 communes, Mường Ảng’s secret metres and the discrepancy', async () => {
  const page = await signIn(browser, 'luutru.tinh');
  await page.getByRole('link', { name: 'Kế hoạch', exact: true }).click();
  await page.waitForURL(/\/ke-hoach$/);
  assert.equal(await page.locator('h1').textContent(), 'Kế hoạch');

  const communes = page.locator('#communes tbody tr');
  assert.equal(await communes.count(), 45);

  const muongAng = page.locator('#communes tbody tr[data-unit="Xã Mường Ảng"]');
  const cells = await muongAng.locator('td').allTextContents();
  assert.equal(cells[2].trim(), '2,5', 'secret metres in Vietnamese notation');
  assert.equal(cells[3].trim(), '198');
  assert.match(cells[5], /Có tài liệu mật/);

  const warning = page.locator('.discrepancy');
  assert.equal(await warning.count(), 1);
  assert.ok(await warning.isVisible());
  const text = await warning.textContent();
  assert.match(text, /4\.808 m/);
  assert.match(text, /4\.689 m/);

  assert.equal(await page.locator('#districts tbody tr').count(), 10);
  assert.equal(await page.locator('#tasks tbody tr').count(), 17);
  assert.match(await page.locator('.deadlines').textContent(), /15\/12\/2030[\s\S]*15\/12\/2035/);
  await page.screenshot({ path: process.env.KHO_SCREENSHOT ?? '/tmp/kho-ke-hoach.png', fullPage: false });
});

test('a unit page opens from the plan', async () => {
  const page = await signIn(browser, 'lanhdao');
  await page.goto(`${baseUrl}/ke-hoach`);
  await page.getByRole('link', { name: 'Xã Mường Ảng' }).click();
  assert.equal(await page.locator('h1').textContent(), 'Xã Mường Ảng');
  assert.match(await page.locator('dl.facts').textContent(), /2,5 m/);
  assert.match(await page.locator('dl.facts').textContent(), /15\/12\/2035/);
});
