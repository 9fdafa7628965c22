// Who sees what, in a real browser: a commune clerk sees only that commune; a cleared clerk sees
// the commune's Mật record; a wrong password says nothing about which part was wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, baseUrl, signIn } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

test('a commune clerk sees only that commune', async () => {
  const page = await signIn(browser, 'canbo.muongphang');
  await page.getByRole('link', { name: 'Chỉnh lý' }).click();
  const codes = await page.locator('#fonds tbody tr td:first-child a').allTextContents();
  assert.deepEqual(codes, ['X04'], 'only Xã Mường Phăng’s fonds');
  await page.getByRole('link', { name: 'Tra cứu' }).click();
  await page.fill('input[name=q]', 'so dang ky');
  await page.getByRole('button', { name: 'Tìm' }).click();
  const titles = await page.locator('#results li', { has: page.locator('.tag', { hasText: 'Hồ sơ' }) }).locator('a').allTextContents();
  assert.ok(titles.length >= 1);
  for (const title of titles) assert.match(title, /mường phăng/i);
  // Another commune's hồ sơ by address: as if it did not exist.
  const response = await page.goto(`${baseUrl}/phong/1`);
  assert.equal(response.status(), 404);
  assert.equal(await page.locator('h1').textContent(), 'Không tìm thấy');
  assert.equal(await page.getByRole('link', { name: 'Quản trị' }).count(), 0, 'no administration for a clerk');
});

test('a cleared clerk sees the commune’s Mật record, marked', async () => {
  const page = await signIn(browser, 'canbo.muongang');
  await page.goto(`${baseUrl}/tra-cuu?q=quoc%20phong`);
  const row = page.locator('#results li', { has: page.locator('.tag', { hasText: 'Hồ sơ' }) });
  assert.equal(await row.count(), 1);
  await row.locator('a').click();
  assert.match(await page.locator('dl.facts').textContent(), /Độ mậtMật/);
});

test('a wrong password is refused without saying which part was wrong', async () => {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/dang-nhap`);
  await page.fill('#f-username', 'canbo.muongang');
  await page.fill('#f-password', 'khong-dung-dau');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  assert.equal(await page.locator('.alert.error').textContent(), 'Tên đăng nhập hoặc mật khẩu không đúng.');
});
