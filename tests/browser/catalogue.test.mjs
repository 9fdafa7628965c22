// An archivist enters a hồ sơ through the form: TT05 refusals appear field by field, nothing is
// saved until the input is right, then the hồ sơ is listed with its mã hồ sơ.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, baseUrl, signIn } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

test('hồ sơ form shows TT05 errors per field, then saves', async () => {
  const page = await signIn(browser, 'luutru.tinh');
  await page.goto(`${baseUrl}/phong`);
  await page.getByRole('link', { name: 'P05' }).click();
  await page.getByRole('link', { name: 'Mục lục hồ sơ bảo quản vĩnh viễn' }).click();
  const before = await page.locator('#dossiers tbody tr').count();
  await page.getByRole('link', { name: 'Thêm hồ sơ' }).click();

  await page.fill('#f-notation', '05-NV');
  await page.fill('#f-title', 'Hồ sơ <script>alert(1)</script> tổ chức bộ máy 2025');
  await page.fill('#f-startDate', '01/07/2025');
  await page.fill('#f-endDate', '30/06/2025');
  await page.fill('#f-totalDoc', '3');
  await page.fill('#f-numberOfPage', 'mười');
  await page.selectOption('#f-confidenceLevel', '02');
  await page.getByRole('button', { name: 'Lưu' }).click();

  await page.locator('.alert.error').waitFor();
  assert.match(await page.locator('#e-endDate').textContent(), /trước thời gian bắt đầu/);
  assert.match(await page.locator('#e-numberOfPage').textContent(), /không phải là số/);
  assert.match(await page.locator('#e-paperFileCode').textContent(), /bắt buộc khi mức độ tin cậy là 02/);
  assert.equal(await page.inputValue('#f-title'), 'Hồ sơ <script>alert(1)</script> tổ chức bộ máy 2025', 'input kept');

  await page.fill('#f-endDate', '31/12/2025');
  await page.fill('#f-numberOfPage', '12');
  await page.fill('#f-numberOfPaper', '6');
  await page.fill('#f-paperFileCode', 'H17.01.02.05');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForURL(/\/ho-so\/\d+\?da_luu=1$/);
  assert.match(await page.locator('h1').textContent(), /P05\.2025\.05-NV\.1/);
  assert.match(await page.locator('dl.facts').textContent(), /<script>alert\(1\)<\/script>/, 'script text shown as text');

  await page.getByRole('link', { name: 'Mục lục số 1' }).click();
  assert.equal(await page.locator('#dossiers tbody tr').count(), before + 1);
});
