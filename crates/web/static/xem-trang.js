// The page viewer's keys and buttons: ← → previous and next page, + − zoom, R rotate, 0 fit.
// The image is the server's scaled preview; zooming past it loads the wider one once.
(function () {
  var image = document.getElementById('page-image');
  var zoom = 1, turn = 0, wide = false;
  function apply() {
    if (!image) return;
    if (zoom > 1 && !wide && image.dataset.wide) { wide = true; image.src = image.dataset.wide; }
    image.style.width = (zoom * 100) + '%';
    image.style.transform = 'rotate(' + turn + 'deg)';
  }
  function act(what) {
    if (what === 'larger') zoom = Math.min(zoom * 1.25, 5);
    else if (what === 'smaller') zoom = Math.max(zoom / 1.25, 0.3);
    else if (what === 'rotate') turn = (turn + 90) % 360;
    else if (what === 'reset') { zoom = 1; turn = 0; }
    apply();
  }
  document.querySelectorAll('[data-view]').forEach(function (b) {
    b.addEventListener('click', function () { act(b.dataset.view); });
  });
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target && e.target.tagName;
    if (t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT') return;
    var go = function (id) { var a = document.getElementById(id); if (a) window.location.href = a.href; };
    switch (e.key) {
      case 'ArrowLeft': go('prev'); break;
      case 'ArrowRight': go('next'); break;
      case '+': case '=': act('larger'); break;
      case '-': act('smaller'); break;
      case 'r': case 'R': act('rotate'); break;
      case '0': act('reset'); break;
      default: return;
    }
    e.preventDefault();
  });
})();
