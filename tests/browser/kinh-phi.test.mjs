// Kinh phí as people use it: the commune clerk, on a phone, opens it from the menu, finds their
// commune's estimate and records what was spent; the province's archivist, on a desktop, sets
// the day's price with its source and sees the estimate follow. Screenshots are kept under
// tests/browser/artefacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openBrowser, baseUrl, signIn, assertFits } from './browser.mjs';

const artefacts = new URL('./artefacts/', import.meta.url);
mkdirSync(artefacts, { recursive: true });

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });


test('a commune clerk finds their estimate and records what was spent, on a phone', async () => {
  const page = await signIn(browser, 'canbo.muongang', { viewport: { width: 390, height: 844 } });
  await page.goto(`${baseUrl}/`);
  await page.getByRole('navigation', { name: 'Khu vực' }).getByRole('link', { name: 'Kinh phí' }).click();
  await page.waitForURL(/\/kinh-phi$/);
  const rows = page.locator('#cost-units tbody tr');
  assert.equal(await rows.count(), 2, 'their commune and the total');
  assert.match(await rows.first().innerText(), /Xã Mường Ảng/);
  await assertFits(page, 'Kinh phí');

  const source = `Chứng từ thử ${Date.now()}`;
  await page.selectOption('#f-loai', 'chi');
  await page.fill('#f-so-tien', '12.500.000');
  await page.fill('#f-can-cu', source);
  await page.getByRole('button', { name: 'Ghi khoản kinh phí' }).click();
  await page.waitForURL(/\/kinh-phi/);
  const line = page.locator('#budget-lines tr').filter({ hasText: source });
  assert.match(await line.innerText(), /Kinh phí đã chi[\s\S]*Xã Mường Ảng[\s\S]*12\.500\.000/);

  // A wrong amount is refused in words, what was typed kept.
  await page.fill('#f-so-tien', 'mười triệu');
  await page.fill('#f-can-cu', source);
  await page.getByRole('button', { name: 'Ghi khoản kinh phí' }).click();
  assert.match(await page.locator('#problems').innerText(), /Số tiền: ghi số đồng/);
  assert.equal(await page.inputValue('#f-so-tien'), 'mười triệu');
  await page.screenshot({ path: new URL('kinh-phi-xa.png', artefacts).pathname, fullPage: true });
  await page.context().close();
});

test("the province's archivist sets the day's price and the estimate follows", async () => {
  const page = await signIn(browser, 'luutru.tinh', { viewport: { width: 1366, height: 900 } });
  await page.goto(`${baseUrl}/kinh-phi`);
  const total = async () => (await page.locator('#cost-units tr.total td').nth(8).innerText()).trim();
  const before = await total();
  const price = page.locator('#n-don_gia_cong');
  const was = await price.inputValue();
  await price.fill('400.000');
  await page.fill('input[name="nguon_don_gia_cong"]', 'Thử: đơn giá của tỉnh');
  await page.getByRole('button', { name: 'Lưu định mức' }).click();
  await page.waitForURL(/\/kinh-phi/);
  assert.equal(await page.locator('#n-don_gia_cong').inputValue(), '400.000');
  assert.notEqual(await total(), before, 'the estimate follows the day price');
  await page.screenshot({ path: new URL('kinh-phi-tinh.png', artefacts).pathname, fullPage: true });
  // Back as it was, for whoever runs the demo next.
  await page.locator('#n-don_gia_cong').fill(was);
  await page.getByRole('button', { name: 'Lưu định mức' }).click();
  await page.waitForURL(/\/kinh-phi/);
  assert.equal(await total(), before);
  await page.context().close();
});

test('a commune clerk enters work done before Kho on their unit\'s page', async () => {
  const page = await signIn(browser, 'canbo.muongang', { viewport: { width: 390, height: 844 } });
  await page.goto(`${baseUrl}/ke-hoach`);
  await page.getByRole('link', { name: 'Xã Mường Ảng' }).first().click();
  await page.waitForURL(/\/don-vi\/\d+$/);
  const source = `Biên bản thử ${Date.now()}`;
  await page.selectOption('#f-stage', { index: 0 });
  await page.fill('#f-quantity', '2,5');
  await page.fill('#f-done-on', '10/02/2026');
  await page.fill('#f-source', source);
  await page.getByRole('button', { name: 'Ghi nhận' }).click();
  await page.waitForURL(/\/don-vi\/\d+/);
  assert.match(await page.locator('#outside-work').innerText(), new RegExp(source));
  await page.context().close();
});
