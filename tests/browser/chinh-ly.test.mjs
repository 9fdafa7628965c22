// One fonds through chỉnh lý in the browser: accession and its biên bản, a step of the 23, a
// contractor's mục lục imported, official numbering, a destruction list through council,
// appraisal, the leader's decision and the destruction with its biên bản, and the mục lục hồ sơ.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, baseUrl, signIn } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

const mucLuc = 'MỤC LỤC HỒ SƠ\nMục lục số: 9\n\nSố TT;Hồ sơ số;Tiêu đề hồ sơ;Thời gian;Thời hạn bảo quản;Số tờ\n' +
  '1;;Công văn trao đổi về công tác văn thư năm 2010;2010;10 năm;12\n' +
  '2;;Giấy mời họp giao ban năm 2011;2011;10 năm;4\n';

async function openFonds(page, code) {
  await page.goto(`${baseUrl}/phong`);
  await page.getByRole('link', { name: code, exact: true }).click();
}

test('a fonds goes from accession to destruction and its finding aid', async () => {
  const page = await signIn(browser, 'luutru.tinh');

  // Tiếp nhận
  await page.getByRole('link', { name: 'Tiếp nhận' }).click();
  await page.getByRole('link', { name: 'Lập biên bản giao nhận' }).click();
  await page.fill('#f-receivedOn', '15/03/2026');
  await page.selectOption('#f-givingUnitId', { label: 'Huyện Mường Ảng' });
  await page.fill('#f-givingPerson', 'Lò Văn Ảng');
  await page.fill('#f-receivingPerson', 'Nguyễn Thị Hường');
  await page.fill('#f-material', 'Tài liệu UBND huyện Mường Ảng 2007–2025');
  await page.fill('#f-bags', '1385');
  await page.fill('#f-metres', '1395');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForURL(/\/tiep-nhan\/\d+/);
  const bienBan = await page.request.get(baseUrl + await page.getByRole('link', { name: 'Tải biên bản (PDF)' }).getAttribute('href'));
  assert.equal(bienBan.status(), 200);
  assert.equal(bienBan.headers()['content-type'], 'application/pdf');

  // A step of chỉnh lý
  await openFonds(page, 'P05');
  await page.getByRole('link', { name: /Chỉnh lý: các bước/ }).click();
  await page.locator('#buoc-1 select').selectOption('da_xong');
  await page.locator('#buoc-1').getByRole('button', { name: 'Lưu' }).click();
  await page.waitForURL(/chinh-ly/);
  assert.match(await page.locator('#progress').textContent(), /^1\/23$/);

  // A contractor's mục lục, then official numbering
  await openFonds(page, 'P05');
  await page.getByRole('link', { name: 'Nhập mục lục từ Excel' }).click();
  await page.setInputFiles('#f-file', { name: 'muc-luc-9.csv', mimeType: 'text/csv', buffer: Buffer.from(mucLuc, 'utf8') });
  await page.getByRole('button', { name: 'Kiểm tra' }).click();
  await page.getByRole('button', { name: 'Nhập 2 hồ sơ' }).click();
  await page.waitForURL(/\/muc-luc\/\d+\?da_luu=1$/);
  const inventoryUrl = page.url().split('?')[0];
  await page.getByRole('link', { name: 'Đánh số hồ sơ' }).click();
  await page.getByRole('button', { name: 'Áp dụng đánh số' }).click();
  await page.waitForURL(/\/muc-luc\/\d+\?da_luu=1$/);
  const numbers = await page.locator('#dossiers tbody tr td:first-child').allTextContents();
  assert.deepEqual(numbers.map((n) => n.trim()), ['1', '2']);

  // Destruction: the danh mục, council, appraisal
  await openFonds(page, 'P05');
  await page.getByRole('link', { name: 'Hủy tài liệu hết giá trị' }).click();
  await page.fill('#f-title', 'Danh mục tài liệu hết giá trị năm 2026');
  await page.fill('#f-explanation', 'Công văn, giấy mời đã hết thời hạn bảo quản 10 năm.');
  for (const row of await page.locator('#candidates tbody tr', { hasText: /năm 201[01]/ }).all()) {
    await row.getByRole('checkbox', { name: 'hết hạn' }).check();
  }
  await page.getByRole('button', { name: /Lập danh mục/ }).click();
  await page.waitForURL(/\/danh-muc-huy\/\d+$/);
  const listUrl = page.url();
  assert.equal(await page.locator('#items tbody tr').count(), 2);
  await page.fill('#f-opinions', 'Nguyễn Văn An – Chủ tịch Hội đồng – đồng ý');
  await page.fill('#f-on', '01/12/2026');
  await page.getByRole('button', { name: 'Ghi ý kiến Hội đồng' }).click();
  await page.fill('#f-body', 'Sở Nội vụ tỉnh Điện Biên');
  await page.fill('#f-reference', '123/SNV-VTLT');
  await page.fill('#f-on', '10/12/2026');
  await page.getByRole('button', { name: 'Ghi thẩm định' }).click();
  assert.match(await page.locator('#stages').textContent(), /Cơ quan có thẩm quyền đã thẩm định/);
  assert.equal(await page.getByRole('button', { name: 'Quyết định hủy' }).count(), 0, 'an archivist does not decide');

  // The leader decides
  const leader = await signIn(browser, 'lanhdao');
  await leader.goto(listUrl);
  await leader.fill('#f-reference', '45/QĐ-TTLT');
  await leader.fill('#f-on', '20/12/2026');
  await leader.getByRole('button', { name: 'Quyết định hủy' }).click();
  await leader.waitForURL(listUrl);

  // Destruction and its biên bản
  await page.goto(listUrl);
  await page.fill('#f-on', '28/12/2026');
  await page.getByRole('button', { name: /Ghi đã hủy/ }).click();
  await page.waitForURL(listUrl);
  assert.match(await page.locator('#items').textContent(), /Đã hủy/);
  const record = await page.request.get(`${listUrl}/bien-ban-huy.pdf`);
  assert.equal(record.status(), 200);

  // The mục lục hồ sơ, still listing the destroyed hồ sơ
  const aid = await page.request.get(`${inventoryUrl}/xuat.pdf`);
  assert.equal(aid.status(), 200);
  assert.equal(aid.headers()['content-type'], 'application/pdf');
});
