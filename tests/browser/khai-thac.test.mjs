// Khai thác in the browser: the commune's clerk scans a hồ sơ under conditional use; a reader, on
// a phone, asks for it by its code on the phiếu yêu cầu; the Lãnh đạo grants it from the home
// page; the reader opens the bản đọc — the page with the agency's name burnt into its foot, and no
// link to download it. Screenshots are kept under tests/browser/artefacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { openBrowser, signIn, assertFits } from './browser.mjs';

const artefacts = new URL('./artefacts/', import.meta.url);
mkdirSync(artefacts, { recursive: true });
const scan = readFileSync(new URL('../../crates/digitize/tests/pages/trang1-300dpi.png', import.meta.url));
const phone = { viewport: { width: 390, height: 844 } };

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

async function shoot(page, name) {
  await page.screenshot({ path: new URL(`${name}.png`, artefacts).pathname, fullPage: true });
}

test('a reader asks for a conditional hồ sơ, a Lãnh đạo grants it, the reader reads its watermarked bản đọc', async () => {
  // The hồ sơ is scanned and read first, as the commune's clerk does.
  const clerk = await signIn(browser, 'canbo.muongang');
  await clerk.getByRole('link', { name: 'Số hóa', exact: true }).click();
  await clerk.getByRole('link', { name: 'Lập lô số hóa' }).click();
  await clerk.fill('#f-name', `Lô khai thác — xã Mường Ảng ${Date.now()}`);
  await clerk.selectOption('#f-fonds', { label: 'X27 — Ủy ban nhân dân xã mường ảng' });
  await clerk.getByRole('button', { name: 'Lập lô' }).click();
  await clerk.waitForURL(/\/so-hoa\/\d+$/);
  const code = await clerk.locator('#queue tr[data-dossier]').filter({ hasText: 'khiếu nại' }).getAttribute('data-dossier');
  await clerk.setInputFiles('#f-files', { name: `${code}.png`, mimeType: 'image/png', buffer: scan });
  await clerk.getByRole('button', { name: 'Tải lên' }).click();
  await clerk.locator('#upload-progress li').filter({ hasText: 'nhận 1 trang' }).waitFor({ timeout: 30_000 });
  await clerk.waitForFunction(() => document.getElementById('p-percent')?.textContent === '100', null, { timeout: 180_000 });
  await clerk.context().close();

  // The reader, on a phone, from home: the phiếu, by the code on the mục lục.
  const reader = await signIn(browser, 'docgia', phone);
  assert.match(await reader.locator('#phieu-cua-toi').innerText(), /Phiếu yêu cầu khai thác của tôi/);
  await reader.locator('#phieu-cua-toi').getByRole('link', { name: 'Lập phiếu yêu cầu khai thác' }).click();
  await reader.fill('#f-so-dinh-danh', '011190004321');
  await reader.fill('#f-de-tai', 'Lịch sử giải quyết tranh chấp đất đai ở bản Co Mận');
  await reader.selectOption('#f-hinh-thuc', 'ban_doc');
  await reader.fill('#f-so-ngay', '7');
  await reader.fill('#f-ma-ho-so', code);
  await assertFits(reader, 'phiếu yêu cầu (phone)');
  await reader.getByRole('button', { name: 'Gửi phiếu yêu cầu' }).click();
  await reader.waitForURL(/\/khai-thac\/\d+$/);
  const id = new URL(reader.url()).pathname.split('/').pop();
  assert.match(await reader.locator('#items').innerText(), /Chờ lãnh đạo duyệt/);
  assert.equal(await reader.getByRole('link', { name: 'Xem bản đọc' }).count(), 0, 'nothing to read before the grant');
  await assertFits(reader, 'phiếu chờ duyệt (phone)');
  await shoot(reader, 'docgia-phone-phieu-cho-duyet');

  // The Lãnh đạo finds it among what waits on them, and grants it.
  const leader = await signIn(browser, 'lanhdao');
  await leader.locator('#cho-duyet').getByRole('link', { name: `Phiếu số ${id}` }).click();
  await leader.waitForURL(new RegExp(`/khai-thac/${id}$`));
  assert.match(await leader.locator('#items').innerText(), new RegExp(code.replace(/\./g, '\\.')));
  await leader.locator('#items form.decision').getByRole('button', { name: 'Đồng ý', exact: true }).click();
  await leader.waitForURL(new RegExp(`/khai-thac/${id}$`));
  assert.match(await leader.locator('#items').innerText(), /Được khai thác[\s\S]*Lãnh đạo|lanhdao/);
  await shoot(leader, 'lanhdao-desktop-phieu-da-duyet');

  // The reader reads it: the page, the agency's name at its foot, nothing to download.
  await reader.reload();
  assert.match(await reader.locator('#items').innerText(), /Được khai thác[\s\S]*Hết hạn lúc/);
  await reader.getByRole('link', { name: 'Xem bản đọc' }).click();
  await reader.waitForURL(/\/khai-thac\/\d+\/ho-so\/\d+$/);
  await reader.waitForFunction(() => document.querySelector('.reading-page img')?.naturalWidth > 0, null, { timeout: 30_000 });
  assert.match(await reader.locator('.reading-page figcaption').first().innerText(), /Trang 1\/1 — Trung tâm Lưu trữ lịch sử tỉnh Điện Biên/);
  assert.equal(await reader.locator('main a[href$=".pdf"], main a[download], main a[href*="ban-so-hoa"]').count(), 0, 'no download link');
  // The name is in the image itself: dark letters in its bottom twentieth, centred.
  const ink = await reader.evaluate(() => {
    const img = document.querySelector('.reading-page img');
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const band = Math.floor(canvas.height / 20);
    const { data } = g.getImageData(0, canvas.height - band, canvas.width, band);
    let left = 0; let right = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 80) { if ((i / 4) % canvas.width < canvas.width / 2) left++; else right++; }
    }
    return { left, right };
  });
  assert.ok(ink.left + ink.right > 300, `the agency's name is burnt into the foot: ${JSON.stringify(ink)}`);
  assert.ok(Math.abs(ink.left - ink.right) < (ink.left + ink.right) / 3, `centred: ${JSON.stringify(ink)}`);
  await assertFits(reader, 'bản đọc (phone)');
  await shoot(reader, 'docgia-phone-ban-doc');
});
