// Each role does its main task in a real browser, on a phone (390 px) and on a desktop (1366 px),
// starting from its home page and going on by the links and buttons a person would use:
//   quantri            adds an account (the desktop one asks for Mật, which becomes a proposal);
//   lanhdao            decides a danh mục hủy waiting on Tổng quan (phone), then approves a
//                      proposed clearance waiting there (desktop);
//   luutru.tinh        starts the next step of chỉnh lý of fonds P05 (phone), then finishes it
//                      from Việc đang chờ (desktop);
//   canbo.muongang     describes a new hồ sơ in the commune's mục lục and a văn bản in it (each);
//   sohoa              makes a lô số hóa of the assigned fonds P05 (phone), then opens it from the
//                      Số hóa list and uploads a 3-page scan named by its mã hồ sơ (desktop);
//   docgia             searches from home and opens a hồ sơ found (each, a different word).
// After each step the visible result is checked (the new row, the message, the changed stage) and
// the page must be no wider than the screen; a screenshot of every step is kept under
// tests/browser/artefacts/<user>-<size>-<step>.png.
//
// The demo server is shared with the other test files and may be used again for a rerun: what a
// test creates is named with this run's stamp, and what a decision consumes is made afresh by the
// colleague whose work it is (the archivist draws up the danh mục hủy, the administrator proposes
// the clearance) before the decider comes to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { openBrowser, baseUrl, signIn, assertFits } from './browser.mjs';

const artefacts = new URL('./artefacts/', import.meta.url);
mkdirSync(artefacts, { recursive: true });

const sizes = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1366, height: 900 },
};

/// This run's stamp: every name the tests make carries it, so a rerun on the same server never
/// meets its own earlier records.
const run = Date.now().toString(36);
const scan = readFileSync(new URL('../../crates/digitize/tests/pages/ho-so-3-trang.tif', import.meta.url));

/// Today as the forms take it (NN/TT/NNNN), by the server's clock (UTC), which dates the steps.
const today = (() => {
  const [y, m, d] = new Date().toISOString().slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
})();

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => {
  for (const page of sessions.values()) await page.context().close();
  await browser?.close();
});

// One sign-in per account for the whole file (the server throttles sign-ins from one address):
// a colleague who prepares work for a decider, and later does their own task, is signed in once.
const sessions = new Map();
async function as(user, viewport = sizes.desktop) {
  if (!sessions.has(user)) sessions.set(user, await signIn(browser, user, { viewport }));
  const page = sessions.get(user);
  await page.setViewportSize(viewport);
  return page;
}


/// After a step: the page fits the screen, and its screenshot is kept.
function stepper(page, user, size) {
  return async (step) => {
    await assertFits(page, `${user}, ${step} (${size})`);
    await page.screenshot({ path: new URL(`${user}-${size}-${step}.png`, artefacts).pathname, fullPage: true });
  };
}

/// Home, as a person gets there: the first link of the menu.
async function home(page) {
  await page.locator('nav.areas').getByRole('link', { name: 'Tổng quan', exact: true }).click();
  await page.waitForURL(`${baseUrl}/`);
}

async function menu(page, label) {
  await page.locator('nav.areas').getByRole('link', { name: label, exact: true }).click();
}

/// The row `rows` names, following a paged list's “Trang sau” until it shows (a long-lived
/// server's lists grow).
async function findRow(page, rows, what) {
  while (await rows.count() === 0) {
    const next = page.locator('nav.pager a[rel=next]').first();
    assert.equal(await next.count(), 1, `${what}: not in the list`);
    await next.click();
    await page.waitForLoadState();
  }
  assert.equal(await rows.count(), 1, `${what}: once in the list`);
  return rows;
}

async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/// The value a facts list (dl.facts) gives for a term.
async function fact(page, term) {
  return text(page.locator('dl.facts dt', { hasText: term }).first().locator('xpath=following-sibling::dd[1]'));
}

/// Fills the hồ sơ form (Thêm hồ sơ) and saves it; returns the mã hồ sơ the server composed.
async function describeDossier(page, d) {
  await page.fill('#f-notation', d.notation);
  await page.fill('#f-title', d.title);
  await page.selectOption('#f-maintenance', d.maintenance ?? '01');
  await page.fill('#f-startDate', d.start);
  await page.fill('#f-endDate', d.end);
  await page.fill('#f-totalDoc', d.documents);
  await page.fill('#f-numberOfPaper', d.pages);
  await page.fill('#f-numberOfPage', d.pages);
  await page.getByRole('button', { name: 'Lưu', exact: true }).click();
  await page.waitForURL(/\/ho-so\/\d+\?da_luu=1$/);
  assert.equal(await text(page.locator('.alert.ok')), 'Đã lưu.');
  assert.equal(await fact(page, 'Tiêu đề hồ sơ'), d.title);
  return fact(page, 'Mã hồ sơ');
}

/// An archivist adds a hồ sơ to P05's permanent mục lục (the colleagues' preparation, not a task
/// under test).
async function addToP05(page, d) {
  await page.goto(`${baseUrl}/`);
  await menu(page, 'Chỉnh lý');
  await page.locator('#fonds').getByRole('link', { name: 'P05', exact: true }).click();
  await page.getByRole('link', { name: 'Mục lục hồ sơ bảo quản vĩnh viễn' }).click();
  await page.getByRole('link', { name: 'Thêm hồ sơ' }).click();
  return describeDossier(page, d);
}

/// The administrator's form Thêm tài khoản, from the Tài khoản page, saved.
async function addAccount(page, account, shot = async () => {}) {
  await page.getByRole('link', { name: 'Thêm tài khoản' }).click();
  await page.waitForURL(/\/quan-tri\/tai-khoan\/moi$/);
  await shot('2-them-tai-khoan');
  await page.fill('#f-username', account.username);
  await page.fill('#f-fullName', account.fullName);
  await page.selectOption('#f-role', { label: 'Lưu trữ viên' });
  await page.selectOption('#f-clearance', { label: account.clearance });
  await page.fill('#f-password', `Kho-${randomBytes(6).toString('hex')}-2026`);
  await page.locator('#f-units').getByLabel(account.unit, { exact: true }).check();
  await page.getByRole('button', { name: 'Lưu', exact: true }).click();
  await page.waitForURL(/\/quan-tri\?da_luu=1$/);
  const row = page.locator('#users tbody tr', { has: page.getByRole('link', { name: account.username, exact: true }) });
  assert.equal(await row.count(), 1, `${account.username} is listed`);
  return row;
}

// ---- quantri ----

test('quantri adds an account, on a phone and on a desktop', async () => {
  const page = await as('quantri', sizes.phone);
  const accounts = {
    phone: { username: `thu.phone.${run}`, fullName: 'Lò Thị Thử', unit: 'Xã Mường Ảng', clearance: 'Không mật', shown: 'Không mật' },
    // Asking for Mật: an administrator only proposes it, for a Lãnh đạo to approve.
    desktop: { username: `thu.desktop.${run}`, fullName: 'Quàng Văn Thử', unit: 'Xã Mường Phăng', clearance: 'Mật', shown: 'Không mật (đề xuất Mật, chờ Lãnh đạo duyệt)' },
  };
  for (const [size, viewport] of Object.entries(sizes)) {
    await page.setViewportSize(viewport);
    const shot = stepper(page, 'quantri', size);
    const account = accounts[size];
    await page.goto(`${baseUrl}/`);
    await shot('1-tong-quan');
    await menu(page, 'Quản trị');
    await page.waitForURL(/\/quan-tri$/);
    assert.equal(await text(page.locator('h1')), 'Tài khoản');
    const row = await addAccount(page, account, shot);
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.replace(/\s+/g, ' ').trim());
    assert.deepEqual(
      [cells[1], cells[2], cells[3], cells[5], cells[6]],
      [account.fullName, 'Lưu trữ viên', account.unit, account.shown, 'Đang dùng'],
    );
    await shot('3-da-them');
  }
});

// ---- lanhdao ----

test('lanhdao decides a danh mục hủy on a phone and a proposed clearance on a desktop', async () => {
  // What waits for the decider, made by the colleagues whose work it is. The archivist: a
  // duplicate hồ sơ of P05 on a danh mục hủy taken through the council and the appraisal.
  const archivist = await as('luutru.tinh');
  const duplicate = `Bản trùng tập quyết định về tổ chức cán bộ năm 2015 (${run})`;
  await addToP05(archivist, { notation: `TL-${run}`, title: duplicate, start: '2015', end: '2015', documents: '12', pages: '96' });
  await archivist.locator('.crumbs').getByRole('link', { name: 'Phông P05' }).click();
  await archivist.getByRole('link', { name: 'Hủy tài liệu hết giá trị' }).click();
  const candidate = await findRow(archivist, archivist.locator('#candidates tbody tr', { hasText: duplicate }), duplicate);
  await candidate.getByRole('checkbox', { name: 'trùng lặp' }).check();
  const listTitle = `Danh mục tài liệu trùng lặp ${run}`;
  await archivist.fill('#f-title', listTitle);
  await archivist.fill('#f-explanation', 'Bản trùng của tập quyết định đã lưu trong mục lục số 1.');
  await archivist.getByRole('button', { name: /Lập danh mục/ }).click();
  await archivist.waitForURL(/\/danh-muc-huy\/\d+$/);
  await archivist.fill('#f-opinions', 'Nguyễn Văn An – Chủ tịch Hội đồng – đồng ý');
  await archivist.fill('#f-on', today);
  await archivist.getByRole('button', { name: 'Ghi ý kiến Hội đồng' }).click();
  await archivist.fill('#f-body', 'Sở Nội vụ tỉnh Điện Biên');
  await archivist.fill('#f-reference', `${run}/SNV-VTLT`);
  await archivist.fill('#f-on', today);
  await archivist.getByRole('button', { name: 'Ghi thẩm định' }).click();
  await archivist.locator('#stages li.current', { hasText: 'Cơ quan có thẩm quyền đã thẩm định' }).waitFor();
  // The administrator: a new account for whom Mật is proposed.
  const admin = await as('quantri');
  const proposed = `dexuat.${run}`;
  await admin.goto(`${baseUrl}/`);
  await menu(admin, 'Quản trị');
  await addAccount(admin, { username: proposed, fullName: 'Cầm Thị Đề Xuất', unit: 'Xã Mường Ảng', clearance: 'Mật' });

  const page = await as('lanhdao', sizes.phone);

  // On the phone: the danh mục hủy, from Chờ phê duyệt to the decision.
  {
    const shot = stepper(page, 'lanhdao', 'phone');
    await page.goto(`${baseUrl}/`);
    const waiting = page.locator('#cho-duyet');
    assert.equal(await waiting.getByRole('link', { name: listTitle }).count(), 1, 'the danh mục waits on Tổng quan');
    await shot('1-cho-phe-duyet');
    await waiting.getByRole('link', { name: listTitle }).click();
    await page.waitForURL(/\/danh-muc-huy\/\d+$/);
    assert.match(await text(page.locator('#deciders')), /Lãnh đạo Trung tâm/);
    assert.match(await text(page.locator('#items')), new RegExp(`${duplicate.replace(/[()]/g, '\\$&')} Trùng lặp Xem xét hủy`));
    await shot('2-danh-muc');
    const reference = `${run}/QĐ-TTLT`;
    await page.fill('#f-reference', reference);
    await page.fill('#f-on', today);
    await page.getByRole('button', { name: 'Quyết định hủy' }).click();
    await page.locator('#stages li.current', { hasText: 'Đã có quyết định hủy' }).waitFor();
    assert.match(await fact(page, 'Quyết định hủy'), new RegExp(`^Số ${reference} ngày ${today} `));
    assert.equal(await page.getByRole('button', { name: 'Quyết định hủy' }).count(), 0, 'decided once');
    await shot('3-da-quyet-dinh');
    await home(page);
    assert.equal(await page.locator('#cho-duyet').getByRole('link', { name: listTitle }).count(), 0, 'no longer waiting');
    await shot('4-tong-quan-sau');
  }

  // On the desktop: the proposed clearance, from Chờ phê duyệt to the approval.
  {
    await page.setViewportSize(sizes.desktop);
    const shot = stepper(page, 'lanhdao', 'desktop');
    await page.goto(`${baseUrl}/`);
    const waiting = page.locator('#cho-duyet');
    assert.match(await text(waiting), new RegExp(`${proposed.replace(/\./g, '\\.')} \\(Cầm Thị Đề Xuất\\): đề xuất Mật`));
    await shot('1-cho-phe-duyet');
    await waiting.getByRole('link', { name: /Mở trang duyệt độ mật/ }).click();
    await page.waitForURL(/\/quan-tri\/do-mat$/);
    const row = page.locator('#proposals tbody tr', { hasText: proposed });
    assert.equal(await row.count(), 1);
    assert.match(await text(row), /Không mật Mật quantri/);
    await shot('2-do-mat-cho-duyet');
    const approve = row.getByRole('button', { name: 'Duyệt', exact: true });
    assert.equal(await approve.count(), 1, `the Lãnh đạo may approve Mật for ${proposed}; the row says: “${await text(row)}”`);
    await approve.click();
    await page.waitForURL(/\/quan-tri\/do-mat\?da_luu=1$/);
    assert.equal(await page.locator('#proposals tbody tr', { hasText: proposed }).count(), 0, 'decided once');
    await shot('3-da-duyet');
    await home(page);
    assert.doesNotMatch(await text(page.locator('#cho-duyet')), new RegExp(proposed.replace(/\./g, '\\.')));
    await shot('4-tong-quan-sau');
  }
});

// ---- luutru.tinh ----

test('luutru.tinh starts a step of chỉnh lý on a phone and finishes it from Việc đang chờ on a desktop', async () => {
  const page = await as('luutru.tinh', sizes.phone);
  let step;

  // On the phone: from home to P05's chỉnh lý by the menu (on a fresh server no fonds is in
  // progress yet, so Việc đang chờ has no link to it), the first step not done recorded as begun.
  // Each run finishes one step of the 23: a server the whole suite has run on some twenty times
  // has none left, and this says so.
  {
    const shot = stepper(page, 'luutru.tinh', 'phone');
    await page.goto(`${baseUrl}/`);
    assert.equal(await page.locator('#viec-cho').count(), 1, 'Việc đang chờ');
    await shot('1-tong-quan');
    await menu(page, 'Chỉnh lý');
    await page.waitForURL(/\/phong$/);
    await page.locator('#fonds').getByRole('link', { name: 'P05', exact: true }).click();
    await page.waitForURL(/\/phong\/\d+$/);
    await shot('2-phong');
    await page.getByRole('link', { name: /Chỉnh lý: các bước/ }).click();
    await page.waitForURL(/\/phong\/\d+\/chinh-ly$/);
    const open = page.locator('#steps tbody tr:not([data-status="da_xong"])').first();
    assert.equal(await open.count(), 1, 'a step of the 23 is not done yet');
    step = Number(await open.locator('td').first().innerText());
    await shot('3-cac-buoc');
    const row = page.locator(`#buoc-${step}`);
    await row.getByRole('combobox', { name: `Trạng thái bước ${step}` }).selectOption({ label: 'Đang làm' });
    await row.getByPlaceholder('Ghi chú').fill(`bắt đầu trên điện thoại ${run}`);
    await row.getByRole('button', { name: 'Lưu' }).click();
    await page.locator(`#buoc-${step}[data-status="dang_lam"]`).waitFor();
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
    assert.deepEqual([cells[2], cells[3], cells[6]], ['Đang làm', today, `bắt đầu trên điện thoại ${run}`]);
    await shot('4-buoc-dang-lam');
  }

  // On the desktop: from Việc đang chờ, where the fonds now stands, to the step finished.
  {
    await page.setViewportSize(sizes.desktop);
    const shot = stepper(page, 'luutru.tinh', 'desktop');
    await page.goto(`${baseUrl}/`);
    const fonds = page.locator('#viec-cho li', { has: page.getByRole('link', { name: /^P05 — / }) });
    assert.equal(await fonds.count(), 1, 'P05 is listed among the fonds in chỉnh lý');
    const before = Number((await text(fonds)).match(/xong (\d+)\/23 bước/)[1]);
    await shot('1-viec-dang-cho');
    await fonds.getByRole('link').click();
    await page.waitForURL(/\/phong\/\d+\/chinh-ly$/);
    const row = page.locator(`#buoc-${step}`);
    assert.equal(await row.getAttribute('data-status'), 'dang_lam');
    assert.equal(await text(page.locator('#progress')), `${before}/23`);
    await shot('2-cac-buoc');
    await row.getByRole('combobox', { name: `Trạng thái bước ${step}` }).selectOption({ label: 'Đã xong' });
    await row.getByPlaceholder('Ghi chú').fill(`xong trên máy tính ${run}`);
    await row.getByRole('button', { name: 'Lưu' }).click();
    await page.locator(`#buoc-${step}[data-status="da_xong"]`).waitFor();
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
    assert.deepEqual([cells[2], cells[4], cells[6]], ['Đã xong', today, `xong trên máy tính ${run}`]);
    assert.equal(await text(page.locator('#progress')), `${before + 1}/23`);
    await shot('3-buoc-da-xong');
    await home(page);
    const listed = page.locator('#viec-cho li', { has: page.getByRole('link', { name: /^P05 — / }) });
    if (before + 1 < 23) assert.match(await text(listed), new RegExp(`xong ${before + 1}/23 bước`));
    else assert.equal(await listed.count(), 0, 'a fonds with every step done is no longer waiting');
    await shot('4-tong-quan-sau');
  }
});

// ---- canbo.muongang ----

test('canbo.muongang describes a hồ sơ and a văn bản in it, on a phone and on a desktop', async () => {
  const page = await as('canbo.muongang', sizes.phone);
  for (const [size, viewport] of Object.entries(sizes)) {
    await page.setViewportSize(viewport);
    const shot = stepper(page, 'canbo.muongang', size);
    const title = `Tập biên bản họp giao ban Ủy ban nhân dân xã năm 2024 (${size} ${run})`;
    const subject = `Biên bản họp giao ban tháng 01 năm 2024 (${size} ${run})`;

    await page.goto(`${baseUrl}/`);
    const commune = page.locator('section.unit-work', { has: page.getByRole('heading', { name: 'Xã Mường Ảng' }) });
    const figure = commune.locator('.card', { hasText: 'hồ sơ đã biên mục' }).locator('.figure');
    const described = Number((await figure.innerText()).replace(/\./g, ''));
    await shot('1-tong-quan');
    await commune.getByRole('link', { name: 'Xã Mường Ảng' }).click();
    await page.waitForURL(/\/don-vi\/\d+$/);
    await page.getByRole('link', { name: 'X27', exact: true }).click();
    await page.waitForURL(/\/phong\/\d+$/);
    await shot('2-phong');
    await page.locator('#inventories').getByRole('link', { name: 'Mục lục hồ sơ', exact: true }).click();
    await page.waitForURL(/\/muc-luc\/\d+$/);
    await page.getByRole('link', { name: 'Thêm hồ sơ' }).click();
    await page.waitForURL(/\/muc-luc\/\d+\/ho-so\/moi$/);
    await shot('3-them-ho-so');
    const code = await describeDossier(page, {
      notation: `${size === 'phone' ? 'DT' : 'MT'}-${run}`, title, maintenance: '04', start: '01/2024', end: '12/2024', documents: '1', pages: '4',
    });
    assert.match(code, new RegExp(`\\.2024\\.${size === 'phone' ? 'DT' : 'MT'}-${run}\\.1$`));
    await shot('4-ho-so-da-luu');

    await page.getByRole('link', { name: 'Thêm văn bản' }).click();
    await page.waitForURL(/\/ho-so\/\d+\/van-ban\/moi$/);
    assert.equal(await page.inputValue('#f-docOrdinal'), '1');
    await shot('5-them-van-ban');
    await page.selectOption('#f-typeName', { label: '20 – Biên bản' });
    await page.fill('#f-codeNumber', '01');
    await page.fill('#f-codeNotation', 'BB-UBND');
    await page.fill('#f-issuedDate', '08/01/2024');
    await page.fill('#f-organName', 'Ủy ban nhân dân xã Mường Ảng');
    await page.fill('#f-subject', subject);
    await page.fill('#f-numberOfPage', '4');
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.waitForURL(/\/ho-so\/\d+\?da_luu=van-ban#documents$/);
    assert.match(await text(page.locator('.alert.ok')), /^Đã lưu văn bản\./);
    const documents = await page.locator('#documents tbody tr').allInnerTexts();
    assert.equal(documents.length, 1);
    assert.match(documents[0].replace(/\s+/g, ' '), new RegExp(`^1 01/BB-UBND 08/01/2024 Biên bản ${subject.replace(/[()]/g, '\\$&')} Ủy ban nhân dân xã Mường Ảng 4$`));
    await shot('6-van-ban-da-luu');

    // The hồ sơ in its mục lục, found by its title; and one more described at home.
    await page.locator('.crumbs').getByRole('link', { name: 'Mục lục số 1' }).click();
    await page.waitForURL(/\/muc-luc\/\d+$/);
    await page.getByPlaceholder(/Tìm trong tiêu đề/).fill(run);
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.waitForURL(/\/muc-luc\/\d+\?q=/);
    const listed = page.locator('#dossiers tbody tr', { hasText: title });
    assert.equal(await listed.count(), 1);
    assert.equal(await text(listed.locator('td').nth(1)), code);
    await shot('7-muc-luc');
    await home(page);
    assert.equal(Number((await figure.innerText()).replace(/\./g, '')), described + 1, 'one more hồ sơ described');
    await shot('8-tong-quan-sau');
  }
});

// ---- sohoa ----

test('sohoa makes a lô số hóa of P05 on a phone and uploads a scan into it on a desktop', async () => {
  // A 3-page hồ sơ newly described in P05 by the archivist, for this run's scan.
  const archivist = await as('luutru.tinh');
  const title = `Hồ sơ thử số hóa ba trang (${run})`;
  const code = await addToP05(archivist, { notation: `SH-${run}`, title, start: '2020', end: '2020', documents: '1', pages: '3' });
  const batch = `Lô P05 — ${run}`;
  const page = await as('sohoa', sizes.phone);

  // On the phone: Lập lô số hóa, from the assigned fonds on Tổng quan.
  {
    const shot = stepper(page, 'sohoa', 'phone');
    await page.goto(`${baseUrl}/`);
    const assigned = page.locator('#phong-duoc-giao');
    assert.match(await text(assigned), /P05 — Ủy ban nhân dân huyện Mường Ảng/);
    await shot('1-tong-quan');
    await assigned.getByRole('link', { name: 'Lập lô số hóa' }).click();
    await page.waitForURL(/\/so-hoa\/moi$/);
    await page.fill('#f-name', batch);
    await page.selectOption('#f-fonds', { label: 'P05 — Ủy ban nhân dân huyện Mường Ảng' });
    await shot('2-lap-lo');
    await page.getByRole('button', { name: 'Lập lô' }).click();
    // Either the batch's page or the form again with why not.
    await page.locator('h1', { hasText: /^Lô số hóa: / }).or(page.locator('.alert.error')).first().waitFor();
    const refused = page.locator('.alert.error');
    assert.equal(await refused.count(), 0, `the batch is made; the page says: “${await refused.allInnerTexts()}”`);
    assert.match(page.url(), /\/so-hoa\/\d+$/);
    assert.equal(await text(page.locator('h1')), `Lô số hóa: ${batch}`);
    const row = await findRow(page, page.locator('#queue tr[data-dossier]', { hasText: title }), title);
    assert.equal(await row.getAttribute('data-dossier'), code);
    assert.match(await text(row.locator('.reason')), /Bảo quản vĩnh viễn/);
    await shot('3-lo-da-lap');
    await home(page);
    assert.equal(await page.locator('#home-batches').getByRole('link', { name: batch }).count(), 1, 'the batch on Tổng quan');
    await shot('4-tong-quan-sau');
  }

  // On the desktop: the batch from the Số hóa list, and the scan named by its mã hồ sơ.
  {
    await page.setViewportSize(sizes.desktop);
    const shot = stepper(page, 'sohoa', 'desktop');
    await page.goto(`${baseUrl}/`);
    await shot('1-tong-quan');
    await menu(page, 'Số hóa');
    await page.waitForURL(/\/so-hoa$/);
    await shot('2-so-hoa');
    await page.locator('#batches').getByRole('link', { name: batch }).click();
    await page.waitForURL(/\/so-hoa\/\d+$/);
    const row = await findRow(page, page.locator('#queue tr[data-dossier]', { hasText: title }), title);
    const name = `${await row.getAttribute('data-dossier')}.tif`;
    assert.equal(name, `${code}.tif`);
    await shot('3-lo');
    assert.equal(await page.locator('form#upload').count(), 1, 'the batch page offers its maker the upload form (Tải tệp quét lên)');
    await page.setInputFiles('#f-files', { name, mimeType: 'image/tiff', buffer: scan });
    assert.equal(await text(page.locator('#upload .file-names')), name);
    await shot('4-chon-tep');
    await page.getByRole('button', { name: 'Tải lên' }).click();
    const item = page.locator('#upload-progress li');
    await item.filter({ hasText: 'nhận 3 trang' }).waitFor({ timeout: 30_000 });
    assert.equal(await text(item), `Tệp “${name}”: nhận 3 trang, đang chờ xử lý.`);
    assert.equal(await item.getAttribute('class'), 'ok');
    assert.equal(await item.locator('progress').getAttribute('value'), '100');
    await shot('5-da-tai-len');
  }
});

// ---- docgia ----

test('docgia searches from home and opens a hồ sơ found, on a phone and on a desktop', async () => {
  const page = await as('docgia', sizes.phone);
  const searches = {
    phone: { words: 'giao đất', title: 'Hồ sơ giao đất, cho thuê đất tại thị trấn Mường Ảng năm 2018' },
    // Without the diacritics, as people often type.
    desktop: { words: 'ket hon muong phang', title: 'Sổ đăng ký kết hôn xã mường phăng năm 2025' },
  };
  for (const [size, viewport] of Object.entries(sizes)) {
    await page.setViewportSize(viewport);
    const shot = stepper(page, 'docgia', size);
    const { words, title } = searches[size];
    await page.goto(`${baseUrl}/`);
    const search = page.locator('#tra-cuu-nhanh');
    await search.getByRole('searchbox', { name: 'Từ khóa tìm hồ sơ' }).fill(words);
    await shot('1-tong-quan');
    await search.getByRole('button', { name: 'Tìm' }).click();
    await page.waitForURL(/\/tra-cuu\?q=/);
    assert.match(await text(page.locator('#tong-so')), new RegExp(`kết quả cho “${words}”`));
    const found = await findRow(page, page.locator('#results li', { hasText: title }), title);
    const code = (await text(found.getByRole('link'))).split(' — ')[0];
    await shot('2-ket-qua');
    await found.getByRole('link').click();
    await page.waitForURL(/\/ho-so\/\d+$/);
    assert.equal(await text(page.locator('h1')), `Hồ sơ ${code}`);
    assert.equal(await fact(page, 'Tiêu đề hồ sơ'), title);
    assert.equal(await fact(page, 'Chế độ sử dụng'), 'Công khai');
    await shot('3-ho-so');
  }
});
