// Each role's first page is its work, on a phone and on a desktop: every demo account signs in,
// finds its own work on Tổng quan (a commune's figures, a queue, assigned fonds, approvals, the
// search), sees only the menus its role may use, meets no link that answers 403, and no page it
// can reach — home, a hồ sơ, a mục lục, the Kế hoạch — is wider than the screen. Screenshots
// are kept under tests/browser/artefacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openBrowser, baseUrl, signIn, assertFits } from './browser.mjs';

const artefacts = new URL('./artefacts/', import.meta.url);
mkdirSync(artefacts, { recursive: true });

const sizes = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1366, height: 900 },
};

const internalMenus = ['Kế hoạch', 'Tiếp nhận', 'Chỉnh lý', 'Số hóa'];

// What each demo account's home shows (a section's heading and a text in it), and which menus
// it must and must not have.
const roles = [
  { user: 'quantri', heading: 'Toàn tỉnh', text: /tài liệu cấp huyện/, menus: ['Kế hoạch', 'Quản trị'], notMenus: [] },
  { user: 'lanhdao', heading: 'Chờ phê duyệt', text: /Danh mục tài liệu hủy chờ quyết định[\s\S]*Đề xuất nâng độ mật/, menus: ['Kế hoạch', 'Quản trị'], notMenus: [] },
  { user: 'luutru.tinh', heading: 'Việc đang chờ', text: /Phông đang chỉnh lý[\s\S]*Lô số hóa cần xử lý[\s\S]*Giao nhận gần đây/, menus: internalMenus, notMenus: ['Quản trị'] },
  { user: 'canbo.muongang', heading: 'Xã Mường Ảng', text: /chỉ tiêu theo kế hoạch[\s\S]*đã giao nhận[\s\S]*đã chỉnh lý[\s\S]*hồ sơ đã biên mục[\s\S]*trang đã số hóa[\s\S]*hạn hoàn thành/, menus: internalMenus, notMenus: ['Quản trị'], notText: /Toàn tỉnh|Xã Mường Phăng/ },
  { user: 'canbo.muongphang', heading: 'Xã Mường Phăng', text: /chỉ tiêu theo kế hoạch[\s\S]*trang đã số hóa/, menus: internalMenus, notMenus: ['Quản trị'], notText: /Toàn tỉnh|Xã Mường Ảng/ },
  { user: 'sohoa', heading: 'Phông được giao số hóa', text: /P05 — Ủy ban nhân dân huyện Mường Ảng/, menus: ['Số hóa'], notMenus: ['Quản trị'], button: 'Lập lô số hóa' },
  { user: 'docgia', heading: 'Tra cứu hồ sơ', text: /hồ sơ công khai để tra cứu/, menus: ['Tra cứu'], notMenus: [...internalMenus, 'Quản trị'], refused: '/ke-hoach' },
];

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });


async function shoot(page, name) {
  await page.screenshot({ path: new URL(`${name}.png`, artefacts).pathname, fullPage: true });
}

async function menu(page) {
  return page.locator('nav.areas a').allInnerTexts();
}

// One sign-in per account (the server throttles sign-ins from one address), then each size.
for (const role of roles) {
  test(`${role.user} finds their work at home on a phone and on a desktop`, async () => {
    const page = await signIn(browser, role.user, { viewport: sizes.phone });
    for (const [size, viewport] of Object.entries(sizes)) {
      await page.setViewportSize(viewport);
      await page.goto(`${baseUrl}/`);
      const section = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: role.heading }) });
      assert.equal(await section.count(), 1, `${role.user}: a “${role.heading}” section`);
      assert.match(await page.locator('main').innerText(), role.text);
      if (role.notText) assert.doesNotMatch(await page.locator('main').innerText(), role.notText);
      if (role.button) assert.equal(await page.getByRole('link', { name: role.button }).count(), 1);
      const menus = await menu(page);
      for (const m of role.menus) assert.ok(menus.includes(m), `${role.user}: menu ${m} in ${menus}`);
      for (const m of role.notMenus) assert.ok(!menus.includes(m), `${role.user}: no menu ${m} in ${menus}`);
      assert.equal(await page.locator('nav.areas .later').filter({ hasText: 'Quản trị' }).count(), 0, 'Quản trị is never greyed');
      await assertFits(page, `${role.user} home (${size})`);
      await shoot(page, `${role.user}-${size}-tong-quan`);

      // No link on the home page or in the menu leads to a refusal.
      const hrefs = [...new Set(await page.locator('main a[href^="/"], nav.areas a[href^="/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href'))))];
      for (const href of hrefs) {
        const response = await page.request.get(`${baseUrl}${href}`);
        assert.ok(response.status() < 400, `${role.user}: ${href} answered ${response.status()}`);
      }

      // A hồ sơ and its mục lục, found through the search every role has.
      await page.goto(`${baseUrl}/tra-cuu?q=nam`);
      const first = page.locator('#results li', { has: page.locator('.tag', { hasText: 'Hồ sơ' }) }).locator('a').first();
      if (await first.count() === 1) {
        await first.click();
        await page.waitForURL(/\/ho-so\/\d+$/);
        await assertFits(page, `${role.user} hồ sơ (${size})`);
        await shoot(page, `${role.user}-${size}-ho-so`);
        await page.locator('.crumbs a[href^="/muc-luc/"]').click();
        await page.waitForURL(/\/muc-luc\/\d+$/);
        assert.equal(await page.locator('#dossiers').count(), 1);
        await assertFits(page, `${role.user} mục lục (${size})`);
        await shoot(page, `${role.user}-${size}-muc-luc`);
      }
      if (menus.includes('Kế hoạch')) {
        await page.goto(`${baseUrl}/`);
        await page.getByRole('link', { name: 'Kế hoạch', exact: true }).click();
        await page.waitForURL(/\/ke-hoach$/);
        await assertFits(page, `${role.user} Kế hoạch (${size})`);
        await shoot(page, `${role.user}-${size}-ke-hoach`);
      }
      if (role.refused) {
        // A page the role may not open keeps the layout and the menu.
        const response = await page.goto(`${baseUrl}${role.refused}`);
        assert.equal(response.status(), 403);
        assert.equal(await page.locator('h1').innerText(), 'Không được phép');
        assert.ok((await menu(page)).includes('Tra cứu'), 'the menu is still there');
        await assertFits(page, `the 403 page (${size})`);
        await shoot(page, `${role.user}-${size}-403`);
        const missing = await page.goto(`${baseUrl}/khong-co-trang-nay`);
        assert.equal(missing.status(), 404);
        assert.ok((await menu(page)).includes('Tổng quan'));
      }
    }
    await page.context().close();
  });
}
