// The lô số hóa page: live progress, and scans sent file by file in resumable pieces.
// Served as a file (not inline) so the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  const box = document.getElementById('progress');
  const set = (id, v) => { const el = document.getElementById(id); if (el) el.textContent = Number(v).toLocaleString('vi-VN'); };
  async function refresh() {
    try {
      const r = await fetch(box.dataset.url, { credentials: 'same-origin' });
      if (!r.ok) return;
      const p = await r.json();
      set('p-pages-done', p.pagesDone); set('p-pages', p.pages); set('p-percent', p.percent);
      set('p-dossiers-done', p.dossiersDone); set('p-rescan', p.pagesRescan); set('p-waiting', p.pagesWaiting); set('p-running', p.jobsRunning);
      const size = document.getElementById('p-size');
      if (size) size.textContent = p.size;
      document.getElementById('p-bar').value = p.percent;
      box.dataset.done = (p.pages > 0 && p.pagesWaiting === 0) ? 'yes' : 'no';
    } catch (e) { /* the next tick tries again */ }
  }
  setInterval(refresh, 2000);
  refresh();
  // Each file goes up on its own, in pieces, with its progress. A cut connection or a reloaded
  // page resumes where the server says the file stopped: the token is kept in localStorage.
  const form = document.getElementById('upload');
  if (!form || !window.fetch || !window.crypto || !crypto.randomUUID) return;
  const PIECE = 8 * 1024 * 1024;
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  async function send(file, dossier, bar) {
    const key = 'kho-tai-len:' + form.dataset.pieces + ':' + file.name + ':' + file.size + ':' + file.lastModified;
    let token = localStorage.getItem(key);
    if (!token) { token = crypto.randomUUID(); localStorage.setItem(key, token); }
    const base = form.dataset.pieces + '?ma=' + token;
    let offset = 0;
    try { const r = await fetch(base, { credentials: 'same-origin' }); if (r.ok) offset = (await r.json()).received; } catch (e) { /* start at 0 */ }
    for (let tries = 0; tries < 30;) {
      const end = Math.min(offset + PIECE, file.size);
      const url = base + '&ten=' + encodeURIComponent(file.name) + '&tong=' + file.size + '&tu=' + offset + '&ho_so=' + encodeURIComponent(dossier);
      let r, body;
      try {
        r = await fetch(url, { method: 'PUT', credentials: 'same-origin', headers: { 'X-CSRF-Token': form.dataset.csrf }, body: file.slice(offset, end) });
        body = await r.json();
      } catch (e) {
        tries += 1;
        await wait(2000);
        try { const s = await fetch(base, { credentials: 'same-origin' }); if (s.ok) offset = (await s.json()).received; } catch (e2) { /* try again */ }
        continue;
      }
      if (r.status === 409) { offset = body.received; continue; }
      if (body.done || !r.ok) { localStorage.removeItem(key); return { ok: !!body.accepted, message: body.message }; }
      offset = body.received;
      bar.value = file.size ? Math.round(offset * 100 / file.size) : 100;
    }
    return { ok: false, message: 'Tệp “' + file.name + '”: mất kết nối nhiều lần; tải lại trang rồi gửi tiếp, phần đã gửi được giữ.' };
  }
  form.addEventListener('submit', async (event) => {
    const files = Array.from(document.getElementById('f-files').files);
    if (!files.length) return;
    event.preventDefault();
    const list = document.getElementById('upload-progress');
    list.innerHTML = '';
    const dossier = document.getElementById('f-dossier').value;
    for (const file of files) {
      const item = document.createElement('li');
      const bar = document.createElement('progress'); bar.max = 100; bar.value = 0;
      const label = document.createElement('span'); label.textContent = ' ' + file.name;
      item.append(bar, label); list.append(item);
      const outcome = await send(file, dossier, bar);
      bar.value = 100;
      label.textContent = ' ' + outcome.message;
      item.className = outcome.ok ? 'ok' : 'error';
    }
    refresh();
  });
})();
