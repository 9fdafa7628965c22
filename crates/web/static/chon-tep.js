// Kho: the file picker's Vietnamese text. The browser's own button and "no file chosen" text
// cannot be translated, so the native control is hidden (still focusable) behind a label, and
// this writes the names of the files chosen beside it.
for (const input of document.querySelectorAll('.file-pick input[type=file]')) {
  const names = input.parentElement.querySelector('.file-names');
  if (!names || input.dataset.named) continue;
  input.dataset.named = '1';
  input.addEventListener('change', () => {
    const files = Array.from(input.files || [], (f) => f.name);
    names.textContent = files.length === 0 ? 'Chưa chọn tệp nào' : files.length === 1 ? files[0] : `${files.length} tệp: ${files.join(', ')}`;
  });
}
