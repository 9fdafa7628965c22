// A province archivist imports a contractor's mục lục in the browser: Kho shows what it read and
// every problem by row before anything is written, then imports all of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, baseUrl, signIn } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

const header = 'MỤC LỤC HỒ SƠ\nMục lục số: 7\n\nSố TT;Hộp số;Hồ sơ số;Tiêu đề hồ sơ;Thời gian;Thời hạn bảo quản;Số tờ;Ghi chú\nI. VĂN PHÒNG\n';
const good = header + '1;1;1;Tập biên bản họp UBND huyện năm 2020;01/01/2020 - 31/12/2020;Vĩnh viễn;120;\n2;1;2;Sổ đăng ký khai tử năm 2021;2021;VV;80;\nTổng cộng;;;;;;200;\n';
const bad = header + '1;1;1;Tập biên bản họp UBND huyện năm 2020;2021 - 2020;Vĩnh viễn;120;\n2;1;2;;2021;VV;tám mươi;\n';

async function upload(page, name, text) {
  await page.goto(`${baseUrl}/phong`);
  await page.getByRole('link', { name: 'P05' }).click();
  await page.getByRole('link', { name: 'Nhập mục lục từ Excel' }).click();
  await page.setInputFiles('#f-file', { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await page.getByRole('button', { name: 'Kiểm tra' }).click();
}

test('a bad mục lục is shown with its problems and nothing is imported', async () => {
  const page = await signIn(browser, 'luutru.tinh');
  await upload(page, 'sai.csv', bad);
  const problems = await page.locator('#problems').textContent();
  assert.match(problems, /sai\.csv, dòng 6/);
  assert.match(problems, /trước thời gian bắt đầu/);
  assert.match(problems, /dòng 7/);
  assert.equal(await page.getByRole('button', { name: /^Nhập/ }).count(), 0, 'no import button while anything is wrong');
});

test('a good mục lục is reviewed, then imported whole', async () => {
  const page = await signIn(browser, 'luutru.tinh');
  await upload(page, 'muc-luc-7.csv', good);
  assert.equal(await page.locator('#understood tbody tr').count(), 2);
  assert.match(await page.locator('#understood').textContent(), /I\. VĂN PHÒNG/);
  await page.getByRole('button', { name: 'Nhập 2 hồ sơ' }).click();
  await page.waitForURL(/\/muc-luc\/\d+\?da_luu=1$/);
  assert.match(await page.locator('h1').textContent(), /Mục lục số 7/);
  const codes = await page.locator('#dossiers tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(codes, ['P05.2020.1.7', 'P05.2021.2.7']);
});

test('a workbook of several mục lục is reviewed sheet by sheet and imported into each', async () => {
  const page = await signIn(browser, 'luutru.tinh');
  await page.goto(`${baseUrl}/phong`);
  await page.getByRole('link', { name: 'P05' }).click();
  await page.getByRole('link', { name: 'Nhập mục lục từ Excel' }).click();
  const file = new URL('../../crates/documents/tests/corpus/03-nhieu-muc-luc.xlsx', import.meta.url).pathname;
  await page.setInputFiles('#f-file', file);
  await page.getByRole('button', { name: 'Kiểm tra' }).click();
  assert.equal(await page.locator('#sheets tbody tr').count(), 3);
  assert.match(await page.locator('#sheets').textContent(), /70 năm/);
  assert.match(await page.locator('#ignored').textContent(), /Hướng dẫn/);
  await page.getByRole('button', { name: /vào 3 mục lục/ }).click();
  await page.waitForURL(/\/phong\/\d+\?da_luu=1$/);
  const body = await page.locator('main').textContent();
  assert.match(body, /Mục lục số 2/);
  assert.match(body, /Mục lục số 3/);
});
